"""Copies (one report, many outlets) and developments (one event, every report of it)."""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime
from typing import Iterable, Sequence

from .. import developments
from ..rows import Arrival, Development, Item, Report  # the rows; the grouping's own: developments.X
from ..timeutil import to_iso
from ._base import chunks, put_setting
from ._items import Filter, fts_query


def _existing(c: sqlite3.Connection, target: int | None) -> int | None:
    """A move's target as it stands now: the development itself, else (after a re-grouping
    gave ids anew) the development its founding report is in; None: a development of its own."""
    if target is None or c.execute("SELECT 1 FROM developments WHERE id = ?", (target,)).fetchone():
        return target
    row = c.execute("SELECT development FROM items WHERE id = ?", (target,)).fetchone()
    return row[0] if row and row[0] is not None else None


def _why(a: developments.Assignment) -> str:
    """items.development_why: why the report is where it is, for the detail pane (JSON)."""
    return json.dumps({"reason": a.reason, "score": a.score, "shared": list(a.shared),
                       "gap_seconds": None if a.gap is None else int(a.gap.total_seconds()),
                       "text": a.explain()}, ensure_ascii=False)


@dataclass
class _Batch:
    """A batch of group_developments' assignments, written at its end in two executemany()
    calls: the rows Store._record and _count_join would write one item at a time, summed per
    development. Until then its items read as ungrouped, so what a later item of the batch
    would look up in them (its copies' development, a development's outlets) is kept here."""

    outlets: dict[int, str]  # item id -> outlet
    copies: dict[int, int] = field(default_factory=dict)  # copy group -> development, this batch's
    items: list[tuple[int, str, int]] = field(default_factory=list)
    devs: dict[int, list] = field(default_factory=dict)  # id -> [headline, score, first, last, reports, outlets, latest]
    seen: set[tuple[int, str]] = field(default_factory=set)  # (development, outlet) of this batch

    def add(self, c: sqlite3.Connection, a: developments.Assignment, item_id: int, published: str,
            cid: int | None, dev: developments.Development | None) -> None:
        dev_id, outlet = a.development, self.outlets[item_id]
        self.items.append((dev_id, _why(a), item_id))
        if cid is not None:
            self.copies[cid] = dev_id
        new_outlet = (dev_id, outlet) not in self.seen and c.execute(
            "SELECT 1 FROM items WHERE development = ? AND outlet = ? LIMIT 1", (dev_id, outlet)).fetchone() is None
        self.seen.add((dev_id, outlet))
        headline = dev.headline if dev is not None else dev_id
        score = dev.headline_score if dev is not None else -1.0
        d = self.devs.get(dev_id)
        if d is None:
            self.devs[dev_id] = [headline, score, published, published, 1, int(new_outlet), item_id]
        else:
            d[0], d[1] = headline, score
            d[2], d[3] = min(d[2], published), max(d[3], published)
            d[4] += 1
            d[5] += new_outlet
            d[6] = max(d[6], item_id)

    def flush(self, c: sqlite3.Connection) -> None:
        c.executemany("UPDATE items SET development = ?, development_why = ? WHERE id = ?", self.items)
        c.executemany(
            "INSERT INTO developments (id, headline, headline_score, first, last, reports, outlets, latest_item) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET "
            "headline = excluded.headline, headline_score = excluded.headline_score, "
            "first = MIN(first, excluded.first), last = MAX(last, excluded.last), "
            "reports = reports + excluded.reports, outlets = outlets + excluded.outlets, "
            "latest_item = MAX(latest_item, excluded.latest_item)",
            [(dev_id, *d) for dev_id, d in self.devs.items()])
        self.items, self.devs, self.seen = [], {}, set()


@dataclass
class _Grouping:
    """A process's developments state: the grouper, and the highest item id it has seen."""

    grouper: developments.Grouper
    through: int = 0
    seen: dict = field(default_factory=dict)  # id(connection) -> its data_version when last caught up

    _COLUMNS = "id, title, summary, published, cluster, development"

    def _replay(self, rows) -> None:
        for item_id, title, summary, published, cid, dev in rows:
            self.grouper.restore(developments.Report(item_id, title, summary, published, cid), dev)
            self.through = max(self.through, item_id)

    @classmethod
    def rebuild(cls, c: sqlite3.Connection) -> "_Grouping":
        """From the stored rows: the story's last DF_ITEMS grouped reports replayed, oldest
        first (their terms' rarity and the recent developments' centroids), then the
        developments' stored headlines."""
        g = cls(developments.Grouper())
        rows = c.execute(f"SELECT {cls._COLUMNS} FROM items WHERE development IS NOT NULL ORDER BY id DESC LIMIT ?",
                         (developments.DF_ITEMS,)).fetchall()
        g._replay(reversed(rows))
        devs = g.grouper.devs
        for dev_id, headline, score in c.execute("SELECT id, headline, headline_score FROM developments "
                                                 "ORDER BY latest_item DESC LIMIT ?", (developments.ACTIVE,)):
            if dev_id in devs:
                devs[dev_id].headline, devs[dev_id].headline_score = headline, score
        return g

    def catch_up_others(self, c: sqlite3.Connection) -> None:
        """What another process (the dashboard, a headless poller) grouped since."""
        self._replay(c.execute(f"SELECT {self._COLUMNS} FROM items WHERE id > ? AND development IS NOT NULL "
                               "ORDER BY id LIMIT ?", (self.through, developments.DF_ITEMS)).fetchall())


class GroupsPart:
    def with_developments(self, rows: Iterable[Item]) -> list[Arrival]:
        """The rows as Arrivals, as tracker/notify.py's Notifier takes them: `development`
        (the id of its development; for an item not grouped, its copy group's) and
        `outlets` (distinct outlets in that group now)."""
        rows = list(rows)
        fresh = self.rows([r.id for r in rows])  # the development is set in the same write as the item
        dev_of = {r.id: (fresh.get(r.id) or r).development for r in rows}
        devs = self.development_rows(sorted({d for d in dev_of.values() if d is not None}))
        ids = sorted({r.cluster or r.id for r in rows if dev_of[r.id] is None})
        outlets: dict[int, int] = {}
        for chunk, marks in chunks(ids):
            outlets.update(self._conn().execute(
                f"SELECT id, outlets FROM clusters WHERE id IN ({marks})", chunk).fetchall())
        out = []
        for r in rows:
            fields = {f.name: getattr(r, f.name) for f in dataclasses.fields(Item)}
            dev = dev_of[r.id]
            if dev is not None and dev in devs:
                out.append(Arrival(**fields | {"development": dev, "outlets": devs[dev].outlets}))
            else:
                dev = r.cluster or r.id
                out.append(Arrival(**fields | {"development": dev, "outlets": outlets.get(dev, 1)}))
        return out

    # ---------------------------------------------------------------- clusters and outlets
    def cluster_rows(self, ids: Sequence[int]) -> dict[int, Report]:
        """Rows for the live panel, one per cluster, for representatives' ids (from
        item_ids(Filter(clusters=True)), newest first): the earliest report's item row plus
        `size`, `outlets` (distinct outlets, the "x4") and `latest` (when the newest member
        was first seen). Only the rows asked for are read: call it for what is visible."""
        found = self._item_rows(ids)
        stats = self.cluster_stats([r[0] for r in found])
        extra = {r[0]: stats.get(r[0]) or {"latest": r["first_seen"]} for r in found}
        return {r.id: r for r in self._items(found, Report, extra)}

    def cluster_stats(self, ids: Sequence[int]) -> dict[int, dict]:
        """{representative id: {size, outlets, latest}} for the clusters of two items or more."""
        out: dict[int, dict] = {}
        conn = self._conn()
        for chunk, marks in chunks(ids):
            for c in conn.execute(f"SELECT id, size, outlets, latest FROM clusters WHERE id IN ({marks})", chunk):
                out[c["id"]] = {"size": c["size"], "outlets": c["outlets"], "latest": c["latest"]}
        return out

    def cluster_members(self, cluster_id: int) -> list[Item]:
        """Every report in a cluster, earliest first (item rows: outlet, published, link, feeds ...)."""
        ids = [r[0] for r in self.execute("SELECT id FROM items WHERE cluster = ? ORDER BY published, id",
                                          (cluster_id,))]
        rows = self.rows(ids)
        return [rows[i] for i in ids]

    def development_histogram(self, unit: str = "day", since: datetime | None = None,
                              until: datetime | None = None) -> dict[str, int]:
        """Developments (every report of one event, counted once) per local day or hour of
        their first report, in [since, until): one GROUP BY over the developments table."""
        fmt = {"day": "%Y-%m-%d", "hour": "%Y-%m-%d %H"}[unit]
        where, params = self._first_span(since, until)
        return dict(self.execute(f"SELECT strftime('{fmt}', first, 'localtime') AS bucket, COUNT(*) "
                                 f"FROM developments WHERE {where} GROUP BY bucket", params))

    def development_ids_between(self, since: datetime, until: datetime) -> list[int]:
        """The developments first reported in [since, until), earliest first."""
        where, params = self._first_span(since, until)
        return [r[0] for r in self.execute(f"SELECT id FROM developments WHERE {where} ORDER BY first, id", params)]

    @staticmethod
    def _first_span(since: datetime | None, until: datetime | None) -> tuple[str, list]:
        clauses, params = ["1"], []
        if since is not None:
            clauses.append("first >= ?")
            params.append(to_iso(since))
        if until is not None:
            clauses.append("first < ?")
            params.append(to_iso(until))
        return " AND ".join(clauses), params

    def _grouper(self, c: sqlite3.Connection) -> "_Grouping":
        g = self._grouping
        # data_version changes when another connection (process, or thread) has committed:
        # only then can there be reports grouped elsewhere to catch up with.
        version = self._data_version(c)
        if g is None:
            g = self._grouping = _Grouping.rebuild(c)
        elif g.seen.get(id(c)) != version:
            g.catch_up_others(c)
        g.seen[id(c)] = version
        return g

    def _forget_grouping(self) -> None:
        """After an edit the incremental state cannot follow (a move, a report leaving): it is
        made again from the rows at the next use."""
        self._grouping = None

    def _group(self, c: sqlite3.Connection, item_id: int, title: str, summary: str, published: str,
               cid: int | None, g: "_Grouping | None" = None, move=False, alone=frozenset(),
               batch: "_Batch | None" = None) -> int:
        """Put an on-story item in a development; -> the development's id. A copy joins its
        copies' development; the user's move, if any, wins. A batch (group_developments)
        passes the grouping state, the item's move row (None: none), the copy groups of one
        item (no copies to look up), each found once for the batch, and its _Batch, which
        writes the batch's rows at its end."""
        g = g or self._grouper(c)
        report = developments.Report(item_id, title, summary, published, cid)
        if move is False:
            move = c.execute("SELECT development FROM development_moves WHERE item_id = ?", (item_id,)).fetchone()
        if move is not None:
            if batch is not None:
                batch.flush(c)  # the move's target may be a development this batch founded
            a = g.grouper.place(report, _existing(c, move[0]))
        else:
            copy_dev = None if batch is None or cid is None else batch.copies.get(cid)
            if copy_dev is None and cid is not None and cid not in alone:
                row = c.execute("SELECT development FROM items WHERE cluster = ? AND id != ? AND development IS NOT NULL "
                                "LIMIT 1", (cid, item_id)).fetchone()
                copy_dev = row[0] if row else None
            a = g.grouper.add(report, copy_dev)
        if batch is not None:
            g.through = max(g.through, item_id)
            batch.add(c, a, item_id, published, cid, g.grouper.devs.get(a.development))
            return a.development
        return self._record(c, g, a, item_id, published)

    def _offer(self, c: sqlite3.Connection, item_id: int, title: str, summary: str, published: str) -> int | None:
        """A new item the rules left out, offered to the developments (inside the caller's
        transaction): when it joins an on-story one strongly enough (JOIN_THRESHOLD), it comes
        onto the story, joined = that development's headline. -> the development, or None."""
        g = self._grouper(c)
        a = g.grouper.candidate(developments.Report(item_id, title, summary, published))
        if a is None:
            return None
        row = c.execute("SELECT i.title FROM items i WHERE i.id = COALESCE((SELECT headline FROM developments "
                        "WHERE id = ?1), ?1)", (a.development,)).fetchone()
        c.execute("UPDATE items SET on_story = COALESCE(manual, 1), joined = ? WHERE id = ?",
                  (row[0] if row else "", item_id))
        self._attach(c, item_id, title, summary, published)
        return self._record(c, g, a, item_id, published)

    def _record(self, c: sqlite3.Connection, g: "_Grouping", a: developments.Assignment, item_id: int,
                published: str) -> int:
        g.through = max(g.through, item_id)
        why = _why(a)
        outlet = c.execute("UPDATE items SET development = ?, development_why = ? WHERE id = ? RETURNING outlet",
                           (a.development, why, item_id)).fetchone()[0]
        self._count_join(c, a.development, item_id, published, outlet, g.grouper.devs.get(a.development))
        return a.development

    @staticmethod
    def _count_join(c: sqlite3.Connection, dev_id: int, item_id: int, published: str, outlet: str,
                    dev: developments.Development | None) -> None:
        # Counted as it grows, never recounted: a development of 10,000 copies costs the
        # 10,001st no more than the second.
        new_outlet = c.execute("SELECT 1 FROM items WHERE development = ? AND outlet = ? AND id != ? LIMIT 1",
                               (dev_id, outlet, item_id)).fetchone() is None
        headline = dev.headline if dev is not None else dev_id
        score = dev.headline_score if dev is not None else -1.0
        c.execute("INSERT INTO developments (id, headline, headline_score, first, last, reports, outlets, latest_item) "
                  "VALUES (?, ?, ?, ?, ?, 1, 1, ?) ON CONFLICT(id) DO UPDATE SET "
                  "headline = excluded.headline, headline_score = excluded.headline_score, "
                  "first = MIN(first, excluded.first), last = MAX(last, excluded.last), reports = reports + 1, "
                  "outlets = outlets + ?, latest_item = MAX(latest_item, excluded.latest_item)",
                  (dev_id, headline, score, published, published, item_id, int(new_outlet)))

    def _recount_development(self, c: sqlite3.Connection, dev_id: int) -> None:
        n, outlets, first, last, latest = c.execute(
            "SELECT COUNT(*), COUNT(DISTINCT outlet), MIN(published), MAX(published), MAX(id) FROM items "
            "WHERE development = ?", (dev_id,)).fetchone()
        if not n:
            c.execute("DELETE FROM developments WHERE id = ?", (dev_id,))
            return
        c.execute("INSERT INTO developments (id, headline, first, last, reports, outlets, latest_item) "
                  "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET first = excluded.first, "
                  "last = excluded.last, reports = excluded.reports, outlets = excluded.outlets, "
                  "latest_item = excluded.latest_item", (dev_id, dev_id, first, last, n, outlets, latest))
        # a headline that left is replaced by the earliest report still there
        c.execute("UPDATE developments SET headline = (SELECT id FROM items WHERE development = ?1 "
                  "ORDER BY published, id LIMIT 1), headline_score = -1 WHERE id = ?1 AND "
                  "(SELECT development FROM items WHERE id = headline) IS NOT ?1", (dev_id,))

    def development_update(self, c: sqlite3.Connection, item_id: int) -> None:
        """After an item's verdict changed (inside the caller's transaction): group it when it
        came onto the story, take it out when it went off. A changed text keeps its development."""
        row = c.execute("SELECT title, summary, published, on_story, cluster, development FROM items WHERE id = ?",
                        (item_id,)).fetchone()
        if row is None:
            return
        title, summary, published, on_story, cid, dev = row
        if on_story and dev is None:
            self._group(c, item_id, title, summary, published, cid)
        elif not on_story and dev is not None:
            # The in-memory centroid keeps its terms: a report leaving is rare, and rebuilding
            # the state for each one of a re-score's would cost more than the staleness does.
            c.execute("UPDATE items SET development = NULL, development_why = NULL WHERE id = ?", (item_id,))
            self._recount_development(c, dev)

    def _developments_leaving(self, c: sqlite3.Connection, item_ids: Sequence[int]) -> set[int]:
        """Before many items leave the story at once (a re-score): the developments they are in."""
        devs: set[int] = set()
        for chunk, marks in chunks(item_ids):
            # Only "id IN": with a test of development too, the planner may pick that column's
            # index and read every off-story item per chunk (90 s at 1,000,000).
            devs.update(r[0] for r in c.execute(f"SELECT development FROM items WHERE id IN ({marks})", chunk)
                        if r[0] is not None)
        return devs

    def _developments_left(self, c: sqlite3.Connection, devs: set[int]) -> None:
        """development_update for many items that left the story at once, after the caller's
        UPDATE took them out of their developments (development NULL): each development they
        left (_developments_leaving's) is recounted once, not once per item that left it."""
        for dev in sorted(devs):
            self._recount_development(c, dev)

    def move_item(self, item_id: int, target: int | None) -> int | None:
        """The user's placement: the report (with its copies) into development `target`, or
        None: into a development of its own. Kept in development_moves, it wins over the
        algorithm, re-grouping included. -> the development it is in now (None: no such item,
        or not on the story)."""
        with self.write() as c:
            row = c.execute("SELECT cluster, development FROM items WHERE id = ? AND on_story = 1",
                            (item_id,)).fetchone()
            if row is None or row[1] is None:
                return None
            cid = row[0] if row[0] is not None else item_id
            members = [r[0] for r in c.execute("SELECT id FROM items WHERE (cluster = ? OR id = ?) AND on_story = 1 "
                                               "ORDER BY id", (cid, item_id))]
            if target is not None and c.execute("SELECT 1 FROM developments WHERE id = ?",
                                                (target,)).fetchone() is None:
                target = None if target == item_id else _existing(c, target)
            old = {r[0] for r in c.execute(f"SELECT DISTINCT development FROM items WHERE id IN "
                                           f"({','.join('?' * len(members))})", members)}
            new_id = target
            if target is None:
                new_id = item_id
                others = c.execute("SELECT id FROM items WHERE development = ? AND id NOT IN "
                                   f"({','.join('?' * len(members))}) ORDER BY id LIMIT 1",
                                   (item_id, *members)).fetchone()
                if others:  # it founded a development that goes on without it: the next report lends its id
                    c.execute("UPDATE items SET development = ? WHERE development = ? AND id NOT IN "
                              f"({','.join('?' * len(members))})", (others[0], item_id, *members))
                    c.execute("DELETE FROM developments WHERE id = ?", (item_id,))
                    old.add(others[0])
            why = json.dumps({"reason": "moved", "score": 0.0, "shared": [], "gap_seconds": None,
                              "text": "moved here by hand"})
            c.executemany("INSERT INTO development_moves (item_id, development) VALUES (?, ?) "
                          "ON CONFLICT(item_id) DO UPDATE SET development = excluded.development",
                          [(m, target) for m in members])
            c.executemany("UPDATE items SET development = ?, development_why = ? WHERE id = ?",
                          [(new_id, why, m) for m in members])
            for dev in old | {new_id}:
                self._recount_development(c, dev)
            self._forget_grouping()
            return new_id

    def developments_pending(self) -> bool:
        """Whether some on-story items are not grouped yet, or were grouped by another version."""
        c = self._conn()
        return self.setting(developments.INDEX_KEY) != developments.INDEX_VERSION or c.execute(
            "SELECT 1 FROM items INDEXED BY items_ungrouped WHERE on_story = 1 AND development IS NULL "
            "LIMIT 1").fetchone() is not None

    def group_developments(self, progress=None, batch: int = 2000, regroup: bool = False) -> int:
        """Group the on-story items not grouped yet, oldest first, a batch per transaction (so
        the dashboard and a poller write in between); regroup: forget every development first
        (the users' moves are kept and applied again). progress(done, total) after each batch.
        -> how many items were grouped."""
        with self.write() as c:
            if regroup or (c.execute("SELECT value FROM settings WHERE key = ?", (developments.INDEX_KEY,)).fetchone()
                           or [None])[0] != developments.INDEX_VERSION:
                c.execute("DELETE FROM developments")
                c.execute("UPDATE items SET development = NULL, development_why = NULL WHERE development IS NOT NULL")
                put_setting(c, developments.INDEX_KEY, developments.INDEX_VERSION)
                self._forget_grouping()
            total = c.execute("SELECT COUNT(*) FROM items INDEXED BY items_ungrouped WHERE on_story = 1 "
                              "AND development IS NULL").fetchone()[0]
        done = 0
        if progress is not None:
            progress(0, total)
        while True:
            with self.write() as c:
                rows = c.execute("SELECT id, title, summary, published, cluster, outlet FROM items "
                                 "INDEXED BY items_ungrouped "
                                 "WHERE on_story = 1 AND development IS NULL ORDER BY published, id LIMIT ?",
                                 (batch,)).fetchall()
                g = self._grouper(c) if rows else None  # once a batch: nobody else writes inside it
                moves: dict[int, tuple] = {}
                for chunk, marks in chunks([r[0] for r in rows]):
                    moves.update((m[0], (m[1],)) for m in c.execute(
                        f"SELECT item_id, development FROM development_moves WHERE item_id IN ({marks})", chunk))
                alone = set()
                for chunk, marks in chunks(sorted({r[4] for r in rows if r[4] is not None})):
                    alone.update(m[0] for m in c.execute(
                        f"SELECT cluster FROM items WHERE cluster IN ({marks}) GROUP BY cluster HAVING COUNT(*) = 1",
                        chunk))
                writes = _Batch({r[0]: r[5] for r in rows})
                for r in rows:
                    self._group(c, r[0], r[1], r[2], r[3], r[4], g, moves.get(r[0]), alone, writes)
                writes.flush(c)
            if not rows:
                return done
            done += len(rows)
            if progress is not None:
                progress(done, total)

    def development_ids(self, limit: int | None = None) -> list[int]:
        """Developments in display order: latest report first."""
        sql = "SELECT id FROM developments ORDER BY last DESC, id DESC" + (" LIMIT ?" if limit else "")
        return [r[0] for r in self.execute(sql, (limit,) if limit else ())]

    def development_list(self, f: Filter | None = None) -> list[int]:
        """Developments in the dashboard's order, newest first by their first report: a
        development that gains reports keeps its place (its row says so), a new one comes in
        at the top. With a filter: those with a report it lets through (unread, starred, a
        search), for the on-story items only."""
        f = f or Filter()
        plain = not (f.unread or f.starred or f.query)
        if plain:
            sql = "SELECT id FROM developments ORDER BY first DESC, id DESC"
            return [r[0] for r in self._conn().execute(sql)]
        where, params = self._where(dataclasses.replace(f, story=True, clusters=False))
        # A search: its hits' developments are read from items_story (the on-story items by
        # id) rather than each on-story item's row being read to be checked against them.
        items = "items i INDEXED BY items_story" if fts_query(f.query) else "items i"
        sql = (f"SELECT d.id FROM developments d WHERE d.id IN (SELECT i.development FROM {items}{where} "
               f"{'AND' if where else 'WHERE'} i.development IS NOT NULL) ORDER BY d.first DESC, d.id DESC")
        return [r[0] for r in self._conn().execute(sql, params)]

    def development_sort_keys(self, ids: Sequence[int]) -> dict[int, tuple[str, int]]:
        """(first, id) of each development: where it goes in development_list()'s order."""
        out: dict[int, tuple[str, int]] = {}
        conn = self._conn()
        for chunk, marks in chunks(ids):
            for r in conn.execute(f"SELECT id, first FROM developments WHERE id IN ({marks})", chunk):
                out[r[0]] = (r[1], r[0])
        return out

    def development_rows(self, ids: Sequence[int]) -> dict[int, Development]:
        """Rows for the panel, for the developments asked for: id, headline (its title),
        headline_item, first, last, reports, outlets, latest_item, link and outlet (the
        headline's), unread (reports not read), starred (1 when one of them is)."""
        out: dict[int, Development] = {}
        conn = self._conn()
        for chunk, marks in chunks(ids):
            for r in conn.execute(  # in rows.Development's order
                    f"SELECT d.id, i.title AS headline, d.headline AS headline_item, d.first, d.last, d.reports, "
                    f"d.outlets, d.latest_item, i.link, i.outlet, "
                    f"(SELECT COUNT(*) FROM items u WHERE u.development = d.id AND u.read = 0) AS unread, "
                    f"(SELECT MAX(u.starred) FROM items u WHERE u.development = d.id) AS starred "
                    f"FROM developments d LEFT JOIN items i ON i.id = d.headline WHERE d.id IN ({marks})", chunk):
                out[r[0]] = Development(*r)
        return out

    def developments(self, limit: int | None = None) -> list[Development]:
        """development_rows() of every development (or the `limit` latest), latest first."""
        ids = self.development_ids(limit)
        rows = self.development_rows(ids)
        return [rows[i] for i in ids]

    def development_titles(self) -> dict[int, list[str]]:
        """Every development's report titles, its headline's first (for `tracker rules suggest`)."""
        out: dict[int, list[str]] = {}
        for dev_id, title in self.execute(
                "SELECT i.development, i.title FROM items i JOIN developments d ON d.id = i.development "
                "ORDER BY i.development, i.id != d.headline, i.id"):
            out.setdefault(dev_id, []).append(title)
        return out

    def development_members(self, dev_ids: Sequence[int]) -> dict[int, list[int]]:
        """Each development's item ids, earliest first (only ids: `tracker items --developments`)."""
        members: dict[int, list[int]] = {}
        for chunk, marks in chunks(dev_ids):
            for item_id, dev in self.execute(f"SELECT id, development FROM items WHERE development IN ({marks}) "
                                             "ORDER BY published, id", chunk):
                members.setdefault(dev, []).append(item_id)
        return members

    def development_items(self, dev_id: int) -> list[Item]:
        """A development's reports, earliest first (item rows; `development_why` is JSON:
        reason, score, shared terms, gap_seconds, text)."""
        ids = [r[0] for r in self.execute("SELECT id FROM items WHERE development = ? ORDER BY published, id",
                                          (dev_id,))]
        rows = self.rows(ids)
        return [rows[i] for i in ids]
