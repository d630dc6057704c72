"""Deadlines: the ones in feeds.toml and the ones the user adds (stored in the database), as one
sorted list with the next one; and the local-time input the dashboard's `d` screen takes."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from .model import Config, Deadline
from .store import Store
from .timeutil import parse_local, utcnow


def to_utc(when: str | datetime, zone: str) -> datetime:
    """'2026-03-01 17:00' (or a naive datetime) in `zone` -> aware UTC. An aware datetime keeps
    its own offset. ValueError, with a message for the user, on a bad time or zone."""
    return parse_local(when, zone).astimezone(UTC)


def local_zone_name() -> str | None:
    """The system's IANA zone name: TZ when it names one (read each time: tzlocal caches),
    else what tzlocal (APScheduler's dependency) finds in /etc."""
    name = os.environ.get("TZ", "").lstrip(":")
    if "/" in name or name == "UTC":
        try:
            ZoneInfo(name)
            return name
        except Exception:
            pass
    try:
        import tzlocal
        return tzlocal.get_localzone_name()
    except Exception:
        return None


def default_zone(config_deadlines) -> str:
    # The story's own zone first: the dates a story's milestones are reported in (a hearing
    # at 10:00 in Washington) are that zone's, wherever the reader sits.
    if config_deadlines:
        return config_deadlines[0].timezone
    return local_zone_name() or "UTC"


@dataclass(frozen=True)
class Milestones:
    all: tuple[Deadline, ...]  # soonest first; config ones have id None, stored ones an id
    next: Deadline | None  # the first not yet passed, or None when every one has


def milestones(config: Config, store: Store | None, now: datetime | None = None) -> Milestones:
    now = now or utcnow()
    stored = store.deadlines() if store is not None else []
    every = tuple(sorted((*config.deadlines, *stored), key=lambda d: (d.at, d.id is not None, d.id or 0, d.label)))
    return Milestones(every, next((d for d in every if d.at >= now), None))
