"""What the store keeps when feeds disagree or overflow: posts told apart by #fragments,
one title whichever fetch lands first, bounded growth. Against real loopback feed servers."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from tracker.cli import main
from tracker.feedgen import FeedItem, rss
from tracker.store import Filter, Store

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
    store = Store.open(db, create=False)
    with store.write() as c:  # what schema 4 made of the feed: one item per page
        c.execute("UPDATE items SET canonical = substr(link, 1, instr(link, '#') - 1)")
        for page in range(7):
            keep = c.execute("SELECT MIN(id) FROM items WHERE canonical LIKE ?", (f"%/{page:02d}.html",)).fetchone()[0]
            c.execute("UPDATE item_feeds SET item_id = ? WHERE item_id IN (SELECT id FROM items WHERE canonical LIKE ?)",
                      (keep, f"%/{page:02d}.html"))
        c.execute("DELETE FROM items WHERE id NOT IN (SELECT item_id FROM item_feeds)")
        c.execute("PRAGMA user_version = 4")
    store.close()
    assert len(all_items(config)) == 7
    server.set_feed("/scripting.xml", rss(posts + [FeedItem("A new post", guid="new", published=T0)]))
    assert poll(config) == 0
    items = all_items(config)
    assert sorted(i["title"] for i in items) == sorted([p.title for p in posts] + ["A new post"])
    assert all("#" in i["link"] for i in items if i["title"] != "A new post")
