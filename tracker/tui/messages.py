"""App-wide messages: small dataclasses. The poller's callbacks and the database watcher only
post these; widgets never reach into the scheduler or the store's writers themselves."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from ..update import UpdateResult


@dataclass
class PollStarted(Message):
    feed: str


@dataclass
class PollFinished(Message):
    result: UpdateResult


@dataclass
class StoreChanged(Message):
    """Something may have been written to the database (by a poll or by another process)."""

    def can_replace(self, message: Message) -> bool:
        # A burst of poll results needs one look at the database, not one each.
        return isinstance(message, StoreChanged)


@dataclass
class ItemHighlighted(Message):
    item_id: int | None


@dataclass
class ItemChosen(Message):
    """Enter or a click on the selected row: show the item's detail."""

    item_id: int
