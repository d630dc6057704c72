"""The values that flow through the pipeline: frozen, so no stage can change another's."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from .match import Rules


@dataclass(frozen=True)
class FeedConfig:
    name: str
    url: str
    interval: float  # seconds
    match: bool = True  # False: the feed is already about the story, keep everything
    # New entries stored per poll, the rest wait (a flood must not fill the disk). feeds.toml
    # always sets it (PollSettings.max_new_items by default); None: no cap.
    max_new_items: int | None = None
    fulltext: bool = True  # False: never fetch its reports' pages (fulltext.py)


@dataclass(frozen=True)
class Deadline:
    label: str
    at: datetime  # aware, UTC
    timezone: str  # IANA name the user wrote it in, for display
    note: str = ""
    id: int | None = None  # set for milestones stored in the database (user-added)


@dataclass(frozen=True)
class Story:
    title: str
    rules: Rules
    article: Path | None = None
    headline: str = ""
    source: str = ""
    outlet: str = ""
    published: datetime | None = None


@dataclass(frozen=True)
class PollSettings:
    interval: float = 15 * 60
    timeout: float = 30.0  # total deadline of one fetch, seconds
    max_bytes: int = 10 * 1024 * 1024  # cap of one (decoded) response body
    concurrency: int = 8
    near_deadline: float = 0.0  # seconds before and after a deadline to poll faster; 0: off
    near_deadline_interval: float = 120.0  # the interval then (never below 60 s)
    max_new_items: int = 200  # every feed's cap of new entries per poll, unless the feed sets its own
    keep_off_story: float = 30 * 86400.0  # seconds an item off the story is kept (starred, marked: always)


@dataclass(frozen=True)
class FulltextSettings:
    """[fulltext]: fetching on-story reports' pages for their text (fulltext.py)."""
    enabled: bool = True
    delay: float = 5.0  # seconds between two pages of one host: one page at a time per host


@dataclass(frozen=True)
class Config:
    path: Path
    story: Story
    feeds: tuple[FeedConfig, ...]
    deadlines: tuple[Deadline, ...] = ()
    database: Path | None = None
    poll: PollSettings = field(default_factory=PollSettings)
    notify: dict = field(default_factory=dict)
    fulltext: FulltextSettings = field(default_factory=FulltextSettings)
    # What is wrong but need not stop a command (a missing article file): the CLI prints them
    # once, the dashboard shows them where they matter.
    warnings: tuple[str, ...] = ()

    @property
    def database_path(self) -> Path:
        return self.database or (self.path.parent / "data" / "tracker.db")


@dataclass(frozen=True)
class Entry:
    """One normalised feed entry: plain text, UTC, ready to match and store."""

    entry_id: str  # the feed's guid, else link, else a hash of title+date
    title: str
    link: str | None
    published: str | None  # ISO-8601 UTC from the feed, None when it gave no usable date
    author: str = ""
    summary: str = ""
    outlet: str = ""  # the publisher when the feed names one (aggregators)


@dataclass(frozen=True)
class ParsedFeed:
    entries: tuple[Entry, ...]
    title: str = ""
    problem: str | None = None  # survivable parse trouble (bozo), recorded but not fatal


@dataclass(frozen=True)
class FetchResult:
    status: int
    url: str  # final URL after redirects
    body: bytes | None  # None for 304
    etag: str | None = None
    last_modified: str | None = None
    content_type: str = ""
    moved_to: str | None = None  # set when a permanent redirect says the feed has moved
    duration: float = 0.0
    size: int = 0

    @property
    def not_modified(self) -> bool:
        return self.status == 304


# Digest formats and their file extensions. Here, not in digest.py, because every command's
# parser lists them, and importing digest.py for that cost each command ~13 ms.
DIGEST_FORMATS = {"md": ".md", "html": ".html", "json": ".json", "txt": ".txt"}
