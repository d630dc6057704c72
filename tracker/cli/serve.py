"""tracker serve's web server: textual-serve's, told which sites may use it, how many
dashboards it may start, and that each dashboard ends with its browser tab or with serve.

Any web page the user visits can make the browser connect to 127.0.0.1, and DNS rebinding
can make one look same-site, so every request must name one of the hosts served here, and a
websocket must come from a page served here. Off loopback, a secret token in the URL guards
the rest."""

from __future__ import annotations

import asyncio
import ctypes
import hmac
import ipaddress
import logging
import os
import secrets
import shlex
import signal
import sys
from urllib.parse import urlsplit

import aiohttp_jinja2
from aiohttp import WSCloseCode, web
from textual_serve.app_service import AppService
from textual_serve.server import Server, to_int

from .daemon import is_loopback

log = logging.getLogger("tracker.serve")

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]")
QUIT_GRACE = 5.0  # seconds a dashboard gets to quit when its tab closes, before it is killed
PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def is_wildcard(host: str) -> bool:
    """0.0.0.0 or ::: every address of this machine, so any name may reach it."""
    try:
        return not host or ipaddress.ip_address(host.strip("[]")).is_unspecified
    except ValueError:
        return False


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


def _die_with_serve():
    """A preexec_fn that makes the kernel SIGKILL the dashboard when serve dies, however it
    dies (a SIGKILLed serve cannot clean up). Linux only; elsewhere closing the tab or
    stopping serve still ends it."""
    if not sys.platform.startswith("linux"):
        return None
    libc = ctypes.CDLL(None, use_errno=True)  # loaded now: between fork and exec the child only calls it
    parent = os.getpid()

    def preexec() -> None:
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() != parent:  # serve died before prctl took effect
            os._exit(1)

    return preexec


class Session(AppService):
    """One browser tab's dashboard. Started without a shell (the shell would be the process
    serve knows, not the dashboard) in its own process group, so ending the session ends the
    dashboard and any worker it started."""

    async def _open_app_process(self, width: int = 80, height: int = 24):
        self._process = process = await asyncio.create_subprocess_exec(
            *shlex.split(self.command), stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE, env=self._build_environment(width=width, height=height),
            start_new_session=True, preexec_fn=_die_with_serve())
        self._stdin = process.stdin
        return process

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    async def end(self, grace: float = QUIT_GRACE) -> None:
        """Ask the dashboard to quit; whatever of its process group is left after `grace`
        seconds (a busy or wedged dashboard, its workers) is killed."""
        try:
            await asyncio.wait_for(self.stop(), grace)
        except asyncio.TimeoutError:
            log.warning("a dashboard did not quit within %gs; killed", grace)
        except Exception:
            log.exception("stopping a dashboard")
        finally:
            if self._process is not None:
                try:
                    os.killpg(self._process.pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass  # the group is gone already
                await self._process.wait()


class DashboardServer(Server):
    """textual-serve's Server with a Host, Origin and token check on every request and a cap
    on the dashboards it runs at once."""

    def __init__(self, command: str, host: str, port: int, title: str, public_url: str | None = None,
                 max_sessions: int = 4):
        super().__init__(command, host=host, port=port, title=title, public_url=public_url)
        self.max_sessions = max_sessions
        self.quit_grace = QUIT_GRACE
        self.sessions: dict[Session, web.WebSocketResponse] = {}
        # Off loopback the port is reachable from other machines: the token is what keeps
        # them out (and, with a wildcard address, the only check of who is asking).
        self.token = None if is_loopback(host) else secrets.token_urlsafe(24)
        self.any_host = is_wildcard(host)
        names = {*LOOPBACK_HOSTS, _url_host(host).lower()}
        self.hosts = {f"{n}:{port}" for n in names} | (names if port == 80 else set())
        if public_url:
            self.hosts.add(urlsplit(public_url).netloc.lower())

    @property
    def start_url(self) -> str:
        return f"{self.public_url}/" + (f"?token={self.token}" if self.token else "")

    # ---------------------------------------------------------------- the checks
    def refusal(self, request: web.Request) -> str | None:
        """Why this request is refused, or None."""
        host = request.headers.get("Host", "").lower()
        if not (self.any_host and host) and host not in self.hosts:
            return "this server does not answer to that Host name (open the URL tracker serve printed)"
        route = request.match_info.route.name
        if route in ("websocket", "websocket-token"):
            # Browsers always send Origin on a websocket; a client without one is a program
            # on a machine that can reach the port, which the token (off loopback) or being
            # on this machine (where it could run `tracker` itself) already admits.
            origin = request.headers.get("Origin")
            if origin is not None and not self.origin_allowed(origin, host):
                return "websocket from a page this server did not serve"
        if self.token and route in ("index", "websocket", "websocket-token"):
            given = request.match_info.get("token") or request.query.get("token") or ""
            if not hmac.compare_digest(given.encode(), self.token.encode()):
                return "this address needs the token: open the URL tracker serve printed"
        return None

    def origin_allowed(self, origin: str, host: str) -> bool:
        scheme, _, netloc = origin.lower().partition("://")
        if scheme not in ("http", "https"):
            return False  # "null" (a sandboxed frame, a file), or something else altogether
        return netloc in self.hosts or (self.any_host and netloc == host)

    @web.middleware
    async def guard(self, request: web.Request, handler) -> web.StreamResponse:
        if reason := self.refusal(request):
            log.warning("refused %s %r from %s: %s", request.method, request.path[:100], request.remote, reason)
            raise web.HTTPForbidden(text=f"tracker serve: {reason}\n")
        response = await handler(request)
        # Not in another site's frame (clicks and keys lured into a hidden dashboard), and
        # the token not in a Referer.
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Content-Security-Policy", "frame-ancestors 'none'")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        return response

    # ---------------------------------------------------------------- textual-serve's hooks
    async def _make_app(self) -> web.Application:
        app = await super()._make_app()
        app.middlewares.append(self.guard)
        # The token goes in the websocket's path: the page's script appends "?width=…" to
        # the URL it is given, so a query there would be mangled.
        app.router.add_get("/ws/{token}", self.handle_websocket, name="websocket-token")
        return app

    @aiohttp_jinja2.template("app_index.html")
    async def handle_index(self, request: web.Request):
        context = await Server.handle_index.__wrapped__(self, request)
        if self.token:
            context["app_websocket_url"] += f"/{self.token}"
        return context

    async def on_startup(self, app: web.Application) -> None:
        print(f"tracker serve: open {self.start_url} (Ctrl+C stops; at most {self.max_sessions} "
              f"dashboards at once)", flush=True)
        if self.token:
            print(f"tracker serve: {self.host} can be reached from other machines, so the token in this "
                  f"URL is required; anyone who has the URL controls the dashboard", flush=True)

    async def on_shutdown(self, app: web.Application) -> None:
        # Closing a websocket ends its handler, which ends its dashboard; aiohttp would
        # otherwise wait a minute for handlers that never return by themselves.
        await asyncio.gather(*(ws.close(code=WSCloseCode.GOING_AWAY, message=b"tracker serve stopped")
                               for ws in list(self.sessions.values())), return_exceptions=True)

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        websocket = web.WebSocketResponse(heartbeat=15)
        await websocket.prepare(request)
        if len(self.sessions) >= self.max_sessions:
            log.warning("refused a session: %d dashboards are running (--max-sessions)", len(self.sessions))
            # As terminal output, so the tab shows it, and as the close reason for programs.
            await websocket.send_bytes(f"tracker serve: {len(self.sessions)} dashboards are already open, "
                                       f"the most --max-sessions allows. Close one and reload.\r\n".encode())
            await websocket.close(code=WSCloseCode.TRY_AGAIN_LATER, message=b"too many sessions")
            return websocket
        session = Session(self.command, write_bytes=websocket.send_bytes, write_str=websocket.send_str,
                          close=websocket.close, download_manager=self.download_manager, debug=self.debug)
        self.sessions[session] = websocket
        try:
            await session.start(to_int(request.query.get("width", "80"), 80),
                                to_int(request.query.get("height", "24"), 24))
            await self._process_messages(websocket, session)
        except Exception as error:  # a malformed message ends its own session, nothing else
            log.warning("session ended: %r", error)
        finally:
            try:
                await session.end(self.quit_grace)
            finally:
                del self.sessions[session]
                await websocket.close()
        return websocket
