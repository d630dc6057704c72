"""The outlets screen (O): who covered the story, how much, since when, who was first; and the
feeds that have carried nothing on it yet."""

from __future__ import annotations

from textual.widgets import DataTable

from tracker.tui.screens.outlets import OutletsScreen

from .test_tui import new_york, settle  # noqa: F401 - the autouse fixture pins the time zone
from .test_tui_timeline import DPA, fill, make_app, story  # noqa: F401 - story is a fixture

EVIL = "[bold red]Evil[/] News [@click=app.quit]"


def table(app) -> list[list[str]]:
    t = app.screen.query_one(DataTable)
    return [[str(c) for c in t.get_row_at(i)] for i in range(t.row_count)]


async def test_O_lists_outlets_with_items_first_report_and_firsts_and_the_silent_feeds(story):
    config, store = story
    # An outlet name is feed text: shown literally, never run as markup.
    fill(store, config, [("2026-02-25T17:30:00Z", 1, EVIL, "Anthropic files lawsuit in federal court against the Pentagon"),
                         # the DPA development in other words, before Wire's copy: Politico was first to it
                         ("2026-02-24T13:00:00Z", 1, "Politico", "Pentagon could use Defense Production Act on Anthropic")],
         first=100)
    app = make_app(story)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("O")
        await settle(pilot)
        assert isinstance(app.screen, OutletsScreen)
        # Most items first, then the earliest; who was first to each development, however
        # worded: Politico to the DPA one (before Wire's report, copied by Reuters and AP).
        assert table(app) == [
            ["Wire", "3", "Mon 23 Feb 2026 10:00", "2 developments"],
            ["Politico", "2", "Tue 24 Feb 2026 08:00", "2 developments"],
            ["Reuters", "2", "Tue 24 Feb 2026 09:20", "1 development"],
            ["AP", "1", "Tue 24 Feb 2026 10:00", "-"],
            [EVIL, "1", "Wed 25 Feb 2026 12:30", "1 development"],
        ]
        title = str(app.screen.query_one("#outlets-title").render())
        assert "5 have covered the story" in title and "sorted by most items" in title
        assert str(app.screen.query_one("#outlets-silent").render()) == (
            "Feeds with nothing on the story yet (1): Quiet feed")

        await pilot.press("s")
        assert [r[0] for r in table(app)] == ["Wire", "Politico", "Reuters", EVIL, "AP"]
        assert "sorted by first to report most" in str(app.screen.query_one("#outlets-title").render())
        await pilot.press("s")
        assert [r[0] for r in table(app)] == ["Wire", "Politico", "Reuters", "AP", EVIL]

        await pilot.press("escape")
        assert not isinstance(app.screen, OutletsScreen)
        assert app.is_running  # the [@click=app.quit] in the name did nothing
