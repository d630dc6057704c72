"""Editing the [[feeds]] of a feeds.toml in place, keeping the user's comments and layout.

tomlkit keeps every comment and blank line, but attaches a comment to the table ABOVE it:
the comment written over a [[feeds]] header lives at the end of the previous table. So
removing or appending a feed moves those trailing comments to where they belong, or they
would vanish with the wrong feed or end up over the wrong one. A comment directly over a
header (no blank line between) is taken to describe that feed and goes with it; one
separated by a blank line describes what follows (a group of feeds, or the next table)
and stays.

Every edit is checked by loading the result with config.parse before it is written, and
the file is replaced atomically. UI-free: the CLI and the dashboard's feeds screen use it.
"""

from __future__ import annotations

import os
import tempfile
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable
from urllib.parse import urlsplit

import tomlkit
from tomlkit.items import AoT, Comment, Table, Whitespace

from . import config as config_module
from .errors import ConfigError, TrackerError
from .model import Config, FeedConfig
from .text import clean_text


class FeedsFileError(TrackerError):
    """The edit was refused (a duplicate, an unknown name, a bad URL); nothing was written."""


@dataclass(frozen=True)
class ImportReport:
    added: tuple[str, ...]  # names given to the new feeds
    duplicates: tuple[str, ...]  # URLs already in the file (or twice in the OPML)
    invalid: tuple[str, ...]  # URLs that are not http(s)


def url_key(url: str) -> str:
    """Two spellings of one feed URL compare equal: scheme and host are case-insensitive, and
    a trailing slash is not a different feed in practice."""
    try:
        p = urlsplit(url.strip())
        return f"{p.scheme.lower()}://{p.netloc.lower()}{p.path.rstrip('/')}" + (f"?{p.query}" if p.query else "")
    except ValueError:
        return url.strip()


def name_from_url(url: str) -> str:
    host = (urlsplit(url).hostname or url).lower()
    for prefix in ("www.", "feeds.", "rss.", "feed."):
        if host.startswith(prefix) and host.count(".") > 1:
            host = host[len(prefix):]
    return host


def unique_name(name: str, taken: set[str]) -> str:
    if name not in taken:
        return name
    n = 2
    while f"{name} ({n})" in taken:
        n += 1
    return f"{name} ({n})"


def _trailing_start(table: Table) -> int:
    """Index in table's body where its trailing comments and blank lines begin."""
    body = table.value.body
    n = len(body)
    while n and body[n - 1][0] is None and isinstance(body[n - 1][1], (Whitespace, Comment)):
        n -= 1
    return n


def _last_table(item) -> Table | None:
    """The innermost table whose body ends where `item` ends in the file."""
    while True:
        if isinstance(item, AoT):
            if not len(item):
                return None
            item = item[-1]
        elif isinstance(item, Table):
            body = item.value.body
            last = body[_trailing_start(item) - 1][1] if _trailing_start(item) else None
            if isinstance(last, (Table, AoT)) and _trailing_start(item) == len(body):
                item = last
            else:
                return item
        else:
            return None


class FeedsFile:
    def __init__(self, path: str | Path):
        self.path = Path(path)
        try:
            self.text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise ConfigError(self.path, "file not found (create one with `tracker init`, or pass --config)") from None
        except (OSError, UnicodeDecodeError) as e:
            raise ConfigError(self.path, f"cannot read: {e}") from None
        # never edit a file that is already broken
        self.config = config_module.load(self.path)
        self.doc = tomlkit.parse(self.text)

    # ------------------------------------------------------------ reading
    def _aot(self) -> AoT | None:
        feeds = self.doc.get("feeds")
        return feeds if isinstance(feeds, AoT) else None

    def feeds(self) -> list[FeedConfig]:
        return list(self.config.feeds)

    def _find(self, key: str) -> int | None:
        for i, f in enumerate(self.config.feeds):
            if f.name == key:
                return i
        for i, f in enumerate(self.config.feeds):
            if url_key(f.url) == url_key(key):
                return i
        return None

    # ------------------------------------------------------------ editing
    def add(self, url: str, name: str | None = None, interval: str | None = None,
            match: bool | None = None) -> str:
        """Add one feed; returns its name. Refuses a URL already there or a taken name."""
        url = url.strip()
        if not url.isprintable():  # an escape in it would reach every listing of the feeds
            raise FeedsFileError(f"the URL {url!r} contains control characters")
        if not config_module.is_http_url(url):
            raise FeedsFileError(f"{url!r} is not an http(s) URL")
        for f in self.config.feeds:
            if url_key(f.url) == url_key(url):
                raise FeedsFileError(f"{url} is already in {self.path} as {f.name!r}")
        taken = {f.name for f in self.config.feeds}
        if name is not None:
            name = name.strip()
            if not name:
                raise FeedsFileError("the name must not be empty")
            if not name.isprintable():
                raise FeedsFileError(f"the name {name!r} contains control characters; give it as plain text")
            if name in taken:
                raise FeedsFileError(f"there is already a feed named {name!r} in {self.path}; choose another --name")
        else:
            name = unique_name(name_from_url(url), taken)
        table = tomlkit.table()
        table["name"] = name
        table["url"] = url
        if interval is not None:
            table["interval"] = interval
        if match is False:
            table["match"] = False
        self._append(table)
        self._reparse()
        return name

    def _append(self, table: Table) -> None:
        aot = self._aot()
        if aot is None or not len(aot):
            if aot is not None:
                del self.doc["feeds"]
            self.doc.append("feeds", tomlkit.aot())
            aot = self._aot()
            aot.append(table)
            return
        last = aot[-1]
        # The last feed's trailing comments describe whatever follows the feeds: keep them
        # below the new one.
        cut = _trailing_start(last)
        moved = last.value.body[cut:]
        del last.value.body[cut:]
        table.trivia.indent = "\n"
        aot.append(table)
        for _, item in moved:
            table.value.body.append((None, item))

    def remove(self, key: str) -> str:
        """Remove the feed with this name (or URL); returns its name."""
        i = self._find(key)
        if i is None:
            names = ", ".join(repr(f.name) for f in self.config.feeds) or "none"
            raise FeedsFileError(f"no feed named {key!r} in {self.path} (feeds: {names})")
        name = self.config.feeds[i].name
        aot = self._aot()
        table = aot[i]
        before = aot[i - 1] if i else self._table_before(aot)
        if before is not None:
            # a comment right over the header described this feed: it goes too
            body = before.value.body
            while body and body[-1][0] is None and isinstance(body[-1][1], Comment):
                body.pop()
        cut = _trailing_start(table)
        trailing = [item for _, item in table.value.body[cut:]]
        if i + 1 < len(aot):
            text = "".join(item.as_string() for item in trailing).lstrip("\n")
            # the gap before the removed feed now separates the next one
            aot[i + 1].trivia.indent = text + aot[i + 1].trivia.indent.lstrip("\n")
        elif before is not None:
            # the blank lines that separated it from the removed feed give way to those
            # that separated the removed feed from what follows (or from the end of the file)
            body = before.value.body
            while body and body[-1][0] is None and isinstance(body[-1][1], Whitespace):
                body.pop()
            for item in trailing:
                before.value.body.append((None, item))
        del aot[i]
        if not len(aot):
            del self.doc["feeds"]
        self._reparse()
        return name

    def _table_before(self, aot: AoT) -> Table | None:
        previous = None
        for key, item in self.doc.body:
            if item is aot:
                return _last_table(previous) if previous is not None else None
            if key is not None:
                previous = item
        return None

    def import_outlines(self, outlines: Iterable) -> ImportReport:
        """Add every outline whose URL is new; names are made unique."""
        seen = {url_key(f.url) for f in self.config.feeds}
        taken = {f.name for f in self.config.feeds}
        added, duplicates, invalid = [], [], []
        for o in outlines:
            url = o.url.strip()
            if not url.isprintable() or not config_module.is_http_url(url):
                invalid.append(url)
                continue
            if url_key(url) in seen:
                duplicates.append(url)
                continue
            name = unique_name(clean_text(o.title) or name_from_url(url), taken)
            table = tomlkit.table()
            table["name"] = name
            table["url"] = url
            self._append(table)
            seen.add(url_key(url))
            taken.add(name)
            added.append(name)
        if added:
            self._reparse()
        return ImportReport(tuple(added), tuple(duplicates), tuple(invalid))

    def set_story(self, **values: str) -> None:
        """Set [story] keys (an empty value removes the key), validated as tracker will read them."""
        story = self.doc.get("story")
        if story is None:
            story = tomlkit.table()
            self.doc["story"] = story
        for key, value in values.items():
            if value:
                story[key] = value
            elif key in story:
                del story[key]
        self._reparse()

    # ------------------------------------------------------------ saving
    def _reparse(self) -> None:
        """Validate the edited document as tracker will read it; refuse to keep a broken one."""
        text = tomlkit.dumps(self.doc)
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as e:  # a tomlkit bug; never write it
            raise FeedsFileError(f"the edit would make {self.path} invalid TOML ({e}); nothing written") from None
        try:
            self.config = config_module.parse(data, self.path, text)
        except ConfigError as e:
            raise FeedsFileError(f"refused: {e.key + ' ' if e.key else ''}{e.reason}; nothing written") from None
        self.text = text

    def save(self) -> Config:
        """Write atomically, keeping the file's permissions. Returns the new config."""
        directory = self.path.parent
        mode = None
        try:
            mode = self.path.stat().st_mode & 0o7777
        except OSError:
            pass
        fd, tmp = tempfile.mkstemp(prefix=".feeds-", suffix=".toml", dir=directory)
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
                f.write(self.text)
                f.flush()
                os.fsync(f.fileno())
            if mode is not None:
                os.chmod(tmp, mode)
            os.replace(tmp, self.path)
        except BaseException:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise
        return self.config
