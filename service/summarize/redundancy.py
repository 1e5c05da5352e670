"""Choose the summary: best first, skipping what a chosen sentence already says."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp


def select_diverse(
    scores: npt.NDArray[np.float64],
    similarity: sp.csr_matrix,
    word_counts: Sequence[int],
    *,
    max_sentences: int | None,
    max_words: int | None,
    max_overlap: float,
    same_claim: Sequence[Sequence[int]] = (),
) -> list[int]:
    """Greedy selection by score under hard budgets, without repetition.

    A sentence is skipped when its similarity to a chosen one reaches
    ``max_overlap``, or when it or any sentence of its ``same_claim`` group
    (its citations) is cited by a chosen one. A sentence that does not fit
    the word budget is skipped and shorter ones are still tried; none is
    ever cut. Ties in score go to the lower index, so the result is
    deterministic.

    Args:
        scores: Score of each sentence, shape (n_sentences,).
        similarity: Sentence similarity, shape (n_sentences, n_sentences).
        word_counts: Words in each sentence.
        max_sentences: Most sentences (>= 1), or None for no limit.
        max_words: Most words in all (>= 1), or None for no limit.
        max_overlap: Similarity at which two sentences count as repeating, in (0, 1].
        same_claim: For each sentence, the sentences that say the same thing.

    Returns:
        Indices of the chosen sentences, best first.

    Raises:
        ValueError: If a budget or ``max_overlap`` is out of range, or the
            lengths differ.
    """
    n = len(scores)
    _check_selection(n, similarity, word_counts, max_sentences, max_words, max_overlap, same_claim)
    matrix = sp.csr_matrix(similarity)
    order = np.lexsort((np.arange(n), -np.asarray(scores, dtype=np.float64)))
    return _greedy(
        order.tolist(),
        matrix,
        word_counts,
        max_sentences=max_sentences,
        max_words=max_words,
        max_overlap=max_overlap,
        same_claim=same_claim,
    )


def _check_selection(
    n: int,
    similarity: sp.csr_matrix,
    word_counts: Sequence[int],
    max_sentences: int | None,
    max_words: int | None,
    max_overlap: float,
    same_claim: Sequence[Sequence[int]],
) -> None:
    """Raise ``ValueError`` naming the budget or input that is out of range or mismatched."""
    if max_sentences is not None and max_sentences < 1:
        raise ValueError(f"max_sentences must be >= 1, got {max_sentences}")
    if max_words is not None and max_words < 1:
        raise ValueError(f"max_words must be >= 1, got {max_words}")
    if not 0.0 < max_overlap <= 1.0:
        raise ValueError(f"max_overlap must be in (0, 1], got {max_overlap}")
    if len(word_counts) != n or similarity.shape != (n, n):
        raise ValueError("scores, similarity and word_counts must describe the same sentences")
    if same_claim and len(same_claim) != n:
        raise ValueError("same_claim must have one entry per sentence")


def _greedy(
    order: list[int],
    matrix: sp.csr_matrix,
    word_counts: Sequence[int],
    *,
    max_sentences: int | None,
    max_words: int | None,
    max_overlap: float,
    same_claim: Sequence[Sequence[int]],
) -> list[int]:
    """Take the sentences in ``order`` that fit and repeat no chosen one (``select_diverse``)."""
    n = len(order)
    chosen: list[int] = []
    blocked = np.zeros(n, dtype=bool)
    # A chosen sentence and the sentences it cites: a candidate that cites any
    # of them says the same thing, even where the two did not match directly.
    cited = np.zeros(n, dtype=bool)
    words_left = max_words
    shortest = min(word_counts) if n else 0
    for index in order:
        if max_sentences is not None and len(chosen) >= max_sentences:
            break
        if words_left is not None and words_left < shortest:
            break
        group = list(same_claim[index]) if same_claim else []
        if blocked[index] or cited[index] or cited[group].any():
            continue
        if words_left is not None and word_counts[index] > words_left:
            continue
        chosen.append(index)
        if words_left is not None:
            words_left -= word_counts[index]
        begin, end = matrix.indptr[index], matrix.indptr[index + 1]
        neighbours = matrix.indices[begin:end]
        blocked[neighbours[matrix.data[begin:end] >= max_overlap]] = True
        cited[index] = True
        cited[group] = True
    return chosen
