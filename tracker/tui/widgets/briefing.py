"""The briefing card above the panel: what happened since the user last looked."""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget

from .. import render


class Briefing(Widget):
    """Hidden until show(); drawn at its width, so every line is cut to fit, never wrapped."""

    DEFAULT_CSS = """
    Briefing { display: none; height: auto; border: round $warning 60%; padding: 0 1;
               border-title-color: $text-muted; border-subtitle-color: $text-muted; }
    Briefing.-shown { display: block; }
    """

    def __init__(self, id: str | None = None):
        super().__init__(id=id)
        self.brief = None
        self.border_title = "Briefing"
        self.border_subtitle = "Esc puts it away · b brings it back"

    def show(self, brief) -> None:
        self.brief = brief
        self.add_class("-shown")
        self.refresh(layout=True)

    def hide(self) -> None:
        self.remove_class("-shown")

    @property
    def shown(self) -> bool:
        return self.has_class("-shown")

    def get_content_height(self, container, viewport, width: int) -> int:
        return len(render.briefing(self.brief, width, self.lines()).plain.split("\n")) if self.brief else 1

    def render(self) -> Text:
        if self.brief is None:
            return Text("")
        return render.briefing(self.brief, max(1, self.content_size.width or self.size.width - 4), self.lines())

    def lines(self) -> int:
        """At most a third of the screen (at least 5 lines): the panel stays in sight."""
        return max(5, self.app.size.height // 3)
