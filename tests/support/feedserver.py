"""A threaded HTTP server on 127.0.0.1 that serves feeds from memory, for the tests and benchmarks.

They need real HTTP (conditional GET, gzip, redirects, TLS, slow or hostile handlers, a record
of every request) without the internet, so this is stdlib only. ``tracker demo`` has its own
small server (tracker/demo_server.py).
"""

from __future__ import annotations

import gzip
import hashlib
import socket
import ssl
import sys
import threading
from collections import Counter, deque
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable

__all__ = ["FeedServer", "RequestRecord", "Handler"]

Handler = Callable[[BaseHTTPRequestHandler, threading.Event], None]


class _Headers(dict):
    """A plain dict whose lookups ignore case, as HTTP header names do."""

    def __init__(self, pairs=()):
        super().__init__()
        for k, v in pairs:
            k = k.lower()
            super().__setitem__(k, f"{self[k]}, {v}" if k in self else v)

    def __getitem__(self, key):
        return super().__getitem__(key.lower())

    def __contains__(self, key):
        return isinstance(key, str) and super().__contains__(key.lower())

    def get(self, key, default=None):
        return super().get(key.lower(), default)


@dataclass
class RequestRecord:
    path: str  # as requested, query string included
    method: str
    headers: dict  # case-insensitive lookups
    status: int | None = None  # None until the response status was sent


@dataclass
class _Feed:
    body: bytes
    gzipped: bytes | None
    content_type: str
    etag: str | None
    last_modified: datetime | None
    extra_headers: dict = field(default_factory=dict)


@dataclass
class _Fixed:
    status: int
    body: bytes
    headers: dict


@dataclass
class _Custom:
    fn: Handler


def _accepts_gzip(value: str | None) -> bool:
    for part in (value or "").split(","):
        name, _, params = part.strip().partition(";")
        if name.strip().lower() in ("gzip", "x-gzip", "*"):
            q = params.strip().replace(" ", "")
            if q.startswith("q="):
                try:
                    return float(q[2:]) > 0
                except ValueError:
                    return False
            return True
    return False


def _etag_matches(header: str, etag: str) -> bool:
    # Weak comparison (RFC 9110 13.1.2): W/"x" matches "x".
    if header.strip() == "*":
        return True
    bare = etag.removeprefix("W/")
    return any(t.strip().removeprefix("W/") == bare for t in header.split(","))


class _RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive; every built-in response has Content-Length
    server_version = "tracker-feedserver/1"
    sys_version = ""
    # An idle kept-alive connection must not pin a thread forever.
    timeout = 30
    # Headers and body go out in separate writes; with Nagle on, the body waits for
    # the client's delayed ACK and every kept-alive request costs ~40 ms.
    disable_nagle_algorithm = True

    server: "_Server"

    def log_message(self, format, *args):
        pass

    def send_response(self, code, message=None):
        # Record before the status line is even buffered: a client that has its
        # response can rely on hits()/requests already showing the request.
        if self._record is not None:
            self._record.status = code
        super().send_response(code, message)

    def setup(self):
        super().setup()
        self._record = None
        self.server.owner._track(self.connection, True)

    def handle_one_request(self):
        # On a kept-alive connection a malformed next request is answered by
        # send_error() before _dispatch runs; it must not rewrite the last record.
        self._record = None
        super().handle_one_request()

    def finish(self):
        try:
            super().finish()
        finally:
            self.server.owner._track(self.connection, False)

    def _dispatch(self):
        owner = self.server.owner
        self._record = RequestRecord(self.path, self.command, _Headers(self.headers.items()))
        owner._log(self._record)
        route = owner._route(self.path)
        if route is None:
            self._fixed(_Fixed(404, b"not found\n", {"Content-Type": "text/plain; charset=utf-8"}))
        elif isinstance(route, _Feed):
            self._feed(route)
        elif isinstance(route, _Fixed):
            self._fixed(route)
        else:
            try:
                route.fn(self, owner._stop)
            finally:
                # We cannot know how the handler framed its body (if at all), so the
                # connection must not be reused.
                self.close_connection = True
                try:
                    self.wfile.flush()
                except OSError:
                    pass

    do_GET = do_HEAD = do_POST = do_PUT = do_DELETE = do_OPTIONS = _dispatch

    def _body(self, body: bytes):
        if self.command != "HEAD":
            self.wfile.write(body)

    def _fixed(self, r: _Fixed):
        self.send_response(r.status)
        names = {k.lower() for k in r.headers}
        for k, v in r.headers.items():
            self.send_header(k, str(v))
        no_body = r.status in (204, 304) or 100 <= r.status < 200
        if not no_body and "content-length" not in names:
            self.send_header("Content-Length", str(len(r.body)))
        self.end_headers()
        if not no_body:
            self._body(r.body)

    def _not_modified(self, f: _Feed) -> bool:
        inm = self.headers.get("If-None-Match")
        # RFC 9110 13.1.3: with If-None-Match present, If-Modified-Since is ignored.
        # That matters here: two set_feed calls in the same second share a
        # Last-Modified, and only the ETag tells them apart.
        if inm is not None:
            return f.etag is not None and _etag_matches(inm, f.etag)
        ims = self.headers.get("If-Modified-Since")
        if ims is None or f.last_modified is None:
            return False
        try:
            since = parsedate_to_datetime(ims)
        except (TypeError, ValueError, IndexError):
            return False
        if since.tzinfo is None:
            since = since.replace(tzinfo=timezone.utc)
        return since >= f.last_modified

    def _feed(self, f: _Feed):
        common = dict(f.extra_headers)
        if f.etag is not None:
            common["ETag"] = f.etag
        if f.last_modified is not None:
            common["Last-Modified"] = format_datetime(f.last_modified, usegmt=True)
        if f.gzipped is not None:
            common["Vary"] = "Accept-Encoding"
        if self.command in ("GET", "HEAD") and self._not_modified(f):
            self.send_response(304)
            for k, v in common.items():
                self.send_header(k, v)
            self.end_headers()
            return
        body = f.body
        self.send_response(200)
        self.send_header("Content-Type", f.content_type)
        if f.gzipped is not None and _accepts_gzip(self.headers.get("Accept-Encoding")):
            body = f.gzipped
            self.send_header("Content-Encoding", "gzip")
        for k, v in common.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self._body(body)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # server_close() would otherwise join every handler thread, including one
    # stuck in a slow response; stop() must return promptly.
    block_on_close = False
    # Benchmarks open ~200 connections at once; the default backlog (5) would make
    # the kernel drop SYNs and clients see multi-second connect retries.
    request_queue_size = 1024
    allow_reuse_address = True
    owner: "FeedServer"

    def handle_error(self, request, client_address):
        exc = sys.exc_info()[1]
        # Clients that hang up and stop() tearing connections down are normal here.
        if isinstance(exc, (ConnectionError, TimeoutError, socket.timeout)) or self.owner._stop.is_set():
            return
        super().handle_error(request, client_address)


class FeedServer:
    """Serve feeds, fixed responses and custom handlers on 127.0.0.1.

    Usage::

        with FeedServer() as srv:
            srv.set_feed("/feed.xml", feedgen.rss(items))
            httpx.get(srv.url("/feed.xml"))
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 0, max_records: int = 100_000,
                 tls: ssl.SSLContext | None = None):
        """tls: a server-side context (certificate loaded) to serve https instead."""
        self._host, self._port, self._tls = host, port, tls
        self._lock = threading.Lock()
        self._routes: dict[str, _Feed | _Fixed | _Custom] = {}
        # Bounded so a long demo or a benchmark does not grow memory without end;
        # hits() uses its own counter and stays exact past the bound.
        self._requests: deque[RequestRecord] = deque(maxlen=max_records)
        self._hits: Counter[str] = Counter()
        self._conns: set[socket.socket] = set()
        self._stop = threading.Event()
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None

    # --- lifecycle ---------------------------------------------------------------

    def start(self) -> "FeedServer":
        if self._httpd is not None:
            return self
        # A fresh event: a handler left over from a previous run keeps seeing its own
        # (set) event and goes on ending.
        self._stop = threading.Event()
        httpd = _Server((self._host, self._port), _RequestHandler)
        httpd.owner = self
        if self._tls is not None:
            # The handshake on the handler's thread at its first read, not in accept(): a
            # client that never completes one must not hold up the others.
            httpd.socket = self._tls.wrap_socket(httpd.socket, server_side=True, do_handshake_on_connect=False)
        self._httpd = httpd
        # Short poll interval: shutdown() waits for the loop to notice.
        self._thread = threading.Thread(
            target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, name=f"FeedServer:{self.port}", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        httpd, self._httpd = self._httpd, None
        if httpd is None:
            return
        self._stop.set()
        httpd.shutdown()
        httpd.server_close()
        # Wake handler threads blocked on a kept-alive connection or a slow client.
        with self._lock:
            conns = list(self._conns)
        for c in conns:
            try:
                c.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        if self._thread is not None:
            self._thread.join(timeout=1)
            self._thread = None

    def __enter__(self) -> "FeedServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # --- addresses ---------------------------------------------------------------

    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError("FeedServer is not running; call start() first")
        return self._httpd.server_address[1]

    @property
    def base_url(self) -> str:
        return f"{'https' if self._tls else 'http'}://{self._host}:{self.port}"

    def url(self, path: str) -> str:
        return self.base_url + (path if path.startswith("/") else "/" + path)

    @property
    def stop_event(self) -> threading.Event:
        return self._stop

    # --- routes ------------------------------------------------------------------

    def set_feed(
        self,
        path: str,
        body: bytes,
        content_type: str = "application/rss+xml; charset=utf-8",
        etag: bool = True,
        last_modified: datetime | None = None,
        gzip_ok: bool = True,
        send_last_modified: bool = True,
        headers: dict | None = None,
    ) -> None:
        """Serve ``body`` with validators. ``send_last_modified=False`` (with
        ``etag=False``) imitates a server a client can only refetch in full."""
        lm = None
        if send_last_modified:
            lm = last_modified or datetime.now(timezone.utc)
            if lm.tzinfo is None:
                raise ValueError("last_modified must be timezone-aware")
            # HTTP dates have one-second resolution; compare as the client will see it.
            lm = lm.astimezone(timezone.utc).replace(microsecond=0)
        feed = _Feed(
            body=body,
            gzipped=gzip.compress(body, mtime=0) if gzip_ok else None,
            content_type=content_type,
            etag=f'"{hashlib.sha256(body).hexdigest()[:32]}"' if etag else None,
            last_modified=lm,
            extra_headers=dict(headers or {}),
        )
        with self._lock:
            self._routes[path] = feed

    def set_response(self, path: str, status: int, body: bytes = b"", headers: dict | None = None) -> None:
        """Answer with a fixed status, e.g. 404, 410, 500, 429 + Retry-After, 301 + Location.
        Content-Length is added unless ``headers`` sets one."""
        with self._lock:
            self._routes[path] = _Fixed(status, body, dict(headers or {}))

    def set_handler(self, path: str, fn: Handler) -> None:
        """``fn(request_handler, stop_event)`` writes the whole response itself. It
        should return once ``stop_event`` is set (use ``stop_event.wait(t)`` to sleep).
        The connection is closed afterwards, so the body may be close-delimited."""
        with self._lock:
            self._routes[path] = _Custom(fn)

    def remove(self, path: str) -> None:
        with self._lock:
            self._routes.pop(path, None)

    def _route(self, path: str):
        with self._lock:
            r = self._routes.get(path)
            if r is None and "?" in path:
                r = self._routes.get(path.split("?", 1)[0])
            return r

    # --- observation -------------------------------------------------------------

    def _log(self, rec: RequestRecord) -> None:
        with self._lock:
            self._requests.append(rec)
            self._hits[rec.path] += 1

    def _track(self, conn: socket.socket, opened: bool) -> None:
        with self._lock:
            if opened:
                self._conns.add(conn)
            else:
                self._conns.discard(conn)

    @property
    def requests(self) -> list[RequestRecord]:
        """A snapshot of the requests received so far (the last ``max_records``), oldest first."""
        with self._lock:
            return list(self._requests)

    def hits(self, path: str) -> int:
        """Requests for ``path``; a path without a query also counts requests for it
        with any query string."""
        with self._lock:
            return sum(n for p, n in self._hits.items() if p == path or p.split("?", 1)[0] == path)

    def clear_requests(self) -> None:
        """Forget requests and hits so far."""
        with self._lock:
            self._requests.clear()
            self._hits.clear()
