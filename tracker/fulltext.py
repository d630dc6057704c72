"""An article's own text from its web page: fetched under the feeds' limits, extracted by
trafilatura (headline, byline, date and body, without navigation, ads, related links,
comments or scripts).

trafilatura and lxml cost ~170 ms to import: they are imported here, inside the functions
that need them, never by the dashboard's start-up path (tests/test_imports.py checks it).
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import re
import time
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from urllib.parse import parse_qs, urlsplit

from .errors import FeedError, TrackerError
from .model import Config, PollSettings
from .text import clean_text
from .timeutil import utcnow

log = logging.getLogger("tracker.fulltext")

MAX_PAGE_BYTES = 5 * 1024 * 1024  # a news page is 50 KB-2 MB of HTML; more is not an article
MAX_TEXT_CHARS = 100_000  # ~15,000 words: a long read; the rest is cut, and says so
MIN_TEXT_CHARS = 150  # less than two sentences is a teaser, a paywall or a JavaScript shell
MAX_TREE_SIZE = 200_000  # elements: lxml builds the whole tree before trafilatura looks at it
HTML_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.1"
CUT_NOTE = "[the article is longer; tracker kept its first {n:,} characters]"


class PageError(TrackerError):
    """A page that is not an article tracker can read; the message says what to do."""


@dataclass(frozen=True)
class Article:
    url: str  # the page's address after redirects
    title: str
    author: str
    published: datetime | None  # aware, UTC; None when the page gives no date
    site: str
    text: str  # paragraphs (and subheadings) separated by blank lines; clean of control characters

    def as_file(self) -> str:
        """The anchor article's file: headline, byline, then the body (what data/article.txt holds)."""
        head = [self.title] + ([f"By {self.author}"] if self.author else [])
        return "\n\n".join(head + [self.text]) + "\n"


# ------------------------------------------------------------------ aggregator links
# Click-through links that carry the publisher's address in a parameter. Google News' own
# article links (news.google.com/rss/articles/...) carry it encoded and answer with a redirect
# (or a page with the address as its canonical link), which fetching follows.
_WRAPPED = {
    "www.bing.com": ("url",), "bing.com": ("url",),
    "news.google.com": ("url",), "www.google.com": ("url", "q"), "google.com": ("url", "q"),
    "l.facebook.com": ("u",), "out.reddit.com": ("url",), "t.umblr.com": ("z",),
}


def publisher_link(url: str) -> str:
    """The publisher's address inside an aggregator's click-through link, else `url`."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    for name in _WRAPPED.get((parts.hostname or "").lower(), ()):
        for value in parse_qs(parts.query).get(name, []):
            if urlsplit(value).scheme in ("http", "https"):
                return value
    return url


# ------------------------------------------------------------------ extraction
_REFRESH = re.compile(rb"""<meta[^>]+http-equiv=["']?refresh["']?[^>]*content=["']?\s*\d*\s*;?\s*url=([^"'>\s]+)""", re.I)


def refresh_target(body: bytes) -> str | None:
    """The address of a `<meta http-equiv=refresh>` redirect page (aggregators use them)."""
    if len(body) > 20_000:  # a redirect page is small; an article that has one in it is not one
        return None
    m = _REFRESH.search(body)
    return m.group(1).decode("ascii", "replace") if m else None


def _looks_like_html(body: bytes, content_type: str) -> bool:
    kind = content_type.split(";")[0].strip().lower()
    if kind and kind not in ("text/html", "application/xhtml+xml", "text/plain", "application/xml",
                             "text/xml", "application/octet-stream"):
        return False
    head = body[:2048]
    if b"\x00" in head:  # UTF-16 pages exist but are vanishingly rare; binary is common
        return False
    return b"<" in head


def extract(body: bytes, url: str, content_type: str = "") -> Article:
    """The article in a page's bytes. Raises PageError when there is none worth keeping."""
    if not _looks_like_html(body, content_type):
        shown = clean_text(content_type.split(";")[0], 60) or "binary data"
        raise PageError(f"{clean_text(url, 120)} is not a web page ({shown}); give the article's own page")
    if len(body) > MAX_PAGE_BYTES:
        body = body[:MAX_PAGE_BYTES]
    import trafilatura  # ~170 ms; see the module's docstring

    # Two or more <br> in a row are a paragraph break in hand-made and older CMS pages (text in
    # one <div>, often inside layout tables); trafilatura only looks for paragraphs, so it finds
    # none there. readability makes the same change before it scores the page.
    body = _BR_RUN.sub(b"<p>", body)
    try:
        doc = trafilatura.bare_extraction(
            body, url=url, with_metadata=True, include_comments=False, include_tables=False,
            include_images=False, include_links=False, favor_precision=True, prune_xpath=_PRUNE, config=_settings())
    except (ValueError, TypeError, RecursionError, MemoryError, AttributeError) as e:
        # lxml and trafilatura raise these on pages broken in ways they did not foresee.
        raise PageError(f"cannot read the page at {clean_text(url, 120)} ({type(e).__name__})") from None
    text = _paragraphs(getattr(doc, "text", None) or "")
    if len(text) < LD_FALLBACK_BELOW and b"articleBody" in body:
        given = _paragraphs(_ld_article_body(body))
        if len(given) > max(MIN_TEXT_CHARS, 2 * len(text)):
            text = given
            if doc is None:  # trafilatura found no body in the page, so it gave no headline either
                doc = _metadata(body, url)
    if len(text) < MIN_TEXT_CHARS:
        raise PageError(f"no article text found at {clean_text(url, 120)}: the page may need JavaScript or a "
                        f"subscription; save the text to a file and give the file instead")
    if len(text) > MAX_TEXT_CHARS:
        text = text[:text.rfind("\n\n", 0, MAX_TEXT_CHARS) if "\n\n" in text[:MAX_TEXT_CHARS] else MAX_TEXT_CHARS]
        text += "\n\n" + CUT_NOTE.format(n=len(text))
    title = clean_text(getattr(doc, "title", None) or "", 300)
    text = _without_headline(text, title)
    return Article(url=url, title=title, author=clean_text(getattr(doc, "author", None) or "", 200),
                   published=_date(getattr(doc, "date", None)),
                   site=clean_text(getattr(doc, "sitename", None) or urlsplit(url).hostname or "", 100), text=text)


def _metadata(body: bytes, url: str):
    """The page's headline, byline, date and site name alone (trafilatura's Document)."""
    from trafilatura import load_html
    from trafilatura.metadata import extract_metadata

    try:
        tree = load_html(body)
        if tree is not None:
            return extract_metadata(tree, url)
    except (ValueError, TypeError, RecursionError, MemoryError, AttributeError):
        pass
    return None


# Carousels (of videos, of other stories) sit inside articles' bodies with no links trafilatura
# could count against them, only titles and durations; a carousel is never the article's text.
_PRUNE = ["//*[contains(@class, 'arousel')]"]
_BR_RUN = re.compile(rb"(?:<br\s*/?>\s*){2,}", re.I)
_SETTINGS = None


def _settings():
    """trafilatura's settings, with a bound on the page's tree: lxml builds all of it first."""
    global _SETTINGS
    if _SETTINGS is None:
        from trafilatura.settings import use_config
        _SETTINGS = use_config()
        _SETTINGS.set("DEFAULT", "MAX_TREE_SIZE", str(MAX_TREE_SIZE))
    return _SETTINGS


# A line that only points at another story ("Read more: <headline>"), which sites put between
# an article's paragraphs and trafilatura keeps as one of them.
_PROMO = re.compile(r"(read more|read also|also read|more on this|related|see also|recommended|watch|"
                    r"lire aussi|à lire aussi|lesen sie auch|mehr zum thema|leer más|lee también)"
                    r"\s*[:>»|–—-](\s|$)", re.I)


def _paragraphs(text: str) -> str:
    lines = (clean_text(line) for line in text.splitlines())
    return "\n\n".join(line for line in lines if line and not (len(line) < 200 and _PROMO.match(line)))


def _without_headline(text: str, title: str) -> str:
    """The body without the headline trafilatura keeps from the <h1>, nor the section label
    ("Politics", "Analysis") some sites put above it."""
    if not title:
        return text
    head = text.split("\n\n", 3)[:3]
    if title in head:
        at = head.index(title)
        if all(len(line) < 40 for line in head[:at]):
            return text.split("\n\n", at + 1)[at + 1] if len(head) > at + 1 else ""
    return text


_LD_SCRIPT = re.compile(rb"<script[^>]*application/ld\+json[^>]*>(.*?)</script>", re.S | re.I)
LD_FALLBACK_BELOW = 4_000  # chars: an extraction this long is not a shell's nor a teaser; JSON-LD is not looked at


def _ld_article_body(page: bytes) -> str:
    """The longest schema.org articleBody in the page's JSON-LD, '' if none: the only copy of the
    text on pages that render it with JavaScript, and on some that hide it behind a paywall."""
    best = ""
    for m in _LD_SCRIPT.finditer(page):
        try:
            data = json.loads(m.group(1).decode("utf-8", "replace"))
        except (ValueError, RecursionError):
            continue
        stack, seen = [data], 0
        while stack and seen < 10_000:  # a bound on hostile nesting and breadth
            node, seen = stack.pop(), seen + 1
            if isinstance(node, list):
                stack.extend(node)
            elif isinstance(node, dict):
                value = node.get("articleBody")
                if isinstance(value, str) and len(value) > len(best):
                    best = value
                stack.extend(v for v in node.values() if isinstance(v, (dict, list)))
    if "<" in best:
        from .text import html_to_text
        best = html_to_text(best.replace("</p>", "</p>\n"))
    return best


def _date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    if not 1990 <= when.year <= 2200:  # a page's date is a claim, not a fact
        return None
    return when.astimezone(timezone.utc)


# ------------------------------------------------------------------ fetching
async def fetch_article(url: str, settings: PollSettings | None = None, *, fetcher=None) -> Article:
    """Fetch `url` (an aggregator's link is followed to the publisher's page) and extract it.
    Every failure is a PageError in words: the feeds' timeouts, size cap and redirect rules."""
    from .fetch import Fetcher

    settings = settings or PollSettings()
    own = fetcher is None
    if own:
        fetcher = Fetcher(replace(settings, max_bytes=min(settings.max_bytes, MAX_PAGE_BYTES), concurrency=1))
    try:
        target = publisher_link(url)
        for _ in range(3):  # meta-refresh hops (aggregators' redirect pages); HTTP redirects are the fetcher's
            try:
                result = await fetcher.fetch(target, accept=HTML_ACCEPT)
            except FeedError as e:
                # The fetcher speaks of feeds; here it is a page.
                raise PageError(f"cannot fetch {clean_text(target, 120)}: "
                                f"{str(e).replace('the feed', 'the page')}") from None
            body = result.body or b""
            hop = refresh_target(body)
            if hop is None:
                # In a thread: 10-50 ms of lxml and trafilatura must not hold up an event loop.
                return await asyncio.to_thread(extract, body, result.url, result.content_type)
            from urllib.parse import urljoin
            target = publisher_link(urljoin(result.url, hop))
            if urlsplit(target).scheme not in ("http", "https"):
                raise PageError(f"{clean_text(url, 120)} redirects to a non-web address")
        raise PageError(f"{clean_text(url, 120)} redirects too many times")
    finally:
        if own:
            await fetcher.aclose()


# ------------------------------------------------------------------ reading on-story reports
class TextReader:
    """Reads on-story reports' pages in the background and keeps their text (Store.save_text),
    politely: one page at a time per host, `[fulltext] delay` apart, a few hosts at once, with
    a client of its own so that it never holds up a feed's poll. Off-story items are never
    fetched, nor those only feeds with `fulltext = false` carried."""

    HOSTS = 3  # hosts read at once

    def __init__(self, store, config: Config, *, clock=utcnow, store_thread=None):
        """store_thread: the executor its store calls run on (the poller's, which it waits for
        before the store is closed); None: asyncio's default one."""
        self.store, self.config, self.clock = store, config, clock
        self._store_thread = store_thread
        self._fetcher = None  # made for a batch of pages, closed after it
        self._last: dict[str, float] = {}  # host -> when its last page was asked for (monotonic)

    async def _in_store(self, fn, /, *args, **kwargs):
        return await asyncio.get_running_loop().run_in_executor(self._store_thread,
                                                                functools.partial(fn, *args, **kwargs))

    async def aclose(self) -> None:
        if self._fetcher is not None:
            await self._fetcher.aclose()
            self._fetcher = None

    async def read_some(self, limit: int = 20, on_read=None, on_start=None) -> int:
        """Read up to `limit` pages of reports that have no text yet. -> how many were tried.
        on_start(how many) once they are known, on_read(item_id, error or None) after each:
        for progress."""
        if not self.config.fulltext.enabled:
            return 0
        skip = [f.name for f in self.config.feeds if not f.fulltext]
        wanted = await self._in_store(self.store.texts_wanted, self.clock(), limit, skip)
        if on_start:
            on_start(len(wanted))
        by_host: dict[str, list[tuple[int, str]]] = {}
        for item_id, link in wanted:
            target = publisher_link(link)
            by_host.setdefault((urlsplit(target).hostname or "").lower(), []).append((item_id, link))
        gate = asyncio.Semaphore(self.HOSTS)

        async def host_worker(host: str, pages: list[tuple[int, str]]) -> None:
            async with gate:
                for item_id, link in pages:
                    wait = self._last.get(host, -1e9) + self.config.fulltext.delay - time.monotonic()
                    if wait > 0:
                        await asyncio.sleep(wait)  # politeness towards the publisher, not a test's pause
                    self._last[host] = time.monotonic()
                    error = await self._read_one(item_id, link)
                    if on_read:
                        on_read(item_id, error)

        if not wanted:
            return 0
        from .fetch import Fetcher
        poll = self.config.poll
        self._fetcher = Fetcher(replace(poll, max_bytes=min(poll.max_bytes, MAX_PAGE_BYTES), concurrency=self.HOSTS))
        try:
            await asyncio.gather(*(host_worker(h, p) for h, p in by_host.items()))
        finally:
            await self.aclose()
        return len(wanted)

    async def _read_one(self, item_id: int, link: str) -> str | None:
        try:
            article = await fetch_article(link, fetcher=self._fetcher)
        except PageError as e:
            error = str(e)
            await self._in_store(self.store.save_text, item_id, link, None, error=error, now=self.clock())
            return error
        except Exception as e:  # a bug here must not stop the others, nor a poll
            log.exception("reading %s failed", link)
            error = f"tracker could not read the page ({type(e).__name__})"
            await self._in_store(self.store.save_text, item_id, link, None, error=error, now=self.clock())
            return error
        await self._in_store(self.store.save_text, item_id, article.url, article.text,
                                author=article.author, now=self.clock())
        return None
