"""Items: storing a fetch's entries, the lists and lookups the dashboard and the CLI read, marks."""

from __future__ import annotations

import dataclasses
import json
import re
import sqlite3
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from contextlib import contextmanager
from typing import Iterable, Iterator, Sequence

from .. import cluster
from ..errors import StoreError
from ..links import link_key, same_site
from ..match import Match
from ..model import Entry, FeedConfig
from ..rows import Copy, Item, Version
from ..timeutil import to_iso, utcnow
from ._base import chunks
from ._feeds import CHURN_POLLS, FeedUpdate
from ._schema import STORY_THROUGH, STORY_TRIGGERS

PRUNE_BATCH = 500  # expired off-story items deleted at once: a bounded write after a poll
PRUNE_EVERY = 600.0  # seconds between prunes in one process, unless the last one hit PRUNE_BATCH


MERGE_CANDIDATES = 64  # items with an entry's link that may become its item (Store._upsert_entry)
ITEM_COLUMNS = ("id, link, canonical, title, summary, author, outlet, published, dated, first_seen, "
                "updated, rule_on_story, manual, on_story, matched, read, starred, backlog, cluster, development, "
                "development_why, joined")  # rows.Item's fields, in its order: rows are made positionally
_MATCHED = ITEM_COLUMNS.split(", ").index("matched")


@dataclass(frozen=True)
class Ready:
    """An entry with the CPU part of storing it done beforehand (Store._ready), before the
    write transaction begins: the database's write lock, which the dashboard's read and star
    marks and other processes' polls wait for, is held for less time."""
    entry: Entry  # with an outlet suffix split off the title, as far as the outlets known then tell
    match: Match
    raw_title: str
    canonical: str | None  # links.link_key: the canonical link and its #fragment
    terms: str  # the matched terms, as stored (JSON)
    features: cluster.Features | None  # for on-story entries, of entry.title and entry.summary


@dataclass(frozen=True)
class Filter:
    """Which items a list shows. Frozen: the dashboard replaces its filter, so a worker that
    took the filter it was started with reads that one to the end."""

    story: bool | None = True  # True: on the story, False: off it, None: all
    unread: bool = False
    starred: bool = False
    query: str = ""
    clusters: bool = False  # one row per cluster: its representative (earliest report)


def fts_query(text: str) -> str | None:
    """User text -> a safe FTS5 prefix query: every word quoted, so no user input is FTS syntax.
    Words split where the index's tokenizer splits them (at "_" too): a quoted string of two
    tokens would be a phrase, which an index without positions cannot answer."""
    words = re.findall(r"[^\W_]+", text)
    return " ".join(f'"{w}"*' for w in words) if words else None


def _own_failure(e: Exception) -> Exception:
    """e, when one fetch's failure (its data broke a rule: a bug, a constraint); raised when the
    database failed, which no other fetch of the lot would escape."""
    if isinstance(e, StoreError) and not isinstance(e.__cause__, (sqlite3.IntegrityError, sqlite3.DataError,
                                                                   sqlite3.InterfaceError, sqlite3.ProgrammingError)):
        raise e
    return e


class ItemsPart:
    def _ready(self, feed: FeedConfig, entries: Sequence[tuple[Entry, Match]]) -> list[Ready]:
        """What store_fetch needs to work out for each entry and can without the write lock:
        outlet suffixes, canonical links, the features clustering compares. Reads only."""
        if not entries:  # a 304: no outlet names to read (a scan of the on-story items, 10-60 ms at 1M)
            return []
        outlets = self._outlet_names(self._conn())
        out = []
        for e, m in entries:
            raw_title = e.title
            if not e.outlet:  # no <source>: a known outlet's " - Outlet" suffix still names it
                title, outlet = cluster.split_outlet(e.title, outlets)
                if outlet:
                    e = dataclasses.replace(e, title=title, outlet=outlet)
            on = m.on_story or not feed.match
            out.append(Ready(e, m, raw_title, link_key(e.link), json.dumps(list(m.terms)),
                             cluster.Features.of(e.title, e.summary) if on else None))
        return out

    def store_fetch(self, feed: FeedConfig, entries: Sequence[tuple[Entry, Match]], **fetch) -> FeedUpdate:
        """Store one successful fetch (200 or 304) of a feed: items, state and record, atomically.
        At most feed.max_new_items entries it never sent before are stored (the first ones, as
        feeds list the newest first); the rest wait for a later poll. fetch: status, etag,
        last_modified, next_poll (required), moved_to, problem, duration, size, title, now,
        keep_off_story (seconds after which items off the story are deleted, prune_off_story;
        None: never)."""
        done = self.store_fetches([(feed, entries, fetch)])[0]
        if isinstance(done, BaseException):
            raise done
        return done

    def store_fetches(self, fetches: Sequence[tuple[FeedConfig, Sequence[tuple[Entry, Match]], dict]]
                      ) -> list[FeedUpdate | Exception]:
        """Several feeds' fetches (feed, entries, store_fetch's keywords) in one transaction: a
        poll's writer stores together what was parsed while it stored the last lot (a
        transaction per feed cost a cold poll 5% more CPU). A fetch that fails gets its
        exception in its place and loses no other's: if the lot fails, each fetch is stored
        again alone. A failure of the database itself (locked, full, read-only) is raised at
        once: every fetch would meet it, each after the busy timeout."""
        out: list = [None] * len(fetches)
        readies: dict[int, list[Ready]] = {}
        for i, (feed, entries, _) in enumerate(fetches):
            try:
                readies[i] = self._ready(feed, entries)
            except Exception as e:
                out[i] = _own_failure(e)
        try:
            with self.write() as c:
                for i, ready in readies.items():
                    out[i] = self._store_one(c, fetches[i][0], ready, **fetches[i][2])
        except Exception as e:
            failure = _own_failure(e)
            if len(readies) == 1:
                out[next(iter(readies))] = failure
            else:
                for i, ready in readies.items():  # one at a time: the one that fails, fails alone
                    try:
                        with self.write() as c:
                            out[i] = self._store_one(c, fetches[i][0], ready, **fetches[i][2])
                    except Exception as e:
                        out[i] = _own_failure(e)
        keep = next((kw for _, _, kw in fetches if kw.get("keep_off_story") is not None), None)
        if keep is not None and time.monotonic() >= self._prune_due and any(isinstance(r, FeedUpdate) for r in out):
            try:
                pruned = self.prune_off_story((keep.get("now") or utcnow()) - timedelta(seconds=keep["keep_off_story"]))
            except StoreError:  # housekeeping: the feeds are stored, and the next prune is due later
                pruned = 0
            self._prune_due = time.monotonic() + (0 if pruned >= PRUNE_BATCH else PRUNE_EVERY)
        return out

    def _store_one(self, c: sqlite3.Connection, feed: FeedConfig, entries: list[Ready], *, status: int,
                   etag: str | None, last_modified: str | None, next_poll: datetime,
                   moved_to: str | None = None, problem: str | None = None, duration: float = 0.0,
                   size: int = 0, title: str = "", now: datetime | None = None,
                   keep_off_story: float | None = None) -> FeedUpdate:
        # keep_off_story is store_fetches': it prunes once for the lot, after its transaction.
        now = now or utcnow()
        now_s = to_iso(now)
        new: list[int] = []
        updated: list[int] = []
        seen = fresh = held = 0  # entries this feed sent before / new ones stored / new ones left for later
        new_set: set[int] = set()
        indexed = 0  # new[:indexed] are in items_fts
        row = c.execute("SELECT id, polls, last_ok, churn FROM feeds WHERE name = ?", (feed.name,)).fetchone()
        fid = row["id"] if row else self._feed_id(c, feed.name, feed.url)
        first_poll = not (row and row["last_ok"])
        for entry in entries:
            found = c.execute("SELECT item_id, title, published, own FROM item_feeds "
                              "WHERE feed_id = ? AND entry_id = ?", (fid, entry.entry.entry_id)).fetchone()
            if found:
                seen += 1
                if found[0] in new_set:  # an entry id sent twice: its item is edited below
                    indexed = self._index(c, new, indexed)
            elif feed.max_new_items is not None and fresh >= feed.max_new_items:
                held += 1
                continue
            else:
                fresh += 1
            item_id, is_new, changed = self._upsert_entry(c, fid, feed, entry, now, first_poll, found)
            if is_new:
                new.append(item_id)
                new_set.add(item_id)
            elif changed:
                updated.append(item_id)
        churn = (row["churn"] if row else 0) if not entries else \
            (row["churn"] + 1 if row and not first_poll and not seen and len(entries) >= 3 else 0)
        notes = [problem] if problem else []
        if held:
            notes.append(f"capped: stored {fresh} of the {fresh + held} new entries "
                         f"(max_new_items = {feed.max_new_items}); the rest wait for later polls")
        if churn >= CHURN_POLLS:
            notes.append(f"its entry ids all changed on each of the last {churn} polls: "
                         "every poll looks all new (a feed that makes up ids?)")
        problem = "; ".join(notes) or None
        if held:  # no validators: a 304 next time would leave the held entries unsent
            etag = last_modified = None
        c.execute("UPDATE feeds SET last_poll = ?, last_ok = ?, last_status = ?, last_error = ?, "
                  "failures = 0, retry_after = NULL, next_poll = ?, gone = 0, polls = polls + 1, "
                  # A 200 states the validators now in force (none is an answer too: sending
                  # an old one would ask about a version the server no longer serves); a 304
                  # may leave them out, and then the stored ones still hold.
                  "etag = COALESCE(?, CASE WHEN ? = 304 THEN etag END), "
                  "last_modified = COALESCE(?, CASE WHEN ? = 304 THEN last_modified END), "
                  "moved_to = COALESCE(?, moved_to), title = CASE WHEN ? != '' THEN ? ELSE title END, "
                  "churn = ? WHERE id = ?",
                  (now_s, now_s, status, problem, to_iso(next_poll), etag, status, last_modified, status,
                   moved_to, title, title, churn, fid))
        self._index(c, new, indexed)
        self._record_fetch(c, fid, now_s, status, problem, duration, size, len(entries), len(new))
        return FeedUpdate(new=tuple(new), updated=tuple(updated), entries=len(entries), problem=problem)

    @staticmethod
    def _index(c: sqlite3.Connection, new: list[int], indexed: int) -> int:
        """Put new[indexed:] in the full-text index, and the on-story ones in story_fts, in one
        statement per chunk: half the CPU of a trigger per row (a fifth for story_fts). Before
        any edit of those items: the edit trigger takes the old words out of the index. A
        verdict changed before this is no edit: story_fts's triggers leave the items above
        story_fts_through alone, and they are indexed here as they are now. -> len(new)."""
        # "+on_story": with a test of on_story the planner reads items_story_time for every
        # on-story item and sorts, for a list of more than a few ids: the cost of each poll
        # grew with the story (0.2 -> 0.9 s per 5,000 look-alike reports from 0 to 45,000).
        for chunk, marks in chunks(new[indexed:]):
            c.execute(f"INSERT INTO items_fts (rowid, title, summary) SELECT id, title, summary FROM items "
                      f"WHERE id IN ({marks}) ORDER BY id", chunk)
            c.execute(f"INSERT INTO story_fts (rowid, title, summary) SELECT id, title, summary FROM items "
                      f"WHERE id IN ({marks}) AND +on_story = 1 ORDER BY id", chunk)
        if new[indexed:]:
            c.execute("UPDATE settings SET value = ? WHERE key = 'story_fts_through'", (max(new),))
        return len(new)

    @staticmethod
    @contextmanager
    def _story_words_in_bulk(c: sqlite3.Connection, leaving: Sequence[int], joining: Sequence[int]) -> Iterator[None]:
        """Inside the caller's transaction, around the UPDATEs that take `leaving` off the story
        and put `joining` on it: their words leave and enter story_fts in one statement each,
        with its triggers dropped meanwhile (the transaction's rollback, on any error, brings
        them back). Row by row, the triggers took 4.2 of the 11.6 s CPU of a re-score that
        took 75,038 items off the story at 1,000,000; paused by a settings row, evaluating
        their WHEN still took a third of the UPDATE's."""
        if not leaving and not joining:  # no schema change, which every connection would re-prepare for
            yield
            return
        for name in STORY_TRIGGERS:
            c.execute(f"DROP TRIGGER {name}")
        if leaving:
            c.execute("INSERT INTO story_fts (story_fts, rowid, title, summary) SELECT 'delete', id, title, summary "
                      f"FROM items WHERE id IN (SELECT value FROM json_each(?)) AND +on_story = 1 AND id <= {STORY_THROUGH}",
                      (json.dumps(sorted(leaving)),))
        yield
        if joining:
            c.execute("INSERT INTO story_fts (rowid, title, summary) SELECT id, title, summary "
                      f"FROM items WHERE id IN (SELECT value FROM json_each(?)) AND +on_story = 1 AND id <= {STORY_THROUGH}",
                      (json.dumps(sorted(joining)),))
        for statement in STORY_TRIGGERS.values():
            c.execute(statement)

    def prune_off_story(self, before: datetime, limit: int = PRUNE_BATCH) -> int:
        """Delete up to `limit` items off the story first seen before `before`: never one on
        the story, starred, or given a verdict by hand (+/-), nor one in a cluster. -> how many.
        Oldest first. An entry its feed still sends comes back as new."""
        with self.write() as c:
            # The WHERE holds items_prunable's, which INDEXED BY needs: without it the planner
            # went through items_story_time, reading every off-story item.
            ids = [r[0] for r in c.execute(
                "SELECT id FROM items INDEXED BY items_prunable WHERE on_story = 0 AND starred = 0 "
                "AND manual IS NULL AND title_key IS NULL AND first_seen < ? ORDER BY first_seen, id LIMIT ?",
                (to_iso(before), limit))]
            for chunk, marks in chunks(ids):
                c.execute(f"DELETE FROM item_bands WHERE item_id IN ({marks})", chunk)
                c.execute(f"DELETE FROM items WHERE id IN ({marks})", chunk)  # item_feeds, versions: cascade
        return len(ids)

    def _upsert_entry(self, c: sqlite3.Connection, fid: int, feed: FeedConfig, r: Ready,
                      now: datetime, first_poll: bool, found: sqlite3.Row | None) -> tuple[int, bool, bool]:
        """-> (item id, first time seen, text changed). The same entry of the same feed is found
        by its id; the same article from another feed by its link (link_key). Never an item
        this feed already carries: within a feed, distinct ids are distinct items.
        found: the feed's item_feeds row for this entry (item_id, title, published, own), if any."""
        e, m, raw_title, canonical, features = r.entry, r.match, r.raw_title, r.canonical, r.features
        now_s = to_iso(now)
        rule_on = int(m.on_story or not feed.match)
        if not e.outlet:  # an outlet learned since Ready was made may name a suffix now
            title, outlet = cluster.split_outlet(e.title, self._outlet_names(c))
            if outlet:
                e = dataclasses.replace(e, title=title, outlet=outlet)
                features = None
        elif e.title == raw_title and e.outlet.casefold() not in self._outlet_names(c):  # from <source>
            self._outlets.add(e.outlet.casefold())
        own = int(same_site(feed.url, e.link))
        copy = (e.title, e.published, own)
        if found:
            item_id = found[0]
            old = c.execute("SELECT title, summary, rule_on_story FROM items WHERE id = ?", (item_id,)).fetchone()
            # an item stored before its outlet suffix was recognised has not changed either
            changed = (old["title"] not in (e.title, raw_title) or e.summary != old["summary"]) and bool(e.title)
            if tuple(found)[1:] != copy:  # written only when it changed: a poll of known entries writes nothing
                c.execute("UPDATE item_feeds SET title = ?, published = ?, own = ? WHERE feed_id = ? AND entry_id = ?",
                          copy + (fid, e.entry_id))
            elif not changed:  # nothing new from this source, so no other copy can have overtaken it
                return item_id, False, False
            best = self._best_copy(c, item_id)
            if best is not None and best[:2] != (fid, e.entry_id):  # another source's copy is the item's
                return item_id, False, self._retitle(c, item_id, best[2])
            if changed:
                c.execute("INSERT INTO item_versions (item_id, title, summary, replaced) VALUES (?, ?, ?, ?)",
                          (item_id, old["title"], old["summary"], now_s))
                c.execute("UPDATE items SET title = ?, summary = ?, updated = ?, read = 0, matched = ?, "
                          "rule_on_story = ?, on_story = COALESCE(manual, MAX(?, joined IS NOT NULL)) WHERE id = ?",
                          (e.title, e.summary, now_s, r.terms, rule_on, rule_on, item_id))
                self._recluster(c, item_id, old["title"], old["summary"])
                self.development_update(c, item_id)
            return item_id, False, changed
        item_id = None
        if canonical:
            # Among the newest few with the link only: a feed whose every entry links to one
            # page (a status page, a home page) would otherwise have each new entry read all
            # its earlier ones.
            row = c.execute("SELECT id, rule_on_story FROM (SELECT id, rule_on_story FROM items WHERE canonical = ? "
                            f"ORDER BY id DESC LIMIT {MERGE_CANDIDATES}) i WHERE NOT EXISTS "
                            "(SELECT 1 FROM item_feeds x WHERE x.item_id = i.id AND x.feed_id = ?) LIMIT 1",
                            (canonical, fid)).fetchone()
            if row:
                item_id = row[0]
                if rule_on and not row[1]:
                    c.execute("UPDATE items SET rule_on_story = 1, on_story = COALESCE(manual, 1) WHERE id = ?",
                              (item_id,))
                    self._recluster(c, item_id)
                    self.development_update(c, item_id)
                c.execute("INSERT OR IGNORE INTO item_feeds (feed_id, entry_id, item_id, first_seen, title, "
                          "published, own) VALUES (?,?,?,?,?,?,?)", (fid, e.entry_id, item_id, now_s) + copy)
                best = self._best_copy(c, item_id)
                return item_id, False, best is not None and self._retitle(c, item_id, best[2])
        is_new = item_id is None
        if is_new:
            published, dated = e.published, 1
            if not published or published > now_s:
                # no usable date, or one in the future (which would pin the item to the top):
                # either way the time stored is tracker's, not the feed's
                published, dated = now_s, 0
            item_id = c.execute(
                "INSERT INTO items (link, canonical, title, summary, author, outlet, published, dated, "
                "first_seen, rule_on_story, on_story, matched, backlog) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (e.link, canonical, e.title, e.summary, e.author, e.outlet or feed.name, published, dated,
                 now_s, rule_on, rule_on, r.terms, int(first_poll))).lastrowid
            if rule_on:  # its cluster (its own, or its copies') is set by _attach
                cid, alone = self._attach_copy(c, item_id, e.title, e.summary, published, features)
                # A new id has no move (development_moves cascades from items), and a report
                # that matched no copy has none whose development it would join.
                self._group(c, item_id, e.title, e.summary, published, cid, move=None,
                            alone=frozenset((cid,)) if alone else frozenset())
            else:
                c.execute("UPDATE items SET cluster = id WHERE id = ?", (item_id,))
                self._offer(c, item_id, e.title, e.summary, published)
        c.execute("INSERT OR IGNORE INTO item_feeds (feed_id, entry_id, item_id, first_seen, title, published, own) "
                  "VALUES (?,?,?,?,?,?,?)", (fid, e.entry_id, item_id, now_s) + copy)
        return item_id, is_new, False

    @staticmethod
    def _best_copy(c: sqlite3.Connection, item_id: int) -> tuple[int, str, str] | None:
        """(feed id, entry id, title) of the source copy whose headline an item shows: the
        publisher's own (its feed on the link's site), else the earliest dated, then by the
        headline itself. Nothing here depends on which feed's fetch was stored first."""
        row = c.execute("SELECT feed_id, entry_id, title FROM item_feeds WHERE item_id = ? AND title IS NOT NULL "
                        "AND title != '' ORDER BY own DESC, published IS NULL, published, title, entry_id LIMIT 1",
                        (item_id,)).fetchone()
        return tuple(row) if row else None

    def _retitle(self, c: sqlite3.Connection, item_id: int, title: str) -> bool:
        """Show another source's headline: not an edit (no version, not unread again), as the
        headline it replaces stays with its own source's copy."""
        old = c.execute("SELECT title, summary FROM items WHERE id = ?", (item_id,)).fetchone()
        if old is None or old["title"] == title:
            return False
        c.execute("UPDATE items SET title = ? WHERE id = ?", (title, item_id))
        self._recluster(c, item_id, old["title"], old["summary"])
        return True

    # ---------------------------------------------------------------- items
    def _where(self, f: Filter) -> tuple[str, list]:
        clauses, params = [], []
        if f.story is not None:
            # A literal, not a parameter: the planner can use the partial index items_story
            # (WHERE on_story = 1) only when the query says so itself.
            clauses.append(f"i.on_story = {int(f.story)}")
        if f.unread:
            clauses.append("i.read = 0")
        if f.starred:
            clauses.append("i.starred = 1")
        if f.clusters:
            clauses.append("i.cluster = i.id")  # as in the items_reps index's WHERE, so the planner uses it
        q = fts_query(f.query) if f.query else None
        if f.query and not q:
            clauses.append("0")
        # An item is found by its feed's words and by its article's (texts_fts). UNION ALL: IN
        # keeps each id once anyway. On the story, the feed's words are read from story_fts,
        # which holds the on-story items' alone: a prefix such as "pe" hits a tenth of all
        # items (104,224 at 1,000,000), of which a quarter are on the story.
        words = "story_fts" if f.story else "items_fts"
        found = (f"SELECT rowid FROM {words} WHERE {words} MATCH ? "
                 "UNION ALL SELECT rowid FROM texts_fts WHERE texts_fts MATCH ?")
        if q and f.clusters and f.story:
            # A cluster is found by any of its reports' words, not just its first's; its
            # reports are on the story (one that leaves it leaves its cluster). Filter first:
            # the hits' clusters are read from items_story (an index of the on-story items by
            # id) and the representatives the other clauses keep (items_reps) are checked
            # against them, instead of each representative's members being looked up.
            clauses.append(f"i.id IN (SELECT s.cluster FROM items s INDEXED BY items_story "
                           f"WHERE s.on_story = 1 AND s.id IN ({found}))")
            params += [q, q]
        elif q and f.clusters:
            # Off the story or either: the clusters the other clauses keep (items_reps) are each
            # checked through their members' ids (items_cluster, an index only), instead of
            # every hit of the index being looked up in the table for its cluster. "+x.id":
            # else the planner searches items_cluster once per hit for each cluster (minutes).
            clauses.append(f"EXISTS (SELECT 1 FROM items x WHERE x.cluster = i.id AND +x.id IN ({found}))")
            params += [q, q]
        elif q:
            clauses.append(f"i.id IN ({found})")
            params += [q, q]
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", params

    def fts_items(self, query: str) -> list[int]:
        """Ids of the items whose title or summary the full-text index finds for an FTS5 query
        (the caller's own syntax: quote user text with fts_query)."""
        return [r[0] for r in self._conn().execute("SELECT rowid FROM items_fts WHERE items_fts MATCH ?", (query,))]

    def item_ids(self, f: Filter | None = None, limit: int | None = None) -> list[int]:
        """Ids in display order (newest first). The TUI keeps only this list and fetches rows
        for what is visible, which is what keeps 100,000 items instant."""
        where, params = self._where(f or Filter())
        sql = f"SELECT i.id FROM items i{where} ORDER BY i.published DESC, i.id DESC"
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        return [r[0] for r in self._conn().execute(sql, params)]

    def items(self, f: Filter | None = None, limit: int | None = None) -> list[Item]:
        f = f or Filter()
        if f.story is None and limit is not None:
            # On and off the story together, newest first: no index orders every item by time
            # (migration 4), so a plain ORDER BY sorts them all (0.5 s at 1,000,000 items).
            # items_story_time orders each half: the first `limit` of each, merged, are the
            # first `limit` of all.
            halves = self.items(dataclasses.replace(f, story=True), limit) + \
                self.items(dataclasses.replace(f, story=False), limit)
            return sorted(halves, key=lambda r: (r.published, r.id), reverse=True)[:limit]
        where, params = self._where(f)
        sql = (f"SELECT {', '.join('i.' + c.strip() for c in ITEM_COLUMNS.split(','))} FROM items i{where} "
               "ORDER BY i.published DESC, i.id DESC")
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        return self._items(self._conn().execute(sql, params).fetchall())

    def rows(self, ids: Sequence[int]) -> dict[int, Item]:
        """Items by id (with the names of the feeds that carried them)."""
        return {r.id: r for r in self._items(self._item_rows(ids))}

    def _item_rows(self, ids: Sequence[int]) -> list[sqlite3.Row]:
        found: list[sqlite3.Row] = []
        conn = self._conn()
        for chunk, marks in chunks(ids):  # stay under SQLite's variable limit
            found += conn.execute(f"SELECT {ITEM_COLUMNS} FROM items WHERE id IN ({marks})", chunk).fetchall()
        return found

    def item(self, item_id: int) -> Item | None:
        """An item with its earlier `versions` and the other sources' headlines (`copies`)."""
        row = self.rows([item_id]).get(item_id)
        if row is None:
            return None
        versions = tuple(Version(*r) for r in self.execute(
            "SELECT title, summary, replaced FROM item_versions WHERE item_id = ? ORDER BY id", (item_id,)))
        # The other sources' headlines for it, where they differ from the one shown.
        copies = tuple(Copy(*r) for r in self.execute(
            "SELECT f.name AS feed, x.title FROM item_feeds x JOIN feeds f ON f.id = x.feed_id "
            "WHERE x.item_id = ? AND x.title IS NOT NULL AND x.title != ? ORDER BY x.first_seen, f.id",
            (item_id, row.title)))
        return dataclasses.replace(row, versions=versions, copies=copies)

    def _items(self, found: Sequence[Sequence], kind: type[Item] = Item, extra: dict[int, dict] | None = None
               ) -> list[Item]:
        """Rows of ITEM_COLUMNS as `kind`, each with the feeds that carried it (and its
        `extra` fields, by id)."""
        feeds: dict[int, list[str]] = {}
        conn = self._conn()
        for chunk, marks in chunks([r[0] for r in found]):
            for item_id, name in conn.execute(
                    f"SELECT x.item_id, f.name FROM item_feeds x JOIN feeds f ON f.id = x.feed_id "
                    f"WHERE x.item_id IN ({marks}) ORDER BY x.first_seen, f.id", chunk):
                feeds.setdefault(item_id, []).append(name)
        extra = extra or {}
        return [kind(*r[:_MATCHED], tuple(json.loads(r[_MATCHED])), *r[_MATCHED + 1:],
                     feeds=tuple(feeds.get(r[0], ())), **extra.get(r[0], {})) for r in found]

    def count(self, f: Filter | None = None) -> int:
        where, params = self._where(f or Filter())
        return self._conn().execute(f"SELECT COUNT(*) FROM items i{where}", params).fetchone()[0]

    def count_on_story(self, ids: Sequence[int]) -> int:
        """How many of these items are on the story: a count, not rows (a first poll's
        thousands of rows, summaries and all, would be `tracker poll`'s peak memory)."""
        n = 0
        for chunk, marks in chunks(ids):
            n += self.execute(f"SELECT COUNT(*) FROM items WHERE +on_story = 1 AND id IN ({marks})", chunk)[0][0]
        return n

    def set_read(self, ids: Iterable[int], read: bool = True) -> None:
        ids = list(ids)
        with self.write() as c:
            c.executemany("UPDATE items SET read = ? WHERE id = ?", [(int(read), i) for i in ids])

    def set_cluster_read(self, item_ids: Iterable[int], read: bool = True) -> None:
        """Read marks for whole clusters: every report in the cluster of each given item. The
        dashboard's row is the cluster, so reading it reads its copies too (else a digest of
        unread items would list a report already read on the dashboard)."""
        ids = list(item_ids)
        with self.write() as c:
            c.executemany("UPDATE items SET read = ? WHERE cluster = (SELECT cluster FROM items WHERE id = ?)",
                          [(int(read), i) for i in ids])

    def set_starred(self, item_id: int, starred: bool) -> None:
        with self.write() as c:
            c.execute("UPDATE items SET starred = ? WHERE id = ?", (int(starred), item_id))

    def set_manual(self, item_id: int, on_story: bool | None) -> None:
        """The user's verdict on an item; None hands it back to the rules."""
        with self.write() as c:
            c.execute("UPDATE items SET manual = ?, on_story = COALESCE(?, MAX(rule_on_story, joined IS NOT NULL)) "
                      "WHERE id = ?",
                      (None if on_story is None else int(on_story), None if on_story is None else int(on_story),
                       item_id))
            self._recluster(c, item_id)
            self.development_update(c, item_id)

    # ---------------------------------------------------------------- dashboard
    def item_ids_between(self, f: Filter | None, after: int = 0, upto: int | None = None) -> list[int]:
        """item_ids() limited to after < id <= upto. The dashboard reads max_item_id() first and
        passes it as `upto`, so the next look (after=that max) neither repeats nor misses an item."""
        where, params = self._where(f or Filter())
        bounds = ["i.id > ?"] + (["i.id <= ?"] if upto is not None else [])
        params += [after] + ([upto] if upto is not None else [])
        where = (where + " AND " if where else " WHERE ") + " AND ".join(bounds)
        return [r[0] for r in self._conn().execute(
            f"SELECT i.id FROM items i{where} ORDER BY i.published DESC, i.id DESC", params)]

    def item_ids_among(self, f: Filter | None, ids: Sequence[int]) -> list[int]:
        """Which of `ids` the filter lists, in display order: where the rows an edit touched
        (a verdict on a cluster's reports) belong now."""
        where, params = self._where(f or Filter())
        where = (where + " AND " if where else " WHERE ")
        out: list[tuple[str, int]] = []
        conn = self._conn()
        for chunk, marks in chunks(ids):
            out += conn.execute(f"SELECT i.published, i.id FROM items i{where}i.id IN ({marks})",
                                params + chunk).fetchall()
        return [r[1] for r in sorted(out, key=tuple, reverse=True)]

    def sort_keys(self, ids: Sequence[int]) -> dict[int, tuple[str, int]]:
        """id -> (published, id), the display order's key: places new ids in a list already shown."""
        out: dict[int, tuple[str, int]] = {}
        conn = self._conn()
        for chunk, marks in chunks(ids):
            for r in conn.execute(f"SELECT id, published FROM items WHERE id IN ({marks})", chunk):
                out[r[0]] = (r[1], r[0])
        return out

    def next_unread(self, f: Filter | None, after: tuple[str, int] | None) -> int | None:
        """The first unread item below the display position `after` ((published, id)), or None."""
        where, params = self._where(f or Filter())
        clauses = ["i.read = 0"]
        if after is not None:
            clauses.append("(i.published < ? OR (i.published = ? AND i.id < ?))")
            params += [after[0], after[0], after[1]]
        where = (where + " AND " if where else " WHERE ") + " AND ".join(clauses)
        row = self._conn().execute(
            f"SELECT i.id FROM items i{where} ORDER BY i.published DESC, i.id DESC LIMIT 1", params).fetchone()
        return row[0] if row else None

    # ---------------------------------------------------------------- timeline
    def story_histogram(self, unit: str = "day", since: datetime | None = None,
                        until: datetime | None = None) -> dict[str, int]:
        """Developments (on-story clusters, each counted once, when first reported) per local
        day ('2026-02-25') or hour ('2026-02-25 14'), in [since, until). One GROUP BY over the
        items_reps index; SQLite's 'localtime' is the process's zone, as timeutil.local() is."""
        fmt = {"day": "%Y-%m-%d", "hour": "%Y-%m-%d %H"}[unit]
        where, params = self._story_span(since, until)
        return dict(self.execute(f"SELECT strftime('{fmt}', published, 'localtime') AS bucket, COUNT(*) "
                                 f"FROM items WHERE {where} GROUP BY bucket", params))

    def story_cluster_ids(self, since: datetime, until: datetime) -> list[int]:
        """The representatives of the on-story clusters first reported in [since, until), earliest first."""
        where, params = self._story_span(since, until)
        return [r[0] for r in self.execute(f"SELECT id FROM items WHERE {where} ORDER BY published, id", params)]

    @staticmethod
    def _story_span(since: datetime | None, until: datetime | None) -> tuple[str, list]:
        clauses, params = ["on_story = 1", "cluster = id"], []  # cluster = id: the items_reps index
        if since is not None:
            clauses.append("published >= ?")
            params.append(to_iso(since))
        if until is not None:
            clauses.append("published < ?")
            params.append(to_iso(until))
        return " AND ".join(clauses), params
