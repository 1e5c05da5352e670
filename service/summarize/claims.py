"""The claim map: every claim of a story, who reports it, and who disputes it.

A claim is a group of sentences across articles that say the same thing: a sentence
and the agreeing sentences of other articles that support it (the citation groups a
summary shows), with their wire copies. The ranking is the summariser's (every stage
up to selection), so a claim's ``score`` and support mean what they mean in a
summary. Claims are formed best-ranked first: a sentence belongs to the first claim
that holds it, so no sentence is in two claims.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from .candidates import ArticleCache
from .models import (
    SIMILARITY_KINDS,
    Article,
    ArticleClaims,
    Citation,
    Claim,
    ClaimMap,
    ClaimOptions,
    Novelty,
    SummaryOptions,
)
from .params import DEFAULT_PARAMS, RankingParams
from .pipeline import Ranked, cite, disputes, origins_of, rank_story
from .semantic import Encoder
from .update import Update, find_reader, find_update

CLAIMS_SHORTLIST = 600
"""Most sentences the encoder sees for a claim map (semantic and hybrid similarity): the
best-ranked claims' and their closest partners in other articles; the rest are grouped
by lexical similarity. Without it the shortlist of 200 claims held 1,200 sentences, whose
encoding took 22 of 32 s on a feed of 20,000 sentences."""


def map_claims(
    articles: Sequence[Article],
    options: ClaimOptions | None = None,
    *,
    encoder: Encoder | None = None,
    max_sentences_considered: int | None = None,
    params: RankingParams = DEFAULT_PARAMS,
    article_cache: ArticleCache | None = None,
) -> ClaimMap:
    """Every claim of a story, the best supported first, within the options' bounds.

    Args:
        articles: The sources; ids must be unique.
        options: Bounds and similarity kind; defaults when None.
        encoder: Sentence encoder, needed for semantic and hybrid similarity. It sees
            the shortlist a summary of ``max_claims`` sentences would give it, at most
            :data:`CLAIMS_SHORTLIST` sentences.
        max_sentences_considered: Refuse inputs with more sentences than this.
        params: Every stage's parameters; the claim map decides "same claim" with the
            pair model (``graph.pair_model`` is set here).
        article_cache: Cuts of articles seen before; None cuts every article afresh.

    Returns:
        The claims with ``support >= min_support`` (at most ``max_claims``), ordered
        by independent support, then support, then score; per article, its origin and
        the returned claims only it reports.

    Raises:
        ValueError: If there is no article, an id repeats or an option is out of range.
        InsufficientContent: If no article has a candidate sentence.
        EncoderUnavailable: If similarity needs the encoder and none is given.
        TooManySentences: If the articles exceed ``max_sentences_considered``.
    """
    options = options or ClaimOptions()
    _check(options)
    reader = find_reader(articles, options.known, options.since)
    ranked = rank_story(
        articles,
        SummaryOptions(max_sentences=options.max_claims, similarity=options.similarity),
        encoder=encoder,
        max_sentences_considered=max_sentences_considered,
        params=_claim_params(params),
        article_cache=article_cache,
    )
    update = None if reader is None else find_update(ranked.candidates, ranked.ranking, reader)
    claims = _group(articles, ranked, update)
    kept = [claim for claim in claims if claim.support >= options.min_support]
    kept = kept[: options.max_claims]
    ranked.clock.lap("claims")
    return ClaimMap(
        claims=tuple(kept),
        articles=_exclusive(articles, ranked, kept),
        claim_count=len(claims),
        sentence_count=ranked.candidates.sentence_count,
        candidate_count=ranked.candidates.candidate_count,
        similarity=options.similarity,
        timings_ms=ranked.clock.timings,
    )


def _claim_params(params: RankingParams) -> RankingParams:
    """``params`` as a claim map runs them: "same claim" decided by the pair model, the
    encoder's shortlist at most :data:`CLAIMS_SHORTLIST` (unless ``params`` bound it)."""
    most = params.shortlist.max_size or CLAIMS_SHORTLIST
    return replace(
        params,
        graph=replace(params.graph, pair_model=True),
        shortlist=replace(params.shortlist, max_size=most),
    )


def _check(options: ClaimOptions) -> None:
    if options.min_support < 1:
        raise ValueError(f"min_support must be >= 1, got {options.min_support}")
    if options.max_claims < 1:
        raise ValueError(f"max_claims must be >= 1, got {options.max_claims}")
    if options.similarity not in SIMILARITY_KINDS:
        raise ValueError(f"unknown similarity {options.similarity!r}")


def _group(articles: Sequence[Article], ranked: Ranked, update: Update | None) -> list[Claim]:
    """Every claim, each sentence in the first (best-ranked) claim that holds it; with
    known articles, each says whether it is new, known or changed."""
    ranking = ranked.ranking
    scores = ranking.scores
    order = np.lexsort((np.arange(len(scores)), -scores)).tolist()
    best = float(scores.max()) if len(scores) else 0.0
    taken: set[int] = set()
    claims: list[tuple[tuple[int, int, float, int], Claim]] = []
    for index in order:
        if index in taken:
            continue
        # A sentence already in a better-ranked claim stays there.
        sentences = cite(articles, ranked.candidates, ranking, index, taken)
        support = origins_of(ranked.candidates, ranking, index, taken)
        taken.add(index)
        taken.update(ranking.same_claim[index])
        claim = Claim(
            text=ranked.candidates.texts[index],
            sentences=sentences,
            support=len(sentences),
            independent_support=support,
            disagreements=disputes(articles, ranked.candidates, ranking, index),
            score=round(float(scores[index]) / best, 6) if best > 0 else 0.0,
            novelty=None if update is None else _novelty(update, index, sentences, articles),
        )
        key = (-claim.independent_support, -claim.support, -float(scores[index]), index)
        claims.append((key, claim))
    claims.sort(key=lambda pair: pair[0])
    return [claim for _, claim in claims]


def _novelty(
    update: Update, index: int, sentences: Sequence[Citation], articles: Sequence[Article]
) -> Novelty:
    """``known`` when a known article is among the claim's sentences or its head is
    reported by one, else the head sentence's novelty."""
    known_ids = {articles[number].id for number in update.reader.known}  # a few ids
    if any(sentence.article_id in known_ids for sentence in sentences):
        return "known"
    return update.novelty(index)


def _exclusive(
    articles: Sequence[Article], ranked: Ranked, claims: list[Claim]
) -> tuple[ArticleClaims, ...]:
    """Each article's origin, and the indices of the claims only it reports."""
    only: dict[str, list[int]] = {article.id: [] for article in articles}
    for number, claim in enumerate(claims):
        if claim.support == 1:
            only[claim.sentences[0].article_id].append(number)
    return tuple(
        ArticleClaims(id=report.id, origin=report.origin, exclusive=tuple(only[report.id]))
        for report in ranked.candidates.reports
    )


__all__ = ["map_claims"]
