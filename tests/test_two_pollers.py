"""The dashboard and `tracker daemon` on one database: each scheduled poll of a feed is made
by one of them, not by both (they used to fetch every feed twice, 0.1-0.6 s apart)."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta

from tracker.config import load
from tracker.feedgen import FeedItem, rss
from tracker.schedule import Poller
from tracker.store import Store
from tracker.timeutil import utcnow
from tracker.update import Updater

from .conftest import write_config

FEEDS = 4


def test_two_pollers_on_one_database_fetch_each_due_feed_once(tmp_path, server):
    for n in range(FEEDS):
        server.set_feed(f"/f{n}.xml", rss([FeedItem(f"Anthropic and the Pentagon {n}", link=f"http://news.test/{n}",
                                                    guid=str(n))]))
    config = load(write_config(tmp_path, [(f"Feed {n}", server.url(f"/f{n}.xml")) for n in range(FEEDS)]))
    Store.open(config.database_path).sync_feeds(config.feeds)
    # two processes' worth: each its own store (connections), updater and scheduler
    stores = [Store.open(config.database_path) for _ in range(2)]
    results: list[list] = [[], []]

    async def run():
        updaters = [Updater(config, s) for s in stores]
        pollers = [Poller(u, on_result=results[i].append) for i, u in enumerate(updaters)]
        for p in pollers:
            # started together, every feed long due: both schedules run every feed at once
            p.start(now=utcnow() - timedelta(minutes=1))
        deadline = time.monotonic() + 30
        while any(len(r) < FEEDS for r in results) and time.monotonic() < deadline:
            await asyncio.sleep(0.02)
        for p in pollers:
            p.shutdown()
        for u in updaters:
            await u.aclose()

    asyncio.run(run())
    assert all(len(r) == FEEDS for r in results), results  # each poller's turn came for every feed
    assert {f"/f{n}.xml": server.hits(f"/f{n}.xml") for n in range(FEEDS)} == {f"/f{n}.xml": 1 for n in range(FEEDS)}
    outcomes = sorted((r.feed, r.skipped or "polled") for rs in results for r in rs)
    assert outcomes == sorted([(f"Feed {n}", "polled") for n in range(FEEDS)]
                              + [(f"Feed {n}", "polled by another process") for n in range(FEEDS)])
    for s in stores:
        s.close()


def test_a_scheduled_poll_keeps_its_own_turn_and_loses_one_another_process_took(tmp_path, server):
    """Our schedule may come due before the next poll we stored (counted from the end of the
    last fetch), or hours before it after the clock was set back: that turn is still ours. A
    turn another process claimed since is not."""
    server.set_feed("/f.xml", rss([FeedItem("Anthropic and the Pentagon", link="http://news.test/1", guid="1")]))
    config = load(write_config(tmp_path, [("Feed", server.url("/f.xml"))]))
    stores = [Store.open(config.database_path) for _ in range(2)]
    stores[0].sync_feeds(config.feeds)
    [feed] = config.feeds

    async def run():
        ours, theirs = (Updater(config, s) for s in stores)
        try:
            first = await ours.update_feed(feed, claim=True)
            early = await ours.update_feed(feed, claim=True)  # next poll stored an interval ahead
            taken = await theirs.update_feed(feed, claim=True)
            return first, early, taken
        finally:
            await ours.aclose()
            await theirs.aclose()

    first, early, taken = asyncio.run(run())
    assert first.ok and early.ok and server.hits("/f.xml") == 2
    assert taken.skipped == "polled by another process" and server.hits("/f.xml") == 2
    for s in stores:
        s.close()
