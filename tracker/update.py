"""Update one feed: fetch -> parse -> match -> store. The same code serves `tracker poll`,
the dashboard's scheduler, the daemon and the tests."""

from __future__ import annotations

import asyncio
import functools
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Awaitable, Callable, Iterable

from .decide import Skip, after_failure, decide
from .errors import FeedError, StoreError
from .fetch import Fetcher
from .model import Config, FeedConfig
from .pool import ParsePool
from .store import FeedUpdate, Store
from .text import clean_text, safe_link
from .timeutil import to_iso, utcnow

_READ = object()  # update_feed(): read the feed's state from the store


@dataclass(frozen=True)
class UpdateResult:
    feed: str
    status: int | None = None
    new: tuple[int, ...] = ()  # ids of items first seen in this update
    updated: tuple[int, ...] = ()
    entries: int = 0
    error: str | None = None  # the fetch or parse failed: what the user is told
    problem: str | None = None  # it worked, with a survivable complaint
    skipped: str | None = None  # not fetched (gone, rate-limited, backing off): why
    duration: float = 0.0
    size: int = 0

    @property
    def ok(self) -> bool:
        return self.error is None and self.skipped is None

    @property
    def not_modified(self) -> bool:
        return self.status == 304


def parse_and_match(*args):
    """parse.parse_and_match, imported where it runs (the parse thread or a worker): a poll
    whose feeds all answer 304 never imports the parser (feedparser and all: ~7% of it)."""
    from .parse import parse_and_match
    return parse_and_match(*args)


_worker_stores: dict[str, Store] = {}  # in the writer: its connection to each database


def store_parsed(db: str, fetches: list[tuple[FeedConfig, list, dict]]) -> list[FeedUpdate | Exception]:
    """The writer's share of updates: store parsed feeds' items, states and fetch records in
    one transaction (Store.store_fetches), on the writer's own connection.

    Storing is as much CPU as parsing (full-text indexing, clustering). In the parent it
    ran on one thread that also had the event loop to serve: the slowest stage of a poll,
    and stutter in a dashboard drawing meanwhile."""
    store = _worker_stores.get(db)
    if store is None:
        store = _worker_stores[db] = Store.open(db, create=False)
    return store.store_fetches(fetches)


LOT_ENTRIES = 500  # a lot takes no more fetches once it holds this many entries: the lock is held ~0.2-0.5 s


class Lots:
    """Fetches to store wait while the writer is busy, then go together, in one transaction
    (Store.store_fetches): in a cold poll the parse thread keeps ahead of the writer, and a
    transaction per feed cost it 5% more CPU (a COMMIT's WAL writes, the round trip). Two
    lots are in flight, one being stored and the next queued behind it, so the writer never
    waits for this process to send it work. When the writer keeps up a lot is one fetch,
    stored at once; under load lots grow, until one holds LOT_ENTRIES entries (its last
    fetch may take it past them), so the write lock (which the dashboard's own writes wait
    for) is never held long. A feed's result comes when its lot is stored: a poll's
    progress moves a lot at a time."""

    IN_FLIGHT = 2

    def __init__(self, store_lot: Callable[[list], Awaitable[list]]):
        self._store_lot = store_lot
        self._waiting: list[tuple[tuple, asyncio.Future]] = []
        self._in_flight = 0
        self._tasks: set[asyncio.Task] = set()  # the loop holds tasks weakly: kept here till done

    async def store(self, feed: FeedConfig, entries: list, fetch: dict) -> FeedUpdate:
        future = asyncio.get_running_loop().create_future()
        self._waiting.append(((feed, entries, fetch), future))
        self._send()
        return await future

    def _send(self) -> None:
        while self._in_flight < self.IN_FLIGHT:
            self._waiting = [(fetch, f) for fetch, f in self._waiting if not f.done()]  # a cancelled poll's
            if not self._waiting:
                return
            n = size = 0
            for (_, entries, _), _ in self._waiting:
                n, size = n + 1, size + max(1, len(entries))
                if size >= LOT_ENTRIES:
                    break
            lot, self._waiting = self._waiting[:n], self._waiting[n:]
            self._in_flight += 1
            task = asyncio.ensure_future(self._stored(lot))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _stored(self, lot: list[tuple[tuple, asyncio.Future]]) -> None:
        try:
            results = await self._store_lot([fetch for fetch, _ in lot])
        except asyncio.CancelledError:  # the loop is ending: so is every poll waiting here
            self._in_flight -= 1
            for _, f in lot + self._waiting:
                f.cancel()
            raise
        except Exception as e:  # the writer died: every fetch of the lot failed with it
            results = [e] * len(lot)
        self._in_flight -= 1
        self._send()
        for (_, f), result in zip(lot, results):
            if f.done():
                continue
            if isinstance(result, BaseException):
                f.set_exception(result)
            else:
                f.set_result(result)


class Updater:
    def __init__(self, config: Config, store: Store, *, pool: Executor | None = None,
                 fetcher: Fetcher | None = None, clock: Callable[[], datetime] = utcnow):
        self.config, self.store, self.pool, self.clock = config, store, pool, clock
        self.fetcher = fetcher or Fetcher(config.poll)
        self._running: set[str] = set()
        self._planned: dict[str, str] = {}  # each feed's next poll as we last stored it (claim_poll)
        # All of this updater's database work runs on one thread. SQLite has one writer at a
        # time anyway, and writers on several threads (asyncio.to_thread) wait in its busy
        # handler, which sleeps up to 100 ms at a time rather than waking when the lock frees.
        self._db = ThreadPoolExecutor(max_workers=1, thread_name_prefix="tracker-store")
        self._stored_here = Lots(lambda lot: self._in_db(self.store.store_fetches, lot))
        self._stored_by_writer = Lots(lambda lot: self._in_writer(store_parsed, str(self.store.path), lot))

    async def aclose(self) -> None:
        await self.fetcher.aclose()
        self._db.shutdown(wait=True)

    async def _in_db(self, fn: Callable, /, *args, **kwargs):
        return await asyncio.get_running_loop().run_in_executor(self._db, functools.partial(fn, *args, **kwargs))

    def feed_config(self, name: str) -> FeedConfig | None:
        return next((f for f in self.config.feeds if f.name == name), None)

    async def update_feed(self, feed: FeedConfig, force: bool = False, *, claim: bool = False,
                          _state=_READ) -> UpdateResult:
        """force: poll now even if the feed is backing off after failures (a user asked).
        A feed that is gone, or whose server asked us to wait, is still left alone.
        claim: a scheduled poll, which another process polling the same database (a daemon
        beside the dashboard) may have made already: then it is skipped (Store.claim_poll).
        A failed database raises StoreError (in words: full disk, read-only, corrupt ...): no
        other feed could be stored either, so it is the caller's to report."""
        if feed.name in self._running:
            return UpdateResult(feed.name, skipped="already being polled")
        self._running.add(feed.name)
        try:
            return await self._update(feed, force, _state, claim)
        finally:
            self._running.discard(feed.name)

    async def _update(self, feed: FeedConfig, force: bool, state, claim: bool = False) -> UpdateResult:
        now = self.clock()
        if state is _READ:
            state = await self._in_db(self.store.feed, feed.name)
        plan = decide(feed, state, now, force)
        if isinstance(plan, Skip):
            return UpdateResult(feed.name, status=plan.status, skipped=plan.reason)
        if claim and state is not None:
            until = now + timedelta(seconds=feed.interval)
            if not await self._in_db(self.store.claim_poll, feed.name, now, until, self._planned.get(feed.name)):
                return UpdateResult(feed.name, skipped="polled by another process")
            self._planned[feed.name] = to_iso(until)

        try:
            fetched = await self.fetcher.fetch(plan.url, plan.etag, plan.last_modified, now)
            record = dict(status=fetched.status, etag=fetched.etag, last_modified=fetched.last_modified,
                          moved_to=safe_link(fetched.moved_to), duration=fetched.duration, size=fetched.size)
            matched, parsed = [], None
            if fetched.body is not None:
                parsed, matched = await self._in_pool(parse_and_match, fetched.body, fetched.content_type,
                                                      fetched.url, self.config.story.rules)
        except FeedError as e:
            return await self._failed(feed, e, plan.failures, now)

        done = self.clock()
        next_poll = done + timedelta(seconds=feed.interval)
        record.update(next_poll=next_poll, problem=parsed.problem if parsed else None,
                      title=parsed.title if parsed else "", now=done,
                      keep_off_story=self.config.poll.keep_off_story)
        if parsed is not None and self._workers_write():
            # The writer opens the path by name: not a file put there since we opened ours.
            if problem := self.store.moved():
                raise StoreError(problem)
            change = await self._stored_by_writer.store(feed, matched, record)
        else:
            change = await self._stored_here.store(feed, matched, record)
        self._planned[feed.name] = to_iso(next_poll)
        return UpdateResult(feed.name, status=fetched.status, new=change.new, updated=change.updated,
                            entries=change.entries, problem=change.problem,
                            duration=fetched.duration, size=fetched.size)

    def _workers_write(self) -> bool:
        """The pool's writer stores what its parsers parse (store_parsed) when the database
        is a file it can open too."""
        return isinstance(self.pool, ParsePool) and self.store.path.is_file()

    async def _in_writer(self, fn: Callable, *args):
        if not self.pool.submit_blocks:
            return await asyncio.wrap_future(self.pool.submit_write(fn, *args))
        return await asyncio.wrap_future(await asyncio.to_thread(self.pool.submit_write, fn, *args))

    async def _in_pool(self, fn: Callable, *args):
        if isinstance(self.pool, ParsePool) and not self.pool.submit_blocks:
            return await asyncio.wrap_future(self.pool.submit(fn, *args))
        if isinstance(self.pool, (ProcessPoolExecutor, ParsePool)):
            # Submitted from a thread: a submit that has to start a worker process blocks
            # until the forkserver is up (~0.2 s), which would stall the event loop (and a
            # dashboard running on it).
            return await asyncio.wrap_future(await asyncio.to_thread(self.pool.submit, fn, *args))
        return await asyncio.get_running_loop().run_in_executor(self.pool, fn, *args)

    async def _failed(self, feed: FeedConfig, e: FeedError, failures: int, now: datetime) -> UpdateResult:
        retry = after_failure(feed, failures, now, e.retry_after, e.status)
        # Error text can carry a server's words (reason phrases, parser messages): it is shown
        # on terminals, so it gets the same cleaning as feed text.
        error = clean_text(str(e), 500) or "the fetch failed"
        await self._in_db(self.store.record_failure, feed.name, error, e.status,
                          retry.next_poll, retry.retry_after, retry.gone, now=now)
        self._planned[feed.name] = to_iso(retry.next_poll)
        return UpdateResult(feed.name, status=e.status, error=error)

    async def update_all(self, feeds: Iterable[FeedConfig] | None = None, force: bool = False,
                         on_result: Callable[[UpdateResult], Awaitable[None] | None] | None = None,
                         on_start: Callable[[str], None] | None = None) -> list[UpdateResult]:
        """Every feed once, a bounded number at a time; one feed's failure never stops the rest.
        force: past any backoff (a user asked). on_start(name) as a feed's turn comes,
        on_result(result) as it ends: `tracker poll`'s progress bar, the dashboard's R key."""
        feeds = list(self.config.feeds if feeds is None else feeds)
        limit = asyncio.Semaphore(self.config.poll.concurrency)
        # Every feed's state in one query: read one by one, each read would queue on the
        # database thread behind other feeds' writes, and hold up that feed's fetch.
        states = {r.name: r for r in await self._in_db(self.store.feed_states, active_only=False)}
        if isinstance(self.pool, ParsePool) and any(
                not (s := states.get(f.name)) or not (s.etag or s.last_modified) for f in feeds):
            # Some feed will certainly send a whole document (new, or no validators to make
            # a 304 possible): have the workers ready for it. A poll that is all 304s never
            # needs them, and doesn't start them.
            self.pool.start()

        async def one(feed: FeedConfig) -> UpdateResult:
            async with limit:
                if on_start:
                    on_start(feed.name)
                try:
                    result = await self.update_feed(feed, force=force, _state=states.get(feed.name))
                except StoreError:
                    raise
                except Exception as e:  # a bug in one feed's path is reported, not fatal to the poll
                    result = UpdateResult(feed.name, error=f"internal error: {type(e).__name__}: {e}")
            if on_result:
                maybe = on_result(result)
                if asyncio.iscoroutine(maybe):
                    await maybe
            return result

        tasks = [asyncio.ensure_future(one(f)) for f in feeds]
        try:
            return list(await asyncio.gather(*tasks))
        except BaseException:
            for task in tasks:  # a failed database ends the poll: don't leave feeds fetching
                task.cancel()
            raise
