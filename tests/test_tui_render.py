"""Feed text on screen: never markup, never escape sequences, always cut to the width."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

from rich.text import Text

from tracker.feedgen import FeedItem
from tracker.model import Deadline
from tracker.rows import Item
from tracker.tui import render

from .test_tui import DEADLINE, Env, polled, screen_lines, settle, toasts

HOSTILE = [
    "[bold]x[/] Anthropic Pentagon",
    "[@click=app.quit]q[/] Anthropic Pentagon",
    "[link=file:///etc/passwd]x[/] Anthropic Pentagon",
    "Array[0] Anthropic Pentagon",
    "Anthropic Pentagon " + "very long title " * 300,
]


def feed_items() -> list[FeedItem]:
    t0 = datetime(2026, 2, 24, 12, 0, tzinfo=timezone.utc)
    return [FeedItem(title, link=f"https://news.test/h{k}", guid=f"h{k}", published=t0 + timedelta(minutes=k),
                     summary="[red]summary[/red] Hegseth")
            for k, title in enumerate(HOSTILE)]


def links_in(strip) -> list:
    return [seg.style.link for seg in strip if seg.style and seg.style.link]


async def test_markup_in_titles_is_shown_literally_and_never_acted_on(tmp_path, server):
    env = Env(tmp_path, server, feed_items(), extra=DEADLINE)
    app = env.app()
    async with app.run_test(size=(160, 40)) as pilot:
        await polled(pilot)
        lines = screen_lines(app)
        assert lines[0].endswith(" very long tit…")  # cut, not wrapped
        assert "Array[0] Anthropic Pentagon" in lines[1]
        assert "[link=file:///etc/passwd]x[/] Anthropic Pentagon" in lines[2]
        assert "[@click=app.quit]q[/] Anthropic Pentagon" in lines[3]
        assert "[bold]x[/] Anthropic Pentagon" in lines[4]
        width = app.items.scrollable_content_region.width
        assert all(len(line) == width for line in lines[:5])
        for y in range(5):
            assert links_in(app.items.render_line(y)) == []
        assert "[bold]x[/]" in toasts(app)[-1] or "Array[0]" in toasts(app)[-1]  # the toast quotes them as text

        # Clicking and opening the [@click=app.quit] item runs no action.
        await pilot.click("#items", offset=(20, 4))
        await pilot.click("#items", offset=(20, 4))
        await settle(pilot)
        assert app.is_running
        detail = app.detail.body.render()
        assert detail.plain.startswith("[@click=app.quit]q[/] Anthropic Pentagon")
        assert "[red]summary[/red] Hegseth" in detail.plain
        assert not any(span.style and getattr(span.style, "link", None) for span in detail.spans)


async def test_escape_sequences_and_bidi_overrides_never_reach_the_screen(tmp_path, server):
    env = Env(tmp_path, server, feed_items()[:1], extra=DEADLINE)
    app = env.app()
    async with app.run_test(size=(120, 40)) as pilot:
        await polled(pilot)
        # Written behind tracker's parser (which strips them), as another program might.
        env.store.execute("UPDATE items SET title = ?, outlet = ?, summary = ?",
                          ("\x1b[31mred\x1b[0m \x1b]52;c;ZXZpbA==\x07Anthropic \u202eevil\u202c \x9b2J",
                           "Out\x1b[5mlet", "line1\nline2\x07"))
        app.items.invalidate()
        await pilot.press("enter")
        await settle(pilot)
        drawn = screen_lines(app)[0] + app.detail.body.render().plain
        for bad in ("\x1b", "\x07", "\x9b", "\u202e", "\u202c", "ZXZpbA"):
            assert bad not in drawn
        assert "red Anthropic evil" in drawn and "Outlet" in drawn and "line1 line2" in drawn


def test_render_builds_text_not_markup():
    row = Item(id=1, title="[b]Array[0][/b]", outlet="[i]O[/i]", published="2026-02-24T12:00:00Z",
               read=0, starred=1, feeds=("F",), link=None, summary="", matched=())
    text = render.item_row(row, now=datetime(2026, 2, 24, 13, 0, tzinfo=timezone.utc), width=60)
    assert isinstance(text, Text)
    assert "[b]Array[0][/b]" in text.plain and "[i]O[/i]" in text.plain
    assert text.plain[1] == "★" and text.cell_len <= 60
    assert render.cut("日本語のタイトル" * 10, 21).cell_len <= 21  # wide characters count double


def test_the_seed_articles_subheadings_are_found():
    lines, note = render.read_article(Path(__file__).parents[1] / "data" / "article.txt")
    assert note == ""
    assert [line for line in lines if render.is_subheading(line)] == [
        "Wider AI race within defence networks",
        "Venezuela raid concerns intensified dispute",
        "Legal consequences predicted if government acts",
    ]


def test_countdown_levels_and_texts():
    d = Deadline("Vote", datetime(2026, 3, 1, 17, 0, tzinfo=timezone.utc), "Europe/London")
    at = d.at
    assert render.countdown([d], at - timedelta(days=3, seconds=1), 200)[1] == "calm"
    assert render.countdown([d], at - timedelta(hours=23), 200)[1] == "warning"
    text, level = render.countdown([d], at - timedelta(minutes=59, seconds=59), 200)
    assert level == "alarm" and text.plain == "00h 59m 59s to Sun 01 Mar 2026 17:00 GMT · Vote"
    text, level = render.countdown([d], at + timedelta(days=2), 200)
    assert level == "passed" and text.plain == "passed 2 days ago (Sun 01 Mar 2026 17:00 GMT) · Vote"
    assert render.countdown([], at, 200)[1] == "none"
    # Narrow: the label is dropped or cut before the countdown itself.
    assert render.countdown([d], at - timedelta(hours=1, seconds=5), 30)[0].plain.startswith("01h 00m 05s")
