"""The tables of the feeds, deadlines, outlets and timeline screens: a DataTable moved by
j k g G too, and drawn at the column widths it measured."""

from __future__ import annotations

from textual.widgets import DataTable

from ..keys import table_bindings


class Table(DataTable):
    BINDINGS = table_bindings()

    def _update_dimensions(self, new_rows) -> None:
        # DataTable measures its columns when it is next idle, but keys its drawn rows by an
        # update count this does not change: on a busy machine rows drawn before the
        # measuring stayed cut ("11:0", "Pentagon fl") until something else redrew them.
        super()._update_dimensions(new_rows)
        self._update_count += 1
        self.refresh()
