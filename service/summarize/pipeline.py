"""The summariser: articles in, a cited extractive summary out.

:func:`summarize` runs the stages in order, each in a module of its own, and hands
each the record the one before produced:

1. segment (:mod:`.candidates`): every article cut into sentences, boilerplate set
   aside -> :class:`Candidates`;
2. query focus (:mod:`.focus`): with a query, each sentence's relevance, and whether
   the query focuses the summary at all -> :class:`Focus`;
3. lexical ranking (:mod:`.ranking`): TF-IDF similarity graph, biased LexRank, support
   (the other articles that say the same thing) -> :class:`Ranking`;
4. semantic re-rank (:mod:`.shortlist`, :mod:`.semantic`): the encoder on a shortlist
   of the lexical ranking, the shortlist re-ranked with full similarity;
5. update (:mod:`.update`), only with known articles: which sentences the reader
   knows, which a known article reports, which correct it -> :class:`Update`;
6. selection (:mod:`.selection`): coverage of shared concepts within the budgets,
   never twice the same claim (with an update: only news, corrections first)
   -> :class:`Choice`;
7. assembly (here): the summary sentences with their scores and citations.
"""

from __future__ import annotations

import time
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC

import numpy as np
import scipy.sparse as sp

from .candidates import ArticleCache, Candidates, find_candidates, same_words
from .errors import EncoderUnavailable, InsufficientContent, TooManySentences
from .focus import Focus, query_text
from .models import (
    ORDERS,
    SIMILARITY_KINDS,
    Article,
    Citation,
    Disagreement,
    Relation,
    Span,
    Summary,
    SummaryOptions,
    SummarySentence,
)
from .params import DEFAULT_PARAMS, RankingParams
from .ranking import (
    Ranking,
    count_origins,
    lead_prior,
    lexical_relevance_to,
    lexical_vectors,
    plan_walk,
    rank_lexically,
)
from .selection import Choice, select_sentences
from .semantic import Encoded, Encoder, encode_shortlist, refocus, rerank
from .shortlist import choose_shortlist, shortlist_size
from .update import Update, find_reader, find_update


def summarize(
    articles: Sequence[Article],
    options: SummaryOptions | None = None,
    *,
    encoder: Encoder | None = None,
    max_sentences_considered: int | None = None,
    params: RankingParams = DEFAULT_PARAMS,
    article_cache: ArticleCache | None = None,
) -> Summary:
    """Summarise a set of articles about one story.

    Args:
        articles: The sources; ids must be unique.
        options: Budgets, order and similarity kind; defaults when None.
        encoder: Sentence encoder, needed for semantic and hybrid similarity.
        max_sentences_considered: Refuse inputs with more sentences than this.
        params: Every stage's parameters.
        article_cache: Cuts of articles seen before (a service keeps one per
            process); None cuts every article afresh.

    Returns:
        The summary: chosen sentences with scores, support and citations.

    Raises:
        ValueError: If there is no article, an id repeats, a known id names no
            article or an option is out of range.
        InsufficientContent: If no sentence could be chosen.
        NothingNew: If every article is known to the reader.
        EncoderUnavailable: If similarity needs the encoder and none is given.
        TooManySentences: If the articles exceed ``max_sentences_considered``.
    """
    options = options or SummaryOptions()
    reader = find_reader(articles, options.known, options.since)
    ranked = rank_story(
        articles,
        options,
        encoder=encoder,
        max_sentences_considered=max_sentences_considered,
        params=params,
        article_cache=article_cache,
    )
    update = None
    if reader is not None:
        update = find_update(ranked.candidates, ranked.ranking, reader)
        ranked.clock.lap("update")
    focus = ranked.focus if (ranked.focus is not None and ranked.focus.focused) else None
    selection = params.selection.focused(params.query) if focus else params.selection
    choice = select_sentences(
        ranked.candidates, ranked.ranking, ranked.lexical, focus, options, selection, update
    )
    ranked.clock.lap("select")
    return _assemble(articles, ranked, choice, options, update)


@dataclass(frozen=True, slots=True)
class Ranked:
    """Every stage up to selection: the candidates and their final ranking.

    Attributes:
        candidates: The candidate sentences.
        ranking: Their final ranking (semantic or hybrid re-rank, else lexical).
        lexical: The lexical ranking when ``ranking`` comes from a shortlist (its
            repeats are blocked too), else None.
        focus: The query's focus (None without a query).
        encoded: What the encoder made of the shortlist (None for lexical).
        clock: The stages' timings so far.
    """

    candidates: Candidates
    ranking: Ranking
    lexical: Ranking | None
    focus: Focus | None
    encoded: Encoded | None
    clock: _Stopwatch


def rank_story(
    articles: Sequence[Article],
    options: SummaryOptions,
    *,
    encoder: Encoder | None,
    max_sentences_considered: int | None,
    params: RankingParams,
    article_cache: ArticleCache | None,
) -> Ranked:
    """Segment, focus, rank lexically and re-rank semantically (see :func:`summarize`)."""
    _check(articles, options)
    if options.similarity != "lexical" and encoder is None:
        raise EncoderUnavailable(f"similarity {options.similarity!r} needs the sentence encoder")
    clock = _Stopwatch()
    candidates = find_candidates(
        articles, params.segmentation, ArticleCache(0) if article_cache is None else article_cache
    )
    _refuse(candidates, max_sentences_considered)
    clock.lap("segment")
    n = len(candidates)
    size = shortlist_size(options, params.shortlist, n)
    # Semantic similarity with a shortlist of every sentence needs no lexical ranking.
    ranks_lexically = options.similarity != "semantic" or size < n
    focus, vectors = _focus(candidates, options, params, clock, ranks_lexically)
    lexical = None
    if ranks_lexically:
        lexical = _lexical_ranking(candidates, vectors, focus, params, clock)
    if encoder is None or options.similarity == "lexical":
        return Ranked(candidates, _needed(lexical), None, focus, None, clock)
    encoded, focus, ranking = _semantic_rerank(
        encoder, candidates, vectors, focus, lexical, options, params, clock
    )
    return Ranked(candidates, ranking, lexical, focus, encoded, clock)


def _check(articles: Sequence[Article], options: SummaryOptions) -> None:
    if not articles:
        raise ValueError("articles must hold at least one article")
    seen: set[str] = set()
    for article in articles:
        if article.id in seen:
            raise ValueError(f"article ids must be unique; {article.id!r} repeats")
        seen.add(article.id)
    if options.max_sentences is not None and options.max_sentences < 1:
        raise ValueError(f"max_sentences must be >= 1, got {options.max_sentences}")
    if options.max_words is not None and options.max_words < 1:
        raise ValueError(f"max_words must be >= 1, got {options.max_words}")
    if options.order not in ORDERS:
        raise ValueError(f"order must be one of {ORDERS}, got {options.order!r}")
    if options.similarity not in SIMILARITY_KINDS:
        raise ValueError(f"unknown similarity {options.similarity!r}")
    if options.query is not None and not options.query.strip():
        raise ValueError("query must hold text when given")


def _refuse(candidates: Candidates, most: int | None) -> None:
    """Refuse a request over the sentence limit, or one with nothing to choose."""
    if most is not None and candidates.sentence_count > most:
        raise TooManySentences(candidates.sentence_count, most)
    if not len(candidates):
        raise InsufficientContent("no article has a sentence that could go into a summary")


def _focus(
    candidates: Candidates,
    options: SummaryOptions,
    params: RankingParams,
    clock: _Stopwatch,
    needs_lexical: bool,
) -> tuple[Focus | None, sp.csr_matrix | None]:
    """The query's focus (None without a query) and, when ``needs_lexical`` or a query
    does, the candidates' TF-IDF rows (the query's relevance is computed with them)."""
    if options.query is None:
        return None, lexical_vectors(candidates) if needs_lexical else None
    topic = query_text(options.query)
    vectors, relevance = lexical_relevance_to(candidates, topic)
    clock.lap("query")
    return Focus.of(topic, relevance, min_relevance=params.query.min_relevance), vectors


def _lexical_ranking(
    candidates: Candidates,
    vectors: sp.csr_matrix | None,
    focus: Focus | None,
    params: RankingParams,
    clock: _Stopwatch,
) -> Ranking:
    """The lexical ranking of every candidate."""
    if vectors is None:
        raise ValueError("the lexical ranking needs the TF-IDF rows")
    walk = plan_walk(lead_prior(candidates, params.graph), focus, params.graph, params.query)
    ranking = rank_lexically(vectors, walk, candidates, params.graph)
    clock.lap("lexical")
    return ranking


def _semantic_rerank(
    encoder: Encoder,
    candidates: Candidates,
    vectors: sp.csr_matrix | None,
    focus: Focus | None,
    lexical: Ranking | None,
    options: SummaryOptions,
    params: RankingParams,
    clock: _Stopwatch,
) -> tuple[Encoded, Focus | None, Ranking]:
    """Encode the shortlist, refocus on the semantic relevance, re-rank the shortlist."""
    n = len(candidates)
    size = shortlist_size(options, params.shortlist, n)
    if lexical is not None and size < n:
        shortlist = choose_shortlist(lexical, size, options, params.shortlist)
    else:
        shortlist = np.arange(n)
    encoded = encode_shortlist(encoder, candidates, shortlist, options.query)
    clock.lap("encode")
    if focus is not None:
        focus = refocus(focus, encoded, options.similarity, params.graph, params.query)
    walk = plan_walk(
        lead_prior(candidates, params.graph), focus, params.graph, params.query, shortlist
    )
    ranking = rerank(encoded, vectors, walk, candidates, options.similarity, lexical, params.graph)
    clock.lap("rerank")
    return encoded, focus, ranking


def _needed(ranking: Ranking | None) -> Ranking:
    if ranking is None:
        raise ValueError("lexical similarity always ranks lexically")
    return ranking


def _assemble(
    articles: Sequence[Article],
    ranked: Ranked,
    choice: Choice,
    options: SummaryOptions,
    update: Update | None = None,
) -> Summary:
    """The summary: each chosen sentence with its score, support and citations (and,
    with known articles, whether it is new or changes what the reader knows)."""
    candidates, ranking, focus = ranked.candidates, ranked.ranking, ranked.focus
    chosen = list(choice.chosen)
    if options.order == "source":
        chosen.sort(key=lambda index: _reading_key(articles, candidates.spans[index]))
    best = float(choice.scores.max()) if len(choice.scores) else 0.0
    sentences = []
    for index in chosen:
        citations = cite(articles, candidates, ranking, index)
        sentences.append(
            SummarySentence(
                text=candidates.texts[index],
                score=round(float(choice.scores[index]) / best, 6) if best > 0 else 0.0,
                support=len(citations),
                citations=citations,
                centrality=round(float(ranking.centrality[index]), 6),
                relevance=None if focus is None else round(float(focus.relevance[index]), 6),
                independent_support=origins_of(candidates, ranking, index),
                disagreements=disputes(articles, candidates, ranking, index),
                novelty=None if update is None else update.novelty(index),
            )
        )
    return Summary(
        sentences=tuple(sentences),
        articles=candidates.reports,
        sentence_count=candidates.sentence_count,
        candidate_count=candidates.candidate_count,
        similarity=options.similarity,
        timings_ms=ranked.clock.timings,
        embedding_cache=None if ranked.encoded is None else ranked.encoded.cache,
        article_cache=candidates.cache,
        query=None if focus is None else focus.report(),
    )


def cite(
    articles: Sequence[Article],
    candidates: Candidates,
    ranking: Ranking,
    index: int,
    skip: Collection[int] = (),
) -> tuple[Citation, ...]:
    """Where sentence ``index`` stands, then every article that says it: its wire
    copies, the agreeing sentences of other articles (but those in ``skip``) and their
    copies; one citation an article, in that order."""
    words = same_words(candidates.texts[index])
    cited: dict[int, Citation] = {}
    for span in candidates.spans_of(index):
        cited.setdefault(span.article_index, _citation(articles, span, "verbatim", 1.0))
    for other, similarity in zip(
        ranking.same_claim[index], ranking.similarity_to[index], strict=True
    ):
        if other in skip:
            continue
        relation: Relation = (
            "verbatim" if same_words(candidates.texts[other]) == words else "paraphrase"
        )
        for span in candidates.spans_of(other):
            cited.setdefault(
                span.article_index,
                _citation(articles, span, relation, round(min(similarity, 1.0), 6)),
            )
    return tuple(cited.values())


def disputes(
    articles: Sequence[Article], candidates: Candidates, ranking: Ranking, index: int
) -> tuple[Disagreement, ...]:
    """The sentences of other articles that give another value for what ``index`` says,
    each with its wire copies (a copy says what its wire story says, disputed value and
    all); one an article."""
    found: dict[int, Disagreement] = {}
    for dissent in ranking.dissent[index]:
        other = dissent.sentence
        for span in candidates.spans_of(other):
            found.setdefault(
                span.article_index,
                Disagreement(
                    article_id=articles[span.article_index].id,
                    sentence_index=span.position,
                    start=span.start,
                    end=span.end,
                    kind=dissent.conflict.kind,
                    value=dissent.conflict.value,
                    other=dissent.conflict.other,
                    similarity=round(min(dissent.similarity, 1.0), 6),
                ),
            )
    return tuple(found.values())


def origins_of(
    candidates: Candidates, ranking: Ranking, index: int, skip: Collection[int] = ()
) -> int:
    """How many origins say what sentence ``index`` says, its own included (the
    agreeing sentences in ``skip`` left out)."""
    agreeing = (j for j in ranking.same_claim[index] if j not in skip)
    return count_origins(candidates, index, agreeing)


def _citation(
    articles: Sequence[Article], span: Span, relation: Relation, similarity: float
) -> Citation:
    return Citation(
        article_id=articles[span.article_index].id,
        sentence_index=span.position,
        start=span.start,
        end=span.end,
        relation=relation,
        similarity=similarity,
    )


def _reading_key(articles: Sequence[Article], span: Span) -> tuple[int, float, int, int]:
    published = articles[span.article_index].published_at
    if published is None:
        return (1, 0.0, span.article_index, span.position)
    if published.tzinfo is None:
        published = published.replace(tzinfo=UTC)
    return (0, published.timestamp(), span.article_index, span.position)


class _Stopwatch:
    """Milliseconds per stage, in the order the stages ran."""

    def __init__(self) -> None:
        self.timings: dict[str, float] = {}
        self._started = time.perf_counter()

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.timings[stage] = round((now - self._started) * 1000.0, 3)
        self._started = now


__all__ = ["Ranked", "cite", "disputes", "origins_of", "rank_story", "summarize"]
