"""The held-out claim-layer check (service.evaluation.claims_cv) on pairs of our own."""

from __future__ import annotations

from service.evaluation.agreement_check import Pair
from service.evaluation.claims_check import ClaimsClient, make_plan
from service.evaluation.claims_cv import fold_of, run_folds
from service.summarize.pairs import FEATURES, PairModel

SHARED = "The flood killed 12 people in the river valley on Monday, officials said."

PAIRS = [
    Pair(1, SHARED, "Officials said the flood killed 12 people in the river valley on Monday."),
    Pair(1, "The city council approved the new harbour budget after a long debate.",
         "After a long debate, the city council approved the new harbour budget."),
    Pair(1, SHARED, "The river valley flood killed 12 people on Monday, officials said."),
    Pair(1, "The orchestra cancelled its winter tour because of a dispute over pay.",
         "A dispute over pay made the orchestra cancel its winter tour."),
    Pair(0, "Heavy snow closed the mountain pass for the second time this week.",
         "Farmers in the south are worried about the long dry summer ahead."),
    Pair(1, "The museum will reopen its north wing to visitors next spring.",
         "Visitors will see the north wing of the museum reopen next spring."),
]  # fmt: skip


def _constant(intercept: float) -> PairModel:
    """A model whose verdict is the same whatever the pair."""
    zeros = (0.0,) * len(FEATURES)
    return PairModel(mean=zeros, scale=(1.0,) * len(FEATURES), coef=zeros, intercept=intercept)


def test_pairs_that_share_a_sentence_fall_in_one_fold() -> None:
    folds = fold_of(PAIRS, list(range(len(PAIRS))), 2)

    assert sorted(folds) == list(range(len(PAIRS)))
    assert folds[0] == folds[2]
    assert set(folds.values()) == {0, 1}


def test_each_fold_is_judged_by_its_own_model() -> None:
    indices = list(range(len(PAIRS)))
    plan = make_plan(PAIRS, indices)
    folds = fold_of(PAIRS, indices, 2)
    never, always = _constant(-50.0), _constant(50.0)

    run = run_folds(ClaimsClient("lexical"), plan, folds, [never, always], progress=False)

    same = {index: outcome.same for index, outcome in zip(indices, run.pairs, strict=True)}
    assert not any(same[i] for i in indices if folds[i] == 0)
    assert any(same[i] for i in indices if folds[i] == 1 and PAIRS[i].label == 1)
    assert len(run.perturbed) == len(plan.perturbations)
