"""tracker demo: a local feed server with synthetic story items, and the dashboard on it."""

from __future__ import annotations


def register(sub, common) -> None:
    """Not built yet."""
