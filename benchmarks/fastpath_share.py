"""What share of real feeds tracker's expat fast path (tracker/fastfeed.py) takes, and why it
leaves the rest to feedparser: of realshapes.py's feeds, and of the well-formed feeds of
../shared/corpus that are not feedparser's unit tests.

    python benchmarks/fastpath_share.py [--corpus DIR] [-v]

Well-formed is feedparser's word for it: no bozo flag (XML, and the encoding it says). A
feedparser unit test is a file with an "Expect:" header comment: one element at a time,
mostly the odd cases (base64 titles, UTF-32, every date format); the rest are feeds from
gofeed's and miniflux's suites and feedparser's larger ones.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CORPUS = Path(os.environ.get("TRACKER_CORPUS") or ROOT / ".." / "shared" / "corpus")
CONTENT_TYPE = "application/xml"
URL = "http://example.com/feeds/feed.xml"


def real_corpus_files(corpus: Path) -> list[Path]:
    """The corpus's well-formed XML feeds that are not feedparser unit tests."""
    import feedparser

    from tracker import parse
    from tracker.errors import FeedError

    out = []
    for path in sorted(p for p in corpus.rglob("*.xml") if p.is_file()):
        body = path.read_bytes()
        if b"Expect:" in body[:2000] or not body.strip():
            continue
        try:
            body = parse.cap_entries(parse.defuse(body))[0]
        except FeedError:
            continue
        d = feedparser.parse(io.BytesIO(body), response_headers={"content-type": CONTENT_TYPE})
        if not d.bozo and d.version:
            out.append(path)
    return out


def left_to_feedparser(body: bytes, content_type: str = CONTENT_TYPE, url: str = URL) -> str | None:
    """None when the fast path takes the document, else why not."""
    from tracker import fastfeed, parse

    try:
        fastfeed.read(parse.cap_entries(parse.defuse(body))[0], content_type, url)
    except fastfeed.NotSimple as e:
        return str(e)
    return None


def main() -> None:
    import realshapes

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("-v", action="store_true", help="name every file left to feedparser")
    args = ap.parse_args()

    feeds = realshapes.build()
    taken, left = realshapes.fast_path(feeds.docs, feeds.tracker)
    print(f"realshapes.py: {len(taken)} of {len(taken) + len(left)} XML feeds take the fast path "
          f"({len(taken) / (len(taken) + len(left)):.1%})")
    for reason in left:
        print(f"  {reason}")
    if not args.corpus.is_dir():
        print(f"corpus: not at {args.corpus.resolve()} (--corpus DIR or TRACKER_CORPUS)")
        return
    files = real_corpus_files(args.corpus)
    reasons = {p: left_to_feedparser(p.read_bytes()) for p in files}
    n = sum(r is None for r in reasons.values())
    print(f"corpus: {n} of {len(files)} well-formed feeds that are not feedparser unit tests take the fast path "
          f"({n / len(files):.1%})")
    why = Counter(r.split(":")[0] for r in reasons.values() if r)
    for reason, count in why.most_common():
        print(f"  {count:3} {reason}")
    if args.v:
        for path, reason in reasons.items():
            if reason:
                print(f"  {path.relative_to(args.corpus)}: {reason}")


if __name__ == "__main__":
    main()
