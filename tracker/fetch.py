"""HTTP for feeds: conditional GET, hard limits, and errors in words a user understands.

Every byte comes from a stranger's server, so: one total deadline per fetch (a server that
trickles one byte a second never trips a read timeout), a cap on the DECODED size (we
decompress ourselves, in bounded steps, so a gzip bomb cannot expand in one go), a bounded
number of redirects, and only http(s) anywhere.
"""

from __future__ import annotations

import asyncio
import os
import ssl
import sys
import threading
import time
import zlib
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from http.cookiejar import CookieJar, DefaultCookiePolicy

try:
    import sniffio  # noqa: F401
except ImportError:
    # httpcore tries `import sniffio` about six times per request; a failed import is not
    # cached, so each try scans sys.path (~1.3 ms a request, a third of a 304-only poll's CPU).
    # None in sys.modules makes the same ImportError immediate.
    sys.modules.setdefault("sniffio", None)
# httpx imports its command-line client (click, rich, pygments: ~40 ms, ~10 MB) only to
# offer httpx.main, and falls back to a stub when that import fails. tracker never calls it.
sys.modules.setdefault("httpx._main", None)

import httpx

from . import __version__
from .errors import FeedError
from .model import FetchResult, PollSettings

USER_AGENT = f"tracker/{__version__} (news story dashboard; +https://pypi.org/project/tracker/)"
ACCEPT = ("application/rss+xml, application/atom+xml, application/feed+json, application/rdf+xml;q=0.9, "
          "application/xml;q=0.8, text/xml;q=0.8, */*;q=0.1")
MAX_REDIRECTS = 5
CHUNK = 64 * 1024
MAX_RETRY_AFTER = 7 * 86400  # a server may pause us, not switch the feed off for good


def parse_retry_after(value: str | None, now: datetime) -> datetime | None:
    """Retry-After is either seconds or an HTTP date; anything else is ignored."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return now + timedelta(seconds=min(int(value), MAX_RETRY_AFTER))
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    # A date in year 9999 would otherwise stop the feed forever (and overflow date arithmetic).
    return min(when, now + timedelta(seconds=MAX_RETRY_AFTER))


class _Decoder:
    """gzip/deflate decoding that never produces more than `limit` bytes in all."""

    def __init__(self, encoding: str, limit: int):
        encoding = encoding.strip().lower()
        if encoding in ("", "identity"):
            self._z = None
        elif encoding in ("gzip", "x-gzip", "deflate"):
            self._z = zlib.decompressobj(zlib.MAX_WBITS | 32)  # auto-detects gzip and zlib headers
            # "deflate" is meant to be zlib-wrapped, but some servers send a raw deflate stream.
            self._raw_ok = encoding == "deflate"
        else:
            raise FeedError(f"the server sent the feed in an encoding tracker cannot read ({encoding})")
        self.limit = limit
        self.out = bytearray()

    def feed(self, data: bytes) -> None:
        if self._z is None:
            self.out += data
        else:
            while data:
                room = self.limit - len(self.out) + 1
                try:
                    self.out += self._z.decompress(data, room)
                except zlib.error:
                    if self._raw_ok and not self.out:
                        self._raw_ok = False
                        self._z = zlib.decompressobj(-zlib.MAX_WBITS)
                        continue
                    raise FeedError("the server sent a broken compressed (gzip) body") from None
                data = self._z.unconsumed_tail
                if len(self.out) > self.limit:
                    break
        if len(self.out) > self.limit:
            raise FeedError(f"the feed is larger than {_size(self.limit)}; tracker stopped reading it")


class _Certificates(ssl.SSLContext):
    """The TLS context httpx makes by default (verified, with the CA certificates named by
    SSL_CERT_FILE or SSL_CERT_DIR, else certifi's), except that the certificates are read at
    the first TLS handshake instead of when the client is made: reading them is 20-40 ms of
    a poll's start-up, which a poll of http:// feeds never needs. A file that cannot be read
    fails the https feeds' fetches, in words, not the whole poll."""

    def __new__(cls):
        return super().__new__(cls, ssl.PROTOCOL_TLS_CLIENT)  # CERT_REQUIRED, check_hostname

    def __init__(self):
        self._lock = threading.Lock()
        self._loaded = False
        if hasattr(self, "keylog_filename") and os.environ.get("SSLKEYLOGFILE") and not sys.flags.ignore_environment:
            self.keylog_filename = os.environ["SSLKEYLOGFILE"]  # as ssl.create_default_context does

    def _load(self) -> None:
        with self._lock:
            if self._loaded:
                return
            where = os.environ.get("SSL_CERT_FILE") or os.environ.get("SSL_CERT_DIR")
            try:
                if os.environ.get("SSL_CERT_FILE"):
                    self.load_verify_locations(cafile=where)
                elif where:
                    self.load_verify_locations(capath=where)
                else:
                    import certifi
                    where = certifi.where()
                    self.load_verify_locations(cafile=where)
            except OSError as e:  # ssl.SSLError included: httpcore makes it a ConnectError
                raise ssl.SSLError(f"cannot read the CA certificates in {where}: {e.strerror or e}") from None
            self._loaded = True

    # anyio wraps a connection's socket in a BIO for the handshake (wrap_socket: for sync use)
    def wrap_bio(self, *args, **kwargs):
        self._load()
        return super().wrap_bio(*args, **kwargs)

    def wrap_socket(self, *args, **kwargs):
        self._load()
        return super().wrap_socket(*args, **kwargs)


def _quick_readability_check() -> None:
    """Before placing each request, httpcore asks every idle connection in its pool whether
    its socket has turned readable (the server closed it), and anyio answers from a dict of
    all the socket's attributes that it builds anew for each question, getpeername() and
    all: ~20 us a connection, twice a request, for each pooled connection. The socket is
    the same for the stream's life, so it is looked up once: a tenth of the CPU of a poll
    whose feeds all answer 304. With another httpcore than the
    one this was written against, its own check stays."""
    try:
        from anyio.abc import SocketAttribute
        from httpcore._backends.anyio import AnyIOStream
        from httpcore._utils import is_socket_readable
    except ImportError:
        return
    ask = AnyIOStream.get_extra_info
    if getattr(ask, "_tracker", False):
        return

    def get_extra_info(self, info: str):
        if info != "is_readable":
            return ask(self, info)
        sock = getattr(self, "_tracker_socket", None)
        if sock is None:
            stream = getattr(self, "_stream", None)  # the anyio stream, in the httpcore this knows
            sock = stream.extra(SocketAttribute.raw_socket, None) if stream is not None else None
            if sock is None:
                return ask(self, info)
            try:
                self._tracker_socket = sock
            except AttributeError:  # a class with __slots__: asked again next time
                pass
        return is_socket_readable(sock)

    get_extra_info._tracker = True
    AnyIOStream.get_extra_info = get_extra_info


class Fetcher:
    """One shared client per poller: connections are reused across feeds and polls."""

    def __init__(self, settings: PollSettings | None = None, *, client: httpx.AsyncClient | None = None):
        self.settings = settings or PollSettings()
        _quick_readability_check()
        self.client = client or httpx.AsyncClient(
            headers={"User-Agent": USER_AGENT, "Accept": ACCEPT, "Accept-Encoding": "gzip, deflate"},
            timeout=httpx.Timeout(connect=10.0, read=20.0, write=10.0, pool=None),
            limits=httpx.Limits(max_connections=self.settings.concurrency * 2,
                                max_keepalive_connections=self.settings.concurrency * 2),
            follow_redirects=False,  # followed by hand: bounded, http(s) only, and we see 301 vs 302
            verify=_Certificates(),
            # Feeds need no cookies, and one shared jar would hand a cookie set by one feed's
            # server to every other feed on that host: a jar that accepts none.
            cookies=CookieJar(DefaultCookiePolicy(allowed_domains=[])),
        )

    async def aclose(self) -> None:
        await self.client.aclose()

    async def fetch(self, url: str, etag: str | None = None, last_modified: str | None = None,
                    now: datetime | None = None, accept: str | None = None) -> FetchResult:
        started = time.monotonic()
        deadline = self.settings.timeout
        try:
            async with asyncio.timeout(deadline):
                return await self._fetch(url, etag, last_modified, started, now or datetime.now(timezone.utc),
                                         accept)
        except TimeoutError:
            raise FeedError(f"no complete answer within {deadline:g} s (the server is too slow or not answering)") from None
        except httpx.ConnectError as e:
            raise FeedError(f"cannot connect to the server ({_reason(e)})") from None
        except httpx.TimeoutException:
            raise FeedError("the server stopped answering (timed out)") from None
        except httpx.RemoteProtocolError as e:
            raise FeedError(f"the server broke off the answer ({_reason(e)})") from None
        except httpx.HTTPError as e:
            raise FeedError(f"HTTP error: {_reason(e)}") from None

    async def _fetch(self, url, etag, last_modified, started, now, accept=None) -> FetchResult:
        headers = {"Accept": accept} if accept else {}  # a web page, not a feed (fulltext.py)
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        moved_to, permanent = None, True
        for _ in range(MAX_REDIRECTS + 1):
            request = self.client.build_request("GET", url, headers=headers)
            response = await self.client.send(request, stream=True)
            try:
                status = response.status_code
                if status in (301, 302, 303, 307, 308) and "location" in response.headers:
                    target = response.url.join(response.headers["location"])
                    if target.scheme not in ("http", "https"):
                        raise FeedError(f"the server redirected to a non-web address ({target.scheme}:)", status)
                    permanent = permanent and status in (301, 308)
                    url = str(target)
                    moved_to = url if permanent else None
                    continue
                common = dict(status=status, url=url, moved_to=moved_to,
                              etag=response.headers.get("etag"),
                              last_modified=response.headers.get("last-modified"),
                              content_type=response.headers.get("content-type", ""))
                if status == 304:
                    # h11 only marks the (empty) body finished once it is read; closing before
                    # that drops the connection, and every 304 would cost a new one.
                    await response.aread()
                    return FetchResult(body=None, duration=time.monotonic() - started, **common)
                if status >= 400 or status < 200 or status in (204, 205):
                    raise _status_error(response, now)
                body = await self._read(response)
                return FetchResult(body=body, duration=time.monotonic() - started, size=len(body), **common)
            finally:
                await response.aclose()
        raise FeedError(f"too many redirects (more than {MAX_REDIRECTS}); the feed's address may loop")

    async def _read(self, response: httpx.Response) -> bytes:
        limit = self.settings.max_bytes
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit and not response.headers.get("content-encoding"):
            raise FeedError(f"the feed is larger than {_size(limit)} "
                            f"({_size(int(declared))} announced); tracker did not download it")
        decoder = _Decoder(response.headers.get("content-encoding", ""), limit)
        raw = 0
        async for chunk in response.aiter_raw(CHUNK):
            raw += len(chunk)
            if raw > limit:
                raise FeedError(f"the feed is larger than {_size(limit)}; tracker stopped reading it")
            decoder.feed(chunk)
        if not decoder.out:
            raise FeedError("the server answered with an empty body")
        return bytes(decoder.out)


def _status_error(response: httpx.Response, now: datetime) -> FeedError:
    status = response.status_code
    reason = response.reason_phrase or ""
    retry_after = parse_retry_after(response.headers.get("retry-after"), now)
    wait = retry_after and max(0, (retry_after - now).total_seconds())
    if status == 410:
        return FeedError("the feed is gone (HTTP 410): the server says it was removed for good; "
                         "tracker stopped polling it", status)
    if status == 429:
        return FeedError("rate-limited by the server (HTTP 429)"
                         + (f"; asked to wait {_seconds(wait)}" if wait else ""), status, wait)
    if status == 503:
        return FeedError("the server is unavailable (HTTP 503)"
                         + (f"; asked to wait {_seconds(wait)}" if wait else ""), status, wait)
    if status == 404:
        return FeedError("the feed was not found (HTTP 404): check its URL", status)
    if status in (401, 403):
        return FeedError(f"the server refused access (HTTP {status} {reason})", status)
    if status >= 500:
        return FeedError(f"the server failed (HTTP {status} {reason})", status)
    return FeedError(f"unexpected answer HTTP {status} {reason}".strip(), status)


def _size(n: int) -> str:
    # max_bytes may be set below a megabyte; "larger than 0 MB" would read as a bug.
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.3g} MB"
    return f"{max(1, round(n / 1024))} KB"


def _seconds(s: float) -> str:
    if s < 120:
        return f"{s:.0f} s"
    if s < 7200:
        return f"{s / 60:.0f} min"
    return f"{s / 3600:.1f} h"


def _reason(e: Exception) -> str:
    text = str(e) or type(e).__name__
    return text.splitlines()[0][:200]
