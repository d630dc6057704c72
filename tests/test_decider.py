"""The update path's decisions (tracker.decide) from a feed's stored state and the clock alone:
which feeds are left alone and why, what a fetch sends, and when a failed feed comes back.
No database, no network: the state is a feed's row as the store keeps it."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from tracker.decide import MAX_BACKOFF, Fetch, Retry, Skip, after_failure, backoff, decide
from tracker.model import FeedConfig
from tracker.rows import FeedState
from tracker.timeutil import to_iso

NOW = datetime(2026, 2, 25, 12, 0, tzinfo=timezone.utc)
FEED = FeedConfig(name="Wire", url="https://wire.test/feed.xml", interval=600.0)


def state(**changes) -> FeedState:
    """A feed's stored row after one good poll, with `changes`."""
    row = {"name": "Wire", "url": FEED.url, "moved_to": None, "etag": '"v1"', "last_modified": None,
           "failures": 0, "next_poll": to_iso(NOW + timedelta(minutes=5)), "retry_after": None, "gone": 0}
    return FeedState(**row | changes)


def test_a_feed_never_polled_is_fetched_from_its_url_without_validators():
    assert decide(FEED, None, NOW) == Fetch(FEED.url, None, None, 0)


def test_a_known_feed_is_fetched_with_its_validators_from_where_it_moved():
    row = state(moved_to="https://new.test/feed.xml", last_modified="Wed, 25 Feb 2026 11:00:00 GMT")
    assert decide(FEED, row, NOW) == Fetch("https://new.test/feed.xml", '"v1"', "Wed, 25 Feb 2026 11:00:00 GMT", 0)


def test_not_due_is_not_the_deciders_business():
    """Its next poll an hour away, no failures: when to poll is the scheduler's (and across
    processes Store.claim_poll's); asked, the update fetches."""
    assert isinstance(decide(FEED, state(next_poll=to_iso(NOW + timedelta(hours=1))), NOW), Fetch)


@pytest.mark.parametrize("force", [False, True])
def test_a_gone_feed_is_left_alone_even_when_forced(force):
    assert decide(FEED, state(gone=1), NOW, force) == Skip("gone (HTTP 410); remove it or change its URL", 410)


@pytest.mark.parametrize("force", [False, True])
def test_retry_after_is_honoured_even_when_forced(force):
    until = to_iso(NOW + timedelta(minutes=30))
    assert decide(FEED, state(retry_after=until), NOW, force) == Skip(f"the server asked to wait until {until}")


def test_a_retry_after_that_has_passed_lets_the_feed_be_fetched():
    plan = decide(FEED, state(retry_after=to_iso(NOW - timedelta(seconds=1)), failures=1,
                              next_poll=to_iso(NOW - timedelta(seconds=1))), NOW)
    assert plan == Fetch(FEED.url, '"v1"', None, 1)


def test_a_failing_feed_backs_off_until_its_next_poll():
    row = state(failures=3, next_poll=to_iso(NOW + timedelta(minutes=20)))
    assert decide(FEED, row, NOW) == Skip("backing off after failures")
    assert decide(FEED, row, NOW + timedelta(minutes=20)) == Fetch(FEED.url, '"v1"', None, 3)


def test_a_user_forcing_a_poll_goes_past_the_backoff():
    row = state(failures=3, next_poll=to_iso(NOW + timedelta(minutes=20)))
    assert decide(FEED, row, NOW, force=True) == Fetch(FEED.url, '"v1"', None, 3)


def test_a_url_changed_in_feeds_toml_starts_afresh():
    """The old URL's 410, Retry-After, move and validators say nothing of the new one."""
    row = state(url="https://typo.test/feed.xml", gone=1, retry_after=to_iso(NOW + timedelta(hours=1)),
                moved_to="https://elsewhere.test/", failures=0)
    assert decide(FEED, row, NOW) == Fetch(FEED.url, None, None, 0)


def test_backoff_doubles_from_the_interval_and_is_capped():
    assert [backoff(600, n) for n in range(1, 6)] == [600, 1200, 2400, 4800, 9600]
    assert backoff(600, 50) == MAX_BACKOFF
    assert backoff(12 * 3600, 3) == 12 * 3600  # a feed polled twice a day is not polled more often failing


def test_a_failure_puts_the_next_poll_one_backoff_later():
    assert after_failure(FEED, 0, NOW) == Retry(NOW + timedelta(seconds=600), None, False)
    assert after_failure(FEED, 2, NOW).next_poll == NOW + timedelta(seconds=2400)


def test_a_longer_retry_after_than_the_backoff_is_honoured():
    retry = after_failure(FEED, 0, NOW, retry_after=7200, status=429)
    assert retry == Retry(NOW + timedelta(hours=2), NOW + timedelta(hours=2), False)


def test_a_shorter_retry_after_is_kept_but_the_backoff_decides_the_next_poll():
    retry = after_failure(FEED, 2, NOW, retry_after=60, status=503)
    assert retry == Retry(NOW + timedelta(seconds=2400), NOW + timedelta(seconds=60), False)


def test_a_410_marks_the_feed_gone():
    assert after_failure(FEED, 0, NOW, status=410).gone
