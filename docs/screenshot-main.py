"""Write docs/screenshot-main.svg: the main screen on two weeks of synthetic coverage (the data
of screenshot-timeline.py) with the anchor article, a fixed clock and zone.

    python docs/screenshot-main.py
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

ARTICLE = f"""
headline = "Anthropic stands firm on military use restrictions as talks with Pentagon continue"
article = "{(HERE.parent / 'data' / 'article.txt').as_posix()}"
outlet = "Reuters (via Firstpost)"
published = "2026-02-24T19:00:00-05:00"
"""


async def shoot(out: Path, size=(160, 48)) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "data").mkdir()
        config_text = textwrap.dedent(timeline.CONFIG).replace(
            'title = "Pentagon vs Anthropic: the fight over AI safeguards"\n',
            'title = "Pentagon vs Anthropic: the fight over AI safeguards"\n' + ARTICLE.lstrip(), 1)
        (Path(tmp) / "feeds.toml").write_text(config_text, encoding="utf-8")
        config = load(Path(tmp) / "feeds.toml")
        store = Store.open(config.database_path)
        store.sync_feeds(config.feeds)
        timeline.fill(store, config)
        app = build_app(config, store, clock=lambda: timeline.NOW, start_polling=False)
        async with app.run_test(size=size) as pilot:
            await timeline.settle(pilot)
            await pilot.press("j", "j")
            await timeline.settle(pilot)
            app.save_screenshot(out.name, str(out.parent))
        store.close()


if __name__ == "__main__":
    target = HERE / "screenshot-main.svg"
    asyncio.run(shoot(target))
    print(target)
