"""tracker daemon and tracker serve: run without a terminal, or in a browser."""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import logging.handlers
import shlex
import signal
import sys
from datetime import datetime
from pathlib import Path

from ..paths import log_file
from . import EXIT_FAIL, EXIT_OK, db_path, load_config, open_store
from .parser import GRACE

log = logging.getLogger("tracker.daemon")

LOG_BYTES, LOG_BACKUPS = 1_000_000, 3  # a few MB of history, whatever the uptime
FILE_CHECK = 1.0  # seconds between looks at whether the database file is still the one opened


# ------------------------------------------------------------------ daemon
def setup_file_logging(path: Path, verbose: bool) -> logging.Handler:
    handler = logging.handlers.RotatingFileHandler(path, maxBytes=LOG_BYTES, backupCount=LOG_BACKUPS,
                                                   encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.setLevel(logging.DEBUG if verbose else logging.INFO)
    root = logging.getLogger()
    # stderr (the journal under systemd) keeps main()'s level; the file gets every poll
    for h in root.handlers:
        h.setLevel(logging.INFO if verbose else logging.WARNING)
    root.addHandler(handler)
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    for noisy in ("httpx", "httpcore", "apscheduler"):  # a line per request or job run
        logging.getLogger(noisy).setLevel(logging.INFO if verbose else logging.WARNING)
    # A poll cancelled at shutdown is expected, not an error with a traceback.
    logging.getLogger("apscheduler.executors.default").addFilter(_not_cancelled)
    return handler


def _not_cancelled(record: logging.LogRecord) -> bool:
    return not (record.exc_info and isinstance(record.exc_info[1], asyncio.CancelledError))


async def run_daemon(config, store, grace: float = GRACE) -> int:
    """Poll on schedule until SIGTERM or SIGINT; then stop scheduling, give in-flight polls
    `grace` seconds, cancel the rest. The caller closes the store."""
    from ..notify import Notifier
    from ..schedule import Poller
    from ..update import Updater

    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    got: list[str] = []

    def on_signal(sig: signal.Signals) -> None:
        got.append(sig.name)
        stop.set()

    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, on_signal, sig)

    async def on_result(r) -> None:
        if r.error:
            log.warning("%s: %s", r.feed, r.error)
        elif r.skipped:
            log.info("%s: skipped, %s", r.feed, r.skipped)
        else:
            log.info("%s: HTTP %s, %d entries, %d new", r.feed, r.status, r.entries, len(r.new))
        if not r.new:
            return
        rows = await asyncio.to_thread(store.rows, list(r.new))
        items = await asyncio.to_thread(store.with_developments, [rows[i] for i in r.new if i in rows])
        try:
            done = await asyncio.to_thread(notifier, items, datetime.now().astimezone())
        except Exception:  # a notification must never stop the polling
            log.exception("notification failed")
            return
        if done.items:
            log.info("%d new on-story items from %s%s", done.items, r.feed,
                     " (quiet hours)" if done.quiet else "")

    lost: list[str] = []  # what became of the database, if it became unusable

    def store_failed(message: str) -> None:
        if not lost:
            lost.append(message)
            log.error("%s", message)
        stop.set()

    def watch_file() -> None:
        # A database deleted or replaced between polls is noticed within a second, not at the next poll.
        problem = store.moved()
        if problem:
            store_failed(problem)
        else:
            watcher[0] = loop.call_later(FILE_CHECK, watch_file)

    # Parsing runs in threads here, not worker processes: nobody is waiting on a screen, and
    # a stop signal to the process group would otherwise kill workers mid-parse.
    notifier = Notifier(config)
    updater = Updater(config, store)
    poller = Poller(updater, on_result=on_result, on_store_error=store_failed)
    poller.start()
    watcher = [loop.call_later(FILE_CHECK, watch_file)]
    log.info("daemon started: %d feeds from %s, database %s", len(config.feeds), config.path.resolve(),
             store.path.resolve())
    try:
        await stop.wait()
    finally:
        watcher[0].cancel()
        log.info("stopping (%s)", ", ".join(got) or ("the database is gone" if lost else "cancelled"))
        # Pause, not shut down: APScheduler's shutdown cancels running jobs at once, and
        # they deserve `grace` to finish what they fetched.
        poller.scheduler.pause()
        me = asyncio.current_task()
        running = [t for t in asyncio.all_tasks() if t is not me]
        late: set = set()
        if running:
            _, late = await asyncio.wait(running, timeout=grace)
        if late:
            # count polls, not tasks: the scheduler may run helper tasks beside each poll
            polling = sorted(poller.polling)
            log.info("cancelled %d polls still running after %gs (%s)", len(polling) or len(late), grace,
                     ", ".join(polling) or "notifying")
        poller.shutdown()
        for t in late:
            t.cancel()
        await asyncio.gather(*late, return_exceptions=True)
        await updater.aclose()
        await asyncio.to_thread(notifier.close)
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(sig)
    log.info("stopped")
    if lost:
        print(f"tracker: {lost[0]}", file=sys.stderr)
        return EXIT_FAIL
    return EXIT_OK


def cmd_daemon(args) -> int:
    config = load_config(args)
    db = db_path(args, config)
    path = Path(args.log) if args.log else log_file(db)
    try:
        handler = setup_file_logging(path, bool(getattr(args, "verbose", False)))
    except OSError as e:
        print(f"tracker: cannot write the log file {path}: {e.strerror or e} (use --log PATH)", file=sys.stderr)
        return EXIT_FAIL
    store = open_store(args, config, polls=True)
    try:
        return asyncio.run(run_daemon(config, store, args.grace))
    finally:
        store.close()
        logging.getLogger().removeHandler(handler)
        handler.close()


# ------------------------------------------------------------------ serve
def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def serve_command(config_path: Path, database: Path) -> str:
    # Absolute paths and this interpreter: textual-serve starts one dashboard per browser
    # tab through a shell, from its own working directory, maybe with another PATH.
    return shlex.join([sys.executable, "-m", "tracker", "--config", str(config_path.resolve()),
                       "--db", str(database.resolve())])


def cmd_serve(args) -> int:
    from .serve import DashboardServer

    config = load_config(args)  # a broken config is reported here, not in every browser tab
    command = serve_command(config.path, db_path(args, config))
    if not is_loopback(args.host):
        print(f"tracker: warning: serving on {args.host}:{args.port}. Anyone who can reach this "
              f"port and has the URL with its token controls the dashboard (no TLS). Prefer "
              f"127.0.0.1 with an SSH tunnel.", file=sys.stderr)
    server = DashboardServer(command, host=args.host, port=args.port, title=f"tracker: {config.story.title}",
                             public_url=args.public_url, max_sessions=args.max_sessions)
    try:
        server.serve()
    except OSError as e:
        print(f"tracker: cannot serve on {args.host}:{args.port}: {e.strerror or e}", file=sys.stderr)
        return EXIT_FAIL
    return EXIT_OK


# ------------------------------------------------------------------ registration
