"""The per-feed jobs on APScheduler's asyncio scheduler, in the caller's event loop (the
dashboard's or the daemon's). `tracker poll` runs the same update without a scheduler."""

from __future__ import annotations

import asyncio
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import Awaitable, Callable, Iterable

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from .errors import StoreError
from .milestones import milestones
from .model import FeedConfig, PollSettings
from .timeutil import from_iso, utcnow
from .update import Updater, UpdateResult

OnResult = Callable[[UpdateResult], Awaitable[None] | None]
NEAR_FLOOR = 60.0  # seconds: near a deadline or not, no feed is polled more often than this
RETUNE_JOB = "tracker:near-deadline"
TEXTS_JOB = "tracker:texts"  # reads on-story reports' pages (fulltext.TextReader)
TEXTS_EVERY = 60.0  # seconds between two batches of pages
DATES_JOB = "tracker:dates"  # reads dates named in on-story reports (datephrases.read_reports)
DATES_EVERY = 60.0
# APScheduler waits on the event loop's timer, which is monotonic: it stands still while a
# laptop sleeps, so after a resume the missed polls would wait up to a whole interval more.
# Its run times are wall-clock: a clock set back by hours would hold every poll back as long.
# So every this-many seconds (awake time) the wall clock is looked at again (check_clock).
CLOCK_CHECK = 30.0
CLOCK_SLACK = 5.0  # seconds of disagreement that are just NTP slewing, not a jump


def interval_at(feed: FeedConfig, poll: PollSettings, deadlines: Iterable[datetime], now: datetime) -> float:
    """A feed's polling interval at `now`: its own, or within `poll.near_deadline` seconds before
    or after a deadline the shorter `near_deadline_interval` (a minute at the least, and never
    slower than the feed's own)."""
    window = poll.near_deadline
    if window > 0 and any(abs((now - d).total_seconds()) <= window for d in deadlines):
        return min(feed.interval, max(NEAR_FLOOR, poll.near_deadline_interval))
    return feed.interval


def next_change(poll: PollSettings, deadlines: Iterable[datetime], now: datetime) -> datetime | None:
    """The next moment interval_at may answer differently: a window's opening or closing."""
    if poll.near_deadline <= 0:
        return None
    w = timedelta(seconds=poll.near_deadline)
    edges = [e for d in deadlines for e in (d - w, d + w + timedelta(seconds=1)) if e > now]
    return min(edges, default=None)


def _jitter(interval: float) -> float:
    return min(60.0, interval / 10)


class Poller:
    def __init__(self, updater: Updater, on_result: OnResult | None = None,
                 on_start: Callable[[str], None] | None = None,
                 deadlines: Callable[[], Iterable[datetime]] | None = None,
                 clock: Callable[[], datetime] = utcnow,
                 on_store_error: Callable[[str], None] | None = None):
        """deadlines: the times to poll faster around (default: feeds.toml's and the stored ones,
        read again at every change, so a milestone added in the dashboard counts).
        on_store_error(message): a scheduled poll found the database unusable (deleted,
        replaced, full ...): no other feed can be stored either, so it is the caller's to stop."""
        self.updater, self.on_result, self.on_start = updater, on_result, on_start
        self.on_store_error = on_store_error
        self.scheduler: AsyncIOScheduler | None = None
        self.polling: set[str] = set()
        self.deadlines = deadlines or self._deadlines
        self.clock = clock
        self.intervals: dict[str, float] = {}  # each feed's current interval, seconds
        self.texts = None  # the TextReader, when [fulltext] is enabled
        # The background jobs' store work (dates read in reports, pages' texts) runs on a thread
        # of its own, which shutdown() waits for: a batch still writing when the caller closes
        # the store would use a closed connection (a crash, not an error).
        self._background = ThreadPoolExecutor(max_workers=1, thread_name_prefix="tracker-background")

    async def read_dates(self) -> int:
        """A bounded batch of on-story reports read for the dates they name (suggested
        milestones on the deadlines screen). Never fails a poll: a problem is logged."""
        from .datephrases import read_reports
        from .milestones import default_zone
        try:
            return await asyncio.get_running_loop().run_in_executor(
                self._background, read_reports, self.updater.store, default_zone(self.updater.config.deadlines))
        except Exception:
            logging.getLogger(__name__).exception("reading dates in reports failed")
            return 0

    def _deadlines(self) -> list[datetime]:
        return [d.at for d in milestones(self.updater.config, self.updater.store).all]

    @property
    def feeds(self) -> tuple[FeedConfig, ...]:
        return self.updater.config.feeds

    def start(self, now: datetime | None = None) -> None:
        """Needs the running loop. A feed the database says was polled recently (by us
        before a restart, or by another process) waits for its turn instead of polling at once."""
        now = now or self.clock()
        self.scheduler = AsyncIOScheduler(event_loop=asyncio.get_running_loop(), timezone="UTC")
        poll = self.updater.config.poll
        deadlines = list(self.deadlines()) if poll.near_deadline > 0 else []
        states = {f.name: f for f in self.updater.store.feed_states()}
        for i, feed in enumerate(self.feeds):
            first = stagger = now + timedelta(seconds=min(30.0, 0.5 * i))  # stagger the first polls
            state = states.get(feed.name)
            if state and state.next_poll and state.url == feed.url:
                first = max(first, from_iso(state.next_poll))
            interval = self.intervals[feed.name] = interval_at(feed, poll, deadlines, now)
            if interval < feed.interval and state and state.last_poll:
                # near a deadline the stored next poll (made with the feed's own interval) is too late
                first = max(stagger, min(first, from_iso(state.last_poll) + timedelta(seconds=interval)))
            self._add_job(feed, interval, first)
        self._plan_retune(poll, deadlines, now)
        if self.updater.config.fulltext.enabled:
            from .fulltext import TextReader
            self.texts = TextReader(self.updater.store, self.updater.config, clock=self.clock,
                                    store_thread=self._background)
            self.scheduler.add_job(self.texts.read_some, IntervalTrigger(seconds=TEXTS_EVERY), id=TEXTS_JOB,
                                   next_run_time=now + timedelta(seconds=TEXTS_EVERY), coalesce=True,
                                   max_instances=1, misfire_grace_time=None)
        self.scheduler.add_job(self.read_dates, IntervalTrigger(seconds=DATES_EVERY), id=DATES_JOB,
                               next_run_time=now + timedelta(seconds=DATES_EVERY), coalesce=True,
                               max_instances=1, misfire_grace_time=None)
        self.scheduler.start()
        self._clock_seen = (now, time.monotonic())
        self._watch_clock()

    def _add_job(self, feed: FeedConfig, interval: float, first: datetime) -> None:
        self.scheduler.add_job(
            self._run, IntervalTrigger(seconds=interval, jitter=_jitter(interval)),
            args=[feed], id=feed.name, name=feed.name, next_run_time=first,
            # a suspended laptop wakes to one poll per feed, not a burst of missed ones
            coalesce=True, max_instances=1, misfire_grace_time=int(max(60, feed.interval)),
        )

    def sync_jobs(self, now: datetime | None = None) -> None:
        """After the config's feeds changed (the dashboard's feeds screen adds and removes
        them): a job for each new feed, and none for a removed one. A new feed's first run is
        one interval away: whoever added it polls it at once with poll_now, and says so."""
        if self.scheduler is None:
            return
        now = now or self.clock()
        names = {f.name for f in self.feeds}
        for job in self.scheduler.get_jobs():
            if job.id not in (RETUNE_JOB, TEXTS_JOB, DATES_JOB) and job.id not in names:
                job.remove()
                self.intervals.pop(job.id, None)
        poll = self.updater.config.poll
        deadlines = list(self.deadlines()) if poll.near_deadline > 0 else []
        for feed in self.feeds:
            if self.scheduler.get_job(feed.name) is None:
                interval = self.intervals[feed.name] = interval_at(feed, poll, deadlines, now)
                self._add_job(feed, interval, now + timedelta(seconds=interval))

    def _watch_clock(self) -> None:
        # A timer, not a task: it is no poll, and whoever waits for running tasks at shutdown
        # (the daemon) must not wait for it. Monotonic: it fires on time whatever the wall clock did.
        if self.scheduler is None or not self.scheduler.running:
            return
        if getattr(self, "_clock_timer", None) is not None:
            self.check_clock()
        self._clock_timer = asyncio.get_running_loop().call_later(CLOCK_CHECK, self._watch_clock)

    def check_clock(self, now: datetime | None = None) -> float:
        """Bring the schedule back in line with the wall clock: run what came due while the
        machine slept (one coalesced poll per feed), and move every planned run back by as
        much as the clock was set back, so no poll waits longer than it was meant to.
        -> how far the wall clock moved beyond the time that passed (negative: set back)."""
        if not self.scheduler or not self.scheduler.running:
            return 0.0
        now, mono = now or self.clock(), time.monotonic()
        (then, then_mono), self._clock_seen = self._clock_seen, (now, mono)
        jump = (now - then).total_seconds() - (mono - then_mono)
        if jump < -CLOCK_SLACK:
            back = timedelta(seconds=-jump)
            for job in self.scheduler.get_jobs():
                if job.next_run_time:
                    job.modify(next_run_time=max(now, job.next_run_time - back))
        self.scheduler.wakeup()
        return jump

    def retune(self, now: datetime | None = None) -> dict[str, float]:
        """Give each feed the interval it should have now (faster near a deadline, its own
        otherwise) and plan the next look; call it too when the user changes deadlines.
        -> the feeds whose interval changed, with the new one."""
        if not self.scheduler:
            return {}
        now = now or self.clock()
        poll = self.updater.config.poll
        deadlines = list(self.deadlines()) if poll.near_deadline > 0 else []
        changed = {}
        for feed in self.feeds:
            interval = interval_at(feed, poll, deadlines, now)
            job = self.scheduler.get_job(feed.name)
            if job is None or self.intervals.get(feed.name) == interval:
                continue
            self.intervals[feed.name] = changed[feed.name] = interval
            # Sooner when speeding up; after a full interval from now when slowing down.
            nxt = now + timedelta(seconds=interval)
            if job.next_run_time and interval < feed.interval:
                nxt = min(nxt, job.next_run_time)
            job.modify(trigger=IntervalTrigger(seconds=interval, jitter=_jitter(interval), start_date=nxt),
                       next_run_time=nxt)
        self._plan_retune(poll, deadlines, now)
        return changed

    async def _retune_job(self) -> None:
        self.retune()  # in the loop, not the scheduler's thread pool: it changes jobs

    def _plan_retune(self, poll: PollSettings, deadlines: list[datetime], now: datetime) -> None:
        when = next_change(poll, deadlines, now)
        if when is not None:
            self.scheduler.add_job(self._retune_job, DateTrigger(run_date=when), id=RETUNE_JOB,
                                   replace_existing=True, misfire_grace_time=None)
        elif self.scheduler.get_job(RETUNE_JOB):
            self.scheduler.remove_job(RETUNE_JOB)

    def shutdown(self) -> None:
        timer = getattr(self, "_clock_timer", None)
        if timer is not None:
            timer.cancel()
        if self.scheduler and self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        self._background.shutdown(wait=True, cancel_futures=True)  # a dates batch reads for 2 s at most

    def next_poll(self, name: str) -> datetime | None:
        job = self.scheduler.get_job(name) if self.scheduler else None
        return job.next_run_time if job else None

    def next_any(self) -> datetime | None:
        times = ([j.next_run_time for j in self.scheduler.get_jobs() if j.id not in (RETUNE_JOB, TEXTS_JOB)]
                 if self.scheduler else [])
        return min((t for t in times if t), default=None)

    async def _run(self, feed: FeedConfig, force: bool = False) -> UpdateResult:
        self.polling.add(feed.name)
        if self.on_start:
            self.on_start(feed.name)
        try:
            # a scheduled run claims its turn in the database: another process may poll it too
            result = await self.updater.update_feed(feed, force=force, claim=not force)
        except StoreError as e:
            if self.on_store_error is None:
                raise
            self.on_store_error(str(e))
            return UpdateResult(feed.name, error=str(e))
        finally:
            self.polling.discard(feed.name)
        if self.on_result:
            maybe = self.on_result(result)
            if asyncio.iscoroutine(maybe):
                await maybe
        return result

    async def poll_now(self, name: str | None = None) -> list[UpdateResult]:
        """A user asked: poll one feed (or all) now, past any backoff. The same path as
        `tracker poll` (bounded, and a bug in one feed's update is that feed's error)."""
        feeds = [f for f in self.feeds if name is None or f.name == name]
        running: set[str] = set()

        def started(feed: str) -> None:
            running.add(feed)
            self.polling.add(feed)
            if self.on_start:
                self.on_start(feed)

        async def finished(result: UpdateResult) -> None:
            running.discard(result.feed)
            self.polling.discard(result.feed)
            if self.on_result:
                maybe = self.on_result(result)
                if asyncio.iscoroutine(maybe):
                    await maybe

        try:
            return await self.updater.update_all(feeds, force=True, on_result=finished, on_start=started)
        finally:  # a failed database ends the poll early: no feed stays shown as polling
            self.polling.difference_update(running)
