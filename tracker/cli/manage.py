"""tracker init, paths, feeds add|remove|import|export: set up stories and feeds."""

from __future__ import annotations


def register(sub, common) -> None:
    """Not built yet."""
