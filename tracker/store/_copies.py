"""Copies: which stored items are one report (tracker/cluster.py decides; this part stores).

These run inside the caller's write transaction (store_fetch, set_manual, a re-score), so a
kill leaves an item either fully clustered or not at all. "Clustered" = title_key is set.
A cluster's id is the id of its earliest report (its representative), so `items.cluster =
items.id` marks the one row the panel shows per cluster; an earlier report arriving late
takes over the id. Clusters of more than one item have a `clusters` row with the counts.
"""

from __future__ import annotations

import json
import sqlite3
from bisect import insort
from collections import Counter, OrderedDict
from itertools import chain
from typing import Callable, Iterable

from .. import cluster
from ..cluster import BAND_ROWS, MAX_CANDIDATES, Features
from ..timeutil import from_iso, to_iso
from ._base import put_setting

# The planner, without statistics, prefers items_story_time and then reads every on-story row;
# the partial index holds just the items left to cluster (normally none).
UNCLUSTERED = "INDEXED BY items_unclustered WHERE on_story = 1 AND title_key IS NULL"
SCAN_BANDS = 2000  # items leaving at once above which one pass over item_bands beats recomputing their keys


class BandCache:
    """The newest BAND_ROWS item ids of recently used band keys, as item_bands holds them.

    Each arrival reads its 14 bands' newest items; look-alike reports share their bands, so
    the same keys are read again and again, and reading them from SQLite was a third of the
    writer's time on look-alike coverage. Kept right by the code that writes item_bands (a
    key an edit takes an id out of is dropped and read again), forgotten on a rollback and
    whenever another connection has committed (data_version), since it may have indexed
    items of its own. Bounded: KEYS keys, least recently used out first.

    A small table (a new database: a first poll) is read whole; while nothing is dropped, a
    key the cache does not hold then has no items, and new reports need no read at all."""

    KEYS = 60_000  # ~14 keys an item, half of them its own: the bands of the last ~5,000 reports
    WHOLE = 20_000  # band rows read at once when the table holds no more

    def __init__(self) -> None:
        self.rows: OrderedDict[int, list[int]] = OrderedDict()  # key -> its newest ids, ascending
        self.whole = False  # rows holds every key item_bands has
        self.seen: dict[int, int] = {}  # id(connection) -> its data_version when last checked

    @classmethod
    def load(cls, c: sqlite3.Connection) -> "BandCache":
        bands = cls()
        cur = c.cursor()
        cur.row_factory = None
        if cur.execute("SELECT COUNT(*) FROM (SELECT 1 FROM item_bands LIMIT ?)", (cls.WHOLE + 1,)).fetchone()[0] \
                <= cls.WHOLE:
            rows = bands.rows
            for k, item_id in cur.execute("SELECT key, item_id FROM item_bands ORDER BY key, item_id"):
                ids = rows.get(k)
                if ids is None:
                    rows[k] = [item_id]
                else:
                    ids.append(item_id)
                    if len(ids) > BAND_ROWS:
                        del ids[0]
            bands.whole = len(rows) <= cls.KEYS
        return bands

    def current(self, c: sqlite3.Connection, version: int) -> "BandCache":
        """c's data_version now: the rows are forgotten when another connection has committed."""
        if self.seen.get(id(c), version) != version:
            self.rows.clear()
            self.whole = False
        self.seen[id(c)] = version
        return self

    def shared(self, c: sqlite3.Connection, keys: list[int]) -> Counter:
        """item id -> how many of keys it is filed under (each key's newest BAND_ROWS)."""
        rows = self.rows
        missing = [k for k in keys if k not in rows]
        if missing and self.whole:
            for k in missing:
                rows[k] = []
        elif missing:
            read: dict[int, list[int]] = {k: [] for k in missing}
            per_band = " UNION ALL ".join(
                ["SELECT * FROM (SELECT key, item_id FROM item_bands WHERE key = ? ORDER BY item_id DESC LIMIT ?)"]
                * len(missing))
            cur = c.cursor()
            cur.row_factory = None  # plain tuples: a sqlite3.Row per band row cost more than the count
            for k, item_id in cur.execute(per_band, [v for k in missing for v in (k, BAND_ROWS)]):
                read[k].append(item_id)
            for k, ids in read.items():
                ids.reverse()
                rows[k] = ids
        for k in keys:
            rows.move_to_end(k)
        shared = Counter(chain.from_iterable(rows[k] for k in keys))
        if len(rows) > self.KEYS:
            self.whole = False
            while len(rows) > self.KEYS:
                rows.popitem(last=False)
        return shared

    def filed(self, item_id: int, keys: list[int]) -> None:
        rows = self.rows
        for k in keys:
            ids = rows.get(k)
            if ids is None:
                if self.whole:
                    rows[k] = [item_id]
            elif not ids or item_id > ids[-1]:  # a new item: the newest id (what insort would do, without the scan)
                ids.append(item_id)
                if len(ids) > BAND_ROWS:
                    del ids[0]
            elif item_id not in ids:
                insort(ids, item_id)
                if len(ids) > BAND_ROWS:
                    del ids[0]

    def unfiled(self, keys: list[int]) -> None:
        self.whole = False
        for k in keys:  # the id below the newest BAND_ROWS would come back: read the key again
            self.rows.pop(k, None)


class CopiesPart:
    def _bands(self, c: sqlite3.Connection) -> BandCache:
        if self._band_cache is None:
            self._band_cache = BandCache.load(c)
        return self._band_cache.current(c, self._data_version(c))

    def _attach(self, c: sqlite3.Connection, item_id: int, title: str, summary: str, published: str,
                features: Features | None = None) -> int:
        """Index an on-story item and put it in the cluster of its best match; -> its cluster id.
        features: Features.of(title, summary), when the caller made them already."""
        return self._attach_copy(c, item_id, title, summary, published, features)[0]

    def _attach_copy(self, c: sqlite3.Connection, item_id: int, title: str, summary: str, published: str,
                     features: Features | None = None) -> tuple[int, bool]:
        """_attach(), -> (its cluster id, whether it is the cluster's only item: it matched none)."""
        f = features or Features.of(title, summary)
        keys = self._index_copy(c, item_id, f)
        cache = self.cluster_cache
        cache.put(item_id, title, f)  # the next arrivals will compare with this one
        target = self._best_copy_match(c, item_id, f, keys, published)
        cache.keep_words(item_id, None, title, f)
        if target is None:
            return item_id, True
        return self._join_copies(c, item_id, published, target), False

    def _index_copy(self, c: sqlite3.Connection, item_id: int, f: Features) -> list[int]:
        keys = cluster.band_keys(f)
        # COALESCE: a new item's cluster is set here, in the same statement (no cluster yet: its own)
        c.execute("UPDATE items SET title_key = ?, cluster = COALESCE(cluster, id) WHERE id = ?", (f.key, item_id))
        c.executemany("INSERT OR IGNORE INTO item_bands (key, item_id) VALUES (?, ?)", [(k, item_id) for k in keys])
        self._bands(c).filed(item_id, keys)
        return keys

    def _unindex_copy(self, c: sqlite3.Connection, item_id: int, title: str, summary: str) -> None:
        # The band keys are recomputed from the text they were made from: no index on item_id needed.
        keys = cluster.band_keys(Features.of(title, summary))
        c.executemany("DELETE FROM item_bands WHERE key = ? AND item_id = ?", [(k, item_id) for k in keys])
        c.execute("UPDATE items SET title_key = NULL WHERE id = ?", (item_id,))
        self._bands(c).unfiled(keys)

    def _best_copy_match(self, c: sqlite3.Connection, item_id: int, f: Features, keys: list[int],
                         published: str) -> int | None:
        at = from_iso(published)
        lo, hi = to_iso(at - cluster.WINDOW), to_iso(at + cluster.WINDOW)
        if len(f.tokens) >= cluster.MIN_TITLE_WORDS:
            row = c.execute("SELECT cluster FROM items WHERE title_key = ? AND published BETWEEN ? AND ? AND id != ? "
                            "ORDER BY published, id LIMIT 1", (f.key, lo, hi, item_id)).fetchone()
            if row:
                return row[0]
        if not keys:
            return None
        ranked = cluster.ranked_candidates(self._bands(c).shared(c, keys), item_id)
        cache, checked = self.cluster_cache, 0
        cur = c.cursor()
        cur.row_factory = None
        # The rows are read MAX_CANDIDATES at a time: most candidates are in the window, so the
        # first read is nearly always the only one.
        for start in range(0, len(ranked), MAX_CANDIDATES):
            chunk = ranked[start:start + MAX_CANDIDATES]
            rows = {r[0]: r for r in cur.execute(
                f"SELECT id, updated, title, cluster FROM items WHERE id IN ({','.join('?' * len(chunk))}) "
                f"AND published BETWEEN ? AND ?", (*chunk, lo, hi))}
            cid, n = cache.first_copy(f, [rows[i] for i in chunk if i in rows], lambda i: self._summary(c, i),
                                      MAX_CANDIDATES - checked)
            if cid is not None:
                return cid
            checked += n
            if checked == MAX_CANDIDATES:
                return None
        return None

    @staticmethod
    def _summary(c: sqlite3.Connection, item_id: int) -> str:
        return c.execute("SELECT summary FROM items WHERE id = ?", (item_id,)).fetchone()[0]

    def _join_copies(self, c: sqlite3.Connection, item_id: int, published: str, cid: int) -> int:
        rep = c.execute("SELECT published FROM items WHERE id = ?", (cid,)).fetchone()
        if (published, item_id) < (rep[0], cid):
            # An earlier report arrived late: it becomes the representative and lends its id.
            c.execute("UPDATE items SET cluster = ? WHERE cluster = ?", (item_id, cid))
            c.execute("DELETE FROM clusters WHERE id = ?", (cid,))
            cid = item_id
        else:
            c.execute("UPDATE items SET cluster = ? WHERE id = ?", (cid, item_id))
        self._recount_copies(c, cid)
        return cid

    @staticmethod
    def _recount_copies(c: sqlite3.Connection, cid: int) -> None:
        size, outlets, latest = c.execute("SELECT COUNT(*), COUNT(DISTINCT outlet), MAX(first_seen) FROM items "
                                          "WHERE cluster = ?", (cid,)).fetchone()
        if size > 1:
            c.execute("INSERT INTO clusters (id, size, outlets, latest) VALUES (?, ?, ?, ?) ON CONFLICT(id) DO UPDATE "
                      "SET size = excluded.size, outlets = excluded.outlets, latest = excluded.latest",
                      (cid, size, outlets, latest))
        else:
            c.execute("DELETE FROM clusters WHERE id = ?", (cid,))

    def _detach_copy(self, c: sqlite3.Connection, item_id: int, cid: int, title: str, summary: str) -> None:
        self._unindex_copy(c, item_id, title, summary)
        c.execute("UPDATE items SET cluster = id WHERE id = ?", (item_id,))
        if cid == item_id:  # it was the representative: the next earliest member takes over
            nxt = c.execute("SELECT id FROM items WHERE cluster = ? AND id != ? ORDER BY published, id LIMIT 1",
                            (cid, item_id)).fetchone()
            c.execute("DELETE FROM clusters WHERE id = ?", (cid,))
            if nxt:
                c.execute("UPDATE items SET cluster = ? WHERE cluster = ? AND id != ?", (nxt[0], cid, item_id))
                self._recount_copies(c, nxt[0])
        else:
            self._recount_copies(c, cid)

    def _copies_leaving(self, c: sqlite3.Connection, item_ids: Iterable[int]) -> list[tuple]:
        """Before many items leave the story at once (a re-score): the clustered ones among
        them, (id, cluster, title, summary), for _detach_copies once they have left."""
        ids = json.dumps(sorted(item_ids))
        # Only "id IN" in the WHERE: a test of an indexed column there may lead the planner to scan its index.
        return [r[:4] for r in c.execute("SELECT id, cluster, title, summary, title_key FROM items "
                                         "WHERE id IN (SELECT value FROM json_each(?))", (ids,)) if r[4] is not None]

    def _detach_copies(self, c: sqlite3.Connection, rows: list[tuple]) -> None:
        """_recluster() for many items that left the story at once (a re-score), after the
        caller's UPDATE took them off it and out of their clusters (title_key NULL, cluster =
        id) with the rest of their columns, in one pass over their rows: the end state of
        detaching them one by one, with each cluster they leave re-pointed to its earliest
        remaining report and recounted once, not once per item that leaves it. `rows`:
        _copies_leaving's, read before that UPDATE."""
        if not rows:
            return
        if len(rows) > SCAN_BANDS:
            c.execute("DELETE FROM item_bands WHERE item_id IN (SELECT value FROM json_each(?))",
                      (json.dumps([r[0] for r in rows]),))
        else:
            c.executemany("DELETE FROM item_bands WHERE key = ? AND item_id = ?",
                          [(k, r[0]) for r in rows for k in cluster.band_keys(Features.of(r[2], r[3]))])
        self._band_cache = None  # thousands of keys lost an id: read them again
        left = {r[0] for r in rows}
        for cid in sorted({r[1] for r in rows}):
            if cid not in left:
                self._recount_copies(c, cid)
                continue
            # its representative left: the earliest report still in it takes over
            c.execute("DELETE FROM clusters WHERE id = ?", (cid,))
            nxt = c.execute("SELECT id FROM items WHERE cluster = ? AND id != ? ORDER BY published, id LIMIT 1",
                            (cid, cid)).fetchone()
            if nxt:
                c.execute("UPDATE items SET cluster = ? WHERE cluster = ? AND id != ?", (nxt[0], cid, cid))
                self._recount_copies(c, nxt[0])

    def _recluster(self, c: sqlite3.Connection, item_id: int, old_title: str | None = None,
                   old_summary: str | None = None) -> None:
        """After an item's verdict or text changed: join the clusters when it came onto the story,
        leave them when it went off, re-index it when its text changed (old_*: the text it was
        indexed with). A changed text keeps its cluster: an outlet editing its report does not
        make it another report."""
        row = c.execute("SELECT title, summary, published, on_story, title_key, cluster FROM items WHERE id = ?",
                        (item_id,)).fetchone()
        if row is None:
            return
        title, summary, published, on_story, key, cid = row
        indexed_title = title if old_title is None else old_title
        indexed_summary = summary if old_summary is None else old_summary
        if key is not None and not on_story:
            self._detach_copy(c, item_id, cid, indexed_title, indexed_summary)
        elif key is not None and old_title is not None:
            self._unindex_copy(c, item_id, indexed_title, indexed_summary)
            self._index_copy(c, item_id, Features.of(title, summary))
        elif key is None and on_story:
            self._attach(c, item_id, title, summary, published)

    def copies_outdated(self) -> bool:
        """Whether the stored keys were made by another version of the index (cluster.INDEX_VERSION)."""
        row = self._conn().execute("SELECT value FROM settings WHERE key = ?", (cluster.INDEX_KEY,)).fetchone()
        return row is None or row[0] != cluster.INDEX_VERSION

    def copies_pending(self) -> bool:
        """Whether some on-story items are not clustered yet (a database from before clusters)."""
        return self._conn().execute(f"SELECT 1 FROM items {UNCLUSTERED} LIMIT 1").fetchone() is not None

    def catch_up_copies(self, batch: int = 500, progress: Callable[[int, int], None] | None = None) -> int:
        """Cluster the on-story items that are not yet (a database from before clusters, or one
        whose index was outdated: forgotten first), oldest first so that representatives need
        no re-pointing, in one transaction; a batch at a time, as each attach takes the item out
        of the set the query reads, progress(done, total) after each. -> how many were clustered."""
        with self.write() as c:
            row = c.execute("SELECT value FROM settings WHERE key = ?", (cluster.INDEX_KEY,)).fetchone()
            if row is None or row[0] != cluster.INDEX_VERSION:
                c.execute("DELETE FROM item_bands")
                c.execute("DELETE FROM clusters")
                c.execute("UPDATE items SET title_key = NULL, cluster = id "
                          "WHERE title_key IS NOT NULL OR cluster != id")
                put_setting(c, cluster.INDEX_KEY, cluster.INDEX_VERSION)
                self._band_cache = None
            done = 0
            total = c.execute(f"SELECT COUNT(*) FROM items {UNCLUSTERED}").fetchone()[0] if progress else 0
            while rows := c.execute(f"SELECT id, title, summary, published FROM items {UNCLUSTERED} "
                                    "ORDER BY published, id LIMIT ?", (batch,)).fetchall():
                for r in rows:
                    self._attach(c, r[0], r[1], r[2], r[3])
                done += len(rows)
                if progress:
                    progress(done, total)
            return done
