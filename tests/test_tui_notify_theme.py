"""The dashboard's notifications ([notify]: bell and hook, besides the toast) and its themes
(T, or the palette's switcher; remembered in the database)."""

from __future__ import annotations

import json
import sys

from tracker.config import load
from tracker.feedgen import rss
from tracker.store import Store
from tracker.update import Updater

from .conftest import write_config
from .test_tui import new_york, polled, settle, story_items  # noqa: F401 - autouse fixture
from .test_tui_clusters import Dash

HOOK = "import json, sys; open(sys.argv[1], 'a').write(json.dumps(sys.argv[2:]) + '\\n')"


async def test_new_items_from_our_polls_ring_the_bell_and_run_the_hook_off_the_event_loop(tmp_path, server):
    out = tmp_path / "hook.jsonl"
    server.set_feed("/wire.xml", rss(story_items(2)))
    d = Dash(tmp_path, [])
    notify = (f"[notify]\nbell = true\non_new = {json.dumps([sys.executable, '-c', HOOK, str(out), '{title}', '{outlet}'])}\n")
    d.config = load(write_config(tmp_path, [("Wire", server.url("/wire.xml"))], extra=notify))
    d.store.sync_feeds(d.config.feeds)
    app = d.app()
    rang = []
    app.bell = lambda: rang.append(1)
    async with app.run_test(size=(120, 30)) as pilot:
        await polled(pilot)
        assert not out.exists() and not rang  # a feed's first poll is its backlog: told by the toast only

        server.set_feed("/wire.xml", rss(story_items(4)))
        await polled(pilot)
        lines = [json.loads(line) for line in out.read_text().splitlines()]
        assert sorted(lines) == [[item.title, "Wire"] for item in story_items(2, first=3)]
        assert rang == [1]  # one ring for the batch

        # Items another process (a daemon) polled are its to notify, not ours: toast only.
        server.set_feed("/wire.xml", rss(story_items(5)))
        other = Store.open(d.config.database_path)
        updater = Updater(d.config, other)
        await updater.update_all()
        await updater.aclose()
        other.close()
        app.watch_store()
        await settle(pilot)
        assert len(app.items.ids) == 5
        assert len(out.read_text().splitlines()) == 2 and rang == [1]


def article_colours(app) -> set:
    return {span.style.color for span in app.article.body.content.spans if span.style.color}


async def test_T_switches_light_and_dark_and_the_choice_survives_a_restart(tmp_path):
    d = Dash(tmp_path, [])
    app = d.app()
    async with app.run_test(size=(120, 30)) as pilot:
        assert app.current_theme.dark
        assert "Light / dark (T)" in [c.title for c in app.get_system_commands(app.screen)]
        dark_background = app.screen.styles.background
        dark_meta = article_colours(app)
        await pilot.press("T")
        await settle(pilot)
        assert app.theme == "textual-light" and not app.current_theme.dark
        assert app.screen.styles.background != dark_background
        # Muted text is drawn in the new theme's colours, dark enough to read on a light background.
        assert article_colours(app) != dark_meta
        muted = app.items._styles().time.color.triplet
        assert sum(muted) < 3 * 128, muted
        assert d.store.setting("theme") == "textual-light"

    app = d.app()
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        assert app.theme == "textual-light"
        app.theme = "nord"  # as the palette's theme switcher sets it
        await settle(pilot)
        assert d.store.setting("theme") == "nord"
        await pilot.press("T")  # from any dark theme to the light one, and back
        await pilot.press("T")
        await settle(pilot)
        assert app.theme == "textual-dark" and d.store.setting("theme") == "textual-dark"
