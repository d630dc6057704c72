"""Every relative time on screen follows the app's one clock tick: the status line's last
poll, the rows' ages, the detail's, the deadlines' countdowns and the feeds' last polls."""

from __future__ import annotations

from datetime import timedelta

from textual.widgets import DataTable

from tracker.timeutil import from_iso, utcnow

from .test_tui import T0, Env, env, new_york, polled, screen_lines, settle, story_items, until  # noqa: F401


def drawn(widget) -> str:
    """The widget's line as last drawn (its render cache), not as it would render now."""
    return widget.render_line(0).text


async def test_the_status_line_and_the_feeds_screen_say_how_long_ago_the_last_poll_was(tmp_path, server):
    env = Env(tmp_path, server, story_items(3))
    env.clock.now = utcnow()  # the store dates polls by the real clock
    app = env.app()
    async with app.run_test(size=(140, 40)) as pilot:
        await polled(pilot)
        env.clock.now = from_iso(env.store.feeds()[0].last_poll)
        await until(pilot, lambda: "last poll just now" in drawn(app.status), "the status line after the poll")
        await pilot.press("f")
        await settle(pilot)
        table = app.screen.query_one(DataTable)
        assert str(table.get_row_at(0)[3]) == "just now"

        env.clock.now += timedelta(minutes=2)
        await until(pilot, lambda: str(table.get_row_at(0)[3]) == "2 minutes ago", "the feeds screen's last poll")
        await pilot.press("escape")
        await until(pilot, lambda: "last poll 2 minutes ago" in drawn(app.status), "the status line two minutes on")


async def test_ages_in_the_list_and_the_detail_turn_when_the_item_is_a_minute_older(tmp_path, server):
    # Published half a minute past the minute: an age keyed by the clock's minute lags 30 s.
    env = Env(tmp_path, server, story_items(5, start=T0 + timedelta(seconds=30)))
    newest = T0 + timedelta(minutes=40, seconds=30)
    env.clock.now = newest + timedelta(minutes=4, seconds=40)
    app = env.app()
    async with app.run_test(size=(120, 40)) as pilot:
        await polled(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert screen_lines(app)[0].startswith("●   4m ")
        assert "(4 minutes ago)" in app.detail.body.render().plain

        env.clock.now += timedelta(seconds=30)  # 5 m 10 s old, in the same minute of the clock
        await until(pilot, lambda: screen_lines(app)[0].startswith("●   5m "), "the row's age turned")
        await until(pilot, lambda: "(5 minutes ago)" in app.detail.body.render().plain, "the detail's age turned")


async def test_the_deadlines_screen_counts_down_as_the_header_does(env):
    app = env.app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("d")
        await settle(pilot)
        table = app.screen.query_one(DataTable)
        assert str(table.get_row_at(0)[2]) == "in 2d 04h 00m 00s"

        env.clock.now += timedelta(seconds=25)
        await until(pilot, lambda: str(table.get_row_at(0)[2]) == "in 2d 03h 59m 35s", "the countdown counting")
        assert app.header.countdown.text.startswith("2d 03h 59m 35s")
