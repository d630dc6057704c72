"""tracker serve: the dashboard for a browser, on 127.0.0.1 unless told otherwise."""

from __future__ import annotations

import asyncio
import importlib.util
import os
import re
import signal
import socket
import subprocess
import sys
import time

import httpx
import pytest

from tracker.cli import main
from tracker.cli.daemon import is_loopback, serve_command

from .conftest import write_config


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_serve(tmp_path, *options: str):
    """`tracker serve` as a user starts it, on a free port; returns (process, url, log path)
    once it answers."""
    config = write_config(tmp_path)
    port = free_port()
    log_path = tmp_path / f"serve-{port}.log"
    with log_path.open("wb") as log:  # a file, not a pipe nobody reads until the end
        proc = subprocess.Popen([sys.executable, "-m", "tracker", "--config", str(config), "serve",
                                 "--port", str(port), *options], stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    end = time.monotonic() + 20
    while True:
        try:
            httpx.get(url + "/", timeout=2)  # any answer, a refusal too
            return proc, url, log_path
        except httpx.TransportError:
            if proc.poll() is not None or time.monotonic() > end:
                proc.kill()
                raise AssertionError(f"tracker serve did not answer: {log_path.read_text()}") from None
            time.sleep(0.05)


def stop_serve(proc) -> None:
    proc.send_signal(signal.SIGTERM)
    try:
        assert proc.wait(timeout=10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """One server for the module: starting one costs seconds."""
    tmp_path = tmp_path_factory.mktemp("serve")
    proc, url, _ = start_serve(tmp_path)
    page = httpx.get(url + "/", timeout=5)
    yield url, page, tmp_path / "feeds.toml"
    stop_serve(proc)


def test_serve_answers_on_loopback_with_the_page_that_loads_the_dashboard(served):
    url, page, _ = served
    assert page.status_code == 200
    html = page.text
    assert "tracker: Pentagon vs Anthropic" in html  # the story's title names the tab
    assert f'data-session-websocket-url="ws://127.0.0.1:{url.rsplit(":", 1)[1]}/ws' in html
    assert "js/textual.js" in html
    assert httpx.get(url + "/static/js/textual.js", timeout=5).status_code == 200


@pytest.mark.skipif(importlib.util.find_spec("tracker.tui.app") is None, reason="the dashboard is not built yet")
def test_a_browser_session_starts_the_dashboard(served):
    import aiohttp

    url, _, _ = served

    async def first_screen() -> bytes:
        async with aiohttp.ClientSession() as session:
            async with session.ws_connect(url.replace("http", "ws") + "/ws?width=80&height=24", origin=url) as ws:
                await ws.send_json(["resize", {"width": 80, "height": 24}])  # as the page's script does
                got = b""
                while len(got) < 2000:
                    msg = await asyncio.wait_for(ws.receive(), 20)
                    if msg.type == aiohttp.WSMsgType.BINARY:
                        got += msg.data
                    elif msg.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.ERROR):
                        break
                return got

    screen = asyncio.run(first_screen())
    assert len(screen) >= 2000, screen[:500]  # the app drew its screen, it did not die


def test_serve_command_runs_this_tracker_on_absolute_paths(tmp_path):
    cmd = serve_command(tmp_path / "a b" / "feeds.toml", tmp_path / "x.db")
    assert cmd.startswith(sys.executable.replace(" ", "\\ ")) or sys.executable in cmd
    assert "-m tracker --config" in cmd
    assert f"'{tmp_path / 'a b' / 'feeds.toml'}'" in cmd  # quoted for the shell textual-serve uses


def test_loopback_detection():
    for host in ("127.0.0.1", "127.1.2.3", "::1", "[::1]", "localhost", "LOCALHOST"):
        assert is_loopback(host), host
    for host in ("0.0.0.0", "::", "192.168.1.5", "example.com", ""):
        assert not is_loopback(host), host


@pytest.mark.parametrize("host, warned", [("0.0.0.0", True), ("127.0.0.1", False)])
def test_a_public_host_is_served_with_a_warning(tmp_path, monkeypatch, capsys, host, warned):
    from tracker.cli import serve

    seen = {}

    class FakeServer:
        def __init__(self, command, host, port, title, public_url, max_sessions):
            seen.update(command=command, host=host, port=port, title=title)

        def serve(self):
            seen["served"] = True

    monkeypatch.setattr(serve, "DashboardServer", FakeServer)
    config = write_config(tmp_path)
    assert main(["--config", str(config), "serve", "--host", host, "--port", "8123"]) == 0
    assert seen["served"] and seen["host"] == host and seen["port"] == 8123
    err = capsys.readouterr().err
    assert ("Anyone who can reach this port and has the URL with its token controls the dashboard" in err) is warned


# ------------------------------------------------------------------ who may use it
def ws_handshake(url: str, path: str = "/ws", origin: str | None = None, host: str | None = None) -> int:
    """The HTTP status of a websocket handshake (101: accepted, and closed at once)."""
    import aiohttp

    async def go() -> int:
        async with aiohttp.ClientSession() as session:
            try:
                async with session.ws_connect(url.replace("http", "ws") + path, origin=origin,
                                              headers={"Host": host} if host else None):
                    return 101
            except aiohttp.WSServerHandshakeError as e:
                return e.status

    return asyncio.run(go())


def test_a_websocket_from_a_page_of_another_site_is_refused(served):
    url, _, _ = served
    for origin in ("http://evil.example", "null", "http://127.0.0.1.evil.example", url + ".evil.example"):
        assert ws_handshake(url, origin=origin) == 403, origin


def test_a_request_naming_another_host_is_refused_on_every_route(served):
    url, _, _ = served  # DNS rebinding: evil.example resolving to 127.0.0.1
    for path in ("/", "/static/js/textual.js", "/ws", "/download/x"):
        r = httpx.get(url + path, headers={"Host": "evil.example"}, timeout=5)
        assert r.status_code == 403, path
        assert r.text.startswith("tracker serve: ") and r.text.count("\n") == 1, r.text
    assert ws_handshake(url, origin="http://evil.example", host="evil.example") == 403
    port = url.rsplit(":", 1)[1]
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"[::1]:{port}"):
        assert httpx.get(url + "/", headers={"Host": host}, timeout=5).status_code == 200, host
    assert httpx.get(url + "/", headers={"Host": "127.0.0.1:1"}, timeout=5).status_code == 403


def test_served_pages_cannot_be_framed_by_another_site(served):
    _, page, _ = served
    assert page.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]


# ------------------------------------------------------------------ sessions
def descendants(pid: int) -> set[int]:
    """Live (not zombie) processes below pid, from /proc."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = open(f"/proc/{entry}/stat").read()
            except OSError:
                continue
            state, ppid = stat.rsplit(")", 1)[1].split()[:2]
            if state != "Z":
                parents[int(entry)] = int(ppid)
    found, todo = set(), [pid]
    while todo:
        p = todo.pop()
        kids = {c for c, pp in parents.items() if pp == p}
        found |= kids
        todo.extend(kids)
    return found


def alive(pid: int) -> bool:
    try:
        return open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def wait_until(condition, what: str, timeout: float = 20.0) -> None:
    end = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > end:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


class Tab:
    """A browser tab's websocket, as the page's script drives it, in a thread of its own."""

    def __init__(self, url: str, path: str = "/ws", origin: str | None = None):
        import threading

        self.url, self.path, self.origin = url, path, origin or url
        self.screen = b""
        self.close_code = None
        self._loop = asyncio.new_event_loop()
        self._opened = threading.Event()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()
        self._ws = asyncio.run_coroutine_threadsafe(self._open(), self._loop).result(20)

    async def _open(self):
        import aiohttp

        self._session = aiohttp.ClientSession()
        ws = await self._session.ws_connect(self.url.replace("http", "ws") + self.path + "?width=80&height=24",
                                            origin=self.origin)
        await ws.send_json(["resize", {"width": 80, "height": 24}])
        self._reader = asyncio.ensure_future(self._read(ws))
        return ws

    async def _read(self, ws):
        import aiohttp

        async for msg in ws:
            if msg.type == aiohttp.WSMsgType.BINARY:
                self.screen += msg.data
        self.close_code = ws.close_code

    def close(self) -> None:
        async def go():
            await self._ws.close()
            await self._session.close()

        asyncio.run_coroutine_threadsafe(go(), self._loop).result(20)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)


@pytest.mark.slow
def test_off_loopback_the_token_printed_at_start_is_required(tmp_path):
    proc, url, log = start_serve(tmp_path, "--host", "0.0.0.0")  # reached here through 127.0.0.1
    try:
        wait_until(lambda: "token=" in log.read_text(), "the start message")
        text = log.read_text()
        token = re.search(r"\?token=([\w-]+)", text).group(1)
        assert "the token in this URL is required" in text
        assert httpx.get(url + "/", timeout=5).status_code == 403
        assert httpx.get(url + "/?token=" + token[:-1], timeout=5).status_code == 403
        assert httpx.get(url + "/?token=" + "é" * 3, timeout=5).status_code == 403  # not a crash
        page = httpx.get(url + "/?token=" + token, timeout=5)
        assert page.status_code == 200 and f"/ws/{token}\"" in page.text  # the page passes it on
        # Any name may reach 0.0.0.0, so with the token any Host is served ...
        assert httpx.get(url + "/?token=" + token, headers={"Host": "tracker.lan:1"}, timeout=5).status_code == 200
        # ... but a websocket only from the page it was served for, and never without the token
        assert ws_handshake(url, "/ws", origin=url) == 403
        assert ws_handshake(url, "/ws/" + token[::-1], origin=url) == 403
        assert ws_handshake(url, "/ws/" + token, origin="http://evil.example") == 403
        tab = Tab(url, "/ws/" + token)
        wait_until(lambda: len(tab.screen) > 2000, "the dashboard's first screen")
        tab.close()
    finally:
        stop_serve(proc)


@pytest.mark.slow
def test_sessions_beyond_the_cap_are_refused_and_a_closed_tab_ends_its_dashboard(tmp_path):
    proc, url, _ = start_serve(tmp_path, "--max-sessions", "1")
    try:
        first = Tab(url)
        wait_until(lambda: len(first.screen) > 2000, "the dashboard's first screen")
        running = descendants(proc.pid)
        second = Tab(url)
        wait_until(lambda: second.close_code is not None, "the refusal")
        assert second.close_code == 1013 and b"already open" in second.screen
        assert descendants(proc.pid) <= running  # no second dashboard was started
        second.close()
        first.close()
        wait_until(lambda: not any(alive(p) for p in running), "the closed tab's dashboard to end")
        # The slot is free again. It is given back just after the dashboard ends, so a tab
        # opened in between is refused as a reload too soon would be; the user reloads.
        tabs = [Tab(url)]

        def new_dashboard() -> bool:
            if tabs[-1].close_code == 1013:
                tabs[-1].close()
                tabs.append(Tab(url))
            return len(tabs[-1].screen) > 2000
        wait_until(new_dashboard, "a new dashboard's first screen")
        third = tabs[-1]
        third.close()
    finally:
        stop_serve(proc)


@pytest.mark.slow
@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM])
def test_stopping_serve_however_ends_its_dashboards(tmp_path, how):
    proc, url, _ = start_serve(tmp_path)
    running: set[int] = set()
    try:
        tab = Tab(url)
        wait_until(lambda: len(tab.screen) > 2000, "the dashboard's first screen")
        running = descendants(proc.pid)
        assert running
        proc.send_signal(how)
        assert proc.wait(timeout=15) == (-signal.SIGKILL if how == signal.SIGKILL else 0)
        wait_until(lambda: not any(alive(p) for p in running), "the dashboards to end")
        tab.close()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        for p in running:  # nothing left behind, a failed run's included
            try:
                # Each dashboard leads its process group: this also ends workers it started
                # after the snapshot, which do not yet die with it (issue 15, orphans).
                os.killpg(p, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass


def test_a_dashboard_that_will_not_quit_is_killed_when_its_tab_closes(tmp_path):
    """A busy or wedged dashboard (one ignored SIGTERM and spun for minutes) must not outlive
    its tab: asked to quit, then killed with its process group."""
    import aiohttp
    from aiohttp import web

    from tracker.cli.serve import DashboardServer

    pid_file = tmp_path / "pid"
    stuck = tmp_path / "stuck.py"
    stuck.write_text("import os, signal, sys, time\n"
                     "signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
                     "print('__GANGLION__', flush=True)\n"
                     "open(sys.argv[1], 'w').write(str(os.getpid()))\n"
                     "while True:\n    time.sleep(1)  # never reads the quit message\n")
    port = free_port()
    url = f"http://127.0.0.1:{port}"

    async def scenario() -> int:
        server = DashboardServer(f"{sys.executable} {stuck} {pid_file}", host="127.0.0.1", port=port, title="t")
        server.quit_grace = 0.5
        runner = web.AppRunner(await server._make_app())
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        try:
            async with aiohttp.ClientSession() as session:
                async with session.ws_connect(url.replace("http", "ws") + "/ws", origin=url):
                    end = time.monotonic() + 20
                    while not pid_file.exists() or not pid_file.read_text():
                        assert time.monotonic() < end, "the session's process did not start"
                        await asyncio.sleep(0.02)
                    pid = int(pid_file.read_text())
                    assert alive(pid)
            # the tab is closed
            end = time.monotonic() + 10
            while alive(pid):
                assert time.monotonic() < end, "the closed tab's process is still running"
                await asyncio.sleep(0.05)
            while server.sessions:  # the session is forgotten once its handler has seen the end
                assert time.monotonic() < end, "the closed tab's session is still counted"
                await asyncio.sleep(0.05)
            return pid
        finally:
            await runner.cleanup()

    asyncio.run(scenario())
