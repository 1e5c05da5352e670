"""Tokens, TF-IDF vectors and the sparse similarity graph."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from service.summarize import similarity
from service.summarize.similarity import similarity_graph, tfidf_vectors, tokenize

SENTENCES = [
    "Thousands of dockworkers walked off the job at the port of Valdoria on Monday.",
    "Dockworkers at the port of Valdoria stopped work on Monday in protest over safety rules.",
    "Union leader Mara Ostrova said the dockworkers would not go back to work.",
    "Union leader Mara Ostrova said the dockworkers would not go back to work.",
    "Port director Anton Belik said the inspections had been reorganised, not cut.",
    "The transport ministry said it would meet union leaders on Wednesday.",
    "Exporters warned that a long strike would delay shipments of grain and timber.",
    "More than forty ships were waiting outside the harbour by Monday evening.",
    "The strike began after two workers were injured when a crane collapsed.",
    "Farmers' groups said grain exports could be delayed if the stoppage lasted.",
]
ARTICLES = [0, 1, 0, 1, 0, 0, 1, 0, 2, 2]


@pytest.fixture
def lexical() -> sp.csr_matrix:
    return tfidf_vectors([tokenize(s) for s in SENTENCES], ARTICLES)


def test_tokenize_drops_stopwords_and_short_tokens() -> None:
    tokens = tokenize("The union and a leader of the port said it would not go.")

    assert "the" not in tokens and "and" not in tokens and "of" not in tokens
    assert "a" not in tokens and "it" not in tokens
    assert tokens == [tokenize(w)[0] for w in ("union", "leader", "port", "said")]


def test_tokenize_stems_and_lowercases() -> None:
    assert tokenize("Walked walking WALKS") == ["walk", "walk", "walk"]
    assert tokenize("injuries injured")[0] != "injuries"


@pytest.mark.parametrize("variant", ["Putins", "Putin’s", "PUTIN'S", "putin"])
def test_possessives_meet_their_plain_form(variant: str) -> None:
    assert tokenize(f"{variant} plan") == tokenize("Putin's plan")


def test_tokenize_handles_text_without_content_words() -> None:
    assert tokenize("") == []
    assert tokenize("... -- !!! the of a") == []


def test_tfidf_rows_have_unit_length(lexical: sp.csr_matrix) -> None:
    norms = np.sqrt(np.asarray(lexical.multiply(lexical).sum(axis=1)).ravel())

    assert lexical.shape[0] == len(SENTENCES)
    np.testing.assert_allclose(norms, 1.0)
    assert (lexical.data > 0).all()


def test_sentence_without_content_words_gets_a_zero_row() -> None:
    vectors = tfidf_vectors([["port"], [], ["port", "strike"]], [0, 1, 1])

    assert vectors.getrow(1).nnz == 0
    assert np.isfinite(vectors.toarray()).all()


def test_idf_counts_articles_so_a_widely_shared_term_weighs_less() -> None:
    # "port" is in both articles, "crane" in one: in sentence 0 "crane" outweighs "port".
    tokens = [["port", "crane"], ["port"], ["port"]]
    vectors = tfidf_vectors(tokens, [0, 1, 1]).toarray()
    port, crane = 0, 1

    assert vectors[0, crane] > vectors[0, port] > 0


def test_single_article_uses_sentences_as_documents() -> None:
    # With one article every term would have the same IDF; per sentence, a rare term still wins.
    tokens = [["port", "crane"], ["port"], ["port"]]
    vectors = tfidf_vectors(tokens, [0, 0, 0]).toarray()

    assert vectors[0, 1] > vectors[0, 0] > 0


def test_tfidf_rejects_mismatched_lengths() -> None:
    with pytest.raises(ValueError, match="same length"):
        tfidf_vectors([["port"], ["ship"]], [0])


def test_tfidf_of_nothing_is_empty() -> None:
    assert tfidf_vectors([], []).shape[0] == 0


def test_identical_sentences_have_similarity_one(lexical: sp.csr_matrix) -> None:
    graph = similarity_graph(lexical, None)

    assert graph[2, 3] == pytest.approx(1.0)


def test_graph_is_symmetric_without_self_loops_and_in_unit_range(lexical: sp.csr_matrix) -> None:
    graph = similarity_graph(lexical, None, top_k=2, min_similarity=0.0)
    dense = graph.toarray()

    assert graph.shape == (len(SENTENCES), len(SENTENCES))
    np.testing.assert_array_equal(dense, dense.T)
    assert (np.diag(dense) == 0).all()
    assert dense.min() >= 0.0 and dense.max() <= 1.0
    assert graph.nnz > 0


def reference_cosines(lexical: sp.csr_matrix) -> np.ndarray:
    dense = np.clip((lexical @ lexical.T).toarray(), 0.0, 1.0)
    np.fill_diagonal(dense, 0.0)
    return dense


@pytest.mark.parametrize("top_k", [1, 2, 3])
def test_only_top_k_neighbours_or_strong_pairs_are_kept(lexical: sp.csr_matrix, top_k: int) -> None:
    keep_above, min_similarity = 0.6, 0.01
    graph = similarity_graph(
        lexical, None, top_k=top_k, min_similarity=min_similarity, keep_above=keep_above
    ).toarray()
    cosine = reference_cosines(lexical)

    def in_top_k(row: int, col: int) -> bool:
        # Ranked by value; ties may fall either way, so count strictly stronger neighbours.
        return int((cosine[row] > cosine[row, col]).sum()) < top_k

    for i, j in zip(*np.nonzero(graph), strict=True):
        assert graph[i, j] == pytest.approx(cosine[i, j])
        assert graph[i, j] >= min_similarity
        assert cosine[i, j] >= keep_above or in_top_k(i, j) or in_top_k(j, i)
    for i, j in zip(*np.nonzero(cosine >= keep_above), strict=True):
        assert graph[i, j] > 0, "strong pairs are kept beyond top_k"
    for i in range(len(SENTENCES)):
        strongest = cosine[i] == cosine[i].max()
        if cosine[i].max() >= min_similarity:
            assert (graph[i, strongest] > 0).any(), "each row keeps its strongest neighbour"


def test_weak_edges_are_dropped(lexical: sp.csr_matrix) -> None:
    graph = similarity_graph(lexical, None, min_similarity=0.3, keep_above=0.9)

    assert graph.nnz > 0
    assert graph.data.min() >= 0.3


def test_block_size_does_not_change_the_graph(lexical: sp.csr_matrix) -> None:
    rng = np.random.default_rng(3)
    semantic = rng.normal(size=(len(SENTENCES), 8)).astype(np.float32)
    semantic /= np.linalg.norm(semantic, axis=1, keepdims=True)

    for args in [(lexical, None), (None, semantic), (lexical, semantic)]:
        small = similarity_graph(*args, top_k=2, block_size=2)
        odd = similarity_graph(*args, top_k=2, block_size=3)
        whole = similarity_graph(*args, top_k=2, block_size=1024)
        for blocked in (small, odd):
            # The same edges; their weights may differ in the last bit, since BLAS picks
            # its kernel (and so its order of summation) by the number of rows a block has.
            assert (blocked != 0).toarray().tolist() == (whole != 0).toarray().tolist()
            np.testing.assert_allclose(blocked.toarray(), whole.toarray(), rtol=0, atol=1e-12)


def test_lexical_blocks_in_threads_give_the_graph_of_one_block_at_a_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rng = np.random.default_rng(5)
    words = [f"term{i}" for i in range(60)]
    stems = [list(rng.choice(words, size=int(rng.integers(2, 9)))) for _ in range(300)]
    lexical = tfidf_vectors(stems, [i // 10 for i in range(len(stems))])
    graphs = {}
    for threads in (1, 2, 3):
        monkeypatch.setattr(similarity, "_THREADS", threads)
        # Ties among the 60 words' cosines are many: each row's top 5 must still be the same.
        graphs[threads] = similarity_graph(lexical, None, top_k=5, block_size=7)

    for threads in (2, 3):
        assert (graphs[threads] != graphs[1]).nnz == 0
        np.testing.assert_array_equal(graphs[threads].indices, graphs[1].indices)
        np.testing.assert_array_equal(graphs[threads].data, graphs[1].data)


def test_semantic_cosines_are_rescaled_above_the_floor() -> None:
    angle = np.arccos(0.6)
    semantic = np.array([[1.0, 0.0], [np.cos(angle), np.sin(angle)], [0.0, 1.0]], np.float32)

    graph = similarity_graph(None, semantic, semantic_floor=0.2, min_similarity=0.0).toarray()

    assert graph[0, 1] == pytest.approx((0.6 - 0.2) / 0.8, abs=1e-6)
    assert graph[0, 2] == 0.0, "a cosine below the floor is no edge"


def test_hybrid_mixes_lexical_and_semantic_by_weight() -> None:
    lexical = tfidf_vectors([["port", "strike"], ["port", "strike"]], [0, 1])
    semantic = np.array([[1.0, 0.0], [0.0, 1.0]], np.float32)

    graph = similarity_graph(lexical, semantic, lexical_weight=0.3, min_similarity=0.0)

    assert graph[0, 1] == pytest.approx(0.3)


def test_empty_input_gives_empty_graph() -> None:
    lexical = tfidf_vectors([], [])

    assert similarity_graph(lexical, None).shape == (0, 0)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"lexical_weight": -0.1}, "lexical_weight"),
        ({"lexical_weight": 1.1}, "lexical_weight"),
        ({"semantic_floor": 1.0}, "semantic_floor"),
        ({"semantic_floor": -0.5}, "semantic_floor"),
        ({"top_k": 0}, "top_k"),
        ({"block_size": 0}, "block_size"),
    ],
)
def test_bad_parameters_raise_value_error(
    lexical: sp.csr_matrix, kwargs: dict[str, float], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        similarity_graph(lexical, None, **kwargs)  # type: ignore[arg-type]


def test_graph_needs_some_vectors() -> None:
    with pytest.raises(ValueError, match="lexical or semantic"):
        similarity_graph(None, None)


def test_graph_rejects_mismatched_row_counts(lexical: sp.csr_matrix) -> None:
    semantic = np.ones((len(SENTENCES) - 1, 4), np.float32)

    with pytest.raises(ValueError, match="same number of rows"):
        similarity_graph(lexical, semantic)
