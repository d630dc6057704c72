"""Is the cost of storing a look-alike report flat as the database grows? (issue 13)

    python benchmarks/lookalike_scale.py              # 50,000 look-alike reports
    python benchmarks/lookalike_scale.py --items 20000 --block 2000

Builds poll_bench's look-alike feeds (every report on the story, a dozen headlines each
rewritten with one detail changed over one shared lede, wire copies and aggregators), parses
them untimed, then stores them feed by feed into one fresh database, as the poll's writer
does (Store.store_fetch: insert, full-text index, copies, developments), and prints the CPU
cost per stored report of each block as the database grows. Grouping compares a new report
with a bounded set of candidates (cluster.MAX_CANDIDATES, developments.CANDIDATES), so the
figures should stay level from the first block to the last.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

import poll_bench  # noqa: E402
from tracker.config import load  # noqa: E402
from tracker.parse import parse_and_match  # noqa: E402
from tracker.store import Store  # noqa: E402
from tracker.timeutil import utcnow  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--items", type=int, default=50_000, help="look-alike entries in all")
    ap.add_argument("--block", type=int, default=5_000, help="entries per printed figure")
    args = ap.parse_args()
    n_feeds = max(1, args.items // 25)
    docs, _ = poll_bench.build_feeds(n_feeds, 25, lookalike=True)
    with tempfile.TemporaryDirectory(prefix="lookalike_scale.") as tmp:
        d = Path(tmp)
        urls = [f"http://127.0.0.1:9{path}" for path in docs]  # never fetched: only names
        (d / "feeds.toml").write_text(poll_bench.STORY + "\n" + "".join(
            f'[[feeds]]\nname = "feed {i}"\nurl = "{u}"\n\n' for i, u in enumerate(urls)), encoding="utf-8")
        config = load(d / "feeds.toml")
        print(f"lookalike_scale: parsing {n_feeds} feeds x 25 look-alike entries (untimed)...", flush=True)
        parsed = [parse_and_match(body, ctype, url, config.story.rules)
                  for url, (body, ctype) in zip(urls, docs.values())]
        store = Store.open(d / "tracker.db")
        store.sync_feeds(config.feeds)
        now = utcnow()
        print(f"{'entries':>15}  {'stored':>7}  {'us/entry':>9}  (CPU, this block)")
        done = block_start = 0
        t = time.process_time()
        for feed, (p, matched) in zip(config.feeds, parsed):
            store.store_fetch(feed, matched, status=200, etag=None, last_modified=None,
                              next_poll=now + timedelta(minutes=15), title=p.title, now=now)
            done += len(matched)
            if done - block_start >= args.block or feed is config.feeds[-1]:
                cpu = time.process_time() - t
                stored = store.execute("SELECT COUNT(*) FROM items")[0][0]
                print(f"{block_start:>7,}-{done:<7,}  {stored:>7,}  {cpu / (done - block_start) * 1e6:>9,.0f}",
                      flush=True)
                block_start, t = done, time.process_time()
        store.close()


if __name__ == "__main__":
    main()
