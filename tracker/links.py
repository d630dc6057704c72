"""Canonical links: the same article reached through tracking parameters, fragments or an
aggregator's click-through is one item."""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Parameters that identify the click, not the article.
TRACKING = {"fbclid", "gclid", "dclid", "msclkid", "yclid", "mc_cid", "mc_eid", "oc", "ocid",
            "cmpid", "igshid", "ref_src", "_ga", "smid", "sr_share",
            "cvid", "guccounter", "guce_referrer", "guce_referrer_sig"}
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_")

# Aggregators whose click-through URL carries the publisher's URL in a query parameter.
REDIRECT_PARAMS = {"www.bing.com": "url", "bing.com": "url", "www.google.com": "url",
                   "google.com": "url", "l.facebook.com": "u"}


# A link with no query and no fragment, an ASCII host and perhaps a port: nearly every
# article link. Made canonical directly, ~10x faster than urlsplit/urlunsplit (a cold poll
# makes 5,000 of them in the writer, whose pace sets the poll's).
_PLAIN = re.compile(r"(https?)://([a-z0-9.-]+)(?::([0-9]{1,5}))?(/[^?#]*)?", re.I | re.A)


def canonical_link(url: str | None) -> str | None:
    if not url:
        return None
    m = _PLAIN.fullmatch(url.strip())
    if m:
        scheme, host, port, path = m[1].lower(), m[2].lower(), m[3], (m[4] or "").rstrip("/")
        if port is not None:
            port = int(port)
            if port > 65535:
                return None
            if port and port != (80 if scheme == "http" else 443):
                host = f"{host}:{port}"
        return f"{scheme}://{host}{path}"
    return _canonical_link(url)


def _canonical_link(url: str) -> str | None:
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:  # a port that is not a number, or out of range
        return None
    scheme, host = parts.scheme.lower(), (parts.hostname or "").lower()
    if scheme not in ("http", "https") or not host:
        return None
    query = parse_qsl(parts.query, keep_blank_values=True)
    inner = REDIRECT_PARAMS.get(host)
    if inner:
        target = dict(query).get(inner)
        if target and target.startswith(("http://", "https://")):
            return canonical_link(target)
    if port and not ((scheme == "http" and port == 80) or (scheme == "https" and port == 443)):
        host = f"{host}:{port}"
    kept = [(k, v) for k, v in query
            if k.lower() not in TRACKING and not k.lower().startswith(TRACKING_PREFIXES)]
    path = parts.path.rstrip("/") or ""
    return urlunsplit((scheme, host, path, urlencode(kept, doseq=True), ""))


def link_key(url: str | None) -> str | None:
    """What the store merges items by: the canonical link with the link's #fragment kept.
    One page can hold many posts told apart only by their fragments (a blog's day page,
    scripting.com's feed: 48 posts on 7 pages), so links that differ there are different
    items; the rest of canonical_link's cleaning still makes a tracked copy the same item."""
    key = canonical_link(url)
    if key is None or "#" not in url:
        return key
    fragment = url.strip().split("#", 1)[1]
    return f"{key}#{fragment}" if fragment and not _tracking_fragment(fragment) else key


def _tracking_fragment(fragment: str) -> bool:
    """A fragment of tracking parameters ("#xtor=RSS-3208", "#utm_source=feed"): the click's
    state, not a place in the page."""
    if "=" not in fragment:
        return False
    keys = [k.lower() for k, _ in parse_qsl(fragment, keep_blank_values=True)]
    return bool(keys) and all(k in TRACKING or k in ("xtor", "ref") or k.startswith(TRACKING_PREFIXES) for k in keys)


def same_site(feed_url: str | None, link: str | None) -> bool:
    """Whether a feed is on its link's site, so its entry is the publisher's own copy: one
    host within the other once a leading "www." is dropped (rss.nytimes.com, www.nytimes.com)."""
    try:
        a, b = _host(feed_url) if feed_url else "", urlsplit(link.strip()).hostname or "" if link else ""
    except ValueError:
        return False
    b = b.removeprefix("www.")
    return bool(a and b) and (a == b or ("." in b and a.endswith("." + b)) or ("." in a and b.endswith("." + a)))


@lru_cache(maxsize=1024)
def _host(feed_url: str) -> str:
    """A feed's host without "www.": asked again for each of its entries (a ValueError is not kept)."""
    return (urlsplit(feed_url.strip()).hostname or "").removeprefix("www.")
