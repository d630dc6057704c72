"""`tracker rules suggest`: terms the story's developments share that the rules lack, counted
by development (one big development does not dominate), with examples; it changes nothing."""

from __future__ import annotations

import json

from tracker.cli import main
from tracker.config import load
from tracker.store import Store

from .conftest import write_config
from .test_developments_store import ON, entry, fetch

ULTIMATUM = [f"Pentagon ultimatum to Anthropic: {x}" for x in
             ("deadline Friday", "talks stall", "Hegseth warns", "Amodei responds", "officials weigh options",
              "investors watch")]
OTHERS = ["Anthropic seeks injunction against Pentagon before Judge Lin",
          "Judge Lin grants Anthropic injunction, Pentagon to appeal",
          "Pentagon appeals injunction won by Anthropic",
          "Anthropic recalls Pentagon ultimatum in court filing"]


def stored_story(tmp_path):
    """One development of six ultimatum reports, four of one report each (placed by hand, so
    the developments are exactly these whatever the grouping would make of them)."""
    config = write_config(tmp_path, [("Wire", "http://127.0.0.1/w")])
    store = Store.open(load(config).database_path)
    ids = [fetch(store, (entry(n, title, "", 10 * n), ON))[0] for n, title in enumerate(ULTIMATUM + OTHERS)]
    for i in ids:
        store.move_item(i, None)
    for i in ids[1:len(ULTIMATUM)]:
        store.move_item(i, ids[0])
    assert sorted(d.reports for d in store.developments()) == [1, 1, 1, 1, 6]
    store.close()
    return config


def snapshot(path):
    store = Store.open(path)
    try:
        return (store.execute("SELECT * FROM items ORDER BY id"), store.execute("SELECT * FROM developments"),
                store.execute("SELECT * FROM settings ORDER BY key"))
    finally:
        store.close()


def test_suggest_counts_developments_not_reports_and_changes_nothing(tmp_path, capsys):
    config = stored_story(tmp_path)
    db = load(config).database_path
    before, rules_before = [list(map(tuple, t)) for t in snapshot(db)], config.read_bytes()
    capsys.readouterr()
    assert main(["--config", str(config), "rules", "suggest", "--json"]) == 0
    found = json.loads(capsys.readouterr().out)
    by_term = {s["term"]: s for s in found}
    # in three developments of one report each: ahead of the term of the big one (7 reports, 2 developments)
    assert [s["term"] for s in found][:1] == ["injunction"]
    assert (by_term["injunction"]["developments"], by_term["injunction"]["reports"]) == (3, 3)
    assert (by_term["ultimatum"]["developments"], by_term["ultimatum"]["reports"]) == (2, 7)
    assert by_term["Judge Lin"]["developments"] == 2  # a name, as a phrase
    assert "Judge" not in by_term and "Lin" not in by_term  # its words, never seen apart, are the phrase
    for s in found:
        assert s["developments"] >= 2 and len(s["examples"]) == 2
        assert s["examples"][0] != s["examples"][1]  # from two developments
        assert all(s["term"].casefold() in e.casefold() for e in s["examples"])
        # nothing the rules hold (Anthropic, Pentagon, Hegseth, Amodei...), no stopwords
        assert not {"anthropic", "pentagon", "hegseth", "amodei", "the", "to", "in", "before"} & set(
            s["term"].casefold().split())
    assert "deadline" not in by_term  # in one development only
    assert main(["--config", str(config), "rules", "suggest"]) == 0
    out = capsys.readouterr().out
    assert "injunction" in out and "3 developments" in out and "nothing was changed" in out
    after = [list(map(tuple, t)) for t in snapshot(db)]
    assert after == before and config.read_bytes() == rules_before
