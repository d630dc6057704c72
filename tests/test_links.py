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
