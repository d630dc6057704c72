"""Hostile feed content end to end: what a stranger writes in a feed reaches the terminal,
the JSON and the database only as inert, printable, size-limited text, and links only as
http(s) or null.

Three feeds carry it: RSS and Atom written by feedgen (well-formed, read by the strict XML
parser; XML cannot carry ESC or most C0 bytes, so there only C1, bidi, zero-width and the
remains of 7-bit sequences arrive), and one written by hand with raw ESC/NUL/BEL bytes that
make the XML malformed, so feedparser's loose parser reads it: a different path, and the one
where whole escape sequences arrive.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import unicodedata
from datetime import datetime, timedelta, timezone

import pytest

from tracker.cli import main
from tracker.feedgen import FeedItem, atom, rss
from tests.support.feedserver import FeedServer

from .conftest import write_config

T0 = datetime(2026, 2, 25, 9, 0, tzinfo=timezone.utc)
ON = "Anthropic Pentagon"  # every title is on the story, so the default listing shows it

ESC = "\x1b"
SEQUENCES = {
    "colour": f"{ESC}[31;1mRED{ESC}[0m",
    "clear screen": f"{ESC}[2J{ESC}[H{ESC}c",
    "OSC 52 clipboard": f"{ESC}]52;c;ZXZpbC1jbGlwYm9hcmQ={ESC}\\",
    "OSC 52 bel": f"{ESC}]52;p;ZXZpbC1iZWw=\x07",
    "OSC 8 link": f"{ESC}]8;;https://evil.example/osc8{ESC}\\click me{ESC}]8;;{ESC}\\",
    "title change": f"{ESC}]0;owned-window-title\x07",
    "8-bit CSI": "\x9b2J\x9b31m",
    "8-bit OSC": "\x9d52;c;ZXZpbC1jMQ==\x9c",
    "DCS": f"{ESC}Pq#0;2;0;0;0{ESC}\\",
    "C0": "a\x00b\x01c\x07d\x08e\x0bf\x0cg\x7fh",
    "C1": "i\x80j\x85k\x8dl\x9fm",
    "bidi": "\u202eevil\u202c \u2066iso\u2069 \u200fRLM \u061c",
    "zero width": "zero\u200bwidth\u200c\u200d\u2060\ufeffjoin",
    "line separators": "one\u2028two\u2029three\rfour\nfive",
}
MARKUP = ["[bold red]MARKUP[/]", "[@click=app.quit]CLICK[/]", "[link=https://evil.example/rich]LINK[/link]",
          "Array[0]", "[/]", "[", "\\[escaped]", "{$(rm -rf ~)}", "%s%n%x"]
BAD_LINKS = [
    "javascript:alert('js-link')", "JaVaScRiPt:alert(1)", " javascript:alert(2)", "java\tscript:alert(3)",
    "java\x00script:alert(4)", "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==", "file:///etc/passwd",
    "vbscript:msgbox(1)", "//evil.example/protocol-relative", "https://trusted.example@evil.example/userinfo",
    "http://", "about:blank", "ftp://files.example/x", "https://exa mple.com/space",
    f"https://evil.example/{ESC}]8;;x{ESC}\\",
]
HTML_SUMMARY = (
    "<p>Before</p><script>alert('SCRIPT-BODY')</script>"
    "<iframe src='https://evil.example/frame'>IFRAME-BODY</iframe>"
    "<style>body { background: url(javascript:alert('CSS-BODY')) }</style>"
    "<img src=x onerror=\"alert('ONERROR-ATTR')\"><a href=\"javascript:alert('HREF')\" onclick=\"alert('ONCLICK')\">link</a>"
    "<svg onload=alert('SVG')><text>SVG-BODY</text></svg><object data='x'>OBJECT-BODY</object>"
    "<div style=\"position:fixed;top:0\">After</div>"
)
HIDDEN_MARKERS = ["SCRIPT-BODY", "IFRAME-BODY", "CSS-BODY", "ONERROR", "ONCLICK", "HREF", "SVG-BODY",
                  "OBJECT-BODY", "alert(", "position:fixed", "TITLE-ATTR", "TITLE-SCRIPT"]
# Text that only exists inside an ESC-introduced sequence: once the sequence is removed whole,
# none of it may remain. (8-bit forms are not listed: feedparser maps C1 code points to their
# cp1252 look-alikes, which leaves the payload as plain, inert text.)
PAYLOAD_MARKERS = ["ZXZpbC1jbGlwYm9hcmQ", "ZXZpbC1iZWw", "owned-window-title", "evil.example/osc8", "#0;2;0;0;0"]


def hostile_items() -> list[FeedItem]:
    items = []
    for n, (name, seq) in enumerate(SEQUENCES.items()):
        items.append(FeedItem(f"{ON} {name}: before {seq} after", link=f"http://hostile.test/s{n}", guid=f"s{n}",
                              published=T0 + timedelta(minutes=n), author=f"Author {seq}",
                              summary=f"Summary {seq} end"))
    for n, markup in enumerate(MARKUP):
        items.append(FeedItem(f"{ON} {markup}", link=f"http://hostile.test/m{n}", guid=f"m{n}",
                              published=T0 + timedelta(hours=1, minutes=n), author=markup, summary=markup))
    for n, link in enumerate(BAD_LINKS):
        items.append(FeedItem(f"{ON} bad link {n}", link=link, guid=f"l{n}", published=T0 + timedelta(hours=2, minutes=n)))
    items.append(FeedItem(f"{ON} huge " + "W" * 7 + " word " * 40_000, link="http://hostile.test/huge", guid="huge",
                          published=T0 + timedelta(hours=3), author="A" * 200_000, summary="S " * 200_000))
    items.append(FeedItem(f"{ON} html", link="http://hostile.test/html", guid="html", published=T0 + timedelta(hours=4),
                          summary=HTML_SUMMARY, content=HTML_SUMMARY))
    items.append(FeedItem(f"{ON} <b onmouseover=\"alert('TITLE-ATTR')\">bold</b> <script>alert('TITLE-SCRIPT')</script>",
                          link="http://hostile.test/title-html", guid="title-html", published=T0 + timedelta(hours=5)))
    return items


def raw_escape_feed() -> bytes:
    """Raw ESC, BEL and NUL bytes: not allowed in XML, so feedparser falls back to its loose parser."""
    items = "".join(
        f"<item><title>{ON} {name}: before {seq} after</title><link>http://raw.test/{n}</link><guid>r{n}</guid>"
        f"<author>{seq}</author><description>{seq}</description></item>"
        for n, (name, seq) in enumerate(SEQUENCES.items()))
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>Raw {SEQUENCES['title change']}</title>{items}</channel></rss>").encode("utf-8")


def bad_chars(text: str) -> list[str]:
    """Control, format (bidi, zero-width), surrogate characters: none may reach a terminal."""
    return [f"U+{ord(c):04X}" for c in text
            if c != "\n" and unicodedata.category(c) in ("Cc", "Cf", "Cs", "Zl", "Zp")]


def strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from strings(k)
            yield from strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from strings(v)


def run(args, capsys=None) -> str:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        assert main(args) == 0
    return out.getvalue() + err.getvalue()


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory):
    """One poll, shared by the tests that read its results: every command's output, captured."""
    tmp_path = tmp_path_factory.mktemp("hostile")
    with FeedServer() as server:
        server.set_feed("/rss.xml", rss(hostile_items()))
        server.set_feed("/atom.xml", atom(hostile_items()[:5]), content_type="application/atom+xml")
        server.set_feed("/raw.xml", raw_escape_feed())
        config = write_config(tmp_path, [("Hostile RSS", server.url("/rss.xml")),
                                         ("Hostile Atom", server.url("/atom.xml")),
                                         ("Raw bytes", server.url("/raw.xml"))])
        outputs = {"poll": run(["--config", str(config), "poll", "-q", "-v"])}
    base = ["--config", str(config)]
    outputs["items"] = run(base + ["items", "--all"])
    outputs["items --json"] = run(base + ["items", "--all", "--json"])
    outputs["feeds"] = run(base + ["feeds"])
    outputs["feeds --json"] = run(base + ["feeds", "--json"])
    outputs["search"] = run(base + ["items", "--all", "--search", "[bold] \x1b[2J javascript: \u202e"])
    return config, outputs


def test_no_output_carries_control_or_escape_characters(hostile_db):
    _, outputs = hostile_db
    for name, out in outputs.items():
        assert not bad_chars(out), (name, bad_chars(out)[:10])
        assert "\x1b" not in out and "\\u001b" not in out.lower()
        for marker in HIDDEN_MARKERS:
            assert marker not in out, (name, marker)


def test_json_values_are_clean_and_links_are_web_links_or_null(hostile_db):
    _, outputs = hostile_db
    items = json.loads(outputs["items --json"])
    # the Atom feed's items merge into the RSS ones (same links)
    assert len(items) == len(hostile_items()) + len(SEQUENCES)
    for value in strings(items):
        assert not bad_chars(value), (value[:80], bad_chars(value)[:5])
    for item in items:
        assert item["link"] is None or re.fullmatch(r"https?://[^\s@/]+(/\S*)?", item["link"]), item["link"]
    bad = {int(i["title"].rsplit(" ", 1)[1]): i["link"] for i in items if " bad link " in i["title"]}
    assert len(bad) == len(BAD_LINKS)
    # feedparser resolves "//host/x" and "http://" against the feed's address, which leaves
    # ordinary http links; the ESC of the last one cannot travel in XML, leaving an inert
    # https link. Every other one is no web link at all.
    web = {BAD_LINKS.index(x) for x in ("//evil.example/protocol-relative", "http://", BAD_LINKS[-1])}
    assert {n: link for n, link in bad.items() if n not in web} == {n: None for n in bad if n not in web}
    for value in strings(json.loads(outputs["feeds --json"])):
        assert not bad_chars(value)


def test_text_survives_as_inert_characters(hostile_db):
    _, outputs = hostile_db
    items = {i["link"]: i for i in json.loads(outputs["items --json"]) if i["link"]}
    # markup is kept literally: it is text, and renderers escape it
    assert items["http://hostile.test/m1"]["title"] == f"{ON} [@click=app.quit]CLICK[/]"
    assert items["http://hostile.test/m0"]["summary"] == "[bold red]MARKUP[/]"
    # escape sequences vanish whole, the words around them stay
    raw = {name: items[f"http://raw.test/{n}"] for n, name in enumerate(SEQUENCES)}
    assert raw["colour"]["title"] == f"{ON} colour: before RED after"
    assert raw["clear screen"]["title"] == f"{ON} clear screen: before after"
    assert raw["OSC 52 clipboard"]["title"] == f"{ON} OSC 52 clipboard: before after"
    assert raw["OSC 52 bel"]["title"] == f"{ON} OSC 52 bel: before after"
    assert raw["OSC 8 link"]["title"] == f"{ON} OSC 8 link: before click me after"
    assert raw["title change"]["title"] == f"{ON} title change: before after"
    assert raw["DCS"]["title"] == f"{ON} DCS: before after"
    assert raw["zero width"]["title"] == f"{ON} zero width: before zerowidthjoin after"
    assert raw["colour"]["author"] == "RED" and raw["colour"]["summary"] == "RED"
    for item in raw.values():
        for value in (item["title"], item["summary"], item["author"]):
            assert not any(marker in value for marker in PAYLOAD_MARKERS), value
    assert items["http://hostile.test/s13"]["title"] == f"{ON} line separators: before one two three four five after"
    assert items["http://hostile.test/s11"]["title"] == f"{ON} bidi: before evil iso RLM after"
    html = items["http://hostile.test/html"]["summary"]
    assert html.startswith("Before") and html.endswith("After") and "link" in html
    assert items["http://hostile.test/title-html"]["title"] == f"{ON} bold"


def test_huge_fields_are_cut(hostile_db):
    _, outputs = hostile_db
    [huge] = [i for i in json.loads(outputs["items --json"]) if i["link"] == "http://hostile.test/huge"]
    assert len(huge["title"]) <= 400 and huge["title"].endswith("…")
    assert len(huge["summary"]) <= 1200 and len(huge["author"]) <= 120
    assert max(len(line) for line in outputs["items"].splitlines()) < 500


def test_the_database_holds_only_clean_text(hostile_db):
    from tracker.config import load
    from tracker.store import Store
    config, _ = hostile_db
    store = Store.open(load(config).database_path)
    try:
        for table, columns in {"items": "title, summary, author, outlet, link, canonical",
                               "feeds": "title, last_error", "item_feeds": "entry_id"}.items():
            for row in store.execute(f"SELECT {columns} FROM {table}"):
                for value in row:
                    if isinstance(value, str):
                        assert not bad_chars(value), (table, value[:80])
                        assert all(m not in value for m in HIDDEN_MARKERS), (table, value[:80])
    finally:
        store.close()


def test_hostile_error_text_from_a_server_is_cleaned(tmp_path, server, capsys):
    """The server's own words (reason phrase, bozo text) reach `last_error`; they are cleaned too."""
    def reason(h, stop):
        h.wfile.write(b"HTTP/1.1 500 Oops \x9b2J\x9d52;c;ZXZpbA==\x9c [bold]x[/]\r\nContent-Length: 0\r\n"
                      b"Connection: close\r\n\r\n")
    server.set_handler("/reason", reason)
    server.set_feed("/ok.xml", rss([FeedItem(f"{ON} ok", link="http://ok.test/1", guid="1", published=T0)]))
    config = write_config(tmp_path, [("Reason", server.url("/reason")), ("Ok", server.url("/ok.xml"))])
    out = run(["--config", str(config), "poll", "-q"], capsys)
    out += run(["--config", str(config), "feeds"], capsys)
    assert not bad_chars(out)
    assert "HTTP 500 Oops" in out and "[bold]x[/]" in out  # the words are kept, as inert text


# ----------------------------------------------------------------------------- parser ReDoS
# Every element feedparser treats specially, each holding 200 KB of a pattern that tends to
# make regexes backtrack. Run in a child process: a regression here hangs rather than fails.
_FIELDS = {
    "title": "<title>{}</title>", "link": "<link>{}</link>", "description": "<description>{}</description>",
    "author": "<author>{}</author>", "dc:creator": "<dc:creator>{}</dc:creator>", "pubDate": "<pubDate>{}</pubDate>",
    "dc:date": "<dc:date>{}</dc:date>", "guid": "<guid>{}</guid>", "category": "<category>{}</category>",
    "comments": "<comments>{}</comments>", "source": '<source url="http://x.test">{}</source>',
    "enclosure": '<enclosure url="{}" type="audio/mpeg" length="1"/>', "content": "<content:encoded>{}</content:encoded>",
    "media": '<media:content url="{}"/>', "itunes:duration": "<itunes:duration>{}</itunes:duration>",
    "dc:publisher": "<dc:publisher>{}</dc:publisher>", "dc:contributor": "<dc:contributor>{}</dc:contributor>",
    "webMaster": "<webMaster>{}</webMaster>", "managingEditor": "<managingEditor>{}</managingEditor>",
    "lastBuildDate": "<lastBuildDate>{}</lastBuildDate>", "atom:updated": "<atom:updated>{}</atom:updated>",
    "georss:point": "<georss:point>{}</georss:point>", "atom:link": '<atom:link href="{}" rel="alternate"/>',
}
_PATTERNS = ["A", "a.", "1.", "a-", "T0", " ", "&lt;a", "&amp;", "a@"]
_NS = ('xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
       'xmlns:media="http://search.yahoo.com/mrss/" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" '
       'xmlns:atom="http://www.w3.org/2005/Atom" xmlns:georss="http://www.georss.org/georss"')
_REDOS_CHILD = """
import json, sys, time
from tracker.parse import parse
from tracker.errors import FeedError
fields, patterns, ns, size = json.loads(sys.stdin.read())
for name, template in fields.items():
    for pattern in patterns:
        value = (pattern * (size // len(pattern)))[:size]
        element = template.format(value)
        doc = f'<rss version="2.0" {ns}><channel><title>t</title>{element}<item><title>x</title>{element}</item></channel></rss>'
        print("START", name, repr(pattern), flush=True)
        started = time.monotonic()
        try:
            parse(doc.encode())
        except FeedError:
            pass
        print("TIME", name, repr(pattern), round(time.monotonic() - started, 2), flush=True)
"""


def _redos_run(fields: dict, patterns: list[str], size: int, timeout: float) -> list[tuple[str, float]]:
    import subprocess
    import sys
    try:
        proc = subprocess.run([sys.executable, "-c", _REDOS_CHILD], input=json.dumps([fields, patterns, _NS, size]),
                              capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired as e:
        started = [line for line in (e.stdout or b"").decode().splitlines() if line.startswith("START")]
        pytest.fail(f"parsing hung on {started[-1] if started else '?'}")
    assert proc.returncode == 0, proc.stderr[-2000:]
    return [(line.rsplit(" ", 1)[0][5:], float(line.rsplit(" ", 1)[1]))
            for line in proc.stdout.splitlines() if line.startswith("TIME")]


def test_a_long_author_does_not_hang_the_parser():
    """feedparser's e-mail regex took hours on a 200 KB author name; the names are now cut first."""
    people = {k: v for k, v in _FIELDS.items() if k in ("author", "dc:creator", "dc:publisher", "webMaster",
                                                      "managingEditor")}
    times = _redos_run(people, ["A", "a."], 200_000, timeout=60)
    assert len(times) == 10 and max(t for _, t in times) < 5, times


@pytest.mark.slow
def test_no_field_makes_the_parser_backtrack():
    times = _redos_run(_FIELDS, _PATTERNS, 200_000, timeout=600)
    assert len(times) == len(_FIELDS) * len(_PATTERNS)
    slow = [(case, t) for case, t in times if t > 5]
    assert not slow, slow


_HTML_CHILD = """
import json, sys, time
from tracker.text import html_to_text
patterns, size = json.loads(sys.stdin.read())
for pattern in patterns:
    value = (pattern * (size // len(pattern) + 1))[:size]
    print("START", repr(pattern), flush=True)
    started = time.monotonic()
    html_to_text(value, 1200)
    print("TIME", repr(pattern), round(time.monotonic() - started, 2), flush=True)
"""
# Each made html.parser rescan to the end of the input for every repetition (2 to 8 s for
# 20 KB, hours for the 1 MB html_to_text accepts) before "<" that cannot close became text.
_HTML_QUADRATIC = ["<a", "<a/", "<a ", "<a\n", "<a b='", "<a b=c ", "<!--a>b", "<![CDATA[>", "<x<", "a<b"]


def test_html_that_never_closes_is_read_in_linear_time():
    import subprocess
    import sys
    try:
        proc = subprocess.run([sys.executable, "-c", _HTML_CHILD], input=json.dumps([_HTML_QUADRATIC, 200_000]),
                              capture_output=True, text=True, timeout=60)
    except subprocess.TimeoutExpired as e:
        started = [line for line in (e.stdout or b"").decode().splitlines() if line.startswith("START")]
        pytest.fail(f"html_to_text hung on {started[-1] if started else '?'}")
    times = [float(line.rsplit(" ", 1)[1]) for line in proc.stdout.splitlines() if line.startswith("TIME")]
    assert len(times) == len(_HTML_QUADRATIC), proc.stderr[-2000:]
    assert max(times) < 3, list(zip(_HTML_QUADRATIC, times))


@pytest.mark.parametrize("html, expected", [
    ("a <b and <c>ok</c>", "a <b and ok"),
    ("x <!-- never closed <p>y</p>", "x <!-- never closed y"),
    ("<!-- closed -->z <!-- again", "z <!-- again"),
    ("<![CDATA[ kept ]]>w <![CDATA[ open", "w <![CDATA[ open"),
    ("<p>one</p><a/", "one <a/"),
])
def test_unclosable_markup_is_kept_as_text(html, expected):
    from tracker.text import html_to_text
    assert html_to_text(html) == expected
