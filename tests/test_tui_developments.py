"""The panel by development: one row per event, its reports in the detail, v to the flat
list and back (remembered), new reports counted in place, x and J to correct the grouping."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

from tracker.feedgen import FeedItem, rss
from tracker.store import Store

from .test_tui import polled, settle  # noqa: F401
from .test_tui_clusters import Dash, detail_text

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
SUIT = ["Anthropic sues Defense Department over supply-chain risk designation",
        "Anthropic files lawsuit challenging Pentagon's supply-chain risk designation",
        "Anthropic takes Pentagon to court over supply-chain risk label"]
HEARING = ["Judge Rita Lin sets hearing on Anthropic injunction request for Tuesday",
           "Federal judge Rita Lin schedules Tuesday hearing in Anthropic injunction bid"]


def report(k: int, title: str, hours: float, outlet: str) -> FeedItem:
    return FeedItem(title, link=f"https://{outlet.lower()}.test/{k}", guid=f"r{k}", published=T0 + timedelta(hours=hours),
                    summary=f"{title}. Claude maker Anthropic and the Pentagon, Hegseth.",
                    source=(outlet, f"https://{outlet.lower()}.test/"))


def background() -> list[FeedItem]:
    """Earlier coverage of the story from the labelled set: what the words of a story are
    weighed against (in a story of five reports every word is common)."""
    rows = [json.loads(line) for line in (Path(__file__).parent / "data" / "developments.jsonl").open()]
    rows = sorted((r for r in rows if r["story"] == "pentagon" and r["published"] < "2026-02-27"),
                  key=lambda r: r["published"])[:80]
    return [FeedItem(r["title"], link=r["link"], guid=r["link"], published=datetime.fromisoformat(r["published"]),
                     summary=r["summary"], source=(r["outlet"], "https://outlet.test/")) for r in rows]


def coverage() -> list[FeedItem]:
    return background() + ([report(k, t, 0.5 * k, o) for k, (t, o) in enumerate(zip(SUIT, ["Reuters", "AP", "Politico"]))]
            + [report(10 + k, t, 30 + k, o) for k, (t, o) in enumerate(zip(HEARING, ["Bloomberg", "Axios"]))])


def by_development(tmp_path, server, items):
    server.set_feed("/wire.xml", rss(items))
    d = Dash(tmp_path, [("Wire", server.url("/wire.xml"))])
    d.store.set_setting("view", "developments")
    return d


def rows(app) -> list[str]:
    return [app.devs.row(i).headline for i in app.devs.ids]


async def test_the_panel_lists_developments_and_enter_shows_their_reports(tmp_path, server):
    d = by_development(tmp_path, server, coverage())
    app = d.app()
    async with app.run_test(size=(160, 40)) as pilot:
        await polled(pilot)
        reports = len(d.store.item_ids())
        assert 10 < len(app.devs.ids) < reports / 2, "one row per event, not per report"
        assert f"Developments {len(app.devs.ids)}" in str(app.devs.border_title)
        lines = [app.devs.render_line(y).text for y in range(2)]
        assert "2 reports · 2 outlets" in lines[0] and "Rita Lin" in lines[0]  # the newest first
        assert "3 reports · 3 outlets" in lines[1]
        await pilot.press("j", "enter")
        await settle(pilot)
        shown = detail_text(app).plain
        assert all(t in shown for t in SUIT) and "3 from 3 outlets" in shown
        assert "shares" in shown  # why each report is there


async def test_v_switches_to_every_report_and_is_remembered(tmp_path, server):
    d = by_development(tmp_path, server, coverage())
    app = d.app()
    async with app.run_test(size=(160, 40)) as pilot:
        await polled(pilot)
        developments = len(app.devs.ids)
        await pilot.press("v")
        await settle(pilot)
        assert app.items.display and not app.devs.display
        assert len(app.items.ids) > developments and "Coverage" in str(app.items.border_title)
        await pilot.press("enter")  # the newest report: the hearing's second
        await settle(pilot)
        shown = detail_text(app).plain
        assert any(f"event  {t} (2 reports, 2 outlets)" in shown for t in HEARING)
    assert d.store.setting("view") == "reports"
    again = d.app()
    async with again.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        assert again.items.display and not again.devs.display


async def test_a_new_report_joins_its_row_in_place_and_the_cursor_stays(tmp_path, server):
    items = coverage()
    d = by_development(tmp_path, server, items)
    app = d.app()
    async with app.run_test(size=(160, 40)) as pilot:
        await polled(pilot)
        await pilot.press("j")  # on the lawsuit, the older development
        chosen, count = app.devs.selected_id, len(app.devs.ids)
        server.set_feed("/wire.xml", rss(items + [report(20, "Anthropic lawsuit against Pentagon over supply-chain "
                                                         "risk designation filed in San Francisco", 2, "NYT")]))
        await polled(pilot)
        assert app.devs.selected_id == chosen and app.devs.cursor == 1
        assert len(app.devs.ids) == count
        assert app.devs.row(chosen).reports == 4
        assert "4 reports · 4 outlets" in app.devs.render_line(1).text


async def test_x_moves_a_report_out_and_j_joins_it_back_and_the_database_keeps_it(tmp_path, server):
    d = by_development(tmp_path, server, coverage())
    app = d.app()
    async with app.run_test(size=(160, 40)) as pilot:
        await polled(pilot)
        count = len(app.devs.ids)
        await pilot.press("v")  # every report, newest first: the hearing's two, then the suit's three
        await settle(pilot)
        await pilot.press("j", "j", "j", "j")  # the suit's first report
        assert app.items.row(app.items.selected_id).title == SUIT[0]
        await pilot.press("x")
        await settle(pilot)
        await pilot.press("v")
        await settle(pilot)
        assert len(app.devs.ids) == count + 1
    store = Store.open(d.config.database_path)
    assert len(store.development_list()) == count + 1  # kept
    store.close()
    again = d.app()
    async with again.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        assert len(again.devs.ids) == count + 1
        await pilot.press("j", "j")  # the lone report's row, below the suit's
        assert again.devs.row(again.devs.selected_id).headline == SUIT[0]
        await pilot.press("J")
        await settle(pilot)
        assert len(again.devs.ids) == count
        assert again.devs.row(again.devs.ids[1]).reports == 3


async def test_opening_by_development_reads_the_reports_list_only_when_v_shows_it(tmp_path, server):
    """The hidden list is not read for the first screen (at a million items the reports'
    ids are 100,000 of them); v reads it then, whole."""
    d = by_development(tmp_path, server, coverage())
    app = d.app()
    async with app.run_test(size=(160, 40)) as pilot:
        await polled(pilot)
    again = d.app()
    async with again.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        assert again.devs.ids and again.items.ids == []
        await pilot.press("v")
        await settle(pilot)
        upto = d.store.max_item_id()
        assert again.items.ids == d.store.item_ids_between(again.filter, 0, upto) and again.items.ids
