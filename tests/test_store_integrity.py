"""What the store keeps when feeds disagree or overflow: posts told apart by #fragments,
one title whichever fetch lands first, bounded growth. Against real loopback feed servers."""

from __future__ import annotations

import dataclasses
import sqlite3
from datetime import datetime, timedelta, timezone

from tracker.cli import main
from tracker.feedgen import FeedItem, rss
from tracker.match import Match
from tracker.model import Entry, FeedConfig
from tracker.store import FTS, ITEM_COLUMNS, MIGRATIONS, Filter, Store

from .conftest import write_config

T0 = datetime(2026, 2, 25, 9, 0, tzinfo=timezone.utc)


def poll(config):
    return main(["--config", str(config), "poll", "-q"])


def all_items(config):
    store = Store.open(config.parent / "data" / "tracker.db", create=False)
    try:
        return store.items(Filter(story=None))
    finally:
        store.close()


def day_page_posts(n=48, pages=7):
    """scripting.com's shape: many posts, each with its own guid, on a few day pages told apart by #fragments."""
    return [FeedItem(f"Post {k} about Anthropic and the Pentagon", link=f"http://scripting.test/2026/02/{k % pages:02d}.html#a{k}",
                     guid=f"http://scripting.test/guid/{k}", published=T0 + timedelta(minutes=k)) for k in range(n)]


def test_posts_told_apart_by_fragments_are_all_stored(tmp_path, server):
    server.set_feed("/scripting.xml", rss(day_page_posts()))
    config = write_config(tmp_path, [("Scripting", server.url("/scripting.xml"))])
    assert poll(config) == 0
    items = all_items(config)
    assert len(items) == 48
    assert len({i["link"] for i in items}) == 48


def test_one_feed_repeating_a_link_under_distinct_ids_keeps_each(tmp_path, server):
    posts = [FeedItem(f"Anthropic and the Pentagon, update {k}", link="http://blog.test/live", guid=f"u{k}",
                      published=T0 + timedelta(minutes=k)) for k in range(3)]
    server.set_feed("/live.xml", rss(posts))
    config = write_config(tmp_path, [("Live", server.url("/live.xml"))])
    assert poll(config) == 0
    assert sorted(i["title"] for i in all_items(config)) == sorted(p.title for p in posts)


def test_across_feeds_a_link_merges_only_when_its_fragment_agrees(tmp_path, server):
    server.set_feed("/a.xml", rss([
        FeedItem("Anthropic defies the Pentagon", link="http://news.test/story#part-2", guid="a2", published=T0),
        FeedItem("Anthropic and the Pentagon, part 1", link="http://news.test/story#part-1", guid="a1", published=T0)]))
    server.set_feed("/b.xml", rss([
        FeedItem("Anthropic defies the Pentagon", link="http://news.test/story?utm_source=rss#part-2", guid="b2",
                 published=T0),
        FeedItem("Anthropic and the Pentagon, part 3", link="http://news.test/story#part-3", guid="b3", published=T0)]))
    config = write_config(tmp_path, [("A", server.url("/a.xml")), ("B", server.url("/b.xml"))])
    assert poll(config) == 0
    by_part = {i["link"].rsplit("#", 1)[1]: sorted(i["feeds"]) for i in all_items(config)}
    # the same link and fragment (tracking aside): one item with two sources; other fragments apart
    assert by_part == {"part-1": ["A"], "part-2": ["A", "B"], "part-3": ["B"]}


def test_a_database_that_merged_a_pages_posts_gets_them_back_at_the_next_poll(tmp_path, server):
    """Migration 5: an older database holds the 48 posts as 7 items; the next poll stores the rest."""
    posts = day_page_posts()
    server.set_feed("/scripting.xml", rss(posts))
    config = write_config(tmp_path, [("Scripting", server.url("/scripting.xml"))])
    assert poll(config) == 0
    db = config.parent / "data" / "tracker.db"
    as_schema_4(db)
    assert len(all_items(config)) == 7
    server.set_feed("/scripting.xml", rss(posts + [FeedItem("A new post", guid="new", published=T0)]))
    assert poll(config) == 0
    items = all_items(config)
    assert sorted(i["title"] for i in items) == sorted([p.title for p in posts] + ["A new post"])
    assert all("#" in i["link"] for i in items if i["title"] != "A new post")


# ------------------------------------------------------------------ one link, two headlines
WIRE = FeedConfig("Wire", "http://wire.test/rss", 600.0)
OUTLET = FeedConfig("Outlet", "http://www.outlet.test/feeds/rss", 600.0)


def store_copies(path, copies):
    store = Store.open(path)
    for feed, entry in copies:
        store.store_fetch(feed, [(entry, Match(True, ("Anthropic", "Pentagon")))], status=200, etag=None,
                          last_modified=None, next_poll=T0 + timedelta(minutes=10), now=T0 + timedelta(minutes=5))
    ids = store.item_ids(Filter(story=None))
    assert len(ids) == 1  # one link: one item, whichever came first
    item = store.item(ids[0])
    store.close()
    return item


def titles_both_ways(tmp_path, first, second):
    one = store_copies(tmp_path / "one.db", [first, second])
    other = store_copies(tmp_path / "other.db", [second, first])
    return one, other


def test_the_publishers_own_headline_wins_whichever_feed_is_stored_first(tmp_path):
    wire = (WIRE, Entry("w1", "Anthropic rebuffs Pentagon ultimatum, sources say", "http://outlet.test/2026/story",
                        "2026-02-25T08:00:00Z"))
    outlet = (OUTLET, Entry("o1", "Anthropic tells the Pentagon no", "http://outlet.test/2026/story?utm_source=rss",
                            "2026-02-25T09:00:00Z"))
    one, other = titles_both_ways(tmp_path, wire, outlet)
    assert one["title"] == other["title"] == "Anthropic tells the Pentagon no"  # the outlet's, though later
    for item in (one, other):
        assert item["copies"] == [{"feed": "Wire", "title": "Anthropic rebuffs Pentagon ultimatum, sources say"}]
        assert sorted(item["feeds"]) == ["Outlet", "Wire"]


def test_without_the_publishers_copy_the_earliest_headline_wins(tmp_path):
    early = (WIRE, Entry("w1", "Anthropic rebuffs Pentagon", "http://news.test/story", "2026-02-25T08:00:00Z"))
    late = (FeedConfig("Aggregator", "http://agg.test/rss", 600.0),
            Entry("a1", "Pentagon and Anthropic clash", "http://news.test/story?fbclid=1", "2026-02-25T08:30:00Z"))
    one, other = titles_both_ways(tmp_path, early, late)
    assert one["title"] == other["title"] == "Anthropic rebuffs Pentagon"
    assert one["copies"] == other["copies"] == [{"feed": "Aggregator", "title": "Pentagon and Anthropic clash"}]
    same_time = (late[0], dataclasses.replace(late[1], published=early[1].published))
    (tmp_path / "tie").mkdir()
    one, other = titles_both_ways(tmp_path / "tie", early, same_time)
    assert one["title"] == other["title"]  # a tie is broken by the headlines themselves


def test_the_detail_shows_the_other_headlines(tmp_path):
    from rich.style import Style

    from tracker.tui import render

    wire = (WIRE, Entry("w1", "Anthropic rebuffs Pentagon [red]ultimatum[/]", "http://outlet.test/story",
                        "2026-02-25T08:00:00Z"))
    outlet = (OUTLET, Entry("o1", "Anthropic tells the Pentagon no", "http://outlet.test/story", "2026-02-25T09:00:00Z"))
    item = store_copies(tmp_path / "t.db", [wire, outlet])
    text = render.item_detail(item, now=T0, meta=Style(dim=True), label=Style(bold=True)).plain
    assert "other headlines:\n  Wire  Anthropic rebuffs Pentagon [red]ultimatum[/]\n" in text


def as_schema_4(db):
    """Remake a database polled once as schema 4 made it of a feed whose posts share pages:
    one item per page, every entry of the page pointing at it."""
    old = db.with_name("old.db")
    conn = sqlite3.connect(old, isolation_level=None)
    for number, script in enumerate(MIGRATIONS[:4]):
        for statement in [s for s in script.split(";") if s.strip()]:
            conn.execute(statement)
        if number == 2:
            for statement in FTS:
                conn.execute(statement)
    conn.execute("ATTACH ? AS new", (str(db),))
    conn.execute("INSERT INTO feeds (id, name, url, etag, last_modified, last_poll, last_ok, polls) "
                 "SELECT id, name, url, etag, last_modified, last_poll, last_ok, polls FROM new.feeds")
    conn.execute(f"INSERT INTO items ({ITEM_COLUMNS}) SELECT {ITEM_COLUMNS} FROM new.items")
    conn.execute("INSERT INTO item_feeds (feed_id, entry_id, item_id, first_seen) "
                 "SELECT feed_id, entry_id, item_id, first_seen FROM new.item_feeds")
    conn.execute("DETACH new")
    conn.execute("UPDATE items SET canonical = substr(link, 1, instr(link, '#') - 1)")
    conn.execute("UPDATE item_feeds SET item_id = (SELECT MIN(k.id) FROM items i JOIN items k ON k.canonical = i.canonical "
                 "WHERE i.id = item_feeds.item_id)")
    conn.execute("DELETE FROM items WHERE id NOT IN (SELECT item_id FROM item_feeds)")
    conn.execute("PRAGMA user_version = 4")
    conn.close()
    for suffix in ("", "-wal", "-shm"):
        db.with_name(db.name + suffix).unlink(missing_ok=True)
    old.rename(db)
