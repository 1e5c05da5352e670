"""Train the "same claim" pair model (:mod:`service.summarize.pairs`) on MRPC pairs.

Run ``python -m service.evaluation.train_pairs mrpc_train.tsv`` (``make train-pairs``).
The data is read at run time and never stored; what is written is
``service/summarize/pair_model.json``: per similarity kind (lexical, hybrid) the
logistic regression's coefficients, the SHA-256 of the training file and the
cross-validated figures.

Each pair becomes the two-article story of :mod:`service.evaluation.claims_check`
(the same fillers), ranked as the claim map ranks it; a pair's features are those the
support stage sees (the graph's similarity of the two sentences, with containment)
plus the text features of :func:`service.summarize.pairs.pair_features`.

Held-out figures: 5-fold cross-validation with folds grouped by sentence (pairs that
share a sentence, directly or through other pairs, fall in one fold). A held-out pair
is "same claim" as the service would decide it: both sentences are candidates, their
similarity reaches the topic floor, :func:`service.summarize.agreement.disagreement`
finds no conflict, and the model fitted on the other folds says "same". Beside it, the
rule the model replaces (similarity at least the support threshold, no conflict).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold
from tqdm import tqdm

from service.evaluation.agreement_check import Pair, load_pairs
from service.evaluation.claims_check import (
    ARTICLES,
    build_story,
    choose_fillers,
    load_encoder_once,
)
from service.summarize import Article, SummaryOptions
from service.summarize.agreement import disagreement
from service.summarize.containment import with_containment
from service.summarize.pairs import FEATURES, MODEL_FILE, PairModel, pair_features
from service.summarize.params import DEFAULT_PARAMS
from service.summarize.pipeline import rank_story

KINDS = ("lexical", "hybrid")
FOLDS = 5
C = 1.0
"""Inverse regularisation strength of the logistic regression (scikit-learn's default)."""

OUTPUT = Path(__file__).resolve().parent.parent / "summarize" / MODEL_FILE


def digest(path: Path) -> str:
    """SHA-256 of a file."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def sentence_groups(pairs: Sequence[Pair]) -> npt.NDArray[np.int64]:
    """A group per pair: pairs that share a sentence (transitively) share a group."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for pair in pairs:
        parent[find(pair.first)] = find(pair.second)
    roots: dict[str, int] = {}
    return np.array([roots.setdefault(find(p.first), len(roots)) for p in pairs], dtype=np.int64)


def pair_rows(
    pairs: Sequence[Pair], kind: str, encoder: Any, progress: bool
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
    """Each pair's features as the service sees them, whether both sentences are
    candidates at least the topic floor similar, and whether they disagree."""
    floor = DEFAULT_PARAMS.graph.topic_floor(kind)  # type: ignore[arg-type]
    threshold = DEFAULT_PARAMS.graph.support_threshold(kind)  # type: ignore[arg-type]
    features: list[tuple[float, ...]] = []
    reachable: list[bool] = []
    conflicting: list[bool] = []
    for index, pair in enumerate(tqdm(pairs, desc=kind, unit="pair", disable=not progress)):
        story = build_story(pair.first, pair.second, choose_fillers(pairs, index))
        articles = [Article(id=n, text=t) for n, t in zip(ARTICLES, story.texts, strict=True)]
        ranked = rank_story(
            articles,
            SummaryOptions(max_sentences=5000, similarity=kind),  # type: ignore[arg-type]
            encoder=None if kind == "lexical" else encoder,
            max_sentences_considered=None,
            params=DEFAULT_PARAMS,
            article_cache=None,
        )
        candidates = ranked.candidates
        found = [_candidate(candidates.spans, side, span) for side, span in enumerate(story.spans)]
        if found[0] is None or found[1] is None:
            features.append(pair_features(pair.first, pair.second, 0.0))
            reachable.append(False)
            conflicting.append(False)
            continue
        i, j = found[0], found[1]
        n = len(candidates)
        graph = with_containment(ranked.ranking.graph, candidates, np.arange(n), threshold)
        value = float(graph[i, j])
        a, b = candidates.texts[i], candidates.texts[j]
        features.append(pair_features(a, b, value))
        reachable.append(value >= floor)
        conflicting.append(a != b and disagreement(a, b) is not None)
    return (
        np.array(features, dtype=np.float64),
        np.array(reachable, dtype=np.bool_),
        np.array(conflicting, dtype=np.bool_),
    )


def _candidate(spans: Sequence[Any], article: int, span: tuple[int, int]) -> int | None:
    for index, cut in enumerate(spans):
        if cut.article_index == article and cut.start < span[1] and span[0] < cut.end:
            return index
    return None


def fit(features: npt.NDArray[np.float64], labels: npt.NDArray[np.int64]) -> PairModel:
    """A logistic regression on standardised features."""
    mean = features.mean(axis=0)
    scale = features.std(axis=0)
    scale[scale == 0] = 1.0
    model = LogisticRegression(C=C, max_iter=1000).fit((features - mean) / scale, labels)
    return PairModel(
        mean=tuple(mean.tolist()),
        scale=tuple(scale.tolist()),
        coef=tuple(model.coef_[0].tolist()),
        intercept=float(model.intercept_[0]),
    )


def probabilities(model: PairModel, features: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """The model's probability of each row of features."""
    z = ((features - np.array(model.mean)) / np.array(model.scale)) @ np.array(model.coef)
    return np.asarray(1.0 / (1.0 + np.exp(-(z + model.intercept))), dtype=np.float64)


def scores(predicted: npt.NDArray[np.bool_], labels: npt.NDArray[np.int64]) -> dict[str, float]:
    """Accuracy, precision, recall and F1 of a prediction (0 where undefined)."""
    truth = labels.astype(bool)
    tp = int((predicted & truth).sum())
    fp = int((predicted & ~truth).sum())
    fn = int((~predicted & truth).sum())
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "accuracy": round(float((predicted == truth).mean()), 4),
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
    }


def cross_validate(
    features: npt.NDArray[np.float64],
    labels: npt.NDArray[np.int64],
    groups: npt.NDArray[np.int64],
    gate: npt.NDArray[np.bool_],
) -> dict[str, float]:
    """Held-out figures of the service's decision (``gate`` and the model), grouped folds."""
    predicted = np.zeros(len(labels), dtype=np.bool_)
    for train, test in GroupKFold(n_splits=FOLDS).split(features, labels, groups):
        model = fit(features[train], labels[train])
        predicted[test] = probabilities(model, features[test]) >= model.threshold
    return scores(predicted & gate, labels)


def cost_per_pair(model: PairModel, pairs: Sequence[Pair]) -> float:
    """Microseconds to compute a pair's text features and probability."""
    sample = pairs[:1000]
    began = time.perf_counter()
    for pair in sample:
        model.probability(pair.first, pair.second, 0.5)
    return round((time.perf_counter() - began) / len(sample) * 1e6, 1)


def train(path: Path, kinds: Sequence[str], progress: bool) -> dict[str, Any]:
    """Every kind's model with its figures, as ``pair_model.json`` holds them."""
    pairs = load_pairs(path)
    labels = np.array([p.label for p in pairs], dtype=np.int64)
    groups = sentence_groups(pairs)
    encoder = load_encoder_once() if any(kind != "lexical" for kind in kinds) else None
    models: dict[str, Any] = {}
    for kind in kinds:
        features, reachable, conflicting = pair_rows(pairs, kind, encoder, progress)
        gate = reachable & ~conflicting
        threshold = DEFAULT_PARAMS.graph.support_threshold(kind)  # type: ignore[arg-type]
        model = fit(features, labels)
        models[kind] = {
            "features": list(FEATURES),
            "mean": [round(v, 6) for v in model.mean],
            "scale": [round(v, 6) for v in model.scale],
            "coef": [round(v, 6) for v in model.coef],
            "intercept": round(model.intercept, 6),
            "threshold": model.threshold,
            "cv": cross_validate(features, labels, groups, gate),
            "cv_threshold_rule": scores((features[:, 0] >= threshold) & gate, labels),
            "in_sample": scores((probabilities(model, features) >= 0.5) & gate, labels),
        }
        # Printed, not stored, so that the file is the same on every run.
        print(f"{kind}: {cost_per_pair(model, pairs)} us a pair (features and probability)")
    return {
        "about": "same-claim pair model (service/summarize/pairs.py); make train-pairs",
        "data": {"file": path.name, "sha256": digest(path), "pairs": len(pairs)},
        "folds": f"{FOLDS}-fold GroupKFold, groups = pairs sharing a sentence",
        "C": C,
        "models": models,
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Train, write the model file, print the figures."""
    parser = argparse.ArgumentParser(prog="python -m service.evaluation.train_pairs")
    parser.add_argument("pairs", type=Path, help="MRPC TSV file, e.g. mrpc_train.tsv")
    parser.add_argument("--output", type=Path, default=OUTPUT, help="where to write the model")
    parser.add_argument("--similarity", default=",".join(KINDS), help="kinds, comma-separated")
    parser.add_argument("--no-progress", action="store_true", help="no progress bars")
    args = parser.parse_args(argv)
    trained = train(args.pairs, args.similarity.split(","), not args.no_progress)
    args.output.write_text(json.dumps(trained, indent=1) + "\n", encoding="utf-8")
    for kind, entry in trained["models"].items():
        print(f"{kind}: CV {entry['cv']}; threshold rule {entry['cv_threshold_rule']}")
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
