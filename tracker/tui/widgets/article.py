"""The pane beside the list: the story's anchor article, or one item's detail."""

from __future__ import annotations

from datetime import datetime
from typing import Callable

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from ...model import Story
from ...rows import Development, Item
from ...timeutil import ago, from_iso
from .. import render
from ..keys import scroll_bindings
from .styles import component_style


class ArticleView(VerticalScroll, can_focus=True):
    """The anchor article: headline, outlet, date, source, and the text with its subheadings."""

    BINDINGS = scroll_bindings()
    COMPONENT_CLASSES = {"article--heading", "article--meta"}

    def __init__(self, story: Story, id: str | None = None):
        super().__init__(id=id)
        self.story = story
        self.lines, self.note = render.read_article(story.article)
        self.body = Static(id="article-body")

    def compose(self) -> ComposeResult:
        yield self.body

    def on_mount(self) -> None:
        self._draw()
        # The text's colours are taken from the theme when it is drawn: draw it again on a new
        # theme, once the new styles are in place (after the refresh the switch causes).
        self.app.theme_changed_signal.subscribe(self, lambda _: self.call_after_refresh(self._draw))

    def _draw(self) -> None:
        article = self.story.article
        shown = render.plain(str(article))
        missing = self.note or ("" if not article else
                                f"The article file {shown} (story.article in feeds.toml) is missing: "
                                "`tracker article URL` fetches one from its page." if not article.exists() else
                                f"The article file {shown} could not be read.")
        self.body.update(render.article(
            self.story, self.lines, component_style(self, "article--heading"),
            component_style(self, "article--meta"), missing, self.note))


class DetailView(VerticalScroll, can_focus=True):
    """One item (or cluster): title, who carried it and when, link, summary, what a feed
    changed in it, why it is on the story or not."""

    BINDINGS = scroll_bindings()
    COMPONENT_CLASSES = {"detail--label", "detail--meta"}

    def __init__(self, clock: Callable[[], datetime], id: str | None = None):
        super().__init__(id=id)
        self.clock = clock
        self.item_id: int | None = None
        self.row: Item | None = None
        self.looked_up = render.Detail()  # what the app looked up for the row
        self.development: tuple[Development, list[Item]] | None = None  # shown instead of a row
        self.body = Static(id="detail-body")
        self._ages: tuple = ()  # the relative times drawn

    def compose(self) -> ComposeResult:
        yield self.body

    def on_mount(self) -> None:
        self.app.theme_changed_signal.subscribe(self, self._new_theme)

    def _new_theme(self, _theme) -> None:
        if self.row is not None:  # its colours were the old theme's (see ArticleView.on_mount)
            self.call_after_refresh(self._draw)

    def show(self, row: Item, detail: render.Detail = render.Detail(), *, keep_scroll: bool = False) -> None:
        same = row.id == self.item_id and self.development is None
        self.development = None
        self.item_id, self.row, self.looked_up = row.id, row, detail
        self._draw()
        if not (keep_scroll and same):
            self.scroll_home(animate=False)

    def show_development(self, dev: Development, reports: list[Item]) -> None:
        """A development: its headline and every report of it. The item keys act on its
        headline report (its id is the detail's item_id)."""
        self.item_id, self.row, self.development = dev.headline_item, None, (dev, reports)
        self._draw()
        self.scroll_home(animate=False)

    def _times(self) -> tuple:
        row, now = self.row, self.clock()
        return tuple(ago(from_iso(t), now) if t else "" for t in (row.published, row.updated))

    def tick(self) -> None:
        """The app's clock tick: "(4 minutes ago)" becomes "(5 minutes ago)" when it is so."""
        if self.row is not None and self._times() != self._ages:
            self._draw()

    def _draw(self) -> None:
        row = self.row
        if row is None and self.development is not None:
            dev, reports = self.development
            self.body.update(render.development_detail(
                dev, reports, now=self.clock(), meta=component_style(self, "detail--meta"),
                label=component_style(self, "detail--label")))
            return
        self.development = None
        self._ages = self._times()
        self.body.update(render.item_detail(
            row, now=self.clock(), meta=component_style(self, "detail--meta"),
            label=component_style(self, "detail--label"), detail=self.looked_up))
