"""tracker init, paths, feeds add|remove|import|export, completion: set up stories and feeds."""

from __future__ import annotations

import argparse
import json
import shlex
import shutil
import sys
import tomllib
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import quote_plus
from zoneinfo import ZoneInfo

from .. import config as config_module
from ..errors import ConfigError
from ..timeutil import TimeInputError, parse_local, utcnow
from . import EXIT_FAIL, EXIT_OK, EXIT_USAGE, config_path

# Words that carry no meaning as a required term: "Pentagon vs Anthropic" needs both names,
# not the word "vs".
STOPWORDS = {"a", "an", "and", "the", "of", "in", "on", "for", "to", "with", "at", "by", "about",
             "over", "vs", "v", "versus", "against", "from", "into"}
MAX_ARTICLE_BYTES = 5 * 1024 * 1024


def _error(message: str) -> int:
    print(f"tracker: {message}", file=sys.stderr)
    return EXIT_USAGE


# ------------------------------------------------------------------ init
def derive_rules(words: str) -> list[list[str]]:
    """'Anthropic Pentagon' -> [["Anthropic"], ["Pentagon"]]: every word must appear.
    "quoted phrases" stay one term; `A|B` or `A OR B` make alternatives within one group."""
    try:
        tokens = shlex.split(words)
    except ValueError:  # an unbalanced quote: take the words as they are
        tokens = words.replace('"', " ").replace("'", " ").split()
    groups: list[list[str]] = []
    join_next = False
    for token in tokens:
        if token.upper() == "OR" and groups:
            join_next = True
            continue
        terms = [t.strip() for t in token.split("|") if t.strip()]
        terms = [t for t in terms if " " in t or t.lower() not in STOPWORDS]
        if not terms:
            continue
        if join_next:
            groups[-1].extend(t for t in terms if t not in groups[-1])
        else:
            groups.append(terms)
        join_next = False
    return groups


def search_query(groups: list[list[str]]) -> str:
    """Google News and Bing News syntax: phrases quoted, alternatives as (A OR B)."""
    def term(t: str) -> str:
        return f'"{t}"' if " " in t else t

    parts = []
    for g in groups:
        parts.append(term(g[0]) if len(g) == 1 else "(" + " OR ".join(term(t) for t in g) + ")")
    return " ".join(parts)


def search_feeds(groups: list[list[str]]) -> list[tuple[str, str]]:
    q = quote_plus(search_query(groups))
    # hnrss passes q to a search engine without OR: the first term of each group
    hn = quote_plus(" ".join(g[0] for g in groups))
    return [
        ("Google News", f"https://news.google.com/rss/search?q={q}&hl=en-US&gl=US&ceid=US:en"),
        ("Bing News", f"https://www.bing.com/news/search?q={q}&format=rss"),
        ("Hacker News", f"https://hnrss.org/newest?q={hn}"),
    ]


def parse_deadline(text: str) -> tuple[datetime, str]:
    """'2026-02-27 17:00 America/New_York' -> (naive local datetime, zone). A time with a UTC
    offset and no zone name keeps its offset as a fixed zone (-05:00 is Etc/GMT+5), so it is
    shown as written; an offset of no whole hours, which no such zone has, is kept in UTC.
    ValueError with a message for the user."""
    parts = text.strip().split()
    zone = None
    if len(parts) > 1 and ("/" in parts[-1] or parts[-1].upper() in ("UTC", "GMT")):
        zone = parts.pop()
        zone = "UTC" if zone.upper() in ("UTC", "GMT") else zone
    try:
        at = parse_local(" ".join(parts), zone)
    except TimeInputError as e:
        if e.part == "time":
            raise ValueError(f"{text!r}: expected a date and time like \"2026-02-27 17:00 America/New_York\"") from None
        if e.part == "zone" and zone:
            raise ValueError(f"{zone!r} is not a time zone (use an IANA name like America/New_York)") from None
        if e.part == "zone":
            raise ValueError(f"{text!r} has no time zone: add one, e.g. \"{text.strip()} America/New_York\" (or UTC)") from None
        raise
    if zone:
        return at.astimezone(ZoneInfo(zone)).replace(tzinfo=None), zone
    hours, rest = divmod(int(at.utcoffset().total_seconds()), 3600)
    if rest or not hours:
        return at.astimezone(timezone.utc).replace(tzinfo=None), "UTC"
    return at.replace(tzinfo=None), f"Etc/GMT{-hours:+d}"  # the Etc/ zones' signs are POSIX's: inverted


def _s(value) -> str:
    """A TOML value, quoted and escaped as TOML wants it."""
    import tomlkit  # here: every command builds the parser, which imports this module

    return tomlkit.item(value).as_string()


def render_story(*, title: str, groups: list[list[str]], deadline: tuple[datetime, str] | None,
                 label: str, article: str | None, headline: str, source: str) -> str:
    from ..text import clean_text

    lines = [
        f"# tracker: {clean_text(title)}",  # a comment ends at a newline: never let one in
        "# Written by `tracker init`; edit it freely. `tracker --help` lists the commands, the",
        "# README describes every key. Times in [[deadlines]] are local to their `timezone`.",
        "",
        "[story]",
        f"title = {_s(title)}",
    ]
    if article:
        lines.append(f"article = {_s(article)}            # the anchor article, relative to this file")
    if headline:
        lines.append(f"headline = {_s(headline)}")
    if source:
        lines.append(f"source = {_s(source)}")
    require = ",\n".join(f"  {_s(g)}" for g in groups)
    lines += [
        "",
        "# An item is on the story when its title or summary matches at least one term of EVERY",
        "# group in `require`, and no term in `exclude`. Terms are whole words or phrases,",
        "# case-insensitive. These groups were made from the words given to `tracker init`, one",
        "# group per word: widen each with the other names the story goes by (a person's",
        "# surname, a product, an agency's other names, other spellings), e.g.",
        '#   ["Anthropic", "Claude", "Amodei"]. Add to `exclude` the terms of look-alike stories.',
        "# After a poll, `tracker items --all` shows what they let in and what they left out.",
        "[story.match]",
        f"require = [\n{require},\n]",
        "exclude = []",
        "",
        "[poll]",
        'interval = "15m"          # default for feeds without their own',
    ]
    if deadline:
        at, zone = deadline
        lines += [
            "",
            "[[deadlines]]",
            f"label = {_s(label)}",
            f"at = {_s(at.isoformat(timespec='minutes' if not at.second else 'seconds'))}",
            f"timezone = {_s(zone)}",
        ]
    lines += [
        "",
        "# Search feeds built from the words above; Google News allows polls every few minutes at most.",
    ]
    for name, url in search_feeds(groups):
        lines += ["", "[[feeds]]", f"name = {_s(name)}", f"url = {_s(url)}", 'interval = "10m"']
    # No outlets' own feeds: those of another story (the shipped one's defence press) would
    # fill this one with what its rules then throw away.
    lines += ["", "# Add the outlets that cover this story with `tracker feeds add URL` (or `tracker feeds",
              "# import FILE.opml`): most of their items are off the story; the rules decide."]
    return "\n".join(lines) + "\n"


def _headline(path: Path) -> str:
    """The file's first line when it reads like a headline (short), else nothing."""
    from ..text import clean_text

    try:
        with path.open(encoding="utf-8", errors="replace") as f:
            for line in f:
                if line.strip():
                    line = clean_text(line)
                    return line if len(line) <= 150 else ""
    except OSError:
        pass
    return ""


def _fetch_article(url: str):
    """The article at `url`, or None with one line saying why: init works offline too, and
    records the URL so that `tracker article` can fetch it later."""
    from ..fulltext import PageError
    from .article import fetch

    try:
        return fetch(url)
    except PageError as e:
        print(f"tracker: {e}; recorded the URL as the source: run `tracker article URL` to fetch it later",
              file=sys.stderr)
        return None


def _control_characters(args) -> str | None:
    """The first option of init's whose value is not one line of printable text, as an error.
    Every value init writes lands in feeds.toml: a newline in the title's header comment
    would start a line of TOML of the caller's choosing (a [notify] hook)."""
    for option, value in (("WORDS", args.words), ("--title", args.title), ("--label", args.label),
                          ("--headline", args.headline), ("--article", args.article),
                          ("--deadline", args.deadline)):
        if value and not value.isprintable():
            return (f"{option} {value!r} contains control characters (a newline, tab or escape); "
                    f"give it as one line of plain text")
    return None


def cmd_init(args) -> int:
    from ..paths import find_config
    path = find_config(getattr(args, "config", None), new=True)[0]
    problem = _control_characters(args)
    if problem:
        return _error(problem)
    if path.exists():
        return _error(f"{path} already exists; refusing to overwrite it. Follow another story "
                      f"with `--config OTHER/feeds.toml`, or move that file away first.")
    groups = derive_rules(args.words)
    if not groups:
        return _error(f"no words to follow in {args.words!r}: give the names the story goes by, "
                      f"e.g. tracker init \"Anthropic Pentagon\"")
    deadline = None
    if args.deadline:
        try:
            deadline = parse_deadline(args.deadline)
        except ValueError as e:
            return _error(f"--deadline {e}")

    base = path.parent
    article_rel, source, headline, copied, made_article = None, "", args.headline or "", None, None
    if args.article:
        if config_module.is_http_url(args.article):
            source, fetched = args.article, _fetch_article(args.article)
            if fetched is not None:
                from .article import save_article, story_keys
                keys = story_keys(fetched, save_article(fetched, base))
                article_rel, source = keys["article"], keys["source"]
                headline = headline or keys["headline"]
                made_article = base / article_rel
        else:
            src = Path(args.article).expanduser()
            if not src.is_file():
                return _error(f"--article {args.article!r} is neither a file nor an http(s) URL")
            if src.stat().st_size > MAX_ARTICLE_BYTES:
                return _error(f"--article {src} is larger than {MAX_ARTICLE_BYTES // 2**20} MB; "
                              f"is it the article's text?")
            dest = base / "data" / src.name
            if not src.name.isprintable():
                return _error(f"--article {src.name!r}: the file's name contains control characters; "
                              f"rename it first")
            if dest.exists() and not dest.samefile(src):
                return _error(f"{dest} already exists; refusing to overwrite it")
            headline = headline or _headline(src)
            article_rel = f"data/{src.name}"
            copied = (src, dest)

    title = args.title or " ".join(g[0] for g in groups)
    # The label says what happens then; "Deadline" would read "Deadline: Deadline" in a digest.
    text = render_story(title=title, groups=groups, deadline=deadline, label=args.label or title,
                        article=article_rel, headline=headline, source=source)
    (base / "data").mkdir(parents=True, exist_ok=True)  # the database goes there too
    made = None
    if copied and not copied[1].exists():
        shutil.copyfile(*copied)
        made = copied[1]
    try:
        config = config_module.parse(tomllib.loads(text), path, text)  # what we write must load
        with path.open("x", encoding="utf-8") as f:  # "x": never clobber a file made meanwhile
            f.write(text)
    except BaseException:
        for leftover in (made, made_article):
            if leftover:
                leftover.unlink(missing_ok=True)
        raise
    print(f"wrote {path.absolute()}: {len(config.feeds)} feeds, rules requiring "
          + " and ".join("/".join(g) for g in groups) + ".")
    print("Edit [story.match] to widen the rules, then run `tracker poll` or open the dashboard with `tracker`"
          + (f" --config {shlex.quote(str(path))}" if getattr(args, "config", None)
             else " from this folder") + ".")
    return EXIT_OK


# ------------------------------------------------------------------ paths
def _database_bytes(path) -> int | None:
    """The database's size on disk: the file and its write-ahead log, which holds the newest
    pages until a checkpoint. None when there is no database file."""
    try:
        size = path.stat().st_size if path.is_file() else None
    except OSError:
        return None
    if size is not None:
        try:
            size += path.with_name(path.name + "-wal").stat().st_size
        except OSError:
            pass
    return size


def _megabytes(size: int) -> str:
    if size >= 10_000_000:
        return f"{size / 1e6:.0f} MB"
    return f"{size / 1e6:.2f} MB" if size >= 100_000 else f"{size / 1e3:.0f} kB"


def cmd_paths(args) -> int:
    from ..paths import resolve

    given = getattr(args, "config", None)
    path = config_path(args)
    config, problem = None, None
    if path.is_file():
        try:
            config = config_module.load(path)
        except ConfigError as e:
            problem = str(e)
    found = resolve(given, getattr(args, "db", None), config)
    rows = [("config", found.config), ("database", found.database), ("digests", found.digests),
            ("log file", found.log)]
    size = _database_bytes(found.database.path)
    if args.json:
        out = {name.replace(" ", "_"): {"path": str(loc.path.absolute()), "from": loc.source,
                                        "exists": loc.path.exists()} for name, loc in rows}
        if size is not None:
            out["database"]["bytes"] = size
        json.dump(out, sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        for name, loc in rows:
            missing = "" if loc.path.exists() else "  (not there yet)"
            print(f"{name:<9} {loc.path.absolute()}{missing}\n          why: {loc.source}")
            if name == "database" and size is not None:
                print(f"          size: {_megabytes(size)} (the file and its -wal)")
    if not path.is_file():
        print(f"no config at {path}: create one with `tracker init \"WORDS\"`", file=sys.stderr)
    if problem:
        print(f"tracker: config error: {problem}", file=sys.stderr)
        return EXIT_USAGE
    return EXIT_OK


# ------------------------------------------------------------------ feeds
def cmd_feeds_add(args) -> int:
    from ..feedsfile import FeedsFile, FeedsFileError

    if args.interval is not None:
        try:
            config_module.parse_duration(args.interval)
        except ValueError as e:
            return _error(f"--interval: {e}")
    try:
        ff = FeedsFile(config_path(args))
        name = ff.add(args.url, args.name, args.interval, False if args.no_match else None)
        ff.save()
    except FeedsFileError as e:
        return _error(str(e))
    print(f"added {name!r} to {ff.path}; it is polled from the next `tracker poll` "
          "(restart a running daemon or dashboard to pick it up)")
    return EXIT_OK


def cmd_feeds_remove(args) -> int:
    from ..feedsfile import FeedsFile, FeedsFileError

    try:
        ff = FeedsFile(config_path(args))
        name = ff.remove(args.name)
        ff.save()
    except FeedsFileError as e:
        return _error(str(e))
    print(f"removed {name!r} from {ff.path} (its stored items stay in the database)")
    return EXIT_OK


def cmd_feeds_import(args) -> int:
    from ..feedsfile import FeedsFile, FeedsFileError
    from ..opml import OPMLError, read

    try:
        outlines = read(args.file)
        ff = FeedsFile(config_path(args))
        report = ff.import_outlines(outlines)
        if report.added:
            ff.save()
    except (OPMLError, FeedsFileError) as e:
        return _error(str(e))
    print(f"imported {len(report.added)} feed{'' if len(report.added) == 1 else 's'} into {ff.path}"
          + (f"; skipped {len(report.duplicates)} already there" if report.duplicates else "")
          + (f"; skipped {len(report.invalid)} that are not http(s) feeds" if report.invalid else ""))
    for name in report.added:
        print(f"  + {name}")
    # What was skipped is named too, so a feed that was meant to come in can be looked for;
    # a URL with control characters is shown escaped, never raw.
    for url in report.duplicates:
        print(f"  = already there: {url if url.isprintable() else repr(url)}")
    for url in report.invalid:
        print(f"  ! not an http(s) URL: {url if url.isprintable() and url else repr(url)}")
    return EXIT_OK


def cmd_feeds_export(args) -> int:
    from ..opml import render
    from ..text import clean_text

    config = config_module.load(config_path(args))
    # feeds.toml is edited by hand too: what it holds is cleaned here, not trusted
    text = render(f"tracker: {clean_text(config.story.title)}",
                  ((clean_text(f.name), clean_text(f.url)) for f in config.feeds), utcnow())
    if args.output and args.output != "-":
        try:
            Path(args.output).write_text(text, encoding="utf-8")
        except OSError as e:
            print(f"tracker: cannot write {args.output}: {e.strerror or e}", file=sys.stderr)
            return EXIT_FAIL
        print(f"wrote {len(config.feeds)} feeds to {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return EXIT_OK


# ------------------------------------------------------------------ completion
def completion_script(parser: argparse.ArgumentParser) -> str:
    """A bash completion script for the commands and options of `parser` (argparse has no
    completion of its own, and argcomplete would be a dependency run on every TAB)."""
    words: dict[str, list[str]] = {}

    def walk(p: argparse.ArgumentParser, path: str) -> None:
        opts, subs = [], []
        for action in p._actions:
            opts += [o for o in action.option_strings]
            if isinstance(action, argparse._SubParsersAction):
                for name, child in action.choices.items():
                    subs.append(name)
                    walk(child, f"{path} {name}".strip())
        words[path] = sorted(set(subs)) + sorted(set(opts))

    walk(parser, "")
    cases = "\n".join(f'        "{k}") words={shlex.quote(" ".join(v))} ;;' for k, v in sorted(words.items()))
    return f"""# bash completion for tracker; load it with:  source <(tracker completion bash)
_tracker() {{
    local cur prev path="" w words
    cur="${{COMP_WORDS[COMP_CWORD]}}"
    prev="${{COMP_WORDS[COMP_CWORD-1]}}"
    case "$prev" in
        --config|--db|--log|-o|--output|--article|import) COMPREPLY=($(compgen -f -- "$cur")); return ;;
    esac
    for w in "${{COMP_WORDS[@]:1:COMP_CWORD-1}}"; do
        case "$w" in -*) ;; *) [[ -n "$(_tracker_words "${{path:+$path }}$w")" ]] && path="${{path:+$path }}$w" ;; esac
    done
    COMPREPLY=($(compgen -W "$(_tracker_words "$path")" -- "$cur"))
}}
_tracker_words() {{
    case "$1" in
{cases}
        *) words="" ;;
    esac
    printf '%s' "$words"
}}
complete -o default -F _tracker tracker
"""


def cmd_completion(args) -> int:
    from . import build_parser

    sys.stdout.write(completion_script(build_parser()))
    return EXIT_OK


# ------------------------------------------------------------------ registration
