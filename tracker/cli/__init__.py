"""The command line: a thin layer over the core. Exit codes: 0 ok, 1 failure, 2 usage or
config error."""

from __future__ import annotations

import logging
import sys
import time
from pathlib import Path

from ..config import load
from ..errors import ConfigError, TrackerError
from ..model import Config
from ..store import Store
from ..timeutil import from_iso, local
from .parser import build_parser, lazy

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2
log = logging.getLogger("tracker")


# ------------------------------------------------------------------ plumbing
def config_path(args) -> Path:
    from ..paths import find_config
    return find_config(getattr(args, "config", None))[0]


_warned: set[str] = set()


def load_config(args) -> Config:
    config = load(config_path(args))
    for warning in config.warnings:
        if warning not in _warned:  # once per run, however often a command reloads the config
            _warned.add(warning)
            print(f"tracker: warning: {warning}", file=sys.stderr)
    return config


def db_path(args, config: Config) -> Path:
    given = getattr(args, "db", None)
    return Path(given) if given else config.database_path


def open_store(args, config: Config, refresh: bool = True, polls: bool = False) -> Store:
    """refresh: apply rules edited in feeds.toml since the last run (and cluster and group
    items from before clusters or developments existed, or made by another version) now.
    The dashboard passes refresh=False and does it in a thread behind its first screen, with
    progress in its status line (TrackerApp._catch_up).

    polls: the command polls (poll, the dashboard, the daemon): it may create the database
    and makes its feeds table match feeds.toml. Other commands only open an existing one, so
    a mistyped --db is an error rather than a new empty file, and looking at a database
    neither waits for a poller's write lock nor deactivates another config's feeds (only
    rules edited in feeds.toml are written, by refresh, once)."""
    path = db_path(args, config)
    store = Store.open(path, create=polls)
    if polls:
        store.sync_feeds(config.feeds)
    if refresh:
        from ..rescore import on_open
        if told := on_open(store, config, steps_line(sys.stderr)).told():
            print(f"tracker: {told}", file=sys.stderr)
    return store


def steps_line(stream, every: float = 0.2):
    """Long work's progress, (what, done, total) -> "re-scoring: 12,000 of 85,000 items" on
    one line of a terminal, redrawn at most every `every` seconds and ended when a step is
    done; None (no progress) when the stream is not a terminal."""
    if not stream.isatty():
        return None
    last = [0.0, ""]

    def show(what: str, done: int, total: int) -> None:
        now = time.monotonic()
        if what == last[1] and done < total and now - last[0] < every:
            return
        last[:] = now, what
        stream.write(f"\r{what}: {done:,} of {total:,} items\x1b[K" + ("\n" if done >= total else ""))
        stream.flush()
    return show


def local_time(iso: str | None) -> str:
    return local(from_iso(iso)).strftime("%Y-%m-%d %H:%M") if iso else "-"


def stderr_console():
    from rich.console import Console
    return Console(stderr=True)


# ------------------------------------------------------------------ entry point
def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    _warned.clear()
    args.own_process = argv is None  # the `tracker` program, not a caller running it in its process
    logging.basicConfig(level=logging.INFO if getattr(args, "verbose", False) else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    func = getattr(args, "func", None) or lazy("tui", "cmd_tui")  # bare `tracker`: the dashboard
    try:
        return func(args)
    except ConfigError as e:
        print(f"tracker: config error: {e}", file=sys.stderr)
        return EXIT_USAGE
    except TrackerError as e:
        print(f"tracker: {e}", file=sys.stderr)
        return EXIT_FAIL
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
