"""The lexical ranking stage: a similarity graph, a biased random walk, support.

Sentences are scored by biased LexRank centrality over a sparse similarity graph
(the walk's jump distribution favours an article's lead and, with a query, the
relevant sentences), raised by their support: the number of other articles with a
sentence that says the same thing. The result is a :class:`Ranking`, which the
semantic re-rank (:mod:`.semantic`) refines on a shortlist and selection consumes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from .candidates import Candidates
from .centrality import lexrank_scores
from .containment import with_containment
from .focus import Focus, focused_prior, lexical_relevance
from .pairs import PairModel, load_pair_model
from .params import GraphParams, QueryParams
from .similarity import similarity_graph, tfidf_vectors, tokenize
from .support import Dissent, SupportRule, find_agreeing_support

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
        scores: Centrality times quality, raised by independent support, shape (n,).
        same_claim: For each sentence, by article, the sentences of other
            articles that say what it says (and agree with it).
        similarity_to: For each sentence, the similarity of each of ``same_claim``.
        dissent: For each sentence, by article, the sentences of other articles
            that report the same fact with another value.
        threshold: The similarity at which ``graph`` makes two sentences say the
            same thing (and so repeat each other in a summary).
    """

    graph: sp.csr_matrix
    article_of: IntArray
    centrality: FloatArray
    scores: FloatArray
    same_claim: list[list[int]]
    similarity_to: list[list[float]]
    dissent: list[list[Dissent]]
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
    return tfidf_vectors(candidates.stems, candidates.article_of.tolist())


def lexical_relevance_to(
    candidates: Candidates, topic: str
) -> tuple[sp.csr_matrix, FloatArray]:
    """The candidates' TF-IDF rows and each sentence's lexical relevance to ``topic``
    (the topic as one more row, with the sentences' vocabulary and IDF)."""
    stacked = tfidf_vectors(
        candidates.stems, candidates.article_of.tolist(), queries=[tokenize(topic)]
    )
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
    rule = SupportRule(threshold, params.topic_floor_lexical, pair_judge(params, "lexical"))
    return rank(graph, walk, candidates, rule=rule, support_weight=params.support_weight)


def pair_judge(params: GraphParams, kind: str) -> PairModel | None:
    """The pair model of similarity ``kind`` when ``params`` ask for it and one ships."""
    return load_pair_model(kind) if params.pair_model else None


def rank(
    graph: sp.csr_matrix,
    walk: Walk,
    candidates: Candidates,
    *,
    rule: SupportRule,
    support_weight: float,
    fallback: Ranking | None = None,
    index: IntArray | None = None,
) -> Ranking:
    """Centrality raised by independent support, over one graph.

    Args:
        graph: Similarity of the ranked sentences (every candidate, or the ones
            ``index`` names), shape (m, m).
        walk: The walk's jump weights, shape (m,), and jump probability.
        candidates: Every candidate sentence.
        rule: When two sentences say the same thing (its threshold, the topic floor
            down to which a dissent is looked for, the pair model).
        support_weight: How much each extra independent source raises a score.
        fallback: The lexical ranking of every sentence, when ``graph`` covers a
            shortlist: an article this graph finds no match in (neither agreeing nor
            disagreeing) may still support a sentence through a lexical match.
        index: Where this graph's sentences stand among all (with a shortlist);
            ``same_claim`` and ``dissent`` are in that index space anyway.

    Returns:
        The ranking, in this graph's index space (but ``same_claim`` and ``dissent``).
    """
    where = np.arange(len(candidates)) if index is None else index
    article_of = candidates.article_of[where]
    centrality = lexrank_scores(graph, prior=walk.jump, damping=walk.damping) * len(walk.jump)
    matches, dissents = find_agreeing_support(
        with_containment(graph, candidates, where, rule.threshold),
        article_of, [candidates.texts[i] for i in where.tolist()],
        stems=[candidates.stems[i] for i in where.tolist()],
        threshold=rule.threshold,
        floor=rule.floor,
        judge=rule.judge,
    )
    same_claim: list[list[int]] = []
    similarity_to: list[list[float]] = []
    dissent: list[list[Dissent]] = []
    for row, (group, against) in enumerate(zip(matches, dissents, strict=True)):
        found = {int(article_of[m.sentence]): (int(where[m.sentence]), m.similarity) for m in group}
        doubt = {int(article_of[d.sentence]): _moved(d, where) for d in against}
        if fallback is not None:
            _fall_back(fallback, int(where[row]), found, doubt)
        same_claim.append([found[article][0] for article in sorted(found)])
        similarity_to.append([found[article][1] for article in sorted(found)])
        dissent.append([doubt[article] for article in sorted(doubt)])
    independent = independent_support(candidates, where, same_claim)
    scores = centrality * candidates.quality[where] * (1.0 + support_weight * (independent - 1))
    return Ranking(
        graph, article_of, centrality, scores, same_claim, similarity_to, dissent, rule.threshold
    )


def _moved(dissent: Dissent, where: IntArray) -> Dissent:
    return replace(dissent, sentence=int(where[dissent.sentence]))


def _fall_back(
    fallback: Ranking,
    sentence: int,
    found: dict[int, tuple[int, float]],
    doubt: dict[int, Dissent],
) -> None:
    """Add the lexical ranking's support and dissent of ``sentence`` from the articles
    this graph has no word on."""
    for other, value in zip(
        fallback.same_claim[sentence], fallback.similarity_to[sentence], strict=True
    ):
        article = int(fallback.article_of[other])
        if article not in doubt:
            found.setdefault(article, (other, value))
    for against in fallback.dissent[sentence]:
        article = int(fallback.article_of[against.sentence])
        if article not in found:
            doubt.setdefault(article, against)


def count_origins(candidates: Candidates, sentence: int, agreeing: Iterable[int]) -> int:
    """How many origins say what ``sentence`` says: its own and the ``agreeing``
    sentences' (a wire story's copies in other outlets are one origin with it)."""
    origin_of = candidates.origin_of
    return len({int(origin_of[sentence]), *(int(origin_of[j]) for j in agreeing)})


def independent_support(
    candidates: Candidates, where: IntArray, same_claim: list[list[int]]
) -> FloatArray:
    """:func:`count_origins` of each ranked sentence with its ``same_claim``, shape (m,)."""
    return np.fromiter(
        (
            count_origins(candidates, i, group)
            for i, group in zip(where.tolist(), same_claim, strict=True)
        ),
        dtype=np.float64,
        count=len(same_claim),
    )


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
    similarity_to = list(fallback.similarity_to)
    dissent = list(fallback.dissent)
    for row, position in enumerate(shortlist.tolist()):
        same_claim[position] = local.same_claim[row]
        similarity_to[position] = local.similarity_to[row]
        dissent[position] = local.dissent[row]
    return Ranking(
        graph,
        fallback.article_of,
        centrality,
        scores,
        same_claim,
        similarity_to,
        dissent,
        local.threshold,
    )


__all__ = [
    "Ranking",
    "Walk",
    "count_origins",
    "independent_support",
    "lead_prior",
    "lexical_relevance_to",
    "lexical_vectors",
    "lift",
    "plan_walk",
    "rank",
    "rank_lexically",
]
