"""Story rules -> on/off the story, plus the rule terms that were found. No I/O.

An item is on the story when its title or summary contains at least one term of every
``require`` group and no ``exclude`` term. Terms are case-insensitive whole words or
phrases: "Claude" does not match "Claudette", "Anthropic" does match "Anthropic's", and a
phrase's spaces and hyphens match any run of spaces, hyphens or dashes, so
"supply-chain risk" also finds "supply chain risk" and "supply–chain risk".

The matcher runs on every entry of every poll (outlets' own feeds carry hundreds of items
with long summaries), so the rules are compiled once, in Matcher(), and match() avoids
scanning the text with Python regexes (see Matcher for the measurements).
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
_FOLD = {
    "\u2018": "'", "\u2019": "'", "\u201b": "'", "\u02bc": "'", "\u2032": "'", "\uff07": "'",
    "\u00ad": "", "\u200b": "", "\u200c": "", "\u200d": "", "\u2060": "", "\ufeff": "",
}


def _fold(text: str) -> str:
    # str.translate with a dict costs ~50 ns a character (75 µs for a 1.5 kB summary);
    # isascii() is O(1) and each `in` + replace is a C scan, together a few µs.
    if text.isascii():
        return text
    for char, replacement in _FOLD.items():
        if char in text:
            text = text.replace(char, replacement)
    return text


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
    return [w for w in _SPLIT.split(_fold(term)) if w]


def _key(term: str) -> tuple[str, ...]:
    # Terms that compile to the same pattern ("supply-chain risk", "Supply chain risk")
    # are one term: it is reported once, under its first spelling in the rules.
    return tuple(w.lower() for w in _words(term))


def _compile(term: str) -> re.Pattern[str]:
    # IGNORECASE although the text is lowercased: a few letters (e.g. the Kelvin sign)
    # have case partners that lower() does not produce. The lookbehind also looks before
    # the position match() starts at, which is what makes the anchored match whole-word.
    body = _SEP.join(re.escape(w.lower()) for w in _words(term))
    return re.compile(f"(?<!\\w)(?:{body})(?!\\w)", re.IGNORECASE)


class Matcher:
    """Compiles a Rules once; ``match`` is then cheap enough for every item of every poll.

    Measured on 1.5 kB summaries: one alternation regex per group, scanned over the text,
    costs ~300 µs per item, because Python's re tries every alternative at every position.
    Here str.find (C, ~1 µs per kB) looks for each term's first word, and only where one
    starts a word are that word's terms tried, as regexes anchored at that spot: ~30-60 µs.
    """

    def __init__(self, rules: Rules) -> None:
        require, exclude = _validated(rules.require, rules.exclude)
        self.rules = rules
        # One id per distinct term: spellings that compile alike ("supply-chain risk",
        # "Supply chain risk") are one term, reported under its first spelling.
        ids: dict[tuple[str, ...], int] = {}
        self._spelling: list[str] = []
        self._starts: dict[str, list[tuple[int, re.Pattern[str]]]] = {}

        def intern(term: str) -> int:
            key = _key(term)
            if key not in ids:
                ids[key] = len(self._spelling)
                self._spelling.append(term)
                self._starts.setdefault(key[0], []).append((ids[key], _compile(term)))
            return ids[key]

        self._groups = [tuple(dict.fromkeys(intern(t) for t in g)) for g in require]
        self._exclude = tuple(dict.fromkeys(intern(t) for t in exclude))
        self._order = tuple(dict.fromkeys(i for g in (*self._groups, self._exclude) for i in g))

    def match(self, title: str, summary: str = "") -> Match:
        text = f"{title}{_FIELD_BREAK}{summary}" if summary else title
        found = self._found(_fold(text).lower())
        excluded = tuple(self._spelling[i] for i in self._exclude if i in found)
        on_story = not excluded and all(any(i in found for i in g) for g in self._groups)
        terms = tuple(self._spelling[i] for i in self._order if i in found)
        return Match(on_story=on_story, terms=terms, excluded=excluded)

    def _found(self, text: str) -> set[int]:
        found: set[int] = set()
        for word, candidates in self._starts.items():
            left = candidates
            at = text.find(word)
            while at != -1:
                # Short first words ("ai", "dod") mostly turn up inside longer words; this
                # test is cheaper than the regex, which checks the boundary again anyway.
                before = text[at - 1] if at else " "
                if not (before.isalnum() or before == "_"):
                    hit = [c for c in left if c[1].match(text, at)]
                    if hit:
                        found.update(i for i, _ in hit)
                        left = [c for c in left if c not in hit]
                        if not left:
                            break
                at = text.find(word, at + 1)
        return found

    def __repr__(self) -> str:
        return f"Matcher({self.rules!r})"
