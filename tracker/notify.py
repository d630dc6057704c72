"""Telling the user that new on-story items arrived: terminal bell, desktop notification and a
command hook, all set in the [notify] table of feeds.toml and all off by default.

UI-free: the daemon calls notify_new() after each poll; the dashboard calls it too (its own
toast is separate and ignores quiet hours). It blocks for at most a few seconds per hook, so
call it off the event loop (asyncio.to_thread). It never raises: a notification that fails
is logged, and polling goes on.

Everything a feed wrote is untrusted. The hook is run without a shell, as an argument list;
placeholders are replaced inside single arguments only, by cleaned one-line text, so a title
can never add, split or quote arguments. (A title may still begin with "-": put "--" before
the placeholders if the hook's program takes options.)
"""

from __future__ import annotations

import logging
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from datetime import datetime, time
from typing import Callable, Iterable, Mapping

from .rows import Arrival, Item

from .text import clean_text, safe_link

log = logging.getLogger(__name__)

HOOK_TIMEOUT = 10.0  # seconds one run of the hook may take before it is killed
DESKTOP_TIMEOUT = 5.0
MAX_HOOK_RUNS = 10  # per call: a burst (a feed's first poll, a long suspend) runs the hook this often at most
MAX_FIELD = 500  # characters of feed text in one placeholder or notification line
PLACEHOLDERS = ("title", "link", "outlet", "feeds", "published", "story", "count")
_PLACEHOLDER = re.compile(r"\{(" + "|".join(PLACEHOLDERS) + r")\}")
_QUIET = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


def parse_quiet_hours(text: str) -> tuple[time, time]:
    """'22:00-07:00' -> (22:00, 07:00). ValueError on anything else."""
    m = _QUIET.match(text) if isinstance(text, str) else None
    if not m:
        raise ValueError(f"{text!r} is not a range of local times like \"22:00-07:00\"")
    h1, m1, h2, m2 = map(int, m.groups())
    if h1 > 23 or h2 > 23 or m1 > 59 or m2 > 59:
        raise ValueError(f"{text!r}: hours go up to 23 and minutes up to 59")
    start, end = time(h1, m1), time(h2, m2)
    if start == end:
        raise ValueError(f"{text!r} is empty: start and end are the same time")
    return start, end


def is_quiet(spec: str | None, now: datetime) -> bool:
    """Whether `now` (local wall-clock time; an aware time is converted to the system zone)
    falls in the quiet hours. The range may cross midnight; its end is not quiet."""
    if not spec:
        return False
    start, end = parse_quiet_hours(spec)
    t = (now.astimezone() if now.tzinfo else now).time().replace(tzinfo=None)
    if start < end:
        return start <= t < end
    return t >= start or t < end


@dataclass(frozen=True)
class Notified:
    """What notify_new did, for logs and tests."""

    items: int = 0  # new on-story items it was told about
    quiet: bool = False  # quiet hours: nothing was done
    bell: bool = False
    desktop: bool = False
    hooks_run: int = 0
    hooks_failed: int = 0
    sent: int = 0  # messages queued for the [notify] urls (apprise)
    priority: int = 0  # of them, told in quiet hours because a priority term matched


def notify_new(config, items: Iterable[Item], now: datetime, *,
               bell: Callable[[], None] | None = None,
               run: Callable[..., subprocess.CompletedProcess] = subprocess.run) -> Notified:
    """Notify about newly arrived items, as the config's [notify] table says.

    items: rows as the store returns them. Off-story items, and the backlog a feed brings on its first poll, are left out.
    bell: how to ring; the dashboard passes App.bell, the default writes BEL to a terminal.
    """
    settings = getattr(config, "notify", None) or {}
    fresh = [i for i in items if i.on_story and not i.backlog]
    if not fresh:
        return Notified()
    if is_quiet(settings.get("quiet_hours"), now):
        log.info("quiet hours: %d new items, no notification", len(fresh))
        return Notified(items=len(fresh), quiet=True)

    return _channels(config, fresh, bell, run)


def _channels(config, fresh: list[Item], bell, run) -> Notified:
    """Bell, desktop and hook for these items, quiet hours already decided."""
    settings = getattr(config, "notify", None) or {}
    story = clean_text(getattr(getattr(config, "story", None), "title", ""), MAX_FIELD)
    rang = desktop = False
    if settings.get("bell"):
        rang = _ring(bell)
    if settings.get("desktop"):
        desktop = _desktop(story, fresh, run)
    ran = failed = 0
    argv = settings.get("on_new")
    if argv:
        if len(fresh) > MAX_HOOK_RUNS:
            log.warning("on_new: %d new items; running the hook for the first %d only",
                        len(fresh), MAX_HOOK_RUNS)
        for item in fresh[:MAX_HOOK_RUNS]:
            ok = _run_hook(argv, _fields(item, story, len(fresh)), run)
            ran += 1
            failed += not ok
    return Notified(items=len(fresh), bell=rang, desktop=desktop, hooks_run=ran, hooks_failed=failed)


def _fields(item: Item, story: str, count: int) -> dict[str, str]:
    return {
        "title": clean_text(item.title, MAX_FIELD),
        "link": safe_link(item.link) or "",
        "outlet": clean_text(item.outlet, MAX_FIELD),
        "feeds": clean_text(", ".join(item.feeds), MAX_FIELD),
        "published": clean_text(item.published, 64),
        "story": story,
        "count": str(count),
    }


def substitute(argv: list[str], fields: Mapping[str, str]) -> list[str]:
    """Each argument with its {placeholders} replaced: one argument in, one out. Unknown
    braces are left as they are (no str.format, whose field syntax reaches attributes)."""
    return [_PLACEHOLDER.sub(lambda m: fields.get(m.group(1), ""), arg) for arg in argv]


def _run_hook(argv: list[str], fields: Mapping[str, str], run) -> bool:
    args = substitute(list(argv), fields)
    try:
        done = run(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                   timeout=HOOK_TIMEOUT, shell=False, check=False)
    except subprocess.TimeoutExpired:
        log.warning("on_new: %s did not finish within %gs and was stopped", argv[0], HOOK_TIMEOUT)
        return False
    except (OSError, ValueError) as e:
        log.warning("on_new: cannot run %s: %s", argv[0], e)
        return False
    if done.returncode != 0:
        err = (done.stderr or b"").decode("utf-8", "replace")
        log.warning("on_new: %s exited with status %s: %s", argv[0], done.returncode, clean_text(err, 300))
        return False
    return True


def _desktop(story: str, items: list[Item], run) -> bool:
    exe = shutil.which("notify-send")
    if not exe:
        log.info("desktop notifications are on but notify-send is not installed")
        return False
    summary = f"{len(items)} new on {story}" if story else f"{len(items)} new items"
    body = "\n".join("• " + clean_text(i.title, 120) for i in items[:3])
    if len(items) > 3:
        body += f"\n… and {len(items) - 3} more"
    try:
        # notify-send reads its body as (limited) markup; the "--" keeps a title starting
        # with "-" from being read as an option.
        done = run([exe, "--app-name=tracker", "--", summary, _no_markup(body)],
                   stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                   timeout=DESKTOP_TIMEOUT, shell=False, check=False)
    except (subprocess.TimeoutExpired, OSError) as e:
        log.warning("notify-send failed: %s", e)
        return False
    if done.returncode != 0:
        log.warning("notify-send exited with status %s", done.returncode)
        return False
    return True


def _no_markup(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _ring(bell: Callable[[], None] | None) -> bool:
    try:
        if bell is not None:
            bell()
            return True
        for stream in (sys.stdout, sys.stderr):
            if stream is not None and stream.isatty():
                stream.write("\a")
                stream.flush()
                return True
    except (OSError, ValueError) as e:
        log.info("bell failed: %s", e)
    return False


OUTLETS_AGAIN = 10  # a development that reaches this many outlets is told again


@dataclass(frozen=True)
class Alert:
    """One thing worth telling: a new development (its first report), or one that grew."""

    row: Arrival
    outlets: int
    grown: bool = False  # told again: it reached outlets_again
    priority: str = ""  # the priority term it matched, if any


class Notifier:
    """notify_new per development, with the [notify] urls (apprise) and priority terms.

    Lives as long as the process (the daemon, the dashboard): it remembers which developments
    it told, so a development is told once when its first report arrives and once more when
    it reaches `outlets_again` outlets, not once per copy or report.

    Rows are Arrivals (Store.with_developments()): `development` (the id of its first
    report) and `outlets` (distinct outlets in it now); one in no development or copy group
    is a development of its own. Only rows whose poll this process ran are passed in (who
    notifies: the process that stored an item).
    """

    def __init__(self, config, *, sender=None) -> None:
        self.config = config
        settings = getattr(config, "notify", None) or {}
        self.settings = settings
        self.outlets_again = int(settings.get("outlets_again", OUTLETS_AGAIN))
        from .match import _compile, _fold  # the story rules' whole-word matching, for the same terms
        self._fold = _fold
        self.priority = [(t, _compile(t)) for t in settings.get("priority", [])]
        self._told: set[object] = set()
        self._grown: set[object] = set()
        if sender is None and settings.get("urls"):
            from .alerts import Sender  # not apprise itself: that is imported in the sending thread
            sender = Sender(settings["urls"], per_minute=int(settings.get("per_minute", 5)))
        self.sender = sender

    def close(self) -> None:
        if self.sender is not None:
            self.sender.close()

    def select(self, items: Iterable[Arrival]) -> list[Alert]:
        """The alerts among newly stored rows, oldest development first."""
        fresh = [i for i in items if i.on_story and not i.backlog]
        by_dev: dict[object, list[Arrival]] = {}
        for row in fresh:
            dev = row.development
            by_dev.setdefault(dev if dev is not None else ("row", row.id), []).append(row)
        alerts = []
        for dev, rows in by_dev.items():
            outlets = max(r.outlets or 1 for r in rows)
            first = [r for r in rows if isinstance(dev, tuple) or r.id == dev]
            term = self._priority(rows)
            if first and dev not in self._told:
                self._told.add(dev)
                if outlets >= self.outlets_again:
                    self._grown.add(dev)
                alerts.append(Alert(first[0], outlets, priority=term))
                continue
            # Grown past the threshold with these reports (the outlets they bring were not
            # counted before), and not told so yet by this process.
            new_outlets = len({r.outlet for r in rows})
            if (outlets >= self.outlets_again > outlets - new_outlets and dev not in self._grown):
                self._grown.add(dev)
                alerts.append(Alert(rows[0], outlets, grown=True, priority=term))
        return alerts

    def _priority(self, rows: list[Arrival]) -> str:
        for row in rows:
            text = self._fold(f"{row.title or ''}\x00{row.summary or ''}").lower()
            for term, pattern in self.priority:
                if pattern.search(text):
                    return term
        return ""

    def __call__(self, items: Iterable[Arrival], now: datetime, *,
                 bell: Callable[[], None] | None = None,
                 run: Callable[..., subprocess.CompletedProcess] = subprocess.run) -> Notified:
        alerts = self.select(items)
        if not alerts:
            return Notified()
        quiet = is_quiet(self.settings.get("quiet_hours"), now)
        told = [a for a in alerts if a.priority] if quiet else alerts
        if not told:
            log.info("quiet hours: %d new developments, no notification", len(alerts))
            return Notified(items=len(alerts), quiet=True)
        done = _channels(self.config, [a.row for a in told], bell, run)
        sent = 0
        if self.sender is not None:
            for a in told:
                self.sender.send(*message(a, quiet))
                sent += 1
        return Notified(items=len(alerts), quiet=quiet, bell=done.bell, desktop=done.desktop,
                        hooks_run=done.hooks_run, hooks_failed=done.hooks_failed, sent=sent,
                        priority=sum(bool(a.priority) for a in told) if quiet else 0)


def message(alert: Alert, quiet: bool = False) -> tuple[str, str]:
    """(title, body) of an alert: the headline, the outlet count and the link, cleaned."""
    row = alert.row
    headline = clean_text(row.title, MAX_FIELD) or "(no headline)"
    count = f"now {alert.outlets} outlets" if alert.grown else (
        f"{alert.outlets} outlet" + ("s" if alert.outlets != 1 else ""))
    title = f"{count}: {clean_text(row.outlet, 80)}" if row.outlet else count
    if alert.priority:
        title = f"priority: {clean_text(alert.priority, 80)} · {title}"
    link = safe_link(row.link) or ""
    return title, "\n".join(x for x in (headline, count, link) if x)
