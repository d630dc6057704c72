"""`tracker demo`: the config it writes, and the dashboard on the demo's feed server."""

from __future__ import annotations

import argparse

import pytest

from tracker.cli import build_parser
from tracker.cli.demo import demo_config_text, shipped_config
from tracker.config import load
from tracker.demo_server import DemoPublisher, DemoServer
from tracker.store import Store
from tracker.tui.app import build_app

from .test_tui import Clock, new_york, settle, titles, toast_starting, toasts, until  # noqa: F401 - autouse fixture


def test_demo_is_a_command():
    args = build_parser().parse_args(["demo", "--interval", "10", "--every", "3"])
    assert args.func.__name__ == "cmd_demo" and args.interval == 10.0
    assert build_parser().parse_args(["tui"]).func.__name__ == "cmd_tui"


@pytest.fixture
def server():
    """The demo's own server, as `tracker demo` runs it."""
    with DemoServer() as s:
        yield s


def demo_config(tmp_path, server):
    publisher = DemoPublisher(server)
    story = shipped_config(argparse.Namespace())
    path = tmp_path / "feeds.toml"
    path.write_text(demo_config_text(story, publisher.feed_urls, "10s", tmp_path / "demo.db", 30), encoding="utf-8")
    return story, publisher, load(path)


def test_the_demo_config_keeps_the_story_and_points_at_the_server(tmp_path, server):
    story, publisher, config = demo_config(tmp_path, server)
    assert config.story.rules == story.story.rules
    assert config.story.article == story.story.article.resolve()
    assert [f.url for f in config.feeds] == list(publisher.feed_urls.values())
    assert all(f.url.startswith("http://127.0.0.1:") and f.interval == 10 for f in config.feeds)
    assert config.database_path == tmp_path / "demo.db"
    labels = [d.label for d in config.deadlines]
    assert labels[:-1] == [d.label for d in story.deadlines] and labels[-1] == "[DEMO] synthetic milestone"


@pytest.mark.slow  # seconds of real time: run by .ci/run, not by default
async def test_the_dashboard_follows_the_demo_server(tmp_path, server):
    _, publisher, config = demo_config(tmp_path, server)
    store = Store.open(config.database_path)
    store.set_setting("view", "reports")  # the reports' list; developments: test_tui_developments.py
    store.sync_feeds(config.feeds)
    app = build_app(config, store, clock=Clock(), start_polling=False)
    app.arrivals_timeout = 600  # the toast looked for does not expire on a busy machine
    async with app.run_test(size=(120, 40)) as pilot:
        await (await app.polling_ready()).poll_now()
        await settle(pilot)
        shown = titles(app)
        assert shown and all(t.startswith("[DEMO]") for t in shown)  # off-story items stay out
        await pilot.press("j")
        chosen = app.items.selected_id

        publisher.publish(2)  # what `tracker demo` does every few seconds
        await pilot.press("R")
        await until(pilot, lambda: len(titles(app)) == len(shown) + 2, "the two new items listed")
        assert app.items.selected_id == chosen
        # Told in the one new-items toast, which now counts every item since it came up.
        await until(pilot, lambda: toast_starting(app, f"{len(shown) + 2} new items\n• {titles(app)[0][:20]}"),
                    "the toast counting them")
        assert sum("new item" in t.split("\n")[0] for t in toasts(app)) == 1  # one, not a stack
    store.close()
