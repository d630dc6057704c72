"""Write docs/screenshot-timeline.svg: the timeline screen (t) on two weeks of synthetic coverage,
with a fixed clock and zone, so the picture is the same on every run.

    python docs/screenshot-timeline.py
"""

from __future__ import annotations

import asyncio
import os
import random
import sys
import tempfile
import textwrap
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ["TZ"] = "America/New_York"
time.tzset()

from tracker.config import load  # noqa: E402
from tracker.match import Matcher  # noqa: E402
from tracker.model import Entry  # noqa: E402
from tracker.store import Store  # noqa: E402
from tracker.timeutil import to_iso  # noqa: E402
from tracker.tui.app import build_app  # noqa: E402

NOW = datetime(2026, 2, 26, 20, 0, tzinfo=timezone.utc)
CONFIG = """
[story]
title = "Pentagon vs Anthropic: the fight over AI safeguards"

[story.match]
require = [["Anthropic", "Claude", "Amodei"], ["Pentagon", "Hegseth", "Defense Production Act"]]

[[deadlines]]
label = "Pentagon ultimatum to Anthropic expires"
at = "2026-02-27T17:00:00"
timezone = "America/New_York"

[[feeds]]
name = "Google News"
url = "http://127.0.0.1:9/google.xml"

[[feeds]]
name = "Defense desk"
url = "http://127.0.0.1:9/defense.xml"
"""
OUTLETS = ["Reuters", "Associated Press", "Politico", "Defense One", "Breaking Defense", "The Verge", "Axios",
           "DefenseScoop", "Bloomberg", "Financial Times"]
SUBJECTS = ["Hegseth", "Pentagon", "Amodei", "The Pentagon", "Defense Secretary Hegseth"]
EVENTS = ["presses Anthropic over Claude limits on autonomous weapons", "weighs Defense Production Act against Anthropic",
          "sets Friday deadline in Anthropic dispute", "says Claude safeguards will stay", "meets Amodei at the Pentagon",
          "floats supply-chain risk label for Anthropic", "signals Anthropic talks could resume",
          "briefs lawmakers on the Anthropic standoff", "rejects Anthropic's compromise on surveillance limits"]
DETAILS = ["officials say", "sources say", "as talks stall", "ahead of Friday", "in letter to staff",
           "after White House meeting", "as lawmakers push back", "in court filing", "amid contractor worries",
           "on Capitol Hill"]
PER_DAY = [1, 0, 2, 1, 3, 2, 1, 4, 6, 3, 9, 12, 8, 5]  # developments, oldest day first


def fill(store: Store, config) -> None:
    rng = random.Random(7)
    matcher = Matcher(config.story.rules)
    feeds: dict[int, list] = {0: [], 1: []}
    n = 0
    for age, count in enumerate(reversed(PER_DAY)):
        day = NOW.replace(hour=23, minute=0) - timedelta(days=age)
        for _ in range(count):
            n += 1
            at = min(NOW - timedelta(minutes=3), day - timedelta(hours=rng.randint(0, 18), minutes=rng.randint(0, 59)))
            title = f"{rng.choice(SUBJECTS)} {rng.choice(EVENTS)}, {rng.choice(DETAILS)}"
            for copy in range(rng.choice([1, 1, 2, 3, 4])):  # one report carried by several outlets
                e = Entry(entry_id=f"d{n}-{copy}", title=title, link=f"https://news.test/{n}/{copy}",
                          published=to_iso(at + timedelta(minutes=9 * copy)), summary="",
                          outlet=OUTLETS[(n + 3 * copy) % len(OUTLETS)])
                feeds[copy % 2].append((e, matcher.match(e.title, e.summary)))
    for i, entries in feeds.items():
        store.store_fetch(config.feeds[i], entries, status=200, etag=None, last_modified=None,
                          next_poll=NOW + timedelta(minutes=10), now=NOW - timedelta(minutes=2))
    store.add_deadline("Court hearing on the supply-chain designation", datetime(2026, 2, 20, 15, 0, tzinfo=timezone.utc),
                       "America/New_York")


async def settle(pilot) -> None:
    for _ in range(3):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()


async def shoot(out: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "data").mkdir()
        (Path(tmp) / "feeds.toml").write_text(textwrap.dedent(CONFIG), encoding="utf-8")
        config = load(Path(tmp) / "feeds.toml")
        store = Store.open(config.database_path)
        store.sync_feeds(config.feeds)
        fill(store, config)
        app = build_app(config, store, clock=lambda: NOW, start_polling=False)
        async with app.run_test(size=(120, 36)) as pilot:
            await pilot.press("t")
            await settle(pilot)
            screen = app.screen
            busiest = max(range(len(screen.days)), key=lambda i: screen.days[i].count)
            await pilot.press(*["left"] * (screen.selected - busiest))
            await settle(pilot)
            app.save_screenshot(out.name, str(out.parent))
        store.close()


if __name__ == "__main__":
    target = ROOT / "docs" / "screenshot-timeline.svg"
    asyncio.run(shoot(target))
    print(target)
