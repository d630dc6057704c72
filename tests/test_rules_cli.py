"""tracker rules test|apply, and edited rules applied on the next start."""

from __future__ import annotations

import json

import pytest
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
    return {r.title: bool(r.on_story) for r in store.items(Filter(story=None))}


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
    assert "3 of 4 items checked (the others hold no term the edit changed): 1 would move in, 2 out" in out and "nothing was changed" in out
    assert verdicts(config) == before
    assert Store.open(load(config).database_path).setting(RULES_KEY) != rules_hash(load(config))


def test_rules_apply_moves_items_and_keeps_manual_verdicts(tmp_path, server, capsys):
    config = polled(tmp_path, server, capsys)
    store = Store.open(load(config).database_path)
    stalled = next(r.id for r in store.items(Filter(story=None)) if r.title == ITEMS[3].title)
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
    assert (row.rule_on_story, row.manual, row.matched) == (0, 1, ("Anthropic", "Department of War", "stalled"))
    # applied: nothing left to do, and the next start does not re-score
    assert main(["--config", str(config), "rules", "test"]) == 0
    assert "0 of 4 items checked (the others hold no term the edit changed): 0 would move in, 0 out, 0 with other matched terms" in capsys.readouterr().out
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


# Each kind of edit, re-scored from the full-text index (only the items it can move) and
# compared with a re-score of every item.
REPORTS = [
    ("Hegseth gives Anthropic until Friday", ""),
    ("Pentagon weighs Defense Production Act against Claude maker", "Officials said talks go on."),
    ("Anthropic releases Claude Opus", "A longer context window."),
    ("Anthropic says Department of War talks have stalled", ""),
    ("Amodei meets Pentagon officials", "The deadline is Friday."),
    ("Pentagon awards shipbuilding contract", "Unrelated to AI."),
    ("Storm brings heavy rain to Lisbon", ""),
    ("Hegseth visits troops in Osaka", ""),
    ("Pentagon brands Anthropic a supply-chain risk", "Claude's maker objects."),
]
GROUPS = '["Anthropic", "Claude", "Amodei"], ["Pentagon", "Hegseth", "Department of War", "Defense Production Act"]'


def story(require: str = GROUPS, exclude: str = "") -> str:
    return STORY.replace(STORY[STORY.index("require"):], f"require = [{require}]\n" +
                         (f"exclude = [{exclude}]\n" if exclude else ""))


def scored_store(tmp_path, rules: str) -> tuple[Store, dict[str, int]]:
    from tracker.match import Matcher
    from tracker.model import Entry, FeedConfig

    config = load(write_config(tmp_path, story=rules))
    store = Store.open(config.database_path)
    matcher = Matcher(config.story.rules)
    feed = FeedConfig("Wire", "http://n.test/f.xml", 3600)
    entries = [(Entry(str(k), title, f"http://n.test/{k}", (T0 + timedelta(minutes=k)).isoformat(), summary=summary),
                matcher.match(title, summary)) for k, (title, summary) in enumerate(REPORTS)]
    store.store_fetch(feed, entries, status=200, etag=None, last_modified=None, next_poll=T0, now=T0)
    rescore(store, config, apply=True)  # records the rules the verdicts were scored under
    return store, {r.title: r.id for r in store.items(Filter(story=None))}


def state(store: Store) -> list[tuple]:
    return [tuple(r) for r in store.execute("SELECT id, rule_on_story, on_story, manual, matched, title_key IS NOT NULL "
                                            "FROM items ORDER BY id")]


@pytest.mark.parametrize("before, after, moved_in, moved_out", [
    # a term added to a group: only the items holding it can come on
    (story(), story(GROUPS.replace('"Hegseth"', '"Hegseth", "Opus"')), ["Anthropic releases Claude Opus"], []),
    # a term removed: what it alone kept on the story leaves
    (story(), story(GROUPS.replace('"Hegseth", ', '')), [], ["Hegseth gives Anthropic until Friday"]),
    # an exclude added
    (story(), story(exclude='"stalled"'), [], ["Anthropic says Department of War talks have stalled"]),
    # an exclude removed
    (story(exclude='"stalled", "Osaka"'), story(exclude='"Osaka"'),
     ["Anthropic says Department of War talks have stalled"], []),
    # a require term made an exclude
    (story(), story(GROUPS.replace(', "Defense Production Act"', ''), exclude='"Defense Production Act"'),
     [], ["Pentagon weighs Defense Production Act against Claude maker"]),
    # a group added: items on the story holding none of its terms leave, though they hold no changed term
    (story(), story(GROUPS + ', ["Friday", "deadline"]'), [],
     ["Pentagon weighs Defense Production Act against Claude maker", "Anthropic says Department of War talks have stalled",
      "Pentagon brands Anthropic a supply-chain risk"]),
    # a group removed: items holding a term of every remaining group come on
    (story(), story('["Anthropic", "Claude", "Amodei"]'), ["Anthropic releases Claude Opus"], []),
    # a group's only term removed with it
    (story(GROUPS + ', ["Opus"]'), story(), ["Hegseth gives Anthropic until Friday",
     "Pentagon weighs Defense Production Act against Claude maker",
     "Anthropic says Department of War talks have stalled", "Amodei meets Pentagon officials",
     "Pentagon brands Anthropic a supply-chain risk"], []),
    # a phrase respelled ("supply chain risk" is the same term) and terms reordered
    (story(GROUPS + ', ["supply-chain risk", "Friday"]'), story(GROUPS + ', ["Friday", "Supply chain risk"]'), [], []),
], ids=["add-term", "remove-term", "add-exclude", "remove-exclude", "term-to-exclude", "add-group", "remove-group",
        "remove-last-term-of-group", "respell-reorder"])
def test_a_rescore_reads_only_what_an_edit_can_move_and_agrees_with_reading_all(tmp_path, before, after,
                                                                                moved_in, moved_out):
    for d in ("a", "b"):
        (tmp_path / d).mkdir()
    store, ids = scored_store(tmp_path / "a", before)
    full, _ = scored_store(tmp_path / "b", before)
    full.execute("DELETE FROM settings WHERE key = 'rules'")  # rules unknown: every item is read
    held = ids["Hegseth visits troops in Osaka"]  # a manual verdict stays whatever the rules say
    for s in (store, full):
        s.set_manual(held, True)
    edited = load(write_config(tmp_path / "a", story=after))
    result, everything = rescore(store, edited, apply=True), rescore(full, edited, apply=True)
    assert [m.title for m in result.moved_in] == moved_in
    assert [m.title for m in result.moved_out] == moved_out
    for name in ("moved_in", "moved_out", "held"):
        assert getattr(result, name) == getattr(everything, name)
    assert result.terms_changed == everything.terms_changed
    assert state(store) == state(full)
    assert everything.checked == len(REPORTS) and result.checked < len(REPORTS)
    assert rescore(store, edited).checked == 0  # applied: nothing left that can move


def test_an_item_holding_a_changed_term_is_read_again_only_for_it_unless_its_stored_terms_are_unreadable(tmp_path):
    """An item holding an added term is matched again for the changed terms only, its other
    terms taken from those stored; stored terms that cannot be read (a database written by
    something else) send it back to its whole text. Either way: what reading all gives."""
    for d in ("a", "b"):
        (tmp_path / d).mkdir()
    store, ids = scored_store(tmp_path / "a", story())
    full, _ = scored_store(tmp_path / "b", story())
    full.execute("DELETE FROM settings WHERE key = 'rules'")
    friday = ids["Hegseth gives Anthropic until Friday"]
    for s in (store, full):
        with s.write() as c:
            c.execute("UPDATE items SET matched = 'not a list' WHERE id = ?", (friday,))
    edited = load(write_config(tmp_path / "a", story=story(GROUPS + ', ["Friday", "Opus"]')))
    result, everything = rescore(store, edited, apply=True), rescore(full, edited, apply=True)
    assert [m.title for m in result.moved_out] == [m.title for m in everything.moved_out]
    assert "Hegseth gives Anthropic until Friday" not in [m.title for m in result.moved_out]
    assert state(store) == state(full)
    assert list(store.item(friday).matched) == ["Anthropic", "Hegseth", "Friday"]


def test_a_group_edit_judges_only_the_items_either_rules_can_put_on_the_story(tmp_path):
    store, _ = scored_store(tmp_path, story())
    edited = load(write_config(tmp_path, story=story(GROUPS + ', ["Friday", "deadline"]')))
    progress: list[tuple[int, int]] = []
    result = rescore(store, edited, progress=lambda done, total: progress.append((done, total)))
    # Read again: the two holding an added term. Judged from their stored terms: the three
    # holding a term of each old group. Not read: the others, though three of them hold terms
    # (of one group only: "Pentagon awards ...", "Hegseth visits ...", "Anthropic releases ...").
    assert result.checked == 5
    assert progress[-1] == (5, 5)


COPIES = [f"{gov} {does} Anthropic {when}" for gov in ("Pentagon", "Hegseth") for does in
          ("gives an ultimatum to", "weighs the Defense Production Act against", "brands as a supply-chain risk")
          for when in ("on Friday", "after the lawsuit", "in talks")]


def copies_store(path, rules: str) -> Store:
    """Reports of 18 stories, each carried by three feeds an hour apart: clusters of copies,
    and developments, for some of whose reports an edit of the rules then takes off the story."""
    from tracker.match import Matcher
    from tracker.model import Entry, FeedConfig

    path.mkdir()
    config = load(write_config(path, story=rules))
    store = Store.open(config.database_path)
    matcher = Matcher(config.story.rules)
    for f in range(3):
        feed = FeedConfig(f"Wire {f}", f"http://n{f}.test/f.xml", 3600)
        entries = [(Entry(f"{f}-{k}", title, f"http://n{f}.test/{k}", (T0 + timedelta(hours=f, minutes=k)).isoformat(),
                          summary=f"{title}. Officials said talks go on."), matcher.match(title))
                   for k, title in enumerate(COPIES)]
        store.store_fetch(feed, entries, status=200, etag=None, last_modified=None, next_poll=T0, now=T0)
    rescore(store, config, apply=True)
    return store


def clusters_and_developments(store: Store) -> list:
    return [[tuple(r) for r in store.execute(sql)] for sql in (
        "SELECT id, rule_on_story, on_story, matched, cluster, title_key, development, development_why "
        "FROM items ORDER BY id", "SELECT * FROM item_bands ORDER BY key, item_id", "SELECT * FROM clusters ORDER BY id",
        "SELECT id, headline, first, last, reports, outlets, latest_item FROM developments ORDER BY id")]


@pytest.mark.parametrize("scan_bands", [2000, 0], ids=["recomputed-bands", "one-pass-over-bands"])
def test_items_leaving_the_story_together_leave_it_as_they_would_one_by_one(tmp_path, monkeypatch, scan_bands):
    from tracker.match import Matcher
    from tracker.store import _copies

    groups = '["Anthropic"], ["Pentagon", "Hegseth"]'
    together, alone = copies_store(tmp_path / "a", story(groups)), copies_store(tmp_path / "b", story(groups))
    edited = load(write_config(tmp_path / "a", story=story(groups, exclude='"lawsuit", "Hegseth gives"')))
    assert clusters_and_developments(together) == clusters_and_developments(alone)
    # one by one, as each item's own update does it
    matcher, left = Matcher(edited.story.rules), []
    with alone.write() as c:
        for item_id, title, summary, rule_on in c.execute("SELECT id, title, summary, rule_on_story FROM items "
                                                          "ORDER BY id").fetchall():
            m = matcher.match(title, summary)
            c.execute("UPDATE items SET rule_on_story = ?, on_story = ?, matched = ? WHERE id = ?",
                      (int(m.on_story), int(m.on_story), json.dumps(list(m.terms)), item_id))
            if rule_on and not m.on_story:
                left.append(item_id)
                alone._recluster(c, item_id)
                alone.development_update(c, item_id)
    monkeypatch.setattr(_copies, "SCAN_BANDS", scan_bands)
    marks = ",".join("?" * len(left))
    clusters = together.execute(f"SELECT COUNT(DISTINCT cluster) FROM items WHERE id IN ({marks})", left)[0][0]
    developments = together.execute(f"SELECT COUNT(DISTINCT development) FROM items WHERE id IN ({marks})", left)[0][0]
    statements: list[str] = []
    together._conn().set_trace_callback(statements.append)
    progress: list[tuple[int, int]] = []
    result = rescore(together, edited, apply=True, progress=lambda done, total: progress.append((done, total)))
    together._conn().set_trace_callback(None)
    assert progress[-1] == (len(left), len(left))  # the last report: every item that moved has moved
    # each cluster and development they left counted again once, not once per item leaving it
    assert sum(s.startswith("SELECT COUNT(*), COUNT(DISTINCT outlet), MAX(first_seen)") for s in statements) <= clusters
    assert sum(s.startswith("SELECT COUNT(*), COUNT(DISTINCT outlet), MIN(published)") for s in statements) \
        == developments < len(left)
    assert [m.id for m in result.moved_out] == left and len(left) == 24 and not result.moved_in
    before = clusters_and_developments(copies_store(tmp_path / "c", story(groups)))
    after = clusters_and_developments(together)
    assert after == clusters_and_developments(alone)
    assert after[2] != before[2] and after[3] != before[3]  # clusters and developments did change


def test_a_command_after_a_rules_edit_shows_the_re_score_on_a_terminal(tmp_path):
    """`tracker items` after an edit of [story.match] applies it first; on a terminal it says
    so as it goes ("re-scoring: 9 of 9 items"), then what moved."""
    import os
    import pty
    import subprocess
    import sys

    store, _ = scored_store(tmp_path, story())
    store.close()
    write_config(tmp_path, story=story(exclude='"stalled"'))
    master, slave = pty.openpty()
    child = subprocess.Popen([sys.executable, "-m", "tracker", "--config", str(tmp_path / "feeds.toml"),
                              "items", "--limit", "1"], stdout=subprocess.DEVNULL, stderr=slave)
    os.close(slave)
    told = b""
    while True:  # read as it writes: a terminal's buffer is small
        try:
            chunk = os.read(master, 4096)
        except OSError:  # the child has exited and its end of the terminal is closed
            break
        if not chunk:
            break
        told += chunk
    os.close(master)
    assert child.wait(timeout=120) == 0
    text = told.decode()
    assert "re-scoring: 1 of 1 items" in text  # the one item holding the new term, read again
    assert "the story rules changed: 0 items moved onto the story, 1 off it" in text


def test_a_verdict_given_while_the_re_score_reads_wins_over_the_rules(tmp_path):
    """The dashboard re-scores behind its first screen, so the user can press + on an item
    between the re-score's read and its write: the item stays on the story, in its copies and
    development, and only the rules' verdict and terms change."""
    store, ids = scored_store(tmp_path, story())
    stalled = ids["Anthropic says Department of War talks have stalled"]
    edited = load(write_config(tmp_path, story=story(exclude='"stalled"')))
    write = store.apply_verdicts

    def marked_meanwhile(*args, **kwargs):
        store.set_manual(stalled, True)
        return write(*args, **kwargs)

    store.apply_verdicts = marked_meanwhile
    rescore(store, edited, apply=True)
    row = store.execute("SELECT manual, on_story, rule_on_story, title_key IS NOT NULL, development "
                        "FROM items WHERE id = ?", (stalled,))[0]
    assert (row[0], row[1], row[2]) == (1, 1, 0)
    assert row[3] == 1 and row[4] is not None  # still clustered and grouped


def test_an_item_merged_from_two_feeds_is_read_again_whole_not_judged_from_its_stored_terms(tmp_path):
    """An aggregator's copy first ("Pentagon sets a deadline for an AI firm"), then the
    publisher's own headline for the same link: the item is merged, shows the publisher's
    title (on the story by its words), and keeps the terms of the copy it was stored from.
    A group added then judges it by its text, as reading every item does."""
    from tracker.match import Matcher
    from tracker.model import Entry, FeedConfig

    def merge(store, config):
        m = Matcher(config.story.rules)
        link, at = "http://n.test/99", (T0 + timedelta(hours=1)).isoformat()
        for feed, e in ((FeedConfig("Agg", "http://agg.test/feed.xml", 3600),
                         Entry("a99", "Pentagon sets a deadline for an AI firm", link, at)),
                        (FeedConfig("Wire", "http://n.test/f.xml", 3600),
                         Entry("99", "Hegseth tells Anthropic to decide by Friday", link, at))):
            store.store_fetch(feed, [(e, m.match(e.title, e.summary))], status=200, etag=None,
                              last_modified=None, next_poll=T0, now=T0 + timedelta(hours=1))
        return store.execute("SELECT id FROM items WHERE link = ?", (link,))[0][0]

    for d in ("a", "b"):
        (tmp_path / d).mkdir()
    store, _ = scored_store(tmp_path / "a", story())
    full, _ = scored_store(tmp_path / "b", story())
    merged = [merge(s, load(tmp_path / d / "feeds.toml")) for s, d in ((store, "a"), (full, "b"))][0]
    full.execute("DELETE FROM settings WHERE key = 'rules'")  # every item read in full
    edited = load(write_config(tmp_path / "a", story=story(GROUPS + ', ["Friday", "deadline"]')))
    result, everything = rescore(store, edited, apply=True), rescore(full, edited, apply=True)
    assert [m.title for m in result.moved_out] == [m.title for m in everything.moved_out]
    assert merged not in [m.id for m in result.moved_out]
    assert state(store) == state(full)
