"""Choose ranking parameters by k-fold cross-validation over the clusters of a benchmark.

Usage::

    python -m service.evaluation.crossval DATA.jsonl --grid 'stage.name=v1,v2;stage.other=w1'
        [--similarity lexical] [--words 100] [--folds 5] [--json OUT.json]

Every point of the grid (the Cartesian product of the listed values; each ``name`` a
field of a stage of :class:`service.summarize.RankingParams` by its dotted name, such as
``selection.unigram_weight`` or ``graph.top_k``, applied with ``RankingParams.updated``)
summarises every cluster once, scored by the harness's scorer (ROUGE recall x100, the
summary cut to ``--words`` words). The defaults are always a point of the grid.

Folds are fixed: the cluster ids sorted, cluster ``i`` (0-based) in fold ``i % k``. For
each fold, a point is chosen on the other folds by the criterion: **the best training
R-1 among the points whose training R-2 is at least the defaults' training R-2** (the
defaults always qualify; ties go to the earlier point, the defaults first). The chosen
point is scored on the held-out fold; the held-out mean over the clusters of all folds
is the estimate of what choosing by this grid is worth, to set beside the in-sample mean
of the point that is best on all clusters (which is optimistic).

Printed: one row per point with its in-sample R-1/R-2 (all clusters) and difference
from the defaults, the folds whose held-out R-1 / R-2 it beats the defaults on, and how
many folds chose it; then the point chosen per fold and the held-out means.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from statistics import fmean
from typing import Any

from service.evaluation.data import Cluster, load_clusters
from service.evaluation.harness import LocalSummarizer, System, evaluate
from service.evaluation.rouge import RougeRecall
from service.summarize import RankingParams, field_types

Point = dict[str, Any]
"""Overrides of the default ranking parameters; ``{}`` is the defaults."""
Scores = Mapping[str, Mapping[str, float]]
"""``{cluster id: {"rouge1": recall, "rouge2": recall, ...}}``."""


def _coerce(name: str, value: str) -> Any:
    types = field_types()
    if name not in types:
        raise ValueError(f"RankingParams has no field {name!r} (names are stage.field)")
    kind = types[name]
    if kind == "int":
        return int(value)
    if kind == "float":
        return float(value)
    if kind == "int | None":
        return None if value == "None" else int(value)
    if kind == "bool":
        if value not in {"True", "False"}:
            raise ValueError(f"{name}: expected True or False, got {value!r}")
        return value == "True"
    return value


def parse_grid(text: str) -> list[Point]:
    """Points of ``'a=1,2;b=x'``: the product of the values, the defaults first.

    Raises:
        ValueError: On an unknown field, a value of the wrong type or a malformed item.
    """
    axes: list[list[tuple[str, Any]]] = []
    for item in filter(None, (part.strip() for part in text.split(";"))):
        name, sep, values = item.partition("=")
        if not sep or not values.strip():
            raise ValueError(f"grid item {item!r}: expected name=v1,v2")
        name = name.strip()
        axes.append([(name, _coerce(name, v.strip())) for v in values.split(",") if v.strip()])
    points: list[Point] = [{}]
    for combination in itertools.product(*axes):
        point = dict(combination)
        if point and point not in points:
            points.append(point)
    return points


def assign_folds(ids: Sequence[str], k: int) -> dict[str, int]:
    """Fold of each cluster: ids sorted, round robin."""
    if k < 2 or k > len(ids):
        raise ValueError(f"folds must be between 2 and the number of clusters, got {k}")
    return {cluster_id: i % k for i, cluster_id in enumerate(sorted(ids))}


def label(point: Point) -> str:
    """A short name of a point."""
    return ",".join(f"{k}={v}" for k, v in point.items()) or "(defaults)"


def _mean(scores: Scores, ids: Sequence[str], key: str) -> float:
    return fmean(scores[i][key] for i in ids)


def choose(results: Sequence[Scores], train: Sequence[str]) -> int:
    """Index of the point chosen on ``train``: best R-1 with R-2 >= the defaults' (index 0)."""
    floor = _mean(results[0], train, "rouge2")
    best = 0
    for index, scores in enumerate(results):
        if _mean(scores, train, "rouge2") < floor:
            continue
        if _mean(scores, train, "rouge1") > _mean(results[best], train, "rouge1"):
            best = index
    return best


@dataclass(frozen=True, slots=True)
class CrossValidation:
    """What cross-validation found.

    Attributes:
        chosen: Index of the point chosen for each fold (trained on the other folds).
        held_out: Mean recall over all clusters, each scored by the point its fold chose.
        defaults: Mean recall of the defaults over all clusters.
        in_sample: Index of the point :func:`choose` picks on all clusters.
    """

    chosen: list[int]
    held_out: dict[str, float]
    defaults: dict[str, float]
    in_sample: int


def cross_validate(
    results: Sequence[Scores], folds: Mapping[str, int], keys: Sequence[str] = ("rouge1", "rouge2")
) -> CrossValidation:
    """Choose a point per fold on the others and score it on the fold."""
    k = max(folds.values()) + 1
    ids = sorted(folds)
    chosen = []
    held: dict[str, list[float]] = {key: [] for key in keys}
    for fold in range(k):
        train = [i for i in ids if folds[i] != fold]
        test = [i for i in ids if folds[i] == fold]
        index = choose(results, train)
        chosen.append(index)
        for key in keys:
            held[key].extend(results[index][i][key] for i in test)
    return CrossValidation(
        chosen=chosen,
        held_out={key: fmean(values) for key, values in held.items()},
        defaults={key: _mean(results[0], ids, key) for key in keys},
        in_sample=choose(results, ids),
    )


def format_report(
    points: Sequence[Point], results: Sequence[Scores], folds: Mapping[str, int]
) -> str:
    """The per-point table and the cross-validated choice, as printed by the CLI."""
    cv = cross_validate(results, folds)
    ids = sorted(folds)
    k = max(folds.values()) + 1
    by_fold = [[i for i in ids if folds[i] == fold] for fold in range(k)]
    r1_0, r2_0 = cv.defaults["rouge1"], cv.defaults["rouge2"]
    lines = [f"{'R-1':>6} {'R-2':>6} {'dR-1':>6} {'dR-2':>6} R1>def R2>=def chosen  point"]
    for index, (point, scores) in enumerate(zip(points, results, strict=True)):
        r1, r2 = _mean(scores, ids, "rouge1"), _mean(scores, ids, "rouge2")
        wins1 = sum(_mean(scores, f, "rouge1") > _mean(results[0], f, "rouge1") for f in by_fold)
        wins2 = sum(_mean(scores, f, "rouge2") >= _mean(results[0], f, "rouge2") for f in by_fold)
        mark = "*" if index == cv.in_sample else ""
        lines.append(
            f"{r1:6.2f} {r2:6.2f} {r1 - r1_0:+6.2f} {r2 - r2_0:+6.2f} {wins1:>4}/{k} "
            f"{wins2:>5}/{k} {cv.chosen.count(index):>6}  {label(point)}{mark}"
        )
    best = results[cv.in_sample]
    lines += [
        "",
        "criterion: best training R-1 among points with training R-2 >= the defaults'",
        f"folds: {k}, cluster ids sorted, round robin; chosen per fold: "
        + "; ".join(f"{fold}:{label(points[i])}" for fold, i in enumerate(cv.chosen)),
        f"defaults            R-1 {r1_0:6.2f}  R-2 {r2_0:6.2f}",
        f"in-sample choice *  R-1 {_mean(best, ids, 'rouge1'):6.2f}  "
        f"R-2 {_mean(best, ids, 'rouge2'):6.2f}  ({label(points[cv.in_sample])})",
        f"held-out (CV)       R-1 {cv.held_out['rouge1']:6.2f}  R-2 {cv.held_out['rouge2']:6.2f}",
    ]
    return "\n".join(lines)


def score_points(
    points: Sequence[Point],
    clusters: Sequence[Cluster],
    scorer: RougeRecall,
    summarizer: LocalSummarizer,
    *,
    progress: bool = True,
) -> list[dict[str, dict[str, float]]]:
    """Per-cluster recall of every point, in the order of ``points``."""
    results = []
    for point in points:
        run = summarizer.with_params(RankingParams().updated(point))
        (result,) = evaluate(
            [System(label(point), "ours", run)], clusters, scorer, progress=progress
        )
        if result.errors:
            raise RuntimeError(f"{label(point)}: failed on {sorted(result.errors)[:3]}")
        results.append(result.per_cluster)
        if progress:
            print(
                f"{label(point)}: R-1 {result.mean('rouge1'):.2f} R-2 {result.mean('rouge2'):.2f}",
                file=sys.stderr,
            )
    return results


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data", type=Path, help="benchmark JSONL (eval data format)")
    parser.add_argument("--grid", default="", help="'stage.name=v1,v2;stage.other=w1'")
    parser.add_argument("--similarity", default="lexical", help="lexical, semantic or hybrid")
    parser.add_argument("--words", type=int, default=100, help="word budget of the scorer")
    parser.add_argument("--folds", type=int, default=5, help="number of folds")
    parser.add_argument("--limit", type=int, default=None, help="first N clusters only")
    parser.add_argument("--json", type=Path, default=None, help="write per-cluster scores")
    parser.add_argument("--no-progress", dest="progress", action="store_false")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the grid, print the table; with ``--json`` also write every per-cluster score."""
    args = build_parser().parse_args(argv)
    try:
        points = parse_grid(args.grid)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    clusters = load_clusters(args.data, limit=args.limit)
    folds = assign_folds([c.id for c in clusters], args.folds)
    scorer = RougeRecall(words=args.words, rouge_types=("rouge1", "rouge2"))
    summarizer = LocalSummarizer(args.similarity)
    results = score_points(points, clusters, scorer, summarizer, progress=args.progress)
    print(format_report(points, results, folds))
    if args.json is not None:
        payload = {
            "similarity": args.similarity,
            "words": args.words,
            "folds": folds,
            "points": [
                {"point": p, "per_cluster": r} for p, r in zip(points, results, strict=True)
            ],
        }
        args.json.write_text(json.dumps(payload, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
