"""Component styles for text the widgets draw themselves."""

from __future__ import annotations

from rich.style import Style
from textual.widget import Widget


def component_style(widget: Widget, name: str) -> Style:
    """The component's own style (no background, nothing inherited), with its colour as it
    shows on the widget. Textual's partial style cannot resolve a colour such as $text-muted
    ("auto 60%": blended with the background) and leaves it white, which a light theme
    makes invisible; the full style has it resolved."""
    resolved = widget.get_component_rich_style(name).color
    return widget.get_component_rich_style(name, partial=True) + Style(color=resolved)
