"""The writer's share of a cold poll, in process: poll_bench's feeds stored into fresh databases.

    python benchmarks/store_stage.py                          # look-alike feeds, 3 databases
    python benchmarks/store_stage.py --variant default --reps 5
    python benchmarks/store_stage.py --root /tmp/look-before  # another checkout's tracker

Builds poll_bench's 200 feeds x 25 (--variant: lookalike or default), parses them untimed, then
stores every feed's entries (Store.store_fetch, one transaction per feed; a poll's writer stores
lots of several feeds when it falls behind, Store.store_fetches) into a fresh database, --reps
times, and prints the min and median CPU and wall seconds.
Run two checkouts alternately (--root) to compare them under the same load.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--variant", choices=("lookalike", "default"), default="lookalike")
    ap.add_argument("--reps", type=int, default=3, help="fresh databases stored into, one after another")
    ap.add_argument("--root", type=Path, default=Path(__file__).resolve().parent.parent,
                    help="the checkout whose tracker stores (default: this one)")
    args = ap.parse_args()
    root = args.root.resolve()
    sys.path[:0] = [str(root), str(Path(__file__).resolve().parent)]
    import tracker  # first: poll_bench puts this script's checkout on sys.path
    import poll_bench
    from tracker.config import load
    from tracker.parse import parse_and_match
    from tracker.store import Store
    from tracker.timeutil import utcnow
    if not Path(tracker.__file__).resolve().is_relative_to(root):
        sys.exit(f"store_stage: imported tracker from {tracker.__file__}, not from {root}")

    docs, paths, _, _, _ = poll_bench.feed_set(200, 25, args.variant)
    work = Path(tempfile.mkdtemp(prefix="store-stage-"))
    feeds = "".join(f'[[feeds]]\nname = "feed {i}"\nurl = "http://x/{p}"\n\n' for i, p in enumerate(paths))
    (work / "feeds.toml").write_text(poll_bench.STORY + "\n" + feeds, encoding="utf-8")
    config = load(work / "feeds.toml")
    parsed = [parse_and_match(*docs[p], f.url, config.story.rules) for f, p in zip(config.feeds, paths)]
    cpu, wall = [], []
    for rep in range(args.reps):
        (work / str(rep)).mkdir()
        store = Store.open(work / str(rep) / "tracker.db")
        store.sync_feeds(config.feeds)
        now = utcnow()
        c0, w0 = time.process_time(), time.perf_counter()
        for feed, (p, matched) in zip(config.feeds, parsed):
            store.store_fetch(feed, matched, status=200, etag=None, last_modified=None,
                              next_poll=now + timedelta(minutes=15), title=p.title, now=now)
        cpu.append(time.process_time() - c0)
        wall.append(time.perf_counter() - w0)
        store.close()
    items = sum(len(m) for _, m in parsed)
    print(f"{args.variant}, {items} entries, {root}: cpu min {min(cpu):.3f} s (median {statistics.median(cpu):.3f}), "
          f"wall min {min(wall):.3f} s (median {statistics.median(wall):.3f})")


if __name__ == "__main__":
    main()
