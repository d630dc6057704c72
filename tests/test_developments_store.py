"""Developments as stored: grouped in the write path, stable across restarts, moved by hand,
re-grouped from scratch, listed by the CLI."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest

from tracker.cli import main
from tracker.config import load
from tracker.match import Match
from tracker.model import Entry, FeedConfig
from tracker.rescore import on_open
from tracker.store import Store

from .conftest import write_config

T0 = datetime(2026, 2, 27, 22, 0, tzinfo=timezone.utc)
FEED = FeedConfig("Wire", "http://127.0.0.1/wire.xml", 600)
ON = Match(True, ("Anthropic", "Pentagon"))
OFF = Match(False, ("Anthropic",))

DESIGNATION = [
    ("Pentagon designates Anthropic a supply chain risk after deadline passes",
     "Hegseth said the designation takes effect immediately and bars contractors from using Claude."),
    ("Hegseth labels Anthropic supply-chain risk, orders contractors to cut ties",
     "Defense contractors must stop using Claude, the designation says; it takes effect immediately."),
    ("Anthropic formally designated a supply chain risk by the Pentagon",
     "The designation, used for foreign adversaries, bars contractors from Claude and takes effect immediately."),
]
TRUMP = [
    ("Trump orders federal agencies to stop using Anthropic's Claude",
     "President Trump directed every federal agency to phase out Anthropic products within six months, "
     "siding with the Pentagon."),
    ("Trump tells federal government to drop Anthropic in Truth Social post",
     "The president said agencies must cease using Claude, with a six-month phase-out for federal agencies, "
     "as the Pentagon asked."),
]


def entry(n, title, summary, minutes, outlet=None):
    at = (T0 + timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%SZ")
    return Entry(entry_id=f"e{n}", title=title, link=f"https://outlet{n}.test/a", published=at,
                 summary=summary, outlet=outlet or f"Outlet {n}")


def fetch(store, *pairs):
    now = T0 + timedelta(days=3)
    return store.store_fetch(FEED, list(pairs), status=200, etag=None, last_modified=None,
                             next_poll=now + timedelta(minutes=10), now=now).new


def groups(store) -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    for i, d in store.execute("SELECT id, development FROM items WHERE on_story = 1 ORDER BY id"):
        out.setdefault(d, []).append(i)
    return out


def poll_story(store, start=0):
    """Three reports of the designation and two of Trump's order, interleaved, as they arrive."""
    ids = []
    for k, (title, summary) in enumerate([DESIGNATION[0], TRUMP[0], DESIGNATION[1], TRUMP[1], DESIGNATION[2]]):
        ids += fetch(store, (entry(start + k, title, summary, 20 * k), ON))
    return ids


@pytest.fixture
def store(tmp_path):
    s = Store.open(tmp_path / "t.db")
    yield s
    s.close()


def test_reports_of_one_event_share_a_development_as_they_are_stored(store):
    d1, t1, d2, t2, d3 = poll_story(store)
    assert groups(store) == {d1: [d1, d2, d3], t1: [t1, t2]}
    rows = {r.id: r for r in store.developments()}
    assert list(rows) == [d1, t1]  # latest report first
    assert (rows[d1].reports, rows[d1].outlets, rows[d1].unread) == (3, 3, 3)
    assert rows[d1].first == "2026-02-27T22:00:00Z" and rows[d1].last == "2026-02-27T23:20:00Z"
    assert rows[d1].headline in [t for t, _ in DESIGNATION]
    members = store.development_items(d1)
    assert [m.id for m in members] == [d1, d2, d3]
    why = json.loads(members[1].development_why)
    assert why["reason"] == "similar" and why["score"] > 0 and why["shared"] and why["gap_seconds"] == 2400
    assert json.loads(members[0].development_why)["reason"] == "new"


def test_copies_join_their_development_and_off_story_items_stay_out(store):
    d1, *_ = poll_story(store)
    copy, = fetch(store, (entry(20, DESIGNATION[0][0], "", 5, outlet="Reuters"), ON))
    # like the designation, but not enough to bring in a report the rules left out
    # (tests/test_developments_relevance.py): it stays off until the user puts it on
    off, = fetch(store, (entry(21, "Claude banned for contractors as designation takes effect",
                               "Anthropic's Claude is off limits to contractors now.", 90), OFF))
    assert store.rows([copy])[copy].development == d1
    assert store.rows([off])[off].development is None
    store.set_manual(off, True)  # the user puts it on the story: it joins
    assert store.rows([off])[off].development == d1
    store.set_manual(off, False)
    assert store.rows([off])[off].development is None
    assert {r.id: r.reports for r in store.developments()}[d1] == 4


def test_ids_are_stable_across_a_restart(tmp_path):
    path = tmp_path / "t.db"
    store = Store.open(path)
    d1, t1, *_ = poll_story(store)
    before = groups(store)
    store.close()
    store = Store.open(path)  # a new process: its grouping state is made from the rows
    late_d, = fetch(store, (entry(10, "Anthropic supply chain risk designation bars contractors from Claude",
                                  "Contractors must stop using Claude after the designation, which took effect "
                                  "immediately.", 200), ON))
    late_t, = fetch(store, (entry(11, "Federal agencies begin phasing out Anthropic after Trump order",
                                  "Agencies have six months to phase out Claude under the president's order.", 210), ON))
    after = groups(store)
    assert after[d1] == before[d1] + [late_d] and after[t1] == before[t1] + [late_t]
    store.close()


def test_a_move_by_hand_wins_over_regrouping(store, tmp_path):
    d1, t1, d2, t2, d3 = poll_story(store)
    assert store.move_item(d2, t1) == t1  # into the development above
    assert store.move_item(d3, None) == d3  # into one of its own
    assert groups(store) == {d1: [d1], t1: [t1, d2, t2], d3: [d3]}
    assert {r.id: r.reports for r in store.developments()} == {d1: 1, t1: 3, d3: 1}
    assert json.loads(store.rows([d2])[d2].development_why)["reason"] == "moved"
    assert store.group_developments(regroup=True) == 5  # e.g. after an algorithm change
    after = groups(store)
    assert after[d3] == [d3] and t1 in after and d2 in after[t1]
    # moving a development's founder out: the development goes on under its next report's id
    assert store.move_item(t1, None) == t1
    assert groups(store)[t1] == [t1] and d2 in groups(store)[d2]


def test_an_existing_database_is_grouped_on_open_in_batches(tmp_path):
    config = load(write_config(tmp_path, [("Wire", "http://127.0.0.1/w")]))
    store = Store.open(config.database_path)
    d1, t1, *_ = poll_story(store)
    expected = groups(store)
    store.execute("DELETE FROM developments")
    with store.write() as c:
        c.execute("UPDATE items SET development = NULL")
    assert store.developments_pending()
    seen = []
    assert on_open(store, config, progress=lambda *step: seen.append(step)).grouped == 5
    assert groups(store) == expected and seen[-1] == ("grouping into developments", 5, 5)
    assert seen[0][0] == "re-scoring"  # the rules were never stored: the re-score on open reports too
    assert not store.developments_pending() and on_open(store, config).grouped == 0
    store._forget_grouping()
    seen.clear()
    assert store.group_developments(progress=lambda *a: seen.append(a), batch=2, regroup=True) == 5
    assert seen == [(0, 5), (2, 5), (4, 5), (5, 5)]  # told as it starts, then after each batch


def test_cli_json_and_developments(tmp_path, capsys):
    config = write_config(tmp_path, [("Wire", "http://127.0.0.1/w")])
    store = Store.open(load(config).database_path)
    d1, t1, d2, t2, d3 = poll_story(store)
    store.close()
    capsys.readouterr()
    assert main(["--config", str(config), "items", "--json"]) == 0
    items = json.loads(capsys.readouterr().out)
    assert {i["id"]: i["development"] for i in items} == {d1: d1, d2: d1, d3: d1, t1: t1, t2: t1}
    assert main(["--config", str(config), "items", "--developments", "--json"]) == 0
    devs = json.loads(capsys.readouterr().out)
    assert [(d["id"], d["reports"], d["outlets"], d["items"]) for d in devs] == [(d1, 3, 3, [d1, d2, d3]),
                                                                                 (t1, 2, 2, [t1, t2])]
    assert set(devs[0]) == {"id", "headline", "first", "last", "reports", "outlets", "unread", "items"}
    assert main(["--config", str(config), "items", "--developments"]) == 0
    out = capsys.readouterr().out
    assert f"#{d1}" in out and "3 reports · 3 outlets" in out and f"items: {d1} {d2} {d3}" in out


def test_a_flood_of_copies_is_one_development_counted_as_it_grows(store):
    title, summary = DESIGNATION[0]
    first, *_ = fetch(store, *[(entry(k, title, summary, k % 50, outlet=f"O{k % 40}"), ON) for k in range(120)])
    [row] = store.developments()
    assert (row.id, row.reports, row.outlets) == (first, 120, 40)
    assert row.first == "2026-02-27T22:00:00Z" and row.last == "2026-02-27T22:49:00Z"
    store._recount_development(store._conn(), first)  # what a full recount says
    assert [(r.reports, r.outlets) for r in store.developments()] == [(120, 40)]


def test_alerts_are_told_per_development_with_its_outlets(store):
    """What the notifier is given (Store.with_developments): every report of one development
    carries that development's id and its outlet count, so it is told once."""
    ids = poll_story(store)
    rows = store.with_developments(store.rows(ids).values())
    by_id = {r.id: r for r in rows}
    designation = {by_id[i].development for i in (ids[0], ids[2], ids[4])}
    assert len(designation) == 1 and by_id[ids[0]].outlets == 3
    assert by_id[ids[1]].development == by_id[ids[3]].development not in designation
def test_regrouping_in_batches_writes_what_grouping_one_by_one_wrote(store):
    """group_developments writes a batch's rows at its end (summed per development): the
    same rows as the write path's one report at a time, copies and outlets included."""
    poll_story(store)
    fetch(store, (entry(20, DESIGNATION[0][0], "", 5, outlet="Reuters"), ON),
          (entry(21, DESIGNATION[1][0], DESIGNATION[1][1], 30, outlet="Outlet 0"), ON),
          (entry(22, TRUMP[0][0], TRUMP[0][1], 45, outlet="Reuters"), ON))

    def state():
        return (store.execute("SELECT id, development, development_why FROM items ORDER BY id"),
                store.execute("SELECT * FROM developments ORDER BY id"))
    with store.write() as c:  # the reference: the write path's way, one report at a time, in regrouping's order
        c.execute("DELETE FROM developments")
        c.execute("UPDATE items SET development = NULL, development_why = NULL")
        store._forget_grouping()
        for r in c.execute("SELECT id, title, summary, published, cluster FROM items ORDER BY published, id").fetchall():
            store._group(c, *r)
    before = [list(map(tuple, t)) for t in state()]
    for size in (3, 2000):
        store._forget_grouping()
        assert store.group_developments(batch=size, regroup=True) == 8
        assert [list(map(tuple, t)) for t in state()] == before
