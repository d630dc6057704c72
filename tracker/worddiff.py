"""What a feed changed in an item it had already carried: a word diff the detail view can draw.

Segments, not markup: feed text must never become Rich/Textual markup, so the renderer turns
each (kind, text) into a styled Text piece itself.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from typing import Literal

from .rows import Item

Kind = Literal["same", "removed", "added"]
Segment = tuple[Kind, str]

_TOKEN = re.compile(r"\S+")


def word_diff(old: str, new: str) -> list[Segment]:
    """Segments that read as the new text with the old words in place: ("same", "Pentagon
    gives Anthropic until"), ("removed", "Friday"), ("added", "Monday"), ... Words are
    compared whole; segments are joined with single spaces, so joining every segment's text
    with " " gives the old and new words interleaved."""
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    out: list[Segment] = []

    def emit(kind: Kind, words: list[str]) -> None:
        if words:
            if out and out[-1][0] == kind:
                out[-1] = (kind, f"{out[-1][1]} {' '.join(words)}")
            else:
                out.append((kind, " ".join(words)))

    # autojunk off: its heuristic treats frequent words ("the") as junk in texts over 200
    # words, which makes the diff of a long summary jump around.
    for op, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            emit("same", a[i1:i2])
        else:
            emit("removed", a[i1:i2])  # removed before added: reads as "was X, now Y"
            emit("added", b[j1:j2])
    return out


def changes(item: Item) -> dict[str, list[Segment]]:
    """For an item from Store.item() (with its `versions`): the diff of title and summary from
    the first version the feed sent to the current one; only the fields that changed."""
    if not item.versions:
        return {}
    first = item.versions[0]
    return {name: word_diff(getattr(first, name), getattr(item, name)) for name in ("title", "summary")
            if getattr(first, name) != getattr(item, name)}
