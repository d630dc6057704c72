"""`?`: every key, from the same table as the bindings."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from ..keys import KEYS


def help_text() -> Text:
    out = Text(end="")
    out.append("Keys\n\n", Style(bold=True))
    for k in KEYS:
        out.append(f"{k.shown:>10}  ", Style(bold=True))
        out.append(k.description + "\n")
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
            yield Static(help_text())
