"""The header: the story's title and the clock, and the countdown to the next deadline."""

from __future__ import annotations

from datetime import datetime
from typing import Callable, Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widget import Widget

from ...model import Deadline
from ...timeutil import local
from .. import render

LEVELS = ("calm", "warning", "alarm", "passed", "none")


class TitleBar(Widget):
    def __init__(self, title: str, clock: Callable[[], datetime]):
        super().__init__()
        self.story_title, self.clock = title, clock

    def render(self) -> Text:
        width = self.content_size.width
        now = local(self.clock()).strftime("%a %d %b %H:%M:%S %Z")
        text = render.cut(self.story_title, max(0, width - len(now) - 2), "bold")
        text.append(" " * max(1, width - text.cell_len - len(now)))
        text.append(now)
        text.truncate(width)
        return text


class Countdown(Widget):
    """Days, hours, minutes and seconds to the next deadline; its level (calm, warning under
    24 h, alarm under 1 h, passed) is a CSS class, so the colours live in tracker.tcss."""

    def __init__(self, deadlines: Sequence[Deadline], clock: Callable[[], datetime]):
        super().__init__()
        self.deadlines, self.clock = list(deadlines), clock
        self.level = ""
        self.tick()

    def set_deadlines(self, deadlines: Sequence[Deadline]) -> None:
        self.deadlines = list(deadlines)
        self.tick()

    def tick(self) -> None:
        _, level = render.countdown(self.deadlines, self.clock(), 200)
        if level != self.level:
            self.remove_class(*(f"-{name}" for name in LEVELS))
            self.add_class(f"-{level}")
            self.level = level
        self.refresh()

    @property
    def text(self) -> str:
        return self.render().plain

    def render(self) -> Text:
        return render.countdown(self.deadlines, self.clock(), self.content_size.width or 200)[0]


class StoryHeader(Vertical):
    def __init__(self, title: str, deadlines: Sequence[Deadline], clock: Callable[[], datetime]):
        super().__init__()
        self.title_bar = TitleBar(title, clock)
        self.countdown = Countdown(deadlines, clock)

    def compose(self) -> ComposeResult:
        yield self.title_bar
        yield self.countdown

    def tick(self) -> None:  # the app's clock tick, once a second
        self.title_bar.refresh()
        self.countdown.tick()
