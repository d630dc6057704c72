"""What tracker keeps of saved news pages against their hand-marked bodies (tests/data/pages):
the figures benchmarks/fulltext_eval.py prints, held as a regression guard."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("fulltext_eval", ROOT / "benchmarks" / "fulltext_eval.py")
fulltext_eval = importlib.util.module_from_spec(_spec)
sys.modules["fulltext_eval"] = fulltext_eval  # its dataclass looks itself up there
_spec.loader.exec_module(fulltext_eval)

PAGES = fulltext_eval.pages()


@pytest.fixture(scope="module")
def scores():
    return {name: fulltext_eval.score(name, body, url, marked) for name, body, url, marked in PAGES}


def test_the_set_has_the_shapes_of_real_news_sites():
    names = [name for name, *_ in PAGES]
    assert len(names) >= 15
    for shape in ("wire", "blog", "liveblog", "comments", "jsonld", "german", "french", "amp", "paywall"):
        assert any(shape in name for name in names), shape


def test_what_is_kept_of_the_pages_is_their_articles(scores):
    pooled = fulltext_eval.Score("all", 0, *(sum(getattr(s, f) for s in scores.values()) for f in ("right", "kept", "marked")))
    assert pooled.f1 >= fulltext_eval.THRESHOLD, f"overall F1 {pooled.f1:.3f}"
    bad = {name: round(s.f1, 3) for name, s in scores.items() if s.f1 < 0.6}
    assert not bad, f"pages whose article is lost or buried: {bad}"


def test_a_page_whose_text_is_only_in_json_ld_is_read_from_it(scores):
    page = next(s for name, s in scores.items() if "jsonld" in name)
    assert not page.error and page.recall > 0.95 and page.precision > 0.95


def test_read_more_links_and_the_headline_are_not_kept_twice():
    for name, body, url, marked in PAGES:
        kept, _ = fulltext_eval.kept_text(body, url)
        headline = marked.splitlines()[0]
        assert "Read more:" not in kept, name
        assert kept.split("\n\n").count(headline) == 1, name
