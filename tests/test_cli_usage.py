"""Mistakes on the command line: a mistyped command or option is told in words that fix it."""

from __future__ import annotations

import pytest

from tracker.cli import main


def usage_error(argv, capsys) -> str:
    with pytest.raises(SystemExit) as e:
        main(argv)
    assert e.value.code == 2
    return capsys.readouterr().err


def test_a_mistyped_command_gets_its_closest_match(capsys):
    err = usage_error(["itmes"], capsys)
    assert "invalid choice: 'itmes' (did you mean 'items'?)" in err
    err = usage_error(["feeds", "imprt", "x.opml"], capsys)
    assert "invalid choice: 'imprt' (did you mean 'import'?)" in err
    assert "choose from" in usage_error(["zzzzq"], capsys)  # nothing close: the list


def test_an_unknown_option_names_the_subcommands_usage(capsys):
    err = usage_error(["items", "--bogus"], capsys)
    assert "usage: tracker items" in err and "tracker items: error: unrecognized arguments: --bogus" in err
    err = usage_error(["feeds", "remove", "x", "--bogus"], capsys)
    assert "usage: tracker feeds remove" in err and "--bogus" in err
