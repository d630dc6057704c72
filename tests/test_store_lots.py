"""Feeds stored together: what a poll parses while its writer is busy goes to it as one lot,
in one transaction (update.Lots, Store.store_fetches), and a feed that fails in a lot loses
no other feed's items."""

from __future__ import annotations

import asyncio
import dataclasses
import sqlite3
from datetime import timedelta

import pytest

from tracker import update
from tracker.errors import StoreError
from tracker.match import Match
from tracker.model import Entry, FeedConfig
from tracker.store import FeedUpdate, Store
from tracker.timeutil import utcnow


def fetch(name: str, n: int, **kw) -> tuple[FeedConfig, list, dict]:
    feed = FeedConfig(name=name, url=f"http://{name}.test/feed", interval=900, match=False)
    entries = [(Entry(entry_id=f"{name}-{k}", title=f"{name} report {k}", link=f"http://{name}.test/{k}",
                      summary="", published="2026-02-26T12:00:00+00:00"), Match(True, ()))
               for k in range(n)]
    now = utcnow()
    return feed, entries, dict(status=200, etag=None, last_modified=None, next_poll=now + timedelta(minutes=15),
                               now=now) | kw


def test_a_lot_stores_every_feed_and_a_failing_one_loses_no_other(tmp_path):
    store = Store.open(tmp_path / "tracker.db")
    lot = [fetch("first", 3), fetch("broken", 2, next_poll="not a time"), fetch("last", 4)]
    store.sync_feeds([f for f, _, _ in lot])
    first, broken, last = store.store_fetches(lot)
    assert isinstance(first, FeedUpdate) and len(first.new) == 3
    assert isinstance(broken, Exception)
    assert isinstance(last, FeedUpdate) and len(last.new) == 4
    titles = {i.title for i in store.items(limit=None)}
    assert titles == {f"first report {k}" for k in range(3)} | {f"last report {k}" for k in range(4)}
    states = {s.name: s for s in store.feed_states(active_only=False)}
    assert states["first"].last_ok and states["last"].last_ok and not states["broken"].last_ok
    assert store.execute("PRAGMA integrity_check")[0][0] == "ok"
    store.close()


def test_a_fetch_the_store_cannot_prepare_fails_alone(tmp_path):
    store = Store.open(tmp_path / "tracker.db")
    good, bad = fetch("good", 2), fetch("bad", 1)
    broken = [(dataclasses.replace(e, title=None), m) for e, m in bad[1]]  # no title at all: a bug upstream
    store.sync_feeds([good[0], bad[0]])
    first, second = store.store_fetches([(bad[0], broken, bad[2]), good])
    assert isinstance(first, Exception) and isinstance(second, FeedUpdate) and len(second.new) == 2
    assert {i.title for i in store.items(limit=None)} == {"good report 0", "good report 1"}
    store.close()


def test_a_locked_database_fails_the_lot_at_once(tmp_path):
    """Every fetch of the lot would wait out the busy timeout again: the lot fails as a whole,
    with the one-line error the poll reports."""
    store = Store.open(tmp_path / "tracker.db")
    lot = [fetch(f"feed{k}", 2) for k in range(3)]
    store.sync_feeds([f for f, _, _ in lot])
    store._conn().execute("PRAGMA busy_timeout=50")
    other = sqlite3.connect(tmp_path / "tracker.db", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process holds the write lock
    try:
        with pytest.raises(StoreError, match="locked"):
            store.store_fetches(lot)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert all(isinstance(r, FeedUpdate) for r in store.store_fetches(lot))  # and once it is free
    store.close()


def test_a_feed_that_answers_304_reads_no_item(tmp_path):
    """A warm poll is all 304s: storing one must cost the same at 1,000 items as at 1,000,000,
    so no statement of it reads the items (the outlet names alone scanned the on-story items)."""
    store = Store.open(tmp_path / "tracker.db")
    feed, entries, kw = fetch("wire", 5)
    store.sync_feeds([feed])
    store.store_fetches([(feed, entries, kw)])
    store.close()
    store = Store.open(tmp_path / "tracker.db")  # a new process: nothing cached yet
    statements: list[str] = []
    store._conn().set_trace_callback(statements.append)
    done = store.store_fetch(feed, [], **(kw | {"status": 304}))
    store._conn().set_trace_callback(None)
    assert done.entries == 0 and statements
    assert not [s for s in statements if " items " in f" {s} " or "FROM items" in s], statements
    store.close()


class Writer:
    """A writer that stores nothing and answers when told: which lots it was sent."""

    def __init__(self) -> None:
        self.lots: list[list[str]] = []
        self.go: list[asyncio.Event] = []

    async def store_lot(self, lot: list) -> list:
        self.lots.append([feed.name for feed, _, _ in lot])
        self.go.append(done := asyncio.Event())
        await done.wait()
        return [ValueError(feed.name) if feed.name.startswith("bad") else FeedUpdate(entries=len(e))
                for feed, e, _ in lot]

    async def sent(self, n: int) -> None:
        async def until_sent():
            while len(self.lots) < n:
                await asyncio.sleep(0)
        await asyncio.wait_for(until_sent(), 10)  # a lot never sent fails the test, not hangs it

    async def kept_busy(self, lots: update.Lots) -> list[asyncio.Future]:
        """Two one-feed lots out (one being stored, one queued): what comes next waits."""
        busy = [asyncio.ensure_future(lots.store(*fetch(f"busy{k}", 1))) for k in range(2)]
        await self.sent(2)
        return busy


def test_feeds_arriving_while_the_writer_is_busy_go_together():
    async def main():
        writer = Writer()
        lots = update.Lots(writer.store_lot)
        calls = [asyncio.ensure_future(lots.store(*fetch(f"f{k}", 2))) for k in range(2)]
        await writer.sent(2)  # one being stored, one queued behind it: sent at once, alone
        calls += [asyncio.ensure_future(lots.store(*fetch(f"g{k}", 2))) for k in range(5)]
        await asyncio.sleep(0)
        assert writer.lots == [["f0"], ["f1"]]
        writer.go[0].set()
        await writer.sent(3)
        assert writer.lots[2] == [f"g{k}" for k in range(5)]
        for event in writer.go[1:]:
            event.set()
        results = await asyncio.gather(*calls)
        assert [r.entries for r in results] == [2] * 7

    asyncio.run(main())


def test_a_lot_is_cut_at_its_entries_and_errors_reach_their_own_feed_only():
    async def main():
        writer = Writer()
        lots = update.Lots(writer.store_lot)
        busy = await writer.kept_busy(lots)
        big = update.LOT_ENTRIES // 2
        calls = [asyncio.ensure_future(lots.store(*fetch(name, big))) for name in ("a", "bad", "c")]
        await asyncio.sleep(0)
        for event in writer.go[:2]:
            event.set()
        await writer.sent(4)
        assert writer.lots[2:] == [["a", "bad"], ["c"]]
        for event in writer.go[2:]:
            event.set()
        a, bad, c = await asyncio.gather(*calls, return_exceptions=True)
        assert a.entries == big and c.entries == big
        assert isinstance(bad, ValueError)
        await asyncio.gather(*busy)

    asyncio.run(main())


def test_a_cancelled_feed_is_not_sent_and_a_broken_writer_fails_its_lot():
    async def main():
        writer = Writer()
        lots = update.Lots(writer.store_lot)
        busy = await writer.kept_busy(lots)
        gone = asyncio.ensure_future(lots.store(*fetch("gone", 1)))
        kept = asyncio.ensure_future(lots.store(*fetch("kept", 1)))
        await asyncio.sleep(0)
        gone.cancel()
        writer.go[0].set()
        await writer.sent(3)
        assert writer.lots[2] == ["kept"]
        for event in writer.go[1:]:
            event.set()
        assert (await kept).entries == 1

        async def broken(lot):
            raise RuntimeError("the writer died")

        failing = update.Lots(broken)
        with pytest.raises(RuntimeError, match="died"):
            await failing.store(*fetch("x", 1))
        await asyncio.gather(*busy)

    asyncio.run(main())

