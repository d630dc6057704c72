"""The live panel lists one row per cluster (one report, however many outlets carried it),
keeps the cursor and the view while reports arrive, and shows what a feed changed in an item.
Driven with Pilot against feeds served on 127.0.0.1."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from tracker.config import load
from tracker.feedgen import FeedItem, rss
from tracker.store import Store
from tracker.tui import render
from tracker.tui.app import build_app

from .conftest import write_config
from .test_cluster_store import three_feeds
from .test_tui import T0, Clock, new_york, polled, screen_lines, settle, story_items  # noqa: F401 - autouse fixture


class Dash:
    """A dashboard on the given feeds, its clock under the test's control, not polling by itself."""

    def __init__(self, tmp_path, feeds, now=datetime(2026, 2, 28, 12, 0, tzinfo=timezone.utc)):
        self.config = load(write_config(tmp_path, feeds))
        self.store = Store.open(self.config.database_path)
        self.store.set_setting("view", "reports")  # the reports' list; developments: test_tui_developments.py
        self.store.sync_feeds(self.config.feeds)
        self.clock = Clock(now)

    def app(self):
        app = build_app(self.config, self.store, clock=self.clock, start_polling=False)
        app.arrivals_quiet = app.check_spacing = 0  # the tests wait for workers, not for the clock
        return app


def copy_of(item: FeedItem, k: int, published: datetime, outlet: str = "Reuters") -> FeedItem:
    """The same report as an aggregator carries it: the outlet in a <source> and a title suffix,
    a redirect link that hides the publisher's."""
    return FeedItem(f"{item.title} - {outlet}", link=f"https://news.google.com/rss/articles/CBMi{k}?oc=5",
                    guid=f"agg-{k}", published=published, summary=item.summary,
                    source=(outlet, f"https://{outlet.lower()}.example"))


def detail_text(app):
    return app.detail.body.content


async def test_one_report_from_three_feeds_is_one_row_x3_and_enter_lists_every_outlet(tmp_path, server):
    d = Dash(tmp_path, three_feeds(server))
    app = d.app()
    async with app.run_test(size=(140, 40)) as pilot:
        await polled(pilot)
        assert len(app.items.ids) == 2  # the report (three copies) and another story
        assert "Coverage 2" in str(app.items.border_title)
        lines = screen_lines(app)
        row = next(i for i, line in enumerate(lines) if "×3" in line)
        # the earliest report's time (22:10 UTC) and outlet, then how many outlets carried it
        assert " 27 Feb Reuters " in lines[row]
        assert "×3 Pentagon designates Anthropic a supply-chain risk" in lines[row]
        assert "×" not in lines[1 - row]

        app.items.move_to(row)
        await pilot.press("enter")
        await settle(pilot)
        detail = detail_text(app).plain
        assert detail.startswith("Pentagon designates Anthropic a supply-chain risk after deadline passes\n")
        assert ("carried by:\n  Fri 27 Feb 17:10  Reuters\n  Fri 27 Feb 17:15  Defense News\n"
                "  Fri 27 Feb 17:35  Yahoo Finance\n") in detail
        assert "matched: Anthropic · Pentagon\n" in detail  # what the rules found in this copy


async def test_reading_a_cluster_row_reads_every_copy_and_m_makes_them_unread_again(tmp_path, server):
    d = Dash(tmp_path, three_feeds(server))
    app = d.app()
    async with app.run_test(size=(140, 40)) as pilot:
        await polled(pilot)
        row = next(i for i, line in enumerate(screen_lines(app)) if "×3" in line)
        app.items.move_to(row)
        cluster = d.store.item(app.items.selected_id).cluster
        copies = "SELECT read FROM items WHERE cluster = ?"
        assert [r[0] for r in d.store.execute(copies, (cluster,))] == [0, 0, 0]
        await pilot.press("enter")  # opening the row reads it: all three copies
        await settle(pilot)
        assert [r[0] for r in d.store.execute(copies, (cluster,))] == [1, 1, 1]
        assert d.store.execute("SELECT COUNT(*) FROM items WHERE read = 1")[0][0] == 3  # the other report untouched
        await pilot.press("escape", "m")  # m on the row: unread again, all three
        await settle(pilot)
        assert [r[0] for r in d.store.execute(copies, (cluster,))] == [0, 0, 0]


async def test_a_new_report_of_a_listed_cluster_changes_its_count_and_moves_nothing(tmp_path, server):
    wire = story_items(60)
    server.set_feed("/wire.xml", rss(wire))
    server.set_feed("/agg.xml", rss([]))
    d = Dash(tmp_path, [("Wire", server.url("/wire.xml")), ("Aggregator", server.url("/agg.xml"))])
    app = d.app()
    async with app.run_test(size=(120, 30)) as pilot:
        await polled(pilot)
        await pilot.press("G", *["k"] * 10)
        ids, cursor, top = list(app.items.ids), app.items.cursor, round(app.items.scroll_offset.y)
        assert top > 0
        before = screen_lines(app)
        shown = app.store.rows([ids[top + 2]])[ids[top + 2]]  # a row on screen, above the cursor
        k = int(shown.title.rsplit("#", 1)[1].rstrip(")"))

        server.set_feed("/agg.xml", rss([copy_of(wire[k - 1], k, wire[k - 1].published + timedelta(minutes=3))]))
        await polled(pilot)
        assert app.items.ids == ids and app.items.cursor == cursor
        assert round(app.items.scroll_offset.y) == top
        after = screen_lines(app)
        assert "×2 " + shown.title[:20] in after[2] and "×" not in before[2]
        assert [line for i, line in enumerate(after) if i != 2] == [line for i, line in enumerate(before) if i != 2]

        # A new report, older than the rows on screen, slots in by its date: the rows stay put.
        older = FeedItem("Anthropic and the Pentagon: a report from the archive", link="https://news.test/old",
                         guid="old", published=T0 - timedelta(days=1), summary="Hegseth and Anthropic, earlier.")
        server.set_feed("/agg.xml", rss([copy_of(wire[k - 1], k, wire[k - 1].published + timedelta(minutes=3)),
                                         older]))
        selected = app.items.selected_id
        await polled(pilot)
        assert app.items.ids[-1] != ids[-1] and len(app.items.ids) == 61
        assert app.items.selected_id == selected and app.items.cursor == cursor
        assert screen_lines(app) == after


async def test_an_earlier_copy_takes_over_its_cluster_and_the_cursor_goes_with_it(tmp_path, server):
    wire = story_items(5)
    server.set_feed("/wire.xml", rss(wire))
    server.set_feed("/agg.xml", rss([]))
    d = Dash(tmp_path, [("Wire", server.url("/wire.xml")), ("Aggregator", server.url("/agg.xml"))])
    app = d.app()
    async with app.run_test(size=(120, 30)) as pilot:
        await polled(pilot)
        await pilot.press("j", "j")  # on #3, published T0 + 20 min
        old_id = app.items.selected_id
        assert app.items.row(old_id).title.endswith("(#3)")

        # Reuters had it at T0 + 5 min, before anyone else: its copy is now the earliest report.
        server.set_feed("/agg.xml", rss([copy_of(wire[2], 3, T0 + timedelta(minutes=5))]))
        await polled(pilot)
        assert old_id not in app.items.ids and len(app.items.ids) == 5
        assert [app.items.row(i).title[-4:] for i in app.items.ids] == ["(#5)", "(#4)", "(#2)", "(#3)", "(#1)"]
        assert app.items.cursor == 3 and app.items.selected_id != old_id
        assert "Reuters" in screen_lines(app)[3] and "×2 " in screen_lines(app)[3]


async def test_a_changed_item_is_marked_unread_again_and_its_detail_shows_the_word_diff(tmp_path, server):
    wire = story_items(3)
    server.set_feed("/wire.xml", rss(wire))
    d = Dash(tmp_path, [("Wire", server.url("/wire.xml"))])
    app = d.app()
    async with app.run_test(size=(140, 40)) as pilot:
        await polled(pilot)
        await pilot.press("enter")  # #3, read now
        await settle(pilot)
        item_id = app.items.selected_id
        assert app.store.item(item_id).read == 1 and "✎" not in screen_lines(app)[0]

        assert wire[2].title == "Amodei meets Hegseth at the Pentagon (#3)"
        wire[2] = FeedItem("Amodei snubs Hegseth at the Pentagon (#3)",
                           link=wire[2].link, guid=wire[2].guid, published=wire[2].published, summary=wire[2].summary)
        server.set_feed("/wire.xml", rss(wire))
        await polled(pilot)
        assert app.store.item(item_id).read == 0  # back to unread
        assert "✎ Amodei snubs Hegseth" in screen_lines(app)[0]
        text = detail_text(app)  # the detail on screen follows the change
        assert "title was changed: Amodei meets snubs Hegseth at the Pentagon (#3)" in text.plain
        styled = {kind: [text.plain[s.start:s.end].strip() for s in text.spans if s.style == style]
                  for kind, style in render.CHANGE_STYLES.items() if kind != "same"}
        assert styled == {"removed": ["meets"], "added": ["snubs"]}
        assert render.CHANGE_STYLES["removed"].strike and render.CHANGE_STYLES["removed"].color.name == "red"
        assert render.CHANGE_STYLES["added"].color.name == "green"
        assert "updated" in text.plain.split("state", 1)[1].split("\n", 1)[0]


async def test_an_empty_list_draws_with_no_color(tmp_path, monkeypatch):
    # Textual's monochrome filter needs a style on every segment of every line.
    monkeypatch.setenv("NO_COLOR", "1")
    d = Dash(tmp_path, [("Wire", "http://127.0.0.1:9/wire.xml")])
    app = d.app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert app.no_color
        assert "No items on the story yet" in screen_lines(app)[0]


async def test_search_finds_a_cluster_by_the_words_of_any_of_its_reports(tmp_path, server):
    wire = story_items(3)
    server.set_feed("/wire.xml", rss(wire))
    later = wire[0].published + timedelta(minutes=3)
    copy = copy_of(wire[0], 1, later)
    copy = FeedItem(copy.title, link=copy.link, guid=copy.guid, published=later, source=copy.source,
                    summary="Only this outlet's copy names the Kestrel programme.")
    server.set_feed("/agg.xml", rss([copy]))
    d = Dash(tmp_path, [("Wire", server.url("/wire.xml")), ("Aggregator", server.url("/agg.xml"))])
    app = d.app()
    async with app.run_test(size=(120, 30)) as pilot:
        await polled(pilot)
        await pilot.press("slash", *"kestrel")
        await settle(pilot)
        assert [app.items.row(i).title for i in app.items.ids] == [wire[0].title]  # listed as the cluster
        assert "×2" in screen_lines(app)[0] and " Wire " in screen_lines(app)[0]
