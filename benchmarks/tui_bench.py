"""How the dashboard holds up on a 100,000-item database, and while it polls 200 feeds.

    python benchmarks/tui_bench.py                  # makes the database once (~1-2 min), then measures
    python benchmarks/tui_bench.py --presses 200 --no-poll
    python benchmarks/tui_bench.py --no-poll --baseline /tmp/old-checkout   # before/after, alternating

Each measurement runs in a fresh process, so start-up and imports count where they should:

- first screen: from the process's start to the first frame that shows the list (the app
  headless at 160x48; only writing the frame to a terminal is skipped, and that is done
  here too, into a string: the terminal update's bytes are made all the same);
- keypress latency: j/k/G/g through the app's own key handling (the driver's key event,
  as a terminal sends it), from the key to the end of the frame that shows it; p50/p99;
- search as you type: "/" then a word, a key at a time; from each key to the frame that
  shows the list for what is typed so far (the search runs in a worker; a search starts
  at the second letter, so the first key's frame is the one that shows it typed);
- resident memory after all that (VmRSS, and the peak VmHWM);
- event-loop lag during a cold poll of 200 feeds (poll_bench's feeds, served from another
  process) with parse worker processes, as `tracker` runs them: how late a 10 ms sleep
  wakes, max and p99, while R (poll all) runs, on a copy of the big database.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

SIZE = (160, 48)


# ---------------------------------------------------------------------- helpers (child side)
# (make_db puts --baseline's checkout, TRACKER_CHECKOUT in the child, ahead of this one)
from make_db import _rss_mib, _since_process_start  # noqa: E402  (benchmarks/ is on sys.path)


def _pct(values: list[float], p: float) -> float:
    if not values:  # no key could move the cursor (a list of one row): no figure
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


class Frames:
    """Watches the app's frames: Textual hands each screen update to App._display, which a
    headless app does not write out. Here the update is still turned into the terminal's
    bytes (what a real terminal write costs), and then the waited-for condition is checked:
    a frame is "the one that shows X" when X holds as it goes out."""

    def __init__(self, app) -> None:
        self.app, self.count, self.event = app, 0, asyncio.Event()
        self.waiting, self.hit, self.hit_cpu = None, None, None
        original = app._display

        def display(screen, renderable) -> None:
            original(screen, renderable)
            if renderable is None:
                return
            if hasattr(renderable, "render_segments"):
                renderable.render_segments(app.console)
            self.count += 1
            if self.waiting is not None and self.hit is None and self.waiting():
                self.hit, self.hit_cpu = time.perf_counter(), time.process_time()
                self.event.set()

        app._display = display

    def expect(self, ready) -> None:
        self.waiting, self.hit = ready, None
        self.event.clear()

    async def wait(self, timeout: float = 5.0) -> float | None:
        """The time of the first frame drawn with ready() true; None if none within timeout."""
        try:
            await asyncio.wait_for(self.event.wait(), timeout)
        except TimeoutError:
            pass
        self.waiting = None
        return self.hit


def _key_event(key: str):
    from textual import events
    char = {"slash": "/"}.get(key, key if len(key) == 1 else None)
    return events.Key(key, char)


def _send(app, key: str) -> float:
    event = _key_event(key)
    event.set_sender(app)
    t = time.perf_counter()
    app._driver.send_message(event)
    return t


# ---------------------------------------------------------------------- child: screen, keys, search, memory
def child_screen(config_path: str, presses: int, word: str) -> dict:
    process_start = time.perf_counter() - _since_process_start()
    import tracker.cli.tui
    from tracker.cli import load_config, open_store
    getattr(tracker.cli.tui, "pause_collection", lambda: None)()  # as run_app does, where it does
    from tracker.tui.app import as_you_type, build_app

    args = argparse.Namespace(config=config_path)
    config = load_config(args)
    # As `tracker` opens the dashboard (run_app: refresh=False, the app catches up behind its
    # first screen). The database was caught up before the measured runs, so there is nothing
    # to catch up: build_app is called without catch_up, which older checkouts (--baseline) lack.
    store = open_store(args, config, polls=True, refresh=False)
    out: dict = {}

    async def run() -> None:
        app = build_app(config, store, start_polling=False)
        frames = Frames(app)
        # The list the dashboard shows (app.panel): developments, or every report after v.
        # Waiting on the hidden one's cursor, every key timed out and the run never ended.
        frames.expect(lambda: len(app.panel.ids) > 0)  # the first frame with the list in it
        async with app.run_test(size=SIZE) as pilot:
            if await frames.wait(30) is None:
                raise SystemExit("no frame showed the list")
            out["first_screen_s"] = frames.hit - process_start
            out["first_screen_cpu_s"] = frames.hit_cpu
            panel = app.panel
            out["list_items"], out["view"] = len(panel.ids), app.view
            out["tracker"] = str(Path(tracker.cli.tui.__file__).parents[2])  # the checkout measured
            await pilot.pause()

            # keypresses: j x40, G, k x40, g, ...: every key moves the cursor, so every key draws
            # (on a list of fewer rows, j and k go as far as the list goes)
            reach = max(0, min(40, len(panel.ids) - 2))
            pattern = ["j"] * reach + ["G"] + ["k"] * reach + ["g"]
            latencies = []
            for i in range(presses if len(panel.ids) > 1 else 0):
                before = panel.cursor
                frames.expect(lambda: panel.cursor != before)
                t = _send(app, pattern[i % len(pattern)])
                done = await frames.wait()
                if done is None:
                    raise SystemExit(f"key {i} ({pattern[i % len(pattern)]}) moved no cursor in 5 s")
                latencies.append(done - t)
                if i % 25 == 24:
                    await asyncio.sleep(0.05)  # timers get their turn, as between a person's keys
            out["key_p50_ms"] = _pct(latencies, 50) * 1000
            out["key_p99_ms"] = _pct(latencies, 99) * 1000
            out["key_max_ms"] = max(latencies, default=float("nan")) * 1000
            out["key_presses"] = len(latencies)

            # search as you type: each key reloads the list in a worker; done when the list is set
            lists = [0]
            set_ids = panel.set_ids

            def counting_set_ids(ids):
                set_ids(ids)
                lists[0] += 1
            panel.set_ids = counting_set_ids
            frames.expect(lambda: app.search.has_focus)
            _send(app, "slash")
            await frames.wait()
            typed, typed_cpu = [], []
            for i, ch in enumerate(word):
                n = lists[0]
                if as_you_type(word[:i + 1]) != as_you_type(word[:i]):
                    frames.expect(lambda: lists[0] > n)
                else:  # a key that runs no search yet (the first letter): the frame that shows it typed
                    frames.expect(lambda: app.search.value == word[:i + 1])
                cpu = time.process_time()
                t = _send(app, ch)
                done = await frames.wait(10)
                typed.append((done - t) * 1000 if done else float("nan"))
                typed_cpu.append((frames.hit_cpu - cpu) * 1000 if done else float("nan"))
            out["search_word"] = word
            out["search_ms"] = typed
            out["search_cpu_ms"] = typed_cpu  # the process's, every thread: what load cannot stretch
            out["search_matches"] = len(panel.ids)
            out["rss_mib"], out["hwm_mib"] = _rss_mib(), _rss_mib("VmHWM")

    asyncio.run(run())
    store.close()
    return out


# ---------------------------------------------------------------------- child: the first open
def child_open(config_path: str) -> dict:
    """Open the store as the dashboard does, once, before the measured runs: a migration, a
    re-score after a rules edit or a re-grouping happens at the first open of a database
    (or a copy) and would otherwise be the first run's "first screen" (31 s at 1,000,000)."""
    started = time.perf_counter()
    from tracker.cli import load_config, open_store
    args = argparse.Namespace(config=config_path)
    store = open_store(args, load_config(args), polls=True)
    store.close()
    return {"open_s": time.perf_counter() - started}


# ---------------------------------------------------------------------- child: loop lag during a poll
def child_poll(config_path: str) -> dict:
    from tracker.cli import load_config, open_store
    from tracker.tui.app import build_app

    args = argparse.Namespace(config=config_path)
    config = load_config(args)
    store = open_store(args, config, refresh=False, polls=True)
    out: dict = {}

    async def run() -> None:
        app = build_app(config, store, start_polling=False, processes=True)
        finished = asyncio.Event()
        results: list = []
        original = app._poll

        async def poll(name):
            try:
                r = await original(name)
                results.extend(r)
                return r
            finally:
                finished.set()
        app._poll = poll

        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await app.polling_ready()
            await asyncio.sleep(1.0)  # the parse workers are warmed after the first frame
            lags: list[float] = []
            stop = asyncio.Event()

            async def watch() -> None:
                while not stop.is_set():
                    t = time.perf_counter()
                    await asyncio.sleep(0.01)
                    lags.append(time.perf_counter() - t - 0.01)

            watcher = asyncio.create_task(watch())
            await asyncio.sleep(2.0)  # idle, for comparison: the app's own timers
            idle, lags[:] = list(lags), []
            out["idle_lag_max_ms"] = max(idle) * 1000
            out["idle_lag_p99_ms"] = _pct(idle, 99) * 1000
            started = time.perf_counter()
            _send(app, "R")
            await asyncio.wait_for(finished.wait(), 600)
            out["poll_s"] = time.perf_counter() - started
            await asyncio.sleep(1.0)  # and the list taking in the last arrivals
            stop.set()
            await watcher
            out["lag_max_ms"] = max(lags) * 1000
            out["lag_p99_ms"] = _pct(lags, 99) * 1000
            out["lag_p50_ms"] = _pct(lags, 50) * 1000
            out["lag_over_50ms"] = sum(x > 0.05 for x in lags)
            out["lag_samples"] = len(lags)
            out["new_items"] = sum(len(r.new) for r in results)
            out["failed"] = sum(1 for r in results if r.error)
            out["rss_mib"], out["hwm_mib"] = _rss_mib(), _rss_mib("VmHWM")

    asyncio.run(run())
    store.close()
    return out


# ---------------------------------------------------------------------- parent
def ensure_db(directory: Path, items: int) -> Path:
    config, db = directory / "feeds.toml", directory / "tracker.db"
    if config.exists() and db.exists():
        with sqlite3.connect(db) as c:
            have = c.execute("SELECT COUNT(*) FROM items").fetchone()[0]
        if have == items:
            return config  # migrated, if it needs it, by first_open (by the checkout measured)
    import make_db
    print(f"making a {items:,}-item database in {directory} (once; reused next time) ...", flush=True)
    path, seconds = make_db.make(directory, items)
    print(f"  done in {seconds:.0f} s", flush=True)
    return path


def run_child(*argv: str, checkout: Path | None = None) -> dict:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # a user's Python caches bytecode
    if checkout:
        env["TRACKER_CHECKOUT"] = str(checkout)
    r = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--child", *argv],
                       capture_output=True, text=True, env=env, timeout=1800)
    if r.returncode != 0:
        raise SystemExit(f"child {argv[0]} failed:\n{r.stderr[-4000:]}")
    return json.loads(r.stdout.strip().splitlines()[-1])


def first_open(config: Path, checkout: Path | None) -> None:
    r = run_child("open", str(config), checkout=checkout)
    print(f"first open of {config.parent} by {checkout or 'this checkout'} (migrations, re-scores; "
          f"not measured): {r['open_s']:.1f} s", flush=True)


def poll_config(base: Path, big: Path, work: Path, urls: list[str]) -> Path:
    """feeds.toml with the 200 bench feeds, on a copy of the big database."""
    db = work / "tracker.db"
    shutil.copyfile(big / "tracker.db", db)
    head = (big / "feeds.toml").read_text(encoding="utf-8").split("[[feeds]]", 1)[0]
    head = "\n".join(line for line in head.splitlines() if not line.startswith("database ="))
    feeds = "".join(f'\n[[feeds]]\nname = "bench {i}"\nurl = "{u}"\ninterval = "1h"\n' for i, u in enumerate(urls))
    path = work / "feeds.toml"
    path.write_text(f'database = "{db}"\n' + head + feeds, encoding="utf-8")
    return path


def stat(values: list[float], fmt: str = "{:.0f}") -> str:
    return f"{fmt.format(statistics.median(values))} ({fmt.format(min(values))}–{fmt.format(max(values))})"


def report(label: str, runs: list[dict], word: str) -> None:
    r0 = runs[0]
    rows = "developments" if r0["view"] == "developments" else "reports (one per cluster)"
    print(f"\n{label}list: {r0['list_items']:,} {rows} on the story, {SIZE[0]}x{SIZE[1]}; "
          f"median (min–max) of {len(runs)} fresh processes")
    print(f"  first screen drawn, from process start   {stat([r['first_screen_s'] * 1000 for r in runs])} ms"
          f"   (CPU {stat([r['first_screen_cpu_s'] * 1000 for r in runs])} ms)   target < 1000 ms")
    print(f"  keypress j/k/G/g, p50                     {stat([r['key_p50_ms'] for r in runs], '{:.1f}')} ms")
    print(f"  keypress j/k/G/g, p99                     {stat([r['key_p99_ms'] for r in runs], '{:.1f}')} ms"
          f"   target < 50 ms   ({r0['key_presses']} presses, max {max(r['key_max_ms'] for r in runs):.0f} ms)")
    per_key = [max(r["search_ms"]) for r in runs]
    print(f"  search as you type '{word}', slowest key {stat(per_key)} ms   target < 100 ms"
          f"   (per key, first run: {', '.join(f'{x:.0f}' for x in r0['search_ms'])}; {r0['search_matches']:,} matches)")
    print(f"  same, CPU of the costliest key (process)  {stat([max(r['search_cpu_ms']) for r in runs])} ms"
          f"   (per key, first run: {', '.join(f'{x:.0f}' for x in r0['search_cpu_ms'])})")
    print(f"  resident memory                           {stat([r['rss_mib'] for r in runs])} MiB"
          f"   (peak {stat([r['hwm_mib'] for r in runs])} MiB)   target < 150 MiB")


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        kind, *rest = sys.argv[2:]
        out = (child_screen(rest[0], int(rest[1]), rest[2]) if kind == "screen" else
               child_open(rest[0]) if kind == "open" else child_poll(rest[0]))
        print(json.dumps(out))
        return

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()) / "tracker-tui-bench",
                    help="where the big database is made (and found again next time)")
    ap.add_argument("--items", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=3, help="fresh processes for the screen/keys/search figures")
    ap.add_argument("--presses", type=int, default=500)
    ap.add_argument("--word", default="pentagon", help="typed into the search, a key at a time")
    ap.add_argument("--no-poll", action="store_true", help="skip the event-loop lag during a poll")
    ap.add_argument("--baseline", type=Path, metavar="DIR",
                    help="also measure the screen of the tracker in DIR (a checkout), runs alternating")
    ap.add_argument("--baseline-dir", type=Path, metavar="DIR",
                    help="the baseline's database (default: --dir's), for a baseline of an older schema: "
                         "a copy of --dir's database made before this checkout migrated it")
    args = ap.parse_args()

    print(f"tui_bench: {args.items:,} items, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    config = ensure_db(args.dir, args.items)
    configs = {"this checkout": config}
    if args.baseline:
        configs["baseline"] = ensure_db(args.baseline_dir, args.items) if args.baseline_dir else config

    checkouts = [("this checkout", None)] + ([("baseline", args.baseline.resolve())] if args.baseline else [])
    for label, checkout in checkouts:
        first_open(configs[label], checkout)
    runs: dict[str, list[dict]] = {label: [] for label, _ in checkouts}
    for n in range(args.runs):
        for label, checkout in checkouts if n % 2 == 0 else checkouts[::-1]:  # alternating: load drifts hit both
            runs[label].append(run := run_child("screen", str(configs[label]), str(args.presses), args.word,
                                                checkout=checkout))
            assert run["tracker"] == str(checkout or HERE.parent), run["tracker"]
    for label, _ in checkouts:
        report(f"{label}: " if args.baseline else "", runs[label], args.word)
    print(f"(load average now {os.getloadavg()[0]:.1f})")

    if args.no_poll:
        return
    import poll_bench
    with tempfile.TemporaryDirectory(prefix="tui_bench.") as tmp, poll_bench.ServerProcess(200, 25) as server:
        docs, _ = poll_bench.build_feeds(200, 25)
        urls = [server.base_url + p for p in docs]
        del docs
        p = run_child("poll", str(poll_config(args.dir, args.dir, Path(tmp), urls)))
    print("\nevent loop during a cold poll of 200 feeds (R), parse workers, on a copy of the database:")
    print(f"  poll took {p['poll_s']:.1f} s: {p['new_items']:,} new items, {p['failed']} feeds failed")
    print(f"  10 ms sleep woke late by: max {p['lag_max_ms']:.0f} ms, p99 {p['lag_p99_ms']:.0f} ms, "
          f"p50 {p['lag_p50_ms']:.1f} ms; {p['lag_over_50ms']} of {p['lag_samples']} over 50 ms   target: never > 50 ms")
    print(f"  (idle, before the poll: max {p['idle_lag_max_ms']:.0f} ms, p99 {p['idle_lag_p99_ms']:.0f} ms)")
    print(f"  resident memory after the poll {p['rss_mib']:.0f} MiB (peak {p['hwm_mib']:.0f} MiB)")


if __name__ == "__main__":
    main()
