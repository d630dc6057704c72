"""One tracker command line, whole process, in this checkout and others, runs alternating.

    python benchmarks/cli_bench.py -- --config /tmp/big/feeds.toml items --all --limit 50
    python benchmarks/cli_bench.py --runs 15 --baseline /tmp/old-checkout -- --version

Each run is `python -m tracker ARGS` in a fresh process with the checkout as its working
directory (so its `tracker` is the one imported), bytecode cached as a user's Python caches
it (PYTHONPYCACHEPREFIX, outside the checkouts: PYTHONDONTWRITEBYTECODE=1 would make every
run compile tracker from source, ~150 ms more). Prints median (min-max) wall and CPU
(user + system) per checkout, and the load average before and after.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=9)
    ap.add_argument("--baseline", type=Path, action="append", default=[], metavar="DIR",
                    help="another checkout (a directory holding tracker/); may be given more than once")
    ap.add_argument("args", nargs="+", help="tracker's arguments, after --")
    args = ap.parse_args()

    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(Path(tempfile.gettempdir()) / "tracker-cli-bench-pyc")
    checkouts = [HERE.parent] + [d.resolve() for d in args.baseline]
    wall: dict[Path, list[float]] = {d: [] for d in checkouts}
    cpu: dict[Path, list[float]] = {d: [] for d in checkouts}

    def run(d: Path) -> tuple[float, float]:
        c, t = children_cpu(), time.perf_counter()
        p = subprocess.run([sys.executable, "-m", "tracker", *args.args], cwd=d, env=env, capture_output=True)
        if p.returncode != 0:
            raise SystemExit(f"{d}: exit {p.returncode}\n{p.stderr.decode()[-2000:]}")
        return time.perf_counter() - t, children_cpu() - c

    for d in checkouts:  # untimed: bytecode written, the database in the page cache
        run(d)
    print(f"tracker {' '.join(args.args)}: {args.runs} runs each, load average {os.getloadavg()[0]:.2f}")
    for n in range(args.runs):
        for d in checkouts if n % 2 == 0 else checkouts[::-1]:
            w, c = run(d)
            wall[d].append(w * 1000)
            cpu[d].append(c * 1000)
    for d in checkouts:
        w, c = wall[d], cpu[d]
        print(f"  {str(d):40} wall {statistics.median(w):4.0f} ({min(w):.0f}-{max(w):.0f}) ms"
              f"   cpu {statistics.median(c):4.0f} ({min(c):.0f}-{max(c):.0f}) ms")
    print(f"load average now {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
