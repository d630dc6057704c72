"""The connection: one per thread, WAL, the write transaction, the file's identity, and the helpers every part uses."""

from __future__ import annotations

import functools
import inspect
import os
import sqlite3
import subprocess
import sys
import threading
import urllib.parse
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence

from .. import cluster
from ..errors import StoreError

BUSY_TIMEOUT_MS = 30_000


IN_CHUNK = 500  # values bound in one `IN (...)`: under SQLite's variable limit (999 before 3.32)


class Abandoned(Exception):
    """A read stopped because its answer was no longer wanted (Store.reading_until)."""


def put_setting(c: sqlite3.Connection, key: str, value: str) -> None:
    """Set one row of the settings table, inside the caller's transaction."""
    c.execute("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
              (key, value))


def chunks(values: Sequence, size: int = IN_CHUNK) -> Iterator[tuple[list, str]]:
    """`values` in slices of `size`, each with its "?,?,..." placeholders: an `IN (...)` over
    more values than SQLite binds in one statement runs once per slice."""
    for start in range(0, len(values), size):
        chunk = list(values[start:start + size])
        yield chunk, ",".join("?" * len(chunk))


def explain(error: BaseException, path: Path) -> str:
    """A sqlite3 error -> what the user should do about it."""
    text = str(error).lower()
    if "readonly" in text or "read-only" in text:
        return f"{path} is read-only: tracker needs to write it. Check the file's permissions, or pass --db to use another file."
    if "disk is full" in text:
        return (f"the disk is full: cannot write {path}. Free some space and run tracker again; "
                "nothing stored before was lost.")
    if "disk i/o" in text:
        return f"cannot write {path}: the disk is failing or full. Free some space and run tracker again; nothing was lost."
    if "not a database" in text or "malformed" in text or "corrupt" in text:
        return (f"{path} is not a readable tracker database (corrupt or another kind of file). "
                "tracker left it untouched. Move it aside and run tracker again to start a new one, "
                "or restore it from a backup.")
    if "unable to open" in text:
        if path.is_dir():
            return f"{path} is a folder, not a database file: pass --db with a file name."
        # A WAL database cannot even be opened for reading without writing its -shm file beside it.
        if path.exists() and not (os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)):
            return (f"{path} or its folder is read-only: tracker needs to write both (it keeps "
                    f"{path.name}-wal and -shm beside it). Check permissions and the file system, "
                    "or pass --db to use another file.")
        return f"cannot open {path}: check that its folder exists and that you may read and write it."
    if "locked" in text:
        return f"{path} stayed locked by another process for {BUSY_TIMEOUT_MS // 1000}s; try again."
    return f"database error on {path}: {error}"


def _translated(e: sqlite3.Error, path: Path) -> Exception:
    if isinstance(e, sqlite3.OperationalError) and "interrupt" in str(e):
        return Abandoned()  # only reading_until's progress handler interrupts a statement
    return StoreError(explain(e, path))


@contextmanager
def wrap_exceptions(path: Path) -> Iterator[None]:
    """The store's edge: an sqlite3 error leaves it once, as a StoreError that says in one
    line what to do (explain), so no caller needs to know SQLite's exceptions."""
    try:
        yield
    except sqlite3.Error as e:
        raise _translated(e, path) from e


def _wrapped(method: Callable) -> Callable:
    @functools.wraps(method)
    def guarded(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except sqlite3.Error as e:  # a plain try, not wrap_exceptions: it runs on every call
            raise _translated(e, self.path) from e
    return guarded


def guarded(cls: type) -> type:
    """Every public method of the composed store raises StoreError, never sqlite3.Error
    (wrap_exceptions). The parts' private helpers run inside those methods; write() and
    reading_until() wrap what runs in their `with` body themselves."""
    for name in dir(cls):
        attr = inspect.getattr_static(cls, name)
        if not name.startswith("_") and inspect.isfunction(attr):
            setattr(cls, name, _wrapped(attr))
    return cls


PREFETCH_MAX = 256 << 20  # bytes of the database file prefetch() asks the OS to read (~200,000 items)


def advise_readahead(paths: Iterable[str | Path], limit: int | None = None) -> None:
    """Ask the kernel to read files into the page cache, in the background. Never call it in
    a process that has the database open (see Store.prefetch)."""
    limit = PREFETCH_MAX if limit is None else limit
    for path in paths:
        try:
            fd = os.open(path, os.O_RDONLY)
        except OSError:
            continue
        try:
            # One request for the whole file reads only its first 8 MB (the kernel's cap on
            # a request); a request per 8 MB reads it all.
            for offset in range(0, min(os.fstat(fd).st_size, limit), 8 << 20):
                os.posix_fadvise(fd, offset, 8 << 20, os.POSIX_FADV_WILLNEED)
        except (OSError, AttributeError):  # not on this OS
            pass
        finally:
            os.close(fd)


class Connection:
    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._outlets: set[str] | None = None  # casefolded names an aggregator's title may end in
        self.cluster_cache = cluster.FeatureCache()
        self._band_cache = None  # a _copies.BandCache, made at first use
        self._grouping = None  # a _groups._Grouping: the developments' in-memory state, made at first use
        self._prune_due = 0.0  # time.monotonic() of this process's next prune of old off-story items
        self._file: tuple[int, int] | None = None  # (device, inode) of the file opened, once opened

    # ---------------------------------------------------------------- connections
    @classmethod
    def open(cls, path: str | Path, create: bool = True) -> "Store":  # noqa: F821 - the class composed of the parts
        """Open (and migrate) the database. Never creates one over something that isn't ours."""
        path = Path(path)
        if not path.exists():
            if not path.parent.is_dir():
                raise StoreError(f"the folder {path.parent} does not exist: create it "
                                 f"(mkdir -p {path.parent}) or pass --db with another path.")
            if not create:
                raise StoreError(f"no database at {path}: run `tracker poll` first.")
        elif not os.access(path, os.R_OK):
            raise StoreError(f"cannot read {path}: check its permissions (you may need chmod u+rw).")
        store = cls(path)
        try:
            store.migrate()  # a public method: its sqlite3 errors come out as StoreError (guarded)
            st = os.stat(path)
            store._file = (st.st_dev, st.st_ino)
        except StoreError:
            store.close()
            raise
        return store

    def moved(self) -> str | None:
        """Whether the file opened is still the one at the path: None, or what became of it.
        SQLite goes on with a deleted file (and then a new connection would make an empty
        one in its place), and with a replaced one writes its -wal, which is found by name,
        beside a file it does not belong to: the next open of that file finds it malformed."""
        if self._file is None:
            return None
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            return (f"{self.path} was deleted while tracker had it open: stopped writing to it. "
                    "Quit and start tracker again to make a new database.")
        except OSError:
            return None  # cannot tell (a permission change); SQLite's own errors will say
        if (st.st_dev, st.st_ino) != self._file:
            return (f"{self.path} was replaced by another file while tracker had it open: stopped writing "
                    "to either. Quit and start tracker again to use the new file.")
        return None

    def _check_file(self) -> None:
        problem = self.moved()
        if problem:
            raise StoreError(problem)

    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            target: str | Path = self.path
            if self._file is not None:
                # Once open, a new thread's connection opens the same file or fails: it never
                # makes an empty database where the user deleted one.
                self._check_file()
                target = f"file:{urllib.parse.quote(str(self.path.absolute()))}?mode=rw"
            conn = sqlite3.connect(target, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                                   check_same_thread=False, uri=self._file is not None)
            conn.row_factory = sqlite3.Row
            conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            conn.execute("PRAGMA foreign_keys=ON")
            # NORMAL is safe in WAL against process crashes; only power loss can drop the last commit.
            conn.execute("PRAGMA synchronous=NORMAL")
            self._local.conn = conn
            with self._lock:
                self._connections.append(conn)
        return conn

    def close(self) -> None:
        with self._lock:
            if self._connections and self.moved():
                # Empty the -wal into the file we had (deleted, or moved aside) before closing,
                # through our own handle: a replacement must not inherit our frames.
                try:
                    self._connections[0].execute("PRAGMA wal_checkpoint(TRUNCATE)")
                except sqlite3.Error:
                    pass
            for conn in self._connections:
                try:
                    conn.close()
                except sqlite3.Error:
                    pass
            self._connections.clear()
        self._local = threading.local()

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        with wrap_exceptions(self.path):
            conn = self._conn()
            conn.execute("BEGIN IMMEDIATE")
            local = self._local
            local.writing, local.version = True, None
            try:
                self._check_file()  # a stat, with the lock held: nothing goes into a file no longer the database
                yield conn
                local.writing = False
                conn.execute("COMMIT")
            except BaseException:
                local.writing = False
                # The in-memory states may hold what is rolled back (and ids are given again):
                # forgotten while the lock is still held, before another thread's write can use them.
                self._grouping = self._band_cache = None
                # After some errors (a full disk met while spilling the cache mid-statement) SQLite
                # has already rolled the transaction back: a ROLLBACK then fails and hides why.
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise

    @contextmanager
    def reading_until(self, stale: Callable[[], bool]) -> Iterator[None]:
        """Reads inside stop, raising Abandoned, once stale() says their answer is no longer
        wanted (a search a newer key has replaced): SQLite asks it every 100,000 steps,
        so a replaced query gives the cores back at once instead of running to its end."""
        conn = self._conn()
        # Every 100,000 steps (a few ms of SQLite's work): each call takes the GIL from the event
        # loop, so asking much more often slowed the very search it guards.
        conn.set_progress_handler(lambda: 1 if stale() else 0, 100_000)
        try:
            with wrap_exceptions(self.path):  # an interrupted statement leaves as Abandoned
                yield
        finally:
            conn.set_progress_handler(None, 0)

    def _data_version(self, c: sqlite3.Connection) -> int:
        """PRAGMA data_version of c (changes when ANOTHER connection has committed), read once
        per write transaction: while this one holds the write lock nobody else can commit, so
        the in-memory states (band cache, grouping) check it at the transaction's first use
        instead of at every item's."""
        local = self._local
        if getattr(local, "writing", False) and getattr(local, "conn", None) is c:
            if local.version is None:
                local.version = c.execute("PRAGMA data_version").fetchone()[0]
            return local.version
        return c.execute("PRAGMA data_version").fetchone()[0]

    def execute(self, sql: str, params: Sequence = ()) -> list[sqlite3.Row]:
        return self._conn().execute(sql, params).fetchall()

    def data_version(self) -> int:
        """Changes when ANOTHER connection commits: a cheap way to notice the other process."""
        return self._conn().execute("PRAGMA data_version").fetchone()[0]

    def prefetch(self) -> None:
        """Have the OS read the database file into its cache. A search reads the full-text
        index and items from all over the file: with the file not in the page cache (just
        after boot, or pages reclaimed while the dashboard sat idle), the first search at
        100,000 items took ~240 ms instead of ~40 ms.

        In a child process, waited for: SQLite's locks are POSIX locks, which closing *any*
        descriptor of the file in this process would drop, and with them the shared lock that
        tells other processes this one still uses the WAL (one of them would then take itself
        for the last user, checkpoint and delete the WAL under this process's connections)."""
        code = "import sys; from tracker.store import advise_readahead; advise_readahead(sys.argv[1:])"
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(
            filter(None, [str(Path(__file__).resolve().parent.parent), os.environ.get("PYTHONPATH")])))
        try:
            subprocess.run([sys.executable, "-c", code, str(self.path), f"{self.path}-wal"], env=env,
                           stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           timeout=60, check=False)
        except (OSError, subprocess.SubprocessError):  # best effort: only the first search is slower
            pass

    def max_item_id(self) -> int:
        return self._conn().execute("SELECT COALESCE(MAX(id), 0) FROM items").fetchone()[0]
