"""tracker digest: export what happened since the last digest."""

from __future__ import annotations

import sys
from pathlib import Path

from . import EXIT_OK, EXIT_USAGE, load_config, open_store


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
