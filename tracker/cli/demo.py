"""tracker demo: a local feed server with synthetic story items, and the dashboard on it."""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import threading
from datetime import timedelta
from pathlib import Path

from ..config import load
from ..model import Config
from ..timeutil import utcnow
from . import EXIT_OK, config_path


def shipped_config(args) -> Config:
    """The story to demo: --config or ./feeds.toml, else the feeds.toml shipped beside the package."""
    path = config_path(args)
    if not path.is_file() and getattr(args, "config", None) is None:
        path = Path(__file__).resolve().parents[2] / "feeds.toml"
    return load(path)


def _s(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a valid TOML basic string


def demo_config_text(story: Config, feeds: dict[str, str], interval: str, database: Path,
                     extra_deadline_minutes: float | None = None) -> str:
    """A feeds.toml with the real story's rules, deadlines and article, polling the demo feeds."""
    s = story.story
    lines = ["# Written by `tracker demo`; removed when it exits.", f"database = {_s(str(database))}", "",
             "[story]", f"title = {_s('[DEMO] ' + s.title)}"]
    if s.article:
        lines.append(f"article = {_s(str(s.article.resolve()))}")
    for key in ("headline", "source", "outlet"):
        if getattr(s, key):
            lines.append(f"{key} = {_s(getattr(s, key))}")
    if s.published:
        lines.append(f"published = {_s(s.published.isoformat())}")
    lines += ["", "[story.match]",
              "require = [" + ", ".join("[" + ", ".join(_s(t) for t in g) + "]" for g in s.rules.require) + "]",
              "exclude = [" + ", ".join(_s(t) for t in s.rules.exclude) + "]",
              "", "[poll]", f"interval = {_s(interval)}", "timeout = \"5s\""]
    deadlines = [(d.label, d.at, d.timezone, d.note) for d in story.deadlines]
    if extra_deadline_minutes is not None:
        deadlines.append(("[DEMO] synthetic milestone", utcnow() + timedelta(minutes=extra_deadline_minutes),
                          "UTC", "Added by tracker demo --deadline-in."))
    for label, at, tz, note in deadlines:
        lines += ["", "[[deadlines]]", f"label = {_s(label)}", f"at = {_s(at.isoformat())}",
                  f"timezone = {_s(tz)}", f"note = {_s(note)}"]
    for name, url in feeds.items():
        lines += ["", "[[feeds]]", f"name = {_s(name)}", f"url = {_s(url)}", f"interval = {_s(interval)}"]
    return "\n".join(lines) + "\n"


class Publishing(threading.Thread):
    """Publishes a few synthetic items every few seconds until stopped."""

    def __init__(self, publisher, every: float, seed: int = 0):
        super().__init__(name="tracker-demo-publisher", daemon=True)
        self.publisher, self.every = publisher, every
        self.stop = threading.Event()
        self.random = random.Random(seed)

    def run(self) -> None:
        while not self.stop.wait(self.every):
            self.publisher.publish(self.random.randint(1, 3))
            if self.random.random() < 0.25:
                self.publisher.publish_off_story(1)


def cmd_demo(args) -> int:
    from ..demo_server import DemoPublisher, DemoServer
    from .tui import run_app

    story = shipped_config(args)
    with tempfile.TemporaryDirectory(prefix="tracker-demo-") as tmp, DemoServer() as server:
        publisher = DemoPublisher(server, seed=args.seed, initial=5)  # a fuller first screen, all dated in the past hour
        tmp_path = Path(tmp)
        path = tmp_path / "feeds.toml"
        path.write_text(demo_config_text(story, publisher.feed_urls, f"{args.interval}s", tmp_path / "demo.db",
                                         args.deadline_in), encoding="utf-8")
        publishing = Publishing(publisher, args.every, args.seed)
        publishing.start()
        try:
            return run_app(argparse.Namespace(config=str(path), db=str(tmp_path / "demo.db")))
        finally:
            publishing.stop.set()
            publishing.join(timeout=2)
    return EXIT_OK
