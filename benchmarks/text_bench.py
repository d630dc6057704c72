"""Time html_to_text on a poll's worth of summaries: 5,000 synthetic ~1.5 KB HTML fragments.

Run: python benchmarks/text_bench.py   (prints the median of 5 runs)
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tracker.text import html_to_text  # noqa: E402

ITEMS, RUNS, LIMIT = 5_000, 5, 500
WORDS = ("the minister said talks would resume on Tuesday after officials in Zürich and "
         "Kyiv confirmed a ceasefire proposal — “we are cautiously optimistic” according to "
         "sources familiar with the matter").split()


def summary(rng: random.Random) -> str:
    parts = []
    while sum(map(len, parts)) < 1_500:
        words = " ".join(rng.choices(WORDS, k=rng.randint(12, 30)))
        kind = rng.random()
        if kind < 0.6:
            parts.append(f"<p>{words} &amp; more&#8230;</p>")
        elif kind < 0.8:
            parts.append(f'<p><a href="https://example.com/{rng.randint(0, 10**6)}?utm_source=rss">'
                         f"{words}</a> <b>update</b><br/></p>")
        elif kind < 0.9:
            parts.append(f'<div class="x"><img src="https://example.com/i.jpg" alt="photo"> {words}</div>')
        else:
            parts.append(f"<script>track({rng.random()})</script><ul><li>{words}</li></ul>")
    return "".join(parts)


def main() -> None:
    rng = random.Random(1)
    docs = [summary(rng) for _ in range(ITEMS)]
    avg = sum(map(len, docs)) / len(docs)
    timings = []
    for _ in range(RUNS):
        start = time.perf_counter()
        for doc in docs:
            html_to_text(doc, LIMIT)
        timings.append(time.perf_counter() - start)
    median = statistics.median(timings)
    print(f"html_to_text: {ITEMS} items of ~{avg:,.0f} chars, median of {RUNS} runs: "
          f"{median * 1000:.0f} ms = {ITEMS / median:,.0f} items/s")


if __name__ == "__main__":
    main()
