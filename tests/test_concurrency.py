"""Several processes on one database for a sustained run, with feeds changing all the while:

- a poller: `tracker poll` run again and again, each a new process;
- the dashboard (tracker.tui.app.build_app, driven by Pilot in its own process), starring
  items as a user would and watching for the poller's items;
- a second writer marking items read through the Store API.

Afterwards: no "database is locked" (nor any error) reached anyone, no write was lost, and the
dashboard's list holds the items the other process stored.
"""

from __future__ import annotations

import json
import random
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from datetime import datetime, timedelta, timezone

import pytest

from tracker.feedgen import FeedItem, rss

from .conftest import write_config

pytestmark = pytest.mark.slow

T0 = datetime(2026, 2, 25, 9, 0, tzinfo=timezone.utc)
FEEDS = 6
RUN_SECONDS = 20.0

DASHBOARD = textwrap.dedent("""
    import asyncio, json, random, sys, time
    from tracker.config import load
    from tracker.store import Store
    from tracker.tui.app import build_app

    config_path, seconds = sys.argv[1], float(sys.argv[2])
    config = load(config_path)
    store = Store.open(config.database_path)
    store.sync_feeds(config.feeds)
    app = build_app(config, store, start_polling=False, browser=lambda url: None)
    messages = []
    notify = app.notify
    def record(message, *args, **kwargs):
        messages.append(str(message))
        return notify(message, *args, **kwargs)
    app.notify = record

    async def main():
        rnd = random.Random(3)
        intended = {}  # item id -> starred, as the user left it
        first_ids = None
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause(0.5)
            if app.by_development:  # the panel opens on developments: v shows every report
                await pilot.press("v")
            while not app.items.ids:  # read in a worker
                await pilot.pause(0.05)
            first_ids = set(app.items.ids)
            end = time.monotonic() + seconds
            while time.monotonic() < end:
                for _ in range(rnd.randint(0, 4)):
                    await pilot.press(rnd.choice(["j", "j", "k", "G", "g"]))
                item = app.current_id()
                row = app.items.row(item) if item is not None else None
                if row is not None:
                    intended[item] = not row.starred
                    await pilot.press("s")
                await pilot.pause(rnd.uniform(0.02, 0.2))
            while app._pending_writes:
                await pilot.pause(0.1)
            await pilot.pause(2.5)  # the once-a-second watch notices the last commits
            shown = set(app.items.ids)
        print(json.dumps({"first": sorted(first_ids), "shown": sorted(shown),
                          "stars": {str(k): v for k, v in intended.items()}, "messages": messages}))

    asyncio.run(main())
""")

WRITER = textwrap.dedent("""
    import json, random, sys, time
    from tracker.store import Filter, Store

    db, seconds = sys.argv[1], float(sys.argv[2])
    store = Store.open(db)
    rnd = random.Random(5)
    intended = {}
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        ids = store.item_ids(Filter(story=None))
        if ids:
            chosen = rnd.sample(ids, min(len(ids), rnd.randint(1, 20)))
            read = rnd.random() < 0.7
            store.set_read(chosen, read)
            intended.update({i: read for i in chosen})
            rows = store.rows(chosen)  # and a reader's view of the same rows
            assert all(rows[i].read == int(read) for i in chosen)
        time.sleep(rnd.uniform(0.0, 0.05))
    print(json.dumps({str(k): v for k, v in intended.items()}))
""")


class ChangingFeeds(threading.Thread):
    """Adds a few items to a random feed every few hundred milliseconds."""

    def __init__(self, server):
        super().__init__(daemon=True)
        self.server = server
        self.stop = threading.Event()
        self.items = {f: [] for f in range(FEEDS)}
        self.n = 0
        self.rnd = random.Random(9)
        for f in range(FEEDS):
            self.add(f, 30)

    def add(self, f: int, count: int) -> None:
        for _ in range(count):
            self.items[f].append(FeedItem(f"Anthropic Pentagon development {self.n}", link=f"http://news.test/{self.n}",
                                          guid=f"c{self.n}", published=T0 + timedelta(minutes=self.n)))
            self.n += 1
        self.server.set_feed(f"/f{f}.xml", rss(list(reversed(self.items[f]))))

    def run(self) -> None:
        while not self.stop.wait(self.rnd.uniform(0.1, 0.5)):
            self.add(self.rnd.randrange(FEEDS), self.rnd.randint(1, 5))


def test_poller_dashboard_and_writer_share_one_database(tmp_path, server):
    feeds = ChangingFeeds(server)
    config = write_config(tmp_path, [(f"Feed {f}", server.url(f"/f{f}.xml")) for f in range(FEEDS)])
    db = tmp_path / "data" / "tracker.db"
    tracker = [sys.executable, "-m", "tracker", "--config", str(config)]
    first = subprocess.run(tracker + ["poll", "-q"], capture_output=True, text=True, timeout=120)
    assert first.returncode == 0, first.stderr

    feeds.start()
    dashboard = subprocess.Popen([sys.executable, "-c", DASHBOARD, str(config), str(RUN_SECONDS)],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(db), str(RUN_SECONDS)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    polls = []
    end = time.monotonic() + RUN_SECONDS
    while time.monotonic() < end:
        polls.append(subprocess.run(tracker + ["poll", "-q"], capture_output=True, text=True, timeout=120))
    feeds.stop.set()
    feeds.join()
    dash_out, dash_err = dashboard.communicate(timeout=120)
    writer_out, writer_err = writer.communicate(timeout=120)
    final = subprocess.run(tracker + ["poll", "-q"], capture_output=True, text=True, timeout=120)

    everything = "".join(p.stdout + p.stderr for p in polls + [final]) + dash_err + writer_err
    assert "locked" not in everything.lower()
    assert "Traceback" not in everything and "internal error" not in everything
    assert all(p.returncode == 0 for p in polls + [final])
    assert dashboard.returncode == 0, dash_err[-3000:]
    assert writer.returncode == 0, writer_err[-3000:]
    assert len(polls) >= 5

    dash = json.loads(dash_out.strip().splitlines()[-1])
    writes = json.loads(writer_out.strip().splitlines()[-1])
    assert not [m for m in dash["messages"] if "locked" in m.lower() or "error" in m.lower()], dash["messages"]

    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        starred = dict(conn.execute("SELECT id, starred FROM items"))
        read = dict(conn.execute("SELECT id, read FROM items"))
        links = {r[0] for r in conn.execute("SELECT link FROM items")}
        on_story_then = {r[0] for r in conn.execute("SELECT id FROM items WHERE on_story = 1")}
    finally:
        conn.close()
    # no write lost: every star the user left, every read mark the other writer made
    assert dash["stars"] and writes
    assert {int(k): int(v) for k, v in dash["stars"].items()} == {int(k): starred[int(k)] for k in dash["stars"]}
    assert {int(k): int(v) for k, v in writes.items()} == {int(k): read[int(k)] for k in writes}
    # every item ever served is stored once the last poll is done
    assert links == {i.link for items in feeds.items.values() for i in items}
    # the dashboard saw the poller's items: many arrived while it ran, and it shows them all
    shown, first_shown = set(dash["shown"]), set(dash["first"])
    print(f"{len(polls)} polls, {len(dash['stars'])} items starred in the dashboard, {len(writes)} marked by "
          f"the writer; the dashboard opened with {len(first_shown)} items and ended with {len(shown)}")
    assert len(shown - first_shown) > 20, "the dashboard never picked up the other process's items"
    stored_by_dash_end = {i for i in on_story_then if i <= max(shown)}
    assert stored_by_dash_end <= shown


def test_many_processes_opening_a_new_database_at_once(tmp_path, server):
    """The first run races: schema creation and the switch to WAL happen in whichever poll
    wins; the others wait and find it done. Then readers and pollers at once on it."""
    server.set_feed("/f.xml", rss([FeedItem("Anthropic Pentagon", link="http://news.test/1", guid="1")]))
    config = write_config(tmp_path, [("F", server.url("/f.xml"))])

    def together(commands):
        procs = [subprocess.Popen([sys.executable, "-m", "tracker", "--config", str(config), *c],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for c in commands]
        results = [(p.wait(timeout=120), p.stdout.read(), p.stderr.read()) for p in procs]
        for p in procs:
            p.stdout.close(), p.stderr.close()
        assert all(code == 0 for code, _, _ in results), [err for _, _, err in results if err][:2]
        assert not any("locked" in out + err for _, out, err in results)

    together([["poll", "-q"]] * 8)  # only polls may create the database
    together([["poll", "-q"], ["feeds"], ["items", "--json"], ["feeds", "--json"]] * 3)
    conn = sqlite3.connect(tmp_path / "data" / "tracker.db")
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("SELECT COUNT(*) FROM items").fetchone()[0] == 1
    conn.close()
