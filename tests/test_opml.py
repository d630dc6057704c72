"""OPML in and out: tracker's own export, and the shapes newsboat and miniflux write, import
into feeds.toml; hostile XML is refused before anything is read."""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tracker.cli import main
from tracker.config import load
from tracker.opml import MAX_BYTES, OPMLError, parse, read, render

from .conftest import write_config

DATA = Path(__file__).parent / "data"
REPO = Path(__file__).parent.parent


@pytest.fixture
def shipped(tmp_path):
    """A copy of the shipped feeds.toml (with its article): a real file with comments."""
    shutil.copy(REPO / "feeds.toml", tmp_path / "feeds.toml")
    shutil.copytree(REPO / "data", tmp_path / "data", ignore=shutil.ignore_patterns("*.db*", "digests", "*.log*"))
    return tmp_path / "feeds.toml"


def run(*argv, capsys):
    capsys.readouterr()
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


# ------------------------------------------------------------------ reading
def test_newsboat_export_shape():
    outlines = read(DATA / "newsboat.opml")
    assert [(o.title, o.url) for o in outlines][:2] == [
        ("DefenseScoop", "https://defensescoop.com/feed/"), ("Lawfare", "https://www.lawfaremedia.org/feeds/all")]
    assert outlines[4].title == ""  # no title: the importer names it after the host
    assert outlines[5].url.startswith("exec:")  # kept here; the importer refuses non-http URLs


def test_miniflux_export_shape_with_nested_categories():
    outlines = read(DATA / "miniflux.opml")
    assert [o.category for o in outlines] == ["Defense", "Defense", "Tech & AI", "Tech & AI",
                                              "Tech & AI/Newsletters", "Tech & AI/Newsletters"]
    assert outlines[2].title == "Ars Technica & friends"  # entities decoded
    assert outlines[4].url == "https://www.platformer.news/rss/"


@pytest.mark.parametrize("xml, why", [
    # the billion laughs
    (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
     b'<opml version="2.0"><body><outline text="&lol2;" xmlUrl="https://x.test/"/></body></opml>', "DOCTYPE"),
    # an external entity reading a local file
    (b'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
     b'<opml version="2.0"><body><outline text="&xxe;" xmlUrl="https://x.test/"/></body></opml>', "DOCTYPE"),
    (b'<?xml version="1.0"?><!DOCTYPE opml SYSTEM "http://127.0.0.1:9/evil.dtd"><opml/>', "DOCTYPE"),
    (b"<rss><channel/></rss>", "not OPML"),
    (b"<opml><body><outline", "not well-formed"),
    (b"", "not well-formed"),
    (b"\x00\xff binary", "not well-formed"),
])
def test_hostile_or_broken_files_are_refused(xml, why):
    with pytest.raises(OPMLError, match=why):
        parse(xml)


def test_an_oversized_file_is_refused_without_reading_it_all(tmp_path):
    big = tmp_path / "big.opml"
    with big.open("wb") as f:
        f.truncate(MAX_BYTES + 10)  # sparse: costs no disk
    with pytest.raises(OPMLError, match="larger than"):
        read(big)


# ------------------------------------------------------------------ writing
def test_export_is_opml_2_that_imports_back(tmp_path):
    feeds = [("Wire & Co", "https://wire.test/feed?a=1&b=2"), ('"Quoted" <name>', "https://q.test/rss")]
    text = render("tracker: Story", feeds)
    root = ET.fromstring(text)
    assert root.tag == "opml" and root.get("version") == "2.0"
    assert root.find("head/title").text == "tracker: Story"
    outline = root.find("body/outline")
    assert outline.get("type") == "rss" and outline.get("text") == outline.get("title") == "Wire & Co"
    assert [(o.title, o.url) for o in parse(text.encode())] == feeds


def test_cli_export_to_stdout_and_to_a_file(shipped, tmp_path, capsys):
    code, out, _ = run("--config", str(shipped), "feeds", "export", capsys=capsys)
    assert code == 0
    config = load(shipped)
    assert [(o.title, o.url) for o in parse(out.encode())] == [(f.name, f.url) for f in config.feeds]
    target = tmp_path / "out.opml"
    code, _, err = run("feeds", "export", "-o", str(target), "--config", str(shipped), capsys=capsys)
    assert code == 0 and "wrote 9 feeds" in err
    assert target.read_text().startswith('<?xml version="1.0" encoding="UTF-8"?>\n<opml version="2.0">')


# ------------------------------------------------------------------ importing
def test_import_newsboat_into_the_shipped_config(shipped, capsys):
    before = shipped.read_text()
    code, out, _ = run("--config", str(shipped), "feeds", "import", str(DATA / "newsboat.opml"), capsys=capsys)
    assert code == 0
    assert "imported 3 feeds" in out and "skipped 2 already there" in out and "skipped 1 that are not http(s)" in out
    after = shipped.read_text()
    assert after.startswith(before.rstrip("\n"))  # every comment and line kept, the new feeds appended
    feeds = {f.name: f.url for f in load(shipped).feeds}
    assert feeds["Lawfare"] == "https://www.lawfaremedia.org/feeds/all"
    assert feeds["The Verge"] == "https://www.theverge.com/rss/index.xml"  # the existing one, untouched
    assert feeds["The Verge (2)"] == "https://feeds.example.org/ai-policy.xml"  # the name was taken
    assert feeds["blog.example.net"] == "https://blog.example.net/atom.xml"
    assert len(feeds) == 12

    # Importing the same file again changes nothing.
    code, out, _ = run("--config", str(shipped), "feeds", "import", str(DATA / "newsboat.opml"), capsys=capsys)
    assert code == 0 and "imported 0 feeds" in out
    assert shipped.read_text() == after


def test_import_miniflux_flattens_categories_and_skips_duplicate_urls(shipped, capsys):
    code, out, _ = run("--config", str(shipped), "feeds", "import", str(DATA / "miniflux.opml"), capsys=capsys)
    assert code == 0
    names = [f.name for f in load(shipped).feeds][9:]
    # Breaking Defense and Ars Technica are there already; the second Import AI differs only
    # in the host's case and a trailing slash
    assert names == ["War on the Rocks", "Import AI", "Platformer"]


def test_an_export_imports_into_a_new_story(shipped, tmp_path, capsys):
    exported = tmp_path / "story.opml"
    assert main(["--config", str(shipped), "feeds", "export", "-o", str(exported)]) == 0
    (tmp_path / "other").mkdir()
    other = write_config(tmp_path / "other")  # a story with no feeds yet
    code, out, _ = run("--config", str(other), "feeds", "import", str(exported), capsys=capsys)
    assert code == 0 and "imported 9 feeds" in out
    assert [(f.name, f.url) for f in load(other).feeds] == [(f.name, f.url) for f in load(shipped).feeds]


def test_import_refuses_hostile_xml_and_leaves_the_config_alone(shipped, tmp_path, capsys):
    evil = tmp_path / "evil.opml"
    evil.write_bytes(b'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
                     b'<opml version="2.0"><body><outline text="&xxe;" xmlUrl="https://x.test/"/></body></opml>')
    before = shipped.read_text()
    code, _, err = run("--config", str(shipped), "feeds", "import", str(evil), capsys=capsys)
    assert code == 2 and "DOCTYPE" in err and "Traceback" not in err
    assert shipped.read_text() == before
    code, _, err = run("--config", str(shipped), "feeds", "import", str(tmp_path / "missing.opml"), capsys=capsys)
    assert code == 2 and "cannot read" in err


def test_import_refuses_control_characters_in_urls_and_cleans_names(shipped, tmp_path, capsys):
    opml = tmp_path / "evil.opml"
    opml.write_text('<?xml version="1.0"?><opml version="2.0"><body>'
                    '<outline text="Fine&#x9b;31m name" xmlUrl="https://fine.example/rss"/>'
                    '<outline text="Evil" xmlUrl="https://evil.example/&#x9b;2J&#x9b;0m"/>'
                    '</body></opml>', encoding="utf-8")
    code, out, _ = run("--config", str(shipped), "feeds", "import", str(opml), "-v", capsys=capsys)
    assert code == 0
    assert "imported 1 feed " in out and "skipped 1 that are not http(s)" in out
    assert "  ! not an http(s) URL: 'https://evil.example/\\x9b2J\\x9b0m'" in out
    assert all(line.isprintable() for line in out.splitlines())
    feeds = {f.name: f.url for f in load(shipped).feeds}
    assert feeds["Fine name"] == "https://fine.example/rss"
    assert not any("evil" in url for url in feeds.values())


def test_export_cleans_names_and_urls_written_by_hand(tmp_path, capsys):
    path = write_config(tmp_path, extra='[[feeds]]\nname = "Evil\\u001b[2J wire"\n'
                                        'url = "https://wire.example/rss\\u009b2J"\n')
    code, out, _ = run("--config", str(path), "feeds", "export", capsys=capsys)
    assert code == 0
    assert all(line.isprintable() for line in out.splitlines())
    assert [(o.title, o.url) for o in parse(out.encode())] == [("Evil wire", "https://wire.example/rss")]
def test_import_names_each_feed_it_skipped(shipped, capsys):
    code, out, _ = run("--config", str(shipped), "feeds", "import", str(DATA / "newsboat.opml"), capsys=capsys)
    assert code == 0
    lines = out.splitlines()
    already = [line for line in lines if line.startswith("  = already there: ")]
    invalid = [line for line in lines if line.startswith("  ! not an http(s) URL: ")]
    assert len(already) == 2 and len(invalid) == 1
    assert "  = already there: https://www.theverge.com/rss/index.xml" in lines


def test_import_names_skipped_urls_escaped(shipped, tmp_path, capsys):
    opml = tmp_path / "hostile.opml"
    opml.write_text('<opml version="2.0"><body><outline xmlUrl="gopher://x.example/\x9b2J" title="x"/>'
                    '</body></opml>', encoding="utf-8")
    code, out, _ = run("--config", str(shipped), "feeds", "import", str(opml), capsys=capsys)
    assert code == 0 and "\x9b" not in out
    assert "  ! not an http(s) URL: 'gopher://x.example/\\x9b2J'" in out
