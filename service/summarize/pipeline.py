"""The summariser: articles in, a cited extractive summary out.

Stages: split every article into sentences (keeping offsets) and set aside
boilerplate; build a sparse similarity graph of the remaining sentences;
score them by biased LexRank centrality; find, for each, the sentences of
other articles that say the same thing (its support); rank by centrality
raised by support; choose greedily within the budgets, never twice the same
claim.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC
from typing import Protocol

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from .boilerplate import classify, is_unpunctuated
from .centrality import lexrank_scores
from .coverage import (
    FILLER_STEMS,
    cleaner_twin,
    concept_matrix,
    conflicts,
    content_stems,
    expected_token_matches,
    greedy_cover,
    is_dangling,
    is_quote,
    min_articles_for,
    rouge_words,
    word_pairs,
)
from .errors import EncoderUnavailable, InsufficientContent, TooManySentences
from .focus import (
    concept_focus,
    focused_prior,
    lexical_relevance,
    query_text,
    semantic_relevance,
)
from .models import (
    Article,
    ArticleReport,
    Citation,
    QueryReport,
    SimilarityKind,
    Summary,
    SummaryOptions,
    SummarySentence,
)
from .redundancy import select_diverse
from .segmentation import count_words, split_blocks, split_sentences
from .similarity import similarity_graph, tfidf_vectors, tokenize
from .support import find_support


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
        shortlist_factor: The encoder sees at most this many sentences per
            sentence wanted, at least ``shortlist_min``; 0 encodes every sentence.
        shortlist_core: Of those, this many per sentence wanted (at least
            ``shortlist_min_core``) are the best by lexical rank; the rest are
            the closest sentence in each other article to each of those
            (lexical similarity at least ``shortlist_partner_floor``), closest
            first: the paraphrases the encoder is there to find.
            ``shortlist_core`` 0: the best by lexical rank only.
        selection: ``coverage``: choose the sentences that together cover the
            most concepts (bigrams shared by articles), ranking as a bonus;
            ``score``: best ranked first, skipping repeats.
        coverage_length_power: ``r`` of the coverage gain per ``words**r``.
        coverage_min_share: A concept must occur in this share of the
            articles (at least 2).
        coverage_position_decay: Concepts met early in an article weigh more,
            by ``1 / (1 + position / decay)``; 0 for no boost.
        coverage_weight_power: Concept weight is its (position-boosted)
            article count raised to this power.
        coverage_quote_factor: Factor of the gain of a sentence with quoted
            speech: a summary reports, so a quote needs more to be chosen.
        coverage_bonus: Weight of a sentence's ranking score (scaled to the
            mean concept weight of a sentence) added to its coverage gain.
        coverage_dangling_factor: Factor of the gain of a sentence that opens
            with a word pointing back (a pronoun or a connective: "He", "But"),
            which reads badly without what came before it. This and the next
            four shape general summaries only: a focused one (with a query)
            is chosen without them, as they lowered its ROUGE-2 on DUC 2007.
        coverage_filler_factor: Factor of the weight of a concept holding a
            news filler word (said, told, a weekday, "s" or "t" of a
            contraction): attributions are shared by every article but carry
            no content.
        coverage_unigram_weight: Weight, relative to the mean concept gain of
            a sentence, of the word matches it is expected to add with a
            reference that uses every token (stopwords too) at its rate in
            the sources; a word already in the summary adds less each time
            (see :func:`coverage.expected_token_matches`). 0 for none.
        coverage_unigram_length: Tokens of that notional reference, when the
            request sets no word budget (with one, the budget).
        coverage_bigram_ratio: The expected matches of token pairs join the
            unigram ones, each at this weight; 0 for unigrams only.
        min_words: Sentences shorter than this are chosen only when nothing
            longer fits.
        query_min_words: ``min_words`` of a focused summary.
        query_length_power: ``coverage_length_power`` of a focused summary.
        query_min_relevance: With a query, the best sentence relevance under
            which the query is not answered: the summary is the general one.
        query_damping: LexRank jump probability with a query (the jump
            distribution carries the focus, so it is taken more often).
        query_prior_floor: Jump weight of an irrelevant sentence, next to
            ``1`` for the most relevant one (times the usual prior).
        query_concept_weight: A concept's weight grows by this factor of its
            focus (the best focus of the sentences holding it).
        query_gain_floor: Coverage gain factor of a sentence of no focus;
            the most focused sentence has 1.
        query_concept_min_articles: Fewest articles a concept holding a query
            word needs; 0 for the usual share.
        query_concept_factor: Factor of the weight of a concept holding a
            query word.
        query_min_share: With a query, ``coverage_min_share`` is this instead
            (a focused summary covers what the relevant few articles share);
            0 keeps it.
        query_weight_power: With a query, ``coverage_weight_power`` is this
            instead; 0 keeps it.
        query_lexical_weight: Share of the lexical relevance in hybrid
            relevance (the rest is semantic).
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
    shortlist_factor: int = 6
    shortlist_min: int = 30
    shortlist_core: int = 2
    shortlist_min_core: int = 10
    shortlist_partner_floor: float = 0.15
    selection: str = "coverage"
    coverage_length_power: float = 0.85
    coverage_min_share: float = 0.4
    coverage_position_decay: float = 2.0
    coverage_weight_power: float = 2.0
    coverage_quote_factor: float = 0.7
    coverage_bonus: float = 0.0
    coverage_dangling_factor: float = 0.85
    coverage_filler_factor: float = 0.5
    coverage_unigram_weight: float = 4.0
    coverage_unigram_length: float = 100.0
    coverage_bigram_ratio: float = 0.5
    min_words: int = 8
    query_min_words: int = 10
    query_length_power: float = 0.75
    query_min_relevance: float = 0.05
    query_damping: float = 0.5
    query_prior_floor: float = 0.1
    query_concept_weight: float = 1.0
    query_gain_floor: float = 0.7
    query_concept_min_articles: int = 1
    query_concept_factor: float = 2.0
    query_lexical_weight: float = 0.75
    query_min_share: float = 0.1
    query_weight_power: float = 1.0

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

    sentences, reports, article_cache = _segment(articles, params)
    total = sum(report.sentence_count for report in reports)
    if max_sentences_considered is not None and total > max_sentences_considered:
        raise TooManySentences(total, max_sentences_considered)
    clock = _lap(timings, "segment", clock)
    if not sentences:
        raise InsufficientContent("no article has a sentence that could go into a summary")

    texts = [articles[s.article].text[s.start : s.end] for s in sentences]
    article_of = np.fromiter((s.article for s in sentences), dtype=np.int64, count=len(sentences))
    quality = np.fromiter((s.quality for s in sentences), dtype=np.float64, count=len(sentences))
    positions = np.fromiter((s.position for s in sentences), dtype=np.float64, count=len(sentences))
    prior = quality / (1.0 + positions / params.position_decay)
    n = len(sentences)
    kind = options.similarity
    shortlist_size = _shortlist_size(options, params, n)
    lexical = None
    ranking: _Ranking | None = None
    relevance: npt.NDArray[np.float64] | None = None
    jump = prior
    damping = params.damping
    topic = None if options.query is None else query_text(options.query)
    if topic is not None:
        # The query as one more TF-IDF row, with the sentences' vocabulary and IDF.
        stacked = tfidf_vectors(
            [tokenize(text) for text in texts],
            article_of.tolist(),
            queries=[tokenize(topic)],
        )
        lexical, relevance = sp.csr_matrix(stacked[:n]), lexical_relevance(stacked)
        if relevance.max(initial=0.0) >= params.query_min_relevance:
            jump = focused_prior(prior, relevance, floor=params.query_prior_floor)
            damping = params.query_damping
        clock = _lap(timings, "query", clock)
    if kind != "semantic" or shortlist_size < n:
        if lexical is None:
            lexical = tfidf_vectors([tokenize(text) for text in texts], article_of.tolist())
        lexical_graph = similarity_graph(
            lexical,
            None,
            top_k=params.top_k,
            min_similarity=params.min_similarity,
            keep_above=params.support_threshold_lexical,
        )
        ranking = _rank(
            lexical_graph, jump, quality, article_of, "lexical", params, damping=damping
        )
        clock = _lap(timings, "lexical", clock)
    lexical_ranking = ranking

    cache: dict[str, int] | None = None
    if kind != "lexical":
        assert encoder is not None
        # The encoder is the costly stage: it sees the lexical shortlist only,
        # and the shortlist is re-ranked with the full similarity.
        if ranking is not None and shortlist_size < n:
            shortlist = _shortlist(ranking, shortlist_size, options, params)
        else:
            shortlist = np.arange(n)
        before = _cache_counts(encoder)
        wanted = [texts[i] for i in shortlist]
        if options.query is not None:
            wanted.append(options.query)
        semantic = encoder.encode(wanted)
        after = _cache_counts(encoder)
        if before is not None and after is not None:
            cache = {key: after[key] - before[key] for key in ("hits", "misses")}
        clock = _lap(timings, "encode", clock)
        local_jump = prior[shortlist]
        if relevance is not None:
            semantic, query_vector = semantic[:-1], semantic[-1]
            meaning = semantic_relevance(semantic, query_vector, floor=params.semantic_floor)
            if kind == "hybrid":
                w = params.query_lexical_weight
                meaning = w * relevance[shortlist] + (1.0 - w) * meaning
            relevance = relevance.copy()
            relevance[shortlist] = meaning
            damping = params.damping
            if relevance.max(initial=0.0) >= params.query_min_relevance:
                local_jump = focused_prior(
                    prior[shortlist], meaning, floor=params.query_prior_floor
                )
                damping = params.query_damping
        local = _rank(
            similarity_graph(
                lexical[shortlist] if (lexical is not None and kind == "hybrid") else None,
                semantic,
                lexical_weight=params.lexical_weight,
                semantic_floor=params.semantic_floor,
                top_k=params.top_k,
                min_similarity=params.min_similarity,
                keep_above=params.support_threshold(kind),
            ),
            local_jump,
            quality[shortlist],
            article_of[shortlist],
            kind,
            params,
            fallback=ranking,
            index=shortlist,
            damping=damping,
        )
        ranking = _lift(local, shortlist, n, ranking)
        clock = _lap(timings, "rerank", clock)
    assert ranking is not None
    report = None
    focus = None
    if relevance is not None:
        best_relevance = float(relevance.max(initial=0.0))
        report = QueryReport(
            max_relevance=round(best_relevance, 6),
            focused=best_relevance >= params.query_min_relevance,
        )
        if report.focused:
            focus = relevance / best_relevance

    word_counts = [count_words(text) for text in texts]
    if params.selection == "coverage":
        chosen, values = _select_coverage(
            texts, word_counts, article_of, positions, quality, ranking, options, params, kind,
            lexical_ranking if lexical_ranking is not ranking else None,
            focus=focus,
            query=options.query,
        )
        # Scores are what each sentence added to the summary when chosen, so
        # that the rank order stays best first.
        scores = np.zeros(len(texts))
        scores[chosen] = values
        ranking = replace(ranking, scores=scores)
    else:
        chosen = select_diverse(
            ranking.scores,
            ranking.graph,
            word_counts,
            max_sentences=options.max_sentences,
            max_words=options.max_words,
            max_overlap=params.support_threshold(kind),
            same_claim=ranking.same_claim,
        )
    _lap(timings, "select", clock)
    if options.order == "source":
        chosen.sort(key=lambda index: _reading_key(articles, sentences[index]))
    best = float(ranking.scores.max())
    return Summary(
        sentences=tuple(
            _summary_sentence(articles, sentences, texts, index, ranking, best, relevance)
            for index in chosen
        ),
        articles=tuple(reports),
        sentence_count=total,
        candidate_count=len(sentences),
        similarity=options.similarity,
        timings_ms=timings,
        embedding_cache=cache,
        article_cache=article_cache,
        query=report,
    )


def _select_coverage(
    texts: list[str],
    word_counts: list[int],
    article_of: npt.NDArray[np.int64],
    positions: npt.NDArray[np.float64],
    quality: npt.NDArray[np.float64],
    ranking: _Ranking,
    options: SummaryOptions,
    params: RankingParams,
    kind: SimilarityKind,
    lexical: _Ranking | None = None,
    *,
    focus: npt.NDArray[np.float64] | None = None,
    query: str | None = None,
) -> tuple[list[int], npt.NDArray[np.float64]]:
    """The sentences that cover the most shared concepts within the budgets.

    ``lexical`` is the lexical ranking of every sentence when ``ranking``
    comes from a shortlist: lexical repeats are blocked too. ``focus`` (0..1
    per sentence, with a query) raises the weight of the concepts focused
    sentences hold and the gain of focused sentences.

    Returns:
        The chosen sentences in the order chosen, and the value of each.
    """
    n_articles = len(np.unique(article_of))
    # ROUGE's tokens, cut once for the concepts and for the expected-matches term.
    tokens = [rouge_words(text) for text in texts]
    concepts, weights = concept_matrix(
        [word_pairs(words, stems) for words, stems in tokens],
        article_of,
        min_articles=min_articles_for(
            n_articles,
            params.query_min_share
            if (focus is not None and params.query_min_share > 0)
            else params.coverage_min_share,
        ),
        position=positions,
        position_decay=params.coverage_position_decay,
        weight_power=params.query_weight_power
        if (focus is not None and params.query_weight_power > 0)
        else params.coverage_weight_power,
        favoured=content_stems(query_text(query))
        if (query is not None and focus is not None)
        else (),
        favoured_min_articles=params.query_concept_min_articles or None,
        favoured_factor=params.query_concept_factor,
        damped=FILLER_STEMS if (focus is None and params.coverage_filler_factor != 1.0) else (),
        damped_factor=params.coverage_filler_factor,
    )
    if focus is not None and params.query_concept_weight > 0:
        weights = weights * (1.0 + params.query_concept_weight * concept_focus(concepts, focus))
    scores = ranking.scores
    bonus = None
    if params.coverage_bonus > 0 and scores.max() > 0:
        per_sentence = float((concepts @ weights).mean()) or 1.0
        bonus = params.coverage_bonus * per_sentence * scores / float(scores.mean())
    factor = None
    if params.coverage_quote_factor != 1.0:
        quotes = np.fromiter((is_quote(text) for text in texts), dtype=bool, count=len(texts))
        factor = np.where(quotes, params.coverage_quote_factor, 1.0)
    if focus is None and params.coverage_dangling_factor != 1.0:
        hit = np.fromiter((is_dangling(text) for text in texts), dtype=bool, count=len(texts))
        factor = (1.0 if factor is None else factor) * np.where(
            hit, params.coverage_dangling_factor, 1.0
        )
    if focus is not None and params.query_gain_floor < 1.0:
        floor = params.query_gain_floor
        factor = (1.0 if factor is None else factor) * (floor + (1.0 - floor) * focus)
    counts = expected = None
    if focus is None and params.coverage_unigram_weight > 0:
        counts, expected = expected_token_matches(
            texts,
            # The notional reference is capped: its table has a column per possible
            # count (about 2 x length x the commonest word's rate) for every type, and
            # a 10,000-word budget over a week of coverage would need gigabytes.
            min(options.max_words or params.coverage_unigram_length, _LONGEST_REFERENCE),
            bigram_ratio=params.coverage_bigram_ratio,
            stemmed=[stems for _, stems in tokens],
        )
    # Sentences long enough, and no worse a cut than another quote of the same claim.
    shortest = params.min_words if focus is None else params.query_min_words
    eligible = (np.asarray(word_counts) >= shortest) & ~cleaner_twin(
        quality, ranking.same_claim
    )
    return greedy_cover(
        concepts,
        weights,
        word_counts,
        bonus=bonus,
        max_words=options.max_words,
        max_sentences=options.max_sentences,
        length_power=params.coverage_length_power if focus is None else params.query_length_power,
        forbidden=conflicts(
            ranking.graph,
            params.support_threshold(kind),
            ranking.same_claim,
            also=None if lexical is None else (lexical.graph, params.support_threshold_lexical),
        ),
        fallback=scores,
        eligible=eligible,
        factor=factor,
        counts=counts,
        expected=expected,
        count_scale=params.coverage_unigram_weight if counts is not None else 0.0,
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
    if options.query is not None and not options.query.strip():
        raise ValueError("query must hold text when given")


def _segment(
    articles: Sequence[Article], params: RankingParams
) -> tuple[list[_Sentence], list[ArticleReport], dict[str, int]]:
    """Split every article; keep the candidate sentences, a report per article, and
    the article cache's hits and misses."""
    sentences: list[_Sentence] = []
    reports: list[ArticleReport] = []
    counts = {"hits": 0, "misses": 0}
    for article_index, article in enumerate(articles):
        cut, hit = ARTICLE_CUTS.cut(article.text)
        counts["hits" if hit else "misses"] += 1
        for position, start, end, forced in cut.kept:
            quality = params.unpunctuated_quality if (cut.run_on or forced) else 1.0
            sentences.append(_Sentence(article_index, position, start, end, quality))
        reports.append(
            ArticleReport(
                id=article.id,
                sentence_count=cut.sentence_count,
                candidate_count=len(cut.kept),
                boilerplate_count=cut.sentence_count - len(cut.kept),
            )
        )
    return sentences, reports, counts


@dataclass(frozen=True, slots=True)
class ArticleCut:
    """What segmentation makes of one article's text.

    Attributes:
        kept: ``(position, start, end, forced)`` of each candidate sentence: its
            index among all the article's sentences, its span (after any dateline)
            and whether a length limit cut it.
        sentence_count: Sentences of the article, boilerplate included.
        run_on: Whether the article has lost its punctuation.
    """

    kept: tuple[tuple[int, int, int, bool], ...]
    sentence_count: int
    run_on: bool


def cut_article(text: str) -> ArticleCut:
    """Split ``text`` into sentences and keep the candidates (no boilerplate)."""
    blocks = split_blocks(text)
    segments = split_sentences(text, blocks=blocks)
    run_on = is_unpunctuated(text)
    verdicts = classify(text, segments, blocks, unpunctuated=run_on)
    kept = tuple(
        (position, verdict.start, verdict.end, segment.forced)
        for position, (segment, verdict) in enumerate(zip(segments, verdicts, strict=True))
        if verdict.candidate
    )
    return ArticleCut(kept, len(segments), run_on)


class ArticleCache:
    """The cuts of the articles seen last, by a digest of their text.

    A news feed re-summarises a growing cluster: most articles of a request were in
    the one before, and their segmentation (Punkt and the boilerplate rules, the
    costliest lexical stage) is the same every time. Bounded by the candidate
    sentences held (about 150 bytes each: some 30 MB at the default bound), least
    recently used out first; one per
    process, as sync workers are. The key is a 128-bit BLAKE2b digest, so the cache
    holds no article text.
    """

    def __init__(self, most_sentences: int = 200_000) -> None:
        self.most_sentences = most_sentences
        self._cuts: OrderedDict[bytes, ArticleCut] = OrderedDict()
        self._held = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def cut(self, text: str) -> tuple[ArticleCut, bool]:
        """The cut of ``text`` and whether it came from the cache."""
        key = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()
        with self._lock:
            found = self._cuts.get(key)
            if found is not None:
                self._cuts.move_to_end(key)
                self.hits += 1
                return found, True
            self.misses += 1
        cut = cut_article(text)
        size = max(1, len(cut.kept))
        if size > self.most_sentences:
            return cut, False
        with self._lock:
            if key not in self._cuts:
                self._cuts[key] = cut
                self._held += size
            while self._held > self.most_sentences:
                _, old = self._cuts.popitem(last=False)
                self._held -= max(1, len(old.kept))
        return cut, False

    @property
    def held(self) -> int:
        """Candidate sentences held (an article without any counts one)."""
        return self._held

    def __len__(self) -> int:
        return len(self._cuts)

    def clear(self) -> None:
        with self._lock:
            self._cuts.clear()
            self._held = 0


ARTICLE_CUTS = ArticleCache()
"""This process's article cache (see :class:`ArticleCache`)."""


def _summary_sentence(
    articles: Sequence[Article],
    sentences: list[_Sentence],
    texts: list[str],
    index: int,
    ranking: _Ranking,
    best: float,
    relevance: npt.NDArray[np.float64] | None,
) -> SummarySentence:
    citations = [_citation(articles, sentences[index])]
    citations.extend(_citation(articles, sentences[other]) for other in ranking.same_claim[index])
    return SummarySentence(
        text=texts[index],
        score=round(float(ranking.scores[index]) / best, 6) if best > 0 else 0.0,
        support=len(citations),
        citations=tuple(citations),
        centrality=round(float(ranking.centrality[index]), 6),
        relevance=None if relevance is None else round(float(relevance[index]), 6),
    )


@dataclass(frozen=True, slots=True)
class _Ranking:
    """Scores and support groups of sentences, in one index space.

    ``centrality`` is scaled so that the average sentence of the graph has 1.0;
    ``same_claim[i]`` lists, by article, the sentences that say what ``i`` says.
    """

    graph: sp.csr_matrix
    article_of: npt.NDArray[np.int64]
    centrality: npt.NDArray[np.float64]
    scores: npt.NDArray[np.float64]
    same_claim: list[list[int]]


def _rank(
    graph: sp.csr_matrix,
    prior: npt.NDArray[np.float64],
    quality: npt.NDArray[np.float64],
    article_of: npt.NDArray[np.int64],
    kind: SimilarityKind,
    params: RankingParams,
    *,
    fallback: _Ranking | None = None,
    index: npt.NDArray[np.int64] | None = None,
    damping: float | None = None,
) -> _Ranking:
    """Centrality raised by support, over one graph.

    With ``fallback`` (the lexical ranking of every sentence) and ``index``
    (where this graph's sentences stand in it), an article that this graph
    finds no match in may still support a sentence through a lexical match.
    """
    walk_damping = params.damping if damping is None else damping
    centrality = lexrank_scores(graph, prior=prior, damping=walk_damping) * len(prior)
    matches = find_support(graph, article_of, threshold=params.support_threshold(kind))
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
    scores = centrality * quality * (1.0 + params.support_weight * (support - 1))
    return _Ranking(graph, article_of, centrality, scores, same_claim)


def _lift(
    local: _Ranking, shortlist: npt.NDArray[np.int64], n: int, fallback: _Ranking | None
) -> _Ranking:
    """Put a ranking of the shortlist back into the index space of all sentences.

    Sentences left off the shortlist keep their lexical order, below every
    shortlisted one, so that a large budget still fills.
    """
    if len(shortlist) == n and np.array_equal(shortlist, np.arange(n)):
        return local
    assert fallback is not None
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
    return _Ranking(graph, fallback.article_of, centrality, scores, same_claim)


_LONGEST_REFERENCE = 250  # tokens: the longest summaries scored (DUC 2005-2007)


def _shortlist(
    ranking: _Ranking, size: int, options: SummaryOptions, params: RankingParams
) -> npt.NDArray[np.int64]:
    """The sentences the encoder sees (at most ``size``), in index order.

    The best by lexical rank, then their closest sentences in the other
    articles: a summary sentence comes from the top of the ranking, and its
    support from sentences of other articles that say the same thing, which
    share some words with it even when they paraphrase. For 5-sentence
    summaries of the 50 DUC 2004 clusters this cites 614 sources where the top
    30 by rank cited 585, from 26 encoded sentences a cluster instead of 30;
    the sample story needs 15 instead of 30 (and loses one loose paraphrase).
    """
    n = len(ranking.scores)
    order = np.lexsort((np.arange(n), -ranking.scores))
    if params.shortlist_core <= 0:
        return np.sort(order[:size])
    wanted = _wanted(options, n)
    core = min(size, max(params.shortlist_min_core, params.shortlist_core * wanted))
    chosen = order[:core].tolist()
    graph = ranking.graph
    partners: list[tuple[float, int]] = []
    for row in order[:core].tolist():
        begin, end = graph.indptr[row], graph.indptr[row + 1]
        columns, values = graph.indices[begin:end], graph.data[begin:end]
        best: dict[int, tuple[float, int]] = {}
        home = int(ranking.article_of[row])
        for column, value in zip(columns.tolist(), values.tolist(), strict=True):
            article = int(ranking.article_of[column])
            if article == home or value < params.shortlist_partner_floor:
                continue
            if value > best.get(article, (0.0, -1))[0]:
                best[article] = (value, column)
        partners.extend(best.values())
    seen = set(chosen)
    for _, column in sorted(partners, key=lambda pair: (-pair[0], pair[1])):
        if len(chosen) >= size:
            break
        if column not in seen:
            seen.add(column)
            chosen.append(column)
    return np.sort(np.asarray(chosen, dtype=np.int64))


def _wanted(options: SummaryOptions, n: int) -> int:
    """About how many sentences the summary will hold."""
    wanted = options.max_sentences or n
    if options.max_words is not None:
        wanted = min(wanted, max(1, options.max_words // 12))
    return wanted


def _shortlist_size(options: SummaryOptions, params: RankingParams, n: int) -> int:
    """How many sentences the encoder sees: a multiple of the sentences wanted."""
    if params.shortlist_factor <= 0:
        return n
    return min(n, max(params.shortlist_min, params.shortlist_factor * _wanted(options, n)))


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
