"""Times are stored as ISO-8601 UTC strings and shown in local time; this is the only place
that converts between the two, so the TUI, CLI and digest agree."""

from __future__ import annotations

from datetime import datetime, timezone, tzinfo


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def to_iso(dt: datetime) -> str:
    """Aware datetime -> '2026-02-25T01:02:03Z' (sortable as text, which the indexes rely on)."""
    return dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def from_iso(text: str) -> datetime:
    dt = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return dt if dt.tzinfo else dt.replace(tzinfo=timezone.utc)


def local(dt: datetime, tz: tzinfo | None = None) -> datetime:
    """In the user's zone (the system's unless tz is given, e.g. by tests)."""
    return dt.astimezone(tz) if tz else dt.astimezone()


def _unit(seconds: float) -> tuple[int, str]:
    s = abs(seconds)
    for size, name in ((365 * 86400, "year"), (30 * 86400, "month"), (7 * 86400, "week"),
                       (86400, "day"), (3600, "hour"), (60, "minute")):
        if s >= size:
            return int(s // size), name
    return int(s), "second"


def ago(then: datetime, now: datetime | None = None) -> str:
    """'3 hours ago', 'in 2 days', 'just now'."""
    seconds = ((now or utcnow()) - then).total_seconds()
    if abs(seconds) < 45:
        return "just now"
    n, name = _unit(seconds)
    text = f"{n} {name}{'s' if n != 1 else ''}"
    return f"{text} ago" if seconds > 0 else f"in {text}"


def short_ago(then: datetime, now: datetime | None = None) -> str:
    """Compact form for list rows: '5m', '3h', '2d', '4mo'."""
    seconds = max(0.0, ((now or utcnow()) - then).total_seconds())
    if seconds < 60:
        return "now"
    n, name = _unit(seconds)
    return f"{n}{ {'year': 'y', 'month': 'mo', 'week': 'w', 'day': 'd', 'hour': 'h', 'minute': 'm'}[name] }"
