"""Story rules -> on/off the story, plus the rule terms that were found. No I/O.

An item is on the story when its title or summary contains at least one term of every
``require`` group and no ``exclude`` term. Terms are case-insensitive whole words or
phrases: "Claude" does not match "Claudette", "Anthropic" does match "Anthropic's", and a
phrase's spaces and hyphens match any run of spaces, hyphens or dashes, so
"supply-chain risk" also finds "supply chain risk" and "supply–chain risk".

The matcher runs on every entry of every poll (outlets' own feeds carry hundreds of items
with long summaries), so each group is compiled once into a single regex.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["Match", "Matcher", "Rules"]

# What may separate the words of a phrase, in a term and in the text: whitespace (including
# no-break spaces) and the hyphen/dash family, since outlets write "supply-chain",
# "supply chain" and "supply–chain" for the same thing.
_DASHES = "\\-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
_SEP = f"[\\s{_DASHES}]+"
_SPLIT = re.compile(_SEP)

# Feeds mix typographic and straight apostrophes ("Anthropic’s"); folding them to "'"
# lets a term such as "Pentagon's" match either. Soft hyphens and zero-width characters
# can sit inside a word in HTML-derived text; deleting them keeps the word whole.
_FOLD = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201b": "'", "\u02bc": "'", "\u2032": "'", "\uff07": "'",
    "\u00ad": None, "\u200b": None, "\u200c": None, "\u200d": None, "\u2060": None,
    "\ufeff": None,
})
_NEEDS_FOLD = re.compile("[" + "".join(map(chr, _FOLD)) + "]")

# Joins title and summary. Neither a word character nor a phrase separator, so no word
# or phrase can straddle the two fields.
_FIELD_BREAK = "\x00"


@dataclass(frozen=True)
class Rules:
    """Keyword groups: on the story = a term of every ``require`` group, no ``exclude`` term.

    Lists are accepted and stored as tuples (TOML gives lists); anything else that is not
    a usable rule set raises ValueError, so a config loader can report it against the file.
    """

    require: tuple[tuple[str, ...], ...]
    exclude: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        require, exclude = _validated(self.require, self.exclude)
        object.__setattr__(self, "require", require)
        object.__setattr__(self, "exclude", exclude)


@dataclass(frozen=True)
class Match:
    on_story: bool
    # Every rule term found, as spelled in the rules, once each, in rule order (require
    # groups, then exclude), for off-story items too, so the UI can explain a verdict.
    terms: tuple[str, ...]
    excluded: tuple[str, ...] = ()  # the exclude terms that were found


def _validated(require: object, exclude: object) -> tuple[tuple[tuple[str, ...], ...], tuple[str, ...]]:
    # A bare string would iterate as letters and quietly build nonsense groups.
    if isinstance(require, str) or not isinstance(require, Iterable):
        raise ValueError("`require` must be a list of keyword groups, e.g. [[\"Anthropic\"], [\"Pentagon\"]]")
    groups = tuple(require)
    if not groups:
        raise ValueError("`require` needs at least one keyword group; with none, every item would be on the story")
    checked = []
    for n, group in enumerate(groups, 1):
        if isinstance(group, str) or not isinstance(group, Iterable):
            raise ValueError(f"require group {n} must be a list of terms, not {group!r}")
        terms = tuple(group)
        if not terms:
            raise ValueError(f"require group {n} is empty; it could never match, so nothing would be on the story")
        for term in terms:
            _check_term(term, f"require group {n}")
        checked.append(terms)
    if isinstance(exclude, str) or not isinstance(exclude, Iterable):
        raise ValueError("`exclude` must be a list of terms")
    excluded = tuple(exclude)
    for term in excluded:
        _check_term(term, "exclude")
    return tuple(checked), excluded


def _check_term(term: object, where: str) -> None:
    if not isinstance(term, str):
        raise ValueError(f"{where}: term {term!r} is not a string")
    if not _words(term):
        raise ValueError(f"{where}: empty term {term!r}; a term needs at least one word")


def _words(term: str) -> list[str]:
    return [w for w in _SPLIT.split(term.translate(_FOLD)) if w]


def _key(term: str) -> tuple[str, ...]:
    # Terms that compile to the same pattern ("supply-chain risk", "Supply chain risk")
    # are one term: it is reported once, under its first spelling in the rules.
    return tuple(w.casefold() for w in _words(term))


def _pattern(term: str) -> str:
    return _SEP.join(re.escape(w) for w in _words(term))


class _Group:
    """One keyword group: a single alternation regex (longest terms first), tried only where
    a term can start.

    Python's re has no multi-literal search, so scanning a 1.5 kB summary with a 25-term
    alternation costs ~280 µs; str.find for each term's first word (C, a few hundred ns)
    finds the few places worth trying, and the alternation is run anchored there. It
    captures only the longest term at a place, so the other terms with the same first
    word ("Dario Amodei" and "Dario") are tried there one by one.
    """

    def __init__(self, terms: tuple[str, ...]) -> None:
        unique: dict[tuple[str, ...], str] = {}
        for t in terms:
            unique.setdefault(_key(t), t)
        self.terms = tuple(unique.values())  # rule order
        patterns = [_pattern(t) for t in self.terms]
        by_length = sorted(range(len(self.terms)), key=lambda i: -len(patterns[i]))
        self._index = {g: i for g, i in enumerate(by_length, 1)}  # capture group -> term
        alternation = "|".join(f"({patterns[i]})" for i in by_length)
        # Lowercased text goes in, but IGNORECASE also covers letters whose lowercase
        # forms differ in length or kind. The lookbehind sees before the start position.
        self._regex = re.compile(f"(?<!\\w)(?:{alternation})(?!\\w)", re.IGNORECASE)
        self._each = [re.compile(f"(?<!\\w)(?:{p})(?!\\w)", re.IGNORECASE) for p in patterns]
        self._starts: dict[str, list[int]] = {}  # a term's first word, lowercased -> terms
        for i, t in enumerate(self.terms):
            self._starts.setdefault(_words(t)[0].lower(), []).append(i)

    def found(self, text: str) -> list[int]:
        """Indices (into self.terms) of the terms in text (folded, lowercased), in rule order."""
        hits: set[int] = set()
        for word, peers in self._starts.items():
            at = text.find(word)
            while at != -1:
                m = self._regex.match(text, at)  # the gate: most finds are inside other words
                if m is not None:
                    hits.add(self._index[m.lastindex])
                    for j in peers:
                        if j not in hits and self._each[j].match(text, at):
                            hits.add(j)
                at = text.find(word, at + 1)
        return sorted(hits)


class Matcher:
    """Compiles a Rules once; ``match`` is then cheap enough for every item of every poll."""

    def __init__(self, rules: Rules) -> None:
        require, exclude = _validated(rules.require, rules.exclude)
        self.rules = rules
        self._require = [_Group(g) for g in require]
        self._exclude = _Group(exclude) if exclude else None

    def match(self, title: str, summary: str = "") -> Match:
        text = f"{title}{_FIELD_BREAK}{summary}" if summary else title
        if _NEEDS_FOLD.search(text):  # most text needs no folding, and a scan is cheaper
            text = text.translate(_FOLD)
        text = text.lower()
        terms: dict[str, None] = {}  # ordered set: a term in two groups is reported once
        on_story = True
        for group in self._require:
            found = group.found(text)
            if not found:
                on_story = False
            for i in found:
                terms.setdefault(group.terms[i])
        excluded: tuple[str, ...] = ()
        if self._exclude is not None:
            excluded = tuple(self._exclude.terms[i] for i in self._exclude.found(text))
            for t in excluded:
                terms.setdefault(t)
        return Match(on_story=on_story and not excluded, terms=tuple(terms), excluded=excluded)

    def __repr__(self) -> str:
        return f"Matcher({self.rules!r})"
