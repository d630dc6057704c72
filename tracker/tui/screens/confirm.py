"""A yes/no question in a small dialog: y or Enter says yes, n or Esc says no."""

from __future__ import annotations

from rich.style import Style
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from .. import render


class ConfirmScreen(ModalScreen[bool]):
    BINDINGS = [
        Binding("y,enter", "answer(True)", "Yes"),
        Binding("n,escape", "answer(False)", "No"),
    ]

    def __init__(self, question: str, detail: str = ""):
        super().__init__()
        self.question, self.detail = question, detail

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(render.para(self.question, Style(bold=True)))
            if self.detail:
                yield Static(render.para(self.detail))
            yield Static(render.para("y: yes · n or Esc: no", Style(dim=True)), classes="dialog-hint")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
