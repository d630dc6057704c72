"""j k g G move wherever the arrows do: the list, the article and detail panes, the feeds,
deadlines, outlets and timeline tables."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from textual.widgets import DataTable

from .test_tui import new_york, settle, until  # noqa: F401 - the autouse fixture pins the time zone
from .test_tui_snapshots import snapshot_app  # noqa: F401 - a fixture: an app with the article and items


async def scrolls_with_j_k_g_G(pilot, pane) -> None:
    await pilot.press("j")
    await until(pilot, lambda: pane.scroll_y == 1, "j to scroll the pane a line down")
    await pilot.press("G")
    await until(pilot, lambda: pane.scroll_y == pane.max_scroll_y > 1, "G to scroll it to the end")
    await pilot.press("k")
    await until(pilot, lambda: pane.scroll_y == pane.max_scroll_y - 1, "k to scroll it a line up")
    await pilot.press("g")
    await until(pilot, lambda: pane.scroll_y == 0, "g to scroll it to the top")


async def moves_with_j_k_g_G(pilot, key: str) -> None:
    await pilot.press(key)
    await settle(pilot)
    table = pilot.app.screen.query_one(DataTable)
    await until(pilot, lambda: table.row_count >= 2, f"the table behind {key} filled")
    assert table.cursor_row == 0
    await pilot.press("j")
    assert table.cursor_row == 1
    await pilot.press("k")
    assert table.cursor_row == 0
    await pilot.press("G")
    assert table.cursor_row == table.row_count - 1 > 0
    await pilot.press("g")
    assert table.cursor_row == 0
    await pilot.press("escape")


@pytest.mark.slow  # ~9 s: four screens opened and left
async def test_j_k_g_G_in_the_panes_and_on_every_screen(snapshot_app):
    app = snapshot_app
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("tab")
        assert app.article.has_focus
        await scrolls_with_j_k_g_G(pilot, app.article)

        app.store.add_deadline("Court hearing on the designation", datetime(2026, 3, 2, 15, tzinfo=timezone.utc),
                               "America/New_York")
        app.store.add_deadline("Hearing, day two", datetime(2026, 3, 3, 15, tzinfo=timezone.utc), "America/New_York")
        app.reload_deadlines()
        await pilot.press("shift+tab")
        assert app.items.has_focus
        for key in ("f", "d", "O", "t"):  # feeds, deadlines, outlets, the timeline's list
            await moves_with_j_k_g_G(pilot, key)
