"""The summariser: articles in, a cited extractive summary out.

Stages: split every article into sentences (keeping offsets) and set aside
boilerplate; build a sparse similarity graph of the remaining sentences;
score them by biased LexRank centrality; find, for each, the sentences of
other articles that say the same thing (its support); rank by centrality
raised by support; choose greedily within the budgets, never twice the same
claim.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC
from typing import Protocol

import numpy as np
import numpy.typing as npt

from .boilerplate import classify, is_unpunctuated
from .centrality import lexrank_scores
from .errors import EncoderUnavailable, InsufficientContent, TooManySentences
from .models import (
    Article,
    ArticleReport,
    Citation,
    SimilarityKind,
    Summary,
    SummaryOptions,
    SummarySentence,
)
from .redundancy import select_diverse
from .segmentation import count_words, split_blocks, split_sentences
from .similarity import similarity_graph, tfidf_vectors, tokenize
from .support import Match, find_support


class Encoder(Protocol):
    """What the pipeline needs of a sentence encoder."""

    def encode(self, texts: Sequence[str]) -> npt.NDArray[np.float32]: ...


@dataclass(frozen=True, slots=True)
class RankingParams:
    """Tuning of the ranking; the defaults are the best settings measured.

    Attributes:
        lexical_weight: Share of the lexical cosine in hybrid similarity.
        semantic_floor: Semantic cosine that counts as no similarity at all.
        top_k: Neighbours kept per sentence in the graph.
        min_similarity: Weakest edge kept.
        damping: LexRank jump probability.
        position_decay: Sentences this far into an article get half the lead's
            prior weight (news puts the key facts first).
        support_threshold: Similarity at which two sentences of different
            articles say the same thing, per similarity kind.
        support_weight: How much each extra supporting article raises a score.
        unpunctuated_quality: Prior and score factor of sentences cut from a
            run-on article, so that a claim is quoted from a clean source
            when one says it too.
    """

    lexical_weight: float = 0.5
    semantic_floor: float = 0.2
    top_k: int = 30
    min_similarity: float = 0.05
    damping: float = 0.15
    position_decay: float = 8.0
    support_threshold_lexical: float = 0.45
    support_threshold_semantic: float = 0.7
    support_threshold_hybrid: float = 0.45
    support_weight: float = 0.5
    unpunctuated_quality: float = 0.5

    def support_threshold(self, kind: SimilarityKind) -> float:
        return {
            "lexical": self.support_threshold_lexical,
            "semantic": self.support_threshold_semantic,
            "hybrid": self.support_threshold_hybrid,
        }[kind]


DEFAULT_PARAMS = RankingParams()


@dataclass(frozen=True, slots=True)
class _Sentence:
    article: int
    position: int
    start: int
    end: int
    quality: float


def summarize(
    articles: Sequence[Article],
    options: SummaryOptions | None = None,
    *,
    encoder: Encoder | None = None,
    max_sentences_considered: int | None = None,
    params: RankingParams = DEFAULT_PARAMS,
) -> Summary:
    """Summarise a set of articles about one story.

    Args:
        articles: The sources; ids must be unique.
        options: Budgets, order and similarity kind; defaults when None.
        encoder: Sentence encoder, needed for semantic and hybrid similarity.
        max_sentences_considered: Refuse inputs with more sentences than this.
        params: Ranking parameters.

    Returns:
        The summary: chosen sentences with scores, support and citations.

    Raises:
        ValueError: If there is no article, an id repeats or an option is out of range.
        InsufficientContent: If no sentence could be chosen.
        EncoderUnavailable: If similarity needs the encoder and none is given.
        TooManySentences: If the articles exceed ``max_sentences_considered``.
    """
    options = options or SummaryOptions()
    _check(articles, options)
    if options.similarity != "lexical" and encoder is None:
        raise EncoderUnavailable(f"similarity {options.similarity!r} needs the sentence encoder")
    timings: dict[str, float] = {}
    clock = time.perf_counter()

    sentences, reports = _segment(articles, params)
    total = sum(report.sentence_count for report in reports)
    if max_sentences_considered is not None and total > max_sentences_considered:
        raise TooManySentences(total, max_sentences_considered)
    clock = _lap(timings, "segment", clock)
    if not sentences:
        raise InsufficientContent("no article has a sentence that could go into a summary")

    texts = [articles[s.article].text[s.start : s.end] for s in sentences]
    article_of = np.fromiter((s.article for s in sentences), dtype=np.int64, count=len(sentences))
    lexical = semantic = None
    cache: dict[str, int] | None = None
    if options.similarity in ("lexical", "hybrid"):
        lexical = tfidf_vectors([tokenize(text) for text in texts], article_of.tolist())
        clock = _lap(timings, "lexical", clock)
    if options.similarity in ("semantic", "hybrid"):
        assert encoder is not None
        before = _cache_counts(encoder)
        semantic = encoder.encode(texts)
        after = _cache_counts(encoder)
        if before is not None and after is not None:
            cache = {key: after[key] - before[key] for key in ("hits", "misses")}
        clock = _lap(timings, "encode", clock)
    graph = similarity_graph(
        lexical,
        semantic,
        lexical_weight=params.lexical_weight,
        semantic_floor=params.semantic_floor,
        top_k=params.top_k,
        min_similarity=params.min_similarity,
        keep_above=min(params.support_threshold(options.similarity), 1.0),
    )
    clock = _lap(timings, "graph", clock)

    quality = np.fromiter((s.quality for s in sentences), dtype=np.float64, count=len(sentences))
    positions = np.fromiter((s.position for s in sentences), dtype=np.float64, count=len(sentences))
    prior = quality / (1.0 + positions / params.position_decay)
    centrality = lexrank_scores(graph, prior=prior, damping=params.damping)
    clock = _lap(timings, "centrality", clock)

    threshold = params.support_threshold(options.similarity)
    matches = find_support(graph, article_of, threshold=threshold)
    support = np.fromiter((1 + len(m) for m in matches), dtype=np.float64, count=len(matches))
    scores = centrality * len(sentences) * quality * (1.0 + params.support_weight * (support - 1))
    clock = _lap(timings, "support", clock)

    chosen = select_diverse(
        scores,
        graph,
        [count_words(text) for text in texts],
        max_sentences=options.max_sentences,
        max_words=options.max_words,
        max_overlap=threshold,
        same_claim=[[match.sentence for match in group] for group in matches],
    )
    _lap(timings, "select", clock)
    if options.order == "source":
        chosen.sort(key=lambda index: _reading_key(articles, sentences[index]))
    best = float(scores.max())
    return Summary(
        sentences=tuple(
            _summary_sentence(articles, sentences, texts, index, scores, best, centrality, matches)
            for index in chosen
        ),
        articles=tuple(reports),
        sentence_count=total,
        candidate_count=len(sentences),
        similarity=options.similarity,
        timings_ms=timings,
        embedding_cache=cache,
    )


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
    if options.order not in ("rank", "source"):
        raise ValueError(f"order must be 'rank' or 'source', got {options.order!r}")
    if options.similarity not in ("lexical", "semantic", "hybrid"):
        raise ValueError(f"unknown similarity {options.similarity!r}")


def _segment(
    articles: Sequence[Article], params: RankingParams
) -> tuple[list[_Sentence], list[ArticleReport]]:
    """Split every article; keep the candidate sentences and a report per article."""
    sentences: list[_Sentence] = []
    reports: list[ArticleReport] = []
    for article_index, article in enumerate(articles):
        segments = split_sentences(article.text)
        verdicts = classify(article.text, segments, split_blocks(article.text))
        run_on = is_unpunctuated(article.text)
        candidates = 0
        for position, (segment, verdict) in enumerate(zip(segments, verdicts, strict=True)):
            if not verdict.candidate:
                continue
            candidates += 1
            quality = params.unpunctuated_quality if (run_on or segment.forced) else 1.0
            sentences.append(_Sentence(article_index, position, verdict.start, verdict.end, quality))
        reports.append(
            ArticleReport(
                id=article.id,
                sentence_count=len(segments),
                candidate_count=candidates,
                boilerplate_count=len(segments) - candidates,
            )
        )
    return sentences, reports


def _summary_sentence(
    articles: Sequence[Article],
    sentences: list[_Sentence],
    texts: list[str],
    index: int,
    scores: npt.NDArray[np.float64],
    best: float,
    centrality: npt.NDArray[np.float64],
    matches: list[list[Match]],
) -> SummarySentence:
    citations = [_citation(articles, sentences[index])]
    citations.extend(_citation(articles, sentences[match.sentence]) for match in matches[index])
    return SummarySentence(
        text=texts[index],
        score=round(float(scores[index]) / best, 6) if best > 0 else 0.0,
        support=len(citations),
        citations=tuple(citations),
        centrality=round(float(centrality[index]) * len(sentences), 6),
    )


def _citation(articles: Sequence[Article], sentence: _Sentence) -> Citation:
    return Citation(
        article_id=articles[sentence.article].id,
        sentence_index=sentence.position,
        start=sentence.start,
        end=sentence.end,
    )


def _reading_key(articles: Sequence[Article], sentence: _Sentence) -> tuple[int, float, int, int]:
    published = articles[sentence.article].published_at
    if published is None:
        return (1, 0.0, sentence.article, sentence.position)
    if published.tzinfo is None:
        published = published.replace(tzinfo=UTC)
    return (0, published.timestamp(), sentence.article, sentence.position)


def _cache_counts(encoder: Encoder) -> dict[str, int] | None:
    """The encoder's cache counters, if it keeps any (per process, sync workers)."""
    info = getattr(encoder, "cache_info", None)
    return info() if callable(info) else None


def _lap(timings: dict[str, float], stage: str, started: float) -> float:
    now = time.perf_counter()
    timings[stage] = round((now - started) * 1000.0, 3)
    return now


__all__ = ["DEFAULT_PARAMS", "Encoder", "RankingParams", "summarize"]
