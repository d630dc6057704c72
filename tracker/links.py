"""Canonical links: the same article reached through tracking parameters, fragments or an
aggregator's click-through is one item."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Parameters that identify the click, not the article.
TRACKING = {"fbclid", "gclid", "dclid", "msclkid", "yclid", "mc_cid", "mc_eid", "oc", "ocid",
            "cmpid", "igshid", "ref_src", "_ga", "smid", "sr_share",
            "cvid", "guccounter", "guce_referrer", "guce_referrer_sig"}
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_")

# Aggregators whose click-through URL carries the publisher's URL in a query parameter.
REDIRECT_PARAMS = {"www.bing.com": "url", "bing.com": "url", "www.google.com": "url",
                   "google.com": "url", "l.facebook.com": "u"}


def canonical_link(url: str | None) -> str | None:
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
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
    if parts.port and not ((scheme == "http" and parts.port == 80) or (scheme == "https" and parts.port == 443)):
        host = f"{host}:{parts.port}"
    kept = [(k, v) for k, v in query
            if k.lower() not in TRACKING and not k.lower().startswith(TRACKING_PREFIXES)]
    path = parts.path.rstrip("/") or ""
    return urlunsplit((scheme, host, path, urlencode(kept, doseq=True), ""))
