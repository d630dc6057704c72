"""The status line: feeds healthy and failing, the last poll and the next, a spinner while polling."""

from __future__ import annotations

from datetime import datetime
from typing import Callable, Sequence

from rich.text import Text
from textual.widget import Widget

from ...rows import FeedState
from .. import render
from .styles import component_style


class StatusLine(Widget):
    COMPONENT_CLASSES = {"status--ok", "status--warn", "status--bad", "status--dim"}

    def __init__(self, clock: Callable[[], datetime], id: str | None = None):
        super().__init__(id=id)
        self.clock = clock
        self.feeds: list[FeedState] = []
        self.polling: set[str] = set()
        self.next_poll: datetime | None = None
        self.problem: str | None = None  # shown instead of the feeds' health: polling has stopped
        self.work = ""  # long work in hand, shown first: "re-scoring: 12,000 of 85,000 items"
        self.frame = 0
        self._spinner = None

    def on_mount(self) -> None:
        # Runs only while a poll is on: an idle dashboard does no work ten times a second.
        self._spinner = self.set_interval(0.1, self._spin, pause=True)

    def set_state(self, *, feeds: Sequence[FeedState] | None = None, polling: set[str] | None = None,
                  next_poll: datetime | None = None, problem: str | None = None,
                  work: str | None = None) -> None:
        """None leaves a part as it is; work="" clears the work shown."""
        if work is not None:
            self.work = work
        if problem is not None:
            self.problem = problem
        if feeds is not None:
            self.feeds = list(feeds)
        if polling is not None:
            self.polling = set(polling)
            if self._spinner is not None:
                (self._spinner.resume if self.polling else self._spinner.pause)()
        self.next_poll = next_poll if next_poll is not None else self.next_poll
        self.refresh()

    def _spin(self) -> None:
        self.frame += 1
        self.refresh()

    @property
    def text(self) -> str:
        return self.render().plain

    def render(self) -> Text:
        def get(name: str):  # colours as they show on this theme (see component_style)
            return component_style(self, name)
        if self.problem:
            return Text(self.problem, style=get("status--bad"), no_wrap=True, overflow="ellipsis")
        width = self.content_size.width or 200
        out = Text(no_wrap=True, end="")
        if self.work:
            out.append(self.work + render.SEP, get("status--warn"))
        out.append_text(render.status_line(
            self.feeds, now=self.clock(), polling=sorted(self.polling), frame=self.frame,
            next_poll=self.next_poll, width=max(1, width - out.cell_len),
            ok=get("status--ok"), bad=get("status--bad"), dim=get("status--dim"),
            warn=get("status--warn")))
        out.truncate(width, overflow="ellipsis")
        return out
