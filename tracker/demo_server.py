"""`tracker demo`'s feed server: synthetic feeds from memory on 127.0.0.1, kept moving.

Small on purpose: one route kind (a body with its ETag, answered 304 when it matches), no TLS,
no request log. The tests' server with hostile handlers is ``tests/support/feedserver.py``.
"""

from __future__ import annotations

import hashlib
import threading
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable

from . import feedgen

__all__ = ["DemoServer", "DemoPublisher"]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive; every response has a Content-Length
    server_version = "tracker-demo/1"
    sys_version = ""
    timeout = 30  # an idle kept-alive connection must not pin a thread forever
    disable_nagle_algorithm = True  # else each kept-alive response waits ~40 ms for a delayed ACK

    server: "_Server"

    def log_message(self, format, *args):
        pass  # the dashboard owns the terminal

    def do_GET(self):
        route = self.server.owner._route(self.path.split("?", 1)[0])
        if route is None:
            body, ctype, etag, status = b"not found\n", "text/plain; charset=utf-8", None, 404
        else:
            body, ctype, etag = route
            status = 304 if etag and etag in (self.headers.get("If-None-Match") or "") else 200
        self.send_response(status)
        if etag:
            self.send_header("ETag", etag)
        if status != 304:
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if status != 304 and self.command != "HEAD":
            self.wfile.write(body)

    do_HEAD = do_GET


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # stop() must not wait for a client that keeps its connection open
    owner: "DemoServer"


class DemoServer:
    """Serve in-memory documents on 127.0.0.1 (a free port), with an ETag each."""

    def __init__(self, host: str = "127.0.0.1"):
        self._host = host
        self._lock = threading.Lock()
        self._routes: dict[str, tuple[bytes, str, str]] = {}
        self._httpd: _Server | None = None

    def start(self) -> "DemoServer":
        if self._httpd is None:
            self._httpd = _Server((self._host, 0), _Handler)
            self._httpd.owner = self
            threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05},
                             name="tracker-demo-server", daemon=True).start()
        return self

    def stop(self) -> None:
        httpd, self._httpd = self._httpd, None
        if httpd is not None:
            httpd.shutdown()
            httpd.server_close()

    def __enter__(self) -> "DemoServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        if self._httpd is None:
            raise RuntimeError("DemoServer is not running; call start() first")
        return f"http://{self._host}:{self._httpd.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base_url + (path if path.startswith("/") else "/" + path)

    def set_feed(self, path: str, body: bytes, content_type: str = "application/rss+xml; charset=utf-8") -> None:
        etag = f'"{hashlib.sha256(body).hexdigest()[:32]}"'
        with self._lock:
            self._routes[path] = (body, content_type, etag)

    def remove(self, path: str) -> None:
        with self._lock:
            self._routes.pop(path, None)

    def _route(self, path: str):
        with self._lock:
            return self._routes.get(path)


class DemoPublisher:
    """Keeps three synthetic feeds on a DemoServer (or the tests' FeedServer) moving, for ``tracker demo``.

    - ``/wire.xml``: RSS, titles end in " - Outlet" like Google News;
    - ``/defense.xml``: Atom;
    - ``/tech.xml``: RSS mixing story items with off-story ones.

    ``publish(n)`` adds n story items dated now to the next feed in turn.
    """

    MAX_ITEMS = 50

    def __init__(
        self,
        server: DemoServer,
        seed: int = 0,
        initial: int = 3,
        clock: Callable[[], datetime] | None = None,
    ):
        self.server = server
        self.seed = seed
        self._clock = clock or (lambda: datetime.now(timezone.utc))
        self._lock = threading.Lock()
        self._next_story = 1
        self._next_off = 1
        self._turn = 0
        # name -> (writer, outlet_suffix, title); order is the round-robin order.
        self._spec = {
            "/wire.xml": (feedgen.rss, True, "[DEMO] Wire: Anthropic and the Pentagon"),
            "/defense.xml": (feedgen.atom, False, "[DEMO] Defense desk"),
            "/tech.xml": (feedgen.rss, False, "[DEMO] Tech desk"),
        }
        self._items: dict[str, list[feedgen.FeedItem]] = {p: [] for p in self._spec}
        now = self._clock()
        with self._lock:
            # A backlog dated in the past hour, so a fresh dashboard is not empty.
            for j, path in enumerate(self._spec):
                start = now - timedelta(minutes=60 - 5 * j)
                self._add(path, self._story(initial, start, path, timedelta(minutes=12)))
            self._add("/tech.xml", self._off(max(initial - 1, 1), now - timedelta(minutes=50)))
            for path in self._spec:
                self._publish_feed(path)

    @property
    def feed_paths(self) -> list[str]:
        return list(self._spec)

    @property
    def feed_urls(self) -> dict[str, str]:
        """Suggested feed name -> URL, for writing a demo config."""
        names = {"/wire.xml": "Demo Wire", "/defense.xml": "Demo Defense", "/tech.xml": "Demo Tech"}
        return {names[p]: self.server.url(p) for p in self._spec}

    def items(self, path: str) -> list[feedgen.FeedItem]:
        """The feed's current items, newest first (as served)."""
        with self._lock:
            return list(self._items[path])

    def publish(self, n: int = 1) -> list[feedgen.FeedItem]:
        """Add n story items, dated now, to the next feed in turn; returns them."""
        with self._lock:
            path = self.feed_paths[self._turn % len(self._spec)]
            self._turn += 1
            now = self._clock()
            # Spread them a second apart so their order is unambiguous.
            new = self._story(n, now - timedelta(seconds=max(n - 1, 0)), path, timedelta(seconds=1))
            self._add(path, new)
            self._publish_feed(path)
            return new

    def publish_off_story(self, n: int = 1) -> list[feedgen.FeedItem]:
        """Add n off-story items to /tech.xml (the dashboard should ignore them)."""
        with self._lock:
            now = self._clock()
            new = self._off(n, now - timedelta(seconds=max(n - 1, 0)), timedelta(seconds=1))
            self._add("/tech.xml", new)
            self._publish_feed("/tech.xml")
            return new

    def _story(self, n, start, path, interval):
        items = feedgen.story_items(
            n,
            start,
            base_url=self.server.base_url,
            seed=self.seed,
            outlet_suffix=self._spec[path][1],
            first=self._next_story,
            interval=interval,
        )
        self._next_story += n
        return items

    def _off(self, n, start, interval=timedelta(minutes=11)):
        items = feedgen.off_story_items(
            n, start, base_url=self.server.base_url, seed=self.seed, first=self._next_off, interval=interval
        )
        self._next_off += n
        return items

    def _add(self, path, items):
        # Trim by date, not by insertion: the backlog of off-story items is older
        # than the story items added before it.
        merged = sorted(self._items[path] + list(items), key=lambda i: i.published, reverse=True)
        self._items[path] = merged[: self.MAX_ITEMS]
        # The page behind each report the feed lists, for the reader view (and no others).
        for item in merged[self.MAX_ITEMS:]:
            if page := self._page_path(item):
                self.server.remove(page)
        for item in items:
            if (page := self._page_path(item)) and item in self._items[path]:
                self.server.set_feed(page, feedgen.article_page(item), content_type="text/html; charset=utf-8")

    def _page_path(self, item) -> str | None:
        base = self.server.base_url
        if item.link and item.link.startswith(base) and "/off-" not in item.link:
            return item.link[len(base):]
        return None

    def _publish_feed(self, path):
        writer, _, title = self._spec[path]
        body = writer(self._items[path], title=title, link=self.server.url("/"))
        ctype = "application/atom+xml; charset=utf-8" if writer is feedgen.atom else "application/rss+xml; charset=utf-8"
        self.server.set_feed(path, body, content_type=ctype)
