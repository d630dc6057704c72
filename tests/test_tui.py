"""The dashboard, driven with Pilot against feeds served on 127.0.0.1."""

from __future__ import annotations

import gc
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Callable

import pytest
from textual.widgets import ContentSwitcher, DataTable

from tracker.config import load
from tracker.feedgen import FeedItem, rss
from tracker.store import Store
from tracker.tui.app import build_app
from tracker.tui.screens.deadlines import DeadlinesScreen
from tracker.tui.screens.feeds import FeedsScreen
from tracker.tui.screens.help import HelpScreen
from tracker.update import Updater

from .conftest import write_config

NOW = datetime(2026, 2, 25, 18, 0, tzinfo=timezone.utc)  # the frozen dashboard clock
T0 = datetime(2026, 2, 24, 12, 0, tzinfo=timezone.utc)

DEADLINE = """
[[deadlines]]
label = "Pentagon ultimatum to Anthropic expires"
at = "2026-02-27T17:00:00"
timezone = "America/New_York"
note = "Friday 5 pm."
"""

TOPICS = ["Hegseth gives Anthropic until Friday", "Pentagon weighs Defense Production Act against Anthropic",
          "Anthropic holds line on Claude safeguards as Pentagon talks go on",
          "Amodei meets Hegseth at the Pentagon", "Venezuela raid strained Anthropic's Pentagon ties",
          "Pentagon floats supply-chain risk label for Anthropic"]


def story_items(n: int, first: int = 1, start: datetime = T0, step: timedelta = timedelta(minutes=10),
                link: str = "https://news.test/{k}") -> list[FeedItem]:
    return [FeedItem(f"{TOPICS[k % len(TOPICS)]} (#{k})", link=link.format(k=k), guid=f"g{k}",
                     published=start + (k - first) * step,
                     summary=f"Report {k}: the Pentagon and Anthropic, Hegseth and Claude.")
            for k in range(first, first + n)]


class Clock:
    """The dashboard's clock under the test's control."""

    def __init__(self, now: datetime = NOW):
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture(autouse=True)
def new_york(new_york):
    """Local times on screen depend on the zone: conftest's New York, for every test here
    and in the modules that import this fixture."""
    yield


class Env:
    def __init__(self, tmp_path: Path, server, items: list[FeedItem], extra: str = DEADLINE):
        self.server = server
        server.set_feed("/wire.xml", rss(items))
        self.config = load(write_config(tmp_path, [("Wire", server.url("/wire.xml"))], extra=extra))
        self.store = Store.open(self.config.database_path)
        self.store.set_setting("view", "reports")  # the reports' list; developments: test_tui_developments.py
        self.store.sync_feeds(self.config.feeds)
        self.opened: list[str] = []
        self.clock = Clock()

    def app(self, **kw):
        app = build_app(self.config, self.store, clock=self.clock, start_polling=False,
                        browser=self.opened.append, **kw)
        app.arrivals_quiet = 0  # every batch gets its toast; test_toasts_gather_a_burst covers the wait
        app.arrivals_timeout = 600  # the toast a test looks for does not expire on a busy machine
        return app

    def publish(self, items: list[FeedItem]) -> None:
        self.server.set_feed("/wire.xml", rss(items))

    def reopen(self) -> None:
        self.store.close()
        self.store = Store.open(self.config.database_path)
        self.store.set_setting("view", "reports")  # the reports' list; developments: test_tui_developments.py


@pytest.fixture
def env(tmp_path, server):
    e = Env(tmp_path, server, story_items(5))
    yield e
    e.store.close()


WAIT = 30.0  # seconds a test waits for a state before failing: the machine is often busy


async def settle(pilot, timeout: float = WAIT) -> None:
    """Let messages, workers (polls, database looks, their follow-ups) and the next frame
    finish: until two rounds in a row find no worker running, however slow the machine is.
    A fixed number of pauses is not enough there: a poll's result starts a look at the
    database, which starts a toast, each a round later."""
    app, quiet = pilot.app, 0
    end = time.monotonic() + timeout
    while quiet < 2:
        if time.monotonic() > end:
            raise AssertionError(f"the dashboard did not settle in {timeout:.0f} s: {list(app.workers)}")
        await pilot.pause()
        quiet = 0 if len(app.workers) else quiet + 1
        await app.workers.wait_for_complete()
    await pilot.pause()


async def until(pilot, condition: Callable[[], object], what: str, timeout: float = WAIT) -> None:
    """Wait for a state, not for a time: settle until `condition()` holds, or fail saying
    what never came."""
    end = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > end:
            raise AssertionError(f"waited {timeout:.0f} s for {what}; toasts: {toasts(pilot.app)}")
        await settle(pilot, timeout)


async def while_working(pilot, condition: Callable[[], object], what: str, timeout: float = WAIT) -> None:
    """until(), for while a worker is still running on purpose (settle would wait for it)."""
    end = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > end:
            raise AssertionError(f"waited {timeout:.0f} s for {what}; toasts: {toasts(pilot.app)}")
        await pilot.pause(0.02)


async def polled(pilot) -> None:
    await (await pilot.app.polling_ready()).poll_now()
    await settle(pilot)


def titles(app) -> list[str]:
    rows = app.store.rows(app.items.ids)
    return [rows[i].title for i in app.items.ids]


def selected_title(app) -> str:
    return app.items.row(app.items.selected_id).title


def screen_lines(app) -> list[str]:
    """The panel's rows as drawn (the developments' or the reports', whichever it shows)."""
    return [app.panel.render_line(y).text for y in range(app.panel.scrollable_content_region.height)]


def toasts(app) -> list[str]:
    return [f"{n.title}\n{n.message}" for n in app._notifications]


def toast_starting(app, start: str) -> str | None:
    """The latest toast whose title and message start with `start` ("3 new items\n"): other
    toasts (R's "polled 1 feed: …") may come before or after it."""
    return next((t for t in reversed(toasts(app)) if t.startswith(start)), None)


def table_drawn(table) -> bool:
    """Every cell on screen of a DataTable drawn whole. Textual measures the columns when the
    table is next idle, and draws its rows at those widths only after the resize that
    follows (its row cache is not keyed by width): a table drawn before then has cut columns."""
    lines = [table.render_line(y).text for y in range(min(table.size.height, table.row_count + 1))]
    if not lines or any(str(c.label) not in lines[0] for c in table.ordered_columns):
        return False
    return all(str(cell) in line for row, line in enumerate(lines[1:]) for cell in table.get_row_at(row))


# ------------------------------------------------------------------ the countdown
async def test_countdown_to_a_future_deadline_with_its_colour_levels(env):
    app = env.app()
    async with app.run_test(size=(120, 40)) as pilot:
        countdown = app.header.countdown
        assert countdown.text.startswith("2d 04h 00m 00s to Fri 27 Feb 2026 17:00 EST")
        assert "Pentagon ultimatum to Anthropic expires" in countdown.text
        assert countdown.has_class("-calm")

        env.clock.now = datetime(2026, 2, 27, 12, 0, 1, tzinfo=timezone.utc)
        app.header.tick()
        await pilot.pause()
        assert countdown.text.startswith("09h 59m 59s to Fri 27 Feb 2026 17:00 EST")
        assert countdown.has_class("-warning") and not countdown.has_class("-calm")

        env.clock.now = datetime(2026, 2, 27, 21, 59, 30, tzinfo=timezone.utc)
        app.header.tick()
        assert countdown.text.startswith("00h 00m 30s")
        assert countdown.has_class("-alarm")


async def test_countdown_says_plainly_when_every_deadline_passed_and_shows_a_new_one(env):
    env.clock.now = datetime(2026, 11, 27, 12, 0, tzinfo=timezone.utc)
    app = env.app()
    async with app.run_test(size=(120, 40)) as pilot:
        countdown = app.header.countdown
        assert countdown.text.startswith("passed 9 months ago (Fri 27 Feb 2026 17:00 EST)")
        assert countdown.has_class("-passed")

        # A milestone added by the user (here by another process) becomes the next deadline.
        other = Store.open(env.config.database_path)
        other.add_deadline("Court hearing on the designation", datetime(2026, 12, 1, 15, 0, tzinfo=timezone.utc),
                           "America/New_York")
        other.close()
        app.watch_store()
        await settle(pilot)
        assert countdown.text.startswith("4d 03h 00m 00s to Tue 01 Dec 2026 10:00 EST")
        assert "Court hearing on the designation" in countdown.text
        assert countdown.has_class("-calm")

        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, DeadlinesScreen)
        table = app.screen.query_one(DataTable)
        rows = [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]
        assert [r[3] for r in rows] == ["Pentagon ultimatum to Anthropic expires", "Court hearing on the designation"]
        assert rows[0][2] == "passed 9 months ago" and rows[1][2].startswith("in 4d")
        assert rows[1][4] == "added"
        await pilot.press("escape")
        assert not isinstance(app.screen, DeadlinesScreen)


# ------------------------------------------------------------------ the live panel
async def test_poll_fills_the_panel_newest_first_with_time_outlet_title(env):
    app = env.app()
    async with app.run_test(size=(120, 40)) as pilot:
        assert "No items on the story yet" in screen_lines(app)[0]
        await polled(pilot)
        assert titles(app) == [i.title for i in reversed(story_items(5))]
        first = screen_lines(app)[0]
        # new-since-open marker, relative and local time, outlet, title
        assert first.startswith("●   1d 24 Feb Wire ")
        assert first.endswith("Pentagon floats supply-chain risk label fo…")  # cut to the width
        assert len(first) == app.items.scrollable_content_region.width
        assert toast_starting(app, "5 new items\n")
        assert "Coverage 5" in str(app.items.border_title)


async def test_new_items_arrive_at_the_top_without_moving_the_cursor_or_the_view(tmp_path, server):
    env = Env(tmp_path, server, story_items(60))
    app = env.app()
    async with app.run_test(size=(120, 40)) as pilot:
        await polled(pilot)
        await pilot.press("G")
        for _ in range(10):
            await pilot.press("k")
        chosen, cursor = selected_title(app), app.items.cursor
        top = round(app.items.scroll_offset.y)
        assert top > 0
        before = screen_lines(app)

        env.publish(story_items(63))  # three newer items
        await pilot.press("R")
        # The one new-items toast, still up from the first poll, now counts these three too.
        await until(pilot, lambda: toast_starting(app, "63 new items\n"), "the toast of the three arrivals")

        assert len(app.items.ids) == 63
        assert selected_title(app) == chosen
        assert app.items.cursor == cursor + 3
        assert round(app.items.scroll_offset.y) == top + 3
        assert screen_lines(app) == before  # the rows being read did not move
        assert toast_starting(app, "63 new items\n• Amodei meets Hegseth at the Pentagon (#63)\n")
        assert "↑ 3 new" in str(app.items.border_title)

        await pilot.press("g")
        assert titles(app)[0].endswith("(#63)") and app.items.cursor == 0


async def test_an_older_item_is_placed_by_its_date_and_the_cursor_stays(env):
    app = env.app()
    async with app.run_test(size=(120, 40)) as pilot:
        await polled(pilot)
        await pilot.press("j", "j", "j")  # on #2
        assert selected_title(app).endswith("(#2)")
        late = FeedItem("Anthropic and Pentagon: a late report (#99)", link="https://news.test/99", guid="g99",
                        published=T0 + timedelta(minutes=15), summary="Hegseth, Anthropic.")
        env.publish(story_items(5) + [late])
        await polled(pilot)
        assert [t.rsplit(" ", 1)[1] for t in titles(app)] == ["(#5)", "(#4)", "(#3)", "(#99)", "(#2)", "(#1)"]
        assert selected_title(app).endswith("(#2)") and app.items.cursor == 4


async def test_toasts_gather_a_burst_of_arrivals(env):
    app = env.app()
    app.arrivals_quiet = 60
    async with app.run_test(size=(120, 40)) as pilot:
        await polled(pilot)
        assert len(toasts(app)) == 1 and "5 new items" in toasts(app)[0]  # the first batch at once
        for n in (6, 8):
            env.publish(story_items(n))
            await polled(pilot)
        assert len(toasts(app)) == 1 and len(app.items.ids) == 8  # listed at once, told later
        assert toasts(app)[0].startswith("5 new items\n")
        app._toast_quiet.stop()
        app._announce()  # what the quiet timer does when it runs out
        await until(pilot, lambda: toast_starting(app, "8 new items\n"), "the toast updated")
        # Still one toast, the newest titles in it: not a stack of them over the screen.
        assert toasts(app) == ["8 new items\n• Anthropic holds line on Claude safeguards as Pentagon…\n"
                               "• Pentagon weighs Defense Production Act against…"]  # cut to one line each


async def test_arrivals_update_one_short_toast_clear_of_the_list_and_the_footer_at_80x24(env):
    from textual.widgets._toast import Toast, ToastRack
    app = env.app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:  # toasts drawn, as in a terminal
        await polled(pilot)
        env.publish(story_items(7))
        await polled(pilot)
        await until(pilot, lambda: toast_starting(app, "7 new items\n"), "the toast counting both polls")
        assert toasts(app) == ["7 new items\n• Pentagon weighs Defense…"]  # the newest title, cut
        rack = app.screen.get_child_by_type(ToastRack)
        await until(pilot, lambda: len(rack.query(Toast)) == 1, "the toast drawn")
        toast = rack.query_one(Toast).region
        for widget in (app.items, app.status, app.query_one("KeyFooter")):
            assert not toast.overlaps(widget.region), widget


async def test_toasts_false_in_feeds_toml_leaves_the_counter_only(tmp_path, server):
    env = Env(tmp_path, server, story_items(5), extra=DEADLINE + "\n[notify]\ntoasts = false\n")
    app = env.app()
    async with app.run_test(size=(120, 40)) as pilot:
        await polled(pilot)
        assert len(app.items.ids) == 5 and toasts(app) == []
        await pilot.press("y")  # what a key does is still said
        assert toasts(app) == ["\ncopied https://news.test/5"]


async def test_items_written_by_another_process_appear_without_a_reload(env):
    app = env.app()
    async with app.run_test(size=(120, 40)) as pilot:
        await polled(pilot)
        await pilot.press("j")
        chosen = selected_title(app)
        env.publish(story_items(7))
        other = Store.open(env.config.database_path)  # a second connection, as a daemon would have
        updater = Updater(env.config, other)
        await updater.update_all()
        await updater.aclose()
        other.close()
        app.watch_store()  # the once-a-second look at PRAGMA data_version
        await settle(pilot)
        assert len(app.items.ids) == 7
        assert selected_title(app) == chosen
        assert toast_starting(app, "7 new items\n")  # the one toast, still up from the first poll


# ------------------------------------------------------------------ keys
async def test_moving_keys_and_mouse(env):
    app = env.app()
    async with app.run_test(size=(120, 40)) as pilot:
        await polled(pilot)
        assert app.items.cursor == 0
        await pilot.press("j", "down")
        assert app.items.cursor == 2
        await pilot.press("k")
        assert app.items.cursor == 1
        await pilot.press("up", "up")
        assert app.items.cursor == 0
        await pilot.press("G")
        assert app.items.cursor == 4
        await pilot.press("g")
        assert app.items.cursor == 0
        await pilot.click("#items", offset=(10, 3))  # row 3 inside the border
        assert app.items.cursor == 2
        await pilot.click("#items", offset=(10, 3))  # a second click opens it
        await settle(pilot)
        assert app.query_one("#side", ContentSwitcher).current == "detail"


async def test_enter_shows_the_detail_and_marks_read_esc_goes_back_tab_switches_panes(env):
    app = env.app()
    async with app.run_test(size=(120, 40)) as pilot:
        await polled(pilot)
        item_id = app.items.selected_id
        assert not env.store.item(item_id).read
        await pilot.press("enter")
        await settle(pilot)
        assert app.query_one("#side", ContentSwitcher).current == "detail"
        detail = app.detail.body.render().plain
        assert detail.startswith("Pentagon floats supply-chain risk label for Anthropic (#5)\n")
        assert "feeds  Wire" in detail
        assert "link  https://news.test/5" in detail
        assert "matched: Anthropic · Claude · Pentagon · Hegseth" in detail
        assert env.store.item(item_id).read == 1
        await pilot.press("tab")  # into the detail pane; the item keys act on its item
        assert app.detail.has_focus
        await pilot.press("m")
        await settle(pilot)
        assert env.store.item(item_id).read == 0
        await pilot.press("escape")
        assert app.query_one("#side", ContentSwitcher).current == "article"
        assert app.items.has_focus
        await pilot.press("tab")
        assert app.article.has_focus
        await pilot.press("shift+tab")
        assert app.items.has_focus


async def test_m_s_and_n_change_read_and_star_in_the_database(env):
    app = env.app()
    async with app.run_test(size=(120, 40)) as pilot:
        await polled(pilot)
        ids = list(app.items.ids)
        await pilot.press("m")
        await settle(pilot)
        assert env.store.item(ids[0]).read == 1
        await pilot.press("m")
        await settle(pilot)
        assert env.store.item(ids[0]).read == 0

        await pilot.press("s")
        await settle(pilot)
        assert env.store.item(ids[0]).starred == 1
        assert screen_lines(app)[0][1] == "★"

        env.store.set_read(ids[1:3])
        await pilot.press("n")
        await settle(pilot)
        assert app.items.cursor == 3  # skips the two read ones
        await pilot.press("n")
        await settle(pilot)
        assert app.items.cursor == 4
        await pilot.press("n")
        await settle(pilot)
        assert app.items.cursor == 4
        assert "no unread items below" in toasts(app)[-1]


async def test_read_and_star_survive_a_restart(env):
    app = env.app()
    async with app.run_test(size=(120, 40)) as pilot:
        await polled(pilot)
        await pilot.press("j", "s", "j", "enter")
        await settle(pilot)
        starred, read = app.items.ids[1], app.items.ids[2]
    env.reopen()
    app = env.app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        rows = app.store.rows([starred, read])
        assert rows[starred].starred == 1 and rows[read].read == 1
        lines = screen_lines(app)
        assert lines[1][1] == "★" and not lines[0].startswith("●")  # nothing new since this opening
        await pilot.press("u", "u")  # starred
        await settle(pilot)
        assert app.items.ids == [starred]


async def test_o_opens_http_links_only_and_y_copies_them(env):
    app = env.app()
    async with app.run_test(size=(120, 40)) as pilot:
        await polled(pilot)
        await pilot.press("o")
        await settle(pilot)
        assert env.opened == ["https://news.test/5"]
        await pilot.press("y")
        assert app.clipboard == "https://news.test/5"

        # A link that is not http(s) (written by something other than tracker's parser) is refused.
        env.store.execute("UPDATE items SET link = 'javascript:alert(1)' WHERE id = ?", (app.items.ids[1],))
        app.items.invalidate()
        await pilot.press("j", "o", "y")
        await settle(pilot)
        assert env.opened == ["https://news.test/5"]
        assert app.clipboard == "https://news.test/5"
        assert any("not opened: 'javascript:alert(1)' is not an http(s) link" in t for t in toasts(app))
        assert "not copied" in toasts(app)[-1]


async def test_o_without_a_browser_says_so_and_y_then_copies_the_link(env):
    asked = []

    def no_browser(url: str) -> bool:  # what webbrowser.open answers where it finds none
        asked.append(url)
        return False
    app = build_app(env.config, env.store, clock=env.clock, start_polling=False, browser=no_browser)
    async with app.run_test(size=(120, 40)) as pilot:
        await polled(pilot)
        await pilot.press("o")
        await until(pilot, lambda: asked and any("no browser" in t for t in toasts(app)), "o's answer")
        assert "\nno browser could open https://news.test/5: y copies the link" in toasts(app)
        assert not any("opened" in t or "opening" in t for t in toasts(app))
        await pilot.press("y")
        assert app.clipboard == "https://news.test/5"


async def test_search_filters_as_you_type_and_esc_clears(env):
    app = env.app()
    async with app.run_test(size=(120, 40)) as pilot:
        await polled(pilot)
        await pilot.press("slash")
        assert app.search.has_focus
        await pilot.press(*"venez")  # results as you type: a prefix matches
        await settle(pilot)
        assert titles(app) == ["Venezuela raid strained Anthropic's Pentagon ties (#4)"]
        assert "search: venez" in str(app.items.border_title)
        app.search.value = 'venez "[x* OR'  # FTS syntax in the query is just words
        await settle(pilot)
        assert titles(app) == []
        assert "Nothing matches." in screen_lines(app)[0]
        await pilot.press("escape")
        await settle(pilot)
        assert len(titles(app)) == 5 and app.items.has_focus and app.search.value == ""

        await pilot.press("slash")
        app.search.value = "supply"
        await pilot.press("enter")  # Enter keeps the results, back in the list
        await settle(pilot)
        assert app.items.has_focus and len(titles(app)) == 1
        await pilot.press("escape")  # Esc in the list clears the search too
        await settle(pilot)
        assert len(titles(app)) == 5


async def test_search_waits_for_a_second_letter_unless_enter_is_pressed(env):
    app = env.app()
    async with app.run_test(size=(120, 40)) as pilot:
        await polled(pilot)
        everything = titles(app)
        await pilot.press("slash", "v")
        await settle(pilot)
        assert titles(app) == everything and app.filter.query == ""  # one letter filters nothing yet
        await pilot.press("e")
        await settle(pilot)
        assert titles(app) == ["Venezuela raid strained Anthropic's Pentagon ties (#4)"]
        await pilot.press("backspace")
        await settle(pilot)
        assert titles(app) == everything  # back to one letter: back to the whole list
        await pilot.press("enter")
        await settle(pilot)
        assert app.filter.query == "v" and titles(app) == ["Venezuela raid strained Anthropic's Pentagon ties (#4)"]
        assert "search: v" in str(app.items.border_title)


async def test_u_cycles_all_unread_starred_off_story(env):
    app = env.app()
    async with app.run_test(size=(120, 40)) as pilot:
        await polled(pilot)
        ids = list(app.items.ids)
        env.store.set_read(ids[:2])
        env.store.set_starred(ids[3], True)
        await pilot.press("u")
        await settle(pilot)
        assert app.items.ids == ids[2:] and "unread" in str(app.items.border_title)
        await pilot.press("u")
        await settle(pilot)
        assert app.items.ids == [ids[3]] and "starred" in str(app.items.border_title)
        await pilot.press("u")
        await settle(pilot)
        assert app.items.ids == [] and "off-story" in str(app.items.border_title)  # the rules left nothing out
        await pilot.press("u")
        await settle(pilot)
        assert app.items.ids == ids


async def test_feeds_screen_shows_health_and_R_there_polls_one_feed(tmp_path, server):
    env = Env(tmp_path, server, story_items(2))
    server.set_response("/broken.xml", 500, b"oops")
    path = write_config(tmp_path, [("Wire", server.url("/wire.xml")), ("Broken", server.url("/broken.xml"))],
                        extra=DEADLINE)
    env.config = load(path)
    env.store.sync_feeds(env.config.feeds)
    app = env.app()
    async with app.run_test(size=(140, 40)) as pilot:
        await polled(pilot)
        assert "1 ok" in app.status.text and "1 failing" in app.status.text
        await pilot.press("f")
        await settle(pilot)
        assert isinstance(app.screen, FeedsScreen)
        table = app.screen.query_one(DataTable)
        rows = {str(table.get_row_at(i)[0]): [str(c) for c in table.get_row_at(i)] for i in range(table.row_count)}
        assert rows["Wire"][1] == "ok" and rows["Broken"][1] == "failing"
        assert "500" in rows["Broken"][7]
        await pilot.press("s", "m")  # list keys do nothing to the hidden list
        await settle(pilot)
        assert all(not r.starred and not r.read for r in env.store.items())
        hits = server.hits("/broken.xml")
        await pilot.press("down", "R")
        await settle(pilot)
        assert server.hits("/broken.xml") == hits + 1
        assert server.hits("/wire.xml") == 1
        await pilot.press("escape")
        assert not isinstance(app.screen, FeedsScreen)


async def test_R_polls_every_feed_and_the_status_line_follows(env):
    app = env.app()
    async with app.run_test(size=(120, 40)) as pilot:
        assert "not polled yet" in app.status.text and "last poll never" in app.status.text
        await pilot.press("R")
        await settle(pilot)
        assert env.server.hits("/wire.xml") == 1
        assert len(app.items.ids) == 5
        assert "1 ok" in app.status.text
        # The new-items toast says what came; no second one repeats it.
        assert toasts(app) == ["\npolling 1 feeds", "5 new items\n• Pentagon floats supply-chain risk label for Anthropic…"
                               "\n• Venezuela raid strained Anthropic's Pentagon ties (#4)"]
        await pilot.press("R")
        await until(pilot, lambda: "\npolled 1 feed: nothing new" in toasts(app), "R's toast")


async def test_help_palette_export_and_quit(env):
    app = env.app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)

        commands = [c.title for c in app.get_system_commands(app.screen)]
        for name in ("Next unread (n)", "Search (/)", "Filter (u)", "Feeds (f)", "Poll (R)", "Deadlines (d)",
                     "Export (e)", "Open link (o)", "Copy link (y)", "Star (s)", "Read (m)"):
            assert name in commands

        await pilot.press("e")
        await settle(pilot)
        try:
            from tracker.digest import export_default  # noqa: F401 - written by another issue
        except ImportError:
            assert "digest export is not available" in toasts(app)[-1]
        else:
            message = toasts(app)[-1]
            assert "digest written to " in message
            assert Path(message.split("digest written to ", 1)[1]).is_file()

        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0


async def test_poll_results_arriving_while_the_app_closes_are_ignored(env):
    """A poll's result can arrive after q has closed the screens: no traceback on the way out."""
    from tracker.tui.messages import PollFinished, StoreChanged
    from tracker.update import UpdateResult

    app = env.app()
    async with app.run_test(size=(120, 40)) as pilot:
        await polled(pilot)
        await pilot.press("enter")  # the detail is showing when the app closes
        await settle(pilot)
        shown = app.detail.item_id
    app.on_poll_finished(PollFinished(UpdateResult("Wire", status=200, new=(shown,), updated=(shown,))))
    app.on_store_changed(StoreChanged())


async def test_the_dashboard_prefetches_the_database_after_the_first_screen(env, monkeypatch):
    called = []
    monkeypatch.setattr(Store, "prefetch", lambda self: called.append(self.path))
    app = env.app()
    async with app.run_test(size=(120, 40)) as pilot:
        await app.polling_ready()
        await settle(pilot)
    assert called == [env.store.path]


async def test_the_collector_paused_for_the_start_is_back_once_the_poller_is_made(env):
    """`tracker` pauses the collector while the dashboard starts (cli.tui.pause_collection);
    the app resumes it, or nothing would ever collect its cycles."""
    from tracker.cli.tui import pause_collection

    pause_collection()
    try:
        app = env.app()
        async with app.run_test(size=(120, 40)) as pilot:
            await app.polling_ready()
            assert gc.isenabled() and gc.get_freeze_count() > 0
            await settle(pilot)
    finally:
        gc.enable()


async def test_a_failed_export_is_told_and_the_dashboard_goes_on(env):
    """A named job's failure (the digest export) is told in a toast, not an end of the app."""
    (env.config.database_path.parent / "digests").write_text("a file where the digests' folder goes\n")
    app = env.app()
    async with app.run_test(size=(120, 40)) as pilot:
        await polled(pilot)
        await pilot.press("e")
        end = time.monotonic() + WAIT
        while not toast_starting(app, "\ndigest export failed: cannot write ") and time.monotonic() < end:
            await pilot.pause(0.05)  # not settle(): waiting on a failed worker raises its error
        assert toast_starting(app, "\ndigest export failed: cannot write "), toasts(app)
        assert app.is_running
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0


async def test_a_locked_database_is_told_and_the_dashboard_goes_on(env, monkeypatch):
    """A mark that cannot be written (another process holding the write lock past the busy
    timeout) is told in a toast; once the lock is gone, marks are written again."""
    import sqlite3

    from tracker.store import _base

    monkeypatch.setattr(_base, "BUSY_TIMEOUT_MS", 300)  # for the dashboard's writer thread, made later
    app = env.app()
    async with app.run_test(size=(120, 40)) as pilot:
        await polled(pilot)
        first = app.items.ids[0]
        holder = sqlite3.connect(env.config.database_path, isolation_level=None)
        try:
            holder.execute("BEGIN IMMEDIATE")
            await pilot.press("s")
            end = time.monotonic() + WAIT
            while not toast_starting(app, "database\n") and time.monotonic() < end:
                await pilot.pause(0.05)  # not settle(): waiting on a failed worker raises its error
            told = toast_starting(app, "database\n")
            assert told and "stayed locked by another process" in told and "try again" in told, toasts(app)
            assert app.is_running and app.lost is None
            holder.execute("ROLLBACK")
        finally:
            holder.close()
        assert env.store.item(first).starred == 0
        # The row shows the star the failed write drew, or the database's state again if the
        # once-a-second look (watch_store) re-read it since: s writes the other one, each time.
        await pilot.press("s")
        await settle(pilot)
        if env.store.item(first).starred == 0:  # it showed the star: this s took it off
            await pilot.press("s")
            await settle(pilot)
        assert env.store.item(first).starred == 1
    assert app.return_code in (0, None)


async def test_edited_rules_are_applied_behind_the_first_screen(env):
    """After a rules edit in feeds.toml the dashboard opens at once on the verdicts it had,
    re-scores in a thread with its progress in the status line, and stays usable meanwhile
    (here another process holds the write lock, so the re-score waits); then the list
    follows the new rules, a toast says what moved, and only then does polling start."""
    import sqlite3

    from tracker.rescore import on_open

    async with env.app().run_test(size=(120, 40)) as pilot:
        await polled(pilot)
    on_open(env.store, env.config)  # scored under these rules: nothing left to do
    venezuela = next(i for i, r in env.store.rows(env.store.item_ids_between(
        env.app().filter, 0, env.store.max_item_id())).items() if "Venezuela" in r.title)
    path = env.config.path
    path.write_text(path.read_text().replace("[story.match]\n", '[story.match]\nexclude = ["Venezuela"]\n'))
    config = load(path)
    app = build_app(config, env.store, clock=env.clock, catch_up=True)
    holder = sqlite3.connect(env.config.database_path, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        async with app.run_test(size=(120, 40)) as pilot:
            assert venezuela in app.items.ids and len(app.items.ids) == 5  # the first screen: as it was
            await while_working(pilot, lambda: "re-scoring: " in app.status.text, "the re-score's progress")
            await while_working(pilot, lambda: app.poller is not None, "the poller")
            started, start = [], app.poller.start

            def starting(*args, **kwargs):
                started.append(app.status.work)  # what the status line still shows as polling starts
                return start(*args, **kwargs)
            app.poller.start = starting
            assert app.poller.scheduler is None  # polling waits for it
            await pilot.press("R")  # and so does a poll asked for
            await while_working(pilot, lambda: any("polls once the re-scoring" in t for t in toasts(app)),
                                "R's answer")
            await pilot.press("j")
            await while_working(pilot, lambda: app.items.selected_id == app.items.ids[1], "the cursor to move")
            await pilot.press("slash", "V", "e", "n")
            await while_working(pilot, lambda: app.items.ids == [venezuela], "the search's result")
            await pilot.press("escape")
            await while_working(pilot, lambda: len(app.items.ids) == 5, "the list again")
            holder.execute("ROLLBACK")
            await until(pilot, lambda: venezuela not in app.items.ids and len(app.items.ids) == 4,
                        "the list under the new rules")
            await until(pilot, lambda: any("1 off it" in t for t in toasts(app)), "the toast")
            assert "re-scoring" not in app.status.text
            await until(pilot, lambda: app.poller.scheduler is not None, "polling")
            assert started == [""]  # after the catch-up, not before
            await until(pilot, lambda: any(t.startswith("\npolled 1 feed") for t in toasts(app)), "R's poll")
            await settle(pilot)
    finally:
        holder.close()
    assert env.store.item(venezuela).on_story == 0


async def test_quitting_during_the_re_score_loses_nothing_and_the_next_start_does_it(env):
    """q while the edited rules are being applied: the app ends, the database keeps the old
    verdicts and rules (the re-score's transaction rolled back as a whole), and the next
    start applies them."""
    import sqlite3

    from tracker.rescore import RULES_KEY, on_open, rules_hash

    async with env.app().run_test(size=(120, 40)) as pilot:
        await polled(pilot)
    on_open(env.store, env.config)
    path = env.config.path
    path.write_text(path.read_text().replace("[story.match]\n", '[story.match]\nexclude = ["Venezuela"]\n'))
    config = load(path)
    on_story = len(env.store.item_ids_between(env.app().filter, 0, env.store.max_item_id()))
    holder = sqlite3.connect(env.config.database_path, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        app = build_app(config, env.store, clock=env.clock, start_polling=False, catch_up=True)
        async with app.run_test(size=(120, 40)) as pilot:
            await while_working(pilot, lambda: "re-scoring: " in app.status.text, "the re-score's progress")
            await pilot.press("q")
            holder.execute("ROLLBACK")  # the re-score gets the lock, and stops at its next report
    finally:
        holder.close()
    assert env.store.setting(RULES_KEY) != rules_hash(config)
    assert len(env.store.item_ids_between(app.filter, 0, env.store.max_item_id())) == on_story == 5
    app = build_app(config, env.store, clock=env.clock, start_polling=False, catch_up=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: len(app.items.ids) == 4, "the list under the new rules")
    assert env.store.setting(RULES_KEY) == rules_hash(config)
