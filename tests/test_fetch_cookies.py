"""Feeds need no cookies: none set by one feed's server reaches another's, or itself again."""

from __future__ import annotations

import asyncio

from tracker.feedgen import FeedItem, rss
from tests.support.feedserver import FeedServer
from tracker.fetch import Fetcher


def test_a_cookie_set_by_one_feeds_server_is_not_sent_to_another():
    body = rss([FeedItem(title="t", link="http://example.com/1", guid="1")])
    # Cookies are per host, not per port: two servers on 127.0.0.1 share a jar's domain.
    with FeedServer() as tracking, FeedServer() as other:
        tracking.set_feed("/feed.xml", body, headers={"Set-Cookie": "visitor=alice; Path=/"})
        tracking.set_response("/old.xml", 302, headers={"Location": tracking.url("/feed.xml"),
                                                        "Set-Cookie": "hop=1; Path=/"})
        other.set_feed("/feed.xml", body)

        async def run():
            fetcher = Fetcher()
            try:
                moved = await fetcher.fetch(tracking.url("/old.xml"))  # a redirect still works
                again = await fetcher.fetch(tracking.url("/feed.xml"))
                elsewhere = await fetcher.fetch(other.url("/feed.xml"))
                return moved, again, elsewhere
            finally:
                await fetcher.aclose()

        moved, again, elsewhere = asyncio.run(run())
        assert moved.body == body and again.status == 200 and elsewhere.body == body
        assert tracking.hits("/feed.xml") == 2  # the server did set its cookies
        seen = [(r.path, r.headers.get("Cookie")) for r in tracking.requests + other.requests]
        assert all(cookie is None for _, cookie in seen), seen
