"""The digest as data: `--since`/`--until`, the frozen tree (a digest, its days and
developments, their reports, deadlines and per-day counts) and `build`, which reads it from
the store in one snapshot. Dates in words live here too: the descriptions use them."""

from __future__ import annotations

import dataclasses
import os
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..config import parse_duration
from ..errors import TrackerError
from ..milestones import milestones
from ..model import DIGEST_FORMATS, Config
from ..rows import Item
from ..store import Store
from ..text import clean_text, safe_link
from ..timeutil import from_iso, local, to_iso, utcnow


SCHEMA = 2  # 2: developments (each with its reports), per_day counts developments
FORMATS = DIGEST_FORMATS
DEFAULT_FORMAT = "md"
FIRST_RUN = timedelta(days=7)  # what `--since last` covers before any digest exists
TITLE_LIMIT = 300
SUMMARY_LIMIT = 320
OUTLET_LIMIT = 60
CHART_DAYS = 45  # at most this many bars; beyond it they are too thin to read on a phone
CHART_AHEAD = timedelta(days=14)  # an upcoming deadline this close extends the chart to it
WIDTH = 80  # plain-text digests are for mail
REPORTS_SHOWN = 8  # a development's reports listed in a digest; the rest are counted


class DigestError(TrackerError):
    """A digest could not be written; the message says where and why."""

# ------------------------------------------------------------------ --since / --until
@dataclass(frozen=True)
class When:
    """A --since/--until value as written: 'last', a duration back from now, a local day,
    or a local (or explicit-offset) time. Resolved against a clock and zone by build()."""

    text: str
    kind: str  # "last" | "ago" | "day" | "time"
    seconds: float = 0.0
    day: date | None = None
    at: datetime | None = None  # naive means local

    def resolve(self, now: datetime, tz: tzinfo | None, end: bool = False) -> datetime:
        if self.kind == "ago":
            return now - timedelta(seconds=self.seconds)
        if self.kind == "day":
            # --until names the last day to include, so it ends at the next midnight
            return _midnight(self.day + timedelta(days=1) if end else self.day, tz)
        if self.kind == "time":
            return _as_local(self.at, tz)
        raise ValueError("'last' is not a point in time")


def parse_when(text: str, allow_last: bool = True) -> When:
    """'last', '24h', '7d', '1h30m', '2026-02-24', '2026-02-24T09:00'. ValueError otherwise."""
    s = str(text).strip()
    if s.lower() == "last":
        if not allow_last:
            raise ValueError("'last' only makes sense for --since")
        return When(s, "last")
    try:
        return When(s, "ago", seconds=parse_duration(s))
    except ValueError:
        pass
    try:
        return When(s, "day", day=date.fromisoformat(s))
    except ValueError:
        pass
    try:
        return When(s, "time", at=datetime.fromisoformat(s))
    except ValueError:
        pass
    raise ValueError(f"{text!r} is not 'last', a duration (24h, 7d, 1h30m), "
                     "a day (2026-02-24) or a time (2026-02-24T09:00)")


def _midnight(day: date, tz: tzinfo | None) -> datetime:
    # Without an explicit zone, a naive time's astimezone() applies the system's rules for
    # that date, DST included, which a fixed offset taken from "now" would not.
    naive = datetime.combine(day, time())
    return naive.replace(tzinfo=tz) if tz else naive.astimezone()


def _as_local(dt: datetime, tz: tzinfo | None) -> datetime:
    if dt.tzinfo is None:
        return dt.replace(tzinfo=tz) if tz else dt.astimezone()
    return local(dt, tz)


# ------------------------------------------------------------------ the data
@dataclass(frozen=True)
class DigestItem:
    """One report: an item, or the copies of one cluster (one text, several outlets), shown once."""

    ids: tuple[int, ...]  # the stored items it stands for, first report first
    time: datetime  # first report, local
    title: str
    link: str | None  # http(s) only
    summary: str  # one or two sentences
    outlets: tuple[str, ...]  # everyone who carried it
    feeds: tuple[str, ...]  # the configured feeds it came through
    starred: bool
    read: bool
    development: int | None = None  # the development it belongs to (None: not grouped yet)


@dataclass(frozen=True)
class DigestDevelopment:
    """One development of the period: what happened, and every report of it in the digest."""

    id: int  # the store's development id (an ungrouped report: minus its item id)
    headline: str  # the development's most representative report's title
    link: str | None  # http(s) only
    first: datetime  # its first report in this digest, local
    last: datetime  # its latest, local
    outlets: tuple[str, ...]  # everyone who carried its reports, first reporter first
    reports: tuple[DigestItem, ...]  # first report first
    starred: bool


@dataclass(frozen=True)
class Day:
    date: date  # local
    items: tuple[DigestItem, ...]  # starred first, then newest first


@dataclass(frozen=True)
class DeadlineStatus:
    label: str
    at: datetime  # local
    timezone: str  # the zone it was set in
    note: str
    status: str  # "in 2 days 3 hours" / "passed 3 days ago"
    passed: bool
    own: datetime | None = None  # in the zone it was set in (None: an unknown zone)


@dataclass(frozen=True)
class DayCount:
    date: date
    developments: int  # with a report on the story that day
    in_digest: int  # of which in this digest


@dataclass(frozen=True)
class Digest:
    story: str
    created: datetime  # local
    timezone: str
    scope: str  # "last": since the previous digest; "first": no digest before; "range"
    description: str  # "since the last digest (Thu 26 Feb 2026 09:00 EST)"
    start: datetime  # local
    end: datetime  # local
    previous: datetime | None  # when the last digest was made, local
    through_item: int  # the highest item id that existed at export
    include_read: bool
    starred_only: bool
    deadlines: tuple[DeadlineStatus, ...]
    items: int  # stored items covered
    entries: int  # developments shown (items of one cluster are one)
    outlets: int
    new: int  # items that arrived since the last digest
    days: tuple[Day, ...]  # newest first
    per_day: tuple[DayCount, ...]  # oldest first, for the chart
    empty: str | None  # the plain sentence shown when there is nothing to report
    continues: bool  # covers everything since the last digest: recording it moves the mark
    after_item: int = 0  # the last digest's through_item when this one was read (0: none)
    developments: tuple[DigestDevelopment, ...] = ()  # most important first: outlets, then latest report
    flat: bool = False  # render the items day by day (--flat) instead of by development


# ------------------------------------------------------------------ build
def build(store: Store, config: Config, *, since: str | When | datetime = "last",
          until: str | When | datetime | None = None, include_read: bool = True,
          starred_only: bool = False, now: datetime | None = None, tz: tzinfo | None = None,
          flat: bool = False) -> Digest:
    """The digest as plain data, read in one snapshot of the database."""
    with store.snapshot():
        d = _collect(store, config, since, until, include_read, starred_only, now or utcnow(), tz)
    return dataclasses.replace(d, flat=flat) if flat else d


def _collect(store, config, since, until, include_read, starred_only, now, tz) -> Digest:
    now_l = local(now, tz)
    since = parse_when(since) if isinstance(since, str) else since
    until = parse_when(until, allow_last=False) if isinstance(until, str) else until
    through = store.last_item_id()
    last = store.last_digest()
    previous = local(from_iso(last[0]), tz) if last else None
    mark = last[1] if last else 0

    where, params = ["on_story = 1", "id <= ?"], [through]
    if isinstance(since, When) and since.kind == "last":
        if last:
            scope, start = "last", previous
            where.append("id > ?")
            params.append(mark)
        else:
            scope, start = "first", now_l - FIRST_RUN
            where.append("published >= ?")
            params.append(to_iso(start))
    else:
        scope = "range"
        start = _as_local(since, tz) if isinstance(since, datetime) else since.resolve(now_l, tz)
        where.append("published >= ?")
        params.append(to_iso(start))
    end = now_l
    if until is not None:
        end = _as_local(until, tz) if isinstance(until, datetime) else until.resolve(now_l, tz, end=True)
        where.append("published < ?")
        params.append(to_iso(end))
    if starred_only:
        where.append("starred = 1")
    if not include_read:
        where.append("read = 0")
    ids = store.digest_item_ids(where, params)
    rows = store.rows(ids)

    entries = _entries(store, rows, through, tz)
    days: dict[date, list[DigestItem]] = {}
    for e in entries:
        days.setdefault(e.time.date(), []).append(e)
    day_list = tuple(
        Day(d, tuple(sorted(items, key=lambda e: (not e.starred, -e.time.timestamp(), -e.ids[0]))))
        for d, items in sorted(days.items(), reverse=True))

    outlets = {o.casefold() for e in entries for o in e.outlets}
    new = sum(1 for i in rows if i > mark)
    description = _describe(scope, since, until, start, end, previous)
    deadlines = _deadlines(store, config, now, tz)
    empty = None
    if not entries:
        what = "starred " if starred_only else "unread " if not include_read else ""
        if scope == "last":
            empty = f"Nothing {what}new since the last digest ({fmt_time(previous)})."
        elif scope == "first":
            empty = f"Nothing {what}on the story in the last 7 days."
        else:
            empty = f"Nothing {what}on the story {description}."
    return Digest(
        story=clean_text(config.story.title, TITLE_LIMIT), created=now_l, timezone=_zone_name(now_l, tz),
        scope=scope, description=description, start=start, end=end, previous=previous, through_item=through,
        include_read=include_read, starred_only=starred_only,
        deadlines=deadlines, items=len(rows), entries=len(entries), outlets=len(outlets), new=new,
        days=day_list, per_day=_per_day(store, through, start, end, entries, deadlines, tz), empty=empty,
        continues=scope in ("last", "first") and until is None and include_read and not starred_only,
        after_item=mark, developments=_developments(store, entries))


def _entries(store: Store, rows: dict[int, Item], through: int, tz) -> list[DigestItem]:
    clusters: dict[int, list[Item]] = {}
    for row in rows.values():
        clusters.setdefault(row.cluster or row.id, []).append(row)
    # Who carried a development includes cluster members reported before this digest's span.
    carried: dict[int, list[Item]] = {c: list(members) for c, members in clusters.items()}
    others = [i for i in store.on_story_in_clusters(list(clusters), through) if i not in rows]
    for row in store.rows(others).values():
        carried[row.cluster].append(row)

    out = []
    for cluster, members in clusters.items():
        members.sort(key=lambda r: (r.published, r.id))
        first = members[0]
        outlets: list[str] = []
        feeds: list[str] = []
        for row in sorted(carried[cluster], key=lambda r: (r.published, r.id)):
            for name in _carriers(row):
                if name.casefold() not in {o.casefold() for o in outlets}:
                    outlets.append(name)
            feeds.extend(f for f in row.feeds if f not in feeds)
        title = clean_text(first.title, TITLE_LIMIT) or "(untitled)"
        out.append(DigestItem(
            ids=tuple(r.id for r in members),
            time=local(from_iso(first.published), tz),
            title=title,
            link=next((link for r in members if (link := safe_link(r.link))), None),
            summary=next((s for r in members if (s := short_summary(r.summary, r.title))), ""),
            outlets=tuple(outlets), feeds=tuple(feeds),
            starred=any(r.starred for r in members), read=all(r.read for r in members),
            development=first.development))
    return out


def _developments(store: Store, entries: list[DigestItem]) -> tuple[DigestDevelopment, ...]:
    """The entries gathered by development, the most important first: carried by the most
    outlets, then the latest report. A report not grouped yet is a development of its own."""
    groups: dict[int, list[DigestItem]] = {}
    for e in entries:
        groups.setdefault(e.development if e.development is not None else -e.ids[0], []).append(e)
    heads = store.development_rows([g for g in groups if g > 0])
    out = []
    for dev_id, reports in groups.items():
        reports.sort(key=lambda e: (e.time, e.ids[0]))
        outlets: list[str] = []
        for e in reports:
            outlets += [o for o in e.outlets if o.casefold() not in {x.casefold() for x in outlets}]
        head = heads.get(dev_id)
        headline = head.headline if head else None
        title = clean_text(headline or "", TITLE_LIMIT) or reports[0].title
        link = safe_link(head.link) if headline else None
        out.append(DigestDevelopment(
            id=dev_id, headline=title, link=link or reports[0].link, first=reports[0].time,
            last=max(e.time for e in reports), outlets=tuple(outlets), reports=tuple(reports),
            starred=any(e.starred for e in reports)))
    out.sort(key=lambda d: (-len(d.outlets), -d.last.timestamp(), -d.id))
    return tuple(out)


def _carriers(row: Item) -> list[str]:
    """The outlets that carried one stored item."""
    outlet = clean_text(row.outlet, OUTLET_LIMIT)
    feeds = [clean_text(f, OUTLET_LIMIT) for f in row.feeds]
    if outlet and outlet not in feeds:
        # An aggregator named the publisher (Google News' <source>): the feed only relayed it.
        return [outlet]
    return [f for f in feeds if f] or ([outlet] if outlet else [])


_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9])")
_SENTENCE_END_LOOSE = re.compile(r"[.!?…][\"'”’)\]]*\s+")
# Words that end in a full stop without ending the sentence ("Mr. Hegseth", "U.S. Army").
_ABBREVIATIONS = {"mr", "mrs", "ms", "dr", "st", "gen", "sen", "rep", "gov", "lt", "col", "sgt", "capt",
                  "adm", "maj", "jr", "sr", "inc", "corp", "co", "ltd", "vs", "no", "u.s", "u.k", "e.g",
                  "i.e", "a.m", "p.m", "jan", "feb", "mar", "apr", "aug", "sept", "oct", "nov", "dec"}


def short_summary(text: str, title: str = "", limit: int = SUMMARY_LIMIT) -> str:
    """The first one or two sentences of a summary, cut at a sentence end when one fits."""
    text = clean_text(text)
    title = clean_text(title)
    # Aggregators' descriptions often just repeat the headline (plus the outlet's name).
    if not text or (title and text.casefold().startswith(title.casefold())):
        return ""
    ends = _sentence_ends(text, _SENTENCE_END)[:2]
    if len(ends) < 2:
        ends.append(len(text))  # the end of the text closes its last sentence
    fitting = [end for end in ends if end <= limit]
    if not fitting:
        # No capitalised sentence start in reach: any full stop will do before a cut mid-sentence.
        fitting = [end for end in _sentence_ends(text[:limit + 1], _SENTENCE_END_LOOSE) if end <= limit][:2]
    return text[:fitting[-1]] if fitting else clean_text(text, limit)


def _sentence_ends(text: str, pattern: re.Pattern) -> list[int]:
    ends = []
    for m in pattern.finditer(text):
        word = text[:m.start()].rsplit(" ", 1)[-1].casefold()
        if text[m.start()] == "." and (word in _ABBREVIATIONS or re.fullmatch(r"\w", word)):
            continue
        ends.append(m.start() + len(m.group().rstrip()))
    return ends


def _describe(scope, since, until, start, end, previous) -> str:
    if scope == "last":
        text = f"since the last digest ({fmt_time(previous)})"
    elif scope == "first":
        text = "in the last 7 days (the first digest)"
    elif isinstance(since, When) and since.kind == "ago":
        text = f"in the last {_duration_words(since.seconds)}"
    elif isinstance(since, When) and since.kind == "day":
        text = f"since {fmt_date(since.day)}"
    else:
        text = f"since {fmt_time(start)}"
    if until is not None:
        if isinstance(until, When) and until.kind == "day":
            text += f" through {fmt_date(until.day)}"
        else:
            text += f" until {fmt_time(end)}"
    return text


def _duration_words(seconds: float) -> str:
    parts = []
    for size, name in ((86400, "day"), (3600, "hour"), (60, "minute"), (1, "second")):
        n, seconds = divmod(int(seconds), size)
        if n:
            parts.append(_plural(n, name))
    return " ".join(parts) or "0 seconds"


def _zone_name(now_l: datetime, tz) -> str:
    name = getattr(tz, "key", None) or os.environ.get("TZ", "").lstrip(":")
    if not name:
        # The system zone's IANA name is the tail of the /etc/localtime link on most Unixes.
        target = os.path.realpath("/etc/localtime")
        name = target.split("zoneinfo/", 1)[1] if "zoneinfo/" in target else ""
    return name or now_l.strftime("%Z") or "local time"


def _deadlines(store: Store, config: Config, now: datetime, tz) -> tuple[DeadlineStatus, ...]:
    out, seen = [], set()
    for label, at, zone, note in ((d.label, d.at, d.timezone, d.note or "") for d in milestones(config, store).all):
        if (label, at) in seen:
            continue
        seen.add((label, at))
        seconds = (at - now).total_seconds()
        out.append(DeadlineStatus(
            label=clean_text(label, TITLE_LIMIT), at=local(at, tz), timezone=zone, note=clean_text(note, 500),
            status=f"in {_countdown(seconds)}" if seconds > 0 else f"passed {_passed(-seconds)}",
            passed=seconds <= 0, own=_in_zone(at, zone)))
    return tuple(out)


def _in_zone(at: datetime, zone: str) -> datetime | None:
    try:
        return at.astimezone(ZoneInfo(zone))
    except (ZoneInfoNotFoundError, ValueError, TypeError, OverflowError):
        return None


def _countdown(seconds: float) -> str:
    """The two largest units: '2 days 3 hours', '2 hours 55 minutes', '5 minutes'."""
    d, rest = divmod(int(seconds), 86400)
    h, rest = divmod(rest, 3600)
    m = rest // 60
    units = [(d, "day"), (h, "hour"), (m, "minute")]
    while units and not units[0][0]:
        units.pop(0)
    text = " ".join(_plural(n, name) for n, name in units[:2] if n)
    return text or "less than a minute"


def _passed(seconds: float) -> str:
    for size, name in ((86400, "day"), (3600, "hour"), (60, "minute")):
        if seconds >= size:
            return f"{_plural(int(seconds // size), name)} ago"
    return "just now"


def _per_day(store, through, start, end, entries, deadlines, tz) -> tuple[DayCount, ...]:
    """Developments with a report on the story per local day (copies and reports of one
    development counted once a day): the story so far around this digest's span, up to
    CHART_DAYS bars, stretched to an upcoming deadline when one is near."""
    last_day = end.date()
    ahead = [d.at.date() for d in deadlines if end < d.at <= end + CHART_AHEAD]
    if ahead:
        last_day = max(ahead)
    first = store.first_published(through)
    first_day = min(start.date(), local(from_iso(first), tz).date()) if first else start.date()
    first_day = max(first_day, last_day - timedelta(days=CHART_DAYS - 1))
    counts: dict[date, set[int]] = {}
    lo = _midnight(first_day, tz)
    for published, dev in store.published_developments(through, to_iso(lo)):
        counts.setdefault(local(from_iso(published), tz).date(), set()).add(dev)
    mine: dict[date, set[int]] = {}
    for e in entries:
        mine.setdefault(e.time.date(), set()).add(e.development if e.development is not None else -e.ids[0])
    days = (first_day + timedelta(days=i) for i in range((last_day - first_day).days + 1))
    return tuple(DayCount(d, max(len(counts.get(d, ())), len(mine.get(d, ()))), len(mine.get(d, ()))) for d in days)


# ------------------------------------------------------------------ shared formatting
def fmt_date(d: date) -> str:
    # strftime's %A/%B follow the C locale here anyway; spelled out so no locale can change a digest
    return f"{_WEEKDAYS[d.weekday()]} {d.day} {_MONTHS[d.month - 1]} {d.year}"


def fmt_time(dt: datetime) -> str:
    return f"{_WEEKDAYS[dt.weekday()][:3]} {dt.day} {_MONTHS[dt.month - 1][:3]} {dt.year} {dt:%H:%M} {dt:%Z}".rstrip()


def _short_date(d: date) -> str:
    return f"{d.day} {_MONTHS[d.month - 1][:3]}"


def fmt_clock(dt: datetime) -> str:
    return f"{dt:%H:%M}"


_WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December"]


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"
