"""Delivering notifications to services through apprise ([notify] urls): ntfy, e-mail,
Matrix, a JSON webhook and dozens more.

One background thread sends; `send()` only queues, so a poll never waits on a service. Each
URL is its own apprise object: one service failing is retried (with backoff) without sending
the message again to those that took it. At most `per_minute` messages go out a minute; the
rest are held and go out as one "and K more" message when the minute has passed.

apprise is imported here only, and only in the sending thread: it costs ~0.3 s of imports
that neither the dashboard's start nor a poll should pay. Bodies are sent as plain text
(body_format=text): apprise then escapes them for services that render Markdown or HTML,
so a headline cannot inject markup. The caller cleans them first (tracker/text.py).
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Callable, Sequence

from .text import clean_text

log = logging.getLogger(__name__)

PER_MINUTE = 5
BACKOFF = (30.0, 120.0, 600.0, 1800.0)  # seconds before each retry of a failed delivery; then given up
TIMEOUT = 10.0  # seconds to connect, and to read the answer, per service
MAX_HELD = 1000  # messages held back by the rate limit; beyond this only counted


@dataclass
class Message:
    title: str
    body: str


@dataclass(order=True)
class _Retry:
    due: float
    attempt: int = field(compare=False)
    url: str = field(compare=False)
    message: Message = field(compare=False)


class Sender:
    def __init__(self, urls: Sequence[str], *, per_minute: int = PER_MINUTE,
                 backoff: Sequence[float] = BACKOFF, timeout: float = TIMEOUT,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.urls = list(urls)
        self.per_minute = max(1, per_minute)
        self.backoff = tuple(backoff)
        self.timeout = timeout
        self.clock = clock
        self._queue: deque[Message] = deque()
        self._held: list[Message] = []
        self._held_count = 0
        self._sent: deque[float] = deque()  # when each of the last minute's messages went out
        self._retries: list[_Retry] = []
        self._wake = threading.Condition()
        self._closed = False
        self._thread: threading.Thread | None = None
        self.delivered = 0  # (message, url) pairs a service accepted; for logs and tests
        self.failed = 0

    def send(self, title: str, body: str) -> None:
        """Queue a message for every URL; returns at once."""
        with self._wake:
            if self._closed:
                return
            self._queue.append(Message(clean_text(title, 250), body))
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="tracker-alerts", daemon=True)
                self._thread.start()
            self._wake.notify()

    def close(self, timeout: float = 2.0) -> None:
        """Stop; what is still queued or waiting for a retry is dropped (logged)."""
        with self._wake:
            self._closed = True
            self._wake.notify()
            left = len(self._queue) + len(self._retries) + self._held_count
        if self._thread is not None:
            self._thread.join(timeout)
        if left:
            log.info("notifications: %d undelivered at exit", left)

    # ------------------------------------------------------------------ the sending thread
    def _run(self) -> None:
        try:
            import apprise  # noqa: F401  (here, not at start-up: see the module's docstring)
        except ImportError as e:
            log.warning("notifications to [notify] urls need apprise: %s", e)
            return
        services: dict[str, object] = {}
        while True:
            with self._wake:
                job = self._next_job()
                while job is None and not self._closed:
                    self._wake.wait(self._wait_time())
                    job = self._next_job()
                if job is None:
                    return
            kind, payload = job
            if kind == "retry":
                self._deliver(services, payload.url, payload.message, payload.attempt)
            else:
                for url in self.urls:
                    self._deliver(services, url, payload, 0)

    def _next_job(self):
        """(kind, payload) due now, or None. Called with the lock held."""
        now = self.clock()
        if self._retries:
            self._retries.sort()
            if self._retries[0].due <= now:
                return "retry", self._retries.pop(0)
        while self._sent and self._sent[0] <= now - 60.0:
            self._sent.popleft()
        room = self.per_minute - len(self._sent)
        while self._queue:
            if room <= 0:
                # Over the limit: hold the rest back; they go out together in a minute.
                if len(self._held) < MAX_HELD:
                    self._held.append(self._queue.popleft())
                else:
                    self._queue.popleft()
                self._held_count += 1
                continue
            self._sent.append(now)
            return "new", self._queue.popleft()
        if self._held_count and room > 0:
            held, count = self._held, self._held_count
            self._held, self._held_count = [], 0
            self._sent.append(now)
            return "new", _summary(held, count)
        return None

    def _wait_time(self) -> float | None:
        now = self.clock()
        due = [r.due - now for r in self._retries]
        if self._held_count and self._sent:
            due.append(self._sent[0] + 60.0 - now)
        return max(0.01, min(due)) if due else None

    def _deliver(self, services: dict, url: str, message: Message, attempt: int) -> None:
        import apprise

        service = services.get(url)
        if service is None:
            service = apprise.Apprise()
            # Timeouts by URL parameter, apprise's own way (cto = connect, rto = read).
            sep = "&" if "?" in url else "?"
            if not service.add(f"{url}{sep}cto={self.timeout:g}&rto={self.timeout:g}"):
                log.warning("notifications: apprise does not know the URL %s", _shown(url))
                return
            services[url] = service
        try:
            ok = service.notify(body=message.body, title=message.title,
                                body_format=apprise.NotifyFormat.TEXT, interpret_escapes=False)
        except Exception as e:  # a plugin's bug must not end the thread
            log.warning("notifications: %s failed: %s", _shown(url), clean_text(str(e), 200))
            ok = False
        if ok:
            self.delivered += 1
            return
        self.failed += 1
        if attempt < len(self.backoff):
            wait = self.backoff[attempt]
            log.warning("notifications: %s did not take %r; trying again in %gs",
                        _shown(url), message.title, wait)
            with self._wake:
                self._retries.append(_Retry(self.clock() + wait, attempt + 1, url, message))
        else:
            log.warning("notifications: %s did not take %r after %d tries; given up",
                        _shown(url), message.title, attempt + 1)


def _summary(held: list[Message], count: int) -> Message:
    lines = [m.body.split("\n", 1)[0] for m in held[:5]]
    if count > len(lines):
        lines.append(f"… and {count - len(lines)} more")
    return Message(f"and {count} more", "\n".join(lines))


def _shown(url: str) -> str:
    """The URL's scheme and host only: its path or user part may hold a token or password."""
    scheme, _, rest = url.partition("://")
    host = rest.split("/", 1)[0].rsplit("@", 1)[-1]
    return clean_text(f"{scheme}://{host}", 120)
