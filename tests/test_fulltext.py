"""Articles' own text from their pages: `tracker article URL`, served from 127.0.0.1."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import tomllib

import pytest

from tracker.cli import main
from tracker.config import load
from tracker.fulltext import PageError, extract, publisher_link
from tracker.tui import render

from .conftest import write_config

BODY = [
    "The Defense Department gave Anthropic until Friday at 5 p.m. to drop the safeguards on its "
    "Claude models, officials said on Tuesday, in a letter that surprised much of the industry.",
    "The letter, seen by reporters, demands that the company allow every lawful use of its models "
    "by the military, including uses the company's policies now forbid.",
    "What the letter says",
    "Defense Secretary Pete Hegseth wrote that the department could designate the company a "
    "supply-chain risk or invoke the Defense Production Act if it did not comply.",
    "Anthropic said in a statement that it would keep talking with the department but would not "
    "agree to uses that cross the lines it has drawn for autonomous weapons and surveillance.",
]


def news_page(title="Pentagon gives Anthropic until Friday to drop AI safeguards", body=BODY,
              extra_head="", comments=True) -> bytes:
    paragraphs = "\n".join(f"<h2>{p}</h2>" if len(p) < 40 else f"<p>{p}</p>" for p in body)
    comment_block = "".join(f'<div class="comment"><p>Reader {n} says: this is outrageous and everyone '
                            f'should cancel their subscriptions right now, I mean it.</p></div>' for n in range(8))
    return textwrap.dedent(f"""\
        <!doctype html><html lang="en"><head><meta charset="utf-8">
        <title>{title} | Example Times</title>
        <meta name="author" content="Jane Doe">
        <meta property="og:site_name" content="Example Times">
        <meta property="article:published_time" content="2026-02-24T15:30:00Z">
        {extra_head}
        <script>window.tracking = {{"user": "secret-tracking-id"}};</script>
        </head><body>
        <header><nav><a href="/">Home</a> <a href="/world">World</a> <a href="/politics">Politics</a>
        <a href="/subscribe">Subscribe for $1 a week</a></nav></header>
        <main><article>
        <h1>{title}</h1>
        <p class="byline">By Jane Doe, February 24, 2026</p>
        {paragraphs}
        </article>
        <aside class="related"><h3>Related</h3><ul><li><a href="/x">Ten things to know about chips</a></li>
        <li><a href="/y">Markets close higher on Tuesday</a></li></ul></aside>
        {'<section id="comments"><h3>Comments</h3>' + comment_block + '</section>' if comments else ''}
        </main>
        <footer><p>Copyright 2026 Example Times. All rights reserved. Privacy policy. Terms of use.</p></footer>
        <script>alert("ad")</script></body></html>
        """).encode()


def run(*argv, capsys):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_article_command_keeps_the_article_and_nothing_around_it(tmp_path, server, capsys):
    server.set_feed("/news/pentagon-deadline.html", news_page(), content_type="text/html; charset=utf-8")
    config = write_config(tmp_path)
    url = server.url("/news/pentagon-deadline.html")

    code, out, err = run("--config", str(config), "article", url, capsys=capsys)

    assert code == 0, err
    story = load(config).story
    assert story.headline == "Pentagon gives Anthropic until Friday to drop AI safeguards"
    assert story.source == url
    assert story.published is not None and story.published.isoformat().startswith("2026-02-24")
    text = story.article.read_text(encoding="utf-8")
    for paragraph in BODY:
        assert paragraph in text
    for chrome in ("Subscribe for", "Ten things to know", "Reader 3 says", "Copyright 2026",
                   "secret-tracking-id", "alert("):
        assert chrome not in text
    assert "By Jane Doe" in text
    assert str(story.article.relative_to(tmp_path)) in out
    # The dashboard's article pane reads it as it reads data/article.txt: subheadings stand alone.
    lines, _ = render.read_article(story.article)
    assert "What the letter says" in lines and render.is_subheading("What the letter says")


@pytest.mark.parametrize("path, content_type, body, says", [
    ("/logo.png", "image/png", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40, "is not a web page"),
    ("/app.html", "text/html", b"<html><head><script src=app.js></script></head><body><div id=root></div>"
                               b"<noscript>Please enable JavaScript.</noscript></body></html>", "no article text"),
    ("/binary.html", "text/html", bytes(range(256)) * 400, "is not a web page"),
])
def test_a_page_that_is_not_an_article_is_one_line_and_changes_nothing(tmp_path, server, capsys,
                                                                       path, content_type, body, says):
    server.set_feed(path, body, content_type=content_type)
    config = write_config(tmp_path)
    before = config.read_text()

    code, out, err = run("--config", str(config), "article", server.url(path), capsys=capsys)

    assert code == 1
    assert says in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert config.read_text() == before
    assert list((tmp_path / "data").iterdir()) == []


def test_redirects_off_the_web_and_giant_pages_are_refused(tmp_path, server, capsys):
    server.set_response("/moved", 302, headers={"Location": "file:///etc/passwd"})
    server.set_response("/huge", 200, b"", headers={"Content-Type": "text/html", "Content-Length": str(60 * 2**20)})
    config = write_config(tmp_path)

    code, _, err = run("--config", str(config), "article", server.url("/moved"), capsys=capsys)
    assert code == 1 and "non-web address" in err
    code, _, err = run("--config", str(config), "article", server.url("/huge"), capsys=capsys)
    assert code == 1 and "larger than" in err and "the page" in err


def test_an_aggregators_redirect_page_is_followed_to_the_publisher(tmp_path, server, capsys):
    server.set_feed("/story.html", news_page(), content_type="text/html")
    server.set_feed("/rss/articles/CBMi123", f'<html><head><meta http-equiv="refresh" content="0;url='
                    f'{server.url("/story.html")}"></head><body>Redirecting</body></html>'.encode(),
                    content_type="text/html")
    config = write_config(tmp_path)

    code, _, err = run("--config", str(config), "article", server.url("/rss/articles/CBMi123"), capsys=capsys)

    assert code == 0, err
    assert load(config).story.source == server.url("/story.html")


def test_click_through_links_carry_the_publishers_address():
    assert publisher_link("https://www.bing.com/news/apiclick.aspx?ref=FexRss&url=https%3a%2f%2fexample.com%2fa"
                          "&c=123") == "https://example.com/a"
    assert publisher_link("https://www.google.com/url?rct=j&url=https://example.org/b&ct=ga") == "https://example.org/b"
    assert publisher_link("https://www.bing.com/news/apiclick.aspx?url=javascript:alert(1)") == \
        "https://www.bing.com/news/apiclick.aspx?url=javascript:alert(1)"
    assert publisher_link("https://example.com/plain?url=https://other.example/") == \
        "https://example.com/plain?url=https://other.example/"


def test_hostile_text_in_a_page_is_cleaned_before_it_is_kept():
    hostile = "Pentagon \x1b[2J\x1b]52;c;ZXZpbA==\x07deadline \u202e looms"
    page = news_page(title=hostile, body=[p.replace("officials", "officials\x1b[31m") for p in BODY])
    article = extract(page, "https://example.com/a", "text/html")
    for text in (article.title, article.text, article.as_file()):
        assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text
    assert "deadline" in article.title


def test_a_very_long_article_is_cut_and_says_so():
    body = [f"Paragraph {n} of the hearing transcript, in which counsel for the department and for the "
            f"company argue at length about the meaning of section {n} of the statute." for n in range(2000)]
    article = extract(news_page(body=body, comments=False), "https://example.com/a", "text/html")
    assert len(article.text) < 101_000
    assert article.text.endswith("characters]") and "tracker kept its first" in article.text


def test_init_with_an_article_url_starts_the_story_with_its_text(tmp_path, server, capsys, monkeypatch):
    server.set_feed("/a.html", news_page(), content_type="text/html")
    monkeypatch.chdir(tmp_path)
    config = tmp_path / "feeds.toml"

    code, out, err = run("--config", str(config), "init", "Anthropic Pentagon", "--article", server.url("/a.html"),
                         capsys=capsys)

    assert code == 0, err
    story = load(config).story
    assert story.article is not None and BODY[0] in story.article.read_text()
    assert story.headline.startswith("Pentagon gives Anthropic")


def test_init_with_an_unreachable_article_url_still_writes_the_story(tmp_path, server, capsys):
    server.set_response("/gone", 404)
    config = tmp_path / "feeds.toml"

    code, out, err = run("--config", str(config), "init", "Anthropic Pentagon", "--article", server.url("/gone"),
                         capsys=capsys)

    assert code == 0
    assert "not found" in err and "tracker article" in err
    data = tomllib.loads(config.read_text())
    assert data["story"]["source"] == server.url("/gone") and "article" not in data["story"]


def test_the_dashboard_and_a_poll_do_not_import_the_extractor():
    probe = textwrap.dedent("""
        import json, sys
        import tracker.cli, tracker.tui.app, tracker.update, tracker.schedule
        print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in ("trafilatura", "lxml"))))
    """)
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []


def test_extract_refuses_a_teaser():
    with pytest.raises(PageError, match="no article text"):
        extract(b"<html><body><article><p>Subscribe to read.</p></article></body></html>", "https://e.com/a",
                "text/html")


# ------------------------------------------------------------------ reports' pages, in the background
def _report(n, link, title=None):
    from datetime import datetime, timedelta, timezone

    from tracker.feedgen import FeedItem
    return FeedItem(title=title or f"Anthropic and the Pentagon: report {n}", link=link, guid=f"g{n}",
                    published=datetime(2026, 2, 24, 12, tzinfo=timezone.utc) + timedelta(minutes=n),
                    summary="A line from the feed.")


def test_on_story_reports_get_their_text_and_search_finds_it(tmp_path, server, capsys):
    from tracker.feedgen import rss
    server.set_feed("/a1.html", news_page(body=BODY + ["The judge mentioned the word quokka once."]),
                    content_type="text/html")
    server.set_feed("/a2.html", b"\x89PNG" + bytes(range(256)) * 20, content_type="image/png")
    server.set_feed("/off.html", news_page(), content_type="text/html")
    server.set_feed("/optout.html", news_page(), content_type="text/html")
    server.set_feed("/news.xml", rss([_report(1, server.url("/a1.html")), _report(2, server.url("/a2.html")),
                                      _report(3, server.url("/off.html"), title="Weather: rain on Tuesday")]))
    server.set_feed("/own.xml", rss([_report(4, server.url("/optout.html"))]))
    config = write_config(tmp_path, [("News", server.url("/news.xml"))], extra="[fulltext]\ndelay = \"0s\"\n")
    config.write_text(config.read_text() + '\n[[feeds]]\nname = "Own"\nurl = "%s"\nfulltext = false\n'
                      % server.url("/own.xml"))
    assert run("--config", str(config), "poll", "-q", capsys=capsys)[0] == 0

    code, out, err = run("--config", str(config), "texts", capsys=capsys)

    assert code == 0, err
    assert "read 1 page" in out and "1 could not be read" in out
    assert server.hits("/a1.html") == 1 and server.hits("/a2.html") == 1
    assert server.hits("/off.html") == 0, "off-story items are never fetched"
    assert server.hits("/optout.html") == 0, "a feed with fulltext = false is left alone"
    code, out, _ = run("--config", str(config), "items", "--json", capsys=capsys)
    by_link = {r["link"]: r for r in json.loads(out)}
    assert BODY[0] in by_link[server.url("/a1.html")]["text"]
    assert by_link[server.url("/a2.html")]["text"] is None
    # The body is searched as the dashboard searches: a word only the article has finds its report.
    code, out, _ = run("--config", str(config), "items", "--search", "quokka", "--json", capsys=capsys)
    assert [r["link"] for r in json.loads(out)] == [server.url("/a1.html")]
    # Nothing is fetched twice: what was read stays, what failed waits before another try.
    code, out, _ = run("--config", str(config), "texts", capsys=capsys)
    assert "every on-story report already has its text" in out
    assert server.hits("/a1.html") == 1 and server.hits("/a2.html") == 1


@pytest.mark.slow  # seconds of real time: run by .ci/run, not by default
def test_pages_of_one_site_are_read_one_at_a_time_and_spaced(tmp_path, server, capsys):
    import time

    from tracker.feedgen import rss
    page, times = news_page(), []

    def answer(handler, stop):
        times.append(time.monotonic())
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        handler.send_header("Content-Length", str(len(page)))
        handler.end_headers()
        handler.wfile.write(page)

    for n in range(3):
        server.set_handler(f"/p{n}.html", answer)
    server.set_feed("/news.xml", rss([_report(n, server.url(f"/p{n}.html")) for n in range(3)]))
    config = write_config(tmp_path, [("News", server.url("/news.xml"))], extra="[fulltext]\ndelay = \"1s\"\n")
    assert run("--config", str(config), "poll", "-q", capsys=capsys)[0] == 0

    assert run("--config", str(config), "texts", capsys=capsys)[0] == 0

    assert len(times) == 3
    assert all(b - a >= 0.95 for a, b in zip(times, times[1:])), times


def test_fulltext_can_be_switched_off(tmp_path, server, capsys):
    from tracker.feedgen import rss
    server.set_feed("/p.html", news_page(), content_type="text/html")
    server.set_feed("/news.xml", rss([_report(1, server.url("/p.html"))]))
    config = write_config(tmp_path, [("News", server.url("/news.xml"))], extra="[fulltext]\nenabled = false\n")
    assert run("--config", str(config), "poll", "-q", capsys=capsys)[0] == 0

    code, _, err = run("--config", str(config), "texts", capsys=capsys)

    assert code == 0 and "enabled = false" in err and server.hits("/p.html") == 0


def test_a_typo_in_the_fulltext_table_names_the_key(tmp_path, capsys):
    config = write_config(tmp_path, extra="[fulltext]\nenable = false\n")
    code, _, err = run("--config", str(config), "items", capsys=capsys)
    assert code == 2 and "fulltext" in err and "enable" in err
