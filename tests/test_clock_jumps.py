"""The wall clock jumps: a laptop sleeps for hours, someone sets the clock back, DST starts.

APScheduler waits on the event loop's monotonic timer (which stands still during suspend) for
run times kept in wall-clock time, so the scheduler here runs against a wall clock the test
controls (APScheduler's own `datetime.now` calls included) while asyncio's timers stay real.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone

import pytest

from tracker import schedule
from tracker.config import load
from tracker.feedgen import FeedItem, rss
from tracker.schedule import Poller
from tracker.store import Store
from tracker.update import Updater

from .conftest import write_config

_real_now = datetime.now
FEEDS = 2
INTERVAL = 600.0  # write_config: "10m"


class WallClock:
    """Real time plus an offset the test moves: the clock keeps running between jumps."""

    def __init__(self):
        self.offset = timedelta(0)

    @property
    def now(self) -> datetime:
        return _real_now(timezone.utc) + self.offset

    @now.setter
    def now(self, value: datetime) -> None:
        self.offset += value - self.now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def wall(monkeypatch):
    clock = WallClock()

    class FakeDatetime(datetime):
        @classmethod
        def now(cls, tz=None):
            now = clock.now
            return now.astimezone(tz) if tz else now.replace(tzinfo=None)

    import apscheduler.executors.base as executors_base
    import apscheduler.schedulers.base as schedulers_base
    monkeypatch.setattr(schedulers_base, "datetime", FakeDatetime)
    monkeypatch.setattr(executors_base, "datetime", FakeDatetime)
    monkeypatch.setattr(schedule, "CLOCK_CHECK", 0.1)  # the watchdog, at test speed
    return clock


@pytest.fixture
async def poller(tmp_path, server, wall):
    for f in range(FEEDS):
        server.set_feed(f"/f{f}.xml", rss([FeedItem(f"Anthropic Pentagon {f}", link=f"http://news.test/{f}",
                                                    guid=f"g{f}")]), etag=False, send_last_modified=False)
    config = load(write_config(tmp_path, [(f"Feed {f}", server.url(f"/f{f}.xml")) for f in range(FEEDS)]))
    store = Store.open(config.database_path)
    store.sync_feeds(config.feeds)
    updater = Updater(config, store, clock=wall)
    p = Poller(updater, clock=wall)
    p.start()
    yield p
    p.shutdown()
    await updater.aclose()
    store.close()


async def until(condition, timeout: float = 5.0) -> None:
    end = asyncio.get_running_loop().time() + timeout
    while not condition():
        assert asyncio.get_running_loop().time() < end, "timed out"
        await asyncio.sleep(0.02)


def hits(server) -> list[int]:
    return [server.hits(f"/f{f}.xml") for f in range(FEEDS)]


def next_runs(p: Poller) -> list[datetime]:
    return [p.next_poll(f"Feed {f}") for f in range(FEEDS)]


async def test_resume_after_suspend_polls_once_per_feed_at_once(poller, server, wall):
    await until(lambda: hits(server) == [1] * FEEDS)  # the staggered first polls
    # Two hours asleep: the wall clock moves, the loop's monotonic timer (waiting ~10 min) does not.
    wall.now += timedelta(hours=2)
    await until(lambda: hits(server) == [2] * FEEDS)  # the watchdog noticed: one poll each, not 12
    await asyncio.sleep(0.3)
    assert hits(server) == [2] * FEEDS
    for when in next_runs(poller):
        assert wall.now < when <= wall.now + timedelta(seconds=INTERVAL + 60)


async def test_clock_set_back_does_not_hold_polls_back(poller, server, wall):
    await until(lambda: hits(server) == [1] * FEEDS)
    planned = next_runs(poller)
    wall.now -= timedelta(hours=3)
    # Without the correction the next polls would be 3 h 10 min away on the new clock.
    await until(lambda: all(w - wall.now <= timedelta(seconds=INTERVAL + 60) for w in next_runs(poller)))
    for before, after in zip(planned, next_runs(poller)):
        assert abs((before - after) - timedelta(hours=3)).total_seconds() < 1  # moved back by the jump, no more
    wall.now = max(next_runs(poller)) + timedelta(seconds=1)
    await until(lambda: hits(server) == [2] * FEEDS)


async def test_small_adjustments_are_not_jumps(poller, server, wall):
    await until(lambda: hits(server) == [1] * FEEDS)
    planned = next_runs(poller)
    wall.now -= timedelta(seconds=2)  # NTP stepping a little
    await asyncio.sleep(0.3)
    assert next_runs(poller) == planned


async def test_the_schedule_runs_in_utc_across_a_dst_change(poller):
    """America/New_York springs forward at 2026-03-08 07:00 UTC: an hourly feed stays hourly."""
    assert str(poller.scheduler.timezone) == "UTC"
    job = poller.scheduler.get_job("Feed 0")
    assert job.coalesce and job.max_instances == 1 and job.misfire_grace_time >= INTERVAL
    previous = datetime(2026, 3, 8, 6, 30, tzinfo=timezone.utc)
    times = [previous]
    for _ in range(4):
        times.append(job.trigger.get_next_fire_time(times[-1], times[-1]))
    gaps = {round((b - a).total_seconds()) for a, b in zip(times, times[1:])}
    assert all(abs(g - INTERVAL) <= INTERVAL / 10 for g in gaps), gaps
