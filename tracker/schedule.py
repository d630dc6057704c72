"""The per-feed jobs on APScheduler's asyncio scheduler, in the caller's event loop (the
dashboard's or the daemon's). `tracker poll` runs the same update without a scheduler."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import Awaitable, Callable

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from .model import FeedConfig
from .timeutil import from_iso, utcnow
from .update import Updater, UpdateResult

OnResult = Callable[[UpdateResult], Awaitable[None] | None]


class Poller:
    def __init__(self, updater: Updater, on_result: OnResult | None = None,
                 on_start: Callable[[str], None] | None = None):
        self.updater, self.on_result, self.on_start = updater, on_result, on_start
        self.scheduler: AsyncIOScheduler | None = None
        self.polling: set[str] = set()

    @property
    def feeds(self) -> tuple[FeedConfig, ...]:
        return self.updater.config.feeds

    def start(self, now: datetime | None = None) -> None:
        """Needs the running loop. A feed the database says was polled recently (by us
        before a restart, or by another process) waits for its turn instead of polling at once."""
        now = now or utcnow()
        self.scheduler = AsyncIOScheduler(event_loop=asyncio.get_running_loop(), timezone="UTC")
        states = {f["name"]: f for f in self.updater.store.feeds()}
        for i, feed in enumerate(self.feeds):
            first = now + timedelta(seconds=min(30.0, 0.5 * i))  # stagger the first polls
            state = states.get(feed.name)
            if state and state["next_poll"] and state["url"] == feed.url:
                first = max(first, from_iso(state["next_poll"]))
            self.scheduler.add_job(
                self._run, IntervalTrigger(seconds=feed.interval, jitter=min(60.0, feed.interval / 10)),
                args=[feed], id=feed.name, name=feed.name, next_run_time=first,
                # a suspended laptop wakes to one poll per feed, not a burst of missed ones
                coalesce=True, max_instances=1, misfire_grace_time=int(max(60, feed.interval)),
            )
        self.scheduler.start()

    def shutdown(self) -> None:
        if self.scheduler and self.scheduler.running:
            self.scheduler.shutdown(wait=False)

    def next_poll(self, name: str) -> datetime | None:
        job = self.scheduler.get_job(name) if self.scheduler else None
        return job.next_run_time if job else None

    def next_any(self) -> datetime | None:
        times = [j.next_run_time for j in self.scheduler.get_jobs()] if self.scheduler else []
        return min((t for t in times if t), default=None)

    async def _run(self, feed: FeedConfig, force: bool = False) -> UpdateResult:
        self.polling.add(feed.name)
        if self.on_start:
            self.on_start(feed.name)
        try:
            result = await self.updater.update_feed(feed, force=force)
        finally:
            self.polling.discard(feed.name)
        if self.on_result:
            maybe = self.on_result(result)
            if asyncio.iscoroutine(maybe):
                await maybe
        return result

    async def poll_now(self, name: str | None = None) -> list[UpdateResult]:
        """A user asked: poll one feed (or all) now, past any backoff."""
        feeds = [f for f in self.feeds if name is None or f.name == name]
        limit = asyncio.Semaphore(self.updater.config.poll.concurrency)

        async def one(feed):
            async with limit:
                return await self._run(feed, force=True)
        return list(await asyncio.gather(*(one(f) for f in feeds)))
