"""Held-out figures of ``/v1/claims`` on MRPC pairs with the same-claim pair model.

Run ``python -m service.evaluation.claims_cv mrpc_train.tsv`` (``make eval-claims-cv``).
The shipped pair model (:mod:`service.summarize.pairs`) is fitted on these same pairs,
so :mod:`service.evaluation.claims_check` run on them is an in-sample figure. Here the
pairs are split into ``--folds`` folds grouped by sentence (pairs that share a sentence,
directly or through other pairs, fall in one fold: :func:`train_pairs.sentence_groups`,
scikit-learn's ``GroupKFold``, deterministic); each fold's stories, and the
perturbations of its pairs, go through ``/v1/claims`` (the HTTP code path, in process)
with a model fitted by :func:`train_pairs.fit` on the other folds only. The report is
:func:`claims_check.format_report`'s over all folds together, the cosine baselines
still tuned in-sample (so optimistic).

The fold's model replaces the shipped one for the run's requests (the loader the
ranking stage calls is patched in this process); nothing is written.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from unittest import mock

import numpy as np
from sklearn.model_selection import GroupKFold

from service.evaluation.agreement_check import Pair, load_pairs
from service.evaluation.claims_check import (
    ClaimsClient,
    KindRun,
    Outcome,
    Plan,
    _similarities,
    _timed,
    baselines,
    chosen_indices,
    load_encoder_once,
    make_plan,
    publish,
)
from service.evaluation.train_pairs import fit, pair_rows, sentence_groups
from service.summarize.pairs import PairModel

FOLDS = 5


def fold_of(pairs: Sequence[Pair], indices: Sequence[int], folds: int) -> dict[int, int]:
    """The fold of each chosen pair, folds grouped by sentence."""
    chosen = [pairs[i] for i in indices]
    groups = sentence_groups(chosen)
    found: dict[int, int] = {}
    placeholder = np.zeros(len(chosen))
    for fold, (_, test) in enumerate(GroupKFold(n_splits=folds).split(placeholder, groups=groups)):
        for position in test.tolist():
            found[indices[position]] = fold
    return found


def run_folds(
    client: ClaimsClient,
    plan: Plan,
    folds: dict[int, int],
    models: Sequence[PairModel],
    progress: bool,
) -> KindRun:
    """Each fold's stories and perturbations through ``client`` with that fold's model."""
    run = KindRun(client.similarity)
    pairs: list[Outcome | None] = [None] * len(plan.stories)
    perturbed: list[Outcome | None] = [None] * len(plan.perturbed_stories)
    for fold, model in enumerate(models):
        own = [k for k, index in enumerate(plan.indices) if folds[index] == fold]
        own_perturbed = [
            k for k, item in enumerate(plan.perturbations) if folds[item.source] == fold
        ]
        with mock.patch("service.summarize.ranking.load_pair_model", lambda kind, m=model: m):
            found, seconds = _timed(
                client, [plan.stories[k] for k in own], f"fold {fold} pairs", progress
            )
            run.pair_seconds += seconds
            for k, outcome in zip(own, found, strict=True):
                pairs[k] = outcome
            found, seconds = _timed(
                client, [plan.perturbed_stories[k] for k in own_perturbed],
                f"fold {fold} perturbed", progress,
            )  # fmt: skip
            run.perturbed_seconds += seconds
            for k, outcome in zip(own_perturbed, found, strict=True):
                perturbed[k] = outcome
    run.pairs = [outcome for outcome in pairs if outcome is not None]
    run.perturbed = [outcome for outcome in perturbed if outcome is not None]
    if len(run.pairs) != len(pairs) or len(run.perturbed) != len(perturbed):
        raise RuntimeError("a story was in no fold")
    return run


def fold_models(
    pairs: Sequence[Pair], indices: Sequence[int], folds: dict[int, int], kind: str,
    encoder: Any, count: int, progress: bool,
) -> list[PairModel]:  # fmt: skip
    """Per fold, the pair model fitted on the chosen pairs of the other folds."""
    chosen = [pairs[i] for i in indices]
    features, _, _ = pair_rows(chosen, kind, encoder, progress)
    labels = np.array([p.label for p in chosen], dtype=np.int64)
    fold = np.array([folds[i] for i in indices], dtype=np.int64)
    return [fit(features[fold != k], labels[fold != k]) for k in range(count)]


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: the held-out claim-layer report (and ``--json``)."""
    parser = argparse.ArgumentParser(prog="python -m service.evaluation.claims_cv")
    parser.add_argument("pairs", help="MRPC TSV file, e.g. mrpc_train.tsv")
    parser.add_argument("--similarity", type=_similarities, default=["hybrid"],
                        help="comma-separated kinds (default hybrid)")  # fmt: skip
    parser.add_argument("--folds", type=int, default=FOLDS, help="folds (default 5)")
    parser.add_argument("--sample", type=int, default=None,
                        help="a seeded sample of N pairs (folds, training within it)")  # fmt: skip
    parser.add_argument("--seed", type=int, default=0, help="seed: sample, fillers, perturbations")
    parser.add_argument("--json", type=Path, default=None, help="write the figures here")
    parser.add_argument("--no-progress", action="store_true", help="no progress bars")
    args = parser.parse_args(argv)
    if args.folds < 2:
        parser.error("--folds must be at least 2")

    pairs = load_pairs(args.pairs)
    indices = chosen_indices(len(pairs), limit=None, sample=args.sample, seed=args.seed)
    plan = make_plan(pairs, indices, seed=args.seed)
    folds = fold_of(pairs, indices, args.folds)
    encoder = load_encoder_once()
    progress = not args.no_progress
    runs = []
    for kind in args.similarity:
        models = fold_models(pairs, indices, folds, kind, encoder, args.folds, progress)
        runs.append(run_folds(ClaimsClient(kind, encoder), plan, folds, models, progress))
    reference = baselines(plan, encoder.encode)
    print(f"{args.folds}-fold held-out (GroupKFold by sentence), seed {args.seed}:\n")
    publish(
        plan, runs, reference, args.json,
        {"folds": args.folds, "sample": args.sample, "seed": args.seed},
    )  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
