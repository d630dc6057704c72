"""Relevance that follows the story: a report the rules miss comes onto the story when it
joins an on-story development strongly enough, says so, and stays consistent with manual
verdicts, re-scoring and re-grouping."""

from __future__ import annotations

import json

from tracker.config import load
from tracker.match import Match
from tracker.rescore import rescore
from tracker.store import Store
from tracker.tui.render import verdict

from .conftest import write_config
from .test_developments_store import entry, fetch, groups, poll_story

# The designation in words the rules miss (no "Pentagon" nor "Hegseth"): its terms are the
# development's own (supply chain risk, contractors, designation, immediately).
MISSED = ("Contractors told to cut ties with Anthropic after supply chain risk designation",
          "The designation bars contractors from using Claude; it takes effect immediately.")
UNRELATED = ("Anthropic opens an office in Tokyo and hires a country manager",
             "The company said the Tokyo office will serve customers across Japan and Korea.")
OFF = Match(False, ("Anthropic",))


def test_a_report_the_rules_miss_joins_an_on_story_development_and_says_so(tmp_path):
    config = load(write_config(tmp_path, [("Wire", "http://127.0.0.1/w")]))
    store = Store.open(config.database_path)
    d1, t1, *_ = poll_story(store)
    joined, other = fetch(store, (entry(20, *MISSED, 90), OFF), (entry(21, *UNRELATED, 95), OFF))
    row = store.item(joined)
    assert row.on_story == 1 and row.rule_on_story == 0 and row.development == d1
    headline = store.developments()[[d.id for d in store.developments()].index(d1)].headline
    assert row.joined == headline
    assert verdict(row).startswith(f"on: joined {headline}")
    why = json.loads(row.development_why)
    assert why["reason"] == "joined" and why["score"] >= 0.25 and "designation" in why["shared"]
    assert {r.id: r.reports for r in store.developments()}[d1] == 4
    assert store.rows([other])[other].on_story == 0 and store.rows([other])[other].development is None

    # Re-scoring (tracker rules test/apply) neither lists nor moves it; re-grouping keeps it on.
    result = rescore(store, config, apply=True)
    assert joined not in [m.id for m in result.moved_out + result.moved_in]
    assert store.rows([joined])[joined].on_story == 1
    store.group_developments(regroup=True)
    assert joined in groups(store)[d1]

    # The user's verdict wins, and handing it back brings the join back.
    store.set_manual(joined, False)
    assert store.rows([joined])[joined].on_story == 0 and store.rows([joined])[joined].development is None
    store.set_manual(joined, None)
    assert store.rows([joined])[joined].on_story == 1 and store.rows([joined])[joined].development == d1
    store.close()


def test_a_weak_likeness_groups_an_on_story_report_but_does_not_bring_one_in(tmp_path):
    store = Store.open(tmp_path / "t.db")
    d1, *_ = poll_story(store)
    weak = ("Claude banned for contractors as designation takes effect",
            "Anthropic's Claude is off limits to contractors now.")
    left_out, = fetch(store, (entry(30, *weak, 100), OFF))
    assert store.rows([left_out])[left_out].on_story == 0 and store.rows([left_out])[left_out].joined is None
    kept, = fetch(store, (entry(31, *weak, 101), Match(True, ("Anthropic",))))
    assert store.rows([kept])[kept].development == d1
    store.close()
