"""Rendering a digest: Markdown, plain text, JSON (schema 2) and HTML, each a pure function
of the data `build` returns (no database, no clock)."""

from __future__ import annotations

import dataclasses
import html
import json
import re
import textwrap
from datetime import datetime

from ..text import clean_text, safe_link
from ..timeutil import to_iso
from .data import (FORMATS, REPORTS_SHOWN, SCHEMA, WIDTH, _MONTHS, _WEEKDAYS, DeadlineStatus, Digest, DigestDevelopment,
                   DigestItem, _plural, _short_date, fmt_clock, fmt_date, fmt_time)

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
