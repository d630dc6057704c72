"""Write docs/screenshot-briefing-80x24.svg and -160x48.svg: the briefing card as the
dashboard opens, on the synthetic coverage of screenshot-timeline.py, last looked at two days
before its fixed clock.

    python docs/screenshot-briefing.py
"""

from __future__ import annotations

import asyncio
import importlib.util
import json
import tempfile
import textwrap
from datetime import timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location("screenshot_timeline", HERE / "screenshot-timeline.py")
timeline = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(timeline)  # sets TZ and sys.path as that script does

from tracker import brief  # noqa: E402
from tracker.config import load  # noqa: E402
from tracker.store import Store  # noqa: E402
from tracker.timeutil import to_iso  # noqa: E402
from tracker.tui.app import build_app  # noqa: E402

LOOKED = timeline.NOW - timedelta(days=2, hours=1, minutes=48)


def fill_in_two_polls(store: Store, config) -> int:
    """timeline.fill's coverage, fetched in two rounds: what was published before the last
    look, then the rest (arrival is what the briefing counts). -> the last id seen."""
    fetches = []
    store_fetch = store.store_fetch
    store.store_fetch = lambda feed, entries, **kw: fetches.append((feed, entries, kw))
    timeline.fill(store, config)
    del store.store_fetch
    seen = 0
    for before in (True, False):
        for feed, entries, kw in fetches:
            store_fetch(feed, [e for e in entries if (e[0].published <= to_iso(LOOKED)) == before], **kw)
        seen = seen or store.max_item_id()
    return seen


async def shoot(out: Path, size) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "data").mkdir()
        (Path(tmp) / "feeds.toml").write_text(textwrap.dedent(timeline.CONFIG), encoding="utf-8")
        config = load(Path(tmp) / "feeds.toml")
        store = Store.open(config.database_path)
        store.sync_feeds(config.feeds)
        seen = fill_in_two_polls(store, config)
        store.set_setting(brief.setting_key(config), json.dumps({"at": to_iso(LOOKED), "item": seen}))
        app = build_app(config, store, clock=lambda: timeline.NOW, start_polling=False)
        app.brief_seen_after = 3600
        async with app.run_test(size=size) as pilot:
            await timeline.settle(pilot)
            app.save_screenshot(out.name, str(out.parent))
        store.close()


if __name__ == "__main__":
    for w, h in ((80, 24), (160, 48)):
        target = HERE / f"screenshot-briefing-{w}x{h}.svg"
        asyncio.run(shoot(target, (w, h)))
        print(target)
