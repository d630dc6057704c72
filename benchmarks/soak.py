"""Soak: the dashboard left running against feeds that keep changing. Does memory stay flat,
does the event loop stay responsive?

    python benchmarks/soak.py                       # 10,000 polls: 20 feeds polled every second
    python benchmarks/soak.py --polls 30000 --feeds 30 --interval 1 --change-every 2
    python benchmarks/soak.py --mode poller         # the Poller alone in an asyncio loop, no TUI

The dashboard is the real one (tracker.tui.app.build_app), run headless under Textual's
Pilot at 120x40, with its own scheduler (APScheduler) polling loopback feeds served by a
FeedServer in another process (so the server's memory and CPU are not charged to us). Every
`--change-every` seconds one feed gains an item (feeds keep their newest 40 items, so they
don't grow); some changes rewrite an existing item's title instead. A simulated user moves
through the list now and then, and the app shows what arrives like it would for a person.

Every `--report-every` seconds it prints: polls done, RSS, the change since the end of the
warm-up, event-loop lag (the worst, and the 99th percentile, of a 20 ms heartbeat's lateness
over the interval), and items stored. At the end: RSS growth per 10,000 polls after warm-up
(target: under 10 MB) and the overall lag figures. --trace adds tracemalloc's largest growths
between the end of warm-up and the end (slower; for hunting a leak).
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import faulthandler
import gc
import multiprocessing
import os
import random
import signal
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tracker.config import load  # noqa: E402
from tracker.feedgen import FeedItem, rss  # noqa: E402
from tracker.store import Store  # noqa: E402

STORY = """
[story]
title = "Soak: Pentagon vs Anthropic"

[story.match]
require = [["Anthropic", "Claude", "Amodei"], ["Pentagon", "Hegseth", "Department of War"]]
"""


def rss_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


# ------------------------------------------------------------------ the feeds (another process)
def serve(feeds: int, change_every: float, seed: int, ready, port_out, stop) -> None:
    from tests.support.feedserver import FeedServer

    rnd = random.Random(seed)
    t0 = datetime.now(timezone.utc)
    items = {f: [] for f in range(feeds)}
    n = 0

    def publish(f: int) -> None:
        server.set_feed(f"/f{f}.xml", rss(list(reversed(items[f][-40:]))))

    with FeedServer(max_records=1000) as server:
        for f in range(feeds):
            for _ in range(10):
                items[f].append(FeedItem(f"Anthropic and the Pentagon, report {n}", link=f"http://soak.test/{n}",
                                         guid=f"s{n}", published=t0 - timedelta(minutes=1000 - n),
                                         summary="<p>Claude, Hegseth and the Department of War.</p>" * 3))
                n += 1
            publish(f)
        port_out.value = server.port
        ready.set()
        while not stop.wait(change_every):
            f = rnd.randrange(feeds)
            if items[f] and rnd.random() < 0.2:  # the feed edits a headline
                old = items[f][-1]
                items[f][-1] = dataclasses.replace(old, title=old.title + " (updated)")
            else:
                items[f].append(FeedItem(f"Anthropic and the Pentagon, report {n}", link=f"http://soak.test/{n}",
                                         guid=f"s{n}", published=datetime.now(timezone.utc),
                                         summary="<p>Claude, Hegseth and the Department of War.</p>" * 3))
                n += 1
                items[f] = items[f][-40:]
            publish(f)


# ------------------------------------------------------------------ measuring
class Lag:
    """A heartbeat every 20 ms; how late each one fires is the loop's lag."""

    def __init__(self, period: float = 0.02):
        self.period, self.samples, self.all_max = period, [], 0.0
        self.all: list[float] = []

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            t = loop.time()
            await asyncio.sleep(self.period)
            late = loop.time() - t - self.period
            self.samples.append(late)

    def take(self) -> tuple[float, float]:
        s, self.samples = sorted(self.samples), []
        if not s:
            return 0.0, 0.0
        self.all.extend(s)
        return s[-1], s[int(len(s) * 0.99) - 1 if len(s) > 1 else 0]


def polls_done(store: Store) -> int:
    return store.execute("SELECT COALESCE(SUM(polls), 0) FROM feeds")[0][0]


async def soak(args, config, store) -> None:
    lag = Lag()
    lag_task = asyncio.get_running_loop().create_task(lag.run())
    rnd = random.Random(args.seed)
    snapshot = None
    base_rss = base_polls = None
    started = time.monotonic()
    last_report = started

    progress = {"polls": 0, "at": time.monotonic()}
    objects_at_warmup: dict[str, int] = {}

    async def tick(pilot=None) -> bool:
        """One second of soak: maybe a key press; a report when due. -> False when done."""
        nonlocal base_rss, base_polls, last_report, snapshot
        if pilot is not None and rnd.random() < 0.3:
            await pilot.press(rnd.choice(["j", "j", "k", "g", "n"]))
        await asyncio.sleep(1.0)
        polls = await asyncio.to_thread(polls_done, store)
        now = time.monotonic()
        if polls != progress["polls"]:
            progress.update(polls=polls, at=now)
        if base_rss is None and polls >= args.warmup:
            gc.collect()
            base_rss, base_polls = rss_mb(), polls
            if args.trace:
                import tracemalloc
                snapshot = tracemalloc.take_snapshot()
            objects_at_warmup.update(object_counts())
            print(f"-- warm-up done at {polls} polls: RSS {base_rss:.1f} MB", flush=True)
        if now - last_report >= args.report_every or polls >= args.polls:
            last_report = now
            worst, p99 = lag.take()
            rss = rss_mb()
            items = (await asyncio.to_thread(store.execute, "SELECT COUNT(*) FROM items"))[0][0]
            growth = f"{rss - base_rss:+7.1f}" if base_rss is not None else "   warm"
            print(f"{now - started:7.0f} s  polls {polls:7d}  RSS {rss:7.1f} MB ({growth})  "
                  f"lag max {worst * 1000:6.1f} ms p99 {p99 * 1000:5.1f} ms  items {items}", flush=True)
        return polls < args.polls

    def summary() -> None:
        progress["at"] = float("inf")  # closing is not a stall
        summarise(args, config, store, started, base_rss, base_polls, lag, snapshot, objects_at_warmup)

    def stalled() -> None:
        """A soak that stops polling has failed, whatever its memory says: show where it hangs."""
        loop = asyncio.get_running_loop()
        if time.monotonic() - progress["at"] > args.stall:
            print(f"\nSTALL: no poll for {args.stall:g} s (at {progress['polls']} polls); threads and tasks:",
                  flush=True)
            faulthandler.dump_traceback(all_threads=True)
            for task in asyncio.all_tasks(loop):
                task.print_stack(limit=8)
            os._exit(3)
        loop.call_later(5, stalled)

    asyncio.get_running_loop().call_later(5, stalled)
    try:
        if args.mode == "tui":
            from tracker.tui.app import build_app
            app = build_app(config, store, pool=None, processes=args.processes, browser=lambda url: None)
            try:
                async with app.run_test(size=(120, 40)) as pilot:
                    poller = await app.polling_ready()
                    while await tick(pilot):
                        pass
                    summary()  # before the app closes: its teardown is not part of the figures
                    poller.scheduler.pause()
                    while app.polling:
                        await pilot.pause(0.1)
            except Exception as e:  # reported, not fatal: the figures above still stand
                print(f"\nthe dashboard raised while closing: {type(e).__name__}: {e}", flush=True)
            return
        else:
            from tracker.schedule import Poller
            from tracker.pool import parse_pool
            from tracker.update import Updater
            pool = parse_pool() if args.processes else None
            updater = Updater(config, store, pool=pool)
            poller = Poller(updater)
            poller.start()
            try:
                while await tick():
                    pass
                summary()
            finally:
                poller.shutdown()
                await updater.aclose()
                if pool:
                    pool.shutdown(cancel_futures=True)
    finally:
        lag_task.cancel()


def object_counts() -> dict[str, int]:
    """Live objects by type: cheap enough to take without tracemalloc's overhead, and a leak
    shows as a type whose count keeps climbing."""
    counts: dict[str, int] = {}
    for o in gc.get_objects():
        name = f"{type(o).__module__}.{type(o).__qualname__}"
        counts[name] = counts.get(name, 0) + 1
    return counts


def summarise(args, config, store, started, base_rss, base_polls, lag, snapshot, objects_at_warmup) -> None:
    gc.collect()
    end_rss, end_polls = rss_mb(), polls_done(store)
    lag.take()
    lags = sorted(lag.all) or [0.0]
    print()
    print(f"polls: {end_polls} in {time.monotonic() - started:.0f} s "
          f"({end_polls / (time.monotonic() - started):.1f}/s), feeds {len(config.feeds)}, mode {args.mode}")
    if base_rss is not None and end_polls > base_polls:
        per_10k = (end_rss - base_rss) / (end_polls - base_polls) * 10_000
        print(f"RSS after warm-up ({base_polls} polls): {base_rss:.1f} MB; at the end: {end_rss:.1f} MB; "
              f"growth {end_rss - base_rss:+.1f} MB over {end_polls - base_polls} polls = "
              f"{per_10k:+.1f} MB per 10,000 polls (target < 10)")
    print(f"event-loop lag: max {lags[-1] * 1000:.1f} ms, p99 {lags[int(len(lags) * 0.99) - 1] * 1000:.1f} ms, "
          f"median {lags[len(lags) // 2] * 1000:.2f} ms over {len(lags)} heartbeats")
    if objects_at_warmup:
        now_counts = object_counts()
        grew = sorted(((n - objects_at_warmup.get(t, 0), t) for t, n in now_counts.items()), reverse=True)[:12]
        print("\nlive objects that grew most since warm-up (gc-tracked types):")
        for delta, name in grew:
            if delta > 0:
                print(f"  {delta:+8d}  {name} (now {now_counts[name]})")
    if snapshot is not None:
        import tracemalloc
        print("\nlargest allocation growth since warm-up:")
        for stat in tracemalloc.take_snapshot().compare_to(snapshot, "lineno")[:15]:
            print("  ", stat)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--polls", type=int, default=10_000, help="stop after this many polls in all (default 10000)")
    p.add_argument("--warmup", type=int, default=1000, help="polls before the memory baseline (default 1000)")
    p.add_argument("--feeds", type=int, default=20)
    p.add_argument("--interval", type=float, default=1.0, help="seconds between polls of one feed (default 1)")
    p.add_argument("--change-every", type=float, default=2.0, help="seconds between feed changes (default 2)")
    p.add_argument("--report-every", type=float, default=30.0, help="seconds between reports (default 30)")
    p.add_argument("--mode", choices=["tui", "poller"], default="tui")
    p.add_argument("--processes", action="store_true", help="parse in worker processes (as the CLI does)")
    p.add_argument("--trace", action="store_true", help="tracemalloc: show what grew after warm-up")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--stall", type=float, default=60.0,
                   help="seconds without a poll that count as a hang: dump stacks and exit 3 (default 60)")
    args = p.parse_args()
    faulthandler.register(signal.SIGUSR1, all_threads=True)  # kill -USR1 <pid>: where is it now?
    # A plain kill ends the run through its finally blocks, so the feed server process goes too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    # "skipped: maximum number of running instances" is APScheduler's warning for a poll that
    # outlasts its interval, which a soak at 1 s intervals under --trace does all the time.
    import logging
    logging.getLogger("apscheduler").setLevel(logging.ERROR)
    if args.trace:
        import tracemalloc
        tracemalloc.start(1)

    ctx = multiprocessing.get_context("spawn")
    ready, stop, port = ctx.Event(), ctx.Event(), ctx.Value("i", 0)
    server = ctx.Process(target=serve, args=(args.feeds, args.change_every, args.seed, ready, port, stop), daemon=True)
    server.start()
    if not ready.wait(60):
        print("the feed server did not start", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="tracker-soak-") as tmp:
        path = Path(tmp) / "feeds.toml"
        feeds = "".join(f'[[feeds]]\nname = "Soak {f}"\nurl = "http://127.0.0.1:{port.value}/f{f}.xml"\n'
                        for f in range(args.feeds))
        path.write_text(STORY + feeds)
        (Path(tmp) / "data").mkdir()
        config = load(path)
        # feeds.toml will not take intervals under 5 s; a soak wants many polls, so set them here
        config = dataclasses.replace(config, feeds=tuple(dataclasses.replace(f, interval=args.interval)
                                                          for f in config.feeds))
        store = Store.open(config.database_path)
        store.sync_feeds(config.feeds)
        print(f"soak: {args.feeds} feeds every {args.interval:g} s, one change every {args.change_every:g} s, "
              f"until {args.polls} polls; mode {args.mode}{' with parse processes' if args.processes else ''}; "
              f"python {sys.version.split()[0]}, pid {os.getpid()}", flush=True)
        try:
            asyncio.run(soak(args, config, store))
        finally:
            store.close()
            stop.set()
            server.join(5)
    return 0


if __name__ == "__main__":
    sys.exit(main())
