"""The "same claim" pair model (service.summarize.pairs) and its use in support."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from service.summarize.pairs import FEATURES, PairModel, load_pair_model, pair_features
from service.summarize.support import find_agreeing_support

FLOOD = "The river rose to 4 metres in Dresden on Monday, officials said."
REWORDED = "Officials said the river in Dresden rose to 4 metres on Monday."
OTHER = "A new bridge opened downstream last spring after two years of work."


def similarity_only(weight: float = 10.0, at: float = 0.35) -> PairModel:
    """A model that says "same" exactly when the similarity reaches ``at``."""
    n = len(FEATURES)
    return PairModel(
        mean=(at,) + (0.0,) * (n - 1),
        scale=(1.0,) * n,
        coef=(weight,) + (0.0,) * (n - 1),
        intercept=0.0,
    )


def test_features_are_symmetric_and_named() -> None:
    forward = pair_features(FLOOD, REWORDED, 0.6)
    backward = pair_features(REWORDED, FLOOD, 0.6)

    assert forward == backward
    assert len(forward) == len(FEATURES)
    assert forward[FEATURES.index("figures_shared")] == 1.0  # "4"
    assert forward[FEATURES.index("figures_unshared")] == 0.0


def test_model_file_with_other_features_is_refused() -> None:
    entry = {"features": ["similarity"], "mean": [0], "scale": [1], "coef": [1], "intercept": 0}

    with pytest.raises(ValueError, match="features"):
        PairModel.from_json(entry)


def test_shipped_models_load_per_kind() -> None:
    lexical, hybrid = load_pair_model("lexical"), load_pair_model("hybrid")

    assert lexical is not None and hybrid is not None
    assert load_pair_model("semantic") is None
    for model in (lexical, hybrid):
        assert model.same(FLOOD, REWORDED, 0.6)
        assert not model.same(FLOOD, OTHER, 0.1)


def test_judge_decides_support_above_the_floor_and_a_disagreement_still_vetoes() -> None:
    texts = [FLOOD, REWORDED, "The river rose to 6 metres in Dresden on Monday, officials said."]
    matrix = np.zeros((3, 3))
    matrix[0, 1] = matrix[1, 0] = 0.4  # under the 0.45 threshold, above the 0.3 floor
    matrix[0, 2] = matrix[2, 0] = 0.9
    similarity, articles = sp.csr_matrix(matrix), np.array([0, 1, 2], dtype=np.int64)

    plain, _ = find_agreeing_support(similarity, articles, texts, threshold=0.45, floor=0.3)
    judged, dissent = find_agreeing_support(
        similarity, articles, texts, threshold=0.45, floor=0.3, judge=similarity_only()
    )

    assert [m.sentence for m in plain[0]] == []
    assert [m.sentence for m in judged[0]] == [1]
    assert [d.sentence for d in dissent[0]] == [2]  # 4 vs 6 metres: never support


def test_judge_can_refuse_a_pair_above_the_threshold() -> None:
    texts = [FLOOD, OTHER]
    similarity = sp.csr_matrix(np.array([[0.0, 0.5], [0.5, 0.0]]))
    articles = np.array([0, 1], dtype=np.int64)

    judged, _ = find_agreeing_support(
        similarity, articles, texts, threshold=0.45, floor=0.3, judge=similarity_only(at=0.6)
    )

    assert judged == [[], []]


def test_a_dissent_under_the_topic_floor_needs_a_shared_frame() -> None:
    texts = [
        "The hearing followed a 7 week trial in which the driver spoke for himself.",
        "The verdict followed a 2 week trial in which the driver spoke for himself.",
        "The verdict came after the jury had asked for two more days.",  # another frame
    ]
    matrix = np.zeros((3, 3))
    for j in (1, 2):
        matrix[0, j] = matrix[j, 0] = 0.2  # under the 0.3 floor, above FRAME_FLOOR
    similarity, articles = sp.csr_matrix(matrix), np.array([0, 1, 2], dtype=np.int64)

    support, dissent = find_agreeing_support(similarity, articles, texts, threshold=0.45, floor=0.3)

    assert [(d.sentence, d.conflict.kind) for d in dissent[0]] == [(1, "number")]
    assert support[0] == []  # a shared frame is never support under the floor


def test_under_the_topic_floor_another_name_is_no_dissent() -> None:
    texts = [
        "The talks followed a visit by President Anton Varga to the harbour city.",
        "The talks followed a visit by French President Marc Lune to the harbour city.",
    ]
    matrix = np.array([[0.0, 0.2], [0.2, 0.0]])  # under the 0.3 floor, above FRAME_FLOOR
    similarity, articles = sp.csr_matrix(matrix), np.array([0, 1], dtype=np.int64)

    _, dissent = find_agreeing_support(similarity, articles, texts, threshold=0.45, floor=0.3)
    _, on_topic = find_agreeing_support(similarity, articles, texts, threshold=0.45, floor=0.15)

    assert dissent == [[], []]
    assert [d.conflict.kind for d in on_topic[0]] == ["entity"]  # at the floor it is one
