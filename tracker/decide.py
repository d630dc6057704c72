"""Whether and how to update one feed, worked out from its stored state and the clock alone:
no database, no network, so each decision is tested on its own (in the spirit of
lemon24/reader's _update.Decider). update.py does what it says.

When a feed is due is the scheduler's business, and across processes Store.claim_poll's;
what is decided here: leave a feed alone (gone, asked to wait, backing off after failures),
which URL and validators to fetch with, and when to come back after a failure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from .model import FeedConfig
from .rows import FeedState
from .timeutil import from_iso

MAX_BACKOFF = 6 * 3600.0  # a failing feed is still tried a few times a day


@dataclass(frozen=True)
class Skip:
    """Leave the feed alone this time."""
    reason: str  # what the user is told
    status: int | None = None


@dataclass(frozen=True)
class Fetch:
    url: str  # where the feed moved permanently, else feeds.toml's
    etag: str | None
    last_modified: str | None
    failures: int  # consecutive failures so far (after_failure counts on from them)


@dataclass(frozen=True)
class Retry:
    """What a failed update leaves: when to try again, and what the server asked."""
    next_poll: datetime
    retry_after: datetime | None  # Retry-After: not before then, even when a user asks
    gone: bool  # 410: not again until its URL changes


def backoff(interval: float, failures: int) -> float:
    """Seconds to wait after the n-th consecutive failure: doubles, capped."""
    return min(interval * (2 ** max(0, failures - 1)), max(interval, MAX_BACKOFF))


def decide(feed: FeedConfig, state: FeedState | None, now: datetime, force: bool = False) -> Skip | Fetch:
    """state: the feed's row as stored (None: never polled). force: a user asked, so past any
    backoff; a feed that is gone, or whose server asked us to wait, is still left alone."""
    # A URL changed in feeds.toml starts afresh: what the old one did says nothing of it.
    known = state is not None and state.url == feed.url
    if known and state.gone:
        return Skip("gone (HTTP 410); remove it or change its URL", status=410)
    if known and state.retry_after and from_iso(state.retry_after) > now:
        return Skip(f"the server asked to wait until {state.retry_after}")
    if (state is not None and not force and state.next_poll and state.failures
            and from_iso(state.next_poll) > now):
        return Skip("backing off after failures")
    if not known:
        return Fetch(feed.url, None, None, 0)
    return Fetch(state.moved_to or feed.url, state.etag, state.last_modified, state.failures)


def after_failure(feed: FeedConfig, failures: int, now: datetime, retry_after: float | None = None,
                  status: int | None = None) -> Retry:
    """failures: consecutive failures before this one. retry_after: the server's Retry-After
    in seconds, honoured when it is longer than the backoff."""
    wait = backoff(feed.interval, failures + 1)
    until = None
    if retry_after:
        until = now + timedelta(seconds=retry_after)
        wait = max(wait, retry_after)
    return Retry(now + timedelta(seconds=wait), until, status == 410)
