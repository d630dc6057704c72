"""tracker init, paths, feeds add/remove, completion and the README's config reference: as a
user runs them, from the command line."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tomllib
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from tracker import config as config_module
from tracker.cli import main
from tracker.cli.manage import derive_rules, parse_deadline, search_query
from tracker.config import load, parse_duration
from tracker.model import PollSettings
from tracker.store import Store

from .conftest import write_config

REPO = Path(__file__).parent.parent


def run(*argv, capsys):
    capsys.readouterr()
    code = main([str(a) for a in argv])
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def shipped(tmp_path):
    shutil.copy(REPO / "feeds.toml", tmp_path / "feeds.toml")
    shutil.copytree(REPO / "data", tmp_path / "data", ignore=shutil.ignore_patterns("*.db*", "digests", "*.log*"))
    return tmp_path / "feeds.toml"


# ------------------------------------------------------------------ init
def test_init_writes_a_story_that_loads(tmp_path, capsys):
    article = tmp_path / "article.txt"
    article.write_text("Anthropic stands firm\n\nThe Pentagon wants Claude without limits.\n")
    target = tmp_path / "story" / "feeds.toml"
    code, out, _ = run("init", "Anthropic Pentagon", "--deadline", "2026-02-27 17:00 America/New_York",
                       "--article", article, "--config", target, capsys=capsys)
    assert code == 0, out
    config = load(target)
    assert config.story.title == "Anthropic Pentagon"
    assert config.story.rules.require == (("Anthropic",), ("Pentagon",))
    assert config.story.article == target.parent / "data" / "article.txt"
    assert config.story.article.read_text() == article.read_text()
    assert config.story.headline == "Anthropic stands firm"
    (deadline,) = config.deadlines
    assert deadline.at.isoformat() == "2026-02-27T22:00:00+00:00" and deadline.timezone == "America/New_York"
    names = [f.name for f in config.feeds]
    assert names == ["Google News", "Bing News", "Hacker News"]  # no other story's outlets
    google = urlsplit(config.feeds[0].url)
    assert google.netloc == "news.google.com" and parse_qs(google.query)["q"] == ["Anthropic Pentagon"]
    assert parse_qs(urlsplit(config.feeds[1].url).query) == {"q": ["Anthropic Pentagon"], "format": ["rss"]}
    assert (target.parent / "data").is_dir()  # the database goes there
    text = target.read_text()
    assert "# An item is on the story when" in text  # the rules are explained where they are edited
    assert f"wrote {target}" in out


def test_init_refuses_to_overwrite(tmp_path, capsys):
    target = tmp_path / "feeds.toml"
    target.write_text("# mine\n")
    code, _, err = run("--config", target, "init", "Anything", capsys=capsys)
    assert code == 2
    assert "already exists; refusing to overwrite" in err and "Traceback" not in err
    assert target.read_text() == "# mine\n"


def test_init_in_an_empty_folder_writes_feeds_toml_there(tmp_path, monkeypatch, capsys):
    folder = tmp_path / "spacex"
    folder.mkdir()
    monkeypatch.chdir(folder)  # no ./feeds.toml here
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    code, out, _ = run("init", "SpaceX Starship", capsys=capsys)
    assert code == 0
    written = folder / "feeds.toml"
    assert f"wrote {written}:" in out and "from this folder" in out
    assert not (tmp_path / "xdg").exists()
    assert [f.name for f in load(written).feeds] == ["Google News", "Bing News", "Hacker News"]
    assert "defensescoop" not in written.read_text().lower()  # the Pentagon story's outlets are its own
    # and every other command run from here finds it
    code, out, _ = run("feeds", "--json", capsys=capsys)
    assert code == 0 and [f["name"] for f in json.loads(out)] == ["Google News", "Bing News", "Hacker News"]
    assert not (folder / "data" / "tracker.db").exists()  # looking creates no database
    # a second init here is refused; --config still writes elsewhere, the user config dir included
    assert run("init", "Other story", capsys=capsys)[0] == 2
    elsewhere = tmp_path / "xdg" / "tracker" / "feeds.toml"
    assert run("init", "Other story", "--no-outlets", "--config", elsewhere, capsys=capsys)[0] == 0
    assert elsewhere.is_file()


def test_init_labels_its_deadline_with_the_story_and_a_digest_shows_it_in_its_zone(tmp_path, capsys):
    target = tmp_path / "feeds.toml"
    assert run("init", "SpaceX Starship", "--deadline", "2099-12-05 09:00 America/Chicago",
               "--config", target, capsys=capsys)[0] == 0
    (deadline,) = load(target).deadlines
    assert deadline.label == "SpaceX Starship"
    Store.open(target.parent / "data" / "tracker.db").close()  # a story not polled yet
    code, out, err = run("--config", target, "digest", "--format", "txt", "-o", "-", capsys=capsys)
    assert code == 0, err
    text = " ".join(out.split())  # the text digest wraps its lines
    assert "Deadline: Deadline" not in out
    assert "SpaceX Starship: Sat 5 Dec 2099" in text
    assert "(09:00 CST in America/Chicago)" in text  # its own zone too, whatever the machine's


def test_init_with_an_article_url_records_it_without_fetching(tmp_path, capsys):
    target = tmp_path / "feeds.toml"
    url = "http://127.0.0.1:9/never-fetched.html"  # port 9: nothing answers, and nothing may ask
    code, _, _ = run("init", "Anthropic Pentagon", "--article", url, "--title", "The fight",
                     "--config", target, capsys=capsys)
    assert code == 0
    story = load(target).story
    assert story.source == url and story.article is None and story.title == "The fight"


@pytest.mark.parametrize("args, message", [
    (["--article", "no/such/file.txt"], "neither a file nor an http(s) URL"),
    (["--deadline", "Friday at five"], "expected a date and time"),
    (["--deadline", "2026-02-27 17:00"], "no time zone"),
    (["--deadline", "2026-02-27 17:00 Mars/Olympus"], "not a time zone"),
    (["--deadline", "9999-12-31 23:00 Asia/Tokyo"], "--deadline 9999-12-31 23:00 is out of range"),
])
def test_init_mistakes_exit_2_and_write_nothing(tmp_path, capsys, args, message):
    target = tmp_path / "feeds.toml"
    code, _, err = run("init", "Anthropic", *args, "--config", target, capsys=capsys)
    assert code == 2 and message in err
    assert not target.exists()


def test_init_of_hostile_words_still_writes_valid_toml(tmp_path, capsys):
    target = tmp_path / "feeds.toml"
    words = 'AT&T "Time Warner" \\"] = 1 #'
    code, _, err = run("init", words, "--title", 'T "quoted" \\ [x]', "--config", target, capsys=capsys)
    assert code == 0, err
    config = load(target)
    assert config.story.title == 'T "quoted" \\ [x]'
    assert config.story.rules.require[:2] == (("AT&T",), ("Time Warner",))
    q = parse_qs(urlsplit(config.feeds[0].url).query)["q"][0]
    assert q.startswith('AT&T "Time Warner"')  # encoded in the URL, decoded intact


INJECTED = '\n[notify]\non_new = ["touch", "/tmp/pwned"]\n'


@pytest.mark.parametrize("option", ["WORDS", "--title", "--label", "--headline", "--article"])
def test_init_refuses_a_newline_that_would_inject_toml(tmp_path, capsys, option):
    target = tmp_path / "feeds.toml"
    args = {"WORDS": "Anthropic Pentagon"}
    args[option] = f"Anthropic{INJECTED}" if option == "WORDS" else f"https://a.example/{INJECTED}"
    extra = [x for key, value in args.items() if key != "WORDS" for x in (key, value)]
    if option == "--label":
        extra += ["--deadline", "2026-02-27 17:00 UTC"]
    code, _, err = run("init", args["WORDS"], *extra, "--config", target, capsys=capsys)
    assert code == 2 and not target.exists()
    assert err.startswith(f"tracker: {option} ") and "control characters" in err
    assert len(err.strip().splitlines()) == 1  # the value shown escaped, not raw


def test_init_never_writes_a_notify_hook_from_a_title(tmp_path):
    """The header comment is the one place a value was written as is."""
    from tracker.cli.manage import render_story

    text = render_story(title=f"Story{INJECTED}", groups=[["Anthropic"]], deadline=None, label="",
                        article=None, headline="", source="")
    data = tomllib.loads(text)
    assert "notify" not in data and data["story"]["title"] == f"Story{INJECTED}"


def test_rules_from_words():
    assert derive_rules("Pentagon vs Anthropic") == [["Pentagon"], ["Anthropic"]]
    assert derive_rules('"Department of War" Anthropic|Claude') == [["Department of War"], ["Anthropic", "Claude"]]
    assert derive_rules("Anthropic OR Claude Pentagon or Hegseth") == [["Anthropic", "Claude"], ["Pentagon", "Hegseth"]]
    assert derive_rules("the of and") == []
    assert derive_rules('unbalanced "quote') == [["unbalanced"], ["quote"]]
    assert search_query([["Department of War"], ["Anthropic", "Claude"]]) == '"Department of War" (Anthropic OR Claude)'


def test_deadline_forms():
    assert parse_deadline("2026-02-27 17:00 America/New_York")[1] == "America/New_York"
    at, zone = parse_deadline("2026-02-27T17:00:00-05:00")  # an offset is kept as written
    assert (at.isoformat(), zone) == ("2026-02-27T17:00:00", "Etc/GMT+5")
    at, zone = parse_deadline("2026-02-27T17:00:00+05:30")  # no Etc/ zone has half hours
    assert (at.isoformat(), zone) == ("2026-02-27T11:30:00", "UTC")
    at, zone = parse_deadline("2026-02-27T22:00:00+00:00 Europe/Paris")
    assert (at.isoformat(), zone) == ("2026-02-27T23:00:00", "Europe/Paris")


# ------------------------------------------------------------------ feeds add / remove
def test_feeds_add_and_remove_keep_comments_and_layout(shipped, capsys):
    before = shipped.read_text()
    code, out, _ = run("--config", shipped, "feeds", "add", "https://www.lawfaremedia.org/feeds/all", capsys=capsys)
    assert code == 0 and "added 'lawfaremedia.org'" in out
    code, _, _ = run("feeds", "add", "https://warontherocks.com/feed/", "--name", "War on the Rocks",
                     "--interval", "30m", "--no-match", "--config", shipped, capsys=capsys)
    assert code == 0
    after = shipped.read_text()
    assert after.startswith(before.rstrip("\n"))  # nothing above was touched
    assert after[len(before.rstrip("\n")):] == (
        '\n\n[[feeds]]\nname = "lawfaremedia.org"\nurl = "https://www.lawfaremedia.org/feeds/all"\n'
        '\n[[feeds]]\nname = "War on the Rocks"\nurl = "https://warontherocks.com/feed/"\ninterval = "30m"\n'
        'match = false\n')
    feed = load(shipped).feeds[-1]
    assert (feed.interval, feed.match) == (1800, False)

    assert run("--config", shipped, "feeds", "remove", "lawfaremedia.org", capsys=capsys)[0] == 0
    assert run("--config", shipped, "feeds", "remove", "https://warontherocks.com/feed/", capsys=capsys)[0] == 0
    assert shipped.read_text() == before  # back to the byte

    # removing one in the middle leaves the others and every comment
    assert run("--config", shipped, "feeds", "remove", "Bing News", capsys=capsys)[0] == 0
    text = shipped.read_text()
    assert "Bing News" not in text and text.count("[[feeds]]") == 8
    assert [line for line in before.splitlines() if line.lstrip().startswith("#")] == \
           [line for line in text.splitlines() if line.lstrip().startswith("#")]


def test_a_comment_over_a_removed_feed_goes_with_it(tmp_path, capsys):
    path = write_config(tmp_path, extra=(
        "# the wires\n\n# A: the first\n[[feeds]]\nname = \"A\"\nurl = \"http://127.0.0.1:9/a\"\n\n"
        "# B: the second\n[[feeds]]\nname = \"B\"\nurl = \"http://127.0.0.1:9/b\"\n\n"
        "# about notifications\n[notify]\nbell = false\n"))
    assert run("--config", path, "feeds", "remove", "A", capsys=capsys)[0] == 0
    text = path.read_text()
    assert "# the wires" in text and "# A: the first" not in text
    assert "# B: the second\n[[feeds]]\nname = \"B\"" in text
    assert run("--config", path, "feeds", "remove", "B", capsys=capsys)[0] == 0
    text = path.read_text()
    assert "# B: the second" not in text and "[[feeds]]" not in text
    assert "# about notifications\n[notify]" in text
    assert load(path).notify == {"bell": False}


@pytest.mark.parametrize("argv, message", [
    (["add", "https://defensescoop.com/feed"], "already in"),  # the same URL, less a slash
    (["add", "https://HTTPS.example/x", "--name", "The Verge"], "already a feed named 'The Verge'"),
    (["add", "file:///etc/passwd"], "not an http(s) URL"),
    (["add", "https://x.example/", "--interval", "often"], "--interval"),
    (["add", "https://x.example/", "--interval", "1s"], "interval must be at least 5s; nothing written"),
    (["remove", "No Such Feed"], "no feed named 'No Such Feed'"),
])
def test_feeds_edit_mistakes_exit_2_and_change_nothing(shipped, capsys, argv, message):
    before = shipped.read_text()
    code, _, err = run("--config", shipped, "feeds", *argv, capsys=capsys)
    assert code == 2 and message in err and "Traceback" not in err
    assert shipped.read_text() == before


@pytest.mark.parametrize("argv, shown", [
    (["add", "https://a.example/\x1b[2J"], "the URL 'https://a.example/\\x1b[2J' contains control characters"),
    (["add", "https://a.example/\x9b2J"], "the URL 'https://a.example/\\x9b2J' contains control characters"),
    (["add", "https://a.example/", "--name", "Evil\x1b]0;pwned\x07"],
     "the name 'Evil\\x1b]0;pwned\\x07' contains control characters"),
])
def test_feeds_add_refuses_control_characters_in_a_name_or_url(shipped, capsys, argv, shown):
    before = shipped.read_text()
    code, _, err = run("--config", shipped, "feeds", *argv, capsys=capsys)
    assert code == 2 and err.startswith(f"tracker: {shown}") and len(err.splitlines()) == 1
    assert shipped.read_text() == before


def test_feeds_listing_cleans_names_written_by_hand(tmp_path, capsys):
    path = write_config(tmp_path, extra='[[feeds]]\nname = "Evil\\u001b[2J\\u001b]0;pwned\\u0007 wire"\n'
                                        'url = "https://wire.example/rss"\n')
    code, out, _ = run("--config", path, "feeds", capsys=capsys)
    assert code == 0
    assert out.startswith("Evil wire  [not polled yet]")
    assert all(line.isprintable() for line in out.splitlines())


def test_feeds_edits_refuse_a_broken_config(tmp_path, capsys):
    path = tmp_path / "feeds.toml"
    path.write_text("[story]\ntitle = 'x'\nbogus = 1\n")
    code, _, err = run("--config", path, "feeds", "add", "https://x.example/feed", capsys=capsys)
    assert code == 2 and f"{path}:3: story.bogus" in err


def test_bare_feeds_and_feeds_json_still_list(shipped, capsys):
    code, out, _ = run("--config", shipped, "feeds", capsys=capsys)
    assert code == 0 and "Google News  [not polled yet]" in out
    for argv in (["feeds", "--json"], ["feeds", "list", "--json"]):
        code, out, _ = run("--config", shipped, *argv, capsys=capsys)
        assert code == 0 and len(json.loads(out)) == 9


# ------------------------------------------------------------------ paths
def test_paths_say_where_and_why(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    monkeypatch.chdir(tmp_path)
    code, out, err = run("paths", "--json", capsys=capsys)
    assert code == 0 and "tracker init" in err
    found = json.loads(out)
    assert found["config"]["path"] == str(tmp_path / "xdg" / "tracker" / "feeds.toml")
    assert "user config directory" in found["config"]["from"] and not found["config"]["exists"]
    assert found["database"]["path"] == str(tmp_path / "xdg" / "tracker" / "data" / "tracker.db")
    assert found["log_file"]["path"] == str(tmp_path / "xdg" / "tracker" / "data" / "tracker.log")

    config = write_config(tmp_path)  # ./feeds.toml now exists, and names its database
    config.write_text('database = "elsewhere/story.db"\n' + config.read_text())
    code, out, err = run("paths", capsys=capsys)
    assert code == 0, err
    assert f"config    {tmp_path / 'feeds.toml'}\n          why: the current directory" in out
    assert f"database  {tmp_path / 'elsewhere' / 'story.db'}" in out and "`database` in the config" in out
    assert f"digests   {tmp_path / 'elsewhere' / 'digests'}" in out
    assert f"log file  {tmp_path / 'elsewhere' / 'tracker.log'}" in out

    code, out, _ = run("paths", "--json", "--db", tmp_path / "x.db", capsys=capsys)
    assert json.loads(out)["database"] == {"path": str(tmp_path / "x.db"), "from": "--db", "exists": False}


# ------------------------------------------------------------------ conventions
def test_help_documents_exit_codes_and_every_command(capsys):
    with pytest.raises(SystemExit) as e:
        main(["--help"])
    assert e.value.code == 0
    out = capsys.readouterr().out
    assert "Exit codes: 0 ok, 1 failure, 2 usage or config error." in out
    for command in ("init", "paths", "daemon", "serve", "completion", "feeds"):
        assert command in out
    with pytest.raises(SystemExit) as e:
        main(["feeds", "--help"])
    out = capsys.readouterr().out
    for action in ("list", "add", "remove", "import", "export"):
        assert action in out
    with pytest.raises(SystemExit) as e:
        main(["init"])  # WORDS missing: a usage error
    assert e.value.code == 2


def test_no_color_reaches_rich(monkeypatch):
    from tracker.cli import stderr_console

    monkeypatch.setenv("NO_COLOR", "1")
    assert stderr_console().no_color


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_bash_completion(capsys):
    code, script, _ = run("completion", "bash", capsys=capsys)
    assert code == 0

    def complete(*words: str) -> list[str]:
        line = " ".join(("tracker",) + words)
        probe = (f"{script}\nCOMP_WORDS=(tracker {' '.join(words)}); COMP_CWORD={len(words)}; "
                 f"COMP_LINE={line!r}; _tracker; printf '%s\\n' \"${{COMPREPLY[@]}}\"")
        done = subprocess.run(["bash", "-c", probe], capture_output=True, text=True, timeout=10)
        assert done.returncode == 0, done.stderr
        return done.stdout.split()

    assert "feeds" in complete("fe") and "init" not in complete("fe")
    assert set(complete("feeds", "")) >= {"add", "remove", "import", "export", "list", "--json"}
    assert complete("--config", "x.toml", "feeds", "ad") == ["add"]
    assert "--deadline" in complete("init", "--dead")


# ------------------------------------------------------------------ the README's reference
def _reference() -> dict[str, str]:
    readme = (REPO / "README.md").read_text()
    section = readme.split("## Configuration reference", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `([a-z_.]+)` \| (.*) \| (.*) \|$", section, re.M)
    return {key: default for key, _, default in rows}


def test_the_readme_documents_every_config_key():
    documented = _reference()
    expected = set(config_module.TOP_KEYS)
    expected |= {f"story.{k}" for k in config_module.STORY_KEYS}
    expected |= {f"story.match.{k}" for k in config_module.MATCH_KEYS}
    tables = {"poll": "POLL_KEYS", "deadlines": "DEADLINE_KEYS", "feeds": "FEED_KEYS", "notify": "NOTIFY_KEYS",
              "fulltext": "FULLTEXT_KEYS"}
    for table, name in tables.items():
        expected |= {f"{table}.{k}" for k in getattr(config_module, name)}
    assert sorted(expected - set(documented)) == [], "undocumented keys"
    assert sorted(set(documented) - expected) == [], "documented keys the code does not know"


def test_the_readme_poll_defaults_are_the_code_defaults():
    documented, defaults = _reference(), PollSettings()
    for key in config_module.POLL_KEYS:
        text = re.search(r"`([^`]+)`", documented[f"poll.{key}"]).group(1)
        value = int(text) if text.isdigit() else parse_duration(text)
        assert value == getattr(defaults, key), key


def test_the_readme_notify_example_is_a_valid_config(tmp_path):
    readme = (REPO / "README.md").read_text()
    example = re.search(r"```toml\n(\[notify\].*?)```", readme, re.S).group(1)
    path = write_config(tmp_path, extra=example)
    assert tomllib.loads(example)["notify"] == load(path).notify
