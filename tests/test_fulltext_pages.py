"""What tracker keeps of saved news pages against their hand-marked bodies (tests/data/pages):
the figures benchmarks/fulltext_eval.py prints, held as a regression guard."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

from tracker.fulltext import extract

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
    for shape in ("wire", "blog", "liveblog", "comments", "jsonld", "german", "french", "amp", "paywall", "div-soup"):
        assert any(shape in name for name in names), shape


def test_what_is_kept_of_the_pages_is_their_articles(scores):
    pooled = fulltext_eval.Score("all", 0, *(sum(getattr(s, f) for s in scores.values())
                                             for f in ("right", "kept", "marked")))
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


def test_a_bare_javascript_shell_is_read_from_its_json_ld_with_its_headline_and_byline_and_cleaned():
    ld = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": "Pentagon and Anthropic talks resume",
          "author": {"@type": "Person", "name": "Jane Doe"}, "datePublished": "2026-02-28T10:00:00Z",
          "articleBody": "Talks between the Pentagon and Anthropic resumed on Saturday, officials said, a day after "
                         "the deadline passed.\n\nBoth sides exchanged drafts of a narrower set of permitted uses, "
                         "people familiar with the talks said.\x1b]0;owned\x07\x1b[2J"}
    page = (f'<!doctype html><html><head><title>Pentagon and Anthropic talks resume | Site</title>'
            f'<script type="application/ld+json">{json.dumps(ld)}</script></head>'
            f'<body><div id="root"></div><script src="/app.js"></script></body></html>').encode()
    article = extract(page, "https://example.com/talks")
    assert article.title == "Pentagon and Anthropic talks resume" and article.author == "Jane Doe"
    assert article.text.split("\n\n") == [
        "Talks between the Pentagon and Anthropic resumed on Saturday, officials said, a day after the deadline "
        "passed.",
        "Both sides exchanged drafts of a narrower set of permitted uses, people familiar with the talks said."]
    assert article.published.date().isoformat() == "2026-02-28"  # trafilatura gives the day
