"""tracker rules test|apply: re-score stored items against the story rules."""

from __future__ import annotations


def register(sub, common) -> None:
    """Not built yet."""
