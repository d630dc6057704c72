"""App-wide messages: small dataclasses. The poller's callbacks and the database watcher only
post these; widgets never reach into the scheduler or the store's writers themselves."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from ..model import Config
    from ..update import UpdateResult
    from .screens.deadlines import DeadlinesScreen
    from .screens.feeds import FeedsScreen


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


# The screens' messages live here, not in the screens, so the app handles them without
# importing a screen before it is opened (Textual builds each screen class at import).
@dataclass
class TimelineChosen(Message):
    """Enter on a report of the timeline's list: the app shows it on the main screen."""

    item_id: int


@dataclass
class DeadlinesChanged(Message):
    """A milestone was added, changed or removed here: the app reads the deadlines again
    (the header follows) and then has this screen list them, `select` under the cursor."""

    screen: DeadlinesScreen
    select: str | None = None

    @property
    def control(self) -> DeadlinesScreen:
        return self.screen


@dataclass
class FeedsChanged(Message):
    """feeds.toml lists other feeds now (added or removed here): the app takes `config`'s
    feeds into the database and the schedule, then has this screen list them again, says
    `told` and polls `poll` (a feed just added)."""

    screen: FeedsScreen
    config: Config
    told: str
    poll: str | None = None

    @property
    def control(self) -> FeedsScreen:
        return self.screen
