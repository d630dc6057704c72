"""Notifications on new on-story items: the hook gets feed text only as data, quiet hours
hold everything back, and a failing notifier never stops tracker."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from datetime import datetime, time
from types import SimpleNamespace

import pytest

from tracker import notify
from tracker.cli import main
from tracker.config import load
from tracker.errors import ConfigError
from tracker.notify import is_quiet, notify_new, parse_quiet_hours, substitute
from tracker.rows import Item

from .conftest import write_config

NOON = datetime(2026, 2, 26, 12, 0)  # naive: local wall-clock time
HOSTILE = "Pentagon $(touch pwned); `id` \"quoted\" 'single' {link} \x1b]52;c;ZXZpbA==\x07\u202eevil\nnext"


def item(title="Anthropic answers the Pentagon", link="https://news.test/a", **kw):
    return Item(**{"id": 1, "title": title, "link": link, "outlet": "Wire", "feeds": ("Wire",),
                   "published": "2026-02-26T11:00:00Z", "on_story": 1, "backlog": 0, **kw})


def cfg(**settings):
    return SimpleNamespace(notify=settings, story=SimpleNamespace(title="Pentagon vs Anthropic"))


class Recorder:
    """Stands in for subprocess.run and records each argv."""

    def __init__(self, returncode=0):
        self.calls, self.kwargs, self.returncode = [], [], returncode

    def __call__(self, argv, **kw):
        self.calls.append(argv)
        self.kwargs.append(kw)
        return subprocess.CompletedProcess(argv, self.returncode, b"", b"boom")


# ------------------------------------------------------------------ quiet hours
@pytest.mark.parametrize("spec, at, quiet", [
    ("22:00-07:00", time(23, 30), True),
    ("22:00-07:00", time(3, 0), True),
    ("22:00-07:00", time(7, 0), False),  # the end is not quiet
    ("22:00-07:00", time(22, 0), True),
    ("22:00-07:00", time(12, 0), False),
    ("13:00-14:30", time(14, 0), True),
    ("13:00-14:30", time(15, 0), False),
    ("9:05-9:10", time(9, 7), True),
])
def test_quiet_hours(spec, at, quiet):
    assert is_quiet(spec, datetime.combine(NOON.date(), at)) is quiet


def test_quiet_hours_use_local_time_for_aware_datetimes(monkeypatch):
    import time as clock
    from datetime import timezone

    monkeypatch.setenv("TZ", "America/New_York")
    clock.tzset()
    try:
        # 03:30 UTC is 22:30 the evening before in New York (EST): quiet there
        assert is_quiet("22:00-07:00", datetime(2026, 2, 26, 3, 30, tzinfo=timezone.utc))
        assert not is_quiet("22:00-07:00", datetime(2026, 2, 26, 17, 0, tzinfo=timezone.utc))
    finally:
        monkeypatch.undo()
        clock.tzset()


@pytest.mark.parametrize("bad", ["22-07", "22:00", "25:00-07:00", "22:00-07:60", "07:00-07:00", "", "x"])
def test_bad_quiet_hours_are_refused(bad):
    with pytest.raises(ValueError):
        parse_quiet_hours(bad)


# ------------------------------------------------------------------ the hook
def test_placeholders_are_replaced_inside_single_arguments_only():
    fields = {"title": "a b; c", "link": "https://x.test/?q=1&r=2"}
    out = substitute(["cmd", "--", "{title}", "T: {title} <{link}>", "{unknown}", "{title.__class__}", "{{title}}"],
                     fields)
    assert out == ["cmd", "--", "a b; c", "T: a b; c <https://x.test/?q=1&r=2>", "{unknown}",
                   "{title.__class__}", "{a b; c}"]


def test_the_hook_runs_per_new_item_without_a_shell_with_cleaned_text():
    run = Recorder()
    done = notify_new(cfg(on_new=["notify.sh", "{title}", "{link}", "{outlet}", "{count}"]),
                      [item(HOSTILE, "javascript:alert(1)"), item()], NOON, run=run)
    assert done.hooks_run == 2 and done.hooks_failed == 0
    first = run.calls[0]
    assert len(first) == 5  # the hostile title stayed ONE argument
    title = first[1]
    assert "$(touch pwned)" in title and "{link}" in title  # data, not expanded or substituted again
    assert all(ch.isprintable() for ch in title)  # no ESC, BEL, newline or bidi override
    assert "\u202e" not in title and "\x1b" not in title
    assert first[2] == ""  # a javascript: link is not passed on
    assert first[3:] == ["Wire", "2"]
    assert run.calls[1][1:3] == ["Anthropic answers the Pentagon", "https://news.test/a"]
    assert all(kw["shell"] is False and kw["timeout"] == notify.HOOK_TIMEOUT for kw in run.kwargs)


def test_a_real_hook_gets_hostile_text_as_one_argument(tmp_path):
    out = tmp_path / "argv.json"
    script = "import json, sys; open(sys.argv[1], 'w').write(json.dumps(sys.argv[2:]))"
    done = notify_new(cfg(on_new=[sys.executable, "-c", script, str(out), "{title}", "{link}"]),
                      [item(HOSTILE)], NOON)
    assert done.hooks_run == 1 and done.hooks_failed == 0
    argv = json.loads(out.read_text())
    assert len(argv) == 2 and argv[0].startswith("Pentagon $(touch pwned); `id` \"quoted\"")
    assert not (tmp_path / "pwned").exists() and not list(tmp_path.glob("pwned*"))


def test_only_fresh_on_story_items_notify():
    run = Recorder()
    items = [item("off", on_story=0), item("backlog", backlog=1), item("fresh")]
    done = notify_new(cfg(on_new=["hook", "{title}"]), items, NOON, run=run)
    assert done.items == 1 and [c[1] for c in run.calls] == ["fresh"]
    assert notify_new(cfg(on_new=["hook"]), [item(on_story=0)], NOON, run=run).items == 0


def test_a_burst_runs_the_hook_a_bounded_number_of_times(caplog):
    run = Recorder()
    done = notify_new(cfg(on_new=["hook", "{title}"]), [item(f"t{i}") for i in range(50)], NOON, run=run)
    assert done.items == 50 and len(run.calls) == notify.MAX_HOOK_RUNS
    assert "first 10 only" in caplog.text


def test_quiet_hours_hold_everything_back():
    run, rang = Recorder(), []
    settings = dict(on_new=["hook"], bell=True, desktop=True, quiet_hours="11:00-13:00")
    done = notify_new(cfg(**settings), [item()], NOON, run=run, bell=lambda: rang.append(1))
    assert done.quiet and done.items == 1 and not run.calls and not rang
    done = notify_new(cfg(**settings), [item()], NOON.replace(hour=14), run=run, bell=lambda: rang.append(1))
    assert not done.quiet and done.bell and rang == [1] and run.calls


@pytest.mark.parametrize("argv, expect", [
    (["/nonexistent/hook", "{title}"], "cannot run"),
    ([sys.executable, "-c", "import sys; sys.exit(3)"], "exited with status 3"),
    ([sys.executable, "-c", "import time; time.sleep(30)"], "did not finish"),
])
def test_hook_failures_are_logged_not_raised(monkeypatch, caplog, argv, expect):
    monkeypatch.setattr(notify, "HOOK_TIMEOUT", 0.5)
    caplog.set_level(logging.WARNING, "tracker.notify")
    done = notify_new(cfg(on_new=argv), [item()], NOON)
    assert done.hooks_run == 1 and done.hooks_failed == 1
    assert expect in caplog.text


# ------------------------------------------------------------------ bell and desktop
def test_the_bell_rings_only_when_asked():
    rang = []
    assert notify_new(cfg(bell=True), [item()], NOON, bell=lambda: rang.append(1)).bell
    assert not notify_new(cfg(), [item()], NOON, bell=lambda: rang.append(1)).bell
    assert rang == [1]


def test_the_default_bell_needs_a_terminal(capsys):
    # under pytest stdout and stderr are captured, not terminals: nothing is written
    assert not notify_new(cfg(bell=True), [item()], NOON).bell
    assert "\a" not in capsys.readouterr().out


def test_desktop_notification_through_notify_send(monkeypatch):
    monkeypatch.setattr(notify.shutil, "which", lambda name: "/usr/bin/notify-send" if name == "notify-send" else None)
    run = Recorder()
    items = [item("<b>Hegseth</b> & Amodei"), item("-rf title"), item("three"), item("four")]
    done = notify_new(cfg(desktop=True), items, NOON, run=run)
    assert done.desktop
    (argv,) = run.calls
    assert argv[:3] == ["/usr/bin/notify-send", "--app-name=tracker", "--"]
    assert argv[3] == "4 new on Pentagon vs Anthropic"
    assert "&lt;b&gt;Hegseth&lt;/b&gt; &amp; Amodei" in argv[4]  # notify-send bodies are markup
    assert "… and 1 more" in argv[4]


def test_no_notify_send_no_desktop_notification(monkeypatch):
    monkeypatch.setattr(notify.shutil, "which", lambda name: None)
    run = Recorder()
    assert not notify_new(cfg(desktop=True), [item()], NOON, run=run).desktop
    assert not run.calls


# ------------------------------------------------------------------ [notify] in feeds.toml
def test_a_full_notify_table_loads(tmp_path):
    path = write_config(tmp_path, extra='[notify]\nbell = true\ndesktop = false\n'
                                         'on_new = ["notify.sh", "{title}", "{link}"]\nquiet_hours = "22:00-07:00"\n')
    assert load(path).notify == {"bell": True, "desktop": False, "on_new": ["notify.sh", "{title}", "{link}"],
                                 "quiet_hours": "22:00-07:00"}


@pytest.mark.parametrize("line, key", [
    ('bell = "yes"', "notify.bell"),
    ("desktop = 1", "notify.desktop"),
    ('toasts = "off"', "notify.toasts"),
    ('on_new = "notify.sh {title}"', "notify.on_new"),
    ("on_new = []", "notify.on_new"),
    ('on_new = ["", "{title}"]', "notify.on_new"),
    ("on_new = [1, 2]", "notify.on_new"),
    ('quiet_hours = "25:00-07:00"', "notify.quiet_hours"),
    ('quiet_hours = "late"', "notify.quiet_hours"),
    ("sound = true", "notify.sound"),
    ('urls = "ntfy://ntfy.sh/x"', "notify.urls"),
    ('urls = ["ntfy.sh/x"]', "notify.urls"),
    ("priority = [1]", "notify.priority"),
    ('priority = ["  "]', "notify.priority"),
    ("outlets_again = 0", "notify.outlets_again"),
    ('per_minute = "5"', "notify.per_minute"),
])
def test_notify_mistakes_name_the_line_and_key(tmp_path, capsys, line, key):
    path = write_config(tmp_path, extra=f"[notify]\n{line}\n")
    with pytest.raises(ConfigError) as e:
        load(path)
    text = path.read_text().splitlines()
    assert e.value.key == key
    assert text[e.value.line - 1] == line
    assert main(["--config", str(path), "items"]) == 2
    err = capsys.readouterr().err
    assert f":{e.value.line}: {key}:" in err and "Traceback" not in err
