"""`t`: the story's developments per local day as bars (or per hour of one day, zoomed with
`z`), deadlines marked under them, and the developments of the selected day listed below.

A development is every report of one event (tracker/developments.py), in any words and from
any outlet, counted once, on the day its first report came out. Each open or zoom costs one
GROUP BY of the developments (Store.development_histogram) and each move one indexed read of
the selected day's developments, both in a thread.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Sequence

from rich.style import Style
from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import DataTable, Static

from ...model import Deadline
from ...rows import Development
from ...timeutil import from_iso, local
from .. import render
from ..messages import TimelineChosen
from ..widgets.footer import KeyFooter
from ..widgets.table import Table

BLOCKS = " ▁▂▃▄▅▆▇█"
MARK = "◆"
DEADLINE_REACH = timedelta(days=7)  # a deadline this close to the covered days widens the chart to show it
LIST_LIMIT = 500  # rows listed for one day: a feed that dumps thousands of items must not stall the table


@dataclass(frozen=True)
class Bucket:
    """One bar: a local day, or an hour of one."""

    start: datetime  # aware
    end: datetime
    count: int
    label: str  # under the bar: the day of the month, or the hour
    group: str  # on the line below, where it changes: the month, or the day
    marks: tuple[Deadline, ...] = ()
    today: bool = False


def _local(day: date, hour: int = 0) -> datetime:
    """When the local clock reads `hour` o'clock on `day` (astimezone() reads a naive time as
    local). A time the clock skips (spring forward) starts when the clock jumps, so the skipped
    hour is an empty bar; a time it repeats (fall back) starts at its first pass, so that hour's
    bar holds both, as SQLite's 'localtime' grouping does."""
    naive = datetime.combine(day, time(hour))
    aware = naive.astimezone()
    if aware.replace(tzinfo=None) != naive:
        aware = naive.replace(fold=1).astimezone()
    return aware


def _midnight(day: date) -> datetime:
    return _local(day)


def _marks(deadlines: Sequence[Deadline], start: datetime, end: datetime) -> tuple[Deadline, ...]:
    return tuple(d for d in deadlines if start <= d.at < end)


def day_buckets(counts: dict[str, int], deadlines: Sequence[Deadline], now: datetime) -> list[Bucket]:
    """Every local day from the first development to the last (or today), with nearby deadlines."""
    today = local(now).date()
    days = sorted(date.fromisoformat(k) for k in counts)
    lo, hi = (days[0], max(days[-1], today)) if days else (today, today)
    for day in sorted(local(d.at).date() for d in deadlines):
        if lo - DEADLINE_REACH <= day < lo:
            lo = day
        elif hi < day <= hi + DEADLINE_REACH:
            hi = day
    out = []
    for n in range((hi - lo).days + 1):
        day = lo + timedelta(days=n)
        start, end = _midnight(day), _midnight(day + timedelta(days=1))
        out.append(Bucket(start, end, counts.get(day.isoformat(), 0), str(day.day), day.strftime("%b %Y"),
                          _marks(deadlines, start, end), day == today))
    return out


def hour_buckets(day: date, counts: dict[str, int], deadlines: Sequence[Deadline], now: datetime) -> list[Bucket]:
    starts = [_local(day, h) for h in range(24)] + [_midnight(day + timedelta(days=1))]
    here = local(now)
    return [Bucket(starts[h], starts[h + 1], counts.get(f"{day.isoformat()} {h:02d}", 0), f"{h:02d}",
                   day.strftime("%a %d %b %Y"), _marks(deadlines, starts[h], starts[h + 1]),
                   here.date() == day and here.hour == h)
            for h in range(24)]


def default_index(buckets: Sequence[Bucket]) -> int:
    """The latest bar with something in it: where the story last moved."""
    return max((i for i, b in enumerate(buckets) if b.count), default=len(buckets) - 1)


@dataclass(frozen=True)
class ChartStyles:
    bar: Style = Style(color="blue")
    selected: Style = Style(color="yellow", bgcolor="grey23")
    label_selected: Style = Style(reverse=True, bold=True)
    mark: Style = Style(color="red", bold=True)
    axis: Style = Style(dim=True)
    today: Style = Style(bold=True, underline=True)


@dataclass(frozen=True)
class Layout:
    gutter: int  # cells left of the bars: the scale
    column: int  # cells per bar, the gap included
    first: int  # the first bar shown
    visible: int  # how many bars fit


def layout(buckets: Sequence[Bucket], selected: int, first: int, width: int) -> Layout:
    """Bars as wide as the room allows (2 to 6 cells); when they do not all fit, a window that
    moves only as far as needed to keep the selected bar in view."""
    gutter = len(str(max((b.count for b in buckets), default=0) or 1)) + 1
    room = max(2, width - gutter)
    column = max(2, min(6, room // max(1, len(buckets))))
    visible = max(1, room // column)
    first = min(max(first, selected - visible + 1), selected, max(0, len(buckets) - visible))
    return Layout(gutter, column, max(0, first), visible)


def _put(line: list, x: int, text: str, style: Style) -> bool:
    """Write `text` at `x` in a line of (char, style) cells if it fits with a space either side."""
    if x < 0 or x + len(text) > len(line) or any(c != " " for c, _ in line[max(0, x - 1):x + len(text) + 1]):
        return False
    line[x:x + len(text)] = [(c, style) for c in text]
    return True


def chart(buckets: Sequence[Bucket], selected: int, at: Layout, width: int, height: int,
          styles: ChartStyles = ChartStyles()) -> Text:
    """The bars (eighth blocks, scaled to the busiest bar), a row of deadline marks, the labels."""
    shown = list(enumerate(buckets))[at.first:at.first + at.visible]
    peak = max((b.count for b in buckets), default=0) or 1
    bar_rows = max(1, height - 3)
    out = Text(no_wrap=True, end="", overflow="crop")
    for row in range(bar_rows - 1, -1, -1):  # top to bottom; `row` counts from the bottom
        scale = str(peak) if row == bar_rows - 1 else "0" if row == 0 and bar_rows > 1 else ""
        out.append(scale.rjust(at.gutter - 1) + " ", styles.axis)
        for i, b in shown:
            eighths = round(b.count / peak * bar_rows * 8)
            fill = max(0, min(8, (max(1, eighths) if b.count else 0) - row * 8))
            out.append(BLOCKS[fill] * (at.column - 1), styles.selected if i == selected else styles.bar)
            out.append(" ")
        out.append("\n")
    out.append(" " * at.gutter)
    for i, b in shown:
        out.append((MARK if b.marks else " ").ljust(at.column), styles.mark)
    labels, groups = ([(" ", Style())] * (width - at.gutter) for _ in range(2))
    # Narrow bars: a label every other bar, by absolute index so they stay put while scrolling;
    # the selected bar's first, so a crowded axis never hides it.
    every = -(-3 // at.column)
    for i, b in sorted(shown, key=lambda ib: ib[0] != selected):
        style = styles.label_selected if i == selected else styles.today if b.today else styles.axis
        if i == selected or i % every == 0:
            _put(labels, (i - at.first) * at.column, b.label, style)
    previous = None
    for i, b in shown:
        if b.group != previous:
            _put(groups, (i - at.first) * at.column, b.group, styles.axis)
            previous = b.group
    if any(b.marks for _, b in shown):
        legend = f"{MARK} deadline"
        _put(groups, min(len(shown) * at.column, len(groups)) - len(legend) - 1, legend, styles.mark)
    for line in (labels, groups):
        out.append("\n" + " " * at.gutter)
        for char, style in line:
            out.append(char, style)
    return out


class TimelineChart(Widget):
    COMPONENT_CLASSES = {"timeline--bar", "timeline--selected", "timeline--label-selected", "timeline--mark",
                         "timeline--axis", "timeline--today"}

    @dataclass
    class Clicked(Message):
        index: int

    def __init__(self, id: str | None = None):
        super().__init__(id=id)
        self.buckets: list[Bucket] = []
        self.selected = 0
        self.at = Layout(2, 2, 0, 1)

    def show(self, buckets: list[Bucket], selected: int) -> None:
        self.buckets, self.selected = buckets, selected
        self.refresh()

    def render(self) -> Text:
        width, height = self.content_size.width, self.content_size.height
        self.at = layout(self.buckets, self.selected, self.at.first, width)
        get = self.get_component_rich_style
        styles = ChartStyles(bar=get("timeline--bar"), selected=get("timeline--selected"),
                             label_selected=get("timeline--label-selected"), mark=get("timeline--mark"),
                             axis=get("timeline--axis"), today=get("timeline--today"))
        return chart(self.buckets, self.selected, self.at, width, height, styles)

    def on_click(self, event: events.Click) -> None:
        x = event.x - self.gutter.left - self.at.gutter
        index = self.at.first + x // self.at.column if x >= 0 else -1
        if 0 <= index < min(len(self.buckets), self.at.first + self.at.visible):
            self.post_message(self.Clicked(index))


class TimelineScreen(Screen[None]):
    BINDINGS = [
        # Priority: the list below has focus and would take left/right for sideways scrolling.
        Binding("left,h", "move(-1)", "Earlier", priority=True),
        Binding("right,l", "move(1)", "Later", priority=True),
        Binding("z", "zoom", "Zoom hours/days"),
        Binding("j", "list('down')", "Down", show=False),
        Binding("k", "list('up')", "Up", show=False),
        Binding("g", "list('top')", "Top", show=False),
        Binding("G", "list('bottom')", "Bottom", show=False),
        Binding("escape,t", "app.pop_screen", "Back"),
        Binding("q", "app.quit", "Quit"),
    ]

    def __init__(self):
        super().__init__()
        self.days: list[Bucket] = []
        self.hours: list[Bucket] = []
        self.day_index = self.hour_index = 0
        self.zoomed = False
        self.rows: list[dict] = []  # the selected bar's developments, as listed

    @property
    def buckets(self) -> list[Bucket]:
        return self.hours if self.zoomed else self.days

    @property
    def selected(self) -> int:
        return self.hour_index if self.zoomed else self.day_index

    def compose(self) -> ComposeResult:
        yield Static(id="timeline-title")
        yield TimelineChart(id="timeline-chart")
        yield Static(id="timeline-day")
        yield Table(id="timeline-list", cursor_type="row", zebra_stripes=True)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns("time", "reports", "outlet", "development")
        self.refresh_data()

    # ------------------------------------------------------------ loading
    def refresh_data(self) -> None:
        """Read the bars again (on open, on zoom, when new items arrive), keeping the selection."""
        self.run_worker(self._load(), group="timeline-bars", exclusive=True)

    async def _load(self) -> None:
        app = self.app
        deadlines, now = list(app.deadlines), app.clock()
        if self.zoomed:
            day = self.days[self.day_index].start.date()
            counts = await asyncio.to_thread(app.store.development_histogram, "hour", _midnight(day),
                                             _midnight(day + timedelta(days=1)))
            old = self.hours[self.hour_index].start if self.hours else None
            self.hours = hour_buckets(day, counts, deadlines, now)
            self.hour_index = _find(self.hours, old)
        else:
            counts = await asyncio.to_thread(app.store.development_histogram, "day")
            old = self.days[self.day_index].start if self.days else None
            self.days = day_buckets(counts, deadlines, now)
            self.day_index = _find(self.days, old)
        self._selection_changed()

    def _selection_changed(self) -> None:
        buckets = self.buckets
        self.query_one(TimelineChart).show(buckets, self.selected)
        total = sum(b.count for b in buckets)
        title = Text(end="")
        title.append("Timeline", Style(bold=True))
        if self.zoomed:
            title.append(f"{render.SEP}{self.days[self.day_index].start:%a %d %b %Y} by hour")
        else:
            title.append(f"{render.SEP}developments per day (every report of one event counted once)")
        title.append(f"{render.SEP}{total:,} in {len(buckets)} {'hours' if self.zoomed else 'days'}")
        self.query_one("#timeline-title", Static).update(title)
        self.run_worker(self._load_list(buckets[self.selected]), group="timeline-list", exclusive=True)

    async def _load_list(self, bucket: Bucket) -> None:
        store = self.app.store

        def read() -> list[Development]:
            ids = store.development_ids_between(bucket.start, bucket.end)[:LIST_LIMIT]
            rows = store.development_rows(ids)
            return [rows[i] for i in ids if i in rows]
        self.rows = await asyncio.to_thread(read)
        self._show_list(bucket)

    def _show_list(self, bucket: Bucket) -> None:
        table = self.query_one(DataTable)
        table.clear()
        title_width = max(20, self.size.width - 46)
        for r in self.rows:  # Store.development_rows(): the headline report's title and outlet
            table.add_row(
                render.cell(local(from_iso(r.first)).strftime("%H:%M")),
                render.cell(f"{r.reports} · {r.outlets} outlets" if r.reports > 1 else ""),
                render.cell(render.outlet_of(r), 18, Style(color="cyan")),
                render.cell(r.headline, title_width),
                key=str(r.headline_item))
        self.query_one("#timeline-day", Static).update(self._summary(bucket))

    def _summary(self, bucket: Bucket) -> Text:
        out = Text(end="")
        when = f"{bucket.start:%a %d %b %Y}" + (f" {bucket.start:%H:00}–{bucket.end:%H:00}" if self.zoomed else "")
        out.append(when, Style(bold=True))
        n = bucket.count
        out.append(f"{render.SEP}{n} development{'s' if n != 1 else ''}" if n else f"{render.SEP}nothing on the story")
        if n > len(self.rows) == LIST_LIMIT:
            out.append(f" (the first {LIST_LIMIT} listed)")
        for d in bucket.marks:
            out.append(f"{render.SEP}{MARK} {local(d.at):%H:%M} ", Style(bold=True))
            out.append_text(render.cut(d.label, 60))
        return out

    # ------------------------------------------------------------ keys
    def _select(self, index: int) -> None:
        index = max(0, min(index, len(self.buckets) - 1))
        if not self.buckets or index == self.selected:
            return
        if self.zoomed:
            self.hour_index = index
        else:
            self.day_index = index
        self._selection_changed()

    def action_move(self, step: int) -> None:
        self._select(self.selected + step)

    @on(TimelineChart.Clicked)
    def _clicked(self, message: TimelineChart.Clicked) -> None:
        self._select(message.index)

    def action_zoom(self) -> None:
        if not self.days:
            return
        self.zoomed = not self.zoomed
        if self.zoomed:
            self.hours = []  # a new day: pick its busiest-latest hour, not the last day's
        self.refresh_data()

    def action_list(self, direction: str) -> None:
        table = self.query_one(DataTable)
        {"down": table.action_cursor_down, "up": table.action_cursor_up, "top": table.action_scroll_top,
         "bottom": table.action_scroll_bottom}[direction]()

    Chosen = TimelineChosen

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.post_message(self.Chosen(int(event.row_key.value)))


def _find(buckets: Sequence[Bucket], start: datetime | None) -> int:
    """The bar that starts at `start` (the one selected before a reload), else the default."""
    for i, b in enumerate(buckets):
        if b.start == start:
            return i
    return default_index(buckets)
