"""Similarity between sentences: lexical (TF-IDF over stems), semantic, or both.

The result is always a sparse graph. Each row keeps its ``top_k`` strongest
neighbours above ``min_similarity``, plus every neighbour at or above
``keep_above`` (the pairs that may say the same thing, which the support stage
needs in full). Rows are computed in blocks, so memory grows with
``n_sentences * (block_size + top_k)`` rather than ``n_sentences ** 2``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from nltk.stem.porter import PorterStemmer
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

FloatArray = npt.NDArray[np.float64]

_TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_POSSESSIVE = re.compile(r"['’]s?$")
_STEMMER = PorterStemmer()


@lru_cache(maxsize=200_000)
def _stem(word: str) -> str:
    return _STEMMER.stem(word, to_lowercase=False)


def tokenize(text: str) -> list[str]:
    """Lower-cased Porter stems of the content words of ``text``.

    Stopwords (scikit-learn's English list) and one-character tokens are
    dropped; possessives lose their "'s", so "Putin's" and "Putins" meet.
    """
    stems = []
    for match in _TOKEN.finditer(text.lower()):
        word = _POSSESSIVE.sub("", match.group())
        if len(word) < 2 or word in ENGLISH_STOP_WORDS:
            continue
        stems.append(_stem(word))
    return stems


def tfidf_vectors(
    tokens: Sequence[Sequence[str]], documents: Sequence[int]
) -> sp.csr_matrix:
    """Sublinear TF-IDF vectors of sentences, L2-normalised.

    IDF counts each article as a document (Erkan & Radev's LexRank does the
    same), so a term every source repeats weighs little and a name only one
    source gives weighs more. With a single article, sentences are the
    documents instead.

    Args:
        tokens: Stems of each sentence, from ``tokenize``.
        documents: Article index of each sentence.

    Returns:
        Sparse matrix of shape (n_sentences, n_terms), rows of unit length
        (all-zero for a sentence with no content word).
    """
    if len(tokens) != len(documents):
        raise ValueError("tokens and documents must have the same length")
    vocabulary: dict[str, int] = {}
    rows, cols, counts = [], [], []
    for row, stems in enumerate(tokens):
        for stem, count in _count(stems).items():
            rows.append(row)
            cols.append(vocabulary.setdefault(stem, len(vocabulary)))
            counts.append(count)
    n_rows, n_terms = len(tokens), max(1, len(vocabulary))
    tf = sp.csr_matrix(
        (1.0 + np.log(np.asarray(counts, dtype=np.float64)), (rows, cols)),
        shape=(n_rows, n_terms),
    )
    units = np.asarray(documents, dtype=np.int64)
    if len(np.unique(units)) < 2:
        units = np.arange(n_rows)
    # Document frequency: in how many units each term occurs.
    presence = sp.csr_matrix(
        (np.ones(len(rows)), (units[np.asarray(rows, dtype=np.int64)], cols)),
        shape=(int(units.max(initial=0)) + 1, n_terms),
    )
    presence.data[:] = 1.0
    document_frequency = np.asarray(presence.sum(axis=0)).ravel()
    n_units = len(np.unique(units)) if n_rows else 1
    idf = np.log((1.0 + n_units) / (1.0 + document_frequency)) + 1.0
    vectors = tf @ sp.diags(idf)
    return _normalise_rows(sp.csr_matrix(vectors))


def _count(stems: Sequence[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for stem in stems:
        counts[stem] = counts.get(stem, 0) + 1
    return counts


def _normalise_rows(matrix: sp.csr_matrix) -> sp.csr_matrix:
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0.0] = 1.0
    return sp.csr_matrix(sp.diags(1.0 / norms) @ matrix)


def similarity_graph(
    lexical: sp.csr_matrix | None,
    semantic: npt.NDArray[np.float32] | None,
    *,
    lexical_weight: float = 0.5,
    semantic_floor: float = 0.2,
    top_k: int = 30,
    min_similarity: float = 0.05,
    keep_above: float = 0.5,
    block_size: int = 1024,
) -> sp.csr_matrix:
    """Sparse symmetric sentence-similarity graph, without self-loops.

    Semantic cosines of sentences from one story rarely fall below about 0.2,
    so they are rescaled as ``(cos - semantic_floor) / (1 - semantic_floor)``
    and clipped at 0 before they are mixed, which puts them on the scale of
    the lexical cosines.

    Args:
        lexical: Unit-length TF-IDF rows, shape (n_sentences, n_terms), or None.
        semantic: Unit-length embeddings, shape (n_sentences, dim), or None.
        lexical_weight: Weight of the lexical cosine when both are given, in [0, 1].
        semantic_floor: Semantic cosine mapped to 0, in [0, 1).
        top_k: Neighbours kept per row (>= 1).
        min_similarity: Weaker edges are dropped, in [0, 1].
        keep_above: Edges at least this strong are kept even beyond ``top_k``.
        block_size: Rows computed at once (>= 1).

    Returns:
        Sparse matrix of shape (n_sentences, n_sentences), entries in [0, 1].

    Raises:
        ValueError: If neither representation is given, their row counts
            differ, or a parameter is out of range.
    """
    if lexical is None and semantic is None:
        raise ValueError("similarity_graph needs lexical or semantic vectors")
    if not 0.0 <= lexical_weight <= 1.0:
        raise ValueError(f"lexical_weight must be in [0, 1], got {lexical_weight}")
    if not 0.0 <= semantic_floor < 1.0:
        raise ValueError(f"semantic_floor must be in [0, 1), got {semantic_floor}")
    if top_k < 1 or block_size < 1:
        raise ValueError("top_k and block_size must be >= 1")
    n = lexical.shape[0] if lexical is not None else len(semantic)  # type: ignore[arg-type]
    if lexical is not None and semantic is not None and len(semantic) != n:
        raise ValueError("lexical and semantic vectors must have the same number of rows")
    if lexical is not None and semantic is not None:
        weights = (lexical_weight, 1.0 - lexical_weight)
    else:
        weights = (1.0, 1.0)
    lexical_t = lexical.T.tocsr() if lexical is not None else None
    rows: list[npt.NDArray[np.int64]] = []
    cols: list[npt.NDArray[np.int64]] = []
    values: list[FloatArray] = []
    for first in range(0, n, block_size):
        last = min(n, first + block_size)
        block = np.zeros((last - first, n), dtype=np.float64)
        if lexical is not None and lexical_t is not None:
            block += weights[0] * (lexical[first:last] @ lexical_t).toarray()
        if semantic is not None:
            cosine = semantic[first:last].astype(np.float64) @ semantic.T.astype(np.float64)
            block += weights[1] * np.clip((cosine - semantic_floor) / (1.0 - semantic_floor), 0, 1)
        np.clip(block, 0.0, 1.0, out=block)
        block[np.arange(last - first), np.arange(first, last)] = 0.0
        row_index, col_index = _strongest(block, top_k, min_similarity, keep_above)
        rows.append(row_index + first)
        cols.append(col_index)
        values.append(block[row_index, col_index])
    graph = sp.csr_matrix(
        (np.concatenate(values), (np.concatenate(rows), np.concatenate(cols))), shape=(n, n)
    ) if rows else sp.csr_matrix((n, n))
    # A kept edge in either direction is an edge: symmetric by construction.
    return sp.csr_matrix(graph.maximum(graph.T))


def _strongest(
    block: FloatArray, top_k: int, min_similarity: float, keep_above: float
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Coordinates of the entries of ``block`` that the graph keeps."""
    keep = block >= max(keep_above, min_similarity)
    if block.shape[1] > top_k:
        top = np.argpartition(-block, top_k - 1, axis=1)[:, :top_k]
        chosen = np.zeros_like(keep)
        np.put_along_axis(chosen, top, True, axis=1)
        keep |= chosen & (block >= min_similarity) & (block > 0.0)
    else:
        keep |= (block >= min_similarity) & (block > 0.0)
    row_index, col_index = np.nonzero(keep)
    return row_index.astype(np.int64), col_index.astype(np.int64)
