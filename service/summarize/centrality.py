"""Sentence centrality: continuous LexRank.

Erkan, G. and Radev, D. R. (2004), "LexRank: Graph-based Lexical Centrality
as Salience in Text Summarization", JAIR 22. Each sentence's score is its
stationary probability under a random walk over the similarity graph, with a
damping jump. Unlike the paper's uniform jump, the jump distribution may be
biased (a prior: position, well-formedness or, for focused summaries,
relevance to a query), as in Otterbacher, Erkan and Radev (2005),
"Using Random Walks for Question-focused Sentence Retrieval".
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from .errors import ConvergenceError

FloatArray = npt.NDArray[np.float64]


def lexrank_scores(
    similarity: sp.csr_matrix | FloatArray,
    *,
    prior: FloatArray | None = None,
    damping: float = 0.15,
    tol: float = 1e-8,
    max_iter: int = 1000,
) -> FloatArray:
    """Stationary distribution of the damped random walk over ``similarity``.

    Args:
        similarity: Non-negative weights, shape (n_sentences, n_sentences);
            the diagonal is ignored.
        prior: Jump distribution, shape (n_sentences,), non-negative and not
            all zero; uniform when None.
        damping: Probability of jumping instead of following an edge, in (0, 1].
        tol: Stop when successive score vectors differ by less (L1), > 0.
        max_iter: Most iterations (>= 1).

    Returns:
        Scores of shape (n_sentences,), non-negative, summing to 1.

    Raises:
        ValueError: If an argument is out of range or a shape does not match.
        ConvergenceError: If ``max_iter`` iterations do not reach ``tol``.
    """
    _check_walk(damping, tol, max_iter)
    matrix = _graph(similarity)
    n = matrix.shape[0]
    if n == 0:
        return np.zeros(0)
    jump = _distribution(prior, n)
    transition_t, dangling = _transition(matrix)
    return _power_iteration(transition_t, dangling, jump, damping, tol, max_iter)


def _check_walk(damping: float, tol: float, max_iter: int) -> None:
    """Raise ``ValueError`` naming the walk parameter that is out of range."""
    if not 0.0 < damping <= 1.0:
        raise ValueError(f"damping must be in (0, 1], got {damping}")
    if tol <= 0.0:
        raise ValueError(f"tol must be > 0, got {tol}")
    if max_iter < 1:
        raise ValueError(f"max_iter must be >= 1, got {max_iter}")


def _graph(similarity: sp.csr_matrix | FloatArray) -> sp.csr_matrix:
    """A copy of ``similarity``, checked square and non-negative, without its diagonal."""
    # A copy: the diagonal is cleared below, and the caller's matrix must not change.
    matrix = sp.csr_matrix(similarity, dtype=np.float64, copy=True)
    n = matrix.shape[0]
    if matrix.shape != (n, n):
        raise ValueError(f"similarity must be square, got shape {matrix.shape}")
    if n == 0:
        return matrix
    if matrix.nnz and matrix.data.min() < 0:
        raise ValueError("similarity must be non-negative")
    matrix.setdiag(0.0)
    matrix.eliminate_zeros()
    return matrix


def _transition(matrix: sp.csr_matrix) -> tuple[sp.csr_matrix, npt.NDArray[np.bool_]]:
    """The transpose of the row-stochastic transition, and which sentences have no edge."""
    out_weight = np.asarray(matrix.sum(axis=1)).ravel()
    dangling = out_weight == 0.0
    out_weight[dangling] = 1.0
    # Row-stochastic transition; we iterate with its transpose.
    transition_t = sp.csr_matrix((sp.diags(1.0 / out_weight) @ matrix).T)
    return transition_t, dangling


def _power_iteration(
    transition_t: sp.csr_matrix,
    dangling: npt.NDArray[np.bool_],
    jump: FloatArray,
    damping: float,
    tol: float,
    max_iter: int,
) -> FloatArray:
    """The damped walk's stationary distribution, from ``jump`` until steps differ by < tol."""
    scores = jump.copy()
    jumped = damping * jump
    followed = 1.0 - damping
    any_dangling = bool(dangling.any())
    for _ in range(max_iter):
        walked: FloatArray = transition_t @ scores
        if any_dangling:
            # A sentence with no edge jumps like everyone else, so no mass is lost.
            walked = walked + scores[dangling].sum() * jump
        updated = jumped + followed * walked
        updated /= updated.sum()
        if np.abs(updated - scores).sum() < tol:
            return updated
        scores = updated
    raise ConvergenceError(f"LexRank did not converge in {max_iter} iterations (tol={tol})")


def _distribution(prior: FloatArray | None, n: int) -> FloatArray:
    if prior is None:
        return np.full(n, 1.0 / n)
    weights = np.asarray(prior, dtype=np.float64)
    if weights.shape != (n,):
        raise ValueError(f"prior must have shape ({n},), got {weights.shape}")
    if not np.all(np.isfinite(weights)) or weights.min() < 0 or weights.sum() <= 0:
        raise ValueError("prior must be finite, non-negative and not all zero")
    distribution: FloatArray = weights / weights.sum()
    return distribution
