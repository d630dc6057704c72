"""Writing a digest: to a file (staged, then replaced atomically; through a symlink to its
target), a folder (a new name), stdout (`-`), a device or a FIFO, and recording it in the
`--since last` chain."""

from __future__ import annotations

import os
import re
import stat
import sys
import tempfile
from datetime import datetime, tzinfo
from pathlib import Path

from ..model import Config
from ..paths import digests_dir
from ..store import Store
from ..timeutil import to_iso, utcnow
from .data import DEFAULT_FORMAT, FORMATS, Digest, DigestError, When, build
from .formats import render

# ------------------------------------------------------------------ export
def slug(text: str, limit: int = 50) -> str:
    s = re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")
    if len(s) > limit:
        s = s[:limit].rsplit("-", 1)[0]
    return s or "story"


def default_name(config: Config, created: datetime, fmt: str, n: int = 1) -> str:
    """The n-th name for a digest made at `created` (two in one minute: keep both)."""
    stem = f"{slug(config.story.title)}-{created:%Y-%m-%d-%H%M}" + (f"-{n}" if n > 1 else "")
    return f"{stem}{FORMATS[fmt]}"


def _destination(output: Path) -> tuple[str, Path]:
    """What writing to `output` means: ("folder", it) for a directory, ("file", path) for a
    regular file or a new one, replaced whole; ("stream", output) for anything else (a
    device, a FIFO, a socket), written in place, since replacing a device node would break
    it. A symlink is followed: the link stays, its target gets the digest."""
    target = Path(os.path.realpath(output))
    try:
        mode = os.stat(target).st_mode
    except FileNotFoundError:
        return "file", target
    except OSError as e:  # a symlink loop, a path through a file
        raise DigestError(f"cannot write {output}: {e.strerror or e}") from None
    if stat.S_ISDIR(mode):
        return "folder", output
    return ("file", target) if stat.S_ISREG(mode) else ("stream", output)


def _write_stream(text: str, path: Path | None) -> None:
    """To stdout (None) or a device or FIFO, opened as it is."""
    if path is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    try:
        with open(path, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
    except OSError as e:
        raise DigestError(f"cannot write {path}: {e.strerror or e}") from None


def _staged(folder: Path, name: str, text: str) -> Path:
    """text in a temporary file in `folder`, on disk (fsync'd): the slow part of writing,
    done before the digest is recorded, so recording holds the write lock only briefly."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".tmp")
    except OSError as e:
        raise DigestError(f"cannot write {folder / name}: {e.strerror or e}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)  # mkstemp's 0600 would keep a file meant for sharing private
    except BaseException as e:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(e, OSError):
            raise DigestError(f"cannot write {folder / name}: {e.strerror or e}") from None
        raise
    return Path(tmp)


def _place(tmp: Path, path: Path | None, folder: Path, config: Config, digest: Digest, fmt: str) -> Path:
    """Give the staged file its name: `path` (replaced if it exists), or else the first free
    default name in `folder`. A reader (or a crash) sees no file or the whole of it, never half."""
    try:
        if path is not None:
            os.replace(tmp, path)
            return path
        n = 1
        while True:
            candidate = folder / default_name(config, digest.created, fmt, n)
            try:
                os.link(tmp, candidate)  # unlike replace, fails rather than overwrite (another process's, too)
            except FileExistsError:
                n += 1
                continue
            tmp.unlink()
            return candidate
    except OSError as e:
        tmp.unlink(missing_ok=True)
        raise DigestError(f"cannot write {path or folder}: {e.strerror or e}") from None


def _record(c, digest: Digest, fmt: str, path: Path | None, now: datetime) -> None:
    Store.record_digest(c, to_iso(now), to_iso(digest.start), digest.through_item, fmt,
                        str(path.resolve()) if path else None, digest.items)


_chain_end = Store.digest_chain_end


ATTEMPTS = 5  # a file digest is made again when another was recorded meanwhile; this often at most


def export(store: Store, config: Config, *, fmt: str = DEFAULT_FORMAT, output: Path | str | None = None,
           since: str | When | datetime = "last", until: str | When | datetime | None = None,
           include_read: bool = True, starred_only: bool = False, now: datetime | None = None,
           tz: tzinfo | None = None, flat: bool = False) -> tuple[Digest, Path | None]:
    """Build, write and record one digest -> (digest, path; None for stdout or another
    stream). `output`: a file, a folder, "-" for stdout, or a device or FIFO; by default
    data/digests/<story>-<local time>.<ext>."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r} (one of: {', '.join(FORMATS)})")
    for _ in range(ATTEMPTS):
        when = now or utcnow()
        digest = build(store, config, since=since, until=until, include_read=include_read,
                       starred_only=starred_only, now=when, tz=tz, flat=flat)
        text = render(digest, fmt)
        if output == "-":
            kind, where = "stream", None
        elif output:
            kind, where = _destination(Path(output))
        else:  # beside the database actually in use (--db included), as `tracker paths` says
            kind, where = "folder", digests_dir(store.path)
        if kind == "stream":
            _write_stream(text, where)
            if digest.continues:
                with store.write() as c:
                    if _chain_end(c) != digest.after_item:
                        raise DigestError(
                            "another digest was exported while this one was being written, and it covers "
                            "some of the same items: this one was not recorded (the next `--since last` "
                            "starts after the other one)")
                    _record(c, digest, fmt, None, when)
            return digest, None
        folder, path = (where, None) if kind == "folder" else (where.parent, where)  # None: a new name in `folder`
        tmp = _staged(folder, path.name if path else default_name(config, digest.created, fmt), text)
        if not digest.continues:
            return digest, _place(tmp, path, folder, config, digest, fmt)
        try:
            with store.write() as c:
                if _chain_end(c) == digest.after_item:
                    # Placed inside the transaction: a failure to place it records nothing.
                    placed = _place(tmp, path, folder, config, digest, fmt)
                    _record(c, digest, fmt, placed, when)
                    return digest, placed
        finally:
            tmp.unlink(missing_ok=True)
        # Another digest took these items meanwhile: make this one again from where it ended.
    raise DigestError("other digests kept being exported at the same time; try again")


def export_default(config: Config, store: Store) -> Path:
    """The dashboard's `e`: everything since the last digest, in the default format."""
    return export(store, config)[1]
