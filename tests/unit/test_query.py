"""Focused summaries: relevance to a query and the biased jump distribution."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
import scipy.sparse as sp

from service.summarize import Article, SummaryOptions, summarize
from service.summarize.centrality import lexrank_scores
from service.summarize.coverage import ConceptRules, concept_matrix, content_stems
from service.summarize.focus import (
    concept_focus,
    focused_prior,
    lexical_relevance,
    semantic_relevance,
)
from service.summarize.similarity import tfidf_vectors, tokenize
from tests.builders import make_story, run

KINDS = ["lexical", "hybrid", "semantic"]
GRAIN = "grain exports"




# --- relevance -------------------------------------------------------------------------


def test_query_row_uses_the_sentences_idf_and_leaves_their_rows_alone() -> None:
    tokens = [tokenize(t) for t in ("Grain exports.", "The port closed.", "Port strike.")]
    plain = tfidf_vectors(tokens, [0, 1, 2])
    stacked = tfidf_vectors(tokens, [0, 1, 2], queries=[tokenize("grain exports zebra")])
    assert stacked.shape == (4, plain.shape[1])
    assert (abs(stacked[:3] - plain)).max() == 0.0
    # "zebra" is in no sentence: dropped, so the query is exactly the first sentence's terms.
    relevance = lexical_relevance(stacked)
    assert relevance == pytest.approx([1.0, 0.0, 0.0])


def test_lexical_relevance_is_a_cosine_in_unit_range() -> None:
    tokens = [tokenize(t) for t in ("Grain exports fell sharply.", "Grain prices rose.", "Rain.")]
    relevance = lexical_relevance(tfidf_vectors(tokens, [0, 1, 2], queries=[tokenize("grain")]))
    assert relevance.shape == (3,)
    assert np.all((relevance >= 0) & (relevance <= 1))
    assert relevance[0] > 0 and relevance[1] > relevance[0] and relevance[2] == 0


def test_query_without_known_words_has_zero_relevance() -> None:
    tokens = [tokenize("The port closed.")]
    stacked = tfidf_vectors(tokens, [0], queries=[tokenize("quantum zebra")])
    assert lexical_relevance(stacked).tolist() == [0.0]


def test_semantic_relevance_rescales_and_clips() -> None:
    sentences = np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, 0.0]])
    relevance = semantic_relevance(sentences, np.array([1.0, 0.0]), floor=0.2)
    assert relevance == pytest.approx([1.0, 0.0, 0.0])
    with pytest.raises(ValueError, match="floor"):
        semantic_relevance(sentences, np.array([1.0, 0.0]), floor=1.0)


# --- the biased prior ------------------------------------------------------------------


def test_focused_prior_weighs_the_prior_by_relevance() -> None:
    prior = np.array([1.0, 1.0, 0.5])
    jump = focused_prior(prior, np.array([0.0, 0.4, 0.2]), floor=0.1)
    assert jump == pytest.approx([0.1, 1.1, 0.5 * 0.6])


def test_focused_prior_without_any_relevance_is_the_prior() -> None:
    prior = np.array([0.3, 0.7])
    assert focused_prior(prior, np.zeros(2), floor=0.1) == pytest.approx(prior)
    with pytest.raises(ValueError, match="floor"):
        focused_prior(prior, np.zeros(2), floor=-1.0)


def test_biased_walk_moves_mass_toward_the_relevant_sentence() -> None:
    # A path 0 - 1 - 2: the middle one is central; relevance to 2 pulls mass its way.
    graph = sp.csr_matrix(np.array([[0, 1, 0], [1, 0, 1], [0, 1, 0]], dtype=float))
    plain = lexrank_scores(graph)
    jump = focused_prior(np.ones(3), np.array([0.0, 0.0, 1.0]), floor=0.05)
    biased = lexrank_scores(graph, prior=jump, damping=0.5)
    assert plain[0] == pytest.approx(plain[2])
    assert biased[2] > plain[2] and biased[2] > biased[0]
    assert biased.sum() == pytest.approx(1.0)


def test_concept_focus_is_the_best_focus_of_the_sentences_holding_it() -> None:
    concepts = sp.csr_matrix(np.array([[1, 1, 0], [0, 1, 0], [0, 0, 1]], dtype=float))
    focus = concept_focus(concepts, np.array([0.2, 0.9, 0.0]))
    assert focus == pytest.approx([0.2, 0.9, 0.0])


def test_query_words_keep_rarer_concepts() -> None:
    grams = [[("grain", "export")], [("port", "strike")], [("port", "strike")]]
    articles = np.array([0, 1, 2])
    _, plain = concept_matrix(grams, articles, ConceptRules(min_articles=2))
    _, favoured = concept_matrix(
        grams,
        articles,
        ConceptRules(min_articles=2, favoured=content_stems(GRAIN), favoured_min_articles=1),
    )
    assert len(plain) == 1 and len(favoured) == 2


# --- the pipeline ----------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_query_brings_its_topic_into_the_summary(
    request: pytest.FixtureRequest, story: list[Article], kind: str
) -> None:
    plain = run(request, story, kind)
    focused = run(request, story, kind, query=GRAIN)
    assert not any("grain" in s.text for s in plain.sentences)
    assert any("grain" in s.text for s in focused.sentences)
    assert focused.query is not None and focused.query.focused
    for sentence in focused.sentences:
        assert sentence.relevance is not None and 0.0 <= sentence.relevance <= 1.0
    grain = [s.relevance for s in focused.sentences if "grain" in s.text]
    assert max(grain) == pytest.approx(focused.query.max_relevance)  # type: ignore[type-var]


def test_query_raises_the_relevant_sentence_to_the_top(
    request: pytest.FixtureRequest, story: list[Article]
) -> None:
    plain = run(request, story)
    focused = run(request, story, query="crane collapsed injured workers accident")
    assert "crane" not in plain.sentences[0].text
    assert "crane" in focused.sentences[0].text


def test_without_query_nothing_reports_relevance(
    request: pytest.FixtureRequest, story: list[Article]
) -> None:
    summary = run(request, story)
    assert summary.query is None
    assert all(s.relevance is None for s in summary.sentences)


@pytest.mark.parametrize("kind", KINDS)
def test_irrelevant_query_gives_the_general_summary(
    request: pytest.FixtureRequest, story: list[Article], kind: str
) -> None:
    plain = run(request, story, kind)
    focused = run(request, story, kind, query="quantum chromodynamics of zebras")
    assert focused.query is not None and not focused.query.focused
    assert focused.query.max_relevance < 0.05
    assert [s.text for s in focused.sentences] == [s.text for s in plain.sentences]
    assert [s.citations for s in focused.sentences] == [s.citations for s in plain.sentences]


def test_focused_summary_keeps_support_and_exact_citations(
    request: pytest.FixtureRequest, story: list[Article]
) -> None:
    texts = {a.id: a.text for a in story}
    summary = run(request, story, max_sentences=10, query=GRAIN)
    seen: set[tuple[str, int]] = set()
    for sentence in summary.sentences:
        first = sentence.citations[0]
        assert texts[first.article_id][first.start : first.end] == sentence.text
        assert sentence.support == len({c.article_id for c in sentence.citations})
        group = {(c.article_id, c.sentence_index) for c in sentence.citations}
        assert not group & seen
        seen |= group


def test_focused_summary_is_deterministic(story: list[Article]) -> None:
    options = SummaryOptions(similarity="lexical", query=GRAIN)
    assert summarize(story, options).sentences == summarize(story, options).sentences


def test_blank_query_is_refused(story: list[Article]) -> None:
    with pytest.raises(ValueError, match="query"):
        summarize(story, SummaryOptions(similarity="lexical", query="  "))


def test_query_none_is_no_query(story: list[Article]) -> None:
    options = SummaryOptions(similarity="lexical")
    assert summarize(story, options).sentences == summarize(
        story, replace(options, query=None)
    ).sentences


# --- the evaluation harness ------------------------------------------------------------


def test_harness_passes_the_cluster_query_and_runs_generic_beside_it() -> None:
    from service.evaluate import build_parser, build_systems
    from service.evaluation.data import Cluster, Document
    from service.evaluation.harness import LocalSummarizer

    cluster = Cluster(
        id="story",
        documents=tuple(Document(id=a.id, text=a.text) for a in make_story()),
        references=("Grain exports could be delayed.",),
        query={"title": "Grain", "narrative": "Describe the effect on grain exports."},
    )
    focused = LocalSummarizer("lexical", query_fields=["title", "narrative"])(cluster)
    generic = LocalSummarizer("lexical")(cluster)
    assert any("grain" in text for text in focused[:5])
    assert not any("grain" in text for text in generic[:5])
    args = build_parser().parse_args(
        ["data.jsonl", "--similarity", "lexical", "--query-field", "title", "--with-generic"]
    )
    assert [system.name for system in build_systems(args, {})] == [
        "ours-lexical-generic",
        "ours-lexical",
    ]
