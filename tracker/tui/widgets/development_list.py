"""The panel by development: one row per event (every report of it, from every outlet).

The same virtual list as the reports' (ItemList) over development ids, in
Store.development_list()'s order: newest first by first report, so a development that gains
reports keeps its row (its counts change and it is marked "+"), and a new one comes in at the
top without moving the cursor or the rows being read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Sequence

from rich.text import Text
from textual.message import Message

from ...rows import Development
from .. import render
from .item_list import ItemList


class DevelopmentList(ItemList):
    @dataclass
    class Chosen(Message):
        """Enter or a click on the selected development: show its reports in the detail."""

        development: int

    def _fetch(self, ids: Sequence[int]) -> dict[int, Development]:
        return self.store.development_rows(ids)

    def _row_time(self, row: Development, now: datetime) -> object:
        return render.development_time(row, now)

    def _row_key(self, row: Development) -> tuple:
        return (row.headline, row.reports, row.outlets, row.first, row.last, row.unread, row.starred)

    def _draw_row(self, row: Development, now: datetime, width: int, styles: render.RowStyles) -> Text:
        return render.development_row(row, now=now, width=width, new=row.id > self.new_after,
                                      updated=(row.latest_item or 0) > self.new_after, styles=styles)

    def action_choose(self) -> None:
        if self.selected_id is not None:
            self.post_message(self.Chosen(self.selected_id))

    def follow(self, ids: list[int]) -> None:
        """The developments as the store lists them now: new ones are spliced in where they
        belong and gone ones cut out, without moving what the user is looking at; the rest
        are drawn again (their counts may have changed). A development whose place changed
        (an older report arrived late) makes it a new list, the selection kept."""
        now = set(ids)
        gone = [i for i in self.ids if i not in now]
        if gone:
            self.remove(set(gone))
        kept = set(self.ids)
        if [i for i in ids if i in kept] != self.ids:
            self.set_ids(ids)
            return
        placed, seen = [], 0
        for i in ids:
            if i in kept:
                seen += 1
            else:
                placed.append((seen, i))
        self.insert(placed)
        self.revalidate()
