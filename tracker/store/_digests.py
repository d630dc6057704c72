"""The digest's and the briefing's queries: the items a digest or a briefing covers, the
per-day chart's counts, and the record of exported digests (the `--since last` chain)."""

from __future__ import annotations
import sqlite3
from contextlib import contextmanager
from typing import Iterator, Sequence
from ._base import chunks


class DigestsPart:
    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """One read transaction: every query inside sees the same database."""
        self.execute("BEGIN")
        try:
            yield
        finally:
            self.execute("COMMIT")

    def last_item_id(self) -> int:
        return self.execute("SELECT COALESCE(MAX(id), 0) FROM items")[0][0]

    def last_digest(self) -> tuple[str, int] | None:
        """(created, through_item) of the latest recorded digest."""
        rows = self.execute("SELECT created, through_item FROM digests ORDER BY id DESC LIMIT 1")
        return (rows[0][0], rows[0][1]) if rows else None

    def digest_item_ids(self, where: Sequence[str], params: Sequence) -> list[int]:
        """Item ids matching `where` (fixed SQL fragments ANDed; values in `params`)."""
        return [r[0] for r in self.execute(f"SELECT id FROM items WHERE {' AND '.join(where)}", params)]

    def on_story_in_clusters(self, clusters: Sequence[int], through: int) -> list[int]:
        """On-story items up to `through` in these clusters."""
        out: list[int] = []
        for chunk, marks in chunks(list(clusters)):
            out += [r[0] for r in self.execute(
                f"SELECT id FROM items WHERE cluster IN ({marks}) AND id <= ? AND +on_story = 1", [*chunk, through])]
        return out

    def first_published(self, through: int) -> str | None:
        return self.execute("SELECT MIN(published) FROM items WHERE on_story = 1 AND id <= ?", (through,))[0][0]

    def published_developments(self, through: int, since: str) -> list[tuple[str, int]]:
        """(published, development key) of on-story items: a copy or report without a
        development counts as its cluster (negative) or itself."""
        return [(r[0], r[1]) for r in self.execute(
            "SELECT published, COALESCE(development, -COALESCE(cluster, id)) FROM items "
            "WHERE on_story = 1 AND id <= ? AND published >= ?", (through, since))]

    def development_counts(self, where: str, params: Sequence) -> dict[int, int]:
        """Reports per development among on-story items matching `where` (a fixed SQL fragment)."""
        return {r[0]: r[1] for r in self.execute(
            f"SELECT development, COUNT(*) FROM items WHERE on_story = 1 AND development IS NOT NULL AND {where} "
            "GROUP BY development", params)}

    @staticmethod
    def digest_chain_end(c: sqlite3.Connection) -> int:
        row = c.execute("SELECT through_item FROM digests ORDER BY id DESC LIMIT 1").fetchone()
        return row[0] if row else 0

    @staticmethod
    def record_digest(c: sqlite3.Connection, created: str, since: str, through_item: int, fmt: str,
                      path: str | None, items: int) -> None:
        c.execute("INSERT INTO digests (created, since, until, through_item, format, path, items) "
                  "VALUES (?, ?, NULL, ?, ?, ?, ?)", (created, since, through_item, fmt, path, items))
