"""The dashboard asks the OS to read the database ahead, so the first search is not slowed
by a cold page cache (~240 ms instead of ~40 ms at 100,000 items)."""

import os

from tracker import store as store_module
from tracker.store import Store


def test_prefetch_asks_for_the_whole_file_up_to_the_cap(tmp_path, monkeypatch):
    path = tmp_path / "tracker.db"
    with open(path, "wb") as f:
        f.truncate(20 << 20)  # 20 MB: more than the 8 MB one request reads
    asked: list[tuple[int, int]] = []
    monkeypatch.setattr(os, "posix_fadvise", lambda fd, offset, length, advice: asked.append((offset, length)))

    Store(path).prefetch()
    assert asked[0][0] == 0 and all(b[0] == a[0] + a[1] for a, b in zip(asked, asked[1:]))
    assert asked[-1][0] + asked[-1][1] >= 20 << 20

    asked.clear()
    monkeypatch.setattr(store_module, "PREFETCH_MAX", 10 << 20)
    Store(path).prefetch()
    assert asked[-1][0] < 10 << 20 <= asked[-1][0] + asked[-1][1]  # a larger file: only its start


def test_prefetch_of_a_missing_file_is_no_error(tmp_path):
    Store(tmp_path / "absent.db").prefetch()
