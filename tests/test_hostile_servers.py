"""Broken and hostile feed servers, each beside a good feed in the same poll.

Every case runs a real `tracker poll` against loopback servers and then asks `tracker feeds
--json` what it recorded. For each: the poll ends within the fetch deadline, the error is
stored against that feed in plain words, backoff moves its next poll out, and the good feed
beside it is stored as if nothing happened. Memory is measured for the unbounded bodies.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import random
import socket
import subprocess
import sys
import textwrap
import threading
import time
import tracemalloc
import zlib
from datetime import datetime, timedelta, timezone
from pathlib import Path

import feedparser
import pytest

from tracker.cli import main
from tracker.config import load
from tracker.errors import FeedError
from tests.support.feedgen import FeedItem, atom, rdf, rss
from tracker.fetch import Fetcher
from tracker.model import PollSettings
from tracker.parse import cap_entries
from tracker.store import Store
from tracker.update import Updater

from .conftest import write_config

T0 = datetime(2026, 2, 25, 9, 0, tzinfo=timezone.utc)
GOOD = [
    FeedItem("Hegseth gives Anthropic until Friday", link="http://news.test/g1", guid="g1", published=T0),
    FeedItem("Amodei meets Pentagon chiefs", link="http://news.test/g2", guid="g2", published=T0 + timedelta(hours=1)),
]
TIMEOUT = 1.0  # the config's [poll] timeout for these tests: the smallest config accepts
SLACK = 10.0  # start-up, the good feed, the database on a busy 2-core machine: a hang still fails, a load spike does not
INTERVAL = 600.0  # write_config gives every feed interval = "10m"
CAP = 1024 * 1024  # [poll] max_bytes where a case needs a small cap
SECRET = "TRACKER-SECRET-MARKER-7f3a"


# ----------------------------------------------------------------------------- handlers
def _head(h, status="200 OK", headers=(), length: int | None = None):
    lines = [f"HTTP/1.1 {status}"] + [f"{k}: {v}" for k, v in headers] + ["Connection: close"]
    if length is not None:
        lines.append(f"Content-Length: {length}")
    h.wfile.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
    h.wfile.flush()


def never_answers(h, stop):
    stop.wait(30)


def trickle(data: bytes, headers_too: bool):
    """One byte a second: a read timeout never trips, only the total deadline can."""
    def handler(h, stop):
        head = b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nConnection: close\r\n\r\n"
        if not headers_too:
            h.wfile.write(head)
            h.wfile.flush()
        for byte in (head if headers_too else b"") + data:
            h.wfile.write(bytes([byte]))
            h.wfile.flush()
            if stop.wait(1):
                return
    return handler


def huge_body(total: int, announce: bool, sent: list):
    """`total` bytes of a plausible feed, made as they are sent: nothing big is ever built."""
    def handler(h, stop):
        _head(h, headers=[("Content-Type", "application/rss+xml")], length=total if announce else None)
        item = b"<item><title>Anthropic Pentagon filler</title><link>http://news.test/x</link></item>\n"
        chunk = b'<?xml version="1.0"?><rss version="2.0"><channel>'
        chunk += item * ((64 * 1024 - len(chunk)) // len(item))
        filler = item * (64 * 1024 // len(item))
        left, first = total, True
        while left > 0 and not stop.is_set():
            block = (chunk if first else filler)[:left]
            first = False
            h.wfile.write(block)  # raises once the client hangs up, which ends the handler
            sent[0] += len(block)
            left -= len(block)
    return handler


def gzip_bomb_stream(decoded: int):
    """A gzip stream of `decoded` zero bytes, ~1000:1, generated lazily. Each 1 MiB block is
    compressed once and repeated: a full flush resets the dictionary, so the blocks are identical."""
    mib = 1024 * 1024
    c = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    block = c.compress(b"\0" * mib) + c.flush(zlib.Z_FULL_FLUSH)
    tail = c.flush()
    yield b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    crc = 0
    zero = b"\0" * mib
    for _ in range(decoded // mib):
        yield block
        crc = zlib.crc32(zero, crc)
    yield tail + crc.to_bytes(4, "little") + (decoded % 2**32).to_bytes(4, "little")


def gzip_bomb(decoded: int, sent: list):
    def handler(h, stop):
        _head(h, headers=[("Content-Type", "application/rss+xml"), ("Content-Encoding", "gzip")])
        for part in gzip_bomb_stream(decoded):
            if stop.is_set():
                return
            h.wfile.write(part)
            sent[0] += len(part)
    return handler


def raw(data: bytes, close_delimited: bool = False, headers=(("Content-Type", "application/rss+xml"),)):
    def handler(h, stop):
        _head(h, headers=headers, length=None if close_delimited else len(data))
        h.wfile.write(data)
    return handler


def hang_up(h, stop):
    h.close_connection = True  # read the request, answer nothing, close


def endless_headers(h, stop):
    h.wfile.write(b"HTTP/1.1 200 OK\r\n")
    n = 0
    while not stop.is_set():
        h.wfile.write(b"X-Filler-%d: %s\r\n" % (n, b"a" * 1000))
        n += 1


# ----------------------------------------------------------------------------- helpers
def run(args: list[str], capsys) -> tuple[int, str]:
    capsys.readouterr()
    code = main(args)
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def poll(config: Path, capsys) -> tuple[float, str]:
    started = time.monotonic()
    code, out = run(["--config", str(config), "poll", "-q"], capsys)
    assert code == 0, out
    return time.monotonic() - started, out


def feeds_json(config: Path, capsys) -> dict[str, dict]:
    code, out = run(["--config", str(config), "feeds", "--json"], capsys)
    assert code == 0, out
    return {f["name"]: f for f in json.loads(out)}


def items_json(config: Path, capsys) -> list[dict]:
    code, out = run(["--config", str(config), "items", "--json", "--all"], capsys)
    assert code == 0, out
    return json.loads(out)


def iso(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def setup_poll(tmp_path, server, hostile_path: str, *, max_bytes: int | None = None,
               max_new_items: int | None = None) -> Path:
    server.set_feed("/good.xml", rss(GOOD))
    extra = (f'[poll]\ntimeout = "{TIMEOUT:g}s"\n' + (f"max_bytes = {max_bytes}\n" if max_bytes else "")
             + (f"max_new_items = {max_new_items}\n" if max_new_items else ""))
    return write_config(tmp_path, [("Good", server.url("/good.xml")), ("Hostile", server.url(hostile_path))],
                        extra=extra)


def assert_good_feed_untouched(feeds: dict, items: list[dict]) -> None:
    good = feeds["Good"]
    assert good["last_status"] in (200, 304) and good["last_error"] is None and good["failures"] == 0
    assert good["items"] == 2
    stored = {i["link"] for i in items if "Good" in i["feeds"]}
    assert stored == {"http://news.test/g1", "http://news.test/g2"}


def assert_failed_with_backoff(feed: dict, words: str, since: datetime) -> None:
    assert feed["last_error"] and words in feed["last_error"], feed["last_error"]
    assert feed["failures"] == 1
    # the failing feed waits at least one interval; a Retry-After may push it further
    assert iso(feed["next_poll"]) >= since + timedelta(seconds=INTERVAL - 5)
    # words, not a traceback or a Python class name
    assert "Traceback" not in feed["last_error"] and "Error:" not in feed["last_error"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


NOT_A_FEED_HTML = b"<!DOCTYPE html><html><head><title>Log in</title></head><body><p>Welcome</p></body></html>"

# (id, handler factory or fixed response, words expected in last_error, max_bytes)
CASES = [
    ("never answers", lambda sent: never_answers, "no complete answer within 1 s", None),
    ("trickles headers, 1 byte/s", lambda sent: trickle(rss(GOOD), headers_too=True), "no complete answer within 1 s", None),
    ("trickles body, 1 byte/s", lambda sent: trickle(rss(GOOD), headers_too=False), "no complete answer within 1 s", None),
    ("200 MB announced", lambda sent: huge_body(200 * 1024 * 1024, True, sent), "did not download it", CAP),
    ("200 MB streamed", lambda sent: huge_body(200 * 1024 * 1024, False, sent), "tracker stopped reading it", CAP),
    ("gzip bomb", lambda sent: gzip_bomb(4 * 1024**3, sent), "tracker stopped reading it", CAP),
    ("broken gzip", lambda sent: raw(b"\x1f\x8b\x08\x00garbage" * 10, headers=[("Content-Encoding", "gzip")]),
     "broken compressed", None),
    ("unknown content-encoding", lambda sent: raw(b"xx", headers=[("Content-Encoding", "br")]),
     "encoding tracker cannot read (br)", None),
    ("hangs up without answering", lambda sent: hang_up, "broke off", None),
    ("endless headers", lambda sent: endless_headers, "broke off", None),
    ("HTML page", lambda sent: raw(NOT_A_FEED_HTML, headers=[("Content-Type", "text/html")]), "web page, not a feed", None),
    ("empty body", lambda sent: raw(b""), "empty body", None),
    ("empty body, close-delimited", lambda sent: raw(b"", close_delimited=True), "empty body", None),
    ("whitespace body", lambda sent: raw(b" \r\n\t \n"), "empty body", None),
    ("random bytes", lambda sent: raw(random.Random(6).randbytes(50_000)), "not a feed", None),
    ("plain text", lambda sent: raw(b"Service temporarily moved. Please see our homepage.\n",
                                    headers=[("Content-Type", "text/plain")]), "not a readable RSS or Atom feed", None),
]


@pytest.mark.parametrize("name,make,words,max_bytes", CASES, ids=[c[0] for c in CASES])
def test_hostile_server_beside_a_good_feed(tmp_path, server, capsys, name, make, words, max_bytes):
    sent = [0]
    server.set_handler("/hostile", make(sent))
    config = setup_poll(tmp_path, server, "/hostile", max_bytes=max_bytes)
    before = datetime.now(timezone.utc).replace(microsecond=0)
    elapsed, out = poll(config, capsys)
    assert elapsed < TIMEOUT + SLACK, f"{name}: poll took {elapsed:.1f} s"
    assert "✗ Hostile:" in out and words in out
    feeds = feeds_json(config, capsys)
    assert_failed_with_backoff(feeds["Hostile"], words, before)
    assert_good_feed_untouched(feeds, items_json(config, capsys))
    # what a cap is for: the client stopped long before the server ran out of body
    assert sent[0] < 64 * 1024 * 1024


STATUS_CASES = [
    ("500", 500, {}, "the server failed (HTTP 500"),
    ("502", 502, {}, "the server failed (HTTP 502"),
    ("404", 404, {}, "not found (HTTP 404)"),
    ("403", 403, {}, "refused access (HTTP 403"),
    ("503", 503, {}, "unavailable (HTTP 503)"),
    ("429 bare", 429, {}, "rate-limited by the server (HTTP 429)"),
]


@pytest.mark.parametrize("name,status,headers,words", STATUS_CASES, ids=[c[0] for c in STATUS_CASES])
def test_error_statuses(tmp_path, server, capsys, name, status, headers, words):
    server.set_response("/hostile", status, b"<html>error</html>", headers)
    config = setup_poll(tmp_path, server, "/hostile")
    before = datetime.now(timezone.utc).replace(microsecond=0)
    poll(config, capsys)
    feeds = feeds_json(config, capsys)
    assert_failed_with_backoff(feeds["Hostile"], words, before)
    assert feeds["Hostile"]["last_status"] == status
    assert_good_feed_untouched(feeds, items_json(config, capsys))


def test_backoff_doubles_and_the_scheduler_leaves_a_failing_feed_alone(tmp_path, server, capsys):
    server.set_response("/hostile", 500)
    config = setup_poll(tmp_path, server, "/hostile")
    poll(config, capsys)
    poll(config, capsys)  # `tracker poll` is a user asking: it tries even a backing-off feed
    hostile = feeds_json(config, capsys)["Hostile"]
    assert hostile["failures"] == 2
    wait = (iso(hostile["next_poll"]) - iso(hostile["last_poll"])).total_seconds()
    assert wait == pytest.approx(2 * INTERVAL, abs=2)
    assert server.hits("/hostile") == 2

    async def scheduled():  # what a scheduled job does: force=False
        store = Store.open(load(config).database_path)
        updater = Updater(load(config), store)
        try:
            return await updater.update_feed(updater.feed_config("Hostile"))
        finally:
            await updater.aclose()
            store.close()
    result = asyncio.run(scheduled())
    assert result.skipped == "backing off after failures"
    assert server.hits("/hostile") == 2

    server.set_feed("/hostile", rss(GOOD[:1]))  # it recovers: one success clears the backoff
    poll(config, capsys)
    hostile = feeds_json(config, capsys)["Hostile"]
    assert hostile["failures"] == 0 and hostile["last_error"] is None


@pytest.mark.parametrize("status", [429, 503])
def test_retry_after_seconds_is_honoured_even_by_tracker_poll(tmp_path, server, capsys, status):
    server.set_response("/hostile", status, b"slow down", {"Retry-After": "7200"})
    config = setup_poll(tmp_path, server, "/hostile")
    before = datetime.now(timezone.utc).replace(microsecond=0)
    poll(config, capsys)
    hostile = feeds_json(config, capsys)["Hostile"]
    assert "asked to wait 2.0 h" in hostile["last_error"]
    retry_after = iso(hostile["retry_after"])
    assert before + timedelta(seconds=7190) <= retry_after <= before + timedelta(seconds=7215)
    assert iso(hostile["next_poll"]) >= retry_after - timedelta(seconds=1)
    _, out = poll(config, capsys)
    assert "Hostile: skipped, the server asked to wait until" in out
    assert server.hits("/hostile") == 1


def test_retry_after_a_date_far_in_the_future_is_capped(tmp_path, server, capsys):
    # An HTTP date in year 9999 must not switch the feed off for good (nor overflow).
    server.set_response("/hostile", 429, b"", {"Retry-After": "Fri, 31 Dec 9999 23:59:59 GMT"})
    config = setup_poll(tmp_path, server, "/hostile")
    before = datetime.now(timezone.utc)
    _, out = poll(config, capsys)
    assert "internal error" not in out
    hostile = feeds_json(config, capsys)["Hostile"]
    assert "rate-limited" in hostile["last_error"] and hostile["failures"] == 1
    assert iso(hostile["retry_after"]) <= before + timedelta(days=7, minutes=1)


def test_retry_after_garbage_is_ignored(tmp_path, server, capsys):
    server.set_response("/hostile", 503, b"", {"Retry-After": "soon\x7f, maybe"})
    config = setup_poll(tmp_path, server, "/hostile")
    poll(config, capsys)
    hostile = feeds_json(config, capsys)["Hostile"]
    assert hostile["retry_after"] is None and hostile["failures"] == 1


def test_gone_410_stops_polling_the_feed(tmp_path, server, capsys):
    server.set_response("/hostile", 410)
    config = setup_poll(tmp_path, server, "/hostile")
    poll(config, capsys)
    hostile = feeds_json(config, capsys)["Hostile"]
    assert hostile["gone"] == 1 and "gone (HTTP 410)" in hostile["last_error"]
    _, out = poll(config, capsys)
    assert "Hostile: skipped, gone (HTTP 410)" in out
    assert server.hits("/hostile") == 1
    assert_good_feed_untouched(feeds_json(config, capsys), items_json(config, capsys))


def test_redirect_loop(tmp_path, server, capsys):
    server.set_response("/hostile", 302, b"", {"Location": "/loop-b"})
    server.set_response("/loop-b", 307, b"", {"Location": "/hostile"})
    config = setup_poll(tmp_path, server, "/hostile")
    before = datetime.now(timezone.utc).replace(microsecond=0)
    elapsed, _ = poll(config, capsys)
    feeds = feeds_json(config, capsys)
    assert_failed_with_backoff(feeds["Hostile"], "too many redirects", before)
    assert server.hits("/hostile") + server.hits("/loop-b") == 6  # MAX_REDIRECTS + 1, then it gave up
    assert_good_feed_untouched(feeds, items_json(config, capsys))


def test_redirect_to_a_local_file_is_refused(tmp_path, server, capsys):
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET)
    server.set_response("/hostile", 301, b"", {"Location": f"file://{secret}"})
    config = setup_poll(tmp_path, server, "/hostile")
    before = datetime.now(timezone.utc).replace(microsecond=0)
    _, out = poll(config, capsys)
    feeds = feeds_json(config, capsys)
    assert_failed_with_backoff(feeds["Hostile"], "redirected to a non-web address (file:)", before)
    assert feeds["Hostile"]["moved_to"] is None
    assert SECRET not in out


def test_connection_refused(tmp_path, server, capsys):
    server.set_feed("/good.xml", rss(GOOD))
    config = write_config(tmp_path, [("Good", server.url("/good.xml")),
                                     ("Hostile", f"http://127.0.0.1:{free_port()}/feed.xml")],
                          extra='[poll]\ntimeout = "1s"\n')
    before = datetime.now(timezone.utc).replace(microsecond=0)
    poll(config, capsys)
    feeds = feeds_json(config, capsys)
    assert_failed_with_backoff(feeds["Hostile"], "cannot connect to the server", before)


def test_raw_deflate_is_read(tmp_path, server, capsys):
    # "Content-Encoding: deflate" should be zlib-wrapped; some servers send it raw.
    c = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    body = c.compress(rss(GOOD[:1])) + c.flush()
    server.set_handler("/hostile", raw(body, headers=[("Content-Encoding", "deflate")]))
    config = setup_poll(tmp_path, server, "/hostile")
    poll(config, capsys)
    hostile = feeds_json(config, capsys)["Hostile"]
    assert hostile["failures"] == 0 and hostile["last_status"] == 200


def test_a_server_that_ignores_the_cap_but_honestly_compresses_a_small_feed(tmp_path, server, capsys):
    body = gzip.compress(rss(GOOD))
    server.set_handler("/hostile", raw(body, headers=[("Content-Encoding", "gzip")]))
    config = setup_poll(tmp_path, server, "/hostile", max_bytes=CAP)
    poll(config, capsys)
    assert feeds_json(config, capsys)["Hostile"]["failures"] == 0


# ----------------------------------------------------------------------------- encodings
ENC_DOC = ('<?xml version="1.0"{decl}?>\n<rss version="2.0"><channel><title>Café</title>'
           '<item><title>Anthropic café “naïve” — Pentagon €5</title><link>http://enc.test/1</link>'
           '<guid>e1</guid></item></channel></rss>')
ENC_TITLE = "Anthropic café “naïve” — Pentagon €5"
ENCODINGS = [
    ("cp1252 declared utf-8", ' encoding="utf-8"', "cp1252", "application/rss+xml; charset=utf-8"),
    ("cp1252 undeclared", "", "cp1252", "application/rss+xml"),
    ("cp1252 undeclared text/xml", "", "cp1252", "text/xml"),
    ("utf-16 with BOM, undeclared", "", "utf-16", "application/rss+xml"),
    ("utf-16-le without BOM, undeclared", "", "utf-16-le", "application/xml"),
    ("utf-16 labelled utf-8 by the header", "", "utf-16", "application/xml; charset=utf-8"),
    ("utf-8 declared iso-8859-1", ' encoding="iso-8859-1"', "utf-8", "application/rss+xml"),
    ("utf-8 declared as a bogus charset", ' encoding="x-no-such-charset"', "utf-8", "application/rss+xml"),
]


@pytest.mark.parametrize("name,decl,codec,ctype", ENCODINGS, ids=[e[0] for e in ENCODINGS])
def test_wrong_or_undeclared_encoding_still_reads_right(tmp_path, server, capsys, name, decl, codec, ctype):
    server.set_handler("/hostile", raw(ENC_DOC.format(decl=decl).encode(codec), headers=[("Content-Type", ctype)]))
    config = setup_poll(tmp_path, server, "/hostile")
    poll(config, capsys)
    feeds = feeds_json(config, capsys)
    items = items_json(config, capsys)
    hostile = feeds["Hostile"]
    assert hostile["failures"] == 0 and hostile["items"] == 1
    [item] = [i for i in items if "Hostile" in i["feeds"]]
    assert item["title"] == ENC_TITLE
    if hostile["last_error"]:  # a survivable complaint, kept as a note
        assert "readable items were kept" in hostile["last_error"]
    assert_good_feed_untouched(feeds, items)


def test_c1_bytes_of_cp1252_mislabelled_as_latin1_never_become_controls(tmp_path, server, capsys):
    # 0x9B read as ISO-8859-1 is CSI, which 8-bit terminals obey.
    body = ENC_DOC.format(decl=' encoding="iso-8859-1"').encode("cp1252").replace("€".encode("cp1252"), b"\x9b2J\x9d0;x\x07")
    server.set_handler("/hostile", raw(body))
    config = setup_poll(tmp_path, server, "/hostile")
    poll(config, capsys)
    [item] = [i for i in items_json(config, capsys) if "Hostile" in i["feeds"]]
    assert not any(0x80 <= ord(c) <= 0x9F or ord(c) < 0x20 for c in item["title"]), repr(item["title"])


# ----------------------------------------------------------------------------- 20,000 items
@pytest.mark.slow
def test_a_feed_of_20000_items(tmp_path, server, capsys):
    big = [FeedItem(f"Anthropic Pentagon item {n}", link=f"http://big.test/{n}", guid=f"b{n}",
                    published=T0 - timedelta(minutes=n), summary="<p>filler</p>") for n in range(20_000)]
    server.set_feed("/hostile", rss(big))
    # No per-poll cap of new entries here: this is about the parser's cap of entries per feed.
    config = setup_poll(tmp_path, server, "/hostile", max_new_items=100_000)
    poll(config, capsys)  # feedparser on all 20,000 took ~8 s; cut to 5,000 first, ~3 s (not timed here)
    feeds = feeds_json(config, capsys)
    hostile = feeds["Hostile"]
    assert hostile["failures"] == 0
    assert hostile["items"] == 5000  # parse.MAX_ENTRIES: the newest part is kept
    assert "20000 items" in hostile["last_error"]
    assert_good_feed_untouched(feeds, items_json(config, capsys))


@pytest.mark.parametrize("writer", [rss, atom, rdf])
def test_an_oversized_feed_is_cut_before_feedparser_sees_it(writer):
    items = [FeedItem(f"Item {n}", link=f"http://big.test/{n}", guid=f"b{n}", published=T0 - timedelta(minutes=n))
             for n in range(2000)]
    body = writer(items)
    cut, found = cap_entries(body, 50)
    assert found == 2000 and len(cut) < len(body) / 3  # RDF keeps its short table of contents
    d = feedparser.parse(cut)
    assert not d.bozo, d.get("bozo_exception")  # still well-formed: the closing tags were kept
    assert [e.title for e in d.entries] == [f"Item {n}" for n in range(50)]
    assert cap_entries(writer(items[:50]), 50) == (writer(items[:50]), 50)  # at the limit: untouched


# ----------------------------------------------------------------------------- XML attacks
def _lol(levels: int = 9) -> str:
    ents = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{("&lol%d;" % (i - 1)) * 10}">' for i in range(1, levels + 1)]
    return "".join(ents)


def xml_attacks(secret: Path) -> dict[str, bytes]:
    item = ('<rss version="2.0"><channel><title>t</title><item><title>Anthropic Pentagon {ref} end</title>'
            '<link>http://x.test/{n}</link><guid>{n}</guid><description>{ref}</description></item></channel></rss>')
    uri = secret.as_uri()
    docs = {
        "billion laughs": f'<?xml version="1.0"?>\n<!DOCTYPE rss [{_lol()}]>\n' + item.format(ref="&lol9;", n=1),
        "quadratic blowup": ('<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY a "' + "x" * 50_000 + '">]>\n'
                             + item.format(ref="&a;" * 20_000, n=2)),
        "external entity (file)": f'<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY xxe SYSTEM "{uri}">]>\n'
                                  + item.format(ref="&xxe;", n=3),
        "external entity, public id": f'<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY xxe PUBLIC "-//x" "{uri}">]>\n'
                                      + item.format(ref="&xxe;", n=4),
        "parameter entity": (f'<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY % p SYSTEM "{uri}"> %p;]>\n'
                             + item.format(ref="x", n=5)),
        "external DTD": f'<?xml version="1.0"?>\n<!DOCTYPE rss SYSTEM "{uri}">\n' + item.format(ref="&xxe;", n=6),
        "entity past 64 KB of padding": (f'<?xml version="1.0"?>\n<!DOCTYPE rss [{" " * 70_000}'
                                         f'<!ENTITY xxe SYSTEM "{uri}">{_lol()}]>\n' + item.format(ref="&xxe;&lol9;", n=7)),
        "entity after a 64 KB comment": (f'<?xml version="1.0"?>\n<!--{"c" * 70_000}-->\n<!DOCTYPE rss '
                                         f'[<!ENTITY xxe SYSTEM "{uri}">]>\n' + item.format(ref="&xxe;", n=8)),
        "xinclude": ('<?xml version="1.0"?>\n<rss version="2.0" xmlns:xi="http://www.w3.org/2001/XInclude"><channel>'
                     f'<item><title>Anthropic Pentagon <xi:include href="{uri}" parse="text"/></title>'
                     '<link>http://x.test/9</link></item></channel></rss>'),
    }
    out = {k: v.encode() for k, v in docs.items()}
    for codec in ("utf-16", "utf-32"):  # the byte-level DOCTYPE filter cannot see these
        out[f"external entity in {codec}"] = docs["external entity (file)"].replace(
            '<?xml version="1.0"?>', f'<?xml version="1.0" encoding="{codec}"?>').encode(codec)
        out[f"billion laughs in {codec}"] = docs["billion laughs"].encode(codec)
    return out


def _attack_ids():
    return list(xml_attacks(Path("/x")))


@pytest.mark.parametrize("attack", _attack_ids())
def test_xml_attacks_expand_nothing_and_read_no_file(tmp_path, server, capsys, attack):
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET + "\n")
    body = xml_attacks(secret)[attack]
    server.set_handler("/hostile", raw(body))
    config = setup_poll(tmp_path, server, "/hostile")
    tracemalloc.start()
    try:
        elapsed, out = poll(config, capsys)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert elapsed < TIMEOUT + SLACK
    assert peak < 64 * 1024 * 1024, f"{attack}: {peak / 1e6:.0f} MB"
    feeds = feeds_json(config, capsys)
    items = items_json(config, capsys)
    assert_good_feed_untouched(feeds, items)
    hostile = feeds["Hostile"]
    if hostile["failures"]:
        assert hostile["last_error"] and "Traceback" not in hostile["last_error"]
    texts = [out, json.dumps(feeds, ensure_ascii=False), json.dumps(items, ensure_ascii=False),
             run(["--config", str(config), "items", "--all"], capsys)[1],
             run(["--config", str(config), "feeds"], capsys)[1]]
    for text in texts:
        assert SECRET not in text
        assert "lollollol" not in text  # no entity was expanded
        assert "x" * 1000 not in text
    db = load(config).database_path
    for path in (db, Path(str(db) + "-wal")):
        if path.exists():
            assert SECRET.encode() not in path.read_bytes()


# ----------------------------------------------------------------------------- all at once
def test_every_hostile_server_in_one_poll(tmp_path, server, capsys):
    """One poll holding all of them: the good feeds beside them are stored as if nothing happened."""
    sent = [0]
    handlers = {f"/h{n}": make(sent) for n, (_, make, _, mb) in enumerate(CASES) if mb is None}
    for path, handler in handlers.items():
        server.set_handler(path, handler)
    server.set_response("/h500", 500)
    server.set_response("/h429", 429, b"", {"Retry-After": "60"})
    server.set_response("/h410", 410)
    server.set_response("/hloop", 302, b"", {"Location": "/hloop"})
    server.set_feed("/good.xml", rss(GOOD))
    server.set_feed("/good2.xml", rss([FeedItem("Claude and the Department of War", link="http://news.test/g3",
                                                guid="g3", published=T0)]))
    hostile = [*handlers, "/h500", "/h429", "/h410", "/hloop"]
    feeds = [("Good", server.url("/good.xml"))] + [(f"H{p}", server.url(p)) for p in hostile] + [
        ("Good2", server.url("/good2.xml"))]
    config = write_config(tmp_path, feeds, extra='[poll]\ntimeout = "1s"\nconcurrency = 4\n')
    elapsed, _ = poll(config, capsys)
    # four at a time, and a handful of them use the whole deadline
    assert elapsed < 3 * TIMEOUT + SLACK + 3
    result = feeds_json(config, capsys)
    assert all(result[f"H{p}"]["failures"] == 1 and result[f"H{p}"]["last_error"] for p in hostile)
    items = items_json(config, capsys)
    assert_good_feed_untouched(result, items)
    assert result["Good2"]["items"] == 1 and result["Good2"]["failures"] == 0


# ----------------------------------------------------------------------------- memory
async def _fetch_peak(url: str, cap: int) -> tuple[str, int]:
    fetcher = Fetcher(PollSettings(timeout=5, max_bytes=cap))
    tracemalloc.start()
    try:
        with pytest.raises(FeedError) as e:
            await fetcher.fetch(url)
        return str(e.value), tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
        await fetcher.aclose()


@pytest.mark.parametrize("kind", ["200 MB streamed", "200 MB announced", "gzip bomb"])
def test_memory_stays_near_the_cap(server, kind):
    sent = [0]
    handler = {"200 MB streamed": lambda: huge_body(200 * 1024 * 1024, False, sent),
               "200 MB announced": lambda: huge_body(200 * 1024 * 1024, True, sent),
               "gzip bomb": lambda: gzip_bomb(4 * 1024**3, sent)}[kind]()
    server.set_handler("/big", handler)
    message, peak = asyncio.run(_fetch_peak(server.url("/big"), CAP))
    assert "larger than 1 MB" in message
    # the decoded body may double once while growing; anything near 200 MB or 4 GB is a leak
    assert peak < 3 * CAP + 2 * 1024 * 1024, f"peak {peak / 1e6:.1f} MB"


_RSS_SCRIPT = textwrap.dedent("""
    import sys
    import tracker.cli, tracker.update, tracker.fetch, tracker.parse, tracker.store  # imports are not the poll
    from tracker.cli import main
    def status(key):
        return next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith(key))
    with open("/proc/self/clear_refs", "w") as f:  # resets the high-water mark to the current RSS
        f.write("5")
    start = status("VmRSS:")
    code = main(["--config", sys.argv[1], "poll", "-q"])
    print("PEAK_GROWTH_KB", status("VmHWM:") - start, code)
""")


def _poll_peak_growth_kb(config: Path) -> tuple[int, str]:
    proc = subprocess.run([sys.executable, "-c", _RSS_SCRIPT, str(config)], capture_output=True, text=True,
                          timeout=120)
    line = next((line for line in proc.stdout.splitlines() if line.startswith("PEAK_GROWTH_KB")), None)
    assert line, proc.stdout + proc.stderr
    return int(line.split()[1]), proc.stdout + proc.stderr


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["200 MB streamed", "gzip bomb to 4 GB"])
def test_peak_rss_of_a_whole_poll_with_the_default_cap(tmp_path, server, kind):
    """In a separate process, with tracker's default 10 MB cap: peak RSS against a baseline poll."""
    sent = [0]
    server.set_feed("/good.xml", rss(GOOD))
    server.set_handler("/hostile", huge_body(200 * 1024 * 1024, False, sent) if kind.startswith("200")
                       else gzip_bomb(4 * 1024**3, sent))
    base_dir, hostile_dir = tmp_path / "base", tmp_path / "hostile"
    base_dir.mkdir(), hostile_dir.mkdir()
    baseline, _ = _poll_peak_growth_kb(write_config(base_dir, [("Good", server.url("/good.xml"))],
                                                    extra='[poll]\ntimeout = "5s"\n'))
    config = write_config(hostile_dir, [("Good", server.url("/good.xml")), ("Hostile", server.url("/hostile"))],
                          extra='[poll]\ntimeout = "5s"\n')
    peak, out = _poll_peak_growth_kb(config)
    assert "larger than 10 MB" in out, out
    growth_mb = (peak - baseline) / 1024
    print(f"{kind}: a plain poll's peak RSS grows {baseline / 1024:.0f} MB, this one {peak / 1024:.0f} MB; "
          f"server sent {sent[0] / 1e6:.1f} MB")
    assert growth_mb < 48, f"{kind}: peak RSS grew {growth_mb:.0f} MB over a plain poll"


# ----------------------------------------------------------------------------- kept-alive connections
def test_a_connection_the_server_closed_while_idle_is_not_reused():
    """The pool asks each idle connection whether the server has closed it (its socket turns
    readable) before placing a request on it; tracker answers that question more cheaply than
    httpcore's default, and must answer it as truly: the second fetch goes out on a new
    connection instead of failing on the dead one."""
    body = rss([FeedItem("Anthropic and the Pentagon", link="http://news.test/k", guid="k")])
    response = (b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nContent-Length: "
                + str(len(body)).encode() + b"\r\n\r\n" + body)
    listener = socket.create_server(("127.0.0.1", 0))
    closed, connections = threading.Event(), []

    def serve():
        for n in range(2):
            conn, _ = listener.accept()
            connections.append(conn)
            conn.recv(65536)
            conn.sendall(response)  # keep-alive by HTTP/1.1's default ...
            if n == 0:
                conn.close()  # ... and then closed while the client holds it idle
                closed.set()
        listener.close()

    server = threading.Thread(target=serve, daemon=True)
    server.start()
    url = f"http://127.0.0.1:{listener.getsockname()[1]}/f.xml"

    async def twice():
        fetcher = Fetcher(PollSettings(timeout=5))
        try:
            first = await fetcher.fetch(url)
            await asyncio.to_thread(closed.wait, 5)
            await asyncio.sleep(0.05)  # the FIN reaches the client's socket (loopback: at once)
            second = await fetcher.fetch(url)
            return first, second
        finally:
            await fetcher.aclose()

    first, second = asyncio.run(twice())
    server.join(5)
    assert first.body == body and second.body == body
    assert len(connections) == 2
