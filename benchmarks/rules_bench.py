"""`tracker rules test`/`apply` on a large database (make_db.py's): how long each kind of
edit of the story rules takes to re-score, and how many items it had to read.

    python benchmarks/make_db.py /tmp/big -n 1000000
    python benchmarks/rules_bench.py /tmp/big            # test (reads only) for each edit, apply for one

The first step applies the shipped rules to every item (a database from before the rules
were stored has to be read whole once); each edit after it is one a user makes in feeds.toml.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tracker.config import load  # noqa: E402
from tracker.match import Rules  # noqa: E402
from tracker.rescore import rescore  # noqa: E402
from tracker.store import Store  # noqa: E402


def edits(rules: Rules) -> dict[str, Rules]:
    req, exc = [list(g) for g in rules.require], list(rules.exclude)
    return {
        "add a term": Rules([req[0], req[1] + ["court filing"]] + req[2:], exc),
        "remove a term": Rules([req[0]] + [[t for t in req[1] if t != "Hegseth"]] + req[2:], exc),
        "add an exclude": Rules(req, exc + ["lawsuit"]),
        "remove an exclude": Rules(req, exc[1:]) if exc else None,
        "add a group": Rules(req + [["deadline", "Friday", "court"]], exc),
    }


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("directory", type=Path)
    args = p.parse_args()
    config = load(args.directory / "feeds.toml")
    store = Store.open(config.database_path)
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")

    def run(label, cfg, apply=False):
        t = time.perf_counter()
        r = rescore(store, cfg, apply=apply)
        print(f"{label:<28} {'apply' if apply else 'test':5} {time.perf_counter() - t:6.2f} s  "
              f"read {r.checked:>9,} of {r.stored:,}; {len(r.moved_in):,} in, {len(r.moved_out):,} out, "
              f"{r.terms_changed:,} with other terms")

    run("shipped rules, first time", config, apply=True)
    for label, rules in edits(config.story.rules).items():
        if rules is None:
            continue
        edited = dataclasses.replace(config, story=dataclasses.replace(config.story, rules=rules))
        run(label, edited)
    edited = dataclasses.replace(config, story=dataclasses.replace(
        config.story, rules=edits(config.story.rules)["add an exclude"]))
    run("add an exclude", edited, apply=True)
    run("and back", config, apply=True)


if __name__ == "__main__":
    main()
