"""The SQLite database: schema and migrations, and every query the CLI, TUI and digest use.

Two processes (the dashboard and a headless poller) share one file, so: WAL (readers never
block the writer), BEGIN IMMEDIATE for writes (the busy timeout then really waits instead of
failing on a lock upgrade), and one connection per thread (sqlite3 connections are not
thread-safe). A feed's items, its fetch record and its new ETag are written in ONE
transaction: a kill at any moment leaves either all of it or none of it.

Plain sqlite3 rather than sqlite-utils: the full-text index has its own triggers (sqlite-utils'
would re-index an item each time it is marked read or starred), the schema needs partial
indexes its helpers don't make, and each of its calls would stand in for one line of SQL while
costing every command ~50 ms of import.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.parse
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence

from . import cluster, developments
from .errors import StoreError
from .links import link_key, same_site
from .match import Match
from .model import Deadline, Entry, FeedConfig
from .timeutil import clamped, from_iso, to_iso, utcnow

BUSY_TIMEOUT_MS = 30_000
IN_CHUNK = 500  # values bound in one `IN (...)`: under SQLite's variable limit (999 before 3.32)
FETCH_HISTORY = 50  # fetch records kept per feed; the rest is pruned so days of polling stay small
PRUNE_BATCH = 500  # expired off-story items deleted at once: a bounded write after a poll
PRUNE_EVERY = 600.0  # seconds between prunes in one process, unless the last one hit PRUNE_BATCH
MERGE_CANDIDATES = 64  # items with an entry's link that may become its item (Store._upsert_entry)
CHURN_POLLS = 2  # polls in a row with every entry id new (after the first) that flag a feed
# A feed's state that belongs to its URL, and its value for a URL never polled.
URL_STATE = {"moved_to": None, "etag": None, "last_modified": None, "gone": 0, "retry_after": None,
             "failures": 0, "next_poll": None, "last_error": None, "last_status": None}

MIGRATIONS: list[str] = [
    # 1: the first release
    """
    CREATE TABLE feeds (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        url TEXT NOT NULL,                       -- as written in feeds.toml
        moved_to TEXT,                           -- where a permanent redirect sent us
        active INTEGER NOT NULL DEFAULT 1,      -- 0: no longer in feeds.toml (items kept)
        title TEXT NOT NULL DEFAULT '',
        etag TEXT,
        last_modified TEXT,
        last_poll TEXT,                          -- UTC ISO of the last attempt
        last_ok TEXT,
        last_status INTEGER,
        last_error TEXT,
        failures INTEGER NOT NULL DEFAULT 0,     -- consecutive, drives the backoff
        retry_after TEXT,                        -- server asked us to wait until then
        next_poll TEXT,
        gone INTEGER NOT NULL DEFAULT 0,         -- answered 410
        polls INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE items (
        id INTEGER PRIMARY KEY AUTOINCREMENT,    -- never reused: ids order arrival, digests rely on it
        link TEXT,
        canonical TEXT,
        title TEXT NOT NULL,
        summary TEXT NOT NULL DEFAULT '',
        author TEXT NOT NULL DEFAULT '',
        outlet TEXT NOT NULL DEFAULT '',
        published TEXT NOT NULL,                 -- UTC ISO: the feed's date, else first seen
        dated INTEGER NOT NULL DEFAULT 1,        -- 0: the feed gave no usable date
        first_seen TEXT NOT NULL,
        updated TEXT,                            -- the feed changed its text at this time
        rule_on_story INTEGER NOT NULL,
        manual INTEGER,                          -- the user's verdict (1/0), wins over the rules
        on_story INTEGER NOT NULL,               -- COALESCE(manual, rule_on_story), kept for the index (and joined: migration 10)
        matched TEXT NOT NULL DEFAULT '[]',      -- JSON list of rule terms found
        read INTEGER NOT NULL DEFAULT 0,
        starred INTEGER NOT NULL DEFAULT 0,
        backlog INTEGER NOT NULL DEFAULT 0,      -- came with its feed's first poll
        cluster INTEGER
    );
    CREATE INDEX items_story_time ON items(on_story, published DESC, id DESC);
    CREATE INDEX items_time ON items(published DESC, id DESC);
    CREATE INDEX items_canonical ON items(canonical);
    CREATE TABLE item_feeds (
        feed_id INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
        entry_id TEXT NOT NULL,
        item_id INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
        first_seen TEXT NOT NULL,
        PRIMARY KEY (feed_id, entry_id)
    );
    CREATE INDEX item_feeds_item ON item_feeds(item_id);
    CREATE TABLE item_versions (
        id INTEGER PRIMARY KEY,
        item_id INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
        title TEXT NOT NULL,
        summary TEXT NOT NULL,
        replaced TEXT NOT NULL
    );
    CREATE INDEX item_versions_item ON item_versions(item_id);
    CREATE TABLE fetches (
        id INTEGER PRIMARY KEY,
        feed_id INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
        at TEXT NOT NULL,
        status INTEGER,
        error TEXT,
        duration REAL,
        bytes INTEGER,
        entries INTEGER,
        new_items INTEGER
    );
    CREATE INDEX fetches_feed ON fetches(feed_id, id);
    CREATE TABLE digests (
        id INTEGER PRIMARY KEY,
        created TEXT NOT NULL,
        since TEXT,
        until TEXT,
        through_item INTEGER NOT NULL,           -- highest item id that existed at export
        format TEXT NOT NULL,
        path TEXT,
        items INTEGER NOT NULL
    );
    CREATE TABLE deadlines (
        id INTEGER PRIMARY KEY,
        label TEXT NOT NULL,
        at TEXT NOT NULL,
        timezone TEXT NOT NULL,
        note TEXT NOT NULL DEFAULT '',
        created TEXT NOT NULL
    );
    CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT);
    """,
    # 2: clusters of reports (tracker/cluster.py). title_key is set while an item is clustered
    # (on the story). The panel lists representatives (cluster = id) through a partial index,
    # so one row per cluster costs no more than one row per item.
    """
    ALTER TABLE items ADD COLUMN title_key TEXT;
    CREATE INDEX items_title_key ON items(title_key, published) WHERE title_key IS NOT NULL;
    CREATE INDEX items_cluster ON items(cluster);
    CREATE INDEX items_reps ON items(on_story, published DESC, id DESC) WHERE cluster = id;
    CREATE INDEX items_unclustered ON items(published, id) WHERE on_story = 1 AND title_key IS NULL;
    CREATE INDEX items_outlets ON items(on_story, outlet, published);
    CREATE TABLE item_bands (
        key INTEGER NOT NULL,                    -- a MinHash band of the item's title or text
        item_id INTEGER NOT NULL,
        PRIMARY KEY (key, item_id)
    ) WITHOUT ROWID;
    CREATE TABLE clusters (                      -- only clusters of two items or more
        id INTEGER PRIMARY KEY,                  -- = the representative's (earliest report's) item id
        size INTEGER NOT NULL,
        outlets INTEGER NOT NULL,                -- distinct outlets among the members
        latest TEXT NOT NULL                     -- when the newest member was first seen
    );
    INSERT INTO settings (key, value) VALUES ('cluster_index', '1');
    """,
    # 3: the full-text index without word positions (see FTS), made again from the items.
    # Made here for every database, new ones included: the first release's index is dropped.
    """
    DROP TRIGGER IF EXISTS items_fts_ai;
    DROP TRIGGER IF EXISTS items_fts_ad;
    DROP TRIGGER IF EXISTS items_fts_au;
    DROP TABLE IF EXISTS items_fts;
    """,
    # 4: no index of every item by time. Only `tracker items --all` lists on- and off-story
    # items together (a sort: 9 ms for 50 of 100,000 items); the dashboard, the digest and the
    # story's lists read items_story_time and items_reps. An index on a random key costs
    # every insert a page, written again at each commit: ~3% of storing a cold poll.
    """
    DROP INDEX IF EXISTS items_time;
    """,
    # 5: links told apart by their #fragment are different items (links.link_key): the
    # fragment joins the merge key (one of key=value pairs is left out: most are tracking). Where one feed's entries were merged into one item (the
    # posts of a page, told apart by fragments), each entry but the first forgets that item,
    # so the next poll stores it as the item of its own it always was.
    """
    UPDATE items SET canonical = canonical || '#' || substr(link, instr(link, '#') + 1)
        WHERE canonical IS NOT NULL AND instr(link, '#') > 0 AND substr(link, instr(link, '#') + 1) != ''
        AND instr(substr(link, instr(link, '#') + 1), '=') = 0;
    DELETE FROM item_feeds WHERE rowid NOT IN (SELECT MIN(rowid) FROM item_feeds GROUP BY feed_id, item_id);
    """,
    # 6: each source's own copy of an item (its headline and date), so the item's title is
    # chosen by a rule (Store._best_copy) rather than by which fetch was stored first, and the
    # other headlines stay visible. Existing items: their first source's copy is the item's.
    """
    ALTER TABLE item_feeds ADD COLUMN title TEXT;
    ALTER TABLE item_feeds ADD COLUMN published TEXT;
    ALTER TABLE item_feeds ADD COLUMN own INTEGER NOT NULL DEFAULT 0;
    UPDATE item_feeds SET title = (SELECT title FROM items WHERE id = item_id),
        published = (SELECT published FROM items WHERE id = item_id AND dated = 1)
        WHERE rowid IN (SELECT MIN(rowid) FROM item_feeds GROUP BY item_id);
    """,
    # 7: how many polls in a row a feed's entry ids were all new (Store.store_fetch): a feed
    # that makes up ids afresh each time would otherwise store its whole content every poll.
    """
    ALTER TABLE feeds ADD COLUMN churn INTEGER NOT NULL DEFAULT 0;
    """,
    # 8: articles' own text, fetched from their pages (fulltext.py); searched with the feeds'
    # text through texts_fts (TEXTS_FTS). A row per item tried: body NULL means it failed.
    """
    CREATE TABLE texts (
        item_id INTEGER PRIMARY KEY REFERENCES items(id) ON DELETE CASCADE,
        url TEXT NOT NULL,                       -- the page the text came from, after redirects
        body TEXT,                               -- NULL: not read (error says why)
        author TEXT NOT NULL DEFAULT '',
        error TEXT,
        fetched TEXT NOT NULL,                   -- the last try, UTC
        attempts INTEGER NOT NULL DEFAULT 1
    );
    """,
    # 9: developments (tracker/developments.py): every report of one event. items.development
    # is the id of its development (= the id of the report that founded it), set for on-story
    # items; development_why says why it joined (JSON, for the detail pane). A row in
    # development_moves is the user's placement (NULL: a development of its own) and wins.
    """
    ALTER TABLE items ADD COLUMN development INTEGER;
    ALTER TABLE items ADD COLUMN development_why TEXT;
    CREATE INDEX items_development ON items(development, outlet) WHERE development IS NOT NULL;
    CREATE INDEX items_ungrouped ON items(published, id) WHERE on_story = 1 AND development IS NULL;
    CREATE TABLE developments (
        id INTEGER PRIMARY KEY,                  -- = the founding report's item id, never changed
        headline INTEGER NOT NULL,               -- item id of its most representative report
        headline_score REAL NOT NULL DEFAULT -1,
        first TEXT NOT NULL,                     -- UTC ISO of its earliest report
        last TEXT NOT NULL,                      -- of its latest report
        reports INTEGER NOT NULL,
        outlets INTEGER NOT NULL,
        latest_item INTEGER NOT NULL             -- highest member id: recently joined first
    );
    CREATE INDEX developments_last ON developments(last DESC, id DESC);
    CREATE INDEX developments_first ON developments(first DESC, id DESC);
    CREATE INDEX developments_latest ON developments(latest_item);
    CREATE TABLE development_moves (
        item_id INTEGER PRIMARY KEY REFERENCES items(id) ON DELETE CASCADE,
        development INTEGER                      -- NULL: a development of its own
    );
    INSERT INTO settings (key, value) VALUES ('development_index', '1');
    """,
    # 10: dates on-story reports name (datephrases.py), suggested as milestones: one row per
    # moment (within an hour), the reports naming it in suggestion_reports; dates_read marks
    # the reports read, so each is read once.
    """
    CREATE TABLE suggestions (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,                        -- UTC
        timed INTEGER NOT NULL,                  -- 0: a day was named, at is its 00:00 in timezone
        timezone TEXT NOT NULL,
        phrase TEXT NOT NULL,                    -- as the first report wrote it
        sentence TEXT NOT NULL,
        item_id INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,  -- the first report naming it
        state TEXT NOT NULL DEFAULT 'suggested', -- suggested, added, dismissed
        created TEXT NOT NULL
    );
    CREATE INDEX suggestions_at ON suggestions(at);
    CREATE TABLE suggestion_reports (
        suggestion_id INTEGER NOT NULL REFERENCES suggestions(id) ON DELETE CASCADE,
        item_id INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
        PRIMARY KEY (suggestion_id, item_id)
    ) WITHOUT ROWID;
    CREATE TABLE dates_read (item_id INTEGER PRIMARY KEY REFERENCES items(id) ON DELETE CASCADE);
    """,
    # 11: relevance that follows the story. items.joined is set when the rules left an item
    # out but it joined an on-story development (Store._offer): the headline it joined, kept
    # so that the item stays on the story (on_story = COALESCE(manual, MAX(rule_on_story,
    # joined IS NOT NULL))) whatever re-scoring or re-grouping does, and says why.
    """
    ALTER TABLE items ADD COLUMN joined TEXT;
    """,
]
# The migration whose full-text index (TEXTS_FTS) is made with it.
TEXTS_MIGRATION = next(i for i, m in enumerate(MIGRATIONS) if "CREATE TABLE texts" in m)

TEXTS_FTS = [
    "CREATE VIRTUAL TABLE texts_fts USING fts5(body, content='texts', content_rowid='item_id', "
    "tokenize='porter unicode61', detail=none)",
    "CREATE TRIGGER texts_fts_ai AFTER INSERT ON texts WHEN new.body IS NOT NULL BEGIN "
    "INSERT INTO texts_fts (rowid, body) VALUES (new.item_id, new.body); END",
    "CREATE TRIGGER texts_fts_ad AFTER DELETE ON texts WHEN old.body IS NOT NULL BEGIN "
    "INSERT INTO texts_fts (texts_fts, rowid, body) VALUES ('delete', old.item_id, old.body); END",
    "CREATE TRIGGER texts_fts_bu BEFORE UPDATE OF body ON texts WHEN old.body IS NOT NULL BEGIN "
    "INSERT INTO texts_fts (texts_fts, rowid, body) VALUES ('delete', old.item_id, old.body); END",
    "CREATE TRIGGER texts_fts_au AFTER UPDATE OF body ON texts WHEN new.body IS NOT NULL BEGIN "
    "INSERT INTO texts_fts (rowid, body) VALUES (new.item_id, new.body); END",
]
TEXT_ATTEMPTS = 3  # a page that failed this often is not tried again
TEXT_RETRY = 3600  # seconds before a failed page is tried again

# Full-text search over titles and summaries, kept in step by triggers. Only a change of
# the text touches the index: marking read or starred does not. detail=none: the index keeps
# which items hold a word, not where, since search asks for words (prefixes), never phrases;
# without positions the index is smaller and storing a cold poll costs 5-9% less CPU.
FTS = [
    "CREATE VIRTUAL TABLE items_fts USING fts5(title, summary, content='items', content_rowid='id', "
    "tokenize='porter unicode61', detail=none)",
    "CREATE TRIGGER items_fts_ai AFTER INSERT ON items BEGIN "
    "INSERT INTO items_fts (rowid, title, summary) VALUES (new.id, new.title, new.summary); END",
    "CREATE TRIGGER items_fts_ad AFTER DELETE ON items BEGIN "
    "INSERT INTO items_fts (items_fts, rowid, title, summary) VALUES ('delete', old.id, old.title, old.summary); END",
    "CREATE TRIGGER items_fts_au AFTER UPDATE OF title, summary ON items BEGIN "
    "INSERT INTO items_fts (items_fts, rowid, title, summary) VALUES ('delete', old.id, old.title, old.summary); "
    "INSERT INTO items_fts (rowid, title, summary) VALUES (new.id, new.title, new.summary); END",
]

ITEM_COLUMNS = ("id, link, canonical, title, summary, author, outlet, published, dated, first_seen, "
                "updated, rule_on_story, manual, on_story, matched, read, starred, backlog, cluster, development, "
                "development_why, joined")


class Abandoned(Exception):
    """A read stopped because its answer was no longer wanted (Store.reading_until)."""


@dataclass(frozen=True)
class Ready:
    """An entry with the CPU part of storing it done beforehand (Store._ready), before the
    write transaction begins: the database's write lock, which the dashboard's read and star
    marks and other processes' polls wait for, is held for less time."""
    entry: Entry  # with an outlet suffix split off the title, as far as the outlets known then tell
    match: Match
    raw_title: str
    canonical: str | None  # links.link_key: the canonical link and its #fragment
    terms: str  # the matched terms, as stored (JSON)
    features: cluster.Features | None  # for on-story entries, of entry.title and entry.summary


@dataclass(frozen=True)
class FeedUpdate:
    """What storing one successful fetch changed."""

    new: tuple[int, ...] = ()  # ids of items seen for the first time (any feed)
    updated: tuple[int, ...] = ()  # ids whose title or summary the feed changed
    entries: int = 0
    problem: str | None = None  # the feed's status note as stored: the parser's, a cap, churning ids


@dataclass
class Filter:
    """Which items a list shows."""

    story: bool | None = True  # True: on the story, False: off it, None: all
    unread: bool = False
    starred: bool = False
    query: str = ""
    extra: dict = field(default_factory=dict)
    clusters: bool = False  # one row per cluster: its representative (earliest report)


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


def merge_feeds(feeds: Iterable[FeedConfig], rows: Iterable[dict]) -> list[dict]:
    """feeds.toml's feeds, in its order, each with its row of Store.feeds() (by name): what
    sync_feeds would make of the table, worked out without writing it, so a command that only
    looks shows a feed added since the last poll (or a changed URL) as not polled yet."""
    known = {r["name"]: r for r in rows}
    out = []
    for f in feeds:
        row = known.get(f.name)
        if row is None:
            row = {"id": None, "name": f.name, "title": "", "last_poll": None, "last_ok": None, "polls": 0,
                   "items": 0, "on_story_items": 0} | URL_STATE
        elif row["url"] != f.url:
            row = row | URL_STATE
        out.append(row | {"url": f.url, "active": 1})
    return out


def fts_query(text: str) -> str | None:
    """User text -> a safe FTS5 prefix query: every word quoted, so no user input is FTS syntax.
    Words split where the index's tokenizer splits them (at "_" too): a quoted string of two
    tokens would be a phrase, which an index without positions cannot answer."""
    words = re.findall(r"[^\W_]+", text)
    return " ".join(f'"{w}"*' for w in words) if words else None


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


class Store:
    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._outlets: set[str] | None = None  # casefolded names an aggregator's title may end in
        self.cluster_cache = cluster.FeatureCache()
        self._grouping: _Grouping | None = None  # the developments' in-memory state, made at first use
        self._prune_due = 0.0  # time.monotonic() of this process's next prune of old off-story items
        self._file: tuple[int, int] | None = None  # (device, inode) of the file opened, once opened

    # ---------------------------------------------------------------- connections
    @classmethod
    def open(cls, path: str | Path, create: bool = True) -> "Store":
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
            store.migrate()
            st = os.stat(path)
            store._file = (st.st_dev, st.st_ino)
        except sqlite3.Error as e:
            store.close()
            raise StoreError(explain(e, path)) from None
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
        conn = self._conn()
        conn.execute("BEGIN IMMEDIATE")
        try:
            self._check_file()  # a stat, with the lock held: nothing goes into a file no longer the database
            yield conn
            conn.execute("COMMIT")
        except BaseException:
            # After some errors (a full disk met while spilling the cache mid-statement) SQLite
            # has already rolled the transaction back: a ROLLBACK then fails and hides why.
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            self._grouping = None  # it may hold what was rolled back (and ids are given again)
            raise

    @contextmanager
    def reading_until(self, stale: Callable[[], bool]) -> Iterator[None]:
        """Reads inside stop, raising Abandoned, once stale() says their answer is no longer
        wanted (a search a newer key has replaced): SQLite asks it every 100,000 steps,
        so a replaced query gives the cores back at once instead of running to its end."""
        conn = self._conn()
        # Every 100,000 steps (a few ms of SQLite's work): each call takes the GIL from the event
        # loop, so asking more often slowed the very search it guards (every 5,000: 220-330 ms a key).
        conn.set_progress_handler(lambda: 1 if stale() else 0, 100_000)
        try:
            yield
        except sqlite3.OperationalError as e:
            if "interrupt" in str(e) and stale():
                raise Abandoned() from None
            raise
        finally:
            conn.set_progress_handler(None, 0)

    def execute(self, sql: str, params: Sequence = ()) -> list[sqlite3.Row]:
        return self._conn().execute(sql, params).fetchall()

    def migrate(self) -> None:
        conn = self._conn()
        conn.execute("PRAGMA schema_version").fetchone()  # reads the header: fails fast on a non-database
        if conn.execute("PRAGMA user_version").fetchone()[0] == 0:
            # Tables but no schema version: another program's database (a --db typo). Adding
            # tracker's tables, or switching it to WAL, would change a file that isn't ours.
            theirs = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view') "
                                                 "AND name NOT LIKE 'sqlite_%' ORDER BY name LIMIT 4")]
            if theirs:
                raise StoreError(f"{self.path} is another program's database (tables: {', '.join(theirs[:3])}"
                                 f"{' ...' if len(theirs) > 3 else ''}): tracker left it untouched. "
                                 "Pass --db with another file.")
        if conn.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
            conn.execute("PRAGMA journal_mode=WAL")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > len(MIGRATIONS):
            raise StoreError(f"{self.path} was written by a newer tracker (schema {version}); upgrade tracker.")
        if version == len(MIGRATIONS):
            return
        with self.write() as c:
            version = c.execute("PRAGMA user_version").fetchone()[0]  # another process may have won
            for number in range(version, len(MIGRATIONS)):
                # executescript() would COMMIT half-way; run the statements inside our transaction
                for statement in _statements(MIGRATIONS[number]):
                    c.execute(statement)
                if number == 2:
                    for statement in FTS:
                        c.execute(statement)
                    c.execute("INSERT INTO items_fts (items_fts) VALUES ('rebuild')")
                if number == TEXTS_MIGRATION:
                    for statement in TEXTS_FTS:
                        c.execute(statement)
                c.execute(f"PRAGMA user_version={number + 1}")

    def data_version(self) -> int:
        """Changes when ANOTHER connection commits: a cheap way to notice the other process."""
        return self._conn().execute("PRAGMA data_version").fetchone()[0]

    # ---------------------------------------------------------------- feeds
    def sync_feeds(self, feeds: Iterable[FeedConfig]) -> None:
        """Make the feeds table match feeds.toml (by name); removed feeds keep their items."""
        feeds = list(feeds)
        # A new URL in feeds.toml starts afresh: the old one's move, validators, 410 and
        # backoff say nothing of it (fixing a typo'd URL must not wait out the typo's backoff).
        fresh = ", ".join(f"{k} = CASE WHEN feeds.url = excluded.url THEN feeds.{k} ELSE {_sql_literal(v)} END"
                          for k, v in URL_STATE.items())
        with self.write() as c:
            c.execute("UPDATE feeds SET active = 0")
            for f in feeds:
                c.execute("INSERT INTO feeds (name, url) VALUES (?, ?) "
                          f"ON CONFLICT(name) DO UPDATE SET active = 1, url = excluded.url, {fresh}",
                          (f.name, f.url))

    def configured_feeds(self, feeds: Iterable[FeedConfig]) -> list[dict]:
        """feeds.toml's feeds with what the database knows of each: see merge_feeds."""
        return merge_feeds(feeds, self.feeds(active_only=False))

    def feed(self, name: str) -> sqlite3.Row | None:
        rows = self.execute("SELECT * FROM feeds WHERE name = ?", (name,))
        return rows[0] if rows else None

    def claim_poll(self, name: str, now: datetime, until: datetime, ours: str | None) -> bool:
        """A scheduled poll takes its turn: if the feed's next poll has come, or is still the
        one this process stored last (`ours`: our schedule may come due a little before it, or
        a clock set back may put it hours ahead), move it to `until`. -> whether we got it.
        In one write transaction, so of two processes (a dashboard and a daemon) whose
        schedules come due together, one polls and the other finds the turn taken."""
        with self.write() as c:
            return c.execute("UPDATE feeds SET next_poll = ? WHERE name = ? AND "
                             "(next_poll IS NULL OR next_poll <= ? OR next_poll = ?)",
                             (to_iso(until), name, to_iso(now), ours)).rowcount > 0

    def feeds(self, active_only: bool = True) -> list[dict]:
        """Every feed with its health and how many items (and on-story items) it carried."""
        sql = """
            SELECT f.*, COALESCE(c.items, 0) AS items, COALESCE(c.on_story, 0) AS on_story_items
            FROM feeds f LEFT JOIN (
                SELECT x.feed_id, COUNT(*) AS items, SUM(i.on_story) AS on_story
                FROM item_feeds x JOIN items i ON i.id = x.item_id GROUP BY x.feed_id
            ) c ON c.feed_id = f.id
        """ + (" WHERE f.active = 1" if active_only else "") + " ORDER BY f.id"
        return [dict(r) for r in self.execute(sql)]

    def record_failure(self, name: str, error: str, status: int | None, next_poll: datetime,
                       retry_after: datetime | None = None, gone: bool = False,
                       duration: float = 0.0, size: int = 0, now: datetime | None = None) -> None:
        now_s = to_iso(now or utcnow())
        with self.write() as c:
            fid = self._feed_id(c, name)
            c.execute("UPDATE feeds SET last_poll = ?, last_status = ?, last_error = ?, "
                      "failures = failures + 1, next_poll = ?, retry_after = ?, gone = ?, polls = polls + 1 "
                      "WHERE id = ?",
                      (now_s, status, error, to_iso(next_poll), to_iso(retry_after) if retry_after else None,
                       int(gone), fid))
            self._record_fetch(c, fid, now_s, status, error, duration, size, 0, 0)

    def _ready(self, feed: FeedConfig, entries: Sequence[tuple[Entry, Match]]) -> list[Ready]:
        """What store_fetch needs to work out for each entry and can without the write lock:
        outlet suffixes, canonical links, the features clustering compares. Reads only."""
        outlets = self._outlet_names(self._conn())
        out = []
        for e, m in entries:
            raw_title = e.title
            if not e.outlet:  # no <source>: a known outlet's " - Outlet" suffix still names it
                title, outlet = cluster.split_outlet(e.title, outlets)
                if outlet:
                    e = dataclasses.replace(e, title=title, outlet=outlet)
            on = m.on_story or not feed.match
            out.append(Ready(e, m, raw_title, link_key(e.link), json.dumps(list(m.terms)),
                             cluster.Features.of(e.title, e.summary) if on else None))
        return out

    def store_fetch(self, feed: FeedConfig, entries: Sequence[tuple[Entry, Match]], *, status: int,
                    etag: str | None, last_modified: str | None, next_poll: datetime,
                    moved_to: str | None = None, problem: str | None = None, duration: float = 0.0,
                    size: int = 0, title: str = "", now: datetime | None = None,
                    keep_off_story: float | None = None) -> FeedUpdate:
        """Store one successful fetch (200 or 304) of a feed: items, state and record, atomically.
        At most feed.max_new_items entries it never sent before are stored (the first ones, as
        feeds list the newest first); the rest wait for a later poll. keep_off_story: seconds
        after which items off the story are deleted (prune_off_story), None: never."""
        entries = self._ready(feed, entries)
        now = now or utcnow()
        now_s = to_iso(now)
        new: list[int] = []
        updated: list[int] = []
        seen = fresh = held = 0  # entries this feed sent before / new ones stored / new ones left for later
        with self.write() as c:
            row = c.execute("SELECT id, polls, last_ok, churn FROM feeds WHERE name = ?", (feed.name,)).fetchone()
            fid = row["id"] if row else self._feed_id(c, feed.name, feed.url)
            first_poll = not (row and row["last_ok"])
            for entry in entries:
                found = c.execute("SELECT item_id, title, published, own FROM item_feeds "
                                  "WHERE feed_id = ? AND entry_id = ?", (fid, entry.entry.entry_id)).fetchone()
                if found:
                    seen += 1
                elif feed.max_new_items is not None and fresh >= feed.max_new_items:
                    held += 1
                    continue
                else:
                    fresh += 1
                item_id, is_new, changed = self._upsert_entry(c, fid, feed, entry, now, first_poll, found)
                if is_new:
                    new.append(item_id)
                elif changed:
                    updated.append(item_id)
            churn = (row["churn"] if row else 0) if not entries else \
                (row["churn"] + 1 if row and not first_poll and not seen and len(entries) >= 3 else 0)
            notes = [problem] if problem else []
            if held:
                notes.append(f"capped: stored {fresh} of the {fresh + held} new entries "
                             f"(max_new_items = {feed.max_new_items}); the rest wait for later polls")
            if churn >= CHURN_POLLS:
                notes.append(f"its entry ids all changed on each of the last {churn} polls: "
                             "every poll looks all new (a feed that makes up ids?)")
            problem = "; ".join(notes) or None
            if held:  # no validators: a 304 next time would leave the held entries unsent
                etag = last_modified = None
            c.execute("UPDATE feeds SET last_poll = ?, last_ok = ?, last_status = ?, last_error = ?, "
                      "failures = 0, retry_after = NULL, next_poll = ?, gone = 0, polls = polls + 1, "
                      # A 200 states the validators now in force (none is an answer too: sending
                      # an old one would ask about a version the server no longer serves); a 304
                      # may leave them out, and then the stored ones still hold.
                      "etag = COALESCE(?, CASE WHEN ? = 304 THEN etag END), "
                      "last_modified = COALESCE(?, CASE WHEN ? = 304 THEN last_modified END), "
                      "moved_to = COALESCE(?, moved_to), title = CASE WHEN ? != '' THEN ? ELSE title END, "
                      "churn = ? WHERE id = ?",
                      (now_s, now_s, status, problem, to_iso(next_poll), etag, status, last_modified, status,
                       moved_to, title, title, churn, fid))
            self._record_fetch(c, fid, now_s, status, problem, duration, size, len(entries), len(new))
        if keep_off_story is not None and time.monotonic() >= self._prune_due:
            pruned = self.prune_off_story(now - timedelta(seconds=keep_off_story))
            self._prune_due = time.monotonic() + (0 if pruned >= PRUNE_BATCH else PRUNE_EVERY)
        return FeedUpdate(new=tuple(new), updated=tuple(updated), entries=len(entries), problem=problem)

    def prune_off_story(self, before: datetime, limit: int = PRUNE_BATCH) -> int:
        """Delete up to `limit` items off the story first seen before `before`: never one on
        the story, starred, or given a verdict by hand (+/-), nor one in a cluster. -> how many.
        Oldest first (ids order arrival). An entry its feed still sends comes back as new."""
        with self.write() as c:
            ids = [r[0] for r in c.execute(
                "SELECT id FROM items WHERE on_story = 0 AND starred = 0 AND manual IS NULL AND title_key IS NULL "
                "AND first_seen < ? ORDER BY id LIMIT ?", (to_iso(before), limit))]
            for chunk, marks in chunks(ids):
                c.execute(f"DELETE FROM item_bands WHERE item_id IN ({marks})", chunk)
                c.execute(f"DELETE FROM items WHERE id IN ({marks})", chunk)  # item_feeds, versions: cascade
        return len(ids)

    def _feed_id(self, c: sqlite3.Connection, name: str, url: str = "") -> int:
        row = c.execute("SELECT id FROM feeds WHERE name = ?", (name,)).fetchone()
        if row:
            return row[0]
        return c.execute("INSERT INTO feeds (name, url) VALUES (?, ?)", (name, url)).lastrowid

    def _record_fetch(self, c, fid, at, status, error, duration, size, entries, new_items) -> None:
        c.execute("INSERT INTO fetches (feed_id, at, status, error, duration, bytes, entries, new_items) "
                  "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", (fid, at, status, error, duration, size, entries, new_items))
        c.execute("DELETE FROM fetches WHERE feed_id = ? AND id <= "
                  "(SELECT id FROM fetches WHERE feed_id = ? ORDER BY id DESC LIMIT 1 OFFSET ?)",
                  (fid, fid, FETCH_HISTORY))

    def _upsert_entry(self, c: sqlite3.Connection, fid: int, feed: FeedConfig, r: Ready,
                      now: datetime, first_poll: bool, found: sqlite3.Row | None) -> tuple[int, bool, bool]:
        """-> (item id, first time seen, text changed). The same entry of the same feed is found
        by its id; the same article from another feed by its link (link_key). Never an item
        this feed already carries: within a feed, distinct ids are distinct items.
        found: the feed's item_feeds row for this entry (item_id, title, published, own), if any."""
        e, m, raw_title, canonical, features = r.entry, r.match, r.raw_title, r.canonical, r.features
        now_s = to_iso(now)
        rule_on = int(m.on_story or not feed.match)
        if not e.outlet:  # an outlet learned since Ready was made may name a suffix now
            title, outlet = cluster.split_outlet(e.title, self._outlet_names(c))
            if outlet:
                e = dataclasses.replace(e, title=title, outlet=outlet)
                features = None
        elif e.title == raw_title and e.outlet.casefold() not in self._outlet_names(c):  # from <source>
            self._outlets.add(e.outlet.casefold())
        own = int(same_site(feed.url, e.link))
        copy = (e.title, e.published, own)
        if found:
            item_id = found[0]
            old = c.execute("SELECT title, summary, rule_on_story FROM items WHERE id = ?", (item_id,)).fetchone()
            # an item stored before its outlet suffix was recognised has not changed either
            changed = (old["title"] not in (e.title, raw_title) or e.summary != old["summary"]) and bool(e.title)
            if tuple(found)[1:] != copy:  # written only when it changed: a poll of known entries writes nothing
                c.execute("UPDATE item_feeds SET title = ?, published = ?, own = ? WHERE feed_id = ? AND entry_id = ?",
                          copy + (fid, e.entry_id))
            elif not changed:  # nothing new from this source, so no other copy can have overtaken it
                return item_id, False, False
            best = self._best_copy(c, item_id)
            if best is not None and best[:2] != (fid, e.entry_id):  # another source's copy is the item's
                return item_id, False, self._retitle(c, item_id, best[2])
            if changed:
                c.execute("INSERT INTO item_versions (item_id, title, summary, replaced) VALUES (?, ?, ?, ?)",
                          (item_id, old["title"], old["summary"], now_s))
                c.execute("UPDATE items SET title = ?, summary = ?, updated = ?, read = 0, matched = ?, "
                          "rule_on_story = ?, on_story = COALESCE(manual, MAX(?, joined IS NOT NULL)) WHERE id = ?",
                          (e.title, e.summary, now_s, r.terms, rule_on, rule_on, item_id))
                cluster.update(c, item_id, old["title"], old["summary"], self.cluster_cache)
                self.development_update(c, item_id)
            return item_id, False, changed
        item_id = None
        if canonical:
            # Among the newest few with the link only: a feed whose every entry links to one
            # page (a status page, a home page) would otherwise have each new entry read all
            # its earlier ones.
            row = c.execute("SELECT id, rule_on_story FROM (SELECT id, rule_on_story FROM items WHERE canonical = ? "
                            f"ORDER BY id DESC LIMIT {MERGE_CANDIDATES}) i WHERE NOT EXISTS "
                            "(SELECT 1 FROM item_feeds x WHERE x.item_id = i.id AND x.feed_id = ?) LIMIT 1",
                            (canonical, fid)).fetchone()
            if row:
                item_id = row[0]
                if rule_on and not row[1]:
                    c.execute("UPDATE items SET rule_on_story = 1, on_story = COALESCE(manual, 1) WHERE id = ?",
                              (item_id,))
                    cluster.update(c, item_id, cache=self.cluster_cache)
                    self.development_update(c, item_id)
                c.execute("INSERT OR IGNORE INTO item_feeds (feed_id, entry_id, item_id, first_seen, title, "
                          "published, own) VALUES (?,?,?,?,?,?,?)", (fid, e.entry_id, item_id, now_s) + copy)
                best = self._best_copy(c, item_id)
                return item_id, False, best is not None and self._retitle(c, item_id, best[2])
        is_new = item_id is None
        if is_new:
            published, dated = e.published, 1
            if not published or published > now_s:
                # no usable date, or one in the future (which would pin the item to the top):
                # either way the time stored is tracker's, not the feed's
                published, dated = now_s, 0
            item_id = c.execute(
                "INSERT INTO items (link, canonical, title, summary, author, outlet, published, dated, "
                "first_seen, rule_on_story, on_story, matched, backlog) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (e.link, canonical, e.title, e.summary, e.author, e.outlet or feed.name, published, dated,
                 now_s, rule_on, rule_on, r.terms, int(first_poll))).lastrowid
            c.execute("UPDATE items SET cluster = id WHERE id = ?", (item_id,))
            if rule_on:
                cid = cluster.attach(c, item_id, e.title, e.summary, published, self.cluster_cache, features)
                self._group(c, item_id, e.title, e.summary, published, cid)
            else:
                self._offer(c, item_id, e.title, e.summary, published)
        c.execute("INSERT OR IGNORE INTO item_feeds (feed_id, entry_id, item_id, first_seen, title, published, own) "
                  "VALUES (?,?,?,?,?,?,?)", (fid, e.entry_id, item_id, now_s) + copy)
        return item_id, is_new, False

    @staticmethod
    def _best_copy(c: sqlite3.Connection, item_id: int) -> tuple[int, str, str] | None:
        """(feed id, entry id, title) of the source copy whose headline an item shows: the
        publisher's own (its feed on the link's site), else the earliest dated, then by the
        headline itself. Nothing here depends on which feed's fetch was stored first."""
        row = c.execute("SELECT feed_id, entry_id, title FROM item_feeds WHERE item_id = ? AND title IS NOT NULL "
                        "AND title != '' ORDER BY own DESC, published IS NULL, published, title, entry_id LIMIT 1",
                        (item_id,)).fetchone()
        return tuple(row) if row else None

    def _retitle(self, c: sqlite3.Connection, item_id: int, title: str) -> bool:
        """Show another source's headline: not an edit (no version, not unread again), as the
        headline it replaces stays with its own source's copy."""
        old = c.execute("SELECT title, summary FROM items WHERE id = ?", (item_id,)).fetchone()
        if old is None or old["title"] == title:
            return False
        c.execute("UPDATE items SET title = ? WHERE id = ?", (title, item_id))
        cluster.update(c, item_id, old["title"], old["summary"], self.cluster_cache)
        return True

    def _outlet_names(self, c: sqlite3.Connection) -> set[str]:
        if self._outlets is None:
            # Outlets that <source> elements or title suffixes named (feeds' own names aside).
            learned = c.execute("SELECT DISTINCT outlet FROM items WHERE on_story = 1 "
                                "AND outlet NOT IN (SELECT name FROM feeds)").fetchall()
            self._outlets = set(cluster.KNOWN_OUTLETS) | {r[0].casefold() for r in learned if r[0]}
        return self._outlets

    # ---------------------------------------------------------------- items
    def _where(self, f: Filter) -> tuple[str, list]:
        clauses, params = [], []
        if f.story is not None:
            clauses.append("i.on_story = ?")
            params.append(int(f.story))
        if f.unread:
            clauses.append("i.read = 0")
        if f.starred:
            clauses.append("i.starred = 1")
        if f.clusters:
            clauses.append("i.cluster = i.id")  # as in the items_reps index's WHERE, so the planner uses it
        q = fts_query(f.query) if f.query else None
        if f.query and not q:
            clauses.append("0")
        # An item is found by its feed's words and by its article's (texts_fts). UNION ALL: IN
        # keeps each id once anyway.
        found = ("SELECT rowid FROM items_fts WHERE items_fts MATCH ? "
                 "UNION ALL SELECT rowid FROM texts_fts WHERE texts_fts MATCH ?")
        if q and f.clusters:
            # A cluster is found by any of its reports' words, not just its first's. Filter
            # first: the clusters the other clauses keep (items_reps) are each checked through
            # their members' ids (items_cluster, an index only), instead of every hit of the
            # index being looked up in the table for its cluster (a prefix such as "pe" hits a
            # tenth of all items: 484 -> 164 ms at 1,000,000 items). "+x.id": else the planner
            # searches items_cluster once per hit for each cluster (minutes).
            clauses.append(f"EXISTS (SELECT 1 FROM items x WHERE x.cluster = i.id AND +x.id IN ({found}))")
            params += [q, q]
        elif q:
            clauses.append(f"i.id IN ({found})")
            params += [q, q]
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", params

    def fts_items(self, query: str) -> list[int]:
        """Ids of the items whose title or summary the full-text index finds for an FTS5 query
        (the caller's own syntax: quote user text with fts_query)."""
        return [r[0] for r in self._conn().execute("SELECT rowid FROM items_fts WHERE items_fts MATCH ?", (query,))]

    def item_ids(self, f: Filter | None = None, limit: int | None = None) -> list[int]:
        """Ids in display order (newest first). The TUI keeps only this list and fetches rows
        for what is visible, which is what keeps 100,000 items instant."""
        where, params = self._where(f or Filter())
        sql = f"SELECT i.id FROM items i{where} ORDER BY i.published DESC, i.id DESC"
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        return [r[0] for r in self._conn().execute(sql, params)]

    def items(self, f: Filter | None = None, limit: int | None = None) -> list[dict]:
        f = f or Filter()
        if f.story is None and limit is not None:
            # On and off the story together, newest first: no index orders every item by time
            # (migration 4), so a plain ORDER BY sorts them all (0.5 s at 1,000,000 items).
            # items_story_time orders each half: the first `limit` of each, merged, are the
            # first `limit` of all.
            halves = self.items(dataclasses.replace(f, story=True), limit) + \
                self.items(dataclasses.replace(f, story=False), limit)
            return sorted(halves, key=lambda r: (r["published"], r["id"]), reverse=True)[:limit]
        where, params = self._where(f)
        sql = (f"SELECT {', '.join('i.' + c.strip() for c in ITEM_COLUMNS.split(','))} FROM items i{where} "
               "ORDER BY i.published DESC, i.id DESC")
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        rows = [dict(r) for r in self._conn().execute(sql, params)]
        return self._with_feeds(rows)

    def rows(self, ids: Sequence[int]) -> dict[int, dict]:
        """Items by id (with the names of the feeds that carried them)."""
        if not ids:
            return {}
        out: dict[int, dict] = {}
        conn = self._conn()
        for chunk, marks in chunks(ids):  # stay under SQLite's variable limit
            for r in conn.execute(f"SELECT {ITEM_COLUMNS} FROM items WHERE id IN ({marks})", chunk):
                out[r["id"]] = dict(r)
        self._with_feeds(list(out.values()))
        return out

    def with_developments(self, rows: Iterable[dict]) -> list[dict]:
        """The rows, each with `development` (the id of its development; for an item not
        grouped, its copy group's) and `outlets` (distinct outlets in that group now), as
        tracker/notify.py's Notifier takes them."""
        rows = list(rows)
        fresh = self.rows([r["id"] for r in rows])  # the development is set in the same write as the item
        for r in rows:
            r["development"] = (fresh.get(r["id"]) or r).get("development")
        devs = self.development_rows(sorted({r["development"] for r in rows if r["development"] is not None}))
        ids = sorted({r.get("cluster") or r["id"] for r in rows if r["development"] is None})
        outlets: dict[int, int] = {}
        for chunk, marks in chunks(ids):
            outlets.update(self._conn().execute(
                f"SELECT id, outlets FROM clusters WHERE id IN ({marks})", chunk).fetchall())
        for r in rows:
            if r["development"] is not None and r["development"] in devs:
                r["outlets"] = devs[r["development"]]["outlets"]
            else:
                r["development"] = r.get("cluster") or r["id"]
                r["outlets"] = outlets.get(r["development"], 1)
        return rows

    def item(self, item_id: int) -> dict | None:
        row = self.rows([item_id]).get(item_id)
        if row is not None:
            row["versions"] = [dict(r) for r in self.execute(
                "SELECT title, summary, replaced FROM item_versions WHERE item_id = ? ORDER BY id", (item_id,))]
            # The other sources' headlines for it, where they differ from the one shown.
            row["copies"] = [dict(r) for r in self.execute(
                "SELECT f.name AS feed, x.title FROM item_feeds x JOIN feeds f ON f.id = x.feed_id "
                "WHERE x.item_id = ? AND x.title IS NOT NULL AND x.title != ? ORDER BY x.first_seen, f.id",
                (item_id, row["title"]))]
        return row

    # ---------------------------------------------------------------- articles' text (fulltext.py)
    def texts_wanted(self, now: datetime, limit: int, skip_feeds: Iterable[str] = ()) -> list[tuple[int, str]]:
        """(item id, link) of on-story reports whose page is to be read, best first: the first
        report of each copy group before its copies, newest first; a failed page again after
        TEXT_RETRY seconds, up to TEXT_ATTEMPTS tries. Reports only feeds in `skip_feeds`
        (fulltext = false) carried are left alone."""
        skip = list(skip_feeds)
        marks = ",".join("?" * len(skip))
        skipped = (f" AND EXISTS (SELECT 1 FROM item_feeds x JOIN feeds f ON f.id = x.feed_id "
                   f"WHERE x.item_id = i.id AND f.name NOT IN ({marks}))") if skip else ""
        retry = to_iso(now - timedelta(seconds=TEXT_RETRY))
        sql = (f"SELECT i.id, i.link FROM items i LEFT JOIN texts t ON t.item_id = i.id "
               f"WHERE i.on_story = 1 AND i.link LIKE 'http%' "
               f"AND (t.item_id IS NULL OR (t.body IS NULL AND t.attempts < ? AND t.fetched < ?)){skipped} "
               f"ORDER BY (i.cluster = i.id OR i.cluster IS NULL) DESC, i.published DESC, i.id DESC LIMIT ?")
        return [(r[0], r[1]) for r in self._conn().execute(sql, [TEXT_ATTEMPTS, retry, *skip, limit])]

    def save_text(self, item_id: int, url: str, body: str | None, *, author: str = "", error: str | None = None,
                  now: datetime) -> None:
        """Keep a page's text (or why it could not be read). A text once read is not replaced
        by a later failure."""
        with self.write() as c:
            if c.execute("SELECT 1 FROM items WHERE id = ?", (item_id,)).fetchone() is None:
                return  # deleted meanwhile (retention)
            c.execute("INSERT INTO texts (item_id, url, body, author, error, fetched) VALUES (?, ?, ?, ?, ?, ?) "
                      "ON CONFLICT (item_id) DO UPDATE SET url = excluded.url, body = excluded.body, "
                      "author = excluded.author, error = excluded.error, fetched = excluded.fetched, "
                      "attempts = texts.attempts + 1 WHERE texts.body IS NULL",
                      (item_id, url, body, author, error, to_iso(now)))

    def item_text(self, item_id: int) -> dict | None:
        """The report's article text: url, body (None when it could not be read), author, error, fetched."""
        r = self._conn().execute("SELECT url, body, author, error, fetched FROM texts WHERE item_id = ?",
                                 (item_id,)).fetchone()
        return dict(r) if r else None

    def texts_of(self, ids: Sequence[int]) -> dict[int, str]:
        """The article bodies read for `ids` (those that have one)."""
        out: dict[int, str] = {}
        conn = self._conn()
        for chunk, marks in chunks(ids):
            for r in conn.execute(f"SELECT item_id, body FROM texts WHERE body IS NOT NULL AND item_id IN ({marks})",
                                  chunk):
                out[r[0]] = r[1]
        return out

    def _with_feeds(self, rows: list[dict]) -> list[dict]:
        if not rows:
            return rows
        by_id = {r["id"]: r for r in rows}
        for r in rows:
            r["feeds"] = []
            r["matched"] = json.loads(r["matched"]) if isinstance(r["matched"], str) else r["matched"]
        ids = list(by_id)
        conn = self._conn()
        for chunk, marks in chunks(ids):
            for r in conn.execute(f"SELECT x.item_id, f.name FROM item_feeds x JOIN feeds f ON f.id = x.feed_id "
                                  f"WHERE x.item_id IN ({marks}) ORDER BY x.first_seen, f.id", chunk):
                by_id[r[0]]["feeds"].append(r[1])
        return rows

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

    def count(self, f: Filter | None = None) -> int:
        where, params = self._where(f or Filter())
        return self._conn().execute(f"SELECT COUNT(*) FROM items i{where}", params).fetchone()[0]

    def set_read(self, ids: Iterable[int], read: bool = True) -> None:
        ids = list(ids)
        with self.write() as c:
            c.executemany("UPDATE items SET read = ? WHERE id = ?", [(int(read), i) for i in ids])

    def set_cluster_read(self, item_ids: Iterable[int], read: bool = True) -> None:
        """Read marks for whole clusters: every report in the cluster of each given item. The
        dashboard's row is the cluster, so reading it reads its copies too (else a digest of
        unread items would list a report already read on the dashboard)."""
        ids = list(item_ids)
        with self.write() as c:
            c.executemany("UPDATE items SET read = ? WHERE cluster = (SELECT cluster FROM items WHERE id = ?)",
                          [(int(read), i) for i in ids])

    def set_starred(self, item_id: int, starred: bool) -> None:
        with self.write() as c:
            c.execute("UPDATE items SET starred = ? WHERE id = ?", (int(starred), item_id))

    def set_manual(self, item_id: int, on_story: bool | None) -> None:
        """The user's verdict on an item; None hands it back to the rules."""
        with self.write() as c:
            c.execute("UPDATE items SET manual = ?, on_story = COALESCE(?, MAX(rule_on_story, joined IS NOT NULL)) "
                      "WHERE id = ?",
                      (None if on_story is None else int(on_story), None if on_story is None else int(on_story),
                       item_id))
            cluster.update(c, item_id, cache=self.cluster_cache)
            self.development_update(c, item_id)

    # ---------------------------------------------------------------- settings
    def setting(self, key: str, default: str | None = None) -> str | None:
        rows = self.execute("SELECT value FROM settings WHERE key = ?", (key,))
        return rows[0][0] if rows else default

    def set_setting(self, key: str, value: str) -> None:
        with self.write() as c:
            put_setting(c, key, value)

    # ---------------------------------------------------------------- dashboard
    def item_ids_between(self, f: Filter | None, after: int = 0, upto: int | None = None) -> list[int]:
        """item_ids() limited to after < id <= upto. The dashboard reads max_item_id() first and
        passes it as `upto`, so the next look (after=that max) neither repeats nor misses an item."""
        where, params = self._where(f or Filter())
        bounds = ["i.id > ?"] + (["i.id <= ?"] if upto is not None else [])
        params += [after] + ([upto] if upto is not None else [])
        where = (where + " AND " if where else " WHERE ") + " AND ".join(bounds)
        return [r[0] for r in self._conn().execute(
            f"SELECT i.id FROM items i{where} ORDER BY i.published DESC, i.id DESC", params)]

    def item_ids_among(self, f: Filter | None, ids: Sequence[int]) -> list[int]:
        """Which of `ids` the filter lists, in display order: where the rows an edit touched
        (a verdict on a cluster's reports) belong now."""
        where, params = self._where(f or Filter())
        where = (where + " AND " if where else " WHERE ")
        out: list[tuple[str, int]] = []
        conn = self._conn()
        for chunk, marks in chunks(ids):
            out += conn.execute(f"SELECT i.published, i.id FROM items i{where}i.id IN ({marks})",
                                params + chunk).fetchall()
        return [r[1] for r in sorted(out, key=tuple, reverse=True)]

    def sort_keys(self, ids: Sequence[int]) -> dict[int, tuple[str, int]]:
        """id -> (published, id), the display order's key: places new ids in a list already shown."""
        out: dict[int, tuple[str, int]] = {}
        conn = self._conn()
        for chunk, marks in chunks(ids):
            for r in conn.execute(f"SELECT id, published FROM items WHERE id IN ({marks})", chunk):
                out[r[0]] = (r[1], r[0])
        return out

    def next_unread(self, f: Filter | None, after: tuple[str, int] | None) -> int | None:
        """The first unread item below the display position `after` ((published, id)), or None."""
        where, params = self._where(f or Filter())
        clauses = ["i.read = 0"]
        if after is not None:
            clauses.append("(i.published < ? OR (i.published = ? AND i.id < ?))")
            params += [after[0], after[0], after[1]]
        where = (where + " AND " if where else " WHERE ") + " AND ".join(clauses)
        row = self._conn().execute(
            f"SELECT i.id FROM items i{where} ORDER BY i.published DESC, i.id DESC LIMIT 1", params).fetchone()
        return row[0] if row else None

    def deadlines(self) -> list[Deadline]:
        """The user's milestones (the `deadlines` table), soonest first; feeds.toml holds the rest."""
        out = []
        for r in self.execute("SELECT * FROM deadlines ORDER BY at, id"):
            try:
                at = clamped(from_iso(r["at"]))
            except (TypeError, ValueError):
                continue  # a row edited by hand into nonsense: the rest still count
            out.append(Deadline(label=r["label"], at=at, timezone=r["timezone"], note=r["note"] or "", id=r["id"]))
        return out

    def feed_states(self) -> list[dict]:
        """The active feeds' own columns, without feeds()'s item counts: cheap enough to read
        after every poll for the dashboard's status line."""
        return [dict(r) for r in self.execute("SELECT * FROM feeds WHERE active = 1 ORDER BY id")]

    def add_deadline(self, label: str, at: datetime, timezone: str, note: str = "") -> int:
        with self.write() as c:
            return c.execute("INSERT INTO deadlines (label, at, timezone, note, created) VALUES (?, ?, ?, ?, ?)",
                             (label, to_iso(at), timezone, note, to_iso(utcnow()))).lastrowid

    def update_deadline(self, deadline_id: int, *, label: str | None = None, at: datetime | None = None,
                        timezone: str | None = None, note: str | None = None) -> bool:
        """Change what is given of a stored milestone; False when there is no such milestone."""
        with self.write() as c:
            return c.execute("UPDATE deadlines SET label = COALESCE(?, label), at = COALESCE(?, at), "
                             "timezone = COALESCE(?, timezone), note = COALESCE(?, note) WHERE id = ?",
                             (label, to_iso(at) if at else None, timezone, note, deadline_id)).rowcount > 0

    def remove_deadline(self, deadline_id: int) -> bool:
        with self.write() as c:
            return c.execute("DELETE FROM deadlines WHERE id = ?", (deadline_id,)).rowcount > 0

    # ---------------------------------------------------------------- dates suggested from coverage
    def reports_for_dates(self, limit: int) -> list[dict]:
        """On-story reports not yet read for dates (datephrases.py), newest first."""
        return [dict(r) for r in self.execute(
            "SELECT i.id, i.title, i.summary, i.published FROM items i LEFT JOIN dates_read d ON d.item_id = i.id "
            "WHERE i.on_story = 1 AND d.item_id IS NULL ORDER BY i.published DESC, i.id DESC LIMIT ?", (limit,))]

    def store_date_phrases(self, item_id: int, phrases: Iterable, zone: str) -> int:
        """Record what one report names (datephrases.Phrase) and that it was read. A moment
        within an hour of one suggested already (in any state) adds this report to it rather
        than suggesting it again. -> how many new suggestions."""
        new = 0
        with self.write() as c:
            c.execute("INSERT OR IGNORE INTO dates_read (item_id) VALUES (?)", (item_id,))
            for p in phrases:
                at = p.when.astimezone(UTC)
                near = c.execute("SELECT id FROM suggestions WHERE at BETWEEN ? AND ? ORDER BY id LIMIT 1",
                                 (to_iso(at - timedelta(hours=1)), to_iso(at + timedelta(hours=1)))).fetchone()
                if near is None:
                    sid = c.execute(
                        "INSERT INTO suggestions (at, timed, timezone, phrase, sentence, item_id, created) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?)",
                        (to_iso(at), int(p.timed), zone, p.phrase, p.sentence, item_id, to_iso(utcnow()))).lastrowid
                    new += 1
                else:
                    sid = near[0]
                c.execute("INSERT OR IGNORE INTO suggestion_reports (suggestion_id, item_id) VALUES (?, ?)",
                          (sid, item_id))
        return new

    def suggestions(self, after: datetime | None = None, state: str = "suggested") -> list[dict]:
        """Suggested milestones (after `after`, soonest first), each with its first report's
        title and outlet and how many reports name it."""
        rows = self.execute(
            "SELECT s.*, i.title, i.outlet, (SELECT COUNT(*) FROM suggestion_reports r WHERE r.suggestion_id = s.id) "
            "AS reports FROM suggestions s JOIN items i ON i.id = s.item_id WHERE s.state = ? AND s.at > ? "
            "ORDER BY s.at, s.id", (state, to_iso(after) if after else ""))
        return [dict(r) | {"at": from_iso(r["at"])} for r in rows]

    def set_suggestion_state(self, suggestion_id: int, state: str) -> bool:
        if state not in ("suggested", "added", "dismissed"):
            raise ValueError(state)
        with self.write() as c:
            return c.execute("UPDATE suggestions SET state = ? WHERE id = ?", (state, suggestion_id)).rowcount > 0

    # ---------------------------------------------------------------- clusters and outlets
    def cluster_rows(self, ids: Sequence[int]) -> dict[int, dict]:
        """Rows for the live panel, one per cluster, for representatives' ids (from
        item_ids(Filter(clusters=True)), newest first): the earliest report's item row plus
        `size`, `outlets` (distinct outlets, the "x4"), `first_outlet` and `latest` (when the
        newest member was first seen). Only the rows asked for are read: call it for what is visible."""
        rows = self.rows(ids)
        stats = self.cluster_stats(list(rows))
        for r in rows.values():
            r.update(first_outlet=r["outlet"], **stats.get(r["id"], {"size": 1, "outlets": 1, "latest": r["first_seen"]}))
        return rows

    def cluster_stats(self, ids: Sequence[int]) -> dict[int, dict]:
        """{representative id: {size, outlets, latest}} for the clusters of two items or more."""
        out: dict[int, dict] = {}
        conn = self._conn()
        for chunk, marks in chunks(ids):
            for c in conn.execute(f"SELECT id, size, outlets, latest FROM clusters WHERE id IN ({marks})", chunk):
                out[c["id"]] = {"size": c["size"], "outlets": c["outlets"], "latest": c["latest"]}
        return out

    def cluster_members(self, cluster_id: int) -> list[dict]:
        """Every report in a cluster, earliest first (item rows: outlet, published, link, feeds ...)."""
        ids = [r[0] for r in self.execute("SELECT id FROM items WHERE cluster = ? ORDER BY published, id",
                                          (cluster_id,))]
        rows = self.rows(ids)
        return [rows[i] for i in ids]

    def outlets(self) -> list[dict]:
        """Every outlet that has covered the story, most items first: `outlet`, `items`, `first`
        (its first report's time) and `first_reports` (developments it was the first to report:
        the outlet of each development's earliest report, one indexed read per development)."""
        out = {r["outlet"]: dict(r) | {"first_reports": 0} for r in self.execute(
            "SELECT outlet, COUNT(*) AS items, MIN(published) AS first FROM items WHERE on_story = 1 "
            "GROUP BY outlet")}
        for r in self.execute("SELECT (SELECT i.outlet FROM items i WHERE i.development = d.id "
                              "ORDER BY i.published, i.id LIMIT 1) AS outlet, COUNT(*) FROM developments d "
                              "GROUP BY outlet"):
            if r[0] in out:
                out[r[0]]["first_reports"] = r[1]
        return sorted(out.values(), key=lambda o: (-o["items"], o["first"], o["outlet"]))

    def silent_feeds(self) -> list[str]:
        """The configured (active) feeds that have carried nothing on the story yet."""
        return [r[0] for r in self.execute(
            "SELECT name FROM feeds f WHERE active = 1 AND NOT EXISTS (SELECT 1 FROM item_feeds x "
            "JOIN items i ON i.id = x.item_id WHERE x.feed_id = f.id AND i.on_story = 1) ORDER BY id")]

    # ---------------------------------------------------------------- timeline
    def story_histogram(self, unit: str = "day", since: datetime | None = None,
                        until: datetime | None = None) -> dict[str, int]:
        """Developments (on-story clusters, each counted once, when first reported) per local
        day ('2026-02-25') or hour ('2026-02-25 14'), in [since, until). One GROUP BY over the
        items_reps index; SQLite's 'localtime' is the process's zone, as timeutil.local() is."""
        fmt = {"day": "%Y-%m-%d", "hour": "%Y-%m-%d %H"}[unit]
        where, params = self._story_span(since, until)
        return dict(self.execute(f"SELECT strftime('{fmt}', published, 'localtime') AS bucket, COUNT(*) "
                                 f"FROM items WHERE {where} GROUP BY bucket", params))

    def development_histogram(self, unit: str = "day", since: datetime | None = None,
                              until: datetime | None = None) -> dict[str, int]:
        """Developments (every report of one event, counted once) per local day or hour of
        their first report, in [since, until): one GROUP BY over the developments table."""
        fmt = {"day": "%Y-%m-%d", "hour": "%Y-%m-%d %H"}[unit]
        where, params = self._first_span(since, until)
        return dict(self.execute(f"SELECT strftime('{fmt}', first, 'localtime') AS bucket, COUNT(*) "
                                 f"FROM developments WHERE {where} GROUP BY bucket", params))

    def development_ids_between(self, since: datetime, until: datetime) -> list[int]:
        """The developments first reported in [since, until), earliest first."""
        where, params = self._first_span(since, until)
        return [r[0] for r in self.execute(f"SELECT id FROM developments WHERE {where} ORDER BY first, id", params)]

    @staticmethod
    def _first_span(since: datetime | None, until: datetime | None) -> tuple[str, list]:
        clauses, params = ["1"], []
        if since is not None:
            clauses.append("first >= ?")
            params.append(to_iso(since))
        if until is not None:
            clauses.append("first < ?")
            params.append(to_iso(until))
        return " AND ".join(clauses), params

    def story_cluster_ids(self, since: datetime, until: datetime) -> list[int]:
        """The representatives of the on-story clusters first reported in [since, until), earliest first."""
        where, params = self._story_span(since, until)
        return [r[0] for r in self.execute(f"SELECT id FROM items WHERE {where} ORDER BY published, id", params)]

    @staticmethod
    def _story_span(since: datetime | None, until: datetime | None) -> tuple[str, list]:
        clauses, params = ["on_story = 1", "cluster = id"], []  # cluster = id: the items_reps index
        if since is not None:
            clauses.append("published >= ?")
            params.append(to_iso(since))
        if until is not None:
            clauses.append("published < ?")
            params.append(to_iso(until))
        return " AND ".join(clauses), params


    # ---------------------------------------------------------------- developments
    # Every report of one event (tracker/developments.py). The grouping runs in the write
    # path, inside the caller's transaction, right after the item's copy group is known; its
    # in-memory state (_Grouping) is made from the stored rows at first use, and brought up to
    # date with what other processes grouped since, so ids given are never recomputed.

    def _grouper(self, c: sqlite3.Connection) -> "_Grouping":
        g = self._grouping
        # data_version changes when another connection (process, or thread) has committed:
        # only then can there be reports grouped elsewhere to catch up with.
        version = c.execute("PRAGMA data_version").fetchone()[0]
        if g is None:
            g = self._grouping = _Grouping.rebuild(c)
        elif g.seen.get(id(c)) != version:
            g.catch_up_others(c)
        g.seen[id(c)] = version
        return g

    def _forget_grouping(self) -> None:
        """After an edit the incremental state cannot follow (a move, a report leaving): it is
        made again from the rows at the next use."""
        self._grouping = None

    def _group(self, c: sqlite3.Connection, item_id: int, title: str, summary: str, published: str,
               cid: int | None, g: "_Grouping | None" = None, move=False, alone=frozenset(),
               batch: "_Batch | None" = None) -> int:
        """Put an on-story item in a development; -> the development's id. A copy joins its
        copies' development; the user's move, if any, wins. A batch (group_developments)
        passes the grouping state, the item's move row (None: none), the copy groups of one
        item (no copies to look up), each found once for the batch, and its _Batch, which
        writes the batch's rows at its end."""
        g = g or self._grouper(c)
        report = developments.Report(item_id, title, summary, published, cid)
        if move is False:
            move = c.execute("SELECT development FROM development_moves WHERE item_id = ?", (item_id,)).fetchone()
        if move is not None:
            if batch is not None:
                batch.flush(c)  # the move's target may be a development this batch founded
            a = g.grouper.place(report, _existing(c, move[0]))
        else:
            copy_dev = None if batch is None or cid is None else batch.copies.get(cid)
            if copy_dev is None and cid is not None and cid not in alone:
                row = c.execute("SELECT development FROM items WHERE cluster = ? AND id != ? AND development IS NOT NULL "
                                "LIMIT 1", (cid, item_id)).fetchone()
                copy_dev = row[0] if row else None
            a = g.grouper.add(report, copy_dev)
        if batch is not None:
            g.through = max(g.through, item_id)
            batch.add(c, a, item_id, published, cid, g.grouper.devs.get(a.development))
            return a.development
        return self._record(c, g, a, item_id, published)

    def _offer(self, c: sqlite3.Connection, item_id: int, title: str, summary: str, published: str) -> int | None:
        """A new item the rules left out, offered to the developments (inside the caller's
        transaction): when it joins an on-story one strongly enough (JOIN_THRESHOLD), it comes
        onto the story, joined = that development's headline. -> the development, or None."""
        g = self._grouper(c)
        a = g.grouper.candidate(developments.Report(item_id, title, summary, published))
        if a is None:
            return None
        row = c.execute("SELECT i.title FROM items i WHERE i.id = COALESCE((SELECT headline FROM developments "
                        "WHERE id = ?1), ?1)", (a.development,)).fetchone()
        c.execute("UPDATE items SET on_story = COALESCE(manual, 1), joined = ? WHERE id = ?",
                  (row[0] if row else "", item_id))
        cluster.attach(c, item_id, title, summary, published, self.cluster_cache, None)
        return self._record(c, g, a, item_id, published)

    def _record(self, c: sqlite3.Connection, g: "_Grouping", a: developments.Assignment, item_id: int,
                published: str) -> int:
        g.through = max(g.through, item_id)
        why = _why(a)
        outlet = c.execute("UPDATE items SET development = ?, development_why = ? WHERE id = ? RETURNING outlet",
                           (a.development, why, item_id)).fetchone()[0]
        self._count_join(c, a.development, item_id, published, outlet, g.grouper.devs.get(a.development))
        return a.development

    @staticmethod
    def _count_join(c: sqlite3.Connection, dev_id: int, item_id: int, published: str, outlet: str,
                    dev: developments.Development | None) -> None:
        # Counted as it grows, never recounted: a development of 10,000 copies costs the
        # 10,001st no more than the second.
        new_outlet = c.execute("SELECT 1 FROM items WHERE development = ? AND outlet = ? AND id != ? LIMIT 1",
                               (dev_id, outlet, item_id)).fetchone() is None
        headline = dev.headline if dev is not None else dev_id
        score = dev.headline_score if dev is not None else -1.0
        c.execute("INSERT INTO developments (id, headline, headline_score, first, last, reports, outlets, latest_item) "
                  "VALUES (?, ?, ?, ?, ?, 1, 1, ?) ON CONFLICT(id) DO UPDATE SET "
                  "headline = excluded.headline, headline_score = excluded.headline_score, "
                  "first = MIN(first, excluded.first), last = MAX(last, excluded.last), reports = reports + 1, "
                  "outlets = outlets + ?, latest_item = MAX(latest_item, excluded.latest_item)",
                  (dev_id, headline, score, published, published, item_id, int(new_outlet)))

    def _recount_development(self, c: sqlite3.Connection, dev_id: int) -> None:
        n, outlets, first, last, latest = c.execute(
            "SELECT COUNT(*), COUNT(DISTINCT outlet), MIN(published), MAX(published), MAX(id) FROM items "
            "WHERE development = ?", (dev_id,)).fetchone()
        if not n:
            c.execute("DELETE FROM developments WHERE id = ?", (dev_id,))
            return
        c.execute("INSERT INTO developments (id, headline, first, last, reports, outlets, latest_item) "
                  "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET first = excluded.first, "
                  "last = excluded.last, reports = excluded.reports, outlets = excluded.outlets, "
                  "latest_item = excluded.latest_item", (dev_id, dev_id, first, last, n, outlets, latest))
        # a headline that left is replaced by the earliest report still there
        c.execute("UPDATE developments SET headline = (SELECT id FROM items WHERE development = ?1 "
                  "ORDER BY published, id LIMIT 1), headline_score = -1 WHERE id = ?1 AND "
                  "(SELECT development FROM items WHERE id = headline) IS NOT ?1", (dev_id,))

    def development_update(self, c: sqlite3.Connection, item_id: int) -> None:
        """After an item's verdict changed (inside the caller's transaction): group it when it
        came onto the story, take it out when it went off. A changed text keeps its development."""
        row = c.execute("SELECT title, summary, published, on_story, cluster, development FROM items WHERE id = ?",
                        (item_id,)).fetchone()
        if row is None:
            return
        title, summary, published, on_story, cid, dev = row
        if on_story and dev is None:
            self._group(c, item_id, title, summary, published, cid)
        elif not on_story and dev is not None:
            # The in-memory centroid keeps its terms: a report leaving is rare, and rebuilding
            # the state for each one of a re-score's would cost more than the staleness does.
            c.execute("UPDATE items SET development = NULL, development_why = NULL WHERE id = ?", (item_id,))
            self._recount_development(c, dev)

    def move_item(self, item_id: int, target: int | None) -> int | None:
        """The user's placement: the report (with its copies) into development `target`, or
        None: into a development of its own. Kept in development_moves, it wins over the
        algorithm, re-grouping included. -> the development it is in now (None: no such item,
        or not on the story)."""
        with self.write() as c:
            row = c.execute("SELECT cluster, development FROM items WHERE id = ? AND on_story = 1",
                            (item_id,)).fetchone()
            if row is None or row[1] is None:
                return None
            cid = row[0] if row[0] is not None else item_id
            members = [r[0] for r in c.execute("SELECT id FROM items WHERE (cluster = ? OR id = ?) AND on_story = 1 "
                                               "ORDER BY id", (cid, item_id))]
            if target is not None and c.execute("SELECT 1 FROM developments WHERE id = ?",
                                                (target,)).fetchone() is None:
                target = None if target == item_id else _existing(c, target)
            old = {r[0] for r in c.execute(f"SELECT DISTINCT development FROM items WHERE id IN "
                                           f"({','.join('?' * len(members))})", members)}
            new_id = target
            if target is None:
                new_id = item_id
                others = c.execute("SELECT id FROM items WHERE development = ? AND id NOT IN "
                                   f"({','.join('?' * len(members))}) ORDER BY id LIMIT 1",
                                   (item_id, *members)).fetchone()
                if others:  # it founded a development that goes on without it: the next report lends its id
                    c.execute("UPDATE items SET development = ? WHERE development = ? AND id NOT IN "
                              f"({','.join('?' * len(members))})", (others[0], item_id, *members))
                    c.execute("DELETE FROM developments WHERE id = ?", (item_id,))
                    old.add(others[0])
            why = json.dumps({"reason": "moved", "score": 0.0, "shared": [], "gap_seconds": None,
                              "text": "moved here by hand"})
            c.executemany("INSERT INTO development_moves (item_id, development) VALUES (?, ?) "
                          "ON CONFLICT(item_id) DO UPDATE SET development = excluded.development",
                          [(m, target) for m in members])
            c.executemany("UPDATE items SET development = ?, development_why = ? WHERE id = ?",
                          [(new_id, why, m) for m in members])
            for dev in old | {new_id}:
                self._recount_development(c, dev)
            self._forget_grouping()
            return new_id

    def developments_pending(self) -> bool:
        """Whether some on-story items are not grouped yet, or were grouped by another version."""
        c = self._conn()
        return self.setting(developments.INDEX_KEY) != developments.INDEX_VERSION or c.execute(
            "SELECT 1 FROM items INDEXED BY items_ungrouped WHERE on_story = 1 AND development IS NULL "
            "LIMIT 1").fetchone() is not None

    def group_developments(self, progress=None, batch: int = 2000, regroup: bool = False) -> int:
        """Group the on-story items not grouped yet, oldest first, a batch per transaction (so
        the dashboard and a poller write in between); regroup: forget every development first
        (the users' moves are kept and applied again). progress(done, total) after each batch.
        -> how many items were grouped."""
        with self.write() as c:
            if regroup or (c.execute("SELECT value FROM settings WHERE key = ?", (developments.INDEX_KEY,)).fetchone()
                           or [None])[0] != developments.INDEX_VERSION:
                c.execute("DELETE FROM developments")
                c.execute("UPDATE items SET development = NULL, development_why = NULL WHERE development IS NOT NULL")
                put_setting(c, developments.INDEX_KEY, developments.INDEX_VERSION)
                self._forget_grouping()
            total = c.execute("SELECT COUNT(*) FROM items INDEXED BY items_ungrouped WHERE on_story = 1 "
                              "AND development IS NULL").fetchone()[0]
        done = 0
        while True:
            with self.write() as c:
                rows = c.execute("SELECT id, title, summary, published, cluster, outlet FROM items "
                                 "INDEXED BY items_ungrouped "
                                 "WHERE on_story = 1 AND development IS NULL ORDER BY published, id LIMIT ?",
                                 (batch,)).fetchall()
                g = self._grouper(c) if rows else None  # once a batch: nobody else writes inside it
                moves: dict[int, tuple] = {}
                for chunk, marks in chunks([r[0] for r in rows]):
                    moves.update((m[0], (m[1],)) for m in c.execute(
                        f"SELECT item_id, development FROM development_moves WHERE item_id IN ({marks})", chunk))
                alone = set()
                for chunk, marks in chunks(sorted({r[4] for r in rows if r[4] is not None})):
                    alone.update(m[0] for m in c.execute(
                        f"SELECT cluster FROM items WHERE cluster IN ({marks}) GROUP BY cluster HAVING COUNT(*) = 1",
                        chunk))
                writes = _Batch({r[0]: r[5] for r in rows})
                for r in rows:
                    self._group(c, r[0], r[1], r[2], r[3], r[4], g, moves.get(r[0]), alone, writes)
                writes.flush(c)
            if not rows:
                return done
            done += len(rows)
            if progress is not None:
                progress(done, total)

    def development_ids(self, limit: int | None = None) -> list[int]:
        """Developments in display order: latest report first."""
        sql = "SELECT id FROM developments ORDER BY last DESC, id DESC" + (" LIMIT ?" if limit else "")
        return [r[0] for r in self.execute(sql, (limit,) if limit else ())]

    def development_list(self, f: Filter | None = None) -> list[int]:
        """Developments in the dashboard's order, newest first by their first report: a
        development that gains reports keeps its place (its row says so), a new one comes in
        at the top. With a filter: those with a report it lets through (unread, starred, a
        search), for the on-story items only."""
        f = f or Filter()
        plain = not (f.unread or f.starred or f.query)
        if plain:
            sql = "SELECT id FROM developments ORDER BY first DESC, id DESC"
            return [r[0] for r in self._conn().execute(sql)]
        where, params = self._where(dataclasses.replace(f, story=True, clusters=False))
        sql = (f"SELECT d.id FROM developments d WHERE d.id IN (SELECT i.development FROM items i{where} "
               f"{'AND' if where else 'WHERE'} i.development IS NOT NULL) ORDER BY d.first DESC, d.id DESC")
        return [r[0] for r in self._conn().execute(sql, params)]

    def development_sort_keys(self, ids: Sequence[int]) -> dict[int, tuple[str, int]]:
        """(first, id) of each development: where it goes in development_list()'s order."""
        out: dict[int, tuple[str, int]] = {}
        conn = self._conn()
        for chunk, marks in chunks(ids):
            for r in conn.execute(f"SELECT id, first FROM developments WHERE id IN ({marks})", chunk):
                out[r[0]] = (r[1], r[0])
        return out

    def development_rows(self, ids: Sequence[int]) -> dict[int, dict]:
        """Rows for the panel, for the developments asked for: id, headline (its title),
        headline_item, first, last, reports, outlets, latest_item, link and outlet (the
        headline's), unread (reports not read), starred (1 when one of them is)."""
        out: dict[int, dict] = {}
        conn = self._conn()
        for chunk, marks in chunks(ids):
            for r in conn.execute(
                    f"SELECT d.id, i.title AS headline, d.headline AS headline_item, d.first, d.last, d.reports, "
                    f"d.outlets, d.latest_item, i.link, i.outlet, "
                    f"(SELECT COUNT(*) FROM items u WHERE u.development = d.id AND u.read = 0) AS unread, "
                    f"(SELECT MAX(u.starred) FROM items u WHERE u.development = d.id) AS starred "
                    f"FROM developments d LEFT JOIN items i ON i.id = d.headline WHERE d.id IN ({marks})", chunk):
                out[r["id"]] = dict(r)
        return out

    def developments(self, limit: int | None = None) -> list[dict]:
        """development_rows() of every development (or the `limit` latest), latest first."""
        ids = self.development_ids(limit)
        rows = self.development_rows(ids)
        return [rows[i] for i in ids]

    def development_titles(self) -> dict[int, list[str]]:
        """Every development's report titles, its headline's first (for `tracker rules suggest`)."""
        out: dict[int, list[str]] = {}
        for dev_id, title in self.execute(
                "SELECT i.development, i.title FROM items i JOIN developments d ON d.id = i.development "
                "ORDER BY i.development, i.id != d.headline, i.id"):
            out.setdefault(dev_id, []).append(title)
        return out

    def development_items(self, dev_id: int) -> list[dict]:
        """A development's reports, earliest first (item rows; `development_why` is JSON:
        reason, score, shared terms, gap_seconds, text)."""
        ids = [r[0] for r in self.execute("SELECT id FROM items WHERE development = ? ORDER BY published, id",
                                          (dev_id,))]
        rows = self.rows(ids)
        return [rows[i] for i in ids]



def _statements(script: str) -> list[str]:
    # Our migrations hold no semicolons inside strings, so a plain split is exact.
    return [s.strip() for s in script.split(";") if s.strip()]


def _sql_literal(value) -> str:
    return "NULL" if value is None else str(int(value))


def _existing(c: sqlite3.Connection, target: int | None) -> int | None:
    """A move's target as it stands now: the development itself, else (after a re-grouping
    gave ids anew) the development its founding report is in; None: a development of its own."""
    if target is None or c.execute("SELECT 1 FROM developments WHERE id = ?", (target,)).fetchone():
        return target
    row = c.execute("SELECT development FROM items WHERE id = ?", (target,)).fetchone()
    return row[0] if row and row[0] is not None else None


def _why(a: developments.Assignment) -> str:
    """items.development_why: why the report is where it is, for the detail pane (JSON)."""
    return json.dumps({"reason": a.reason, "score": a.score, "shared": list(a.shared),
                       "gap_seconds": None if a.gap is None else int(a.gap.total_seconds()),
                       "text": a.explain()}, ensure_ascii=False)


@dataclass
class _Batch:
    """A batch of group_developments' assignments, written at its end in two executemany()
    calls: the rows Store._record and _count_join would write one item at a time, summed per
    development. Until then its items read as ungrouped, so what a later item of the batch
    would look up in them (its copies' development, a development's outlets) is kept here."""

    outlets: dict[int, str]  # item id -> outlet
    copies: dict[int, int] = field(default_factory=dict)  # copy group -> development, this batch's
    items: list[tuple[int, str, int]] = field(default_factory=list)
    devs: dict[int, list] = field(default_factory=dict)  # id -> [headline, score, first, last, reports, outlets, latest]
    seen: set[tuple[int, str]] = field(default_factory=set)  # (development, outlet) of this batch

    def add(self, c: sqlite3.Connection, a: developments.Assignment, item_id: int, published: str,
            cid: int | None, dev: developments.Development | None) -> None:
        dev_id, outlet = a.development, self.outlets[item_id]
        self.items.append((dev_id, _why(a), item_id))
        if cid is not None:
            self.copies[cid] = dev_id
        new_outlet = (dev_id, outlet) not in self.seen and c.execute(
            "SELECT 1 FROM items WHERE development = ? AND outlet = ? LIMIT 1", (dev_id, outlet)).fetchone() is None
        self.seen.add((dev_id, outlet))
        headline = dev.headline if dev is not None else dev_id
        score = dev.headline_score if dev is not None else -1.0
        d = self.devs.get(dev_id)
        if d is None:
            self.devs[dev_id] = [headline, score, published, published, 1, int(new_outlet), item_id]
        else:
            d[0], d[1] = headline, score
            d[2], d[3] = min(d[2], published), max(d[3], published)
            d[4] += 1
            d[5] += new_outlet
            d[6] = max(d[6], item_id)

    def flush(self, c: sqlite3.Connection) -> None:
        c.executemany("UPDATE items SET development = ?, development_why = ? WHERE id = ?", self.items)
        c.executemany(
            "INSERT INTO developments (id, headline, headline_score, first, last, reports, outlets, latest_item) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET "
            "headline = excluded.headline, headline_score = excluded.headline_score, "
            "first = MIN(first, excluded.first), last = MAX(last, excluded.last), "
            "reports = reports + excluded.reports, outlets = outlets + excluded.outlets, "
            "latest_item = MAX(latest_item, excluded.latest_item)",
            [(dev_id, *d) for dev_id, d in self.devs.items()])
        self.items, self.devs, self.seen = [], {}, set()


@dataclass
class _Grouping:
    """A process's developments state: the grouper, and the highest item id it has seen."""

    grouper: developments.Grouper
    through: int = 0
    seen: dict = field(default_factory=dict)  # id(connection) -> its data_version when last caught up

    _COLUMNS = "id, title, summary, published, cluster, development"

    def _replay(self, rows) -> None:
        for item_id, title, summary, published, cid, dev in rows:
            self.grouper.restore(developments.Report(item_id, title, summary, published, cid), dev)
            self.through = max(self.through, item_id)

    @classmethod
    def rebuild(cls, c: sqlite3.Connection) -> "_Grouping":
        """From the stored rows: the story's last DF_ITEMS grouped reports replayed, oldest
        first (their terms' rarity and the recent developments' centroids), then the
        developments' stored headlines."""
        g = cls(developments.Grouper())
        rows = c.execute(f"SELECT {cls._COLUMNS} FROM items WHERE development IS NOT NULL ORDER BY id DESC LIMIT ?",
                         (developments.DF_ITEMS,)).fetchall()
        g._replay(reversed(rows))
        devs = g.grouper.devs
        for dev_id, headline, score in c.execute("SELECT id, headline, headline_score FROM developments "
                                                 "ORDER BY latest_item DESC LIMIT ?", (developments.ACTIVE,)):
            if dev_id in devs:
                devs[dev_id].headline, devs[dev_id].headline_score = headline, score
        return g

    def catch_up_others(self, c: sqlite3.Connection) -> None:
        """What another process (the dashboard, a headless poller) grouped since."""
        self._replay(c.execute(f"SELECT {self._COLUMNS} FROM items WHERE id > ? AND development IS NOT NULL "
                               "ORDER BY id LIMIT ?", (self.through, developments.DF_ITEMS)).fetchall())
