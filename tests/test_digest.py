"""The digest core: what goes in, how it is grouped, and that feed text stays text."""

from __future__ import annotations

import dataclasses
import json
import os
import pickle
import sqlite3
import threading
from datetime import datetime, timedelta, timezone
from html.parser import HTMLParser
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from tracker import digest
from tracker.config import load
from tracker.digest import files as digest_files
from tracker.digest import formats
from tracker.digest import build, export, export_default, md_escape, parse_when, render, short_summary
from tracker.match import Match
from tracker.model import Entry, FeedConfig
from tracker.paths import digests_dir
from tracker.store import Store
from tracker.text import clean_text

from .conftest import write_config

# ------------------------------------------------------------------ a fixed database
# Built through the Store API with a fixed clock; the golden files are renders of it.
NY = ZoneInfo("America/New_York")
NOW = datetime(2026, 2, 26, 15, 0, tzinfo=timezone.utc)  # Thu 26 Feb, 10:00 in New York
DEADLINE = """
[[deadlines]]
label = "Pentagon ultimatum to Anthropic expires"
at = "2026-02-27T17:00:00"
timezone = "America/New_York"
note = "Hegseth gave Anthropic until Friday 5 pm to accept the Pentagon's terms."
"""

GOOGLE = FeedConfig("Google News", "https://news.google.com/rss/search?q=anthropic", 600.0)
WIRE = FeedConfig("Wire", "https://wire.example/rss", 600.0)
AGENCY = FeedConfig("Agency", "https://agency.example/atom", 600.0)
FEEDS = (GOOGLE, WIRE, AGENCY)

HOSTILE_TITLE = '<script>alert(1)</script> "><img src=x onerror=alert(1)> [x](javascript:alert(1)) Anthropic'
HOSTILE_SUMMARY = ('"><img src=x onerror=alert(1)> ![i](http://evil.example/p.png) <a href="http://evil.example">'
                   'click</a> <style>body{display:none}</style> Pentagon.')


def utc(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 2, day, hour, minute, tzinfo=timezone.utc)


def entry(eid, title, link, published, summary="", outlet="") -> Entry:
    return Entry(entry_id=eid, title=title, link=link, published=published.strftime("%Y-%m-%dT%H:%M:%SZ"),
                 summary=summary, outlet=outlet)


def fetch(store: Store, feed: FeedConfig, now: datetime, *entries: Entry, on_story: bool = True) -> tuple[int, ...]:
    pairs = [(e, Match(on_story, ("Anthropic", "Pentagon") if on_story else ("Pentagon",))) for e in entries]
    return store.store_fetch(feed, pairs, status=200, etag=None, last_modified=None,
                             next_poll=now + timedelta(minutes=10), now=now).new


def make_config(tmp_path: Path, extra: str = DEADLINE):
    return load(write_config(tmp_path, [(f.name, f.url) for f in FEEDS], extra=extra))


def story_db(tmp_path: Path):
    """-> (config, store, ids by name): a week of the story from three feeds, with a cluster,
    an item two feeds carried, a starred and a read item, one at 23:30 local, one off the
    story, one too old for a first digest and one written by an attacker."""
    config = make_config(tmp_path)
    store = Store.open(config.database_path)
    store.sync_feeds(config.feeds)
    ids = {}
    [ids["old"]] = fetch(store, WIRE, utc(16, 12), entry(
        "w0", "Anthropic signs $200m Pentagon contract for Claude Gov", "https://wire.example/2026/02/16/contract",
        utc(16, 12), "The award covers prototype work for the Department of Defense. Terms were not disclosed."))
    [ids["ultimatum"]] = fetch(store, WIRE, utc(24, 15), entry(
        "w1", "Hegseth gives Anthropic until Friday to drop AI safeguards",
        "https://wire.example/2026/02/24/ultimatum?utm_source=rss",
        utc(24, 14, 5),
        "Defense Secretary Pete Hegseth told Anthropic it has until 5 p.m. Friday to accept the Pentagon's terms. "
        "Mr. Hegseth said the U.S. military must be free to use Claude for all lawful purposes. "
        "Anthropic has refused to allow mass surveillance or fully autonomous weapons. A third sentence follows."))
    # the same article through the Agency feed: one item, two feeds
    fetch(store, AGENCY, utc(24, 16), entry(
        "a1", "Hegseth gives Anthropic until Friday to drop AI safeguards", "https://wire.example/2026/02/24/ultimatum",
        utc(24, 14, 5), "Agency copy."))
    [ids["late"]] = fetch(store, AGENCY, utc(25, 5), entry(
        "a2", "Amodei: we will not build autonomous weapons for the Pentagon",
        "https://agency.example/amodei-statement", utc(25, 4, 30),
        "In a late-night statement, Dario Amodei said Anthropic's limits are not negotiable."))
    [ids["reuters"]] = fetch(store, GOOGLE, utc(25, 15), entry(
        "g1", "Anthropic rejects Pentagon's final offer",
        "https://news.google.com/rss/articles/CBMiXYZ?oc=5", utc(25, 14, 40),
        "Anthropic rejects Pentagon's final offer Reuters", outlet="Reuters"))
    [ids["wire_offer"]] = fetch(store, WIRE, utc(25, 15, 30), entry(
        "w2", "Anthropic rejects Pentagon's final offer", "https://wire.example/2026/02/25/offer",
        utc(25, 15, 10), "Talks broke down on Wednesday afternoon, people familiar with the matter said."))
    store.execute("UPDATE items SET cluster = ? WHERE id = ?", (ids["reuters"], ids["wire_offer"]))
    [ids["starred"]] = fetch(store, AGENCY, utc(25, 16), entry(
        "a3", "Pentagon weighs Defense Production Act against Anthropic",
        "https://agency.example/dpa", utc(25, 13), "Officials discussed invoking the act."))
    store.set_starred(ids["starred"], True)
    [ids["read"]] = fetch(store, WIRE, utc(26, 12), entry(
        "w3", "Explainer: what the Defense Production Act could force Anthropic to do",
        "https://en.wikipedia.org/wiki/Defense_Production_Act_(1950)", utc(26, 11, 45),
        "The Korean War-era law lets the president direct private industry. It has never been used this way."))
    store.set_read([ids["read"]])
    [ids["hostile"]] = fetch(store, WIRE, utc(26, 13), entry(
        "w4", HOSTILE_TITLE, "javascript:alert(1)", utc(26, 12, 30), HOSTILE_SUMMARY))
    [ids["off"]] = fetch(store, WIRE, utc(26, 14), entry(
        "w5", "Pentagon budget request tops $900bn", "https://wire.example/budget", utc(26, 13, 30),
        "Ships and planes."), on_story=False)
    return config, store, ids


GOLDEN = Path(__file__).parent / "data" / "digest"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"  # UPDATE_GOLDEN=1 pytest tests/test_digest.py rewrites them


@pytest.fixture
def db(tmp_path):
    return story_db(tmp_path)


# ------------------------------------------------------------------ golden files
@pytest.mark.parametrize("fmt", ["md", "html", "json", "txt"])
def test_golden(db, fmt):
    config, store, _ = db
    text = render(build(store, config, since="last", now=NOW, tz=NY), fmt)
    path = GOLDEN / f"first{digest.FORMATS[fmt]}"
    if UPDATE:
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"{path.name} changed; UPDATE_GOLDEN=1 rewrites it"


@pytest.mark.parametrize("fmt", ["md", "html", "json", "txt"])
def test_golden_empty_after_a_digest(db, fmt, tmp_path):
    config, store, _ = db
    export(store, config, output=tmp_path / "first.md", now=NOW - timedelta(hours=1), tz=NY)
    text = render(build(store, config, since="last", now=NOW, tz=NY), fmt)
    path = GOLDEN / f"empty{digest.FORMATS[fmt]}"
    if UPDATE:
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"{path.name} changed; UPDATE_GOLDEN=1 rewrites it"


# ------------------------------------------------------------------ content
def test_content_of_a_first_digest(db):
    config, store, ids = db
    d = build(store, config, since="last", now=NOW, tz=NY)
    assert d.story == "Pentagon vs Anthropic"
    assert [dl.status for dl in d.deadlines] == ["in 1 day 7 hours"]
    assert d.scope == "first" and d.previous is None
    # the first run covers 7 days: the old item is out, and so is the off-story one
    shown = {i for day in d.days for e in day.items for i in e.ids}
    assert shown == set(ids.values()) - {ids["old"], ids["off"]}
    assert (d.items, d.entries, d.outlets, d.new) == (7, 6, 3, 7)
    assert [day.date.isoformat() for day in d.days] == ["2026-02-26", "2026-02-25", "2026-02-24"]

    by_id = {e.ids[0]: e for day in d.days for e in day.items}
    # one article through two feeds: once, with both
    assert by_id[ids["ultimatum"]].outlets == ("Wire", "Agency")
    # a cluster: Google News' copy named Reuters, the wire's own: one entry, the first report's title
    offer = by_id[ids["reuters"]]
    assert offer.ids == (ids["reuters"], ids["wire_offer"]) and offer.outlets == ("Reuters", "Wire")
    assert offer.time.minute == 40  # Reuters' time: the first report
    # Google's description only repeats the headline, so the wire's summary is used
    assert offer.summary.startswith("Talks broke down")
    assert "2 outlets" in render(d, "md") and "2 outlets" in render(d, "html")


def test_an_item_at_2330_local_is_on_its_local_day(db):
    config, store, ids = db
    d = build(store, config, since="last", now=NOW, tz=NY)
    day = next(day for day in d.days if any(ids["late"] in e.ids for e in day.items))
    assert day.date.isoformat() == "2026-02-24"  # 04:30 UTC on the 25th
    late = next(e for e in day.items if ids["late"] in e.ids)
    assert digest.fmt_clock(late.time) == "23:30"
    assert "**Tue 24 Feb 23:30** [the report](https://agency.example/amodei-statement)" in render(d, "md")
    flat = render(build(store, config, since="last", now=NOW, tz=NY, flat=True), "md")
    assert flat.index("## Tuesday 24 February 2026") < flat.index("**23:30** [Amodei")
    assert json.loads(render(d, "json"))["days"][2]["date"] == "2026-02-24"


def test_starred_items_come_first_in_their_day(db):
    config, store, ids = db
    d = build(store, config, since="last", now=NOW, tz=NY)
    wed = next(day for day in d.days if day.date.isoformat() == "2026-02-25")
    assert wed.items[0].ids == (ids["starred"],) and wed.items[0].starred
    # the rest newest first, though the starred one is the oldest of the day
    assert wed.items[0].time < wed.items[1].time


def test_filters(db):
    config, store, ids = db
    unread = build(store, config, since="last", include_read=False, now=NOW, tz=NY)
    assert ids["read"] not in {i for day in unread.days for e in day.items for i in e.ids}
    starred = build(store, config, since="7d", starred_only=True, now=NOW, tz=NY)
    assert [e.ids for day in starred.days for e in day.items] == [(ids["starred"],)]
    nothing = build(store, config, since="2026-02-26", starred_only=True, now=NOW, tz=NY)
    assert nothing.empty == "Nothing starred on the story since Thursday 26 February 2026."


def test_an_empty_database(tmp_path):
    config = make_config(tmp_path)
    store = Store.open(config.database_path)
    d = build(store, config, since="last", now=NOW, tz=NY)
    assert d.empty == "Nothing on the story in the last 7 days." and d.days == ()
    page = render(d, "html")
    assert "Nothing on the story in the last 7 days." in page and "<svg" not in page
    assert json.loads(render(d, "json"))["empty"] == d.empty


def test_since_and_until_take_local_days_and_durations(db):
    config, store, ids = db
    def shown(**kw):
        d = build(store, config, now=NOW, tz=NY, **kw)
        return {i for day in d.days for e in day.items for i in e.ids}
    # the 24th, local: the 09:05 and the 23:30 items (the latter is the 25th in UTC)
    assert shown(since="2026-02-24", until="2026-02-24") == {ids["ultimatum"], ids["late"]}
    assert shown(since="2026-02-25", until="2026-02-25") == {ids["reuters"], ids["wire_offer"], ids["starred"]}
    # Reuters' copy (14:40 UTC on the 25th) is just outside; the wire's copy of it is in, and
    # still shows who else carried the story
    assert shown(since="24h") == {ids["read"], ids["hostile"], ids["wire_offer"]}
    offer = next(e for day in build(store, config, since="24h", now=NOW, tz=NY).days for e in day.items
                 if e.ids == (ids["wire_offer"],))
    assert offer.outlets == ("Reuters", "Wire") and offer.time.minute == 10
    assert shown(since="30d") >= {ids["old"]}
    d = build(store, config, since="24h", now=NOW, tz=NY)
    assert d.description == "in the last 1 day" and d.scope == "range" and not d.continues


def test_parse_when():
    assert parse_when("last").kind == "last"
    assert parse_when("24h").seconds == 86400 and parse_when("7d").seconds == 7 * 86400
    assert parse_when("2026-02-24").day.isoformat() == "2026-02-24"
    assert parse_when("2026-02-24T09:00").at.hour == 9
    for bad in ("yesterday", "", "7x", "2026-13-01", "-1d"):
        with pytest.raises(ValueError, match="is not 'last', a duration"):
            parse_when(bad)
    with pytest.raises(ValueError, match="only makes sense for --since"):
        parse_when("last", allow_last=False)


def test_a_passed_deadline_says_how_long_ago(db):
    config, store, _ = db
    d = build(store, config, since="last", now=utc(27, 22) + timedelta(days=3), tz=NY)  # Mon 2 Mar
    assert [(x.passed, x.status) for x in d.deadlines] == [(True, "passed 3 days ago")]
    assert "Deadline passed:** Pentagon ultimatum to Anthropic expires: Fri 27 Feb 2026 17:00 EST, " \
           "passed 3 days ago" in render(d, "md")


@pytest.mark.parametrize("fmt", sorted(digest.FORMATS))
@pytest.mark.parametrize("zone", ["Asia/Tokyo", "America/Los_Angeles"])
def test_a_milestone_at_the_end_of_time_is_shown_clamped_in_every_format(db, fmt, zone):
    """Stored at 9999-12-31 23:00 UTC (before times were checked): in Tokyo that is the year
    10000, past the end of datetime. The digest shows it at the end of the range instead."""
    config, store, _ = db
    with store.write() as c:
        c.execute("INSERT INTO deadlines (label, at, timezone, note, created) VALUES (?, ?, ?, ?, ?)",
                  ("End of time", "9999-12-31T23:00:00Z", zone, "", "2026-02-26T00:00:00Z"))
    d = build(store, config, since="last", now=NOW, tz=ZoneInfo(zone))
    assert d.deadlines[-1].label == "End of time" and d.deadlines[-1].at.year == 9989
    assert "End of time" in render(d, fmt)


def test_a_milestone_past_the_range_in_feeds_toml_is_one_clear_line(tmp_path, capsys):
    """West of UTC, 9999-12-31 23:00 local is in the year 10000 in UTC: OverflowError before."""
    from tracker.cli import main

    path = write_config(tmp_path, extra=DEADLINE.replace("2026-02-27T17:00:00", "9999-12-31T23:00:00"))
    assert main(["--config", str(path), "digest", "--output", "-"]) == 2
    err = capsys.readouterr().err
    assert err.strip().endswith("deadlines[0].at: 9999-12-31T23:00:00 is out of range: a milestone must fall "
                                "between the years 1000 and 9989")
    assert len(err.strip().splitlines()) == 1


def test_deadlines_added_in_the_dashboard_count_too(db):
    config, store, _ = db
    with store.write() as c:
        c.execute("INSERT INTO deadlines (label, at, timezone, note, created) VALUES (?, ?, ?, ?, ?)",
                  ("Court hearing", "2026-03-03T20:00:00Z", "America/New_York", "", "2026-02-26T00:00:00Z"))
    d = build(store, config, since="last", now=NOW, tz=NY)
    assert [(x.label, x.status) for x in d.deadlines] == [
        ("Pentagon ultimatum to Anthropic expires", "in 1 day 7 hours"), ("Court hearing", "in 5 days 5 hours")]


@pytest.mark.parametrize("text, expected", [
    ("One. Two. Three.", "One. Two."),
    ("Mr. Hegseth met the U.S. Army chief at 5 p.m. Friday. Anthropic declined. More.",
     "Mr. Hegseth met the U.S. Army chief at 5 p.m. Friday. Anthropic declined."),
    ("No full stop at all", "No full stop at all"),
    ("Headline - Reuters Reuters", ""),  # Google News' description repeats the title
    ("“Quoted.” Then this! And more?", "“Quoted.” Then this!"),
    ("A" * 400 + ". B.", "A" * 319 + "…"),
    ("Short first. " + "word " * 100, "Short first."),
])
def test_short_summary(text, expected):
    assert short_summary(text, "Headline - Reuters") == expected


def test_plain_text_is_wrapped_at_80_columns(db):
    config, store, _ = db
    text = render(build(store, config, since="30d", now=NOW, tz=NY), "txt")
    long = [line for line in text.splitlines() if len(line) > 80]
    assert all(line.strip().startswith("https://") for line in long), long  # links are never broken
    assert "Hegseth gives Anthropic until Friday to drop AI safeguards" in text


def test_the_json_is_the_same_content_as_data(db):
    config, store, ids = db
    d = build(store, config, since="last", now=NOW, tz=NY)
    data = json.loads(render(d, "json"))
    assert data["schema"] == 2 and data["story"] == "Pentagon vs Anthropic"
    assert data["counts"] == {"items": 7, "entries": 6, "developments": 5, "outlets": 3, "new": 7}
    assert data["deadlines"][0]["status"] == "in 1 day 7 hours"
    items = [i for day in data["days"] for i in day["items"]]
    assert [i["title"] for i in items] == [e.title for day in d.days for e in day.items]
    assert any(i["title"] == HOSTILE_TITLE and i["link"] is None for i in items)
    # every item once, under its development; the chart counts developments a day, not items
    assert sorted(i for x in data["developments"] for r in x["reports"] for i in r["ids"]) == sorted(
        i for e in items for i in e["ids"])
    assert [x["headline"] for x in data["developments"]] == [x.headline for x in d.developments]
    assert sum(c["in_digest"] for c in data["per_day"]) == len({(x["id"], r["time"][:10]) for x in data["developments"]
                                                                 for r in x["reports"]}) == 6


# ------------------------------------------------------------------ the chain of digests
def ids_in(path: Path) -> set[int]:
    return {i for day in json.loads(path.read_text())["days"] for e in day["items"] for i in e["ids"]}


def test_since_last_twice_gives_an_empty_digest_that_says_so(db, tmp_path):
    config, store, _ = db
    first = export(store, config, fmt="json", output=tmp_path / "1.json", now=NOW, tz=NY)[1]
    assert len(ids_in(first)) == 7
    second = export(store, config, fmt="md", output=tmp_path / "2.md", now=NOW + timedelta(minutes=5), tz=NY)[1]
    text = second.read_text()
    assert "Nothing new since the last digest (Thu 26 Feb 2026 10:00 EST)." in text
    assert "0 items" not in text  # the sentence says it all
    rows = store.execute("SELECT through_item, items, format FROM digests ORDER BY id")
    assert [tuple(r) for r in rows] == [(9, 7, "json"), (9, 0, "md")]


def test_the_dashboard_and_the_command_line_in_turn_never_repeat_or_skip(db, tmp_path, new_york):
    config, store, ids = db
    seen: list[set[int]] = []
    first = export(store, config, fmt="json", output=tmp_path / "a.json", now=NOW)[1]
    seen.append(ids_in(first))
    new = fetch(store, WIRE, NOW + timedelta(hours=1),
                entry("n1", "Anthropic sues Pentagon", "https://wire.example/n1", NOW),
                entry("n2", "Pentagon answers Anthropic suit", "https://wire.example/n2", utc(20, 9)))
    # the dashboard's `e`: its default format is Markdown, written to data/digests
    md = export_default(config, store)
    assert md.parent == digests_dir(store.path) and md.suffix == ".md"
    assert "Anthropic sues Pentagon" in md.read_text() and "Pentagon answers Anthropic suit" in md.read_text()
    assert "Hegseth gives" not in md.read_text()
    seen.append(set(new))
    # an item published long ago but arriving now is new all the same
    late = fetch(store, WIRE, NOW + timedelta(hours=2),
                 entry("n3", "Anthropic Pentagon archive story", "https://wire.example/n3", utc(1, 9)))
    third = export(store, config, fmt="json", output=tmp_path / "c.json", now=NOW + timedelta(hours=3))[1]
    seen.append(ids_in(third))
    assert seen[2] == set(late)
    everything = {r[0] for r in store.execute("SELECT id FROM items WHERE on_story = 1 AND id > ?", (ids["old"],))}
    assert set.union(*seen) == everything
    assert sum(map(len, seen)) == len(everything)  # no item in two digests


def test_two_exports_at_once_split_the_items_between_them(db, tmp_path):
    config, store, _ = db
    other = Store.open(config.database_path)  # the other process's connection
    barrier = threading.Barrier(2)
    paths = {}

    def run(name, s):
        barrier.wait()
        paths[name] = export(s, config, fmt="json", output=tmp_path / f"{name}.json", now=NOW, tz=NY)[1]

    threads = [threading.Thread(target=run, args=(n, s)) for n, s in (("a", store), ("b", other))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    a, b = ids_in(paths["a"]), ids_in(paths["b"])
    assert not a & b and len(a | b) == 7  # one got everything, the other nothing


class SlowPipe:
    """stdout of `tracker digest -o - | less` before the reader reads: writes block until released."""

    def __init__(self):
        self.writing, self.release, self.text = threading.Event(), threading.Event(), []

    def write(self, text):
        self.writing.set()
        self.release.wait(10)
        self.text.append(text)

    def flush(self):
        pass


def export_to_slow_stdout(store, config, monkeypatch):
    """-> (pipe, thread running export(output="-"), its outcome); the thread is blocked writing."""
    pipe, outcome = SlowPipe(), {}
    monkeypatch.setattr("sys.stdout", pipe)

    def run():
        try:
            outcome["result"] = export(store, config, fmt="json", output="-", now=NOW, tz=NY)
        except Exception as e:
            outcome["error"] = e

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    assert pipe.writing.wait(10)
    return pipe, thread, outcome


def test_a_digest_being_read_holds_no_lock_a_poller_needs(db, monkeypatch):
    config, store, _ = db
    pipe, thread, outcome = export_to_slow_stdout(store, config, monkeypatch)
    try:
        poller = sqlite3.connect(config.database_path, timeout=1, isolation_level=None)
        poller.execute("BEGIN IMMEDIATE")  # "database is locked" while the export held the lock
        poller.execute("ROLLBACK")
        # a poll stores an item meanwhile: not in this digest, so in the next one
        [late] = fetch(Store.open(config.database_path), WIRE, NOW + timedelta(minutes=1),
                       entry("n9", "Anthropic sues Pentagon", "https://wire.example/n9", NOW))
    finally:
        pipe.release.set()
        thread.join()
    got, path = outcome["result"]
    assert path is None and got.items == 7 and json.loads("".join(pipe.text))["counts"]["items"] == 7
    assert [tuple(r) for r in store.execute("SELECT through_item, items FROM digests")] == [(9, 7)]
    assert [i for d in build(store, config, now=NOW, tz=NY).days for e in d.items for i in e.ids] == [late]


def a_chain_and_news(store, config, tmp_path) -> set[int]:
    """A first digest, then two items it did not cover -> their ids."""
    export(store, config, fmt="json", output=tmp_path / "first.json", now=NOW, tz=NY)
    return set(fetch(store, WIRE, NOW + timedelta(hours=1),
                     entry("n1", "Anthropic sues Pentagon", "https://wire.example/n1", NOW),
                     entry("n2", "Pentagon answers Anthropic suit", "https://wire.example/n2", NOW)))


def test_a_digest_to_stdout_overtaken_by_another_is_not_recorded(db, tmp_path, monkeypatch):
    config, store, _ = db
    news = a_chain_and_news(store, config, tmp_path)
    pipe, thread, outcome = export_to_slow_stdout(store, config, monkeypatch)
    try:
        dashboard = export_default(config, Store.open(config.database_path))  # `e` meanwhile
    finally:
        pipe.release.set()
        thread.join()
    assert "another digest was exported" in str(outcome["error"])
    # the chain goes on from the dashboard's digest, which took the news
    assert "Anthropic sues Pentagon" in dashboard.read_text()
    assert [tuple(r) for r in store.execute("SELECT through_item, items, path FROM digests ORDER BY id")][1:] == [
        (max(news), 2, str(dashboard.resolve()))]


def test_a_file_digest_overtaken_by_another_is_made_again(db, tmp_path, monkeypatch):
    config, store, _ = db
    news = a_chain_and_news(store, config, tmp_path)
    staged, dashboard = digest_files._staged, []

    def dashboard_first(*args):
        if not dashboard:  # the dashboard's `e` while this export is writing its file
            dashboard.append(None)
            dashboard[0] = export_default(config, Store.open(config.database_path))
        return staged(*args)

    monkeypatch.setattr(digest_files, "_staged", dashboard_first)
    got, path = export(store, config, fmt="json", output=tmp_path / "cli.json", now=NOW, tz=NY)
    assert "Anthropic sues Pentagon" in dashboard[0].read_text()
    assert got.items == 0 and ids_in(path) == set()  # made again after the dashboard's: nothing left
    assert json.loads(path.read_text())["empty"].startswith("Nothing new since the last digest")
    assert [tuple(r) for r in store.execute("SELECT through_item, items FROM digests ORDER BY id")][1:] == [
        (max(news), 2), (max(news), 0)]
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_one_off_digests_leave_the_chain_alone(db, tmp_path):
    config, store, _ = db
    export(store, config, output=tmp_path / "x.md", since="24h", now=NOW, tz=NY)
    export(store, config, output=tmp_path / "y.md", starred_only=True, now=NOW, tz=NY)
    export(store, config, output=tmp_path / "z.md", until="2026-02-25", now=NOW, tz=NY)
    assert store.execute("SELECT COUNT(*) FROM digests")[0][0] == 0
    assert build(store, config, since="last", now=NOW, tz=NY).items == 7


def test_export_writes_atomically_to_the_default_place(db):
    config, store, _ = db
    a = export(store, config, fmt="html", now=NOW, tz=NY)[1]
    b = export(store, config, fmt="html", now=NOW, tz=NY)[1]
    assert a == digests_dir(store.path) / "pentagon-vs-anthropic-2026-02-26-1000.html"
    assert b == digests_dir(store.path) / "pentagon-vs-anthropic-2026-02-26-1000-2.html"  # same minute: both kept
    assert {p.name for p in digests_dir(store.path).iterdir()} == {a.name, b.name}  # no temp files left
    assert a.stat().st_mode & 0o777 == 0o644
    [row] = store.execute("SELECT path FROM digests ORDER BY id LIMIT 1")
    assert row[0] == str(a.resolve())


def test_a_failed_write_records_nothing(db, tmp_path):
    config, store, _ = db
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(digest.DigestError, match="cannot write"):
        export(store, config, output=blocker / "sub" / "d.md", now=NOW, tz=NY)
    assert store.execute("SELECT COUNT(*) FROM digests")[0][0] == 0


# ------------------------------------------------------------------ hostile feed text
class Audit(HTMLParser):
    """Every tag, attribute and text run of a document."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.attrs, self.text, self.styles = [], [], [], 0
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += [(tag, k, v or "") for k, v in attrs]
        if tag == "style":
            self.styles += 1
            self._in_style = True

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        self._in_style = self._in_style and tag != "style"

    def handle_data(self, data):
        if not self._in_style:
            self.text.append(data)


def audit(text: str) -> Audit:
    a = Audit()
    a.feed(text)
    a.close()
    return a


def item_links(store) -> set[str]:
    return {r[0] for r in store.execute("SELECT link FROM items WHERE link LIKE 'http%'")}


def assert_inert(a: Audit, allowed_links: set[str], hostile=(HOSTILE_TITLE, clean_text(HOSTILE_SUMMARY))):
    assert "script" not in a.tags and "img" not in a.tags and "iframe" not in a.tags
    assert not [x for x in a.attrs if x[1].lower().startswith("on")]
    assert not [x for x in a.attrs if x[1] == "style"]
    for tag, name, value in a.attrs:
        if name in ("href", "src", "xlink:href", "action", "formaction"):
            assert value in allowed_links, (tag, name, value)
    text = " ".join(" ".join(a.text).split())
    for bad in hostile:
        assert bad in text  # came out as text, whole


def test_hostile_feed_text_is_inert_in_html(db):
    config, store, _ = db
    page = render(build(store, config, since="last", now=NOW, tz=NY), "html")
    a = audit(page)
    assert_inert(a, item_links(store))
    assert a.styles == 1 and a.tags.count("svg") == 1
    [csp] = [v for t, k, v in a.attrs if t == "meta" and k == "content" and "default-src" in v]
    assert csp.startswith("default-src 'none'; style-src 'unsafe-inline'; img-src data:")
    # every link opens without handing the page over
    anchors = [(k, v) for t, k, v in a.attrs if t == "a"]
    assert anchors.count(("rel", "noopener noreferrer")) == sum(1 for k, _ in anchors if k == "href") > 0
    # nothing for a browser to fetch on opening it: no URL in any attribute but the item
    # links (and SVG's namespace name), none in the style sheet
    urls = {v for _, k, v in a.attrs if "//" in v or ":" in v and k not in ("content", "datetime")}
    assert urls <= item_links(store) | {"http://www.w3.org/2000/svg"}, urls - item_links(store)
    style = page[page.index("<style>"):page.index("</style>")]
    assert "url(" not in style and "@import" not in style and "//" not in style


def test_hostile_feed_text_is_inert_in_markdown(db):
    config, store, _ = db
    text = render(build(store, config, since="last", now=NOW, tz=NY), "md")
    # CommonMark with raw HTML allowed: the strictest test of the escaping
    a = audit(MarkdownIt("commonmark").render(text))
    assert_inert(a, {digest._md_url(link) for link in item_links(store)} | item_links(store))
    assert "javascript" not in " ".join(v for _, k, v in a.attrs)


def test_links_other_than_http_are_dropped_at_render_time(db):
    config, store, ids = db
    store.execute("UPDATE items SET link = ? WHERE id = ?", ("data:text/html,<script>alert(1)</script>", ids["late"]))
    store.execute("UPDATE items SET link = ? WHERE id = ?", (" JavaScript:alert(1)", ids["starred"]))
    d = build(store, config, since="last", now=NOW, tz=NY)
    for fmt in ("md", "html", "txt", "json"):
        out = render(d, fmt)
        assert "data:text" not in out and "JavaScript:" not in out and "javascript:alert(1)\"" not in out


MARKDOWN_SPECIALS = list("[]()<>*_#`\\!&;:-+=.|~{}$\"'/ 1aA") + ["http://", "javascript:", "&amp;", "&#x3C;", "<!--",
                                                             "![", "](", "1. ", "- ", "* ", "> ", "==", "---"]


@settings(max_examples=int(os.environ.get("DIGEST_EXAMPLES", 300)), deadline=None)
@given(st.lists(st.one_of(st.sampled_from(MARKDOWN_SPECIALS), st.characters()), min_size=1).map("".join))
def test_escaped_markdown_renders_back_to_the_same_text(s):
    s = clean_text(s)
    html = MarkdownIt("commonmark").render(md_escape(s))
    a = audit(html)
    if not s:
        return
    assert a.tags == ["p"], (s, html)
    assert "".join(a.text).strip() == s.strip()


# ------------------------------------------------------------------ by development
def test_developments_lead_most_outlets_first_starred_under_their_own_heading(db):
    config, store, ids = db
    d = build(store, config, since="last", now=NOW, tz=NY)
    # the starred report's development first, under its own heading; then by outlets, then latest report
    names = [name for name, _ in digest.sections(d)]
    assert names == ["Starred", "Developments"]
    starred, rest = (group for _, group in digest.sections(d))
    assert [ids["starred"] in r.ids for r in starred[0].reports] == [True, False]  # first report first
    assert [len(x.outlets) for x in rest] == sorted((len(x.outlets) for x in rest), reverse=True)
    two = [x for x in rest if len(x.outlets) == 2]
    assert two[0].last > two[1].last
    md = render(d, "md")
    assert md.index("## ★ Starred (1)") < md.index("## Developments (4)") < md.index("### [Anthropic rejects")
    assert md.index("### [Anthropic rejects") < md.index("### [Hegseth gives") < md.index("### [Amodei")
    assert "*2 outlets · 1 report · first Wed 25 Feb 09:40 (Reuters)*" in md
    # every item once, under its development; --flat: day by day as before
    assert "## Wednesday 25 February 2026" not in md
    flat = render(build(store, config, since="last", now=NOW, tz=NY, flat=True), "md")
    assert "## Wednesday 25 February 2026 (3 items)" in flat and "###" not in flat
    for fmt in ("txt", "html"):
        text = render(d, fmt)
        assert text.index("Starred" if fmt == "html" else "STARRED (1)") < text.index("Anthropic rejects")


def test_a_development_lists_its_first_reports_and_counts_the_rest(db):
    config, store, _ = db
    d = build(store, config, since="last", now=NOW, tz=NY)
    big = d.developments[0]
    many = dataclasses.replace(big, reports=big.reports * 6)  # 12 reports
    d = dataclasses.replace(d, developments=(many,))
    md = render(d, "md")
    assert md.count("- ★ **Wed 25 Feb 08:00**") == 4 and "- … and 4 more reports" in md
    assert "… and 4 more reports" in render(d, "txt") and "… and 4 more reports" in render(d, "html")


def test_deadlines_in_their_own_zone_and_the_readers(db):
    config, store, _ = db
    d = build(store, config, since="last", now=NOW, tz=ZoneInfo("Europe/London"))
    line = "Fri 27 Feb 2026 22:00 GMT (17:00 EST in America/New_York)"
    for fmt in ("txt", "html"):
        assert line in " ".join(render(d, fmt).split()), fmt
    assert line.replace("_", "\\_") in render(d, "md")
    assert json.loads(render(d, "json"))["deadlines"][0]["at_there"] == "2026-02-27T17:00:00-05:00"
    # in the deadline's own zone: once
    assert "(17:00 EST" not in render(build(store, config, since="last", now=NOW, tz=NY), "md")
    # a zone name another program stored: the reader's time alone, no crash
    bad = dataclasses.replace(d.deadlines[0], own=None, timezone="Mars/Olympus")
    assert "Fri 27 Feb 2026 22:00 GMT, in 1 day" in render(dataclasses.replace(d, deadlines=(bad,)), "md")


def test_the_chart_counts_developments_a_day_not_items(db):
    config, store, ids = db
    # a second copy of the offer the same day: more items, not more developments
    html = render(build(store, config, since="last", now=NOW, tz=NY), "html")
    assert "Wednesday 25 February 2026: 2 developments, 2 in this digest" in html
    assert "Developments on the story per day" in html


def test_every_format_renders_from_the_data_alone(db):
    """The digest is data: once built, the formats need neither the database nor the store."""
    config, store, _ = db
    d = pickle.loads(pickle.dumps(build(store, config, since="last", now=NOW, tz=NY)))
    store.close()
    Path(config.database_path).unlink()
    for fmt, ext in digest.FORMATS.items():
        assert formats.render(d, fmt) == (GOLDEN / f"first{ext}").read_text(encoding="utf-8"), fmt
