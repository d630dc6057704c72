"""SIGKILL `tracker poll` at random moments of a large poll, many times over.

After every kill: the database passes `PRAGMA integrity_check`, no article is stored twice
(same canonical link, or same feed entry), every item stored before the kill is still there,
and every feed whose ETag was stored has all of its items (the ETag and the items are one
transaction: were they not, the next poll would get a 304 and never fetch the lost items).
At the end one uninterrupted poll completes the work.
"""

from __future__ import annotations

import hashlib
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from tracker.feedgen import FeedItem, atom, rss

from .conftest import write_config

pytestmark = pytest.mark.slow

T0 = datetime(2026, 2, 25, 9, 0, tzinfo=timezone.utc)
FEEDS = 16
ITEMS = 120
KILLS = 25


class Feeds:
    """Feeds that only grow. Every fourth item of a feed is an article another feed carries
    too (same link, own guid): those must be stored once. Half the feeds send no validators,
    so every poll rewrites them in full; the other half answer 304 once stored."""

    def __init__(self, server, seed: int):
        self.server = server
        self.rnd = random.Random(seed)
        self.items: dict[int, list[FeedItem]] = {f: [] for f in range(FEEDS)}
        self.etags: dict[str, int] = {}  # ETag served -> how many entries that version held
        self.next = 0
        for f in range(FEEDS):
            self.add(f, ITEMS)

    def add(self, f: int, n: int) -> None:
        for _ in range(n):
            k = self.next
            self.next += 1
            shared = k % 4 == 0
            link = f"http://shared.test/{k // 4 % 200}" if shared else f"http://news.test/{f}/{k}"
            self.items[f].append(FeedItem(
                f"Anthropic Pentagon update {k} of feed {f}", link=link, guid=f"f{f}-{k}",
                published=T0 + timedelta(minutes=k), summary=f"<p>Claude and the Department of War, part {k}.</p>"))
        self.publish(f)

    def publish(self, f: int) -> None:
        body = (atom if f % 3 == 0 else rss)(list(reversed(self.items[f])))
        validators = f % 2 == 0
        if validators:  # FeedServer's ETag: a hash of the body
            self.etags[f'"{hashlib.sha256(body).hexdigest()[:32]}"'] = len(self.items[f])
        self.server.set_feed(f"/f{f}.xml", body, etag=validators, send_last_modified=validators,
                             content_type="application/atom+xml" if f % 3 == 0 else "application/rss+xml")

    def grow(self) -> None:
        for f in self.rnd.sample(range(FEEDS), 3):
            self.add(f, self.rnd.randint(1, 40))

    def expected(self) -> tuple[set[str], dict[str, int]]:
        """-> (every canonical link, entries per feed name)."""
        links = {i.link for items in self.items.values() for i in items}
        return links, {f"Feed {f}": len(items) for f, items in self.items.items()}


def poll_process(config: Path) -> subprocess.Popen:
    # its own session: the kill must take the parse workers down with it, as a real kill -9
    # of a process group (or a crash of the machine) would
    return subprocess.Popen([sys.executable, "-m", "tracker", "--config", str(config), "poll", "-q"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)


def check(db: Path, etags: dict[str, int]) -> tuple[set[str], set[tuple[str, str]]]:
    """The invariants that must hold after any kill; -> (canonical links, (feed, entry) pairs) stored."""
    conn = sqlite3.connect(db, timeout=30)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'items'").fetchone():
            return set(), set()  # killed before the schema's one transaction committed
        # One feed may carry a link under several ids (posts of one page): those are distinct
        # items. Stored twice is more items with a link than any one feed has entries for it.
        dup = conn.execute(
            "SELECT i.canonical, COUNT(*) AS n FROM items i WHERE i.canonical IS NOT NULL GROUP BY i.canonical "
            "HAVING n > (SELECT MAX(c) FROM (SELECT COUNT(*) AS c FROM item_feeds x JOIN items j ON j.id = x.item_id "
            "WHERE j.canonical = i.canonical GROUP BY x.feed_id))").fetchall()
        assert not dup, f"articles stored twice: {dup[:5]}"
        dup = conn.execute("SELECT feed_id, entry_id, COUNT(*) FROM item_feeds GROUP BY feed_id, entry_id "
                           "HAVING COUNT(*) > 1").fetchall()
        assert not dup, f"entries stored twice: {dup[:5]}"
        orphans = conn.execute("SELECT COUNT(*) FROM item_feeds x LEFT JOIN items i ON i.id = x.item_id "
                               "WHERE i.id IS NULL").fetchone()[0]
        assert orphans == 0
        # (COUNT(*) of an external-content index counts the items table; this reads the index)
        conn.execute("INSERT INTO items_fts (items_fts, rank) VALUES ('integrity-check', 1)")  # raises if out of step
        for name, etag, stored in conn.execute(
                "SELECT f.name, f.etag, (SELECT COUNT(*) FROM item_feeds x WHERE x.feed_id = f.id) FROM feeds f"):
            if etag:
                # the ETag was committed with this feed's items: every entry of the version it
                # names is stored, else a 304 would hide the missing ones for good
                assert stored >= etags[etag], (name, stored, etags[etag])
        links = {r[0] for r in conn.execute("SELECT canonical FROM items")}
        entries = {(r[0], r[1]) for r in conn.execute(
            "SELECT f.name, x.entry_id FROM item_feeds x JOIN feeds f ON f.id = x.feed_id")}
        return links, entries
    finally:
        conn.close()


def test_sigkill_during_large_polls(tmp_path, server):
    feeds = Feeds(server, seed=int(os.environ.get("TRACKER_KILL_SEED", "6")))
    config = write_config(tmp_path, [(f"Feed {f}", server.url(f"/f{f}.xml")) for f in range(FEEDS)],
                          extra='[poll]\ntimeout = "20s"\nmax_new_items = 100000\n')  # large polls: no cap
    db = tmp_path / "data" / "tracker.db"
    rnd = random.Random(7)

    stored_links: set[str] = set()
    stored_entries: set[tuple[str, str]] = set()
    killed_mid_work = 0
    # How long a poll runs is learnt as it goes (the first one, into an empty database, is by
    # far the longest): each kill lands at a random moment within the current estimate.
    estimate = 3.0
    for n in range(KILLS):
        delay = rnd.uniform(0.05, estimate)
        proc = poll_process(config)
        started = time.monotonic()
        try:
            proc.wait(timeout=delay)
            estimate = max(0.5, time.monotonic() - started)  # it finished first: polls got shorter
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
            killed_mid_work += 1
            estimate = min(30.0, max(estimate, delay * 1.5))
        proc.stdout.close(), proc.stderr.close()
        links, entries = check(db, feeds.etags)
        lost = stored_links - links
        assert not lost, f"kill {n}: items stored before the kill are gone: {sorted(lost)[:5]}"
        assert stored_entries <= entries
        stored_links, stored_entries = links, entries
        feeds.grow()  # the next poll always has new work, in feeds with and without validators

    assert killed_mid_work >= KILLS * 0.6, f"only {killed_mid_work} kills landed while the poll ran"
    print(f"{killed_mid_work} of {KILLS} kills landed mid-poll; {len(stored_links)} items stored before the last")

    proc = poll_process(config)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    links, entries = check(db, feeds.etags)
    expected_links, per_feed = feeds.expected()
    assert links == expected_links, f"missing after the completing poll: {sorted(expected_links - links)[:5]}"
    got = {}
    for name, _ in entries:
        got[name] = got.get(name, 0) + 1
    assert got == per_feed
