"""Score the story's match rules against the hand-labelled items.

    python benchmarks/rules_eval.py            # report
    python benchmarks/rules_eval.py --check    # also exit 1 when precision or recall < 0.95
    python benchmarks/rules_eval.py --bench    # also time the matcher on a large synthetic poll

The rules come from feeds.toml's [story.match] table, read directly with tomllib so the
score reflects exactly what is in the file. Labels are in tests/data/labelled_items.jsonl;
they were written before the rules were tuned, and must not be edited to fit them.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
import tomllib
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tracker.match import Matcher, Rules  # noqa: E402

THRESHOLD = 0.95


def load_rules(path: Path) -> Rules:
    with path.open("rb") as f:
        table = tomllib.load(f)["story"]["match"]
    return Rules(require=tuple(tuple(g) for g in table["require"]),
                 exclude=tuple(table.get("exclude", ())))


def load_items(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def score(matcher: Matcher, items: list[dict]) -> dict:
    fp, fn = [], []
    tp = tn = 0
    for item in items:
        m = matcher.match(item["title"], item.get("summary", ""))
        if m.on_story and item["on_story"]:
            tp += 1
        elif m.on_story:
            fp.append((item, m))
        elif item["on_story"]:
            fn.append((item, m))
        else:
            tn += 1
    precision = tp / (tp + len(fp)) if tp + len(fp) else 0.0
    recall = tp / (tp + len(fn)) if tp + len(fn) else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"tp": tp, "tn": tn, "fp": fp, "fn": fn,
            "precision": precision, "recall": recall, "f1": f1}


def bench(matcher: Matcher, items: list[dict], n: int = 5000) -> float:
    """Microseconds per item over n items shaped like an outlet's full-content feed."""
    rnd = random.Random(0)
    words = " ".join(f"{i['title']} {i['summary']}" for i in items).split()
    polled = [(" ".join(rnd.choices(words, k=12)), " ".join(rnd.choices(words, k=rnd.randint(30, 400))))
              for _ in range(n)]
    start = time.perf_counter()
    for title, summary in polled:
        matcher.match(title, summary)
    return (time.perf_counter() - start) / n * 1e6


def _line(item: dict, terms: tuple[str, ...]) -> str:
    found = " · ".join(terms) if terms else "-"
    return f"  [{item['kind']}] {item['title']}\n      matched: {found}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--config", type=Path, default=ROOT / "feeds.toml")
    ap.add_argument("--data", type=Path, default=ROOT / "tests" / "data" / "labelled_items.jsonl")
    ap.add_argument("--check", action="store_true", help=f"exit 1 if precision or recall < {THRESHOLD}")
    ap.add_argument("--bench", action="store_true", help="time the matcher on 5000 synthetic items")
    args = ap.parse_args(argv)

    matcher = Matcher(load_rules(args.config))
    items = load_items(args.data)
    s = score(matcher, items)
    kinds = Counter((i["on_story"], i["kind"]) for i in items)
    print(f"{len(items)} labelled items: {sum(i['on_story'] for i in items)} on the story, "
          f"{sum(not i['on_story'] for i in items)} off ({len(kinds)} kinds)")
    print(f"TP {s['tp']}  FP {len(s['fp'])}  FN {len(s['fn'])}  TN {s['tn']}")
    print(f"precision {s['precision']:.3f}  recall {s['recall']:.3f}  F1 {s['f1']:.3f}")
    print(f"\nfalse positives ({len(s['fp'])}):")
    for item, m in s["fp"]:
        print(_line(item, m.terms))
    print(f"\nfalse negatives ({len(s['fn'])}):")
    for item, m in s["fn"]:
        print(_line(item, m.terms))
    if args.bench:
        print(f"\nmatch(): {bench(matcher, items):.1f} µs per item (5000 items, 30-400 word summaries)")
    if args.check and (s["precision"] < THRESHOLD or s["recall"] < THRESHOLD):
        print(f"\nFAIL: precision and recall must both be >= {THRESHOLD}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
