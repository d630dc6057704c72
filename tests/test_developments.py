"""Grouping reports into developments (tracker/developments.py), on small hand-made cases."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from tracker.developments import (ACTIVE, CENTROID_TERMS, DF_ITEMS, MAX_TERMS, POSTINGS, Grouper, Report, Terms,
                                  bcubed, evaluate, load)

T0 = datetime(2026, 2, 24, 12, 0, tzinfo=timezone.utc)


def iso(hours: float) -> str:
    return (T0 + timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M:%SZ")


# The story's background: every report names Anthropic, the Pentagon, AI and safeguards, so
# those words must weigh nothing.
BACKGROUND = [
    ("Anthropic CEO meets Hegseth at the Pentagon over AI safeguards",
     "Dario Amodei met Defense Secretary Pete Hegseth on Tuesday about the company's AI safeguards."),
    ("xAI cleared for classified Pentagon networks as Anthropic dispute drags on",
     "The Pentagon approved Grok for classified work while Anthropic and the Pentagon argued over AI safeguards."),
    ("Pentagon gives Anthropic until Friday to drop AI safeguards",
     "Hegseth set a Friday 5 pm deadline for Anthropic to loosen its AI safeguards."),
    ("Anthropic rejects Pentagon's final offer on AI safeguards",
     "Amodei said Anthropic cannot in good conscience remove the safeguards the Pentagon objects to."),
    ("Trump orders agencies to stop using Anthropic AI",
     "The president told federal agencies to phase out Anthropic's AI within six months amid the Pentagon fight."),
    ("OpenAI signs Pentagon deal hours after Anthropic talks collapse",
     "Sam Altman said OpenAI would put its AI on classified Pentagon networks, with safeguards."),
    ("Pentagon designates Anthropic a supply chain risk",
     "Hegseth's designation of Anthropic as a supply chain risk bars contractors from its AI."),
    ("Contractors weigh Anthropic supply chain risk designation",
     "Defense firms reviewed their use of Anthropic's AI after the Pentagon's supply chain risk designation."),
    ("What the supply chain risk label means for Anthropic's customers",
     "The designation, usually kept for foreign adversaries, reaches every Pentagon contractor using its AI."),
    ("Microsoft keeps offering Anthropic models despite supply chain risk designation",
     "Cloud providers said the Pentagon's designation covers defense work only, not their other AI customers."),
]


def seeded() -> tuple[Grouper, int]:
    g = Grouper()
    for n, (title, summary) in enumerate(BACKGROUND, 1):
        g.add(Report(n, title, summary, iso(n * 10)))
    return g, len(BACKGROUND) + 1


def test_the_words_every_report_shares_weigh_nothing():
    g, _ = seeded()
    assert g.weight("anthro") < 0.1 and g.weight("pentag") < 0.1  # stems: "Anthropic", "Pentagon"
    assert g.weight("lawsui") > 1.5  # never seen in the story: rare, informative


def test_rewrites_of_one_event_join_and_say_why():
    g, n = seeded()
    first = g.add(Report(n, "Anthropic sues Defense Department over supply chain risk designation",
                         "The lawsuit, filed in federal court in Washington, says the designation violates the "
                         "First Amendment.", iso(200)))
    second = g.add(Report(n + 1, "Anthropic files lawsuit challenging Pentagon blacklisting",
                          "The company asked a federal court in Washington to set the designation aside.", iso(201.5)))
    assert not first.joined and first.development == n
    assert second.joined and second.development == n and second.reason == "similar"
    assert "lawsuit" in second.shared and "Anthropic" not in second.shared
    assert second.gap == timedelta(hours=1.5) and second.score > 0
    assert "lawsuit" in second.explain() and "1.5 h" in second.explain()


def test_neighbours_that_share_most_words_stay_apart():
    """The lawsuit and the ruling on it a day later: the same names, the same designation;
    only what happened differs."""
    g, n = seeded()
    g.add(Report(n, "Anthropic sues Pentagon over supply chain risk designation",
                 "The lawsuit, filed in federal court, says the supply chain risk designation was unlawful.", iso(200)))
    g.add(Report(n + 1, "Anthropic lawsuit says supply chain risk designation is unlawful",
                 "The company filed suit in federal court on Tuesday against the designation.", iso(202)))
    ruling = g.add(Report(n + 2, "Judge blocks Pentagon's supply chain risk designation of Anthropic",
                          "A federal judge granted a preliminary injunction halting the designation.", iso(224)))
    assert not ruling.joined
    again = g.add(Report(n + 3, "Court grants Anthropic preliminary injunction against Pentagon designation",
                         "The judge said the designation was likely arbitrary; the injunction takes effect at once.",
                         iso(226)))
    assert again.development == ruling.development


def test_copies_always_share_a_development():
    g, n = seeded()
    a = g.add(Report(n, "Hegseth labels Anthropic a supply-chain risk", "The designation bars contractors.",
                     iso(100), copy=n))
    # the same report under another outlet's headline, text cut: nothing in common but the copy group
    b = g.add(Report(n + 1, "Anthropic: what now?", "", iso(101), copy=n))
    assert b.development == a.development and b.reason == "copy"


def test_the_window_follows_the_latest_report():
    g, n = seeded()
    title, summary = "Anthropic sues Pentagon in federal court", "The lawsuit was filed in Washington, lawyers said."
    g.add(Report(n, title, summary, iso(100)))
    # reports keep coming: each within a day of the one before, the last 3 days after the first
    for k in range(1, 4):
        assert g.add(Report(n + k, title, summary, iso(100 + 24 * k))).development == n
    late = g.add(Report(n + 9, title, summary, iso(100 + 72 + 24 * 5)))  # five quiet days later
    assert not late.joined


def test_a_broad_development_does_not_swallow_the_story():
    """A report that shares only a peripheral member's word does not join: it must share the
    development's core."""
    g, n = seeded()
    g.add(Report(n, "Anthropic sues Pentagon in federal court", "The lawsuit challenges the designation.", iso(200)))
    g.add(Report(n + 1, "Anthropic lawsuit filed in federal court", "The suit names Hegseth.", iso(201)))
    g.add(Report(n + 2, "Anthropic's lawsuit against Pentagon", "Lawyers at WilmerHale filed the suit.", iso(202)))
    other = g.add(Report(n + 3, "WilmerHale partners donate to Democrats", "The firm's partners gave.", iso(203)))
    assert not other.joined


def assert_bounded(g: Grouper) -> None:
    """What bounds a report's cost and the grouper's memory, however many came before: the
    postings a report's terms look up (each capped), the developments and reports kept, each
    centroid's terms. benchmarks/lookalike_scale.py prints the cost itself."""
    assert all(len(posting) <= POSTINGS for posting in g._postings.values())
    assert len(g.devs) <= ACTIVE and len(g._recent) <= DF_ITEMS and len(g._copies) <= 4 * ACTIVE
    assert all(len(d.counts) <= CENTROID_TERMS + CENTROID_TERMS // 2 for d in g.devs.values())


def test_bad_input_is_bounded():
    g = Grouper()
    for n in range(3000):  # a flood of one title, no dates, then of empty and foreign reports
        g.add(Report(n, "Anthropic Pentagon AI" if n % 3 else "", "", ""))
    g.add(Report(5000, "国防部将Anthropic列为供应链风险", "美国国防部周五宣布。", "2031-01-01T00:00:00Z"))
    g.add(Report(5001, "Anthropic " * 5000, "x" * 100_000, "1999-01-01T00:00:00Z"))
    g.add(Report(5002, "A report", "", "not a date"))
    assert len(Terms.of("Anthropic " * 5000, "y " * 10_000).weights) <= MAX_TERMS
    assert_bounded(g)


@pytest.mark.slow
def test_look_alike_reports_keep_every_bound():
    """Look-alike reports, differing in one detail, 12,000 of them: every bound that keeps a
    report's cost from growing with how many came before still holds (the postings capped, the
    developments and the weights' window bounded)."""
    g = Grouper()
    for n in range(12_000):
        g.add(Report(n, f"Anthropic Pentagon supply chain risk update {n % 997} from desk {n % 89}",
                     f"Officials in city {n % 53} said item {n} was filed.", iso(n / 100)))
        if n in (2_000, 6_000, 11_999):
            assert_bounded(g)
    assert len(g._postings) > 100 and max(map(len, g._postings.values())) == POSTINGS  # the caps were reached


def test_bcubed():
    assert bcubed({1: "a", 2: "a", 3: "b"}, {1: "x", 2: "x", 3: "y"}) == (1.0, 1.0, 1.0)
    p, r, _ = bcubed({1: "a", 2: "a", 3: "a"}, {1: "x", 2: "x", 3: "y"})
    assert round(p, 3) == 0.556 and r == 1.0



def test_the_labelled_set_is_grouped_well():
    """tests/data/developments.jsonl: tuned on its dev half; its test half is held out."""
    rows = load("tests/data/developments.jsonl")
    for name in ("dev", "test"):
        part = [r for r in rows if r["set"] == name]
        s = evaluate(part)
        assert s["f1"] >= 0.85 and s["largest"] < 0.1 * len(part), (name, s["f1"], s["largest"])
