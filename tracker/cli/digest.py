"""tracker digest: export what happened since the last digest."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import EXIT_OK, EXIT_USAGE, load_config, open_store


def _when(allow_last: bool):
    def parse(text: str):
        from ..digest import parse_when
        try:
            return parse_when(text, allow_last=allow_last)
        except ValueError as e:
            raise argparse.ArgumentTypeError(str(e)) from None
    return parse


def _range_problem(since, until) -> str | None:
    """Why --since/--until cover no time at all (a future start, an end before the start),
    or None. Left alone, such a digest is written, empty, as if the story had gone quiet."""
    from ..timeutil import local, utcnow
    now = local(utcnow())
    start = None if since.kind == "last" else since.resolve(now, None)
    if start is not None and start > now:
        return f"--since {since.text} is in the future ({start:%Y-%m-%d %H:%M}); nothing has happened since then yet"
    if until is not None and start is not None:
        end = until.resolve(now, None, end=True)
        if end <= start:
            return (f"--until {until.text} ({end:%Y-%m-%d %H:%M}) is not after --since {since.text} "
                    f"({start:%Y-%m-%d %H:%M}): a duration counts back from now, so --since 2d --until 1d")
    return None


def cmd_digest(args) -> int:
    from ..digest import DEFAULT_FORMAT, FORMATS, export

    problem = _range_problem(args.since, args.until)
    if problem:
        print(f"tracker digest: {problem}", file=sys.stderr)
        return EXIT_USAGE
    fmt = args.format
    if fmt is None and args.output and args.output != "-":
        # `--output story.html` says which format is wanted
        fmt = next((f for f, ext in FORMATS.items() if Path(args.output).suffix.lower() == ext), None)
    config = load_config(args)
    store = open_store(args, config)
    digest, path = export(store, config, fmt=fmt or DEFAULT_FORMAT, output=args.output,
                          since=args.since, until=args.until, include_read=args.include_read,
                          starred_only=args.starred_only, flat=args.flat)
    if path is not None:
        print(path)
    if digest.empty:
        print(f"tracker: {digest.empty}", file=sys.stderr)
    return EXIT_OK


def register(sub, common) -> None:
    from ..model import DIGEST_FORMATS as FORMATS

    p = sub.add_parser(
        "digest", parents=[common], help="export what happened since the last digest (md, html, json, txt)",
        description="Export the story's coverage as a file to share: Markdown (default), a self-contained "
                    "HTML page, JSON for scripts, or plain text for mail. By default it covers everything "
                    "on the story since the last digest (on the first run, the last 7 days), writes "
                    "data/digests/<story>-<local time>.md and prints the path.",
        epilog="Only a complete digest (--since last, without --until, --starred-only or --no-include-read) "
               "moves the 'last digest' mark, so consecutive digests never repeat or skip an item, "
               "whether made here or with the dashboard's e key.")
    p.add_argument("--since", type=_when(True), default="last", metavar="24h|7d|2026-02-24|last",
                   help="start: 'last' (the last digest; default), a duration back from now, "
                        "or a local day or time")
    p.add_argument("--until", type=_when(False), metavar="WHEN",
                   help="end (a day includes that whole local day; default: now)")
    p.add_argument("--format", choices=list(FORMATS), help="md (default, or from --output's extension), "
                                                           "html, json or txt")
    p.add_argument("-o", "--output", metavar="PATH|-", help="file to write (replaced whole; through a symlink, its target), folder (a new "
                        "name in it), '-' for stdout, or a device or FIFO (written as a stream)")
    p.add_argument("--include-read", action=argparse.BooleanOptionalAction, default=True,
                   help="include items already read in the dashboard (default: yes)")
    p.add_argument("--starred-only", action="store_true", help="only starred items")
    p.add_argument("--flat", action="store_true",
                   help="every item day by day, instead of by development (what happened, each with its reports)")
    p.set_defaults(func=cmd_digest)
