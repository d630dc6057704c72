"""Update one feed: fetch -> parse -> match -> store. The same code serves `tracker poll`,
the dashboard's scheduler, the daemon and the tests."""

from __future__ import annotations

import asyncio
import multiprocessing
import os
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Awaitable, Callable, Iterable

from .errors import FeedError
from .fetch import Fetcher
from .model import Config, FeedConfig
from .parse import parse_and_match
from .store import Store
from .timeutil import from_iso, utcnow

MAX_BACKOFF = 6 * 3600.0  # a failing feed is still tried a few times a day


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


def backoff(interval: float, failures: int) -> float:
    """Seconds to wait after the n-th consecutive failure: doubles, capped."""
    return min(interval * (2 ** max(0, failures - 1)), max(interval, MAX_BACKOFF))


def parse_pool(workers: int | None = None) -> ProcessPoolExecutor:
    """Workers that parse feeds on every core. forkserver, not fork: the parent has threads
    (asyncio, httpx, sqlite) whose locks a forked child could inherit held."""
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["tracker.parse"])
    return ProcessPoolExecutor(max_workers=workers or os.cpu_count() or 2, mp_context=ctx)


class Updater:
    def __init__(self, config: Config, store: Store, *, pool: Executor | None = None,
                 fetcher: Fetcher | None = None, clock: Callable[[], datetime] = utcnow):
        self.config, self.store, self.pool, self.clock = config, store, pool, clock
        self.fetcher = fetcher or Fetcher(config.poll)
        self._running: set[str] = set()

    async def aclose(self) -> None:
        await self.fetcher.aclose()

    def feed_config(self, name: str) -> FeedConfig | None:
        return next((f for f in self.config.feeds if f.name == name), None)

    async def update_feed(self, feed: FeedConfig, force: bool = False) -> UpdateResult:
        """force: poll now even if the feed is backing off after failures (a user asked).
        A feed that is gone, or whose server asked us to wait, is still left alone."""
        if feed.name in self._running:
            return UpdateResult(feed.name, skipped="already being polled")
        self._running.add(feed.name)
        try:
            return await self._update(feed, force)
        finally:
            self._running.discard(feed.name)

    async def _update(self, feed: FeedConfig, force: bool) -> UpdateResult:
        now = self.clock()
        state = await asyncio.to_thread(self.store.feed, feed.name)
        if state is not None:
            if state["gone"] and state["url"] == feed.url:
                return UpdateResult(feed.name, status=410, skipped="gone (HTTP 410); remove it or change its URL")
            if state["url"] == feed.url and state["retry_after"] and from_iso(state["retry_after"]) > now:
                return UpdateResult(feed.name, skipped=f"the server asked to wait until {state['retry_after']}")
            if not force and state["next_poll"] and state["failures"] and from_iso(state["next_poll"]) > now:
                return UpdateResult(feed.name, skipped="backing off after failures")
        known = state is not None and state["url"] == feed.url  # else feeds.toml changed the URL
        url = (state["moved_to"] if known else None) or feed.url
        etag = state["etag"] if known else None
        last_modified = state["last_modified"] if known else None
        failures = state["failures"] if known else 0

        try:
            fetched = await self.fetcher.fetch(url, etag, last_modified, now)
            matched, parsed = [], None
            if fetched.body is not None:
                loop = asyncio.get_running_loop()
                parsed, matched = await loop.run_in_executor(
                    self.pool, parse_and_match, fetched.body, fetched.content_type, fetched.url,
                    self.config.story.rules, not feed.match)
        except FeedError as e:
            return await self._failed(feed, e, failures, now)

        done = self.clock()
        change = await asyncio.to_thread(
            self.store.store_fetch, feed, matched, status=fetched.status, etag=fetched.etag,
            last_modified=fetched.last_modified, next_poll=done + timedelta(seconds=feed.interval),
            moved_to=fetched.moved_to, problem=parsed.problem if parsed else None,
            duration=fetched.duration, size=fetched.size, title=parsed.title if parsed else "", now=done)
        return UpdateResult(feed.name, status=fetched.status, new=change.new, updated=change.updated,
                            entries=change.entries, problem=parsed.problem if parsed else None,
                            duration=fetched.duration, size=fetched.size)

    async def _failed(self, feed: FeedConfig, e: FeedError, failures: int, now: datetime) -> UpdateResult:
        wait = backoff(feed.interval, failures + 1)
        retry_after = None
        if e.retry_after:
            retry_after = now + timedelta(seconds=e.retry_after)
            wait = max(wait, e.retry_after)
        await asyncio.to_thread(self.store.record_failure, feed.name, str(e), e.status,
                                now + timedelta(seconds=wait), retry_after, e.status == 410, now=now)
        return UpdateResult(feed.name, status=e.status, error=str(e))

    async def update_all(self, feeds: Iterable[FeedConfig] | None = None, force: bool = True,
                         on_result: Callable[[UpdateResult], Awaitable[None] | None] | None = None
                         ) -> list[UpdateResult]:
        """Every feed once, a bounded number at a time; one feed's failure never stops the rest."""
        feeds = list(self.config.feeds if feeds is None else feeds)
        limit = asyncio.Semaphore(self.config.poll.concurrency)

        async def one(feed: FeedConfig) -> UpdateResult:
            async with limit:
                try:
                    result = await self.update_feed(feed, force=force)
                except Exception as e:  # a bug in one feed's path is reported, not fatal to the poll
                    result = UpdateResult(feed.name, error=f"internal error: {type(e).__name__}: {e}")
            if on_result:
                maybe = on_result(result)
                if asyncio.iscoroutine(maybe):
                    await maybe
            return result

        return list(await asyncio.gather(*(one(f) for f in feeds)))
