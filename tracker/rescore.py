"""Re-score stored items against the story rules: `tracker rules test|apply`, and the check at
start-up that applies edited rules.

An item's rule verdict is what the matcher says of its stored title and summary, or "on" when
a feed that keeps everything (`match = false`) carried it; a manual verdict still wins. Only
rows whose verdict or matched terms change are written, in one transaction, with the
clusters following the items that come onto or leave the story.

The rules a database was scored under are kept beside their hash, so an edit re-scores only
the items it can move (Changes): those whose text holds a term the edit added, removed,
respelled or gave another role, found through the full-text index (a superset: the index
splits words where the matcher does and stems both sides alike), and, when the require
groups themselves changed, the items holding a term of every group of the old rules or of
the new (only those can be on the story under either; found through the index too), judged
from their stored terms without reading their text. Every other item holds the same rule
terms under both rule sets, in the same roles, so its verdict and matched terms cannot
change. The decisions are made here; the store reads and writes (tracker/store/_rescore.py).
Figures at 1,000,000 items: benchmarks/README.md.
"""

from __future__ import annotations

import difflib
import functools
import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import Callable, Iterable

from .match import Matcher, Rules, _key
from .model import Config
from .store import Scored, Store, Verdict

RULES_KEY = "rules_hash"
RULES_TEXT_KEY = "rules"  # the text RULES_KEY is the hash of: what the stored verdicts were scored under
CHUNK = 2000  # items judged from their stored terms between two progress reports
Progress = Callable[[int, int], None]  # (items done, items to do)
Steps = Callable[[str, int, int], None]  # (what is being done, items done, items to do)
RESCORING, GROUPING_COPIES, GROUPING = "re-scoring", "grouping copies", "grouping into developments"  # on_open's steps


def one_step(progress: Steps | None, what: str) -> Progress | None:
    """A Steps callback as the Progress of one step."""
    return (lambda done, total: progress(what, done, total)) if progress else None


@dataclass(frozen=True)
class Moved:
    id: int
    title: str
    terms: tuple[str, ...]  # what the current rules find in it
    manual: bool | None  # the user's verdict, which keeps the item where it is
    before: tuple[str, ...] = ()  # what the rules found in it when it was last scored


@dataclass
class Rescore:
    checked: int = 0  # items whose verdict was worked out again
    stored: int = 0  # items in the database (the others cannot move: Changes)
    moved_in: list[Moved] = field(default_factory=list)  # would be on the story, was not
    moved_out: list[Moved] = field(default_factory=list)
    held: list[Moved] = field(default_factory=list)  # the rules would move it; the user's verdict keeps it
    terms_changed: int = 0  # rows whose matched terms change (moved or not)
    retermed: list[Moved] = field(default_factory=list)  # other matched terms, but staying where they are
    applied: bool = False


def rules_hash(config: Config) -> str:
    """What decides rule verdicts: the rules and the feeds whose items are all on the story."""
    return hashlib.sha256(rules_text(config).encode()).hexdigest()


def rules_text(config: Config) -> str:
    rules = config.story.rules
    keep_all = sorted(f.name for f in config.feeds if not f.match)
    return json.dumps([rules.require, rules.exclude, keep_all], ensure_ascii=False)


def stored_rules(store: Store) -> tuple[Rules, list[str]] | None:
    """The rules (and keep-everything feeds) the stored verdicts were scored under, when known."""
    text, digest = store.setting(RULES_TEXT_KEY), store.setting(RULES_KEY)
    if not text or hashlib.sha256(text.encode()).hexdigest() != digest:
        return None
    try:
        require, exclude, keep_all = json.loads(text)
        return Rules(require, exclude), list(keep_all)
    except (ValueError, TypeError):
        return None


@dataclass(frozen=True)
class _Roles:
    """A Matcher's terms by key (match._key): spelling, order in `matched`, groups, excludes."""
    spelling: dict[tuple, str]
    order: list[tuple]
    groups: list[frozenset]
    exclude: frozenset

    @classmethod
    def of(cls, m: Matcher) -> "_Roles":
        key = [_key(s) for s in m._spelling]
        return cls({key[i]: m._spelling[i] for i in m._order}, [key[i] for i in m._order],
                   [frozenset(key[i] for i in g) for g in m._groups], frozenset(key[i] for i in m._exclude))

    def verdict(self, found: set) -> tuple[bool, str]:
        """(on the story, matched as stored) for an item holding the terms `found` (keys)."""
        on = not (found & self.exclude) and all(g & found for g in self.groups)
        return on, json.dumps([self.spelling[k] for k in self.order if k in found])


@dataclass(frozen=True)
class Changes:
    """What an edit of the rules can move. Items holding none of `terms` keep their verdict
    and terms, unless `groups` (the require groups changed as they read the unchanged terms):
    then any item with stored terms, or on the story, is worked out again from its terms."""
    terms: list[str]  # spellings of the new rules' terms whose presence must be read from the text
    removed: list[str]  # terms only the old rules had: their items are judged from stored terms
    groups: bool
    feeds: list[str]  # feeds that began or stopped keeping everything
    same: frozenset  # keys (match._key) of the terms whose stored presence still holds

    @classmethod
    def between(cls, old: Matcher, old_keep: list[str], new: Matcher, new_keep: list[str]) -> "Changes":
        a, b = _Roles.of(old), _Roles.of(new)
        same = {k for k in a.spelling.keys() & b.spelling.keys()
                if a.spelling[k] == b.spelling[k] and (k in a.exclude) == (k in b.exclude)}
        # Terms that keep their relative order keep `matched` alike; the others count as changed.
        blocks = difflib.SequenceMatcher(None, a.order, b.order, autojunk=False).get_matching_blocks()
        in_order = {k for blk in blocks for k in a.order[blk.a:blk.a + blk.size]}
        same &= in_order
        changed = [b.spelling[k] for k in b.order if k not in same]
        removed = [a.spelling[k] for k in a.order if k not in b.spelling]
        groups = {g & same for g in a.groups} != {g & same for g in b.groups}
        return cls(changed, removed, groups, sorted(set(old_keep) ^ set(new_keep)), frozenset(same))


def fts_words(term: str) -> list[str]:
    """A rule term's words as the full-text index's tokenizer splits them (fts_query's rule)."""
    return re.findall(r"[^\W_]+", term)


def rescore(store: Store, config: Config, apply: bool = False, progress: Progress | None = None) -> Rescore:
    """Compare stored items' verdicts with the current rules (every item, or only those an edit
    can move when the rules they were scored under are known: Changes); with apply, write the
    changes (and record the rules). Reading happens outside the write transaction, so another
    process polling meanwhile is blocked only for the writes. progress(done, total) is called
    as items are checked, then, with apply, as the items that move join or leave the story."""
    matcher = Matcher(config.story.rules)
    keep_all = [f.name for f in config.feeds if not f.match]
    kept = store.items_of_feeds(keep_all)
    result = Rescore(stored=store.item_count())
    verdicts: list[Verdict] = []

    def judge(item: Scored, new_on: int, new_matched: str) -> None:
        if new_on == item.rule_on and new_matched == item.matched:
            return
        manual = None if item.manual is None else bool(item.manual)
        if new_matched != item.matched:
            result.terms_changed += 1
            if new_on == item.rule_on:
                result.retermed.append(Moved(item.id, item.title, _terms(new_matched), manual,
                                             before=_terms(item.matched)))
        # An item that joined an on-story development (Store._offer) stays on the story
        # whatever the rules say, so only the rules' verdict changes, not its place.
        moves = new_on != item.rule_on and not item.joined
        if moves:
            moved = Moved(item.id, item.title, _terms(new_matched), manual)
            if manual is not None:
                result.held.append(moved)
            else:
                (result.moved_in if new_on else result.moved_out).append(moved)
        verdicts.append(Verdict(item.id, new_on, new_matched))

    roles = _Roles.of(matcher)
    verdicts_of: dict[frozenset, tuple[bool, str]] = {}  # by the terms an item holds: few distinct sets

    def verdict(found: frozenset) -> tuple[bool, str]:
        if found not in verdicts_of:
            verdicts_of[found] = roles.verdict(found)
        return verdicts_of[found]

    def checked(n: int, total: int) -> None:
        result.checked += n
        if progress:
            progress(result.checked, total)

    def rematch(rows: list[Scored], total: int) -> None:
        for item in rows:
            m = matcher.match(item.title, item.summary)
            judge(item, int(m.on_story or item.id in kept), json.dumps(list(m.terms)))
        checked(len(rows), total)

    before = stored_rules(store)
    changes = None
    if before is not None:
        changes = Changes.between(Matcher(before[0]), before[1], matcher, keep_all)
        if any(not fts_words(t) for t in changes.terms + changes.removed):
            changes = None  # a term the index cannot look up: read every item
    if changes is None:
        for rows in store.scored():
            rematch(rows, result.stored)
    else:
        exact = store.items_of_feeds(changes.feeds)
        for term in changes.terms:
            exact.update(store.fts_items(_fts_all(term)))
        # The rest are judged from their stored terms (they hold none of the new rules' changed
        # terms, so the terms they hold under the new rules are among those): those holding a
        # removed term, and when the groups read the terms otherwise, those holding a term of
        # every group of the old rules or of the new (the only ones either can put on the
        # story), or if the index cannot say, every item with terms.
        ids: set[int] = set()
        for term in changes.removed:
            ids.update(store.fts_items(_fts_all(term)))
        on_either = [_fts_on(before[0].require), _fts_on(config.story.rules.require)] if changes.groups else []
        everything: list[Scored] | None = None
        if None in on_either:
            everything = [r for r in store.scored_with_terms() if r.id not in exact]
            ids = {r.id for r in everything}
        else:
            for query in on_either:
                ids.update(store.fts_items(query))
        ids -= exact
        total = len(exact) + len(ids)
        # Stored terms describe the text they were matched on. An item that several feeds carry
        # may show another copy's title (Store._retitle), or be on the story by another copy's
        # text (merged by link): its whole text is matched again.
        whole = store.carried_by_many(exact | ids)
        judged: Iterable[list[Scored]]
        if everything is not None:
            rest = [r for r in everything if r.id not in whole]
            judged = (rest[i:i + CHUNK] for i in range(0, len(rest), CHUNK))
        else:
            # Read a chunk at a time between progress reports: at 1,000,000 items a require
            # group's edit judges a hundred thousand.
            judged = store.scored(ids - whole, texts=False)
        for rows in store.scored(whole):
            rematch(rows, total)
        # The items holding a changed term are read again, but only for the changed terms: the
        # unchanged ones they hold are in their stored terms (the same patterns, matched on
        # the same text), and the new rules' other terms are all changed ones.
        changed = Matcher(Rules([changes.terms], [])) if changes.terms else None
        held: dict[str, frozenset | None] = {}  # stored terms -> the unchanged ones among them

        def unchanged(matched: str) -> frozenset | None:
            if matched not in held:
                terms = _stored_terms(matched)
                held[matched] = None if terms is None else frozenset(
                    k for k in map(_key, terms) if k in changes.same)
            return held[matched]

        for rows in store.scored(exact - whole):
            stale = []
            for item in rows:
                kept_terms = unchanged(item.matched)
                if kept_terms is None or changed is None:
                    stale.append(item)  # stored terms it cannot read: the whole text again
                    continue
                found = kept_terms | {_key(t) for t in changed.match(item.title, item.summary).terms}
                on, new_matched = verdict(found)
                judge(item, int(on or item.id in kept), new_matched)
            checked(len(rows) - len(stale), total)
            if stale:
                rematch(stale, total)
        by_stored: dict[str, tuple[bool, str]] = {}  # stored terms -> verdict: a few hundred distinct
        for rows in judged:
            for item in rows:
                if item.matched not in by_stored:
                    by_stored[item.matched] = verdict(frozenset(_key(t) for t in _terms(item.matched)))
                on, new_matched = by_stored[item.matched]
                judge(item, int(on or item.id in kept), new_matched)
            checked(len(rows), total)
    for moved in (result.moved_in, result.moved_out, result.held):
        moved.sort(key=lambda m: m.id)
    if apply:
        store.apply_verdicts(verdicts, {RULES_KEY: rules_hash(config), RULES_TEXT_KEY: rules_text(config)}, progress)
        result.applied = True
    return result


def _fts_all(term: str) -> str:
    """An FTS5 query for the items holding every word of a rule term."""
    return " AND ".join(f'"{w}"' for w in fts_words(term))


def _fts_on(groups: list[list[str]]) -> str | None:
    """An FTS5 query for the items holding a term of every group: a superset of those the
    groups put on the story. None when it cannot be asked (no groups, a term without words)."""
    if not groups or not all(fts_words(t) for g in groups for t in g):
        return None
    return " AND ".join("(" + " OR ".join(f"({_fts_all(t)})" for t in g) + ")" for g in groups)


def _terms(matched: str | None) -> tuple[str, ...]:
    return _stored_terms(matched) or ()


@functools.lru_cache(maxsize=4096)  # a re-score meets a few hundred distinct lists, each many times
def _stored_terms(matched: str | None) -> tuple[str, ...] | None:
    """An item's stored terms; None when they cannot be read (a database written by
    something else: its old terms are unknown)."""
    try:
        terms = json.loads(matched or "[]")
    except ValueError:
        return None
    return tuple(str(t) for t in terms) if isinstance(terms, list) else None


@dataclass(frozen=True)
class Startup:
    rescored: Rescore | None  # set when the rules had changed since the last run
    clustered: int  # on-story items grouped that were not yet (after an upgrade)
    grouped: int = 0  # on-story items put in developments that were not yet

    def told(self) -> str | None:
        """What the user should hear: the rules in feeds.toml moved items (None: nothing did)."""
        r = self.rescored
        if not r or not (r.moved_in or r.moved_out):
            return None
        return (f"the story rules changed: {len(r.moved_in):,} items moved onto the story, "
                f"{len(r.moved_out):,} off it")


def needs_work(store: Store, config: Config) -> bool:
    """Cheap (two indexed look-ups): whether on_open would do anything."""
    if store.setting(RULES_KEY) != rules_hash(config):
        return True
    return store.copies_outdated() or store.copies_pending() or store.developments_pending()


def on_open(store: Store, config: Config, progress: Steps | None = None) -> Startup:
    """Run at start (the CLI before a command, the dashboard in a thread behind its first
    screen): apply the rules if feeds.toml changed them, cluster items stored before clusters
    existed, and group them into developments (a batch per transaction).
    progress(what, done, total) as each step goes: RESCORING, GROUPING_COPIES, GROUPING."""
    rescored = None
    if store.setting(RULES_KEY) != rules_hash(config):
        # A database from before the rules were stored has items scored under unknown rules:
        # rescore checks them all.
        rescored = rescore(store, config, apply=True, progress=one_step(progress, RESCORING))
    clustered = 0
    if store.copies_outdated() or store.copies_pending():
        clustered = store.catch_up_copies(progress=one_step(progress, GROUPING_COPIES))
    grouped = store.group_developments(one_step(progress, GROUPING)) if store.developments_pending() else 0
    return Startup(rescored, clustered, grouped)
