"""Greedy diverse selection under sentence and word budgets."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import scipy.sparse as sp

from service.summarize.redundancy import select_diverse


def graph(n: int, edges: dict[tuple[int, int], float] | None = None) -> sp.csr_matrix:
    matrix = np.zeros((n, n))
    for (i, j), value in (edges or {}).items():
        matrix[i, j] = matrix[j, i] = value
    return sp.csr_matrix(matrix)


SCORES = np.array([0.9, 0.8, 0.7, 0.6, 0.5])
WORDS = [10, 10, 10, 10, 10]


def test_best_first_within_max_sentences() -> None:
    chosen = select_diverse(
        SCORES[::-1].copy(), graph(5), WORDS, max_sentences=3, max_words=None, max_overlap=0.5
    )

    assert chosen == [4, 3, 2]


def test_no_budget_takes_everything_unblocked() -> None:
    chosen = select_diverse(
        SCORES, graph(5), WORDS, max_sentences=None, max_words=None, max_overlap=0.5
    )

    assert chosen == [0, 1, 2, 3, 4]


@pytest.mark.parametrize("max_words", [9, 10, 19, 20, 35, 50])
def test_max_words_is_never_exceeded(max_words: int) -> None:
    chosen = select_diverse(
        SCORES, graph(5), WORDS, max_sentences=None, max_words=max_words, max_overlap=0.5
    )

    assert sum(WORDS[i] for i in chosen) <= max_words
    assert len(chosen) == max_words // 10


def test_long_sentence_is_skipped_for_a_shorter_one_that_fits() -> None:
    words = [12, 30, 8, 5]

    chosen = select_diverse(
        np.array([0.9, 0.8, 0.7, 0.6]), graph(4), words,
        max_sentences=None, max_words=25, max_overlap=0.5,
    )

    assert chosen == [0, 2, 3]


def test_top_sentence_longer_than_the_budget_is_skipped() -> None:
    chosen = select_diverse(
        np.array([0.9, 0.5]), graph(2), [40, 10], max_sentences=3, max_words=20, max_overlap=0.5
    )

    assert chosen == [1]


def test_both_budgets_apply_and_the_first_to_bind_stops() -> None:
    chosen = select_diverse(
        SCORES, graph(5), [5, 5, 5, 5, 5], max_sentences=2, max_words=100, max_overlap=0.5
    )
    assert chosen == [0, 1]

    chosen = select_diverse(
        SCORES, graph(5), [5, 5, 5, 5, 5], max_sentences=5, max_words=12, max_overlap=0.5
    )
    assert chosen == [0, 1]


def test_similar_sentence_is_skipped() -> None:
    similarity = graph(4, {(0, 1): 0.8, (1, 2): 0.9})

    chosen = select_diverse(
        SCORES[:4], similarity, WORDS[:4], max_sentences=3, max_words=None, max_overlap=0.7
    )

    # 1 repeats 0; 2 only repeats 1, which was never chosen, so 2 is fine.
    assert chosen == [0, 2, 3]


def test_similarity_equal_to_max_overlap_counts_as_repeating() -> None:
    chosen = select_diverse(
        SCORES[:2], graph(2, {(0, 1): 0.7}), WORDS[:2],
        max_sentences=None, max_words=None, max_overlap=0.7,
    )

    assert chosen == [0]


def test_same_claim_group_is_skipped_in_both_directions() -> None:
    # 0 lists 2 as saying the same thing; 3 lists 0. Neither 2 nor 3 may join 0.
    same_claim = [[2], [], [], [0], []]

    chosen = select_diverse(
        SCORES, graph(5), WORDS, max_sentences=None, max_words=None, max_overlap=0.9,
        same_claim=same_claim,
    )

    assert chosen == [0, 1, 4]


def test_sentences_citing_the_same_sentence_are_not_both_chosen() -> None:
    # 0 and 1 never matched each other, but both match 4 (another article's copy).
    same_claim = [[4], [4], [], [], [0, 1]]

    chosen = select_diverse(
        np.array([0.9, 0.8, 0.7, 0.6, 0.1]), graph(5), WORDS,
        max_sentences=None, max_words=None, max_overlap=0.9, same_claim=same_claim,
    )

    assert chosen == [0, 2, 3]


def test_ties_go_to_the_lower_index() -> None:
    scores = np.array([0.5, 0.7, 0.7, 0.5, 0.7])

    chosen = select_diverse(
        scores, graph(5), WORDS, max_sentences=4, max_words=None, max_overlap=0.5
    )

    assert chosen == [1, 2, 4, 0]


def test_tied_duplicates_keep_the_lower_index() -> None:
    chosen = select_diverse(
        np.array([0.5, 0.5]), graph(2, {(0, 1): 1.0}), [10, 10],
        max_sentences=2, max_words=None, max_overlap=0.9,
    )

    assert chosen == [0]


def test_empty_input_selects_nothing() -> None:
    chosen = select_diverse(
        np.zeros(0), sp.csr_matrix((0, 0)), [], max_sentences=3, max_words=10, max_overlap=0.5
    )

    assert chosen == []


@pytest.mark.parametrize("seed", range(25))
def test_random_instances_keep_every_invariant(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 40))
    scores = rng.random(n).round(1)  # rounding makes ties common
    dense = rng.random((n, n)) * (rng.random((n, n)) < 0.3)
    dense = np.maximum(dense, dense.T)
    np.fill_diagonal(dense, 0.0)
    similarity = sp.csr_matrix(dense)
    words = rng.integers(3, 40, n).tolist()
    same_claim = [
        [int(j) for j in rng.choice(n, size=int(rng.integers(0, 3)), replace=True) if j != i]
        for i in range(n)
    ]
    max_sentences = None if seed % 3 == 0 else int(rng.integers(1, 8))
    max_words = None if seed % 4 == 0 else int(rng.integers(1, 120))
    max_overlap = float(rng.uniform(0.3, 1.0))

    kwargs = dict(
        max_sentences=max_sentences, max_words=max_words, max_overlap=max_overlap,
        same_claim=same_claim,
    )
    chosen = select_diverse(scores, similarity, words, **kwargs)  # type: ignore[arg-type]

    assert chosen == select_diverse(scores, similarity, words, **kwargs)  # type: ignore[arg-type]
    assert len(set(chosen)) == len(chosen)
    if max_sentences is not None:
        assert len(chosen) <= max_sentences
    if max_words is not None:
        assert sum(words[i] for i in chosen) <= max_words
    for a, b in itertools.combinations(chosen, 2):
        assert dense[a, b] < max_overlap
        assert b not in same_claim[a] and a not in same_claim[b]
        assert not set(same_claim[a]) & set(same_claim[b])
    # Greedy by score: earlier picks never rank below later ones (ties by index).
    keys = [(-scores[i], i) for i in chosen]
    assert keys == sorted(keys)

    # Nothing was left out that could still have been added.
    cited = set(chosen).union(*(same_claim[c] for c in chosen))

    def compatible(i: int) -> bool:
        repeats = any(dense[i, c] >= max_overlap for c in chosen)
        return not repeats and i not in cited and not cited & set(same_claim[i])

    used = sum(words[i] for i in chosen)
    full = max_sentences is not None and len(chosen) == max_sentences
    for i in set(range(n)) - set(chosen):
        fits = max_words is None or used + words[i] <= max_words
        assert full or not fits or not compatible(i), f"sentence {i} should have been chosen"


@pytest.mark.parametrize(
    ("kwargs", "parameter"),
    [
        ({"max_sentences": 0}, "max_sentences"),
        ({"max_words": 0}, "max_words"),
        ({"max_overlap": 0.0}, "max_overlap"),
        ({"max_overlap": 1.5}, "max_overlap"),
    ],
)
def test_bad_budgets_raise_value_error_naming_the_parameter(
    kwargs: dict[str, float], parameter: str
) -> None:
    arguments: dict[str, object] = {"max_sentences": 3, "max_words": None, "max_overlap": 0.5}
    arguments.update(kwargs)

    with pytest.raises(ValueError, match=parameter):
        select_diverse(SCORES, graph(5), WORDS, **arguments)  # type: ignore[arg-type]


def test_mismatched_lengths_raise() -> None:
    with pytest.raises(ValueError, match="same sentences"):
        select_diverse(
            SCORES, graph(5), WORDS[:3], max_sentences=3, max_words=None, max_overlap=0.5
        )
    with pytest.raises(ValueError, match="same_claim"):
        select_diverse(
            SCORES, graph(5), WORDS, max_sentences=3, max_words=None, max_overlap=0.5,
            same_claim=[[1]],
        )
