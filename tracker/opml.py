"""OPML, the subscription list every feed reader imports and exports.

Reading: an OPML file comes from elsewhere and is untrusted. It is parsed with expat
directly, refusing any DOCTYPE (so no entity can expand into gigabytes or read a local
file), with a size cap. Every outline with an xmlUrl (newsboat also accepts `url`) is a
feed, at any depth: category outlines (miniflux, Feedly, Thunderbird) are flattened.

Writing: OPML 2.0, one outline per feed, built with ElementTree so every attribute is escaped.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from email.utils import format_datetime
from pathlib import Path
from typing import Iterable
from xml.parsers import expat

from .errors import TrackerError
from .text import clean_text

MAX_BYTES = 5 * 1024 * 1024  # a subscription list of tens of thousands of feeds fits


class OPMLError(TrackerError):
    """The file is not OPML tracker can read; the message says why."""


@dataclass(frozen=True)
class Outline:
    url: str  # as written: the caller decides which URLs it accepts
    title: str  # may be empty
    category: str = ""  # the enclosing outlines' names, "News/Defence"


def _refuse(*_args):
    raise OPMLError("the file declares a DOCTYPE or entities, which OPML never needs; refusing to read it")


def parse(data: bytes, source: str = "the file") -> list[Outline]:
    if len(data) > MAX_BYTES:
        raise OPMLError(f"{source} is larger than {MAX_BYTES // (1024 * 1024)} MB; not a subscription list")
    parser = expat.ParserCreate()
    for handler in ("StartDoctypeDeclHandler", "EntityDeclHandler", "UnparsedEntityDeclHandler",
                    "ExternalEntityRefHandler"):
        setattr(parser, handler, _refuse)
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)

    found: list[Outline] = []
    stack: list[str | None] = []  # per open element: the category name it adds, if any
    root: list[str] = []

    def start(name, attrs):
        if not root:
            root.append(name)
        if name != "outline":
            stack.append(None)
            return
        url = (attrs.get("xmlUrl") or attrs.get("xmlurl") or attrs.get("url") or "").strip()
        title = clean_text(attrs.get("title") or attrs.get("text") or "", 200)
        if url:
            found.append(Outline(url, title, "/".join(c for c in stack if c)))
            stack.append(None)
        else:
            stack.append(title or None)

    parser.StartElementHandler = start
    parser.EndElementHandler = lambda name: stack.pop()
    try:
        parser.Parse(data, True)
    except expat.ExpatError as e:
        raise OPMLError(f"{source} is not well-formed XML: {e}") from None
    if root[:1] != ["opml"]:
        raise OPMLError(f"{source} is not OPML (its root element is <{root[0] if root else '?'}>)")
    return found


def read(path: str | Path) -> list[Outline]:
    path = Path(path)
    try:
        with path.open("rb") as f:
            data = f.read(MAX_BYTES + 1)
    except OSError as e:
        raise OPMLError(f"cannot read {path}: {e.strerror or e}") from None
    return parse(data, str(path))


def render(title: str, feeds: Iterable[tuple[str, str]], now=None) -> str:
    """OPML 2.0 for (name, url) pairs. `text` and `title` both carry the name: readers differ
    in which one they show."""
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = title
    if now is not None:
        ET.SubElement(head, "dateCreated").text = format_datetime(now)
    ET.SubElement(head, "docs").text = "https://opml.org/spec2.opml"
    body = ET.SubElement(root, "body")
    for name, url in feeds:
        ET.SubElement(body, "outline", type="rss", text=name, title=name, xmlUrl=url)
    ET.indent(root, space="  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
