"""Check the scorer against published ROUGE-1.5.5 numbers for the SumRepo peers.

Run ``python -m service.evaluation.calibrate DATA.jsonl PEERS.jsonl`` (DUC 2004 task 2,
100 words). :data:`PUBLISHED` holds the ROUGE-1.5.5 recall (x100) of the 13 SumRepo
systems on exactly these summaries (``ROUGE-1.5.5.pl -n 4 -m -a -x -l 100 -c 95 -r 1000
-f A -p 0.5 -t 0``), as given in the eval data README.

Measured with the default scorer (rouge-score tokens, counts pooled over the 4 references,
peer and references cut to 100 words), ours minus published::

    system        R-1     R-2     R-4
    Lead         -0.46   -0.03   +0.00
    LexRank      -0.49   -0.06   -0.02
    Centroid     -0.36   -0.09   -0.00
    FreqSum      -0.36   -0.05   -0.01
    TsSum        -0.32   -0.06   -0.00
    GreedyKL     -0.37   -0.05   -0.01
    CLASSY04     -0.44   -0.09   -0.03
    CLASSY11     -0.44   -0.05   -0.01
    Submodular   -0.40   -0.08   -0.01
    DPP          -0.39   -0.05   -0.01
    OCCAMS_V     -0.50   -0.07   -0.02
    RegSum       -0.37   -0.07   -0.02
    ICSISumm     -0.36   -0.05   -0.02
    mean         -0.40   -0.06   -0.01

Averaging per-reference recalls (``--aggregation mean``) instead of pooling counts changes
no system by more than 0.01 here, because truncated references all have about 100 words;
pooling is kept because it is what ROUGE-1.5.5's ``computeNGramScore`` does for ``-f A``.
The README's hyphen tokens (``--tokenizer hyphen``) give R-1 -0.23 on average (worst
-0.44) and R-2 -0.06 (worst -0.12, CLASSY04 and Submodular).

ROUGE-2 is within 0.09 for every system and ranks the 13 systems exactly as published;
ROUGE-1 reads about 0.4 low across the board (see :mod:`service.evaluation.rouge`).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from statistics import fmean

from service.evaluation.data import Cluster, load_clusters, load_peers
from service.evaluation.rouge import Aggregation, RougeRecall, TokenizerKind, aggregate

PUBLISHED: dict[str, dict[str, float]] = {
    "Lead": {"rouge1": 31.46, "rouge2": 6.13, "rouge4": 0.62},
    "LexRank": {"rouge1": 36.00, "rouge2": 7.51, "rouge4": 0.83},
    "Centroid": {"rouge1": 36.42, "rouge2": 7.98, "rouge4": 1.20},
    "FreqSum": {"rouge1": 35.31, "rouge2": 8.12, "rouge4": 1.00},
    "TsSum": {"rouge1": 35.93, "rouge2": 8.16, "rouge4": 1.03},
    "GreedyKL": {"rouge1": 38.03, "rouge2": 8.56, "rouge4": 1.27},
    "CLASSY04": {"rouge1": 37.71, "rouge2": 9.02, "rouge4": 1.53},
    "CLASSY11": {"rouge1": 37.21, "rouge2": 9.21, "rouge4": 1.48},
    "Submodular": {"rouge1": 39.23, "rouge2": 9.37, "rouge4": 1.39},
    "DPP": {"rouge1": 39.84, "rouge2": 9.62, "rouge4": 1.57},
    "OCCAMS_V": {"rouge1": 38.50, "rouge2": 9.75, "rouge4": 1.33},
    "RegSum": {"rouge1": 38.60, "rouge2": 9.78, "rouge4": 1.62},
    "ICSISumm": {"rouge1": 38.44, "rouge2": 9.81, "rouge4": 1.74},
}
"""ROUGE-1.5.5 recall x100 on DUC 2004 task 2 at 100 words (SumRepo, Hong et al. 2014)."""

PUBLISHED_SETTING = {"words": 100, "truncate_refs": True, "jackknife": False}
"""The only setting in which :data:`PUBLISHED` can be compared with our numbers."""

_TYPES = ("rouge1", "rouge2", "rouge4")


@dataclass(frozen=True, slots=True)
class Gap:
    """Our recall and the published one for one system, both x100."""

    system: str
    ours: Mapping[str, float]
    published: Mapping[str, float]

    def delta(self, rouge_type: str) -> float:
        """Ours minus published."""
        return self.ours[rouge_type] - self.published[rouge_type]


def measure_gaps(
    clusters: Sequence[Cluster],
    peers: Mapping[str, Mapping[str, str]],
    *,
    tokenizer: TokenizerKind = "rouge-score",
    method: Aggregation = "pooled",
) -> list[Gap]:
    """Score every published system's summaries and pair them with the published numbers.

    Args:
        clusters: DUC 2004 task 2 clusters (their references are used).
        peers: ``{cluster id: {system: summary}}`` from the SumRepo peers file.
        tokenizer: Which tokens to count; see :class:`RougeRecall`.
        method: ``"pooled"`` or ``"mean"``; see :func:`aggregate`.

    Returns:
        One :class:`Gap` per system of :data:`PUBLISHED` found in ``peers``.

    Raises:
        ValueError: If a cluster has no summary for a published system.
    """
    scorer = RougeRecall(words=100, truncate_refs=True, rouge_types=_TYPES, tokenizer=tokenizer)
    gaps = []
    for system, published in PUBLISHED.items():
        if not any(system in summaries for summaries in peers.values()):
            continue
        per_type: dict[str, list[float]] = {rouge_type: [] for rouge_type in _TYPES}
        for cluster in clusters:
            summary = peers.get(cluster.id, {}).get(system)
            if summary is None:
                raise ValueError(f"no {system} summary for cluster {cluster.id}")
            for rouge_type, overlaps in scorer.overlaps(summary, cluster.references).items():
                per_type[rouge_type].append(100 * aggregate(overlaps, method))
        ours = {rouge_type: fmean(values) for rouge_type, values in per_type.items()}
        gaps.append(Gap(system, ours, published))
    return gaps


def format_gaps(gaps: Sequence[Gap]) -> str:
    """A plain-text table: ours, published and the difference for R-1, R-2 and R-4."""
    header = f"{'system':12}" + "".join(
        f"  {name:>6} {'pub':>6} {'diff':>6}" for name in ("R-1", "R-2", "R-4")
    )
    lines = [header]
    for gap in gaps:
        lines.append(
            f"{gap.system:12}"
            + "".join(
                f"  {gap.ours[t]:6.2f} {gap.published[t]:6.2f} {gap.delta(t):+6.2f}" for t in _TYPES
            )
        )
    if gaps:
        lines.append(
            f"{'mean |max|':12}"
            + "".join(
                f"  {'':6} {fmean(g.delta(t) for g in gaps):+6.2f} "
                f"{max(abs(g.delta(t)) for g in gaps):6.2f}"
                for t in _TYPES
            )
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: print the calibration table."""
    parser = argparse.ArgumentParser(prog="python -m service.evaluation.calibrate")
    parser.add_argument("data", help="duc2004_task2.jsonl")
    parser.add_argument("peers", help="duc2004_task2_sumrepo_peers.jsonl")
    parser.add_argument("--tokenizer", choices=("rouge-score", "hyphen"), default="rouge-score")
    parser.add_argument("--aggregation", choices=("pooled", "mean"), default="pooled")
    args = parser.parse_args(argv)
    gaps = measure_gaps(
        load_clusters(args.data),
        load_peers(args.peers),
        tokenizer=args.tokenizer,
        method=args.aggregation,
    )
    print(format_gaps(gaps))
    return 0


if __name__ == "__main__":
    sys.exit(main())
