"""Every command's options and help, apart from the code that runs it, so that parsing a
command line (or `tracker --help`, which lists every command) imports no command's module:
`tracker items` does not pay for the daemon's, the digest's or the dashboard's imports. The
module of the command that runs is imported by its func (lazy)."""

from __future__ import annotations

import argparse
import importlib

from .. import __version__

GRACE = 5.0  # seconds in-flight polls get to finish after SIGTERM before they are cancelled
SHOWN = 20  # `tracker rules`: titles listed per direction; the counts are always complete


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


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _when(allow_last: bool):
    def parse(text: str):
        from ..digest import parse_when
        try:
            return parse_when(text, allow_last=allow_last)
        except ValueError as e:
            raise argparse.ArgumentTypeError(str(e)) from None
    return parse


def _grace(text: str) -> float:
    from ..config import parse_duration

    try:
        return parse_duration(text)
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


def _seconds(text: str) -> float:
    value = float(text)
    if value < 5:
        raise argparse.ArgumentTypeError("must be at least 5 seconds")
    return value


def lazy(module: str, name: str):
    """tracker.cli.<module>.<name>, imported when the command runs."""
    def run(args) -> int:
        return getattr(importlib.import_module(f"tracker.cli.{module}"), name)(args)
    run.__name__ = name
    return run


def build_parser() -> argparse.ArgumentParser:
    common = _common()
    parser = _Parser(
        prog="tracker", parents=[common],
        description="Follow one developing news story: poll its feeds, keep what is on the story, "
                    "and watch it in a terminal dashboard. Without a command, opens the dashboard.",
        epilog="Exit codes: 0 ok, 1 failure, 2 usage or config error.")
    parser.add_argument("--version", action="version", version=f"tracker {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for add in (_core, _digest, _brief, _rules, _manage, _article, _daemon, _demo, _tui):
        add(sub, common)
    _mark_subcommands(parser)
    return parser


def _core(sub, common) -> None:
    p = sub.add_parser("poll", parents=[common], help="poll every feed once and store what is new",
                       description="Poll every feed once (a progress bar on a terminal), store new items, "
                                   "and print a summary. Exits 0 whatever individual feeds answered.")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=lazy("core", "cmd_poll"))

    p = sub.add_parser("items", parents=[common], help="list stored items, newest first",
                       description="List stored items, newest first; by default only those on the story.")
    p.add_argument("--json", action="store_true", help="a JSON array (a stable interface for scripts)")
    p.add_argument("--all", action="store_true", help="include items that are not on the story")
    p.add_argument("--limit", type=positive_int, metavar="N", help="at most N items")
    p.add_argument("--unread", action="store_true", help="only unread items")
    p.add_argument("--starred", action="store_true", help="only starred items")
    p.add_argument("--search", metavar="WORDS",
                   help="full-text search in titles, summaries and articles' text (as the dashboard's /)")
    p.add_argument("--clusters", action="store_true",
                   help="one row per report: its earliest copy, with how many outlets carried it (×N)")
    p.add_argument("--developments", action="store_true",
                   help="one row per development (every report of one event): id, headline, first and "
                        "last report, reports, outlets, item ids")
    p.set_defaults(func=lazy("core", "cmd_items"))

    p = sub.add_parser("feeds", parents=[common], help="each feed's health: last poll, status, items, errors",
                       description="Each feed: last poll, HTTP status, items, errors and next poll.")
    p.add_argument("--json", action="store_true", help="as JSON")
    p.set_defaults(func=lazy("core", "cmd_feeds"))


def _digest(sub, common) -> None:
    from ..model import DIGEST_FORMATS as FORMATS  # model is loaded already (tracker.cli)

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
    p.set_defaults(func=lazy("digest", "cmd_digest"))


def _brief(sub, common) -> None:
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
    p.set_defaults(func=lazy("brief", "cmd_brief"))


def _rules(sub, common) -> None:
    p = sub.add_parser("rules", parents=[common], help="re-score stored items against the story rules",
                       description="Re-score every stored item against [story.match] in feeds.toml. "
                                   "`test` shows what would move onto or off the story without changing "
                                   "anything; `apply` makes it so. Manual verdicts (+/- in the dashboard) "
                                   "always win. Edited rules are also applied when tracker next starts.")
    p.add_argument("action", choices=["test", "apply", "suggest"],
                   help="test: show the changes; apply: make them; suggest: list terms frequent in the "
                        "story's developments that the rules lack (changes nothing)")
    p.add_argument("--json", action="store_true", help="as JSON (every moved item)")
    p.add_argument("--show", type=positive_int, default=SHOWN, metavar="N",
                   help=f"titles listed per direction, or terms suggested (default {SHOWN})")
    p.add_argument("--all", action="store_true", help="list every moved title (every suggested term)")
    p.set_defaults(func=lazy("rules", "cmd_rules"))


def _manage(sub, common) -> None:
    p = sub.add_parser(
        "init", parents=[common], help="write a feeds.toml for a new story",
        description="Write a feeds.toml for a new story: rules made from WORDS (every word must "
                    "appear; \"quoted phrases\" are one term; A|B or A OR B are alternatives), Google "
                    "News, Bing News and Hacker News searches for them. Written to --config when "
                    "given, else ./feeds.toml in the current directory, where the other commands "
                    "find it (init never overwrites a file).")
    p.add_argument("words", metavar="WORDS", help='the names the story goes by, e.g. "Anthropic Pentagon"')
    p.add_argument("--deadline", metavar="WHEN",
                   help='the next deadline, e.g. "2026-02-27 17:00 America/New_York"')
    p.add_argument("--label", help="what happens at the deadline (default: the story's title)")
    p.add_argument("--article", metavar="URL_OR_FILE",
                   help="the anchor article: a text file (copied under data/) or its URL (recorded as the source)")
    p.add_argument("--title", help="the story's title (default: the words)")
    p.add_argument("--headline", help="the article's headline (default: a file's first line)")
    # Outlets are no longer added (a new story gets only its searches): kept so scripts still run.
    p.add_argument("--no-outlets", action="store_true", help=argparse.SUPPRESS)
    p.set_defaults(func=lazy("manage", "cmd_init"))

    p = sub.add_parser("paths", parents=[common], help="show where the config, database, digests and log are",
                       description="Show the files tracker uses and why each is where it is.")
    p.add_argument("--json", action="store_true", help="as JSON")
    p.set_defaults(func=lazy("manage", "cmd_paths"))

    p = sub.add_parser("completion", help="print a shell completion script",
                       description="Print a bash completion script: source <(tracker completion bash). "
                                   "zsh can load it after `autoload bashcompinit && bashcompinit`.")
    p.add_argument("shell", choices=["bash"], help="the shell (bash)")
    p.set_defaults(func=lazy("manage", "cmd_completion"))

    # `tracker feeds` itself is core's (the health list); the editing commands hang below it,
    # and bare `tracker feeds` / `tracker feeds --json` keep working.
    feeds = sub.choices["feeds"]
    feeds.description = ((feeds.description or "") + " Subcommands edit the feeds in feeds.toml, "
                         "keeping its comments and layout.")
    fsub = feeds.add_subparsers(dest="feeds_command", metavar="[ACTION]")
    core_list = feeds.get_default("func")

    p = fsub.add_parser("list", parents=[common], help="each feed's health (the same as bare `tracker feeds`)")
    p.add_argument("--json", action="store_true", help="as JSON")
    p.set_defaults(func=core_list)

    p = fsub.add_parser("add", parents=[common], help="add a feed to feeds.toml",
                        description="Add a feed to feeds.toml. Exit 2 if its URL or name is already there.")
    p.add_argument("url", metavar="URL", help="the feed's http(s) URL")
    p.add_argument("--name", help="its name (default: the site's host name)")
    p.add_argument("--interval", metavar="DURATION", help='how often to poll it, e.g. "10m" (default: [poll] interval)')
    p.add_argument("--no-match", action="store_true",
                   help="keep every item: the feed is already about the story")
    p.set_defaults(func=lazy("manage", "cmd_feeds_add"))

    p = fsub.add_parser("remove", parents=[common], help="remove a feed from feeds.toml",
                        description="Remove a feed (by name or URL) from feeds.toml. Its items stay in the database.")
    p.add_argument("name", metavar="NAME", help="the feed's name (or URL)")
    p.set_defaults(func=lazy("manage", "cmd_feeds_remove"))

    p = fsub.add_parser("import", parents=[common], help="add the feeds of an OPML file",
                        description="Add every feed of an OPML file (from tracker, newsboat, miniflux, "
                                    "Feedly...): categories are flattened, URLs already there skipped, "
                                    "names made unique.")
    p.add_argument("file", metavar="FILE.opml")
    p.set_defaults(func=lazy("manage", "cmd_feeds_import"))

    p = fsub.add_parser("export", parents=[common], help="write the feeds as OPML 2.0",
                        description="Write the feeds as OPML 2.0, for any feed reader.")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE (default: standard output)")
    p.set_defaults(func=lazy("manage", "cmd_feeds_export"))


def _article(sub, common) -> None:
    p = sub.add_parser("article", parents=[common], help="fetch the story's anchor article from its page",
                       description="Fetch the page at URL, keep the article's own text (headline, byline, "
                                   "date, body; no navigation, ads or comments) in data/, and make it the "
                                   "story's anchor article in feeds.toml.")
    p.add_argument("url", metavar="URL")
    p.set_defaults(func=lazy("article", "cmd_article"))

    p = sub.add_parser("texts", parents=[common], help="read the pages of on-story reports now",
                       description="Fetch the pages of on-story reports that have no text yet and keep each "
                                   "article's own text (the dashboard and the daemon do this in the background), "
                                   "one page at a time per site.")
    p.add_argument("--limit", type=positive_int, default=200, metavar="N", help="at most N pages (default 200)")
    p.set_defaults(func=lazy("article", "cmd_texts"))


def _daemon(sub, common) -> None:
    p = sub.add_parser(
        "daemon", parents=[common], help="poll on schedule without a UI (for systemd, tmux, a server)",
        description="Poll every feed on its schedule without a UI, notify as [notify] says, and log "
                    "to a rotating file (see `tracker paths`). Stops cleanly on SIGTERM or Ctrl-C "
                    "(exit 0). A dashboard opened on the same database shows its items. "
                    "docs/tracker.service is an example systemd user unit.")
    p.add_argument("--log", metavar="FILE", help="the log file (default: tracker.log beside the database)")
    p.add_argument("--grace", type=_grace, default=GRACE, metavar="DURATION",
                   help=f"on stop, how long running polls may finish before they are cancelled (default {GRACE:g}s)")
    p.set_defaults(func=lazy("daemon", "cmd_daemon"))

    p = sub.add_parser(
        "serve", parents=[common], help="serve the dashboard to a web browser",
        description="Serve the dashboard to a web browser (textual-serve): each browser tab runs its "
                    "own dashboard on this machine, ended when the tab closes. Listens on 127.0.0.1 unless "
                    "--host says otherwise, and then requires the secret token printed at start. "
                    "Only pages it served may use it.")
    p.add_argument("--host", default="127.0.0.1", help="the address to listen on (default: 127.0.0.1)")
    p.add_argument("--port", type=positive_int, default=8000, help="the port (default: 8000)")
    p.add_argument("--public-url", metavar="URL",
                   help="the URL browsers use to reach it, when not http://HOST:PORT (a proxy, 0.0.0.0)")
    p.add_argument("--max-sessions", type=positive_int, default=4, metavar="N",
                   help="the most browser tabs (each its own dashboard process) served at once (default: 4)")
    p.set_defaults(func=lazy("daemon", "cmd_serve"))


def _demo(sub, common) -> None:
    p = sub.add_parser("demo", parents=[common], help="the dashboard on a local feed server with synthetic items",
                       description="Start a feed server on 127.0.0.1 publishing clearly labelled synthetic "
                                   "items about the story every few seconds, point a temporary config and "
                                   "database at it, and open the dashboard. Everything is removed on exit. "
                                   "Uses the story rules, deadlines and article of --config (default "
                                   "./feeds.toml, else the shipped one).")
    p.add_argument("--interval", type=_seconds, default=10.0, metavar="SECONDS",
                   help="how often each demo feed is polled (default 10)")
    p.add_argument("--every", type=float, default=6.0, metavar="SECONDS",
                   help="how often new items are published (default 6)")
    p.add_argument("--deadline-in", type=float, metavar="MINUTES",
                   help="also add a synthetic deadline this many minutes ahead, to watch the countdown")
    p.add_argument("--seed", type=int, default=0, help="seed of the synthetic items")
    p.set_defaults(func=lazy("demo", "cmd_demo"))


def _tui(sub, common) -> None:
    p = sub.add_parser("tui", parents=[common], help="open the dashboard (the same as bare `tracker`)",
                       description="Open the dashboard: live coverage, the anchor article and the "
                                   "deadline countdown, polling the feeds in the background.")
    p.set_defaults(func=lazy("tui", "cmd_tui"))
