"""The command line: a thin layer over the core. Exit codes: 0 ok, 1 failure, 2 usage or
config error."""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from pathlib import Path

from .. import __version__
from ..config import load
from ..errors import ConfigError, TrackerError
from ..model import Config
from ..store import Store
from ..timeutil import from_iso, local

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2

# Each module adds its subcommands with register(subparsers, common_options_parser).
COMMAND_MODULES = ["core", "digest", "brief", "rules", "manage", "article", "daemon", "demo", "tui"]
log = logging.getLogger("tracker")


# ------------------------------------------------------------------ plumbing
def _common() -> argparse.ArgumentParser:
    # SUPPRESS lets the same options be given before or after the command without the
    # subcommand's defaults overwriting what was given before it.
    p = argparse.ArgumentParser(add_help=False)
    p.add_argument("--config", metavar="PATH", default=argparse.SUPPRESS,
                   help="the story's feeds.toml (default: ./feeds.toml if there is one, else "
                        "feeds.toml in the user config directory; `tracker paths` shows which)")
    p.add_argument("--db", metavar="PATH", default=argparse.SUPPRESS,
                   help="the SQLite database (default: `database` in feeds.toml, else data/tracker.db beside it)")
    p.add_argument("-v", "--verbose", action="store_true", default=argparse.SUPPRESS,
                   help="log what tracker does to stderr")
    return p


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
    """refresh: apply rules edited in feeds.toml since the last run (and cluster items from
    before clusters existed) now. The dashboard passes False and runs rescore.on_open in a
    worker, so a re-score of a large database never delays its first screen.

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
        done = on_open(store, config)
        if done.rescored and (done.rescored.moved_in or done.rescored.moved_out):
            r = done.rescored
            print(f"tracker: the story rules changed: {len(r.moved_in)} items moved onto the story, "
                  f"{len(r.moved_out)} off it", file=sys.stderr)
    return store


def local_time(iso: str | None) -> str:
    return local(from_iso(iso)).strftime("%Y-%m-%d %H:%M") if iso else "-"


# ------------------------------------------------------------------ entry point
class _Parser(argparse.ArgumentParser):
    """argparse, with the two mistakes people make most told better: a mistyped command gets
    its closest match, and an unknown option is reported by the subcommand it was given to
    (with that subcommand's usage), not by `tracker` with the top-level usage."""

    subcommand = False  # set on the parsers of subcommands (build_parser)

    def _check_value(self, action, value):
        if action.choices is not None and value not in action.choices:
            import difflib
            close = difflib.get_close_matches(str(value), [str(c) for c in action.choices], n=1)
            hint = (f"did you mean {close[0]!r}?" if close
                    else "choose from " + ", ".join(repr(c) for c in action.choices))
            raise argparse.ArgumentError(action, f"invalid choice: {value!r} ({hint})")

    def parse_known_args(self, args=None, namespace=None):
        namespace, extras = super().parse_known_args(args, namespace)
        if extras and self.subcommand:
            self.error(f"unrecognized arguments: {' '.join(extras)}")
        return namespace, extras


def _mark_subcommands(parser: argparse.ArgumentParser) -> None:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                sub.subcommand = True
                _mark_subcommands(sub)


def build_parser() -> argparse.ArgumentParser:
    common = _common()
    parser = _Parser(
        prog="tracker", parents=[common],
        description="Follow one developing news story: poll its feeds, keep what is on the story, "
                    "and watch it in a terminal dashboard. Without a command, opens the dashboard.",
        epilog="Exit codes: 0 ok, 1 failure, 2 usage or config error.")
    parser.add_argument("--version", action="version", version=f"tracker {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    for module in COMMAND_MODULES:
        importlib.import_module(f"tracker.cli.{module}").register(sub, common)
    _mark_subcommands(parser)
    return parser


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def stderr_console():
    from rich.console import Console
    return Console(stderr=True)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    _warned.clear()
    args.own_process = argv is None  # the `tracker` program, not a caller running it in its process
    logging.basicConfig(level=logging.INFO if getattr(args, "verbose", False) else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    func = getattr(args, "func", None)
    if func is None:
        func = _tui_command()
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


def _tui_command():
    def run(args) -> int:
        from .tui import run_app
        return run_app(args)
    return run


if __name__ == "__main__":
    sys.exit(main())
