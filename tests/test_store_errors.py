"""The database file in trouble: missing folder, corrupt, truncated, someone else's file,
unreadable, read-only, full disk, from a newer tracker. Every command answers with one line
saying what to do (exit 1), never a traceback, and never replaces or rewrites the user's file.

Tests run as root, where chmod does not bite: the unreadable and read-only cases drop to the
`nobody` user in a child process; read-only and full-disk use real tmpfs mounts (skipped
where mounting is not allowed).
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import pytest

from tracker.cli import main
from tracker.errors import StoreError
from tracker.feedgen import FeedItem, rss
from tests.support.feedserver import FeedServer

from .conftest import write_config

ITEMS = [FeedItem(f"Anthropic Pentagon story {n}", link=f"http://news.test/{n}", guid=f"n{n}") for n in range(20)]
COMMANDS = [["poll", "-q"], ["items"], ["items", "--json"], ["feeds"], ["feeds", "--json"]]


def run(config: Path, *args: str, db: Path | None = None) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    argv = ["--config", str(config)] + (["--db", str(db)] if db else []) + list(args)
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def assert_one_line_error(code: int, out: str, err: str, *words: str) -> None:
    assert code == 1, (code, out, err)
    assert "Traceback" not in out + err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("tracker: ")
    for w in words:
        assert w in lines[0], (w, lines[0])


@pytest.fixture(scope="module")
def module_server():
    with FeedServer() as server:
        server.set_feed("/feed.xml", rss(ITEMS))
        yield server


@pytest.fixture(scope="module")
def template_db(tmp_path_factory, module_server):
    """One polled database (20 items) that each test copies: a poll per test would be most of its time."""
    path = tmp_path_factory.mktemp("template")
    config = write_config(path, [("Wire", module_server.url("/feed.xml"))])
    assert run(config, "poll", "-q")[0] == 0
    settle(path / "data" / "tracker.db")
    return path / "data" / "tracker.db"


@pytest.fixture
def polled(tmp_path, module_server, template_db):
    """A config and a database holding 20 items."""
    config = write_config(tmp_path, [("Wire", module_server.url("/feed.xml"))])
    db = tmp_path / "data" / "tracker.db"
    shutil.copyfile(template_db, db)
    return config, db


def settle(db: Path) -> None:
    """Leave only the database file, as a process that exited cleanly does. In-process runs
    leave their Store to the garbage collector, whose close could checkpoint into a file a
    test has just corrupted."""
    gc.collect()
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    for extra in (Path(f"{db}-wal"), Path(f"{db}-shm")):
        extra.unlink(missing_ok=True)


# ----------------------------------------------------------------------------- missing folder
@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_missing_data_folder(tmp_path, server, command):
    server.set_feed("/feed.xml", rss(ITEMS))
    config = write_config(tmp_path, [("Wire", server.url("/feed.xml"))])
    db = tmp_path / "no" / "such" / "folder" / "tracker.db"
    code, out, err = run(config, *command, db=db)
    assert_one_line_error(code, out, err, "does not exist", f"mkdir -p {db.parent}")
    assert not (tmp_path / "no").exists()  # not created behind the user's back


def test_default_data_folder_removed(tmp_path, server):
    server.set_feed("/feed.xml", rss(ITEMS))
    config = write_config(tmp_path, [("Wire", server.url("/feed.xml"))])
    (tmp_path / "data").rmdir()
    assert_one_line_error(*run(config, "poll", "-q"), "does not exist")


# ----------------------------------------------------------------------------- not our file
def _random_bytes(db: Path) -> None:
    db.write_bytes(os.urandom(64 * 1024))


def _truncated(db: Path) -> None:
    data = db.read_bytes()
    db.write_bytes(data[: len(data) // 3])


def _header_only(db: Path) -> None:
    db.write_bytes(db.read_bytes()[:100])


def _zeroed_pages(db: Path) -> None:
    data = bytearray(db.read_bytes())
    page = int.from_bytes(data[16:18], "big") or 65536
    for start in range(page, len(data), page * 2):  # every other page after the header page
        data[start:start + page] = bytes(min(page, len(data) - start))
    db.write_bytes(bytes(data))


def _text_file(db: Path) -> None:
    db.write_text("[story]\ntitle = 'this is somebody's feeds.toml, not a database'\n")


CORRUPTIONS = {"random bytes": _random_bytes, "truncated to a third": _truncated,
               "header only": _header_only, "every other page zeroed": _zeroed_pages, "a text file": _text_file}


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
@pytest.mark.parametrize("corrupt", list(CORRUPTIONS))
def test_corrupt_database_is_reported_and_left_untouched(polled, command, corrupt):
    config, db = polled
    CORRUPTIONS[corrupt](db)
    before = digest(db)
    code, out, err = run(config, *command)
    gc.collect()  # a checkpoint on close would show here
    assert_one_line_error(code, out, err, str(db), "not a readable tracker database", "untouched")
    assert digest(db) == before, "tracker wrote to a corrupt database"


def test_db_option_pointing_at_the_config_file_does_not_overwrite_it(polled):
    config, _ = polled
    before = digest(config)
    code, out, err = run(config, "poll", "-q", db=config)
    assert_one_line_error(code, out, err, "not a readable tracker database")
    assert digest(config) == before


def test_db_option_pointing_at_a_folder(polled, tmp_path):
    config, _ = polled
    code, out, err = run(config, "items", db=tmp_path)
    assert_one_line_error(code, out, err, str(tmp_path))


def test_database_from_a_newer_tracker(polled):
    config, db = polled
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA user_version = 99")
    conn.close()
    before = digest(db)
    code, out, err = run(config, "items")
    assert_one_line_error(code, out, err, "newer tracker", "upgrade")
    assert digest(db) == before


def test_an_intact_database_is_still_fine_afterwards(polled):
    """The checks above must not refuse a healthy file: same commands, all succeed."""
    config, db = polled
    for command in COMMANDS:
        code, out, err = run(config, *command)
        assert code == 0 and not err.strip(), (command, err)
    assert sqlite3.connect(db).execute("PRAGMA integrity_check").fetchone()[0] == "ok"


# ----------------------------------------------------------------------------- as another user
_AS_NOBODY = textwrap.dedent("""
    import contextlib, io, json, os, sys
    # everything a command needs, imported while /root (where Python lives) is still readable
    import tracker.cli, tracker.cli.core, tracker.update, tracker.parse, tracker.fetch, tracker.store
    import tracker.schedule, tracker.rescore, httpx, feedparser, sqlite3, asyncio, rich.console, rich.progress
    from tracker.cli import main, build_parser
    build_parser()
    os.setgroups([]); os.setgid(65534); os.setuid(65534)
    config, commands = sys.argv[1], json.loads(sys.argv[2])
    results = []
    for command in commands:
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(["--config", config, *command])
            except BaseException as e:  # a traceback is a failure the test must see
                import traceback
                code, err = -1, io.StringIO(traceback.format_exc())
        results.append([code, out.getvalue(), err.getvalue()])
    print(json.dumps(results))
""")


def _can_drop_to_nobody() -> bool:
    return os.geteuid() == 0


@pytest.fixture
def shared_dir():
    """A folder the nobody user can reach (tmp_path lives under a root-only folder)."""
    path = Path(tempfile.mkdtemp(prefix="tracker-nobody-", dir="/tmp"))
    path.chmod(0o777)
    yield path
    subprocess.run(["rm", "-rf", str(path)], check=False)


def _as_nobody(config: Path, commands: list[list[str]]) -> list[tuple[int, str, str]]:
    """Each command's (exit code, stdout, stderr), run by the nobody user in one child process."""
    proc = subprocess.run([sys.executable, "-c", _AS_NOBODY, str(config), json.dumps(commands)],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return [tuple(r) for r in json.loads(proc.stdout)]


def _nobody_setup(shared_dir: Path, server) -> tuple[Path, Path]:
    server.set_feed("/feed.xml", rss(ITEMS))
    config = write_config(shared_dir, [("Wire", server.url("/feed.xml"))])
    assert run(config, "poll", "-q")[0] == 0
    (shared_dir / "data").chmod(0o777)
    config.chmod(0o644)
    return config, shared_dir / "data" / "tracker.db"


@pytest.mark.skipif(not _can_drop_to_nobody(), reason="needs root to become nobody")
def test_unreadable_database(shared_dir, server):
    config, db = _nobody_setup(shared_dir, server)
    db.chmod(0o000)  # owned by root: nobody may neither read nor write it
    before = digest(db)
    for code, out, err in _as_nobody(config, COMMANDS):
        assert_one_line_error(code, out, err, str(db), "permission")
    assert digest(db) == before


@pytest.mark.skipif(not _can_drop_to_nobody(), reason="needs root to become nobody")
def test_read_only_database_file(shared_dir, server):
    config, db = _nobody_setup(shared_dir, server)
    db.chmod(0o644)  # nobody may read, not write
    before = digest(db)
    [poll, *looks] = _as_nobody(config, COMMANDS)
    assert_one_line_error(*poll, str(db), "read-only")
    for code, out, err in looks:  # looking needs no write, so it still works
        assert code == 0 and "Wire" in out and err == "", (code, out, err)
    assert digest(db) == before


@pytest.mark.skipif(not _can_drop_to_nobody(), reason="needs root to become nobody")
def test_read_only_data_folder(shared_dir, server):
    """The file is writable but its folder is not, so SQLite cannot create its -wal/-shm files."""
    config, db = _nobody_setup(shared_dir, server)
    db.chmod(0o666)
    (shared_dir / "data").chmod(0o755)
    [(code, out, err)] = _as_nobody(config, [["poll", "-q"]])
    assert_one_line_error(code, out, err, str(db), "read-only")


# ----------------------------------------------------------------------------- real mounts
@contextlib.contextmanager
def tmpfs(size: str):
    path = Path(tempfile.mkdtemp(prefix="tracker-tmpfs-"))
    proc = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        path.rmdir()
        pytest.skip(f"cannot mount a tmpfs here: {proc.stderr.strip()}")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)
        path.rmdir()


@contextlib.contextmanager
def read_only_view(src: Path):
    """A read-only bind mount of src: writes through it fail with EROFS, even for root."""
    path = Path(tempfile.mkdtemp(prefix="tracker-ro-"))
    try:
        for cmd in (["mount", "--bind", str(src), str(path)], ["mount", "-o", "remount,bind,ro", str(path)]):
            proc = subprocess.run(cmd, capture_output=True, text=True)
            if proc.returncode != 0:
                pytest.skip(f"cannot make a read-only mount here: {proc.stderr.strip()}")
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], capture_output=True, check=False)
        path.rmdir()


def test_read_only_file_system(tmp_path, server):
    server.set_feed("/feed.xml", rss(ITEMS))
    config = write_config(tmp_path, [("Wire", server.url("/feed.xml"))])
    with tmpfs("4m") as mnt, read_only_view(mnt) as ro:
        assert run(config, "poll", "-q", db=mnt / "tracker.db")[0] == 0
        settle(mnt / "tracker.db")
        db = ro / "tracker.db"
        before = digest(db)
        for command in COMMANDS:
            code, out, err = run(config, *command, db=db)
            assert_one_line_error(code, out, err, str(db), "read-only")
        assert digest(db) == before


def test_full_disk(tmp_path, server):
    """A real full file system: the poll says so, nothing stored before is lost, and once
    there is room again the next poll stores everything."""
    server.set_feed("/feed.xml", rss(ITEMS[:2]))
    # No cap of new entries per poll here: the poll after the disk has room stores them all.
    config = write_config(tmp_path, [("Wire", server.url("/feed.xml"))], extra="[poll]\nmax_new_items = 1000\n")
    with tmpfs("2m") as mnt:
        db = mnt / "tracker.db"
        assert run(config, "poll", "-q", db=db)[0] == 0
        filler = mnt / "filler"
        with contextlib.suppress(OSError), open(filler, "wb", buffering=0) as f:  # every last block
            while True:
                f.write(b"\0" * 4096)
        big = [FeedItem(f"Anthropic Pentagon long read {n}", link=f"http://news.test/big{n}", guid=f"big{n}",
                        summary="Claude and the Pentagon. " * 40) for n in range(300)]
        server.set_feed("/feed.xml", rss(ITEMS[:2] + big))
        code, out, err = run(config, "poll", "-q", db=db)
        assert_one_line_error(code, out, err, str(db), "disk is full")
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT COUNT(*) FROM items").fetchone()[0] == 2  # the first poll's, intact
        conn.close()
        filler.unlink()
        assert run(config, "poll", "-q", db=db)[0] == 0
        conn = sqlite3.connect(db)
        assert conn.execute("SELECT COUNT(*) FROM items").fetchone()[0] == 302
        conn.close()


def test_full_disk_simulated_with_max_page_count(polled, server, monkeypatch):
    """The same through SQLite's own limit (where tmpfs cannot be mounted): the database
    refuses to grow, as on a full disk."""
    _, db = polled
    config = write_config(db.parent.parent, [("Wire", server.url("/feed.xml"))])  # this test's own server
    from tracker import store as store_module
    real_conn = store_module.Store._conn

    def small_conn(self):
        conn = real_conn(self)
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count = {pages}")
        return conn
    monkeypatch.setattr(store_module.Store, "_conn", small_conn)
    big = [FeedItem(f"Anthropic Pentagon long read {n}", link=f"http://news.test/big{n}", guid=f"big{n}",
                    summary="Claude and the Pentagon. " * 40) for n in range(300)]
    server.set_feed("/feed.xml", rss(ITEMS + big))
    code, out, err = run(config, "poll", "-q")
    assert_one_line_error(code, out, err, str(db), "full")
    monkeypatch.undo()
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("SELECT COUNT(*) FROM items").fetchone()[0] == 20
    conn.close()


@pytest.mark.slow  # ~7 s: the write must outgrow SQLite's page cache (2,000 items)
def test_a_full_disk_mid_write_is_one_line_and_the_database_stays_whole(tmp_path, server):
    """A write that outgrows SQLite's page cache spills to the -wal mid-statement; when that
    finds the disk full SQLite rolls the transaction back itself, and the store's own
    ROLLBACK then said only "cannot rollback - no transaction is active"."""
    server.set_feed("/feed.xml", rss(ITEMS[:2]))
    config = write_config(tmp_path, [("Wire", server.url("/feed.xml"))], extra="[poll]\nmax_new_items = 100000\n")
    with tmpfs("3m") as mnt:
        db = mnt / "tracker.db"
        assert run(config, "poll", "-q", db=db)[0] == 0
        big = [FeedItem(f"Anthropic Pentagon long read {n} " + "word " * 60, link=f"http://news.test/big{n}",
                        guid=f"big{n}", summary=f"Claude and the Pentagon {n}. " * 80) for n in range(2000)]
        server.set_feed("/feed.xml", rss(ITEMS[:2] + big))
        code, out, err = run(config, "poll", "-q", db=db)
        assert_one_line_error(code, out, err, str(db), "the disk is full")
        assert "rollback" not in err
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT COUNT(*) FROM items").fetchone()[0] == 2  # the first poll's, intact
        conn.close()


def test_store_write_on_a_full_disk_raises_the_full_disk_not_a_failed_rollback():
    """The store's write() alone, fast: 4 MB in one transaction outgrows the page cache."""
    from tracker.store import Store, explain

    with tmpfs("2m") as mnt:
        store = Store.open(mnt / "tracker.db")
        try:
            with pytest.raises(StoreError) as e:  # the store's edge says it in words (wrap_exceptions)
                with store.write() as c:
                    c.execute("INSERT INTO settings (key, value) VALUES ('big', randomblob(4000000))")
            cause = e.value.__cause__
            assert isinstance(cause, sqlite3.OperationalError)
            assert str(cause) == "database or disk is full"  # not "cannot rollback - ..."
            assert str(e.value) == explain(cause, store.path)
            assert explain(cause, store.path).startswith(f"the disk is full: cannot write {store.path}.")
            conn = store._conn()
            assert not conn.in_transaction
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            with store.write() as c:  # the connection is usable again
                c.execute("INSERT INTO settings (key, value) VALUES ('small', 'x')")
        finally:
            store.close()


# ----------------------------------------------------------------------------- at the store's edge
@pytest.fixture
def short_busy_timeout(monkeypatch):
    """Waiting out a lock takes 0.3 s here, not the 30 s a user's commands wait."""
    from tracker.store import _base
    monkeypatch.setattr(_base, "BUSY_TIMEOUT_MS", 300)


def test_a_poll_of_a_locked_database_is_one_line(polled, short_busy_timeout):
    config, db = polled
    holder = sqlite3.connect(db, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")  # another process in the middle of a write
        code, out, err = run(config, "poll", "-q")
        holder.execute("ROLLBACK")
    finally:
        holder.close()
    assert_one_line_error(code, out, err, str(db), "locked by another process", "try again")
    assert run(config, "items")[0] == 0  # nothing was left half done


def test_every_store_method_raises_store_error_in_words(polled, short_busy_timeout):
    """No caller catches sqlite3's exceptions: the store's methods, its write() and its
    reads raise StoreError, one line naming the file."""
    from tracker.store import Store

    _, db = polled
    store = Store.open(db)
    holder = sqlite3.connect(db, isolation_level=None)
    try:
        with pytest.raises(StoreError, match="no such table: nowhere") as e:
            store.execute("SELECT * FROM nowhere")
        assert str(e.value).startswith(f"database error on {db}") and "\n" not in str(e.value)
        holder.execute("BEGIN IMMEDIATE")
        with pytest.raises(StoreError, match="stayed locked by another process"):
            store.set_setting("theme", "x")
        with pytest.raises(StoreError, match="stayed locked by another process"):
            with store.write() as c:
                c.execute("DELETE FROM items")
        assert len(store.items()) == 20  # reading goes on beside the writer (WAL)
        holder.execute("ROLLBACK")
        store.set_setting("theme", "x")  # and once the lock is gone, writing too
    finally:
        holder.close()
        store.close()
