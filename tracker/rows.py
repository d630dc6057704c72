"""The rows the store hands out: frozen, so what one reader holds no other can change, and
typed, so a row's fields are the same wherever it is read (no keys added on the way).

- `Item`: one stored report of the story (items table), with the feeds that carried it;
  Store.item() adds its earlier `versions` and the other sources' `copies`.
- `Report`: a copy group, one report carried by several outlets (the clusters table), as
  the dashboard's list shows it: its earliest copy's Item plus `size`, `outlets`, `latest`.
- `Development`: every report of one event (the developments table), with its headline's.
- `FeedState`: a feed's row (feeds table), with its `health` worked out once.
- `Arrival`: a newly stored Item as the notifier takes it (Store.with_developments): with
  the development it is told under and that development's outlet count.

Not to be confused with tracker/developments.py's `Report` and `Development`: those are the
grouping algorithm's own input (a report's text as it is grouped) and working state (a
development's term counts, which grow as reports join). These here are what the database
says, read-only. Modules name them by module (`rows.Report`, `developments.Report`).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Version:
    """An earlier title and summary of an item, as its feed sent them (item_versions)."""
    title: str
    summary: str
    replaced: str  # when the feed changed them


@dataclass(frozen=True, slots=True)
class Copy:
    """Another source's headline for an item, where it differs from the one shown."""
    feed: str
    title: str


# Fields in the items table's order (store/_items.py ITEM_COLUMNS builds rows positionally);
# the defaults are the schema's, so a row made by hand (a test, the demo) says what it means.
@dataclass(frozen=True, slots=True)
class Item:
    id: int
    link: str | None = None
    canonical: str | None = None
    title: str = ""
    summary: str = ""
    author: str = ""
    outlet: str = ""
    published: str = ""  # UTC ISO: the feed's date, else first seen
    dated: int = 1  # 0: the feed gave no usable date
    first_seen: str = ""
    updated: str | None = None  # the feed changed its text at this time
    rule_on_story: int = 1
    manual: int | None = None  # the user's verdict (1/0), wins over the rules
    on_story: int = 1
    matched: tuple[str, ...] = ()  # the rule terms found
    read: int = 0
    starred: int = 0
    backlog: int = 0  # came with its feed's first poll
    cluster: int | None = None  # its copy group's id (the earliest copy's item id)
    development: int | None = None
    development_why: str | None = None  # JSON: why it is in its development
    joined: str | None = None  # the development's headline it joined the story by
    feeds: tuple[str, ...] = ()  # names of the feeds that carried it, first first
    versions: tuple[Version, ...] = ()  # Store.item() only
    copies: tuple[Copy, ...] = ()  # Store.item() only


@dataclass(frozen=True, slots=True)
class Report(Item):
    """A copy group's row: its earliest copy, and how far it was carried."""
    size: int = 1  # copies
    outlets: int = 1  # distinct outlets: the list's "×N"
    latest: str = ""  # when the newest copy was first seen


@dataclass(frozen=True, slots=True)
class Arrival(Item):
    """A new Item with `development`: the development it is told under (its copy group's
    id when it is in none), and `outlets`: distinct outlets in that group now."""
    outlets: int = 1


@dataclass(frozen=True, slots=True)
class Development:
    id: int  # the founding report's item id
    headline: str | None  # the headline report's title
    headline_item: int  # the headline report's item id
    first: str
    last: str
    reports: int
    outlets: int
    latest_item: int
    link: str | None  # the headline report's
    outlet: str | None  # the headline report's
    unread: int  # reports not read
    starred: int | None  # 1 when one of its reports is


@dataclass(frozen=True, slots=True)
class FeedState:
    """A feed's row; the defaults are a feed never polled (a name in feeds.toml only)."""
    name: str
    url: str
    id: int | None = None
    moved_to: str | None = None  # where a permanent redirect sent us
    active: int = 1  # 0: no longer in feeds.toml (items kept)
    title: str = ""
    etag: str | None = None
    last_modified: str | None = None
    last_poll: str | None = None  # UTC ISO of the last attempt
    last_ok: str | None = None
    last_status: int | None = None
    last_error: str | None = None
    failures: int = 0  # consecutive, drives the backoff
    retry_after: str | None = None  # the server asked us to wait until then
    next_poll: str | None = None
    gone: int = 0  # answered 410
    polls: int = 0
    churn: int = 0  # polls in a row whose entry ids were all new
    items: int = 0  # items it carried (Store.feeds() only)
    on_story_items: int = 0  # of them on the story (Store.feeds() only)
    health: str = field(init=False)  # "ok", "failing", "gone", "not polled yet"

    def __post_init__(self) -> None:
        object.__setattr__(self, "health", "gone" if self.gone else "failing" if self.failures else
                           "ok" if self.last_ok else "not polled yet")

    @property
    def failing(self) -> bool:
        return self.health in ("failing", "gone")
