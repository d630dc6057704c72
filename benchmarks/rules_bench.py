"""`tracker rules test`/`apply` on a large database (make_db.py's): how long each kind of
edit of the story rules takes to re-score, how many items it had to read, and how long the
longest stretch without a progress report was.

    python benchmarks/make_db.py /tmp/big -n 1000000
    python benchmarks/rules_bench.py /tmp/big            # test each edit; apply two edits and back
    python benchmarks/rules_bench.py /tmp/big --cli      # and the same two as whole `tracker` processes

The first step applies the shipped rules to every item (a database from before the rules
were stored has to be read whole once); each edit after it is one a user makes in feeds.toml.
Two edits are applied, each followed by the edit back: a one-term edit ("add a term") and a
require-group edit ("add a group"). --cli times, for those two, `tracker rules test`,
`tracker rules apply` and a start after the edit (`tracker items --limit 1`, which applies
edited rules before its command: rescore.on_open), each a fresh process, against a start
with nothing to apply. The database is left scored under the shipped rules.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tracker.config import load  # noqa: E402
from tracker.match import Rules  # noqa: E402
from tracker.rescore import rescore  # noqa: E402
from tracker.store import Store  # noqa: E402

APPLIED = ("add a term", "add a group")  # the one-term edit and the require-group edit


def edits(rules: Rules) -> dict[str, Rules]:
    req, exc = [list(g) for g in rules.require], list(rules.exclude)
    return {
        "add a term": Rules([req[0], req[1] + ["court filing"]] + req[2:], exc),
        "remove a term": Rules([req[0]] + [[t for t in req[1] if t != "Hegseth"]] + req[2:], exc),
        "add an exclude": Rules(req, exc + ["lawsuit"]),
        "remove an exclude": Rules(req, exc[1:]) if exc else None,
        "add a group": Rules(req + [["deadline", "Friday", "court"]], exc),
    }


def with_rules(config_text: str, rules: Rules) -> str:
    """feeds.toml's text with [story.match] replaced (JSON arrays of strings are TOML)."""
    head, rest = config_text.split("[story.match]", 1)
    tail = rest[rest.index("\n[") + 1:]
    return (f"{head}[story.match]\nrequire = {json.dumps(rules.require)}\n"
            f"exclude = {json.dumps(rules.exclude)}\n\n{tail}")


def tracker(config: Path, *argv: str) -> float:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    t = time.perf_counter()
    subprocess.run([sys.executable, "-m", "tracker", "--config", str(config), *argv], env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    return time.perf_counter() - t


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("directory", type=Path)
    p.add_argument("--cli", action="store_true", help="also time whole `tracker` processes")
    args = p.parse_args()
    config = load(args.directory / "feeds.toml")
    store = Store.open(config.database_path)
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")

    def run(label, cfg, apply=False):
        reports = [time.perf_counter()]
        r = rescore(store, cfg, apply=apply, progress=lambda done, total: reports.append(time.perf_counter()))
        reports.append(time.perf_counter())
        gap = max(b - a for a, b in zip(reports, reports[1:]))
        print(f"{label:<28} {'apply' if apply else 'test':5} {reports[-1] - reports[0]:6.2f} s  "
              f"read {r.checked:>9,} of {r.stored:,}; {len(r.moved_in):,} in, {len(r.moved_out):,} out, "
              f"{r.terms_changed:,} with other terms; {len(reports) - 2} progress reports, "
              f"longest gap {gap:.2f} s", flush=True)

    run("shipped rules, first time", config, apply=True)
    edited = {label: dataclasses.replace(config, story=dataclasses.replace(config.story, rules=rules))
              for label, rules in edits(config.story.rules).items() if rules is not None}
    for label, cfg in edited.items():
        run(label, cfg)
    for label in APPLIED:
        run(label, edited[label], apply=True)
        run("and back", config, apply=True)
    store.close()
    if not args.cli:
        return

    shipped = args.directory / "feeds.toml"
    text = shipped.read_text(encoding="utf-8")
    print(f"\nwhole processes, load average {os.getloadavg()[0]:.1f}")
    print(f"{'start, nothing to apply':<28} {tracker(shipped, 'items', '--limit', '1'):6.2f} s")
    for label in APPLIED:
        path = args.directory / "edited.toml"
        path.write_text(with_rules(text, edited[label].story.rules), encoding="utf-8")
        print(f"{label:<28} rules test     {tracker(path, 'rules', 'test'):6.2f} s", flush=True)
        print(f"{label:<28} rules apply    {tracker(path, 'rules', 'apply'):6.2f} s", flush=True)
        print(f"{'and back':<28} rules apply    {tracker(shipped, 'rules', 'apply'):6.2f} s", flush=True)
        print(f"{label:<28} start after it {tracker(path, 'items', '--limit', '1'):6.2f} s", flush=True)
        print(f"{'and back':<28} start after it {tracker(shipped, 'items', '--limit', '1'):6.2f} s", flush=True)
        path.unlink()


if __name__ == "__main__":
    main()
