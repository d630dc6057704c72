"""Score a grouping of the story's coverage against the labelled developments and copies.

    python benchmarks/developments_eval.py                       # the baselines
    python benchmarks/developments_eval.py mymodule:group        # any grouping function
    python benchmarks/developments_eval.py mymodule:group --errors   # and what it got wrong

A grouping function takes a list of items (dicts with title, summary, outlet, link,
published: never the labels) in the order of tests/data/developments.jsonl and returns one
group key per item, same order; items with equal keys are one group. It is called once per
set (dev, test: each set alone, as a stream of its own) and once on all items.

Printed for each function and set:
- developments: BCubed precision, recall and F1, per story and overall. An item's
  precision is the share of its group that is in its development, its recall the share of
  its development that is in its group; both averaged over items (Bagga & Baldwin 1998).
  Groups that mix stories count against the precision of both.
- copies: the same BCubed figures against the `copy` labels (one report under several
  outlets), and pairwise precision and recall (pairs of items put together / labelled
  together).

Baselines: `singletons` (each item alone) and `tracker-copies` (tracker/cluster.py's
similarity, the rule that makes today's clusters: each item, oldest first, joins the group
of the first earlier item within the window that it matches, or that has its canonical
link, as the store keeps one row per link). The store finds candidates through an LSH
index, so it can miss a pair this exhaustive check finds: the figures are an upper bound
on today's clustering.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Callable, Sequence

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DATA = ROOT / "tests" / "data" / "developments.jsonl"
INPUT_FIELDS = ("title", "summary", "outlet", "link", "published")

Grouping = Callable[[list[dict]], Sequence]


def load(path: Path = DATA) -> list[dict]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


# ------------------------------------------------------------------ metrics

def bcubed(pred: Sequence, gold: Sequence, among: Sequence[bool] | None = None) -> tuple[float, float, float]:
    """BCubed precision, recall, F1 of predicted keys against gold keys, averaged over the
    items where `among` is true (all by default); groups are counted over all items."""
    n = len(pred)
    among = among or [True] * n
    pred_size, gold_size, both = Counter(pred), Counter(gold), Counter(zip(pred, gold))
    idx = [i for i in range(n) if among[i]]
    if not idx:
        return 0.0, 0.0, 0.0
    p = sum(both[pred[i], gold[i]] / pred_size[pred[i]] for i in idx) / len(idx)
    r = sum(both[pred[i], gold[i]] / gold_size[gold[i]] for i in idx) / len(idx)
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def pairwise(pred: Sequence, gold: Sequence) -> tuple[float, float, int, int]:
    """Pairwise precision and recall: of the pairs put together, how many are labelled
    together, and of those labelled together, how many were put together. -> (p, r, put, labelled)."""
    def pairs(c: Counter) -> int:
        return sum(k * (k - 1) // 2 for k in c.values())
    together = pairs(Counter(zip(pred, gold)))
    put, labelled = pairs(Counter(pred)), pairs(Counter(gold))
    return (together / put if put else 1.0), (together / labelled if labelled else 1.0), put, labelled


# ------------------------------------------------------------------ baselines

def singletons(items: list[dict]) -> list[int]:
    return list(range(len(items)))


def tracker_copies(items: list[dict]) -> list[int]:
    """Today's clusters, as the store would make them from these items (see the docstring)."""
    from tracker import cluster
    from tracker.links import canonical_link
    from tracker.timeutil import from_iso

    known = set(cluster.KNOWN_OUTLETS) | {i["outlet"].casefold() for i in items if i["outlet"]}
    feats, times, links = [], [], []
    for it in items:
        title = it["title"]
        if it["outlet"] and title.endswith(f" - {it['outlet']}"):
            title = title[: -len(it["outlet"]) - 3].rstrip()  # what parse.py does with a <source>
        else:
            title, _ = cluster.split_outlet(title, known)
        feats.append(cluster.Features.of(title, it["summary"]))
        times.append(from_iso(it["published"]))
        links.append(canonical_link(it["link"]))
    group = list(range(len(items)))
    by_link: dict[str, int] = {}
    for i in sorted(range(len(items)), key=lambda k: (times[k], k)):
        if links[i] in by_link:
            group[i] = group[by_link[links[i]]]
            continue
        by_link[links[i]] = i
        for j in sorted(range(len(items)), key=lambda k: (times[k], k)):
            if j == i or (times[j], j) > (times[i], i):
                break
            if abs(times[i] - times[j]) <= cluster.WINDOW and cluster.similarity(feats[i], feats[j]):
                group[i] = group[j]
                break
    return group


BASELINES: dict[str, Grouping] = {"singletons": singletons, "tracker-copies": tracker_copies}


def resolve(spec: str) -> Grouping:
    if spec in BASELINES:
        return BASELINES[spec]
    module, _, name = spec.partition(":")
    if not name:
        raise SystemExit(f"{spec!r}: expected module:function (or one of {', '.join(BASELINES)})")
    return getattr(importlib.import_module(module), name)


# ------------------------------------------------------------------ report

def evaluate(fn: Grouping, rows: list[dict]) -> tuple[list, float]:
    items = [{k: r[k] for k in INPUT_FIELDS} for r in rows]
    started = time.perf_counter()
    keys = list(fn(items))
    elapsed = time.perf_counter() - started
    if len(keys) != len(rows):
        raise SystemExit(f"the grouping returned {len(keys)} keys for {len(rows)} items")
    return keys, elapsed


def report(name: str, fn: Grouping, data: list[dict], errors: bool) -> dict:
    print(f"\n== {name}")
    print(f"  {'set':<5} {'story':<9} {'items':>5} {'devs':>4} {'groups':>6}   "
          f"{'developments P / R / F1':<25} {'copies B3 P / R':<17} {'copies pairs P / R':<18}")
    figures = {}
    for set_name in ("dev", "test", "all"):
        rows = data if set_name == "all" else [r for r in data if r["set"] == set_name]
        keys, elapsed = evaluate(fn, rows)
        dev, cp = [r["development"] for r in rows], [r["copy"] for r in rows]
        for story in sorted({r["story"] for r in rows}) + ["overall"]:
            among = [story in ("overall", r["story"]) for r in rows]
            p, r, f = bcubed(keys, dev, among)
            cbp, cbr, _ = bcubed(keys, cp, among)
            sub = [i for i, a in enumerate(among) if a]
            pp, pr, _, _ = pairwise([keys[i] for i in sub], [cp[i] for i in sub])
            print(f"  {set_name:<5} {story:<9} {len(sub):>5} {len({dev[i] for i in sub}):>4} "
                  f"{len({keys[i] for i in sub}):>6}   {p:.3f} / {r:.3f} / {f:.3f}     "
                  f"{cbp:.3f} / {cbr:.3f}    {pp:.3f} / {pr:.3f}")
            figures[set_name, story] = {"precision": p, "recall": r, "f1": f,
                                        "copies_precision": pp, "copies_recall": pr}
        print(f"  {'':<5} ({elapsed * 1000:.0f} ms for {len(rows)} items)")
        if errors and set_name == "all":
            _errors(rows, keys)
    return figures


def _errors(rows: list[dict], keys: list) -> None:
    """Groups that mix developments, and developments split over groups."""
    groups: dict = defaultdict(list)
    for r, k in zip(rows, keys):
        groups[k].append(r)
    print("\n  groups mixing developments:")
    for members in groups.values():
        devs = Counter(m["development"] for m in members)
        if len(devs) > 1:
            print("   - " + ", ".join(f"{d} x{n}" for d, n in devs.most_common()))
            for m in members[:6]:
                print(f"       [{m['development']}] {m['title'][:100]}")
    print("\n  developments split over groups:")
    by_dev: dict = defaultdict(Counter)
    for r, k in zip(rows, keys):
        by_dev[r["development"]][k] += 1
    for d, ks in sorted(by_dev.items()):
        if len(ks) > 1:
            print(f"   - {d}: {len(ks)} groups of sizes {sorted(ks.values(), reverse=True)}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("functions", nargs="*", metavar="module:function",
                    help=f"groupings to score (default: the baselines {', '.join(BASELINES)})")
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--errors", action="store_true", help="list mixed groups and split developments")
    args = ap.parse_args(argv)
    data = load(args.data)
    stories = Counter(r["story"] for r in data)
    print(f"{len(data)} labelled items, {len({r['development'] for r in data})} developments, "
          f"{len({r['copy'] for r in data})} reports; "
          + ", ".join(f"{s} {n}" for s, n in stories.most_common())
          + "; sets " + ", ".join(f"{s} {n}" for s, n in Counter(r["set"] for r in data).most_common()))
    for spec in args.functions or list(BASELINES):
        report(spec, resolve(spec), data, args.errors)
    return 0


if __name__ == "__main__":
    sys.exit(main())
