"""`f`: every feed's health, last error and next poll; R polls the selected feed."""

from __future__ import annotations

import asyncio

from rich.style import Style
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Static

from ...timeutil import ago, from_iso, local
from .. import render
from ..widgets.footer import KeyFooter

HEALTH_STYLE = {"ok": Style(color="green"), "failing": Style(color="red", bold=True),
                "gone": Style(color="red"), "not polled yet": Style(dim=True)}


def health(feed: dict) -> str:
    return ("gone" if feed["gone"] else "failing" if feed["failures"] else
            "ok" if feed["last_ok"] else "not polled yet")


class FeedsScreen(Screen[None]):
    BINDINGS = [
        Binding("R", "poll_feed", "Poll this feed", tooltip="Poll the selected feed now"),
        Binding("escape,f", "app.pop_screen", "Back"),
        Binding("q", "app.quit", "Quit"),
    ]

    def compose(self) -> ComposeResult:
        yield Static(render.cut("Feeds", 200, "bold"), id="feeds-title")
        yield DataTable(id="feeds-table", cursor_type="row", zebra_stripes=True)
        yield Static(id="feeds-error")
        yield KeyFooter()

    async def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("feed", "health", "HTTP", "last poll", "next poll", "items", "on story", "last error")
        await self.reload()

    async def reload(self) -> None:
        app = self.app
        feeds = await asyncio.to_thread(app.store.feeds)
        now = app.clock()
        table = self.query_one(DataTable)
        selected = table.cursor_row
        table.clear()
        for f in feeds:
            nxt = (app.poller.next_poll(f["name"]) if app.poller else None) or (
                from_iso(f["next_poll"]) if f["next_poll"] else None)
            state = health(f)
            if f["name"] in app.polling:
                state = "polling"
            table.add_row(
                render.cell(f["name"], 24),
                render.cell(state, style=HEALTH_STYLE.get(state, "")),
                render.cell(f["last_status"] if f["last_status"] is not None else "-"),
                render.cell(ago(from_iso(f["last_poll"]), now) if f["last_poll"] else "never"),
                render.cell(local(nxt).strftime("%H:%M:%S") if nxt and not f["gone"] else "-"),
                render.cell(f["items"]), render.cell(f["on_story_items"]),
                render.cell(f["last_error"] or "", 60, Style(color="red") if f["failures"] else Style(dim=True)),
                key=f["name"])
        if feeds:
            table.move_cursor(row=min(selected, len(feeds) - 1))
        self.show_error(self.selected_name())

    def show_error(self, name: str | None) -> None:
        """The selected feed's whole error, which the table cell cuts."""
        row = self.app.store.feed(name) if name else None
        error = row["last_error"] if row else None
        self.query_one("#feeds-error", Static).update(render.para(f"{name}: {error}" if error else ""))

    def selected_name(self) -> str | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.show_error(event.row_key.value)

    def action_poll_feed(self) -> None:
        name = self.selected_name()
        if name:
            self.app.poll(name)
