"""The help screen (?) at the smallest size the dashboard is made for."""

from __future__ import annotations

import io

from rich.console import Console

from tracker.config import load
from tracker.store import Store
from tracker.tui.app import build_app
from tracker.tui.keys import KEYS
from tracker.tui.screens.help import KEY_WIDTH, HelpScreen, key_table

from .conftest import write_config


def test_a_wrapped_description_goes_on_under_its_own_text():
    console = Console(width=74, file=io.StringIO(), color_system=None)  # the help's width at 80 columns
    with console.capture() as captured:
        console.print(key_table())
    lines = captured.get().splitlines()
    indent = " " * (KEY_WIDTH + 2)
    continued = [line for line in lines if not line[:KEY_WIDTH].strip()]
    assert continued, "some description is longer than a line at 80 columns"
    assert all(line.startswith(indent) and line[len(indent)] != " " for line in continued)
    text = " ".join(line[len(indent):].strip() for line in lines)
    assert all(k.description in text for k in KEYS)  # each one whole, in reading order


async def test_the_help_fits_80x24_and_scrolls_to_its_end(tmp_path):
    config = load(write_config(tmp_path))
    store = Store.open(config.database_path)
    app = build_app(config, store, start_polling=False)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("question_mark")
            await pilot.pause()
            assert isinstance(app.screen, HelpScreen)
            box = app.screen.query_one("#help")
            assert box.region.x >= 0 and box.region.right <= 80 and box.region.bottom <= 24
            assert box.max_scroll_x == 0  # nothing wider than the box
            assert box.region.height == 24  # the whole height: as many keys as possible at once
    finally:
        store.close()
