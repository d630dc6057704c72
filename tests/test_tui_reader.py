"""The reader view: a report's full text in the detail pane, read from its page on demand."""

from __future__ import annotations

from tracker.feedgen import rss
from tracker.timeutil import utcnow

from .test_fulltext import BODY, news_page
from .test_tui import polled, settle, story_items, toasts  # noqa: F401
from .test_tui_clusters import Dash, detail_text


async def _wait_for(pilot, predicate, what: str, rounds: int = 400) -> None:
    """Until predicate() holds (a page read in a worker), a frame at a time."""
    for _ in range(rounds):
        if predicate():
            return
        await settle(pilot)
    raise AssertionError(f"never happened: {what}")


async def test_r_reads_the_page_and_switches_between_full_text_and_summary(tmp_path, server):
    server.set_feed("/page/2.html", news_page(), content_type="text/html")
    server.set_feed("/wire.xml", rss(story_items(3, link=server.url("/page/{k}.html"))))
    d = Dash(tmp_path, [("Wire", server.url("/wire.xml"))])
    app = d.app()
    async with app.run_test(size=(140, 40)) as pilot:
        await polled(pilot)
        await pilot.press("j", "enter")  # the second row: report 2, whose page is served
        await settle(pilot)
        shown = detail_text(app).plain
        assert "Report 2:" in shown and "r: fetch and read the article's page" in shown

        await pilot.press("r")
        await _wait_for(pilot, lambda: BODY[1] in detail_text(app).plain, "the article's text in the detail")
        shown = detail_text(app).plain
        assert "full text from 127.0.0.1" in shown and "Subscribe for" not in shown
        assert "What the letter says" in shown  # its subheading kept
        assert app.store.item_text(app.detail.item_id)["body"].startswith(BODY[0])

        await pilot.press("r")  # the feed's summary again
        await settle(pilot)
        shown = detail_text(app).plain
        assert BODY[1] not in shown and "Report 2:" in shown and "r: read the full text" in shown
        await pilot.press("r")
        await settle(pilot)
        assert BODY[1] in detail_text(app).plain
        assert server.hits("/page/2.html") == 1  # read once, kept


async def test_a_page_that_cannot_be_read_says_why_in_the_detail(tmp_path, server):
    server.set_response("/page/1.html", 404)
    server.set_feed("/wire.xml", rss(story_items(1, link=server.url("/page/{k}.html"))))
    d = Dash(tmp_path, [("Wire", server.url("/wire.xml"))])
    app = d.app()
    async with app.run_test(size=(140, 40)) as pilot:
        await polled(pilot)
        await pilot.press("enter", "r")
        await _wait_for(pilot, lambda: "could not be read" in detail_text(app).plain, "the reason in the detail")
        assert "not found (HTTP 404)" in detail_text(app).plain
        assert "Report 1:" in detail_text(app).plain  # the summary is still there


async def test_a_report_read_in_the_background_opens_in_full_text(tmp_path, server):
    server.set_feed("/wire.xml", rss(story_items(1, link="https://news.test/{k}")))
    d = Dash(tmp_path, [("Wire", server.url("/wire.xml"))])
    app = d.app()
    async with app.run_test(size=(140, 40)) as pilot:
        await polled(pilot)
        item_id = app.items.selected_id
        d.store.save_text(item_id, "https://news.test/1", "\n\n".join(BODY), author="Jane Doe", now=utcnow())
        await pilot.press("enter")
        await settle(pilot)
        shown = detail_text(app).plain
        assert "full text from news.test, by Jane Doe" in shown and BODY[4] in shown
