"""The semantic re-rank: the encoder on the shortlist, then the ranking with full similarity.

The encoder is the costly stage, so it sees only the shortlist (:mod:`.shortlist`);
the shortlist is re-ranked over the semantic (or hybrid: lexical and semantic mixed)
graph and put back among all the sentences, the rest keeping their lexical order.
With a query, the query is encoded too and the relevance of the shortlisted sentences
becomes semantic (or mixed), so whether the query focuses the summary is decided again
on that better estimate.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from .candidates import Candidates
from .focus import Focus, semantic_relevance
from .models import SimilarityKind
from .params import GraphParams, QueryParams
from .ranking import Ranking, Walk, lift, pair_judge, rank
from .similarity import similarity_graph
from .support import SupportRule


class Encoder(Protocol):
    """What the pipeline needs of a sentence encoder."""

    def encode(self, texts: Sequence[str]) -> npt.NDArray[np.float32]: ...


@dataclass(frozen=True, slots=True)
class Encoded:
    """The encoder's output for one request.

    Attributes:
        shortlist: The sentences encoded, ascending, shape (m,).
        vectors: Their unit-length embeddings, shape (m, dim).
        query: The query's embedding, shape (dim,), when there is a query.
        cache: The encoder's cache ``hits`` and ``misses`` in this request, if it
            keeps a cache.
    """

    shortlist: npt.NDArray[np.int64]
    vectors: npt.NDArray[np.float32]
    query: npt.NDArray[np.float32] | None
    cache: dict[str, int] | None


def encode_shortlist(
    encoder: Encoder, candidates: Candidates, shortlist: npt.NDArray[np.int64], query: str | None
) -> Encoded:
    """Embed the shortlisted sentences and, when given, the query (as written)."""
    before = _cache_counts(encoder)
    wanted = [candidates.texts[i] for i in shortlist]
    if query is not None:
        wanted.append(query)
    vectors = encoder.encode(wanted)
    after = _cache_counts(encoder)
    cache = None
    if before is not None and after is not None:
        cache = {key: after[key] - before[key] for key in ("hits", "misses")}
    if query is None:
        return Encoded(shortlist, vectors, None, cache)
    return Encoded(shortlist, vectors[:-1], vectors[-1], cache)


def refocus(
    focus: Focus, encoded: Encoded, kind: SimilarityKind, graph: GraphParams, query: QueryParams
) -> Focus:
    """The focus with the shortlist's relevance semantic (mixed with the lexical one
    for hybrid similarity), decided again on it."""
    if encoded.query is None:
        raise ValueError("refocus needs the query's embedding")
    meaning = semantic_relevance(encoded.vectors, encoded.query, floor=graph.semantic_floor)
    if kind == "hybrid":
        w = query.lexical_weight
        meaning = w * focus.relevance[encoded.shortlist] + (1.0 - w) * meaning
    relevance = focus.relevance.copy()
    relevance[encoded.shortlist] = meaning
    return Focus.of(focus.topic, relevance, min_relevance=query.min_relevance)


def rerank(
    encoded: Encoded,
    lexical: sp.csr_matrix | None,
    walk: Walk,
    candidates: Candidates,
    kind: SimilarityKind,
    fallback: Ranking | None,
    params: GraphParams,
) -> Ranking:
    """The ranking of the shortlist over semantic or hybrid similarity, lifted into the
    index space of every candidate.

    Args:
        encoded: The shortlist and its embeddings.
        lexical: TF-IDF rows of every candidate (used for hybrid similarity).
        walk: The walk over the shortlist (jump weights of shape (m,)).
        candidates: Every candidate sentence.
        kind: ``semantic`` or ``hybrid``.
        fallback: The lexical ranking of every candidate, or None when the
            shortlist holds every candidate and there is none.
        params: The graph's parameters.
    """
    shortlist = encoded.shortlist
    threshold = params.support_threshold(kind)
    graph = similarity_graph(
        lexical[shortlist] if (lexical is not None and kind == "hybrid") else None,
        encoded.vectors,
        lexical_weight=params.lexical_weight,
        semantic_floor=params.semantic_floor,
        top_k=params.top_k,
        min_similarity=params.min_similarity,
        keep_above=threshold,
    )
    local = rank(
        graph,
        walk,
        candidates,
        rule=SupportRule(threshold, params.topic_floor(kind), pair_judge(params, kind)),
        support_weight=params.support_weight,
        fallback=fallback,
        index=shortlist,
    )
    return lift(local, shortlist, fallback)


def _cache_counts(encoder: Encoder) -> dict[str, int] | None:
    """The encoder's cache counters, if it keeps any (per process, sync workers)."""
    info = getattr(encoder, "cache_info", None)
    return info() if callable(info) else None


__all__ = ["Encoded", "Encoder", "encode_shortlist", "refocus", "rerank"]
