"""Clusters as stored: built while polls store items, one panel row per cluster, members,
outlets, and what happens when reports arrive late, change or leave the story."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timedelta, timezone

import pytest

from tracker import cluster
from tracker.cli import main
from tracker.config import load
from tracker.feedgen import FeedItem, atom, rss
from tracker.match import Match
from tracker.model import Entry, FeedConfig
from tracker.rescore import on_open
from tracker.store import FTS, MIGRATIONS, Filter, Store

from .conftest import write_config

T0 = datetime(2026, 2, 27, 22, 10, tzinfo=timezone.utc)
HEADLINE = "Pentagon designates Anthropic a supply-chain risk after deadline passes"
LEDE = ("Defense Secretary Pete Hegseth said the designation takes effect immediately and bars defense "
        "contractors from using the company's products on military work.")
GOOGLE_LINK = "https://news.google.com/rss/articles/CBMiWkFVX3lxTE1hYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5eg?oc=5"
BING_LINK = ("http://www.bing.com/news/apiclick.aspx?ref=FexRss&aid=&tid=69a1b2c3&url=https%3a%2f%2ffinance.yahoo.com"
             "%2fnews%2fpentagon-designates-anthropic-supply-221000123.html%3futm_source%3dbing%26utm_medium%3drss"
             "&c=1234567890&mkt=en-us")
OWN_LINK = ("https://www.defensenews.com/pentagon/2026/02/27/pentagon-designates-anthropic-a-supply-chain-risk/"
            "?utm_source=rss&utm_medium=feed&utm_campaign=pentagon#comments")


def three_feeds(server):
    """One report carried by Google News (outlet in a <source> and a " - Reuters" suffix, a
    redirect link that hides the publisher), Bing News (a " - Yahoo Finance" suffix without
    <source>, a click-tracking link) and the outlet's own feed (tracking parameters)."""
    google = FeedItem(f"{HEADLINE} - Reuters", link=GOOGLE_LINK, guid="CBMiWkFVX3lxTE1hYmNk", published=T0,
                      summary=f'<a href="{GOOGLE_LINK}">{HEADLINE}</a>&nbsp;&nbsp;<font color="#6f6f6f">Reuters</font>',
                      source=("Reuters", "https://www.reuters.com"))
    bing = FeedItem(f"{HEADLINE} - Yahoo Finance", link=BING_LINK, guid=BING_LINK, published=T0 + timedelta(minutes=25),
                    summary=LEDE)
    own = FeedItem(HEADLINE, link=OWN_LINK, guid="https://www.defensenews.com/?p=881122",
                   published=T0 + timedelta(minutes=5), summary=f"<p>{LEDE}</p>")
    other = FeedItem("Hegseth says Anthropic 'chose politics over warfighters'", link="https://www.defensenews.com/x/",
                     guid="https://www.defensenews.com/?p=881130", published=T0 + timedelta(hours=2),
                     summary="The Defense Secretary said the company's leadership had put ideology ahead of the troops.")
    server.set_feed("/google.xml", rss([google]))
    server.set_feed("/bing.xml", rss([bing]))
    server.set_feed("/own.xml", atom([own, other]), content_type="application/atom+xml")
    return [("Google News", server.url("/google.xml")), ("Bing News", server.url("/bing.xml")),
            ("Defense News", server.url("/own.xml"))]


def items_json(config, capsys):
    capsys.readouterr()
    assert main(["--config", str(config), "items", "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_one_report_from_three_feeds_is_one_cluster_of_three_outlets(tmp_path, server, capsys):
    config = write_config(tmp_path, three_feeds(server))
    assert main(["--config", str(config), "poll", "-q"]) == 0
    store = Store.open(load(config).database_path)

    reps = store.item_ids(Filter(clusters=True))
    assert len(reps) == 2  # the report, and the other story
    rows = store.cluster_rows(reps)
    report = next(r for r in rows.values() if r.size > 1)
    assert (report.size, report.outlets, report.outlet) == (3, 3, "Reuters")
    assert report.title == HEADLINE and report.published == "2026-02-27T22:10:00Z"  # the earliest report
    members = store.cluster_members(report.id)
    assert [(m.outlet, m.published) for m in members] == [
        ("Reuters", "2026-02-27T22:10:00Z"), ("Defense News", "2026-02-27T22:15:00Z"),
        ("Yahoo Finance", "2026-02-27T22:35:00Z")]
    assert members[2].link == BING_LINK and members[2].title == HEADLINE  # suffix cut, kept as the outlet

    items = items_json(config, capsys)
    same = [i for i in items if i["title"] == HEADLINE]
    assert len(same) == 3 and len({i["cluster"] for i in same}) == 1
    assert sorted(i["outlet"] for i in same) == ["Defense News", "Reuters", "Yahoo Finance"]
    other = next(i for i in items if i["title"] != HEADLINE)
    assert other["cluster"] == other["id"] != same[0]["cluster"]

    capsys.readouterr()
    assert main(["--config", str(config), "items", "--clusters"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2 and sum(f"×3 {HEADLINE}" in line and "Reuters" in line for line in lines) == 1
    assert main(["--config", str(config), "items", "--clusters", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert sorted((r["size"], r["outlets"]) for r in rows) == [(1, 1), (3, 3)]

    assert main(["--config", str(config), "poll", "-q"]) == 0  # unchanged feeds: nothing moves
    assert store.cluster_rows(store.item_ids(Filter(clusters=True)))[report.id].size == 3


def test_the_panel_query_uses_the_representatives_index(tmp_path):
    store = Store.open(tmp_path / "t.db")
    where, params = store._where(Filter(clusters=True))
    plan = " ".join(r[3] for r in store.execute(
        f"EXPLAIN QUERY PLAN SELECT i.id FROM items i{where} ORDER BY i.published DESC, i.id DESC", params))
    assert "items_reps" in plan and "TEMP B-TREE" not in plan


# ------------------------------------------------------------------ store_fetch directly
FEED = FeedConfig("Wire", "http://127.0.0.1/wire.xml", 600)
ON = Match(True, ("Anthropic", "Pentagon"))
OFF = Match(False, ("Anthropic",))


def entry(n, title=HEADLINE, at=T0, summary=LEDE, outlet="Outlet"):
    return Entry(entry_id=f"e{n}", title=title, link=f"https://outlet{n}.test/a", published=at.strftime("%Y-%m-%dT%H:%M:%SZ"),
                 summary=summary, outlet=f"{outlet} {n}")


def fetch(store, *pairs, feed=FEED, now=T0 + timedelta(days=1)):
    return store.store_fetch(feed, list(pairs), status=200, etag=None, last_modified=None,
                             next_poll=now + timedelta(minutes=10), now=now)


def clusters(store):
    """{representative id: sorted member ids}"""
    out: dict[int, list[int]] = {}
    for i, c in store.execute("SELECT id, cluster FROM items WHERE on_story = 1 ORDER BY id"):
        out.setdefault(c, []).append(i)
    return out


@pytest.fixture
def store(tmp_path):
    s = Store.open(tmp_path / "t.db")
    yield s
    s.close()


def test_an_earlier_report_arriving_late_becomes_the_representative(store):
    late, = fetch(store, (entry(1, at=T0 + timedelta(hours=1)), ON)).new
    early, = fetch(store, (entry(2, at=T0), ON)).new
    assert clusters(store) == {early: [late, early]}
    assert store.item_ids(Filter(clusters=True)) == [early]
    row = store.cluster_rows([early])[early]
    assert (row.size, row.outlets, row.outlet) == (2, 2, "Outlet 2")
    assert [r[0] for r in store.execute("SELECT id FROM clusters")] == [early]


def test_the_same_title_days_apart_is_another_development(store):
    a, = fetch(store, (entry(1, at=T0), ON)).new
    later = T0 + cluster.WINDOW + timedelta(hours=1)
    b, = fetch(store, (entry(2, at=later), ON), now=later).new
    assert clusters(store) == {a: [a], b: [b]}


def test_off_story_items_are_not_clustered_until_the_user_says_so(store):
    on, = fetch(store, (entry(1), ON)).new
    off, = fetch(store, (entry(2, at=T0 + timedelta(minutes=5)), OFF)).new
    assert clusters(store) == {on: [on]}
    assert store.execute("SELECT title_key FROM items WHERE id = ?", (off,))[0][0] is None
    store.set_manual(off, True)
    assert clusters(store) == {on: [on, off]}
    store.set_manual(on, False)  # the representative leaves: the next earliest takes over
    assert clusters(store) == {off: [off]}
    assert store.item(on).cluster == on
    assert store.execute("SELECT COUNT(*) FROM item_bands WHERE item_id = ?", (on,))[0][0] == 0
    assert store.execute("SELECT COUNT(*) FROM clusters")[0][0] == 0  # single items have no row


def test_a_changed_text_keeps_the_cluster_and_is_indexed_anew(store):
    a, = fetch(store, (entry(1), ON)).new
    b, = fetch(store, (entry(2, at=T0 + timedelta(minutes=3)), ON)).new
    new_title = "Hegseth makes Anthropic the first US company named a supply-chain risk"
    update = fetch(store, (entry(2, title=new_title, at=T0 + timedelta(minutes=3)), ON))
    assert update.updated == (b,)
    assert clusters(store) == {a: [a, b]}
    keys = cluster.band_keys(cluster.Features.of(new_title, LEDE))
    assert sorted(r[0] for r in store.execute("SELECT key FROM item_bands WHERE item_id = ?", (b,))) == sorted(keys)
    assert store.execute("SELECT title_key FROM items WHERE id = ?", (b,))[0][0] == cluster.title_key(new_title)


def test_a_wire_copy_under_another_headline_joins_through_the_band_index(store):
    a, = fetch(store, (entry(1, title="Pentagon cuts ties with Anthropic"), ON)).new
    b, = fetch(store, (entry(2, title="Pentagon ends work with AI firm Anthropic, labels it a supply-chain risk",
                             at=T0 + timedelta(minutes=30)), ON)).new
    c, = fetch(store, (entry(3, title="Anthropic sues Pentagon", summary="The complaint was filed in federal court "
                             "in Washington on Monday, asking a judge to undo the designation.",
                             at=T0 + timedelta(minutes=40)), ON)).new
    assert clusters(store) == {a: [a, b], c: [c]}


def test_clustering_is_part_of_the_fetch_transaction(store, monkeypatch):
    fetch(store, (entry(1), ON))
    calls = []

    def attach_then_die(*args):
        calls.append(args)
        if len(calls) == 2:
            raise KeyboardInterrupt  # a kill in the middle of a feed
        return real(*args)
    real = store._attach_copy  # what store_fetch calls for a new on-story item (_attach for others)
    monkeypatch.setattr(store, "_attach_copy", attach_then_die)
    with pytest.raises(KeyboardInterrupt):
        fetch(store, (entry(2, at=T0 + timedelta(minutes=1)), ON), (entry(3, at=T0 + timedelta(minutes=2)), ON))
    assert store.execute("SELECT COUNT(*) FROM items")[0][0] == 1
    assert store.execute("SELECT COUNT(*) FROM clusters")[0][0] == 0
    assert {r[0] for r in store.execute("SELECT item_id FROM item_bands")} == {1}


def test_a_flood_of_look_alikes_is_bounded(store):
    entries = [(entry(n, title=f"Anthropic Pentagon standoff update number {n} of the day",
                      at=T0 + timedelta(seconds=n)), ON) for n in range(300)]
    fetch(store, *entries)
    assert len(store.item_ids(Filter(clusters=True))) == 300  # different numbers: different reports


def test_outlets_and_feeds_without_coverage(store):
    fetch(store, (entry(1, at=T0), ON), (entry(2, at=T0 + timedelta(minutes=5), outlet="Outlet"), ON),
          (entry(3, title="Anthropic opens an office in Tokyo", at=T0 - timedelta(days=1)), OFF))
    store.sync_feeds([FEED, FeedConfig("Quiet", "http://127.0.0.1/quiet.xml", 600)])
    fetch(store, (Entry("q1", "Pentagon budget", "https://q.test/1", "2026-02-26T00:00:00Z", outlet="Q"), OFF),
          feed=FeedConfig("Quiet", "http://127.0.0.1/quiet.xml", 600))
    outlets = store.outlets()
    assert [(o["outlet"], o["items"], o["first"], o["first_reports"]) for o in outlets] == [
        ("Outlet 1", 1, "2026-02-27T22:10:00Z", 1), ("Outlet 2", 1, "2026-02-27T22:15:00Z", 0)]
    assert store.silent_feeds() == ["Quiet"]


def test_the_first_reporter_is_found_when_a_developments_first_time_is_off(store):
    """outlets() looks for a development's first report at its stored first time; where no
    report is there, it reads the members instead and still names the same outlet."""
    fetch(store, (entry(1, at=T0), ON), (entry(2, at=T0 + timedelta(minutes=5), outlet="Outlet"), ON))
    before = [(o["outlet"], o["first_reports"]) for o in store.outlets()]
    assert sum(n for _, n in before) == store.execute("SELECT COUNT(*) FROM developments")[0][0] > 0
    with store.write() as c:
        c.execute("UPDATE developments SET first = '1999-01-01T00:00:00Z'")
    assert [(o["outlet"], o["first_reports"]) for o in store.outlets()] == before


def test_an_upgraded_database_is_clustered_on_open(tmp_path):
    """A database from before clusters (schema 1) gets the new tables and, on open, its
    on-story items grouped."""
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    for statement in [s for s in MIGRATIONS[0].split(";") if s.strip()] + FTS:
        conn.execute(statement)
    conn.execute("INSERT INTO feeds (name, url) VALUES ('Wire', 'http://127.0.0.1/w')")
    for n, (title, on) in enumerate([(HEADLINE, 1), (HEADLINE, 1), ("Anthropic opens a Tokyo office", 0)], 1):
        conn.execute("INSERT INTO items (title, outlet, published, first_seen, rule_on_story, on_story, cluster) "
                     "VALUES (?, ?, ?, ?, ?, ?, ?)", (title, f"O{n}", f"2026-02-27T22:1{n}:00Z", "2026-02-28T00:00:00Z",
                                                      on, on, n))
    conn.execute("PRAGMA user_version=1")
    conn.commit()
    conn.close()
    store = Store.open(path)
    assert store.execute("PRAGMA user_version")[0][0] == len(MIGRATIONS)
    config = load(write_config(tmp_path, [("Wire", "http://127.0.0.1/w")]))
    assert on_open(store, config).clustered == 2
    assert clusters(store) == {1: [1, 2]}
    assert on_open(store, config).clustered == 0


def test_clusters_made_by_another_index_version_are_remade(tmp_path, monkeypatch):
    path = tmp_path / "t.db"
    store = Store.open(path)
    a, = fetch(store, (entry(1), ON)).new
    b, = fetch(store, (entry(2, at=T0 + timedelta(minutes=1)), ON)).new
    bands = sorted(r[0] for r in store.execute("SELECT key FROM item_bands"))
    config = load(write_config(tmp_path, [("Wire", "http://127.0.0.1/w")]))
    assert on_open(store, config).clustered == 0  # this version's clusters are kept
    monkeypatch.setattr(cluster, "INDEX_VERSION", "2")
    assert on_open(store, config).clustered == 2
    assert clusters(store) == {a: [a, b]}
    assert sorted(r[0] for r in store.execute("SELECT key FROM item_bands")) == bands  # same keys, remade
    assert store.setting(cluster.INDEX_KEY) == "2"


def look_alikes(n):
    """Reports that share a lede and differ in one name or number: each other's candidates."""
    names = ["Lockheed", "Boeing", "Raytheon", "Palantir", "Leidos", "Anduril", "Oracle"]
    tails = ["", ", sources say", " amid the dispute", ", filing shows"]  # copies under other headlines
    return [(entry(k, title=f"{names[k % 7]} reviews its programs using Anthropic tools after the designation"
                            f"{tails[k % 4]}", at=T0 + timedelta(minutes=k)), ON) for k in range(n)]


def test_the_band_cache_changes_no_decision(store, tmp_path, monkeypatch):
    """The writer keeps the newest ids of recently read band keys in memory; bounded to a few
    keys, or read from the database every time, the clusters come out the same."""
    fetch(store, *look_alikes(60)[:30])
    fetch(store, *look_alikes(60)[30:])
    with_cache = clusters(store)
    assert 1 < len(with_cache) < 60  # some copies (one name, one number), not all alike
    from tracker.store._copies import BandCache
    for keys in (0, 20):
        monkeypatch.setattr(BandCache, "KEYS", keys)
        other = Store.open(tmp_path / f"keys{keys}.db")
        try:
            fetch(other, *look_alikes(60)[:30])
            fetch(other, *look_alikes(60)[30:])
            assert clusters(other) == with_cache
            assert len(other._band_cache.rows) <= keys
        finally:
            other.close()


def test_a_copy_another_process_indexed_is_found(tmp_path):
    """Two processes write one database (the dashboard and a headless poller): a report the
    other one indexed under band keys this one holds in memory is still found as a copy."""
    path = tmp_path / "t.db"
    here, there = Store.open(path), Store.open(path)
    try:
        title = "Anthropic asks a federal judge to block the supply-chain risk designation"
        old, = fetch(here, (entry(1, title=title, at=T0 - timedelta(days=10)), ON)).new  # its keys now in memory
        report, = fetch(there, (entry(2, title=title, at=T0), ON)).new  # alone: the old one is out of the window
        copy, = fetch(here, (entry(3, title=title + ", court filing shows", at=T0 + timedelta(hours=1)), ON)).new
        assert clusters(here) == {old: [old], report: [report, copy]}
    finally:
        here.close()
        there.close()
