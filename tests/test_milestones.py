"""Milestones: user deadlines stored beside feeds.toml's, the next one, and faster polling
around a deadline (with the clock under the test's control)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from tracker.config import load
from tracker.errors import ConfigError
from tracker.milestones import milestones, to_utc
from tracker.model import FeedConfig, PollSettings
from tracker.schedule import RETUNE_JOB, Poller, interval_at, next_change
from tracker.store import Store
from tracker.update import Updater

from .conftest import write_config

DEADLINE = datetime(2026, 2, 27, 22, 0, tzinfo=timezone.utc)  # 5 pm in New York
CONFIG_DEADLINE = """
[[deadlines]]
label = "Pentagon ultimatum expires"
at = "2026-02-27T17:00:00"
timezone = "America/New_York"
"""


def test_to_utc_reads_local_time_in_its_zone():
    assert to_utc("2026-02-27 17:00", "America/New_York") == DEADLINE
    assert to_utc("2026-07-01T09:30", "Europe/Paris") == datetime(2026, 7, 1, 7, 30, tzinfo=timezone.utc)  # summer time
    assert to_utc("2026-02-27T17:00:00-05:00", "Asia/Tokyo") == DEADLINE  # an explicit offset wins
    with pytest.raises(ValueError, match="unknown time zone"):
        to_utc("2026-02-27 17:00", "Mars/Olympus")
    with pytest.raises(ValueError, match="not a time"):
        to_utc("friday at five", "UTC")


@pytest.mark.parametrize("written, zone", [("2026-02-27 17:00", "America/New_York"),
                                           ("2026-02-27T17:00:00-05:00", "Asia/Tokyo"),
                                           ("2026-03-08 02:30", "America/New_York")])  # in the spring-forward gap
def test_the_dashboard_feeds_toml_and_init_read_a_local_time_alike(tmp_path, written, zone):
    """One reader of "local time + zone" (timeutil.parse_local) behind the dashboard's form
    (to_utc), feeds.toml's [[deadlines]] and `tracker init --deadline`."""
    from tracker.cli.manage import parse_deadline
    from zoneinfo import ZoneInfo

    at = to_utc(written, zone)
    config = load(write_config(tmp_path, extra=f'[[deadlines]]\nlabel = "x"\nat = "{written}"\ntimezone = "{zone}"\n'))
    assert config.deadlines[0].at == at
    local, named = parse_deadline(f"{written} {zone}")
    assert named == zone and local.replace(tzinfo=ZoneInfo(zone)).astimezone(timezone.utc) == at


def test_milestones_are_added_edited_and_removed_and_survive_a_restart(tmp_path):
    config = load(write_config(tmp_path, extra=CONFIG_DEADLINE))
    store = Store.open(tmp_path / "t.db")
    hearing = store.add_deadline("Court hearing", to_utc("2026-03-10 10:00", "America/New_York"),
                                 "America/New_York", "TRO hearing")
    phase_out = store.add_deadline("Agencies' phase-out ends", to_utc("2026-08-27 17:00", "UTC"), "UTC")
    assert store.update_deadline(hearing, at=to_utc("2026-03-12 10:00", "America/New_York"), note="moved")
    assert not store.update_deadline(999, label="nothing")
    assert store.remove_deadline(phase_out) and not store.remove_deadline(phase_out)
    store.close()

    store = Store.open(tmp_path / "t.db")
    m = milestones(config, store, now=DEADLINE - timedelta(days=1))
    assert [(d.label, d.id) for d in m.all] == [("Pentagon ultimatum expires", None), ("Court hearing", hearing)]
    assert m.next.label == "Pentagon ultimatum expires"
    stored = m.all[1]
    assert (stored.at, stored.timezone, stored.note) == (
        datetime(2026, 3, 12, 14, 0, tzinfo=timezone.utc), "America/New_York", "moved")
    assert milestones(config, store, now=DEADLINE + timedelta(minutes=1)).next.id == hearing
    assert milestones(config, store, now=datetime(2027, 1, 1, tzinfo=timezone.utc)).next is None


def test_poll_settings_for_deadlines(tmp_path):
    extra = '[poll]\nnear_deadline = "2h"\nnear_deadline_interval = "2m"\n'
    poll = load(write_config(tmp_path, extra=extra)).poll
    assert (poll.near_deadline, poll.near_deadline_interval) == (7200, 120)
    assert load(write_config(tmp_path)).poll.near_deadline == 0  # off unless asked for
    with pytest.raises(ConfigError, match="at least 60s"):
        load(write_config(tmp_path, extra='[poll]\nnear_deadline = "2h"\nnear_deadline_interval = "30s"\n'))


FEED = FeedConfig("Wire", "http://127.0.0.1:9/wire.xml", interval=600)
NEAR = PollSettings(near_deadline=7200, near_deadline_interval=120)


@pytest.mark.parametrize("offset, expected", [
    (timedelta(hours=-3), 600), (timedelta(hours=-2), 120), (timedelta(0), 120),
    (timedelta(hours=1, minutes=59), 120), (timedelta(hours=2, seconds=1), 600),
])
def test_interval_shortens_within_the_window_before_and_after(offset, expected):
    assert interval_at(FEED, NEAR, [DEADLINE], DEADLINE + offset) == expected


def test_interval_never_below_a_minute_nor_slower_than_the_feed():
    assert interval_at(FEED, PollSettings(near_deadline=3600, near_deadline_interval=10), [DEADLINE], DEADLINE) == 60
    fast = FeedConfig("Fast", "http://127.0.0.1:9/f", interval=90)
    assert interval_at(fast, NEAR, [DEADLINE], DEADLINE) == 90
    assert interval_at(FEED, PollSettings(), [DEADLINE], DEADLINE) == 600  # off


def test_next_change_is_the_next_window_edge():
    assert next_change(NEAR, [DEADLINE], DEADLINE - timedelta(hours=5)) == DEADLINE - timedelta(hours=2)
    assert next_change(NEAR, [DEADLINE], DEADLINE) == DEADLINE + timedelta(hours=2, seconds=1)
    assert next_change(NEAR, [DEADLINE], DEADLINE + timedelta(hours=3)) is None
    assert next_change(PollSettings(), [DEADLINE], DEADLINE) is None


class Clock:
    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.mark.slow  # seconds of real time: run by .ci/run, not by default
async def test_the_poller_speeds_up_near_a_deadline_and_back_after(tmp_path):
    extra = CONFIG_DEADLINE + '[poll]\nnear_deadline = "2h"\nnear_deadline_interval = "2m"\n'
    config = load(write_config(tmp_path, [("Wire", "http://127.0.0.1:9/wire.xml"), ("Other", "http://127.0.0.1:9/o")],
                               extra=extra))
    store = Store.open(config.database_path)
    store.sync_feeds(config.feeds)
    clock = Clock(DEADLINE - timedelta(hours=3))
    poller = Poller(Updater(config, store), clock=clock)
    poller.start()
    try:
        jobs = {j.id: j for j in poller.scheduler.get_jobs()}
        assert jobs["Wire"].trigger.interval == timedelta(minutes=10)
        assert jobs[RETUNE_JOB].trigger.run_date == DEADLINE - timedelta(hours=2)
        assert poller.next_any() < DEADLINE - timedelta(hours=2)  # the retune job is not a poll

        clock.now = DEADLINE - timedelta(hours=2)  # what the retune job sees when it fires
        assert poller.retune() == {"Wire": 120, "Other": 120}
        wire = poller.scheduler.get_job("Wire")
        assert wire.trigger.interval == timedelta(minutes=2)
        assert wire.next_run_time <= clock.now + timedelta(minutes=2)
        assert poller.scheduler.get_job(RETUNE_JOB).trigger.run_date == DEADLINE + timedelta(hours=2, seconds=1)
        assert poller.retune() == {}  # nothing changes twice

        clock.now = DEADLINE + timedelta(hours=2, seconds=1)
        assert poller.retune() == {"Wire": 600, "Other": 600}
        assert poller.scheduler.get_job("Wire").trigger.interval == timedelta(minutes=10)
        assert poller.scheduler.get_job(RETUNE_JOB) is None

        # a milestone added in the dashboard counts at once
        store.add_deadline("Hearing", clock.now + timedelta(hours=1), "UTC")
        assert poller.retune() == {"Wire": 120, "Other": 120}
    finally:
        poller.shutdown()


@pytest.mark.slow  # seconds of real time: run by .ci/run, not by default
async def test_a_restart_near_a_deadline_does_not_wait_for_the_slow_schedule(tmp_path):
    extra = CONFIG_DEADLINE + '[poll]\nnear_deadline = "2h"\nnear_deadline_interval = "2m"\n'
    config = load(write_config(tmp_path, [("Wire", "http://127.0.0.1:9/wire.xml")], extra=extra))
    store = Store.open(config.database_path)
    store.sync_feeds(config.feeds)
    now = DEADLINE - timedelta(minutes=30)
    last = now - timedelta(minutes=1)
    store.execute("UPDATE feeds SET last_poll = ?, next_poll = ?", (last.strftime("%Y-%m-%dT%H:%M:%SZ"),
                                                                    (last + timedelta(minutes=10)).strftime("%Y-%m-%dT%H:%M:%SZ")))
    poller = Poller(Updater(config, store), clock=Clock(now))
    poller.start()
    try:
        assert poller.next_poll("Wire") == last + timedelta(minutes=2)
    finally:
        poller.shutdown()


def test_the_poller_and_the_digest_see_the_same_milestones_and_skip_a_broken_row(tmp_path):
    """feeds.toml's deadlines and the stored ones are merged in one place (milestones()): the
    poller's faster polling and the digest's countdowns list the same ones, and a stored row
    edited by hand into nonsense is left out rather than stopping either."""
    from tracker import digest

    config = load(write_config(tmp_path, extra=CONFIG_DEADLINE))
    store = Store.open(tmp_path / "t.db")
    hearing = store.add_deadline("Court hearing", to_utc("2026-03-10 10:00", "America/New_York"), "America/New_York")
    broken = store.add_deadline("Broken", DEADLINE, "UTC")
    with store.write() as c:
        c.execute("UPDATE deadlines SET at = 'next friday' WHERE id = ?", (broken,))
    expected = [d.at for d in milestones(config, store).all]
    assert expected == [DEADLINE, datetime(2026, 3, 10, 14, 0, tzinfo=timezone.utc)]
    assert [d.id for d in milestones(config, store).all] == [None, hearing]
    assert Poller(Updater(config, store)).deadlines() == expected
    built = digest.build(store, config, now=DEADLINE - timedelta(days=1))
    assert [d.label for d in built.deadlines] == ["Pentagon ultimatum expires", "Court hearing"]
    store.close()


async def test_stopping_the_poller_waits_for_the_reports_it_is_reading_for_dates(tmp_path, monkeypatch):
    """The dashboard closes the store right after its poller stops: a batch of reports still
    being read for the dates they name would write through a closed connection, which crashes
    the process (a segfault in SQLite, seen at the end of a test run), not an error."""
    import asyncio
    import threading

    from tracker import datephrases

    config = load(write_config(tmp_path, [("Wire", "http://127.0.0.1:9/wire.xml")]))
    store = Store.open(config.database_path)
    started, release, returned, finished = (threading.Event() for _ in range(4))

    def slow_batch(store, zone, **kwargs):
        started.set()
        release.wait(10)
        finished.set()
        return 0
    monkeypatch.setattr(datephrases, "read_reports", slow_batch)
    updater = Updater(config, store)
    poller = Poller(updater)
    reading = asyncio.create_task(poller.read_dates())
    while not started.is_set():
        await asyncio.sleep(0.01)
    # the batch ends a second after shutdown() began, or as soon as it returns
    threading.Thread(target=lambda: (returned.wait(1.0), release.set()), daemon=True).start()
    poller.shutdown()
    batch_done_when_stopped = finished.is_set()
    returned.set()
    await reading
    await updater.aclose()
    store.close()
    assert batch_done_when_stopped
