"""Write docs/screenshot-developments-160x48.svg and -80x24.svg: the panel by development on
the labelled coverage of the story (tests/data/developments.jsonl), one development open in
the detail, with a fixed clock and zone.

    python docs/screenshot-developments.py
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import tempfile
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

CONFIG = """
[story]
title = "Pentagon vs Anthropic: the fight over AI safeguards"
article = "{article}"

[story.match]
require = [["Anthropic", "Claude", "Amodei"], ["Pentagon", "Hegseth", "Defense", "Department of War", "military"]]

[[deadlines]]
label = "Court hearing on the preliminary injunction"
at = "2026-03-24T13:30:00"
timezone = "America/Los_Angeles"

[[feeds]]
name = "News"
url = "http://127.0.0.1:9/news.xml"
"""


def coverage(until: str) -> list[dict]:
    rows = [json.loads(line) for line in (ROOT / "tests" / "data" / "developments.jsonl").open()]
    return sorted((r for r in rows if r["story"] == "pentagon" and r["published"] <= until),
                  key=lambda r: r["published"])


async def shoot(size: tuple[int, int], out: Path, now: datetime) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "data").mkdir()
        path = Path(tmp) / "feeds.toml"
        path.write_text(CONFIG.format(article=(ROOT / "data" / "article.txt").as_posix()), encoding="utf-8")
        config = load(path)
        store = Store.open(config.database_path)
        store.sync_feeds(config.feeds)
        store.set_setting("view", "developments")
        matcher = Matcher(config.story.rules)
        entries = [Entry(entry_id=r["link"], title=r["title"], link=r["link"], summary=r["summary"],
                         published=to_iso(datetime.fromisoformat(r["published"])), outlet=r["outlet"])
                   for r in coverage(now.isoformat())]
        entries = [(e, matcher.match(e.title, e.summary)) for e in entries]
        store.store_fetch(config.feeds[0], entries, status=200, etag=None, last_modified=None,
                          next_poll=now + timedelta(minutes=10), now=now - timedelta(minutes=2))
        app = build_app(config, store, clock=lambda: now, start_polling=False)
        async with app.run_test(size=size) as pilot:
            for _ in range(3):
                await pilot.pause()
                await app.workers.wait_for_complete()
            await pilot.press("j", "j", "enter")
            for _ in range(3):
                await pilot.pause()
                await app.workers.wait_for_complete()
            app.save_screenshot(out.name, str(out.parent))
        store.close()


if __name__ == "__main__":
    now = datetime(2026, 3, 6, 18, 0, tzinfo=timezone.utc)
    for size in ((160, 48), (80, 24)):
        target = ROOT / "docs" / f"screenshot-developments-{size[0]}x{size[1]}.svg"
        asyncio.run(shoot(size, target, now))
        print(target)
