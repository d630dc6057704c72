"""tracker poll, items, feeds: the core commands."""

from __future__ import annotations

import gc
import json
import sys
import time

from ..rows import Item
from ..store import Filter, merge_feeds
from ..timeutil import ago, from_iso, utcnow
from . import EXIT_OK, db_path, load_config, local_time, open_store, stderr_console


def cmd_poll(args) -> int:
    import asyncio  # here, not at the top: `tracker items` and `feeds` need no event loop (~15 ms)

    from ..pool import parse_pool
    from ..update import Updater

    if getattr(args, "own_process", False):
        # What exists now (modules, mostly) lives as long as the process: out of the
        # collector's sight, it is not walked again by each collection, nor by the one at
        # exit, which took ~45 ms after a poll of 200 feeds (~20 ms so), in this process and
        # in the writer forked from it, whose exit the poll waits for. Not in a caller's
        # process (tests): its garbage of the moment would be frozen with it, for good.
        gc.freeze()
    config = load_config(args)
    store = open_store(args, config, polls=True)
    feeds = config.feeds
    if not feeds:
        print("no feeds in the config: add [[feeds]] to", config.path)
        return EXIT_OK
    started = time.monotonic()
    show_bar = sys.stderr.isatty() and not getattr(args, "quiet", False)
    # A thread parses while the event loop fetches, and a writer process stores; a single
    # feed is cheaper to parse and store here than to start a process for. When some feed is
    # sure to send a whole document (new, or without validators that could get a 304), the
    # writer starts now, before the event loop's threads exist, so it can be forked; a poll
    # of feeds that may all answer 304 starts it only if a document arrives.
    pool = None
    if len(feeds) > 2:
        known = store.feeds_with_validators()
        # No connection open across the fork (SQLite's rule): a forked writer would share this
        # process's record of its locks, and its own connection would then hold no lock on
        # the -shm of its own. Killed without it, this process would leave a writer that the
        # next poll cannot see, and that poll would reset the -shm under the writer's writes.
        store.close()
        pool = parse_pool(start=any(f.name not in known for f in feeds), parse_here=True)

    async def run():
        updater = Updater(config, store, pool=pool)
        try:
            if show_bar:
                from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
                with Progress(TextColumn("polling"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                              TextColumn("{task.description}", markup=False), transient=True,
                              console=stderr_console()) as bar:
                    task = bar.add_task("", total=len(feeds))
                    return await updater.update_all(
                        force=True, on_result=lambda r: bar.update(task, advance=1, description=r.feed))
            return await updater.update_all(force=True)  # the user asked for it: past any backoff
        finally:
            await updater.aclose()
            if pool:
                pool.shutdown(wait=True, cancel_futures=True)

    results = asyncio.run(run())
    elapsed = time.monotonic() - started
    new_ids = [i for r in results for i in r.new]
    on_story = store.count_on_story(new_ids)
    failed = [r for r in results if r.error]
    skipped = [r for r in results if r.skipped]
    for r in results:
        if r.error:
            print(f"  ✗ {r.feed}: {r.error}")
        elif r.skipped:
            print(f"  - {r.feed}: skipped, {r.skipped}")
        elif r.problem and getattr(args, "verbose", False):
            print(f"  ! {r.feed}: {r.problem}")
    unchanged = sum(1 for r in results if r.not_modified)
    updated = len({i for r in results for i in r.updated})  # items a feed changed (title, summary)
    print(f"polled {len(results)} feeds in {elapsed:.1f} s: {len(new_ids)} new items "
          f"({on_story} on the story), {updated} updated, {unchanged} unchanged, {len(failed)} failed"
          + (f", {len(skipped)} skipped" if skipped else ""))
    if len(failed) == len(results) > 1:
        print("tracker: no feed could be reached (offline?); `tracker demo` shows the dashboard "
              "with a story of its own, without a network", file=sys.stderr)
    return EXIT_OK


def cmd_items(args) -> int:
    config = load_config(args)
    store = open_store(args, config)
    if args.developments:
        return _print_developments(store, args)
    f = Filter(story=None if args.all else True, unread=args.unread, starred=args.starred,
               query=args.search or "", clusters=args.clusters)
    rows = store.items(f, limit=args.limit)
    # With --clusters each row is a cluster's earliest report: say how many carried it.
    stats = store.cluster_stats([r.id for r in rows]) if args.clusters else {}
    carried = {r.id: {k: stats.get(r.id, {}).get(k, 1) for k in ("size", "outlets")} for r in rows}
    if args.json:
        texts = store.texts_of([r.id for r in rows])
        json.dump([item_json(r) | {"text": texts.get(r.id)} | (carried[r.id] if args.clusters else {}) for r in rows],
                  sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return EXIT_OK
    if not rows:
        print("no items" + ("" if args.all else " on the story yet (try --all, or run `tracker poll`)"))
        return EXIT_OK
    for r in rows:
        flag = ("*" if r.starred else " ") + (" " if r.read else "•")
        if args.all:  # a column of its own, blank on the story, so the columns after it line up
            flag += "      " if r.on_story else " (off)"
        outlet = (r.outlet or ", ".join(r.feeds))[:18]
        outlets = carried[r.id]["outlets"]
        many = f"×{outlets} " if args.clusters and outlets > 1 else ""
        print(f"{local_time(r.published)}  {flag} {outlet:<18}  {many}{r.title}")
    return EXIT_OK


def item_json(r: Item) -> dict:
    """The stable, scriptable shape of an item (`tracker items --json`)."""
    return {
        "id": r.id, "title": r.title, "link": r.link, "published": r.published,
        "published_from_feed": bool(r.dated), "first_seen": r.first_seen,
        "feeds": list(r.feeds), "outlet": r.outlet, "on_story": bool(r.on_story),
        "matched": list(r.matched), "summary": r.summary, "author": r.author,
        "read": bool(r.read), "starred": bool(r.starred), "cluster": r.cluster,
        "development": r.development,
    }


def _print_developments(store, args) -> int:
    """`tracker items --developments`: one row per development, latest report first."""
    from ..text import clean_text

    rows = store.developments(limit=args.limit)
    members = store.development_members([r.id for r in rows])
    if args.json:
        json.dump([{"id": r.id, "headline": r.headline, "first": r.first, "last": r.last,
                    "reports": r.reports, "outlets": r.outlets, "unread": r.unread,
                    "items": members.get(r.id, [])} for r in rows],
                  sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return EXIT_OK
    if not rows:
        print("no developments yet (run `tracker poll`)")
        return EXIT_OK
    for r in rows:
        span = local_time(r.first) + ("" if r.first == r.last else f" - {local_time(r.last)}")
        print(f"#{r.id}  {span}  {r.reports} reports · {r.outlets} outlets  {clean_text(r.headline or '')}")
        print(f"    items: {' '.join(map(str, members.get(r.id, [])))}")
    return EXIT_OK


def cmd_feeds(args) -> int:
    config = load_config(args)
    path = db_path(args, config)
    if path.parent.is_dir() and not path.exists():
        # Nothing polled yet (a fresh `tracker init`): feeds.toml alone answers, and looking
        # makes no database. Said on stderr, so a mistyped --db does not pass unnoticed.
        print(f"tracker: no database at {path} yet: `tracker poll` polls these feeds", file=sys.stderr)
        feeds = merge_feeds(config.feeds, [])
    else:
        feeds = open_store(args, config).configured_feeds(config.feeds)
    if args.json:
        keys = ("name", "url", "moved_to", "title", "last_poll", "last_ok", "last_status", "last_error",
                "failures", "next_poll", "retry_after", "gone", "items", "on_story_items")
        json.dump([{k: getattr(f, k) for k in keys} for f in feeds], sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return EXIT_OK
    from ..text import clean_text

    now = utcnow()
    for f in feeds:  # feeds.toml is edited by hand: its names and URLs are cleaned for the terminal
        last = f"{ago(from_iso(f.last_poll), now)}" if f.last_poll else "never"
        nxt = local_time(f.next_poll) if f.next_poll and not f.gone else "-"
        status = f.last_status if f.last_status is not None else "-"
        print(f"{clean_text(f.name)}  [{f.health}]  HTTP {status}, last poll {last}, "
              f"{f.items} items ({f.on_story_items} on the story), next poll {nxt}")
        if f.last_error:
            print(f"    {'error' if f.failures else 'note'}: {clean_text(f.last_error)}")
        if f.moved_to:
            print(f"    moved permanently to {clean_text(f.moved_to)}")
    return EXIT_OK
