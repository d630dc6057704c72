"""Times are stored as ISO-8601 UTC strings and shown in local time; this is the only place
that converts between the two, so the TUI, CLI and digest agree."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


# The times a milestone may be at. datetime ends at 9999-12-31: a time near it overflows when
# shown in a zone east of UTC, when read in one west of it, or a day or a year either side in
# a countdown or a timeline. These bounds leave room for all of that.
EARLIEST = datetime(1000, 1, 1, tzinfo=timezone.utc)
LATEST = datetime(9990, 1, 1, tzinfo=timezone.utc)
OUT_OF_RANGE = f"is out of range: a milestone must fall between the years {EARLIEST.year} and {LATEST.year - 1}"


def in_range(dt: datetime) -> datetime:
    """Aware `dt` in UTC when it lies between EARLIEST and LATEST; ValueError (OUT_OF_RANGE)
    otherwise, also for a naive one whose zone moves it past the end of datetime."""
    try:
        dt = dt.astimezone(timezone.utc)
    except OverflowError:
        raise ValueError(OUT_OF_RANGE) from None
    if not EARLIEST <= dt < LATEST:
        raise ValueError(OUT_OF_RANGE)
    return dt


class TimeInputError(ValueError):
    """A time a user wrote that cannot be used. str() says why in the dashboard's words;
    `part` says what is wrong ("zone": unknown, or none where one is needed; "time": not a
    date and time; "range": OUT_OF_RANGE, `when` the time as written), so a caller with words
    of its own (feeds.toml's file, line and key; `tracker init --deadline`) can say it in them."""

    def __init__(self, part: str, message: str, when: datetime | None = None):
        super().__init__(message)
        self.part, self.when = part, when


def zone(name: str) -> ZoneInfo:
    """An IANA time zone by name; TimeInputError ("zone") for one this system does not know."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise TimeInputError("zone", f"unknown time zone {name!r} (use an IANA name like America/New_York)") from None


def parse_local(when: str | datetime, zone_name: str | None) -> datetime:
    """The one reader of "local time + zone": '2026-03-01 17:00' (ISO 8601, or a datetime)
    local to `zone_name` -> aware, as written (in that zone, or at its own UTC offset when it
    has one), and within the milestones' range. zone_name None: the time must carry its offset.
    TimeInputError otherwise."""
    tz = zone(zone_name) if zone_name is not None else None
    if isinstance(when, str):
        try:
            when = datetime.fromisoformat(when.strip())
        except ValueError:
            raise TimeInputError("time", f"{when!r} is not a time like 2026-03-01 17:00") from None
    if when.tzinfo is None:
        if tz is None:
            raise TimeInputError("zone", f"{when.isoformat(sep=' ', timespec='minutes')} has no time zone")
        when = when.replace(tzinfo=tz)
    try:
        in_range(when)
    except ValueError as e:
        raise TimeInputError("range", f"{when.replace(tzinfo=None).isoformat(sep=' ', timespec='minutes')} {e}",
                             when) from None
    return when


def clamped(dt: datetime) -> datetime:
    """A stored milestone's time moved inside the range, should one lie outside it (stored
    before times were checked, or by hand): shown at the range's end, where it can still be
    edited or removed, rather than overflow every screen and digest."""
    return min(max(dt, EARLIEST), LATEST - timedelta(days=1))


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
