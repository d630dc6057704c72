"""The only place where text from feeds, feeds.toml or the article file becomes something
Textual draws.

Everything here builds `rich.text.Text` (or plain strings for `notify(markup=False)`) from
plain strings, so nothing a feed says is ever read as Textual or Rich markup: `[bold]x[/]`,
`[@click=app.quit]` and `Array[0]` are just characters. Every string is passed through
`clean_text` once more even though the store already holds cleaned text: a database written
by another program or an older tracker must not be able to put escape sequences, control or
bidi characters on the screen either.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Iterable, Sequence
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from rich.style import Style
from rich.text import Text

from ..model import Deadline, Story
from ..rows import Development, FeedState, Item, Report
from ..text import clean_text, safe_link
from ..timeutil import ago, from_iso, local, short_ago
from ..worddiff import changes

SEP = " · "
# Struck and underlined as well as coloured: the difference must survive NO_COLOR.
CHANGE_STYLES = {"same": Style(), "removed": Style(color="red", strike=True),
                 "added": Style(color="green", underline=True)}


def plain(s: object) -> str:
    """One line of printable text, whatever came in."""
    return clean_text(s if isinstance(s, str) else ("" if s is None else str(s)))


def cut(s: object, width: int, style: Style | str = "") -> Text:
    """`s` as Text no wider than `width` cells, ending in '…' when cut."""
    if width <= 0:  # rich's truncate(0) leaves the text whole
        return Text("", style=style, no_wrap=True, end="")
    text = Text(plain(s), style=style, no_wrap=True, end="")
    text.truncate(width, overflow="ellipsis")
    return text


# ------------------------------------------------------------------ list rows
@dataclass(frozen=True)
class RowStyles:
    unread: Style = Style(bold=True)
    read: Style = Style()
    new: Style = Style(color="green", bold=True)
    star: Style = Style(color="yellow")
    time: Style = Style(dim=True)
    outlet: Style = Style(color="cyan")
    updated: Style = Style(color="magenta")


def outlet_of(row: Item | Development) -> str:
    """An item's outlet (else its feeds), or a development's headline's."""
    return row.outlet or ("" if isinstance(row, Development) else ", ".join(row.feeds)) or "?"


def when_short(published: datetime, now: datetime) -> str:
    """Local clock time for today's items, else the day: fits 6 cells."""
    there, here = local(published), local(now)
    return there.strftime("%H:%M") if there.date() == here.date() else there.strftime("%d %b")


def row_time(published: datetime | str, now: datetime) -> str:
    """A row's times: how long ago, and the local clock time (or day)."""
    if isinstance(published, str):
        published = from_iso(published)
    return f" {short_ago(published, now):>3} {when_short(published, now):<6} "


def item_row(row: Item, *, now: datetime, width: int, new: bool = False,
             styles: RowStyles = RowStyles()) -> Text:
    """One line of the live panel: markers, time (relative and local), outlet, title."""
    published = from_iso(row.published)
    outlet_width = 18 if width >= 120 else 14 if width >= 90 else 12 if width >= 70 else 8
    text = Text(no_wrap=True, end="")
    text.append("●" if new else " ", styles.new)
    text.append("★" if row.starred else " ", styles.star)
    text.append(row_time(published, now), styles.time)
    outlet = cut(outlet_of(row), outlet_width, styles.outlet)
    text.append_text(outlet)
    text.append(" " * (outlet_width - outlet.cell_len + 1))
    if isinstance(row, Report) and row.outlets > 1:  # a copy group: how many outlets carried it
        text.append(f"×{row.outlets} ", styles.outlet)
    if row.updated:  # the feed changed its text since: the detail shows what changed
        text.append("✎ ", styles.updated)
    rest = max(0, width - text.cell_len)
    text.append_text(cut(row.title, rest, styles.read if row.read else styles.unread))
    if text.cell_len > width:  # a list narrower than the markers and times: cut those too
        text.truncate(max(0, width))
    return text


def development_row(row: Development, *, now: datetime, width: int, new: bool = False, updated: bool = False,
                    styles: RowStyles = RowStyles()) -> Text:
    """One development in the panel: markers, how long ago its latest report came and the day
    it started (the list's order), how many reports and outlets, its headline. `new`: it
    started while the dashboard was open; `updated`: it gained reports since."""
    text = Text(no_wrap=True, end="")
    text.append("●" if new else "+" if updated else " ", styles.new)
    text.append("★" if row.starred else " ", styles.star)
    text.append(development_time(row, now), styles.time)
    reports, outlets = row.reports or 0, row.outlets or 0
    wide = width >= 90  # the list at 160 columns; at 80 it is the whole width, 78
    counts = (f"{reports} reports · {outlets} outlets" if wide else f"{reports}r ×{outlets}") if reports > 1 \
        else (plain(row.outlet) or "1 report")
    counts_width = 22 if wide else 8
    shown = cut(counts, counts_width, styles.outlet)
    text.append_text(shown)
    text.append(" " * (counts_width - shown.cell_len + 1))
    rest = max(0, width - text.cell_len)
    text.append_text(cut(row.headline, rest, styles.unread if row.unread else styles.read))
    if text.cell_len > width:
        text.truncate(max(0, width))
    return text


def development_time(row: Development, now: datetime) -> str:
    """How long ago a development's latest report came, and the day (or time) it started."""
    last, first = from_iso(row.last), from_iso(row.first)
    return f" {short_ago(last, now):>3} {when_short(first, now):<6} "


def why_grouped(row: Item) -> str:
    """Why a report is in its development, from Store's development_why (JSON)."""
    import json

    try:
        why = json.loads(row.development_why or "null")
    except ValueError:
        why = None
    if not isinstance(why, dict):
        return ""
    return plain(why.get("text") or "")


def development_detail(dev: Development, reports: Sequence[Item], *, now: datetime, meta: Style, label: Style) -> Text:
    """A development in the detail pane: its headline, when it ran, and every report of it
    (earliest first) with its outlet and why it was grouped there."""
    out = Text(end="")
    out.append(plain(dev.headline) + "\n\n", Style(bold=True))
    first, last = from_iso(dev.first), from_iso(dev.last)
    facts = [("started", f"{local(first).strftime('%a %d %b %Y %H:%M %Z')} ({ago(first, now)})"),
             ("latest", f"{local(last).strftime('%a %d %b %H:%M %Z')} ({ago(last, now)})"),
             ("reports", f"{dev.reports} from {dev.outlets} outlets"
                         + (f", {dev.unread} unread" if dev.unread else ""))]
    for name, value in facts:
        out.append(f"{name:>8}  ", label)
        out.append(value + "\n")
    out.append("\nreports (Enter on one in the flat list, v, shows it whole):\n", label)
    for r in reports:
        out.append(f"  {local(from_iso(r.published)).strftime('%a %d %b %H:%M')}  ", meta)
        out.append(plain(outlet_of(r)), meta)
        out.append("  " + plain(r.title) + "\n", Style() if not r.read else meta)
        why = "the first report of it" if r.id == dev.id else why_grouped(r)
        if why:
            out.append(f"      {why}\n", meta)
    return out


# ------------------------------------------------------------------ the article
_SENTENCE_END = tuple(".!?:;,\"'”’)…")


def is_subheading(line: str) -> bool:
    """The article's subheadings are the short lines without final punctuation."""
    line = line.strip()
    return bool(line) and len(line) <= 80 and len(line.split()) <= 12 and not line.endswith(_SENTENCE_END)


ARTICLE_MAX_BYTES = 128 << 10  # a long feature is ~50 KB; a 50 MB file read whole took 3.5 GB,
# and even 1 MB of text took the pane 12 s to lay out


def read_article(path: Path | None) -> tuple[list[str], str]:
    """The article file's lines, and a note for the reader when they are not all of it: at
    most ARTICLE_MAX_BYTES are read, and a file with NULs is binary, not an article."""
    if path is None:
        return [], ""
    try:
        with path.open("rb") as f:
            data = f.read(ARTICLE_MAX_BYTES + 1)
    except OSError:
        return [], ""
    if b"\0" in data:
        return [], f"The article file {plain(str(path))} is not text (it holds binary data)."
    note = ""
    if len(data) > ARTICLE_MAX_BYTES:
        data = data[:ARTICLE_MAX_BYTES]
        note = (f"The article file is larger than {ARTICLE_MAX_BYTES >> 10} KB: it was cut there, "
                f"and only its first {ARTICLE_MAX_BYTES >> 10} KB is shown.")
    raw = data.decode("utf-8", errors="replace")
    return [line for line in (plain(x) for x in raw.splitlines()) if line], note


def article(story: Story, lines: Sequence[str], heading: Style, meta: Style, missing: str = "",
            note: str = "") -> Text:
    out = Text(end="")
    headline = plain(story.headline) or (plain(lines[0]) if lines else plain(story.title))
    out.append(headline + "\n", Style(bold=True))
    byline = [plain(story.outlet)]
    if story.published:
        byline.append(local(story.published).strftime("%a %d %b %Y %H:%M %Z"))
    out.append(SEP.join(b for b in byline if b) + "\n", meta)
    if story.source:
        out.append(plain(story.source) + "\n", meta)
    if not lines:
        out.append("\n" + (missing or "No anchor article: set [story] article in feeds.toml."), meta)
    body(out, (line for line in lines if line != headline), heading)
    if lines and note:
        out.append("\n" + note, meta)
    return out


def body(out: Text, lines: Iterable[str], heading: Style) -> None:
    """An article's paragraphs onto `out`, subheadings in `heading`: the anchor article and
    the reader view (a report's full text) are drawn alike."""
    for line in lines:
        line = plain(line)
        if not line:
            continue
        out.append("\n" + line + "\n", heading if is_subheading(line) else "")


# ------------------------------------------------------------------ item detail
@dataclass(frozen=True)
class Detail:
    """What the app looked up to show an item in the detail pane, beside the item's row."""

    members: tuple[Item, ...] = ()  # Store.cluster_members(): every outlet that carried it
    development: Development | None = None  # Store.development_rows(): the development it is in
    text: dict | None = None  # Store.item_text(): the article's own text, read from its page
    reader: bool = False  # show that text rather than the feed's summary
    note: str | None = None  # instead of the hint under the summary: a page being read


def item_detail(row: Item, *, now: datetime, meta: Style, label: Style, detail: Detail = Detail()) -> Text:
    out = Text(end="")
    out.append(plain(row.title) + "\n\n", Style(bold=True))
    published = from_iso(row.published)
    facts = [
        ("outlet", plain(outlet_of(row))),
        ("feeds", ", ".join(plain(f) for f in row.feeds) or "-"),
        ("time", f"{local(published).strftime('%a %d %b %Y %H:%M %Z')} ({ago(published, now)})"
                 + ("" if row.dated else ", first seen: the feed gave no date")),
        ("link", plain(row.link) or "-"),
    ]
    if row.author:
        facts.insert(1, ("author", plain(row.author)))
    for name, value in facts:
        out.append(f"{name:>7}  ", label)
        out.append(value + "\n")
    state = ["read" if row.read else "unread"] + (["starred"] if row.starred else [])
    if row.updated:
        state.append(f"updated {ago(from_iso(row.updated), now)}")
    out.append(f"{'state':>7}  ", label)
    out.append(", ".join(state) + "\n")
    out.append(f"{'story':>7}  ", label)
    out.append(verdict(row) + "\n")
    dev = detail.development
    if dev:
        out.append(f"{'event':>7}  ", label)
        out.append(plain(dev.headline) + f" ({dev.reports} reports, {dev.outlets} outlets)\n")
        why = why_grouped(row)
        if why:
            out.append(" " * 9 + why + " · x: own development, J: join the one above\n", meta)
    text = detail.text
    if detail.reader and text and text.get("body"):
        out.append("\nfull text", label)
        out.append(f" from {plain(urlsplit(text['url']).hostname or text['url'])}"
                   + (f", by {plain(text['author'])}" if text.get("author") else "") + SEP + "r: the feed's summary\n",
                   meta)
        body(out, text["body"].split("\n\n"), label + Style(bold=True))
    else:
        if row.summary:
            out.append("\n" + plain(row.summary) + "\n")
        note = detail.note or (
            f"the page could not be read: {plain(text['error'])}" if text and text.get("error") else
            "r: read the full text" if text and text.get("body") else
            "r: fetch and read the article's page" if safe_link(row.link) else "")
        if note:
            out.append("\n" + note + "\n", meta)
    for name, segments in changes(row).items():  # Store.item() rows carry the earlier versions
        out.append(f"\n{name} was changed: ", label)
        for kind, words in segments:
            out.append(plain(words) + " ", CHANGE_STYLES[kind])
        out.append("\n")
    if row.copies:  # Store.item(): the other sources' headlines for the same link
        out.append("\nother headlines:\n", label)
        for copy in row.copies:
            out.append(f"  {plain(copy.feed)}  ", meta)
            out.append(plain(copy.title) + "\n")
    if len(detail.members) > 1:
        out.append("\ncarried by:\n", label)
        for m in detail.members:
            out.append(f"  {local(from_iso(m.published)).strftime('%a %d %b %H:%M')}  ", meta)
            out.append(plain(outlet_of(m)) + "\n")
    matched = [plain(t) for t in row.matched]
    out.append("\nmatched: ", label)
    out.append(SEP.join(matched) if matched else "(no story terms: kept because its feed is on the story)"
               if row.rule_on_story else "(no story terms)", meta)
    out.append("\n")
    return out


def verdict(row: Item) -> str:
    """Why the item is on the story or not: the user's mark wins over the rules."""
    rules = "on" if row.rule_on_story else "off"
    if row.manual is not None:
        return f"marked {'on' if row.manual else 'off'} the story by you (the rules say {rules}; + / - again hands it back)"
    if row.rule_on_story:
        return "on: the rules matched it"
    if row.joined is not None:  # Store._offer: it joined an on-story development
        return f"on: joined {plain(row.joined)} (the rules left it out; - takes it off)"
    return "off: the rules left it out (+ puts it on)"


# ------------------------------------------------------------------ deadlines
def deadline_when(d: Deadline, year: bool = True) -> str:
    """The deadline in the zone it was written in: 'Fri 27 Feb 2026 17:00 EST'."""
    try:
        zone = ZoneInfo(d.timezone)
    except Exception:  # a bad zone in the database must not take the header down
        zone = None
    there = d.at.astimezone(zone) if zone else d.at
    return there.strftime("%a %d %b %Y %H:%M %Z" if year else "%a %d %b %H:%M %Z")


def dhms(delta: timedelta) -> str:
    total = max(0, int(delta.total_seconds()))
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    clock = f"{hours:02d}h {minutes:02d}m {seconds:02d}s"
    return f"{days}d {clock}" if days else clock


def next_deadline(deadlines: Iterable[Deadline], now: datetime) -> tuple[Deadline | None, Deadline | None, int]:
    """-> (the next one to come, the last one passed, how many more are to come after the next)."""
    ordered = sorted(deadlines, key=lambda d: d.at)
    upcoming = [d for d in ordered if d.at > now]
    passed = [d for d in ordered if d.at <= now]
    return (upcoming[0] if upcoming else None, passed[-1] if passed else None, max(0, len(upcoming) - 1))


def countdown_level(delta: timedelta) -> str:
    if delta < timedelta(hours=1):
        return "alarm"
    if delta < timedelta(hours=24):
        return "warning"
    return "calm"


def countdown(deadlines: Sequence[Deadline], now: datetime, width: int) -> tuple[Text, str]:
    """The header's deadline line and its level: calm, warning, alarm, passed or none."""
    upcoming, passed, more = next_deadline(deadlines, now)
    out = Text(no_wrap=True, end="")
    if upcoming is not None:
        delta = upcoming.at - now
        level = countdown_level(delta)
        out.append(dhms(delta), Style(bold=True))
        out.append(f" to {deadline_when(upcoming)}")
        if more:
            out.append(f" (+{more} more, d lists them)")
        label = upcoming.label
    elif passed is not None:
        level = "passed"
        out.append(f"passed {ago(passed.at, now)} ({deadline_when(passed)})", Style(bold=True))
        label = passed.label
    else:
        return cut("no deadlines: d, then a, adds one", width), "none"
    rest = width - out.cell_len - len(SEP)
    if rest > 8:
        out.append(SEP)
        out.append_text(cut(label, rest))
    out.truncate(width, overflow="ellipsis")
    return out, level


def deadline_status(d: Deadline, now: datetime) -> str:
    return f"in {dhms(d.at - now)}" if d.at > now else f"passed {ago(d.at, now)}"


# ------------------------------------------------------------------ status line and toasts
SPINNER = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"


def status_line(feeds: Sequence[FeedState], *, now: datetime, polling: Sequence[str], frame: int,
                next_poll: datetime | None, width: int, ok: Style, bad: Style, dim: Style,
                warn: Style | None = None) -> Text:
    failing = [f for f in feeds if f.failing]
    healthy = [f for f in feeds if f.health == "ok"]
    # The dot says the feeds' health at a glance: green only when none is failing.
    health = (dim if not failing and not healthy else ok if not failing
              else bad if not healthy else (warn or bad))
    out = Text(no_wrap=True, end="")
    out.append(f"● {len(healthy)} ok", health)
    if failing:
        out.append(SEP)
        out.append(f"✗ {len(failing)} failing", bad)
    waiting = len(feeds) - len(healthy) - len(failing)
    if waiting:
        out.append(f"{SEP}{waiting} not polled yet", dim)
    polls = [from_iso(f.last_poll) for f in feeds if f.last_poll]
    out.append(f"{SEP}last poll {ago(max(polls), now) if polls else 'never'}")
    if next_poll is not None:
        out.append(f"{SEP}next {local(next_poll).strftime('%H:%M:%S')}")
    if polling:
        names = ", ".join(plain(n) for n in sorted(polling))
        out.append(f"{SEP}{SPINNER[frame % len(SPINNER)]} polling ")
        out.append_text(cut(names, max(8, width - out.cell_len)))
    out.truncate(width, overflow="ellipsis")
    return out


# What a feed's last error says, in the few words the empty panel has room for.
_ERROR_KINDS = (
    (re.compile(r"name or service not known|name resolution|nodename nor servname|"
                r"no address associated|getaddrinfo failed", re.I), "cannot resolve hosts: offline?"),
    (re.compile(r"cannot connect|connection refused", re.I), "cannot connect"),
    (re.compile(r"\bHTTP (\d{3})\b"), r"HTTP \1"),
    (re.compile(r"no complete answer|timed out", re.I), "timed out"),
    (re.compile(r"certificate|ssl|tls", re.I), "TLS errors"),
)


def _error_kind(error: str) -> str:
    for pattern, kind in _ERROR_KINDS:
        found = pattern.search(error)
        if found:
            return found.expand(kind)
    return "other errors"


def unreachable(feeds: Sequence[FeedState]) -> str | None:
    """What the empty panel says when every feed has been tried and none answered, or None.
    Without it "the first polls are on their way" would go on after they have all failed."""
    if not feeds or any(not f.last_poll or not f.failing for f in feeds):
        return None
    kinds: dict[str, int] = {}
    for f in feeds:
        kind = _error_kind(plain(f.last_error or ""))
        kinds[kind] = kinds.get(kind, 0) + 1
    reasons = sorted(kinds, key=lambda k: -kinds[k])
    reason = ", ".join(reasons[:2]) + (", …" if len(reasons) > 2 else "")
    n = len(feeds)
    what = "The feed could not" if n == 1 else f"None of the {n} feeds could"
    return f"{what} be reached ({reason}){SEP}f for details"


def arrivals(titles: Sequence[str], count: int, shown: int = 2, width: int = 56) -> tuple[str, str]:
    """(title, message) of the toast for new items, the newest `shown` titles cut to one
    line of `width` each (the list itself shows the rest); for notify(..., markup=False) only."""
    title = f"{count} new item{'s' if count != 1 else ''}"
    return title, "\n".join(f"• {clean_text(t, width - 2)}" for t in titles[:shown])


def list_title(count: int, mode: str, query: str, new_above: int, what: str = "Coverage") -> Text:
    out = Text(f"{what} {count:,}", end="")
    if mode != "all":
        out.append(f"{SEP}{mode}")
    if query:
        out.append(f"{SEP}search: ")
        out.append_text(cut(query, 30))
    if new_above:
        out.append(f"{SEP}↑ {new_above} new")
    return out


def para(s: object, style: Style | str = "") -> Text:
    """Plain text that wraps to the widget's width."""
    return Text(plain(s), style=style, end="")


def cell(s: object, width: int | None = None, style: Style | str = "") -> Text:
    """A DataTable cell: DataTable parses plain str cells as markup, so feed text goes in as Text."""
    return cut(s, width, style) if width else Text(plain(s), style=style, end="")


# ------------------------------------------------------------------ the briefing card
def briefing(b, width: int, height: int = 12, styles: RowStyles = RowStyles()) -> Text:
    """The briefing card (a brief.Brief) in at most `height` lines, each cut to `width`: the
    summary, one line per development (headline, ×outlets, when; the new ones first), the
    deadline and the next milestone. What does not fit is counted in one line."""
    from .. import brief as core

    tail = [(label, value) for label, value in (("Deadline ", b.deadline), ("Next: ", b.next_milestone)) if value]
    rows = [("+", d) for d in b.new] + [("↑", d) for d in b.grown]
    room = max(1, height - 1 - len(tail))
    shown = rows if len(rows) <= room else rows[:room - 1]
    out = Text(no_wrap=True, end="")
    out.append_text(cut(core.summary_line(b), width, Style(bold=True)))
    for mark, d in shown:
        title, outlets, when = core.development_facts(d, b.now)
        line = Text(no_wrap=True, end="")
        line.append(f" {mark} ", styles.new if mark == "+" else styles.updated)
        line.append(f"{plain(when):>9} ", styles.time)
        line.append(f"{plain(outlets):<7} ", styles.outlet)
        line.append_text(cut(title, width - line.cell_len))
        out.append("\n")
        out.append_text(line)
    if len(shown) < len(rows):
        more_new = sum(1 for m, _ in rows[len(shown):] if m == "+")
        more = [f"{more_new} new"] if more_new else []
        if len(rows) - len(shown) - more_new:
            more.append(f"{len(rows) - len(shown) - more_new} with new reports")
        out.append("\n")
        out.append_text(cut(f"   … and {', '.join(more)} (the panel lists them all)", width, styles.time))
    for label, value in tail:
        out.append("\n")
        line = Text(label, Style(bold=True), no_wrap=True, end="")
        line.append_text(cut(value, width - line.cell_len))
        out.append_text(line)
    return out
