"""What happened: group a story's reports into developments, one event each.

Above copies (tracker/cluster.py: one report under many outlets), a development is every
report of one event (the ultimatum, the refusal, the designation, the lawsuit), in any words,
from any outlet, over the hours or days it runs.

In a one-story tracker the words every report shares ("Anthropic", "Pentagon", "AI") say
nothing, so terms are weighed by how rare they are *within the story*: document frequencies
over the story's most recent DF_ITEMS reports, learnt as reports arrive. Names, numbers and
quoted phrases weigh more (STRONG). A development keeps a centroid (how many of its members
hold each term); a new report is compared with the recent developments that share one of its
informative terms (an inverted index, each term's list capped), never with every report, and
joins the best one when

  - it is within WINDOW of the development's latest report (or just before its first),
  - its cosine with the centroid, less a time penalty, reaches THRESHOLD, and
  - it shares at least one of the development's *core* terms, held by CORE_SHARE of its
    members: a report cannot join on what one member happened to mention, so a broad
    development does not chain its way across the story (its cohesion).

A copy (same copy group) always joins its copies' development. A development's id is the id
of the report that founded it, and never changes. Everything here is plain data: the store
persists assignments and rebuilds a Grouper from its rows after a restart (`restore`).

`python -m tracker.developments [FILE]` prints BCubed precision, recall and F1 on a labelled
set (tests/data/developments.jsonl).
"""

from __future__ import annotations

import json
import math
import re
import sys
from collections import Counter, OrderedDict, deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from .cluster import _DOTTED, STOPWORDS, _clean_title, _normal
from .timeutil import from_iso

WINDOW = timedelta(hours=24)  # after a development's latest report
BEFORE = timedelta(hours=12)  # before its first (a report that arrives late)
MAX_SPAN = timedelta(days=5)  # from its first report: an event's coverage ends; what follows is another
# Chosen on the labelled set's dev half (python -m tracker.developments; /tmp sweeps over
# THRESHOLD 0.06-0.22, TIME_PENALTY 0-0.2, SUMMARY_WEIGHT 0.2-0.5, STRONG 1-1.6, WINDOW 12-48 h):
# the best F1 with precision >= 0.92. A boost for names did not help there (0.878 at 1.3 vs
# 0.883 at 1.0): rarity within the story already makes them count.
THRESHOLD = 0.1
TIME_PENALTY = 0.05  # taken off the score per WINDOW of gap
CORE_SHARE = 0.3
STRONG = 1.0  # names, numbers, quoted phrases (weighed as rare words are: see above)
TITLE_WEIGHT = 1.0
SUMMARY_WEIGHT = 0.2
LEDE_WORDS = 45
DF_ITEMS = 5_000  # the story's recent reports that the weights are learnt from
ACTIVE = 2_000  # developments kept in memory, most recently joined first
POSTINGS = 48  # developments listed per term (the most recently joined)
CANDIDATES = 12  # scored exactly per new report
CENTROID_TERMS = 150  # terms kept per development centroid
MAX_TERMS = 60  # per report: a report of a thousand words is a lede and a tail
COMMON = 0.35  # a term in this share of the story's reports is not looked up
# A report the rules left out may join an on-story development, and so come onto the story,
# only above this (stricter than THRESHOLD: a wrong join brings in news off the story).
# Measured by `python -m tracker.developments --joins` on the labelled set, its reports whose
# titles the rules miss being offered: precision (joined reports on the story) 0.63 at 0.16,
# 1.0 from 0.18 (10 joined) on; 0.25 keeps a margin: 5 of the 52 missed brought in, all 5 on
# the story, 4 in the right development.
JOIN_THRESHOLD = 0.25

# Stored developments were made by this version of the grouping: a change that should
# regroup every database bumps it (Store.group_developments then starts afresh).
INDEX_KEY, INDEX_VERSION = "development_index", "1"

_WORD = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)?")
_QUOTED = re.compile(r"[\"\u201c\u201d]([^\"\u201c\u201d]{3,60})[\"\u201c\u201d]")
_INITIALS = re.compile(r"\b(?:[A-Za-z]\.){2,}")
# Headline verbs of reporting, and the words of a wire's label, say nothing of the event.
_NOISE = STOPWORDS | frozenset("""
says said say saying report reports reported reportedly according sources source new news
will would could can may might has have had not no after over into about amid than more
what who how why when where which their they them his her he she we our you your us
update updated updates exclusive breaking live analysis opinion explainer watch video
""".split())


def stem(word: str) -> str:
    """Truncation stemming: 'designates', 'designated', 'designation' -> 'design'. Crude, but
    word forms are most of what separates two wordings of one headline."""
    w = word.casefold().replace("\u2019", "'")
    if w.endswith("'s"):
        w = w[:-2]
    if len(w) > 6:
        return w[:6]
    if len(w) > 3 and w.endswith("s") and not w.endswith("ss"):
        return w[:-1]
    return w


# log(k + 1) for every document frequency k a term can have (DF_ITEMS at most): the same
# floats math.log gives, looked up, since scoring takes a few thousand of them per report.
_LOG1 = [math.log(k + 1) for k in range(DF_ITEMS + 2)]

_STEMS: dict[str, str | None] = {}  # word -> stem, None for noise: news reuses its words


@dataclass(frozen=True)
class Report:
    """What grouping knows of one report."""

    id: int
    title: str
    summary: str = ""
    published: str = ""  # UTC ISO; empty or unreadable: treated as undated
    copy: int | None = None  # its copy group (items.cluster): copies share a development


@dataclass(frozen=True)
class Terms:
    weights: dict[str, float]  # stem -> weight before rarity (title/summary, strong)
    shown: dict[str, str]  # stem -> the word as written, for explanations

    @classmethod
    def of(cls, title: str, summary: str = "") -> "Terms":
        weights: dict[str, float] = {}
        shown: dict[str, str] = {}
        title = _clean_title(title[:400])
        summary = summary[:8 * LEDE_WORDS]  # the lede is what is read; the rest costs time
        marks = STRONG != 1.0  # with no boost for names, which words are names does not matter
        stems = _STEMS
        for text, base, limit in ((title, TITLE_WEIGHT, 40), (summary, SUMMARY_WEIGHT, LEDE_WORDS)):
            if not text:
                continue
            normal = _normal(text)
            if _DOTTED.search(normal):  # as cluster._cased_words: no ".X.", no initials
                normal = _INITIALS.sub(lambda m: m[0].replace(".", ""), normal)
            words = _WORD.findall(normal)[:limit]
            cased = marks and _mostly_lower(words)
            weight = base
            for i, w in enumerate(words):
                s = stems.get(w, "")
                if s == "":
                    if len(stems) > 50_000:
                        stems.clear()
                    s = stems[w] = stem(w)
                    if len(s) < 2 or s in _NOISE or w.casefold() in _NOISE:
                        s = stems[w] = None
                if s is None:
                    continue
                if marks:
                    strong = (not w.isalpha() and any(c.isdigit() for c in w)) or (cased and i > 0 and w[0].isupper())
                    weight = base * (STRONG if strong else 1.0)
                if weight > weights.get(s, 0.0):
                    weights[s] = weight
                    shown.setdefault(s, w)
                if len(weights) >= MAX_TERMS:
                    break
            if '"' not in text and "\u201c" not in text and "\u201d" not in text:
                continue
            for q in _QUOTED.findall(text):
                key = "\u201c" + " ".join(stem(w) for w in _WORD.findall(q))[:60]
                if key != "\u201c" and len(weights) < MAX_TERMS:
                    weights[key] = max(weights.get(key, 0.0), base * STRONG)
                    shown.setdefault(key, f"\u201c{q.strip()}\u201d")
        return cls(weights, shown)


def _mostly_lower(words: list[str]) -> bool:
    """Sentence case: a capital marks a name. In Title Case every word has one, so none does."""
    long = [w for w in words[:24] if len(w) > 3]  # a headline's or a lede's start tells
    return bool(long) and sum(w[0].isupper() for w in long) < 0.6 * len(long)


def _when(published: str) -> datetime | None:
    try:
        return from_iso(published) if published else None
    except ValueError:
        return None


@dataclass
class Development:
    id: int
    first: datetime | None
    last: datetime | None
    size: int = 0
    counts: Counter = field(default_factory=Counter)  # stem -> members holding it
    headline: int = 0  # the member most like the development when it joined
    headline_score: float = -1.0
    norm: float = 0.0  # of the centroid, under the weights when it last changed

    def core(self, term: str) -> bool:
        return self.counts.get(term, 0) >= max(1.0, CORE_SHARE * self.size)


@dataclass(frozen=True)
class Assignment:
    """Where a report went, and why (the detail pane shows it)."""

    item: int
    development: int
    joined: bool  # False: it founded a development of its own
    reason: str  # "copy", "similar", "new", "moved", "joined" (a report the rules left out)
    score: float = 0.0
    shared: tuple[str, ...] = ()  # the terms that carried the score, strongest first
    gap: timedelta | None = None  # from the development's latest report before it

    def explain(self) -> str:
        if self.reason == "copy":
            return "a copy of a report in this development"
        if self.reason == "moved":
            return "moved here by hand"
        if self.reason == "joined":
            return (f"the rules left it out, but it shares {', '.join(self.shared)} with this "
                    f"development (score {self.score:.2f}): on the story by it")
        if not self.joined:
            return "a development of its own: no recent development shares its rare terms"
        gap = "" if self.gap is None else f", {_span(self.gap)} after its latest report"
        return f"shares {', '.join(self.shared)} (score {self.score:.2f}{gap})"


def _span(gap: timedelta) -> str:
    s = abs(gap.total_seconds())
    text = f"{s / 86400:.1f} days" if s >= 86400 else f"{s / 3600:.1f} h" if s >= 3600 else f"{int(s // 60)} min"
    return text if gap.total_seconds() >= 0 else f"-{text}"


class Grouper:
    """Incremental grouping of one story's reports. Memory is bounded (ACTIVE developments,
    DF_ITEMS reports' terms, capped postings) and so is the work per report."""

    def __init__(self) -> None:
        self.df: Counter = Counter()
        self._recent: deque[tuple[str, ...]] = deque()
        self.devs: OrderedDict[int, Development] = OrderedDict()  # least recently joined first
        self._postings: dict[str, OrderedDict[int, None]] = {}
        self._copies: OrderedDict[int, int] = OrderedDict()  # copy group -> development

    # ------------------------------------------------------------ weights
    def weight(self, term: str) -> float:
        n = len(self._recent)
        return math.log((n + 1) / (self.df.get(term, 0) + 1))

    def _learn(self, terms: Terms) -> None:
        keys = tuple(terms.weights)
        self._recent.append(keys)
        df = self.df
        df.update(keys)
        if len(self._recent) > DF_ITEMS:
            for t in self._recent.popleft():  # its terms are each counted once, so each is in df
                n = df[t] - 1
                if n > 0:
                    df[t] = n
                else:
                    del df[t]

    # ------------------------------------------------------------ adding
    def add(self, report: Report, copy_development: int | None = None,
            terms: Terms | None = None) -> Assignment:
        """Group a new report. copy_development: the development its copies are in, when the
        caller knows it (the store looks it up); else the grouper's own recent record."""
        terms = terms or Terms.of(report.title, report.summary)
        at = _when(report.published)
        if copy_development is None and report.copy is not None and report.copy != report.id:
            copy_development = self._copies.get(report.copy)
        self._learn(terms)
        if copy_development is not None:
            self._join(copy_development, report.id, at, terms, None)
            self._remember_copy(report, copy_development)
            return Assignment(report.id, copy_development, True, "copy", 1.0)
        best = self._best(terms, at)
        if best is None:
            self._found(report.id, at, terms)
            self._remember_copy(report, report.id)
            return Assignment(report.id, report.id, False, "new")
        dev, score, shared, gap = best
        self._join(dev.id, report.id, at, terms, score)
        self._remember_copy(report, dev.id)
        return Assignment(report.id, dev.id, True, "similar", round(score, 3), shared, gap)

    def candidate(self, report: Report, threshold: float = JOIN_THRESHOLD,
                  terms: Terms | None = None) -> Assignment | None:
        """A report the rules left out, offered to the story: it joins the best recent
        development if it scores `threshold` there (learnt from then, as any member), else
        nothing changes and None is returned. Bounded like add(): the inverted index only."""
        terms = terms or Terms.of(report.title, report.summary)
        at = _when(report.published)
        best = self._best(terms, at, threshold)
        if best is None:
            return None
        dev, score, shared, gap = best
        self._learn(terms)
        self._join(dev.id, report.id, at, terms, None)  # never its headline: it is the doubtful one
        self._remember_copy(report, dev.id)
        return Assignment(report.id, dev.id, True, "joined", round(score, 3), shared, gap)

    def place(self, report: Report, development: int | None, terms: Terms | None = None) -> Assignment:
        """A report put somewhere by hand (None: a development of its own): learnt from like
        any other, without a decision."""
        terms = terms or Terms.of(report.title, report.summary)
        at = _when(report.published)
        self._learn(terms)
        target = report.id if development is None else development
        if target == report.id and target not in self.devs:
            self._found(report.id, at, terms)
        else:
            self._join(target, report.id, at, terms, None)
        self._remember_copy(report, target)
        return Assignment(report.id, target, target != report.id, "moved")

    def restore(self, report: Report, development: int, terms: Terms | None = None) -> None:
        """Replay a stored assignment after a restart (oldest first): weights and centroids as
        they were, no decision made, so the ids already given stay as they are."""
        terms = terms or Terms.of(report.title, report.summary)
        self._learn(terms)
        if development == report.id and development not in self.devs:
            self._found(report.id, _when(report.published), terms)
        else:
            self._join(development, report.id, _when(report.published), terms, None)
        self._remember_copy(report, development)

    def _remember_copy(self, report: Report, development: int) -> None:
        if report.copy is None:
            return
        self._copies[report.copy] = development
        self._copies.move_to_end(report.copy)
        if len(self._copies) > 4 * ACTIVE:
            self._copies.popitem(last=False)

    # ------------------------------------------------------------ scoring
    def _vector(self, terms: Terms) -> dict[str, float]:
        return {t: w * self.weight(t) for t, w in terms.weights.items()}

    def _centroid_norm(self, dev: Development) -> float:
        log_n, df, log1, size = _LOG1[len(self._recent)], self.df.get, _LOG1, dev.size
        return math.sqrt(sum((c / size * (log_n - log1[df(t, 0)])) ** 2
                             for t, c in dev.counts.items())) or 1.0

    def _best(self, terms: Terms, at: datetime | None, threshold: float = THRESHOLD):
        n = len(self._recent)
        log_n, df, log1 = _LOG1[n], self.df, _LOG1
        dfs = df.get
        idf = {t: log_n - log1[dfs(t, 0)] for t in terms.weights}
        vec = {t: w * idf[t] for t, w in terms.weights.items() if idf[t] > 0}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        votes: dict[int, float] = {}
        common = COMMON * n if n >= 20 else n + 1
        postings, vote = self._postings, votes.get
        for t, v in vec.items():
            posting = postings.get(t)
            if posting is not None and df.get(t, 0) <= common:
                for dev_id in posting:
                    votes[dev_id] = vote(dev_id, 0.0) + v
        if not votes:
            return None
        scored = [(t, v, idf[t]) for t, v in vec.items()]
        best = None
        # sorted()[:n] is what heapq.nlargest promises to equal, ties included, at C speed
        for dev_id in sorted(votes, key=votes.__getitem__, reverse=True)[:CANDIDATES]:
            dev = self.devs.get(dev_id)
            if dev is None:
                continue
            gap = None if at is None or dev.last is None else at - dev.last
            if gap is not None and (gap > WINDOW or (dev.first is not None and not
                                                     dev.first - BEFORE <= at <= dev.first + MAX_SPAN)):
                continue
            count, core_min = dev.counts.get, max(1.0, CORE_SHARE * dev.size)
            dot, core = 0.0, False
            for t, v, i in scored:
                c = count(t)
                if c:
                    dot += v * c * i
                    core = core or c >= core_min
            if not core:
                continue
            score = dot / (dev.size * norm * (dev.norm or 1.0))
            if gap is not None and gap > timedelta(0):
                score -= TIME_PENALTY * (gap / WINDOW)
            if score >= threshold and (best is None or score > best[1]):
                best = (dev, score, gap)
        if best is None:
            return None
        dev, score, gap = best  # the terms that carried it, worked out for the winner only
        count = dev.counts.get
        shared = [(v * count(t) * i, t) for t, v, i in scored if count(t)]
        return dev, score, tuple(terms.shown.get(t, t) for _, t in sorted(shared, reverse=True)[:5]), gap

    # ------------------------------------------------------------ developments
    def _found(self, item_id: int, at: datetime | None, terms: Terms) -> None:
        self.devs[item_id] = Development(item_id, at, at, headline=item_id)
        self._join(item_id, item_id, at, terms, None)

    def _join(self, dev_id: int, item_id: int, at: datetime | None, terms: Terms, score: float | None) -> None:
        dev = self.devs.get(dev_id)
        if dev is None:  # a development no longer in memory (or a move into one): it comes back
            dev = self.devs[dev_id] = Development(dev_id, at, at, headline=dev_id)
        dev.size += 1
        dev.counts.update(terms.weights.keys())
        if len(dev.counts) > CENTROID_TERMS + CENTROID_TERMS // 2:  # pruned now and then, not at each join
            # Terms only one or two members held go first: they are not the development's.
            for t, _ in sorted(dev.counts.items(), key=lambda kv: kv[1])[:len(dev.counts) - CENTROID_TERMS]:
                del dev.counts[t]
                posting = self._postings.get(t)
                if posting is not None:
                    posting.pop(dev_id, None)
        if at is not None:
            dev.first = at if dev.first is None else min(dev.first, at)
            dev.last = at if dev.last is None else max(dev.last, at)
        if score is not None and score > dev.headline_score:
            dev.headline, dev.headline_score = item_id, score
        if dev.size <= 8 or dev.size % 8 == 0:  # the weights drift slowly; a large centroid barely moves
            dev.norm = self._centroid_norm(dev)
        self.devs.move_to_end(dev_id)
        for t in terms.weights:
            if t in dev.counts:
                posting = self._postings.setdefault(t, OrderedDict())
                posting[dev_id] = None
                posting.move_to_end(dev_id)
                if len(posting) > POSTINGS:
                    posting.popitem(last=False)
        while len(self.devs) > ACTIVE:
            old_id, old = self.devs.popitem(last=False)
            for t in old.counts:
                posting = self._postings.get(t)
                if posting is not None:
                    posting.pop(old_id, None)
                    if not posting:
                        del self._postings[t]


# ------------------------------------------------------------------ rule suggestions

def suggest_terms(developments: dict[int, list[str]], rules, limit: int = 20,
                  minimum: int = 2) -> list[dict]:
    """Terms frequent in the story's developments that the rules do not hold: a development's
    titles (id -> titles, its headline first, so that it is the example when it has the term) -> [{term, developments, reports, examples}],
    most developments first. Counted once per development, so one development's many reports
    do not outweigh the rest. Words (names above all) and two-word phrases of words that are
    not noise; a term the rules already find (or a part of one of their terms) is left out.
    limit None: all of them."""
    from .match import Matcher
    matcher = Matcher(rules)
    rule_words = {w.casefold() for group in (*rules.require, rules.exclude) for term in group
                  for w in _WORD.findall(_normal(term))}
    devs: Counter = Counter()
    reports: Counter = Counter()
    shown: dict[str, Counter] = {}
    examples: dict[str, list[str]] = {}
    for titles in developments.values():
        seen: set[str] = set()
        for title in titles:
            words = _WORD.findall(_normal(_clean_title(title[:400])))[:40]
            keep = [w if (w.casefold() not in _NOISE and len(w) > 2 and not w.isdigit()) else None for w in words]
            terms = [w for w in keep if w] + [f"{a} {b}" for a, b in zip(keep, keep[1:]) if a and b]
            for term in terms:
                key = term.casefold()
                shown.setdefault(key, Counter())[term] += 1
                reports[key] += 1
                if key not in seen:
                    seen.add(key)
                    devs[key] += 1
                    if len(examples.setdefault(key, [])) < 2:  # a title that holds it, one per development
                        examples[key].append(title)
    # a word seen only in one phrase ("Judge" of "Judge Lin") is the phrase's: it is listed once
    def lacking(key: str) -> bool:
        return not (set(key.split()) & rule_words or matcher.match(key, "").terms)

    within = {w for key, n in devs.items() if " " in key and n >= minimum and lacking(key)
              for w in key.split() if devs[w] == n}
    out = []
    for key, n in sorted(devs.items(), key=lambda kv: (-kv[1], -reports[kv[0]], kv[0])):
        if n < minimum:
            break
        if key in within or not lacking(key):
            continue
        out.append({"term": shown[key].most_common(1)[0][0], "developments": n, "reports": reports[key],
                    "examples": examples[key]})
        if limit is not None and len(out) >= limit:
            break
    return out


# ------------------------------------------------------------------ evaluation

def load(path) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def bcubed(predicted: dict, gold: dict) -> tuple[float, float, float]:
    """BCubed precision, recall and F1 of a grouping (item -> group) against labels."""
    by_pred: dict = {}
    by_gold: dict = {}
    for k in gold:
        by_pred.setdefault(predicted[k], set()).add(k)
        by_gold.setdefault(gold[k], set()).add(k)
    p = r = 0.0
    for k in gold:
        same = by_pred[predicted[k]] & by_gold[gold[k]]
        p += len(same) / len(by_pred[predicted[k]])
        r += len(same) / len(by_gold[gold[k]])
    n = len(gold) or 1
    p, r = p / n, r / n
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def group_items(items: list[dict], on_story: list[bool] | None = None,
                join_threshold: float = JOIN_THRESHOLD) -> list[int | None]:
    """Group items (dicts: title, summary, outlet, link, published) as the store would, in
    published order, as one stream: copies by tracker.cluster's rule (or one canonical link,
    as the store keeps one row per link), then developments. -> a development id per item.
    The shape benchmarks/developments_eval.py asks for (`tracker.developments:group_items`).
    on_story: per item, whether the rules keep it; one they leave out is only offered as a
    candidate (Grouper.candidate), as the store does, and gets None when it does not join."""
    from .cluster import KNOWN_OUTLETS, WINDOW as COPY_WINDOW, Features, similarity, split_outlet
    from .links import canonical_link
    known = set(KNOWN_OUTLETS) | {i["outlet"].casefold() for i in items if i.get("outlet")}
    grouper = Grouper()
    seen: list[tuple[Features, datetime | None, int]] = []
    by_link: dict[str, int] = {}
    out = [0] * len(items)
    for i in sorted(range(len(items)), key=lambda k: (items[k].get("published", ""), k)):
        it = items[i]
        candidate = on_story is not None and not on_story[i]
        title, outlet = it["title"], it.get("outlet", "")
        if outlet and title.endswith(f" - {outlet}"):
            title = title[: -len(outlet) - 3].rstrip()
        else:
            title, _ = split_outlet(title, known)
        f = Features.of(title, it.get("summary", ""))
        at = _when(it.get("published", ""))
        link = canonical_link(it.get("link")) if it.get("link") else None
        if candidate:  # the store makes no copy groups off the story
            a = grouper.candidate(Report(i, title, it.get("summary", ""), it.get("published", "")),
                                  join_threshold)
            out[i] = None if a is None else a.development
            continue
        copy = by_link.get(link, i) if link else i
        if copy == i:
            for g, gat, gcopy in seen:
                if (at is None or gat is None or abs(at - gat) <= COPY_WINDOW) and similarity(f, g):
                    copy = gcopy
                    break
        if link:
            by_link.setdefault(link, copy)
        seen.append((f, at, copy))
        out[i] = grouper.add(Report(i, title, it.get("summary", ""), it.get("published", ""), copy)).development
    return out


def evaluate(rows: list[dict]) -> dict:
    keys = group_items(rows)
    predicted = dict(enumerate(keys))
    gold = {i: r["development"] for i, r in enumerate(rows)}
    p, r, f1 = bcubed(predicted, gold)
    sizes = Counter(keys)
    return {"items": len(rows), "developments": len(set(gold.values())), "groups": len(sizes),
            "precision": p, "recall": r, "f1": f1, "largest": max(sizes.values()) if sizes else 0,
            "predicted": predicted}


def joins(rows: list[dict], rules_path: str = "feeds.toml",
          thresholds=(0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5)) -> list[dict]:
    """How relevance by development does on a labelled set: its reports whose *titles* the
    story's rules miss are treated as off the story (only offered to the grouper) and the
    rest as on it. -> per threshold: joined, and of those on the rules' story (precision),
    in the right development, and the share of the story's missed reports brought in."""
    import tomllib
    from .match import Matcher, Rules
    with open(rules_path, "rb") as f:
        table = tomllib.load(f)["story"]["match"]
    matcher = Matcher(Rules(require=table.get("require", []), exclude=table.get("exclude", [])))
    story = {r["story"] for r in rows if matcher.match(r["title"], r.get("summary", "")).on_story}
    on = [matcher.match(r["title"], "").on_story for r in rows]
    out = []
    for t in thresholds:
        keys = group_items(rows, on, t)
        founders = {k: i for i, k in sorted(enumerate(keys), reverse=True) if k is not None and on[i]}
        joined = [i for i, k in enumerate(keys) if not on[i] and k is not None]
        right_story = sum(rows[i]["story"] in story for i in joined)
        right_dev = sum(rows[i]["development"] == rows[founders[keys[i]]]["development"]
                        for i in joined if keys[i] in founders)
        missed = [i for i in range(len(rows)) if not on[i] and rows[i]["story"] in story]
        out.append({"threshold": t, "offered": on.count(False), "missed": len(missed), "joined": len(joined),
                    "precision": right_story / len(joined) if joined else 1.0,
                    "development_precision": right_dev / len(joined) if joined else 1.0,
                    "recall": sum(keys[i] is not None for i in missed) / len(missed) if missed else 1.0})
    return out


def lookalikes(n: int, start: int = 0) -> list[Report]:
    """Reports that look alike, as a story's coverage does: one lede, titles that differ in
    a detail or two, a few hundred events."""
    out = []
    for i in range(start, start + n):
        event = i // 40
        out.append(Report(i, f"Anthropic Pentagon AI dispute: {['talks', 'deadline', 'ruling', 'appeal'][event % 4]} "
                             f"{event} as officials in city {i % 53} react",
                          f"The Pentagon and Anthropic clashed again on Tuesday over safeguards, officials said; "
                          f"report {event} from desk {i % 89}.", "2026-03-01T00:00:00Z"))
    return out


def bench(sizes=(5_000, 50_000)) -> None:
    """Cost per report after `size` look-alike reports (the last 2,000 timed)."""
    import time
    for size in sizes:
        g = Grouper()
        reports = lookalikes(size)
        for r in reports[:-2000]:
            g.add(r)
        started = time.perf_counter()
        for r in reports[-2000:]:
            g.add(r)
        took = (time.perf_counter() - started) / 2000
        print(f"{size:>7,} look-alike reports: {took * 1e6:.0f} us per report, {len(g.devs)} developments in memory")


def _main(argv: list[str]) -> int:
    """python -m tracker.developments [FILE] [--verbose] [--bench]: BCubed figures per set."""
    if "--bench" in argv:
        bench()
        return 0
    if "--joins" in argv:
        rows = load(next((a for a in argv if not a.startswith("--")), "tests/data/developments.jsonl"))
        for j in joins(rows):
            print(f"join threshold {j['threshold']:.2f}: {j['joined']:3} of {j['offered']} reports the rules miss "
                  f"(by title) joined; on the story {j['precision']:.3f}, in the right development "
                  f"{j['development_precision']:.3f}; of the story's {j['missed']} missed, {j['recall']:.3f} brought in")
        return 0
    verbose = "--verbose" in argv
    paths = [a for a in argv if not a.startswith("--")]
    rows = load(paths[0] if paths else "tests/data/developments.jsonl")
    sets = sorted({r.get("set", "all") for r in rows})
    for name in sets + (["all"] if len(sets) > 1 else []):  # each set alone, as a stream of its own
        subset = [r for r in rows if name == "all" or r.get("set", "all") == name]
        s = evaluate(subset)
        print(f"{name:5} {s['items']:4} reports, {s['developments']:3} developments -> {s['groups']:3} groups: "
              f"BCubed precision {s['precision']:.3f}  recall {s['recall']:.3f}  F1 {s['f1']:.3f}  "
              f"(largest group {s['largest']})")
        if verbose:
            groups: dict[int, list[int]] = {}
            for i, g in s["predicted"].items():
                groups.setdefault(g, []).append(i)
            for g, members in sorted(groups.items()):
                print(f"  group {g}:")
                for i in members:
                    print(f"    [{subset[i]['development']}] {subset[i]['published'][:16]} {subset[i]['title'][:90]}")
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
