"""Continuous LexRank on hand-built similarity matrices."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from service.summarize import ConvergenceError
from service.summarize.centrality import lexrank_scores


def star(n_leaves: int) -> np.ndarray:
    """Sentence 0 is similar to every other; the others to nothing else."""
    matrix = np.zeros((n_leaves + 1, n_leaves + 1))
    matrix[0, 1:] = matrix[1:, 0] = 1.0
    return matrix


def complete(n: int, weight: float = 0.4) -> np.ndarray:
    matrix = np.full((n, n), weight)
    np.fill_diagonal(matrix, 1.0)  # ignored
    return matrix


def stationary(similarity: np.ndarray, prior: np.ndarray, damping: float) -> np.ndarray:
    """The same walk, solved exactly as the leading eigenvector of its dense Google matrix."""
    n = len(similarity)
    weights = similarity.copy()
    np.fill_diagonal(weights, 0.0)
    jump = prior / prior.sum()
    rows = weights.sum(axis=1)
    transition = np.where(rows[:, None] > 0, weights / np.where(rows > 0, rows, 1)[:, None], jump)
    google = damping * np.tile(jump, (n, 1)) + (1 - damping) * transition
    values, vectors = np.linalg.eig(google.T)
    leading = np.real(vectors[:, np.argmax(np.real(values))])
    return leading / leading.sum()


@pytest.fixture
def random_graph() -> np.ndarray:
    rng = np.random.default_rng(11)
    matrix = rng.random((9, 9))
    matrix = (matrix + matrix.T) / 2
    matrix[matrix < 0.5] = 0.0
    matrix[4, :] = matrix[:, 4] = 0.0  # a sentence with no edge
    return matrix


@pytest.mark.parametrize("damping", [0.05, 0.15, 0.5, 1.0])
def test_scores_are_a_distribution(random_graph: np.ndarray, damping: float) -> None:
    scores = lexrank_scores(random_graph, damping=damping)

    assert scores.shape == (9,)
    assert (scores >= 0).all()
    assert scores.sum() == pytest.approx(1.0)


@pytest.mark.parametrize("damping", [0.1, 0.15, 0.5])
def test_scores_match_the_exact_stationary_distribution(
    random_graph: np.ndarray, damping: float
) -> None:
    prior = np.linspace(1.0, 2.0, len(random_graph))

    scores = lexrank_scores(random_graph, prior=prior, damping=damping, tol=1e-12)

    np.testing.assert_allclose(scores, stationary(random_graph, prior, damping), atol=1e-9)


def test_star_hub_scores_highest_and_leaves_tie() -> None:
    scores = lexrank_scores(star(5))

    assert scores[0] > scores[1:].max()
    np.testing.assert_allclose(scores[1:], scores[1])


def test_complete_graph_gives_uniform_scores() -> None:
    scores = lexrank_scores(complete(6))

    np.testing.assert_allclose(scores, np.full(6, 1 / 6))


def test_sparse_and_dense_inputs_agree(random_graph: np.ndarray) -> None:
    dense = lexrank_scores(random_graph)
    sparse = lexrank_scores(sp.csr_matrix(random_graph))

    np.testing.assert_allclose(sparse, dense)


def test_diagonal_is_ignored(random_graph: np.ndarray) -> None:
    with_loops = random_graph.copy()
    np.fill_diagonal(with_loops, 5.0)

    np.testing.assert_allclose(lexrank_scores(with_loops), lexrank_scores(random_graph))


def test_prior_biases_scores() -> None:
    prior = np.array([1.0, 1.0, 1.0, 4.0, 1.0, 1.0])

    scores = lexrank_scores(complete(6), prior=prior)

    assert scores[3] > 1 / 6
    assert scores.argmax() == 3
    np.testing.assert_allclose(np.delete(scores, 3), scores[0])


def test_stronger_damping_follows_the_prior_more_closely() -> None:
    prior = np.array([1.0, 1.0, 1.0, 4.0, 1.0, 1.0])

    weak = lexrank_scores(complete(6), prior=prior, damping=0.1)
    strong = lexrank_scores(complete(6), prior=prior, damping=0.9)

    assert weak[3] < strong[3]


def test_full_damping_returns_the_prior() -> None:
    prior = np.array([3.0, 1.0, 0.0, 4.0])

    scores = lexrank_scores(star(3), prior=prior, damping=1.0)

    np.testing.assert_allclose(scores, prior / prior.sum())


def test_graph_without_edges_returns_the_prior() -> None:
    prior = np.array([1.0, 2.0, 3.0, 4.0])

    uniform = lexrank_scores(np.zeros((4, 4)))
    biased = lexrank_scores(sp.csr_matrix((4, 4)), prior=prior)

    np.testing.assert_allclose(uniform, 0.25)
    np.testing.assert_allclose(biased, prior / prior.sum())


def test_dangling_sentence_loses_no_mass(random_graph: np.ndarray) -> None:
    scores = lexrank_scores(random_graph, damping=0.15)

    assert np.isfinite(scores).all()
    assert scores.sum() == pytest.approx(1.0)
    # The isolated sentence is only ever reached by a jump, so it scores least.
    assert scores[4] == scores.min()
    assert scores[4] > 0


def test_single_sentence_scores_one() -> None:
    np.testing.assert_allclose(lexrank_scores(np.zeros((1, 1))), [1.0])


def test_empty_matrix_gives_no_scores() -> None:
    assert lexrank_scores(np.zeros((0, 0))).shape == (0,)


def test_scores_are_deterministic(random_graph: np.ndarray) -> None:
    first = lexrank_scores(random_graph)
    second = lexrank_scores(random_graph.copy())

    np.testing.assert_array_equal(first, second)


def test_dense_input_is_not_modified(random_graph: np.ndarray) -> None:
    graph = random_graph + np.eye(9)
    before = graph.copy()

    lexrank_scores(graph)

    np.testing.assert_array_equal(graph, before)


def test_sparse_input_is_not_modified(random_graph: np.ndarray) -> None:
    graph = sp.csr_matrix(random_graph + np.eye(9))
    before = graph.toarray()

    lexrank_scores(graph)

    np.testing.assert_array_equal(graph.toarray(), before)


def test_too_few_iterations_raise_convergence_error() -> None:
    with pytest.raises(ConvergenceError, match="1 iterations"):
        lexrank_scores(star(5), max_iter=1, tol=1e-15)


@pytest.mark.parametrize(
    ("kwargs", "parameter"),
    [
        ({"damping": 0.0}, "damping"),
        ({"damping": 1.5}, "damping"),
        ({"tol": 0.0}, "tol"),
        ({"tol": -1e-3}, "tol"),
        ({"max_iter": 0}, "max_iter"),
        ({"prior": np.ones(3)}, "prior"),
        ({"prior": np.zeros(4)}, "prior"),
        ({"prior": np.array([1.0, -1.0, 1.0, 1.0])}, "prior"),
        ({"prior": np.array([1.0, np.nan, 1.0, 1.0])}, "prior"),
    ],
)
def test_bad_arguments_raise_value_error_naming_the_parameter(
    kwargs: dict[str, object], parameter: str
) -> None:
    with pytest.raises(ValueError, match=parameter):
        lexrank_scores(star(3), **kwargs)  # type: ignore[arg-type]


def test_non_square_matrix_is_rejected() -> None:
    with pytest.raises(ValueError, match="square"):
        lexrank_scores(np.zeros((2, 3)))


def test_negative_similarity_is_rejected() -> None:
    matrix = star(3)
    matrix[1, 2] = -0.5

    with pytest.raises(ValueError, match="non-negative"):
        lexrank_scores(matrix)
