"""Every file of ../shared/corpus (feedparser's, gofeed's and miniflux's test feeds) through
both parse paths: wherever the expat fast path accepts a file, what tracker stores from it
(each entry's id, link, title, summary, date, author and outlet, the feed's title and the
problem reported) must be what the feedparser path gives, so that a feed moving between the
paths never stores an item twice or changes its text; and no file may raise anything but a
FeedError. The whole corpus is a slow test; a tenth of it runs by default. TRACKER_CORPUS
names the corpus elsewhere (a git worktree's ../shared is not the main checkout's)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from benchmarks import fastpath_share
from tracker import fastfeed, parse
from tracker.errors import FeedError

CORPUS = Path(os.environ.get("TRACKER_CORPUS") or Path(__file__).resolve().parents[1] / ".." / "shared" / "corpus")
URL = "http://example.com/feeds/feed.xml"  # relative links resolve against it on both paths
CONTENT_TYPE = "application/xml"


def _files() -> list[Path]:
    if not CORPUS.is_dir():
        pytest.skip(f"the feed corpus is not at {CORPUS.resolve()} (it is shared beside the checkout; "
                    "TRACKER_CORPUS=DIR names another place)")
    return sorted(p for p in CORPUS.rglob("*") if p.is_file() and p.suffix in (".xml", ".json"))


def _outcome(fn):
    try:
        return fn()
    except FeedError as e:
        return ("error", str(e))


def _feedparser_only(body: bytes):
    body, found = parse.cap_entries(parse.defuse(body))
    return parse._parse_with_feedparser(body, CONTENT_TYPE, URL, found)


def _fast_path_takes(body: bytes) -> bool:
    try:
        fastfeed.read(parse.cap_entries(parse.defuse(body))[0], CONTENT_TYPE, URL)
    except (fastfeed.NotSimple, FeedError):
        return False
    return True


def _differences(got, want) -> list[str]:
    if isinstance(got, tuple) or isinstance(want, tuple) or len(got.entries) != len(want.entries):
        return [f"{got!r:.200} != {want!r:.200}"]
    out = [f"feed {name}: {getattr(got, name)!r:.100} != {getattr(want, name)!r:.100}"
           for name in ("title", "problem") if getattr(got, name) != getattr(want, name)]
    for n, (a, b) in enumerate(zip(got.entries, want.entries)):
        out += [f"entry {n} {name}: {getattr(a, name)!r:.100} != {getattr(b, name)!r:.100}"
                for name in a.__dataclass_fields__ if getattr(a, name) != getattr(b, name)]
    return out


def _check(files: list[Path]) -> int:
    """-> how many files the fast path took; fails listing every disagreement."""
    taken, disagreements = 0, []
    for path in files:
        body = path.read_bytes()
        got = _outcome(lambda: parse.parse(body, CONTENT_TYPE, URL))  # anything else raised fails the test
        if not body.strip() or not _fast_path_takes(body):
            continue
        taken += 1
        differences = _differences(got, _outcome(lambda: _feedparser_only(body)))
        if differences:
            disagreements.append(f"{path.relative_to(CORPUS)}: " + "; ".join(differences[:3]))
    assert not disagreements, f"{len(disagreements)} files read differently:\n" + "\n".join(disagreements)
    return taken


def test_a_sample_of_the_corpus_reads_the_same_on_both_paths():
    files = _files()[::10]
    # Guard against the fast path quietly switching itself off (it takes ~36% of the files).
    assert _check(files) > len(files) // 4


@pytest.mark.slow
def test_the_whole_corpus_reads_the_same_on_both_paths():
    files = _files()
    # 1159 of the 3209 files before the fast path read xml:base, RSS 1.0, Atom 0.3, dc:,
    # itunes:, media: and inline XHTML (36%); 2087 after (65%); 2118 with other encodings (66%)
    assert _check(files) > len(files) * 60 // 100


@pytest.mark.slow
def test_nine_in_ten_well_formed_real_feeds_take_the_fast_path():
    """Of the corpus's feeds that feedparser calls well-formed and that are not its unit tests
    (benchmarks/fastpath_share.py lists why the others go to feedparser): 499 of 545 (91.6%)
    before MediaRSS type="plain", unknown elements' children and other encodings; 502 after."""
    _files()
    files = fastpath_share.real_corpus_files(CORPUS)
    taken = sum(fastpath_share.left_to_feedparser(p.read_bytes()) is None for p in files)
    assert len(files) > 500 and taken >= len(files) * 90 // 100
