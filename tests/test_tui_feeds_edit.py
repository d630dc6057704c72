"""`a` and `x` on the feeds screen: feeds.toml is edited in place (comments kept), the database
and the scheduler follow, a new feed is polled at once."""

from __future__ import annotations

import textwrap

from textual.widgets import DataTable, Input

from tracker.config import load
from tracker.feedgen import rss
from tracker.store import Filter
from tracker.tui.screens.confirm import ConfirmScreen
from tracker.tui.screens.feeds import AddFeedScreen, FeedsScreen

from .conftest import STORY
from .test_tui import new_york, polled, settle, story_items, toasts  # noqa: F401 - autouse fixture
from .test_tui_clusters import Dash

FEEDS = """
# Wire services: polled often
[[feeds]]
name = "Wire"  # the main wire
url = "{wire}"
interval = "10m"

# An outlet's own feed
[[feeds]]
name = "Outlet"
url = "{outlet}"
"""


def write(tmp_path, server) -> None:
    (tmp_path / "data").mkdir(exist_ok=True)
    text = textwrap.dedent(STORY) + FEEDS.format(wire=server.url("/wire.xml"), outlet=server.url("/outlet.xml"))
    (tmp_path / "feeds.toml").write_text(text, encoding="utf-8")


class Edited(Dash):
    def __init__(self, tmp_path, server):
        super().__init__(tmp_path, [])
        write(tmp_path, server)
        self.path = tmp_path / "feeds.toml"
        self.config = load(self.path)
        self.store.sync_feeds(self.config.feeds)


def feed_names(screen) -> list[str]:
    table = screen.query_one(DataTable)
    return [str(table.get_row_at(i)[0]) for i in range(table.row_count)]


async def test_a_adds_a_feed_to_feeds_toml_schedules_it_and_polls_it_now(tmp_path, server):
    server.set_feed("/wire.xml", rss(story_items(2)))
    server.set_feed("/outlet.xml", rss([]))
    server.set_feed("/new.xml", rss(story_items(3, first=10)))
    d = Edited(tmp_path, server)
    app = d.app()
    async with app.run_test(size=(140, 40)) as pilot:
        await polled(pilot)
        (await app.polling_ready()).start()  # the schedule as the dashboard runs it (polled: nothing due now)
        await pilot.press("f")
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, AddFeedScreen)
        app.screen.query_one("#feed-url", Input).value = server.url("/wire.xml")  # already there
        await pilot.press("enter")
        await settle(pilot)
        assert "already in" in str(app.screen.query_one("#feed-problem").content)  # said, and nothing written
        assert "New desk" not in d.path.read_text()

        app.screen.query_one("#feed-url", Input).value = server.url("/new.xml")
        await pilot.press("tab", *"New desk", "enter")
        await settle(pilot)
        assert isinstance(app.screen, FeedsScreen)
        text = d.path.read_text()
        assert "# Wire services: polled often" in text and 'name = "Wire"  # the main wire' in text
        assert text.rstrip().endswith(f'[[feeds]]\nname = "New desk"\nurl = "{server.url("/new.xml")}"')
        assert [f.name for f in load(d.path).feeds] == ["Wire", "Outlet", "New desk"]

        assert server.hits("/new.xml") == 1  # polled at once
        assert feed_names(app.screen) == ["Wire", "Outlet", "New desk"]
        assert any("added New desk to feeds.toml" in t for t in toasts(app))
        assert app.poller.scheduler.get_job("New desk") is not None  # and from now on, on its interval
        assert [f.name for f in app.config.feeds] == ["Wire", "Outlet", "New desk"]
        await pilot.press("escape")
        await settle(pilot)
        assert len(app.items.ids) == 5


async def test_x_removes_the_selected_feed_after_asking_and_keeps_its_items(tmp_path, server):
    server.set_feed("/wire.xml", rss(story_items(2)))
    server.set_feed("/outlet.xml", rss(story_items(2, first=5)))
    d = Edited(tmp_path, server)
    app = d.app()
    async with app.run_test(size=(140, 40)) as pilot:
        await polled(pilot)
        (await app.polling_ready()).start()
        assert app.poller.scheduler.get_job("Outlet") is not None
        await pilot.press("f")
        await settle(pilot)
        await pilot.press("down", "x")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")  # changed their mind
        await settle(pilot)
        assert "Outlet" in d.path.read_text() and feed_names(app.screen) == ["Wire", "Outlet"]

        await pilot.press("x", "y")
        await settle(pilot)
        text = d.path.read_text()
        assert 'name = "Outlet"' not in text and "# An outlet's own feed" not in text
        assert "# Wire services: polled often" in text and 'name = "Wire"  # the main wire' in text
        assert feed_names(app.screen) == ["Wire"]
        assert app.poller.scheduler.get_job("Outlet") is None
        assert app.store.count(Filter(story=True)) == 4  # what it brought is still there
        hits = server.hits("/outlet.xml")
        await pilot.press("escape", "R")
        await settle(pilot)
        assert server.hits("/outlet.xml") == hits  # R polls what feeds.toml lists now
