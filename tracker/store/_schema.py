"""The schema and its migrations."""

from __future__ import annotations

from ..errors import StoreError

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
    # 12: new items are indexed by Store.store_fetch, in one statement per transaction, not by
    # a trigger per row (half the indexing's CPU). Edits and deletions keep their triggers.
    """
    DROP TRIGGER IF EXISTS items_fts_ai;
    """,
    # 13: the dashboard's search (Filter(story=True) with a query) reads STORY_FTS, the words
    # of the on-story items only (a tenth of them), instead of the whole index; and maps its
    # hits to their clusters and developments through items_story, an index of the on-story
    # items by id. At 1,000,000 items "pe" hit 104,224 items, 28,679 of them on the story,
    # and the search walked every on-story item to find its hits.
    """
    CREATE INDEX items_story ON items(id, cluster, development) WHERE on_story = 1;
    """,
    # 14: the items a prune may delete (Store.prune_off_story), by when they were first seen.
    # Without it each prune (at a process's first poll, then every PRUNE_EVERY) read every
    # off-story item's row to find none old enough: 0.5-0.6 s at 1,000,000 items, with the
    # write lock held.
    """
    CREATE INDEX items_prunable ON items(first_seen) WHERE on_story = 0 AND starred = 0 AND manual IS NULL
        AND title_key IS NULL;
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


# The migration whose on-story index (STORY_FTS) is made with it.
STORY_MIGRATION = next(i for i, m in enumerate(MIGRATIONS) if "items_story ON" in m)


# The words of the items on the story, exactly: an item is in it while on_story = 1, with the
# title and summary it has (Filter(story=True)'s searches read it). Contentless: the words
# only, no copy of the text; a row is taken out with the words it was put in with, which the
# triggers have as old.*. One statement per trigger body does both, the old words out before
# the new in (the other way round, a delete marker would cancel the new words they share).
# New items are put in by Store.store_fetch with items_fts, one statement per batch (a
# trigger per row cost five times the CPU); the settings row story_fts_through says up to
# which id they are, so the triggers leave alone a new item whose verdict changes before its
# batch is indexed (Store._offer): the batch indexes it as it is then.
STORY_THROUGH = "(SELECT CAST(value AS INTEGER) FROM settings WHERE key = 'story_fts_through')"
# ItemsPart._story_words_in_bulk drops them inside one write transaction (its rollback brings
# them back) while thousands of items leave or join the story at once, and takes their words
# out or puts them in with one statement: paused instead, their WHEN was still evaluated for
# every row (a third of the UPDATE's CPU). This version never writes the settings row
# story_fts_bulk that used to pause them; their WHEN still honours it for a tracker of the
# previous version running beside this one (a daemon left up across an upgrade), whose bulk
# moves pause them with it and move the words themselves.
STORY_BULK = "NOT EXISTS (SELECT 1 FROM settings WHERE key = 'story_fts_bulk')"
STORY_TRIGGERS = {
    "story_fts_ad": "CREATE TRIGGER story_fts_ad AFTER DELETE ON items "
    f"WHEN old.on_story = 1 AND old.id <= {STORY_THROUGH} AND {STORY_BULK} BEGIN "
    "INSERT INTO story_fts (story_fts, rowid, title, summary) VALUES ('delete', old.id, old.title, old.summary); END",
    "story_fts_au": "CREATE TRIGGER story_fts_au AFTER UPDATE OF on_story, title, summary ON items "
    "WHEN (old.on_story = 1 OR new.on_story = 1) AND (old.on_story IS NOT new.on_story "
    f"OR old.title IS NOT new.title OR old.summary IS NOT new.summary) AND new.id <= {STORY_THROUGH} "
    f"AND {STORY_BULK} BEGIN "
    "INSERT INTO story_fts (story_fts, rowid, title, summary) "
    "SELECT 'delete', old.id, old.title, old.summary WHERE old.on_story = 1; "
    "INSERT INTO story_fts (rowid, title, summary) SELECT new.id, new.title, new.summary WHERE new.on_story = 1; END",
}
STORY_FTS = [
    "CREATE VIRTUAL TABLE story_fts USING fts5(title, summary, content='', "
    "tokenize='porter unicode61', detail=none)",
    *STORY_TRIGGERS.values(),
    "INSERT INTO story_fts (rowid, title, summary) SELECT id, title, summary FROM items WHERE on_story = 1",
    "INSERT INTO settings (key, value) SELECT 'story_fts_through', COALESCE(MAX(id), 0) FROM items",
]


# Full-text search over titles and summaries, kept in step by triggers (since schema 12 a new
# item is indexed by Store.store_fetch: migration 12 drops items_fts_ai). Only a change of
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


def _statements(script: str) -> list[str]:
    # Our migrations hold no semicolons inside strings, so a plain split is exact.
    return [s.strip() for s in script.split(";") if s.strip()]


def migration_statements(number: int) -> list[str]:
    """What migration `number` runs (to schema number + 1), in order: its script, then the
    full-text tables and triggers made with it (their bodies hold semicolons). Tests make an
    old schema's database with it."""
    out = _statements(MIGRATIONS[number])
    if number == 2:
        out += [*FTS, "INSERT INTO items_fts (items_fts) VALUES ('rebuild')"]
    if number == TEXTS_MIGRATION:
        out += TEXTS_FTS
    if number == STORY_MIGRATION:
        out += STORY_FTS
    return out


def _sql_literal(value) -> str:
    return "NULL" if value is None else str(int(value))


class SchemaPart:
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
                for statement in migration_statements(number):
                    c.execute(statement)
                c.execute(f"PRAGMA user_version={number + 1}")
