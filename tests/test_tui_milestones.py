"""Milestones on the `d` screen: added, edited and removed in the dashboard, validated inline,
stored in the database so they survive a restart, and counted down to at once (frozen clock)."""

from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest
from textual.widgets import DataTable, Input

from tracker.config import load
from tracker.model import Deadline
from tracker.store import Store
from tracker.tui.app import build_app
from tracker.tui.screens.confirm import ConfirmScreen
from tracker.tui.screens.deadlines import DeadlinesScreen, MilestoneForm, default_zone

from .conftest import write_config
from .test_tui import DEADLINE, new_york, settle, toasts, until  # noqa: F401 - the autouse fixture pins the time zone

AFTER = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)  # the feeds.toml deadline (27 Feb) has passed


class Env:
    def __init__(self, tmp_path, extra: str = DEADLINE):
        self.config = load(write_config(tmp_path, extra=extra))
        self.store = Store.open(self.config.database_path)
        self.store.set_setting("view", "reports")  # the reports' list; developments: test_tui_developments.py

    def app(self):
        return build_app(self.config, self.store, clock=lambda: AFTER, start_polling=False)

    def restart(self):
        self.store.close()
        self.store = Store.open(self.config.database_path)
        self.store.set_setting("view", "reports")  # the reports' list; developments: test_tui_developments.py
        return self.app()


@pytest.fixture
def env(tmp_path):
    e = Env(tmp_path)
    yield e
    e.store.close()


def rows(app) -> list[list[str]]:
    table = app.screen.query_one(DataTable)
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


def form_error(app) -> str:
    return str(app.screen.query_one("#milestone-error").render())


async def type_into(pilot, field: str, text: str) -> None:
    """Fill a field (typing every key costs ~80 ms under Pilot: the label is typed for real)."""
    pilot.app.screen.query_one(f"#milestone-{field}", Input).value = text


async def add(pilot, label: str, when: str, zone: str | None = None, note: str = "") -> None:
    await pilot.press("a")
    await settle(pilot)
    assert isinstance(pilot.app.screen, MilestoneForm)
    await pilot.press(*label)  # the label field has focus
    await type_into(pilot, "time", when)
    if zone is not None:
        await type_into(pilot, "zone", zone)
    if note:
        await type_into(pilot, "note", note)
    await pilot.press("enter")
    await settle(pilot)


async def test_a_milestone_added_in_the_dashboard_drives_the_countdown_and_survives_a_restart(env):
    app = env.app()
    async with app.run_test(size=(120, 40)) as pilot:
        assert app.header.countdown.text.startswith("passed 1 day ago")
        await pilot.press("d")
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        # The zone offered is the story's (its first deadline's).
        assert app.screen.query_one("#milestone-zone", Input).value == "America/New_York"
        await pilot.press("escape")
        await add(pilot, "Court hearing", "2026-03-10 10:00", note="TRO hearing")
        assert isinstance(app.screen, DeadlinesScreen)
        # 10:00 in New York on 10 March is daylight time: 14:00 UTC.
        assert app.header.countdown.text.startswith(
            "9d 02h 00m 00s to Tue 10 Mar 2026 10:00 EDT · Court hearing")
        assert app.header.countdown.has_class("-calm")
        assert [r[3] for r in rows(app)] == ["Pentagon ultimatum to Anthropic expires",
                                             "Court hearing"]
        assert rows(app)[1][2] == "in 9d 02h 00m 00s" and rows(app)[1][4] == "added"
        assert str(app.screen.query_one("#deadline-note").render()) == "TRO hearing"  # the new row is selected

    app = env.restart()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.header.countdown.text.startswith("9d 02h 00m 00s to Tue 10 Mar 2026 10:00 EDT")
    [stored] = env.store.deadlines()
    assert (stored.label, stored.at, stored.timezone, stored.note) == (
        "Court hearing", datetime(2026, 3, 10, 14, 0, tzinfo=timezone.utc),
        "America/New_York", "TRO hearing")


async def test_a_bad_time_zone_or_label_is_explained_in_the_form_and_nothing_is_saved(env):
    app = env.app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("d")
        await settle(pilot)
        await add(pilot, "Hearing", "friday at five")
        assert isinstance(app.screen, MilestoneForm)
        assert "'friday at five' is not a time like 2026-03-01 17:00" in form_error(app)
        assert app.screen.query_one("#milestone-time", Input).has_focus

        await type_into(pilot, "time", "2026-03-10 10:00")
        await type_into(pilot, "zone", "Mars/Olympus")
        await pilot.press("enter")
        await settle(pilot)
        assert "unknown time zone 'Mars/Olympus'" in form_error(app)
        assert app.screen.query_one("#milestone-zone", Input).has_focus

        app.screen.query_one("#milestone-label", Input).value = "  "
        await type_into(pilot, "zone", "Europe/Paris")
        await pilot.press("enter")
        await settle(pilot)
        assert "a label is needed" in form_error(app)

        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DeadlinesScreen)
    assert env.store.deadlines() == []


async def test_e_edits_and_x_removes_only_the_users_own_milestones(env):
    hearing = env.store.add_deadline("Hearing", datetime(2026, 3, 10, 14, 0, tzinfo=timezone.utc),
                                     "America/New_York", "first date")
    app = env.app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("d")
        await settle(pilot)
        # feeds.toml's deadline (the first row) is read-only.
        for key in ("e", "x"):
            await pilot.press(key)
            await settle(pilot)
            assert isinstance(app.screen, DeadlinesScreen)
            assert "this deadline is in feeds.toml: change it there" in toasts(app)[-1]

        await pilot.press("down", "e")
        await settle(pilot)
        assert [app.screen.query_one(f"#milestone-{f}", Input).value for f in ("label", "time", "zone", "note")] == [
            "Hearing", "2026-03-10 10:00", "America/New_York", "first date"]
        await type_into(pilot, "time", "2026-03-03 09:30")
        await pilot.press("enter")
        await settle(pilot)
        assert app.header.countdown.text.startswith("2d 02h 30m 00s to Tue 03 Mar 2026 09:30 EST · Hearing")
        assert env.store.deadlines()[0].at == datetime(2026, 3, 3, 14, 30, tzinfo=timezone.utc)

        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await settle(pilot)
        assert [d.id for d in env.store.deadlines()] == [hearing]
        await pilot.press("x", "y")
        await settle(pilot)
        assert env.store.deadlines() == []
        assert [r[3] for r in rows(app)] == ["Pentagon ultimatum to Anthropic expires"]
        assert app.header.countdown.text.startswith("passed 1 day ago")


def test_the_default_zone_is_the_storys_else_the_systems(monkeypatch):
    paris = Deadline("x", AFTER, "Europe/Paris")
    assert default_zone((paris,)) == "Europe/Paris"
    assert default_zone(()) == "America/New_York"  # TZ, pinned by the fixture
    monkeypatch.setenv("TZ", ":Asia/Tokyo")
    assert default_zone(()) == "Asia/Tokyo"


@pytest.mark.slow  # ~4 s: three screens and the form
async def test_a_milestone_at_the_end_of_time_never_overflows_a_screen(env):
    """One stored at 9999-12-31 23:00 UTC (before times were checked): shown in Tokyo it is in
    the year 10000, which datetime cannot hold. Every screen shows it, clamped; one typed in
    the form west of UTC is refused with one line."""
    from tracker.tui.screens.timeline import TimelineScreen

    with env.store.write() as c:
        c.execute("INSERT INTO deadlines (label, at, timezone, note, created) VALUES (?, ?, ?, ?, ?)",
                  ("End of time", "9999-12-31T23:00:00Z", "Asia/Tokyo", "", "2026-02-26T00:00:00Z"))
    app = env.app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert "9989 09:00 JST · End of time" in app.header.countdown.text  # the next one, clamped
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, DeadlinesScreen)
        assert any("End of time" in cell for row in rows(app) for cell in row)
        await add(pilot, "Later still", "9999-12-31 23:00", "America/Los_Angeles")
        assert isinstance(app.screen, MilestoneForm)
        assert "out of range" in form_error(app) and len(form_error(app).splitlines()) == 1
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, TimelineScreen)
        await pilot.press("escape")
        await settle(pilot)
    assert app.return_code in (None, 0)


@pytest.mark.slow  # ~4 s: dateparser's import and two screens under Pilot
async def test_dates_in_the_coverage_are_suggested_and_added_or_dismissed_only_by_the_user(tmp_path):
    """A report naming 'a hearing on March 10 at 2 pm' is read in the story's zone; the
    deadlines screen lists it under "suggested from coverage" with its sentence and report;
    m opens the milestone form filled from it (Enter adds it), n dismisses another."""
    from tracker.datephrases import read_reports
    from tracker.model import Entry
    from tracker.match import Match
    from tracker.milestones import default_zone

    env = Env.__new__(Env)
    env.config = load(write_config(tmp_path, [("wire", "http://127.0.0.1:9/feed.xml")], extra=DEADLINE))
    env.store = Store.open(env.config.database_path)
    feed = env.config.feeds[0]
    published = "2026-03-01T15:00:00Z"
    entries = [(Entry(entry_id=f"e{n}", title=title, link=f"https://example.com/{n}", summary=summary,
                      published=published), Match(True, ("x",)))
               for n, (title, summary) in enumerate([
                   ("Judge sets hearing", "A hearing is set for March 10 at 2 pm. Lawyers welcomed it."),
                   ("Hearing date set", "The court will meet on March 10 at 2:30 pm, a clerk said."),
                   ("Vote expected", "Senators vote on March 20.")])]
    env.store.sync_feeds(env.config.feeds)
    env.store.store_fetch(feed, entries, status=200, etag=None, last_modified=None, next_poll=AFTER)
    zone = default_zone(env.config.deadlines)
    assert read_reports(env.store, zone) == 2  # 14:00 and 14:30 are one moment, named by two reports
    assert read_reports(env.store, zone) == 0  # each report is read once
    app = env.app()
    async with app.run_test(size=(140, 44)) as pilot:
        await pilot.press("d")
        await settle(pilot)
        table = app.screen.query_one("#suggested-table", DataTable)
        shown = [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]
        assert len(shown) == 2
        # the newest report is read first; the other, half an hour off, joins its suggestion
        assert shown[0][0] == "Tue 10 Mar 2026 14:30 EDT" and "+1 more" in shown[0][3]
        assert shown[0][2].startswith("The court will meet on March 10 at 2:30 pm")
        assert shown[1][0] == "Fri 20 Mar 2026" and shown[1][3] == "Vote expected (wire)"
        assert env.store.deadlines() == []  # nothing is added by itself
        await pilot.press("m")
        await settle(pilot)
        assert isinstance(app.screen, MilestoneForm)
        assert app.screen.query_one("#milestone-time", Input).value == "2026-03-10 14:30"
        await pilot.press("enter")
        await until(pilot, env.store.deadlines, "the milestone is saved")
        [added] = env.store.deadlines()
        assert added.at == datetime(2026, 3, 10, 14, 30, tzinfo=ZoneInfo(zone)).astimezone(timezone.utc)
        assert added.label.startswith("The court will meet on March 10")
        suggested = lambda: app.screen.query_one("#suggested-table", DataTable).row_count  # noqa: E731
        await until(pilot, lambda: suggested() == 1, "the one added leaves the suggestions")
        await pilot.press("n")
        await until(pilot, lambda: suggested() == 0, "the dismissed one leaves the suggestions")
    assert env.store.suggestions() == [] and len(env.store.suggestions(state="dismissed")) == 1
    env.store.close()
