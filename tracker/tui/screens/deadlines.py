"""`d`: every deadline, from feeds.toml and the user's milestones in the database; `a`, `e` and
`x` add, edit and remove the user's own (feeds.toml's are changed in the file). Under them,
dates the coverage names (datephrases.py), "suggested from coverage": `m` opens the milestone
form filled from one (Enter adds it: never without the user), `n` dismisses it."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from rich.style import Style
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.css.query import NoMatches
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Input, Label, Static

from ...milestones import default_zone, local_zone_name, to_utc  # noqa: F401 (the screen's names)
from ...model import Deadline
from ...timeutil import local
from .. import render
from ..messages import DeadlinesChanged
from ..widgets.footer import KeyFooter
from ..widgets.table import Table
from .confirm import ConfirmScreen

TIME_FORMAT = "%Y-%m-%d %H:%M"


@dataclass(frozen=True)
class MilestoneInput:
    label: str
    at: datetime  # aware, UTC
    timezone: str
    note: str


class MilestoneForm(ModalScreen[MilestoneInput | None]):
    """Label, time, zone and note of a milestone; Enter saves, an error shows under the fields."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(self, zone: str, deadline: Deadline | None = None, prefill: Deadline | None = None):
        super().__init__()
        self.deadline = deadline
        d = deadline or prefill  # prefill: a new milestone's fields, from a suggestion
        when = d.at.astimezone(_zone(d.timezone)).strftime(TIME_FORMAT) if d else ""
        fields = (("label", d.label if d else "", "what happens then"),
                  ("time", when, "YYYY-MM-DD HH:MM, e.g. 2026-03-10 10:00"),
                  ("zone", d.timezone if d else zone, "America/New_York"),
                  ("note", d.note if d else "", "a line of context (optional)"))
        self.fields = {name: Input(value, placeholder=hint, id=f"milestone-{name}", compact=True)
                       for name, value, hint in fields}

    def compose(self) -> ComposeResult:
        with Vertical(id="milestone-form", classes="dialog"):
            yield Static(Text("Edit milestone" if self.deadline else "Add a milestone", style="bold"))
            for name, field in self.fields.items():
                yield Label(Text(name))
                yield field
            yield Static(id="milestone-error")
            yield Static(Text("Enter saves · Tab next field · Esc cancels", style="dim"), classes="dialog-hint")

    @on(Input.Submitted)
    def save(self) -> None:
        values = {name: field.value.strip() for name, field in self.fields.items()}
        error, field = None, None
        if not values["label"]:
            error, field = "a label is needed", "label"
        else:
            try:
                at = to_utc(values["time"], values["zone"])
            except ValueError as e:
                error = str(e)
                field = "zone" if "time zone" in error else "time"
        if error:
            self.query_one("#milestone-error", Static).update(render.para(error))
            self.fields[field].focus()
            return
        self.dismiss(MilestoneInput(values["label"], at, values["zone"], values["note"]))


class DeadlinesScreen(Screen[None]):
    Changed = DeadlinesChanged

    rows: dict[str, Deadline] = {}  # by table key, as listed; set by reload()
    BINDINGS = [
        Binding("a", "add", "Add", tooltip="Add a milestone"),
        Binding("e", "edit", "Edit", tooltip="Edit the selected milestone"),
        Binding("x", "remove", "Remove", tooltip="Remove the selected milestone"),
        Binding("m", "adopt", "Add suggested", tooltip="Add the selected suggestion from coverage as a milestone"),
        Binding("n", "dismiss_suggestion", "Dismiss", tooltip="Dismiss the selected suggestion"),
        Binding("escape,d", "app.pop_screen", "Back"),
        Binding("q", "app.quit", "Quit"),
    ]

    def compose(self) -> ComposeResult:
        title = Text("Deadlines and milestones", style="bold", end="")
        title.append(f"{render.SEP}feeds.toml's are read-only; a, e, x change yours", Style(dim=True))
        yield Static(title, id="deadlines-title")
        yield Table(id="deadlines-table", cursor_type="row", zebra_stripes=True)
        yield Static(id="deadline-note")
        yield Static(Text("suggested from coverage", style="bold"), id="suggested-title")
        yield Table(id="suggested-table", cursor_type="row", zebra_stripes=True)
        yield Static(id="suggested-note")
        yield KeyFooter()

    def on_mount(self) -> None:
        table = self.query_one("#deadlines-table", DataTable)
        self.status_column = table.add_columns("when", "your time", "", "label", "from")[2]
        self.query_one("#suggested-table", DataTable).add_columns("when", "phrase", "sentence", "report")
        self.reload()
        self.run_worker(self.reload_suggestions(), group="suggestions")

    async def reload_suggestions(self) -> None:
        app = self.app
        rows = await asyncio.to_thread(app.store.suggestions, app.clock())
        table = self.query_one("#suggested-table", DataTable)
        table.clear()
        self.suggested = {}
        for r in rows:
            key = f"s-{r['id']}"
            self.suggested[key] = r
            zone = _zone(r["timezone"])
            when = r["at"].astimezone(zone).strftime("%a %d %b %Y %H:%M %Z" if r["timed"] else "%a %d %b %Y")
            report = r["title"] + (f" ({r['outlet']})" if r["outlet"] else "")
            if r["reports"] > 1:
                report += f" +{r['reports'] - 1} more"
            table.add_row(render.cell(when), render.cell(r["phrase"], 24),
                          render.cell(r["sentence"], max(30, self.size.width - 90)),
                          render.cell(report, 40), key=key)
        self.query_one("#suggested-note", Static).update(render.para(
            "m adds the selected one as a milestone, n dismisses it" if rows else
            "No dates named in the coverage yet.", Style(dim=True)))

    def selected_suggestion(self) -> dict | None:
        table = self.query_one("#suggested-table", DataTable)
        if not table.row_count:
            return None
        return self.suggested.get(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    def action_adopt(self) -> None:
        s = self.selected_suggestion()
        if s is None:
            return
        label = render_label(s["sentence"])
        prefill = Deadline(label=label, at=s["at"], timezone=s["timezone"], note=f"from: {s['title']}")
        self.app.push_screen(MilestoneForm(s["timezone"], prefill=prefill), lambda m: self._adopt(s["id"], m))

    async def _adopt(self, suggestion_id: int, m: MilestoneInput | None) -> None:
        if m is None:
            return
        await self._save(None, m)
        await self.app.write(self.app.store.set_suggestion_state, suggestion_id, "added")
        await self.reload_suggestions()

    async def action_dismiss_suggestion(self) -> None:
        s = self.selected_suggestion()
        if s is not None:
            await self.app.write(self.app.store.set_suggestion_state, s["id"], "dismissed")
            await self.reload_suggestions()

    def reload(self, select: str | None = None) -> None:
        app = self.app
        now = app.clock()
        upcoming, _, _ = render.next_deadline(app.deadlines, now)
        table = self.query_one("#deadlines-table", DataTable)
        table.clear()
        self.notes, self.rows = {}, {}
        for i, d in enumerate(sorted(app.deadlines, key=lambda d: d.at)):
            key = f"db-{d.id}" if d.id is not None else f"config-{i}"
            self.notes[key], self.rows[key] = d.note, d
            when, here = render.deadline_when(d), local(d.at).strftime("%a %d %b %Y %H:%M %Z")
            table.add_row(
                render.cell(when),
                render.cell(here if here != when else ""),  # only when the reader's clock says otherwise
                self._status(d, now, upcoming),
                render.cell(d.label, max(24, self.size.width - 76)),  # the rest of the row fits beside it
                render.cell("added" if d.id is not None else "feeds.toml", style=Style(dim=True)),
                key=key)
        if select in self.rows:
            table.move_cursor(row=table.get_row_index(select))
        if not app.deadlines:
            self.query_one("#deadline-note", Static).update(
                render.para("No deadlines yet: a adds a milestone (or add [[deadlines]] to feeds.toml)."))

    @staticmethod
    def _status(d: Deadline, now: datetime, upcoming: Deadline | None) -> Text:
        style = Style(bold=True, color="yellow") if d is upcoming else Style(dim=True) if d.at <= now else Style()
        return render.cell(render.deadline_status(d, now), style=style)

    def tick(self) -> None:
        """The app's clock tick: the countdowns count, as the header's does."""
        if not self.rows:  # not listed yet: the screen's table may not even be mounted
            return
        now = self.app.clock()
        upcoming, _, _ = render.next_deadline(list(self.rows.values()), now)
        try:
            table = self.query_one("#deadlines-table", DataTable)
        except NoMatches:  # the app is closing: its widgets are removed before its clock's last tick
            return
        for key, d in self.rows.items():
            table.update_cell(key, self.status_column, self._status(d, now, upcoming))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id != "deadlines-table":
            return
        note = self.notes.get(event.row_key.value, "")
        self.query_one("#deadline-note", Static).update(render.para(note, Style(italic=True)))

    def selected(self) -> Deadline | None:
        table = self.query_one("#deadlines-table", DataTable)
        if not table.row_count:
            return None
        return self.rows.get(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    def _editable(self) -> Deadline | None:
        d = self.selected()
        if d is not None and d.id is None:
            self.app.toast("this deadline is in feeds.toml: change it there", severity="warning", timeout=4)
            return None
        return d

    def action_add(self) -> None:
        self.app.push_screen(MilestoneForm(default_zone(self.app.config.deadlines)),
                             lambda m: self._save(None, m))

    def action_edit(self) -> None:
        d = self._editable()
        if d is not None:
            self.app.push_screen(MilestoneForm(d.timezone, d), lambda m: self._save(d.id, m))

    def action_remove(self) -> None:
        d = self._editable()
        if d is not None:
            self.app.push_screen(ConfirmScreen(f"Remove the milestone “{d.label}”?", render.deadline_when(d)),
                                 lambda yes: self._remove(d.id) if yes else None)

    async def _save(self, deadline_id: int | None, m: MilestoneInput | None) -> None:
        if m is None:  # cancelled
            return
        store, app = self.app.store, self.app
        if deadline_id is None:
            deadline_id = await app.write(store.add_deadline, m.label, m.at, m.timezone, m.note)
        else:
            await app.write(lambda: store.update_deadline(deadline_id, label=m.label, at=m.at,
                                                          timezone=m.timezone, note=m.note))
        self.post_message(self.Changed(self, select=f"db-{deadline_id}"))

    async def _remove(self, deadline_id: int) -> None:
        await self.app.write(self.app.store.remove_deadline, deadline_id)
        self.post_message(self.Changed(self))


def render_label(sentence: str) -> str:
    """A milestone's label from the sentence that named it: its first 60 characters."""
    return sentence if len(sentence) <= 60 else sentence[:59].rstrip() + "…"


def _zone(name: str):
    try:
        return ZoneInfo(name)
    except Exception:  # a zone this system does not know: show the time in UTC rather than fail
        return timezone.utc
