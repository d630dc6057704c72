"""`f`: every feed's health, last error and next poll; R polls the selected feed, a adds a
feed and x removes one, in feeds.toml (comments and layout kept) and in the schedule."""

from __future__ import annotations

import asyncio
from datetime import datetime
from functools import partial
from pathlib import Path

from rich.style import Style
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Input, Static

from ...errors import TrackerError
from ...model import Config
from ...timeutil import ago, from_iso, local
from .. import render
from ..messages import FeedsChanged
from ..widgets.footer import KeyFooter
from ..widgets.table import Table
from .confirm import ConfirmScreen

HEALTH_STYLE = {"ok": Style(color="green"), "failing": Style(color="red", bold=True),
                "gone": Style(color="red"), "not polled yet": Style(dim=True)}


class FeedsScreen(Screen[None]):
    Changed = FeedsChanged

    last_polls: dict[str, datetime | None] = {}  # by feed, as listed; set by reload()
    BINDINGS = [
        Binding("R", "poll_feed", "Poll this feed", tooltip="Poll the selected feed now"),
        Binding("a", "add_feed", "Add", tooltip="Add a feed to feeds.toml and poll it"),
        Binding("x", "remove_feed", "Remove", tooltip="Remove the selected feed from feeds.toml"),
        Binding("escape,f", "app.pop_screen", "Back"),
        Binding("q", "app.quit", "Quit"),
    ]

    def compose(self) -> ComposeResult:
        yield Static(render.cut("Feeds", 200, "bold"), id="feeds-title")
        yield Table(id="feeds-table", cursor_type="row", zebra_stripes=True)
        yield Static(id="feeds-error")
        yield KeyFooter()

    async def on_mount(self) -> None:
        table = self.query_one(DataTable)
        self.last_poll_column = table.add_columns("feed", "health", "HTTP", "last poll", "next poll", "items",
                                                  "on story", "last error")[3]
        self.last_polls: dict[str, datetime | None] = {}
        await self.reload()

    async def reload(self) -> None:
        app = self.app
        feeds = await asyncio.to_thread(app.store.feeds)
        now = app.clock()
        table = self.query_one(DataTable)
        selected = table.cursor_row
        table.clear()
        self.last_polls = {f.name: from_iso(f.last_poll) if f.last_poll else None for f in feeds}
        for f in feeds:
            nxt = (app.poller.next_poll(f.name) if app.poller else None) or (
                from_iso(f.next_poll) if f.next_poll else None)
            state = "polling" if f.name in app.polling else f.health
            table.add_row(
                render.cell(f.name, 24),
                render.cell(state, style=HEALTH_STYLE.get(state, "")),
                render.cell(f.last_status if f.last_status is not None else "-"),
                self._last_poll(f.name, now),
                render.cell(local(nxt).strftime("%H:%M:%S") if nxt and not f.gone else "-"),
                render.cell(f.items), render.cell(f.on_story_items),
                render.cell(f.last_error or "", 60, Style(color="red") if f.failures else Style(dim=True)),
                key=f.name)
        if feeds:
            table.move_cursor(row=min(selected, len(feeds) - 1))
        self.show_error(self.selected_name())

    def _last_poll(self, name: str, now: datetime) -> Text:
        then = self.last_polls.get(name)
        return render.cell(ago(then, now) if then else "never")

    def tick(self) -> None:
        """The app's clock tick: "just now" becomes "1 minute ago" when it is so."""
        if not self.last_polls:  # not listed yet: the screen's table may not even be mounted
            return
        now, table = self.app.clock(), self.query_one(DataTable)
        for name in self.last_polls:
            cell = self._last_poll(name, now)
            if str(table.get_cell(name, self.last_poll_column)) != cell.plain:
                table.update_cell(name, self.last_poll_column, cell)

    def show_error(self, name: str | None) -> None:
        """The selected feed's whole error, which the table cell cuts."""
        row = self.app.store.feed(name) if name else None
        error = row.last_error if row else None
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

    # ------------------------------------------------------------ a and x: editing feeds.toml
    def action_add_feed(self) -> None:
        self.app.push_screen(AddFeedScreen(self.app.config.path), self._added)

    def _added(self, result: tuple[str, Config] | None) -> None:
        if result is not None:
            name, config = result
            self.post_message(self.Changed(self, config, f"added {name} to {self.app.config.path.name}; polling it now",
                                           poll=name))

    def action_remove_feed(self) -> None:
        name = self.selected_name()
        if name is not None:
            self.app.push_screen(ConfirmScreen(f"Remove the feed {name} from {self.app.config.path.name}?",
                                               "Its items stay in the database."), partial(self._remove, name))

    def _remove(self, name: str, yes: bool | None) -> None:
        if yes:
            self.run_worker(self._removing(name), group="feeds-edit")

    async def _removing(self, name: str) -> None:
        from ...feedsfile import FeedsFile

        def edit() -> Config:
            f = FeedsFile(self.app.config.path)
            f.remove(name)
            return f.save()
        try:
            config = await asyncio.to_thread(edit)
        except (TrackerError, OSError) as e:
            self.app.toast(f"not removed: {e}", severity="error")
            return
        self.post_message(self.Changed(self, config, f"removed {name} from {self.app.config.path.name}"))


class AddFeedScreen(ModalScreen[tuple[str, Config] | None]):
    """The URL and an optional name; Enter adds the feed to feeds.toml (a refusal, such as a
    URL already there, is shown here to be corrected), Esc cancels."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, path: Path):
        super().__init__()
        self.path = path

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(render.para(f"Add a feed to {self.path}", Style(bold=True)))
            yield Input(placeholder="feed URL (http or https)", id="feed-url")
            yield Input(placeholder="name (optional: made from the URL)", id="feed-name")
            yield Static(id="feed-problem")
            yield Static(render.para("Enter adds it and polls it · Tab: next field · Esc cancels",
                                     Style(dim=True)), classes="dialog-hint")

    @on(Input.Submitted)
    def _submit(self) -> None:
        url = self.query_one("#feed-url", Input).value.strip()
        if not url:
            self.query_one("#feed-url", Input).focus()
            return
        name = self.query_one("#feed-name", Input).value.strip() or None
        self.run_worker(self._add(url, name), group="add-feed", exclusive=True)

    async def _add(self, url: str, name: str | None) -> None:
        from ...feedsfile import FeedsFile

        def edit() -> tuple[str, Config]:
            f = FeedsFile(self.path)
            added = f.add(url, name)
            return added, f.save()
        try:
            added = await asyncio.to_thread(edit)
        except (TrackerError, OSError) as e:  # said here, so the URL can be corrected
            self.query_one("#feed-problem", Static).update(render.para(str(e), Style(color="red")))
            return
        self.dismiss(added)

    def action_cancel(self) -> None:
        self.dismiss(None)
