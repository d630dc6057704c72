"""tracker brief: what happened since you last looked, for a morning cron or a shell prompt."""

from __future__ import annotations

import json

from . import EXIT_OK, load_config, open_store
from .digest import _when


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


def register(sub, common) -> None:
    from . import positive_int

    p = sub.add_parser(
        "brief", parents=[common], help="what happened since you last looked (the dashboard's briefing)",
        description="The dashboard's briefing on the command line: the developments new since you last "
                    "looked (or since --since), those with new reports, the deadline and the next milestone.",
        epilog="Printing it moves nothing: a shell prompt or a cron can run it as often as it likes and the "
               "dashboard's card still shows what you have not seen. --mark records it as seen.")
    p.add_argument("--since", type=_when(True), default=None, metavar="last|24h|7d|2026-02-24",
                   help="'last' (your last look; default) or a start: a duration back from now, a local day "
                        "or time (by publication)")
    p.add_argument("--json", action="store_true", help="JSON for scripts")
    p.add_argument("--limit", type=positive_int, default=10, help="developments listed per group (default 10)")
    p.add_argument("--mark", action="store_true", help="record this briefing as seen (the next starts after it)")
    p.set_defaults(func=cmd_brief)
