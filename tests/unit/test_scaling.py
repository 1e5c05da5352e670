"""Large inputs: the memory-bounded paths give the results of the plain dense ones."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from service.summarize import similarity
from service.summarize.similarity import similarity_graph, tfidf_vectors, tokenize
from tests.builders import find_support


def _dense_graph(
    lexical: sp.csr_matrix, top_k: int, min_similarity: float, keep_above: float
) -> sp.csr_matrix:
    """The graph computed the plain way: one dense block of every row."""
    block = np.clip((lexical @ lexical.T).toarray(), 0.0, 1.0)
    np.fill_diagonal(block, 0.0)
    rows, cols = similarity._strongest(block, top_k, min_similarity, keep_above)
    graph = sp.csr_matrix((block[rows, cols], (rows, cols)), shape=block.shape)
    return sp.csr_matrix(graph.maximum(graph.T))


def _same(a: sp.csr_matrix, b: sp.csr_matrix) -> bool:
    a, b = sp.csr_matrix(a), sp.csr_matrix(b)
    a.sort_indices()
    b.sort_indices()
    return (
        a.shape == b.shape
        and np.array_equal(a.indptr, b.indptr)
        and np.array_equal(a.indices, b.indices)
        and np.array_equal(a.data, b.data)
    )


def _corpus(n: int, seed: int = 0) -> tuple[list[list[str]], list[int]]:
    """Sentences over a small vocabulary, with exact repeats (ties) and empty ones."""
    rng = np.random.default_rng(seed)
    words = [f"w{i}" for i in range(60)]
    tokens: list[list[str]] = []
    for _ in range(n):
        roll = rng.random()
        if roll < 0.2 and tokens:
            tokens.append(list(tokens[int(rng.integers(len(tokens)))]))
        elif roll < 0.23:
            tokens.append([])
        else:
            size = int(rng.integers(1, 8))
            tokens.append([words[int(i)] for i in rng.zipf(1.5, size) % len(words)])
    return tokens, [int(a) for a in rng.integers(0, 12, n)]


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize(
    ("top_k", "min_similarity", "keep_above"), [(3, 0.05, 0.45), (1, 0.0, 0.5), (8, 0.2, 1.0)]
)
def test_lexical_graph_is_the_dense_graph(
    seed: int, top_k: int, min_similarity: float, keep_above: float
) -> None:
    tokens, articles = _corpus(150, seed)
    lexical = tfidf_vectors(tokens, articles)
    expected = _dense_graph(lexical, top_k, min_similarity, keep_above)
    options = {"top_k": top_k, "min_similarity": min_similarity, "keep_above": keep_above}

    for block_size in (1, 7, 64, 1024):
        graph = similarity_graph(lexical, None, block_size=block_size, **options)
        assert _same(graph, expected), block_size


def test_work_budget_does_not_change_the_graph(monkeypatch: pytest.MonkeyPatch) -> None:
    tokens, articles = _corpus(200, seed=7)
    lexical = tfidf_vectors(tokens, articles)
    whole = similarity_graph(lexical, None, top_k=4, min_similarity=0.05, keep_above=0.45)
    monkeypatch.setattr(similarity, "_PRODUCTS_PER_BLOCK", 50)

    assert _same(
        similarity_graph(lexical, None, top_k=4, min_similarity=0.05, keep_above=0.45), whole
    )


def test_semantic_block_cap_does_not_change_the_graph(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(3)
    tokens, articles = _corpus(120, seed=3)
    lexical = tfidf_vectors(tokens, articles)
    semantic = rng.normal(size=(120, 16)).astype(np.float32)
    semantic /= np.linalg.norm(semantic, axis=1, keepdims=True)
    whole = similarity_graph(lexical, semantic, top_k=5)
    monkeypatch.setattr(similarity, "_CELLS_PER_BLOCK", 500)

    assert _same(similarity_graph(lexical, semantic, top_k=5), whole)


def _support_reference(
    matrix: sp.csr_matrix, articles: np.ndarray, threshold: float
) -> list[list[tuple[int, float]]]:
    """find_support written as a plain loop over rows."""
    groups = []
    for row in range(matrix.shape[0]):
        best: dict[int, tuple[float, int]] = {}
        begin, end = matrix.indptr[row], matrix.indptr[row + 1]
        for column, value in zip(matrix.indices[begin:end], matrix.data[begin:end], strict=True):
            article = int(articles[column])
            if value < threshold or article == articles[row]:
                continue
            if article not in best or (value, -column) > (best[article][0], -best[article][1]):
                best[article] = (float(value), int(column))
        groups.append([(best[a][1], best[a][0]) for a in sorted(best)])
    return groups


@pytest.mark.parametrize("seed", range(5))
def test_support_is_the_plain_loop_result(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = 80
    matrix = sp.random(n, n, density=0.3, random_state=seed, format="csr")
    matrix.data = np.round(matrix.data * 4) / 4  # many equal values
    matrix = sp.csr_matrix(matrix.maximum(matrix.T))
    articles = rng.integers(0, 9, n).astype(np.int64)

    groups = find_support(matrix, articles, threshold=0.5)

    assert [[(m.sentence, m.similarity) for m in g] for g in groups] == _support_reference(
        matrix, articles, 0.5
    )


def test_twenty_thousand_sentences_stay_sparse() -> None:
    """A news-sized input: every word pair is shared by someone, no n x n block is built."""
    rng = np.random.default_rng(11)
    vocabulary = [f"term{i}" for i in range(3000)]
    common = [f"common{i}" for i in range(40)]
    n = 20_000
    texts = []
    for _ in range(n):
        words = [vocabulary[i] for i in rng.integers(0, len(vocabulary), 10)]
        words += [common[i] for i in rng.integers(0, len(common), 2)]
        texts.append(" ".join(words))
    articles = np.repeat(np.arange(n // 20), 20).astype(np.int64)
    lexical = tfidf_vectors([tokenize(text) for text in texts], articles.tolist())

    graph = similarity_graph(lexical, None, top_k=30, min_similarity=0.05, keep_above=0.45)
    groups = find_support(graph, articles, threshold=0.45)

    assert graph.shape == (n, n)
    assert graph.nnz <= 2 * 30 * n + np.count_nonzero(graph.data >= 0.45)
    assert (graph != graph.T).nnz == 0
    assert len(groups) == n
