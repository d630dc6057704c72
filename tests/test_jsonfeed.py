"""JSON Feed 1.0/1.1 (tracker/jsonfeed.py): polled from a real loopback server like any feed,
normalised as Atom entries are, and hostile JSON (deep nesting, wrong types, absurd dates,
control characters, scripts, floods) gives one clear FeedError or a clean entry, never a
crash."""

from __future__ import annotations

import json
import os
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from tracker import parse
from tracker.cli import main
from tracker.errors import FeedError
from tests.support.feedgen import FeedItem, json_feed

from .conftest import write_config

T0 = datetime(2026, 2, 25, 9, 0, tzinfo=timezone.utc)
URL = "http://127.0.0.1:8080/feed.json"
CORPUS = Path(os.environ.get("TRACKER_CORPUS") or Path(__file__).resolve().parents[1] / ".." / "shared" / "corpus")

ON = [
    FeedItem("Hegseth gives Anthropic until Friday to drop AI safeguards", link="http://news.test/a1",
             guid="a1", published=T0, author="Jane Roe",
             summary="<p>The <b>Pentagon</b> wants Claude without limits.</p><script>alert(1)</script>"),
    FeedItem("Amodei meets Pentagon chiefs", link="http://news.test/a2", guid="a2",
             published=T0 + timedelta(hours=1), summary="Talks continue."),
]
OFF = [FeedItem("Pentagon budget request tops $900bn", link="http://news.test/b2", guid="b2",
                published=T0 + timedelta(hours=3), summary="Ships and planes.")]


def doc(*items, **feed) -> bytes:
    return json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": "Wire", **feed,
                       "items": list(items)}).encode()


def one(item: dict, **feed):
    return parse.parse(doc(item, **feed), "application/feed+json", URL)


@pytest.mark.parametrize("content_type", ["application/feed+json", "application/json; charset=utf-8"])
def test_a_json_feed_is_polled_and_stored_like_any_feed(tmp_path, server, capsys, content_type):
    server.set_feed("/feed.json", json_feed(ON + OFF, title="Wire"), content_type=content_type)
    config = write_config(tmp_path, [("Wire", server.url("/feed.json"))])
    assert main(["--config", str(config), "poll", "-q"]) == 0
    assert "3 new items (2 on the story)" in capsys.readouterr().out
    assert main(["--config", str(config), "items", "--json"]) == 0
    items = json.loads(capsys.readouterr().out)
    assert [(i["title"], i["link"], i["published"]) for i in items] == [
        (ON[1].title, "http://news.test/a2", "2026-02-25T10:00:00Z"),
        (ON[0].title, "http://news.test/a1", "2026-02-25T09:00:00Z")]
    assert items[1]["summary"] == "The Pentagon wants Claude without limits."  # markup and script gone
    assert items[1]["feeds"] == ["Wire"]


def test_the_fields_of_json_feed_1_1_and_1_0():
    parsed = one({"id": 7, "url": "/posts/7", "title": "T <b>not markup</b>", "summary": "S &amp; co",
                  "content_html": "<p>body</p>", "date_published": "2026-02-25T10:00:00.52+01:00",
                  "authors": [{"name": "Ann"}, {"name": "Bob"}]}, home_page_url="http://news.test/")
    e = parsed.entries[0]
    assert (e.entry_id, e.link, e.title, e.summary, e.published, e.author) == (
        "7", "http://127.0.0.1:8080/posts/7", "T <b>not markup</b>", "S &amp; co", "2026-02-25T09:00:00Z",
        "Ann, Bob")
    assert parsed.title == "Wire"
    # 1.0: one "author", external_url, date_modified, content_text; a feed's author is inherited.
    parsed = parse.parse(json.dumps({"version": "https://jsonfeed.org/version/1", "author": {"name": "Desk"},
                                     "items": [{"id": "x", "external_url": "http://other.test/x",
                                                "content_text": "Plain <i>text</i>",
                                                "date_modified": "2026-02-25T08:00:00Z"}]}).encode(),
                         "application/json", URL)
    e = parsed.entries[0]
    assert (e.link, e.summary, e.title, e.published, e.author) == (
        "http://other.test/x", "Plain <i>text</i>", "Plain <i>text</i>", "2026-02-25T08:00:00Z", "Desk")


def test_content_html_is_read_as_html_and_scripts_never_reach_the_text():
    e = one({"id": "1", "title": "A", "content_html": "<p>Hi &amp; bye</p><script>steal()</script>"
                                                      "<style>p{}</style>"}).entries[0]
    assert e.summary == "Hi & bye"


@pytest.mark.parametrize("body, says", [
    (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    (b'{"version": "https://jsonfeed.org/version/1.1", "items": ' + b"[" * 100_000, "nested too deeply"),
    (b'{"version": "https://jsonfeed.org/version/1.1", "items": [', "not valid JSON"),
    (b'{"version": "https://jsonfeed.org/version/1.1", "items": [' + b"1" * 5000 + b"]}", "not valid JSON"),
    (b'{"items": []}', "not a JSON Feed"),
    (b'{"version": 1.1, "items": []}', "not a JSON Feed"),
    (b'{"version": "https://jsonfeed.org/version/1.1", "items": {}}', "not a JSON Feed"),
    (b'["https://jsonfeed.org/version/1.1"]', "not a JSON Feed"),
    (b'{"version": "https://jsonfeed.org/version/1.1", "items": []} \xff\xfe', "not valid JSON"),
])
def test_hostile_json_gives_one_clear_error(body, says):
    with pytest.raises(FeedError, match=says):
        parse.parse(body, "application/feed+json", URL)


def test_wrong_types_are_dropped_and_the_rest_of_the_item_kept():
    parsed = one({"id": {"x": 1}, "url": ["http://news.test/x"], "external_url": "http://news.test/ok",
                  "title": 12, "summary": None, "content_html": {"a": 1}, "content_text": "Text",
                  "date_published": 20260225, "authors": "Ann", "author": 5},
                 title=["Wire"], authors={"name": "x"})
    e = parsed.entries[0]
    assert (e.link, e.title, e.summary, e.published, e.author) == (
        "http://news.test/ok", "Text", "Text", None, "")
    assert e.entry_id == "http://news.test/ok"  # no usable id: the link stands in
    assert parsed.title == ""
    # items that are not objects are skipped, not fatal
    assert len(parse.parse(doc("x", 3, None, [], {"id": "a", "title": "A"}), "application/feed+json", URL).entries) == 1


@pytest.mark.parametrize("date", ["9999-12-31T23:59:59Z", "0001-01-01T00:00:00Z", "1970-01-01T00:00:00Z",
                                  "2026-13-45T99:99:99Z", "2026-02-25T10:00:00+99:00", "x" * 100_000,
                                  "2026-02-25T10:00:00" + "9" * 5000 + "Z", ""])
def test_absurd_dates_leave_the_item_undated(date):
    e = one({"id": "1", "title": "A", "date_published": date}).entries[0]
    assert e.published is None


def test_control_characters_and_lone_surrogates_are_cleaned():
    body = (b'{"version": "https://jsonfeed.org/version/1.1", "title": "W\\u001b[2Jire", "items": [{"id": "1",'
            b' "title": "A\\u0007\\u001b]0;pwned\\u0007 B\\ud800", "content_text": "x\\u0000y\\u202e",'
            b' "authors": [{"name": "E\\u001b[31mvil"}]}]}')
    parsed = parse.parse(body, "application/feed+json", URL)
    e = parsed.entries[0]
    for text in (parsed.title, e.title, e.summary, e.author):
        assert text.isprintable() and "\x1b" not in text and "\ud800" not in text, repr(text)
    e.title.encode("utf-8")  # storable


def test_huge_fields_and_floods_are_bounded():
    long = "word " * 400_000  # 2 MB
    e = one({"id": "i" * 100_000, "title": long, "content_html": f"<p>{long}</p>",
             "url": "http://news.test/" + "a" * 100_000}).entries[0]
    assert len(e.title) <= parse.TITLE_LIMIT and len(e.summary) <= parse.SUMMARY_LIMIT
    assert len(e.entry_id) <= 1000
    flood = doc(*({"id": str(n), "title": f"T{n}"} for n in range(parse.MAX_ENTRIES + 50)))
    parsed = parse.parse(flood, "application/feed+json", URL)
    assert len(parsed.entries) == parse.MAX_ENTRIES
    assert f"holds {parse.MAX_ENTRIES + 50} items" in parsed.problem


def test_javascript_and_relative_links_are_not_stored_raw():
    e = one({"id": "1", "title": "A", "url": "javascript:alert(1)"}).entries[0]
    assert e.link is None
    e = one({"id": "1", "title": "A", "url": "../b"}, feed_url="http://news.test/feeds/f.json").entries[0]
    assert e.link == "http://news.test/b"


def _corpus_json() -> list[Path]:
    if not CORPUS.is_dir():
        pytest.skip(f"the feed corpus is not at {CORPUS.resolve()} (TRACKER_CORPUS=DIR names another place)")
    return sorted(CORPUS.rglob("*.json"))


def test_no_json_file_of_the_corpus_raises_anything_but_a_feed_error():
    read = 0
    for path in _corpus_json():
        try:
            parse.parse(path.read_bytes(), "application/json", URL)
            read += 1
        except FeedError:
            pass
    assert read >= 10  # the JSON Feeds among them are read (gofeed's, feedparser's)


def test_gofeed_translator_cases_read_as_gofeed_expects():
    """gofeed/translator/json: each JSON Feed beside the universal item gofeed makes of it."""
    pairs = [(p, p.with_name(p.stem + "_expected.json")) for p in _corpus_json()
             if "translator/json" in str(p) and not p.stem.endswith("_expected")]
    assert pairs
    for source, expected in pairs:
        want = json.loads(expected.read_text())
        got = parse.parse(source.read_bytes(), "application/feed+json", URL)
        assert got.title == want.get("title", ""), source.name
        assert len(got.entries) == len(want["items"]), source.name
        for e, w in zip(got.entries, want["items"]):
            if "guid" in w:
                assert e.entry_id == w["guid"], source.name
            if "title" in w:
                assert e.title == w["title"], source.name
            assert e.link == w.get("link"), source.name
            if "publishedParsed" in w:
                assert e.published == w["publishedParsed"][:19] + "Z", source.name
            assert e.summary == (w.get("description") or parse.html_to_text(w.get("content"))), source.name
            if w.get("authors"):
                assert e.author == ", ".join(a["name"] for a in w["authors"]), source.name
