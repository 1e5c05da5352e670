"""Cross-source support: which other articles say the same thing.

Two sentences of different articles say the same thing when their similarity
reaches a threshold: copied wire text does so lexically, a paraphrase (or a
quote in an article that lost its punctuation) semantically. Each sentence's
group is itself plus, from every other article, its most similar sentence
above the threshold; the group's size in articles is its support, and the
group becomes the citations of the sentence if it is chosen.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp


@dataclass(frozen=True, slots=True)
class Match:
    """The sentence of another article that best matches a given sentence."""

    sentence: int
    similarity: float


def find_support(
    similarity: sp.csr_matrix,
    articles: npt.NDArray[np.int64],
    *,
    threshold: float,
) -> list[list[Match]]:
    """For each sentence, the best match in every other article above ``threshold``.

    Args:
        similarity: Symmetric sentence similarity, shape (n_sentences, n_sentences).
        articles: Article index of each sentence, shape (n_sentences,).
        threshold: Least similarity of two sentences that say the same thing, in (0, 1].

    Returns:
        For each sentence, its matches ordered by article index; support is
        ``1 + len(matches)``.

    Raises:
        ValueError: If ``threshold`` is out of range or the shapes differ.
    """
    if not 0.0 < threshold <= 1.0:
        raise ValueError(f"threshold must be in (0, 1], got {threshold}")
    n = similarity.shape[0]
    if articles.shape != (n,):
        raise ValueError(f"articles must have shape ({n},), got {articles.shape}")
    matrix = sp.csr_matrix(similarity)
    counts = np.diff(matrix.indptr)
    rows = np.repeat(np.arange(n, dtype=np.int64), counts)
    columns = matrix.indices.astype(np.int64)
    values = matrix.data
    own = np.asarray(articles, dtype=np.int64)
    keep = np.flatnonzero((values >= threshold) & (own[columns] != own[rows]))
    rows, columns, values = rows[keep], columns[keep], values[keep]
    other = own[columns]
    # Per row and article, the strongest first; ties go to the earlier
    # sentence, so the result is deterministic.
    order = np.lexsort((columns, -values, other, rows))
    rows, columns, values, other = rows[order], columns[order], values[order], other[order]
    first = np.ones(len(rows), dtype=bool)
    first[1:] = (rows[1:] != rows[:-1]) | (other[1:] != other[:-1])
    rows, columns, values = rows[first], columns[first], values[first]
    groups: list[list[Match]] = [[] for _ in range(n)]
    for row, column, value in zip(rows.tolist(), columns.tolist(), values.tolist(), strict=True):
        groups[row].append(Match(column, value))
    return groups
