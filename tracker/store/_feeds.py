"""Feeds: their rows, polls claimed and failed, fetch records, health."""

from __future__ import annotations

import dataclasses
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from typing import Iterable

from .. import cluster
from ..model import FeedConfig
from ..rows import FeedState
from ..timeutil import to_iso, utcnow
from ._schema import _sql_literal

FETCH_HISTORY = 50  # fetch records kept per feed; the rest is pruned so days of polling stay small
CHURN_POLLS = 2  # polls in a row with every entry id new (after the first) that flag a feed


# A feed's state that belongs to its URL, and its value for a URL never polled.
URL_STATE = {"moved_to": None, "etag": None, "last_modified": None, "gone": 0, "retry_after": None,
             "failures": 0, "next_poll": None, "last_error": None, "last_status": None}


@dataclass(frozen=True)
class FeedUpdate:
    """What storing one successful fetch changed."""

    new: tuple[int, ...] = ()  # ids of items seen for the first time (any feed)
    updated: tuple[int, ...] = ()  # ids whose title or summary the feed changed
    entries: int = 0
    problem: str | None = None  # the feed's status note as stored: the parser's, a cap, churning ids


def merge_feeds(feeds: Iterable[FeedConfig], rows: Iterable[FeedState]) -> list[FeedState]:
    """feeds.toml's feeds, in its order, each with its row of Store.feeds() (by name): what
    sync_feeds would make of the table, worked out without writing it, so a command that only
    looks shows a feed added since the last poll (or a changed URL) as not polled yet."""
    known = {r.name: r for r in rows}
    out = []
    for f in feeds:
        row = known.get(f.name)
        if row is None:
            out.append(FeedState(f.name, f.url))
        else:
            out.append(dataclasses.replace(row, url=f.url, active=1, **({} if row.url == f.url else URL_STATE)))
    return out


class FeedsPart:
    # ---------------------------------------------------------------- feeds
    def sync_feeds(self, feeds: Iterable[FeedConfig]) -> None:
        """Make the feeds table match feeds.toml (by name); removed feeds keep their items."""
        feeds = list(feeds)
        # A new URL in feeds.toml starts afresh: the old one's move, validators, 410 and
        # backoff say nothing of it (fixing a typo'd URL must not wait out the typo's backoff).
        fresh = ", ".join(f"{k} = CASE WHEN feeds.url = excluded.url THEN feeds.{k} ELSE {_sql_literal(v)} END"
                          for k, v in URL_STATE.items())
        with self.write() as c:
            c.execute("UPDATE feeds SET active = 0")
            for f in feeds:
                c.execute("INSERT INTO feeds (name, url) VALUES (?, ?) "
                          f"ON CONFLICT(name) DO UPDATE SET active = 1, url = excluded.url, {fresh}",
                          (f.name, f.url))

    def configured_feeds(self, feeds: Iterable[FeedConfig]) -> list[FeedState]:
        """feeds.toml's feeds with what the database knows of each: see merge_feeds."""
        return merge_feeds(feeds, self.feeds(active_only=False))

    def feed(self, name: str) -> FeedState | None:
        rows = self.execute("SELECT * FROM feeds WHERE name = ?", (name,))
        return FeedState(**dict(rows[0])) if rows else None

    def claim_poll(self, name: str, now: datetime, until: datetime, ours: str | None) -> bool:
        """A scheduled poll takes its turn: if the feed's next poll has come, or is still the
        one this process stored last (`ours`: our schedule may come due a little before it, or
        a clock set back may put it hours ahead), move it to `until`. -> whether we got it.
        In one write transaction, so of two processes (a dashboard and a daemon) whose
        schedules come due together, one polls and the other finds the turn taken."""
        with self.write() as c:
            return c.execute("UPDATE feeds SET next_poll = ? WHERE name = ? AND "
                             "(next_poll IS NULL OR next_poll <= ? OR next_poll = ?)",
                             (to_iso(until), name, to_iso(now), ours)).rowcount > 0

    def feeds(self, active_only: bool = True) -> list[FeedState]:
        """Every feed with its health and how many items (and on-story items) it carried."""
        # Counted apart: every item_feeds row from its own index, and the on-story ones from the
        # on-story items (items_story, a tenth of them), not an items row read for each item a
        # feed carried (0.46-0.60 s at 1,000,000 items, against 0.15 s).
        sql = """
            SELECT f.*, COALESCE(n.items, 0) AS items, COALESCE(s.on_story, 0) AS on_story_items
            FROM feeds f
            LEFT JOIN (SELECT feed_id, COUNT(*) AS items FROM item_feeds GROUP BY feed_id) n ON n.feed_id = f.id
            LEFT JOIN (SELECT x.feed_id, COUNT(*) AS on_story FROM items i INDEXED BY items_story
                       CROSS JOIN item_feeds x ON x.item_id = i.id WHERE i.on_story = 1 GROUP BY x.feed_id
            ) s ON s.feed_id = f.id
        """ + (" WHERE f.active = 1" if active_only else "") + " ORDER BY f.id"
        return [FeedState(**dict(r)) for r in self.execute(sql)]

    def record_failure(self, name: str, error: str, status: int | None, next_poll: datetime,
                       retry_after: datetime | None = None, gone: bool = False,
                       duration: float = 0.0, size: int = 0, now: datetime | None = None) -> None:
        now_s = to_iso(now or utcnow())
        with self.write() as c:
            fid = self._feed_id(c, name)
            c.execute("UPDATE feeds SET last_poll = ?, last_status = ?, last_error = ?, "
                      "failures = failures + 1, next_poll = ?, retry_after = ?, gone = ?, polls = polls + 1 "
                      "WHERE id = ?",
                      (now_s, status, error, to_iso(next_poll), to_iso(retry_after) if retry_after else None,
                       int(gone), fid))
            self._record_fetch(c, fid, now_s, status, error, duration, size, 0, 0)

    def _feed_id(self, c: sqlite3.Connection, name: str, url: str = "") -> int:
        row = c.execute("SELECT id FROM feeds WHERE name = ?", (name,)).fetchone()
        if row:
            return row[0]
        return c.execute("INSERT INTO feeds (name, url) VALUES (?, ?)", (name, url)).lastrowid

    def _record_fetch(self, c, fid, at, status, error, duration, size, entries, new_items) -> None:
        c.execute("INSERT INTO fetches (feed_id, at, status, error, duration, bytes, entries, new_items) "
                  "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", (fid, at, status, error, duration, size, entries, new_items))
        c.execute("DELETE FROM fetches WHERE feed_id = ? AND id <= "
                  "(SELECT id FROM fetches WHERE feed_id = ? ORDER BY id DESC LIMIT 1 OFFSET ?)",
                  (fid, fid, FETCH_HISTORY))

    def _outlet_names(self, c: sqlite3.Connection) -> set[str]:
        if self._outlets is None:
            # Outlets that <source> elements or title suffixes named (feeds' own names aside).
            learned = c.execute("SELECT DISTINCT outlet FROM items WHERE on_story = 1 "
                                "AND outlet NOT IN (SELECT name FROM feeds)").fetchall()
            self._outlets = set(cluster.KNOWN_OUTLETS) | {r[0].casefold() for r in learned if r[0]}
        return self._outlets

    def feed_states(self, active_only: bool = True) -> list[FeedState]:
        """The feeds' own columns, without feeds()'s item counts: cheap enough to read after
        every poll for the dashboard's status line, and for a poll to read every feed's state
        in one query."""
        return [FeedState(**dict(r)) for r in self.execute(
            "SELECT * FROM feeds" + (" WHERE active = 1" if active_only else "") + " ORDER BY id")]

    def feeds_with_validators(self) -> set[str]:
        """Names of the feeds with an ETag or a Last-Modified: a poll of them may get a 304."""
        return {r[0] for r in self.execute("SELECT name FROM feeds WHERE etag IS NOT NULL OR last_modified IS NOT NULL")}

    def outlets(self) -> list[dict]:
        """Every outlet that has covered the story, most items first: `outlet`, `items`, `first`
        (its first report's time) and `first_reports` (developments it was the first to report:
        the outlet of each development's earliest report, one indexed read per development)."""
        out = {r["outlet"]: dict(r) | {"first_reports": 0} for r in self.execute(
            "SELECT outlet, COUNT(*) AS items, MIN(published) AS first FROM items WHERE on_story = 1 "
            "GROUP BY outlet")}
        # The earliest report is found at the development's `first` in items_story_time, a seek
        # or two, rather than by reading every member's row (at 1,000,000 items: 52 against
        # 362 ms for 14,751 developments); the members are read only if none is there.
        for r in self.execute(
                "SELECT COALESCE((SELECT i.outlet FROM items i INDEXED BY items_story_time WHERE i.on_story = 1 "
                "AND i.published = d.first AND i.development = d.id ORDER BY i.id LIMIT 1), "
                "(SELECT i.outlet FROM items i WHERE i.development = d.id ORDER BY i.published, i.id LIMIT 1)) "
                "AS outlet, COUNT(*) FROM developments d GROUP BY outlet"):
            if r[0] in out:
                out[r[0]]["first_reports"] = r[1]
        return sorted(out.values(), key=lambda o: (-o["items"], o["first"], o["outlet"]))

    def silent_feeds(self) -> list[str]:
        """The configured (active) feeds that have carried nothing on the story yet."""
        return [r[0] for r in self.execute(
            "SELECT name FROM feeds f WHERE active = 1 AND NOT EXISTS (SELECT 1 FROM item_feeds x "
            "JOIN items i ON i.id = x.item_id WHERE x.feed_id = f.id AND i.on_story = 1) ORDER BY id")]
