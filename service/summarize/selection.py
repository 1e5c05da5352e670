"""The selection stage: which ranked sentences make the summary, within the budgets.

``coverage`` (the default) chooses the sentences that together cover the most
concepts the articles share (:mod:`.coverage`), with the expected word matches of a
reference and the ranking as terms of the gain; ``score`` takes the best ranked
first, skipping repeats (:mod:`.redundancy`). Either way no two chosen sentences say
the same thing: they neither reach the support threshold nor share a citation.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from .candidates import Candidates
from .coverage import (
    FILLER_STEMS,
    ConceptRules,
    Cover,
    ExpectedMatches,
    cleaner_twin,
    concept_matrix,
    conflicts,
    content_stems,
    expected_token_matches,
    greedy_cover,
    min_articles_for,
    rouge_words,
    word_pairs,
)
from .focus import Focus, concept_focus
from .models import SummaryOptions
from .params import SelectionParams
from .ranking import Ranking
from .readability import Place, has_quote, keep_readable, leads, opener, readable
from .redundancy import select_diverse
from .segmentation import count_words
from .update import Update

FloatArray = npt.NDArray[np.float64]

LONGEST_REFERENCE = 250
"""Tokens of the longest notional reference (the longest summaries scored, DUC 2005-2007)."""


@dataclass(frozen=True, slots=True)
class Choice:
    """The chosen sentences, in the order chosen, and each candidate's final score.

    ``scores`` has shape (n_candidates,): with coverage, what each sentence added
    to the summary when chosen (0 for the others), so that the rank order stays
    best first; with ``score`` selection, the ranking's scores.
    """

    chosen: list[int]
    scores: FloatArray


def select_sentences(
    candidates: Candidates,
    ranking: Ranking,
    lexical: Ranking | None,
    focus: Focus | None,
    options: SummaryOptions,
    params: SelectionParams,
    update: Update | None = None,
) -> Choice:
    """Choose the summary.

    Args:
        candidates: Every candidate sentence.
        ranking: The final ranking of every candidate.
        lexical: The lexical ranking of every candidate when ``ranking`` comes
            from a shortlist (its repeats are blocked too), else None.
        focus: The query's focus when it focuses the summary, else None; the
            caller passes ``params.focused(...)`` with it.
        options: The budgets.
        params: Selection's parameters.
        update: With known articles, what is news to the reader: only news is
            chosen, its corrections of what the reader knows first; the concepts
            the known articles hold weigh ``params.known_factor``.
    """
    word_counts = [count_words(text) for text in candidates.texts]
    if params.method == "score":
        scores = ranking.scores
        if update is not None:
            # Corrections first, then the rest of the news; nothing the reader knows.
            scores = np.where(update.eligible, scores + update.changed * scores.max(), -1.0)
        chosen = select_diverse(
            scores,
            ranking.graph,
            word_counts,
            max_sentences=options.max_sentences,
            max_words=options.max_words,
            max_overlap=ranking.threshold,
            same_claim=ranking.same_claim,
        )
        if update is not None:
            chosen = [index for index in chosen if update.eligible[index]]
        chosen, _ = keep_readable(
            chosen, ranking.scores[chosen], candidates.texts, _places(candidates)
        )
        return Choice(chosen, ranking.scores)
    cover = _coverage_problem(
        candidates, word_counts, ranking, lexical, focus, options, params, update
    )
    chosen, values = greedy_cover(
        cover,
        max_words=options.max_words,
        max_sentences=options.max_sentences,
        length_power=params.length_power,
    )
    chosen, values = keep_readable(
        chosen, values, candidates.texts, _places(candidates), openers=params.exclude_dangling
    )
    scores = np.zeros(len(candidates))
    scores[chosen] = values
    return Choice(chosen, scores)


def _coverage_problem(
    candidates: Candidates,
    word_counts: list[int],
    ranking: Ranking,
    lexical: Ranking | None,
    focus: Focus | None,
    options: SummaryOptions,
    params: SelectionParams,
    update: Update | None = None,
) -> Cover:
    """The concepts, terms and constraints coverage selection chooses under."""
    # ROUGE's tokens, cut once for the concepts and for the expected-matches term.
    tokens = [rouge_words(text) for text in candidates.texts]
    # Per origin, a wire story's copies in other outlets count as one source.
    units = candidates.origin_of if params.per_origin else candidates.article_of
    pairs = [word_pairs(words, stems) for words, stems in tokens]
    rules = _concept_rules(units, focus, params)
    if update is not None:
        pairs, units, rules = _news_concepts(pairs, units, rules, update, params)
    concepts, weights = concept_matrix(pairs, units, rules, position=candidates.positions)
    if focus is not None and params.focus_concept_weight > 0:
        weights = weights * (
            1.0 + params.focus_concept_weight * concept_focus(concepts, focus.weights)
        )
    scores = ranking.scores
    bonus = None
    if params.bonus > 0 and scores.max() > 0:
        per_sentence = float((concepts @ weights).mean()) or 1.0
        bonus = params.bonus * per_sentence * scores / float(scores.mean())
    # Sentences long enough, and no worse a cut than another quote of the same claim.
    eligible = (np.asarray(word_counts) >= params.min_words) & ~cleaner_twin(
        candidates.quality, ranking.same_claim
    )
    # No fragment or lone quote; with exclude_dangling, a sentence opening on a word
    # that points back only right after the sentence before it in its article.
    eligible &= readable(candidates.texts, openers=False)
    before = None
    if params.exclude_dangling:
        before = leads(candidates.texts, _places(candidates))
        eligible &= before != -2
        before = np.maximum(before, -1)
    return Cover(
        concepts, weights, word_counts,
        bonus=bonus,
        factor=_gain_factor(candidates.texts, focus, params),
        eligible=eligible,
        forbidden=conflicts(
            ranking.graph,
            ranking.threshold,
            ranking.same_claim,
            also=None if lexical is None else (lexical.graph, lexical.threshold),
        ),
        fallback=scores,
        matches=_expected_matches(candidates, tokens, options, params),
        leads=before,
        adjacent=params.adjacent_followers,
        allowed=None if update is None else update.eligible,
        first=() if update is None else _corrections(update, scores),
    )


def _news_concepts(
    pairs: list[list[tuple[str, str]]],
    units: npt.NDArray[np.int64],
    rules: ConceptRules,
    update: Update,
    params: SelectionParams,
) -> tuple[list[list[tuple[str, str]]], npt.NDArray[np.int64], ConceptRules]:
    """The concepts of an update: those of the new articles, counted over them only
    (their share, their number), and those a known article holds are known."""
    known = update.known
    read = {pair for index in np.flatnonzero(known).tolist() for pair in pairs[index]}
    news: list[list[tuple[str, str]]] = [
        [] if known[index] else found for index, found in enumerate(pairs)
    ]
    fresh = units[~known]
    # Known sentences hold no concept; their unit is one of the new ones, so that only
    # the new articles count in the concepts' share.
    units = np.where(known, fresh[0], units) if len(fresh) else units
    rules = replace(
        rules,
        min_articles=min_articles_for(len(np.unique(fresh)), params.min_share),
        known=frozenset(read),
        known_factor=params.known_factor,
    )
    return news, units, rules


def _corrections(update: Update, scores: FloatArray) -> list[int]:
    """The new sentences that correct a known one, best ranked first."""
    changed = np.flatnonzero(update.changed)
    order = changed[np.lexsort((changed, -scores[changed]))]
    return [int(index) for index in order]


def _places(candidates: Candidates) -> list[tuple[Place, ...]]:
    """(article, position) of each candidate and of its copies: where the sentence it
    may follow stands."""
    return [
        tuple((span.article_index, span.position) for span in candidates.spans_of(index))
        for index in range(len(candidates))
    ]


def _concept_rules(
    units: npt.NDArray[np.int64], focus: Focus | None, params: SelectionParams
) -> ConceptRules:
    n_articles = len(np.unique(units))
    return ConceptRules(
        min_articles=min_articles_for(n_articles, params.min_share),
        position_decay=params.position_decay,
        weight_power=params.weight_power,
        favoured=content_stems(focus.topic) if focus is not None else (),
        favoured_min_articles=params.favoured_min_articles,
        favoured_factor=params.favoured_factor,
        damped=FILLER_STEMS if params.filler_factor != 1.0 else (),
        damped_factor=params.filler_factor,
    )


def _gain_factor(
    texts: tuple[str, ...], focus: Focus | None, params: SelectionParams
) -> FloatArray | None:
    """Each sentence's gain factor: quotes and openers pointing back lower it, and with
    a focus, so does low relevance. None when every factor is 1."""
    factor = None
    if params.quote_factor != 1.0:
        quotes = np.fromiter((has_quote(text) for text in texts), dtype=bool, count=len(texts))
        factor = np.where(quotes, params.quote_factor, 1.0)
    if params.dangling_factor != 1.0:
        hit = np.fromiter(
            (opener(text) is not None for text in texts), dtype=bool, count=len(texts)
        )
        factor = (1.0 if factor is None else factor) * np.where(hit, params.dangling_factor, 1.0)
    if focus is not None and params.focus_gain_floor < 1.0:
        floor = params.focus_gain_floor
        factor = (1.0 if factor is None else factor) * (floor + (1.0 - floor) * focus.weights)
    return factor


def _expected_matches(
    candidates: Candidates,
    tokens: list[tuple[list[str], list[str]]],
    options: SummaryOptions,
    params: SelectionParams,
) -> ExpectedMatches | None:
    if params.unigram_weight <= 0:
        return None
    counts, expected = expected_token_matches(
        candidates.texts,
        # The notional reference is capped: its table has a column per possible count
        # (about 2 x length x the commonest word's rate) for every type, and a
        # 10,000-word budget over a week of coverage would need gigabytes.
        min(options.max_words or params.unigram_length, LONGEST_REFERENCE),
        bigram_ratio=params.bigram_ratio,
        stemmed=[stems for _, stems in tokens],
    )
    return ExpectedMatches(counts, expected, params.unigram_weight)


__all__ = ["LONGEST_REFERENCE", "Choice", "select_sentences"]
