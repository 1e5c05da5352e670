"""The lexical ranking stage: a similarity graph, a biased random walk, support.

Sentences are scored by biased LexRank centrality over a sparse similarity graph
(the walk's jump distribution favours an article's lead and, with a query, the
relevant sentences), raised by their support: the number of other articles with a
sentence that says the same thing. The result is a :class:`Ranking`, which the
semantic re-rank (:mod:`.semantic`) refines on a shortlist and selection consumes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from .candidates import Candidates
from .centrality import lexrank_scores
from .focus import Focus, focused_prior, lexical_relevance
from .params import GraphParams, QueryParams
from .similarity import similarity_graph, tfidf_vectors, tokenize
from .support import find_support

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class Walk:
    """The random walk's jump distribution (not normalised) and jump probability."""

    jump: FloatArray
    damping: float


@dataclass(frozen=True, slots=True)
class Ranking:
    """Scores and support groups of sentences, in one index space.

    Attributes:
        graph: Sentence similarity, shape (n, n).
        article_of: Article index of each sentence, shape (n,).
        centrality: Walk centrality scaled so that the average sentence of the
            graph has 1.0, shape (n,).
        scores: Centrality times quality, raised by support, shape (n,).
        same_claim: For each sentence, by article, the sentences of other
            articles that say what it says.
        threshold: The similarity at which ``graph`` makes two sentences say the
            same thing (and so repeat each other in a summary).
    """

    graph: sp.csr_matrix
    article_of: IntArray
    centrality: FloatArray
    scores: FloatArray
    same_claim: list[list[int]]
    threshold: float


def lead_prior(candidates: Candidates, params: GraphParams) -> FloatArray:
    """Jump weight of each sentence without a query: quality, halved ``position_decay``
    sentences into an article (news puts the key facts first). Shape (n,)."""
    return candidates.quality / (1.0 + candidates.positions / params.position_decay)


def plan_walk(
    prior: FloatArray,
    focus: Focus | None,
    graph: GraphParams,
    query: QueryParams,
    subset: IntArray | None = None,
) -> Walk:
    """The walk over the sentences of jump weights ``prior`` (or over ``subset`` of
    them), biased to the relevant ones when ``focus`` focuses the summary."""
    if subset is not None:
        prior = prior[subset]
    if focus is None or not focus.focused:
        return Walk(prior, graph.damping)
    relevance = focus.relevance if subset is None else focus.relevance[subset]
    return Walk(focused_prior(prior, relevance, floor=query.prior_floor), query.damping)


def lexical_vectors(candidates: Candidates) -> sp.csr_matrix:
    """TF-IDF rows of the candidates (each article a document), shape (n, n_terms)."""
    tokens = [tokenize(text) for text in candidates.texts]
    return tfidf_vectors(tokens, candidates.article_of.tolist())


def lexical_relevance_to(
    candidates: Candidates, topic: str
) -> tuple[sp.csr_matrix, FloatArray]:
    """The candidates' TF-IDF rows and each sentence's lexical relevance to ``topic``
    (the topic as one more row, with the sentences' vocabulary and IDF)."""
    tokens = [tokenize(text) for text in candidates.texts]
    stacked = tfidf_vectors(tokens, candidates.article_of.tolist(), queries=[tokenize(topic)])
    return sp.csr_matrix(stacked[: len(candidates)]), lexical_relevance(stacked)


def rank_lexically(
    vectors: sp.csr_matrix, walk: Walk, candidates: Candidates, params: GraphParams
) -> Ranking:
    """The ranking of every candidate over the lexical similarity graph."""
    threshold = params.support_threshold_lexical
    graph = similarity_graph(
        vectors,
        None,
        top_k=params.top_k,
        min_similarity=params.min_similarity,
        keep_above=threshold,
    )
    return rank(
        graph,
        walk,
        candidates.quality,
        candidates.article_of,
        threshold=threshold,
        support_weight=params.support_weight,
    )


def rank(
    graph: sp.csr_matrix,
    walk: Walk,
    quality: FloatArray,
    article_of: IntArray,
    *,
    threshold: float,
    support_weight: float,
    fallback: Ranking | None = None,
    index: IntArray | None = None,
) -> Ranking:
    """Centrality raised by support, over one graph.

    Args:
        graph: Sentence similarity, shape (n, n).
        walk: The walk's jump weights, shape (n,), and jump probability.
        quality: Score factor of each sentence, shape (n,).
        article_of: Article index of each sentence, shape (n,).
        threshold: Similarity at which two sentences say the same thing.
        support_weight: How much each extra supporting article raises a score.
        fallback: The lexical ranking of every sentence, when ``graph`` covers a
            shortlist: an article this graph finds no match in may still support
            a sentence through a lexical match.
        index: Where this graph's sentences stand among all (with a shortlist);
            ``same_claim`` is then in that index space.

    Returns:
        The ranking, in this graph's index space (but ``same_claim``).
    """
    centrality = lexrank_scores(graph, prior=walk.jump, damping=walk.damping) * len(walk.jump)
    matches = find_support(graph, article_of, threshold=threshold)
    same_claim: list[list[int]] = []
    for row, group in enumerate(matches):
        if index is None:
            same_claim.append([match.sentence for match in group])
            continue
        found = {int(article_of[m.sentence]): int(index[m.sentence]) for m in group}
        if fallback is not None:
            for other in fallback.same_claim[int(index[row])]:
                found.setdefault(int(fallback.article_of[other]), other)
        same_claim.append([found[article] for article in sorted(found)])
    support = np.fromiter((1 + len(g) for g in same_claim), dtype=np.float64, count=len(matches))
    scores = centrality * quality * (1.0 + support_weight * (support - 1))
    return Ranking(graph, article_of, centrality, scores, same_claim, threshold)


def lift(local: Ranking, shortlist: IntArray, fallback: Ranking | None) -> Ranking:
    """Put a ranking of the shortlist back into the index space of all sentences.

    Sentences left off the shortlist keep their lexical order (``fallback``), below
    every shortlisted one, so that a large budget still fills.

    Raises:
        ValueError: If the shortlist is not every sentence and there is no fallback.
    """
    if fallback is None:
        if not np.array_equal(shortlist, np.arange(len(shortlist))):
            raise ValueError("a ranking of a shortlist needs the ranking of every sentence")
        return local
    n = len(fallback.scores)
    if len(shortlist) == n and np.array_equal(shortlist, np.arange(n)):
        return local
    coo = local.graph.tocoo()
    graph = sp.csr_matrix(
        (coo.data, (shortlist[coo.row], shortlist[coo.col])), shape=(n, n)
    )
    floor = float(local.scores.min()) if len(local.scores) else 0.0
    outside = fallback.scores / max(float(fallback.scores.max()), 1e-12) * floor * 0.5
    scores = outside.copy()
    scores[shortlist] = local.scores
    centrality = fallback.centrality.copy()
    centrality[shortlist] = local.centrality
    same_claim = list(fallback.same_claim)
    for row, position in enumerate(shortlist.tolist()):
        same_claim[position] = local.same_claim[row]
    return Ranking(graph, fallback.article_of, centrality, scores, same_claim, local.threshold)


__all__ = [
    "Ranking",
    "Walk",
    "lead_prior",
    "lexical_relevance_to",
    "lexical_vectors",
    "lift",
    "plan_walk",
    "rank",
    "rank_lexically",
]
