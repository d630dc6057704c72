"""Explainable relevance in the dashboard: the detail says what the rules matched, `u` shows
what they left out, `+` / `-` mark an item (every report of a cluster) on or off the story
by hand, and the mark wins over the rules."""

from __future__ import annotations

from datetime import timedelta

from tracker.feedgen import FeedItem, rss
from tracker.store import Filter
from tracker.tui.screens.help import help_text

from .test_tui import T0, new_york, polled, screen_lines, settle, story_items, toasts  # noqa: F401 - autouse fixture
from .test_tui_clusters import Dash, copy_of, detail_text

OFF = [FeedItem("Pentagon awards shipbuilding contract to Orbitron", link="https://news.test/ships", guid="ships",
                published=T0 + timedelta(minutes=25), summary="The Navy's new frigates."),
       FeedItem("Anthropic releases Claude update for developers", link="https://news.test/claude", guid="claude",
                published=T0 + timedelta(minutes=35), summary="Faster tool use.")]


def listed(app) -> list[str]:
    return [app.items.row(i).title for i in app.items.ids]


async def test_off_story_items_can_be_seen_explained_and_marked_on_by_hand(tmp_path, server):
    server.set_feed("/wire.xml", rss(story_items(5) + OFF))
    d = Dash(tmp_path, [("Wire", server.url("/wire.xml"))])
    app = d.app()
    async with app.run_test(size=(140, 40)) as pilot:
        await polled(pilot)
        assert len(app.items.ids) == 5
        commands = [c.title for c in app.get_system_commands(app.screen)]
        assert "On story (+)" in commands and "Off story (-)" in commands and "Filter (u)" in commands
        assert "+  mark the item (every report of it) on the story" in help_text().plain
        await pilot.press("enter")
        await settle(pilot)
        assert "story  on: the rules matched it" in detail_text(app).plain
        assert "matched: Anthropic · Claude · Pentagon · Hegseth" in detail_text(app).plain
        await pilot.press("escape")

        await pilot.press("u", "u", "u")  # all, unread, starred, off-story
        await settle(pilot)
        assert "off-story" in str(app.items.border_title)
        assert listed(app) == ["Anthropic releases Claude update for developers",
                               "Pentagon awards shipbuilding contract to Orbitron"]
        await pilot.press("enter")
        await settle(pilot)
        detail = detail_text(app).plain
        assert "story  off: the rules left it out" in detail and "matched: Anthropic · Claude\n" in detail

        await pilot.press("plus")  # it is about the story after all
        await settle(pilot)
        claude = app.store.items(Filter(story=None))
        claude = next(r for r in claude if r.title.startswith("Anthropic releases"))
        assert (claude.manual, claude.on_story) == (1, 1)
        assert listed(app) == ["Pentagon awards shipbuilding contract to Orbitron"]  # it left this list
        assert app.items.cursor == 0
        assert "marked on the story by you" in detail_text(app).plain  # the detail beside says so

        await pilot.press("u")  # back to all: it is on the story, by date
        await settle(pilot)
        assert "Anthropic releases Claude update for developers" in listed(app)
        assert len(app.items.ids) == 6

        # The rules would still leave it out, but a poll keeps the user's verdict.
        await polled(pilot)
        assert app.store.item(claude.id).on_story == 1 and len(app.items.ids) == 6


async def test_minus_takes_a_whole_cluster_off_and_the_cursor_stays_among_its_neighbours(tmp_path, server):
    wire = story_items(30)
    server.set_feed("/wire.xml", rss(wire))
    server.set_feed("/agg.xml", rss([copy_of(wire[19], 20, wire[19].published + timedelta(minutes=2))]))
    d = Dash(tmp_path, [("Wire", server.url("/wire.xml")), ("Aggregator", server.url("/agg.xml"))])
    app = d.app()
    async with app.run_test(size=(120, 24)) as pilot:
        await polled(pilot)
        await pilot.press("G", *["k"] * 4)
        top = round(app.items.scroll_offset.y)
        assert top > 0
        while not app.items.row(app.items.selected_id).title.endswith("(#20)"):
            await pilot.press("k")
        cursor, top = app.items.cursor, round(app.items.scroll_offset.y)
        below = app.items.ids[cursor + 1]
        before = screen_lines(app)
        assert "×2" in before[cursor - top]

        await pilot.press("minus")
        await settle(pilot)
        members = [r for r in app.store.items(Filter(story=None)) if r.title.endswith("(#20)")]
        assert len(members) == 2 and all((r.manual, r.on_story) == (0, 0) for r in members)
        assert len(app.items.ids) == 29
        # the next row moves up under the cursor; the rows above it did not move
        assert app.items.selected_id == below and app.items.cursor == cursor
        assert round(app.items.scroll_offset.y) == top
        assert screen_lines(app)[:cursor - top] == before[:cursor - top]
        assert "marked off the story (2 reports)" in toasts(app)[-1]

        await pilot.press("u", "u", "u")  # off-story: both reports, each its own row now
        await settle(pilot)
        assert [t[-5:] for t in listed(app)] == ["(#20)", "(#20)"]
        await pilot.press("minus")  # the same mark again hands it back to the rules, which want it
        await settle(pilot)
        assert len(app.items.ids) == 1
        now = {(r.manual, r.on_story) for r in app.store.rows([m.id for m in members]).values()}
        assert now == {(0, 0), (None, 1)}
