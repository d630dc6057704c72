"""Write RSS 2.0 and Atom 1.0 documents as bytes, plus synthetic items: ``tracker demo``'s feeds.

The tests and benchmarks write theirs with it too (tests/support/feedgen.py adds RSS 1.0 and
JSON Feed), so it is stdlib only.
Every field goes through ``escape``/``quoteattr``: whatever the title, the output is
well-formed XML. Tests that need malformed XML write their bytes by hand.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from xml.sax.saxutils import escape, quoteattr

__all__ = [
    "FeedItem",
    "rss",
    "atom",
    "story_items",
    "off_story_items",
    "rfc822",
    "rfc3339",
]


@dataclass
class FeedItem:
    title: str
    link: str | None = None
    guid: str | None = None
    published: datetime | None = None  # aware datetime
    summary: str | None = None  # HTML allowed; emitted escaped
    author: str | None = None
    source: tuple[str, str] | None = None  # (outlet name, outlet url), Google News style
    content: str | None = None  # full HTML body


# Characters XML 1.0 forbids even as character references. A hostile title containing
# one must not make the whole document unparseable, so they are dropped.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _clean(text: str) -> str:
    return _XML_INVALID.sub("", text)


def _text(text: str) -> str:
    return escape(_clean(text))


def _attr(text: str) -> str:
    return quoteattr(_clean(text))


def _cdata(text: str) -> str:
    # "]]>" would end the section early; split it across two sections instead.
    return "<![CDATA[" + _clean(text).replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _aware(dt: datetime) -> datetime:
    # A naive datetime is ambiguous, and the dashboard is all about deadlines and
    # time zones: fail loudly rather than guess.
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise ValueError(f"feed dates must be timezone-aware, got naive {dt!r}")
    return dt


def rfc822(dt: datetime) -> str:
    """RSS 2.0 date, e.g. ``Tue, 24 Feb 2026 19:00:00 -0500``."""
    return format_datetime(_aware(dt).replace(microsecond=0))


def rfc3339(dt: datetime) -> str:
    """Atom/Dublin Core date, e.g. ``2026-02-25T00:00:00Z``."""
    s = _aware(dt).isoformat(timespec="seconds")
    return s[:-6] + "Z" if s.endswith("+00:00") else s


def _latest(items) -> datetime | None:
    dates = [i.published for i in items if i.published is not None]
    return max(dates) if dates else None


def rss(items, title="Test feed", link="http://127.0.0.1/", encoding="utf-8") -> bytes:
    """RSS 2.0. Authors go in ``dc:creator`` because RSS ``<author>`` must be an e-mail."""
    items = list(items)
    out = [
        f"<?xml version=\"1.0\" encoding={_attr(encoding)}?>",
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/">',
        "<channel>",
        f"<title>{_text(title)}</title>",
        f"<link>{_text(link)}</link>",
        f"<description>{_text(title)}</description>",
    ]
    latest = _latest(items)
    if latest is not None:
        out.append(f"<lastBuildDate>{rfc822(latest)}</lastBuildDate>")
    for it in items:
        out.append("<item>")
        out.append(f"<title>{_text(it.title)}</title>")
        if it.link is not None:
            out.append(f"<link>{_text(it.link)}</link>")
        if it.guid is not None:
            # isPermaLink defaults to true, and feedparser then uses the guid as the
            # link; only claim that when it really is the link.
            perma = "true" if it.guid == it.link else "false"
            out.append(f'<guid isPermaLink="{perma}">{_text(it.guid)}</guid>')
        if it.published is not None:
            out.append(f"<pubDate>{rfc822(it.published)}</pubDate>")
        if it.author is not None:
            out.append(f"<dc:creator>{_text(it.author)}</dc:creator>")
        if it.summary is not None:
            out.append(f"<description>{_text(it.summary)}</description>")
        if it.content is not None:
            out.append(f"<content:encoded>{_cdata(it.content)}</content:encoded>")
        if it.source is not None:
            name, url = it.source
            out.append(f"<source url={_attr(url)}>{_text(name)}</source>")
        out.append("</item>")
    out.append("</channel>")
    out.append("</rss>")
    # xmlcharrefreplace keeps non-Latin titles intact when a test asks for a legacy
    # charset such as iso-8859-1.
    return ("\n".join(out) + "\n").encode(encoding, "xmlcharrefreplace")


def atom(items, title="Test feed", link="http://127.0.0.1/") -> bytes:
    """Atom 1.0. An item without guid and link gets no ``<id>`` (as in RSS), so
    clients must cope with missing ids whatever the format."""
    items = list(items)
    latest = _latest(items) or datetime.now(timezone.utc)
    out = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom">',
        f"<title>{_text(title)}</title>",
        f"<link rel=\"alternate\" href={_attr(link)}/>",
        f"<id>{_text(link)}</id>",
        f"<updated>{rfc3339(latest)}</updated>",
    ]
    for it in items:
        out.append("<entry>")
        out.append(f'<title type="text">{_text(it.title)}</title>')
        if it.link is not None:
            out.append(f'<link rel="alternate" href={_attr(it.link)}/>')
        if it.guid is not None:
            out.append(f"<id>{_text(it.guid)}</id>")
        elif it.link is not None:
            out.append(f"<id>{_text(it.link)}</id>")
        if it.published is not None:
            out.append(f"<published>{rfc3339(it.published)}</published>")
            out.append(f"<updated>{rfc3339(it.published)}</updated>")
        if it.author is not None:
            out.append(f"<author><name>{_text(it.author)}</name></author>")
        if it.summary is not None:
            out.append(f'<summary type="html">{_text(it.summary)}</summary>')
        if it.content is not None:
            out.append(f'<content type="html">{_text(it.content)}</content>')
        if it.source is not None:
            name, url = it.source
            out.append(
                f'<source><title>{_text(name)}</title><link rel="alternate" href={_attr(url)}/></source>'
            )
        out.append("</entry>")
    out.append("</feed>")
    return ("\n".join(out) + "\n").encode("utf-8")


# --- synthetic items ---------------------------------------------------------------
#
# Outlets, authors and links are fictional on purpose: a demo headline must never be
# mistaken for (or attributed to) a real outlet's reporting.

_OUTLETS = [
    ("Demo Wire", "demo-wire"),
    ("Placeholder Post", "placeholder-post"),
    ("Synthetic Defense News", "synthetic-defense-news"),
    ("Example Tech Review", "example-tech-review"),
    ("Mock Ledger", "mock-ledger"),
    ("Sample Times", "sample-times"),
]
_AUTHORS = ["Demo Desk", "A. Placeholder", "J. Example", "R. Sample", None]

# Every story title names one side from each list, so it satisfies the story's
# match rules (company AND government) from the title alone.
_GOV = ["Pentagon", "Hegseth", "Department of War", "Defense Department", "Defense Secretary Hegseth"]
_CO = ["Anthropic", "Claude maker Anthropic", "Amodei's Anthropic", "Anthropic CEO Amodei"]

_STORY_TITLES = [
    "Hegseth presses Anthropic on Claude safeguards",
    "{gov} weighs Defense Production Act to compel {co}",
    "{co} holds line on autonomous weapons limits as {gov} talks continue",
    "{gov} sets Friday deadline for {co} over Claude usage policy",
    "{gov} floats supply-chain risk label for {co}",
    "{co} rejects {gov} demand to allow domestic surveillance uses",
    "Talks between {gov} and {co} resume as deadline nears",
    "Defense contractors review Claude use amid {gov} dispute with {co}",
    "Lawyers say Defense Production Act move against {co} would face court test",
    "Amodei and Hegseth meet as Anthropic dispute deepens",
    "{gov} insists {co} accept 'all lawful uses' of Claude",
    "Claude on classified networks at stake in {gov} standoff with {co}",
    "{co} says it will not accommodate {gov} demands",
    "Rivals court {gov} as {co} dispute drags on",
    "What a Pentagon supply-chain risk designation would mean for {co}",
    "Venezuela raid reports sharpened {gov} rift with {co}",
]

_STORY_SENTENCES = [
    "Defense Secretary <b>Pete Hegseth</b> gave Anthropic until Friday at 5 pm to accept the Pentagon's terms.",
    "Anthropic chief executive <b>Dario Amodei</b> said the company would keep its limits on autonomous weapons targeting.",
    "Officials said the Department of War could invoke the <i>Defense Production Act</i> to compel access to Claude.",
    "A supply-chain risk designation would bar contractors from using Claude on Pentagon work.",
    "Anthropic's usage policy forbids using Claude for mass domestic surveillance, a source familiar with the talks said.",
    "The Pentagon wants AI vendors to permit &quot;all lawful uses&quot; of their models on classified networks.",
    "Rival AI labs have signalled they would accept the Pentagon's terms, people briefed on the matter said.",
    "Legal experts said any move to force Anthropic's hand would likely be challenged in court.",
    "The dispute intensified after reports that Claude was used in planning related to the Venezuela raid.",
    "Talks between Anthropic and the Defense Department were continuing, both sides said.",
]

_OFF_STORY = [
    # Government side only: no company term, so the story's rules reject these.
    ("Pentagon budget request adds funds for shipbuilding", "Pentagon"),
    ("Defense Department awards satellite launch contracts", "Pentagon"),
    ("Hegseth visits troops at Fort Bragg", "Pentagon"),
    ("Congress debates Pentagon audit timeline", "Pentagon"),
    ("Pentagon tests new counter-drone system", "Pentagon"),
    # Company side only: no government term.
    ("Anthropic releases Claude update with longer context", "Claude"),
    ("Claude gains new coding features for developers", "Claude"),
    ("Anthropic opens office in Tokyo", "Claude"),
    ("Claude app adds voice mode on Android", "Claude"),
    ("Startups report faster support with Claude integrations", "Claude"),
]
_OFF_SENTENCES = {
    "Pentagon": [
        "The request covers shipbuilding, munitions and base maintenance.",
        "Officials said the contracts run for five years.",
        "Lawmakers asked for a briefing before the spring recess.",
    ],
    "Claude": [
        "The update is rolling out to paid plans first.",
        "Developers can try the feature in the console today.",
        "The company said pricing is unchanged.",
    ],
}

_SLUG = re.compile(r"[^a-z0-9]+")


def _slug(text: str) -> str:
    return _SLUG.sub("-", text.lower()).strip("-")[:60]


def _rng(kind: str, seed: int, number: int) -> random.Random:
    # One generator per item, so item #k is the same whatever n or first was asked
    # for: story_items(5, t, first=3) repeats items 3..7 of story_items(10, t).
    return random.Random(f"{kind}:{seed}:{number}")


def story_items(
    n: int,
    start: datetime,
    base_url: str = "http://127.0.0.1",
    seed: int = 0,
    outlet_suffix: bool = False,
    first: int = 1,
    interval: timedelta = timedelta(minutes=7),
) -> list[FeedItem]:
    """n synthetic items about the story, numbered first..first+n-1, oldest first.

    Item #k is published at ``start + (k - first) * interval``. Titles start with
    "[DEMO]"; with ``outlet_suffix`` they end in " - Outlet" as Google News titles do.
    """
    _aware(start)
    base = base_url.rstrip("/")
    items = []
    for i in range(n):
        k = first + i
        r = _rng("story", seed, k)
        outlet, outlet_slug = r.choice(_OUTLETS)
        headline = r.choice(_STORY_TITLES).format(gov=r.choice(_GOV), co=r.choice(_CO))
        title = f"[DEMO] {headline} (#{k})"
        if outlet_suffix:
            title += f" - {outlet}"
        sentences = r.sample(_STORY_SENTENCES, r.randint(1, 3))
        summary = "<p>" + " ".join(sentences) + "</p>"
        link = f"{base}/demo/{seed}/{k}/{_slug(headline)}"
        content = None
        if r.random() < 0.3:
            paras = r.sample(_STORY_SENTENCES, 4)
            content = "".join(f"<p>{p}</p>" for p in paras) + "<p><em>Synthetic demo item.</em></p>"
        items.append(
            FeedItem(
                title=title,
                link=link,
                guid=f"tracker-demo:story:{seed}:{k}",
                published=start + i * interval,
                summary=summary,
                author=r.choice(_AUTHORS),
                source=(outlet, f"{base}/demo/outlet/{outlet_slug}"),
                content=content,
            )
        )
    return items


def off_story_items(
    n: int,
    start: datetime,
    base_url: str = "http://127.0.0.1",
    seed: int = 0,
    first: int = 1,
    interval: timedelta = timedelta(minutes=11),
) -> list[FeedItem]:
    """n synthetic items near the story but not on it (Pentagon budget news, Claude
    product news): each names only one side, so the story's match rules reject it."""
    _aware(start)
    base = base_url.rstrip("/")
    items = []
    for i in range(n):
        k = first + i
        r = _rng("off", seed, k)
        headline, side = r.choice(_OFF_STORY)
        outlet, outlet_slug = r.choice(_OUTLETS)
        sentences = r.sample(_OFF_SENTENCES[side], r.randint(1, 2))
        items.append(
            FeedItem(
                title=f"[DEMO] {headline} (#{k})",
                link=f"{base}/demo/{seed}/off-{k}/{_slug(headline)}",
                guid=f"tracker-demo:off:{seed}:{k}",
                published=start + i * interval,
                summary="<p>" + " ".join(sentences) + "</p>",
                author=r.choice(_AUTHORS),
                source=(outlet, f"{base}/demo/outlet/{outlet_slug}"),
            )
        )
    return items


def article_page(item: FeedItem) -> bytes:
    """The web page behind a synthetic story item: its text inside a news site's navigation,
    related links and footer, as `tracker demo` serves it for the reader view."""
    r = random.Random(item.guid)
    paras = [re.sub(r"<[^>]+>", "", item.summary or "")] + r.sample(_STORY_SENTENCES, 5)
    body = "".join(f"<p>{escape(p)}</p>" for p in paras if p)
    title = escape(item.title)
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title>"
            f"<meta name='author' content={quoteattr(item.author or '')}></head><body>"
            "<nav><a href='/'>Home</a> <a href='/world'>World</a> <a href='/subscribe'>Subscribe</a></nav>"
            f"<article><h1>{title}</h1>{body}<p><em>Synthetic demo article.</em></p></article>"
            "<aside><h3>Related</h3><a href='/x'>More demo stories</a></aside>"
            "<footer>[DEMO] tracker's local feed server</footer></body></html>").encode()
