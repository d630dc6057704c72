"""The database deleted or replaced under a running tracker: it notices, stops writing,
and says so in one line (the dashboard shows it and stops polling; the daemon logs it and
exits 1). It used to crash on a deleted file, leaving an empty one in its place, and to go
on writing through its -wal into a replacement, which then read as malformed."""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from pathlib import Path

import pytest

from tracker.config import load
from tracker.errors import StoreError
from tracker.feedgen import FeedItem, rss
from tracker.store import Store
from tracker.tui.app import build_app

from .conftest import write_config
from .test_daemon import start_daemon, titles, wait_for

ITEM = FeedItem("Hegseth gives Anthropic until Friday", link="http://news.test/1", guid="1")


def in_new_thread(fn, *args):
    """What a new worker thread does: its own connection to the database."""
    out: list = []

    def run():
        try:
            out.append(fn(*args))
        except Exception as e:
            out.append(e)
    t = threading.Thread(target=run)
    t.start()
    t.join()
    return out[0]


def a_database(path: Path, feed: str) -> None:
    store = Store.open(path)
    store.execute("INSERT INTO feeds (name, url) VALUES (?, 'http://other.test/')", (feed,))
    store.close()


def test_a_deleted_database_is_noticed_and_never_made_again_empty(tmp_path):
    db = tmp_path / "tracker.db"
    store = Store.open(db)
    store.set_setting("theme", "x")
    os.remove(db)  # the user deletes the database (its -wal and -shm stay)
    with pytest.raises(StoreError, match="was deleted"):
        store.set_setting("theme", "y")
    error = in_new_thread(store.setting, "theme")
    assert isinstance(error, StoreError) and "was deleted" in str(error)
    assert not db.exists()  # no empty database made in its place
    assert "was deleted while tracker had it open" in store.moved()
    store.close()
    assert not db.exists()
    again = Store.open(db)  # the next start makes a new database, which nothing of the old one spoils
    assert again.execute("PRAGMA integrity_check")[0][0] == "ok" and again.feeds() == []
    again.close()


def test_a_replaced_database_gets_none_of_our_writes(tmp_path):
    db, other = tmp_path / "tracker.db", tmp_path / "backup.db"
    store = Store.open(db)
    store.execute("INSERT INTO feeds (name, url) VALUES ('Ours', 'http://ours.test/')")
    a_database(other, "Theirs")
    os.replace(other, db)  # restored from a backup while tracker runs
    for write in (lambda: store.set_setting("theme", "y"), lambda: in_new_thread(store.set_setting, "theme", "z")):
        result = None
        try:
            result = write()
        except StoreError as e:
            result = e
        assert isinstance(result, StoreError) and "was replaced" in str(result)
    assert "was replaced by another file" in store.moved()
    store.close()
    with sqlite3.connect(db) as c:
        assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert [r[0] for r in c.execute("SELECT name FROM feeds")] == ["Theirs"]
        assert c.execute("SELECT COUNT(*) FROM settings WHERE key = 'theme'").fetchone()[0] == 0


@pytest.mark.slow
async def test_the_dashboard_says_the_database_was_deleted_and_stops_polling(tmp_path, server):
    server.set_feed("/wire.xml", rss([ITEM]))
    config = load(write_config(tmp_path, [("Wire", server.url("/wire.xml"))]))
    store = Store.open(config.database_path)
    store.sync_feeds(config.feeds)
    app = build_app(config, store)
    async with app.run_test(size=(120, 40)) as pilot:
        poller = await app.polling_ready()
        end = time.monotonic() + 20
        while not store.max_item_id() and time.monotonic() < end:  # the first poll stored its item
            await pilot.pause(0.05)
        assert store.max_item_id()
        os.remove(config.database_path)
        while app.lost is None and time.monotonic() < end:
            await pilot.pause(0.05)
        assert app.lost and "was deleted while tracker had it open" in app.lost
        assert app.status.text.startswith(str(config.database_path))  # told in the status line
        assert not poller.scheduler.running  # polling stopped
        await pilot.press("R")  # a poll asked for by hand: told, not a crash
        await pilot.press("j", "s")
        await pilot.pause(0.2)
        assert app.is_running
        assert not config.database_path.exists()
    assert app.return_code in (0, None)
    store.close()


@pytest.mark.slow
def test_the_daemon_exits_1_with_one_line_when_its_database_is_replaced(tmp_path, server):
    server.set_feed("/rss.xml", rss([ITEM]))
    config = write_config(tmp_path, [("Wire", server.url("/rss.xml"))])
    db = tmp_path / "data" / "tracker.db"
    proc = start_daemon(config)
    try:
        wait_for(lambda: titles(db), what="the first poll")
        other = tmp_path / "backup.db"
        a_database(other, "Theirs")
        os.replace(other, db)
        rc = proc.wait(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    out, err = proc.communicate()
    assert rc == 1
    assert b"was replaced by another file while tracker had it open" in err and b"Traceback" not in err
    log = (tmp_path / "data" / "tracker.log").read_text()
    assert "was replaced by another file" in log and "Traceback" not in log
    with sqlite3.connect(db) as c:
        assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert [r[0] for r in c.execute("SELECT name FROM feeds")] == ["Theirs"]
