"""Where the time of a large story goes: one default summary per size, in process.

The stories are the wire feeds of the bench (``origins_bench.make_feed``: articles of
20 sentences of Zipf-distributed words, a third of them wire copies of others); each is
summarised once with default options (hybrid) and one encoder, and the summary's own
``timings_ms`` give the stages. A Markdown table on stdout, with the load average, since
these machines are shared::

    .venv/bin/python bench/stages.py 10000 20000 40000 100000

No peer runs here: the ratios against peers are ``make bench``'s; this script says which
stage to work on, and the log-log slope of each between the smallest and largest size.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from origins_bench import make_feed  # noqa: E402

from service.summarize import Article, SummaryOptions, load_encoder, summarize  # noqa: E402

STAGES = ("segment", "lexical", "encode", "rerank", "select")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", type=int, nargs="+", help="sentences (about 20 an article)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    encoder = load_encoder()
    print("| sentences | articles | total s | " + " | ".join(STAGES) + " | load average |")
    print("|--:|--:|--:|" + "--:|" * len(STAGES) + "--:|")
    rows: list[tuple[int, float, dict[str, float]]] = []
    for size in args.sizes:
        texts, _ = make_feed(max(1, size // 20), 20, 1 / 3, args.seed)
        articles = [Article(id=f"w{index}", text=text) for index, text in enumerate(texts)]
        started = time.perf_counter()
        summary = summarize(articles, SummaryOptions(), encoder=encoder)
        total = time.perf_counter() - started
        stages = {stage: summary.timings_ms.get(stage, 0.0) / 1000 for stage in STAGES}
        rows.append((summary.sentence_count, total, stages))
        cells = " | ".join(f"{stages[stage]:.1f}" for stage in STAGES)
        load = "/".join(f"{x:.1f}" for x in os.getloadavg())
        print(
            f"| {summary.sentence_count:,} | {len(articles):,} | {total:.1f} | {cells} | {load} |",
            flush=True,
        )
    if len(rows) > 1 and rows[-1][0] > rows[0][0]:
        (n0, t0, s0), (n1, t1, s1) = rows[0], rows[-1]
        span = math.log(n1 / n0)
        slopes = [f"total {math.log(t1 / t0) / span:.2f}"] + [
            f"{stage} {math.log(s1[stage] / s0[stage]) / span:.2f}"
            for stage in STAGES
            if s0[stage] > 0 and s1[stage] > 0
        ]
        print(f"\nlog-log slope {n0:,} to {n1:,} sentences: " + ", ".join(slopes))
    return 0


if __name__ == "__main__":
    sys.exit(main())
