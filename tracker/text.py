"""The one normaliser for untrusted feed text.

Everything a feed supplies (titles, summaries, authors, links) passes through here before it
is stored, so the rest of the program can assume plain, single-line text with no terminal
escapes, control, bidi or invisible characters. Markup such as ``[bold]`` is deliberately
left alone: it is ordinary text here, and escaping it is each renderer's job.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from html import unescape
from html.parser import HTMLParser
from urllib.parse import urlsplit

__all__ = ["clean_text", "html_to_text", "safe_link"]

ELLIPSIS = "…"
MAX_INPUT = 1_000_000  # characters; beyond this a feed is hostile or broken, not informative
MAX_URL = 2048

# Whole escape sequences, so their parameters ("31m", "52;c;ZXZpbA==") don't survive as text
# once the ESC itself is gone. 8-bit string forms (U+0090/98/9D/9E/9F) must be terminated to
# count: those code points also turn up in mis-decoded cp1252 text, and an unterminated one
# there is a stray character, not the start of a payload that should swallow the title.
_ESCAPES = re.compile(
    r"\x1b[\]PX^_][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"  # OSC, DCS, SOS, PM, APC
    r"|[\x90\x98\x9d\x9e\x9f][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)"
    r"|(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]"  # CSI
    r"|\x1b[ -/]*[0-~]"  # everything else: ESC c, ESC 7, ESC ( B, ...
)


def _invisible_class() -> str:
    """A regex character class of everything clean_text deletes outright.

    Controls that Python counts as whitespace (\\t, \\n, \\x1c-\\x1f, \\x85 ...) are not in it:
    they become spaces instead, so "a\\nb" reads "a b", not "ab".
    """
    controls = (c for c in range(0xA0)
                if unicodedata.category(chr(c)) == "Cc" and not chr(c).isspace())
    # Format characters only exist in planes 0, 1 and 14; scanning just those keeps import
    # cheap (~20 ms instead of ~100 ms). tests/test_text.py checks the whole range.
    formats = (c for c in itertools.chain(range(0x20000), range(0xE0000, 0xF0000))
               if unicodedata.category(chr(c)) == "Cf")
    surrogates = range(0xD800, 0xE000)  # lone ones can't even be encoded as UTF-8
    nonchars = itertools.chain(range(0xFDD0, 0xFDF0),
                               *((p + 0xFFFE, p + 0xFFFF) for p in range(0, 0x110000, 0x10000)))
    ranges: list[list[int]] = []
    for c in sorted(set(itertools.chain(controls, formats, surrogates, nonchars))):
        if ranges and ranges[-1][1] == c - 1:
            ranges[-1][1] = c
        else:
            ranges.append([c, c])
    return "[" + "".join(f"\\U{a:08x}-\\U{b:08x}" for a, b in ranges) + "]"


class _LazyRegex:
    """A regex compiled at its first use. Building _INVISIBLE's class scans ~200,000 code
    points (~18 ms): every `tracker` command imports this module, and most never need it."""

    def __init__(self, build) -> None:
        self._build, self._regex = build, None

    def __getattr__(self, name: str):
        if self._regex is None:
            self._regex = self._build()  # two threads may both build it: the same regex either way
        return getattr(self._regex, name)


_INVISIBLE = _LazyRegex(lambda: re.compile(_invisible_class()))
_WHITESPACE = re.compile(r"\s")


def clean_text(s: str | None, limit: int | None = None) -> str:
    """One line of plain, printable text; at most `limit` characters, ending in '…' if cut."""
    if not s:
        return ""
    s = " ".join(s[:MAX_INPUT].split())
    # Once whitespace is folded, a printable string has nothing left to remove, and
    # isprintable() is a C scan ~50x cheaper than the regexes, so most text skips them.
    # Folding before stripping escapes is harmless: a sequence's whitespace stays inside it.
    if not s.isprintable():
        s = " ".join(_INVISIBLE.sub("", _ESCAPES.sub("", s)).split())
    if not s.isascii():
        s = unicodedata.normalize("NFC", s)  # never introduces controls or whitespace
    if limit is None or len(s) <= limit:
        return s
    return _truncate(s, limit)


def _truncate(s: str, limit: int) -> str:
    if limit < 1:
        return ""
    cut = s[: limit - 1]
    space = cut.rfind(" ")
    # Back up to the last word boundary unless the cut already falls on one, or backing up
    # would throw away more than half of what fits (one enormous "word").
    if s[len(cut)] != " " and space > len(cut) // 2:
        cut = cut[:space]
    return cut.rstrip() + ELLIPSIS


# Elements whose content is never meant to be read as text.
_HIDDEN = frozenset({"script", "style", "iframe", "noscript", "template", "object", "svg", "head"})
# Elements that separate words on screen, so "<p>a</p><p>b</p>" reads "a b", not "ab".
_BLOCKS = frozenset({
    "address", "article", "aside", "blockquote", "br", "caption", "dd", "details", "div", "dl",
    "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5",
    "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "summary", "table",
    "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
})


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0  # depth inside _HIDDEN elements; a counter copes with nesting

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in _HIDDEN:
            self.hidden += 1
        elif tag in _BLOCKS:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            self.hidden = max(0, self.hidden - 1)  # a stray </script> must not unhide text
        elif tag in _BLOCKS:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


# The fast path of html_to_text. html.parser is pure Python (~200 us for a 1.5 KB summary,
# a third of a poll's parse time); most feed HTML is nothing but plain tags, and for those a
# regex finds the same tags ~10x faster. "Plain" is kept narrow enough that every Python's
# html.parser reads it alike: a name of letters and digits; attributes name=value with no
# spaces around "=" (3.13+ reads `a = "b"` differently) and no "/" in a bare value; HTML
# whitespace only. Anything else -- a "<" that opens no such tag, comments, declarations,
# the elements some versions read raw (_RAW) -- goes to html.parser as before.
# tests/test_text_fast.py checks that the two agree.
_SIMPLE_TAG = re.compile(
    r"<(?:([a-zA-Z][a-zA-Z0-9]*)"
    r"(?:[ \t\n\r\f]+[a-zA-Z_:][-a-zA-Z0-9_:.]*(?:=(?:\"[^\"]*\"|'[^']*'|[^\s\"'=<>`/]+))?)*"
    r"[ \t\n\r\f]*(/?)>"
    r"|/([a-zA-Z][a-zA-Z0-9]*)[ \t\n\r\f]*>)")
_RAW = frozenset({"xmp", "iframe", "noembed", "noframes", "noscript", "plaintext", "textarea", "title"})
# <script> and <style> are common enough to keep fast: their content is raw text to the
# first "</script" (any case, any spaces after "</" in older Pythons), which every version
# agrees on when it is spelled "</script>" (spaces before ">" allowed) and no "<!--" comes
# first (HTML5's escaped script states). Otherwise, html.parser.
_RAW_FAST = {tag: (re.compile(rf"</\s*{tag}", re.I), f"</{tag}") for tag in ("script", "style")}
_RAW_CLOSE = re.compile(r"[ \t\n\r\f]*>")


def _plain_tags_text(s: str) -> str | None:
    """What _TextExtractor would collect from s, or None when s is not plain tags only."""
    parts: list[str] = []
    hidden = 0
    pos = 0
    while True:
        lt = s.find("<", pos)
        text = s[pos:] if lt < 0 else s[pos:lt]
        if text and not hidden:
            parts.append(unescape(text) if "&" in text else text)
        if lt < 0:
            return "".join(parts)
        m = _SIMPLE_TAG.match(s, lt)
        if m is None:
            return None
        start, closed, end = m.groups()
        pos = m.end()
        tag = (start or end).lower()
        if tag in _RAW:
            return None
        if tag in _RAW_FAST:
            if not start or closed:
                return None
            find, spelled = _RAW_FAST[tag]
            close = find.search(s, pos)
            if (close is None or s[close.start():close.end()].lower() != spelled
                    or "<!--" in s[pos:close.start()]):
                return None
            after = _RAW_CLOSE.match(s, close.end())
            if after is None:
                return None
            pos = after.end()  # script and style are _HIDDEN: their content is dropped
            continue
        if start:
            if tag in _HIDDEN:
                hidden += 1
            elif tag in _BLOCKS:
                parts.append(" ")
        if end or closed:  # <br/>: html.parser reports a start tag and then an end tag
            if tag in _HIDDEN:
                hidden = max(0, hidden - 1)
            elif tag in _BLOCKS:
                parts.append(" ")


# html.parser rescans to the end of its input for every "<" that never closes, every "<!--"
# with no "-->" after it and every "<![" with no "]]>" after it: quadratic, so 20 KB of "<a/"
# took 8 s and a 1 MB summary would hold a parse worker for hours. Such a "<" can open
# nothing, so it is made text ("&lt;") first; one linear pass each.
_UNCLOSED_LT = re.compile(r"<(?=[^<>]*(?:<|\Z))")
_SECTION_END = re.compile(r"\]\s*\]\s*>")


def _unclosable_as_text(s: str) -> str:
    s = _UNCLOSED_LT.sub("&lt;", s)
    end = s.rfind("-->")
    if s.find("<!--", end + 1) >= 0:
        s = s[:end + 1] + s[end + 1:].replace("<!--", "&lt;!--")
    end = max((m.end() for m in _SECTION_END.finditer(s)), default=0)
    if s.find("<![", end) >= 0:
        s = s[:end] + s[end:].replace("<![", "&lt;![")
    return s


def html_to_text(html: str | None, limit: int | None = None) -> str:
    """The readable text of an HTML fragment, through clean_text. Never raises."""
    if not html:
        return ""
    s = html[:MAX_INPUT]
    if "<" not in s:
        # No tags, so the parser would only decode entities; skip it.
        return clean_text(unescape(s) if "&" in s else s, limit)
    text = _plain_tags_text(s)
    if text is not None:
        return clean_text(text, limit)
    parser = _TextExtractor()
    try:
        parser.feed(_unclosable_as_text(s))
        parser.close()
    except Exception:
        # html.parser has raised on pathological markup in some Python releases. Keep what
        # was extracted before the failure rather than fall back to text that may include
        # script bodies.
        pass
    return clean_text("".join(parser.parts), limit)


# An http(s) URL of printable ASCII with a plain host: nearly every link, and one the checks
# below would pass unchanged but for the scheme's case; ~10x faster than urlsplit.
_PLAIN_LINK = re.compile(r"(https?)://[a-z0-9.-]+(?::([0-9]{1,5}))?(?:[/?#][!-~]*)?", re.I | re.A)


def safe_link(url: str | None) -> str | None:
    """`url` if it is an absolute http(s) URL with a host, else None."""
    if not url:
        return None
    url = url.strip()
    m = _PLAIN_LINK.fullmatch(url)
    if m and len(url) <= MAX_URL and (m[2] is None or int(m[2]) <= 65535):
        return m[1].lower() + url[len(m[1]):]
    return _checked_link(url)


def _checked_link(url: str) -> str | None:
    url = _INVISIBLE.sub("", url)
    if not url or len(url) > MAX_URL or _WHITESPACE.search(url):
        return None
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a malformed port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    # Userinfo has no place in an article link and is the classic disguise:
    # https://trusted.example@evil.example/ goes to evil.example.
    if scheme not in ("http", "https") or not parts.hostname or "@" in parts.netloc:
        return None
    return scheme + url[len(parts.scheme):]
