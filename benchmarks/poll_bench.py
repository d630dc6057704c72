"""How fast `tracker poll` is, against newsboat on the same feeds in the same run.

    python benchmarks/poll_bench.py                 # 200 feeds x 25 items, 5 runs of each
    python benchmarks/poll_bench.py --runs 3 --feeds 50 --no-newsboat --no-breakdown
    python benchmarks/poll_bench.py --baseline /tmp/old-checkout   # before/after, same run
    python benchmarks/poll_bench.py --real          # 120 feeds in the shapes of real ones

Builds 200 feeds of 25 items (~1.5 KB of HTML per item, ~11 MB in all; about a third on
the story; RSS with description, RSS with content:encoded, Atom, and Google-News-like
aggregator feeds that carry other feeds' articles; some wire copies), serves them from a
FeedServer on 127.0.0.1 in ANOTHER process (so the server's CPU is not charged to us),
then times, as subprocesses, alternating so that drift hits every client alike. --real
serves realshapes.py's feeds instead (news sites, blogs, newsletters, podcasts, YouTube,
Reddit, Mastodon, Google News, planets, RSS 1.0, JSON Feed ...); newsboat, which reads no
JSON Feed, polls an Atom rendering of each JSON Feed's items in its place.

- cold: `tracker poll` on an empty database / `newsboat -x reload` on an empty cache
- warm: the same again, every feed answering 304 (checked: the server counts its answers)

Each run is checked (every feed answered 200, or 304; the database holds every article) so
a broken run cannot pass for a fast one. For each: median (min-max) of
- wall: seconds, start to exit;
- cpu: CPU seconds of the process and all its descendants (parse workers included);
- tree: the peak, sampled every 25 ms, of the summed PSS of the process and its descendants:
  the fair figure for tracker (a parent and its workers) against newsboat (one process
  with threads). PSS divides pages shared between processes among them. Sampled in two
  more runs of each client, not in the timed ones: reading every process's smaps every
  25 ms costs CPU on the same cores, and more for three processes than for one.

Then start-up (`tracker --version`, and importing what `tracker poll` needs) and what each
stage costs alone, in this process: fetch, parse+match, store.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import realshapes  # noqa: E402  (beside this script; stdlib only)
from tracker import feedgen  # noqa: E402  (stdlib only: cheap to import here)

START = realshapes.START
LAST_MODIFIED = datetime(2026, 2, 26, 12, 0, tzinfo=timezone.utc)

# The shipped story's rules, frozen here so figures stay comparable while feeds.toml evolves.
STORY = """
[story]
title = "Pentagon vs Anthropic: the fight over AI safeguards"

[story.match]
require = [
  ["Anthropic", "Claude", "Amodei"],
  ["Pentagon", "Department of Defense", "Department of Defence", "Defense Department",
   "Defence Department", "Department of War", "War Department", "DoD", "Hegseth",
   "Defense Secretary", "Defence Secretary", "War Secretary", "Secretary of War",
   "Secretary of Defense", "defense official", "defense officials", "military official",
   "military officials", "Defense Production Act", "supply-chain risk", "designation",
   "blacklist", "blacklisted", "blacklisting", "stop using", "federal ban",
   "presidential order", "presidential directive", "autonomous weapons",
   "domestic surveillance", "mass surveillance", "military use", "military AI",
   "military operations", "Maduro"],
  ["Anthropic", "Amodei", "AI", "artificial intelligence", "chatbot", "chatbots", "model",
   "models", "language model", "LLM", "Claude Code", "Claude maker", "supply-chain risk",
   "designation", "Defense Production Act", "stop using"],
]
exclude = []
"""

# Item text: words from a Zipf-weighted vocabulary, so items are as distinct as real reports
# (realshapes.py says more); sameness is put in on purpose: wire copies (same title and text
# under another outlet's link) and aggregator feeds that carry other feeds' articles (same
# link: stored once, with both feeds).
_text, _body = realshapes.text, realshapes.body


# The look-alike variant (--lookalike, issue 13): every report is on the story and looks like
# many others, as a story's coverage does on a busy day: a dozen headlines, each rewritten
# with one detail changed (a company, a number), over one shared lede per headline, the way
# wire copies and rewrites share a first paragraph. Titles then nearly match, texts overlap
# near the clustering threshold, and the names differ: the costliest path for clustering.
_LOOKALIKE_TITLES = [
    "{name} reviews {n} programs using Anthropic tools after Pentagon designation",
    "Pentagon gives Anthropic until Friday to drop AI safeguards, {name} says {n} contracts at stake",
    "Hegseth tells Anthropic to comply or face supply-chain risk label, {name} reports ({n})",
    "{name} says Anthropic ban covers {n} Pentagon contracts",
    "Judge weighs Anthropic bid to block Pentagon blacklisting as {name} files brief {n}",
    "Anthropic refuses Pentagon demands on autonomous weapons, {name} memo {n} shows",
    "{name} to replace Claude on {n} classified Pentagon systems after Anthropic designation",
    "Pentagon weighs Defense Production Act against Anthropic, {name} official says ({n})",
    "{name} shares move as Anthropic and Pentagon trade accusations, {n} analysts say",
    "Anthropic sues Pentagon over supply-chain risk designation; {name} backs case {n}",
    "Defense Department tells {name} to stop using Anthropic's Claude within {n} days",
    "Amodei meets Hegseth as {name} weighs {n} Anthropic contracts",
]
_NAMES = ("Lockheed Boeing Raytheon Palantir Microsoft Amazon Google Oracle Leidos Anduril Northrop "
          "Accenture Deloitte Booz SAIC CACI Peraton GDIT Maxar Shield Scale Cohere Meta Nvidia IBM Cisco "
          "Dell Salesforce Snowflake Databricks Reuters Axios Politico Bloomberg CNBC Fox CNN Senate House "
          "Treasury State HHS GSA NASA Army Navy Marines SpaceForce Cyber DISA DARPA").split()


def _lede(base: int) -> str:
    rng = random.Random(f"lede:{base}")
    return f"{_text(rng, 30)} Anthropic {_text(rng, 8)} Pentagon {_text(rng, 6)}."


def _lookalike(rng: random.Random) -> tuple[str, str]:
    base = rng.randrange(len(_LOOKALIKE_TITLES))
    title = _LOOKALIKE_TITLES[base].format(name=rng.choice(_NAMES), n=rng.randint(2, 999))
    return title, f"{_lede(base)} {_text(rng, rng.randint(5, 15))}"


def _report(rng: random.Random, f: int, k: int, on: bool, lookalike: bool = False) -> feedgen.FeedItem:
    lead = None
    if lookalike:
        title, lead = _lookalike(rng)
        title = title[0].upper() + title[1:]
    else:
        title = realshapes.headline(rng, on)
    slug = "-".join(title.lower().replace("'", "").split()[:8])
    link = f"https://outlet{f % 37}.example/2026/02/{slug}-{f}-{k}"
    return feedgen.FeedItem(title=title, link=link, guid=f"{link}#{k}",
                            published=START + timedelta(minutes=rng.uniform(0, 4 * 24 * 60)),
                            summary=_body(rng, lead or _text(rng, rng.randint(20, 35)), 1500),
                            author=rng.choice(["Desk", "A. Writer", "J. Reporter", None]))


def build_feeds(n_feeds: int, n_items: int, lookalike: bool = False) -> tuple[dict[str, tuple[bytes, str]], int]:
    """-> (path -> (document, content type), the items tracker stores). Deterministic, so the
    server process and this one agree. lookalike: every report on the story and like others."""
    docs, originals, links = {}, [], Counter()
    for f in range(n_feeds):
        rng = random.Random(f"feed:{f}")
        kind = ("rss", "rss-content", "atom", "aggregator")[f % 4 if f % 10 else 3]
        out, own = [], Counter()
        for k in range(n_items):
            if kind == "aggregator" and originals and rng.random() < 0.6:
                # Another outlet's article, as an aggregator carries it: same link.
                orig = rng.choice(originals)
                outlet = f"Outlet {rng.randint(1, 40)}"
                it = replace(orig, title=f"{orig.title} - {outlet}", guid=f"agg:{f}:{k}",
                             source=(outlet, f"https://{outlet.lower().replace(' ', '')}.example/"))
            elif originals and rng.random() < 0.08:
                # A wire copy: same words under this outlet's own link.
                orig = rng.choice(originals)
                link = f"https://outlet{f % 37}.example/wire/{f}-{k}"
                it = replace(orig, link=link, guid=link)
            else:
                # most of an outlet's feed is off-story (all of it on, and alike, in the look-alike variant)
                it = _report(rng, f, k, on=rng.random() < 0.3, lookalike=lookalike)
                originals.append(it)
            if kind == "rss-content":
                html = it.summary
                it = replace(it, summary=re.sub("<[^>]+>", "", html)[:200], content=html)
            own[it.link] += 1
            out.append(it)
        links |= own
        if kind == "atom":
            docs[f"/feeds/{f}.atom"] = (feedgen.atom(out, title=f"Bench feed {f}"), "application/atom+xml")
        else:
            docs[f"/feeds/{f}.xml"] = (feedgen.rss(out, title=f"Bench feed {f}"), "application/rss+xml; charset=utf-8")
    # An item per link, whichever feeds carried it, but never two entries of one feed in one
    # item: each link's most entries in one feed (what `Counter |` keeps).
    return docs, sum(links.values())


def real_feeds(n_feeds: int | None) -> tuple[dict[str, tuple[bytes, str]], list[str], list[str], int, int]:
    """--real: realshapes.py's feeds. -> (every document served, tracker's paths, newsboat's
    paths (JSON Feeds' Atom twins in their place: newsboat reads no JSON Feed), the items
    tracker stores, the entries)."""
    from tracker.links import link_key

    feeds = realshapes.build(n_feeds)
    keys: Counter = Counter()
    for links in feeds.links:
        keys |= Counter(link_key(u) for u in links)  # as build_feeds counts: see there
    return feeds.docs, feeds.tracker, feeds.newsboat, sum(keys.values()), sum(map(len, feeds.links))


def feed_set(n_feeds: int | None, n_items: int, variant: str):
    """-> (documents by path, tracker's paths, newsboat's paths, items to store, entries)."""
    if variant == "real":
        return real_feeds(n_feeds)
    docs, articles = build_feeds(n_feeds or 200, n_items, variant == "lookalike")
    return docs, list(docs), list(docs), articles, (n_feeds or 200) * n_items


# ---------------------------------------------------------------------- the server process
def _serve(n_feeds: int | None, n_items: int, variant: str, conn) -> None:
    from tests.support.feedserver import FeedServer

    srv = FeedServer().start()
    for path, (body, ctype) in feed_set(n_feeds, n_items, variant)[0].items():
        srv.set_feed(path, body, content_type=ctype, last_modified=LAST_MODIFIED)
    conn.send(srv.base_url)
    while conn.recv() == "statuses":  # anything else: stop
        conn.send(dict(Counter(r.status for r in srv.requests)))
        srv.clear_requests()
    srv.stop()


class ServerProcess:
    def __init__(self, n_feeds: int | None, n_items: int, lookalike: bool = False, variant: str = ""):
        ctx = multiprocessing.get_context("spawn")
        self._conn, child = ctx.Pipe()
        variant = variant or ("lookalike" if lookalike else "default")
        self.proc = ctx.Process(target=_serve, args=(n_feeds, n_items, variant, child), daemon=True)

    def __enter__(self) -> "ServerProcess":
        self.proc.start()
        self.base_url = self._conn.recv()
        return self

    def statuses(self) -> dict[int, int]:
        """HTTP statuses answered since the last call: proof that a warm run really was all 304."""
        self._conn.send("statuses")
        return self._conn.recv()

    def __exit__(self, *exc) -> None:
        try:
            self._conn.send("stop")
        except OSError:
            pass
        self.proc.join(5)
        if self.proc.is_alive():
            self.proc.terminate()


# ---------------------------------------------------------------------- measuring a child
_TICK = os.sysconf("SC_CLK_TCK")


def _processes() -> dict[int, tuple[int, float]]:
    """pid -> (parent pid, CPU seconds used so far), for every process."""
    procs = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as fh:
                fields = fh.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        procs[int(name)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / _TICK)
    return procs


def _pss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as fh:
            for line in fh:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def _tree(root: int) -> tuple[int, dict[int, tuple[int, float]]]:
    """Summed PSS (KiB) of root and its descendants, and each descendant's parent and CPU seconds."""
    procs = _processes()
    kids: dict[int, list[int]] = {}
    for pid, (ppid, _) in procs.items():
        kids.setdefault(ppid, []).append(pid)
    todo, total, seen = [root], 0, {}
    while todo:
        pid = todo.pop()
        total += _pss_kib(pid)
        if pid != root:
            seen[pid] = procs[pid]
        todo.extend(kids.get(pid, ()))
    return total, seen


def measure(cmd: list[str], env: dict | None = None, cwd: str | None = None, sample: float | None = None) -> dict:
    """Run cmd: wall seconds, peak summed PSS (KiB) of its tree, and CPU seconds of the tree: wait4's figure (the process and the children it
    reaped, exact) plus the last sampled figure of every other descendant (forkserver
    workers, which the forkserver reaps; a forkserver or resource tracker outliving it).
    sample=None: no sampling, so no tree figure; for timing (see run_series)."""
    with tempfile.TemporaryFile() as out:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                env=env, cwd=cwd)
        peak, seen, done = 0, {}, threading.Event()

        def sampler() -> None:
            nonlocal peak
            while not done.wait(sample):
                pss, now = _tree(proc.pid)
                peak = max(peak, pss)
                seen.update(now)

        t = threading.Thread(target=sampler, daemon=True)
        if sample is not None:
            t.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        done.set()
        if sample is not None:
            t.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
        # A child of the process that is gone by now was reaped by it: already in wait4's figure.
        others = sum(cpu for pid, (ppid, cpu) in seen.items()
                     if ppid != proc.pid or os.path.exists(f"/proc/{pid}"))
        out.seek(0)
        text = out.read().decode(errors="replace")
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{text[-3000:]}")
    # No ru_maxrss: Linux carries the peak across fork and exec, so a child started from this
    # process reports this process's peak (/bin/true from a Python holding 200 MiB: 212 MiB).
    return {"wall": wall, "tree": None if sample is None else peak,
            "cpu": usage.ru_utime + usage.ru_stime + others, "out": text}


# ---------------------------------------------------------------------- the two clients
def tracker_cmd(source: Path | None = None) -> list[str]:
    """The installed `tracker`, or (source) tracker imported from another checkout."""
    exe = Path(sys.executable).with_name("tracker")
    if source is None and exe.exists():
        return [str(exe)]
    return [sys.executable, "-c", "import sys; from tracker.cli import main; sys.exit(main())"]


class Tracker:
    name = "tracker"

    def __init__(self, work: Path, urls: list[str], source: Path | None = None, name: str = "tracker"):
        self.name, self.source = name, source
        self.dir = work / name
        self.dir.mkdir()
        feeds = "".join(f'[[feeds]]\nname = "feed {i}"\nurl = "{u}"\n\n' for i, u in enumerate(urls))
        (self.dir / "feeds.toml").write_text(STORY + "\n" + feeds, encoding="utf-8")
        self.env = dict(os.environ, HOME=str(self.dir))
        # A user's Python caches bytecode; without it every run would recompile tracker.
        self.env.pop("PYTHONDONTWRITEBYTECODE", None)
        if source is not None:
            # Ahead of the editable install's finder, which sits after sys.path's.
            self.env["PYTHONPATH"] = str(source)

    @property
    def db(self) -> Path:
        return self.dir / "data" / "tracker.db"

    def reset(self) -> None:
        shutil.rmtree(self.dir / "data", ignore_errors=True)
        (self.dir / "data").mkdir()

    def poll(self, sample: float | None = None) -> dict:
        r = measure(tracker_cmd(self.source) + ["--config", str(self.dir / "feeds.toml"), "poll", "-q"],
                    self.env, str(self.dir), sample)
        r["summary"] = r["out"].strip().splitlines()[-1] if r["out"].strip() else ""
        return r

    def stored(self) -> int:
        with sqlite3.connect(self.db) as c:
            return c.execute("SELECT COUNT(*) FROM items").fetchone()[0]

    @staticmethod
    def expected(articles: int, entries: int) -> int:
        return articles  # one item per article, whichever feeds carried it (see build_feeds)


class Newsboat:
    name = "newsboat"

    def __init__(self, work: Path, urls: list[str], threads: int = 8):
        self.dir = work / "newsboat"
        self.dir.mkdir()
        (self.dir / "urls").write_text("".join(u + "\n" for u in urls))
        (self.dir / "config").write_text(f"reload-threads {threads}\n")
        # HOME and XDG dirs in the work dir: newsboat must not touch the user's own setup.
        self.env = dict(os.environ, HOME=str(self.dir), XDG_CONFIG_HOME=str(self.dir), XDG_DATA_HOME=str(self.dir))

    @property
    def cache(self) -> Path:
        return self.dir / "cache.db"

    def reset(self) -> None:
        for p in self.dir.glob("cache.db*"):
            p.unlink()

    def poll(self, sample: float | None = None) -> dict:
        r = measure(["newsboat", "-u", str(self.dir / "urls"), "-C", str(self.dir / "config"),
                     "-c", str(self.cache), "-x", "reload"], self.env, str(self.dir), sample)
        r["summary"] = ""
        return r

    def stored(self) -> int:
        with sqlite3.connect(self.cache) as c:
            return c.execute("SELECT COUNT(*) FROM rss_item").fetchone()[0]

    @staticmethod
    def expected(articles: int, entries: int) -> int:
        return entries  # one row per feed entry


# ---------------------------------------------------------------------- reporting
def stat(values: list[float], fmt: str) -> str:
    return f"{fmt.format(statistics.median(values))} ({fmt.format(min(values))}–{fmt.format(max(values))})"


def run_series(server: ServerProcess, clients: list, runs: int, cold: bool, n_feeds: int,
               articles: int, entries: int) -> dict[str, list[dict]]:
    results: dict[str, list[dict]] = {c.name: [] for c in clients}
    if cold:
        for c in clients:  # untimed: fills the page cache and tracker's bytecode cache
            c.reset()
            c.poll()
    else:
        for c in clients:
            c.reset()
            # Two untimed polls: newsboat 2.21 stores a feed's ETag/Last-Modified only from
            # its second poll on (the first UPDATE runs before the feed's row exists).
            c.poll()
            c.poll()
    for n in range(runs):
        for c in clients:
            if cold:
                c.reset()
            server.statuses()
            r = c.poll()
            statuses = server.statuses()
            want = {200 if cold else 304: n_feeds}
            if statuses != want:
                raise SystemExit(f"{c.name}: the server answered {statuses}, expected {want}: the benchmark is broken")
            want = c.expected(articles, entries)
            if cold and n == 0 and c.stored() != want:
                raise SystemExit(f"{c.name} stored {c.stored()} items, expected {want}: the benchmark is broken")
            results[c.name].append(r)
    # Memory from runs of their own: sampling every process's PSS every 25 ms costs CPU on
    # the same cores (more for tracker's three processes than newsboat's one) and would
    # slow the runs being timed.
    for _ in range(2):
        for c in clients:
            if cold:
                c.reset()
            peak = c.poll(sample=0.025)["tree"]
            for r in results[c.name]:
                r["tree"] = max(r["tree"] or 0, peak)
    return results


def report(title: str, results: dict[str, list[dict]]) -> None:
    print(f"\n{title}")
    print(f"  {'client':<9} {'wall s':<18} {'cpu s':<18} {'tree MiB':<14}")
    for name, rs in results.items():
        print(f"  {name:<9} {stat([r['wall'] for r in rs], '{:.2f}'):<18} {stat([r['cpu'] for r in rs], '{:.2f}'):<18} "
              f"{stat([r['tree'] / 1024 for r in rs], '{:.0f}'):<14}")
    med = {k: {m: statistics.median(r[m] for r in v) for m in ("wall", "cpu", "tree")} for k, v in results.items()}
    for other in ("newsboat", "baseline"):
        if other in med:
            t, n = med["tracker"], med[other]
            print(f"  tracker/{other}: wall {t['wall'] / n['wall']:.2f}x, cpu {t['cpu'] / n['cpu']:.2f}x, "
                  f"tree {t['tree'] / n['tree']:.2f}x")
    summary = results.get("tracker", [{}])[-1].get("summary")
    if summary:
        print(f"  (tracker said: {summary})")


# ---------------------------------------------------------------------- breakdown
def startup(runs: int) -> None:
    py = [sys.executable, "-c", "pass"]
    version = tracker_cmd() + ["--version"]
    imports = [sys.executable, "-c", "import asyncio, tracker.cli, tracker.cli.core, tracker.update"]
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # with bytecode caches, as a user's Python has them
    measure(version, env)  # writes them
    print("\nstart-up (wall s, median of %d)" % runs)
    for label, cmd in (("python -c pass", py), ("tracker --version", version),
                       ("import poll's modules", imports)):
        walls = [measure(cmd, env, sample=1.0)["wall"] for _ in range(runs)]
        print(f"  {label:<24} {stat(walls, '{:.3f}')}")


def breakdown(urls: list[str], work: Path) -> None:
    """Each stage alone, in this process: what it costs, not how the stages overlap."""
    import asyncio

    from tracker.config import load
    from tracker.fetch import Fetcher
    from tracker.parse import parse_and_match
    from tracker.store import Store
    from tracker.timeutil import utcnow

    d = work / "breakdown"
    d.mkdir()
    feeds = "".join(f'[[feeds]]\nname = "feed {i}"\nurl = "{u}"\n\n' for i, u in enumerate(urls))
    (d / "feeds.toml").write_text(STORY + "\n" + feeds, encoding="utf-8")
    config = load(d / "feeds.toml")

    async def fetch_all():
        fetcher = Fetcher(config.poll)
        limit = asyncio.Semaphore(config.poll.concurrency)

        async def one(f):
            async with limit:
                return await fetcher.fetch(f.url)
        try:
            return await asyncio.gather(*(one(f) for f in config.feeds))
        finally:
            await fetcher.aclose()

    t, c = time.perf_counter(), time.process_time()
    fetched = asyncio.run(fetch_all())
    fetch_s, fetch_cpu = time.perf_counter() - t, time.process_time() - c
    size = sum(len(r.body) for r in fetched)

    t = time.process_time()
    parsed = [parse_and_match(r.body, r.content_type, r.url, config.story.rules) for r in fetched]
    parse_s = time.process_time() - t

    (d / "data").mkdir()
    store = Store.open(d / "data" / "tracker.db")
    store.sync_feeds(config.feeds)
    now = utcnow()
    t = time.process_time()
    for feed, r, (p, matched) in zip(config.feeds, fetched, parsed):
        store.store_fetch(feed, matched, status=r.status, etag=r.etag, last_modified=r.last_modified,
                          next_poll=now + timedelta(minutes=15), title=p.title, now=now)
    store_s = time.process_time() - t
    items = sum(len(m) for _, m in parsed)
    store.close()

    print(f"\ntracker breakdown (each stage alone, in this process, CPU seconds; {len(fetched)} feeds, "
          f"{items} entries, {size / 1e6:.1f} MB)")
    print(f"  fetch, {config.poll.concurrency} at a time        {fetch_cpu:6.2f} s   ({fetch_s:.2f} s wall)")
    print(f"  parse + match             {parse_s:6.2f} s   {items / parse_s:,.0f} entries/s")
    print(f"  store, 1 txn per feed     {store_s:6.2f} s   {items / store_s:,.0f} entries/s "
          "(FTS5 indexing and clustering included)")
    print("  in `tracker poll` the event loop fetches, a thread parses, and one writer process stores")


# ---------------------------------------------------------------------- main
def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--feeds", type=int, help="how many feeds (200; --real: 5 of each shape)")
    ap.add_argument("--items", type=int, default=25, help="items per feed")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--threads", type=int, default=8, help="newsboat's reload-threads")
    ap.add_argument("--no-newsboat", action="store_true", help="time tracker alone")
    ap.add_argument("--no-breakdown", action="store_true", help="skip start-up and per-stage figures")
    ap.add_argument("--only", choices=("cold", "warm"), help="one of the two series")
    ap.add_argument("--baseline", type=Path, metavar="DIR",
                    help="also time tracker from another checkout (a directory holding tracker/), "
                         "alternating with this one: before/after figures under the same load")
    variant = ap.add_mutually_exclusive_group()
    variant.add_argument("--lookalike", action="store_true",
                         help="every report on the story and like many others (one detail changed, a shared lede)")
    variant.add_argument("--real", action="store_true",
                         help="feeds in the shapes of real outlets, podcasts and aggregators (benchmarks/realshapes.py)")
    args = ap.parse_args()
    variant = "real" if args.real else "lookalike" if args.lookalike else "default"

    what = {"real": "feeds in the shapes of real ones (realshapes.py)", "lookalike": f"x {args.items} look-alike reports",
            "default": f"x {args.items} items"}[variant]
    print(f"poll_bench: {args.feeds or ('' if args.real else 200)} {what}, {args.runs} runs each, "
          f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}, load average {os.getloadavg()[0]:.2f}")
    clients_wanted = ["tracker"]
    if args.no_newsboat:
        print("newsboat: not run (--no-newsboat); tracker's figures alone")
    elif shutil.which("newsboat") is None:
        print("newsboat: not installed (apt-get install newsboat to compare); tracker's figures alone")
    else:
        version = subprocess.run(["newsboat", "--version"], capture_output=True, text=True).stdout.split("\n")[0]
        print(f"newsboat: {version.split(' - ')[0]}, reload-threads {args.threads}")
        clients_wanted.append("newsboat")

    with tempfile.TemporaryDirectory(prefix="poll_bench.") as tmp, \
            ServerProcess(args.feeds, args.items, variant=variant) as server:
        base = server.base_url
        work = Path(tmp)
        docs, paths, newsboat_paths, articles, entries = feed_set(args.feeds, args.items, variant)
        n_feeds = len(paths)
        size = sum(len(docs[p][0]) for p in paths)
        urls = [base + p for p in paths]
        if args.real:
            print(realshapes.describe(docs, paths))
        del docs
        print(f"feeds: {n_feeds}, {size / 1e6:.1f} MB in all, {entries} entries, {articles} items to store, "
              f"served from another process at {base}")
        clients = [Tracker(work, urls)]
        if args.baseline:
            clients.append(Tracker(work, urls, args.baseline.resolve(), "baseline"))
        if "newsboat" in clients_wanted:
            clients.append(Newsboat(work, [base + p for p in newsboat_paths], args.threads))
        if args.only != "warm":
            report("cold: empty database, every feed fetched in full",
                   run_series(server, clients, args.runs, True, n_feeds, articles, entries))
        if args.only != "cold":
            report("warm: every feed answers 304 Not Modified",
                   run_series(server, clients, args.runs, False, n_feeds, articles, entries))
        if not args.no_breakdown:
            startup(args.runs)
            breakdown(urls, work)


if __name__ == "__main__":
    main()
