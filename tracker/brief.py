"""The briefing: what happened on the story since the user last looked.

`build` reads the store and returns plain data; `lines` words it as plain text (the command
line prints it, the dashboard's card styles the same facts through tui/render.py).

"Since you last looked" counts arrival, not publication (as `digest --since last` does): the
mark is the highest item id the user had been shown, so a report published yesterday but
fetched this morning is new. The mark moves only when the user has seen a briefing (`mark`):
the dashboard calls it when the card is put away or has been on screen for a few seconds,
`tracker brief` after printing it; merely opening the app moves nothing. `--since 24h` (a
time) reads by publication and moves nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from .digest import When, fmt_time, parse_when, slug
from .milestones import milestones
from .model import Config
from .store import Store
from .text import clean_text, safe_link
from .timeutil import ago, from_iso, local, to_iso, utcnow

SCHEMA = 1
FIRST_LOOK = timedelta(hours=24)  # what a first briefing covers, before anything was seen
TITLE_LIMIT = 300


def setting_key(config: Config) -> str:
    """Per story: one database may follow another story after its feeds.toml changed."""
    return f"brief.last_looked.{slug(config.story.title)}"


@dataclass(frozen=True)
class BriefDevelopment:
    id: int
    headline: str
    link: str | None
    outlets: int
    reports: int
    new_reports: int  # since the mark
    first: datetime  # local
    last: datetime  # local
    new: bool  # the development itself started since the mark


@dataclass(frozen=True)
class Brief:
    story: str
    now: datetime  # local
    since: datetime  # local: the last look, or the --since time
    looked: bool  # since is a last look (False: a first look or a --since time)
    through_item: int  # the highest item id read: what marking it as seen records
    new: tuple[BriefDevelopment, ...]  # most important first: outlets, then latest report
    grown: tuple[BriefDevelopment, ...]  # older developments with new reports
    deadline: str | None  # "passed 2 days ago: <label> (Fri 27 Feb 2026 17:00 EST)"
    next_milestone: str | None  # "<label>: Tue 3 Mar 2026 10:00 EST, in 2 days 3 hours"

    @property
    def empty(self) -> bool:
        return not (self.new or self.grown)


def _when_words(then: datetime, now: datetime) -> str:
    """'Mon 09:12, 2 days ago' (the date too when it is more than six days back)."""
    fmt = "%a %H:%M" if now - then < timedelta(days=6) else "%a %d %b %H:%M"
    return f"{then.strftime(fmt)}, {ago(then, now)}"


def since_words(b: Brief) -> str:
    if b.looked:
        return f"Since you last looked ({_when_words(b.since, b.now)})"
    if b.now - b.since == FIRST_LOOK:
        return "In the last 24 hours"
    return f"Since {_when_words(b.since, b.now)}"


def summary_line(b: Brief) -> str:
    """'Since you last looked (Mon 09:12, 2 days ago): 3 new developments, 2 with new reports'."""
    if b.empty:
        return f"{since_words(b)}: nothing new on the story."
    parts = []
    if b.new:
        parts.append(f"{len(b.new)} new development{'s' if len(b.new) != 1 else ''}")
    if b.grown:
        parts.append(f"{len(b.grown)} with new reports")
    return f"{since_words(b)}: {', '.join(parts)}"


def development_facts(d: BriefDevelopment, now: datetime) -> tuple[str, str, str]:
    """(headline, '×9', 'since 08:10' / 'Mon 14:02'): the parts of one line."""
    when = d.last if not d.new else d.first
    fmt = "%H:%M" if when.date() == now.date() else "%a %H:%M" if now - when < timedelta(days=6) else "%d %b %H:%M"
    extra = f" (+{d.new_reports})" if not d.new else ""
    return d.headline, f"×{d.outlets}{extra}", when.strftime(fmt)


def lines(b: Brief, limit: int | None = None) -> list[str]:
    """The briefing as plain text lines (cleaned, for a terminal or a mail)."""
    out = [clean_text(summary_line(b))]
    for head, group in (("New", b.new), ("More reports", b.grown)):
        shown = group if limit is None else group[:limit]
        for d in shown:
            title, outlets, when = (clean_text(x) for x in development_facts(d, b.now))
            out.append(f"  {head[0] if head == 'New' else '+'} {when:>9}  {outlets:<7} {title}")
        if len(group) > len(shown):
            out.append(f"    … {len(group) - len(shown)} more")
    if b.deadline:
        out.append(clean_text(f"Deadline {b.deadline}"))
    if b.next_milestone:
        out.append(clean_text(f"Next: {b.next_milestone}"))
    return out


def to_data(b: Brief) -> dict:
    def dev(d: BriefDevelopment) -> dict:
        return {"id": d.id, "headline": clean_text(d.headline), "link": safe_link(d.link), "outlets": d.outlets,
                "reports": d.reports, "new_reports": d.new_reports, "first": d.first.isoformat(),
                "last": d.last.isoformat(), "new": d.new}
    return {"schema": SCHEMA, "story": clean_text(b.story), "now": b.now.isoformat(), "since": b.since.isoformat(),
            "since_last_look": b.looked, "summary": clean_text(summary_line(b)),
            "new": [dev(d) for d in b.new], "grown": [dev(d) for d in b.grown],
            "deadline": clean_text(b.deadline) if b.deadline else None,
            "next_milestone": clean_text(b.next_milestone) if b.next_milestone else None}


# ------------------------------------------------------------------ reading and marking
def last_looked(store: Store, config: Config) -> tuple[datetime, int] | None:
    raw = store.setting(setting_key(config))
    try:
        data = json.loads(raw) if raw else None
        return (from_iso(data["at"]), int(data["item"])) if data else None
    except (ValueError, KeyError, TypeError):
        return None  # a damaged setting: as if never looked


def mark(store: Store, config: Config, b: Brief) -> None:
    """The user has seen `b`: the next briefing starts after what it read. Never moves back
    (another dashboard, or a cron's `tracker brief`, may have marked later meanwhile)."""
    if b.through_item <= (last_looked(store, config) or (None, -1))[1]:
        return
    store.set_setting(setting_key(config), json.dumps({"at": to_iso(b.now), "item": b.through_item}))


def build(store: Store, config: Config, *, since: str | When | None = None, now: datetime | None = None,
          tz: tzinfo | None = None) -> Brief:
    now = now or utcnow()
    now_l = local(now, tz)
    when = parse_when(since, allow_last=True) if isinstance(since, str) else since
    through = store.last_item_id()
    mark_ = last_looked(store, config) if when is None or when.kind == "last" else None
    if mark_ is not None:
        start, after, looked = local(mark_[0], tz), mark_[1], True
        where, params = "id > ? AND id <= ?", [after, through]
    else:
        looked = False
        start = now_l - FIRST_LOOK if when is None or when.kind == "last" else when.resolve(now_l, tz)
        where, params = "published >= ? AND id <= ?", [to_iso(start), through]
    counts = store.development_counts(where, params)
    rows = store.development_rows(list(counts))
    new, grown = [], []
    for dev_id, n in counts.items():
        row = rows.get(dev_id)
        if row is None:
            continue
        first, last = local(from_iso(row.first), tz), local(from_iso(row.last), tz)
        started = n >= row.reports if looked else first >= start
        d = BriefDevelopment(dev_id, clean_text(row.headline or "", TITLE_LIMIT) or "(untitled)",
                             safe_link(row.link), row.outlets, row.reports, n, first, last, started)
        (new if started else grown).append(d)
    order = lambda d: (-d.outlets, -d.last.timestamp(), -d.id)  # noqa: E731
    deadline, upcoming = _deadlines(store, config, now)
    return Brief(clean_text(config.story.title, TITLE_LIMIT), now_l, start, looked, through,
                 tuple(sorted(new, key=order)), tuple(sorted(grown, key=order)), deadline, upcoming)


def _deadlines(store: Store, config: Config, now: datetime) -> tuple[str | None, str | None]:
    from .digest import _countdown, _passed
    every = milestones(config, store, now).all
    passed = [d for d in every if d.at <= now]
    coming = [d for d in every if d.at > now]
    deadline = nxt = None
    if passed:
        d = passed[-1]
        deadline = f"passed {_passed((now - d.at).total_seconds())}: {d.label} ({_in_zone(d)})"
    if coming:
        d = coming[0]
        nxt = f"{d.label}: {_in_zone(d)}, in {_countdown((d.at - now).total_seconds())}"
    return deadline, nxt


def _in_zone(d) -> str:
    from zoneinfo import ZoneInfo
    try:
        return fmt_time(d.at.astimezone(ZoneInfo(d.timezone)))
    except Exception:  # a bad zone in the database must not take the briefing down
        return fmt_time(d.at)
