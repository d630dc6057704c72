"""Canonical links: one article, one item, whichever way the link was written."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.links import _canonical_link, canonical_link


@pytest.mark.parametrize("url, canonical", [
    ("https://Example.COM/News/Story/", "https://example.com/News/Story"),
    ("HTTP://example.com:80/a", "http://example.com/a"),
    ("https://example.com:443", "https://example.com"),
    ("https://example.com:8443/a//", "https://example.com:8443/a"),
    ("https://example.com/a?utm_source=x&id=7&fbclid=y#top", "https://example.com/a?id=7"),
    ("https://www.bing.com/news/apiclick.aspx?url=https%3A%2F%2Fexample.com%2Fa%3Futm_medium%3Drss&c=1",
     "https://example.com/a"),
    (" https://example.com/a ", "https://example.com/a"),
    ("ftp://example.com/a", None),
    ("https:///a", None),
    ("", None),
    ("https://example.com:99999/a", None),
    ("https://example.com:x/a", None),
])
def test_canonical_links(url, canonical):
    assert canonical_link(url) == canonical


part = st.text(st.sampled_from("aZ09.-_~/%:@?#&=+ é"), max_size=12)


@settings(max_examples=500)
@given(scheme=st.sampled_from(["http", "https", "HTTPS", "ftp"]), host=part, port=st.none() | st.integers(0, 99999),
       path=part)
def test_the_fast_path_gives_what_urlsplit_gives(scheme, host, port, path):
    url = f"{scheme}://{host}" + (f":{port}" if port is not None else "") + path
    assert canonical_link(url) == _canonical_link(url)


def test_the_merge_key_keeps_a_pages_anchor_but_not_a_tracking_fragment():
    from tracker.links import link_key

    assert link_key("http://scripting.test/2026/02/25.html#a1200") == "http://scripting.test/2026/02/25.html#a1200"
    assert link_key("https://www.lemonde.test/a.html?utm_source=rss#xtor=RSS-3208") == "https://www.lemonde.test/a.html"
    assert link_key("https://news.test/a#utm_source=feed&utm_medium=rss") == "https://news.test/a"
    assert link_key("https://news.test/a#") == link_key("https://news.test/a") == "https://news.test/a"
    assert link_key("https://news.test/a#page=2") == "https://news.test/a#page=2"
    assert link_key(None) is None
