"""`d`: every deadline, from feeds.toml and the user's milestones in the database."""

from __future__ import annotations

from rich.style import Style
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Static

from ...timeutil import local
from .. import render
from ..widgets.footer import KeyFooter


class DeadlinesScreen(Screen[None]):
    BINDINGS = [
        Binding("escape,d", "app.pop_screen", "Back"),
        Binding("q", "app.quit", "Quit"),
    ]

    def compose(self) -> ComposeResult:
        yield Static(render.cut("Deadlines and milestones", 200, "bold"), id="deadlines-title")
        yield DataTable(id="deadlines-table", cursor_type="row", zebra_stripes=True)
        yield Static(id="deadline-note")
        yield KeyFooter()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("when", "your time", "", "label", "from")
        self.reload()

    def reload(self) -> None:
        app = self.app
        now = app.clock()
        upcoming, _, _ = render.next_deadline(app.deadlines, now)
        table = self.query_one(DataTable)
        table.clear()
        self.notes = {}
        for i, d in enumerate(sorted(app.deadlines, key=lambda d: d.at)):
            status_style = (Style(bold=True, color="yellow") if d is upcoming else
                            Style(dim=True) if d.at <= now else Style())
            key = f"db-{d.id}" if d.id is not None else f"config-{i}"
            self.notes[key] = d.note
            table.add_row(
                render.cell(render.deadline_when(d)),
                render.cell(local(d.at).strftime("%a %d %b %Y %H:%M %Z")),
                render.cell(render.deadline_status(d, now), style=status_style),
                render.cell(d.label, 60),
                render.cell("added" if d.id is not None else "feeds.toml", style=Style(dim=True)),
                key=key)
        if not app.deadlines:
            self.query_one("#deadline-note", Static).update(
                render.para("No deadlines yet: add [[deadlines]] to feeds.toml."))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        note = self.notes.get(event.row_key.value, "")
        self.query_one("#deadline-note", Static).update(render.para(note, Style(italic=True)))
