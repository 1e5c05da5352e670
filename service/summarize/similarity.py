"""Similarity between sentences: lexical (TF-IDF over stems), semantic, or both.

The result is always a sparse graph. Each row keeps its ``top_k`` strongest
neighbours above ``min_similarity``, plus every neighbour at or above
``keep_above`` (the pairs that may say the same thing, which the support stage
needs in full). Rows are computed in blocks. Lexical similarity alone is never
made dense: a block is the sparse product of its rows with all rows, sized by
its number of term products, and only its nonzero cosines are looked at. With
semantic similarity in the mix (a shortlist of a few hundred sentences) a block
is dense, of at most ``_CELLS_PER_BLOCK`` cells.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Hashable, Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from itertools import chain
from typing import TypeVar

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from nltk.stem.porter import PorterStemmer
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

FloatArray = npt.NDArray[np.float64]
Item = TypeVar("Item", bound=Hashable)

_TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_POSSESSIVE = re.compile(r"['’]s?$")
_STEMMER = PorterStemmer()


@lru_cache(maxsize=200_000)
def porter_stem(word: str) -> str:
    """NLTK's Porter stem of a lower-case ``word``, cached (shared with coverage.py)."""
    stem: str = _STEMMER.stem(word, to_lowercase=False)
    return stem


class StemMemo(dict[str, str]):
    """word -> ``stem(word)``, computed on first sight; emptied when it reaches ``limit``.

    A plain dict lookup (``map(memo.__getitem__, words)``) costs a fraction of an
    ``lru_cache`` call, which counts when every word of every sentence goes through it.
    """

    def __init__(self, stem: Callable[[str], str], limit: int = 200_000) -> None:
        super().__init__()
        self._stem = stem
        self.limit = limit

    def __missing__(self, word: str) -> str:
        stem = self._stem(word)
        if len(self) >= self.limit:
            self.clear()
        self[word] = stem
        return stem


def _content_stem(token: str) -> str:
    """A lower-cased token's stem, or "" for a token that is dropped."""
    word = _POSSESSIVE.sub("", token)
    return "" if len(word) < 2 or word in ENGLISH_STOP_WORDS else porter_stem(word)


_TOKEN_STEMS = StemMemo(_content_stem)


def tokenize(text: str) -> list[str]:
    """Lower-cased Porter stems of the content words of ``text``.

    Stopwords (scikit-learn's English list) and one-character tokens are
    dropped; possessives lose their "'s", so "Putin's" and "Putins" meet.
    """
    # A lone surrogate (no character of its own) must not cut a word in two.
    text = _SURROGATE.sub("", text)
    return list(filter(None, map(_TOKEN_STEMS.__getitem__, _TOKEN.findall(text.lower()))))


_SURROGATE = re.compile("[\ud800-\udfff]")


def tfidf_vectors(
    tokens: Sequence[Sequence[str]],
    documents: Sequence[int],
    *,
    queries: Sequence[Sequence[str]] = (),
) -> sp.csr_matrix:
    """Sublinear TF-IDF vectors of sentences, L2-normalised.

    IDF counts each article as a document (Erkan & Radev's LexRank does the
    same), so a term every source repeats weighs little and a name only one
    source gives weighs more. With a single article, sentences are the
    documents instead.

    Args:
        tokens: Stems of each sentence, from ``tokenize``.
        documents: Article index of each sentence.
        queries: Stems of texts to weigh with the sentences' IDF (a focus
            query); their rows follow the sentences' and do not change the
            IDF. Terms no sentence holds are dropped.

    Returns:
        Sparse matrix of shape (n_sentences + n_queries, n_terms), rows of
        unit length (all-zero for a row with no content word).
    """
    if len(tokens) != len(documents):
        raise ValueError("tokens and documents must have the same length")
    vectors, vocabulary, idf = _tfidf_rows(tokens, documents)
    if not queries:
        return vectors
    rows: list[int] = []
    cols: list[int] = []
    values: list[float] = []
    for row, stems in enumerate(queries):
        for stem, count in Counter(s for s in stems if s in vocabulary).items():
            rows.append(row)
            cols.append(vocabulary[stem])
            values.append(float((1.0 + np.log(count)) * idf[vocabulary[stem]]))
    extra = sp.csr_matrix((values, (rows, cols)), shape=(len(queries), vectors.shape[1]))
    return sp.csr_matrix(sp.vstack([vectors, _normalise_rows(extra)]))


def number_items(
    groups: Sequence[Sequence[Item]],
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], dict[Item, int]]:
    """The group and the number of every item of ``groups``, items numbered in the
    order first seen, and that numbering."""
    flat = list(chain.from_iterable(groups))
    numbering = {item: index for index, item in enumerate(dict.fromkeys(flat))}
    rows = np.repeat(np.arange(len(groups), dtype=np.int64), [len(group) for group in groups])
    ids = np.fromiter(map(numbering.__getitem__, flat), dtype=np.int64, count=len(flat))
    return rows, ids, numbering


def _tfidf_rows(
    tokens: Sequence[Sequence[str]], documents: Sequence[int]
) -> tuple[sp.csr_matrix, dict[str, int], FloatArray]:
    n_rows = len(tokens)
    rows, ids, vocabulary = number_items(tokens)
    n_terms = max(1, len(vocabulary))
    # One entry per (sentence, term), sorted: its count.
    keys, counts = np.unique(rows * n_terms + ids, return_counts=True)
    entry_rows, entry_cols = np.divmod(keys, n_terms)
    units = np.asarray(documents, dtype=np.int64)
    if len(np.unique(units)) < 2:
        units = np.arange(n_rows)
    # Document frequency: in how many units each term occurs.
    in_unit = np.unique(units[entry_rows] * n_terms + entry_cols) % n_terms
    document_frequency = np.bincount(in_unit, minlength=n_terms).astype(np.float64)
    n_units = len(np.unique(units)) if n_rows else 1
    idf = np.log((1.0 + n_units) / (1.0 + document_frequency)) + 1.0
    values = (1.0 + np.log(counts.astype(np.float64))) * idf[entry_cols]
    norms = np.sqrt(np.bincount(entry_rows, weights=values * values, minlength=n_rows))
    norms[norms == 0.0] = 1.0
    values = (1.0 / norms)[entry_rows] * values
    indptr = np.zeros(n_rows + 1, dtype=np.int64)
    np.cumsum(np.bincount(entry_rows, minlength=n_rows), out=indptr[1:])
    vectors = sp.csr_matrix((values, entry_cols, indptr), shape=(n_rows, n_terms))
    return vectors, vocabulary, idf


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
    n = _graph_rows(lexical, semantic, lexical_weight, semantic_floor, top_k, block_size)
    if semantic is None:
        assert lexical is not None
        row_index, col_index, kept = _lexical_edges(
            sp.csr_matrix(lexical), top_k, min_similarity, keep_above, block_size
        )
    else:
        # Mixed only when both are given; either alone counts in full.
        weights = (lexical_weight, 1.0 - lexical_weight) if lexical is not None else (1.0, 1.0)
        row_index, col_index, kept = _dense_edges(
            lexical, semantic, weights, semantic_floor, top_k, min_similarity, keep_above,
            block_size,
        )
    graph = sp.csr_matrix((kept, (row_index, col_index)), shape=(n, n))
    # A kept edge in either direction is an edge: symmetric by construction.
    return sp.csr_matrix(graph.maximum(graph.T))


def _graph_rows(
    lexical: sp.csr_matrix | None,
    semantic: npt.NDArray[np.float32] | None,
    lexical_weight: float,
    semantic_floor: float,
    top_k: int,
    block_size: int,
) -> int:
    """The number of sentences, once ``similarity_graph``'s arguments are checked."""
    if lexical is None and semantic is None:
        raise ValueError("similarity_graph needs lexical or semantic vectors")
    if not 0.0 <= lexical_weight <= 1.0:
        raise ValueError(f"lexical_weight must be in [0, 1], got {lexical_weight}")
    if not 0.0 <= semantic_floor < 1.0:
        raise ValueError(f"semantic_floor must be in [0, 1), got {semantic_floor}")
    if top_k < 1 or block_size < 1:
        raise ValueError("top_k and block_size must be >= 1")
    n: int = lexical.shape[0] if lexical is not None else len(semantic)  # type: ignore[arg-type]
    if lexical is not None and semantic is not None and len(semantic) != n:
        raise ValueError("lexical and semantic vectors must have the same number of rows")
    return n


_BUCKETS = 64
"""Value buckets that narrow the sort for a row's strongest edges."""

_PRODUCTS_PER_BLOCK = 4_000_000
"""Most term products (an upper bound of the nonzeros) of one block of lexical rows."""

_THREADS = 2
"""Blocks of lexical rows worked on at once. scipy's sparse product and numpy's sorts
let go of the GIL, so a lone request uses both cores of the 2-core machine it is sized
for; two concurrent requests share them as before (they get no gain and lose little)."""

_CELLS_PER_BLOCK = 2_000_000
"""Most cells of one dense block (semantic similarity): 16 MB of float64."""

Edges = tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], FloatArray]


def _lexical_edges(
    lexical: sp.csr_matrix, top_k: int, min_similarity: float, keep_above: float, block_size: int
) -> Edges:
    """The kept edges of lexical similarity alone, never densifying a block.

    Only the nonzero cosines exist in the sparse product, and every edge the
    graph keeps is one of them; the choice is the dense one's, entry for entry
    (same products, same sums, same ties), and costs memory in proportion to
    the products of a block rather than to ``block_size * n``. Blocks are worked
    on :data:`_THREADS` at a time; the edges are those of one block at a time.
    """
    lexical_t = lexical.T.tocsr()
    # Products of row i with all rows: sum over its terms of their row counts.
    term_rows = np.diff(lexical_t.indptr).astype(np.int64)
    present = sp.csr_matrix(
        (np.ones(lexical.nnz, dtype=np.int64), lexical.indices, lexical.indptr),
        shape=lexical.shape,
    )
    work = np.asarray(present @ term_rows, dtype=np.int64).ravel()

    def strongest_of(bounds: tuple[int, int]) -> Edges:
        first, last = bounds
        product = sp.csr_matrix(lexical[first:last] @ lexical_t)
        row_index, col_index, kept = _strongest_sparse(
            product, first, top_k, min_similarity, keep_above
        )
        return row_index + first, col_index, kept

    blocks = _blocks(work, block_size, _PRODUCTS_PER_BLOCK)
    if len(blocks) > 1:
        # In block order whichever thread ends first: the edges of one block at a time.
        with ThreadPoolExecutor(max_workers=_THREADS) as pool:
            found = list(pool.map(strongest_of, blocks))
    else:
        found = [strongest_of(bounds) for bounds in blocks]
    return _concatenate([e[0] for e in found], [e[1] for e in found], [e[2] for e in found])


def _blocks(work: npt.NDArray[np.int64], most_rows: int, budget: int) -> list[tuple[int, int]]:
    """Consecutive row ranges of at most ``most_rows`` rows and ``budget`` work (or one row)."""
    bounds: list[tuple[int, int]] = []
    n = len(work)
    cumulative = np.concatenate(([0], np.cumsum(work)))
    first = 0
    while first < n:
        # The last row that keeps the block within budget, at least one row.
        last = int(np.searchsorted(cumulative, cumulative[first] + budget, side="right")) - 1
        last = min(n, first + most_rows, max(first + 1, last))
        bounds.append((first, last))
        first = last
    return bounds


def _strongest_sparse(
    product: sp.csr_matrix, first: int, top_k: int, min_similarity: float, keep_above: float
) -> Edges:
    """``_strongest`` of the rows of ``product``, which are rows ``first``... of the graph.

    The result is the dense computation's: a cell absent from ``product`` is 0
    there, cosines are clipped to [0, 1] and the diagonal is 0.
    """
    height = product.shape[0]
    row_index, col_index, value = _eligible_edges(product, first, min_similarity)
    per_row = np.bincount(row_index, minlength=height)
    # A row with at most top_k eligible edges keeps them all (they are its
    # strongest); the others keep their top_k strongest and every edge at or
    # above keep_above.
    crowded = per_row > top_k
    if not crowded.any():
        return row_index, col_index, value
    strong = value >= max(keep_above, min_similarity)
    keep_all = strong | ~crowded[row_index]
    # Places left in a crowded row's top_k once the edges kept anyway are counted.
    places = np.maximum(top_k - np.bincount(row_index[keep_all], minlength=height), 0)
    places[~crowded] = 0
    keep, tied_rows = _fill_places(row_index, value, keep_all, places)
    if len(tied_rows) == 0:
        return row_index[keep], col_index[keep], value[keep]
    in_tied = np.isin(row_index, tied_rows)
    keep[in_tied] = strong[in_tied]
    kept = (row_index[keep], col_index[keep], value[keep])
    return _with_tied_rows(kept, product, tied_rows, first, top_k, min_similarity, keep_above)


def _eligible_edges(product: sp.csr_matrix, first: int, min_similarity: float) -> Edges:
    """The off-diagonal cells of ``product`` that may be kept, their values clipped at 1."""
    data = product.data
    # Only edges of at least min_similarity (and above 0) are ever kept; a
    # positive value passes before clipping exactly when it does after.
    if min_similarity > 0.0:
        eligible = np.flatnonzero(data >= min_similarity)
    else:
        eligible = np.flatnonzero(data > 0.0)
    row_index = np.searchsorted(product.indptr, eligible, side="right").astype(np.int64) - 1
    col_index = product.indices[eligible].astype(np.int64)
    value = np.minimum(data[eligible].astype(np.float64), 1.0)
    off = np.flatnonzero(col_index != row_index + first)
    return row_index[off], col_index[off], value[off]


def _fill_places(
    row_index: npt.NDArray[np.int64],
    value: FloatArray,
    keep_all: npt.NDArray[np.bool_],
    places: npt.NDArray[np.int64],
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.int64]]:
    """``keep_all`` plus each row's ``places`` strongest other edges, and the tied rows.

    A tied row is one whose last place falls among equal values: which of them the
    dense computation keeps is argpartition's choice, so the caller redoes those rows.
    """
    height = len(places)
    busy = np.flatnonzero(~keep_all & (places[row_index] > 0))
    # The places-th strongest of a row's other edges lies in one bucket of
    # values: the edges of higher buckets are in, those of lower ones out, and
    # only that bucket's edges are sorted.
    buckets = _BUCKETS
    level = np.minimum((value[busy] * buckets).astype(np.int64), buckets - 1)
    cell = row_index[busy] * buckets + (buckets - 1 - level)  # strongest bucket first
    at_least = np.cumsum(np.bincount(cell, minlength=height * buckets).reshape(height, -1), axis=1)
    # The first bucket (from the top) by which the row's places are filled.
    boundary = np.minimum(np.argmax(at_least >= places[:, None], axis=1), buckets - 1)
    above = np.where(boundary > 0, at_least[np.arange(height), boundary - 1], 0)
    above[places == 0] = 0
    busy_rows = row_index[busy]
    position = buckets - 1 - level
    keep = keep_all.copy()
    keep[busy[position < boundary[busy_rows]]] = True
    edge = busy[position == boundary[busy_rows]]
    # Within the boundary bucket, strongest first and rows in order.
    by_value = edge[np.argsort(-value[edge], kind="stable")]
    by_row = by_value[np.argsort(_small_ints(row_index[by_value], height), kind="stable")]
    edge_rows = row_index[by_row]
    starts = np.searchsorted(edge_rows, np.arange(height + 1))
    wanted = places - above  # edges still wanted from the boundary bucket
    rank = np.arange(len(by_row)) - starts[edge_rows]
    keep[by_row[rank < wanted[edge_rows]]] = True
    # Equal values straddling the top_k-th place: the dense choice among them is
    # argpartition's, so such rows are done the dense way to choose the same.
    candidates = np.flatnonzero((wanted > 0) & (starts[:-1] + wanted < starts[1:]))
    last_in = starts[candidates] + wanted[candidates] - 1
    tied_rows = candidates[value[by_row[last_in]] == value[by_row[last_in + 1]]]
    return keep, tied_rows


def _with_tied_rows(
    kept: Edges,
    product: sp.csr_matrix,
    tied_rows: npt.NDArray[np.int64],
    first: int,
    top_k: int,
    min_similarity: float,
    keep_above: float,
) -> Edges:
    """``kept`` and the top_k edges of each of ``tied_rows``, chosen the dense way."""
    rows, cols, values = [kept[0]], [kept[1]], [kept[2]]
    step = max(1, _CELLS_PER_BLOCK // max(1, product.shape[1]))
    for start in range(0, len(tied_rows), step):
        chunk = tied_rows[start : start + step]
        chunk_rows, chunk_cols, chunk_values = _tied_top(
            product[chunk], chunk + first, top_k, min_similarity, keep_above
        )
        rows.append(chunk[chunk_rows])
        cols.append(chunk_cols)
        values.append(chunk_values)
    return _concatenate(rows, cols, values)


def _tied_top(
    product: sp.csr_matrix,
    diagonal: npt.NDArray[np.int64],
    top_k: int,
    min_similarity: float,
    keep_above: float,
) -> Edges:
    """The top_k edges below ``keep_above`` of rows whose top_k-th place is tied.

    Which of the equal values the dense computation keeps is argpartition's
    choice, so the rows are made dense (negated, as ``_strongest`` does) and
    given to it.
    """
    height, width = product.shape
    negated = np.zeros((height, width), dtype=np.float64)
    row_index = np.repeat(np.arange(height), np.diff(product.indptr))
    negated[row_index, product.indices] = -np.clip(product.data.astype(np.float64), 0.0, 1.0)
    negated[np.arange(height), diagonal] = 0.0
    top = np.argpartition(negated, top_k - 1, axis=1)[:, :top_k]
    value = -np.take_along_axis(negated, top, axis=1)
    kept = (value >= min_similarity) & (value > 0.0) & (value < max(keep_above, min_similarity))
    rows, position = np.nonzero(kept)
    return rows.astype(np.int64), top[rows, position].astype(np.int64), value[rows, position]


def _small_ints(values: npt.NDArray[np.int64], bound: int) -> npt.NDArray[np.signedinteger]:
    """``values`` (all below ``bound``) in the narrowest type: numpy radix-sorts 16 bits."""
    return values.astype(np.int16) if bound < 2**15 else values


def _dense_edges(
    lexical: sp.csr_matrix | None,
    semantic: npt.NDArray[np.float32],
    weights: tuple[float, float],
    semantic_floor: float,
    top_k: int,
    min_similarity: float,
    keep_above: float,
    block_size: int,
) -> Edges:
    """The kept edges when semantic similarity is in the mix: dense blocks of rows."""
    n = len(semantic)
    block_size = min(block_size, max(1, _CELLS_PER_BLOCK // max(1, n)))
    lexical_t = lexical.T.tocsr() if lexical is not None else None
    semantic_t = semantic.T.astype(np.float64)
    rows: list[npt.NDArray[np.int64]] = []
    cols: list[npt.NDArray[np.int64]] = []
    values: list[FloatArray] = []
    for first in range(0, n, block_size):
        last = min(n, first + block_size)
        block = np.zeros((last - first, n), dtype=np.float64)
        if lexical is not None and lexical_t is not None:
            block += weights[0] * (lexical[first:last] @ lexical_t).toarray()
        cosine = semantic[first:last].astype(np.float64) @ semantic_t
        block += weights[1] * np.clip((cosine - semantic_floor) / (1.0 - semantic_floor), 0, 1)
        np.clip(block, 0.0, 1.0, out=block)
        block[np.arange(last - first), np.arange(first, last)] = 0.0
        row_index, col_index = _strongest(block, top_k, min_similarity, keep_above)
        rows.append(row_index + first)
        cols.append(col_index)
        values.append(block[row_index, col_index])
    return _concatenate(rows, cols, values)


def _concatenate(
    rows: list[npt.NDArray[np.int64]], cols: list[npt.NDArray[np.int64]], values: list[FloatArray]
) -> Edges:
    if not rows:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.float64)
    return np.concatenate(rows), np.concatenate(cols), np.concatenate(values)


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
