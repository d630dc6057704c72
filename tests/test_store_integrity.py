"""What the store keeps when feeds disagree or overflow: posts told apart by #fragments,
one title whichever fetch lands first, bounded growth. Against real loopback feed servers."""

from __future__ import annotations

import dataclasses
import re
import sqlite3
from datetime import datetime, timedelta, timezone

from tracker.cli import main
from tracker.feedgen import FeedItem, rss
from tracker.match import Match
from tracker.model import Entry, FeedConfig
from tracker.rows import Copy
from tracker.store import ITEM_COLUMNS, Filter, Store, migration_statements

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
    assert len({i.link for i in items}) == 48


def test_one_feed_repeating_a_link_under_distinct_ids_keeps_each(tmp_path, server):
    posts = [FeedItem(f"Anthropic and the Pentagon, update {k}", link="http://blog.test/live", guid=f"u{k}",
                      published=T0 + timedelta(minutes=k)) for k in range(3)]
    server.set_feed("/live.xml", rss(posts))
    config = write_config(tmp_path, [("Live", server.url("/live.xml"))])
    assert poll(config) == 0
    assert sorted(i.title for i in all_items(config)) == sorted(p.title for p in posts)


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
    by_part = {i.link.rsplit("#", 1)[1]: sorted(i.feeds) for i in all_items(config)}
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
    assert sorted(i.title for i in items) == sorted([p.title for p in posts] + ["A new post"])
    assert all("#" in i.link for i in items if i.title != "A new post")


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
    assert one.title == other.title == "Anthropic tells the Pentagon no"  # the outlet's, though later
    for item in (one, other):
        assert item.copies == (Copy("Wire", "Anthropic rebuffs Pentagon ultimatum, sources say"),)
        assert sorted(item.feeds) == ["Outlet", "Wire"]


def test_without_the_publishers_copy_the_earliest_headline_wins(tmp_path):
    early = (WIRE, Entry("w1", "Anthropic rebuffs Pentagon", "http://news.test/story", "2026-02-25T08:00:00Z"))
    late = (FeedConfig("Aggregator", "http://agg.test/rss", 600.0),
            Entry("a1", "Pentagon and Anthropic clash", "http://news.test/story?fbclid=1", "2026-02-25T08:30:00Z"))
    one, other = titles_both_ways(tmp_path, early, late)
    assert one.title == other.title == "Anthropic rebuffs Pentagon"
    assert one.copies == other.copies == (Copy("Aggregator", "Pentagon and Anthropic clash"),)
    same_time = (late[0], dataclasses.replace(late[1], published=early[1].published))
    (tmp_path / "tie").mkdir()
    one, other = titles_both_ways(tmp_path / "tie", early, same_time)
    assert one.title == other.title  # a tie is broken by the headlines themselves


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
    for number in range(4):
        for statement in migration_statements(number):
            conn.execute(statement)
    conn.execute("ATTACH ? AS new", (str(db),))
    conn.execute("INSERT INTO feeds (id, name, url, etag, last_modified, last_poll, last_ok, polls) "
                 "SELECT id, name, url, etag, last_modified, last_poll, last_ok, polls FROM new.feeds")
    columns = ", ".join(c for c in (c.strip() for c in ITEM_COLUMNS.split(",")) if not c.startswith("development") and c != "joined")
    conn.execute(f"INSERT INTO items ({columns}) SELECT {columns} FROM new.items")  # schema 4's columns
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


# ------------------------------------------------------------------ bounded growth
def on_story_posts(prefix, n, start=T0):
    return [FeedItem(f"Anthropic and the Pentagon: {prefix} {k}", link=f"http://flood.test/{prefix}/{k}",
                     guid=f"{prefix}-{k}", published=start - timedelta(minutes=k)) for k in range(n)]


def feeds_text(config, capsys):
    capsys.readouterr()
    assert main(["--config", str(config), "feeds"]) == 0
    return capsys.readouterr().out


def test_a_flood_is_stored_a_capped_number_of_entries_per_poll_and_says_so(tmp_path, server, capsys):
    posts = on_story_posts("p", 250)
    server.set_feed("/flood.xml", rss(posts))
    config = write_config(tmp_path, [("Flood", server.url("/flood.xml"))], extra="[poll]\nmax_new_items = 100\n")
    assert poll(config) == 0
    items = all_items(config)
    assert sorted(i.title for i in items) == sorted(p.title for p in posts[:100])  # the feed's first (newest)
    assert "capped: stored 100 of the 250 new entries (max_new_items = 100)" in feeds_text(config, capsys)
    assert poll(config) == 0  # the same document: fetched whole again (no 304), the next 100 stored
    assert len(all_items(config)) == 200
    assert poll(config) == 0
    assert len(all_items(config)) == 250
    assert "capped" not in feeds_text(config, capsys)


def test_a_feed_sets_its_own_cap_and_a_bad_one_is_named(tmp_path):
    from tracker.config import load
    from tracker.errors import ConfigError

    config = write_config(tmp_path, [("A", "http://a.test/rss"), ("B", "http://b.test/rss")],
                          extra="[poll]\nmax_new_items = 50\nkeep_off_story = \"7d\"\n")
    config.write_text(config.read_text().replace('name = "B"\n', 'name = "B"\nmax_new_items = 7\n'))
    loaded = load(config)
    assert [f.max_new_items for f in loaded.feeds] == [50, 7]
    assert loaded.poll.keep_off_story == 7 * 86400
    (tmp_path / "d").mkdir()
    assert load(write_config(tmp_path / "d", [("A", "http://a.test/rss")])).feeds[0].max_new_items == 200
    config.write_text(config.read_text().replace("max_new_items = 7\n", "max_new_items = 0\n"))
    try:
        load(config)
    except ConfigError as e:
        message = str(e)
    else:
        raise AssertionError("a cap of 0 was accepted")
    line = config.read_text().splitlines().index("max_new_items = 0") + 1
    assert str(config) in message and f":{line}" in message and "feeds[1].max_new_items" in message


def test_old_off_story_items_are_deleted_after_a_poll_but_never_kept_ones(tmp_path, server):
    off = [FeedItem(f"Cooking with rhubarb {k}", link=f"http://off.test/{k}", guid=f"off{k}", published=T0)
           for k in range(5)]
    on = [FeedItem("Anthropic and the Pentagon meet", link="http://on.test/1", guid="on1", published=T0)]
    server.set_feed("/mixed.xml", rss(on + off))
    config = write_config(tmp_path, [("Mixed", server.url("/mixed.xml"))], extra='[poll]\nkeep_off_story = "2d"\n')
    assert poll(config) == 0
    db = config.parent / "data" / "tracker.db"
    store = Store.open(db, create=False)
    ids = {r.title: r.id for r in store.items(Filter(story=None))}
    store.set_starred(ids["Cooking with rhubarb 1"], True)
    store.set_manual(ids["Cooking with rhubarb 2"], False)  # marked off the story by hand: a verdict to keep
    with store.write() as c:  # three days pass; the old entries leave the feed
        c.execute("UPDATE items SET first_seen = '2026-01-01T00:00:00Z'")
        c.execute("UPDATE items SET first_seen = strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-1 day') WHERE id = ?",
                  (ids["Cooking with rhubarb 3"],))
    store.close()
    server.set_feed("/mixed.xml", rss([FeedItem("Cooking with leeks", link="http://off.test/new", guid="new",
                                                published=T0)]))
    assert poll(config) == 0
    assert sorted(i.title for i in all_items(config)) == [
        "Anthropic and the Pentagon meet", "Cooking with leeks", "Cooking with rhubarb 1", "Cooking with rhubarb 2",
        "Cooking with rhubarb 3"]


def test_a_feed_whose_ids_all_change_each_poll_is_flagged(tmp_path, server, capsys):
    config = write_config(tmp_path, [("Churn", server.url("/churn.xml")), ("Steady", server.url("/steady.xml"))])
    steady = on_story_posts("s", 5)
    for n in range(3):
        server.set_feed("/churn.xml", rss(on_story_posts(f"poll{n}", 5)))  # the same posts, new ids each time
        steady = on_story_posts(f"s{n}", 2) + steady  # two new posts among the known ones
        server.set_feed("/steady.xml", rss(steady))
        assert poll(config) == 0
        out = feeds_text(config, capsys)
        assert ("entry ids all changed on each of the last 2 polls" in out) == (n == 2)
    churn, steady_line = out.split("Steady", 1)
    assert "entry ids all changed" in churn and "entry ids" not in steady_line


def test_paths_show_the_databases_size(tmp_path, server, capsys):
    import json

    server.set_feed("/rss.xml", rss(on_story_posts("p", 20)))
    config = write_config(tmp_path, [("Wire", server.url("/rss.xml"))])
    assert poll(config) == 0
    db = config.parent / "data" / "tracker.db"

    def size():
        wal = db.with_name("tracker.db-wal")
        return db.stat().st_size + (wal.stat().st_size if wal.exists() else 0)
    # The poll's writer process may still be closing (a checkpoint moves the -wal into the
    # file): compare with a size that held still while `paths` looked.
    def paths(*args):
        for _ in range(50):
            before = size()
            capsys.readouterr()
            assert main(["--config", str(config), "paths", *args]) == 0
            out = capsys.readouterr().out
            if size() == before:
                break
        return out, before

    out, on_disk = paths("--json")
    assert json.loads(out)["database"]["bytes"] == on_disk
    out, on_disk = paths()
    shown = re.search(r"size: ([0-9.]+) (MB|kB) \(the file and its -wal\)", out)
    assert shown and abs(float(shown[1]) * (1e6 if shown[2] == "MB" else 1e3) - on_disk) <= on_disk * 0.06


def test_a_prune_deletes_a_bounded_batch_oldest_first(tmp_path):
    store = Store.open(tmp_path / "t.db")
    feed = FeedConfig("Off", "http://off.test/rss", 600.0)
    for k in range(10):
        store.store_fetch(feed, [(Entry(f"o{k}", f"Rhubarb {k}", f"http://off.test/{k}", None), Match(False, ()))],
                          status=200, etag=None, last_modified=None, next_poll=T0, now=T0 + timedelta(hours=k))
    assert store.prune_off_story(T0 + timedelta(days=1), limit=3) == 3
    assert sorted(r.title for r in store.items(Filter(story=None))) == [f"Rhubarb {k}" for k in range(3, 10)]
    assert store.execute("SELECT COUNT(*) FROM item_feeds")[0][0] == 7  # its sources went with it
    assert store.items(Filter(story=None, query="Rhubarb")) and not store.items(Filter(story=None, query="0"))
    store.close()


def test_a_prune_with_nothing_old_enough_reads_no_item(tmp_path):
    """Every process prunes at its first poll. With nothing old enough to delete, it must not
    read every off-story item to find that out (0.5-0.6 s at 1,000,000 items, with the write
    lock held): SQLite's VM steps for the prune stay a few, whatever the items."""
    store = Store.open(tmp_path / "t.db")
    feed = FeedConfig("Off", "http://off.test/rss", 600.0)
    entries = [(Entry(f"o{k}", f"Rhubarb {k}", f"http://off.test/{k}", None), Match(False, ())) for k in range(3000)]
    store.store_fetch(feed, entries, status=200, etag=None, last_modified=None, next_poll=T0, now=T0)
    steps = 0

    def step() -> int:
        nonlocal steps
        steps += 1
        return 0

    conn = store._conn()  # this thread's connection, which the prune writes on
    conn.set_progress_handler(step, 100)
    try:
        assert store.prune_off_story(T0 - timedelta(hours=1)) == 0
    finally:
        conn.set_progress_handler(None, 0)
    assert steps < 10, steps  # 100 steps each: reading the 3,000 rows took hundreds
    assert store.prune_off_story(T0 + timedelta(days=1), limit=5000) == 3000
    store.close()


def test_lookups_over_more_ids_than_sqlite_binds_at_once_see_every_item(tmp_path, server):
    """rows, sort keys, filters and texts run their `IN (...)` in slices (store.chunks): none
    may drop or repeat the items past a slice's end."""
    feeds, per = 3, 180  # 540 items: two slices of IN_CHUNK, the second partial
    for f in range(feeds):
        server.set_feed(f"/many{f}.xml", rss(FeedItem(f"Anthropic and the Pentagon, report {f}-{k}",
                                                      link=f"http://many.test/{f}/{k}", guid=f"m{f}-{k}",
                                                      published=T0 + timedelta(seconds=k)) for k in range(per)))
    config = write_config(tmp_path, [(f"Many {f}", server.url(f"/many{f}.xml")) for f in range(feeds)])
    n = feeds * per
    assert poll(config) == 0
    store = Store.open(config.parent / "data" / "tracker.db", create=False)
    try:
        ids = [r[0] for r in store.execute("SELECT id FROM items ORDER BY id")]
        assert len(ids) == n
        rows = store.rows(ids)
        assert sorted(rows) == ids and all(r.feeds == (f"Many {r.link.split('/')[3]}",) for r in rows.values())
        assert sorted(store.sort_keys(ids)) == ids
        assert sorted(store.item_ids_among(Filter(story=None), ids)) == ids
        assert store.texts_of(ids) == {}
    finally:
        store.close()
