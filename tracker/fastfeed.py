"""Plain, well-formed RSS 2.0 and Atom 1.0 read straight from expat: the fields parse.py
keeps, as feedparser would give them, ~6x faster.

feedparser is most of a poll's CPU (~0.25 ms an entry): every element goes through several
layers of Python handlers, a context stack, deep copies and keyword-mapped dicts, to fill
dozens of fields we never read. Nearly every real feed is RSS or Atom using a handful of
elements, so those documents are read here: RSS 2.0, RSS 1.0/0.90 (RDF), Atom 1.0 and 0.3, in
UTF-8 or an encoding its charset or declaration names (decoded first, as feedparser does), with
xml:base, content:encoded, dc:*, dcterms dates, itunes:* and media:* read as feedparser reads
them, inline XHTML and markup inside text kept as feedparser keeps it, other namespaces'
elements (and what they hold) skipped. Anything else (UTF-16/32, bytes that do not decode, a
DOCTYPE, undefined entities or any malformation, SVG or MathML, base64 content, an element
feedparser would read into one of our fields that this module does not model ...) raises
NotSimple and goes to feedparser as before. The rules below are
feedparser 6's, taken from its source (mixin.py pop(), namespaces/_base.py, encodings.py);
tests/test_fastfeed.py checks the two agree, entry by entry, on every kind of feed the
tests make, hostile ones included, and tests/test_corpus.py on every file of ../shared/corpus.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from functools import lru_cache
from xml.parsers import expat

import feedparser.encodings
import feedparser.mixin
from feedparser.datetimes import _parse_date
from feedparser.urls import _urljoin

_CP1252 = feedparser.mixin._cp1252
_FP = feedparser.mixin._FeedParserMixin
_PREFIXES = {uri.lower(): prefix for uri, prefix in _FP.namespaces.items()}
ATOM = "http://www.w3.org/2005/Atom"
ATOM03 = "http://purl.org/atom/ns#"
_UTF8 = ("utf-8", "utf8")
# feedparser's (encodings.py): it scans the whole first line, ~1 ms for a one-line feed of
# 200 KB, so it is asked only about the documents that are not UTF-8.
_FP_XML_ENCODING = feedparser.encodings.RE_XML_PI_ENCODING
_XML_ENCODING = re.compile(rb'^<\?xml[^>]*?encoding\s*=\s*["\']([^"\']+)["\']')
_LINK_FIX = re.compile("&([A-Za-z0-9_]+);")
# A link feedparser's _urljoin (urllib's urljoin) gives back unchanged, whatever the feed's
# own address: absolute, lower-case http(s), a plain host, nothing urlsplit drops or moves
# (an empty "?" or "#", ";params", control characters or spaces). Nearly every link; the
# join it skips was a tenth of the parse.
_PLAIN_URL = re.compile(r"https?://[A-Za-z0-9.-]+(?::[0-9]*)?(?:/[^?#;\x00-\x20\x7f]*)?"
                        r"(?:\?[^#\x00-\x20\x7f]+)?(?:#[^\x00-\x20\x7f]+)?\Z")


def _join(base: str, link: str) -> str:
    return link if _PLAIN_URL.match(link) else _urljoin(base, link)


# The two dates nearly every feed writes, RFC 822 with a numeric or GMT zone (RSS) and RFC 3339
# to the second (Atom), read with feedparser's arithmetic but without trying its other
# formats first (its W3C-DTF parser fails on every RSS date before the RFC 822 one reads it).
_RFC822 = re.compile(r"(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), )?([0-9]{1,2}) "
                     r"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) ([0-9]{4}) "
                     r"([0-9]{2}):([0-9]{2}):([0-9]{2}) (?:GMT|UT|Z|([+-])([0-9]{2})([0-9]{2}))\Z")
_RFC3339 = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})"
                      r"(?:Z|([+-])([0-9]{2}):([0-9]{2}))\Z")
_MONTHS = {m: n for n, m in enumerate("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split(), 1)}


def _date(value: str):
    """feedparser's _parse_date(value): a UTC time tuple, or None."""
    m = _RFC3339.match(value)
    if m:
        year, month, day, hour, minute, second, sign, zh, zm = m.groups()
    else:
        m = _RFC822.match(value)
        if m is None:
            return _parse_date(value)
        day, month, year, hour, minute, second, sign, zh, zm = m.groups()
        month = _MONTHS[month]
    try:
        stamp = datetime(int(year), int(month), int(day), int(hour), int(minute), int(second))
        zone = timedelta(hours=int(zh), minutes=int(zm)) if sign else timedelta(0)
        return (stamp + zone if sign == "-" else stamp - zone).utctimetuple()
    except (ValueError, OverflowError):  # a day or hour out of range: feedparser decides
        return _parse_date(value)


_HTML_TYPES = {"text/html", "application/xhtml+xml"}
# feedparser's map_content_type (MediaRSS writes type="plain")
_TYPE_NAMES = {"text": "text/plain", "plain": "text/plain", "html": "text/html", "xhtml": "application/xhtml+xml"}

# Entry children (feedparser's names: prefix_local, lower case) that this module reads.
_TEXT = {"title", "link", "guid", "id", "description", "summary", "content_encoded", "content",
         "pubdate", "published", "issued", "updated", "modified", "dc_date", "created",
         "author", "dc_creator", "dc_author", "source"}
_PUBLISHED, _UPDATED = {"pubdate", "published", "issued"}, {"updated", "modified", "dc_date"}
# Entry children feedparser has a handler for, but whose result we never read; they may not
# hold elements (a <title> inside one would still be read by feedparser as the entry's).
_IGNORED = {"category", "comments", "enclosure", "dc_subject", "dc_language", "rights",
            "wfw_commentrss", "wfw_comment", "slash_comments", "feedburner_origlink", "dc_rights",
            "dc_publisher", "dc_contributor", "dcterms_valid",
            "itunes_duration", "itunes_explicit", "itunes_block", "itunes_category", "itunes_image",
            "itunes_link", "itunes_subtitle", "itunes_keywords",
            "media_content", "media_thumbnail", "media_group", "media_category", "media_keywords",
            "media_rating", "media_credit", "media_restriction", "media_license", "media_player",
            "georss_point", "georss_line", "georss_polygon", "georss_box", "georss_where",
            "gml_point", "gml_pos", "gml_linestring", "gml_poslist", "gml_polygon", "gml_exterior",
            "gml_linearring", "psc_chapters", "psc_chapter"}
# Entry children feedparser reads with the handler of one of ours (namespaces/dc.py, itunes.py,
# mediarss.py): read here as that one.
_ALIASES = {"dc_title": "title", "dc_description": "description", "dcterms_created": "created",
            "dcterms_issued": "published", "dcterms_modified": "updated", "itunes_summary": "summary",
            "media_description": "description"}
# <media:title> is a title that does not stop a later <title> (mediarss.py restores the depth).
_LOOSE_TITLE = "media_title"
XHTML = "application/xhtml+xml"
# The fields feedparser reads with push_content: markup inside them is text of theirs (mixin.py
# unknown_starttag, "track inline content"), not elements of the feed.
_INLINE = {"title", "description", "summary", "content", "content_encoded"}
XML_BASE = "http://www.w3.org/XML/1998/namespace base xml"
RDF_ABOUT = "http://www.w3.org/1999/02/22-rdf-syntax-ns# about rdf"
# Names feedparser stores under our keys (directly or through FeedParserDict's key map) even
# with no handler of its own.
_OURS = {"title", "link", "id", "summary", "content", "author", "source", "published_parsed",
         "updated_parsed", "created_parsed", "guid", "description", "date", "date_parsed",
         "modified", "modified_parsed", "issued", "issued_parsed", "links", "authors"}


def _ours(fp: str) -> bool:
    return fp in _TEXT or fp in _ALIASES or fp in _OURS


@lru_cache(maxsize=1024)
def _unread(fp: str) -> bool:
    """An element feedparser has no handler for and files under a name of its own, which we
    never read (<yt:videoId>, <slash:department>, <podcast:transcript>)."""
    return not (_ours(fp) or hasattr(_FP, "_start_" + fp) or hasattr(_FP, "_end_" + fp))


class NotSimple(Exception):
    """The document is not one this module reads exactly as feedparser would."""


def _fix(text: str) -> str:
    """What feedparser's pop() does to every value of a UTF-8 document: undo UTF-8 read as
    Latin-1 once, and map C1 code points to the cp1252 characters they were meant as."""
    text = text.strip()
    if not text.isascii():
        try:
            text = text.encode("iso-8859-1").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            pass
        text = text.translate(_CP1252)
    return text


def _content_type(attrs: dict, default: str) -> str:
    if "src" in attrs or any(k.lower() == "mode" and v == "base64" for k, v in attrs.items()):
        raise NotSimple("base64 or out-of-line content")  # mode="escaped" or "xml" changes nothing
    kind = attrs.get("type", default).lower()
    kind = _TYPE_NAMES.get(kind, kind)
    if not (kind.startswith("text/") or kind.endswith("xml")):
        raise NotSimple(f"content of type {kind}")  # base64 by feedparser's rule
    return kind


def check_encoding(body: bytes, content_type: str) -> str | None:
    """-> None for a document feedparser reads as UTF-8, else the encoding it decodes the
    bytes with (a charset, or the XML declaration's: ISO-8859-1, windows-1251, Shift_JIS ...);
    NotSimple where feedparser would complain or guess."""
    if body[:3] == b"\xef\xbb\xbf":
        body = body[3:]
    elif body[:1] in (b"\x00", b"\xfe", b"\xff", b"\x4c") or b"\x00" in body[:4]:
        raise NotSimple("a UTF-16/32 or EBCDIC document")  # "<\x00?\x00": UTF-16LE, no BOM
    m = _XML_ENCODING.match(body)
    declared = m.group(1).decode("ascii", "replace").lower() if m else ""
    mime, _, params = content_type.partition(";")
    mime = mime.strip()
    charset = ""
    for param in params.split(";"):
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip().strip("\"'")
    if mime in ("application/xml", "application/xml-dtd", "application/xml-external-parsed-entity") or (
            mime.startswith("application/") and mime.endswith("+xml")):
        encoding = charset or declared or "utf-8"
    elif mime in ("text/xml", "text/xml-external-parsed-entity") or (
            mime.startswith("text/") and mime.endswith("+xml")):
        encoding = charset or "us-ascii"
    else:
        raise NotSimple("not an XML media type")  # feedparser flags the feed as malformed
    encoding = encoding.lower()
    if encoding in _UTF8:
        return None
    if encoding in ("us-ascii", "ascii") and body.isascii():
        return None
    if encoding.startswith(("utf-16", "utf-32", "utf16", "utf32", "ucs", "iso-10646")):
        raise NotSimple(f"encoding {encoding}")  # feedparser's BOM rules decide
    if not charset:  # from the declaration: only as feedparser's own pattern reads it
        m = _FP_XML_ENCODING.match(body)
        if m is None or m.group(1).decode("ascii", "replace").lower() != encoding:
            raise NotSimple(f"encoding {encoding}, declared as feedparser does not read it")
    return "gb18030" if encoding == "gb2312" else encoding  # as encodings.py renames it


class _Reader:
    def __init__(self, base: str):
        self.bases = [base]  # the xml:base of each open element, feedparser's basestack
        self.kind = ""  # "rss" or "atom", from the root element
        self.rdf = False
        self.rdf_version = False
        self.stack: list[str] = []  # feedparser names of the open elements
        self.text: list[str] | None = None  # the text of the field being read
        self.feed: dict = {"authors": []}  # the feed's title, title_detail, author(s)
        self.person: dict | None = None  # the Atom <author> being read, feed's or entry's
        self.entries: list[dict] = []
        self.entry: dict | None = None
        self.entry_depth = 0
        self.inline = False  # the text being read may hold markup (a push_content field)
        self.nested: list[tuple[str, bool]] = []  # the markup elements open inside it
        self.field = ""  # the field a nested element's text is read as (media:title in media:content)
        self.ctype = ""  # the type of the text being read, as its attributes give it
        self.raw = ""  # that text as the document has it, for the type feedparser guesses

    # -- expat handlers -------------------------------------------------------------
    def start(self, name: str, attrs: dict) -> None:
        fp = self._name(name)
        depth = len(self.stack)
        base = self.bases[-1]
        for key in attrs:
            local = key.rsplit(" ", 2)[1] if " " in key else key
            if key == XML_BASE or key == "base":  # mixin.py unknown_starttag, plain base= too
                value = attrs[key]
                base = (feedparser.mixin.make_safe_absolute_uri(base, value) or base) if base else _urljoin(base, value)
            elif local.lower() in ("base", "lastmod", "href" if fp in ("item", "entry") else ""):
                raise NotSimple(f"attribute {key}")
        if self.text is not None:
            self._start_markup(fp, name)
            return
        self.stack.append(fp)
        self.bases.append(base)
        if depth == 0:
            if fp == "rss" and not name.count(" "):
                self.kind = "rss"
            elif (name.startswith(ATOM + " ") or name.startswith(ATOM03 + " ")) and fp == "feed":
                self.kind = "atom"  # Atom 0.3 too: feedparser reads it with the same handlers
            elif fp == "rdf_rdf":
                self.kind, self.rdf = "rss", True  # RSS 1.0 and 0.90: RSS with items beside the channel
            else:
                raise NotSimple(f"root element {fp}")
            return
        parent = self.stack[-2]
        entry = self.entry
        if entry is None:
            if (self.kind == "rss" and depth == 2 and parent == "channel" and fp == "item" and not self.rdf) or (
                    self.kind == "atom" and depth == 1 and fp == "entry") or (
                    self.rdf and depth == 1 and fp == "item"):
                self.entry = {"content": [], "has_content": False, "link_set": False, "title": None,
                              "title_locked": False}
                self.entry_depth = depth
                if attrs.get(RDF_ABOUT):  # namespaces/_base.py _start_item
                    self.entry["id"] = attrs[RDF_ABOUT]
            elif fp in ("item", "entry"):
                raise NotSimple("an entry out of place")
            elif fp in ("title", "dc_title") and ((self.kind == "rss" and depth == 2 and parent == "channel")
                                                  or (self.kind == "atom" and depth == 1)):
                self.ctype = _content_type(attrs, "text/plain")  # base64 ones are feedparser's
                self.text = []
                self.inline = True
            elif fp == "source":
                raise NotSimple("a source outside an entry")
            elif self.kind == "atom" and depth == 1 and fp == "author":
                self.person = {"name": None, "email": None, "text": []}
            elif self.kind == "atom" and depth == 1 and fp in ("dc_creator", "dc_author", "itunes_author"):
                raise NotSimple(f"a feed's <{fp}>")
            elif fp == _LOOSE_TITLE and depth <= 2:
                raise NotSimple("a feed's <media:title>")  # feedparser would read it as the feed's title
            elif self.person is not None and depth == 2 and fp in ("name", "email"):
                self.text = []
            return
        rel = depth - self.entry_depth
        if rel == 1:
            self._start_field(fp, attrs)
        elif parent == "author" and rel == 2 and self.kind == "atom" and fp in ("name", "email"):
            self.text = []
        elif parent == "author" and rel == 2 and fp in ("uri", "url"):
            pass
        elif self.stack[self.entry_depth + 1] == "source" and self.kind == "atom":
            # In an Atom <source> feedparser files everything under the source, not the
            # entry; of it we keep only the source feed's title (the outlet).
            if rel == 2 and fp == "title":
                _content_type(attrs, "text/plain")
                self.text = []
        elif self.stack[self.entry_depth + 1] == "contributor" and fp in ("name", "email", "uri", "url"):
            pass
        elif self.stack[self.entry_depth + 1] == "author" and self.kind == "atom" and _unread(fp):
            pass  # Blogger's <gd:image>: filed under its own name, the author's text untouched
        elif (self.stack[self.entry_depth + 1] in _IGNORED and self.stack[self.entry_depth + 1] != "category") or (
                _unread(self.stack[self.entry_depth + 1])):
            # Inside an element whose result we never read: its children too, unless feedparser
            # reads one of them into the entry (a <media:title> in <media:content>).
            if fp == _LOOSE_TITLE or fp == "media_description":
                self._start_text(fp, attrs)
                self.field = fp
            elif not (fp in _IGNORED and not _ours(fp)) and not _unread(fp):
                raise NotSimple(f"<{fp}> in <{parent}>")
        else:
            raise NotSimple(f"<{fp}> in <{parent}>")

    def _start_field(self, fp: str, attrs: dict) -> None:
        entry = self.entry
        if fp == "itunes_author" and self.kind == "rss":
            fp = "author"
        fp = _ALIASES.get(fp, fp)
        if fp == _LOOSE_TITLE:
            self._start_text(fp, attrs)
        elif fp in _TEXT:
            if fp == "source":
                entry["title_locked"] = False  # feedparser forgets the entry's title depth here
            if self.kind == "atom" and fp in ("author", "dc_creator", "dc_author"):
                authors = entry.setdefault("authors", [])
                if authors and (fp != "author" or None in authors):
                    raise NotSimple("several authors in an Atom entry, not all <author>")
                if fp != "author":
                    authors.append(None)  # feedparser reads the name from the text: not modelled
            if fp == "author" and self.kind == "atom":
                self.person = {"name": None, "email": None, "text": []}
                return
            elif fp == "source" and self.kind == "atom":
                entry["outlet"] = None
                return
            elif fp == "link":
                lower = {k.lower(): v for k, v in attrs.items()}
                if "href" in lower:  # url= and uri= are not addresses: parse.py says why
                    self._href_link(lower)
                    return
            elif fp in ("guid", "id"):
                lower = {k.lower(): v for k, v in attrs.items()}
                entry["guid_is_link"] = lower.get("ispermalink", "true") == "true"
            elif fp in ("description", "summary"):
                self.ctype = _content_type(attrs, "text/html" if fp == "description" else "text/plain")
            elif fp in ("content", "content_encoded"):
                self.ctype = _content_type(attrs, "text/html" if fp == "content_encoded" else "text/plain")
            elif fp == "title":
                self.ctype = _content_type(attrs, "text/plain")
            self.text = []
            self.inline = fp in _INLINE
        elif fp in _IGNORED or fp == "contributor":
            pass
        elif not _unread(fp):
            raise NotSimple(f"<{fp}> in an entry")
        # Any other element feedparser files under its own name, which we never read.

    def namespace(self, prefix: str | None, uri: str | None) -> None:
        """feedparser knows RSS 1.0 and 0.90 by their namespaces (mixin.py track_namespace);
        an rdf:RDF without one is no feed to it."""
        uri = (uri or "").lower()
        if uri == "http://purl.org/rss/1.0/" or (prefix is None and uri == "http://my.netscape.com/rdf/simple/0.9/"):
            self.rdf_version = True

    def _start_text(self, fp: str, attrs: dict) -> None:
        self.ctype = _content_type(attrs, "text/plain" if fp == _LOOSE_TITLE else "text/html")
        self.text = []
        self.inline = True

    def _href_link(self, attrs: dict) -> None:
        rel = attrs.get("rel", "alternate").lower()
        kind = attrs.get("type", "application/atom+xml" if rel == "self" else "text/html").lower()
        if rel == "alternate" and _TYPE_NAMES.get(kind, kind) in _HTML_TYPES:
            self.entry["link"] = _join(self.bases[-1], attrs["href"])
            self.entry["link_set"] = True

    def _start_markup(self, fp: str, name: str) -> None:
        """An element inside a text field, as feedparser keeps it: in inline XHTML, or in text
        that said it was escaped HTML or plain and so becomes XHTML here, the tag (without its
        attributes, which no reader of ours looks at); a <div> in escaped HTML is dropped."""
        local = (name.split(" ")[1] if " " in name else name).lower()
        if not self.inline or local in ("svg", "math") or hasattr(_FP, "_start_" + fp) or hasattr(_FP, "_end_" + fp):
            raise NotSimple(f"<{fp}> inside a text element")
        self.nested.append((local, fp in ("xhtml_div", "div")))
        if self.ctype != XHTML:
            if fp in ("xhtml_div", "div"):
                return  # "typepad does this 10/2007"
            self.ctype = XHTML
        self.text.append(f"<{local}>")

    def _end_markup(self) -> None:
        local, div = self.nested.pop()
        if self.ctype != XHTML:
            if div:
                return
            self.ctype = XHTML
        self.text.append(f"</{local}>")

    def data(self, text: str) -> None:
        if self.text is not None:
            if self.ctype == XHTML and self.inline:
                text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            self.text.append(text)
        elif self.person is not None and self.stack[-1] == "author":
            self.person["text"].append(text)  # an Atom <author>'s own text

    def end(self, name: str) -> None:
        if self.nested:
            self._end_markup()
            return
        self.inline = False
        fp = self.stack.pop()
        depth = len(self.stack)
        try:
            self._end(fp, depth)
        finally:
            self.bases.pop()  # after the element's own text: its xml:base applies to it

    def _end(self, fp: str, depth: int) -> None:
        entry = self.entry
        text = self.text
        self.text = None
        if text is not None:
            self.raw = "".join(text)
        if entry is None:
            if self.person is not None:
                if fp == "author":
                    self.feed["author"] = self._end_person(self.feed["authors"])
                elif text is not None:
                    self.person[fp] = "".join(text).strip()
            elif text is not None:  # the feed's title
                value = _fix(self.raw)
                if value and "title" not in self.feed:
                    self.feed.update(title=value, title_detail={"type": self._guessed_type()})
            return
        if depth == self.entry_depth:
            self.entries.append(self._finish(entry))
            self.entry = None
            return
        rel = depth - self.entry_depth
        if self.field:
            fp, self.field = self.field, ""
            self._end_field(_ALIASES.get(fp, fp), entry, _fix(self.raw))
        elif rel == 1:
            if fp == "itunes_author" and self.kind == "rss":
                fp = "author"
            fp = _ALIASES.get(fp, fp)
            if text is None:
                value = None
            elif fp == "link" or (fp in ("guid", "id") and entry["guid_is_link"]):
                # feedparser joins a link with the base before it undoes UTF-8 read as Latin-1,
                # and the join drops tabs and newlines (urllib): in that order here too.
                raw = self.raw.strip()
                value = _fix(_join(self.bases[-1], raw)) if raw else ""
            else:
                value = _fix(self.raw)
            self._end_field(fp, entry, value)
        elif text is not None:
            if self.stack[self.entry_depth + 1] == "source":
                if entry.get("outlet") is None:
                    entry["outlet"] = _fix("".join(text))
            else:  # feedparser reads <name> and <email> as data, not text: stripped, no more
                self.person[fp] = "".join(text).strip()

    def _end_field(self, fp: str, entry: dict, value: str | None) -> None:
        if value is None:
            if fp == "author" and self.kind == "atom":
                entry["author"] = self._end_person(entry["authors"])
            return
        if fp == _LOOSE_TITLE:
            if not entry["title_locked"]:
                entry["title"] = value
                entry["title_detail"] = {"type": self._guessed_type()}
        elif fp == "title":
            if not entry["title_locked"]:  # feedparser keeps the first non-empty title
                entry["title"] = value
                entry["title_detail"] = {"type": self._guessed_type()}
                entry["title_locked"] = bool(value)
        elif fp == "link":
            if value:
                value = _join(self.bases[-1], value)
            entry["link"] = _LINK_FIX.sub(r"&\g<1>", value)
            entry["link_set"] = True
        elif fp in ("guid", "id"):
            if entry["guid_is_link"] and value:
                value = _join(self.bases[-1], value)
            entry["id"] = value
            if entry["guid_is_link"] and not entry["link_set"]:
                entry["link"] = value
                entry["link_set"] = True
        elif fp in ("description", "summary"):
            if entry.get("summary") is not None and not entry["has_content"]:
                self._content(entry, value)  # feedparser reads a second one as content
            else:
                entry["summary"] = value
                entry["summary_detail"] = {"type": self._guessed_type()}
        elif fp in ("content", "content_encoded"):
            self._content(entry, value)
        elif fp in _PUBLISHED:
            entry["published_parsed"] = _date(value)
        elif fp in _UPDATED:
            entry["updated_parsed"] = _date(value)
        elif fp == "created":
            entry["created_parsed"] = _date(value)
        elif fp in ("author", "dc_creator", "dc_author"):
            entry["author"] = value[:1000]  # parse.PERSON_INPUT_LIMIT, as feedparser is patched
        elif fp == "source":
            entry["source"] = {"title": value}

    def _content(self, entry: dict, value: str) -> None:
        entry["has_content"] = True
        entry["content"].append({"value": value, "type": self._guessed_type()})
        if self.ctype == "text/plain" or self.ctype in _HTML_TYPES:  # by the type before the guess
            entry.setdefault("summary", value)  # and with no summary_detail, as feedparser's _save

    def _end_person(self, authors: list) -> str:
        """The Atom <author> just read, added to `authors` ({name, email}, as feedparser's
        patched in parse.py); -> feedparser's author string for it."""
        name, email, text = self.person["name"], self.person["email"], self.person["text"]
        self.person = None
        own = _fix("".join(text))[:1000]
        authors.append({"name": name, "email": email, "text": own})
        if len(authors) > 1 and any(a["text"] and not (a["name"] or a["email"]) for a in authors):
            raise NotSimple("one of several authors named by its text")  # feedparser splits it
        return f"{name} ({email})" if name and email else name or email or own

    def _guessed_type(self) -> str:
        """feedparser's type for the text just read: outside Atom, "text/plain" becomes
        "text/html" when the text looks like HTML."""
        if (self.ctype == "text/plain" and self.kind == "rss" and ("</" in self.raw or "&" in self.raw)
                and _FP.looks_like_html(self.raw.strip())):  # it needs a closing tag or an entity
            return "text/html"
        return self.ctype

    def _finish(self, entry: dict) -> dict:
        if "outlet" in entry:
            entry["source"] = {"title": entry.pop("outlet") or ""}
        if entry["title"] is None:
            del entry["title"]
        return entry

    def _name(self, name: str) -> str:
        """feedparser's name for an element: its namespace's usual prefix, '_', the local
        name in lower case (Atom and RSS elements unprefixed)."""
        parts = name.split(" ")
        if len(parts) == 1:
            return name.lower()
        prefix = _PREFIXES.get(parts[0].lower())
        if prefix is None:
            prefix = parts[2] if len(parts) == 3 else ""
        local = parts[1].lower()
        return f"{prefix.lower()}_{local}" if prefix else local


def read(body: bytes, content_type: str, url: str) -> tuple[dict, list[dict]]:
    """-> (the feed's title and title_detail, its entries, as feedparser-like dicts), or
    NotSimple."""
    encoding = check_encoding(body, content_type)
    if encoding is not None:
        # feedparser decodes the bytes with it, encodes them as UTF-8 and reads them so, as
        # a UTF-8 document (mixin.py's fixes included): here too, or it is feedparser's when
        # they do not decode, which it reports.
        try:
            body = body.decode(encoding).encode("utf-8")
        except (LookupError, UnicodeError, ValueError) as e:
            raise NotSimple(f"encoding {encoding}: {type(e).__name__}") from None
    reader = _Reader(url)
    parser = expat.ParserCreate("utf-8", " ")
    parser.namespace_prefixes = True
    parser.buffer_text = True
    parser.buffer_size = 65536
    parser.StartElementHandler = reader.start
    parser.EndElementHandler = reader.end
    parser.CharacterDataHandler = reader.data
    parser.StartNamespaceDeclHandler = reader.namespace

    def doctype(*_args):
        raise NotSimple("a DOCTYPE")  # entity declarations and versions live there: feedparser's

    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = doctype
    try:
        parser.Parse(body, True)
    except expat.ExpatError as e:
        raise NotSimple(f"not well-formed: {e}") from None
    if reader.rdf and not reader.rdf_version:
        raise NotSimple("an rdf:RDF of no RSS version")
    reader.feed["version"] = "atom10" if reader.kind == "atom" else "rss"
    return reader.feed, reader.entries
