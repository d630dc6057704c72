"""A feed's stored state (validators, backoff) and which commands may write the database."""

from __future__ import annotations

import asyncio
import hashlib
import json
import sqlite3
import threading

from tracker.cli import main
from tracker.config import load
from tracker.feedgen import FeedItem, rss
from tracker.match import Match
from tracker.model import Entry, FeedConfig
from tracker.store import Store
from tracker.update import Updater

from .conftest import write_config

ITEMS = [FeedItem(f"Anthropic Pentagon story {n}", link=f"http://news.test/{n}", guid=f"n{n}") for n in range(3)]
LAST_MODIFIED = "Wed, 25 Feb 2026 10:00:00 GMT"


def poll(config, *extra) -> int:
    return main(["--config", str(config), *extra, "poll", "-q"])


def sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# ------------------------------------------------------------------ conditional GET
def test_a_200_replaces_both_validators_and_a_304_keeps_them(tmp_path, server):
    config = write_config(tmp_path, [("Wire", server.url("/f.xml"))])
    sent = []

    def answer(status, items, headers):
        server.set_response("/f.xml", status, rss(items) if status == 200 else b"", headers)
        assert poll(config) == 0
        req = server.requests[-1]
        sent.append((req.headers.get("If-None-Match"), req.headers.get("If-Modified-Since")))

    answer(200, ITEMS[:1], {"ETag": '"v1"'})
    answer(200, ITEMS[:2], {"Last-Modified": LAST_MODIFIED})  # the server moved: no ETag any more
    answer(304, [], {})  # a 304 that repeats no validator
    answer(200, ITEMS, {})  # nothing to validate with from now on
    answer(200, ITEMS, {})
    assert sent == [(None, None), ('"v1"', None), (None, LAST_MODIFIED), (None, LAST_MODIFIED), (None, None)]


# ------------------------------------------------------------------ a feed's URL fixed in feeds.toml
def test_fixing_a_feeds_url_drops_the_old_urls_backoff(tmp_path, server):
    server.set_response("/typo.xml", 404)
    server.set_feed("/good.xml", rss(ITEMS))
    path = write_config(tmp_path, [("Wire", server.url("/typo.xml"))])
    store = Store.open(load(path).database_path)

    async def scheduled_poll(config):
        """What the dashboard's job for the feed does: a poll that respects the backoff."""
        store.sync_feeds(config.feeds)
        updater = Updater(config, store)
        try:
            return await updater.update_feed(config.feeds[0])
        finally:
            await updater.aclose()

    config = load(path)
    for _ in range(3):
        assert asyncio.run(scheduled_poll(config)).status == 404
        store.execute("UPDATE feeds SET next_poll = '2000-01-01T00:00:00Z'")  # let the next try through
    store.execute("UPDATE feeds SET next_poll = '2999-01-01T00:00:00Z'")  # backing off, far ahead
    assert asyncio.run(scheduled_poll(config)).skipped == "backing off after failures"

    path.write_text(path.read_text().replace("/typo.xml", "/good.xml"))  # the user fixes the URL
    result = asyncio.run(scheduled_poll(load(path)))
    assert result.skipped is None and result.status == 200 and len(result.new) == 3
    feed = store.feed("Wire")
    assert (feed.failures, feed.last_error, feed.last_status) == (0, None, 200)


# ------------------------------------------------------------------ read-only commands
def test_looking_at_a_missing_database_creates_none(tmp_path, capsys):
    config = write_config(tmp_path, [("Wire", "http://127.0.0.1:9/feed.xml")])
    typo = tmp_path / "data" / "trakcer.db"
    for command in (["items"], ["items", "--json"], ["digest"], ["digest", "-o", "-"]):
        capsys.readouterr()
        assert main(["--config", str(config), "--db", str(typo), *command]) == 1, command
        err = capsys.readouterr().err
        assert err.strip() == f"tracker: no database at {typo}: run `tracker poll` first.", command
    assert list((tmp_path / "data").iterdir()) == []


def test_feeds_lists_configured_feeds_without_writing(tmp_path, server, capsys):
    server.set_feed("/wire.xml", rss(ITEMS))
    server.set_response("/down.xml", 500)
    config = write_config(tmp_path, [("Wire", server.url("/wire.xml")), ("Down", server.url("/down.xml"))])
    assert poll(config) == 0
    db = load(config).database_path
    store = Store.open(db)
    store.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    before = sha(db)

    # feeds.toml changes after the poll: a feed added, and the failing one's URL fixed
    config.write_text(config.read_text().replace("/down.xml", "/up.xml")
                      + f'\n[[feeds]]\nname = "New"\nurl = "{server.url("/new.xml")}"\n')
    capsys.readouterr()
    assert main(["--config", str(config), "feeds", "--json"]) == 0
    listed = {f["name"]: f for f in json.loads(capsys.readouterr().out)}
    assert list(listed) == ["Wire", "Down", "New"]
    assert listed["Wire"]["items"] == 3 and listed["Wire"]["last_status"] == 200
    assert listed["Down"]["url"].endswith("/up.xml") and listed["Down"]["failures"] == 0
    assert listed["Down"]["last_error"] is None and listed["New"]["last_poll"] is None
    assert main(["--config", str(config), "feeds"]) == 0
    out = capsys.readouterr().out
    assert "New  [not polled yet]" in out and "Down  [not polled yet]" in out

    # another story's config on the same database only looks: this story's feeds stay active
    (tmp_path / "other").mkdir()
    other = write_config(tmp_path / "other", [("Elsewhere", server.url("/else.xml"))])
    for command in (["feeds"], ["items", "--all"]):
        assert main(["--config", str(other), "--db", str(db), *command]) == 0
    store.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert sha(db) == before
    assert [tuple(r) for r in store.execute("SELECT name, active FROM feeds ORDER BY id")] == [
        ("Wire", 1), ("Down", 1)]


def test_listing_items_waits_for_no_write_lock(tmp_path, server, capsys):
    server.set_feed("/wire.xml", rss(ITEMS))
    config = write_config(tmp_path, [("Wire", server.url("/wire.xml"))])
    assert poll(config) == 0
    holder = sqlite3.connect(load(config).database_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # a poller in the middle of storing a feed
    done = []
    worker = threading.Thread(target=lambda: done.append(
        [main(["--config", str(config), *c]) for c in (["items"], ["feeds"])]), daemon=True)
    worker.start()
    worker.join(5)  # a write would wait out the 30 s busy timeout
    finished_while_locked = not worker.is_alive()
    holder.execute("ROLLBACK")
    worker.join()
    assert finished_while_locked and done == [[0, 0]]


def test_another_programs_database_is_left_untouched(tmp_path, capsys):
    config = write_config(tmp_path, [("Wire", "http://127.0.0.1:9/feed.xml")])
    theirs = tmp_path / "notes.db"
    with sqlite3.connect(theirs) as conn:
        conn.execute("CREATE TABLE notes (body TEXT)")
    conn.close()
    before = sha(theirs)
    for command in (["items"], ["poll", "-q"]):
        capsys.readouterr()
        assert main(["--config", str(config), "--db", str(theirs), *command]) == 1
        err = capsys.readouterr().err
        assert err.startswith(f"tracker: {theirs} is another program's database (tables: notes)"), err
    assert sha(theirs) == before and not (tmp_path / "notes.db-wal").exists()


# ------------------------------------------------------------------ one path for every poll of many feeds
def test_poll_now_reports_a_bug_in_one_feed_as_that_feeds_error(tmp_path, server):
    from tracker.schedule import Poller

    server.set_feed("/a.xml", rss(ITEMS[:1]))
    server.set_feed("/b.xml", rss(ITEMS[1:]))
    config = load(write_config(tmp_path, [("A", server.url("/a.xml")), ("B", server.url("/b.xml"))]))
    store = Store.open(config.database_path)
    store.sync_feeds(config.feeds)
    updater = Updater(config, store)
    update_feed = updater.update_feed

    async def buggy(feed, *args, **kwargs):
        if feed.name == "A":
            raise KeyError("a bug")
        return await update_feed(feed, *args, **kwargs)

    updater.update_feed = buggy
    seen = []
    poller = Poller(updater, on_result=seen.append, on_start=lambda name: seen.append(name))

    async def run():
        try:
            return await poller.poll_now()
        finally:
            await updater.aclose()

    results = {r.feed: r for r in asyncio.run(run())}
    assert results["A"].error == "internal error: KeyError: 'a bug'"
    assert results["B"].ok and len(results["B"].new) == 2  # the other feed was stored all the same
    assert sorted(x if isinstance(x, str) else x.feed for x in seen) == ["A", "A", "B", "B"]
    assert poller.polling == set()


def test_poll_goes_past_a_backoff_that_scheduled_polls_respect(tmp_path, server):
    server.set_feed("/wire.xml", rss(ITEMS))
    path = write_config(tmp_path, [("Wire", server.url("/wire.xml"))])
    config = load(path)
    store = Store.open(config.database_path)
    store.sync_feeds(config.feeds)
    store.execute("UPDATE feeds SET failures = 3, next_poll = '2999-01-01T00:00:00Z'")

    async def update_all():
        updater = Updater(config, store)
        try:
            return await updater.update_all()
        finally:
            await updater.aclose()

    [result] = asyncio.run(update_all())
    assert result.skipped == "backing off after failures" and server.requests == []
    assert poll(path) == 0  # `tracker poll`: the user asked, now
    assert len(server.requests) == 1 and store.feed("Wire").failures == 0


# ------------------------------------------------------------------ counts
def test_each_feed_counts_the_items_it_carried_and_those_on_the_story(tmp_path):
    """`tracker feeds` and the feeds screen: per feed, the items it carried (an article two
    feeds carried counts for both) and how many of them are on the story now."""
    from datetime import datetime, timedelta, timezone

    store = Store.open(tmp_path / "tracker.db")
    wire, post, quiet = (FeedConfig(n, f"http://{n}.test/feed", 900) for n in ("wire", "post", "quiet"))
    store.sync_feeds([wire, post, quiet])
    now = datetime(2026, 2, 26, 12, 0, tzinfo=timezone.utc)

    def stored(feed, titles):
        entries = [(Entry(entry_id=f"{feed.name}-{k}", title=title, link=f"http://shared.test/{title[:12]}",
                          published="2026-02-26T11:00:00+00:00"), Match(on, ()))
                   for k, (title, on) in enumerate(titles)]
        store.store_fetch(feed, entries, status=200, etag=None, last_modified=None,
                          next_poll=now + timedelta(minutes=15), now=now)

    shared = ("Anthropic sues the Pentagon over its designation", True)
    stored(wire, [shared, ("Rhubarb prices climb", False), ("Hegseth answers Anthropic on Friday", True)])
    stored(post, [shared, ("A storm nears the coast", False)])
    store.set_manual(next(r.id for r in store.items(limit=None) if r.title.startswith("Hegseth")), False)
    counts = {f.name: (f.items, f.on_story_items) for f in store.feeds(active_only=False)}
    assert counts == {"wire": (3, 1), "post": (2, 1), "quiet": (0, 0)}
    store.close()
