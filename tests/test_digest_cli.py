"""`tracker digest` on a database filled by `tracker poll` from loopback feeds: the real pipeline."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from tracker.cli import main
from tracker.config import load
from tracker.digest import export_default
from tracker.feedgen import FeedItem, atom, rss
from tracker.paths import digests_dir
from tracker.store import Store

from .conftest import write_config
from .test_digest import assert_inert, audit, item_links

# Entity-escaped in the feed, so the pipeline's tag stripping leaves the markup as text.
HOSTILE = FeedItem("&lt;script&gt;alert(1)&lt;/script&gt; &quot;&gt;&lt;img src=x onerror=alert(1)&gt; "
                   "[x](javascript:alert(1)) Anthropic defies Pentagon",
                   link="javascript:alert(1)", guid="evil",
                   summary='<p>"><img src=x onerror=alert(1)> Hegseth <b>said</b> <iframe src="http://evil.example">'
                           "</iframe></p>")


def story(now: datetime) -> tuple[list[FeedItem], list[FeedItem]]:
    """A wire's feed and an agency's: one report carried by both (tracking parameters on
    the agency's link), one item at 23:30 local yesterday, one hostile item."""
    wire = [
        FeedItem("Hegseth gives Anthropic until Friday to drop AI safeguards", link="https://wire.test/a1",
                 guid="a1", published=now - timedelta(hours=30),
                 summary="<p>The <b>Pentagon</b> wants Claude without limits. Anthropic says no. A third.</p>"),
        FeedItem("Amodei meets Pentagon chiefs", link="https://wire.test/a2", guid="a2",
                 published=now - timedelta(hours=2), summary="Talks continue."),
        FeedItem("Pentagon budget request tops $900bn", link="https://wire.test/b2", guid="b2",
                 published=now - timedelta(hours=1), summary="Ships and planes."),
        HOSTILE,
    ]
    agency = [FeedItem(wire[0].title, link=wire[0].link + "?utm_source=agency", guid="x1",
                       published=wire[0].published, summary="Agency copy.")]
    return wire, agency


def run(config: Path, *args: str, capsys) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["--config", str(config), "digest", *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def polled(tmp_path, server, new_york, capsys):
    now = datetime.now(timezone.utc).replace(microsecond=0)
    wire, agency = story(now)
    server.set_feed("/wire.xml", rss(wire))
    server.set_feed("/agency.xml", atom(agency), content_type="application/atom+xml")
    config = write_config(tmp_path, [("Wire", server.url("/wire.xml")), ("Agency", server.url("/agency.xml"))])
    assert main(["--config", str(config), "poll", "-q"]) == 0
    return config, server, now


def test_each_format_from_a_polled_database(polled, capsys):
    config, _, _ = polled
    store = Store.open(load(config).database_path)
    for fmt in ("md", "html", "json", "txt"):
        # --since 7d: one-off digests, so each format gets the same items
        code, out, _ = run(config, "--since", "7d", "--format", fmt, capsys=capsys)
        assert code == 0
        path = Path(out.strip())
        assert path.parent == digests_dir(load(config).database_path) and path.name.startswith("pentagon-vs-anthropic-")
        assert path.suffix == f".{fmt}"
        text = path.read_text(encoding="utf-8")
        assert "Hegseth gives Anthropic until Friday to drop AI safeguards" in text
        assert "Amodei meets Pentagon chiefs" in text
        assert "budget request" not in text  # off the story
        assert "2 outlets" in text or fmt == "json"
        if fmt == "html":
            [stored] = store.execute("SELECT title FROM items WHERE title LIKE '%defies Pentagon'")
            assert "<script>" in stored[0] and "onerror" in stored[0]  # still hostile once stored
            assert_inert(audit(text), item_links(store), hostile=(stored[0],))
        if fmt == "json":
            data = json.loads(text)
            items = [i for day in data["days"] for i in day["items"]]
            assert data["schema"] == 2 and len(items) == 3
            assert ["Wire", "Agency"] in [i["outlets"] for i in items]
    assert store.execute("SELECT COUNT(*) FROM digests")[0][0] == 0  # one-offs leave the chain alone


def test_since_last_twice_on_the_command_line(polled, capsys):
    config, server, now = polled
    code, out, err = run(config, "--output", "-", "--format", "json", capsys=capsys)
    assert code == 0 and err == ""
    assert json.loads(out)["counts"]["items"] == 3
    code, out, err = run(config, "--format", "txt", capsys=capsys)
    text = Path(out.strip()).read_text()
    assert "Nothing new since the last digest (" in text
    assert "tracker: Nothing new since the last digest" in err


def test_the_command_line_and_the_dashboard_in_turn(polled, capsys):
    config, server, now = polled
    _, out, _ = run(config, "--output", "-", "--format", "json", capsys=capsys)
    first = {i for d in json.loads(out)["days"] for e in d["items"] for i in e["ids"]}

    later = FeedItem("Anthropic sues the Pentagon", link="https://wire.test/c1", guid="c1",
                     published=now - timedelta(minutes=5))
    wire, _ = story(now)
    server.set_feed("/wire.xml", rss(wire + [later]))
    main(["--config", str(config), "poll", "-q"])
    loaded = load(config)
    path = export_default(loaded, Store.open(loaded.database_path))  # the dashboard's `e`
    text = path.read_text()
    assert "Anthropic sues the Pentagon" in text and "Amodei meets" not in text

    _, out, _ = run(config, "--output", "-", "--format", "json", capsys=capsys)
    assert json.loads(out)["counts"]["items"] == 0
    rows = Store.open(loaded.database_path).execute("SELECT items FROM digests ORDER BY id")
    assert [r[0] for r in rows] == [len(first), 1, 0]


def test_the_local_day_of_an_item_at_2330(tmp_path, server, new_york, capsys):
    # 04:30 UTC on the 25th is 23:30 on the 24th in New York
    late = FeedItem("Amodei: no autonomous weapons for the Pentagon", link="https://wire.test/l", guid="l",
                    published=datetime(2026, 2, 25, 4, 30, tzinfo=timezone.utc))
    server.set_feed("/wire.xml", rss([late]))
    config = write_config(tmp_path, [("Wire", server.url("/wire.xml"))])
    main(["--config", str(config), "poll", "-q"])
    code, out, _ = run(config, "--since", "2026-02-24", "--until", "2026-02-24", "-o", "-", capsys=capsys)
    assert code == 0 and "**Tue 24 Feb 23:30** [the report](https://wire.test/l)" in out  # by development
    code, out, _ = run(config, "--since", "2026-02-24", "--until", "2026-02-24", "--flat", "-o", "-", capsys=capsys)
    assert code == 0
    assert "## Tuesday 24 February 2026 (1 item)" in out and "**23:30** [Amodei" in out
    _, out, _ = run(config, "--since", "2026-02-25", "--until", "2026-02-25", "-o", "-", capsys=capsys)
    assert "Amodei" not in out


@pytest.mark.parametrize("args, message", [
    (["--since", "yesterday"], "is not 'last', a duration"),
    (["--since", "7x"], "is not 'last', a duration"),
    (["--until", "last"], "only makes sense for --since"),
    (["--format", "pdf"], "invalid choice"),
])
def test_wrong_arguments_are_usage_errors(tmp_path, capsys, args, message):
    config = write_config(tmp_path)
    with pytest.raises(SystemExit) as e:
        main(["--config", str(config), "digest", *args])
    assert e.value.code == 2
    err = capsys.readouterr().err
    assert message in err and "usage: tracker digest" in err


def test_output_path_and_format_from_its_extension(polled, tmp_path, capsys):
    config, _, _ = polled
    target = tmp_path / "out" / "story.html"
    target.parent.mkdir()
    code, out, _ = run(config, "--since", "7d", "--output", str(target), capsys=capsys)
    assert code == 0 and out.strip() == str(target)
    assert target.read_text().startswith("<!DOCTYPE html>")
    # a folder: the default name inside it
    code, out, _ = run(config, "--since", "7d", "--format", "txt", "--output", str(target.parent), capsys=capsys)
    assert Path(out.strip()).parent == target.parent and out.strip().endswith(".txt")


def test_an_unwritable_output_is_a_clear_failure(polled, tmp_path, capsys):
    config, _, _ = polled
    (tmp_path / "file").write_text("")
    code, out, err = run(config, "--output", str(tmp_path / "file" / "x.md"), capsys=capsys)
    assert code == 1 and out == ""
    assert err.startswith("tracker: cannot write ") and "Traceback" not in err
    # and nothing was recorded, so the next digest still has everything
    code, out, _ = run(config, "-o", "-", "--format", "json", capsys=capsys)
    assert json.loads(out)["counts"]["items"] == 3


def test_output_through_a_symlink_writes_its_target_and_keeps_the_link(polled, tmp_path, capsys):
    config, _, _ = polled
    target = tmp_path / "shared" / "story.md"
    target.parent.mkdir()
    target.write_text("an older digest")
    link = tmp_path / "latest.md"
    link.symlink_to(target)
    code, out, _ = run(config, "--since", "7d", "--output", str(link), capsys=capsys)
    assert code == 0 and out.strip() == str(target)
    assert link.is_symlink() and link.resolve() == target
    assert "Hegseth gives Anthropic until Friday" in target.read_text()


def test_output_to_a_fifo_is_written_as_a_stream(polled, tmp_path, capsys):
    import os
    import stat
    import threading

    config, _, _ = polled
    fifo = tmp_path / "digest.pipe"
    os.mkfifo(fifo)
    got = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()), daemon=True)
    reader.start()
    code, out, err = run(config, "--format", "json", "--output", str(fifo), capsys=capsys)
    assert code == 0 and out == "", err  # nothing to print: there is no file to point at
    reader.join(20)
    assert got, "the digest never reached the reader"
    assert json.loads(got[0])["counts"]["items"] == 3
    assert stat.S_ISFIFO(fifo.lstat().st_mode)  # still the FIFO, not a file in its place
    # and it was recorded: the next digest since the last one is empty
    code, out, _ = run(config, "-o", "-", "--format", "json", capsys=capsys)
    assert json.loads(out)["counts"]["items"] == 0


def test_output_dash_is_stdout_and_no_file(polled, tmp_path, capsys, monkeypatch):
    config, _, _ = polled
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(config, "--format", "txt", "-o", "-", capsys=capsys)
    assert code == 0 and "Hegseth gives Anthropic until Friday" in out
    assert not (tmp_path / "-").exists()


def test_a_symlink_loop_as_output_is_a_clear_failure(polled, tmp_path, capsys):
    config, _, _ = polled
    loop = tmp_path / "loop.md"
    loop.symlink_to(loop)
    code, out, err = run(config, "--output", str(loop), capsys=capsys)
    assert code == 1 and out == ""
    assert err.startswith("tracker: cannot write ") and err.count("\n") == 1 and "Traceback" not in err
    assert loop.is_symlink()


@pytest.mark.parametrize("args, message", [
    (["--since", "1d", "--until", "2d"], "--until 2d"),  # 2 days ago is before 1 day ago
    (["--since", "2026-02-25", "--until", "2026-02-24"], "is not after --since 2026-02-25"),
    (["--since", "2999-01-01"], "--since 2999-01-01 is in the future"),
])
def test_a_range_that_covers_no_time_is_a_usage_error_and_writes_nothing(polled, capsys, args, message):
    config, _, _ = polled
    digests = config.parent / "data" / "digests"
    before = sorted(digests.iterdir()) if digests.exists() else []
    code, out, err = run(config, *args, capsys=capsys)
    assert code == 2 and out == ""
    assert message in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert (sorted(digests.iterdir()) if digests.exists() else []) == before
    assert run(config, "--since", "2d", "--until", "1d", capsys=capsys)[0] == 0  # the right way round
