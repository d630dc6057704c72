"""The light theme's text meets WCAG AA (4.5:1), measured on the colours as Textual resolves
them on the backgrounds they are drawn on."""

from __future__ import annotations

import pytest

from tracker.config import load
from tracker.store import Store
from tracker.tui.app import build_app
from tracker.tui.widgets.styles import component_style

from .conftest import write_config

AA = 4.5


def luminance(rgb) -> float:
    def channel(v: int) -> float:
        v /= 255
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4
    r, g, b = rgb
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a, b) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def rgb(colour) -> tuple[int, int, int]:
    return tuple(colour.get_truecolor())


@pytest.fixture
async def light(tmp_path):
    config = load(write_config(tmp_path))
    store = Store.open(config.database_path)
    app = build_app(config, store, start_polling=False)
    async with app.run_test(size=(160, 48)) as pilot:
        app.theme = "textual-light"
        await pilot.pause()
        await pilot.pause()
        yield app
    store.close()


async def test_list_text_and_the_star_read_on_the_light_theme_also_under_the_cursor(light):
    items = light.items
    backgrounds = {"list": items.rich_style.bgcolor,
                   "cursor": items.get_component_rich_style("item-list--cursor").bgcolor,
                   "cursor, list unfocused": items.get_component_rich_style("item-list--cursor-blurred").bgcolor}
    low = {}
    for name in ("item-list--read", "item-list--time", "item-list--star", "item-list--empty",
                 "item-list--new", "item-list--updated", "item-list--outlet"):
        fg = rgb(component_style(items, name).color)
        for where, bg in backgrounds.items():
            ratio = contrast(fg, rgb(bg))
            if ratio < AA:
                low[f"{name} on {where}"] = round(ratio, 2)
    assert low == {}


async def test_the_status_line_article_and_detail_read_on_the_light_theme(light):
    low = {}
    for widget, names in ((light.status, ("status--dim", "status--ok", "status--warn", "status--bad")),
                          (light.article, ("article--meta", "article--heading")),
                          (light.detail, ("detail--label", "detail--meta"))):
        bg = rgb(widget.rich_style.bgcolor)
        for name in names:
            ratio = contrast(rgb(component_style(widget, name).color), bg)
            if ratio < AA:
                low[name] = round(ratio, 2)
    assert low == {}
