"""The timeline screen (t): developments per local day, deadlines marked, the selected day's
list, hours on z, Enter back to the main screen; with a fixed clock and a pinned zone."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from textual.widgets import DataTable

from tracker.config import load
from tracker.match import Matcher
from tracker.model import Deadline, Entry
from tracker.store import Store
from tracker.tui.app import build_app
from tracker.tui.screens.help import help_text
from tracker.tui.screens.timeline import (Bucket, TimelineChart, TimelineScreen, chart, day_buckets,
                                          hour_buckets, layout)

from .conftest import write_config
from .test_tui import DEADLINE, new_york, settle, table_drawn, until  # noqa: F401 - the autouse fixture pins the time zone

NOW = datetime(2026, 2, 25, 18, 0, tzinfo=timezone.utc)  # 13:00 in New York
FEEDS = [("Wire", "http://127.0.0.1:9/wire.xml"), ("Google News", "http://127.0.0.1:9/google.xml"),
         ("Quiet feed", "http://127.0.0.1:9/quiet.xml")]
DPA = "Pentagon weighs Defense Production Act against Anthropic"
HOSTILE = "Amodei meets Hegseth at the Pentagon over [bold]Array[0][/] of demands"
# (UTC time, feed, outlet, title): one report carried three times, and one late on the 24th in
# New York that is already the 25th in UTC.
ITEMS = [
    ("2026-02-23T15:00:00Z", 0, "Wire", "Hegseth summons Anthropic's Amodei to the Pentagon"),
    ("2026-02-24T14:00:00Z", 0, "Wire", DPA),
    ("2026-02-24T14:20:00Z", 1, "Reuters", DPA),
    ("2026-02-24T15:00:00Z", 1, "AP", DPA),
    ("2026-02-24T20:00:00Z", 1, "Politico", "Anthropic holds line on Claude safeguards as Pentagon talks go on"),
    ("2026-02-25T03:30:00Z", 0, "Wire", HOSTILE),
    ("2026-02-25T16:00:00Z", 1, "Reuters", "Pentagon floats supply-chain risk label for Anthropic"),
    ("2026-02-25T12:00:00Z", 0, "Wire", "Snow closes federal offices in Washington"),  # off the story
]


def fill(store: Store, config, items, first: int = 0) -> None:
    """Store items as polls of the configured feeds would (clusters included)."""
    matcher = Matcher(config.story.rules)
    by_feed: dict[int, list] = {}
    for n, (published, feed, outlet, title) in enumerate(items, first):
        e = Entry(entry_id=f"e{n}", title=title, link=f"https://news.test/{n}", published=published,
                  summary="", outlet=outlet)
        by_feed.setdefault(feed, []).append((e, matcher.match(e.title, e.summary)))
    for feed, entries in by_feed.items():
        store.store_fetch(config.feeds[feed], entries, status=200, etag=None, last_modified=None,
                          next_poll=NOW + timedelta(minutes=10), now=NOW - timedelta(minutes=1))


@pytest.fixture
def story(tmp_path):
    config = load(write_config(tmp_path, FEEDS, extra=DEADLINE))
    store = Store.open(config.database_path)
    store.set_setting("view", "reports")  # the reports' list; developments: test_tui_developments.py
    store.sync_feeds(config.feeds)
    fill(store, config, ITEMS)
    yield config, store
    store.close()


def make_app(story):
    config, store = story
    return build_app(config, store, clock=lambda: NOW, start_polling=False)


def listed(screen) -> list[list[str]]:
    table = screen.query_one(DataTable)
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


def summary(screen) -> str:
    return str(screen.query_one("#timeline-day").render())


async def opened(pilot) -> TimelineScreen:
    await pilot.press("t")
    await settle(pilot)
    assert isinstance(pilot.app.screen, TimelineScreen)
    return pilot.app.screen


def count_histograms(store: Store) -> list:
    calls = []
    original = store.development_histogram

    def counted(*args, **kw):
        calls.append(args)
        return original(*args, **kw)
    store.development_histogram = counted
    return calls


async def test_t_shows_developments_per_local_day_with_the_deadline_marked(story):
    app = make_app(story)
    calls = count_histograms(story[1])
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await opened(pilot)
        # Copies counted once; the 03:30 UTC item is the 24th's in New York; the chart runs on
        # to the deadline two days ahead, which is marked.
        assert [(b.start.date(), b.count) for b in screen.days] == [
            (date(2026, 2, 23), 1), (date(2026, 2, 24), 3), (date(2026, 2, 25), 1),
            (date(2026, 2, 26), 0), (date(2026, 2, 27), 0)]
        assert [bool(b.marks) for b in screen.days] == [False, False, False, False, True]
        assert screen.days[2].today
        # The latest day with news is selected, its developments listed.
        assert screen.selected == 2
        assert listed(screen) == [["11:00", "", "Reuters", "Pentagon floats supply-chain risk label for Anthropic"]]
        assert summary(screen).startswith("Wed 25 Feb 2026 · 1 development")
        drawn = screen.query_one(TimelineChart).render().plain.splitlines()
        assert drawn[-3].rstrip().endswith("◆")  # under the 27th, the last bar
        assert drawn[-2].split() == ["23", "24", "25", "26", "27"]
        assert drawn[-1].split() == ["Feb", "2026", "◆", "deadline"]
        assert "5 in 5 days" in str(screen.query_one("#timeline-title").render())
        assert len(calls) == 1

        await pilot.press("escape")
        assert not isinstance(app.screen, TimelineScreen)


async def test_left_right_h_l_move_the_day_and_its_list_without_a_new_group_by(story):
    app = make_app(story)
    calls = count_histograms(story[1])
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await opened(pilot)
        await pilot.press("left")
        await settle(pilot)
        assert screen.selected == 1
        # Earliest first, with how many reports and outlets each has, its headline's outlet;
        # feed text literal.
        assert listed(screen) == [
            ["09:00", "3 · 3 outlets", "Wire", DPA],
            ["15:00", "", "Politico", "Anthropic holds line on Claude safeguards as Pentagon talks go on"],
            ["22:30", "", "Wire", HOSTILE]]
        assert summary(screen).startswith("Tue 24 Feb 2026 · 3 developments")
        await pilot.press("h", "h")  # the first day stops it
        await settle(pilot)
        assert screen.selected == 0 and len(listed(screen)) == 1
        await pilot.press("l", "right", "l")
        await settle(pilot)
        assert screen.selected == 3
        assert listed(screen) == [] and "nothing on the story" in summary(screen)
        await pilot.press("right")
        await settle(pilot)
        assert "◆ 17:00 Pentagon ultimatum to Anthropic expires" in summary(screen)
        # A click on a bar selects its day.
        chart_widget = screen.query_one(TimelineChart)
        at = chart_widget.at
        await pilot.click(TimelineChart, offset=(chart_widget.gutter.left + at.gutter + at.column + 1, 3))
        await settle(pilot)
        assert screen.selected == 1
        assert len(calls) == 1


async def test_z_zooms_into_the_hours_of_the_day_and_back(story):
    app = make_app(story)
    calls = count_histograms(story[1])
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await opened(pilot)
        await pilot.press("left", "z")
        await settle(pilot)
        assert screen.zoomed and len(screen.buckets) == 24
        assert {b.label: b.count for b in screen.buckets if b.count} == {"09": 1, "15": 1, "22": 1}
        assert screen.selected == 22 and [r[3] for r in listed(screen)] == [HOSTILE]
        assert "Tue 24 Feb 2026 by hour" in str(screen.query_one("#timeline-title").render())
        await pilot.press(*["h"] * 7)
        await settle(pilot)
        assert screen.selected == 15 and [r[3] for r in listed(screen)][0].startswith("Anthropic holds line")
        assert summary(screen).startswith("Tue 24 Feb 2026 15:00–16:00 · 1 development")
        await pilot.press("z")
        await settle(pilot)
        assert not screen.zoomed and screen.selected == 1 and len(listed(screen)) == 3
        assert len(calls) == 3  # open, zoom in, zoom out


async def test_enter_opens_the_development_on_the_main_screen(story):
    app = make_app(story)
    async with app.run_test(size=(120, 40)) as pilot:
        await opened(pilot)
        await pilot.press("left")
        await settle(pilot)
        await pilot.press("j", "enter")
        await settle(pilot)
        assert not isinstance(app.screen, TimelineScreen)
        item = app.store.item(app.detail.item_id)
        assert item.title.startswith("Anthropic holds line")
        assert app.side_shows("detail") and app.items.selected_id == item.id


async def test_the_timeline_follows_new_items(story):
    config, store = story
    app = make_app(story)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await opened(pilot)
        other = Store.open(config.database_path)  # another process, as a daemon would
        # a new event (a report of one already counted would join its development, not add one)
        fill(other, config, [("2026-02-25T17:00:00Z", 1, "AP", "Anthropic files lawsuit in federal court against the Pentagon")],
             first=100)
        other.close()
        app.watch_store()
        await settle(pilot)
        assert screen.days[2].count == 2 and len(listed(screen)) == 2


async def test_keys_are_listed_in_help_and_the_palette(story):
    app = make_app(story)
    async with app.run_test(size=(160, 48)) as pilot:
        commands = [c.title for c in app.get_system_commands(app.screen)]
        assert "Timeline (t)" in commands and "Outlets (O)" in commands
        assert "timeline:" in help_text().plain and "outlets:" in help_text().plain
        footer = {b.key for _, b, _, _ in app.screen.active_bindings.values() if b.show}
        assert "t" in footer  # O is in the help and the palette: the footer is full at 160 columns
        await pilot.pause()


# ------------------------------------------------------------------ the chart itself
def buckets(counts, marked=()):
    start = datetime(2026, 2, 1, tzinfo=timezone.utc)
    return [Bucket(start + timedelta(days=i), start + timedelta(days=i + 1), n, str(i + 1), "Feb",
                   (Deadline("x", start, "UTC"),) if i in marked else ()) for i, n in enumerate(counts)]


def test_chart_draws_bars_to_scale_with_marks_and_labels():
    bs = buckets([1, 0, 4], marked={1})
    at = layout(bs, 2, 0, 20)
    assert (at.gutter, at.column, at.first, at.visible) == (2, 6, 0, 3)
    lines = chart(bs, 2, at, 20, 6).plain.splitlines()
    assert lines == [
        "4             █████ ",
        "              █████ ",
        "0 ▆▆▆▆▆       █████ ",  # 1 of 4 in 3 rows: a quarter of 24 eighths
        "        ◆           ",
        "  1     2     3     ",
        "  Feb    ◆ deadline ",
    ]


def test_chart_keeps_the_selected_bar_in_view_and_its_label_shown():
    bs = buckets([1] * 60)
    at = layout(bs, 59, 0, 42)  # 40 cells for 60 days: 2 cells a bar, a window of 20
    assert (at.column, at.visible, at.first) == (2, 20, 40)
    assert layout(bs, 45, at.first, 42).first == 40  # moving inside the window does not scroll it
    assert layout(bs, 30, at.first, 42).first == 30
    labels = chart(bs, 45, layout(bs, 45, 40, 42), 42, 5).plain.splitlines()[-2]
    assert "46" in labels.split()  # the selected day's label wins over its neighbours'


def test_days_run_from_the_first_development_to_today_and_nearby_deadlines():
    counts = {"2026-02-20": 2, "2026-02-22": 1}
    far = Deadline("far", datetime(2026, 6, 1, tzinfo=timezone.utc), "UTC")
    near = Deadline("near", datetime(2026, 2, 28, 15, tzinfo=timezone.utc), "UTC")
    days = day_buckets(counts, [far, near], NOW)
    assert [b.start.date().day for b in days] == list(range(20, 29))
    assert [b.count for b in days][:3] == [2, 0, 1] and days[-1].marks == (near,)
    assert day_buckets({}, [], NOW)[0].today  # nothing yet: today alone


def test_hours_of_a_daylight_saving_day_follow_the_clock():
    # 8 March 2026 in New York: 02:00 does not exist; the bars still cover the local day exactly.
    hours = hour_buckets(date(2026, 3, 8), {"2026-03-08 03": 2}, [], NOW)
    assert hours[0].start == datetime(2026, 3, 8, 5, tzinfo=timezone.utc)
    assert hours[-1].end == datetime(2026, 3, 9, 4, tzinfo=timezone.utc)  # 23 hours later
    assert hours[2].start == hours[2].end and hours[3].count == 2
    assert all(a.end == b.start for a, b in zip(hours, hours[1:]))
    # 1 November: 01:00 comes twice; its bar holds both, as SQLite's 'localtime' grouping does.
    hours = hour_buckets(date(2026, 11, 1), {}, [], NOW)
    assert hours[1].end - hours[1].start == timedelta(hours=2)
    assert hours[-1].end - hours[0].start == timedelta(hours=25)


def test_timeline_snapshot(snap_compare, story):
    async def open_timeline(pilot):
        screen = await opened(pilot)
        table = screen.query_one(DataTable)
        await until(pilot, lambda: table.row_count == len(screen.rows) == 1 and table_drawn(table),
                    "the selected day's list, drawn with its columns sized")

    assert snap_compare(make_app(story), terminal_size=(100, 32), run_before=open_timeline)


async def test_reports_of_one_event_in_other_words_are_one_development_on_the_timeline(story):
    config, store = story
    # the DPA threat again, in other words and from other outlets: not copies, one event
    fill(store, config, [("2026-02-24T16:00:00Z", 1, "Politico", "Pentagon could use Defense Production Act on Anthropic"),
                         ("2026-02-24T17:00:00Z", 1, "Axios", "Defense Production Act threat hangs over Anthropic")],
         first=100)
    assert len({r[0] for r in store.execute("SELECT cluster FROM items WHERE on_story = 1 AND published LIKE "
                                            "'2026-02-24%'")}) == 4  # four copy groups that (UTC) day
    app = make_app(story)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await opened(pilot)
        assert [b.count for b in screen.days[:3]] == [1, 3, 1]
        await pilot.press("left")
        await settle(pilot)
        first = listed(screen)[0]  # first reported at 09:00 by Wire; its headline: its most typical report
        assert first[:2] == ["09:00", "5 · 5 outlets"] and "Defense Production Act" in first[3]
