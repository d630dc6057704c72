"""tests.support.feedserver and the feed writers: the local feed server every other test leans on;
tracker.demo_server: `tracker demo`'s own."""

from __future__ import annotations

import gzip
import re
import threading
import time
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime, parsedate_to_datetime

import feedparser
import httpx
import pytest

from tests.support.feedgen import FeedItem, atom, off_story_items, rdf, rss, story_items
from tests.support.feedserver import FeedServer
from tracker.demo_server import DemoPublisher, DemoServer

UTC = timezone.utc
EST = timezone(timedelta(hours=-5))
T0 = datetime(2026, 2, 24, 19, 0, tzinfo=EST)

HOSTILE = [
    "<script>alert(1)</script>",
    "Tom & Jerry's \"AI\" <b>deal</b>",
    "[bold]x[/] [red]not markup[/red]",
    "CDATA end ]]> and <![CDATA[ start",
    "Amodei — “quoted” 日本語 ünïcödé",
]


@pytest.fixture
def srv():
    with FeedServer() as s:
        yield s


@pytest.fixture
def client():
    with httpx.Client(timeout=5) as c:
        yield c


def _items():
    out = [
        FeedItem(
            title=t,
            link=f"http://127.0.0.1/a/{i}?x=1&y=<2>",
            guid=f"guid-{i}",
            published=T0 + timedelta(minutes=i),
            summary=f"<p>Summary {i} &amp; <b>bold</b></p>",
            author="Demo Desk",
            source=("Out & About", "http://127.0.0.1/outlet?a=1&b=2"),
            content="<p>Body with ]]> inside</p>" if i == 0 else None,
        )
        for i, t in enumerate(HOSTILE)
    ]
    out.append(FeedItem(title="Only a title"))
    return out


# --- feedgen -----------------------------------------------------------------------


@pytest.mark.parametrize("writer", [rss, atom, rdf])
def test_feedparser_reads_back_titles_links_dates(writer):
    items = _items()
    parsed = feedparser.parse(writer(items, title="Feed <&> title"))
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.feed.title == "Feed <&> title"
    assert [e.title for e in parsed.entries] == [i.title for i in items]
    assert [e.get("link") for e in parsed.entries] == [i.link for i in items]
    for e, it in zip(parsed.entries, items):
        when = e.get("published_parsed") or e.get("updated_parsed")
        if it.published is None:
            assert when is None
        else:
            assert tuple(when[:6]) == it.published.astimezone(UTC).timetuple()[:6]
    first = parsed.entries[0]
    assert first.id == "guid-0"
    assert first.author == "Demo Desk"
    assert "<b>bold</b>" in first.summary
    assert first.content[0].value == "<p>Body with ]]> inside</p>"


def test_rss_source_element_like_google_news():
    e = feedparser.parse(rss(_items())).entries[0]
    assert e.source.title == "Out & About"
    assert e.source.href == "http://127.0.0.1/outlet?a=1&b=2"


def test_rss_legacy_encoding_keeps_non_latin_text():
    items = [FeedItem(title=HOSTILE[-1], link="http://127.0.0.1/x", published=T0)]
    body = rss(items, encoding="iso-8859-1")
    assert body.startswith(b'<?xml version="1.0" encoding="iso-8859-1"?>')
    body.decode("iso-8859-1")  # really in that charset
    assert feedparser.parse(body).entries[0].title == HOSTILE[-1]


def test_control_characters_are_dropped_not_fatal():
    parsed = feedparser.parse(rss([FeedItem(title="bell\x07 nul\x00 ok")]))
    assert not parsed.bozo
    assert parsed.entries[0].title == "bell nul ok"


def test_none_fields_are_omitted():
    body = rss([FeedItem(title="bare")]).decode()
    item = body[body.index("<item>") : body.index("</item>")]
    for tag in ("<link>", "<guid", "<pubDate>", "<description>", "<dc:creator>", "<source", "<content:encoded>"):
        assert tag not in item
    entry = atom([FeedItem(title="bare")]).decode().split("<entry>")[1]
    for tag in ("<link", "<id>", "<published>", "<summary", "<author>", "<content"):
        assert tag not in entry


def test_dates_formats():
    assert "<pubDate>Tue, 24 Feb 2026 19:00:00 -0500</pubDate>" in rss([FeedItem("a", published=T0)]).decode()
    utc = T0.astimezone(UTC)
    assert "<published>2026-02-25T00:00:00Z</published>" in atom([FeedItem("a", published=utc)]).decode()
    assert "<dc:date>2026-02-24T19:00:00-05:00</dc:date>" in rdf([FeedItem("a", published=T0)]).decode()


def test_naive_dates_are_rejected():
    with pytest.raises(ValueError):
        rss([FeedItem("a", published=datetime(2026, 2, 24))])


_COMPANY = re.compile(r"\b(Anthropic|Claude|Amodei)\b")
_GOVERNMENT = re.compile(
    r"\b(Pentagon|Hegseth|Department of War|Defense Department|Defense Production Act|supply-chain risk)\b"
)


def test_story_items_are_on_story_labelled_and_deterministic():
    items = story_items(40, T0, base_url="http://127.0.0.1:8000/", seed=3)
    assert items == story_items(40, T0, base_url="http://127.0.0.1:8000", seed=3)
    assert items != story_items(40, T0, base_url="http://127.0.0.1:8000", seed=4)
    assert len({i.title.split(" (#")[0] for i in items}) > 10  # varied phrasing
    assert len({i.guid for i in items}) == 40
    for k, it in enumerate(items, start=1):
        assert it.title.startswith("[DEMO] ") and it.title.endswith(f"(#{k})")
        assert _COMPANY.search(it.title) and _GOVERNMENT.search(it.title), it.title
        assert it.link.startswith("http://127.0.0.1:8000/demo/")
        assert it.summary.startswith("<p>") and 1 <= it.summary.count(".") <= 4
        assert it.published == T0 + (k - 1) * timedelta(minutes=7)
    # Item #k does not depend on how many were asked for or where numbering began.
    assert story_items(5, items[2].published, "http://127.0.0.1:8000", seed=3, first=3) == items[2:7]


def test_story_items_outlet_suffix():
    for it in story_items(10, T0, outlet_suffix=True):
        assert it.title.endswith(" - " + it.source[0])


def test_off_story_items_name_only_one_side():
    items = off_story_items(30, T0, "http://127.0.0.1:8000")
    assert len(items) == 30
    sides = set()
    for it in items:
        text = it.title + " " + it.summary
        company, government = bool(_COMPANY.search(text)), bool(_GOVERNMENT.search(text))
        assert company != government, it.title
        sides.add(company)
    assert sides == {True, False}


# --- feedserver --------------------------------------------------------------------


def test_200_then_304_on_if_none_match(srv, client):
    body = rss(_items())
    srv.set_feed("/feed.xml", body)
    r = client.get(srv.url("/feed.xml"))
    assert r.status_code == 200
    assert r.content == body
    assert r.headers["content-type"] == "application/rss+xml; charset=utf-8"
    etag = r.headers["etag"]
    assert etag.startswith('"') and etag.endswith('"')
    r2 = client.get(srv.url("/feed.xml"), headers={"If-None-Match": etag})
    assert r2.status_code == 304
    assert r2.content == b""
    assert r2.headers["etag"] == etag
    # A changed body gets a new ETag, so the old one no longer matches.
    srv.set_feed("/feed.xml", body + b"\n")
    r3 = client.get(srv.url("/feed.xml"), headers={"If-None-Match": etag})
    assert r3.status_code == 200 and r3.headers["etag"] != etag
    assert srv.hits("/feed.xml") == 3
    assert [q.status for q in srv.requests] == [200, 304, 200]
    assert srv.requests[1].headers["if-none-match"] == etag  # case-insensitive lookup
    assert srv.requests[1].headers["If-None-Match"] == etag


def test_304_on_if_modified_since(srv, client):
    lm = datetime(2026, 2, 25, 12, 0, 0, tzinfo=UTC)
    srv.set_feed("/f", b"<rss/>", last_modified=lm)
    r = client.get(srv.url("/f"))
    assert r.headers["last-modified"] == "Wed, 25 Feb 2026 12:00:00 GMT"
    same = {"If-Modified-Since": r.headers["last-modified"]}
    later = {"If-Modified-Since": format_datetime(lm + timedelta(hours=1), usegmt=True)}
    earlier = {"If-Modified-Since": format_datetime(lm - timedelta(seconds=1), usegmt=True)}
    assert client.get(srv.url("/f"), headers=same).status_code == 304
    assert client.get(srv.url("/f"), headers=later).status_code == 304
    assert client.get(srv.url("/f"), headers=earlier).status_code == 200
    assert client.get(srv.url("/f"), headers={"If-Modified-Since": "garbage"}).status_code == 200


def test_last_modified_defaults_to_set_time(srv, client):
    before = datetime.now(UTC).replace(microsecond=0)
    srv.set_feed("/f", b"x")
    lm = client.get(srv.url("/f")).headers["last-modified"]
    assert before <= parsedate_to_datetime(lm) <= datetime.now(UTC)


def test_if_none_match_wins_over_if_modified_since(srv, client):
    # Two updates in the same second share Last-Modified; only the ETag differs.
    srv.set_feed("/f", b"one")
    r = client.get(srv.url("/f"))
    srv.set_feed("/f", b"two", last_modified=datetime.now(UTC) - timedelta(days=1))
    r2 = client.get(
        srv.url("/f"),
        headers={"If-None-Match": r.headers["etag"], "If-Modified-Since": r.headers["last-modified"]},
    )
    assert r2.status_code == 200 and r2.content == b"two"


def test_validators_can_be_turned_off(srv, client):
    srv.set_feed("/f", b"x", etag=False, send_last_modified=False)
    r = client.get(srv.url("/f"), headers={"If-None-Match": "*", "If-Modified-Since": "Wed, 25 Feb 2099 12:00:00 GMT"})
    assert r.status_code == 200
    assert "etag" not in r.headers and "last-modified" not in r.headers


def test_gzip_when_asked(srv):
    body = rss(story_items(30, T0))
    srv.set_feed("/g", body)
    srv.set_feed("/plain", body, gzip_ok=False)
    with httpx.Client(timeout=5) as c:
        r = c.get(srv.url("/g"), headers={"Accept-Encoding": "gzip"})
        assert r.headers["content-encoding"] == "gzip"
        assert int(r.headers["content-length"]) < len(body)
        assert r.content == body  # httpx decoded it
        assert r.headers["vary"] == "Accept-Encoding"
        r = c.get(srv.url("/g"), headers={"Accept-Encoding": "identity"})
        assert "content-encoding" not in r.headers and r.content == body
        r = c.get(srv.url("/g"), headers={"Accept-Encoding": "gzip;q=0"})
        assert "content-encoding" not in r.headers
        r = c.get(srv.url("/plain"), headers={"Accept-Encoding": "gzip"})
        assert "content-encoding" not in r.headers and r.content == body
    # The raw bytes on the wire really are gzip.
    with httpx.stream("GET", srv.url("/g"), headers={"Accept-Encoding": "gzip"}) as r:
        assert gzip.decompress(b"".join(r.iter_raw())) == body


def test_head_has_headers_and_no_body(srv, client):
    srv.set_feed("/f", b"12345")
    r = client.head(srv.url("/f"), headers={"Accept-Encoding": "identity"})
    assert r.status_code == 200 and r.headers["content-length"] == "5" and r.content == b""
    # The kept-alive connection is still in step after a HEAD.
    assert client.get(srv.url("/f")).content == b"12345"


def test_custom_status_and_headers(srv, client):
    srv.set_response("/gone", 410)
    srv.set_response("/limited", 429, b"slow down", headers={"Retry-After": "120"})
    srv.set_response("/boom", 500, b"oops")
    srv.set_response("/moved", 301, headers={"Location": srv.url("/new")})
    srv.set_response("/temp", 302, headers={"Location": "/new"})
    srv.set_response("/perm", 308, headers={"Location": "/new"})
    srv.set_feed("/new", b"<rss/>")

    assert client.get(srv.url("/gone")).status_code == 410
    r = client.get(srv.url("/limited"))
    assert (r.status_code, r.headers["retry-after"], r.content) == (429, "120", b"slow down")
    assert client.get(srv.url("/boom")).content == b"oops"
    r = client.get(srv.url("/moved"))
    assert r.status_code == 301 and r.headers["location"] == srv.url("/new")
    for p, code in (("/temp", 302), ("/perm", 308)):
        r = client.get(srv.url(p), follow_redirects=True)
        assert r.status_code == 200 and r.history[0].status_code == code
    assert client.get(srv.url("/nowhere")).status_code == 404
    srv.remove("/new")
    assert client.get(srv.url("/new")).status_code == 404
    assert srv.requests[-1].status == 404


def test_path_matching_with_query(srv, client):
    srv.set_feed("/search", b"any")
    srv.set_feed("/search?q=anthropic", b"exact")
    assert client.get(srv.url("/search?q=anthropic")).content == b"exact"
    assert client.get(srv.url("/search?q=other")).content == b"any"
    assert client.get(srv.url("/search")).content == b"any"
    assert srv.hits("/search") == 3
    assert srv.hits("/search?q=anthropic") == 1


def test_handler_behaviour_and_hits(srv, client):
    seen = []

    def handler(h, stop):
        seen.append((h.command, h.path, stop.is_set()))
        h.send_response(200)
        h.send_header("Content-Type", "application/rss+xml")
        h.end_headers()  # no Content-Length: the body ends when the connection closes
        h.wfile.write(b"<rss>")
        h.wfile.write(b"</rss>")

    srv.set_handler("/custom", handler)
    for _ in range(3):
        r = client.get(srv.url("/custom?n=1"))
        assert r.status_code == 200 and r.content == b"<rss></rss>"
    assert seen == [("GET", "/custom?n=1", False)] * 3
    assert srv.hits("/custom") == 3
    assert srv.hits("/custom?n=1") == 3
    assert srv.hits("/other") == 0
    assert [q.status for q in srv.requests] == [200] * 3
    assert srv.requests[0].method == "GET"
    srv.clear_requests()
    assert srv.hits("/custom") == 0 and srv.requests == []


def test_concurrent_clients(srv):
    srv.set_feed("/f", rss(story_items(20, T0)))
    results = []

    # One shared client (thread-safe); a pool of 100 means 100 simultaneous connections.
    with httpx.Client(timeout=10, limits=httpx.Limits(max_connections=100)) as c:

        def fetch():
            results.append(c.get(srv.url("/f")).status_code)

        threads = [threading.Thread(target=fetch) for _ in range(100)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(10)
    assert results == [200] * 100
    assert srv.hits("/f") == 100


def test_stop_is_prompt_during_slow_response():
    srv = FeedServer().start()
    started = threading.Event()

    def trickle(h, stop):
        h.send_response(200)
        h.send_header("Content-Length", "1000000")
        h.end_headers()
        started.set()
        while not stop.wait(0.2):
            h.wfile.write(b"x")
            h.wfile.flush()

    def never(h, stop):
        stop.wait()

    srv.set_handler("/slow", trickle)
    srv.set_handler("/never", never)
    srv.set_feed("/f", b"x")
    outcome = {}

    def read(path):
        try:
            with httpx.stream("GET", srv.url(path), timeout=10) as r:
                for _ in r.iter_raw():
                    pass
            outcome[path] = "complete"
        except httpx.HTTPError as e:
            outcome[path] = type(e).__name__

    idle = httpx.Client(timeout=5)
    assert idle.get(srv.url("/f")).status_code == 200  # leaves a kept-alive connection open
    readers = [threading.Thread(target=read, args=(p,), daemon=True) for p in ("/slow", "/never")]
    for t in readers:
        t.start()
    assert started.wait(5)
    deadline = time.monotonic() + 5
    while srv.hits("/never") == 0 and time.monotonic() < deadline:
        time.sleep(0.01)

    # stop() does not wait for the responses to end (they never would): it ends them
    stopper = threading.Thread(target=srv.stop, daemon=True)
    stopper.start()
    stopper.join(10)
    assert not stopper.is_alive()
    for t in readers:
        t.join(5)
        assert not t.is_alive()
    # Neither client thinks it got a whole response.
    assert outcome["/slow"] != "complete" and outcome["/never"] != "complete"
    idle.close()
    srv.stop()  # idempotent


# --- DemoPublisher -----------------------------------------------------------------


@pytest.fixture
def demo_srv():
    with DemoServer() as s:
        yield s


def test_demo_publisher_feeds_and_round_robin(demo_srv, client):
    srv = demo_srv
    now = [datetime(2026, 2, 27, 22, 0, tzinfo=UTC)]
    pub = DemoPublisher(srv, clock=lambda: now[0])
    assert pub.feed_paths == ["/wire.xml", "/defense.xml", "/tech.xml"]
    assert set(pub.feed_urls.values()) == {srv.url(p) for p in pub.feed_paths}

    def titles(path):
        r = client.get(srv.url(path))
        assert r.status_code == 200
        parsed = feedparser.parse(r.content)
        assert not parsed.bozo
        return [e.title for e in parsed.entries]

    initial = {p: titles(p) for p in pub.feed_paths}
    assert all(initial.values())
    assert all(t.endswith(" - " + t.rsplit(" - ", 1)[1]) and " - " in t for t in initial["/wire.xml"])
    assert any(not (_COMPANY.search(t) and _GOVERNMENT.search(t)) for t in initial["/tech.xml"])
    assert client.get(srv.url("/defense.xml")).headers["content-type"].startswith("application/atom+xml")

    for i, path in enumerate(pub.feed_paths * 2):
        now[0] += timedelta(minutes=1)
        etag = client.get(srv.url(path)).headers["etag"]
        new = pub.publish(2 if i == 0 else 1)
        got = titles(path)
        assert got[: len(new)] == [it.title for it in reversed(new)]  # newest first
        assert all(it.published <= now[0] for it in new)
        assert client.get(srv.url(path), headers={"If-None-Match": etag}).status_code == 200
        # The dashboard's next poll of an unchanged feed costs a 304, as on a real server.
        fresh = client.get(srv.url(path)).headers["etag"]
        assert client.get(srv.url(path), headers={"If-None-Match": fresh}).status_code == 304

    numbers = [int(re.search(r"\(#(\d+)\)", t).group(1)) for p in ("/wire.xml", "/defense.xml") for t in titles(p)]
    assert len(numbers) == len(set(numbers))  # numbering never repeats across feeds

    now[0] += timedelta(minutes=1)
    off = pub.publish_off_story(1)
    assert titles("/tech.xml")[0] == off[0].title
    # Behind each story item, its article page for the reader view; none behind an off-story one.
    page = client.get(new[0].link)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert new[0].title.encode() in page.content
    assert client.get(off[0].link).status_code == 404


def test_demo_publisher_keeps_last_50(demo_srv):
    srv = demo_srv
    now = [datetime(2026, 2, 27, 22, 0, tzinfo=UTC)]
    pub = DemoPublisher(srv, clock=lambda: now[0])
    for _ in range(60):
        now[0] += timedelta(minutes=1)
        pub.publish(3)
    for path in pub.feed_paths:
        items = pub.items(path)
        assert len(items) == DemoPublisher.MAX_ITEMS
        dates = [i.published for i in items]
        assert dates == sorted(dates, reverse=True)
        assert len(feedparser.parse(httpx.get(srv.url(path)).content).entries) == 50
