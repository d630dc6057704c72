"""Re-score stored items against the story rules: `tracker rules test|apply`, and the check at
start-up that applies edited rules.

An item's rule verdict is what the matcher says of its stored title and summary, or "on" when
a feed that keeps everything (`match = false`) carried it; a manual verdict still wins. Only
rows whose verdict or matched terms change are written, in one transaction, with the
clusters following the items that come onto or leave the story.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

from . import cluster
from .match import Matcher
from .model import Config
from .store import Store, put_setting

RULES_KEY = "rules_hash"


@dataclass(frozen=True)
class Moved:
    id: int
    title: str
    terms: tuple[str, ...]  # what the current rules find in it
    manual: bool | None  # the user's verdict, which keeps the item where it is


@dataclass
class Rescore:
    checked: int = 0
    moved_in: list[Moved] = field(default_factory=list)  # would be on the story, was not
    moved_out: list[Moved] = field(default_factory=list)
    held: list[Moved] = field(default_factory=list)  # the rules would move it; the user's verdict keeps it
    terms_changed: int = 0  # rows whose matched terms change (moved or not)
    applied: bool = False


def rules_hash(config: Config) -> str:
    """What decides rule verdicts: the rules and the feeds whose items are all on the story."""
    rules = config.story.rules
    keep_all = sorted(f.name for f in config.feeds if not f.match)
    text = json.dumps([rules.require, rules.exclude, keep_all], ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def rescore(store: Store, config: Config, apply: bool = False) -> Rescore:
    """Compare every stored item's verdict with the current rules; with apply, write the
    changes (and record the rules' hash). Reading happens outside the write transaction, so
    another process polling meanwhile is blocked only for the writes."""
    matcher = Matcher(config.story.rules)
    keep_all = [f.name for f in config.feeds if not f.match]
    conn = store._conn()
    kept = set()
    if keep_all:
        marks = ",".join("?" * len(keep_all))
        kept = {r[0] for r in conn.execute(
            f"SELECT DISTINCT x.item_id FROM item_feeds x JOIN feeds f ON f.id = x.feed_id WHERE f.name IN ({marks})",
            keep_all)}
    result = Rescore()
    writes: list[tuple[int, str, int, int]] = []  # (rule_on, matched, id, on_story changed)
    for item_id, title, summary, rule_on, manual, matched in conn.execute(
            "SELECT id, title, summary, rule_on_story, manual, matched FROM items"):
        result.checked += 1
        m = matcher.match(title, summary)
        new_on = int(m.on_story or item_id in kept)
        new_matched = json.dumps(list(m.terms))
        if new_on == rule_on and new_matched == matched:
            continue
        if new_matched != matched:
            result.terms_changed += 1
        if new_on != rule_on:
            moved = Moved(item_id, title, m.terms, None if manual is None else bool(manual))
            if manual is not None:
                result.held.append(moved)
            else:
                (result.moved_in if new_on else result.moved_out).append(moved)
        writes.append((new_on, new_matched, item_id, int(manual is None and new_on != rule_on)))
    if apply:
        with store.write() as c:
            c.executemany("UPDATE items SET rule_on_story = ?, matched = ?, on_story = COALESCE(manual, ?) "
                          "WHERE id = ?", [(on, terms, on, i) for on, terms, i, _ in writes])
            for _, _, item_id, flipped in writes:
                if flipped:
                    cluster.update(c, item_id, cache=store.cluster_cache)
                    store.development_update(c, item_id)
            put_setting(c, RULES_KEY, rules_hash(config))
        result.applied = True
    return result


@dataclass(frozen=True)
class Startup:
    rescored: Rescore | None  # set when the rules had changed since the last run
    clustered: int  # on-story items grouped that were not yet (after an upgrade)
    grouped: int = 0  # on-story items put in developments that were not yet


def needs_work(store: Store, config: Config) -> bool:
    """Cheap (two indexed look-ups): whether on_open would do anything."""
    if store.setting(RULES_KEY) != rules_hash(config):
        return True
    return cluster.outdated(store._conn()) or cluster.pending(store._conn()) or store.developments_pending()


def on_open(store: Store, config: Config, progress=None) -> Startup:
    """Run at start (the CLI before a command, the dashboard in a worker thread): apply the
    rules if feeds.toml changed them, cluster items stored before clusters existed, and group
    them into developments (a batch per transaction; progress(done, total) after each)."""
    rescored = None
    if store.setting(RULES_KEY) != rules_hash(config):
        # A database from before rule hashes has items scored under unknown rules: check them all.
        rescored = rescore(store, config, apply=True)
    clustered = 0
    conn = store._conn()
    if cluster.outdated(conn) or cluster.pending(conn):
        with store.write() as c:
            if cluster.outdated(c):
                cluster.reset(c)
                put_setting(c, cluster.INDEX_KEY, cluster.INDEX_VERSION)
            clustered = cluster.catch_up(c)
    grouped = store.group_developments(progress) if store.developments_pending() else 0
    return Startup(rescored, clustered, grouped)
