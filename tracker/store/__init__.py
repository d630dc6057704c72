"""The SQLite database: schema and migrations, and every query the CLI, TUI and digest use.

Two processes (the dashboard and a headless poller) share one file, so: WAL (readers never
block the writer), BEGIN IMMEDIATE for writes (the busy timeout then really waits instead of
failing on a lock upgrade), and one connection per thread (sqlite3 connections are not
thread-safe). Whatever SQLite raises leaves the store as a StoreError that says what to do
(wrap_exceptions). A feed's items, its fetch record and its new ETag are written in ONE
transaction: a kill at any moment leaves either all of it or none of it.

Plain sqlite3 rather than sqlite-utils: the full-text index has its own triggers (sqlite-utils'
would re-index an item each time it is marked read or starred), the schema needs partial
indexes its helpers don't make, and each of its calls would stand in for one line of SQL while
costing every command ~50 ms of import.
"""

from ._base import (
    BUSY_TIMEOUT_MS,
    IN_CHUNK,
    PREFETCH_MAX,
    Abandoned,
    Connection,
    advise_readahead,
    chunks,
    explain,
    guarded,
    put_setting,
    wrap_exceptions,
)
from ._copies import CopiesPart
from ._digests import DigestsPart
from ._feeds import CHURN_POLLS, FETCH_HISTORY, URL_STATE, FeedsPart, FeedUpdate, merge_feeds
from ._groups import GroupsPart
from ._items import ITEM_COLUMNS, MERGE_CANDIDATES, PRUNE_BATCH, PRUNE_EVERY, Filter, ItemsPart, Ready, fts_query
from ._rescore import RescorePart, Scored, Verdict
from ._schema import FTS, MIGRATIONS, STORY_FTS, STORY_MIGRATION, TEXTS_FTS, TEXTS_MIGRATION, SchemaPart, migration_statements
from ._settings import SettingsPart
from ._texts import TEXT_ATTEMPTS, TEXT_RETRY, TextsPart


@guarded
class Store(SchemaPart, FeedsPart, ItemsPart, TextsPart, CopiesPart, GroupsPart, RescorePart, SettingsPart,
            DigestsPart, Connection):
    """The database, one part per domain (the connection and its transactions in Connection)."""


__all__ = [
    "BUSY_TIMEOUT_MS", "CHURN_POLLS", "FETCH_HISTORY", "FTS", "IN_CHUNK", "ITEM_COLUMNS", "MERGE_CANDIDATES",
    "MIGRATIONS", "PREFETCH_MAX", "PRUNE_BATCH", "PRUNE_EVERY", "STORY_FTS", "STORY_MIGRATION", "TEXTS_FTS",
    "TEXTS_MIGRATION", "TEXT_ATTEMPTS", "TEXT_RETRY", "URL_STATE", "Abandoned", "FeedUpdate", "Filter", "Ready",
    "Scored", "Store", "Verdict",
    "advise_readahead", "chunks", "explain", "fts_query", "merge_feeds", "migration_statements", "put_setting", "wrap_exceptions",
]
