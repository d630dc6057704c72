"""Settings, deadlines and milestones, suggested dates."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Iterable

from ..model import Deadline
from ..timeutil import clamped, from_iso, to_iso, utcnow
from ._base import put_setting


class SettingsPart:
    # ---------------------------------------------------------------- settings
    def setting(self, key: str, default: str | None = None) -> str | None:
        rows = self.execute("SELECT value FROM settings WHERE key = ?", (key,))
        return rows[0][0] if rows else default

    def set_setting(self, key: str, value: str) -> None:
        with self.write() as c:
            put_setting(c, key, value)

    def deadlines(self) -> list[Deadline]:
        """The user's milestones (the `deadlines` table), soonest first; feeds.toml holds the rest."""
        out = []
        for r in self.execute("SELECT * FROM deadlines ORDER BY at, id"):
            try:
                at = clamped(from_iso(r["at"]))
            except (TypeError, ValueError):
                continue  # a row edited by hand into nonsense: the rest still count
            out.append(Deadline(label=r["label"], at=at, timezone=r["timezone"], note=r["note"] or "", id=r["id"]))
        return out

    def add_deadline(self, label: str, at: datetime, timezone: str, note: str = "") -> int:
        with self.write() as c:
            return c.execute("INSERT INTO deadlines (label, at, timezone, note, created) VALUES (?, ?, ?, ?, ?)",
                             (label, to_iso(at), timezone, note, to_iso(utcnow()))).lastrowid

    def update_deadline(self, deadline_id: int, *, label: str | None = None, at: datetime | None = None,
                        timezone: str | None = None, note: str | None = None) -> bool:
        """Change what is given of a stored milestone; False when there is no such milestone."""
        with self.write() as c:
            return c.execute("UPDATE deadlines SET label = COALESCE(?, label), at = COALESCE(?, at), "
                             "timezone = COALESCE(?, timezone), note = COALESCE(?, note) WHERE id = ?",
                             (label, to_iso(at) if at else None, timezone, note, deadline_id)).rowcount > 0

    def remove_deadline(self, deadline_id: int) -> bool:
        with self.write() as c:
            return c.execute("DELETE FROM deadlines WHERE id = ?", (deadline_id,)).rowcount > 0

    # ---------------------------------------------------------------- dates suggested from coverage
    def reports_for_dates(self, limit: int) -> list[dict]:
        """On-story reports not yet read for dates (datephrases.py), newest first."""
        return [dict(r) for r in self.execute(
            "SELECT i.id, i.title, i.summary, i.published FROM items i LEFT JOIN dates_read d ON d.item_id = i.id "
            "WHERE i.on_story = 1 AND d.item_id IS NULL ORDER BY i.published DESC, i.id DESC LIMIT ?", (limit,))]

    def store_date_phrases(self, item_id: int, phrases: Iterable, zone: str) -> int:
        """Record what one report names (datephrases.Phrase) and that it was read. A moment
        within an hour of one suggested already (in any state) adds this report to it rather
        than suggesting it again. -> how many new suggestions."""
        new = 0
        with self.write() as c:
            c.execute("INSERT OR IGNORE INTO dates_read (item_id) VALUES (?)", (item_id,))
            for p in phrases:
                at = p.when.astimezone(UTC)
                near = c.execute("SELECT id FROM suggestions WHERE at BETWEEN ? AND ? ORDER BY id LIMIT 1",
                                 (to_iso(at - timedelta(hours=1)), to_iso(at + timedelta(hours=1)))).fetchone()
                if near is None:
                    sid = c.execute(
                        "INSERT INTO suggestions (at, timed, timezone, phrase, sentence, item_id, created) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?)",
                        (to_iso(at), int(p.timed), zone, p.phrase, p.sentence, item_id, to_iso(utcnow()))).lastrowid
                    new += 1
                else:
                    sid = near[0]
                c.execute("INSERT OR IGNORE INTO suggestion_reports (suggestion_id, item_id) VALUES (?, ?)",
                          (sid, item_id))
        return new

    def suggestions(self, after: datetime | None = None, state: str = "suggested") -> list[dict]:
        """Suggested milestones (after `after`, soonest first), each with its first report's
        title and outlet and how many reports name it."""
        rows = self.execute(
            "SELECT s.*, i.title, i.outlet, (SELECT COUNT(*) FROM suggestion_reports r WHERE r.suggestion_id = s.id) "
            "AS reports FROM suggestions s JOIN items i ON i.id = s.item_id WHERE s.state = ? AND s.at > ? "
            "ORDER BY s.at, s.id", (state, to_iso(after) if after else ""))
        return [dict(r) | {"at": from_iso(r["at"])} for r in rows]

    def set_suggestion_state(self, suggestion_id: int, state: str) -> bool:
        if state not in ("suggested", "added", "dismissed"):
            raise ValueError(state)
        with self.write() as c:
            return c.execute("UPDATE suggestions SET state = ? WHERE id = ?", (state, suggestion_id)).rowcount > 0
