"""Score the article extractor against the saved pages whose bodies were marked by hand.

    python benchmarks/fulltext_eval.py              # per page and overall
    python benchmarks/fulltext_eval.py --runs 1     # scores only, one timing run
    python benchmarks/fulltext_eval.py --check      # also exit 1 when overall F1 < 0.90

The pages are tests/data/pages/NN-shape.html, each with NN-shape.txt: the article as a reader
would call it (headline, byline line if the page shows one, paragraphs, subheadings and list
items), written by hand (tests/data/pages/build_pages.py wraps the texts in the sites' chrome).

What is scored is what tracker keeps of a page: `Article.as_file()` (headline, "By author",
body). Scores are word-level over bags of words with counts: both texts are lowercased, split
into runs of letters and digits (\\w+, so punctuation is stripped and "Pentagon's" is
"pentagon" + "s"), and counted; a word kept k times that the marked body has m times counts
min(k, m) as right. precision = right / words kept, recall = right / words marked. Overall
"micro" pools the words of all pages, "macro" averages the pages' figures. A page extract()
refuses (PageError) keeps nothing: precision 1, recall 0.

Time: extract() on the page's bytes, median of --runs runs each (after one warm-up run for the
import), wall and CPU (the process's: on a busy machine the wall time grows with the load, the
CPU time much less), and the medians over the pages of 80-150 KB, a typical news page's size.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tracker.fulltext import PageError, extract  # noqa: E402

PAGES = ROOT / "tests" / "data" / "pages"
THRESHOLD = 0.90
_WORD = re.compile(r"\w+")


def words(text: str) -> Counter:
    return Counter(_WORD.findall(text.lower()))


@dataclass
class Score:
    name: str
    kb: float
    right: int
    kept: int
    marked: int
    ms: float = 0.0
    cpu_ms: float = 0.0
    error: str = ""

    @property
    def precision(self) -> float:
        return self.right / self.kept if self.kept else 1.0

    @property
    def recall(self) -> float:
        return self.right / self.marked if self.marked else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def pages(directory: Path = PAGES) -> list[tuple[str, bytes, str, str]]:
    """(name, page bytes, its address, the marked body) for each saved page, in order."""
    out = []
    for page in sorted(directory.glob("*.html")):
        body = page.read_bytes()
        m = re.search(rb'<link rel="canonical" href="([^"]+)"', body)
        url = m.group(1).decode() if m else f"https://example.com/{page.stem}"
        out.append((page.stem, body, url, page.with_suffix(".txt").read_text(encoding="utf-8")))
    return out


def kept_text(body: bytes, url: str) -> tuple[str, str]:
    """What tracker keeps of the page, and the refusal if it keeps nothing."""
    try:
        return extract(body, url, "text/html; charset=utf-8").as_file(), ""
    except PageError as e:
        return "", str(e)


def score(name: str, body: bytes, url: str, marked: str) -> Score:
    kept, error = kept_text(body, url)
    k, m = words(kept), words(marked)
    return Score(name, len(body) / 1024, sum((k & m).values()), sum(k.values()), sum(m.values()), error=error)


def timed(body: bytes, url: str, runs: int) -> tuple[float, float]:
    """Median wall and CPU milliseconds of extracting the page."""
    wall, cpu = [], []
    for _ in range(runs):
        t, c = time.perf_counter(), time.process_time()
        kept_text(body, url)
        wall.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    return statistics.median(wall) * 1000, statistics.median(cpu) * 1000


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=5, help="timed runs per page (median)")
    ap.add_argument("--check", action="store_true", help=f"exit 1 when overall micro F1 < {THRESHOLD}")
    ap.add_argument("--show", metavar="NAME", help="print what is kept of the page(s) whose name contains NAME")
    args = ap.parse_args(argv)

    todo = pages()
    if not todo:
        print(f"no pages in {PAGES}", file=sys.stderr)
        return 2
    kept_text(todo[0][1], todo[0][2])  # warm-up: the import of trafilatura and lxml is not the page's
    scores = []
    for name, body, url, marked in todo:
        s = score(name, body, url, marked)
        s.ms, s.cpu_ms = timed(body, url, args.runs)
        scores.append(s)
        if args.show and args.show in name:
            print(f"--- {name}\n{kept_text(body, url)[0] or s.error}\n---")

    print(f"{'page':24} {'KB':>6} {'words':>6} {'kept':>6} {'P':>6} {'R':>6} {'F1':>6} {'ms':>7} {'cpu ms':>7}")
    for s in scores:
        print(f"{s.name:24} {s.kb:6.1f} {s.marked:6} {s.kept:6} {s.precision:6.3f} {s.recall:6.3f} {s.f1:6.3f} "
              f"{s.ms:7.1f} {s.cpu_ms:7.1f}"
              + (f"  refused: {s.error[:60]}" if s.error else ""))
    micro = Score("micro", 0, sum(s.right for s in scores), sum(s.kept for s in scores), sum(s.marked for s in scores))
    macro = [statistics.mean(getattr(s, f) for s in scores) for f in ("precision", "recall", "f1")]
    print(f"\noverall micro ({len(scores)} pages): P {micro.precision:.3f}  R {micro.recall:.3f}  F1 {micro.f1:.3f}")
    print(f"overall macro: P {macro[0]:.3f}  R {macro[1]:.3f}  F1 {macro[2]:.3f}   worst page F1 "
          f"{min(s.f1 for s in scores):.3f} ({min(scores, key=lambda s: s.f1).name})")
    typical = [s for s in scores if 80 <= s.kb <= 150]
    for what, key in (("wall", "ms"), ("cpu", "cpu_ms")):
        all_ms, ms = [getattr(s, key) for s in scores], [getattr(s, key) for s in typical]
        print(f"extraction {what}: median {statistics.median(all_ms):.1f} ms over all pages; median "
              f"{statistics.median(ms):.1f} ms (min {min(ms):.1f}, max {max(ms):.1f}) over the {len(ms)} pages "
              f"of 80-150 KB; {args.runs} run(s) each")
    return 1 if args.check and micro.f1 < THRESHOLD else 0


if __name__ == "__main__":
    sys.exit(main())
