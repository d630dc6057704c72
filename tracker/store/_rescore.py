"""Re-scoring the story rules: what tracker.rescore reads to decide, and the one transaction
that writes its decisions."""

from __future__ import annotations

import json
from typing import Callable, Iterable, Iterator, NamedTuple, Sequence

from ._base import chunks, put_setting, wrap_exceptions

RESCORE_CHUNK = 2000  # rows read (and progress reported) at a time
PROGRESS_EVERY = 200  # items joining the story between two progress reports (each is clustered and grouped)


class Scored(NamedTuple):
    """An item as the rules last scored it. summary is None when the caller asked for no text."""
    id: int
    title: str
    summary: str | None
    rule_on: int
    manual: int | None
    matched: str  # the terms found, as stored (JSON)
    joined: bool  # in an on-story development (Store._offer): on the story whatever the rules say


class Verdict(NamedTuple):
    """A re-score's decision for one item: the rules' verdict and matched terms."""
    id: int
    rule_on: int
    matched: str


def _scored_sql(texts: bool) -> str:
    summary = "summary" if texts else "NULL"
    return f"SELECT id, title, {summary}, rule_on_story, manual, matched, joined IS NOT NULL FROM items"


class RescorePart:
    def item_count(self) -> int:
        return self._conn().execute("SELECT COUNT(*) FROM items").fetchone()[0]

    def items_of_feeds(self, feeds: Sequence[str]) -> set[int]:
        """The items any of these feeds carried."""
        out: set[int] = set()
        conn = self._conn()
        for chunk, marks in chunks(list(feeds)):
            out.update(r[0] for r in conn.execute(
                f"SELECT x.item_id FROM item_feeds x JOIN feeds f ON f.id = x.feed_id WHERE f.name IN ({marks})",
                chunk))
        return out

    def scored(self, ids: Sequence[int] | None = None, texts: bool = True) -> Iterator[list[Scored]]:
        """Items as last scored, RESCORE_CHUNK at a time: these ids (in id order), or every item."""
        with wrap_exceptions(self.path):  # a generator: `guarded` covers only the call that makes it
            conn = self._conn()
            if ids is None:
                cursor = conn.execute(_scored_sql(texts))
                while rows := cursor.fetchmany(RESCORE_CHUNK):
                    yield [Scored._make(r) for r in rows]
                return
            ids = sorted(ids)
            for start in range(0, len(ids), RESCORE_CHUNK):
                rows = []
                for chunk, marks in chunks(ids[start:start + RESCORE_CHUNK]):
                    rows += conn.execute(f"{_scored_sql(texts)} WHERE id IN ({marks})", chunk).fetchall()
                yield [Scored._make(r) for r in rows]

    def carried_by_many(self, ids: Iterable[int]) -> set[int]:
        """Of these items, those more than one feed carries (merged by their link): the title
        they show may be another copy's, and their place on the story another copy's text."""
        return {r[0] for r in self._conn().execute(
            "SELECT item_id FROM item_feeds WHERE item_id IN (SELECT value FROM json_each(?)) "
            "GROUP BY item_id HAVING COUNT(*) > 1", (json.dumps(sorted(ids)),))}

    def scored_with_terms(self) -> list[Scored]:
        """Every item (without its text) holding stored terms or on the story by the rules."""
        return [Scored._make(r) for r in self._conn().execute(
            f"{_scored_sql(False)} WHERE matched != '[]' OR rule_on_story = 1")]

    def apply_verdicts(self, verdicts: Iterable[Verdict], settings: dict[str, str],
                       progress: Callable[[int, int], None] | None = None) -> None:
        """Write a re-score's verdicts and the settings that record the rules, in one
        transaction; the items whose place on the story flips join or leave their copies and
        developments in it too. Which flip is decided here, with the write lock held, from
        the rows as they are now: the re-score read them before, and a verdict the user gave
        meanwhile (the dashboard re-scores behind its first screen) wins over the rules.
        progress(done, total): items flipped so far, of how many."""
        verdicts = list(verdicts)
        with self.write() as c:
            # Only "id IN" in the WHERE: a test of an indexed column there may lead the planner to scan its index.
            now = {r[0]: r[1:] for r in c.execute(  # id -> (manual, joined, on_story)
                "SELECT id, manual, joined IS NOT NULL, on_story FROM items WHERE id IN (SELECT value FROM json_each(?))",
                (json.dumps([v.id for v in verdicts]),))}
            leaving, joining, staying = [], [], []
            for v in verdicts:
                if v.id not in now:
                    continue  # deleted meanwhile (pruned)
                manual, joined, on = now[v.id]
                on_after = manual if manual is not None else max(v.rule_on, joined)
                (leaving if on and not on_after else joining if on_after and not on else staying).append(v)
            # on_story is in five indexes; setting it, even to the value it has, rewrites their
            # entries: only the rows that flip set it (a require group added at 1,000,000 items:
            # 75,038 of 100,188 rows). Those leaving leave their copies and developments in the
            # same UPDATE, which is what one pass over their rows costs.
            c.executemany("UPDATE items SET rule_on_story = ?, matched = ? WHERE id = ?",
                          [(v.rule_on, v.matched, v.id) for v in staying])
            ids = [v.id for v in leaving]
            with self._story_words_in_bulk(c, ids, [v.id for v in joining]):
                c.executemany("UPDATE items SET rule_on_story = ?, matched = ?, on_story = 1 WHERE id = ?",
                              [(v.rule_on, v.matched, v.id) for v in joining])
                # Those leaving first, together (thousands, when a require group is added);
                # then those joining, one by one as a poll's arrivals: each is compared with
                # the clusters as they stand without the leavers.
                copies, devs = self._copies_leaving(c, ids), self._developments_leaving(c, ids)
                c.executemany("UPDATE items SET rule_on_story = ?, matched = ?, on_story = 0, title_key = NULL, "
                              "cluster = id, development = NULL, development_why = NULL WHERE id = ?",
                              [(v.rule_on, v.matched, v.id) for v in leaving])
            self._detach_copies(c, copies)
            self._developments_left(c, devs)
            flips, done = len(leaving) + len(joining), len(leaving)
            if progress and flips:
                progress(done, flips)
            for v in joining:
                self._recluster(c, v.id)
                self.development_update(c, v.id)
                done += 1
                if progress and (done % PROGRESS_EVERY == 0 or done == flips):
                    progress(done, flips)
            for key, value in settings.items():
                put_setting(c, key, value)
