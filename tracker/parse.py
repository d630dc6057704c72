"""Feed bytes -> normalised entries (plain text, UTC dates, stable ids), matched to the story.

Runs in a worker process during polls, so it takes and returns only picklable values.
feedparser quirks live here and nowhere else.
"""

from __future__ import annotations

import calendar
import hashlib
import io
import re
from datetime import datetime, timezone
from functools import lru_cache
from xml.sax.expatreader import ExpatParser

import feedparser
import feedparser.api
import feedparser.datetimes
import feedparser.mixin
import feedparser.urls

from . import fastfeed, jsonfeed, localdates
from .errors import FeedError
from .match import Match, Matcher, Rules
from .model import Entry, ParsedFeed
from .text import clean_text, html_to_text, safe_link
from .timeutil import to_iso

TITLE_LIMIT = 400
SUMMARY_LIMIT = 1200
AUTHOR_LIMIT = 120
MAX_ENTRIES = 5000  # a feed of 20,000 items is a broken or hostile feed; keep its newest part

# A DTD's internal subset is where entity bombs and external entities (XXE) live; no real
# feed needs one, so it is cut before any XML parser sees the document.
_DOCTYPE = re.compile(rb"<!DOCTYPE\s[^\[>]*(\[.*?\]\s*)?>", re.I | re.S)
_ENTITY = re.compile(rb"<!ENTITY", re.I)
# The end of an RSS <item> or Atom <entry>, namespace prefix allowed.
_ENTRY_END = re.compile(rb"</(?:[A-Za-z_][\w.-]*:)?(?:item|entry)\s*>", re.I)
# 1990..2100: outside it a date is junk (a zero timestamp, a typo), and then "first seen" is truer.
_MIN_TS, _MAX_TS = 631152000, 4102444800


def defuse(body: bytes) -> bytes:
    head = body[:65536]
    if b"<!" not in head:
        return body
    head = _DOCTYPE.sub(b"", head)
    if _ENTITY.search(head):  # a DOCTYPE the pattern could not delimit: refuse rather than guess
        raise FeedError("the feed declares XML entities (a known attack); tracker refused to parse it")
    return head + body[65536:]


# feedparser looks for an e-mail address in every author/publisher name with a regex that
# backtracks quadratically when no "@" follows a long run of letters: a 200 KB <author> kept
# a parse busy for hours. No name needs more than this; AUTHOR_LIMIT cuts it further later.
PERSON_INPUT_LIMIT = 1000
_sync_author_detail = feedparser.mixin._FeedParserMixin._sync_author_detail


def _bounded_sync_author_detail(self, key="author"):
    context = self._get_context()
    value = context.get(key)
    if isinstance(value, str) and len(value) > PERSON_INPUT_LIMIT:
        context[key] = value[:PERSON_INPUT_LIMIT]
    return _sync_author_detail(self, key)


feedparser.mixin._FeedParserMixin._sync_author_detail = _bounded_sync_author_detail

# A link's address is its href= (Atom) or else its text (RSS). feedparser also takes url= or
# uri= as the address, ahead of href= and of the text, though no feed format defines them on
# a link (a Bluesky-style <link uri="at://...">https://...</link> lost its real link); the
# fast path reads links by the formats' rule, and both paths must give one id for one entry.
_start_link = feedparser.mixin._FeedParserMixin._start_link


def _start_link_by_href_or_text(self, attrs_d):
    attrs_d.pop("url", None)
    attrs_d.pop("uri", None)
    return _start_link(self, attrs_d)


feedparser.mixin._FeedParserMixin._start_link = _start_link_by_href_or_text

# feedparser fills a new author's record from the previous author's string when the new one
# begins with no name yet: <author><name>One</name></author><author><email>two@x</email>
# </author> gave [One, One (two@x)]. Forgetting the previous string first keeps each its own.
_start_author = feedparser.mixin._FeedParserMixin._start_author


def _start_author_afresh(self, attrs_d):
    context = self._get_context()
    context.pop("author", None)
    context.pop("author_detail", None)
    return _start_author(self, attrs_d)


feedparser.mixin._FeedParserMixin._start_author = _start_author_afresh

# Last, so that it costs only dates every other handler failed on.
if localdates.read not in feedparser.datetimes._date_handlers:
    feedparser.datetimes._date_handlers.append(localdates.read)


class _BufferedExpat(ExpatParser):
    """feedparser's XML parser with expat's buffer_text on. Without it expat reports text in
    pieces, one per line and one per entity, and an escaped HTML summary is mostly entities
    ("&lt;p&gt;"): ~110 calls into feedparser's Python handler per item instead of ~15. The
    handler only appends the pieces, so joining them first changes nothing but the cost."""

    def reset(self) -> None:
        super().reset()
        self._parser.buffer_text = True


def create_parser(*args, **kwargs) -> ExpatParser:
    """The xml.sax driver hook: feedparser builds its parser with xml.sax.make_parser(
    PREFERRED_XML_PARSERS), which imports each named module and calls this."""
    return _BufferedExpat(*args, **kwargs)


if __name__ not in feedparser.api.PREFERRED_XML_PARSERS:
    feedparser.api.PREFERRED_XML_PARSERS.insert(0, __name__)

# feedparser re-derives the base URI at every element start (xml:base may change it), with
# urljoin and a regex: ~15% of a parse, nearly always for the same (feed URL, feed URL) pair.
# The function depends on nothing but its arguments, so a small cache answers the same.
feedparser.mixin.make_safe_absolute_uri = lru_cache(maxsize=256)(feedparser.urls.make_safe_absolute_uri)


def cap_entries(body: bytes, limit: int = MAX_ENTRIES) -> tuple[bytes, int]:
    """-> (body with at most `limit` entries, how many it had). feedparser costs ~0.4 ms an
    entry and cannot stop early, so a 20,000-item feed would take ~8 s of CPU before
    MAX_ENTRIES applied. Entries are siblings, so cutting from the end of the limit-th to
    the end of the last keeps the document well-formed (the closing tags stay). Encodings
    the byte pattern cannot see (UTF-16/32) are left to the MAX_ENTRIES slice."""
    ends = [m.end() for m in _ENTRY_END.finditer(body)]
    if len(ends) <= limit:
        return body, len(ends)
    return body[:ends[limit - 1]] + body[ends[-1]:], len(ends)


def parse(body: bytes, content_type: str = "", url: str = "") -> ParsedFeed:
    """Parse a feed document; FeedError when nothing usable is in it."""
    if not body.strip():
        raise FeedError("the server answered with an empty body")
    if jsonfeed.is_json(body, content_type):
        return _parse_json_feed(body, url)
    body = defuse(body)
    body, found = cap_entries(body)
    content_type = content_type or "application/xml"
    try:
        feed, raw_entries = fastfeed.read(body, content_type, url)
    except fastfeed.NotSimple:
        return _parse_with_feedparser(body, content_type, url, found)
    atom, feed_author = _is_atom(feed), _authors(feed)
    entries = tuple(e for e in (_entry(raw, atom, feed_author) for raw in raw_entries[:MAX_ENTRIES])
                    if e is not None)
    total = max(found, len(raw_entries))
    problem = f"the feed holds {total} items; tracker kept the first {MAX_ENTRIES}" if total > MAX_ENTRIES else None
    return ParsedFeed(entries=entries, title=_feed_title(feed), problem=problem)


def _parse_json_feed(body: bytes, url: str) -> ParsedFeed:
    """JSON Feed: typed like Atom (plain-text titles, HTML only in content_html) and, as in
    Atom, items without authors take the feed's."""
    feed, raw_entries, total = jsonfeed.read(body, url, MAX_ENTRIES)
    feed_author = _authors(feed)
    entries = tuple(e for e in (_entry(raw, True, feed_author) for raw in raw_entries) if e is not None)
    problem = f"the feed holds {total} items; tracker kept the first {MAX_ENTRIES}" if total > MAX_ENTRIES else None
    return ParsedFeed(entries=entries, title=_readable(feed["title"], feed["title_detail"], TITLE_LIMIT, True),
                      problem=problem)


def _parse_with_feedparser(body: bytes, content_type: str, url: str, found: int) -> ParsedFeed:
    headers = {"content-type": content_type, "content-location": url}
    try:
        d = feedparser.parse(io.BytesIO(body), response_headers=headers,
                             sanitize_html=False, resolve_relative_uris=False)
    except Exception as e:  # feedparser's own bugs must not take the poll down
        raise FeedError(f"the feed could not be parsed ({type(e).__name__})") from None
    raw_entries = d.get("entries") or []
    problem = _problem(d) if d.get("bozo") else None
    if not raw_entries:
        if d.get("bozo") or not d.get("version"):
            raise FeedError(_not_a_feed(body, problem))
        return ParsedFeed(entries=(), title=_feed_title(d.feed), problem=problem)
    feed = d.feed
    feed["version"] = d.get("version") or ""
    atom, feed_author = _is_atom(feed), _authors(feed)
    entries = tuple(e for e in (_entry(raw, atom, feed_author) for raw in raw_entries[:MAX_ENTRIES])
                    if e is not None)
    total = max(found, len(raw_entries))
    if total > MAX_ENTRIES:
        problem = f"the feed holds {total} items; tracker kept the first {MAX_ENTRIES}"
    return ParsedFeed(entries=entries, title=_feed_title(d.feed), problem=problem)


def parse_and_match(body: bytes, content_type: str, url: str,
                    rules: Rules) -> tuple[ParsedFeed, list[tuple[Entry, Match]]]:
    """The whole CPU-bound part of an update, in one call a process pool can run. Every
    entry gets the rules' verdict, even from a `match = false` feed: the store puts those on
    the story anyway, and keeps the matched terms for the day the feed is matched again."""
    parsed = parse(body, content_type, url)
    matcher = _matcher(rules)
    return parsed, [(e, matcher.match(e.title, e.summary)) for e in parsed.entries]


@lru_cache(maxsize=4)
def _matcher(rules: Rules) -> Matcher:
    return Matcher(rules)


def _is_atom(feed) -> bool:
    return feed.get("version", "").startswith("atom")


def _authors(raw) -> str:
    """All of an Atom element's authors, "Alice, Bob"; feedparser's author holds the last."""
    authors = raw.get("authors") or ()
    if len(authors) < 2:
        return raw.get("author") or ""
    return ", ".join(dict.fromkeys(filter(None, (a.get("name") or a.get("email") for a in authors))))


def _entry(raw, atom: bool = False, feed_author: str = "") -> Entry | None:
    source = raw.get("source") or {}
    outlet = clean_text(source.get("title") if isinstance(source, dict) else "", 100)
    title = _readable(raw.get("title"), raw.get("title_detail"), TITLE_LIMIT, atom)
    if outlet and title.endswith(f" - {outlet}"):
        title = title[: -len(outlet) - 3].rstrip()
    summary = _summary(raw, atom)
    if not title:
        title = summary[:120] if summary else ""
    link = safe_link(raw.get("link"))
    published = _date(raw)
    if not title and not link:
        return None
    entry_id = clean_text(raw.get("id"), 1000) or link or _hash(title, published or "")
    return Entry(entry_id=entry_id, title=title or "(untitled)", link=link, published=published,
                 author=clean_text(_author(raw, atom, feed_author), AUTHOR_LIMIT), summary=summary,
                 outlet=outlet)


def _author(raw, atom: bool, feed_author: str) -> str:
    """Atom: every author, else the feed's (RFC 4287 4.2.1). Not RSS, whose channel-level people
    (a managingEditor) are not the articles' authors."""
    if not atom:
        return raw.get("author") or ""
    # An entry with a <source> inherits that feed's author, which neither path reads: none then.
    return _authors(raw) or ("" if raw.get("source") else feed_author)


def _feed_title(feed) -> str:
    return _readable(feed.get("title"), feed.get("title_detail"), TITLE_LIMIT, _is_atom(feed))


def _summary(raw, atom: bool) -> str:
    text = raw.get("summary") or ""
    content = raw.get("content") or [{}]
    # A summary copied from a content element carries no type of its own: the content's is it.
    detail = raw.get("summary_detail") if text else None
    if not text:
        text = content[0].get("value", "")
    return _readable(text, detail or content[0], SUMMARY_LIMIT, atom)


_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})


_CLOSE_TAG = re.compile(r"</\w+>")
_ENTITY_REF = re.compile(r"&#?\w+;")


def _readable(text: str | None, detail, limit: int, atom: bool) -> str:
    """Only HTML-typed text is HTML: an Atom type="text" title "Vec&lt;T&gt;" reads "Vec<T>".
    RSS does not type its text: it is HTML when it holds a closing tag or an entity, so
    "Vec<T>" and "the <blink> tag" stay text. feedparser's guess also asks that every tag be
    one its sanitiser allows, and calls "<b>x</b> <script>...</script>" plain text, which
    would show the script; so here untyped text is HTML by the first test alone. Text of no
    known type was always read as HTML, and still is."""
    kind = detail.get("type") if detail else None
    if kind is None or kind in _HTML_TYPES:
        return html_to_text(text, limit)
    if not atom and kind == "text/plain" and text and (
            ("</" in text and _CLOSE_TAG.search(text)) or ("&" in text and _ENTITY_REF.search(text))):
        return html_to_text(text, limit)
    return clean_text(text, limit)


def _date(raw) -> str | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = raw.get(key)
        if value:
            try:
                ts = calendar.timegm(value)
            except (TypeError, ValueError, OverflowError):
                continue
            if _MIN_TS <= ts <= _MAX_TS:
                return to_iso(datetime.fromtimestamp(ts, timezone.utc))
    return None


def _hash(*parts: str) -> str:
    return "sha1:" + hashlib.sha1("\x1f".join(parts).encode()).hexdigest()


def _problem(d) -> str:
    exc = d.get("bozo_exception")
    text = clean_text(str(exc), 200) if exc else "malformed feed"
    return f"the feed is malformed ({text}); the readable items were kept"


def _not_a_feed(body: bytes, problem: str | None) -> str:
    head = body[:2048].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html")) or b"<html" in head[:512]:
        return "the server sent a web page, not a feed: check the feed's URL"
    if sum(32 <= b < 127 or b in (9, 10, 13) for b in head[:512]) < 0.7 * min(len(head), 512):
        return "the server sent data that is not a feed (binary or unreadable bytes)"
    detail = problem.split("(", 1)[1].rsplit(")", 1)[0] if problem and "(" in problem else "no items found"
    return f"the document is not a readable RSS or Atom feed ({detail})"
