"""The core pipeline against real HTTP servers on 127.0.0.1: poll, store, list."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest

from tracker.cli import main
from tracker.config import load
from tests.support.feedgen import FeedItem, atom, rdf, rss
from tracker.store import Filter, Store

from .conftest import write_config

T0 = datetime(2026, 2, 25, 9, 0, tzinfo=timezone.utc)

ON = [
    FeedItem("Hegseth gives Anthropic until Friday to drop AI safeguards", link="http://news.test/a1",
             guid="a1", published=T0, summary="<p>The <b>Pentagon</b> wants Claude without limits.</p>"),
    FeedItem("Amodei meets Pentagon chiefs", link="http://news.test/a2", guid="a2",
             published=T0 + timedelta(hours=1), summary="Talks continue."),
]
OFF = [
    FeedItem("Anthropic releases Claude 5 with longer context", link="http://news.test/b1", guid="b1",
             published=T0 + timedelta(hours=2), summary="A product launch."),
    FeedItem("Pentagon budget request tops $900bn", link="http://news.test/b2", guid="b2",
             published=T0 + timedelta(hours=3), summary="Ships and planes."),
]


def poll(config, *extra):
    return main(["--config", str(config), "poll", "-q", *extra])


def items_json(config, *extra, capsys):
    capsys.readouterr()
    assert main(["--config", str(config), "items", "--json", *extra]) == 0
    return json.loads(capsys.readouterr().out)


def test_poll_stores_on_story_items_and_lists_them(tmp_path, server, capsys):
    server.set_feed("/rss.xml", rss(ON + OFF))
    config = write_config(tmp_path, [("Wire", server.url("/rss.xml"))])
    assert poll(config) == 0
    out = capsys.readouterr().out
    assert "4 new items (2 on the story)" in out

    items = items_json(config, capsys=capsys)
    assert [i["title"] for i in items] == [ON[1].title, ON[0].title]  # newest first, on-story only
    first = items[1]
    assert first["link"] == "http://news.test/a1"
    assert first["published"] == "2026-02-25T09:00:00Z"
    assert first["feeds"] == ["Wire"]
    assert first["on_story"] is True
    assert first["summary"] == "The Pentagon wants Claude without limits."  # HTML stripped
    assert set(first["matched"]) >= {"Anthropic", "Hegseth"}

    everything = items_json(config, "--all", capsys=capsys)
    newest_first = [OFF[1].title, OFF[0].title, ON[1].title, ON[0].title]
    assert [i["title"] for i in everything] == newest_first  # on and off the story, by time
    assert sum(not i["on_story"] for i in everything) == 2
    assert [i["title"] for i in items_json(config, "--all", "--limit", "3", capsys=capsys)] == newest_first[:3]


def test_second_poll_is_answered_304_and_adds_nothing(tmp_path, server, capsys):
    server.set_feed("/rss.xml", rss(ON))
    config = write_config(tmp_path, [("Wire", server.url("/rss.xml"))])
    assert poll(config) == 0
    assert poll(config) == 0
    assert "0 new items" in capsys.readouterr().out
    second = server.requests[-1]
    assert second.status == 304 and second.headers.get("If-None-Match")
    assert len(items_json(config, "--all", capsys=capsys)) == 2


def test_new_items_appear_after_the_feed_changes(tmp_path, server, capsys):
    server.set_feed("/rss.xml", rss(ON[:1]))
    config = write_config(tmp_path, [("Wire", server.url("/rss.xml"))])
    poll(config)
    server.set_feed("/rss.xml", rss(ON))
    poll(config)
    assert "1 new items (1 on the story)" in capsys.readouterr().out
    store = Store.open(load(config).database_path)
    rows = store.items(Filter())
    assert [r.backlog for r in rows] == [0, 1]  # the first poll's items are the backlog


def test_an_item_carried_by_two_feeds_is_stored_once_with_both(tmp_path, server, capsys):
    server.set_feed("/rss.xml", rss(ON))
    # the same articles through an Atom feed, with tracking parameters on the links
    tracked = [FeedItem(i.title, link=i.link + "?utm_source=feed&utm_medium=rss", guid="x-" + i.guid,
                        published=i.published, summary=i.summary) for i in ON]
    server.set_feed("/atom.xml", atom(tracked), content_type="application/atom+xml")
    config = write_config(tmp_path, [("Wire", server.url("/rss.xml")), ("Agency", server.url("/atom.xml"))])
    poll(config)
    items = items_json(config, capsys=capsys)
    assert len(items) == 2
    assert all(sorted(i["feeds"]) == ["Agency", "Wire"] for i in items)


@pytest.mark.parametrize("fmt", [rss, atom, rdf])
def test_every_feed_format(tmp_path, server, capsys, fmt):
    server.set_feed("/f", fmt(ON))
    config = write_config(tmp_path, [("F", server.url("/f"))])
    poll(config)
    items = items_json(config, capsys=capsys)
    assert [(i["title"], i["link"], i["published"]) for i in items] == [
        (ON[1].title, ON[1].link, "2026-02-25T10:00:00Z"), (ON[0].title, ON[0].link, "2026-02-25T09:00:00Z")]


def test_items_without_guid_link_or_date(tmp_path, server, capsys):
    server.set_feed("/rss.xml", rss([
        FeedItem("Anthropic and the Pentagon: no guid", link="http://news.test/c1", published=T0),
        FeedItem("Anthropic and the Pentagon: no link", guid="c2", published=T0),
        FeedItem("Anthropic and the Pentagon: no date", link="http://news.test/c3", guid="c3"),
        FeedItem("Anthropic and the Pentagon: <em>html</em> &amp; title", guid="c4", published=T0),
    ]))
    config = write_config(tmp_path, [("F", server.url("/rss.xml"))])
    before = datetime.now(timezone.utc).replace(microsecond=0)
    poll(config)
    poll(config)  # ids are stable: nothing doubles
    items = {i["title"]: i for i in items_json(config, capsys=capsys)}
    assert len(items) == 4
    undated = items["Anthropic and the Pentagon: no date"]
    assert undated["published_from_feed"] is False
    assert datetime.fromisoformat(undated["published"].replace("Z", "+00:00")) >= before
    assert items["Anthropic and the Pentagon: no link"]["link"] is None
    assert "Anthropic and the Pentagon: html & title" in items


def test_a_future_date_is_clamped_to_first_seen(tmp_path, server, capsys):
    server.set_feed("/rss.xml", rss([FeedItem("Anthropic Pentagon from the future", guid="f",
                                              published=datetime(2031, 1, 1, tzinfo=timezone.utc))]))
    config = write_config(tmp_path, [("F", server.url("/rss.xml"))])
    poll(config)
    [item] = items_json(config, capsys=capsys)
    assert item["published"] < "2030"
    assert item["published_from_feed"] is False  # the time shown is when tracker saw it


def test_a_failing_feed_is_recorded_and_the_others_are_stored(tmp_path, server, capsys):
    server.set_feed("/good.xml", rss(ON))
    server.set_response("/missing.xml", 404)
    server.set_response("/broken.xml", 500)
    config = write_config(tmp_path, [("Good", server.url("/good.xml")), ("Missing", server.url("/missing.xml")),
                                     ("Broken", server.url("/broken.xml"))])
    assert poll(config) == 0
    out = capsys.readouterr().out
    assert "Missing: the feed was not found (HTTP 404)" in out
    assert "Broken: the server failed (HTTP 500" in out
    assert len(items_json(config, capsys=capsys)) == 2

    assert main(["--config", str(config), "feeds"]) == 0
    feeds = capsys.readouterr().out
    assert "Good  [ok]  HTTP 200" in feeds
    assert "Missing  [failing]  HTTP 404" in feeds and "error: the feed was not found" in feeds
    capsys.readouterr()
    main(["--config", str(config), "feeds", "--json"])
    by_name = {f["name"]: f for f in json.loads(capsys.readouterr().out)}
    assert by_name["Broken"]["failures"] == 1 and by_name["Broken"]["last_status"] == 500
    assert by_name["Good"]["items"] == 2


def test_a_feed_that_does_not_answer_times_out(tmp_path, server, capsys):
    def silent(handler, stop):
        stop.wait(10)
    server.set_handler("/slow.xml", silent)
    server.set_feed("/good.xml", rss(ON))
    config = write_config(tmp_path, [("Slow", server.url("/slow.xml")), ("Good", server.url("/good.xml"))],
                          extra='[poll]\ntimeout = "1s"\n')
    assert poll(config) == 0
    out = capsys.readouterr().out
    assert "Slow: no complete answer within 1 s" in out
    assert len(items_json(config, capsys=capsys)) == 2


def test_match_false_keeps_every_item_of_a_feed(tmp_path, server, capsys):
    server.set_feed("/story.xml", rss(OFF))
    config = write_config(tmp_path)
    config.write_text(config.read_text() + f'\n[[feeds]]\nname = "Story feed"\nurl = "{server.url("/story.xml")}"\nmatch = false\n')
    poll(config)
    assert len(items_json(config, capsys=capsys)) == 2


@pytest.mark.parametrize("parse_here", [True, False], ids=["parse on a thread", "parse in processes"])
def test_the_pool_stores_what_it_parses_either_way(tmp_path, server, parse_here):
    """`tracker poll` parses on a thread of its own on two cores, in processes on more; the
    writer process stores either way. Both must store the same, whatever this machine has."""
    import asyncio

    from tracker.pool import parse_pool
    from tracker.update import Updater

    feeds = []
    for n in range(4):
        server.set_feed(f"/f{n}.xml", (rss if n % 2 else atom)(
            [FeedItem(f"Hegseth and Anthropic, round {n}.{k}", link=f"http://news.test/{n}/{k}", guid=f"{n}-{k}",
                      published=T0 + timedelta(minutes=k), summary="The Pentagon deadline.") for k in range(5)]))
        feeds.append((f"Feed {n}", server.url(f"/f{n}.xml")))
    config = load(write_config(tmp_path, feeds))
    store = Store.open(tmp_path / "tracker.db")
    store.sync_feeds(config.feeds)
    pool = parse_pool(2, parse_here=parse_here)

    async def run():
        updater = Updater(config, store, pool=pool)
        try:
            return await updater.update_all()
        finally:
            await updater.aclose()
    try:
        results = asyncio.run(run())
    finally:
        pool.shutdown()
    assert [r.error for r in results] == [None] * 4
    assert sum(len(r.new) for r in results) == 20
    titles = {i.title for i in store.items(Filter(story=True))}
    assert titles == {f"Hegseth and Anthropic, round {n}.{k}" for n in range(4) for k in range(5)}


def test_the_tracker_program_polls_and_leaves_the_database_closed(tmp_path, server):
    """`tracker` as its own process (forked writer, objects frozen out of the collector's sight
    for a quick exit): every item stored, and each connection closed at exit, so SQLite has
    folded its log back into the database and removed it."""
    import subprocess
    import sys

    feeds = []
    for n in range(3):
        server.set_feed(f"/f{n}.xml", rss([FeedItem(f"Hegseth and Anthropic, part {n}", link=f"http://news.test/p{n}",
                                                    guid=f"p{n}", published=T0, summary="The Pentagon deadline.")]))
        feeds.append((f"Feed {n}", server.url(f"/f{n}.xml")))
    config = write_config(tmp_path, feeds)
    done = subprocess.run([sys.executable, "-m", "tracker", "--config", str(config), "poll", "-q"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "3 new items (3 on the story)" in done.stdout
    db = load(config).database_path
    assert db.is_file() and not db.with_name(db.name + "-wal").exists() and not db.with_name(db.name + "-shm").exists()


def test_items_all_keeps_its_columns_in_line_with_the_off_marker(tmp_path, server, capsys):
    server.set_feed("/rss.xml", rss(ON + OFF))
    config = write_config(tmp_path, [("Wire", server.url("/rss.xml"))])
    assert poll(config) == 0
    capsys.readouterr()
    assert main(["--config", str(config), "items", "--all"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 4 and sum("(off)" in line for line in lines) == 2
    assert len({line.index("Wire") for line in lines}) == 1  # the outlet column starts at one place
    assert len({line.index(title) for line, title in zip(lines, [OFF[1].title, OFF[0].title,
                                                                  ON[1].title, ON[0].title])}) == 1


def test_poll_counts_the_items_a_feed_changed(tmp_path, server, capsys):
    server.set_feed("/rss.xml", rss(ON))
    config = write_config(tmp_path, [("Wire", server.url("/rss.xml"))])
    assert poll(config) == 0
    changed = [FeedItem(i.title + " (updated)", link=i.link, guid=i.guid, published=i.published,
                        summary=i.summary + " More to come.") for i in ON]
    server.set_feed("/rss.xml", rss(changed + OFF[:1]))
    capsys.readouterr()
    assert poll(config) == 0
    assert "1 new items (0 on the story), 2 updated," in capsys.readouterr().out


def test_a_poll_where_no_feed_answers_points_to_the_demo(tmp_path, server, capsys):
    server.set_response("/missing.xml", 404)
    server.set_response("/broken.xml", 500)
    config = write_config(tmp_path, [("Missing", server.url("/missing.xml")), ("Broken", server.url("/broken.xml"))])
    assert poll(config) == 0
    err = capsys.readouterr().err
    assert "no feed could be reached" in err and "`tracker demo`" in err
    server.set_feed("/missing.xml", rss(ON))
    assert poll(config) == 0  # one answers: no such hint
    assert "tracker demo" not in capsys.readouterr().err
