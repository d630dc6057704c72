"""Alerts through apprise ([notify] urls), received by a real loopback HTTP endpoint that
apprise's json:// posts to: one per new development, cleaned, rate-limited, retried."""

from __future__ import annotations

import json
import threading
import time
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace

import pytest

from tracker.alerts import Sender
from tracker.notify import Notifier
from tracker.rows import Arrival, Item


class Endpoint:
    """Records the JSON bodies posted to it; answers with `statuses` in turn, then 200."""

    def __init__(self, statuses=(), hold: threading.Event | None = None):
        self.posts: list[dict] = []
        self.statuses = list(statuses)
        self.hits = 0
        self.answered = 0
        self.cond = threading.Condition()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if hold is not None:
                    hold.wait(10)  # no answer until the test lets it go (or gives up on it)
                with outer.cond:
                    outer.answered += 1
                    outer.hits += 1
                    status = outer.statuses.pop(0) if outer.statuses else 200
                    if status == 200:
                        outer.posts.append(json.loads(body))
                    outer.cond.notify_all()
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *a):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()
        self.url = f"json://127.0.0.1:{self.server.server_address[1]}/hook"

    def wait(self, n: int, timeout: float = 15.0) -> list[dict]:
        deadline = time.monotonic() + timeout
        with self.cond:
            while len(self.posts) < n:
                left = deadline - time.monotonic()
                assert left > 0, f"{len(self.posts)} posts of {n} arrived: {self.posts}"
                self.cond.wait(left)
            return list(self.posts)

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def endpoint():
    e = Endpoint()
    yield e
    e.close()


def config(urls, **notify):
    return SimpleNamespace(story=SimpleNamespace(title="The story"), notify={"urls": urls, **notify})


def row(id, title, dev=None, outlets=1, outlet="Outlet", link=None, summary=""):
    return Arrival(id=id, title=title, summary=summary, development=id if dev is None else dev,
                   outlets=outlets, outlet=outlet, link=link or f"https://example.com/{id}", on_story=1, backlog=0)


NOON = datetime(2026, 3, 2, 12, 0).astimezone()


def test_a_new_development_is_delivered_with_its_headline_outlets_and_link(endpoint):
    n = Notifier(config([endpoint.url]))
    try:
        done = n([row(7, "Court halts the merger", outlets=3)], NOON)
        assert done.sent == 1
        [post] = endpoint.wait(1)
    finally:
        n.close()
    assert "Court halts the merger" in post["message"]
    assert "3 outlets" in post["message"] and "https://example.com/7" in post["message"]


def test_hostile_titles_are_cleaned(endpoint):
    n = Notifier(config([endpoint.url]))
    hostile = "Evil\x1b[31m red\x07 <script>alert(1)</script>\nsecond line [x](javascript:1)"
    try:
        n([row(1, hostile, link="javascript:alert(1)")], NOON)
        [post] = endpoint.wait(1)
    finally:
        n.close()
    text = post["title"] + post["message"]
    assert "\x1b" not in text and "\x07" not in text
    assert "javascript:" not in post["message"].split("\n")[-1]  # the unsafe link is left out
    headline = post["message"].split("\n")[0]
    assert "second line" in headline  # one line: the newline in the title did not split it


def test_once_per_development_then_again_past_the_outlet_threshold(endpoint):
    n = Notifier(config([endpoint.url], outlets_again=3))
    try:
        assert n([row(1, "First report", outlets=1)], NOON).sent == 1
        # copies and further reports of the same development: nothing
        assert n([row(2, "Copy", dev=1, outlets=2, outlet="B")], NOON).sent == 0
        # a report that takes it to 3 outlets: told again, once
        assert n([row(3, "Third outlet", dev=1, outlets=3, outlet="C")], NOON).sent == 1
        assert n([row(4, "Fourth", dev=1, outlets=4, outlet="D")], NOON).sent == 0
        posts = endpoint.wait(2)
    finally:
        n.close()
    assert "First report" in posts[0]["message"]
    assert "now 3 outlets" in posts[1]["message"]


def test_clusters_stand_in_for_developments(tmp_path, endpoint):
    """Rows straight from the store: a copy group notifies once, by its first report."""
    from tracker.store import Store

    store = Store.open(tmp_path / "t.db")
    try:
        rows = [Item(id=5, cluster=5, title="A", link="https://e.com/a", outlet="X"),
                Item(id=6, cluster=5, title="A again", link="https://e.com/b", outlet="Y"),
                Item(id=8, cluster=None, title="B", link="https://e.com/c", outlet="X")]
        dev_rows = store.with_developments(rows)
    finally:
        store.close()
    assert [r.development for r in dev_rows] == [5, 5, 8]
    n = Notifier(config([endpoint.url]))
    try:
        assert n(dev_rows, NOON).sent == 2
        posts = endpoint.wait(2)
    finally:
        n.close()
    assert sorted(p["message"].split("\n")[0] for p in posts) == ["A", "B"]


def test_over_the_rate_limit_the_rest_come_as_one_and_k_more(endpoint):
    now = [0.0]
    sender = Sender([endpoint.url], per_minute=2, clock=lambda: now[0])
    n = Notifier(config([endpoint.url]), sender=sender)
    try:
        assert n([row(i, f"Story {i}") for i in range(1, 6)], NOON).sent == 5
        endpoint.wait(2)
        deadline = time.monotonic() + 10
        while True:  # the three over the limit are held back, not sent
            with sender._wake:
                if sender._held_count == 3:
                    break
            assert time.monotonic() < deadline
            time.sleep(0.01)
        assert len(endpoint.posts) == 2
        now[0] = 61.0
        with sender._wake:
            sender._wake.notify()
        posts = endpoint.wait(3)
    finally:
        n.close()
    assert len(posts) == 3
    assert posts[2]["title"] == "and 3 more"
    assert all(f"Story {i}" in posts[2]["message"] for i in (3, 4, 5))


def test_a_failing_service_is_retried_later_and_does_not_block(caplog):
    hold = threading.Event()
    failing = Endpoint(statuses=[500], hold=hold)
    sender = Sender([failing.url], backoff=(0.3,))
    n = Notifier(config([failing.url]), sender=sender)
    try:
        n([row(1, "Kept for later")], NOON)
        # queued, not sent, by the caller: it is back while the service has not answered yet
        assert failing.answered == 0
        hold.set()
        [post] = failing.wait(1)
    finally:
        hold.set()
        n.close()
        failing.close()
    assert failing.hits == 2 and "Kept for later" in post["message"]
    assert any("trying again" in r.getMessage() for r in caplog.records)


def test_priority_terms_notify_in_quiet_hours_marked_as_such(endpoint):
    quiet = {"quiet_hours": "00:00-23:59", "priority": ["injunction", "signed"]}
    n = Notifier(config([endpoint.url], **quiet))
    try:
        done = n([row(1, "Minor update"), row(2, "Judge grants INJUNCTION"),
                  row(3, "Injunctions explained"), row(4, "Bill signed", summary="")], NOON)
        assert done.quiet and done.sent == 2 and done.priority == 2
        posts = endpoint.wait(2)
    finally:
        n.close()
    assert sorted(p["title"].split(" ·")[0] for p in posts) == ["priority: injunction", "priority: signed"]


def test_markup_in_a_title_reaches_a_markdown_or_html_service_as_text(endpoint):
    """Sent as plain text, apprise escapes it for a service that renders Markdown or HTML."""
    n = Notifier(config([endpoint.url + "?format=markdown", endpoint.url + "?format=html"]))
    try:
        n([row(1, "**bold** <b>x</b> [click](https://evil.example)")], NOON)
        posts = endpoint.wait(2)
    finally:
        n.close()
    md, html = sorted((p["message"].split("\n")[0] for p in posts), key=lambda m: "&lt;" in m)
    assert "\\*\\*bold\\*\\*" in md and "\\[click\\]" in md
    assert "&lt;b&gt;" in html and "<b>" not in html
