"""tracker tui (and bare `tracker`): the dashboard."""

from __future__ import annotations


def cmd_tui(args) -> int:
    from ..tui.app import run_app
    return run_app(args)


def register(sub, common) -> None:
    p = sub.add_parser("tui", parents=[common], help="open the dashboard (the same as bare `tracker`)",
                       description="Open the dashboard: live coverage, the anchor article and the "
                                   "deadline countdown, polling the feeds in the background.")
    p.set_defaults(func=cmd_tui)
