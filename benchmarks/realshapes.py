"""Feeds in the shapes real publishers write them, for `poll_bench.py --real` and the fast
path's tests: the elements, namespaces, escaping and sizes of news outlets, blogs,
newsletters, podcasts, video sites, forums and aggregators, each shape written from what
those feeds carry (see ../shared/corpus for real files of several of them). Deterministic:
the same call gives the same bytes in every process. Stdlib only.

    python benchmarks/realshapes.py            # the shapes, their sizes, the fast path's share
"""

from __future__ import annotations

import hashlib
import itertools
import json
import random
import re
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from xml.sax.saxutils import escape, quoteattr

START = datetime(2026, 2, 20, 12, 0, tzinfo=timezone.utc)

# Item text. feedgen's demo items repeat a few dozen sentences, which would make every
# on-story item a near-duplicate of every other: a worst case for clustering, not a news
# day. Here words come from a Zipf-weighted vocabulary of ~3,000 (pseudo-)words, so items
# are as distinct as real reports, and sameness is put in on purpose: wire copies (same
# title and text under another outlet's link) and aggregator feeds that carry other feeds'
# articles (same link: stored once, with both feeds).
_COMMON = ("the of and to in a said on for that with as by at from is was it its has have are be "
           "will would could after over new more than about who they their this which officials").split()
_GOV = ["Pentagon", "Hegseth", "Defense Department", "Department of War", "Defense Secretary"]
_CO = ["Anthropic", "Claude maker Anthropic", "Anthropic CEO Amodei", "Anthropic's Claude"]
_ONE_SIDE = ["Pentagon", "Defense Department", "Claude", "Anthropic"]


def _vocabulary(n: int = 3000) -> tuple[list[str], list[float]]:
    rng = random.Random("vocabulary")
    syllables = [c + v for c in "bdfgklmnprstvz" for v in ("a", "e", "i", "o", "u", "ai", "ou", "er")]
    words = list(_COMMON)
    seen = set(words)
    while len(words) < n:
        w = "".join(rng.choices(syllables, k=rng.choice((1, 2, 2, 3, 3, 4))))
        if w not in seen:
            seen.add(w)
            words.append(w)
    return words, list(itertools.accumulate(1 / (rank + 8) for rank in range(len(words))))


_WORDS, _CUM_WEIGHTS = _vocabulary()


def text(rng: random.Random, n: int) -> str:
    return " ".join(rng.choices(_WORDS, cum_weights=_CUM_WEIGHTS, k=n))


def body(rng: random.Random, lead: str, size: int) -> str:
    """~size characters of the markup outlets put in feeds: links with tracking parameters,
    emphasis, entities, figures, lists, the odd script."""
    parts = [f"<p>{lead}</p>"]
    while sum(map(len, parts)) < size:
        words = text(rng, rng.randint(14, 30))
        kind = rng.random()
        if kind < 0.55:
            parts.append(f"<p>{words} &amp; more&#8230;</p>")
        elif kind < 0.8:
            parts.append(f'<p><a href="https://outlet.example/{rng.randint(0, 10**6)}?utm_source=rss&amp;utm_medium=feed">'
                         f"{words}</a> <b>Update:</b> {words[:60]}<br/></p>")
        elif kind < 0.95:
            parts.append(f'<figure><img src="https://outlet.example/i/{rng.randint(0, 10**6)}.jpg" alt="photo">'
                         f"<figcaption>{words[:80]}</figcaption></figure>")
        else:
            parts.append(f"<ul><li>{words}</li><li>{words[:50]}</li></ul><script>track({rng.random():.6f})</script>")
    return "".join(parts)


def headline(rng: random.Random, on: bool) -> str:
    """A report's title: on the story (both sides named), one side only (the rules must turn
    it down), or anything else."""
    if on:
        title = f"{rng.choice(_GOV)} {text(rng, rng.randint(2, 5))} {rng.choice(_CO)} {text(rng, rng.randint(1, 4))}"
    elif rng.random() < 0.3:
        title = f"{rng.choice(_ONE_SIDE)} {text(rng, rng.randint(4, 9))}"
    else:
        title = text(rng, rng.randint(5, 11))
    return title[0].upper() + title[1:]


# ---------------------------------------------------------------------- articles
@dataclass
class Article:
    title: str
    link: str
    guid: str
    published: datetime
    author: str
    summary: str  # plain text, a sentence or three
    html: str  # the article's body as the feed carries it
    image: str
    outlet: tuple[str, str] = ("", "")  # (name, home page) of the outlet it came from
    tags: list[str] = field(default_factory=list)
    href: str = ""  # the entry's link as this feed writes it (Shape.href)


def _slug(title: str) -> str:
    return "-".join(re.sub("[^a-z0-9 ]+", "", title.lower()).split()[:8])


def _article(rng: random.Random, host: str, path: str, size: int, on: float) -> Article:
    title = headline(rng, rng.random() < on)
    r = rng.random()
    if r < 0.12:  # the typography a CMS puts in: curly quotes, dashes, ampersands
        title = f"{title} \u2014 what\u2019s next"
    elif r < 0.2:
        title = f"{title} & \u201c{text(rng, 2)}\u201d"
    lead = text(rng, rng.randint(20, 35))
    link = f"https://{host}{path.format(slug=_slug(title), n=rng.randint(10**5, 10**6))}"
    return Article(title=title, link=link, guid=link, author=rng.choice(_AUTHORS),
                   published=START + timedelta(minutes=rng.uniform(0, 4 * 24 * 60)),
                   summary=f"{lead[0].upper()}{lead[1:]}.", html=body(rng, lead, size),
                   image=f"https://cdn.{host}/images/{rng.randint(10**6, 10**7)}.jpg",
                   outlet=(host.split(".")[0].title(), f"https://{host}/"),
                   tags=[text(rng, 1).title() for _ in range(rng.randint(1, 4))])


_AUTHORS = ["Julian E. Barnes", "Katrina Manson", "Mara Hvistendahl", "Dave Lee", "Hayden Field",
            "J. Smith and K. Jones", "Desk", "Staff", "AP", "Reuters"]


# ---------------------------------------------------------------------- writing XML
def x(s: str) -> str:
    return escape(s)


def a(s: str) -> str:
    return quoteattr(s)


def cdata(s: str) -> str:
    return "<![CDATA[" + s.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def refs(s: str) -> str:
    """Escaped, and everything past ASCII as numeric character references (WordPress's
    titles: "It&#8217;s")."""
    return escape(s).encode("ascii", "xmlcharrefreplace").decode("ascii")


def rfc822(dt: datetime, style: str = "+0000") -> str:
    if style == "GMT":
        return format_datetime(dt, usegmt=True)
    if style == "-0500":
        return format_datetime(dt.astimezone(timezone(timedelta(hours=-5))))
    if style == "EST":
        return format_datetime(dt.astimezone(timezone(timedelta(hours=-5)))).replace("-0500", "EST")
    return format_datetime(dt)


def rfc3339(dt: datetime, style: str = "Z") -> str:
    if style == "ms":  # Blogger: 2026-02-21T07:00:00.000-08:00
        return dt.astimezone(timezone(timedelta(hours=-8))).isoformat(timespec="milliseconds")
    if style == "+00:00":
        return dt.isoformat(timespec="seconds")
    return dt.isoformat(timespec="seconds").replace("+00:00", "Z")


def _uid(*parts) -> str:
    return hashlib.sha1(":".join(map(str, parts)).encode()).hexdigest()


def _b64ish(*parts) -> str:
    """An opaque id in the look of Google News's article tokens."""
    h = hashlib.sha256(":".join(map(str, parts)).encode()).hexdigest()
    return "CBMi" + "".join(c.upper() if int(c, 16) % 3 == 0 and c.isalpha() else c for c in h * 2)[:96]


def _rss(channel_ns: str, head: list[str], items: list[str], root: str = "") -> bytes:
    return ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            f"<rss version=\"2.0\"{channel_ns}{root}>\n<channel>\n" + "\n".join(head) + "\n"
            + "\n".join(items) + "\n</channel>\n</rss>\n").encode("utf-8")


NS = {
    "content": 'xmlns:content="http://purl.org/rss/1.0/modules/content/"',
    "dc": 'xmlns:dc="http://purl.org/dc/elements/1.1/"',
    "atom": 'xmlns:atom="http://www.w3.org/2005/Atom"',
    "media": 'xmlns:media="http://search.yahoo.com/mrss/"',
    "itunes": 'xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"',
    "podcast": 'xmlns:podcast="https://podcastindex.org/namespace/1.0"',
    "wfw": 'xmlns:wfw="http://wellformedweb.org/CommentAPI/"',
    "sy": 'xmlns:sy="http://purl.org/rss/1.0/modules/syndication/"',
    "slash": 'xmlns:slash="http://purl.org/rss/1.0/modules/slash/"',
    "feedburner": 'xmlns:feedburner="http://rssnamespace.org/feedburner/ext/1.0"',
    "googleplay": 'xmlns:googleplay="http://www.google.com/schemas/play-podcasts/1.0"',
    "webfeeds": 'xmlns:webfeeds="http://webfeeds.org/rss/1.0"',
    "cc": 'xmlns:cc="http://cyber.law.harvard.edu/rss/creativeCommonsRssModule.html"',
    "nyt": 'xmlns:nyt="http://www.nytimes.com/namespaces/rss/2.0"',
    "georss": 'xmlns:georss="http://www.georss.org/georss"',
}


def ns(*names: str) -> str:
    return "".join(" " + NS[n] for n in names)


def _channel(title: str, home: str, self_url: str, extra: list[str] = ()) -> list[str]:
    return [f"<title>{x(title)}</title>", f"<link>{x(home)}</link>",
            f'<atom:link href={a(self_url)} rel="self" type="application/rss+xml"/>',
            f"<description>{x(title)}: the latest news</description>", "<language>en-us</language>",
            f"<lastBuildDate>{rfc822(START + timedelta(days=4))}</lastBuildDate>", *extra]


# ---------------------------------------------------------------------- the shapes
# Each: name, items per feed (lo, hi), body size (lo, hi) in characters, share on the story,
# whether it carries other feeds' articles, and a writer (feed number, articles, rng) -> bytes.
def nyt(f, arts, rng):
    """A newspaper section: short descriptions, dc:creator, media:content with credit."""
    items = []
    for it in arts:
        items.append("\n".join([
            "<item>", f"<title>{x(it.title)}</title>", f"<link>{x(it.href)}</link>",
            f'<guid isPermaLink="true">{x(it.guid)}</guid>',
            f'<atom:link href={a(it.link)} rel="standout"/>',
            f"<description>{x(it.summary)}</description>", f"<dc:creator>{x(it.author)}</dc:creator>",
            f"<pubDate>{rfc822(it.published)}</pubDate>",
            *(f'<category domain="http://www.nytimes.com/namespaces/keywords/des">{x(t)}</category>' for t in it.tags),
            f'<media:content height="1365" medium="image" url={a(it.image)} width="2048"/>',
            f"<media:credit>{x(text(rng, 2).title())} for The Times</media:credit>",
            f"<media:description>{x(text(rng, 12))}</media:description>", "</item>"]))
    return _rss(ns("dc", "atom", "media", "nyt"), _channel(f"NYT > World {f}", "https://www.nytimes.example/world",
                f"https://rss.nytimes.example/{f}.xml", ["<copyright>Copyright 2026 The New York Times Company</copyright>",
                "<image><title>NYT</title><url>https://static01.nyt.example/logo.png</url><link>https://www.nytimes.example</link></image>"]), items)


def guardian(f, arts, rng):
    """A newspaper that puts HTML in the description, dc:date beside pubDate, two images."""
    items = []
    for it in arts:
        desc = f"<p>{it.summary}</p> <a href=\"{it.link}\">Continue reading...</a>"
        items.append("\n".join([
            "<item>", f"<title>{x(it.title)}</title>", f"<link>{x(it.href)}</link>",
            f"<description>{x(desc)}</description>",
            *(f'<category domain="https://www.theguardian.example/world/{t.lower()}">{x(t)}</category>' for t in it.tags),
            f"<pubDate>{rfc822(it.published, 'GMT')}</pubDate>", f"<guid>{x(it.guid)}</guid>",
            f'<media:content width="140" url={a(it.image + "?width=140")}><media:credit scheme="urn:ebu">'
            f"Photograph: {x(text(rng, 2).title())}/AP</media:credit></media:content>",
            f'<media:content width="460" url={a(it.image + "?width=460")}><media:credit scheme="urn:ebu">'
            f"Photograph: {x(text(rng, 2).title())}/AP</media:credit></media:content>",
            f"<dc:creator>{x(it.author)}</dc:creator>", f"<dc:date>{rfc3339(it.published)}</dc:date>", "</item>"]))
    return _rss(ns("dc", "media", "atom"), _channel(f"World news | The Guardian {f}", "https://www.theguardian.example/world",
                f"https://www.theguardian.example/world/rss{f}"), items)


def bbc(f, arts, rng):
    """A broadcaster: CDATA titles and descriptions, media:thumbnail, guids with #0."""
    items = []
    for it in arts:
        items.append("\n".join([
            "<item>", f"<title>{cdata(it.title)}</title>", f"<description>{cdata(it.summary)}</description>",
            f"<link>{x(it.href)}</link>", f'<guid isPermaLink="false">{x(it.guid)}#0</guid>', f"<pubDate>{rfc822(it.published, 'GMT')}</pubDate>",
            f'<media:thumbnail width="240" height="135" url={a(it.image)}/>', "</item>"]))
    head = [f"<title>{cdata(f'BBC News {f}')}</title>", f"<description>{cdata('BBC News - World')}</description>",
            "<link>https://www.bbc.example/news/world</link>",
            "<image><url>https://news.bbc.example/nol/shared/img/bbc_news_120x60.gif</url><title>BBC News</title>"
            "<link>https://www.bbc.example/news/world</link></image>",
            "<generator>RSS for Node</generator>", f"<lastBuildDate>{rfc822(START, 'GMT')}</lastBuildDate>",
            "<copyright>" + cdata("Copyright: (C) British Broadcasting Corporation") + "</copyright>",
            f'<atom:link href="https://feeds.bbci.example/news/world/rss{f}.xml" rel="self" type="application/rss+xml"/>',
            "<language>" + cdata("en-gb") + "</language>", "<ttl>15</ttl>"]
    return _rss(ns("dc", "content", "atom", "media"), head, items)


def wordpress(f, arts, rng):
    """WordPress's feed: CDATA everywhere, titles with character references, the whole post
    in content:encoded, comments modules."""
    items = []
    for n, it in enumerate(arts):
        items.append("\n".join([
            "<item>", f"<title>{refs(it.title)}</title>", f"<link>{x(it.href)}</link>",
            f"<comments>{x(it.link)}#respond</comments>",
            f"<dc:creator>{cdata(it.author)}</dc:creator>", f"<pubDate>{rfc822(it.published)}</pubDate>",
            *(f"<category>{cdata(t)}</category>" for t in it.tags),
            f'<guid isPermaLink="false">https://blog{f}.example/?p={1000 + n}</guid>',
            f"<description>{cdata(it.summary[:200] + ' [&#8230;]')}</description>",
            f"<content:encoded>{cdata(it.html)}</content:encoded>",
            f"<wfw:commentRss>{x(it.link)}feed/</wfw:commentRss>",
            f"<slash:comments>{rng.randint(0, 40)}</slash:comments>", "</item>"]))
    head = _channel(f"Defense &amp; Tech Blog {f}".replace("&amp;", "&"), f"https://blog{f}.example",
                    f"https://blog{f}.example/feed/",
                    ["<sy:updatePeriod>\n\thourly\t</sy:updatePeriod>", "<sy:updateFrequency>\n\t1\t</sy:updateFrequency>",
                     "<generator>https://wordpress.org/?v=6.4.3</generator>",
                     "<image><url>https://blog.example/wp-content/uploads/cropped-icon-32x32.png</url>"
                     f"<title>Blog {f}</title><link>https://blog{f}.example</link><width>32</width><height>32</height></image>"])
    return _rss(ns("content", "wfw", "dc", "atom", "sy", "slash"), head, items)


def substack(f, arts, rng):
    """A newsletter: long posts in CDATA, an image enclosure, itunes owner in the channel."""
    items = []
    for it in arts:
        items.append("\n".join([
            "<item>", f"<title>{cdata(it.title)}</title>", f"<description>{cdata(it.summary)}</description>",
            f"<link>{x(it.href)}</link>", f'<guid isPermaLink="false">{x(it.guid)}</guid>',
            f"<dc:creator>{cdata(it.author)}</dc:creator>", f"<pubDate>{rfc822(it.published, 'GMT')}</pubDate>",
            f'<enclosure url={a(it.image)} length="0" type="image/jpeg"/>',
            f"<content:encoded>{cdata(it.html)}</content:encoded>", "</item>"]))
    head = [f"<title>{cdata(f'Policy Letter {f}')}</title>", f"<description>{cdata('Notes on AI and defence')}</description>",
            f"<link>https://letter{f}.substack.example</link>",
            f"<image><url>https://substackcdn.example/{f}.png</url><title>Policy Letter {f}</title>"
            f"<link>https://letter{f}.substack.example</link></image>",
            "<generator>Substack</generator>", f"<lastBuildDate>{rfc822(START, 'GMT')}</lastBuildDate>",
            f'<atom:link href="https://letter{f}.substack.example/feed" rel="self" type="application/rss+xml"/>',
            "<copyright>" + cdata("A. Writer") + "</copyright>", "<language>" + cdata("en") + "</language>",
            "<webMaster>" + cdata("letter@substack.example") + "</webMaster>",
            "<itunes:owner><itunes:email>" + cdata("letter@substack.example") + "</itunes:email><itunes:name>"
            + cdata("A. Writer") + "</itunes:name></itunes:owner>", "<itunes:author>" + cdata("A. Writer") + "</itunes:author>",
            "<googleplay:owner>" + cdata("letter@substack.example") + "</googleplay:owner>",
            "<googleplay:email>" + cdata("letter@substack.example") + "</googleplay:email>",
            "<googleplay:author>" + cdata("A. Writer") + "</googleplay:author>"]
    return _rss(ns("dc", "content", "atom", "itunes", "googleplay"), head, items)


def medium(f, arts, rng):
    """Medium: tracking on the link, categories in CDATA, atom:updated, the post in CDATA."""
    items = []
    for it in arts:
        pid = _uid(f, it.link)[:12]
        items.append("\n".join([
            "<item>", f"<title>{cdata(it.title)}</title>", f"<link>{x(it.href)}</link>",
            f'<guid isPermaLink="false">https://medium.example/p/{pid}</guid>',
            *(f"<category>{cdata(t.lower())}</category>" for t in it.tags),
            f"<dc:creator>{cdata(it.author)}</dc:creator>", f"<pubDate>{rfc822(it.published, 'GMT')}</pubDate>",
            f"<atom:updated>{rfc3339(it.published, 'ms')}</atom:updated>",
            f"<content:encoded>{cdata(it.html)}</content:encoded>", "</item>"]))
    head = [f"<title>{cdata(f'Engineering at Example {f} - Medium')}</title>",
            f"<description>{cdata('Stories from the team')}</description>", f"<link>https://medium.example/eng{f}</link>",
            "<image><url>https://cdn-images.medium.example/fit/c/150/150/1.png</url><title>Engineering</title>"
            f"<link>https://medium.example/eng{f}</link></image>", "<generator>Medium</generator>",
            f"<lastBuildDate>{rfc822(START, 'GMT')}</lastBuildDate>",
            f'<atom:link href="https://medium.example/feed/eng{f}" rel="self" type="application/rss+xml"/>',
            "<webMaster>" + cdata("yourfriends@medium.example") + "</webMaster>",
            '<atom:link href="http://medium.superfeedr.example" rel="hub"/>']
    return _rss(ns("dc", "content", "atom", "cc"), head, items)


def podcast(f, arts, rng):
    """A podcast: itunes:* in the channel and on every episode, show notes in CDATA, an audio
    enclosure, podcast:* (Podcasting 2.0) tags."""
    items = []
    for n, it in enumerate(arts):
        notes = it.html[:rng.randint(800, 3000)]
        lines = ["<item>", f"<title>{x(it.title)}</title>", f"<itunes:title>{x(it.title)}</itunes:title>",
                 f"<description>{cdata(notes)}</description>", f"<link>{x(it.href)}</link>",
                 f'<guid isPermaLink="false">{_uid("ep", f, n)}</guid>', f"<pubDate>{rfc822(it.published, '-0500')}</pubDate>",
                 f'<enclosure url="https://traffic.megaphone.example/{_uid(f, n)[:10]}.mp3?updated=1" '
                 f'length="{rng.randint(10**7, 10**8)}" type="audio/mpeg"/>',
                 f"<itunes:duration>{rng.randint(600, 5400)}</itunes:duration>",
                 "<itunes:explicit>false</itunes:explicit>", "<itunes:episodeType>full</itunes:episodeType>",
                 f"<itunes:episode>{len(arts) - n}</itunes:episode>", "<itunes:season>3</itunes:season>",
                 f'<itunes:image href="https://megaphone.example/podcasts/{f}/image.jpg"/>',
                 f"<itunes:author>{x(it.author)}</itunes:author>"]
        if f % 2:
            lines.append(f"<itunes:summary>{cdata(notes)}</itunes:summary>")
            lines.append(f"<content:encoded>{cdata(notes)}</content:encoded>")
        lines.append(f'<podcast:transcript url="https://podcast{f}.example/{n}.vtt" type="text/vtt"/>')
        items.append("\n".join(lines + ["</item>"]))
    head = [f"<title>The Defense Hour {f}</title>", f"<link>https://podcast{f}.example</link>",
            "<language>en</language>", f"<copyright>{x('© 2026 Example Radio')}</copyright>",
            f"<description>{cdata('<p>Weekly conversations about national security &amp; technology.</p>')}</description>",
            f'<atom:link href="https://feeds.megaphone.example/{f}" rel="self" type="application/rss+xml"/>',
            f'<image><url>https://megaphone.example/podcasts/{f}/image.jpg</url><title>The Defense Hour</title>'
            f"<link>https://podcast{f}.example</link></image>",
            "<itunes:explicit>no</itunes:explicit>", "<itunes:type>episodic</itunes:type>",
            "<itunes:subtitle>National security, weekly</itunes:subtitle>", "<itunes:author>Example Radio</itunes:author>",
            f"<itunes:summary>{cdata('Weekly conversations about national security & technology.')}</itunes:summary>",
            f'<itunes:image href="https://megaphone.example/podcasts/{f}/image.jpg"/>',
            "<itunes:owner><itunes:name>Example Radio</itunes:name><itunes:email>pod@radio.example</itunes:email></itunes:owner>",
            '<itunes:category text="News"><itunes:category text="Politics"/></itunes:category>',
            '<itunes:category text="Technology"/>', "<podcast:locked>yes</podcast:locked>",
            f"<podcast:guid>{_uid('podcast', f)}</podcast:guid>"]
    return _rss(ns("atom", "content", "itunes", "podcast"), head, items, ' xmlns:googleplay="http://www.google.com/schemas/play-podcasts/1.0"')


def feedburner(f, arts, rng):
    """A feed still served through FeedBurner: origLink, atom10 self and hub links."""
    items = []
    for it in arts:
        items.append("\n".join([
            "<item>", f"<title>{x(it.title)}</title>", f"<link>{x(it.href)}</link>", f"<description>{x(it.html[:1500])}</description>",
            f"<pubDate>{rfc822(it.published, 'EST')}</pubDate>", f'<guid isPermaLink="false">{x(it.guid)}</guid>',
            f"<dc:creator>{x(it.author)}</dc:creator>", f"<feedburner:origLink>{x(it.link)}</feedburner:origLink>", "</item>"]))
    head = [f"<title>Outlet {f} Top Stories</title>", f"<link>https://outlet{f}.example/</link>",
            "<description>Top stories</description>", "<language>en</language>",
            f'<atom10:link xmlns:atom10="http://www.w3.org/2005/Atom" rel="self" type="application/rss+xml" href="http://feeds.feedburner.example/outlet{f}"/>',
            f'<feedburner:info uri="outlet{f}"/>',
            '<atom10:link xmlns:atom10="http://www.w3.org/2005/Atom" rel="hub" href="http://pubsubhubbub.appspot.example/"/>']
    return _rss(ns("dc", "feedburner"), head, items)


def hnrss(f, arts, rng):
    """Hacker News through hnrss: the description is links and points in CDATA."""
    items = []
    for n, it in enumerate(arts):
        hn = 39000000 + f * 1000 + n
        desc = (f'<p>Article URL: <a href="{it.link}">{it.link}</a></p><hr><p>Comments URL: '
                f'<a href="https://news.ycombinator.example/item?id={hn}">https://news.ycombinator.example/item?id={hn}</a></p>'
                f"<p>Points: {rng.randint(1, 900)}</p><p># Comments: {rng.randint(0, 400)}</p>")
        items.append("\n".join([
            "<item>", f"<title>{cdata(it.title)}</title>", f"<description>{cdata(desc)}</description>",
            f"<pubDate>{rfc822(it.published, 'GMT')}</pubDate>", f"<link>{x(it.href)}</link>",
            f"<dc:creator>{x(text(rng, 1))}</dc:creator>",
            f"<comments>https://news.ycombinator.example/item?id={hn}</comments>",
            f'<guid isPermaLink="false">https://news.ycombinator.example/item?id={hn}</guid>', "</item>"]))
    head = [f"<title>Hacker News: Front Page {f}</title>", "<link>https://news.ycombinator.example/</link>",
            "<description>Hacker News RSS</description>", "<docs>https://hnrss.example/</docs>",
            "<generator>hnrss v2.1.1</generator>", f"<lastBuildDate>{rfc822(START, 'GMT')}</lastBuildDate>",
            f'<atom:link href="https://hnrss.example/frontpage{f}" rel="self" type="application/rss+xml"/>']
    return _rss(ns("dc", "atom"), head, items)


def mastodon(f, arts, rng):
    """A Mastodon account: no titles, the toot as escaped HTML, media:content with a rating."""
    items = []
    for n, it in enumerate(arts):
        toot = f'<p>{it.title}: {it.summary[:300]} <a href="{it.link}" rel="nofollow noopener" target="_blank">' \
               f'<span class="invisible">https://</span><span class="ellipsis">{it.link[8:40]}</span></a></p>'
        items.append("\n".join([
            "<item>", f'<guid isPermaLink="true">{it.href}</guid>', f"<link>{it.href}</link>",
            f"<pubDate>{rfc822(it.published)}</pubDate>", f"<description>{x(toot)}</description>",
            *([f'<media:content url={a(it.image)} type="image/jpeg" fileSize="{rng.randint(10**4, 10**6)}" medium="image">'
               f'<media:rating scheme="urn:simple">nonadult</media:rating><media:description type="plain">'
               f"{x(text(rng, 8))}</media:description></media:content>"] if n % 3 == 0 else []),
            *(f"<category>{x(t.lower())}</category>" for t in it.tags[:2]), "</item>"]))
    head = [f"<title>Defense Desk {f}</title>", f"<description>Public posts from @desk{f}@mastodon.example</description>",
            f"<link>https://mastodon.example/@desk{f}</link>",
            f"<image><url>https://files.mastodon.example/{f}.png</url><title>Defense Desk</title>"
            f"<link>https://mastodon.example/@desk{f}</link></image>",
            f"<lastBuildDate>{rfc822(START)}</lastBuildDate>", f"<webfeeds:icon>https://files.mastodon.example/{f}.png</webfeeds:icon>",
            "<generator>Mastodon v4.2.8</generator>"]
    return _rss(ns("webfeeds", "media"), head, items)


def googlenews(f, arts, rng):
    """Google News search results: "Headline - Outlet" titles, redirect links, the outlet in
    <source>, a description that is a link and the outlet in a <font>."""
    items = []
    for n, it in enumerate(arts):
        name, home = it.outlet
        desc = f'<a href="{it.href}" target="_blank">{it.title}</a>&nbsp;&nbsp;<font color="#6f6f6f">{name}</font>'
        items.append("\n".join([
            "<item>", f"<title>{x(it.title)} - {x(name)}</title>", f"<link>{x(it.href)}</link>",
            f'<guid isPermaLink="false">{it.href.rsplit("/", 1)[1].split("?")[0]}</guid>', f"<pubDate>{rfc822(it.published, 'GMT')}</pubDate>",
            f"<description>{x(desc)}</description>", f"<source url={a(home)}>{x(name)}</source>", "</item>"]))
    head = [f'<generator>NFE/5.0</generator><title>"Anthropic Pentagon" - Google News {f}</title>',
            "<link>https://news.google.example/search?q=anthropic+pentagon&amp;hl=en-US&amp;gl=US&amp;ceid=US:en</link>",
            "<language>en-US</language>", "<webMaster>news-webmaster@google.example</webMaster>",
            "<copyright>2026 Google Inc.</copyright>", f"<lastBuildDate>{rfc822(START, 'GMT')}</lastBuildDate>",
            "<description>Google News</description>"]
    return ("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>"
            f"<rss xmlns:media=\"http://search.yahoo.com/mrss/\" version=\"2.0\"><channel>{''.join(head)}"
            + "".join(items).replace("\n", "") + "</channel></rss>").encode("utf-8")


def ars(f, arts, rng):
    """A tech site: dc:creator in CDATA, media:content holding media:thumbnail, the article
    in content:encoded, a short HTML description."""
    items = []
    for n, it in enumerate(arts):
        items.append("\n".join([
            "<item>", f"<title>{x(it.title)}</title>", f"<link>{x(it.href)}</link>",
            f"<comments>{x(it.link)}#comments</comments>", f"<dc:creator>{cdata(it.author)}</dc:creator>",
            f"<pubDate>{rfc822(it.published)}</pubDate>", *(f"<category>{cdata(t)}</category>" for t in it.tags),
            f'<guid isPermaLink="false">https://arstechnica{f}.example/?p={2000000 + n}</guid>',
            f"<description>{cdata(it.summary)}</description>",
            f'<media:content url={a(it.image)} medium="image"><media:thumbnail url={a(it.image)}/>'
            f"<media:title type=\"plain\">{x(text(rng, 6))}</media:title></media:content>",
            f"<content:encoded>{cdata(it.html)}</content:encoded>", f"<wfw:commentRss>{x(it.link)}feed/</wfw:commentRss>",
            f"<slash:comments>{rng.randint(0, 300)}</slash:comments>", "</item>"]))
    return _rss(ns("content", "wfw", "dc", "atom", "sy", "slash", "media"),
                _channel(f"Ars Example {f}", f"https://arstechnica{f}.example", f"https://feeds.arstechnica{f}.example/rss",
                         ["<sy:updatePeriod>hourly</sy:updatePeriod>", "<sy:updateFrequency>1</sy:updateFrequency>"]), items)


def govpress(f, arts, rng):
    """A government press office: dc:creator, categories, an image enclosure, pubDate in -0500."""
    items = []
    for n, it in enumerate(arts):
        items.append("\n".join([
            "<item>", f"<title>{x(it.title)}</title>", f"<link>{x(it.href)}</link>",
            f"<description>{x(it.summary)}</description>", f"<pubDate>{rfc822(it.published, '-0500')}</pubDate>",
            f'<guid isPermaLink="false">{3700000 + f * 100 + n}</guid>', f"<dc:creator>{x(it.author)}</dc:creator>",
            "<category>Releases</category>", f'<enclosure url={a(it.image)} length="0" type="image/jpeg"/>', "</item>"]))
    return _rss(ns("dc", "atom"), _channel(f"U.S. Department of Defense Releases {f}", "https://www.defense.example/News/Releases/",
                f"https://www.defense.example/DesktopModules/ArticleCS/RSS.ashx?ContentType=9&Site=945&max=10&f={f}"), items)


def regional(f, arts, rng):
    """A regional paper's old CMS: ISO-8859-1, an RSS 0.91 DOCTYPE, accented section names in
    the titles, HTML entities written as numeric references, no dates but pubDate."""
    items = []
    for it in arts:
        section = rng.choice(["R\u00e9gion", "Au\u00dfenpolitik", "\u00c9conomie", "Wirtschaft", "Sant\u00e9"])
        items.append("\n".join([
            "<item>", f"<title>{x(section)} : {x(it.title)}</title>", f"<link>{x(it.href)}</link>",
            f"<description>{refs(it.summary)} &#171;&#160;{x(text(rng, 6))}&#160;&#187;</description>",
            f"<pubDate>{rfc822(it.published, '-0500').replace('-0500', '+0100')}</pubDate>", "</item>"]))
    head = [f"<title>Le Courrier R\u00e9gional {f}</title>", f"<link>https://regional{f}.example/</link>",
            "<description>Toute l\u2019actualit\u00e9</description>", "<language>fr</language>",
            "<copyright>\u00a9 Le Courrier</copyright>"]
    return ('<?xml version="1.0" encoding="ISO-8859-1"?>\n<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" '
            '"http://my.netscape.com/publish/formats/rss-0.91.dtd">\n<rss version="0.91">\n<channel>\n' + "\n".join(head + items)
            + "\n</channel>\n</rss>\n").encode("iso-8859-1", "xmlcharrefreplace")


def _atom(head: list[str], entries: list[str], root_attrs: str = "") -> bytes:
    return ('<?xml version="1.0" encoding="utf-8"?>\n'
            f'<feed xmlns="http://www.w3.org/2005/Atom"{root_attrs}>\n' + "\n".join(head) + "\n"
            + "\n".join(entries) + "\n</feed>\n").encode("utf-8")


def youtube(f, arts, rng):
    """A YouTube channel: yt:* ids, media:group with title, content, thumbnail, description
    and community statistics."""
    entries = []
    for n, it in enumerate(arts):
        vid = _uid("yt", f, n)[:11]
        entries.append("\n".join([
            " <entry>", f"  <id>yt:video:{vid}</id>", f"  <yt:videoId>{vid}</yt:videoId>",
            f"  <yt:channelId>UC{_uid('ch', f)[:22]}</yt:channelId>", f"  <title>{x(it.title)}</title>",
            f'  <link rel="alternate" href="{it.href}"/>',
            f"  <author>\n   <name>News Channel {f}</name>\n   <uri>https://www.youtube.example/channel/UC{_uid('ch', f)[:22]}</uri>\n  </author>",
            f"  <published>{rfc3339(it.published, '+00:00')}</published>",
            f"  <updated>{rfc3339(it.published + timedelta(hours=2), '+00:00')}</updated>",
            "  <media:group>", f"   <media:title>{x(it.title)}</media:title>",
            f'   <media:content url="https://www.youtube.example/v/{vid}?version=3" type="application/x-shockwave-flash" width="640" height="390"/>',
            f'   <media:thumbnail url="https://i1.ytimg.example/vi/{vid}/hqdefault.jpg" width="480" height="360"/>',
            f"   <media:description>{x(it.summary + ' ' + text(rng, rng.randint(40, 200)))}</media:description>",
            "   <media:community>", f'    <media:starRating count="{rng.randint(10, 9999)}" average="5.00" min="1" max="5"/>',
            f'    <media:statistics views="{rng.randint(100, 10**6)}"/>', "   </media:community>", "  </media:group>", " </entry>"]))
    ch = _uid("ch", f)[:22]
    head = [f' <link rel="self" href="http://www.youtube.example/feeds/videos.xml?channel_id=UC{ch}"/>',
            f" <id>yt:channel:{ch}</id>", f" <yt:channelId>{ch}</yt:channelId>", f" <title>News Channel {f}</title>",
            f' <link rel="alternate" href="https://www.youtube.example/channel/UC{ch}"/>',
            f" <author>\n  <name>News Channel {f}</name>\n  <uri>https://www.youtube.example/channel/UC{ch}</uri>\n </author>",
            f" <published>{rfc3339(START - timedelta(days=3000), '+00:00')}</published>"]
    return _atom(head, entries, ' xmlns:yt="http://www.youtube.com/xml/schemas/2015" xmlns:media="http://search.yahoo.com/mrss/"')


def reddit(f, arts, rng):
    """A subreddit: /u/ authors with uri, category with label, escaped HTML content with a
    table, media:thumbnail."""
    entries = []
    for n, it in enumerate(arts):
        pid = _uid("t3", f, n)[:7]
        content = (f'<table> <tr><td> <a href="{it.link}"> <img src="{it.image}" alt="{x(it.title)}" title="{x(it.title)}" /> </a> '
                   f'</td><td> &#32; submitted by &#32; <a href="https://www.reddit.example/user/{text(rng, 1)}"> /u/{text(rng, 1)} </a> '
                   f'<br/> <span><a href="{it.link}">[link]</a></span> &#32; <span><a href="https://www.reddit.example/r/news{f}/comments/{pid}/">'
                   f"[comments]</a></span> </td></tr></table>")
        entries.append("".join([
            f"<entry><author><name>/u/{x(text(rng, 1))}</name><uri>https://www.reddit.example/user/x</uri></author>",
            f'<category term="news{f}" label="r/news{f}"/><content type="html">{x(content)}</content>',
            f"<id>t3_{pid}</id>", f'<media:thumbnail url={a(it.image)} />',
            f"<link href={a(it.href)} />",
            f"<updated>{rfc3339(it.published, '+00:00')}</updated><published>{rfc3339(it.published, '+00:00')}</published>",
            f"<title>{x(it.title)}</title></entry>"]))
    head = [f'<category term="news{f}" label="r/news{f}"/><updated>{rfc3339(START, "+00:00")}</updated>'
            f"<icon>https://www.redditstatic.example/icon.png/</icon><id>/r/news{f}.rss</id>"
            f'<link rel="self" href="https://www.reddit.example/r/news{f}.rss" type="application/atom+xml" />'
            f'<link rel="alternate" href="https://www.reddit.example/r/news{f}" type="text/html" />'
            f"<subtitle>News</subtitle><title>news{f}</title>"]
    return ('<?xml version="1.0" encoding="UTF-8"?><feed xmlns="http://www.w3.org/2005/Atom" '
            'xmlns:media="http://search.yahoo.com/mrss/">' + "".join(head + entries) + "</feed>").encode("utf-8")


def blogger(f, arts, rng):
    """Blogger: openSearch, thr:total, gd:image inside the author, fractional-second dates
    in -08:00, content as escaped HTML, media:thumbnail."""
    entries = []
    for n, it in enumerate(arts):
        post = 7000000000000000000 + f * 1000 + n
        entries.append("".join([
            f"<entry><id>tag:blogger.com,1999:blog-{f}.post-{post}</id>",
            f"<published>{rfc3339(it.published, 'ms')}</published><updated>{rfc3339(it.published, 'ms')}</updated>",
            *(f"<category scheme=\"http://www.blogger.com/atom/ns#\" term=\"{x(t)}\"/>" for t in it.tags),
            f"<title type='text'>{x(it.title)}</title><content type='html'>{x(it.html)}</content>",
            f"<link rel='replies' type='application/atom+xml' href='https://blog{f}.blogspot.example/feeds/{post}/comments/default' title='Post Comments'/>",
            f"<link rel='replies' type='text/html' href={a(it.link + '#comment-form')} title='0 Comments'/>",
            f"<link rel='edit' type='application/atom+xml' href='https://www.blogger.example/feeds/{f}/posts/default/{post}'/>",
            f"<link rel='self' type='application/atom+xml' href='https://www.blogger.example/feeds/{f}/posts/default/{post}'/>",
            f"<link rel='alternate' type='text/html' href={a(it.href)} title={a(it.title)}/>",
            f"<author><name>{x(it.author)}</name><uri>https://www.blogger.example/profile/{f}</uri><email>noreply@blogger.com</email>"
            "<gd:image rel='http://schemas.google.com/g/2005#thumbnail' width='16' height='16' src='https://img1.blogblog.example/img/b16-rounded.gif'/></author>",
            f"<media:thumbnail xmlns:media='http://search.yahoo.com/mrss/' url={a(it.image)} height='72' width='72'/>",
            f"<thr:total>{rng.randint(0, 20)}</thr:total></entry>"]))
    head = [f"<id>tag:blogger.com,1999:blog-{f}</id><updated>{rfc3339(START, 'ms')}</updated>",
            "<category term=\"defense\"/><title type='text'>Analysis Blog " + str(f) + "</title><subtitle type='html'>Notes</subtitle>",
            f"<link rel='http://schemas.google.com/g/2005#feed' type='application/atom+xml' href='https://blog{f}.blogspot.example/feeds/posts/default'/>",
            f"<link rel='self' type='application/atom+xml' href='https://www.blogger.example/feeds/{f}/posts/default'/>",
            f"<link rel='alternate' type='text/html' href='https://blog{f}.blogspot.example/'/>",
            "<author><name>A. Analyst</name><uri>https://www.blogger.example/profile/1</uri><email>noreply@blogger.com</email>"
            "<gd:image rel='http://schemas.google.com/g/2005#thumbnail' width='16' height='16' src='https://img1.blogblog.example/img/b16-rounded.gif'/></author>",
            "<generator version='7.00' uri='http://www.blogger.com'>Blogger</generator>",
            f"<openSearch:totalResults>{len(arts)}</openSearch:totalResults><openSearch:startIndex>1</openSearch:startIndex>"
            "<openSearch:itemsPerPage>25</openSearch:itemsPerPage>"]
    return ("<?xml version='1.0' encoding='UTF-8'?><?xml-stylesheet href=\"http://www.blogger.example/styles/atom.css\" "
            "type=\"text/css\"?><feed xmlns='http://www.w3.org/2005/Atom' xmlns:openSearch='http://a9.com/-/spec/opensearchrss/1.0/' "
            "xmlns:blogger='http://schemas.google.com/blogger/2008' xmlns:georss='http://www.georss.org/georss' "
            "xmlns:gd=\"http://schemas.google.com/g/2005\" xmlns:thr='http://purl.org/syndication/thread/1.0'>"
            + "".join(head + entries) + "</feed>").encode("utf-8")


def wpatom(f, arts, rng):
    """WordPress's Atom feed: xml:base on the feed and on each content, relative links
    (resolved against it), thr:* comment counts."""
    base = f"https://wpatom{f}.example"  # the articles' own host
    entries = []
    for n, it in enumerate(arts):
        rel = it.href.split(".example", 1)[1]
        entries.append("\n".join([
            "\t<entry>", f"\t\t<author>\n\t\t\t<name>{x(it.author)}</name>\n\t\t\t<uri>{base}</uri>\n\t\t</author>",
            f'\t\t<title type="html"><![CDATA[{it.title}]]></title>',
            f'\t\t<link rel="alternate" type="text/html" href="{x(rel)}" />',
            f"\t\t<id>{base}/?p={100 + n}</id>", f"\t\t<updated>{rfc3339(it.published)}</updated>",
            f"\t\t<published>{rfc3339(it.published)}</published>",
            *(f'\t\t<category scheme="{base}" term="{x(t)}" />' for t in it.tags),
            f'\t\t<summary type="html"><![CDATA[{it.summary[:200]} [&#8230;]]]></summary>',
            f'\t\t<content type="html" xml:base="{x(it.link)}"><![CDATA[{it.html}]]></content>',
            f'\t\t<link rel="replies" type="text/html" href="{x(rel)}#comments" thr:count="{rng.randint(0, 9)}" />',
            f'\t\t<thr:total>{rng.randint(0, 9)}</thr:total>', "\t</entry>"]))
    head = [f'\t<title type="text">Journal {f}</title>', '\t<subtitle type="text">Long reads</subtitle>',
            f"\t<updated>{rfc3339(START)}</updated>", '\t<link rel="alternate" type="text/html" href="/" />',
            f"\t<id>{base}/feed/atom/</id>", f'\t<link rel="self" type="application/atom+xml" href="{base}/feed/atom/" />',
            '\t<generator uri="https://wordpress.org/" version="6.4.3">WordPress</generator>']
    # The articles live on the feed's own site: their links are relative to its xml:base.
    return _atom(head, entries, f' xmlns:thr="http://purl.org/syndication/thread/1.0" xml:lang="en-US" xml:base="{base}/wp-atom.php"')


def jekyll(f, arts, rng):
    """jekyll-feed: type="html" titles, content with an xml:base, media namespace declared on
    the elements that use it."""
    entries = []
    for it in arts:
        entries.append("".join([
            f'<entry><title type="html">{x(it.title)}</title>',
            f'<link href="{x(it.href)}" rel="alternate" type="text/html" title="{x(it.title)}" />',
            f"<published>{rfc3339(it.published, '+00:00')}</published><updated>{rfc3339(it.published, '+00:00')}</updated>",
            f"<id>{x(it.guid)}</id>", f'<content type="html" xml:base="{x(it.link)}">{x(it.html)}</content>',
            f"<author><name>{x(it.author)}</name></author>", *(f'<category term="{x(t)}" />' for t in it.tags),
            f'<summary type="html">{x(it.summary)}</summary>',
            f'<media:thumbnail xmlns:media="http://search.yahoo.com/mrss/" url="{it.image}" />',
            f'<media:content medium="image" url="{it.image}" xmlns:media="http://search.yahoo.com/mrss/" /></entry>']))
    home = f"https://site{f}.example/"
    head = ['<generator uri="https://jekyllrb.com/" version="4.3.3">Jekyll</generator>',
            f'<link href="{home}feed.xml" rel="self" type="application/atom+xml" /><link href="{home}" rel="alternate" type="text/html" />',
            f"<updated>{rfc3339(START, '+00:00')}</updated><id>{home}feed.xml</id>",
            f'<title type="html">Field Notes {f}</title><subtitle>Writing about defence technology.</subtitle>',
            "<author><name>A. Writer</name></author>"]
    return ('<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom" >'
            + "".join(head + entries) + "</feed>").encode("utf-8")


def xhtmlatom(f, arts, rng):
    """An Atom feed of hand-written XHTML (type="xhtml" in a div), as some static sites and
    standards people publish it."""
    entries = []
    for it in arts:
        paras = "".join(f"<p>{x(text(rng, rng.randint(20, 60)))} <em>{x(text(rng, 3))}</em></p>"
                        for _ in range(rng.randint(3, 12)))
        entries.append("\n".join([
            "<entry>", f"<title>{x(it.title)}</title>", f'<link href="{x(it.href)}"/>', f"<id>{x(it.guid)}</id>",
            f"<updated>{rfc3339(it.published)}</updated>",
            f'<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">{paras}</div></content>', "</entry>"]))
    head = [f"<title>Notes {f}</title>", f'<link href="https://notes{f}.example/"/>',
            f'<link rel="self" href="https://notes{f}.example/atom.xml"/>', f"<updated>{rfc3339(START)}</updated>",
            f"<author><name>Notes {f}</name><email>notes@notes{f}.example</email></author>", f"<id>urn:uuid:{_uid('notes', f)}</id>"]
    return _atom(head, entries)


def planet(f, arts, rng):
    """A planet (Atom aggregator): other blogs' posts with their whole content and each one's
    <source>, which names the blog it came from."""
    entries = []
    for it in arts:
        name, home = it.outlet
        entries.append("\n".join([
            "  <entry xml:lang=\"en\">", f"    <id>{x(it.guid)}</id>", f'    <link href="{x(it.href)}" rel="alternate" type="text/html"/>',
            f'    <title type="html">{x(it.title)}</title>', f"    <summary type=\"html\">{x(it.summary)}</summary>",
            f'    <content type="html">{x(it.html)}</content>', f"    <updated>{rfc3339(it.published)}</updated>",
            f"    <author>\n      <name>{x(it.author)}</name>\n    </author>",
            f"    <source>\n      <id>{x(home)}feed/</id>\n      <link href=\"{x(home)}\" rel=\"alternate\" type=\"text/html\"/>",
            f'      <link href="{x(home)}feed/atom/" rel="self" type="application/atom+xml"/>',
            f"      <subtitle>{x(text(rng, 5))}</subtitle>\n      <title>{x(name)}</title>",
            f"      <updated>{rfc3339(it.published)}</updated>\n    </source>", "  </entry>"]))
    head = [f"  <title>Planet Defense {f}</title>", f'  <link rel="self" href="https://planet{f}.example/atom.xml"/>',
            f'  <link href="https://planet{f}.example/"/>', f"  <id>https://planet{f}.example/atom.xml</id>",
            f"  <updated>{rfc3339(START)}</updated>", '  <generator uri="http://intertwingly.net/code/venus/">Venus</generator>']
    return _atom(head, entries, ' xmlns:planet="http://planet.intertwingly.net/" xmlns:indexing="urn:atom-extension:indexing" indexing:index="no"')


def _rdf(f, arts, rng, head: str, item_extra) -> bytes:
    seq = "".join(f'<rdf:li rdf:resource="{x(it.guid)}" />\n' for it in arts)
    items = []
    for n, it in enumerate(arts):
        items.append("\n".join([
            f'<item rdf:about="{x(it.guid)}">', f"<title>{x(it.title)}</title>", f"<link>{x(it.href)}</link>",
            *item_extra(f, n, it, rng), "</item>"]))
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + head.format(seq=seq) + "\n".join(items) + "\n</rdf:RDF>\n").encode("utf-8")


def slashdot(f, arts, rng):
    """Slashdot's RSS 1.0: rdf:RDF, the channel's rdf:Seq of items, dc:creator, dc:subject,
    dc:date, slash:* per item, a textinput."""
    head = ('<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:syn="http://purl.org/rss/1.0/modules/syndication/" '
            'xmlns:taxo="http://purl.org/rss/1.0/modules/taxonomy/" xmlns:slash="http://purl.org/rss/1.0/modules/slash/" '
            'xmlns:admin="http://webns.net/mvcb/">\n'
            f'<channel rdf:about="https://slashdot{f}.example/">\n<title>Slashdot {f}</title>\n<link>https://slashdot{f}.example/</link>\n'
            "<description>News for nerds, stuff that matters</description>\n<dc:language>en-us</dc:language>\n"
            "<dc:rights>Copyright 1997-2026, SlashdotMedia. All Rights Reserved.</dc:rights>\n"
            f"<dc:date>{rfc3339(START, '+00:00')}</dc:date>\n<dc:publisher>Dice</dc:publisher>\n<dc:creator>help@slashdot.example</dc:creator>\n"
            "<dc:subject>Technology</dc:subject>\n<syn:updatePeriod>hourly</syn:updatePeriod>\n<syn:updateFrequency>1</syn:updateFrequency>\n"
            "<syn:updateBase>1970-01-01T00:00+00:00</syn:updateBase>\n<items>\n <rdf:Seq>\n{seq} </rdf:Seq>\n</items>\n"
            f'<image rdf:resource="https://a.fsdn.example/sd/topics/topicslashdot.gif" />\n<textinput rdf:resource="https://slashdot{f}.example/search.pl" />\n'
            "</channel>\n"
            f'<image rdf:about="https://a.fsdn.example/sd/topics/topicslashdot.gif">\n<title>Slashdot</title>\n'
            f"<url>https://a.fsdn.example/sd/topics/topicslashdot.gif</url>\n<link>https://slashdot{f}.example/</link>\n</image>\n")

    def extra(f, n, it, rng):
        desc = f'{it.summary} <a href="https://slashdot{f}.example/story/{n}">Read more of this story</a> at Slashdot.'
        return [f"<description>{x(desc)}</description>", f"<dc:creator>{x(text(rng, 1))}</dc:creator>",
                f"<dc:subject>{x(it.tags[0].lower())}</dc:subject>", f"<dc:date>{rfc3339(it.published, '+00:00')}</dc:date>",
                f"<slash:department>{x('-'.join(text(rng, 4).split()))}</slash:department>",
                "<slash:section>news</slash:section>", f"<slash:comments>{rng.randint(0, 500)}</slash:comments>",
                f"<slash:hit_parade>{','.join(str(rng.randint(0, 300)) for _ in range(7))}</slash:hit_parade>"]
    return _rdf(f, arts, rng, head, extra)


def lwn(f, arts, rng):
    """An RSS 1.0 feed with content:encoded and dc:date (LWN, many university and standards
    sites): rdf:RDF, full text in the item."""
    head = ('<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:content="http://purl.org/rss/1.0/modules/content/">\n'
            f'<channel rdf:about="https://lwn{f}.example/headlines/rss">\n<title>LWN.net {f}</title>\n<link>https://lwn{f}.example</link>\n'
            "<description>LWN.net is a comprehensive source of news and opinions from and about the Linux community.</description>\n"
            "<items>\n<rdf:Seq>\n{seq}</rdf:Seq>\n</items>\n</channel>\n")

    def extra(f, n, it, rng):
        return [f"<description>{x(it.summary)}</description>", f"<dc:date>{rfc3339(it.published, '+00:00')}</dc:date>",
                f"<dc:creator>{x(it.author)}</dc:creator>", f"<content:encoded>{x(it.html)}</content:encoded>"]
    return _rdf(f, arts, rng, head, extra)


def jsonfeed(f, arts, rng):
    """JSON Feed 1.1 (micro.blog, Daring Fireball, NetNewsWire's own): content_html, authors,
    an external_url on linked posts, tags and an image."""
    home = f"https://jf{f}.example/"
    items = []
    for n, it in enumerate(arts):
        item = {"id": it.guid, "url": it.href, "title": it.title, "content_html": it.html,
                "summary": it.summary, "date_published": rfc3339(it.published, "+00:00"),
                "date_modified": rfc3339(it.published + timedelta(minutes=30), "+00:00"),
                "authors": [{"name": it.author}], "tags": it.tags, "image": it.image}
        if f % 2 and n % 3 == 0:  # a micro post: no title, a short text
            del item["title"]
            item["content_html"] = f"<p>{it.summary}</p>"
        if n % 5 == 1:
            item["external_url"] = f"https://elsewhere{f}.example/{n}"
        items.append(item)
    doc = {"version": "https://jsonfeed.org/version/1.1", "title": f"JSON Desk {f}", "home_page_url": home,
           "feed_url": f"{home}feed.json", "description": "Links and commentary", "language": "en-US",
           "icon": f"{home}icon.png", "authors": [{"name": "J. Feed", "url": home}], "items": items}
    return json.dumps(doc, ensure_ascii=f % 2 == 0, indent=None if f % 2 else 2).encode("utf-8")


def atom_for(f, arts, rng):
    """A plain Atom rendering of a JSON Feed's items: what newsboat, which reads no JSON Feed,
    is given in its place, so that both clients fetch and store the same articles."""
    entries = []
    for it in arts:
        entries.append("".join([
            f"<entry><id>{x(it.guid)}</id><title>{x(it.title)}</title><link href={a(it.href)}/>",
            f"<published>{rfc3339(it.published)}</published><updated>{rfc3339(it.published)}</updated>",
            f"<author><name>{x(it.author)}</name></author><summary>{x(it.summary)}</summary>",
            f'<content type="html">{x(it.html)}</content></entry>']))
    return _atom([f"<title>JSON Desk {f}</title>", f"<id>https://jf{f}.example/</id>", f"<updated>{rfc3339(START)}</updated>"], entries)


# The link an entry carries, where a shape writes one of its own (a click-through, a status,
# a video page) rather than the article's: (feed number, entry number, article) -> link.
def _same(f, n, it):
    return it.link


HREFS = {
    "bbc": lambda f, n, it: f"{it.link}?at_medium=RSS&at_campaign=rss",
    "medium": lambda f, n, it: f"{it.link}?source=rss----{_uid(f, it.link)[:10]}---4",
    "feedburner": lambda f, n, it: f"http://feedproxy.google.example/~r/outlet{f}/~3/{_uid(f, it.link)[:11]}/",
    "mastodon": lambda f, n, it: f"https://mastodon.example/@desk{f}/{111000000000000000 + f * 1000 + n}",
    "googlenews": lambda f, n, it: f"https://news.google.example/rss/articles/{_b64ish(f, n, it.link)}?oc=5",
    "youtube": lambda f, n, it: f"https://www.youtube.example/watch?v={_uid('yt', f, n)[:11]}",
    "reddit": lambda f, n, it: f"https://www.reddit.example/r/news{f}/comments/{_uid('t3', f, n)[:7]}/{_slug(it.title)[:40]}/",
}


@dataclass(frozen=True)
class Shape:
    name: str
    write: object  # (feed number, articles, rng) -> the document
    items: tuple[int, int]  # entries a feed holds, lo-hi
    size: tuple[int, int]  # characters of HTML an article carries, lo-hi
    on: float  # share of its own reports on the story
    path: str  # the article links' path on the outlet's host
    aggregator: bool = False  # most entries are other feeds' articles
    ctype: str = "application/rss+xml; charset=UTF-8"
    ext: str = "xml"


SHAPES = [
    Shape("nyt", nyt, (20, 60), (600, 900), 0.3, "/2026/02/21/world/{slug}.html"),
    Shape("guardian", guardian, (40, 100), (600, 900), 0.3, "/world/2026/feb/21/{slug}"),
    Shape("bbc", bbc, (30, 60), (400, 600), 0.25, "/news/world-{n}"),
    Shape("wordpress", wordpress, (10, 10), (3000, 12000), 0.3, "/2026/02/21/{slug}/"),
    Shape("substack", substack, (15, 25), (6000, 20000), 0.3, "/p/{slug}"),
    Shape("medium", medium, (10, 10), (3000, 9000), 0.2, "/{slug}-{n}"),
    # at most 200 episodes: tracker stores 200 new entries of a feed a poll (poll.max_new_items)
    Shape("podcast", podcast, (60, 200), (3000, 4000), 0.05, "/episodes/{slug}"),
    Shape("feedburner", feedburner, (20, 30), (1500, 2500), 0.3, "/news/{n}/{slug}"),
    Shape("hnrss", hnrss, (20, 30), (300, 400), 0.1, "/{slug}"),
    Shape("mastodon", mastodon, (20, 40), (300, 400), 0.2, "/{n}"),
    Shape("googlenews", googlenews, (60, 100), (300, 400), 0.9, "/{slug}", aggregator=True),
    Shape("ars", ars, (20, 20), (4000, 9000), 0.3, "/ai/2026/02/{slug}/"),
    Shape("regional", regional, (30, 50), (300, 400), 0.2, "/actualite/{n}-{slug}.html",
          ctype="application/rss+xml; charset=ISO-8859-1"),
    Shape("govpress", govpress, (10, 40), (300, 600), 0.4, "/News/Releases/Release/Article/{n}/{slug}/"),
    Shape("youtube", youtube, (15, 15), (300, 400), 0.3, "/watch/{n}"),
    Shape("reddit", reddit, (25, 25), (300, 400), 0.3, "/{slug}", ctype="application/atom+xml; charset=UTF-8"),
    Shape("blogger", blogger, (10, 25), (2000, 8000), 0.2, "/2026/02/{slug}.html", ctype="application/atom+xml; charset=UTF-8"),
    Shape("wpatom", wpatom, (10, 10), (3000, 10000), 0.3, "/2026/02/21/{slug}/", ctype="application/atom+xml; charset=UTF-8"),
    Shape("jekyll", jekyll, (10, 20), (2000, 6000), 0.2, "/2026/02/21/{slug}.html", ctype="application/xml"),
    Shape("xhtmlatom", xhtmlatom, (10, 20), (300, 400), 0.2, "/{slug}", ctype="application/atom+xml"),
    Shape("planet", planet, (40, 60), (2000, 6000), 0.3, "/{slug}", aggregator=True, ctype="application/atom+xml"),
    Shape("slashdot", slashdot, (15, 15), (300, 400), 0.2, "/story/26/02/21/{n}/{slug}", ctype="application/rdf+xml"),
    Shape("lwn", lwn, (15, 30), (1500, 5000), 0.1, "/Articles/{n}/", ctype="application/rss+xml"),
    Shape("jsonfeed", jsonfeed, (20, 40), (1000, 5000), 0.3, "/{slug}", ctype="application/feed+json", ext="json"),
]


@dataclass
class Feeds:
    docs: dict[str, tuple[bytes, str]]  # every path served -> (document, content type)
    tracker: list[str]  # the paths tracker polls
    newsboat: list[str]  # the paths newsboat polls: JSON feeds' Atom twins instead
    links: list[list[str]]  # each feed's entry links, as written
    shapes: dict[str, str]  # path -> shape name


def build(n_feeds: int | None = None) -> Feeds:
    """Feeds of every shape in turn (n_feeds: 5 of each by default), deterministic."""
    n_feeds = n_feeds or 5 * len(SHAPES)
    out = Feeds({}, [], [], [], {})
    originals: list[Article] = []
    for f in range(n_feeds):
        shape = SHAPES[f % len(SHAPES)]
        rng = random.Random(f"real:{f}")
        host = f"{shape.name}{f}.example"
        href = HREFS.get(shape.name, _same)
        arts = []
        for k in range(rng.randint(*shape.items)):
            if shape.aggregator and len(originals) > 20 and rng.random() < 0.8:
                # another outlet's article, with its link (Google News: under a click-through)
                it = replace(rng.choice(originals), guid="")
                it.guid = f"{it.link}#agg{f}-{k}"  # an entry id of this feed's own
            else:
                it = _article(rng, host, shape.path, rng.randint(*shape.size), shape.on)
                originals.append(it)
            arts.append(replace(it, href=href(f, k, it)))
        path = f"/real/{f}-{shape.name}.{shape.ext}"
        out.docs[path] = (shape.write(f, arts, rng), shape.ctype)
        out.tracker.append(path)
        out.shapes[path] = shape.name
        if shape.ext == "json":
            twin = f"/real/{f}-{shape.name}.atom"
            out.docs[twin] = (atom_for(f, arts, rng), "application/atom+xml")
            out.newsboat.append(twin)
        else:
            out.newsboat.append(path)
        out.links.append([it.href for it in arts])
    return out


def fast_path(docs: dict[str, tuple[bytes, str]], paths: list[str]) -> tuple[list[str], list[str]]:
    """-> (the XML feeds tracker's expat fast path takes, those it leaves to feedparser, each
    with the reason)."""
    from tracker import fastfeed, parse

    taken, left = [], []
    for path in paths:
        body, ctype = docs[path]
        if ctype.endswith("json"):
            continue
        try:
            fastfeed.read(parse.cap_entries(parse.defuse(body))[0], ctype, "http://127.0.0.1" + path)
            taken.append(path)
        except fastfeed.NotSimple as e:
            left.append(f"{path}: {e}")
    return taken, left


def describe(docs: dict[str, tuple[bytes, str]], paths: list[str]) -> str:
    """The shapes, their sizes and the fast path's share, for a report."""
    taken, left = fast_path(docs, paths)
    sizes: dict[str, list[int]] = {}
    for path in paths:
        sizes.setdefault(path.rsplit("-", 1)[1].split(".")[0], []).append(len(docs[path][0]))
    xml = len(taken) + len(left)
    lines = [f"shapes: {', '.join(f'{name} {len(s)} ({min(s) // 1000}-{max(s) // 1000} KB)' for name, s in sizes.items())}",
             f"fast path: {len(taken)} of {xml} XML feeds ({len(taken) / xml:.0%}); the JSON Feeds have a reader of their own"]
    return "\n".join(lines + [f"  feedparser's: {reason}" for reason in left])


def main() -> None:
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    feeds = build()
    size = sum(len(feeds.docs[p][0]) for p in feeds.tracker)
    print(f"{len(feeds.tracker)} feeds, {sum(map(len, feeds.links))} entries, {size / 1e6:.1f} MB")
    print(describe(feeds.docs, feeds.tracker))


if __name__ == "__main__":
    main()
