"""An anchor article file that is huge or binary: the dashboard reads at most
render.ARTICLE_MAX_BYTES of it and says in the pane what it did (a 50 MB binary file once
held the dashboard at 3.5 GB, deaf to SIGTERM)."""

from __future__ import annotations

from datetime import datetime, timezone

from tracker.config import load
from tracker.store import Store
from tracker.tui import render
from tracker.tui.app import build_app
from tracker.tui.widgets.article import ArticleView

from .conftest import STORY, write_config
from .test_tui import settle

NOW = datetime(2026, 2, 25, 18, 0, tzinfo=timezone.utc)


def with_article(tmp_path, make) -> tuple:
    (tmp_path / "data").mkdir(exist_ok=True)
    make(tmp_path / "data" / "article.txt")
    config = load(write_config(tmp_path, story=STORY.replace('title = "Pentagon vs Anthropic"',
                                                              'title = "Pentagon vs Anthropic"\narticle = "data/article.txt"')))
    return config, Store.open(config.database_path)


async def pane_text(tmp_path, make) -> str:
    config, store = with_article(tmp_path, make)
    try:
        app = build_app(config, store, clock=lambda: NOW, start_polling=False)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            view = app.query_one(ArticleView)
            assert sum(map(len, view.lines)) <= render.ARTICLE_MAX_BYTES  # what was read, not the file
            return str(view.body.render())
    finally:
        store.close()


async def test_a_50_mb_binary_article_is_refused_as_binary(tmp_path):
    def make(path):
        with path.open("wb") as f:
            f.write(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR")
            f.truncate(50 << 20)  # sparse: NULs to 50 MB, written in no time
    text = await pane_text(tmp_path, make)
    assert "is not text (it holds binary data)" in text


async def test_a_huge_text_article_is_cut_and_says_so(tmp_path):
    def make(path):
        path.write_bytes(b"Anthropic and the Pentagon\n" + (b"Claude \xff\xfe said more. " * 60 + b"\n") * 3000)
    text = await pane_text(tmp_path, make)
    assert text.startswith("Anthropic and the Pentagon")
    assert text.rstrip().endswith("it was cut there, and only its first 128 KB is shown.")
