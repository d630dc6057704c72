"""tracker.feedgen's writers and synthetic items, plus the formats only the tests need."""

from __future__ import annotations

import json

from tracker.feedgen import (  # noqa: F401 - re-exported: the tests' one place for feed writers
    FeedItem,
    _attr,
    _cdata,
    _latest,
    _text,
    article_page,
    atom,
    off_story_items,
    rfc822,
    rfc3339,
    rss,
    story_items,
)


def rdf(items, title="Test feed", link="http://127.0.0.1/") -> bytes:
    """RSS 1.0. The item's ``rdf:about`` is its guid or link; ``source`` has no
    RSS 1.0 equivalent and is left out."""
    items = list(items)
    out = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"'
        ' xmlns="http://purl.org/rss/1.0/"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/"'
        ' xmlns:content="http://purl.org/rss/1.0/modules/content/">',
        f"<channel rdf:about={_attr(link)}>",
        f"<title>{_text(title)}</title>",
        f"<link>{_text(link)}</link>",
        f"<description>{_text(title)}</description>",
    ]
    latest = _latest(items)
    if latest is not None:
        out.append(f"<dc:date>{rfc3339(latest)}</dc:date>")
    abouts = [it.guid if it.guid is not None else it.link for it in items]
    out.append("<items><rdf:Seq>")
    out.extend(f"<rdf:li rdf:resource={_attr(a)}/>" for a in abouts if a is not None)
    out.append("</rdf:Seq></items>")
    out.append("</channel>")
    for it, about in zip(items, abouts):
        out.append(f"<item rdf:about={_attr(about)}>" if about is not None else "<item>")
        out.append(f"<title>{_text(it.title)}</title>")
        if it.link is not None:
            out.append(f"<link>{_text(it.link)}</link>")
        if it.published is not None:
            out.append(f"<dc:date>{rfc3339(it.published)}</dc:date>")
        if it.author is not None:
            out.append(f"<dc:creator>{_text(it.author)}</dc:creator>")
        if it.summary is not None:
            out.append(f"<description>{_text(it.summary)}</description>")
        if it.content is not None:
            out.append(f"<content:encoded>{_cdata(it.content)}</content:encoded>")
        out.append("</item>")
    out.append("</rdf:RDF>")
    return ("\n".join(out) + "\n").encode("utf-8")


def json_feed(items, title="Test feed", link="http://127.0.0.1/") -> bytes:
    """JSON Feed 1.1. ``summary`` is the item's content_html (it is HTML here), ``content``
    replaces it when given; ``source`` has no JSON Feed equivalent and is left out."""
    out = []
    for it in items:
        item: dict = {"id": it.guid if it.guid is not None else it.link or it.title, "title": it.title}
        if it.link is not None:
            item["url"] = it.link
        if it.published is not None:
            item["date_published"] = rfc3339(it.published)
        if it.author is not None:
            item["authors"] = [{"name": it.author}]
        html = it.content if it.content is not None else it.summary
        if html is not None:
            item["content_html"] = html
        out.append(item)
    doc = {"version": "https://jsonfeed.org/version/1.1", "title": title, "home_page_url": link, "items": out}
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")
