from __future__ import annotations

import textwrap
import time
from pathlib import Path

import pytest

from tests.support.feedserver import FeedServer

STORY = """
[story]
title = "Pentagon vs Anthropic"

[story.match]
require = [["Anthropic", "Claude", "Amodei"], ["Pentagon", "Hegseth", "Department of War", "Defense Production Act"]]
"""


@pytest.fixture(autouse=True)
def _own_config_dir(tmp_path_factory, monkeypatch):
    """Without ./feeds.toml tracker falls back to the user config dir: never the real one."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path_factory.mktemp("xdg-config")))


@pytest.fixture
def new_york(monkeypatch):
    """The process's local zone pinned to New York, for what shows local times."""
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def server():
    with FeedServer() as s:
        yield s


def write_config(tmp_path: Path, feeds: list[tuple[str, str]] | None = None, extra: str = "",
                 story: str = STORY) -> Path:
    """A feeds.toml in tmp_path for the given (name, url) feeds; the db goes beside it."""
    (tmp_path / "data").mkdir(exist_ok=True)
    parts = [textwrap.dedent(story), textwrap.dedent(extra)]
    for name, url in feeds or []:
        parts.append(f'[[feeds]]\nname = "{name}"\nurl = "{url}"\ninterval = "10m"\n')
    path = tmp_path / "feeds.toml"
    path.write_text("\n".join(parts), encoding="utf-8")
    return path
