"""SVG snapshots of the main screen at 80x24 and 160x48, with a fixed clock and fixed data.

Regenerate after an intended change with
`pytest tests/test_tui_snapshots.py --snapshot-update`, and look at the SVGs in
tests/__snapshots__/ before committing them.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from tracker.config import load
from tracker.match import Matcher
from tracker.model import Entry
from tracker.store import Store
from tracker.timeutil import to_iso
from tracker.tui.app import build_app

from .conftest import write_config
from .test_tui import DEADLINE, new_york  # noqa: F401 - the autouse fixture pins the time zone

NOW = datetime(2026, 2, 25, 18, 0, tzinfo=timezone.utc)
ARTICLE = Path(__file__).resolve().parents[1] / "data" / "article.txt"

STORY = f"""
[story]
title = "Pentagon vs Anthropic: the fight over AI safeguards"
article = "{ARTICLE}"
headline = "Anthropic stands firm on military use restrictions as talks with Pentagon continue"
outlet = "Reuters (via Firstpost)"
published = "2026-02-24T19:00:00-05:00"

[story.match]
require = [["Anthropic", "Claude", "Amodei"], ["Pentagon", "Hegseth", "Department of War", "Defense Production Act"]]
"""

# (minutes before NOW, outlet, title, summary)
ITEMS = [
    (2900, "Wire", "Hegseth summons Anthropic's Amodei to the Pentagon over AI limits",
     "The meeting is set for Tuesday, officials said."),
    (1500, "Defense desk", "Pentagon weighs Defense Production Act to compel Anthropic",
     "Officials discussed invoking the law if talks fail."),
    (1380, "Wire", "Anthropic holds line on autonomous weapons limits as Pentagon talks continue",
     "Amodei said the safeguards would not obstruct current Defense Department work."),
    (1200, "Tech desk", "Hegseth gives Anthropic until Friday 5 pm to accept Pentagon terms",
     "The Defense Secretary issued an ultimatum at the meeting."),
    (600, "Defense desk", "Pentagon floats supply-chain risk label for Anthropic",
     "A designation usually reserved for firms from foreign adversaries."),
    (300, "Tech desk", "What a supply-chain risk designation would mean for Claude users at the Pentagon",
     "Contractors would have to stop using Claude on Pentagon work."),
    (95, "Wire", "Lawyers say Defense Production Act move against Anthropic would face court test",
     "A government contracts lawyer predicted a raft of litigation."),
    (40, "Tech desk", "Array[0] of rivals court Pentagon as [bold]Anthropic[/] dispute drags on",
     "Rival labs signalled they would accept the Pentagon's terms."),
    (12, "Wire", "Anthropic says it will not accommodate Pentagon demands on Claude",
     "The company said it could not in good conscience agree."),
    (3, "Defense desk", "Amodei and Hegseth to meet again before Friday deadline, Pentagon official says",
     "Both sides said talks were continuing."),
]


def entries(config, items):
    matcher = Matcher(config.story.rules)
    out = []
    for minutes, outlet, title, summary in items:
        e = Entry(entry_id=f"snap-{minutes}", title=title, link=f"https://news.test/{minutes}",
                  published=to_iso(NOW - timedelta(minutes=minutes)), summary=summary, outlet=outlet)
        out.append((e, matcher.match(e.title, e.summary)))
    return out


@pytest.fixture
def snapshot_app(tmp_path):
    config = load(write_config(tmp_path, [("Wire", "http://127.0.0.1:9/wire.xml"),
                                          ("Defense desk", "http://127.0.0.1:9/defense.xml")],
                               story=STORY, extra=DEADLINE))
    store = Store.open(config.database_path)
    store.set_setting("view", "reports")  # the reports' list; developments: test_tui_developments.py
    store.sync_feeds(config.feeds)
    feed = config.feeds[0]
    store.store_fetch(feed, entries(config, ITEMS[:-2]), status=200, etag=None, last_modified=None,
                      next_poll=NOW + timedelta(minutes=10), now=NOW - timedelta(minutes=5))
    ids = store.item_ids()
    store.set_read(ids[3:6])
    store.set_starred(ids[4], True)
    # One report carried by a second outlet (one row, "×2"), and one its feed has changed since
    # (marked, and unread again).
    copy = (580, "Tech desk", ITEMS[4][2], ITEMS[4][3])
    changed = (1380, "Wire", ITEMS[2][2].replace("holds line", "holds firm"), ITEMS[2][3])
    store.store_fetch(feed, entries(config, [copy, changed]), status=200, etag=None, last_modified=None,
                      next_poll=NOW + timedelta(minutes=10), now=NOW - timedelta(minutes=4))
    app = build_app(config, store, clock=lambda: NOW, start_polling=False)
    # Stored after the app was made: these two carry the "new since the app opened" marker.
    store.store_fetch(feed, entries(config, ITEMS[-2:]), status=200, etag=None, last_modified=None,
                      next_poll=NOW + timedelta(minutes=10), now=NOW - timedelta(minutes=2))
    yield app
    store.close()


def test_main_screen_80x24(snap_compare, snapshot_app):
    assert snap_compare(snapshot_app, terminal_size=(80, 24))


def test_main_screen_160x48(snap_compare, snapshot_app):
    assert snap_compare(snapshot_app, terminal_size=(160, 48), press=["j", "j"])
