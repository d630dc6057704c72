"""The dashboard when no feed can be reached: it says so, and the status line is not green."""

from __future__ import annotations

import socket

from tracker.config import load
from tracker.rows import FeedState
from tracker.store import Store
from tracker.tui import render
from tracker.tui.app import build_app
from tracker.tui.widgets.styles import component_style

from .conftest import write_config
from .test_tui import Clock, screen_lines, settle


def closed_port() -> int:
    """A loopback port nothing listens on: connecting to it is refused at once."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def dot_colour(app):
    """The colour of the status line's "● N ok"."""
    text = app.status.render()
    return next(span.style.color for span in text.spans if span.start == 0)


async def test_every_feed_failing_says_so_in_the_panel_and_the_status_line_is_not_green(tmp_path, server):
    server.set_response("/gone.xml", 404, b"no such feed")
    port = closed_port()
    config = load(write_config(tmp_path, [("Closed", f"http://127.0.0.1:{port}/feed.xml"),
                                          ("Missing", server.url("/gone.xml"))]))
    store = Store.open(config.database_path)
    store.sync_feeds(config.feeds)
    app = build_app(config, store, clock=Clock(), start_polling=False)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            assert "first polls are on their way" in " ".join(screen_lines(app))
            await (await app.polling_ready()).poll_now()
            await settle(pilot)
            assert "0 ok" in app.status.text and "2 failing" in app.status.text
            shown = " ".join(line.strip() for line in screen_lines(app))
            assert "first polls are on their way" not in shown
            assert "None of the 2 feeds could be reached (cannot connect, HTTP 404) · f for details" in shown
            assert "tracker demo" in shown
            assert dot_colour(app) == component_style(app.status, "status--bad").color
            assert dot_colour(app) != component_style(app.status, "status--ok").color

            server.set_response("/gone.xml", 200, b"<rss><channel><title>x</title></channel></rss>")
            await (await app.polling_ready()).poll_now("Missing")
            await settle(pilot)  # one feed answers again: the usual message, a warning colour
            assert "first polls are on their way" in " ".join(screen_lines(app))
            assert dot_colour(app) == component_style(app.status, "status--warn").color
    finally:
        store.close()


def test_the_reason_names_an_unresolvable_host_as_being_offline():
    feeds = [FeedState("Wire", "https://wire.test/", last_poll="2026-02-25T18:00:00+00:00", failures=1,
                       last_error="cannot connect to the server ([Errno -2] Name or service not known)")] * 9
    assert render.unreachable(feeds) == ("None of the 9 feeds could be reached (cannot resolve hosts: offline?)"
                                         " · f for details")
    assert render.unreachable(feeds[:8] + [FeedState("New", "https://new.test/", last_poll=None, failures=0)]) is None  # one not tried yet


async def test_a_missing_article_file_is_named_in_the_article_pane(tmp_path):
    path = write_config(tmp_path, story='''
        [story]
        title = "Story"
        article = "data/article.txt"

        [story.match]
        require = [["Anthropic"], ["Pentagon"]]
        ''')
    config = load(path)
    store = Store.open(config.database_path)
    app = build_app(config, store, clock=Clock(), start_polling=False)
    try:
        async with app.run_test(size=(160, 48)) as pilot:
            await pilot.pause()
            shown = app.article.body.content.plain
            missing = tmp_path / "data" / "article.txt"
            assert f"The article file {missing} (story.article in feeds.toml) is missing" in shown
            assert "tracker article URL" in shown
    finally:
        store.close()
