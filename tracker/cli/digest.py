"""tracker digest: export what happened since the last digest."""

from __future__ import annotations


def register(sub, common) -> None:
    """Not built yet."""
