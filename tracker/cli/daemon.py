"""tracker daemon and tracker serve: run without a terminal, or in a browser."""

from __future__ import annotations


def register(sub, common) -> None:
    """Not built yet."""
