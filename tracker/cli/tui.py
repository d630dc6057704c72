"""tracker tui (and bare `tracker`): the dashboard."""

from __future__ import annotations

import gc
import sys

from . import EXIT_FAIL, EXIT_OK, load_config, open_store


def pause_collection() -> None:
    """No collections until the app has drawn and made its poller (it freezes what exists
    then and collects again): Textual, the widgets and the first frame make ~half a million
    objects that live as long as the app, and collecting while they are made walks them over
    and over: ~145 collections, one of them full, ~80 ms of the first screen's CPU."""
    gc.disable()


def run_app(args) -> int:
    """The dashboard on args' config and database: the CLI opens them, the TUI only shows them."""
    pause_collection()
    try:
        try:
            from ..tui.app import run
        except ImportError:
            print("the dashboard is not available yet; try `tracker poll` and `tracker items`", file=sys.stderr)
            return EXIT_FAIL
        config = load_config(args)
        # refresh=False: the dashboard applies edited rules and groups what is not grouped yet
        # in a thread behind its first screen (TrackerApp._catch_up), not before it.
        store = open_store(args, config, polls=True, refresh=False)
        try:
            run(config, store)
        finally:
            store.close()
        return EXIT_OK
    finally:
        gc.enable()  # an app that ended before it got that far


def cmd_tui(args) -> int:
    return run_app(args)
