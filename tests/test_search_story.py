"""The dashboard's search reads story_fts, the words of the on-story items alone (schema 13),
and maps its hits to clusters and developments through items_story: it must find exactly
what the search over the whole index (items_fts) found before, restricted to the story,
however items came onto the story, left it, were edited, copied or deleted."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta, timezone

import pytest

from tracker.match import Match
from tracker.model import Entry, FeedConfig
from tracker.store import MIGRATIONS, Filter, Store, fts_query, migration_statements

T0 = datetime(2026, 2, 27, 22, 0, tzinfo=timezone.utc)
WIRE = FeedConfig("Wire", "http://127.0.0.1/wire.xml", 600)
POST = FeedConfig("Post", "http://127.0.0.1/post.xml", 600)
ON = Match(True, ("Anthropic", "Pentagon"))
OFF = Match(False, ())

STORY = [
    ("Pentagon gives Anthropic until Friday to drop AI safeguards", "Hegseth set the deadline on Tuesday."),
    ("Anthropic sues the Pentagon over supply-chain risk label", "The lawsuit asks for an injunction."),
    ("Judge weighs Anthropic bid to block Pentagon blacklisting", "A hearing on the injunction is set."),
    ("Pentagon signs rival AI deals as Anthropic standoff drags on", "Penalties for contractors are weighed."),
    ("Amodei meets Hegseth before the deadline", "Talks with the Pentagon continue, people say."),
]
OTHER = [
    ("Pentagon budget hearing runs late", "Lawmakers press the Pentagon on spending."),
    ("Storm brings heavy rain to Gdansk", "Shipbuilding plans delayed; penalties possible."),
    ("Perfect pancakes in ten minutes", "A supply of eggs and a hot pan."),
]
QUERIES = ["pe", "pen", "pent", "pentagon", "an", "anthropic", "a", "s", "in", "injunction", "law", "hegs",
           "pentagon law", "supply chain", "penal", "memo", "zzz", "pentagon -", "**"]


def at(minutes: int) -> str:
    return (T0 + timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%SZ")


def fetch(store: Store, feed: FeedConfig, entries: list, days: int = 3) -> list[int]:
    now = T0 + timedelta(days=days)
    return list(store.store_fetch(feed, entries, status=200, etag=None, last_modified=None,
                                  next_poll=now + timedelta(minutes=10), now=now).new)


def entry(n: int, title: str, summary: str, minutes: int, site: str = "news") -> Entry:
    return Entry(entry_id=f"e{n}", title=title, link=f"https://{site}{n}.test/a", published=at(minutes),
                 summary=summary, outlet=f"Outlet {n % 4}")


def story_in_every_state(store: Store) -> None:
    """On-story reports, their copies from a second feed, off-story items sharing their words;
    then edits, verdicts by hand both ways and back, an article's text, and a deletion."""
    # and a report the rules miss that joins its development in the same fetch, before the
    # fetch's batch is indexed (Store._offer puts it on the story)
    # (two: one is taken off again by hand, so that words indexed twice would show)
    joining = [(entry(150 + k, STORY[k][0] + ", court papers show", STORY[k][1] + " Lawyers filed it.", 11, "joins"),
                OFF) for k in (1, 2)]
    fetch(store, WIRE, [(entry(n, t, s, 10 * n), ON) for n, (t, s) in enumerate(STORY)] + joining
          + [(entry(100 + n, t, s, 5 * n), OFF) for n, (t, s) in enumerate(OTHER)])
    joined = [r.id for r in store.items(Filter(story=None)) if r.joined and r.on_story]
    assert len(joined) == 2
    store.set_manual(joined[0], False)
    # copies of two reports from another feed (other links): clusters of two
    post = fetch(store, POST, [(entry(200, STORY[1][0], STORY[1][1], 12, "post"), ON),
                               (entry(201, STORY[2][0], STORY[2][1], 25, "post"), ON)])
    # an edit of an on-story report (new words in, old out), and of an off-story item that
    # the edit brings onto the story by the rules
    fetch(store, WIRE, [(entry(3, "Pentagon memo lists penalties for Anthropic", "Contractors must comply.", 30), ON),
                        (entry(101, "Storm delays Anthropic event near the Pentagon", "Plans delayed.", 5), ON)],
          days=4)
    by_title = {r.title: r.id for r in store.items(Filter(story=None))}
    store.set_manual(by_title[STORY[4][0]], False)  # off the story by hand
    store.set_manual(by_title[OTHER[2][0]], True)  # onto it by hand
    store.set_manual(post[1], False)  # a copy leaves its cluster
    store.set_manual(post[1], None)  # and comes back
    store.save_text(by_title[STORY[0][0]], "https://news0.test/a", "The memorandum cites Venezuela.", now=T0)
    store.save_text(by_title[OTHER[0][0]], "https://news100.test/a", "The memorandum is off the story.", now=T0)
    store.prune_off_story(T0 + timedelta(days=30))  # deletes the off-story items left
    with store.write() as c:  # no command deletes an on-story item; the index would follow
        c.execute("DELETE FROM items WHERE title = ?", (STORY[4][0],))
        c.execute("DELETE FROM items WHERE id = (SELECT MIN(id) FROM items WHERE on_story = 1 AND cluster = id "
                  "AND id NOT IN (SELECT item_id FROM texts))")


def whole_index(store: Store, f: Filter) -> list[int]:
    """What the search found before schema 13: the whole index, each hit checked against the
    story; clusters by any member's words, developments by any on-story report's."""
    q = fts_query(f.query)
    if q is None:
        return []
    found = ("SELECT rowid FROM items_fts WHERE items_fts MATCH ? "
             "UNION ALL SELECT rowid FROM texts_fts WHERE texts_fts MATCH ?")
    unread = " AND i.read = 0" if f.unread else ""
    if f.clusters:
        sql = (f"SELECT i.id FROM items i WHERE i.on_story = 1 AND i.cluster = i.id{unread} AND EXISTS "
               f"(SELECT 1 FROM items x WHERE x.cluster = i.id AND +x.id IN ({found})) "
               "ORDER BY i.published DESC, i.id DESC")
    else:
        sql = (f"SELECT d.id FROM developments d WHERE d.id IN (SELECT i.development FROM items i "
               f"WHERE i.on_story = 1{unread} AND i.id IN ({found}) AND i.development IS NOT NULL) "
               "ORDER BY d.first DESC, d.id DESC")
    return [r[0] for r in store.execute(sql, (q, q))]


def test_story_fts_holds_exactly_the_on_story_items_words(tmp_path):
    """Every term of the whole index finds in story_fts exactly its on-story hits."""
    store = Store.open(tmp_path / "t.db")
    story_in_every_state(store)
    assert_story_fts_exact(store)


def test_story_fts_follows_a_rules_edit_that_moves_items_both_ways(tmp_path):
    """A re-score moves many items at once, with story_fts's triggers dropped and their words
    moved in bulk (Store.apply_verdicts): the index is exact afterwards, and the triggers
    work again for what comes next."""
    from tracker.config import load
    from tracker.rescore import rescore

    from .conftest import write_config

    store = Store.open(tmp_path / "t.db")
    story_in_every_state(store)
    fetch(store, WIRE, [(entry(300, "Hegseth hosts a chess evening", "Anthropic staff attend.", 40), OFF)], days=5)
    before = {r[0] for r in store.execute("SELECT id FROM items WHERE on_story = 1")}
    triggers = "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'story_fts_%' ORDER BY name"
    made = store.execute(triggers)
    config = load(write_config(tmp_path, story='''
        [story]
        title = "Pentagon vs Anthropic"
        [story.match]
        require = [["Anthropic", "Hegseth"], ["Pentagon", "Hegseth", "memo"]]
        exclude = ["blacklisting"]
        '''))
    result = rescore(store, config, apply=True)
    after = {r[0] for r in store.execute("SELECT id FROM items WHERE on_story = 1")}
    assert result.moved_out and result.moved_in and before != after
    assert [tuple(r) for r in store.execute(triggers)] == [tuple(r) for r in made] and len(made) == 2  # made again
    assert_story_fts_exact(store)
    chess = next(m.id for m in result.moved_in if m.title.startswith("Hegseth hosts"))
    store.set_manual(chess, False)  # the triggers again: its words leave (put in once, not twice)
    assert_story_fts_exact(store)


def assert_story_fts_exact(store: Store) -> None:
    store.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.vocab USING fts5vocab(main, items_fts, row)")
    terms = [r[0] for r in store.execute("SELECT term FROM temp.vocab")]
    assert len(terms) > 50
    on = {r[0] for r in store.execute("SELECT id FROM items WHERE on_story = 1")}
    assert len(on) >= 6
    for term in terms:
        everywhere = {r[0] for r in store.execute("SELECT rowid FROM items_fts WHERE items_fts MATCH ?",
                                                  (f'"{term}"',))}
        story = [r[0] for r in store.execute("SELECT rowid FROM story_fts WHERE story_fts MATCH ?", (f'"{term}"',))]
        assert len(story) == len(set(story)), term  # no item twice
        assert set(story) == everywhere & on, term
    store.execute("INSERT INTO story_fts (story_fts) VALUES ('integrity-check')")


@pytest.mark.parametrize("unread", [False, True])
def test_the_dashboards_search_finds_what_the_whole_index_found(tmp_path, unread):
    store = Store.open(tmp_path / "t.db")
    story_in_every_state(store)
    if unread:
        store.set_read(store.item_ids(Filter())[::2])
    upto = store.max_item_id()
    assert len(store.development_list(Filter())) >= 3
    seen = 0
    for query in QUERIES:
        reports = Filter(clusters=True, unread=unread, query=query)
        developments = Filter(unread=unread, query=query)
        assert store.item_ids_between(reports, 0, upto) == whole_index(store, reports), query
        assert store.development_list(developments) == whole_index(store, developments), query
        seen += bool(whole_index(store, reports))
        # the flat list (`tracker items --search`): the on-story hits
        flat = store.item_ids(Filter(unread=unread, query=query))
        assert flat == [i for i in store.item_ids(Filter(story=None, unread=unread, query=query))
                        if store.item(i).on_story], query
    assert seen >= 8  # most queries find something


def test_a_database_from_schema_12_gets_the_story_index(tmp_path):
    """Opening a database of schema 12 fills story_fts from the on-story items already stored."""
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    for number in range(12):
        for statement in migration_statements(number):
            conn.execute(statement)
    for n, (title, summary) in enumerate(STORY[:3] + OTHER[:1]):
        conn.execute("INSERT INTO items (title, summary, published, first_seen, rule_on_story, on_story, cluster) "
                     "VALUES (?, ?, ?, ?, ?, ?, ?)", (title, summary, at(n), at(n), int(n < 3), int(n < 3), n + 1))
        conn.execute("INSERT INTO items_fts (rowid, title, summary) VALUES (?, ?, ?)", (n + 1, title, summary))
    conn.execute("PRAGMA user_version=12")
    conn.commit()
    conn.close()
    store = Store.open(path)
    assert store.execute("PRAGMA user_version")[0][0] == len(MIGRATIONS)
    assert store.item_ids(Filter(query="pentagon")) == [3, 2, 1]
    assert store.item_ids_between(Filter(clusters=True, query="injunc"), 0, 4) == [3, 2]
    assert store.item_ids(Filter(story=False, query="pentagon")) == [4]


