"""Digests: what happened on the story over a span, as Markdown, HTML, JSON or plain text.

`build` reads the store once and returns plain data; the `render_*` functions are pure
(data in, text out), so the command line, the dashboard and the tests share them.

`--since last` is exact because it counts arrival, not publication: item ids are
AUTOINCREMENT, so "new since the last digest" is every on-story item whose id is above the
highest id that existed when that digest was made (`digests.through_item`). Only a digest
that covered all of that (since last, no --until, no filters) is recorded as a link in that
chain; a one-off `--since 24h` or `--starred-only` export leaves the chain alone, so the next
`--since last` still starts where the previous complete digest ended.

Exporting reads in a snapshot and writes the file holding no lock: `tracker digest -o - | less`
may take as long as the user reads, and a poller must not wait for that. The digest is then
recorded in a short write transaction only if the chain still ends where it did when read;
when another exporter (the dashboard's `e`, or `tracker digest` in another terminal) recorded
one meanwhile, a file digest is made again from the new end and stdout's is refused, so no
two recorded digests share an item and none skips one.
"""

from __future__ import annotations

import html
import json
import os
import re
import stat
import sys
import tempfile
import textwrap
import dataclasses
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .config import parse_duration
from .errors import TrackerError
from .milestones import milestones
from .model import DIGEST_FORMATS, Config
from .paths import digests_dir
from .store import Store
from .text import clean_text, safe_link
from .timeutil import from_iso, local, to_iso, utcnow

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


def _entries(store: Store, rows: dict[int, dict], through: int, tz) -> list[DigestItem]:
    clusters: dict[int, list[dict]] = {}
    for row in rows.values():
        clusters.setdefault(row["cluster"] or row["id"], []).append(row)
    # Who carried a development includes cluster members reported before this digest's span.
    carried: dict[int, list[dict]] = {c: list(members) for c, members in clusters.items()}
    others = [i for i in store.on_story_in_clusters(list(clusters), through) if i not in rows]
    for row in store.rows(others).values():
        carried[row["cluster"]].append(row)

    out = []
    for cluster, members in clusters.items():
        members.sort(key=lambda r: (r["published"], r["id"]))
        first = members[0]
        outlets: list[str] = []
        feeds: list[str] = []
        for row in sorted(carried[cluster], key=lambda r: (r["published"], r["id"])):
            for name in _carriers(row):
                if name.casefold() not in {o.casefold() for o in outlets}:
                    outlets.append(name)
            feeds.extend(f for f in row["feeds"] if f not in feeds)
        title = clean_text(first["title"], TITLE_LIMIT) or "(untitled)"
        out.append(DigestItem(
            ids=tuple(r["id"] for r in members),
            time=local(from_iso(first["published"]), tz),
            title=title,
            link=next((link for r in members if (link := safe_link(r["link"]))), None),
            summary=next((s for r in members if (s := short_summary(r["summary"], r["title"]))), ""),
            outlets=tuple(outlets), feeds=tuple(feeds),
            starred=any(r["starred"] for r in members), read=all(r["read"] for r in members),
            development=first.get("development")))
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
        head = heads.get(dev_id) or {}
        title = clean_text(head.get("headline") or "", TITLE_LIMIT) or reports[0].title
        link = safe_link(head.get("link")) if head.get("headline") else None
        out.append(DigestDevelopment(
            id=dev_id, headline=title, link=link or reports[0].link, first=reports[0].time,
            last=max(e.time for e in reports), outlets=tuple(outlets), reports=tuple(reports),
            starred=any(e.starred for e in reports)))
    out.sort(key=lambda d: (-len(d.outlets), -d.last.timestamp(), -d.id))
    return tuple(out)


def _carriers(row: dict) -> list[str]:
    """The outlets that carried one stored item."""
    outlet = clean_text(row["outlet"], OUTLET_LIMIT)
    feeds = [clean_text(f, OUTLET_LIMIT) for f in row["feeds"]]
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


def counts(d: Digest) -> tuple[str, str]:
    """('5 developments: 12 items from 7 outlets', '12 new since the last digest')."""
    text = f"{_plural(d.items, 'item')} from {_plural(d.outlets, 'outlet')}"
    if d.developments:
        text = f"{_plural(len(d.developments), 'development')}: {text}"
    if d.scope != "range" or d.previous is None:
        return text, ""  # all of it is new, as the description says
    return text, f"{d.new} new since the last digest"


def counts_line(d: Digest) -> str:
    return "; ".join(part for part in counts(d) if part)


def outlets_text(item: DigestItem, limit: int = 4) -> str:
    names = list(item.outlets[:limit])
    if len(item.outlets) > limit:
        names.append(f"+{len(item.outlets) - limit} more")
    text = ", ".join(names)
    if len(item.outlets) > 1:
        text += f" · {len(item.outlets)} outlets"
    return text


def deadline_when(d: DeadlineStatus) -> str:
    """The reader's time, and the deadline's own when its zone differs: 'Fri 27 Feb 2026
    14:00 PST (17:00 EST in America/New_York)'."""
    text = fmt_time(d.at)
    own = d.own
    if own is not None and (own.utcoffset() != d.at.utcoffset() or own.tzname() != d.at.tzname()):
        there = fmt_time(own) if own.date() != d.at.date() else f"{own:%H:%M} {own:%Z}".rstrip()
        text += f" ({there} in {d.timezone})"
    return text


def _deadline_line(d: DeadlineStatus) -> str:
    return f"{d.label}: {deadline_when(d)}, {d.status}"


def short_when(dt: datetime) -> str:
    return f"{_WEEKDAYS[dt.weekday()][:3]} {dt.day} {_MONTHS[dt.month - 1][:3]} {dt:%H:%M}"


def _flat(d: Digest) -> bool:
    """Day by day: asked for (--flat), or a Digest made without developments (by a script)."""
    return d.flat or not d.developments


def sections(d: Digest) -> list[tuple[str, tuple[DigestDevelopment, ...]]]:
    """The developments under their headings: the starred ones first, under their own."""
    starred = tuple(x for x in d.developments if x.starred)
    rest = tuple(x for x in d.developments if not x.starred)
    return [(name, group) for name, group in (("Starred", starred), ("Developments", rest)) if group]


def development_meta(dev: DigestDevelopment) -> str:
    """'3 outlets · 4 reports · first Wed 25 Feb 08:00 (Agency) · latest Thu 26 Feb 07:30'."""
    first = dev.reports[0]
    parts = [_plural(len(dev.outlets), "outlet"), _plural(len(dev.reports), "report"),
             f"first {short_when(dev.first)}" + (f" ({first.outlets[0]})" if first.outlets else "")]
    if dev.last != dev.first:
        parts.append(f"latest {short_when(dev.last)}")
    return " · ".join(parts)


def shown_reports(dev: DigestDevelopment) -> tuple[tuple[DigestItem, ...], int]:
    """The reports listed under a development (the first, then the others in order) and how
    many more there are."""
    return dev.reports[:REPORTS_SHOWN], max(0, len(dev.reports) - REPORTS_SHOWN)


# ------------------------------------------------------------------ Markdown
# Every ASCII character that can open markup anywhere in a line, in CommonMark or its
# common extensions (GFM strikethrough and tables, math); a backslash before ASCII
# punctuation always means "this character, literally". "(", ")" and "!" are left alone:
# with "[" and "]" escaped they can't make a link or an image, and escaping them would
# litter every "(Reuters)" with backslashes in chats that show Markdown unrendered.
_MD_INLINE = re.compile(r"([\\`*_{}\[\]<>#|~&$])")
# ...and those that only mean something at the start of a line (lists, headings, quotes).
_MD_LINE_START = re.compile(r"^(\d+)([.)])|^([-+=:])")


def md_escape(text: str) -> str:
    text = _MD_INLINE.sub(r"\\\1", " ".join(text.split()))
    return _MD_LINE_START.sub(lambda m: f"{m[1]}\\{m[2]}" if m[1] else f"\\{m[3]}", text)


def _md_url(url: str) -> str:
    # safe_link already refused whitespace; these would end or confuse a link destination.
    return "".join(f"%{ord(c):02X}" if c in "()<>\\`'\" " else c for c in url)


def inert(value):
    """Every string of a digest cleaned once more as it is rendered. The store cleans feed text
    on the way in, but a Digest may come from elsewhere (a database another program wrote, a
    script), and a file that is later `cat` to a terminal must carry no escape sequence."""
    if isinstance(value, str):
        return clean_text(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.replace(value, **{f.name: inert(getattr(value, f.name))
                                             for f in dataclasses.fields(value) if f.init})
    if isinstance(value, (tuple, list)):
        return type(value)(inert(v) for v in value)
    return value


def render_markdown(d: Digest) -> str:
    d = inert(d)
    out = [f"# {md_escape(d.story)}", "",
           f"Digest of {md_escape(fmt_time(d.created))}, {md_escape(d.description)}.", ""]
    for dl in d.deadlines:
        out.append(f"- **{'Deadline passed' if dl.passed else 'Deadline'}:** {md_escape(_deadline_line(dl))}")
    if d.empty:
        out += ["", md_escape(d.empty)]
    else:
        out.append(f"- **{md_escape(counts_line(d))}**")
    out.append("")
    if not _flat(d):
        out += _markdown_developments(d)
    for day in d.days if _flat(d) else ():
        out += [f"## {fmt_date(day.date)} ({_plural(sum(len(i.ids) for i in day.items), 'item')})", ""]
        for item in day.items:
            title = md_escape(item.title)
            link = safe_link(item.link)  # again at render time: a Digest can be built by hand
            title = f"[{title}]({_md_url(link)})" if link else title
            line = f"- {'★ ' if item.starred else ''}**{fmt_clock(item.time)}** {title}"
            if item.outlets:
                line += f" — {md_escape(outlets_text(item))}"
            if item.summary:
                line += f"  \n  {md_escape(item.summary)}"
            out.append(line)
        out.append("")
    out.append(f"*Times in {md_escape(d.timezone)}. Made by tracker.*")
    return "\n".join(out) + "\n"


def _markdown_developments(d: Digest) -> list[str]:
    out = []
    for name, group in sections(d):
        out += [f"## {'★ ' if name == 'Starred' else ''}{name} ({len(group)})", ""]
        for dev in group:
            link = safe_link(dev.link)
            title = md_escape(dev.headline)
            out += [f"### {f'[{title}]({_md_url(link)})' if link else title}", "",
                    f"*{md_escape(development_meta(dev))}*", ""]
            reports, more = shown_reports(dev)
            for item in reports:
                title = md_escape(item.title)
                link = safe_link(item.link)
                title = f"[{title}]({_md_url(link)})" if link else title
                if item.title == dev.headline:  # shown just above: only its link, as "the report"
                    title = f"[the report]({_md_url(link)})" if link else ""
                line = f"- {'★ ' if item.starred else ''}**{short_when(item.time)}** {title}".rstrip()
                if item.outlets:
                    line += f" — {md_escape(outlets_text(item))}"
                if item.summary:
                    line += f"  \n  {md_escape(item.summary)}"
                out.append(line)
            if more:
                out.append(f"- … and {_plural(more, 'more report')}")
            out.append("")
    return out


# ------------------------------------------------------------------ plain text
def render_text(d: Digest) -> str:
    d = inert(d)
    def wrap(text: str, first: str = "", rest: str = "") -> list[str]:
        return textwrap.wrap(text, WIDTH, initial_indent=first, subsequent_indent=rest,
                             break_long_words=True, break_on_hyphens=False) or [first.rstrip()]

    out = wrap(d.story.upper())
    out += ["=" * min(WIDTH, max(len(line) for line in out)), ""]
    out += wrap(f"Digest of {fmt_time(d.created)}, {d.description}.")
    out.append("")
    for dl in d.deadlines:
        out += wrap(f"{'Deadline passed' if dl.passed else 'Deadline'}: {_deadline_line(dl)}", "", "  ")
    if d.empty:
        out += [""] + wrap(d.empty)
    else:
        out += wrap(counts_line(d) + ".")
    out.append("")
    indent = " " * 8
    for name, group in sections(d) if not _flat(d) else ():
        heading = f"{name.upper()} ({len(group)})"
        out += [heading, "=" * len(heading), ""]
        for dev in group:
            out += wrap(dev.headline, "# ", "  ")
            out += wrap(development_meta(dev), "  ", "  ")
            out.append("")
            reports, more = shown_reports(dev)
            for item in reports:
                title = "(the headline above)" if item.title == dev.headline else item.title
                out += wrap(title, f"{'*' if item.starred else ' '} {short_when(item.time)}  ", " " * 19)
                if item.outlets:
                    out += wrap(outlets_text(item), " " * 19, " " * 19)
                if item.summary:
                    out += wrap(item.summary, " " * 19, " " * 19)
                if link := safe_link(item.link):
                    out.append(" " * 19 + link)
            if more:
                out.append(f"  … and {_plural(more, 'more report')}")
            out.append("")
    for day in d.days if _flat(d) else ():
        heading = f"{fmt_date(day.date)} ({_plural(sum(len(i.ids) for i in day.items), 'item')})"
        out += [heading, "-" * len(heading), ""]
        for item in day.items:
            out += wrap(item.title, f"{'*' if item.starred else ' '} {fmt_clock(item.time)} ", indent)
            if item.outlets:
                out += wrap(outlets_text(item), indent, indent)
            if item.summary:
                out += wrap(item.summary, indent, indent)
            if link := safe_link(item.link):
                out.append(indent + link)  # whole, so mail clients can still open it
            out.append("")
    out.append(f"Times in {d.timezone}. Made by tracker.")
    return "\n".join(out) + "\n"


# ------------------------------------------------------------------ JSON
def to_data(d: Digest) -> dict:
    d = inert(d)
    def item(i: DigestItem) -> dict:
        return {"ids": list(i.ids), "time": i.time.isoformat(), "published": to_iso(i.time), "title": i.title,
                "link": i.link, "summary": i.summary, "outlets": list(i.outlets), "feeds": list(i.feeds),
                "starred": i.starred, "read": i.read, "development": i.development}

    def development(x: DigestDevelopment) -> dict:
        return {"id": x.id, "headline": x.headline, "link": x.link, "first": x.first.isoformat(),
                "last": x.last.isoformat(), "outlets": list(x.outlets), "starred": x.starred,
                "reports": [item(i) for i in x.reports]}

    return {
        "schema": SCHEMA,
        "story": d.story,
        "created": d.created.isoformat(),
        "timezone": d.timezone,
        "scope": d.scope,
        "description": d.description,
        "from": d.start.isoformat(),
        "to": d.end.isoformat(),
        "previous_digest": d.previous.isoformat() if d.previous else None,
        "through_item": d.through_item,
        "filters": {"include_read": d.include_read, "starred_only": d.starred_only},
        "deadlines": [{"label": x.label, "at": x.at.isoformat(), "timezone": x.timezone,
                       "at_there": x.own.isoformat() if x.own else None, "note": x.note,
                       "status": x.status, "passed": x.passed} for x in d.deadlines],
        "counts": {"items": d.items, "entries": d.entries, "developments": len(d.developments),
                   "outlets": d.outlets, "new": d.new},
        "empty": d.empty,
        "developments": [development(x) for x in d.developments],  # most important first
        "days": [{"date": day.date.isoformat(), "items": [item(i) for i in day.items]} for day in d.days],
        "per_day": [{"date": c.date.isoformat(), "developments": c.developments, "in_digest": c.in_digest}
                    for c in d.per_day],
    }


def render_json(d: Digest) -> str:
    return json.dumps(to_data(d), ensure_ascii=False, indent=2) + "\n"


# ------------------------------------------------------------------ HTML
# No scripts, no requests: the policy forbids everything but the one inline style block
# (and data: images, which nothing here uses). base-uri and form-action are not covered by
# default-src, so they are closed explicitly.
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"

_CSS = """
:root { color-scheme: light dark; --fg: #1b1b1f; --muted: #5d5d6a; --bg: #fff; --card: #f4f4f7;
  --line: #dcdce3; --accent: #1f5fbf; --bar: #c9d3e6; --bar-in: #1f5fbf; --deadline: #c0262d; --star: #b07800; }
@media (prefers-color-scheme: dark) {
  :root { --fg: #e8e8ee; --muted: #a0a0ae; --bg: #15151a; --card: #22222a; --line: #34343f;
    --accent: #7fb0ff; --bar: #3a4256; --bar-in: #7fb0ff; --deadline: #ff6b6b; --star: #f0b840; }
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg);
  font: 16px/1.5 -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 46rem; margin: 0 auto; padding: 1.25rem 1rem 3rem; }
h1 { font-size: 1.6rem; line-height: 1.25; margin: 0 0 .35rem; }
h2 { font-size: 1.05rem; margin: 2rem 0 .5rem; padding-bottom: .3rem; border-bottom: 1px solid var(--line); }
h2 small { color: var(--muted); font-weight: normal; }
p, li { overflow-wrap: anywhere; }
.lede { color: var(--muted); margin: 0 0 1rem; }
.facts { display: flex; flex-wrap: wrap; align-items: flex-start; gap: .5rem; margin: 0 0 1rem; padding: 0;
  list-style: none; }
.facts li { background: var(--card); border-radius: .5rem; padding: .5rem .75rem; flex: 1 1 14rem; }
.facts .deadline { border-left: 4px solid var(--deadline); }
.facts .passed { border-left-color: var(--muted); }
.facts b { display: block; }
.facts .note { color: var(--muted); font-size: .875rem; }
figure { margin: 0 0 1rem; }
figcaption { color: var(--muted); font-size: .875rem; }
svg { display: block; width: 100%; height: auto; max-width: 34rem; }
svg text { fill: var(--muted); font-size: 13px; font-family: inherit; }
@media (min-width: 40rem) { svg text { font-size: 9px; } }  /* the chart is drawn larger there */
svg .axis { stroke: var(--line); }
svg .bar { fill: var(--bar); }
svg .bar-in { fill: var(--bar-in); }
svg .deadline { stroke: var(--deadline); stroke-width: 2; stroke-dasharray: 4 3; }
svg text.deadline-label { fill: var(--deadline); font-weight: bold; }
.empty { background: var(--card); padding: 1rem; border-radius: .5rem; }
ol.items { list-style: none; margin: 0; padding: 0; }
ol.items li { padding: .6rem 0; border-bottom: 1px solid var(--line); }
ol.items li:last-child { border-bottom: 0; }
.meta { color: var(--muted); font-size: .875rem; }
.meta time { font-variant-numeric: tabular-nums; font-weight: 600; color: var(--fg); }
.star { color: var(--star); }
.title { font-weight: 600; display: block; }
a { color: var(--accent); text-decoration: none; }
a:hover { text-decoration: underline; }
.summary { margin: .2rem 0 0; }
article.development { margin: 1.25rem 0 0; padding: .75rem 1rem; background: var(--card); border-radius: .5rem; }
article.development h3 { font-size: 1.1rem; line-height: 1.3; margin: 0 0 .2rem; }
article.development > .meta { margin: 0 0 .3rem; }
footer { margin-top: 2rem; color: var(--muted); font-size: .8rem; }
@media print {
  :root { --fg: #000; --muted: #444; --bg: #fff; --card: #fff; --accent: #000; }
  body { font-size: 11pt; }
  main { max-width: none; padding: 0; }
  .facts li { border: 1px solid #999; }
  h2 { break-after: avoid; }
  ol.items li { break-inside: avoid; }
  a.title::after { content: " <" attr(href) ">"; font-weight: normal; font-size: 8pt; color: #444;
    overflow-wrap: anywhere; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
""".strip()


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def render_html(d: Digest) -> str:
    d = inert(d)
    h: list[str] = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        '<meta name="referrer" content="no-referrer">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(d.story)}: digest of {_e(fmt_time(d.created))}</title>",
        f"<style>\n{_CSS}\n</style>",
        "</head>",
        "<body>",
        "<main>",
        "<header>",
        f"<h1>{_e(d.story)}</h1>",
        f'<p class="lede">Digest of <time datetime="{_e(d.created.isoformat())}">{_e(fmt_time(d.created))}'
        f"</time>, {_e(d.description)}.</p>",
        '<ul class="facts">',
    ]
    for dl in d.deadlines:
        h.append(f'<li class="deadline{" passed" if dl.passed else ""}"><b>{_e(dl.status.capitalize())}</b>'
                 f'{_e(dl.label)}, <time datetime="{_e(dl.at.isoformat())}">{_e(deadline_when(dl))}</time>'
                 + (f'<br><span class="note">{_e(dl.note)}</span>' if dl.note else "") + "</li>")
    if not d.empty:
        main, extra = counts(d)
        h.append(f"<li><b>{_e(main)}</b>{_e(extra)}</li>")
    h += ["</ul>", "</header>"]
    if any(c.developments for c in d.per_day):
        h.append(_chart(d))
    if d.empty:
        h.append(f'<p class="empty">{_e(d.empty)}</p>')
    for name, group in sections(d) if not _flat(d) else ():
        h.append(f'<section><h2>{"★ " if name == "Starred" else ""}{_e(name)} <small>{len(group)}</small></h2>')
        for dev in group:
            link = safe_link(dev.link)
            title = (f'<a href="{_e(link)}" rel="noopener noreferrer">{_e(dev.headline)}</a>' if link
                     else _e(dev.headline))
            h.append(f'<article class="development"><h3>{title}</h3>'
                     f'<p class="meta">{_e(development_meta(dev))}</p><ol class="items">')
            reports, more = shown_reports(dev)
            for item in reports:
                h.append(_html_item(item, short_when(item.time), same=item.title == dev.headline))
            if more:
                h.append(f'<li class="meta">… and {_e(_plural(more, "more report"))}</li>')
            h.append("</ol></article>")
        h.append("</section>")
    for day in d.days if _flat(d) else ():
        n = sum(len(i.ids) for i in day.items)
        h.append(f'<section><h2>{_e(fmt_date(day.date))} <small>{_e(_plural(n, "item"))}</small></h2>')
        h.append('<ol class="items">')
        for item in day.items:
            h.append(_html_item(item, fmt_clock(item.time)))
        h.append("</ol></section>")
    h += [f"<footer>Times in {_e(d.timezone)}. Made by tracker.</footer>", "</main>", "</body>", "</html>"]
    return "\n".join(h) + "\n"


def _html_item(item: DigestItem, when: str, same: bool = False) -> str:
    """One report; `same`: its title is the development's headline, shown just above, so
    only its link (as "the report") is."""
    title = "the report" if same else _e(item.title)
    link = safe_link(item.link)  # again, at the last moment: nothing else may reach an href
    title = (f'<a class="title" href="{_e(link)}" rel="noopener noreferrer">{title}</a>' if link
             else "" if same else f'<span class="title">{title}</span>')
    meta = f'<time datetime="{_e(item.time.isoformat())}">{_e(when)}</time>'
    if item.starred:
        meta = '<span class="star" title="starred">★</span> ' + meta
    if item.outlets:
        meta += f" · {_e(outlets_text(item))}"
    return (f'<li><div class="meta">{meta}</div>{title}'
            + (f'<p class="summary">{_e(item.summary)}</p>' if item.summary else "") + "</li>")


def _chart(d: Digest) -> str:
    """Developments on the story per day as SVG bars (this digest's share darker), deadlines
    as dashed lines at their hour."""
    days = d.per_day
    # About a phone's width in CSS pixels, so its labels read at their nominal size there.
    width, height, left, right, top, bottom = 400, 150, 26, 8, 24, 22
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max((c.developments for c in days), default=0) or 1
    slot = plot_w / len(days)
    bar = max(1.0, slot * 0.75)
    first = days[0].date
    every = max(1, -(-len(days) // 8))  # at most ~8 date labels
    s = [f'<figure><svg viewBox="0 0 {width} {height}" role="img" '
         f'aria-label="{_e(f"Developments on the story per day, {fmt_date(first)} to {fmt_date(days[-1].date)}")}">',
         f'<line class="axis" x1="{left}" y1="{top + plot_h}" x2="{width - right}" y2="{top + plot_h}"/>',
         f'<text x="{left - 4}" y="{top + 4}" text-anchor="end">{peak}</text>',
         f'<text x="{left - 4}" y="{top + plot_h}" text-anchor="end">0</text>']
    for i, c in enumerate(days):
        x = left + i * slot + (slot - bar) / 2
        tip = f"{fmt_date(c.date)}: {_plural(c.developments, 'development')}"
        if c.in_digest:
            tip += f", {c.in_digest} in this digest"
        for count, cls in ((c.developments, "bar"), (c.in_digest, "bar-in")):
            if count and not (cls == "bar" and count == c.in_digest):  # hidden behind the darker bar
                bh = max(1.0, plot_h * count / peak)
                s.append(f'<rect class="{cls}" x="{x:.1f}" y="{top + plot_h - bh:.1f}" width="{bar:.1f}" '
                         f'height="{bh:.1f}"><title>{_e(tip)}</title></rect>')
        if i % every == 0 or i == len(days) - 1 and len(days) <= 8:
            s.append(f'<text x="{left + (i + .5) * slot:.1f}" y="{height - 6}" text-anchor="middle">'
                     f"{_short_date(c.date)}</text>")
    for dl in d.deadlines:
        offset = (dl.at.date() - first).days + (dl.at.hour * 60 + dl.at.minute) / 1440
        if not 0 <= offset <= len(days):
            continue
        x = left + offset * slot
        anchor = "end" if x > width * 0.6 else "start"
        dx = -3 if anchor == "end" else 3
        label = dl.label if len(dl.label) <= 40 else dl.label[:39] + "…"
        s.append(f'<line class="deadline" x1="{x:.1f}" y1="{top - 6}" x2="{x:.1f}" y2="{top + plot_h}">'
                 f"<title>{_e(_deadline_line(dl))}</title></line>")
        s.append(f'<text class="deadline-label" x="{x + dx:.1f}" y="{top - 10}" text-anchor="{anchor}">'
                 f"{_e(label)}</text>")
    s.append("</svg>")
    legend = [f"Developments on the story per day, {_short_date(first)} to {_short_date(days[-1].date)}."]
    if any(c.in_digest for c in days) and any(c.developments > c.in_digest for c in days):
        legend.append("Darker: in this digest.")
    if any(0 <= (x.at.date() - first).days < len(days) for x in d.deadlines):
        legend.append("Dashed: deadline.")
    s.append(f"<figcaption>{_e(' '.join(legend))}</figcaption></figure>")
    return "\n".join(s)


RENDERERS = {"md": render_markdown, "html": render_html, "json": render_json, "txt": render_text}


def render(d: Digest, fmt: str) -> str:
    try:
        return RENDERERS[fmt](d)
    except KeyError:
        raise ValueError(f"unknown format {fmt!r} (one of: {', '.join(FORMATS)})") from None


# ------------------------------------------------------------------ export
def slug(text: str, limit: int = 50) -> str:
    s = re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")
    if len(s) > limit:
        s = s[:limit].rsplit("-", 1)[0]
    return s or "story"


def default_name(config: Config, created: datetime, fmt: str, n: int = 1) -> str:
    """The n-th name for a digest made at `created` (two in one minute: keep both)."""
    stem = f"{slug(config.story.title)}-{created:%Y-%m-%d-%H%M}" + (f"-{n}" if n > 1 else "")
    return f"{stem}{FORMATS[fmt]}"


def _destination(output: Path) -> tuple[str, Path]:
    """What writing to `output` means: ("folder", it) for a directory, ("file", path) for a
    regular file or a new one, replaced whole; ("stream", output) for anything else (a
    device, a FIFO, a socket), written in place, since replacing a device node would break
    it. A symlink is followed: the link stays, its target gets the digest."""
    target = Path(os.path.realpath(output))
    try:
        mode = os.stat(target).st_mode
    except FileNotFoundError:
        return "file", target
    except OSError as e:  # a symlink loop, a path through a file
        raise DigestError(f"cannot write {output}: {e.strerror or e}") from None
    if stat.S_ISDIR(mode):
        return "folder", output
    return ("file", target) if stat.S_ISREG(mode) else ("stream", output)


def _write_stream(text: str, path: Path | None) -> None:
    """To stdout (None) or a device or FIFO, opened as it is."""
    if path is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    try:
        with open(path, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
    except OSError as e:
        raise DigestError(f"cannot write {path}: {e.strerror or e}") from None


def _staged(folder: Path, name: str, text: str) -> Path:
    """text in a temporary file in `folder`, on disk (fsync'd): the slow part of writing,
    done before the digest is recorded, so recording holds the write lock only briefly."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".tmp")
    except OSError as e:
        raise DigestError(f"cannot write {folder / name}: {e.strerror or e}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)  # mkstemp's 0600 would keep a file meant for sharing private
    except BaseException as e:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(e, OSError):
            raise DigestError(f"cannot write {folder / name}: {e.strerror or e}") from None
        raise
    return Path(tmp)


def _place(tmp: Path, path: Path | None, folder: Path, config: Config, digest: Digest, fmt: str) -> Path:
    """Give the staged file its name: `path` (replaced if it exists), or else the first free
    default name in `folder`. A reader (or a crash) sees no file or the whole of it, never half."""
    try:
        if path is not None:
            os.replace(tmp, path)
            return path
        n = 1
        while True:
            candidate = folder / default_name(config, digest.created, fmt, n)
            try:
                os.link(tmp, candidate)  # unlike replace, fails rather than overwrite (another process's, too)
            except FileExistsError:
                n += 1
                continue
            tmp.unlink()
            return candidate
    except OSError as e:
        tmp.unlink(missing_ok=True)
        raise DigestError(f"cannot write {path or folder}: {e.strerror or e}") from None


def _record(c, digest: Digest, fmt: str, path: Path | None, now: datetime) -> None:
    Store.record_digest(c, to_iso(now), to_iso(digest.start), digest.through_item, fmt,
                        str(path.resolve()) if path else None, digest.items)


_chain_end = Store.digest_chain_end


ATTEMPTS = 5  # a file digest is made again when another was recorded meanwhile; this often at most


def export(store: Store, config: Config, *, fmt: str = DEFAULT_FORMAT, output: Path | str | None = None,
           since: str | When | datetime = "last", until: str | When | datetime | None = None,
           include_read: bool = True, starred_only: bool = False, now: datetime | None = None,
           tz: tzinfo | None = None, flat: bool = False) -> tuple[Digest, Path | None]:
    """Build, write and record one digest -> (digest, path; None for stdout or another
    stream). `output`: a file, a folder, "-" for stdout, or a device or FIFO; by default
    data/digests/<story>-<local time>.<ext>."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r} (one of: {', '.join(FORMATS)})")
    for _ in range(ATTEMPTS):
        when = now or utcnow()
        digest = build(store, config, since=since, until=until, include_read=include_read,
                       starred_only=starred_only, now=when, tz=tz, flat=flat)
        text = render(digest, fmt)
        if output == "-":
            kind, where = "stream", None
        elif output:
            kind, where = _destination(Path(output))
        else:  # beside the database actually in use (--db included), as `tracker paths` says
            kind, where = "folder", digests_dir(store.path)
        if kind == "stream":
            _write_stream(text, where)
            if digest.continues:
                with store.write() as c:
                    if _chain_end(c) != digest.after_item:
                        raise DigestError(
                            "another digest was exported while this one was being written, and it covers "
                            "some of the same items: this one was not recorded (the next `--since last` "
                            "starts after the other one)")
                    _record(c, digest, fmt, None, when)
            return digest, None
        folder, path = (where, None) if kind == "folder" else (where.parent, where)  # None: a new name in `folder`
        tmp = _staged(folder, path.name if path else default_name(config, digest.created, fmt), text)
        if not digest.continues:
            return digest, _place(tmp, path, folder, config, digest, fmt)
        try:
            with store.write() as c:
                if _chain_end(c) == digest.after_item:
                    # Placed inside the transaction: a failure to place it records nothing.
                    placed = _place(tmp, path, folder, config, digest, fmt)
                    _record(c, digest, fmt, placed, when)
                    return digest, placed
        finally:
            tmp.unlink(missing_ok=True)
        # Another digest took these items meanwhile: make this one again from where it ended.
    raise DigestError("other digests kept being exported at the same time; try again")


def export_default(config: Config, store: Store) -> Path:
    """The dashboard's `e`: everything since the last digest, in the default format."""
    return export(store, config)[1]


__all__ = ["Digest", "DigestItem", "DigestDevelopment", "Day", "DeadlineStatus", "DayCount", "When", "DigestError", "build",
           "export", "export_default", "parse_when", "render", "render_markdown",
           "render_html", "render_json", "render_text", "to_data", "short_summary", "md_escape", "FORMATS"]
