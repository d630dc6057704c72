"""JSON Feed 1.0 and 1.1 (https://jsonfeed.org/version/1.1) read into the feedparser-like
dicts parse.py normalises, so that a JSON item becomes the same Entry an Atom one would:
content_html is HTML-typed text (reduced to its readable text, scripts and all markup
gone), titles, summaries and content_text are plain text, authors are inherited from the
feed as Atom's are (the spec says so too).

A JSON document is untrusted like any feed: every field is type-checked (a number where a
string belongs is dropped, an id is coerced to a string as the spec asks), strings are cut
before any further work, lone surrogates (which JSON can encode and UTF-8 cannot store) are
replaced, and nesting deeper than the decoder's recursion limit is refused, not a crash.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from urllib.parse import urljoin

from .errors import FeedError

MIME_TYPES = ("application/feed+json", "application/json")
_STRING_LIMIT = 200_000  # a field longer than this is cut before it is cleaned: parse.py keeps less
_DATE_LIMIT = 64  # no date needs more; feedparser's date regexes are not for megabytes


def is_json(body: bytes, content_type: str) -> bool:
    """Whether the body is to be read as JSON: a JSON media type, or a body that opens
    with "{" (no XML document does)."""
    mime = content_type.partition(";")[0].strip().lower()
    if mime in MIME_TYPES or mime.endswith("+json"):
        return True
    return body.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"{"


def read(body: bytes, url: str, limit: int) -> tuple[dict, list[dict], int]:
    """-> (the feed's title and authors, its first `limit` items as feedparser-like entries,
    how many items it has); FeedError when the body is not a JSON Feed."""
    try:
        doc = json.loads(body)
    except RecursionError:
        raise FeedError("the JSON feed is nested too deeply to be a feed; tracker refused to read it") from None
    except ValueError as e:  # also bad UTF-8 and numbers too long to convert
        raise FeedError(f"the JSON feed is not valid JSON ({_short(e)})") from None
    if not isinstance(doc, dict) or not _is_version(doc.get("version")) or not isinstance(doc.get("items"), list):
        raise FeedError("the document is JSON but not a JSON Feed (no JSON Feed version and items)")
    base = _string(doc.get("feed_url")) or url
    home = _link(doc.get("home_page_url"), base)
    feed_authors = _authors(doc)
    feed = {"title": _string(doc.get("title")) or "", "title_detail": {"type": "text/plain"},
            "authors": feed_authors, "author": feed_authors[0]["name"] if feed_authors else "",
            "version": "json", "link": home}
    items = [item for item in doc["items"] if isinstance(item, dict)]
    return feed, [_entry(item, base) for item in items[:limit]], len(items)


def _is_version(value) -> bool:
    """https://jsonfeed.org/version/1 or /1.1; the bare numbers gofeed's tests also write."""
    return isinstance(value, str) and (value.rstrip("/").rsplit("/", 1)[-1] in ("1", "1.0", "1.1")
                                       and (value[:1] == "1" or "jsonfeed.org/version/" in value))


def _entry(item: dict, base: str) -> dict:
    entry: dict = {}
    item_id = item.get("id")
    if isinstance(item_id, bool):
        item_id = None
    elif isinstance(item_id, (int, float)):
        item_id = str(item_id)  # the spec: a reader coerces a number to a string
    entry["id"] = _string(item_id)
    link = _link(item.get("url"), base) or _link(item.get("external_url"), base)
    if link:
        entry["link"] = link
    title = _string(item.get("title"))
    if title is not None:
        entry.update(title=title, title_detail={"type": "text/plain"})
    summary = _string(item.get("summary"))
    if summary:
        entry.update(summary=summary, summary_detail={"type": "text/plain"})
    content = [{"value": value, "type": kind}
               for value, kind in ((_string(item.get("content_html")), "text/html"),
                                   (_string(item.get("content_text")), "text/plain")) if value]
    if content:
        entry["content"] = content
    for key, field in (("date_published", "published_parsed"), ("date_modified", "updated_parsed")):
        value = _string(item.get(key))
        if value and len(value) <= _DATE_LIMIT:
            entry[field] = _parsed_date(value)
    authors = _authors(item)
    if authors:
        entry["authors"] = authors
        entry["author"] = authors[0]["name"]
    return entry


def _parsed_date(value: str):
    """The spec's RFC 3339 date as a UTC time tuple; None for anything else (the item is then
    dated when first seen). Stricter than the XML path on purpose: no format guessing, so no
    month 13 rolled into next year. A date without a zone is taken as UTC."""
    try:
        stamp = datetime.fromisoformat(value)
        if stamp.tzinfo is None:
            stamp = stamp.replace(tzinfo=timezone.utc)
        return stamp.utctimetuple()
    except (ValueError, OverflowError):
        return None


def _authors(obj: dict) -> list[dict]:
    """1.1's "authors" list, else 1.0's "author" object: [{name}], the named ones only."""
    people = obj.get("authors")
    if not isinstance(people, list):
        people = [obj.get("author")]
    names = [_string(p.get("name")) for p in people[:100] if isinstance(p, dict)]
    return [{"name": name, "email": None} for name in names if name]


def _link(value, base: str) -> str | None:
    value = _string(value)
    if not value:
        return None
    try:
        return urljoin(base, value.strip()) if base else value.strip()
    except ValueError:  # an invalid IPv6 host: no link, safe_link would refuse it anyway
        return None


def _string(value) -> str | None:
    if not isinstance(value, str):
        return None
    value = value[:_STRING_LIMIT]
    if not value.isascii():
        value = value.encode("utf-8", "replace").decode("utf-8")  # lone surrogates -> "?"
    return value


def _short(e: Exception) -> str:
    return str(e)[:100]
