"""Property tests over the renderers: whatever string a feed (or a database written by another
program) holds, what reaches the screen or an exported file is inert text.

- TUI (tracker/tui/render.py): the Text built has exactly the cleaned input as its plain
  text, no style span, link or action (@click) that came from the input, no control character.
- Digests (tracker/digest.py): HTML parses to the same elements and attributes whatever the
  text (nothing in the text became markup) and links only to http(s); Markdown holds no raw
  HTML, images or links but the items' own; text and Markdown carry no control character.
"""

from __future__ import annotations

import json
import unicodedata
from datetime import date, datetime, timedelta, timezone
from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rich.console import Console
from rich.style import Style

from tracker.rows import FeedState, Item
from tracker.text import clean_text

render = pytest.importorskip("tracker.tui.render")
digest = pytest.importorskip("tracker.digest")

SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
NOW = datetime(2026, 2, 25, 18, 0, tzinfo=timezone.utc)

# Pieces hostile text is made of, mixed with arbitrary characters.
NASTY = ["\x1b[31m", "\x1b]52;c;ZXZpbA==\x07", "\x1b]8;;https://evil.example\x1b\\", "\x9b2J", "\x9d0;t\x9c",
         "\x1bc", "\x07", "\x00", "\x7f", "\u202e", "\u2066", "\u200b", "\ufeff", "\u2028", "\r\n", "\t",
         "[bold]", "[/]", "[@click=app.quit]", "[link=https://evil.example]", "[on red]", "Array[0]", "\\[", "]",
         "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", '"><svg onload=alert(1)>', "&lt;b&gt;",
         "&amp;", "javascript:alert(1)", "](javascript:alert(1))", "![x](http://evil.example/i.png)", "<http://e.x>",
         "`", "*", "_", "#", "> ", "- ", "1. ", "|", "~~", "$", "{", "}", "<!--", "-->", "]]>", "'", '"', "\n"]
hostile = st.lists(st.one_of(st.sampled_from(NASTY), st.text(max_size=8)), max_size=12).map("".join)


def controls(text: str, allow_newline: bool = False) -> list[str]:
    return [f"U+{ord(c):04X}" for c in text
            if not (allow_newline and c == "\n") and unicodedata.category(c) in ("Cc", "Cf", "Cs", "Zl", "Zp")]


def assert_inert(text, styles_allowed: set) -> None:
    """A rich Text: no control character, and no style that carries a link or an action, nor
    any style but the renderer's own."""
    assert not controls(text.plain), (text.plain, controls(text.plain))
    console = Console(width=300, force_terminal=True, color_system="truecolor", legacy_windows=False)
    for segment in text.render(console):
        style = segment.style
        if style is None:
            continue
        assert not style.link and not style.meta, style  # OSC 8 links, @click actions
    for span in text.spans:
        assert str(span.style) in styles_allowed or span.style in styles_allowed, span


# ------------------------------------------------------------------ TUI

@SETTINGS
@given(hostile, st.integers(min_value=1, max_value=120))
def test_cut_is_the_cleaned_text_cut_to_width(s, width):
    text = render.cut(s, width, "bold")
    cleaned = clean_text(s)
    assert_inert(text, set())
    assert text.style == "bold" and not text.spans
    assert text.cell_len <= width
    if render.Text(cleaned).cell_len <= width:
        assert text.plain == cleaned
    else:
        assert text.plain.endswith("…")
        assert cleaned.startswith(text.plain[:-1].rstrip())  # a cut wide character leaves a pad space


@SETTINGS
@given(hostile)
def test_cut_to_no_width_is_empty(s):
    assert render.cut(s, 0).plain == ""


@SETTINGS
@given(hostile)
def test_plain_para_and_cell(s):
    cleaned = clean_text(s)
    assert render.plain(s) == cleaned
    for text in (render.para(s), render.cell(s), render.cell(s, 20)):
        assert_inert(text, set())
        assert not text.spans
    assert render.para(s).plain == cleaned


ROW_STYLES = render.RowStyles()
OWN = {str(v) for v in vars(ROW_STYLES).values()} | set(vars(ROW_STYLES).values())


def row(title, outlet, feeds, summary="", author="", link=None) -> Item:
    return Item(id=1, title=title, outlet=outlet, feeds=tuple(feeds), summary=summary, author=author,
                link=link, published="2026-02-25T17:00:00Z", dated=1, read=0, starred=1,
                matched=("Anthropic", "[bold]x"), updated=None)


@SETTINGS
@given(hostile, hostile, st.lists(hostile, max_size=3), st.integers(min_value=30, max_value=200), st.booleans())
def test_item_row(title, outlet, feeds, width, new):
    text = render.item_row(row(title, outlet, feeds), now=NOW, width=width, new=new)
    assert_inert(text, OWN)
    assert text.cell_len <= width
    assert clean_text(title)[:5] in text.plain or text.plain.endswith("…") or not clean_text(title)


@SETTINGS
@given(hostile, st.integers(min_value=0, max_value=29))
def test_item_row_in_a_narrow_list_still_fits(title, width):
    assert render.item_row(row(title, "Reuters", []), now=NOW, width=width).cell_len <= width


@SETTINGS
@given(hostile, hostile, hostile, hostile, st.lists(hostile, max_size=3), hostile)
def test_item_detail(title, outlet, summary, author, feeds, link):
    meta, label = Style(dim=True), Style(bold=True)
    text = render.item_detail(row(title, outlet, feeds, summary, author, link), now=NOW, meta=meta, label=label)
    assert not controls(text.plain, allow_newline=True)
    console = Console(width=300, force_terminal=True)
    for segment in text.render(console):
        assert segment.style is None or not (segment.style.link or segment.style.meta)
    for span in text.spans:
        assert span.style in (meta, label, Style(bold=True)), span
    assert clean_text(title) in text.plain and clean_text(summary) in text.plain


@SETTINGS
@given(st.lists(hostile, max_size=5), st.integers(min_value=1, max_value=50))
def test_arrival_toasts(titles, count):
    title, message = render.arrivals(titles, count)
    assert not controls(title) and not controls(message, allow_newline=True)


@SETTINGS
@given(st.lists(hostile, min_size=1, max_size=4), st.integers(min_value=20, max_value=200))
def test_status_line_names_feeds_inertly(names, width):
    feeds = [FeedState(n, "https://feed.test/", failures=i % 2, gone=0, last_ok="2026-02-25T17:00:00Z",
                       last_poll="2026-02-25T17:00:00Z") for i, n in enumerate(names)]
    ok, bad, dim = Style(color="green"), Style(color="red"), Style(dim=True)
    text = render.status_line(feeds, now=NOW, polling=names, frame=3, next_poll=NOW + timedelta(minutes=5),
                              width=width, ok=ok, bad=bad, dim=dim)
    assert_inert(text, {ok, bad, dim})
    assert text.cell_len <= width


# ------------------------------------------------------------------ digests
TZ = timezone(timedelta(hours=-5), "EST")
WHEN = datetime(2026, 2, 25, 13, 0, tzinfo=TZ)


def make_digest(texts: list[str], links: list[str | None], by_development: bool = False) -> "digest.Digest":
    t = (texts * 8)[:8]
    items = tuple(digest.DigestItem(ids=(n + 1,), time=WHEN - timedelta(minutes=n), title=t[n % 8],
                                    link=links[n % len(links)] if links else None, summary=t[(n + 1) % 8],
                                    outlets=(t[(n + 2) % 8], "Reuters"), feeds=(t[(n + 3) % 8],),
                                    starred=n == 0, read=False) for n in range(3))
    deadline = digest.DeadlineStatus(label=t[4], at=WHEN + timedelta(days=2), timezone="America/New_York",
                                     note=t[5], status="in 2 days", passed=False)
    return digest.Digest(
        story=t[6], created=WHEN, timezone="America/New_York", scope="range", description=t[7], start=WHEN,
        end=WHEN, previous=None, through_item=3, include_read=True, starred_only=False, deadlines=(deadline,),
        items=3, entries=3, outlets=2, new=3, days=(digest.Day(date=date(2026, 2, 25), items=items),),
        per_day=(digest.DayCount(date(2026, 2, 24), 2, 0), digest.DayCount(date(2026, 2, 25), 3, 3)),
        empty=None, continues=False,
        developments=(digest.DigestDevelopment(id=1, headline=t[1], link=links[-1] if links else None, first=items[-1].time,
                                               last=items[0].time, outlets=(t[2], "Reuters"), reports=items[::-1],
                                               starred=True),
                      digest.DigestDevelopment(id=2, headline=t[0], link=None, first=WHEN, last=WHEN,
                                               outlets=(t[3],), reports=items[:1], starred=False)) if by_development else ())


class Structure(HTMLParser):
    """Every element and attribute name, and every href, in document order."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.shape: list = []
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.shape.append((tag, tuple(name for name, _ in attrs)))
        self.hrefs += [value for name, value in attrs if name in ("href", "src", "xlink:href", "action")]

    def handle_endtag(self, tag):
        self.shape.append(("/" + tag,))

    def handle_comment(self, data):
        self.shape.append(("<!--",))

    def handle_decl(self, decl):
        self.shape.append(("<!" + decl.split()[0],))

    def handle_pi(self, data):
        self.shape.append(("<?",))


def structure(html: str) -> Structure:
    p = Structure()
    p.feed(html)
    p.close()
    return p


LINKS = st.lists(st.one_of(st.none(), hostile, st.sampled_from([
    "https://news.example/a?b=1&c=2", "http://x.test/\"><script>", "javascript:alert(1)",
    "https://news.example/a b", "data:text/html,<script>", "https://e.example/(x)<y>"])), min_size=1, max_size=3)


@SETTINGS
@given(st.lists(hostile, min_size=1, max_size=8), LINKS)
def test_html_digest_has_no_markup_from_the_text(texts, links):
    from tracker.text import safe_link

    html = digest.render_html(make_digest(texts, links))
    # the same digest with harmless words (empty where the text is: empty fields drop elements)
    # (the renderer cleans every string first, so "empty" and "a link" are judged after cleaning)
    benign = digest.render_html(make_digest(["plain words" if clean_text(t) else "" for t in texts],
                                            ["https://ok.example/x" if u and safe_link(clean_text(u)) else None
                                             for u in links]))
    got, want = structure(html), structure(benign)
    assert got.shape == want.shape, "the text added or removed elements or attributes"
    assert all(h.startswith(("http://", "https://")) for h in got.hrefs)


@SETTINGS
@given(st.lists(hostile, min_size=1, max_size=8), LINKS)
def test_digests_carry_no_control_characters(texts, links):
    d = make_digest(texts, links)
    for out in (digest.render_text(d), digest.render_markdown(d), digest.render_html(d)):
        assert not controls(out, allow_newline=True), controls(out, allow_newline=True)[:5]


@SETTINGS
@given(st.lists(hostile.map(clean_text), min_size=1, max_size=8), LINKS)
def test_digests_of_stored_text_carry_no_control_characters(texts, links):
    """What the store holds (clean_text'd): no renderer adds a control character of its own."""
    d = make_digest(texts, links)
    for out in (digest.render_text(d), digest.render_markdown(d), digest.render_html(d)):
        assert not controls(out, allow_newline=True), controls(out, allow_newline=True)[:5]
    json.loads(digest.render_json(d))


@SETTINGS
@given(st.lists(hostile, min_size=1, max_size=8), LINKS)
def test_markdown_digest_has_no_markup_from_the_text(texts, links):
    from markdown_it import MarkdownIt
    from tracker.text import safe_link

    d = make_digest(texts, links)
    tokens = MarkdownIt("commonmark").parse(digest.render_markdown(d))
    flat = [t for tok in tokens for t in [tok, *(tok.children or [])]]
    assert not [t for t in flat if t.type in ("html_inline", "html_block", "image")]
    hrefs = [t.attrs.get("href") for t in flat if t.type == "link_open"]
    wanted = [safe_link(i.link) for day in d.days for i in day.items if safe_link(i.link)]
    assert len(hrefs) == len(wanted)
    assert all(h.startswith(("http://", "https://")) for h in hrefs)


@settings(SETTINGS, max_examples=50)  # four renders each: kept under the 2 s of a fast test
@given(st.lists(hostile, min_size=1, max_size=8), LINKS)
def test_digests_by_development_carry_no_markup_or_control_characters_from_the_text(texts, links):
    from markdown_it import MarkdownIt

    d = make_digest(texts, links, by_development=True)
    md = digest.render_markdown(d)
    assert "### " in md  # by development, not the days' list
    flat = [t for tok in MarkdownIt("commonmark").parse(md) for t in [tok, *(tok.children or [])]]
    assert not [t for t in flat if t.type in ("html_inline", "html_block", "image")]
    assert all(t.attrs.get("href", "").startswith(("http://", "https://")) for t in flat if t.type == "link_open")
    html = structure(digest.render_html(d))
    tags = {shape[0].lstrip("/") for shape in html.shape} - {"<!DOCTYPE"}
    assert tags <= {"html", "head", "meta", "title", "style", "body", "main", "header", "h1", "h2", "h3", "p", "ul",
                    "li", "b", "br", "span", "time", "section", "article", "ol", "a", "div", "footer", "small",
                    "figure", "svg", "line", "text", "rect", "figcaption"}, tags
    assert all(h.startswith(("http://", "https://")) for h in html.hrefs)
    for out in (digest.render_text(d), md, digest.render_html(d), digest.render_json(d)):
        assert not controls(out, allow_newline=True), controls(out, allow_newline=True)[:5]
