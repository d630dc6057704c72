"""`?`: every key, from the same table as the bindings."""

from __future__ import annotations

from rich.console import Group
from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from ..keys import KEYS


KEY_WIDTH = 10  # the widest key as the help writes it ("Tab ⇧Tab", "j k ↓ ↑")


def help_text() -> Text:
    """The whole help as one Text (what the help says, for tests and plain output)."""
    out = Text(end="")
    out.append("Keys\n\n", Style(bold=True))
    for k in KEYS:
        out.append(f"{k.shown:>{KEY_WIDTH}}  ", Style(bold=True))
        out.append(k.description + "\n")
    out.append_text(notes())
    return out


def key_table() -> Table:
    """The keys as a grid: a description that wraps goes on under its own first word, not
    under the keys (which a Text of "key  description" lines would do)."""
    table = Table.grid(padding=(0, 2))
    table.add_column(justify="right", width=KEY_WIDTH, no_wrap=True, style=Style(bold=True))
    table.add_column(ratio=1)
    for k in KEYS:
        table.add_row(k.shown, k.description)
    return table


def notes() -> Text:
    out = Text(end="")
    out.append("\nIn the list: ● new since you opened tracker, ★ starred, ×4 carried by four outlets (Enter "
               "lists them), ✎ changed by its feed since (the detail shows how).\n", Style(dim=True))
    out.append("\nOn the feeds screen R polls the selected feed, a adds a feed and x removes one (in feeds.toml, "
               "comments kept). On the timeline ← → (h l) pick a day, "
               "z shows its hours, Enter opens a development. On the deadlines screen a adds a milestone, "
               "e edits and x removes one of yours. On the outlets screen s changes the order. "
               "Mouse: click selects, a second click opens, the wheel scrolls.\n", Style(dim=True))
    out.append("Esc or ? closes this help.", Style(dim=True))
    return out


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,question_mark,q", "dismiss", "Close")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help"):
            yield Static(Group(Text("Keys\n", Style(bold=True)), key_table(), notes()))
