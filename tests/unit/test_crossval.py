"""Cross-validation of ranking parameters (service.evaluation.crossval), on synthetic scores."""

from __future__ import annotations

import pytest

from service.evaluation.crossval import (
    assign_folds,
    choose,
    cross_validate,
    format_report,
    parse_grid,
)


def test_grid_is_the_product_with_the_defaults_first() -> None:
    points = parse_grid("selection.bonus=0.1,0.2;selection.min_words=8;selection.method=score")
    assert points == [
        {},
        {"selection.bonus": 0.1, "selection.min_words": 8, "selection.method": "score"},
        {"selection.bonus": 0.2, "selection.min_words": 8, "selection.method": "score"},
    ]
    assert parse_grid("graph.top_k=10;selection.favoured_min_articles=None") == [
        {},
        {"graph.top_k": 10, "selection.favoured_min_articles": None},
    ]
    assert parse_grid("") == [{}]
    with pytest.raises(ValueError, match="no field"):
        parse_grid("no_such_knob=1")
    with pytest.raises(ValueError, match="no field"):
        parse_grid("min_words=8")  # a leaf without its stage
    with pytest.raises(ValueError):
        parse_grid("selection.min_words=eight")


def test_a_point_becomes_nested_parameters() -> None:
    from service.summarize import RankingParams

    params = RankingParams().updated({"selection.bonus": 0.2, "graph.top_k": 10})
    assert params.selection.bonus == 0.2 and params.graph.top_k == 10
    assert params.selection.min_words == RankingParams().selection.min_words


def test_folds_are_round_robin_over_sorted_ids() -> None:
    folds = assign_folds(["c", "a", "d", "b", "e"], 2)
    assert folds == {"a": 0, "b": 1, "c": 0, "d": 1, "e": 0}
    with pytest.raises(ValueError):
        assign_folds(["a", "b"], 3)


def _scores(r1: list[float], r2: list[float]) -> dict[str, dict[str, float]]:
    return {
        f"c{i}": {"rouge1": a, "rouge2": b} for i, (a, b) in enumerate(zip(r1, r2, strict=True))
    }


def test_choice_needs_r2_at_least_the_defaults_and_is_scored_held_out() -> None:
    defaults = _scores([40, 40, 40, 40], [10, 10, 10, 10])
    better_r1_worse_r2 = _scores([45, 45, 45, 45], [9, 9, 9, 9])
    # Wins on clusters c0-c2, loses badly on c3: held out, fold 1 (c1, c3) chooses it
    # only if c1 and c3 are not in training; the CV estimate sees the loss on c3.
    uneven = _scores([42, 42, 42, 30], [10, 10, 10, 10])
    results = [defaults, better_r1_worse_r2, uneven]
    assert choose(results, ["c0", "c1", "c2", "c3"]) == 0  # 39 < 40 in-sample
    assert choose(results, ["c0", "c2"]) == 2
    folds = assign_folds(["c0", "c1", "c2", "c3"], 2)  # fold 0: c0, c2; fold 1: c1, c3
    cv = cross_validate(results, folds)
    assert cv.chosen == [0, 2]  # fold 0 trains on c1, c3 (38 < 40); fold 1 on c0, c2
    assert cv.held_out["rouge1"] == pytest.approx((40 + 40 + 42 + 30) / 4)
    assert cv.defaults == {"rouge1": 40, "rouge2": 10}
    report = format_report(
        [{}, {"selection.min_words": 1}, {"selection.min_words": 2}], results, folds
    )
    assert "held-out (CV)       R-1  38.00" in report
