"""The store's contract: what its read methods hand out are frozen rows (tracker.rows), the
same type wherever they are read, which no reader can change under another."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta, timezone

import pytest

from tracker import rows
from tracker.match import Match
from tracker.model import Entry, FeedConfig
from tracker.store import Store

T0 = datetime(2026, 2, 27, 22, 0, tzinfo=timezone.utc)
WIRE = FeedConfig("Wire", "http://127.0.0.1/wire.xml", 600)
ON = Match(True, ("Anthropic", "Pentagon"))


@pytest.fixture
def store(tmp_path):
    s = Store.open(tmp_path / "t.db")
    s.sync_feeds([WIRE])
    entries = [(Entry(entry_id=f"e{n}", title=f"Pentagon designates Anthropic a supply chain risk ({n})",
                      link=f"https://outlet{n}.test/a", published=f"2026-02-27T22:0{n}:00Z",
                      summary="Hegseth said the designation bars contractors from Claude.", outlet=f"Outlet {n}"), ON)
               for n in range(3)]
    s.store_fetch(WIRE, entries, status=200, etag=None, last_modified=None, next_poll=T0 + timedelta(minutes=10),
                  now=T0 + timedelta(hours=1))
    yield s
    s.close()


def frozen(row, kind: type) -> None:
    assert type(row) is kind, type(row)
    name = dataclasses.fields(row)[0].name
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(row, name, getattr(row, name))


def test_feed_states_are_frozen_with_their_health(store):
    for read in (store.feeds, store.feed_states, lambda: [store.feed("Wire")],
                 lambda: store.configured_feeds([WIRE, FeedConfig("New", "http://127.0.0.1/new.xml", 600)])):
        for feed in read():
            frozen(feed, rows.FeedState)
    assert [(f.name, f.health) for f in store.configured_feeds(
        [WIRE, FeedConfig("New", "http://127.0.0.1/new.xml", 600)])] == [("Wire", "ok"), ("New", "not polled yet")]
    assert dataclasses.replace(store.feed("Wire"), failures=2).health == "failing"


def test_developments_are_frozen(store):
    devs = store.developments()
    assert devs and sum(d.reports for d in devs) == 3
    for dev in devs:
        frozen(dev, rows.Development)
        assert store.development_rows([dev.id]) == {dev.id: dev}


def test_items_and_reports_are_frozen(store):
    from tracker.store import Filter

    ids = store.item_ids(Filter(story=None))
    assert len(ids) == 3
    for read in (lambda: store.items(Filter(story=None)), lambda: store.items(Filter(story=None), limit=2),
                 lambda: store.rows(ids).values(), lambda: [store.item(ids[0])],
                 lambda: store.cluster_members(store.item(ids[0]).cluster)):
        for item in read():
            frozen(item, rows.Item)
            assert item.feeds == ("Wire",) and isinstance(item.matched, tuple)
    for dev in store.developments():
        for item in store.development_items(dev.id):
            frozen(item, rows.Item)
    for report in store.cluster_rows(store.item_ids(Filter(clusters=True))).values():
        frozen(report, rows.Report)
    for arrival in store.with_developments(store.rows(ids).values()):
        frozen(arrival, rows.Arrival)
        assert arrival.development is not None and arrival.outlets >= 1


def test_the_dashboards_filter_is_frozen_and_replaced():
    from tracker.store import Filter

    f = Filter(story=True, clusters=True)
    for name in ("story", "unread", "starred", "query", "clusters"):
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(f, name, getattr(f, name))
    assert dataclasses.replace(f, query="pentagon") == Filter(story=True, clusters=True, query="pentagon")
    assert f.query == "" and hash(f) == hash(Filter(story=True, clusters=True))


def test_item_fields_follow_the_columns_rows_are_made_from():
    """Store builds Items positionally from ITEM_COLUMNS: a column added to one and not the
    other, or in another place, would shift every field after it."""
    from tracker.store import ITEM_COLUMNS

    columns = [c.strip() for c in ITEM_COLUMNS.split(",")]
    assert [f.name for f in dataclasses.fields(rows.Item)][:len(columns)] == columns
