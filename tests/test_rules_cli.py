"""tracker rules test|apply, and edited rules applied on the next start."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

from tracker.cli import main
from tracker.config import load
from tracker.feedgen import FeedItem, rss
from tracker.rescore import RULES_KEY, needs_work, rescore, rules_hash
from tracker.store import Filter, Store

from .conftest import STORY, write_config

T0 = datetime(2026, 2, 26, 12, 0, tzinfo=timezone.utc)
ITEMS = [
    FeedItem("Hegseth gives Anthropic until Friday", link="http://n.test/1", guid="1", published=T0),
    FeedItem("Defense Production Act could be used against Anthropic", link="http://n.test/2", guid="2",
             published=T0 + timedelta(minutes=1)),
    FeedItem("Anthropic releases Claude Opus with a longer context", link="http://n.test/3", guid="3",
             published=T0 + timedelta(minutes=2)),
    FeedItem("Anthropic says the Department of War talks have stalled", link="http://n.test/4", guid="4",
             published=T0 + timedelta(minutes=3)),
]
# Narrower: the Defense Production Act alone no longer counts; Opus product news now does.
EDITED = STORY.replace('"Defense Production Act"]]', '"Opus"]]').replace(
    'require = [', 'exclude = ["stalled"]\nrequire = [')


def polled(tmp_path, server, capsys):
    server.set_feed("/f.xml", rss(ITEMS))
    config = write_config(tmp_path, [("Wire", server.url("/f.xml"))])
    assert main(["--config", str(config), "poll", "-q"]) == 0
    capsys.readouterr()
    return config


def verdicts(config) -> dict[str, bool]:
    # Store.open directly: open_store would apply edited rules.
    store = Store.open(load(config).database_path)
    return {r["title"]: bool(r["on_story"]) for r in store.items(Filter(story=None))}


def edit_rules(config, story=EDITED):
    text = config.read_text()
    config.write_text(text.replace(text[:text.index("[[feeds]]")], story + "\n"))


def test_rules_test_reports_without_changing_anything(tmp_path, server, capsys):
    config = polled(tmp_path, server, capsys)
    before = verdicts(config)
    assert before == {ITEMS[0].title: True, ITEMS[1].title: True, ITEMS[2].title: False, ITEMS[3].title: True}
    edit_rules(config)
    assert main(["--config", str(config), "rules", "test"]) == 0
    out = capsys.readouterr().out
    assert f"1 would move onto the story:\n  + {ITEMS[2].title}  (matched: Anthropic · Claude · Opus)" in out
    assert "2 would move off the story:" in out
    assert f"  - {ITEMS[1].title}" in out and f"  - {ITEMS[3].title}" in out
    assert "4 items checked: 1 would move in, 2 out" in out and "nothing was changed" in out
    assert verdicts(config) == before
    assert Store.open(load(config).database_path).setting(RULES_KEY) != rules_hash(load(config))


def test_rules_apply_moves_items_and_keeps_manual_verdicts(tmp_path, server, capsys):
    config = polled(tmp_path, server, capsys)
    store = Store.open(load(config).database_path)
    stalled = next(r["id"] for r in store.items(Filter(story=None)) if r["title"] == ITEMS[3].title)
    store.set_manual(stalled, True)
    edit_rules(config)
    assert main(["--config", str(config), "rules", "apply", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert [m["title"] for m in result["moved_in"]] == [ITEMS[2].title]
    assert [m["title"] for m in result["moved_out"]] == [ITEMS[1].title]
    assert result["held_by_manual_verdict"] == [{"id": stalled, "title": ITEMS[3].title, "manual": True}]
    assert verdicts(config) == {ITEMS[0].title: True, ITEMS[1].title: False, ITEMS[2].title: True,
                                ITEMS[3].title: True}
    row = store.item(stalled)
    assert (row["rule_on_story"], row["manual"], row["matched"]) == (0, 1, ["Anthropic", "Department of War", "stalled"])
    # applied: nothing left to do, and the next start does not re-score
    assert main(["--config", str(config), "rules", "test"]) == 0
    assert "4 items checked: 0 would move in, 0 out, 0 with other matched terms" in capsys.readouterr().out
    assert not needs_work(store, load(config))


def test_editing_the_rules_and_restarting_applies_them(tmp_path, server, capsys):
    config = polled(tmp_path, server, capsys)
    edit_rules(config)
    assert main(["--config", str(config), "items", "--json"]) == 0  # any command opens the store
    titles = [i["title"] for i in json.loads(capsys.readouterr().out)]
    assert sorted(titles) == sorted([ITEMS[0].title, ITEMS[2].title])
    store = Store.open(load(config).database_path)
    assert store.setting(RULES_KEY) == rules_hash(load(config))
    # the item that came onto the story is clustered, the ones that left are not
    keyed = {r[0]: r[1] is not None for r in store.execute("SELECT title, title_key FROM items")}
    assert keyed == {ITEMS[0].title: True, ITEMS[1].title: False, ITEMS[2].title: True, ITEMS[3].title: False}


def test_a_rescore_writes_only_rows_that_change(tmp_path, server, capsys):
    config = polled(tmp_path, server, capsys)
    store = Store.open(load(config).database_path)
    conn = store._conn()
    conn.execute("CREATE TEMP TABLE written (id INTEGER)")
    conn.execute("CREATE TEMP TRIGGER log_verdicts AFTER UPDATE OF rule_on_story, matched ON main.items "
                 "BEGIN INSERT INTO written VALUES (new.id); END")
    rescore(store, load(config), apply=True)
    assert conn.execute("SELECT COUNT(*) FROM written").fetchone()[0] == 0  # same rules: no item written
    edit_rules(config)
    result = rescore(store, load(config), apply=True)
    moved = {m.id for m in result.moved_in + result.moved_out + result.held}
    assert len(moved) == 3
    assert {r[0] for r in conn.execute("SELECT id FROM written")} == moved


def test_feeds_that_keep_everything_keep_it_after_a_rescore(tmp_path, server, capsys):
    server.set_feed("/f.xml", rss(ITEMS))
    config = write_config(tmp_path)
    config.write_text(config.read_text() + f'\n[[feeds]]\nname = "Beat"\nurl = "{server.url("/f.xml")}"\n'
                      'match = false\n')
    assert main(["--config", str(config), "poll", "-q"]) == 0
    result = rescore(Store.open(load(config).database_path), load(config))
    assert (result.moved_in, result.moved_out) == ([], [])
    assert all(verdicts(config).values())


def test_rules_test_without_a_database_says_so(tmp_path, capsys):
    config = write_config(tmp_path)
    assert main(["--config", str(config), "rules", "test"]) == 1
    assert "no database" in capsys.readouterr().err


def test_rules_test_lists_the_items_whose_matched_terms_change(tmp_path, server, capsys):
    config = polled(tmp_path, server, capsys)
    edit_rules(config, STORY.replace('"Defense Production Act"]]', '"Defense Production Act", "Friday"]]'))
    assert main(["--config", str(config), "rules", "test"]) == 0
    out = capsys.readouterr().out
    assert "1 would have other matched terms, staying where they are:" in out
    line = next(line for line in out.splitlines() if line.startswith("  ~ "))
    assert line.startswith(f"  ~ {ITEMS[0].title}  (matched: ")
    before, after = line.split(" → ")
    assert "Friday" not in before.split("(matched: ")[1] and "Friday" in after
    assert main(["--config", str(config), "rules", "test", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)["other_terms"]
    assert [m["title"] for m in shown] == [ITEMS[0].title] and "Friday" in shown[0]["matched"]
    assert "Friday" not in shown[0]["before"]
