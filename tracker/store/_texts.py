"""Articles' full text (the reader view and search)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Iterable, Sequence

from ..timeutil import to_iso
from ._base import chunks

TEXT_ATTEMPTS = 3  # a page that failed this often is not tried again
TEXT_RETRY = 3600  # seconds before a failed page is tried again


class TextsPart:
    # ---------------------------------------------------------------- articles' text (fulltext.py)
    def texts_wanted(self, now: datetime, limit: int, skip_feeds: Iterable[str] = ()) -> list[tuple[int, str]]:
        """(item id, link) of on-story reports whose page is to be read, best first: the first
        report of each copy group before its copies, newest first; a failed page again after
        TEXT_RETRY seconds, up to TEXT_ATTEMPTS tries. Reports only feeds in `skip_feeds`
        (fulltext = false) carried are left alone."""
        skip = list(skip_feeds)
        marks = ",".join("?" * len(skip))
        skipped = (f" AND EXISTS (SELECT 1 FROM item_feeds x JOIN feeds f ON f.id = x.feed_id "
                   f"WHERE x.item_id = i.id AND f.name NOT IN ({marks}))") if skip else ""
        retry = to_iso(now - timedelta(seconds=TEXT_RETRY))
        sql = (f"SELECT i.id, i.link FROM items i LEFT JOIN texts t ON t.item_id = i.id "
               f"WHERE i.on_story = 1 AND i.link LIKE 'http%' "
               f"AND (t.item_id IS NULL OR (t.body IS NULL AND t.attempts < ? AND t.fetched < ?)){skipped} "
               f"ORDER BY (i.cluster = i.id OR i.cluster IS NULL) DESC, i.published DESC, i.id DESC LIMIT ?")
        return [(r[0], r[1]) for r in self._conn().execute(sql, [TEXT_ATTEMPTS, retry, *skip, limit])]

    def save_text(self, item_id: int, url: str, body: str | None, *, author: str = "", error: str | None = None,
                  now: datetime) -> None:
        """Keep a page's text (or why it could not be read). A text once read is not replaced
        by a later failure."""
        with self.write() as c:
            if c.execute("SELECT 1 FROM items WHERE id = ?", (item_id,)).fetchone() is None:
                return  # deleted meanwhile (retention)
            c.execute("INSERT INTO texts (item_id, url, body, author, error, fetched) VALUES (?, ?, ?, ?, ?, ?) "
                      "ON CONFLICT (item_id) DO UPDATE SET url = excluded.url, body = excluded.body, "
                      "author = excluded.author, error = excluded.error, fetched = excluded.fetched, "
                      "attempts = texts.attempts + 1 WHERE texts.body IS NULL",
                      (item_id, url, body, author, error, to_iso(now)))

    def item_text(self, item_id: int) -> dict | None:
        """The report's article text: url, body (None when it could not be read), author, error, fetched."""
        r = self._conn().execute("SELECT url, body, author, error, fetched FROM texts WHERE item_id = ?",
                                 (item_id,)).fetchone()
        return dict(r) if r else None

    def texts_of(self, ids: Sequence[int]) -> dict[int, str]:
        """The article bodies read for `ids` (those that have one)."""
        out: dict[int, str] = {}
        conn = self._conn()
        for chunk, marks in chunks(ids):
            for r in conn.execute(f"SELECT item_id, body FROM texts WHERE body IS NOT NULL AND item_id IN ({marks})",
                                  chunk):
                out[r[0]] = r[1]
        return out
