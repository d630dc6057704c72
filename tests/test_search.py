"""Search as the dashboard and `tracker items --search` run it: words of the title or the
summary, by prefix, whatever the user types; and a database from before the index lost its
word positions is re-indexed when it is opened."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracker.match import Match
from tracker.model import Entry, FeedConfig
from tracker.store import MIGRATIONS, Filter, Store, migration_statements

T0 = datetime(2026, 2, 27, 22, 10, tzinfo=timezone.utc)
FEED = FeedConfig("Wire", "http://127.0.0.1/w", 600)
ON = Match(True, ("Anthropic",))
ITEMS = [
    ("Pentagon sets a Friday deadline for Anthropic", "Defense Secretary Pete Hegseth wants the safeguards gone."),
    ("Anthropic's Claude_Gov model, explained", "The model_card lists the safeguards the Pentagon objects to."),
    ("Café owners and naïve chatbots", "Nothing to do with the Pentagon dispute."),
]


def stored(path) -> Store:
    store = Store.open(path)
    entries = [(Entry(entry_id=f"e{n}", title=t, link=f"https://news.test/{n}",
                      published=(T0 + timedelta(minutes=n)).strftime("%Y-%m-%dT%H:%M:%SZ"), summary=s), ON)
               for n, (t, s) in enumerate(ITEMS)]
    store.store_fetch(FEED, entries, status=200, etag=None, last_modified=None,
                      next_poll=T0 + timedelta(days=1), now=T0 + timedelta(days=1))
    return store


def found(store: Store, query: str) -> list[str]:
    return [store.item(i).title for i in store.item_ids(Filter(story=None, query=query))]


def test_words_are_found_by_prefix_in_titles_and_summaries(tmp_path):
    store = stored(tmp_path / "t.db")
    assert found(store, "hegs") == [ITEMS[0][0]]  # a summary's word, by its start
    assert found(store, "PENTAGON deadline") == [ITEMS[0][0]]  # every word, any case
    assert found(store, "safeguard") == [ITEMS[1][0], ITEMS[0][0]]  # stemmed: "safeguards"
    assert found(store, "cafe naive") == [ITEMS[2][0]]  # accents need not be typed
    # Words joined by "_" are two words to the index: a query with one finds them all the same.
    assert found(store, "claude_gov") == [ITEMS[1][0]]
    assert found(store, "model_card") == [ITEMS[1][0]]
    assert found(store, "hegseth supply") == []


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(st.text(max_size=40), st.lists(st.sampled_from(
    ["pent", "anthropic", "a", "_", " ", "-", "é", "\u0301", '"', "*", "OR", "NEAR", "(", "^", ":", "\u00b2"]),
    max_size=8).map("".join)))
def test_any_text_typed_searches_without_an_error(tmp_path_factory, text):
    store = _shared(tmp_path_factory)
    ids = store.item_ids(Filter(story=None, query=text))
    assert set(ids) <= set(store.item_ids(Filter(story=None)))


_STORES: dict[int, Store] = {}


def _shared(factory) -> Store:
    key = id(factory)
    if key not in _STORES:
        _STORES.clear()
        _STORES[key] = stored(factory.mktemp("any") / "t.db")
    return _STORES[key]


def test_a_database_indexed_with_word_positions_is_reindexed_on_open(tmp_path):
    """Schema 2 had an index with positions (detail=full); opening it makes the new index
    from the items already stored, so they are found as before."""
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    for number in range(2):
        for statement in migration_statements(number):
            conn.execute(statement)
    conn.execute("CREATE VIRTUAL TABLE items_fts USING fts5(title, summary, content='items', content_rowid='id', "
                 "tokenize='porter unicode61')")
    conn.execute("CREATE TRIGGER items_fts_ai AFTER INSERT ON items BEGIN "
                 "INSERT INTO items_fts (rowid, title, summary) VALUES (new.id, new.title, new.summary); END")
    for n, (title, summary) in enumerate(ITEMS):
        conn.execute("INSERT INTO items (title, summary, published, first_seen, rule_on_story, on_story) "
                     "VALUES (?, ?, ?, ?, 1, 1)", (title, summary, f"2026-02-27T22:1{n}:00Z", "2026-02-28T00:00:00Z"))
    conn.execute("PRAGMA user_version=2")
    conn.commit()
    conn.close()

    store = Store.open(path)
    assert store.execute("PRAGMA user_version")[0][0] == len(MIGRATIONS)
    sql = store.execute("SELECT sql FROM sqlite_master WHERE name = 'items_fts'")[0][0]
    assert "detail=none" in sql
    assert found(store, "hegs") == [ITEMS[0][0]]
    assert found(store, "safeguards pentagon") == [ITEMS[1][0], ITEMS[0][0]]
    store.execute("INSERT INTO items_fts (items_fts) VALUES ('integrity-check')")
    # the triggers are the new index's: an item changed after the upgrade is found by its new words
    with store.write() as c:
        c.execute("UPDATE items SET summary = 'Amodei answers the ultimatum.' WHERE title = ?", (ITEMS[0][0],))
    assert found(store, "amodei") == [ITEMS[0][0]]
    assert found(store, "hegseth") == []
    store.execute("INSERT INTO items_fts (items_fts) VALUES ('integrity-check')")


@pytest.mark.parametrize("database", ["new", "upgraded"])
def test_items_stored_edited_and_sent_twice_in_one_fetch_are_found_by_their_latest_words(tmp_path, database):
    """New items are indexed at the end of their fetch's transaction: an entry id a feed sends
    twice in one document (the second copy edits the first), an edit in a later fetch and a
    database upgraded from the trigger-per-row index all leave the index exact. On a new
    database, editing an item not yet indexed corrupted the index ("database disk image is
    malformed") until the batch was flushed before the edit."""
    store = Store.open(tmp_path / "new.db") if database == "new" else _upgraded_from_schema_11(tmp_path / "old.db")

    def entry(n, title, summary=""):
        return (Entry(entry_id=f"x{n}", title=title, link=f"https://other.test/{n}",
                      published=T0.strftime("%Y-%m-%dT%H:%M:%SZ"), summary=summary), ON)

    feed = FeedConfig("Other", "http://127.0.0.1/o", 600)
    store.store_fetch(feed, [entry(1, "Anthropic sues the Pentagon", "A lawsuit filed"),
                             entry(2, "Anthropic hires a lobbyist"),
                             entry(1, "Anthropic sues the Defense Department", "A complaint filed")],
                      status=200, etag=None, last_modified=None, next_poll=T0, now=T0 + timedelta(days=2))
    assert found(store, "complaint defense") == ["Anthropic sues the Defense Department"]
    assert found(store, "lawsuit") == []
    assert found(store, "lobbyist") == ["Anthropic hires a lobbyist"]
    store.store_fetch(feed, [entry(2, "Anthropic hires two lobbyists", "Both from the Hill")],
                      status=200, etag=None, last_modified=None, next_poll=T0, now=T0 + timedelta(days=3))
    assert found(store, "hill") == ["Anthropic hires two lobbyists"]
    assert found(store, "hegs") == ([ITEMS[0][0]] if database == "upgraded" else [])
    store.execute("INSERT INTO items_fts (items_fts) VALUES ('integrity-check')")


def _upgraded_from_schema_11(path):
    """A database of schema 11, whose items a trigger indexed one by one, opened (migrated) now."""
    conn = sqlite3.connect(path)
    for number in range(11):  # schema 11: a trigger indexed each new item
        for statement in migration_statements(number):
            conn.execute(statement)
    for n, (title, summary) in enumerate(ITEMS):  # indexed by schema 11's trigger
        conn.execute("INSERT INTO items (title, summary, published, first_seen, rule_on_story, on_story) "
                     "VALUES (?, ?, ?, ?, 1, 1)", (title, summary, f"2026-02-27T22:1{n}:00Z", "2026-02-28T00:00:00Z"))
    conn.execute("PRAGMA user_version=11")
    conn.commit()
    conn.close()
    return Store.open(path)


def test_a_search_no_longer_wanted_stops_where_it_is(tmp_path):
    """The dashboard's reads for a search a newer key has replaced stop (Abandoned) instead of
    running to their end; a read still wanted is untouched, and the connection works after."""
    import threading

    import pytest

    from tracker.store import Abandoned

    store = stored(tmp_path / "t.db")
    # minutes of work if it ran to its end (bounded, so a broken stop fails instead of hanging)
    endless = "WITH RECURSIVE n(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM n WHERE k < 1e9) SELECT COUNT(*) FROM n"
    replaced = threading.Event()
    threading.Timer(0.2, replaced.set).start()  # the next key arrives while the query runs
    with pytest.raises(Abandoned):
        with store.reading_until(replaced.is_set):
            store.execute(endless)
    with store.reading_until(lambda: False):
        assert found(store, "hegs") == [ITEMS[0][0]]
    assert found(store, "pentagon") == [ITEMS[2][0], ITEMS[1][0], ITEMS[0][0]]


def test_all_items_newest_first_mix_on_and_off_the_story(tmp_path):
    """`items --all --limit N` reads the newest N of each half through its index and merges
    them: the same as ordering every item, whichever half the newest fall in."""
    store = Store.open(tmp_path / "t.db")
    entries = [(Entry(entry_id=f"e{n}", title=f"Report {n}", link=f"https://news.test/{n}",
                      published=(T0 + timedelta(minutes=n * 7 % 23)).strftime("%Y-%m-%dT%H:%M:%SZ")),
                Match(n % 3 == 0, ())) for n in range(23)]
    store.store_fetch(FEED, entries, status=200, etag=None, last_modified=None,
                      next_poll=T0 + timedelta(days=1), now=T0 + timedelta(days=1))
    everything = [r.title for r in store.items(Filter(story=None))]
    for limit in (1, 5, 8, 23, 30):
        assert [r.title for r in store.items(Filter(story=None), limit=limit)] == everything[:limit]
    assert {r.on_story for r in store.items(Filter(story=None), limit=8)} == {0, 1}
