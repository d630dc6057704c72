"""Clustering, the pure part: outlet suffixes, title keys, the similarity rule and its scores on
the labelled pairs, and the MinHash/LSH keys."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tracker import cluster
from tracker.cluster import Features, band_keys, score_pairs, similarity, split_outlet, title_key

PAIRS = Path(__file__).parent / "data" / "cluster_pairs.jsonl"


@pytest.mark.parametrize("title, expected", [
    ("Pentagon designates Anthropic a supply-chain risk - Reuters", ("Pentagon designates Anthropic a supply-chain risk", "Reuters")),
    ("Anthropic CEO says no to mass surveillance | AP News", ("Anthropic CEO says no to mass surveillance", "AP News")),
    ("Hegseth, Amodei meeting ends without agreement - Investing.com", ("Hegseth, Amodei meeting ends without agreement", "Investing.com")),
    ("Anthropic defies Hegseth — The Washington Post", ("Anthropic defies Hegseth", "The Washington Post")),
    ("Anthropic pulls out of talks - yahoo finance", None),  # outlets write their names capitalised
    ("Anthropic - Pentagon talks: what now", None),  # a dash inside a real title
    ("Pentagon vs Anthropic - What We Know So Far", None),  # not an outlet anyone knows
    ("Pentagon gives Anthropic until Friday - or else", None),
    ("Anthropic support docs - Claude.ai", None),  # product names ending in .ai are not outlets
    ("Reuters", None),
])
def test_split_outlet(title, expected):
    assert split_outlet(title) == (expected or (title, ""))


def test_split_outlet_with_learned_names():
    known = cluster.KNOWN_OUTLETS | {"the free-range gazette"}
    assert split_outlet("Anthropic sues Pentagon - The Free-Range Gazette", known) == (
        "Anthropic sues Pentagon - The Free-Range Gazette", "")  # a dash inside the name: not cut
    known |= {"local ledger"}
    assert split_outlet("Anthropic sues Pentagon - Local Ledger", known) == ("Anthropic sues Pentagon", "Local Ledger")


@pytest.mark.parametrize("a, b", [
    ("Exclusive: Pentagon clashes with Anthropic", "Pentagon clashes with Anthropic"),
    ("UPDATE 2-Anthropic sues Pentagon", "Anthropic sues Pentagon"),
    ("EXCLUSIVE-Pentagon weighs Defense Production Act", "Pentagon weighs Defense Production Act"),
    ("Anthropic tells Pentagon it won’t budge", "Anthropic Tells Pentagon It Won't Budge"),
    ("Anthropic–Pentagon talks collapse", "Anthropic-Pentagon talks collapse"),
    ("Trump: U.S. will cut off Anthropic", "Trump: US will cut off Anthropic"),
    ("Pentagon designates Anthropic a supply chain risk", "Pentagon designates Anthropic a supply-chain risk"),
])
def test_title_key_ignores_what_copies_change(a, b):
    assert title_key(a) == title_key(b)


def test_title_key_keeps_the_words():
    assert title_key("Pentagon gives Anthropic until Friday") != title_key("Pentagon gives Anthropic until Monday")


def test_equal_titles_merge_and_generic_short_ones_do_not():
    assert similarity(Features.of("Pentagon designates Anthropic a supply-chain risk"),
                      Features.of("Pentagon Designates Anthropic A Supply-Chain Risk")) == ("title", 1.0)
    assert similarity(Features.of("Live updates"), Features.of("Live updates")) is None


def test_a_shortened_title_matches_the_start_of_the_full_one():
    short = Features.of("Defense contractors ask Pentagon for clarity on Claude ban as six-month ...")
    full = Features.of("Defense contractors ask Pentagon for clarity on Claude ban as six-month phase-out begins")
    assert similarity(short, full) == ("title", 1.0)
    assert similarity(Features.of("Defense contractors ask Pentagon for clarity on Claude ban as six-month"), full) is None


def test_a_wire_copy_under_another_headline_merges_on_its_text():
    lede = ("Anthropic said Thursday it cannot in good conscience accede to the Pentagon's demands to allow "
            "unrestricted military use of its AI models, a day before a deadline set by Defense Secretary Pete Hegseth.")
    hit = similarity(Features.of("Anthropic rejects Pentagon's final offer over AI safeguards", lede),
                     Features.of("AI company Anthropic says it won't bow to Pentagon demands", "(AP) — " + lede))
    assert hit and hit[0] == "text" and hit[1] >= cluster.TEXT_THRESHOLD


def test_two_subjects_over_one_boilerplate_paragraph_stay_apart():
    boilerplate = ("Anthropic, which makes the Claude chatbot, has refused to allow its technology to be used "
                   "for mass domestic surveillance or fully autonomous weapons.")
    a = Features.of("Lockheed reviews use of Anthropic tools after Pentagon blacklisting", boilerplate)
    b = Features.of("Boeing reviews use of Anthropic tools after Pentagon blacklisting", boilerplate)
    assert similarity(a, b) is None
    # the same subject, named by both, is no veto
    c = Features.of("Boeing reviews its use of Anthropic tools after Pentagon blacklisting", boilerplate)
    assert similarity(b, c) is not None


def unread() -> str:
    raise AssertionError("a cached candidate's summary was read again")


def test_a_cached_candidate_keeps_its_words_and_decides_alike():
    """The writer compares each arrival with candidates from its feature cache; once the names
    rule has read a candidate's words, the cache keeps them, and a pair must be decided the
    same from the cache as from fresh features (the labelled pairs, both ways round)."""
    cache = cluster.FeatureCache()
    for n, p in enumerate(cluster.load_pairs(PAIRS)):
        a, b = cluster._side_features(p["a"]), cluster._side_features(p["b"])
        fresh = (similarity(a, b), similarity(b, a))
        cache.put(n, p["b"]["title"], cluster._side_features(p["b"]))
        first = cache.get(n, None, p["b"]["title"], unread)
        assert (similarity(a, first), similarity(first, a)) == fresh
        cache.keep_words(n, None, p["b"]["title"], first)
        again = cache.get(n, None, p["b"]["title"], unread)
        assert again.known_words is not None or "words" not in first.__dict__
        assert (similarity(a, again), similarity(again, a)) == fresh
        assert again.words == b.words
        assert cache.same_report(a, n, None, p["b"]["title"], unread) == (fresh[0] is not None)


def test_the_labelled_pairs_score():
    """The thresholds were chosen on the 'dev' pairs; 'heldout' pairs were written afterwards.
    `python -m tracker.cluster` prints these figures, the mistakes and a sweep."""
    pairs = cluster.load_pairs(PAIRS)
    assert sum(p["same"] for p in pairs) >= 40 and sum(not p["same"] for p in pairs) >= 40
    dev = score_pairs([p for p in pairs if p["set"] == "dev"])
    assert (dev["precision"], dev["recall"]) == (1.0, 1.0), dev["wrong"]
    every = score_pairs(pairs)
    assert every["precision"] == 1.0, every["wrong"]  # a false merge hides a development: worst case
    assert every["recall"] >= 0.95, every["wrong"]


def test_the_index_finds_the_pairs_that_merge():
    found, total = cluster._candidate_rate(cluster.load_pairs(PAIRS))
    assert found >= 0.95 * total


def test_band_keys_are_stable_across_processes():
    """They are stored: a different hash seed in the next run must give the same keys."""
    f = Features.of("Pentagon designates Anthropic a supply-chain risk after deadline passes",
                    "Defense Secretary Pete Hegseth said the designation takes effect immediately and bars "
                    "defense contractors from using the company's products on military work.")
    code = ("from tracker.cluster import Features, band_keys; import sys; "
            "f = Features.of(sys.argv[1], sys.argv[2]); print(band_keys(f))")
    out = subprocess.run([sys.executable, "-c", code, "Pentagon designates Anthropic a supply-chain risk after "
                          "deadline passes", "Defense Secretary Pete Hegseth said the designation takes effect "
                          "immediately and bars defense contractors from using the company's products on military "
                          "work."], capture_output=True, text=True, check=True, env={"PYTHONHASHSEED": "123"})
    keys = band_keys(f)
    assert out.stdout.strip() == str(keys)
    assert len(keys) == cluster.TITLE_BANDS + cluster.TEXT_BANDS
    assert all(-2**63 <= k < 2**63 for k in keys)


def test_items_without_text_or_title_words_get_fewer_keys():
    assert len(band_keys(Features.of("Pentagon designates Anthropic a supply-chain risk"))) == cluster.TITLE_BANDS
    assert band_keys(Features.of("Anthropic", "")) == []


def test_the_eval_command_runs():
    out = subprocess.run([sys.executable, "-m", "tracker.cluster", str(PAIRS)], capture_output=True, text=True,
                         check=True).stdout
    assert "heldout" in out and "precision" in out and "sweep" in out


@pytest.mark.parametrize("shared, extra, least", [(5, 1, 0.88), (3, 2, 0.30)])
def test_title_bands_agree_as_often_as_minhash_promises(shared, extra, least):
    """1-(1-J^3)^6: 0.93 at J=0.71, 0.39 at J=0.43. Rows that agree together (as plain XOR
    masks made them for short titles) would fall well below."""
    import random
    rng = random.Random(7)
    vocab = [f"w{i}" for i in range(5000)]
    hits = 0
    for _ in range(600):
        words = rng.sample(vocab, shared + 2 * extra)
        a = Features(key="a", tokens=frozenset(words[:shared + extra]), shingles=frozenset())
        b = Features(key="b", tokens=frozenset(words[:shared] + words[shared + extra:]), shingles=frozenset())
        hits += bool(set(band_keys(a)) & set(band_keys(b)))
    assert least <= hits / 600 <= least + 0.12
