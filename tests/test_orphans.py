"""Worker processes end with their parent, whatever kills it: a `tracker poll` killed with
SIGKILL must not leave its writer process asleep for ever, holding the database open."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest

from tracker.feedgen import FeedItem, rss

from .conftest import write_config

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # the command name may hold spaces and parentheses: the fields follow the last ")"
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        return (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def wait_for(what, deadline: float, step: float = 0.02):
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        value = what()
        if value:
            return value
        time.sleep(step)
    return what()


def hang(handler, stop) -> None:  # a feed that never answers while the test runs
    stop.wait(60)


def test_sigkill_of_a_poll_leaves_no_worker_behind(tmp_path, server):
    body = rss([FeedItem("Anthropic and the Pentagon", link="http://news.test/1", guid="1")])
    for n in range(3):
        server.set_feed(f"/f{n}.xml", body)
    server.set_handler("/hang.xml", hang)
    feeds = [(f"Feed {n}", server.url(f"/f{n}.xml")) for n in range(3)] + [("Hang", server.url("/hang.xml"))]
    config = write_config(tmp_path, feeds, extra='[poll]\ntimeout = "60s"\n')
    proc = subprocess.Popen([sys.executable, "-m", "tracker", "--config", str(config), "poll", "-q"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    workers: list[int] = []
    try:
        # the writer is forked before the first fetch; the poll then waits on the hanging feed
        workers = wait_for(lambda: children(proc.pid), 30)
        assert workers, "the poll never started its writer process"
        assert wait_for(lambda: server.hits("/hang.xml"), 30), "the poll never asked for the hanging feed"
        os.kill(proc.pid, signal.SIGKILL)  # the parent only, as the OOM killer or kill -9 would
        proc.wait(timeout=30)
        left = wait_for(lambda: not any(alive(w) for w in workers), 10)
        assert left, f"worker processes outlived the killed poll: {[w for w in workers if alive(w)]}"
    finally:
        for pid in [proc.pid] + workers:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        proc.wait(timeout=30)


DASHBOARD_POOL = """
import sys, time
from tracker.pool import parse_pool
pool = parse_pool()  # as the dashboard makes it: a forkserver, its parsers and the writer
pool.start(wait=True)
print("ready", flush=True)
time.sleep(600)
"""


def descendants(pid: int) -> set[int]:
    found, todo = set(), [pid]
    while todo:
        for child in children(todo.pop()):
            found.add(child)
            todo.append(child)
    return found


@pytest.mark.slow  # a forkserver to start: ~1-2 s
def test_sigkill_of_the_dashboard_leaves_no_worker_behind():
    proc = subprocess.Popen([sys.executable, "-c", DASHBOARD_POOL], stdout=subprocess.PIPE, text=True)
    workers: set[int] = set()
    try:
        assert proc.stdout.readline().strip() == "ready"
        workers = descendants(proc.pid)
        assert len(workers) >= 2, workers  # the forkserver and its workers
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        left = wait_for(lambda: not any(alive(w) for w in workers), 10)
        assert left, f"worker processes outlived the killed dashboard: {[w for w in workers if alive(w)]}"
    finally:
        for pid in [proc.pid, *workers]:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        proc.wait(timeout=30)
        proc.stdout.close()


def shm_lockers(shm: Path) -> set[int]:
    """Processes holding a lock on SQLite's dead-man byte of a -shm file (offset 128): SQLite
    takes it in every process with the database open, and resets the -shm (and rebuilds its
    index of the -wal) when it opens a database nobody holds it for."""
    inode = os.stat(shm).st_ino
    pids = set()
    for line in Path("/proc/locks").read_text().splitlines():
        fields = line.split()
        if "->" in fields:  # a waiter, not a holder
            continue
        if fields[1] == "POSIX" and fields[5].endswith(f":{inode}") and fields[6] == "128":
            pids.add(int(fields[4]))
    return pids


def test_the_writer_of_a_poll_holds_its_own_lock_on_the_database(tmp_path, server):
    """The writer is forked from `tracker poll`: forked with a connection open, it shared the
    poll's record of SQLite's locks and held none of its own, so once the poll was killed the
    next one saw nobody using the database and reset its -shm under the writer's writes."""
    body = rss([FeedItem("Anthropic and the Pentagon", link="http://news.test/1", guid="1")])
    for n in range(3):
        server.set_feed(f"/f{n}.xml", body)
    server.set_handler("/hang.xml", hang)
    feeds = [(f"Feed {n}", server.url(f"/f{n}.xml")) for n in range(3)] + [("Hang", server.url("/hang.xml"))]
    config = write_config(tmp_path, feeds, extra='[poll]\ntimeout = "60s"\n')
    db = tmp_path / "data" / "tracker.db"
    proc = subprocess.Popen([sys.executable, "-m", "tracker", "--config", str(config), "poll", "-q"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    workers: list[int] = []
    try:
        workers = wait_for(lambda: children(proc.pid), 30)
        assert workers, "the poll never started its writer process"

        def stored() -> bool:  # the writer has stored the three feeds that answer
            with closing(sqlite3.connect(db, timeout=30)) as c:
                return c.execute("SELECT COUNT(*) FROM feeds WHERE last_ok IS NOT NULL").fetchone()[0] == 3
        assert wait_for(stored, 30)
        shm = Path(f"{db}-shm")
        assert proc.pid in shm_lockers(shm)
        assert set(workers) & shm_lockers(shm), "the writer has the database open without a lock of its own"
    finally:
        for pid in [proc.pid] + workers:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        proc.wait(timeout=30)
