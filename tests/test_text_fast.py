"""html_to_text's fast path must say exactly what html.parser says, or stand aside (None)."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker import text
from tracker.text import _plain_tags_text, _TextExtractor, html_to_text


def slow(s: str) -> str:
    parser = _TextExtractor()
    parser.feed(s)
    parser.close()
    return "".join(parser.parts)


def agrees(s: str) -> bool:
    fast = _plain_tags_text(s)
    return fast is None or fast == slow(s)


TOKENS = [
    # plain tags, the fast path's business
    "<p>", "</p>", "<P>", "</P >", "<br>", "<br/>", "<br />", "<BR/>", "<div class=\"x\">", "</div>",
    "<a href=\"https://e.example/?a=1&amp;b=2\">", "<a href='x>y'>", "<a title=\"<b>\">", "</a>",
    "<img src=x alt=\"photo\">", "<img src=\"i.jpg\"/>", "<b>", "</b>", "<em>", "</em>", "<li>", "</li>",
    "<svg>", "</svg>", "<object data=x>", "</object>", "<template>", "</template>", "<head>", "</head>",
    "<figure>", "<figcaption>", "</figcaption>", "<span data-x=1 aria-label='a b'>", "</span>",
    # raw-text elements
    "<script>", "</script>", "<SCRIPT type=\"t\">", "</script >", "</SCRIPT>", "<style>", "</style>",
    "<script/>", "</ script>", "</script x>", "</scriptx>", "</\u017fcript>", "<title>", "</title>",
    "<textarea>", "</textarea>", "<iframe src=x>", "</iframe>", "<noscript>", "</noscript>", "<xmp>",
    "<plaintext>",
    # what the fast path must refuse
    "<", ">", "</", "<!--", "-->", "<!DOCTYPE html>", "<?xml?>", "<![CDATA[x]]>", "</>", "< p>",
    "<a href = \"x\">", "<a href=x/>", "<a\u00a0b>", "<p\x0b>", "<a href=\"x\"/>", "<a b=\"c\"d>",
    "<1>", "<a-b>", "<a:b>", "<a =x>", "<a b==c>", "<p/ >", "<p\n>", "<a\nhref=x>",
    # text and references
    "text", " ", "\n", "\t", "&amp;", "&lt;", "&gt;", "&#8230;", "&#x41;", "&nbsp;", "&bogus;",
    "&", "&amp", "&#", "AT&T", "caf\u00e9", "\u00a0", "\u2028", "\x00", "\x1b[31m", "a<b", "1 < 2",
]


@pytest.mark.slow  # 3,000 examples: 3-20 s on this machine; .ci/run runs it
@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(TOKENS), max_size=25))
def test_fast_path_agrees_with_html_parser(tokens):
    s = "".join(tokens)
    assert agrees(s), s


@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("<>/!-=\"' \t\nabpsrciptyleS&#;x1\u017f\u00a0")), max_size=60))
def test_fast_path_agrees_on_character_soup(s):
    assert agrees(s), s


def test_fast_path_takes_ordinary_feed_html():
    rng = random.Random(3)
    words = "officials said the talks would resume on Tuesday".split()
    for _ in range(200):
        parts = []
        for _ in range(rng.randint(1, 12)):
            w = " ".join(rng.choices(words, k=rng.randint(3, 12)))
            parts.append(rng.choice([
                f"<p>{w} &amp; more&#8230;</p>",
                f'<p><a href="https://e.example/{rng.randint(0, 99)}?utm_source=rss">{w}</a><br/></p>',
                f'<figure><img src="https://e.example/i.jpg" alt="photo"><figcaption>{w}</figcaption></figure>',
                f"<ul><li>{w}</li></ul><script>track({rng.random()})</script>",
                f"<div class='x'><style>p {{ color: red }}</style>{w}</div>",
            ]))
        s = "".join(parts)
        fast = _plain_tags_text(s)
        assert fast is not None, s
        assert fast == slow(s)


def test_html_to_text_is_the_same_with_and_without_the_fast_path(monkeypatch):
    samples = ["<p>a</p><p>b</p>", "x<script>alert(1)</script>y", "<b>AT&amp;T</b> &lt;tag&gt;",
               "<p>one<br/>two</p><!-- c -->three", "<svg><text>hidden</text></svg>shown"]
    fast = [html_to_text(s, 50) for s in samples]
    monkeypatch.setattr(text, "_plain_tags_text", lambda s: None)
    assert fast == [html_to_text(s, 50) for s in samples]
