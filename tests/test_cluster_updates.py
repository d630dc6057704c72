"""An item a feed changed: the earlier version is kept, and the word diff the detail view shows."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone

from tracker.match import Match
from tracker.model import Entry, FeedConfig
from tracker.rows import Item, Report, Version
from tracker.store import Store
from tracker.worddiff import changes, word_diff

FEED = FeedConfig("Wire", "http://127.0.0.1/w.xml", 600)
T0 = datetime(2026, 2, 27, 12, 0, tzinfo=timezone.utc)


def test_word_diff_segments():
    assert word_diff("Pentagon gives Anthropic until Friday to drop safeguards",
                     "Pentagon gives Anthropic until Monday to drop its safeguards") == [
        ("same", "Pentagon gives Anthropic until"), ("removed", "Friday"), ("added", "Monday"),
        ("same", "to drop"), ("added", "its"), ("same", "safeguards")]


def test_word_diff_edges():
    assert word_diff("", "") == []
    assert word_diff("", "New summary") == [("added", "New summary")]
    assert word_diff("Old  text\twith   spaces", "Old text with spaces") == [("same", "Old text with spaces")]
    assert word_diff("a b c", "x y z") == [("removed", "a b c"), ("added", "x y z")]


def test_markup_stays_text():
    assert word_diff("[bold]Anthropic[/]", "[red]Anthropic[/]") == [("removed", "[bold]Anthropic[/]"),
                                                                   ("added", "[red]Anthropic[/]")]


def test_a_long_summary_diffs_word_by_word():
    words = ("the Pentagon and the company said the talks would continue " * 30).split()
    new = words[:150] + ["Friday"] + words[150:]
    assert [s for s in word_diff(" ".join(words), " ".join(new)) if s[0] != "same"] == [("added", "Friday")]


def test_changes_of_a_stored_item(tmp_path):
    store = Store.open(tmp_path / "t.db")

    def fetch(title, summary, at):
        e = Entry("g1", title, "https://n.test/1", "2026-02-27T11:00:00Z", summary=summary)
        return store.store_fetch(FEED, [(e, Match(True, ("Anthropic", "Pentagon")))], status=200, etag=None,
                                 last_modified=None, next_poll=at, now=at)

    item_id, = fetch("Anthropic rejects Pentagon offer", "Talks ended.", T0).new
    assert changes(store.item(item_id)) == {}
    fetch("Anthropic rejects Pentagon's final offer", "Talks ended.", T0 + timedelta(hours=1))
    fetch("Anthropic rejects Pentagon's final offer", "Talks ended on Thursday.", T0 + timedelta(hours=2))
    item = store.item(item_id)
    assert [v.title for v in item.versions] == ["Anthropic rejects Pentagon offer",
                                                "Anthropic rejects Pentagon's final offer"]
    assert item.read == 0 and item.updated == "2026-02-27T14:00:00Z"
    assert changes(item) == {
        "title": [("same", "Anthropic rejects"), ("removed", "Pentagon"), ("added", "Pentagon's final"),
                  ("same", "offer")],
        "summary": [("same", "Talks"), ("removed", "ended."), ("added", "ended on Thursday.")]}


def test_the_detail_view_shows_what_changed_and_who_carried_it(tmp_path):
    from rich.style import Style

    from tracker.tui import render

    row = Item(id=1, title="Anthropic rejects Pentagon's final offer", summary="", published="2026-02-27T11:00:00Z",
               outlet="Reuters", feeds=("Wire",), link=None, matched=("Anthropic",), read=0,
               updated="2026-02-27T12:00:00Z",
               versions=(Version("Anthropic rejects [bold]offer[/]", "", "2026-02-27T12:00:00Z"),))
    members = (Item(id=1, outlet="Reuters", published="2026-02-27T11:00:00Z"),
               Item(id=2, outlet="Yahoo Finance", published="2026-02-27T11:20:00Z"))
    text = render.item_detail(row, now=T0, meta=Style(dim=True), label=Style(bold=True),
                              detail=render.Detail(members=members))
    assert "title was changed: Anthropic rejects [bold]offer[/] Pentagon's final offer" in text.plain
    struck = [text.plain[s.start:s.end] for s in text.spans if s.style == render.CHANGE_STYLES["removed"]]
    assert struck == ["[bold]offer[/] "]
    assert "carried by:" in text.plain and "Yahoo Finance" in text.plain


def test_a_cluster_row_shows_how_many_outlets_carried_it():
    from tracker.tui import render

    row = Report(id=1, title="Pentagon designates Anthropic a supply-chain risk", published="2026-02-27T11:00:00Z",
                 outlet="Reuters", feeds=(), read=0, starred=0)
    assert "×" not in render.item_row(row, now=T0, width=100).plain
    assert "Reuters" in render.item_row(replace(row, outlets=4, size=5), now=T0, width=100).plain
    assert "×4 Pentagon designates" in render.item_row(replace(row, outlets=4, size=5), now=T0, width=100).plain
