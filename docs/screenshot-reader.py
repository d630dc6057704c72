"""Write docs/screenshot-reader.svg: the reader view, a report's full text beside the list
(the data of screenshot-timeline.py, a fixed clock and zone).

    python docs/screenshot-reader.py
"""

from __future__ import annotations

import asyncio
import importlib.util
import tempfile
import textwrap
from pathlib import Path

HERE = Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location("screenshot_timeline", HERE / "screenshot-timeline.py")
timeline = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(timeline)  # sets TZ and sys.path as that script does

from tracker.config import load  # noqa: E402
from tracker.store import Store  # noqa: E402
from tracker.tui.app import build_app  # noqa: E402

TEXT = """The Pentagon's technology chief said on Thursday that talks with Anthropic had reached an impasse, a day before the deadline the department set for the company to drop the limits it places on military use of its Claude models.

"We have made our position clear," the official told reporters at a briefing, adding that the department would not accept a supplier that can switch off a capability in the middle of an operation.

Where the talks stand

Anthropic has offered to support intelligence analysis, logistics and cyber defence, people familiar with the talks said, but has refused to allow Claude to be used for fully autonomous targeting or for mass surveillance of Americans.

The company's chief executive, Dario Amodei, wrote to employees that Anthropic would rather lose the contract than abandon those two limits, according to a copy of the memo.

What happens on Friday

If no agreement is reached by 5:01 p.m. Eastern time on Friday, Defense Secretary Pete Hegseth has said the department will designate the company a supply-chain risk, which would bar contractors from using its products on defence work."""


async def shoot(out: Path, size=(160, 48)) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "data").mkdir()
        (Path(tmp) / "feeds.toml").write_text(textwrap.dedent(timeline.CONFIG), encoding="utf-8")
        config = load(Path(tmp) / "feeds.toml")
        store = Store.open(config.database_path)
        store.sync_feeds(config.feeds)
        timeline.fill(store, config)
        app = build_app(config, store, clock=lambda: timeline.NOW, start_polling=False)
        async with app.run_test(size=size) as pilot:
            await timeline.settle(pilot)
            await pilot.press("j", "j")
            await timeline.settle(pilot)
            store.save_text(app.items.selected_id, "https://www.reuters.com/world/us/pentagon-anthropic-talks/",
                            TEXT, author="Mike Stone", now=timeline.NOW)
            await pilot.press("enter")
            await timeline.settle(pilot)
            app.save_screenshot(out.name, str(out.parent))
        store.close()


if __name__ == "__main__":
    target = HERE / "screenshot-reader.svg"
    asyncio.run(shoot(target))
    print(target)
