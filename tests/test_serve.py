"""tracker serve: the dashboard for a browser, on 127.0.0.1 unless told otherwise."""

from __future__ import annotations

import asyncio
import importlib.util
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


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """`tracker serve` as a user starts it, on a free loopback port; stopped afterwards.
    One server for the module: starting one costs seconds."""
    tmp_path = tmp_path_factory.mktemp("serve")
    config = write_config(tmp_path)
    port = free_port()
    log = (tmp_path / "serve.log").open("wb")  # a file, not a pipe nobody reads until the end
    proc = subprocess.Popen([sys.executable, "-m", "tracker", "--config", str(config), "serve",
                             "--port", str(port)], stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    end = time.monotonic() + 20
    while True:
        try:
            page = httpx.get(url + "/", timeout=2)
            break
        except httpx.TransportError:
            if proc.poll() is not None or time.monotonic() > end:
                proc.kill()
                raise AssertionError(f"tracker serve did not answer: {(tmp_path / 'serve.log').read_text()}")
            time.sleep(0.05)
    yield url, page, config
    proc.send_signal(signal.SIGTERM)
    try:
        assert proc.wait(timeout=10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        log.close()


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
            async with session.ws_connect(url.replace("http", "ws") + "/ws?width=80&height=24") as ws:
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
    import textual_serve.server

    seen = {}

    class FakeServer:
        def __init__(self, command, host, port, title, public_url):
            seen.update(command=command, host=host, port=port, title=title)

        def serve(self):
            seen["served"] = True

    monkeypatch.setattr(textual_serve.server, "Server", FakeServer)
    config = write_config(tmp_path)
    assert main(["--config", str(config), "serve", "--host", host, "--port", "8123"]) == 0
    assert seen["served"] and seen["host"] == host and seen["port"] == 8123
    err = capsys.readouterr().err
    assert ("Anyone who can reach this port controls the dashboard" in err) is warned
