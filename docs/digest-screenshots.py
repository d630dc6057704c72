"""Rebuild docs/digest-sample.html and its screenshots from a realistic database.

    .venv/bin/python docs/digest-screenshots.py          # needs chromium on PATH

The database is filled the way a user's is: loopback feeds (Google News style with <source>,
an outlet's own feed, a syndicator re-running its stories with tracking parameters) polled
by `tracker poll`. Headlines come from tests/data/labelled_items.jsonl. The digest is
exported with a fixed clock, Friday 27 February 2026 14:00 in New York, three hours before
the Pentagon's deadline, since a first digest made on Tuesday, so the pictures don't change
from run to run.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from tracker.cli import main
from tracker.config import load
from tracker.digest import export
from tracker.feedgen import FeedItem, rss
from tracker.feedserver import FeedServer
from tracker.store import Store

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
NY = ZoneInfo("America/New_York")
NOW = datetime(2026, 2, 27, 19, 0, tzinfo=timezone.utc)
FIRST = datetime(2026, 2, 17, 14, 0, tzinfo=timezone.utc)
CUT = datetime(2026, 2, 24, 17, 0, tzinfo=timezone.utc)  # the first digest, Tuesday noon in New York
KINDS = ("coverage", "hegseth", "amodei-only", "dpa", "opinion", "claude-only", "department-of-war")

CONFIG = """
[story]
title = "Pentagon vs Anthropic: the fight over AI safeguards"

[story.match]
require = [["Anthropic", "Claude", "Amodei"],
           ["Pentagon", "Hegseth", "Department of War", "War Department", "Defense Production Act",
            "military", "defense", "autonomous weapons", "Maduro"]]

[[deadlines]]
label = "Pentagon ultimatum to Anthropic expires"
at = "2026-02-27T17:00:00"
timezone = "America/New_York"
note = "Hegseth gave Anthropic until Friday 5 pm to accept the Pentagon's terms."
"""


def headlines() -> list[dict]:
    rows = [json.loads(line) for line in (ROOT / "tests/data/labelled_items.jsonl").open()]
    return [r for r in rows if r["on_story"] and r["kind"] in KINDS]


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60]


def feeds(rows: list[dict]) -> dict[str, list[FeedItem]]:
    """Spread the headlines over ten days, ever denser towards the deadline."""
    span = (NOW - FIRST).total_seconds()
    google, reuters, yahoo = [], [], []
    for n, r in enumerate(rows):
        when = FIRST + timedelta(seconds=span * ((n + 1) / (len(rows) + 1)) ** 0.6)
        title, _, outlet = r["title"].rpartition(" - ")
        if not title:
            title, outlet = r["title"], "Google News"
        if outlet == "Reuters":
            link = f"https://www.reuters.com/technology/{slug(title)}-2026-02-{when.day:02d}/"
            reuters.append(FeedItem(title, link=link, guid=link, published=when, summary=r["summary"]))
            if n % 2 == 0:  # a syndicator re-runs some of them, with its tracking parameters
                yahoo.append(FeedItem(title, link=link + "?utm_source=yahoo&utm_medium=rss", guid="y" + link,
                                      published=when + timedelta(minutes=20), summary=r["summary"]))
        else:
            google.append(FeedItem(
                r["title"], link=f"https://news.google.com/rss/articles/CBMi{n:04d}{slug(title)[:20]}?oc=5",
                guid=f"g{n}", published=when, summary=f"<p>{r['summary']}</p>",
                source=(outlet, f"https://{slug(outlet)}.example")))
    return {"google.xml": google, "reuters.xml": reuters, "yahoo.xml": yahoo}


def build(folder: Path) -> Path:
    """Two polls with a digest after each, as a user would make them: the second, since the
    last, is the sample."""
    names = {"google.xml": "Google News", "reuters.xml": "Reuters", "yahoo.xml": "Yahoo News"}
    everything = feeds(headlines())
    with FeedServer() as server:
        config_text = CONFIG + "".join(f'\n[[feeds]]\nname = "{names[p]}"\nurl = "{server.url("/" + p)}"\n'
                                       for p in everything)
        (folder / "data").mkdir()
        (folder / "feeds.toml").write_text(config_text, encoding="utf-8")
        config = load(folder / "feeds.toml")
        store = Store.open(config.database_path)
        for now, upto in ((CUT, CUT), (NOW, NOW)):
            for path, items in everything.items():
                server.set_feed(f"/{path}", rss([i for i in items if i.published <= upto]))
            assert main(["--config", str(folder / "feeds.toml"), "poll", "-q"]) == 0
            if now == CUT:
                export(store, config, output=folder / "first.html", now=CUT, tz=NY)
    # what a user would have starred while following the story
    for title in ("Hegseth gives Anthropic ultimatum", "Statement from Dario Amodei", "Anthropic rejects"):
        store.execute("UPDATE items SET starred = 1 WHERE title LIKE ?", (title + "%",))
    return export(store, config, fmt="html", output=DOCS / "digest-sample.html", now=NOW, tz=NY)[1]


def screenshot(html: Path, png: Path, size: str) -> None:
    browser = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if not browser:
        sys.exit("chromium is not installed (apt-get install chromium)")
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                        "--disable-component-update", "--no-first-run", "--hide-scrollbars",
                        f"--user-data-dir={profile}", f"--window-size={size}", f"--screenshot={png}",
                        html.as_uri()], check=True, capture_output=True, timeout=120)


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as tmp:
        page = build(Path(tmp))
    screenshot(page, DOCS / "digest-narrow.png", "390,900")
    screenshot(page, DOCS / "digest-wide.png", "1280,900")
    print(page, DOCS / "digest-narrow.png", DOCS / "digest-wide.png")
