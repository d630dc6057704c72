"""One development, many outlets: which stored items are the same report.

Two items are one cluster when, published within WINDOW of each other, either
  - their titles are the same once normalised (case, quotes, dashes, punctuation, wire
    prefixes such as "Exclusive:" or "UPDATE 2-", an aggregator's " - Outlet" suffix), or
  - their titles are near-identical (word Jaccard >= TITLE_THRESHOLD: a truncated or
    lightly edited headline), or
  - their texts overlap strongly (word-3-shingle Jaccard of title + lede >= TEXT_THRESHOLD:
    a wire copy under another outlet's headline).
The thresholds were chosen on tests/data/cluster_pairs.jsonl (`python -m tracker.cluster`
prints the scores and a sweep).

Candidates come from indexes, never from a scan: items.title_key for equal titles, and
MinHash signatures cut into LSH bands (item_bands) for the two similarities; each candidate
is then checked with the exact Jaccard. Only on-story items are clustered: the live panel
shows nothing else, and outlets' feeds are mostly off the story, so a cold poll pays for
the few items that matter.

A cluster's id is the id of its earliest report (its representative), so `items.cluster =
items.id` marks the one row the panel shows per cluster; an earlier report arriving late
takes over the id. Clusters of more than one item have a `clusters` row with the counts.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
import threading
import unicodedata
from array import array
from collections import Counter, OrderedDict
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cached_property
from typing import Callable, Collection, Iterable, Sequence


WINDOW = timedelta(days=3)
TITLE_THRESHOLD = 0.8
TEXT_THRESHOLD = 0.5
MIN_TITLE_WORDS = 4  # "Live updates", "Morning briefing": too generic to merge on
MIN_TEXT_SHINGLES = 12  # a title-only item has no text to compare; its title decides
LEDE_WORDS = 60  # outlets cut summaries at different lengths; the lede is what copies share
SUMMARY_CHARS = 600  # what is read of a summary: the lede and its neighbourhood

# ------------------------------------------------------------------ outlets in titles

# Publishers whose name aggregators append to titles (" - Reuters", " | AP News"). Only a
# known name is cut, so a real title with a dash ("Anthropic - Pentagon talks: what now")
# is left whole. Outlets learned from <source> elements are added by the store.
KNOWN_OUTLETS = frozenset(s.casefold() for s in """
Reuters|AP|AP News|Associated Press|The Associated Press|Bloomberg|Bloomberg Law|Bloomberg Government
Bloomberg Opinion|CNBC|CNN|CNN Business|Fox News|Fox Business|NBC News|CBS News|ABC News|NPR|PBS
PBS NewsHour|The New York Times|New York Times|The Washington Post|Washington Post
The Wall Street Journal|Wall Street Journal|WSJ|Financial Times|FT|The Guardian|BBC|BBC News|Axios
Politico|POLITICO|The Hill|Semafor|The Verge|TechCrunch|Wired|Ars Technica|Engadget|The Information
Business Insider|Insider|Fortune|Forbes|Yahoo|Yahoo News|Yahoo Finance|MSN|MarketWatch|Barron's
The Atlantic|Vox|Slate|Time|Newsweek|USA Today|Los Angeles Times|The Economist|Al Jazeera
Al Jazeera English|DW|France 24|Euronews|Sky News|The Independent|The Telegraph|New York Post
Washington Examiner|The Washington Times|National Review|The Daily Beast|HuffPost|Defense One
DefenseScoop|Breaking Defense|Defense News|Military Times|Military.com|Task & Purpose|The War Zone
Stars and Stripes|Federal News Network|FedScoop|Nextgov|Nextgov/FCW|Government Executive|Lawfare
Just Security|Law360|Courthouse News|Courthouse News Service|Platformer|9to5Mac|The Register
VentureBeat|ZDNet|CNET|Gizmodo|Mashable|Fast Company|Quartz|The Decoder|SiliconANGLE|GeekWire
Tom's Hardware|Tom's Guide|MIT Technology Review|IEEE Spectrum|Scientific American
U.S. News & World Report|US News|UPI|Nikkei Asia|South China Morning Post|Times of India
Hindustan Times|NDTV|Firstpost|The Hindu|CBC|CBC News|The Globe and Mail|Benzinga|Seeking Alpha
The Intercept|ProPublica|The New Yorker|Rolling Stone|Variety|The Hollywood Reporter|Mediaite
Washington Free Beacon|Daily Mail|The Times|Sydney Morning Herald|ABC (Australia)|Wired UK
""".replace("\n", "|").split("|") if s.strip())

_SUFFIX = re.compile(r"^(?P<title>.*\S)\s+[-\u2013\u2014|]\s+(?P<outlet>[^-\u2013\u2014|]{2,60})$")
# A bare domain ("Investing.com", "GOV.UK") is an outlet whatever it is; .ai and .js are left
# out because product names end in them.
_DOMAIN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]*(\.[A-Za-z0-9-]+)*\.(com|org|net|co|io|news|gov|uk|us|ca|au|in|de|fr|eu|info|tv)$",
                     re.I)


def split_outlet(title: str, known: Collection[str] = KNOWN_OUTLETS) -> tuple[str, str]:
    """'Headline - Reuters' -> ('Headline', 'Reuters') when the suffix is a known outlet (or a
    domain); otherwise (title, ''). `known` holds casefolded names."""
    m = _SUFFIX.match(title)
    if not m:
        return title, ""
    outlet = m["outlet"].strip()
    # Outlets write their names capitalised; "... - or else" is part of a sentence.
    if not (outlet[0].isupper() or outlet[0].isdigit()):
        return title, ""
    if outlet.casefold() in known or _DOMAIN.match(outlet):
        return m["title"], outlet
    return title, ""


# ------------------------------------------------------------------ normalising text

_FOLD = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201b": "'", "\u02bc": "'", "\u2032": "'",
                       "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-", "\u2212": "-",
                       "\u2026": " "})
# Wire-service labels in front of a headline ("Exclusive:", "UPDATE 2-", "BREAKING:",
# "Factbox-") mark the same piece, not a different one.
_PREFIX = re.compile(r"^(?:(?:exclusive|breaking|update\s*\d*|updated|analysis|factbox|explainer|corrected|"
                     r"refile|live|watch|video)\s*[:\-|]\s*)+", re.I)
_INITIALS = re.compile(r"\b(?:[A-Za-z]\.){2,}")  # "U.S." -> "US", "D.C." -> "DC"
_WORD = re.compile(r"\w+")
_BYLINE = re.compile(r"^\s*(?:by\s[^()]{1,80}?)?\s*(?:[A-Z ,.]{3,40}\s)?\((?:reuters|ap|bloomberg|afp)\)\s*[-\u2013\u2014]+\s*",
                     re.I)
STOPWORDS = frozenset("a an the of to in on for and or but at by with from as is are was were be "
                      "it its this that s t".split())


_NEEDS_FOLD = re.compile("[" + "".join(map(chr, _FOLD)) + "]")


def _normal(text: str) -> str:
    # Most feed text is ASCII, for which NFKC and the fold are no-ops: skipping them halves the cost.
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
        if _NEEDS_FOLD.search(text):
            text = text.translate(_FOLD)
    return text


# Every match of _INITIALS holds ".X." (X a letter): a text without one has no initials, and
# this search (a literal first) is far cheaper than the substitution over a lede.
_DOTTED = re.compile(r"\.[A-Za-z]\.")


def _cased_words(text: str) -> list[str]:
    text = _normal(text)
    if _DOTTED.search(text):
        text = _INITIALS.sub(_undot, text)
    return _WORD.findall(text.replace("'", ""))


def _undot(m: re.Match) -> str:
    return m[0].replace(".", "")


def _words(text: str) -> list[str]:
    return _cased_words(text.casefold())


def _clean_title(title: str) -> str:
    """Case kept; wire prefix and an aggregator's trailing '...' gone."""
    t = _normal(title).strip()
    if t.endswith("..."):
        t = t.rstrip(". ")
    return _PREFIX.sub("", t)


def title_key(title: str) -> str:
    """The title as compared for equality: lower case, no punctuation or wire prefixes."""
    return " ".join(w.casefold() for w in _cased_words(_clean_title(title)))


def jaccard(a: frozenset, b: frozenset) -> float:
    if not a or not b:
        return 0.0
    inter = len(a & b)
    return inter / (len(a) + len(b) - inter)


def _shingles(head: list[str], body: list[str]) -> frozenset[int]:
    """Word 3-shingles (as 64-bit hashes) of the title and the summary's lede. An aggregator's
    summary that only repeats the title (Google News) adds nothing: such an item has no text
    of its own."""
    if body[:len(head)] == head:
        body = body[len(head):]
        if len(body) <= 4:  # the title again, plus the outlet's name
            body = []
    if len(body) < 8:
        return frozenset()
    hs = [_word_hash(w) for w in head + body[:LEDE_WORDS]]
    return frozenset(((a * _K1) ^ (b * _K2) ^ c) & _M64 for a, b, c in zip(hs, hs[1:], hs[2:]))


def _names(cased: list[str]) -> frozenset[str]:
    """The title's names and numbers ("Lockheed", "HHS", "200"), casefolded. A title in Title
    Case has no usable capitals, so it gives none."""
    long = [w for w in cased if len(w) > 3]
    if long and sum(w[0].isupper() for w in long) >= 0.7 * len(long):
        return frozenset()
    return frozenset(w.casefold() for w in cased if w[0].isupper() or any(c.isdigit() for c in w))


@dataclass(frozen=True)
class Features:
    key: str  # title_key()
    tokens: frozenset[str]  # title words without stopwords
    shingles: frozenset[int]  # of title + lede; empty when the item has no text of its own
    names: frozenset[str] = frozenset()
    text: str = ""  # the title and the summary's start, for `words`
    cut: bool = False  # the title ends in "..." (Google News shortens long ones)
    # `words` as " w1 w2 ... ", once the cache has them: a candidate is unpacked anew for each
    # arrival it is compared with, and look-alike reports reach the names rule every time
    known_words: str | None = field(default=None, compare=False, repr=False)
    # (the title's length in text, the summary's words as `words` reads them) when of() has
    # made those already (no byline cut from the summary)
    summary_words: tuple[int, list[str]] | None = field(default=None, compare=False, repr=False)

    @classmethod
    def of(cls, title: str, summary: str = "") -> "Features":
        cased = _cased_words(_clean_title(title))
        head = [w.casefold() for w in cased]
        summary = summary[:SUMMARY_CHARS]
        body: list[str] = []
        if summary:
            cut = _BYLINE.sub("", summary)
            body = _words(cut)
        return cls(key=" ".join(head), tokens=frozenset(w for w in head if w not in STOPWORDS),
                   shingles=_shingles(head, body), names=_names(cased), text=f"{title}\n{summary}",
                   cut=title.rstrip().endswith(("...", "\u2026")),
                   summary_words=(len(title), body) if not summary or cut == summary else None)

    @cached_property
    def words(self) -> frozenset[str]:
        """Every word of the title and the summary's start; only the names rule needs them, and
        only for pairs that would otherwise merge, so they are made on demand (and kept small)."""
        if self.known_words is not None:
            return frozenset(self.known_words.split())
        if self.summary_words is not None:
            # The words of "title\nsummary" are the title's and the summary's: no word spans the
            # line break, and casefolding, NFKC and the rest treat each side alike.
            end, body = self.summary_words
            return frozenset(_words(self.text[:end])).union(body)
        return frozenset(_cased_words(self.text.casefold()))

    def has_word(self, word: str) -> bool:
        """word in self.words; from the cached string when there is one, without a set."""
        if self.known_words is not None and "words" not in self.__dict__:
            return f" {word} " in self.known_words
        return word in self.words


def _starts(short: Features, full: Features) -> bool:
    # A shortened title is the start of the full one; the word it ends on may itself be cut.
    return short.cut and len(short.tokens) >= 2 * MIN_TITLE_WORDS and \
        full.key.startswith(short.key.rsplit(" ", 1)[0] + " ")


def _other_subject(a: Features, b: Features) -> bool:
    """Both titles name someone or something the other item never mentions: "Lockheed reviews
    ..." and "Boeing reviews ..." over one boilerplate paragraph are two reports."""
    def lone(x: Features, y: Features) -> bool:
        return any(not y.has_word(n) for n in x.names - y.tokens)
    return lone(a, b) and lone(b, a)


def similarity(a: Features, b: Features, title_threshold: float = TITLE_THRESHOLD,
               text_threshold: float = TEXT_THRESHOLD) -> tuple[str, float] | None:
    """Why two items are the same report, with the score; None when they are not."""
    titled = len(a.tokens) >= MIN_TITLE_WORDS and len(b.tokens) >= MIN_TITLE_WORDS
    if titled and (a.key == b.key or _starts(a, b) or _starts(b, a)):
        return "title", 1.0
    hit = None
    if titled:
        tj = jaccard(a.tokens, b.tokens)
        if tj >= title_threshold:
            hit = "near-title", tj
    if hit is None and len(a.shingles) >= MIN_TEXT_SHINGLES and len(b.shingles) >= MIN_TEXT_SHINGLES:
        xj = jaccard(a.shingles, b.shingles)
        if xj >= text_threshold:
            hit = "text", xj
    return None if hit is None or _other_subject(a, b) else hit


# ------------------------------------------------------------------ MinHash / LSH
#
# Two signatures: title tokens (TITLE_BANDS bands of TITLE_ROWS) and text shingles (TEXT_BANDS
# of TEXT_ROWS). Each band is hashed with its number into one signed 64-bit key, stored in
# item_bands; items sharing a key are candidates, which similarity() then checks exactly.
# With r rows and b bands a pair of Jaccard s shares a band with probability 1-(1-s^r)^b:
# titles (6 x 3) 0.96 at 0.8 and 0.05 at 0.3; texts (8 x 3) 0.66 at 0.5, 0.94 at 0.7 and 0.06
# at 0.2 (wire copies sit at 0.7-1.0; an equal title is found through title_key anyway).
#
# Each element is hashed once (blake2b: stable across processes, unlike hash()). A title's few
# tokens get k cheap "permutations": XOR with one of k random masks, then a multiplication that
# spreads every bit into the top ones, so each row picks an independent-enough minimum. A text's
# ~70 shingles get one-permutation hashing instead: the hash picks one of k bins and the bin
# keeps its minimum, one pass instead of k (Li, Owen & Zhang 2012); a bin left empty borrows
# from the next one (Shrivastava & Li 2014). `python -m tracker.cluster` measures how many
# same-report pairs actually share a band.

TITLE_ROWS, TITLE_BANDS = 3, 6
TEXT_ROWS, TEXT_BANDS = 3, 8


_M64 = (1 << 64) - 1
_K1, _K2, _K3 = 0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x100000001B3
_WORD_HASHES: dict[str, int] = {}  # news reuses its words: each is hashed once per process (a few MB)


def _word_hash(word: str) -> int:
    h = _WORD_HASHES.get(word)
    if h is None:
        if len(_WORD_HASHES) > 50_000:
            _WORD_HASHES.clear()
        h = _WORD_HASHES[word] = int.from_bytes(hashlib.blake2b(word.encode(), digest_size=8).digest(), "little")
    return h


_TITLE_MASKS = [_word_hash(f"\x00title mask {i}") for i in range(TITLE_ROWS * TITLE_BANDS)]
_BAND_SEEDS = [_word_hash(f"\x00band {i}") for i in range(TITLE_BANDS + TEXT_BANDS)]


_TITLE_ROWS: dict[str, tuple[int, ...]] = {}  # title token -> its value under each mask (2,048 tokens at most)


def _signature(tokens: Iterable[str], masks: list[int]) -> list[int]:
    # XOR alone would order the few tokens by their top bits alike for most masks (rows that
    # agree together); the multiplication mixes every bit into the top ones. A token's values
    # under the masks are kept (titles reuse their words): the signature is then a minimum per
    # mask, in C, instead of a multiplication per token and mask.
    rows = []
    known = _TITLE_ROWS if masks is _TITLE_MASKS else {}
    for t in tokens:
        row = known.get(t)
        if row is None:
            if len(known) > 2048:
                known.clear()
            h = _word_hash(t)
            row = known[t] = tuple([((h ^ m) * _K1) & _M64 for m in masks])
        rows.append(row)
    return list(map(min, zip(*rows)))


_EMPTY = 1 << 64


def _one_permutation(hashes: Iterable[int], bins: int) -> list[int]:
    mins = [_EMPTY] * bins
    for h in hashes:
        b = h % bins
        if h < mins[b]:
            mins[b] = h
    if all(v == _EMPTY for v in mins):
        return mins
    for i in range(bins):
        if mins[i] == _EMPTY:
            step = next(t for t in range(1, bins) if mins[(i + t) % bins] != _EMPTY)
            mins[i] = mins[(i + step) % bins] * _K3 + step  # the distance too: borrowed != own
    return mins


def _bands(sig: list[int], rows: int, first: int) -> list[int]:
    out = []
    for band in range(len(sig) // rows):
        k = _BAND_SEEDS[first + band]
        for v in sig[band * rows:(band + 1) * rows]:
            k = ((k ^ v) * _K3) & _M64
        out.append(k - (1 << 64) if k >> 63 else k)  # SQLite integers are signed
    return out


def band_keys(f: Features) -> list[int]:
    keys = []
    if len(f.tokens) >= MIN_TITLE_WORDS:
        keys += _bands(_signature(f.tokens, _TITLE_MASKS), TITLE_ROWS, 0)
    if len(f.shingles) >= MIN_TEXT_SHINGLES:
        keys += _bands(_one_permutation(f.shingles, TEXT_ROWS * TEXT_BANDS), TEXT_ROWS, TITLE_BANDS)
    return keys


# ------------------------------------------------------------------ candidates
#
# The store (store/_copies.py) finds an arrival's candidates through its band keys and asks
# FeatureCache.same_report of each, best first, until one holds.

MAX_CANDIDATES = 20  # a flood of look-alikes (a generator, a spam feed) must not stall a poll
BAND_ROWS = 4 * MAX_CANDIDATES  # newest items read per band key


def ranked_candidates(shared: Counter, item_id: int) -> list[int]:
    """Candidates (item id -> bands shared with the arrival), most shared bands first: the
    likeliest match is checked first, and the first that holds wins."""
    shared.pop(item_id, None)
    # most_common(n) is heapq.nlargest, which promises sorted()[:n], ties included: at C speed
    return sorted(shared, key=shared.__getitem__, reverse=True)[:3 * MAX_CANDIDATES]


class FeatureCache:
    """Candidates are mostly recent items, checked again and again by each new arrival, so
    their features are kept: one cache per database (Store), keyed by (id, updated, title), so
    a changed text, or an id reused after a rolled-back insert, is never served stale. Shared
    by a Store's threads, hence the lock. 2048 entries (~4 KB each): look-alike reports draw
    their candidates from the newest ~80 items of each of a dozen headlines, and each miss is a
    read and a Features.of; smaller caches missed many (benchmarks/README.md, look-alike)."""

    def __init__(self, size: int = 2048):
        self.size = size
        self._data: OrderedDict[tuple[int, str | None, str], tuple] = OrderedDict()
        self._lock = threading.Lock()

    def put(self, item_id: int, title: str, f: Features) -> None:
        """Features of a new item: filed as never updated (for an item whose text did change,
        this entry is simply never found)."""
        self._file((item_id, None, title), f)

    def get(self, item_id: int, updated: str | None, title: str, summary: Callable[[], str]) -> Features:
        """The candidate's features, made of its title and summary() when not cached."""
        key = (item_id, updated, title)
        with self._lock:
            packed = self._data.get(key)
            if packed is not None:
                self._data.move_to_end(key)
        if packed is not None:
            return _unpack(packed)
        f = Features.of(title, summary())
        self._file(key, f)
        return f

    def same_report(self, f: Features, item_id: int, updated: str | None, title: str,
                    summary: Callable[[], str]) -> bool:
        """Whether the arrival f is a copy of the candidate (similarity(), the names rule first
        on the cached entry)."""
        return self.first_copy(f, [(item_id, updated, title, item_id)], lambda _: summary())[0] is not None

    def first_copy(self, f: Features, candidates: Sequence[tuple[int, str | None, str, int]],
                   summary: Callable[[int], str], limit: int | None = None) -> tuple[int | None, int]:
        """The first of candidates ((id, updated, title, cluster), best first) that the arrival
        f is a copy of, checking at most `limit`: -> (its cluster, or None; how many were
        checked). What same_report() decides for each, in one loop: a look-alike arrival checks
        every candidate it may and nearly every one is turned down by the names rule on the
        cached entry, decided from its cached words without unpacking its shingles (the rule
        vetoes every reason but an equal or cut title, so similarity() would say None too),
        so the arrival's part of that work (its names, their padded forms, its words) is made
        once here, and the cache's lock taken once."""
        titled = len(f.tokens) >= MIN_TITLE_WORDS
        f_names, f_tokens, f_key, f_cut = f.names, f.tokens, f.key, f.cut
        padded = [(n, f" {n} ") for n in f_names]
        f_words = None
        if limit is not None:
            candidates = candidates[:limit]
        keys = [(item_id, updated, title) for item_id, updated, title, _ in candidates]
        data = self._data
        with self._lock:  # once for the lot: the entries, and their places as most recently used
            found = [data.get(key) for key in keys]
            for key, packed in zip(keys, found):
                if packed is not None:
                    data.move_to_end(key)
        checked = 0
        for (item_id, updated, title, cid), key, packed in zip(candidates, keys, found):
            checked += 1
            if packed is not None and packed[6] is not None and packed[3] and f_names:
                # the names rule (_other_subject and similarity()'s title checks) on the packed entry
                c_key, c_tokens, _, c_names, _, c_cut, words = packed
                titled_both = titled and len(c_tokens) >= MIN_TITLE_WORDS
                if not (titled_both and f_key == c_key):
                    starts = False
                    if titled_both and (f_cut or c_cut):
                        cand = Features(key=c_key, tokens=c_tokens, shingles=frozenset(), names=c_names, cut=c_cut,
                                        known_words=words)
                        starts = _starts(f, cand) or _starts(cand, f)
                    if not starts:
                        vetoed = False
                        for n, pad in padded:
                            if n not in c_tokens and pad not in words:  # a name of its own the candidate lacks
                                if f_words is None:
                                    f_words = f.words if f.known_words is None else \
                                        frozenset(f.known_words.split())
                                for m in c_names:  # and the candidate has one the arrival lacks
                                    if m not in f_tokens and m not in f_words:
                                        vetoed = True
                                        break
                                break
                        if vetoed:
                            continue  # the names rule turns it down
            cand = _unpack(packed) if packed is not None else self._made(key, summary(item_id))
            if similarity(f, cand):
                return cid, checked
            self.keep_words(item_id, updated, title, cand)
        return None, checked

    def _made(self, key: tuple, summary: str) -> Features:
        f = Features.of(key[2], summary)
        self._file(key, f)
        return f

    def keep_words(self, item_id: int, updated: str | None, title: str, f: Features) -> None:
        """File f's `words` with its entry once the names rule has made them."""
        words = f.__dict__.get("words")
        if words is None or f.known_words is not None:
            return
        key = (item_id, updated, title)
        with self._lock:
            packed = self._data.get(key)
            if packed is not None and packed[-1] is None:
                self._data[key] = packed[:-1] + (_word_line(words),)

    def _file(self, key: tuple, f: Features) -> None:
        packed = _pack(f)
        with self._lock:
            self._data[key] = packed
            if len(self._data) > self.size:
                self._data.popitem(last=False)


def _pack(f: Features) -> tuple:
    """Features as the cache keeps them: the shingles as 8 bytes each, not a set of Python
    ints (~75 bytes each), and no `words` (made again if ever needed): ~2.5 KB instead of
    7-14 KB, so the writer's cache holds the same candidates in a third of the memory. The
    words, when made, as one string (keep_words)."""
    words = f.__dict__.get("words")
    return (f.key, f.tokens, array("Q", f.shingles).tobytes(), f.names, f.text, f.cut,
            _word_line(words) if words is not None else f.known_words)


def _word_line(words: frozenset[str]) -> str:
    return f" {' '.join(words)} "  # words are \w+ runs: no space inside one


def _unpack(packed: tuple) -> Features:
    key, tokens, shingles, names, text, cut, words = packed
    values = array("Q")
    values.frombytes(shingles)
    return Features(key=key, tokens=tokens, shingles=frozenset(values), names=names, text=text, cut=cut,
                    known_words=words)


# Stored band keys and title keys are only comparable with keys made the same way: a change
# to normalising or hashing must bump this, and the next start re-clusters everything.
INDEX_VERSION = "1"
INDEX_KEY = "cluster_index"


# ------------------------------------------------------------------ pair-set evaluation

def load_pairs(path) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def _side_features(side: dict) -> Features:
    title = side["title"]
    if side.get("source") and title.endswith(f" - {side['source']}"):
        title = title[: -len(side["source"]) - 3]  # what parse.py does with a <source>
    else:
        title, _ = split_outlet(title)
    return Features.of(title, side.get("summary", ""))


def _candidate_rate(pairs: list[dict]) -> tuple[int, int]:
    """How many same-report pairs that similarity() accepts would the LSH index, or an equal
    title_key, put in front of it at all."""
    found = total = 0
    for p in pairs:
        a, b = _side_features(p["a"]), _side_features(p["b"])
        if p["same"] and similarity(a, b):
            total += 1
            found += a.key == b.key or bool(set(band_keys(a)) & set(band_keys(b)))
    return found, total


def score_pairs(pairs: list[dict], decide=similarity) -> dict:
    """Precision and recall of `decide` on labelled pairs."""
    tp = fp = fn = tn = 0
    wrong = []
    for p in pairs:
        got = decide(_side_features(p["a"]), _side_features(p["b"])) is not None
        if got and p["same"]:
            tp += 1
        elif got:
            fp += 1
            wrong.append(("false merge", p))
        elif p["same"]:
            fn += 1
            wrong.append(("missed", p))
        else:
            tn += 1
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return {"tp": tp, "fp": fp, "fn": fn, "tn": tn, "precision": precision, "recall": recall,
            "wrong": wrong}


def _main(argv: list[str]) -> int:
    """python -m tracker.cluster [pairs.jsonl]: precision and recall of the pairing per set,
    the mistakes, and a threshold sweep (the names rule always on)."""
    pairs = load_pairs(argv[0] if argv else "tests/data/cluster_pairs.jsonl")
    sets = sorted({p.get("set", "all") for p in pairs})
    for name, subset in [(n, [p for p in pairs if p.get("set", "all") == n]) for n in sets] + [("all", pairs)]:
        s = score_pairs(subset)
        print(f"{name:8} {len(subset):3} pairs ({sum(p['same'] for p in subset)} same report): "
              f"precision {s['precision']:.3f}  recall {s['recall']:.3f}  "
              f"(tp {s['tp']}, fp {s['fp']}, fn {s['fn']}, tn {s['tn']})")
    print(f"thresholds: title word Jaccard >= {TITLE_THRESHOLD}, text 3-shingle Jaccard >= {TEXT_THRESHOLD}")
    found, total = _candidate_rate(pairs)
    print(f"candidates: the index finds {found} of the {total} merged pairs")
    for why, p in score_pairs(pairs)["wrong"]:
        print(f"  {why} [{p.get('set')}, {p['kind']}]: {p['a']['title']!r} / {p['b']['title']!r}")
    print("\nsweep over all pairs, fp/fn (rows: title threshold, columns: text threshold)")
    texts = (0.3, 0.4, 0.5, 0.6, 0.7)
    print("       " + "".join(f"{t:>9}" for t in texts))
    for tt in (0.6, 0.7, 0.8, 0.9, 1.01):
        cells = []
        for xt in texts:
            s = score_pairs(pairs, lambda a, b: similarity(a, b, tt, xt))
            cells.append(f"{s['fp']:>5}/{s['fn']:<3}")
        print(f"  {tt:4.2f} " + "".join(cells))
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
