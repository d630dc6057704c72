"""The core and `tracker poll` never import Textual: the core stays UI-free, and a poll does
not pay for the dashboard's imports (each run of a headless poll or of cron starts afresh)."""

from __future__ import annotations

import ast
import json
import pkgutil
import subprocess
import sys
import textwrap
from pathlib import Path

import tracker
from tracker import feedgen
from tracker.cli import main

from .conftest import write_config

# Every module of the package but the dashboard's, and __main__ (importing it runs tracker).
CORE = sorted(m.name for m in pkgutil.iter_modules(tracker.__path__, "tracker.")
              if m.name not in ("tracker.tui", "tracker.__main__"))


def loaded_after(code: str, roots: tuple[str, ...] = ("textual",)) -> list[str]:
    """The modules of the packages `roots` loaded once `code` has run in a fresh interpreter."""
    probe = code + textwrap.dedent(f"""
        import json, sys
        roots = {roots!r}
        print(json.dumps(sorted(m for m in sys.modules if any(m == r or m.startswith(r + ".") for r in roots))))
    """)
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_core_modules_do_not_import_textual():
    assert "tracker.update" in CORE and "tracker.store" in CORE
    assert loaded_after("\n".join(f"import {m}" for m in CORE)) == []


def test_tracker_poll_does_not_import_textual(tmp_path, server):
    items = feedgen.story_items(5, feedgen.datetime(2026, 2, 24, tzinfo=feedgen.timezone.utc))
    for n in range(3):  # more than two feeds: the poll uses its parse worker processes
        server.set_feed(f"/f{n}.xml", feedgen.rss(items))
    config = write_config(tmp_path, [(f"feed {n}", server.url(f"/f{n}.xml")) for n in range(3)])
    code = textwrap.dedent(f"""
        import sys
        from tracker.cli import main
        assert main(["--config", {str(config)!r}, "poll", "-q"]) == 0
        assert main(["--config", {str(config)!r}, "poll", "-q"]) == 0  # now every feed answers 304
    """)
    assert loaded_after(code) == []


def test_tracker_items_imports_no_other_command_and_no_client(tmp_path, server):
    """A command imports its own module only (tracker.cli.parser knows every command's options
    without theirs), and listing items needs no dashboard, feed parser, HTTP client, event loop
    or notifier: each would cost every `tracker items` its imports."""
    items = feedgen.story_items(3, feedgen.datetime(2026, 2, 24, tzinfo=feedgen.timezone.utc))
    server.set_feed("/f.xml", feedgen.rss(items))
    config = write_config(tmp_path, [("feed", server.url("/f.xml"))])
    assert main(["--config", str(config), "poll", "-q"]) == 0
    code = textwrap.dedent(f"""
        from tracker.cli import main
        assert main(["--config", {str(config)!r}, "items", "--all", "--limit", "50"]) == 0
    """)
    assert loaded_after(code, ("textual", "feedparser", "httpx", "asyncio", "tracker.notify")) == []
    assert loaded_after(code, ("tracker.cli",)) == ["tracker.cli", "tracker.cli.core", "tracker.cli.parser"]


def test_the_dashboard_imports_its_other_screens_when_they_open():
    """Textual builds a screen's classes at import (~15 ms for the five, with DataTable):
    not before the first frame."""
    assert loaded_after("import tracker.tui.app", ("tracker.tui.screens", "textual.widgets._data_table")) == []


def test_tracker_version_does_not_import_textual():
    code = textwrap.dedent("""
        from tracker.cli import main
        try:
            main(["--version"])
        except SystemExit:
            pass
    """)
    assert loaded_after(code) == []


def test_apprise_and_dateparser_are_not_imported_by_the_core_or_the_dashboard():
    """apprise costs its imports only in the thread that sends to [notify] urls, dateparser only
    when reports are read for dates (datephrases.find)."""
    code = "\n".join(f"import {m}" for m in CORE) + "\nimport tracker.tui.app\n" + textwrap.dedent("""
        import json, sys
        print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in ("apprise", "dateparser"))))
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []


def imported_modules(path: Path, module: str) -> set[str]:
    """Every tracker module `path` imports, at its top or inside a function (lazy imports count)."""
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")
            if node.level:
                base = base[: len(base) - (node.level - 1)]
                name = ".".join(base + ([node.module] if node.module else []))
            else:
                name = node.module
            found.add(name)
            found.update(f"{name}.{a.name}" for a in node.names)  # `from . import cli`
    return {m for m in found if m == "tracker" or m.startswith("tracker.")}


def layer_imports() -> dict[str, set[str]]:
    root = Path(tracker.__file__).parent
    out = {}
    for path in root.rglob("*.py"):
        parts = path.relative_to(root.parent).with_suffix("").parts
        module = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[module] = imported_modules(path, module)
    return out


def _within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def test_the_dashboard_never_imports_the_cli_and_the_core_neither():
    """The CLI opens the config and the store and hands them to the dashboard; the core knows
    neither front end. A cycle here would make each need the other to be imported at all."""
    imports = layer_imports()
    assert "tracker.tui.app" in imports and "tracker.cli.tui" in imports
    assert "tracker.tui.app" in imports["tracker.cli.tui"]  # the probe sees lazy imports
    tui_to_cli = {m: sorted(i for i in deps if _within(i, "tracker.cli"))
                  for m, deps in imports.items() if _within(m, "tracker.tui")}
    assert {m: d for m, d in tui_to_cli.items() if d} == {}
    core_to_ui = {m: sorted(i for i in deps if _within(i, "tracker.cli") or _within(i, "tracker.tui"))
                  for m, deps in imports.items()
                  if not (_within(m, "tracker.cli") or _within(m, "tracker.tui") or m == "tracker.__main__")}
    assert {m: d for m, d in core_to_ui.items() if d} == {}


def sql_users() -> set[str]:
    """Modules outside tracker.store that import sqlite3 or use .execute/.executemany/._conn
    (called, or handed on: `run(store.execute, "SELECT ...")` is SQL too)."""
    root = Path(tracker.__file__).parent
    found = set()
    for path in root.rglob("*.py"):
        parts = path.relative_to(root.parent).with_suffix("").parts
        module = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        if _within(module, "tracker.store"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import) and any(a.name == "sqlite3" for a in node.names) \
                    or isinstance(node, ast.ImportFrom) and node.module == "sqlite3" \
                    or isinstance(node, ast.Attribute) and node.attr in ("execute", "executemany", "_conn"):
                found.add(module)
                break
    return found


def test_only_the_store_writes_sql():
    users = sql_users()
    assert "tracker.digest.data" not in users and "tracker.brief" not in users
    assert users == set(), "SQL outside tracker.store: give the store a named method"
