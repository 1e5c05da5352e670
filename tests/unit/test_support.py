"""Cross-source support on hand-built similarity graphs."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from service.summarize.agreement import disagreement
from service.summarize.similarity import tokenize
from service.summarize.support import Match, find_agreeing_support, shares_frame
from tests.builders import find_support


def graph(n: int, edges: dict[tuple[int, int], float]) -> sp.csr_matrix:
    matrix = np.zeros((n, n))
    for (i, j), value in edges.items():
        matrix[i, j] = matrix[j, i] = value
    return sp.csr_matrix(matrix)


def articles(*indices: int) -> np.ndarray:
    return np.array(indices, dtype=np.int64)


def test_best_match_in_each_other_article() -> None:
    # Sentence 0 (article 0) resembles 2 and 3 (article 1) and 4 (article 2).
    similarity = graph(5, {(0, 2): 0.6, (0, 3): 0.8, (0, 4): 0.5})

    groups = find_support(similarity, articles(0, 0, 1, 1, 2), threshold=0.45)

    assert groups[0] == [Match(3, pytest.approx(0.8)), Match(4, pytest.approx(0.5))]
    assert groups[3] == [Match(0, pytest.approx(0.8))]
    assert groups[1] == []


def test_matches_are_ordered_by_article_not_by_similarity() -> None:
    similarity = graph(4, {(0, 1): 0.5, (0, 2): 0.9, (0, 3): 0.7})

    groups = find_support(similarity, articles(0, 3, 1, 2), threshold=0.4)

    assert [m.sentence for m in groups[0]] == [2, 3, 1]


def test_threshold_is_inclusive_and_weaker_matches_are_ignored() -> None:
    similarity = graph(4, {(0, 1): 0.5, (0, 2): 0.4999, (0, 3): 0.2})

    groups = find_support(similarity, articles(0, 1, 2, 3), threshold=0.5)

    assert [m.sentence for m in groups[0]] == [1]
    assert groups[2] == [] and groups[3] == []


def test_weaker_match_is_used_when_the_best_is_below_threshold_elsewhere() -> None:
    # The strongest neighbour is in the same article; the other article's match still counts.
    similarity = graph(3, {(0, 1): 0.95, (0, 2): 0.6})

    groups = find_support(similarity, articles(0, 0, 1), threshold=0.5)

    assert groups[0] == [Match(2, pytest.approx(0.6))]


def test_same_article_matches_are_excluded() -> None:
    similarity = graph(3, {(0, 1): 1.0, (1, 2): 1.0, (0, 2): 1.0})

    groups = find_support(similarity, articles(4, 4, 4), threshold=0.1)

    assert groups == [[], [], []]


def test_ties_go_to_the_earlier_sentence() -> None:
    similarity = graph(5, {(0, 4): 0.7, (0, 2): 0.7, (0, 3): 0.7})

    groups = find_support(similarity, articles(0, 1, 1, 1, 1), threshold=0.5)

    assert groups[0] == [Match(2, pytest.approx(0.7))]


def test_ties_do_not_depend_on_stored_order() -> None:
    # Same graph, stored with its column indices in descending order.
    dense = np.zeros((4, 4))
    dense[0, [1, 2, 3]] = dense[[1, 2, 3], 0] = 0.7
    rows, cols = np.nonzero(dense)
    order = np.lexsort((-cols, rows))
    unsorted = sp.csr_matrix((dense[rows, cols][order], (rows[order], cols[order])), shape=(4, 4))
    unsorted.indices = unsorted.indices.copy()
    for row in range(4):
        begin, end = unsorted.indptr[row], unsorted.indptr[row + 1]
        unsorted.indices[begin:end] = unsorted.indices[begin:end][::-1]
        unsorted.data[begin:end] = unsorted.data[begin:end][::-1]

    groups = find_support(unsorted, articles(0, 1, 1, 1), threshold=0.5)

    assert groups[0] == [Match(1, pytest.approx(0.7))]


def test_support_is_symmetric_for_exact_copies() -> None:
    # One sentence copied word for word by three outlets: each lists the other two.
    similarity = graph(6, {(0, 2): 1.0, (0, 4): 1.0, (2, 4): 1.0, (1, 3): 0.2})

    groups = find_support(similarity, articles(0, 0, 1, 1, 2, 2), threshold=0.45)

    assert [m.sentence for m in groups[0]] == [2, 4]
    assert [m.sentence for m in groups[2]] == [0, 4]
    assert [m.sentence for m in groups[4]] == [0, 2]
    assert groups[1] == groups[3] == groups[5] == []


def test_empty_graph_has_no_groups() -> None:
    assert find_support(sp.csr_matrix((0, 0)), articles(), threshold=0.5) == []


@pytest.mark.parametrize("threshold", [0.0, -0.1, 1.01])
def test_threshold_out_of_range_raises(threshold: float) -> None:
    with pytest.raises(ValueError, match="threshold"):
        find_support(graph(2, {}), articles(0, 1), threshold=threshold)


def test_mismatched_articles_raise() -> None:
    with pytest.raises(ValueError, match="articles"):
        find_support(graph(3, {}), articles(0, 1), threshold=0.5)


def dissent_floor_story() -> tuple[sp.csr_matrix, np.ndarray, list[str]]:
    """Sentence 0 (article 0) is on the topic of 1 and 2 (articles 1 and 2), below the
    support threshold: 1 gives another figure, 2 agrees."""
    texts = [
        "The quake killed 12 people in the town.",
        "A quake in the town killed 15 people, officials said on the radio.",
        "Officials said on the radio that the quake hit the town hard.",
    ]
    return graph(3, {(0, 1): 0.35, (0, 2): 0.35}), articles(0, 1, 2), texts


def test_a_dissent_is_looked_for_down_to_the_floor_and_support_still_needs_the_threshold() -> None:
    similarity, article_of, texts = dissent_floor_story()

    support, dissent = find_agreeing_support(
        similarity, article_of, texts, threshold=0.45, floor=0.3
    )

    assert support[0] == []  # the agreeing sentence is on the topic but not support
    [found] = dissent[0]
    assert (found.sentence, found.conflict.kind) == (1, "number")
    assert texts[0][found.conflict.start : found.conflict.end] == "12"
    assert texts[1][found.conflict.other_start : found.conflict.other_end] == "15"


def test_without_a_floor_a_dissent_needs_the_support_threshold() -> None:
    similarity, article_of, texts = dissent_floor_story()

    support, dissent = find_agreeing_support(similarity, article_of, texts, threshold=0.45)

    assert support[0] == [] and dissent[0] == []


def test_support_above_the_threshold_outweighs_a_dissent_below_it() -> None:
    _, article_of, texts = dissent_floor_story()
    texts[2] = "A quake killed 12 people in the town."
    # Article 1 says 15 on the topic (0.35) and 12 as support (0.9): it supports.
    article_of = articles(0, 1, 1)
    similarity = graph(3, {(0, 1): 0.35, (0, 2): 0.9})

    support, dissent = find_agreeing_support(
        similarity, article_of, texts, threshold=0.45, floor=0.3
    )

    assert [m.sentence for m in support[0]] == [2] and dissent[0] == []


@pytest.mark.parametrize("floor", [0.0, 0.5])
def test_a_floor_out_of_range_raises(floor: float) -> None:
    similarity, article_of, texts = dissent_floor_story()
    with pytest.raises(ValueError, match="floor"):
        find_agreeing_support(similarity, article_of, texts, threshold=0.45, floor=floor)


def _frame_by_sets(a: str, b: str) -> bool:
    """The frame rule stated on two sets, pair by pair: the vectorised count must match it."""
    mine, theirs = set(tokenize(a)), set(tokenize(b))
    common = len(mine & theirs)
    return bool(mine and theirs) and common >= 0.3 * len(mine) and common >= 0.3 * len(theirs)


def test_shares_frame_counts_each_pairs_common_stems_as_the_sets_do() -> None:
    rng = np.random.default_rng(3)
    words = ["harbour", "crane", "strike", "workers", "union", "pay", "ships", "dock",
             "week", "talks", "mayor", "port", "the", "of", "it"]  # fmt: skip
    texts = [" ".join(rng.choice(words, size=int(rng.integers(0, 9)))) for _ in range(60)]
    texts += ["", "the of it"]  # no content word: never a frame
    # Ten stems and three of them: 3 >= 0.3 * 10 exactly, the rule's edge.
    texts += ["harbour crane strike workers union pay ships dock week talks", "crane dock pay"]
    first = np.append(rng.integers(0, len(texts), size=400), len(texts) - 2)
    second = np.append(rng.integers(0, len(texts), size=400), len(texts) - 1)
    found = shares_frame(texts, first, second)
    expected = [_frame_by_sets(texts[i], texts[j]) for i, j in zip(first, second, strict=True)]
    assert found.tolist() == expected
    assert any(expected) and not all(expected)  # both verdicts occur
    assert found[-1]


def test_an_edge_under_the_floor_without_a_shared_frame_is_no_dissent() -> None:
    texts = [
        "The harbour crane crews worked 12 shifts this week while union leaders met port"
        " managers, dock owners and city officials downtown.",
        "The harbour crane crews worked 15 shifts this week while union leaders met port"
        " managers, dock owners and city officials downtown.",
        "Crews worked 15 shifts.",
    ]
    # Both weak edges are under the topic floor; only the first pair shares a frame (the
    # third sentence gives another figure too, but holds too few of the first's words).
    assert disagreement(texts[0], texts[2]) is not None
    graph = sp.csr_matrix(np.array([[0, 0.2, 0.2], [0.2, 0, 0], [0.2, 0, 0]]))
    _, dissent = find_agreeing_support(
        graph, np.array([0, 1, 2]), texts, threshold=0.5, floor=0.3
    )
    assert [d.sentence for d in dissent[0]] == [1]
    assert dissent[0][0].conflict.kind == "number"
    assert dissent[2] == []
