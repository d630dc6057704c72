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
    out.append("\nOn the feeds screen R polls the selected feed. Mouse: click selects, "
               "a second click opens, the wheel scrolls.\n", Style(dim=True))
    out.append("Esc or ? closes this help.", Style(dim=True))
    return out


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,question_mark,q", "dismiss", "Close")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help"):
            yield Static(help_text())
