"""A broken feeds.toml is reported as file:line: key, with exit code 2 and no traceback."""

from __future__ import annotations


import pytest

from tracker.cli import main
from tracker.config import load, parse_duration
from tracker.errors import ConfigError
from tracker.store import Store

GOOD = """\
[story]
title = "Story"

[story.match]
require = [["Anthropic"], ["Pentagon"]]

[[deadlines]]
label = "ultimatum"
at = "2026-02-27T17:00:00"
timezone = "America/New_York"

[[feeds]]
name = "one"
url = "http://127.0.0.1:9/one.xml"
interval = "10m"

[[feeds]]
name = "two"
url = "http://127.0.0.1:9/two.xml"
"""


def _broken(tmp_path, old, new):
    text = GOOD.replace(old, new)
    assert text != GOOD
    path = tmp_path / "feeds.toml"
    path.write_text(text)
    return path, text


def _line_of(text, needle):
    """The LAST line holding needle: the mistake is always the later of two lookalikes."""
    return max(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def test_the_shipped_config_loads():
    config = load("feeds.toml")
    assert config.story.article and config.story.article.is_file()
    assert len(config.feeds) >= 9
    deadline = config.deadlines[0]
    # Friday 2026-02-27 17:00 in New York is 22:00 UTC (EST)
    assert deadline.at.isoformat() == "2026-02-27T22:00:00+00:00"


def test_a_good_config_loads(tmp_path):
    path, _ = _broken(tmp_path, 'interval = "10m"', 'interval = "1h30m"')
    config = load(path)
    assert [f.name for f in config.feeds] == ["one", "two"]
    assert config.feeds[0].interval == 5400
    assert config.feeds[1].interval == config.poll.interval
    assert config.database_path == tmp_path / "data" / "tracker.db"


@pytest.mark.parametrize("old,new,needle,key", [
    ('name = "two"', 'name = "two"\ncolour = "red"', "colour", "feeds[1].colour"),
    ('url = "http://127.0.0.1:9/two.xml"', 'url = "ftp://example.com/feed"', "ftp://", "feeds[1].url"),
    ('interval = "10m"', 'interval = "often"', "often", "feeds[0].interval"),
    ('interval = "10m"', 'interval = "1s"', '"1s"', "feeds[0].interval"),
    ('timezone = "America/New_York"', 'timezone = "Mars/Olympus"', "Mars", "deadlines[0].timezone"),
    ('at = "2026-02-27T17:00:00"', 'at = "next friday"', "next friday", "deadlines[0].at"),
    ('title = "Story"', 'title = "Story"\nheadlin = "typo"', "headlin", "story.headlin"),
    ('require = [["Anthropic"], ["Pentagon"]]', 'require = [["Anthropic"], []]', "require", "story.match.require"),
    ('name = "two"', 'name = "one"', 'name = "one"', "feeds[1].name"),
])
def test_mistakes_name_file_line_and_key(tmp_path, capsys, old, new, needle, key):
    path, text = _broken(tmp_path, old, new)
    with pytest.raises(ConfigError) as e:
        load(path)
    assert e.value.key == key
    assert e.value.line == _line_of(text, needle)
    assert str(e.value).startswith(f"{path}:{e.value.line}: {key}: ")
    # and the command line says the same in one line, exit code 2, no traceback
    assert main(["--config", str(path), "feeds"]) == 2
    err = capsys.readouterr().err
    assert f"{path}:{e.value.line}: {key}" in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_invalid_toml_names_the_line(tmp_path, capsys):
    path = tmp_path / "feeds.toml"
    path.write_text(GOOD.replace('name = "two"', 'name = "two'))
    with pytest.raises(ConfigError) as e:
        load(path)
    assert e.value.line == _line_of(GOOD, 'name = "two"')
    assert main(["--config", str(path), "poll"]) == 2


def test_missing_file(tmp_path, capsys):
    assert main(["--config", str(tmp_path / "nope.toml"), "items"]) == 2
    err = capsys.readouterr().err
    assert "nope.toml" in err and "not found" in err


def test_missing_story(tmp_path):
    path = tmp_path / "feeds.toml"
    path.write_text('[[feeds]]\nname = "a"\nurl = "http://127.0.0.1/a"\n')
    with pytest.raises(ConfigError) as e:
        load(path)
    assert e.value.key == "story"


def test_durations():
    assert parse_duration("90s") == 90
    assert parse_duration("1h30m") == 5400
    assert parse_duration("2d") == 172800
    for bad in ("", "10", "ten minutes", "5x", "-5m"):
        with pytest.raises(ValueError):
            parse_duration(bad)


def test_options_before_or_after_the_command(tmp_path, capsys):
    path, _ = _broken(tmp_path, 'name = "two"', 'name = "deux"')
    db = tmp_path / "other.db"
    assert main(["--config", str(path), "--db", str(db), "feeds"]) == 0
    before = capsys.readouterr()
    assert main(["feeds", "--config", str(path), "--db", str(db)]) == 0
    assert capsys.readouterr() == before
    assert "deux" in before.out and f"no database at {db} yet" in before.err  # --db taken, and not created


@pytest.mark.parametrize("nesting", ["[" * 100_000 + "]" * 100_000, "{a=" * 100_000 + "}" * 100_000],
                         ids=["arrays", "tables"])
def test_absurdly_deep_nesting_is_one_line_naming_the_file(tmp_path, nesting):
    import subprocess
    import sys

    path = tmp_path / "feeds.toml"
    path.write_text(GOOD + f"\n[notify]\nx = {nesting}\n")
    done = subprocess.run([sys.executable, "-m", "tracker", "--config", str(path), "feeds"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr.strip() == f"tracker: config error: {path}: invalid TOML: arrays or tables nested too deeply"
def test_a_missing_article_file_is_a_warning_and_commands_go_on(tmp_path, capsys):
    path, text = _broken(tmp_path, 'title = "Story"', 'title = "Story"\narticle = "missing.txt"')
    config = load(path)
    line = _line_of(text, "missing.txt")
    assert config.story.article == tmp_path / "missing.txt"  # kept: the dashboard says it is missing
    assert config.warnings == (f"{path}:{line}: story.article: article file {tmp_path / 'missing.txt'} not found",)
    config.database_path.parent.mkdir()
    Store.open(config.database_path).close()
    assert main(["--config", str(path), "items"]) == 0
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"tracker: warning: {config.warnings[0]}"]
