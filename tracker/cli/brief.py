"""tracker brief: what happened since you last looked, for a morning cron or a shell prompt."""

from __future__ import annotations

import json

from . import EXIT_OK, load_config, open_store


def cmd_brief(args) -> int:
    from ..brief import build, lines, mark, to_data

    config = load_config(args)
    store = open_store(args, config, refresh=False)
    b = build(store, config, since=args.since)
    if args.json:
        print(json.dumps(to_data(b), ensure_ascii=False, indent=2))
    else:
        print("\n".join(lines(b, limit=args.limit)))
    if args.mark:
        mark(store, config, b)
    return EXIT_OK
