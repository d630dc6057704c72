"""`O`: every outlet that has covered the story (items, first report, how many developments it
reported first), and the configured feeds that have carried nothing on it yet."""

from __future__ import annotations

import asyncio

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Static

from ...timeutil import from_iso, local
from .. import render
from ..widgets.footer import KeyFooter
from ..widgets.table import Table

# s cycles through these: (name shown in the title, sort key). Every order ends on the name, so
# outlets that tie keep one order from one refresh to the next.
ORDERS = [
    ("most items", lambda o: (-o["items"], o["first"], o["outlet"])),
    ("first to report most", lambda o: (-o["first_reports"], -o["items"], o["outlet"])),
    ("earliest", lambda o: (o["first"], o["outlet"])),
]


class OutletsScreen(Screen[None]):
    BINDINGS = [
        Binding("s", "sort", "Sort", tooltip="Sort by items, by developments reported first, or by first report"),
        Binding("escape,O", "app.pop_screen", "Back"),
        Binding("q", "app.quit", "Quit"),
    ]

    def __init__(self):
        super().__init__()
        self.order = 0
        self.outlets: list[dict] = []
        self.silent: list[str] = []

    def compose(self) -> ComposeResult:
        yield Static(id="outlets-title")
        yield Table(id="outlets-table", cursor_type="row", zebra_stripes=True)
        yield Static(id="outlets-silent")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns("outlet", "items", "first report", "first to report")
        self.refresh_data()

    def refresh_data(self) -> None:
        self.run_worker(self._load(), group="outlets", exclusive=True)

    async def _load(self) -> None:
        store = self.app.store
        self.outlets, self.silent = await asyncio.to_thread(lambda: (store.outlets(), store.silent_feeds()))
        self.show()

    def show(self) -> None:
        name, key = ORDERS[self.order]
        table = self.query_one(DataTable)
        selected = table.cursor_row
        table.clear()
        for o in sorted(self.outlets, key=key):
            firsts = o["first_reports"]
            table.add_row(
                render.cell(o["outlet"], 40, Style(color="cyan")),
                Text(str(o["items"]), justify="right"),
                render.cell(local(from_iso(o["first"])).strftime("%a %d %b %Y %H:%M")),
                render.cell(f"{firsts} development{'s' if firsts != 1 else ''}" if firsts else "-",
                            style=Style() if firsts else Style(dim=True)),
                key=o["outlet"])
        if self.outlets:
            table.move_cursor(row=min(selected, len(self.outlets) - 1))
        title = Text(end="")
        title.append("Outlets", Style(bold=True))
        n = len(self.outlets)
        title.append(f"{render.SEP}{n} ha{'ve' if n != 1 else 's'} covered the story" if n else
                     f"{render.SEP}nothing on the story yet")
        title.append(f"{render.SEP}sorted by {name} (s changes)", Style(dim=True))
        self.query_one("#outlets-title", Static).update(title)
        silent = Text(end="")
        if self.silent:
            silent.append(f"Feeds with nothing on the story yet ({len(self.silent)}): ", Style(bold=True))
            silent.append(render.SEP.join(render.plain(s) for s in self.silent))
        else:
            silent.append("Every feed has carried something on the story.", Style(dim=True))
        self.query_one("#outlets-silent", Static).update(silent)

    def action_sort(self) -> None:
        self.order = (self.order + 1) % len(ORDERS)
        self.show()
