"""The live panel: a virtual list over item ids, one row per cluster.

It keeps only the ids in display order (what `Store.item_ids` returns; with
`Filter(clusters=True)` the ids of the clusters' earliest reports) and fetches the rows of
the visible window, with a page either side, into a small cache (`Store.cluster_rows`: each
row with its cluster's ×N). With 100,000 items that is a list of ints plus ~150 rows:
opening and moving stay instant and memory stays flat. New clusters are spliced in where
they belong and rows that leave are cut out; the cursor and the scroll offset move by the
number of rows added or removed above them, so the item under the cursor and the rows being
read stay put. A new report of a cluster already listed only changes that row's ×N.
"""

from __future__ import annotations

import dataclasses
import textwrap
from bisect import bisect_left
from dataclasses import dataclass, field
from datetime import datetime
from itertools import chain, groupby
from operator import itemgetter
from typing import Callable, Collection, Sequence

from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ...rows import Item, Report
from ...store import Store
from .. import render
from ..messages import ItemChosen, ItemHighlighted
from .styles import component_style

CACHE_ROWS = 1024  # rows by id: the window and a page either side, with room to spare
# Drawn rows are keyed by the times they show, so each minute adds up to a screenful of keys:
# a few screens' worth keeps redraws cheap without growing for an hour (soak: 1,024 of them
# grew RSS 22 MB per 10,000 polls, 64 grew it 5.6 MB).
CACHE_STRIPS = 64


def insertion_points(store: Store, ids: Sequence[int], new_ids: Sequence[int]) -> list[tuple[int, int]]:
    """(position in `ids`, id) for each of `new_ids` (given in display order): where each
    belongs in a list sorted newest first. Runs in a thread: a binary search costs ~17
    primary-key lookups, and almost every new item takes the fast path at the top."""
    keys = store.sort_keys(new_ids)
    probed: dict[int, tuple[str, int]] = {}

    def key_at(i: int) -> tuple[str, int]:
        item_id = ids[i]
        if item_id not in probed:
            probed.update(store.sort_keys([item_id]))
        return probed.get(item_id, ("", item_id))

    out: list[tuple[int, int]] = []
    for item_id in new_ids:
        key = keys.get(item_id)
        if key is None:
            continue
        lo, hi = 0, len(ids)
        if ids and key > key_at(0):
            hi = 0
        while lo < hi:
            mid = (lo + hi) // 2
            if key_at(mid) > key:
                lo = mid + 1
            else:
                hi = mid
        out.append((lo, item_id))
    out.sort(key=itemgetter(0))  # stable: equal positions keep display order
    return out


@dataclass
class Arrivals:
    """What newly stored items do to a list of cluster rows (see arrivals())."""

    placed: list[tuple[int, int]] = field(default_factory=list)  # new rows: insertion_points() after `gone`
    gone: set[int] = field(default_factory=set)  # listed ids that are no longer their cluster's earliest report
    follow: dict[int, int] = field(default_factory=dict)  # gone id -> the id its cluster is listed under now
    touched: set[int] = field(default_factory=set)  # listed clusters that gained a report: their ×N changed


def arrivals(store: Store, ids: Sequence[int], shown: Sequence[int], arrived: dict[int, Item]) -> Arrivals:
    """Where the new rows `shown` (display order) go in `ids`, and what the `arrived` rows
    (id -> item row, with its `cluster`) change in the rows already listed. Runs in a thread.

    A report joining a listed cluster only changes that row's count. A report older than the
    cluster's earliest takes over as its representative (the cluster's id becomes its own):
    the old row goes and the cluster is listed again at its new, earlier time."""
    listed = set(ids)
    out = Arrivals()
    reps = [item_id for item_id, row in arrived.items() if row.cluster == item_id]
    out.touched = {row.cluster for row in arrived.values() if row.cluster in listed}
    # A new report that heads a cluster of several: new with it, or taken over (only then listed).
    for cid in store.cluster_stats(reps):
        for member in store.cluster_members(cid):
            if member.id != cid and member.id in listed:
                out.gone.add(member.id)
                out.follow[member.id] = cid
    kept = [i for i in ids if i not in out.gone] if out.gone else ids
    out.placed = insertion_points(store, kept, shown)
    return out


class ItemList(ScrollView, can_focus=True):
    BINDINGS = [
        Binding("j,down", "cursor_down", "Down", show=False),
        Binding("k,up", "cursor_up", "Up", show=False),
        Binding("g,home", "first", "Top", show=False),
        Binding("G,end", "last", "Bottom", show=False),
        Binding("pagedown,space", "page(1)", "Page down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("enter", "choose", "Open", tooltip="Show the item's detail beside the list"),
    ]
    COMPONENT_CLASSES = {
        "item-list--cursor", "item-list--cursor-blurred", "item-list--unread", "item-list--read",
        "item-list--new", "item-list--star", "item-list--time", "item-list--outlet", "item-list--empty",
        "item-list--updated",
    }

    def __init__(self, store: Store, clock: Callable[[], datetime], *, new_after: int = 0,
                 id: str | None = None):
        super().__init__(id=id)
        self.store, self.clock = store, clock
        self.new_after = new_after  # ids above this arrived while the app was open
        self.ids: list[int] = []
        self.cursor = 0
        self.new_above = 0  # arrived above the viewport since the user last looked at the top
        self.empty_message = "No items yet."
        self._rows: LRUCache[int, Report] = LRUCache(CACHE_ROWS)
        self._frame: tuple | None = None  # per-frame lookups, see render_lines
        self._strips: LRUCache[tuple, Strip] = LRUCache(CACHE_STRIPS)
        self._ticked = clock()  # the clock at the last tick

    # ------------------------------------------------------------ data
    @property
    def selected_id(self) -> int | None:
        return self.ids[self.cursor] if 0 <= self.cursor < len(self.ids) else None

    def _fetch(self, ids: Sequence[int]) -> dict[int, Report]:
        # Item rows plus their cluster's size and outlets: a cluster's row says "×N".
        return self.store.cluster_rows(ids)

    def row(self, item_id: int) -> Report | None:
        row = self._rows.get(item_id)
        if row is None:
            self._remember(self._fetch([item_id]))
            row = self._rows.get(item_id)
        return row

    def _remember(self, rows: dict[int, Report]) -> None:
        for item_id, row in rows.items():
            self._rows.set(item_id, row)

    def set_ids(self, ids: list[int]) -> None:
        """A new list (filter, search): the selected item stays selected if it is still there."""
        selected = self.selected_id
        self.ids = ids
        try:
            self.cursor = ids.index(selected) if selected is not None else 0
        except ValueError:
            self.cursor = 0
        self.new_above = 0
        self._resize()
        self.scroll_to(y=max(0, self.cursor - self._height() // 3), animate=False)
        self.refresh()
        self._highlighted()

    def insert(self, placed: list[tuple[int, int]]) -> None:
        """Splice (position, id) pairs from insertion_points() into the list without moving
        what the user is looking at."""
        if not placed:
            return
        was_empty = not self.ids
        top = round(self.scroll_offset.y)
        pieces, last = [], 0
        for pos, group in groupby(placed, key=itemgetter(0)):
            pieces += [self.ids[last:pos], [item_id for _, item_id in group]]
            last = pos
        pieces.append(self.ids[last:])
        self.ids = list(chain.from_iterable(pieces))
        self._resize()
        if was_empty:
            self.cursor = 0
            self._highlighted()
        else:
            self.cursor += sum(1 for pos, _ in placed if pos <= self.cursor)
            self.scroll_to(y=top + sum(1 for pos, _ in placed if pos <= top), animate=False)
            # A short list cannot scroll: then the new rows are on screen, not hidden above.
            self.new_above += max(0, round(self.scroll_offset.y) - top)
        self.refresh()

    def remove(self, gone: Collection[int]) -> None:
        """Cut rows out (an item marked off the story, a cluster now listed under an earlier
        report) without moving the rows being read. The cursor stays on its item; when that
        item went, on the row that took its place (the next one, or the last)."""
        if not gone or not self.ids:
            return
        positions = [index for index, item_id in enumerate(self.ids) if item_id in gone]
        if not positions:
            return
        selected, top = self.selected_id, round(self.scroll_offset.y)
        self.ids = list(chain.from_iterable(self.ids[a + 1:b] for a, b in zip([-1] + positions,
                                                                             positions + [len(self.ids)])))
        self.cursor = max(0, min(self.cursor - bisect_left(positions, self.cursor), len(self.ids) - 1))
        self._resize()
        self.scroll_to(y=max(0, top - bisect_left(positions, top)), animate=False)
        self.refresh()
        if self.selected_id != selected:
            self._highlighted()

    def arrive(self, a: Arrivals) -> None:
        """Apply arrivals(): a cluster taken over by an earlier report is listed again at its
        new time, and the cursor goes with it if it was on it."""
        selected = self.selected_id
        self.remove(a.gone)
        self.insert(a.placed)
        if a.touched:
            self.invalidate(a.touched)
        target = a.follow.get(selected)
        if target is not None:
            try:
                self.move_to(self.ids.index(target))
            except ValueError:
                pass

    def invalidate(self, ids: Sequence[int] | None = None) -> None:
        """Forget cached rows (all of them, or `ids`) so the next draw reads them again."""
        if ids is None:
            self._rows.clear()
        else:
            for item_id in ids:
                self._rows.discard(item_id)
        self.refresh()

    def revalidate(self) -> None:
        """Something in the database changed, maybe read or star marks by another process:
        re-read the visible rows and redraw only those that differ. Once a second during a
        poll, this costs one small query instead of a repaint of the whole list."""
        top, height = round(self.scroll_offset.y), self._height()
        window = self.ids[top:top + height]
        old = {i: self._rows.get(i) for i in window}
        fresh = self._fetch(window)
        self._rows.clear()
        self._remember(fresh)
        for offset, item_id in enumerate(window):
            if fresh.get(item_id) != old[item_id]:
                self.refresh_line(top + offset)

    def patch(self, item_id: int, **changes) -> None:
        """Change a cached row at once (read, starred) while the database write runs in a thread."""
        row = self._rows.get(item_id)
        if row is not None:
            self._rows.discard(item_id)  # LRUCache.set leaves a key it holds as it is
            self._rows.set(item_id, dataclasses.replace(row, **changes))
        try:
            self.refresh_line(self.ids.index(item_id))
        except ValueError:
            pass

    # ------------------------------------------------------------ movement
    def move_to(self, index: int) -> None:
        if not self.ids:
            return
        index = max(0, min(index, len(self.ids) - 1))
        old, self.cursor = self.cursor, index
        self.refresh_line(old)
        self.refresh_line(index)
        self.scroll_to_cursor()
        if old != index:
            self._highlighted()

    def scroll_to_cursor(self) -> None:
        top, height = round(self.scroll_offset.y), self._height()
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False)
        elif self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False)

    def action_cursor_down(self) -> None:
        self.move_to(self.cursor + 1)

    def action_cursor_up(self) -> None:
        self.move_to(self.cursor - 1)

    def action_first(self) -> None:
        self.move_to(0)

    def action_last(self) -> None:
        self.move_to(len(self.ids) - 1)

    def action_page(self, direction: int) -> None:
        self.move_to(self.cursor + direction * max(1, self._height() - 1))

    def action_choose(self) -> None:
        if self.selected_id is not None:
            self.post_message(ItemChosen(self.selected_id))

    def _on_click(self, event: events.Click) -> None:
        index = event.style.meta.get("row")
        if index is None:
            return
        if index == self.cursor:
            self.action_choose()
        else:
            self.move_to(index)

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        if round(new_value) == 0 and self.new_above:
            self.new_above = 0
            self._highlighted()

    def _on_focus(self, event: events.Focus) -> None:
        self.refresh_line(self.cursor)

    def _on_blur(self, event: events.Blur) -> None:
        self.refresh_line(self.cursor)

    def _highlighted(self) -> None:
        self.post_message(ItemHighlighted(self.selected_id))

    def tick(self) -> None:
        """The app's clock tick: the rows on screen whose times changed since the last tick
        ("4m" turning "5m") are drawn again, and only those."""
        now, then = self.clock(), self._ticked
        self._ticked = now
        top = round(self.scroll_offset.y)
        for index in range(top, min(len(self.ids), top + self._height())):
            row = self._rows.get(self.ids[index])
            if row is not None and self._row_time(row, now) != self._row_time(row, then):
                self.refresh_line(index)

    # ------------------------------------------------------------ drawing
    def _height(self) -> int:
        return max(1, self.scrollable_content_region.height)

    def _resize(self) -> None:
        self.virtual_size = Size(self.scrollable_content_region.width, len(self.ids))

    def on_resize(self, event: events.Resize) -> None:
        self._resize()
        self.scroll_to_cursor()

    def _load_window(self) -> None:
        """One query for every uncached row in the visible window and a page either side."""
        top, height = round(self.scroll_offset.y), self._height()
        window = self.ids[max(0, top - height):top + 2 * height]
        missing = [i for i in window if i not in self._rows]
        if missing:
            self._remember(self._fetch(missing))

    def render_lines(self, crop: Region) -> list[Strip]:
        self._load_window()
        # Looked up once per frame, not once per line: rich_style walks the ancestors' styles.
        self._frame = (self.rich_style, self.scrollable_content_region.width, self._styles(),
                       self.get_component_rich_style("item-list--cursor" if self.has_focus
                                                     else "item-list--cursor-blurred"))
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        base, width, styles, cursor = self._frame or (self.rich_style, self.scrollable_content_region.width,
                                                      self._styles(), Style())
        index = round(self.scroll_offset.y) + y
        if not self.ids:
            # Wrapped, not cut: at 80 columns the reason a panel is empty is longer than a line.
            lines = [line for para in self.empty_message.splitlines()
                     for line in textwrap.wrap(para, max(width, 8)) or [""]]
            if y < len(lines):
                text = render.cut(lines[y], width, self.get_component_rich_style("item-list--empty"))
                # apply_style: every segment needs a style, or the NO_COLOR filter fails on None
                strip = Strip(text.render(self.app.console), text.cell_len).apply_style(base)
                return strip.extend_cell_length(width, base)
            return Strip.blank(width, base)
        if index >= len(self.ids):
            return Strip.blank(width, base)
        item_id = self.ids[index]
        row = self._rows.get(item_id) or self.row(item_id)
        now = self.clock()
        # Scrolling one line repaints every line: a drawn row is reused until what it shows
        # changes (its state, the cursor, the width, or its times: "4m" turns "5m" when the item
        # is five minutes old, not at the clock's next minute).
        key = (item_id, width, index == self.cursor, self.has_focus, row and self._row_time(row, now),
               row and self._row_key(row))
        strip = self._strips.get(key)
        if strip is None:
            if row is None:
                text = Text("  (no longer in the database)", style=Style(dim=True), end="")
            else:
                text = self._draw_row(row, now, width, styles)
            if index == self.cursor:
                text.stylize(cursor)
            strip = Strip(text.render(self.app.console), text.cell_len)
            strip = strip.apply_style(base).extend_cell_length(width, base).crop(0, width)
            self._strips.set(key, strip)
        return strip.apply_meta({"row": index})

    def _row_time(self, row: Report, now: datetime) -> object:
        return render.row_time(row.published, now)

    def _row_key(self, row: Report) -> tuple:
        """What a drawn row shows: it is drawn again when this changes."""
        return (row.title, row.read, row.starred, row.outlet, row.outlets, row.updated)

    def _draw_row(self, row: Report, now: datetime, width: int, styles: render.RowStyles) -> Text:
        return render.item_row(row, now=now, width=width, new=row.id > self.new_after, styles=styles)

    def _styles(self) -> render.RowStyles:
        def get(name: str) -> Style:
            return component_style(self, f"item-list--{name}")
        return render.RowStyles(unread=get("unread"), read=get("read"), new=get("new"), star=get("star"),
                                time=get("time"), outlet=get("outlet"), updated=get("updated"))

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips.clear()
        self.refresh()
