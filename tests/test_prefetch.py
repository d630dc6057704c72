"""The dashboard asks the OS to read the database ahead, so the first search is not slowed
by a cold page cache (~240 ms instead of ~40 ms at 100,000 items)."""

import os

from tracker.store import Store, advise_readahead


def test_readahead_asks_for_the_whole_file_up_to_the_cap(tmp_path, monkeypatch):
    path = tmp_path / "tracker.db"
    with open(path, "wb") as f:
        f.truncate(20 << 20)  # 20 MB: more than the 8 MB one request reads
    asked: list[tuple[int, int]] = []
    monkeypatch.setattr(os, "posix_fadvise", lambda fd, offset, length, advice: asked.append((offset, length)))

    advise_readahead([path, tmp_path / "absent-wal"])
    assert asked[0][0] == 0 and all(b[0] == a[0] + a[1] for a, b in zip(asked, asked[1:]))
    assert asked[-1][0] + asked[-1][1] >= 20 << 20

    asked.clear()
    advise_readahead([path], limit=10 << 20)
    assert asked[-1][0] < 10 << 20 <= asked[-1][0] + asked[-1][1]  # a larger file: only its start


def test_prefetch_keeps_this_process_s_database_locks(tmp_path):
    """SQLite's locks are POSIX locks, and closing any descriptor of the file in a process
    drops all of that process's locks on it. A prefetch that opened and closed the database
    file dropped the shared lock that tells other processes this one still uses the WAL: the
    next process to close its connection took itself for the last one, checkpointed and
    deleted the WAL, and this process's later writes went to the deleted file (lost stars
    in test_concurrency's dashboard)."""
    import subprocess
    import sys

    def run(code: str) -> str:
        done = subprocess.run([sys.executable, "-c", "import sqlite3, sys\n" + code, str(store.path)],
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()

    store = Store.open(tmp_path / "tracker.db")
    store.set_setting("before", "1")
    store.prefetch()
    run("c = sqlite3.connect(sys.argv[1]); c.execute('SELECT 1 FROM settings').fetchall(); c.close()")
    store.set_setting("after", "2")
    assert run("c = sqlite3.connect(sys.argv[1]); "
               "print(c.execute(\"SELECT value FROM settings WHERE key = 'after'\").fetchone())") == "('2',)"
    store.close()
