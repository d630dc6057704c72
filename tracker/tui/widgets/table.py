"""The tables of the feeds, deadlines and outlets screens: a DataTable moved by j k g G too."""

from __future__ import annotations

from textual.widgets import DataTable

from ..keys import table_bindings


class Table(DataTable):
    BINDINGS = table_bindings()
