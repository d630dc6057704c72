"""tracker daemon as a user runs it: a subprocess polling loopback feeds into SQLite, read by
another process meanwhile, notifying through a hook, and stopping cleanly on SIGTERM."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from tracker.cli import main
from tracker.feedgen import FeedItem, rss

from .conftest import write_config

T0 = datetime(2026, 2, 25, 9, 0, tzinfo=timezone.utc)
FIRST = FeedItem("Hegseth gives Anthropic until Friday", link="http://news.test/1", guid="1", published=T0)
LATER = FeedItem("Amodei answers the Pentagon", link="http://news.test/2", guid="2",
                 published=T0 + timedelta(hours=1))
OFF = FeedItem("Pentagon budget request", link="http://news.test/3", guid="3", published=T0)


def wait_for(check, timeout=15.0, what="the daemon"):
    """Poll for a subprocess's effect: returns as soon as check() is truthy."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = check()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def titles(db: Path) -> list[str]:
    if not db.exists():
        return []
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as c:
            return [r[0] for r in c.execute("SELECT title FROM items ORDER BY id")]
    except sqlite3.OperationalError:  # the schema is not there yet
        return []


def start_daemon(config: Path, *extra: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen([sys.executable, "-m", "tracker", "--config", str(config), "daemon", *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=config.parent)


def stop(proc: subprocess.Popen, sig=signal.SIGTERM) -> tuple[int, float]:
    started = time.monotonic()
    proc.send_signal(sig)
    try:
        rc = proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        raise
    return rc, time.monotonic() - started


@pytest.mark.slow  # seconds of real time: run by .ci/run, not by default
def test_daemon_polls_notifies_and_stops_on_sigterm(tmp_path, server, capsys):
    server.set_feed("/rss.xml", rss([FIRST, OFF]))
    hook_out = tmp_path / "hook.jsonl"
    # The hook is a real program run without a shell; it gets each new item's title and link.
    hook = [sys.executable, "-c",
            "import json, sys; open(sys.argv[1], 'a').write(json.dumps(sys.argv[2:]) + '\\n')",
            str(hook_out), "{title}", "{link}"]
    config = write_config(tmp_path, extra=f"[notify]\non_new = {json.dumps(hook)}\n")
    config.write_text(config.read_text() + f'[[feeds]]\nname = "Wire"\nurl = "{server.url("/rss.xml")}"\n'
                      'interval = "5s"\n')
    db = tmp_path / "data" / "tracker.db"
    proc = start_daemon(config)
    try:
        wait_for(lambda: titles(db), what="the first poll")
        assert set(titles(db)) == {FIRST.title, OFF.title}

        # Another process reads the same database while the daemon runs (as the dashboard does).
        capsys.readouterr()
        assert main(["--config", str(config), "items", "--json"]) == 0
        assert [i["title"] for i in json.loads(capsys.readouterr().out)] == [FIRST.title]

        # The next scheduled poll brings a new item: stored, and the hook runs for it (the
        # first poll's backlog, and off-story items, notify nobody).
        server.set_feed("/rss.xml", rss([FIRST, LATER, OFF]))
        wait_for(lambda: LATER.title in titles(db), what="the second poll")
        wait_for(hook_out.exists, what="the hook")
        assert [json.loads(line) for line in hook_out.read_text().splitlines()] == [[LATER.title, LATER.link]]
    finally:
        rc, took = stop(proc)
    out, err = proc.communicate()
    assert rc == 0, err.decode()
    # "promptly": well under systemd's 90 s stop timeout, with room for a loaded CI machine
    assert took < 20, f"took {took:.1f}s to stop"
    assert b"Traceback" not in err
    log = (tmp_path / "data" / "tracker.log").read_text()
    assert "daemon started: 1 feeds" in log
    assert "Wire: HTTP 200" in log
    assert "stopping (SIGTERM)" in log and log.rstrip().endswith("stopped")
    # the database was closed cleanly: nothing left to recover
    with sqlite3.connect(db) as c:
        assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_daemon_cancels_a_hanging_poll_and_exits_0_on_sigint(tmp_path, server):
    # A server that never answers: the poll is still in flight when the signal comes.
    server.set_handler("/hang.xml", lambda handler, stopped: stopped.wait(30))
    config = write_config(tmp_path, [("Hang", server.url("/hang.xml"))])
    log_path = tmp_path / "custom.log"
    proc = start_daemon(config, "--grace", "0.5s", "--log", str(log_path))
    try:
        wait_for(lambda: server.hits("/hang.xml"), what="the hanging request")
    finally:
        rc, took = stop(proc, signal.SIGINT)
    _, err = proc.communicate()
    assert rc == 0, err.decode()
    assert took < 20  # grace 0.5 s: without the cancel it would wait for the 30 s hang
    log = log_path.read_text()
    assert "cancelled 1 polls still running" in log
    assert b"Traceback" not in err


def test_daemon_with_a_broken_config_exits_2_without_traceback(tmp_path):
    config = tmp_path / "feeds.toml"
    config.write_text("[story]\ntitle = 'x'\n")  # no [story.match]
    proc = subprocess.run([sys.executable, "-m", "tracker", "--config", str(config), "daemon"],
                          capture_output=True, timeout=30)
    assert proc.returncode == 2
    assert b"story.match" in proc.stderr and b"Traceback" not in proc.stderr


def test_the_example_systemd_unit_runs_the_daemon():
    unit = (Path(__file__).parent.parent / "docs" / "tracker.service").read_text()
    assert "ExecStart=" in unit and " daemon" in unit
    assert "WantedBy=default.target" in unit


async def test_a_dashboard_on_the_same_database_shows_the_daemons_items(tmp_path, server):
    from tracker.config import load
    from tracker.store import Store
    from tracker.tui.app import build_app

    server.set_feed("/rss.xml", rss([FIRST, OFF]))
    config = write_config(tmp_path, [("Wire", server.url("/rss.xml"))])
    store = Store.open(tmp_path / "data" / "tracker.db")
    app = build_app(load(config), store, start_polling=False)  # only the daemon polls
    async with app.run_test(size=(120, 40)) as pilot:
        proc = start_daemon(config)
        try:
            end = time.monotonic() + 15
            while not app.items.ids and time.monotonic() < end:
                await pilot.pause(0.05)  # the dashboard looks at the database once a second
            assert len(app.items.ids) == 1  # FIRST; OFF is off the story
        finally:
            rc, _ = stop(proc)
    store.close()
    assert rc == 0
