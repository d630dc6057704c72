"""The dashboard while it catches up: opened on a database that must be re-grouped (an
algorithm change) or re-scored (a rules edit), as `tracker` opens it.

    python benchmarks/make_db.py /tmp/big                      # 100,000 items, once
    python benchmarks/catchup_bench.py /tmp/big                 # re-group every on-story item
    python benchmarks/catchup_bench.py /tmp/big --all-on-story  # ... with every item on the story
    python benchmarks/catchup_bench.py /tmp/big --rules         # a require-group edit instead

Each run works on a fresh copy of the database, in a fresh process (start-up and imports
count), and prints: the first frame that shows the list (from the process's start); j/k
presses during the catch-up, from the key to the frame that shows the cursor moved (p50,
p99, max); how long the catch-up took until the status line stopped showing it; and how
long the same work holds up the first screen when done before it, as `tracker` did before
the catch-up moved behind it (rescore.on_open, timed alone on another copy).
"""

from __future__ import annotations

import argparse
import asyncio
import json
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

from make_db import _since_process_start  # noqa: E402
from tui_bench import Frames, _pct, _send  # noqa: E402

SIZE = (160, 48)
RULES_EDIT = ('require = [', 'require = [\n  ["deadline", "Friday", "court", "Pentagon", "Anthropic"],\n')


def prepare(src: Path, work: Path, all_on_story: bool, rules: bool) -> Path:
    """A copy of make_db's database and feeds.toml in `work`, with what the run catches up."""
    work.mkdir(parents=True)
    for name in ("tracker.db", "feeds.toml"):
        shutil.copy(src / name, work / name)
    config = work / "feeds.toml"
    text = config.read_text(encoding="utf-8").replace(str(src / "tracker.db"), str(work / "tracker.db"))
    if rules:
        text = text.replace(*RULES_EDIT, 1)
    config.write_text(text, encoding="utf-8")
    db = sqlite3.connect(work / "tracker.db")
    with db:
        if all_on_story:
            db.execute("UPDATE items SET on_story = 1, rule_on_story = 1")
        if not rules:  # an algorithm change: every development made again
            db.execute("UPDATE settings SET value = 'outdated' WHERE key = 'development_index'")
    db.close()
    return config


def child(config_path: str, presses: int) -> dict:
    process_start = time.perf_counter() - _since_process_start()
    import tracker.cli.tui
    from tracker.cli import load_config, open_store
    tracker.cli.tui.pause_collection()
    from tracker.tui.app import build_app

    args = argparse.Namespace(config=config_path)
    config = load_config(args)
    store = open_store(args, config, polls=True, refresh=False)  # as run_app opens it
    out: dict = {}

    async def run() -> None:
        app = build_app(config, store, start_polling=False, catch_up=True)
        frames = Frames(app)
        frames.expect(lambda: len(app.panel.ids) > 0)
        async with app.run_test(size=SIZE) as pilot:
            if await frames.wait(120) is None:
                raise SystemExit("no frame showed the list")
            out["first_screen_s"] = frames.hit - process_start
            start = time.perf_counter()
            panel, latencies, i = app.panel, [], 0
            while not app.status.work and time.perf_counter() - start < 10:
                await pilot.pause(0.01)  # the thread's first progress report
            while app.status.work and i < presses:
                before = panel.cursor
                frames.expect(lambda: panel.cursor != before)
                t = _send(app, "j" if (i // 20) % 2 == 0 else "k")
                done = await frames.wait(30)
                if done is None:
                    raise SystemExit(f"key {i} moved no cursor in 30 s")
                latencies.append(done - t)
                i += 1
                await asyncio.sleep(0.1)  # a person's pace between keys
            while app.status.work:
                await pilot.pause(0.05)
            out["catch_up_s"] = time.perf_counter() - start
            out["keys"] = latencies
            out["listed"] = len(panel.ids)
    asyncio.run(run())
    store.close()
    return out


def before_screen(config_path: str) -> float:
    """What the same work cost the first screen when it ran first (open_store refresh=True)."""
    from tracker.cli import load_config, open_store
    args = argparse.Namespace(config=config_path)
    config = load_config(args)
    t = time.perf_counter()
    open_store(args, config, polls=True, refresh=True).close()
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dir", type=Path, help="make_db.py's directory (tracker.db, feeds.toml)")
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--presses", type=int, default=200, help="j/k presses at most, while it catches up")
    ap.add_argument("--all-on-story", action="store_true", help="every item on the story first")
    ap.add_argument("--rules", action="store_true", help="a require-group edit in feeds.toml, not a re-grouping")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--before", action="store_true", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child:
        print(json.dumps({"before_s": before_screen(a.child)} if a.before else child(a.child, a.presses)))
        return
    what = "a rules edit" if a.rules else "re-grouping" + (" every item, all on the story" if a.all_on_story else "")
    print(f"catchup_bench: {what}, {a.dir}; load average {Path('/proc/loadavg').read_text().split()[0]}")
    with tempfile.TemporaryDirectory() as tmp:
        for run in range(a.runs):
            results = {}
            for mode in ("after", "before"):
                config = prepare(a.dir, Path(tmp) / f"{run}-{mode}", a.all_on_story, a.rules)
                cmd = [sys.executable, __file__, str(a.dir), "--child", str(config), "--presses", str(a.presses)]
                done = subprocess.run(cmd + (["--before"] if mode == "before" else []),
                                      capture_output=True, text=True)
                if done.returncode:
                    raise SystemExit(done.stderr)
                results[mode] = json.loads(done.stdout.strip().splitlines()[-1])
            r, keys = results["after"], results["after"]["keys"]
            key = (f"p50 {_pct(keys, 50) * 1000:.0f} ms, p99 {_pct(keys, 99) * 1000:.0f} ms, "
                   f"max {max(keys) * 1000:.0f} ms ({len(keys)} presses)" if keys else "none (it ended first)")
            print(f"run {run + 1}: first screen {r['first_screen_s']:.2f} s; catch-up behind it {r['catch_up_s']:.1f} s; "
                  f"keys meanwhile {key}; {r['listed']:,} rows after")
            print(f"       the same work before the first screen (as before): {results['before']['before_s']:.1f} s"
                  f"  (median key {statistics.median(keys) * 1000 if keys else 0:.0f} ms)")
    print(f"load average at the end {Path('/proc/loadavg').read_text().split()[0]}")


if __name__ == "__main__":
    main()
