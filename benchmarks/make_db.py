"""Make a large tracker database for measuring the dashboard: N items (100,000 by default)
from 20 feeds over the past months, about 10% of them on the story, with realistic
titles and summaries, most of them read. Written through the Store API (store_fetch, one
transaction per feed), so the rows, indexes, FTS and clusters are what real polls make.

    python benchmarks/make_db.py /tmp/big            # writes /tmp/big/feeds.toml and tracker.db
    tracker --config /tmp/big/feeds.toml             # the dashboard on it
    python benchmarks/make_db.py /tmp/big --measure  # first screen, keypresses, memory

The feeds point at 127.0.0.1:9 (discard), so a dashboard left open polls nothing real.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import random
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# tui_bench --baseline's child measures another checkout's tracker: that one, not this one's.
sys.path.insert(0, os.environ.get("TRACKER_CHECKOUT") or str(ROOT))

from tracker.config import load  # noqa: E402
from tracker.match import Matcher  # noqa: E402
from tracker.model import Entry  # noqa: E402
from tracker.store import Store  # noqa: E402
from tracker.timeutil import to_iso  # noqa: E402

FEEDS = 20
NOW = datetime(2026, 11, 27, 12, 0, tzinfo=timezone.utc)

OUTLETS = ["Wire Service", "Capital Ledger", "Defense Daily", "Tech Review", "Evening Post", "Market Watcher",
           "Policy Brief", "Harbor Times", "Signal & Noise", "The Chronicle", "Metro Record", "Global Desk",
           "Frontier Journal", "Civic Tribune", "Data Dispatch", "Northern Star", "Gazette Online",
           "Atlantic Bulletin", "Pacific Herald", "Valley News"]

# Titles are put together from parts, so that like real coverage most differ and some
# nearly repeat (what clustering is for), instead of a dozen templates repeated 10,000 times.
GOV = ["Pentagon", "Hegseth", "Defense Department", "Department of War", "Defense Secretary Hegseth",
       "Pentagon officials", "War Department"]
CO = ["Anthropic", "Claude maker Anthropic", "Amodei's Anthropic", "Anthropic CEO Amodei", "AI firm Anthropic"]
GOV_DOES = ["gives {co} until Friday to drop AI safeguards", "weighs Defense Production Act against {co}",
            "floats supply-chain risk label for {co}", "presses {co} on Claude usage policy",
            "sets deadline for {co} over autonomous weapons limits", "rejects {co} offer on surveillance limits",
            "says talks with {co} will continue", "orders agencies to stop using {co} models",
            "defends designation of {co} in court filing", "signs rival AI deals as {co} standoff drags on",
            "asks contractors to audit Claude use amid {co} dispute", "cites Venezuela raid in {co} dispute",
            "meets {co} again before deadline", "brands {co} a supply-chain risk"]
CO_DOES = ["holds firm on autonomous weapons limits as {gov} talks continue",
           "says it will not accommodate {gov} demands", "sues over {gov} supply-chain risk designation",
           "asks judge to block {gov} blacklisting", "offers narrower safeguards to {gov}",
           "warns customers about {gov} designation", "publishes its usage policy as {gov} presses",
           "loses defense contracts after {gov} order", "wins temporary reprieve from {gov} ban",
           "rejects {gov} demand for domestic surveillance uses"]
QUAL = ["", "", "", ", sources say", " as deadline nears", " after Tuesday meeting", ", report says",
        " amid lawsuit", " in rare public clash", " as rivals circle", ": what we know", " - analysis",
        " ahead of Friday", " over classified networks", ", officials say", " as talks stall"]
OFF_STORY = [
    "{city} council approves {thing} budget after long debate",
    "Stocks {move} as investors weigh {thing} data",
    "{company} unveils new {product} with longer battery life",
    "Pentagon awards {thing} contract to {company}",
    "{company} opens research lab in {city}",
    "Storm brings heavy rain to {city}; {thing} plans delayed",
    "Review: the {company} {product} is fast, pricey and almost right",
    "{city} transit strike enters its {n}th day",
    "Anthropic releases Claude update for {product} developers",
    "Central bank holds rates steady; {thing} outlook unchanged",
    "{company} recalls {n},000 {product}s over battery fault",
    "Scientists map {thing} in unprecedented detail",
    "{city} mayor unveils {thing} plan",
    "{company} shares {move} after {thing} report",
    "Hegseth visits troops in {city}",
    "{company} to cut {n}00 jobs in {city}",
]
CITIES = ["Lisbon", "Denver", "Osaka", "Leeds", "Austin", "Montreal", "Nairobi", "Perth", "Bergen", "Quito",
          "Tulsa", "Lyon", "Busan", "Cork", "Dakar", "Hobart", "Malmo", "Porto", "Fresno", "Gdansk"]
THINGS = ["housing", "shipbuilding", "inflation", "satellite", "water", "coral reef", "rail", "school", "grid",
          "wildfire", "vaccine", "port", "bridge", "tariff", "drought", "fishery", "solar", "library"]
COMPANIES = ["Orbitron", "Nimbus Labs", "Helix Motors", "Quanta Foods", "Bluefin Energy", "Lumen Health",
             "Corvid Systems", "Tessera", "Pinewood Bank", "Aster Air", "Kestrel Robotics", "Mariner Steel"]
PRODUCTS = ["phone", "laptop", "headset", "e-bike", "smartwatch", "router", "tablet", "drone", "camera"]
SENTENCE = ("Officials said the decision followed weeks of talks. Analysts expect further announcements "
            "in the coming days. The company declined to comment beyond its statement. ")


def title(r: random.Random, on: bool) -> str:
    if on:
        gov, co = r.choice(GOV), r.choice(CO)
        if r.random() < 0.5:
            head = f"{gov} " + r.choice(GOV_DOES).format(co=co)
        else:
            head = f"{co} " + r.choice(CO_DOES).format(gov=gov)
        return head + r.choice(QUAL)
    return r.choice(OFF_STORY).format(city=r.choice(CITIES), thing=r.choice(THINGS), company=r.choice(COMPANIES),
                                      product=r.choice(PRODUCTS), move=r.choice(["rise", "fall", "drift", "jump"]),
                                      n=r.randint(2, 9))


def make(directory: Path, n: int, seed: int = 0) -> tuple[Path, float]:
    directory.mkdir(parents=True, exist_ok=True)
    db = directory / "tracker.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    shipped = load(ROOT / "feeds.toml")
    config_text = (ROOT / "feeds.toml").read_text(encoding="utf-8").split("[[feeds]]", 1)[0]
    config_text = config_text.replace('article = "data/article.txt"', f'article = "{ROOT / "data" / "article.txt"}"')
    config_text += "".join(f'\n[[feeds]]\nname = "{name}"\nurl = "http://127.0.0.1:9/{i}.xml"\ninterval = "1h"\n'
                           for i, name in enumerate(OUTLETS[:FEEDS]))
    config_text = f'database = "{db}"\n' + config_text
    path = directory / "feeds.toml"
    path.write_text(config_text, encoding="utf-8")
    config = load(path)

    r = random.Random(seed)
    matcher = Matcher(shipped.story.rules)
    started = time.perf_counter()
    store = Store.open(db)
    store.sync_feeds(config.feeds)
    span = 180 * 86400  # half a year of coverage, newest at NOW
    per_feed = [[] for _ in config.feeds]
    for k in range(n):
        on = r.random() < 0.10
        t = title(r, on)
        summary = f"{t}. {SENTENCE * r.randint(1, 3)}"
        published = NOW - timedelta(seconds=int(span * (1 - (k + r.random()) / n)))
        feed = r.randrange(len(config.feeds))
        e = Entry(entry_id=f"bench:{k}", title=t, link=f"https://news.example/{feed}/{k}",
                  published=to_iso(published), summary=summary, outlet=OUTLETS[feed])
        per_feed[feed].append((e, matcher.match(e.title, e.summary)))
    for feed, entries in zip(config.feeds, per_feed):
        feed = dataclasses.replace(feed, max_new_items=None)  # months of coverage at once: no per-poll cap
        store.store_fetch(feed, entries, status=200, etag=None, last_modified=None,
                          next_poll=NOW + timedelta(hours=1), now=NOW)
    ids = store.item_ids(None)
    store.set_read(r.sample(ids, int(len(ids) * 0.8)))
    store.close()
    return path, time.perf_counter() - started


def measure(config_path: Path, presses: int = 200) -> None:
    """The dashboard on the database, headless in this process: time from process start to
    the first screen, the cost of a j/k keypress (handler + redraw of the list's rows), the
    search, and resident memory."""
    import asyncio

    from tracker.tui.app import build_app

    config = load(config_path)
    store = Store.open(config.database_path)

    async def run() -> None:
        app = build_app(config, store, start_polling=False)
        async with app.run_test(size=(160, 48)) as pilot:
            await pilot.pause()
            first, first_cpu = _since_process_start(), time.process_time()
            rows = app.items.scrollable_content_region.height
            latencies = []
            for i in range(presses):
                action = "cursor_down" if (i // 50) % 2 == 0 else "cursor_up"
                t = time.perf_counter()
                await app.items.run_action(action)
                app.items.render_lines(app.items.scrollable_content_region.reset_offset)
                latencies.append(time.perf_counter() - t)
                if i % 10 == 0:
                    await pilot.pause()
            latencies.sort()
            page = []
            for _ in range(20):  # a page down fetches a window of rows it has not seen
                t = time.perf_counter()
                await app.items.run_action("page(1)")
                app.items.render_lines(app.items.scrollable_content_region.reset_offset)
                page.append(time.perf_counter() - t)
            on_story = len(app.items.ids)
            await pilot.press("slash")
            t = time.perf_counter()
            app.search.value = "supply"
            await pilot.pause()
            await app.workers.wait_for_complete()
            search = time.perf_counter() - t
            print(f"items on the story (the list): {on_story:,}; rows on screen: {rows}")
            print(f"first screen drawn, from process start: {first * 1000:.0f} ms wall, "
                  f"{first_cpu * 1000:.0f} ms CPU (load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
            print(f"j/k keypress (handler + list redraw), {presses} presses: median "
                  f"{latencies[len(latencies) // 2] * 1000:.2f} ms, p99 {latencies[int(len(latencies) * .99) - 1] * 1000:.2f} ms")
            page.sort()
            print(f"page down to rows not seen yet (fetches them), 20 presses: median {page[10] * 1000:.1f} ms, "
                  f"max {page[-1] * 1000:.1f} ms")
            print(f"search 'supply', typed to results: {search * 1000:.0f} ms ({len(app.items.ids):,} matches)")
            print(f"resident memory: {_rss_mib():.0f} MiB (peak {_rss_mib('VmHWM'):.0f} MiB)")

    asyncio.run(run())


def _since_process_start() -> float:
    ticks = int(Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()[19])
    return float(Path("/proc/uptime").read_text().split()[0]) - ticks / os.sysconf("SC_CLK_TCK")


def _rss_mib(field: str = "VmRSS") -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("directory", type=Path)
    p.add_argument("-n", "--items", type=int, default=100_000)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--measure", action="store_true", help="measure the dashboard on an existing database")
    args = p.parse_args()
    if args.measure:
        measure(args.directory / "feeds.toml")
        return
    path, seconds = make(args.directory, args.items, args.seed)
    print(f"wrote {args.items:,} items to {args.directory / 'tracker.db'} in {seconds:.1f} s; "
          f"open it with: tracker --config {path}")


if __name__ == "__main__":
    main()
