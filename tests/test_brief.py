"""The briefing: what happened since the user last looked, on the dashboard's card and from
`tracker brief`; the last look moves only when a briefing was seen."""

from __future__ import annotations

import json
import time as wallclock
from datetime import datetime, timedelta, timezone

import pytest

from tracker import brief
from tracker.cli import main
from tracker.config import load
from tracker.match import Match
from tracker.model import Entry, FeedConfig
from tracker.store import Store
from tracker.tui import render
from tracker.tui.app import build_app

from .conftest import write_config
from .test_developments_store import DESIGNATION, TRUMP
from .test_tui import Clock, settle

T0 = datetime(2026, 3, 2, 14, 12, tzinfo=timezone.utc)  # Mon 2 Mar, 09:12 in New York
ON = Match(True, ("Anthropic", "Pentagon"))
MILESTONES = """
[[deadlines]]
label = "Pentagon ultimatum to Anthropic expires"
at = "2026-02-27T17:00:00"
timezone = "America/New_York"

[[deadlines]]
label = "Hearing on the injunction"
at = "2026-03-10T10:00:00"
timezone = "America/Los_Angeles"
"""
LAWSUIT = [("Anthropic sues Pentagon over supply-chain risk designation",
            "The lawsuit filed in San Francisco asks Judge Rita Lin for an injunction against the designation."),
           ("Anthropic files lawsuit against Pentagon designation in federal court",
            "Anthropic asks Judge Rita Lin for an injunction; the lawsuit calls the designation unlawful.")]

LAWSUIT_TITLES = [t for t, _ in LAWSUIT]


def entry(n, title, summary, at, outlet):
    return Entry(entry_id=f"e{n}", title=title, link=f"https://o{n}.test/a", published=at.strftime("%Y-%m-%dT%H:%M:%SZ"),
                 summary=summary, outlet=outlet)


class Story:
    """A story's database; reports arrive when the test says."""

    def __init__(self, tmp_path):
        self.config = load(write_config(tmp_path, [("Wire", "http://127.0.0.1:9/wire.xml")], extra=MILESTONES))
        self.store = Store.open(self.config.database_path)
        self.store.sync_feeds(self.config.feeds)
        self.feed = FeedConfig("Wire", "http://127.0.0.1:9/wire.xml", 600)
        self.n = 0

    def arrive(self, reports, at, outlets=None):
        ids = []
        for k, (title, summary) in enumerate(reports):
            self.n += 1
            outlet = (outlets or [f"Outlet {self.n}"] * len(reports))[k]
            ids += self.store.store_fetch(self.feed, [(entry(self.n, title, summary, at + timedelta(minutes=k), outlet), ON)],
                                          status=200, etag=None, last_modified=None,
                                          next_poll=at + timedelta(hours=1), now=at + timedelta(minutes=k)).new
        return ids


@pytest.fixture
def story(tmp_path, new_york):
    s = Story(tmp_path)
    yield s
    s.store.close()


def seen_monday(story):
    """The designation and two reports of Trump's order came before Monday 09:12, when the
    user looked; then the lawsuit (two outlets), and a third report of the designation, dated
    Monday morning but fetched after the look: new all the same (arrival counts)."""
    story.arrive(DESIGNATION[:2], T0 - timedelta(hours=5), ["Reuters", "AP"])
    story.arrive(TRUMP, T0 - timedelta(hours=3), ["Politico", "Axios"])
    brief.mark(story.store, story.config, brief.build(story.store, story.config, now=T0))
    story.arrive(LAWSUIT, T0 + timedelta(days=1), ["Bloomberg", "NYT"])
    story.arrive(DESIGNATION[2:], T0 - timedelta(hours=4), ["WSJ"])


def test_since_the_last_look_new_developments_and_those_with_new_reports(story):
    seen_monday(story)
    now = T0 + timedelta(days=2)
    b = brief.build(story.store, story.config, now=now)
    assert brief.summary_line(b) == ("Since you last looked (Mon 09:12, 2 days ago): "
                                     "1 new development, 1 with new reports")
    assert len(b.new) == 1 and b.new[0].headline in LAWSUIT_TITLES and b.new[0].outlets == 2
    wsj = story.store.execute("SELECT development FROM items WHERE outlet = 'WSJ'")[0][0]
    assert b.grown[0].id == wsj and b.grown[0].new_reports == 1  # the designation, first seen on Monday
    outlets = story.store.development_rows([wsj])[wsj].outlets
    # the deadline in its own zone, the next milestone in its own (Los Angeles)
    assert b.deadline == "passed 4 days ago: Pentagon ultimatum to Anthropic expires (Fri 27 Feb 2026 17:00 EST)"
    assert b.next_milestone.startswith("Hearing on the injunction: Tue 10 Mar 2026 10:00 PDT, in 6 days 2 hours")
    text = brief.lines(b)
    assert any("×2" in line and b.new[0].headline in line for line in text)
    assert any(f"×{outlets} (+1)" in line for line in text)


def test_building_a_briefing_moves_nothing_marking_it_does_and_never_back(story):
    seen_monday(story)
    now = T0 + timedelta(days=2)
    first = brief.build(story.store, story.config, now=now)
    assert brief.build(story.store, story.config, now=now) == first  # looking again: the same
    brief.mark(story.store, story.config, first)
    after = brief.build(story.store, story.config, now=now + timedelta(minutes=5))
    assert after.empty and brief.lines(after) == [
        "Since you last looked (Wed 09:12, 5 minutes ago): nothing new on the story.",
        "Deadline passed 4 days ago: Pentagon ultimatum to Anthropic expires (Fri 27 Feb 2026 17:00 EST)",
        "Next: Hearing on the injunction: Tue 10 Mar 2026 10:00 PDT, in 6 days 2 hours"]
    brief.mark(story.store, story.config, brief.build(story.store, story.config, now=T0))  # an old one: ignored
    assert brief.last_looked(story.store, story.config)[1] == first.through_item


def test_a_first_look_covers_the_last_24_hours_and_since_a_time_reads_publication(story):
    story.arrive(DESIGNATION[:1], T0 - timedelta(days=3), ["Reuters"])
    story.arrive(TRUMP[:1], T0 - timedelta(hours=2), ["AP"])
    b = brief.build(story.store, story.config, now=T0)
    assert brief.summary_line(b) == "In the last 24 hours: 1 new development"
    assert [d.headline for d in b.new] == [TRUMP[0][0]]
    week = brief.build(story.store, story.config, since="7d", now=T0)
    assert len(week.new) == 2 and brief.summary_line(week).startswith("Since Mon 23 Feb 09:12, 1 week ago")


def test_hostile_headlines_reach_neither_the_terminal_nor_json_with_escapes(story):
    story.arrive([("\x1b]52;c;AAAA\x07Anthropic \x1b[31mPentagon\u202e lawsuit", "Anthropic Pentagon")],
                 T0 - timedelta(hours=1), ["Evil"])
    b = brief.build(story.store, story.config, now=T0)
    # a title another program wrote straight into the database, past the store's cleaning
    b = brief.Brief(**{**b.__dict__, "new": (brief.BriefDevelopment(**{**b.new[0].__dict__,
                                                                         "headline": "\x1b[2J\u202eAnthropic x"}),)})
    out = ("\n".join(brief.lines(b)) + json.dumps(brief.to_data(b), ensure_ascii=False)
           + render.briefing(b, 80).plain)
    assert "\x1b" not in out and "\u202e" not in out and "\x07" not in out
    assert out.count("Anthropic x") == 3


def test_the_command_prints_the_briefing_json_too_and_marks_only_when_asked(story, capsys):
    seen_monday(story)
    args = ["--config", str(story.config.path), "brief"]
    assert main(args + ["--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["schema"] == 1 and data["since_last_look"] is True
    assert [d["headline"] in LAWSUIT_TITLES for d in data["new"]] == [True]
    assert data["grown"][0]["new_reports"] == 1
    assert main(args) == 0
    assert "1 new development, 1 with new reports" in capsys.readouterr().out
    assert main(args + ["--mark"]) == 0
    capsys.readouterr()
    assert main(args) == 0
    assert "nothing new on the story" in capsys.readouterr().out.splitlines()[0]


def test_a_bad_since_is_one_line_and_exit_2(story, capsys):
    with pytest.raises(SystemExit) as e:
        main(["--config", str(story.config.path), "brief", "--since", "yesterdayish"])
    assert e.value.code == 2
    assert "is not 'last', a duration" in capsys.readouterr().err


# ------------------------------------------------------------------ the card
def card(app) -> list[str]:
    return app.briefing.render().plain.split("\n") if app.briefing.shown else []


async def wait_for(pilot, condition, timeout=10.0):
    end = wallclock.monotonic() + timeout
    while not condition():
        assert wallclock.monotonic() < end, "timed out"
        await pilot.pause(0.05)


async def test_the_card_shows_on_opening_esc_puts_it_away_and_moves_the_last_look(story):
    seen_monday(story)
    clock = Clock(T0 + timedelta(days=2))
    app = build_app(story.config, story.store, clock=clock, start_polling=False)
    app.brief_seen_after = 3600  # only Esc counts here
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        lines = card(app)
        assert lines[0] == "Since you last looked (Mon 09:12, 2 days ago): 1 new development, 1 with new reports"
        assert any(t in lines[1] for t in LAWSUIT_TITLES) and "×2" in lines[1]
        assert lines[-1].startswith("Next: Hearing on the injunction")
        assert brief.last_looked(story.store, story.config)[0] == T0  # opening the app moved nothing
        await pilot.press("escape")
        await settle(pilot)
        assert not app.briefing.shown
        assert brief.last_looked(story.store, story.config)[0] == clock.now
        await pilot.press("b")  # back, now with nothing new: one line and the deadlines
        await settle(pilot)
        assert card(app)[0] == "Since you last looked (Wed 09:12, just now): nothing new on the story."


async def test_the_card_counts_as_seen_after_a_few_seconds_on_screen(story):
    seen_monday(story)
    clock = Clock(T0 + timedelta(days=2))
    app = build_app(story.config, story.store, clock=clock, start_polling=False)
    app.brief_seen_after = 0.2
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert app.briefing.shown
        await wait_for(pilot, lambda: brief.last_looked(story.store, story.config)[0] == clock.now)
        assert app.briefing.shown  # seen, and still there until Esc


async def test_with_nothing_new_the_card_stays_away_on_opening(story):
    seen_monday(story)
    brief.mark(story.store, story.config, brief.build(story.store, story.config, now=T0 + timedelta(days=2)))
    app = build_app(story.config, story.store, clock=Clock(T0 + timedelta(days=2, hours=1)), start_polling=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert not app.briefing.shown


def test_the_card_keeps_to_its_height_and_counts_what_does_not_fit(story):
    seen_monday(story)
    b = brief.build(story.store, story.config, now=T0 + timedelta(days=2))
    full = render.briefing(b, 80, height=12).plain.split("\n")
    assert len(full) == 5 and full[1].startswith(" + ") and full[2].startswith(" ↑ ")
    short = render.briefing(b, 40, height=4).plain.split("\n")
    assert len(short) == 4 and short[1].startswith("… and 1 new, 1 with new reports")
    assert short[2].startswith("Deadline passed") and all(len(line) <= 40 for line in short)


async def test_on_a_first_run_the_card_stays_away_and_the_panel_seen_a_while_is_the_first_look(story):
    story.arrive(TRUMP[:1], T0 - timedelta(hours=2), ["AP"])
    app = build_app(story.config, story.store, clock=Clock(T0), start_polling=False)
    app.brief_seen_after = 0.2
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert not app.briefing.shown
        await wait_for(pilot, lambda: brief.last_looked(story.store, story.config) is not None)
        assert brief.last_looked(story.store, story.config) == (T0, story.store.max_item_id())
        await pilot.press("b")
        await settle(pilot)
        assert card(app)[0] == "Since you last looked (Mon 09:12, just now): nothing new on the story."
