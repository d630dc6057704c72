"""feeds.toml -> Config. Every mistake becomes one ConfigError naming file, line and key."""

from __future__ import annotations

import re
import tomllib
from datetime import UTC, datetime
from pathlib import Path

from .errors import ConfigError
from .match import Rules
from .model import Config, Deadline, FeedConfig, FulltextSettings, PollSettings, Story
from .timeutil import OUT_OF_RANGE, TimeInputError, parse_local, zone

# What each table may hold; anything else is a typo the user wants to hear about.
TOP_KEYS = {"database", "story", "poll", "deadlines", "feeds", "notify", "fulltext"}
STORY_KEYS = {"title", "article", "headline", "source", "outlet", "published", "match"}
MATCH_KEYS = {"require", "exclude"}
POLL_KEYS = {"interval", "timeout", "max_bytes", "concurrency", "near_deadline", "near_deadline_interval",
             "max_new_items", "keep_off_story"}
DEADLINE_KEYS = {"label", "at", "timezone", "note"}
FEED_KEYS = {"name", "url", "interval", "match", "max_new_items", "fulltext"}
FULLTEXT_KEYS = {"enabled", "delay"}
NOTIFY_KEYS = {"bell", "desktop", "on_new", "quiet_hours", "toasts", "urls", "priority", "outlets_again",
               "per_minute"}

MIN_INTERVAL = 5.0  # seconds; the demo polls this fast, real feeds should not

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_DURATION = re.compile(r"(\d+(?:\.\d+)?)([smhd])")


def parse_duration(text: str) -> float:
    """'90s', '10m', '1h30m', '2d' -> seconds. ValueError on anything else."""
    s = str(text).strip().lower().replace(" ", "")
    if not s or _DURATION.sub("", s):
        raise ValueError(f"{text!r} is not a duration like 30s, 10m, 1h30m or 2d")
    return sum(float(n) * _UNITS[u] for n, u in _DURATION.findall(s))


def is_http_url(url: object) -> bool:
    return isinstance(url, str) and re.fullmatch(r"https?://[^\s/?#]+[^\s]*", url, re.I) is not None


class _Locator:
    """Finds the line of a key in the TOML source: tomllib keeps no positions."""

    _HEADER = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_.\"' -]+?)\s*\]\]?")

    def __init__(self, text: str):
        self.lines = text.splitlines()

    def line(self, table: str | None = None, index: int | None = None, key: str | None = None) -> int | None:
        start = 1 if table is None else None  # top-level keys live before the first header
        end, seen = len(self.lines) + 1, {}
        for no, raw in enumerate(self.lines, 1):
            m = self._HEADER.match(raw)
            if not m:
                continue
            if start is not None:
                end = no
                break
            name = m.group(2).replace('"', "").replace("'", "")
            seen[name] = seen.get(name, -1) + 1
            if name == table and (index is None or seen[name] == index):
                start = no
        if start is None:
            return None
        if key:
            pattern = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=")
            for no in range(start, end):
                if pattern.match(self.lines[no - 1]):
                    return no
        return start if table is not None else None


class _Reader:
    def __init__(self, path: Path, text: str):
        self.path, self.locate = path, _Locator(text)
        self.warnings: list[str] = []

    def fail(self, message, table=None, index=None, key=None, shown=None):
        raise ConfigError(self.path, message, self.locate.line(table, index, key), shown or key)

    def warn(self, message, table=None, index=None, key=None, shown=None):
        """A problem told like an error (file, line, key) that does not stop the load."""
        self.warnings.append(str(ConfigError(self.path, message, self.locate.line(table, index, key), shown or key)))

    def check_keys(self, data: dict, allowed: set, table=None, index=None, shown=None):
        for key in data:
            if key not in allowed:
                name = f"{shown}.{key}" if shown else key
                self.fail(f"unknown key (expected one of: {', '.join(sorted(allowed))})",
                          table, index, key, name)

    def string(self, data, key, table=None, index=None, shown=None, required=False, default=""):
        name = f"{shown}.{key}" if shown else key
        if key not in data:
            if required:
                self.fail("is required", table, index, None, name)
            return default
        value = data[key]
        if not isinstance(value, str) or (required and not value.strip()):
            self.fail("must be a non-empty string" if required else "must be a string",
                      table, index, key, name)
        return value


def load(path: str | Path) -> Config:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(path, "file not found (create one with `tracker init`, or pass --config)") from None
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigError(path, f"cannot read: {e}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        m = re.search(r"line (\d+)", str(e))
        raise ConfigError(path, f"invalid TOML: {e}", int(m.group(1)) if m else None) from None
    except RecursionError:  # tomllib parses nested arrays and tables by recursion
        raise ConfigError(path, "invalid TOML: arrays or tables nested too deeply") from None
    return parse(data, path, text)


def parse(data: dict, path: Path, text: str = "") -> Config:
    r = _Reader(path, text)
    base = path.parent
    r.check_keys(data, TOP_KEYS)

    story_data = data.get("story")
    if not isinstance(story_data, dict):
        r.fail("a [story] table with a title is required", key=None, shown="story")
    story = _story(r, story_data, base)

    poll = _poll(r, data.get("poll", {}))

    deadlines = []
    raw_deadlines = data.get("deadlines", [])
    if not isinstance(raw_deadlines, list):
        r.fail("must be an array of tables ([[deadlines]])", key="deadlines")
    for i, d in enumerate(raw_deadlines):
        deadlines.append(_deadline(r, d, i))

    feeds, names = [], set()
    raw_feeds = data.get("feeds", [])
    if not isinstance(raw_feeds, list):
        r.fail("must be an array of tables ([[feeds]])", key="feeds")
    for i, f in enumerate(raw_feeds):
        feed = _feed(r, f, i, poll.interval, poll.max_new_items)
        if feed.name in names:
            r.fail(f"duplicate feed name {feed.name!r}", "feeds", i, "name", f"feeds[{i}].name")
        names.add(feed.name)
        feeds.append(feed)

    database = None
    if "database" in data:
        db = r.string(data, "database", required=True)
        database = (base / db) if not Path(db).is_absolute() else Path(db)

    notify = data.get("notify", {})
    if not isinstance(notify, dict):
        r.fail("must be a table ([notify])", key="notify")
    _notify(r, notify)

    return Config(path=path, story=story, feeds=tuple(feeds), deadlines=tuple(deadlines),
                  database=database, poll=poll, notify=dict(notify), fulltext=_fulltext(r, data.get("fulltext", {})),
                  warnings=tuple(r.warnings))


def _fulltext(r: _Reader, d) -> FulltextSettings:
    if not isinstance(d, dict):
        r.fail("must be a table ([fulltext])", key="fulltext")
    r.check_keys(d, FULLTEXT_KEYS, "fulltext", shown="fulltext")
    enabled = d.get("enabled", True)
    if not isinstance(enabled, bool):
        r.fail("must be true or false", "fulltext", None, "enabled", "fulltext.enabled")
    delay = FulltextSettings.delay
    if "delay" in d:
        delay = _duration(r, d["delay"], "fulltext", None, "delay", "fulltext.delay", minimum=0.0)
    return FulltextSettings(enabled=enabled, delay=delay)


def _notify(r: _Reader, d: dict) -> None:
    """The [notify] table; its meaning is in tracker/notify.py."""
    r.check_keys(d, NOTIFY_KEYS, "notify", shown="notify")
    for key in ("bell", "desktop", "toasts"):
        if key in d and not isinstance(d[key], bool):
            r.fail("must be true or false", "notify", None, key, f"notify.{key}")
    if "on_new" in d:
        argv = d["on_new"]
        if (not isinstance(argv, list) or not argv or not all(isinstance(a, str) for a in argv)
                or not argv[0].strip()):
            r.fail('must be a command as an array of strings, e.g. ["notify.sh", "{title}", "{link}"]',
                   "notify", None, "on_new", "notify.on_new")
    for key, example in (("urls", '["ntfy://ntfy.sh/my-topic", "mailto://user:pass@example.com"]'),
                         ("priority", '["injunction", "ruling"]')):
        if key in d:
            v = d[key]
            if not isinstance(v, list) or not all(isinstance(x, str) and x.strip() for x in v):
                r.fail(f"must be an array of strings, e.g. {example}", "notify", None, key, f"notify.{key}")
    if "urls" in d and not all("://" in u for u in d["urls"]):
        r.fail('each must be an apprise URL such as "ntfy://ntfy.sh/my-topic"', "notify", None, "urls", "notify.urls")
    if "priority" in d:
        from .match import _check_term
        for term in d["priority"]:
            try:
                _check_term(term, "notify.priority")
            except ValueError as e:
                r.fail(str(e), "notify", None, "priority", "notify.priority")
    for key in ("outlets_again", "per_minute"):
        if key in d and (not isinstance(d[key], int) or isinstance(d[key], bool) or d[key] < 1):
            r.fail("must be a whole number, 1 or more", "notify", None, key, f"notify.{key}")
    if "quiet_hours" in d:
        from .notify import parse_quiet_hours  # only then: notify's imports cost every load ~5 ms

        try:
            parse_quiet_hours(d["quiet_hours"])
        except ValueError as e:
            r.fail(str(e), "notify", None, "quiet_hours", "notify.quiet_hours")


def _story(r: _Reader, d: dict, base: Path) -> Story:
    r.check_keys(d, STORY_KEYS, "story", shown="story")
    title = r.string(d, "title", "story", shown="story", required=True)
    article = None
    if "article" in d:
        rel = r.string(d, "article", "story", shown="story", required=True)
        article = base / rel
        if not article.is_file():  # only the dashboard shows it: the other commands go on
            r.warn(f"article file {article} not found", "story", None, "article", "story.article")
    source = r.string(d, "source", "story", shown="story")
    if source and not is_http_url(source):
        r.fail("must be an http(s) URL", "story", None, "source", "story.source")
    published = None
    if "published" in d:
        published = _datetime(r, d["published"], "UTC", "story", None, "published", "story.published")
    match = d.get("match")
    if not isinstance(match, dict):
        r.fail("a [story.match] table with `require` keyword groups is required",
               "story", None, None, "story.match")
    r.check_keys(match, MATCH_KEYS, "story.match", shown="story.match")
    require = match.get("require")
    if (not isinstance(require, list) or not require
            or not all(isinstance(g, list) and g and all(isinstance(t, str) and t.strip() for t in g)
                       for g in require)):
        r.fail("must be a non-empty array of non-empty arrays of terms, e.g. [[\"Anthropic\"], [\"Pentagon\"]]",
               "story.match", None, "require", "story.match.require")
    exclude = match.get("exclude", [])
    if not isinstance(exclude, list) or not all(isinstance(t, str) and t.strip() for t in exclude):
        r.fail("must be an array of terms", "story.match", None, "exclude", "story.match.exclude")
    try:
        rules = Rules(require=tuple(tuple(g) for g in require), exclude=tuple(exclude))
    except ValueError as e:
        r.fail(str(e), "story.match", None, "require", "story.match.require")
    return Story(title=title, rules=rules, article=article,
                 headline=r.string(d, "headline", "story", shown="story"), source=source,
                 outlet=r.string(d, "outlet", "story", shown="story"), published=published)


def _poll(r: _Reader, d) -> PollSettings:
    if not isinstance(d, dict):
        r.fail("must be a table ([poll])", key="poll")
    r.check_keys(d, POLL_KEYS, "poll", shown="poll")
    kw = {}
    if "interval" in d:
        kw["interval"] = _duration(r, d["interval"], "poll", None, "interval", "poll.interval")
    if "timeout" in d:
        kw["timeout"] = _duration(r, d["timeout"], "poll", None, "timeout", "poll.timeout", minimum=1.0)
    # Faster polling around a deadline; a minute is the floor, whatever the feeds' own intervals.
    for key in ("near_deadline", "near_deadline_interval"):
        if key in d:
            kw[key] = _duration(r, d[key], "poll", None, key, f"poll.{key}", minimum=60.0)
    if "keep_off_story" in d:
        kw["keep_off_story"] = _duration(r, d["keep_off_story"], "poll", None, "keep_off_story",
                                         "poll.keep_off_story", minimum=3600.0)
    for key in ("max_bytes", "concurrency", "max_new_items"):
        if key in d:
            if not isinstance(d[key], int) or isinstance(d[key], bool) or d[key] < 1:
                r.fail("must be a positive integer", "poll", None, key, f"poll.{key}")
            kw[key] = d[key]
    return PollSettings(**kw)


def _deadline(r: _Reader, d, i: int) -> Deadline:
    shown = f"deadlines[{i}]"
    if not isinstance(d, dict):
        r.fail("must be a table", "deadlines", i, None, shown)
    r.check_keys(d, DEADLINE_KEYS, "deadlines", i, shown)
    label = r.string(d, "label", "deadlines", i, shown, required=True)
    tz = r.string(d, "timezone", "deadlines", i, shown, required=True)
    try:
        zone(tz)
    except TimeInputError as e:
        r.fail(str(e), "deadlines", i, "timezone", f"{shown}.timezone")
    if "at" not in d:
        r.fail("is required", "deadlines", i, None, f"{shown}.at")
    at = _datetime(r, d["at"], tz, "deadlines", i, "at", f"{shown}.at")
    return Deadline(label=label, at=at, timezone=tz, note=r.string(d, "note", "deadlines", i, shown))


def _feed(r: _Reader, d, i: int, default_interval: float, default_max_new: int = 200) -> FeedConfig:
    shown = f"feeds[{i}]"
    if not isinstance(d, dict):
        r.fail("must be a table", "feeds", i, None, shown)
    r.check_keys(d, FEED_KEYS, "feeds", i, shown)
    name = r.string(d, "name", "feeds", i, shown, required=True).strip()
    url = r.string(d, "url", "feeds", i, shown, required=True).strip()
    if not is_http_url(url):
        r.fail(f"{url!r} is not an http(s) URL", "feeds", i, "url", f"{shown}.url")
    interval = default_interval
    if "interval" in d:
        interval = _duration(r, d["interval"], "feeds", i, "interval", f"{shown}.interval")
    match = d.get("match", True)
    if not isinstance(match, bool):
        r.fail("must be true or false", "feeds", i, "match", f"{shown}.match")
    max_new = d.get("max_new_items", default_max_new)
    if not isinstance(max_new, int) or isinstance(max_new, bool) or max_new < 1:
        r.fail("must be a positive integer", "feeds", i, "max_new_items", f"{shown}.max_new_items")
    fulltext = d.get("fulltext", True)
    if not isinstance(fulltext, bool):
        r.fail("must be true or false", "feeds", i, "fulltext", f"{shown}.fulltext")
    return FeedConfig(name=name, url=url, interval=interval, match=match, max_new_items=max_new,
                      fulltext=fulltext)


def _duration(r: _Reader, value, table, index, key, shown, minimum: float = MIN_INTERVAL) -> float:
    try:
        seconds = parse_duration(value) if isinstance(value, str) else None
    except ValueError as e:
        r.fail(str(e), table, index, key, shown)
    if seconds is None:
        r.fail("must be a duration string like \"10m\"", table, index, key, shown)
    if seconds < minimum:
        r.fail(f"must be at least {minimum:g}s", table, index, key, shown)
    return seconds


def _datetime(r: _Reader, value, tz: str, table, index, key, shown) -> datetime:
    """A TOML datetime or ISO string; naive values are local to `tz`. Returns aware UTC."""
    if not isinstance(value, (str, datetime)):
        r.fail("must be a date and time like 2026-02-27T17:00:00", table, index, key, shown)
    try:
        return parse_local(value, tz).astimezone(UTC)
    except TimeInputError as e:
        if e.part == "time":
            r.fail(f"{value!r} is not an ISO-8601 time like 2026-02-27T17:00:00", table, index, key, shown)
        if e.part == "range":
            r.fail(f"{e.when.replace(tzinfo=None).isoformat()} {OUT_OF_RANGE}", table, index, key, shown)
        r.fail(str(e), table, index, key, shown)
