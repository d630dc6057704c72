"""tracker tui (and bare `tracker`): the dashboard."""

from __future__ import annotations

import sys

from . import EXIT_FAIL, EXIT_OK, load_config, open_store


def run_app(args) -> int:
    """The dashboard on args' config and database: the CLI opens them, the TUI only shows them."""
    try:
        from ..tui.app import run
    except ImportError:
        print("the dashboard is not available yet; try `tracker poll` and `tracker items`", file=sys.stderr)
        return EXIT_FAIL
    config = load_config(args)
    store = open_store(args, config, polls=True)
    try:
        run(config, store)
    finally:
        store.close()
    return EXIT_OK


def cmd_tui(args) -> int:
    return run_app(args)
