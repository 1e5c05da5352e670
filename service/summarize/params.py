"""Tuning of the summariser, one frozen record per stage; the defaults are the best measured.

Each stage receives only its own record (as transformers' pipelines route their keyword
arguments per step): segmentation, the similarity graph and its walk, the encoder's
shortlist, selection, and the query focus. Every record checks its values when built
and names the field it refuses (``selection.min_share must be in [0, 1], got 1.5``).
A focused summary (one with a query the articles answer) is chosen with
``params.selection.focused(params.query)``: the selection record with the query's
settings in place of those that shape general summaries only.

Nested fields are also addressed by dotted names (``"selection.min_words"``), as the
cross-validation tool does: :meth:`RankingParams.updated` and :func:`field_types`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import ClassVar, Literal

from .models import SIMILARITY_KINDS, SimilarityKind

Selection = Literal["coverage", "score"]
SELECTIONS: tuple[Selection, ...] = ("coverage", "score")


def _require(stage: str, name: str, value: float, low: float, high: float | None = None, *,
             open_low: bool = False, open_high: bool = False) -> None:
    """Raise ValueError naming ``stage.name`` unless ``value`` lies in the range."""
    too_low = value <= low if open_low else value < low
    too_high = high is not None and (value >= high if open_high else value > high)
    if too_low or too_high:
        left = "(" if open_low else "["
        right = ")" if open_high else "]"
        span = f"{left}{low:g}, {high:g}{right}" if high is not None else None
        wanted = f"in {span}" if span else f"{'>' if open_low else '>='} {low:g}"
        raise ValueError(f"{stage}.{name} must be {wanted}, got {value!r}")


@dataclass(frozen=True, slots=True)
class SegmentationParams:
    """Segmentation into candidate sentences.

    Attributes:
        unpunctuated_quality: Prior and score factor of sentences cut from a run-on
            article (or cut by a length limit), so that a claim is quoted from a clean
            source when one says it too; in (0, 1].
        collapse_copies: A sentence of a wire copy that the article it copies has too
            (same words) is a copy of that candidate, not a candidate of its own, so a
            story run by several outlets is ranked once: its copies are cited, and
            counted in ``support``, but add nothing to the graph or to coverage. With
            ``selection.per_origin``, three copies of one article added to each DUC 2004
            cluster leave the summaries' share of that story as it was (9.1% of the
            sentences) where counting them raised it from 5.9% to 43% (make eval-copies).
    """

    stage: ClassVar[str] = "segmentation"
    unpunctuated_quality: float = 0.5
    collapse_copies: bool = True

    def __post_init__(self) -> None:
        _require(self.stage, "unpunctuated_quality", self.unpunctuated_quality, 0.0, 1.0,
                 open_low=True)


@dataclass(frozen=True, slots=True)
class GraphParams:
    """The similarity graph, its random walk and support.

    Attributes:
        lexical_weight: Share of the lexical cosine in hybrid similarity. 0.65: on
            DUC 2004 (100 words, hybrid, 5-fold CV over 0.5 / 0.65 with
            support_threshold_hybrid 0.4 / 0.45 / 0.5) every fold chose 0.65 at 0.45,
            held-out R-1 / R-2 40.80 / 10.57 against 40.70 / 10.47 at 0.5; same claim on
            1,500 MRPC pairs (claims_check --sample 1500 --similarity hybrid) accuracy
            72.5 -> 73.3, F1 81.5 -> 81.6.
        semantic_floor: Semantic cosine that counts as no similarity at all.
        top_k: Neighbours kept per sentence in the graph.
        min_similarity: Weakest edge kept.
        damping: LexRank jump probability.
        position_decay: Sentences this far into an article get half the lead's
            prior weight (news puts the key facts first).
        support_threshold_lexical: Similarity at which two sentences of different
            articles say the same thing, with lexical similarity; the next two for
            semantic and hybrid similarity.
        topic_floor_lexical: Similarity at which two sentences of different articles
            are on one topic, with lexical similarity (then semantic, hybrid): a
            sentence this close that gives another value (figure, date, name,
            polarity) is listed as a disagreement, though too far to support (a
            changed value lowers similarity). At most the support threshold.
        support_weight: How much each extra supporting article raises a score.
        pair_model: Whether the "same claim" pair model (:mod:`.pairs`), not the
            support threshold, decides that two agreeing sentences of different
            articles at least the topic floor similar say the same thing (the claim
            map sets it; summaries keep the threshold).
    """

    stage: ClassVar[str] = "graph"
    lexical_weight: float = 0.65
    semantic_floor: float = 0.2
    top_k: int = 30
    min_similarity: float = 0.05
    damping: float = 0.15
    position_decay: float = 8.0
    support_threshold_lexical: float = 0.45
    support_threshold_semantic: float = 0.7
    support_threshold_hybrid: float = 0.45
    topic_floor_lexical: float = 0.3
    topic_floor_semantic: float = 0.55
    topic_floor_hybrid: float = 0.3
    support_weight: float = 0.5
    pair_model: bool = False

    def __post_init__(self) -> None:
        _require(self.stage, "lexical_weight", self.lexical_weight, 0.0, 1.0)
        _require(self.stage, "semantic_floor", self.semantic_floor, 0.0, 1.0, open_high=True)
        _require(self.stage, "top_k", self.top_k, 1)
        _require(self.stage, "min_similarity", self.min_similarity, 0.0, 1.0)
        _require(self.stage, "damping", self.damping, 0.0, 1.0, open_low=True, open_high=True)
        _require(self.stage, "position_decay", self.position_decay, 0.0, open_low=True)
        for kind in SIMILARITY_KINDS:
            name = f"support_threshold_{kind}"
            _require(self.stage, name, getattr(self, name), 0.0, 1.0, open_low=True)
            floor = f"topic_floor_{kind}"
            _require(self.stage, floor, getattr(self, floor), 0.0, getattr(self, name),
                     open_low=True)
        _require(self.stage, "support_weight", self.support_weight, 0.0)

    def support_threshold(self, kind: SimilarityKind) -> float:
        """Similarity at which two sentences say the same thing, for ``kind``."""
        threshold: float = getattr(self, f"support_threshold_{kind}")
        return threshold

    def topic_floor(self, kind: SimilarityKind) -> float:
        """Similarity at which two sentences are on one topic (a dissent's floor), for ``kind``."""
        floor: float = getattr(self, f"topic_floor_{kind}")
        return floor


@dataclass(frozen=True, slots=True)
class ShortlistParams:
    """Which sentences the encoder sees (semantic and hybrid similarity).

    Attributes:
        factor: At most this many sentences per sentence wanted, at least
            ``min_size``; 0 encodes every sentence.
        min_size: The fewest the shortlist holds (when there are as many).
        core: Of those, this many per sentence wanted (at least ``min_core``) are
            the best by lexical rank; the rest are the closest sentence in each
            other article to each of those (lexical similarity at least
            ``partner_floor``), closest first: the paraphrases the encoder is there
            to find. 0: the best by lexical rank only.
        min_core: The fewest sentences of the core.
        partner_floor: Weakest lexical similarity of a partner.
        max_size: The most it holds, whatever is wanted; 0 for no bound. The claim map
            sets one (:data:`.claims.CLAIMS_SHORTLIST`): it wants every claim.
    """

    stage: ClassVar[str] = "shortlist"
    factor: int = 6
    min_size: int = 30
    core: int = 2
    min_core: int = 10
    partner_floor: float = 0.15
    max_size: int = 0

    def __post_init__(self) -> None:
        _require(self.stage, "factor", self.factor, 0)
        _require(self.stage, "min_size", self.min_size, 1)
        _require(self.stage, "core", self.core, 0)
        _require(self.stage, "min_core", self.min_core, 1)
        _require(self.stage, "partner_floor", self.partner_floor, 0.0, 1.0)
        _require(self.stage, "max_size", self.max_size, 0)


@dataclass(frozen=True, slots=True)
class QueryParams:
    """Focus on a query: relevance, its walk, and the settings of focused selection.

    Attributes:
        min_relevance: The best sentence relevance under which the query is not
            answered: the summary is the general one.
        damping: LexRank jump probability with a query (the jump distribution
            carries the focus, so it is taken more often).
        prior_floor: Jump weight of an irrelevant sentence, next to ``1`` for the
            most relevant one (times the usual prior).
        lexical_weight: Share of the lexical relevance in hybrid relevance (the
            rest is semantic).
        concept_weight: A concept's weight grows by this factor of its focus (the
            best focus of the sentences holding it).
        gain_floor: Coverage gain factor of a sentence of no focus; the most
            focused sentence has 1.
        concept_min_articles: Fewest articles a concept holding a query word
            needs; 0 for the usual share.
        concept_factor: Factor of the weight of a concept holding a query word.
        min_share: ``selection.min_share`` of a focused summary (it covers what
            the relevant few articles share); 0 keeps the general one.
        weight_power: ``selection.weight_power`` of a focused summary; 0 keeps it.
        min_words: ``selection.min_words`` of a focused summary.
        length_power: ``selection.length_power`` of a focused summary.
    """

    stage: ClassVar[str] = "query"
    min_relevance: float = 0.05
    damping: float = 0.5
    prior_floor: float = 0.1
    lexical_weight: float = 0.75
    concept_weight: float = 1.0
    gain_floor: float = 0.7
    concept_min_articles: int = 1
    concept_factor: float = 2.0
    min_share: float = 0.1
    weight_power: float = 1.0
    min_words: int = 10
    length_power: float = 0.75

    def __post_init__(self) -> None:
        _require(self.stage, "min_relevance", self.min_relevance, 0.0, 1.0)
        _require(self.stage, "damping", self.damping, 0.0, 1.0, open_low=True, open_high=True)
        _require(self.stage, "prior_floor", self.prior_floor, 0.0)
        _require(self.stage, "lexical_weight", self.lexical_weight, 0.0, 1.0)
        _require(self.stage, "concept_weight", self.concept_weight, 0.0)
        _require(self.stage, "gain_floor", self.gain_floor, 0.0, 1.0)
        _require(self.stage, "concept_min_articles", self.concept_min_articles, 0)
        _require(self.stage, "concept_factor", self.concept_factor, 0.0, open_low=True)
        _require(self.stage, "min_share", self.min_share, 0.0, 1.0)
        _require(self.stage, "weight_power", self.weight_power, 0.0)
        _require(self.stage, "min_words", self.min_words, 0)
        _require(self.stage, "length_power", self.length_power, 0.0)


@dataclass(frozen=True, slots=True)
class SelectionParams:
    """Choosing the summary's sentences within the budgets.

    Attributes:
        method: ``coverage``: the sentences that together cover the most concepts
            (bigrams shared by articles), ranking as a bonus; ``score``: best
            ranked first, skipping repeats.
        length_power: ``r`` of the coverage gain per ``words**r``.
        min_share: A concept must occur in this share of the articles (of the origins
            with ``per_origin``), and in at least 2.
        position_decay: Concepts met early in an article weigh more, by
            ``1 / (1 + position / decay)``; 0 for no boost.
        weight_power: Concept weight is its (position-boosted) article count
            raised to this power.
        quote_factor: Factor of the gain of a sentence with quoted speech: a
            summary reports, so a quote needs more to be chosen.
        bonus: Weight of a sentence's ranking score (scaled to the mean concept
            weight of a sentence) added to its coverage gain.
        dangling_factor: Factor of the gain of a sentence that opens with a word
            pointing back (a pronoun or a connective: "He", "But"), which reads
            badly without what came before it.
        filler_factor: Factor of the weight of a concept holding a news filler
            word (said, told, a weekday, "s" or "t" of a contraction):
            attributions are shared by every article but carry no content.
        unigram_weight: Weight, relative to the mean concept gain of a sentence,
            of the word matches it is expected to add with a reference that uses
            every token (stopwords too) at its rate in the sources; a word already
            in the summary adds less each time (see
            :func:`coverage.expected_token_matches`). 0 for none.
        unigram_length: Tokens of that notional reference, when the request sets
            no word budget (with one, the budget).
        bigram_ratio: The expected matches of token pairs join the unigram ones,
            each at this weight; 0 for unigrams only.
        min_words: Sentences shorter than this are chosen only when nothing
            longer fits.
        focus_concept_weight: With a focus, a concept's weight grows by this
            factor of its focus; 0 (general summaries) for none.
        focus_gain_floor: With a focus, the gain factor of a sentence of no focus
            (the most focused has 1); 1 (general summaries) for none.
        favoured_min_articles: Fewest articles a concept holding a query word
            needs; None for the usual share.
        favoured_factor: Factor of the weight of a concept holding a query word.
        per_origin: Concepts counted per origin (a wire story and its copies once),
            not per article, and ``min_share`` is a share of the origins; with
            ``segmentation.collapse_copies``, see there.
        exclude_dangling: A sentence opening on a word that points back ("He", "But")
            is chosen only right after the sentence before it in its article
            (:func:`.readability.leads`): the two as one unit, both lengths against
            the budget, or alone once that sentence is chosen; never when that
            sentence is no candidate. Off, such a sentence may stand alone and
            ``dangling_factor`` only lowers its gain. On, no dangling opener is
            left on DUC 2004/2007 at 100 and 250 words (off: up to 4.8 per 100). With
            ``adjacent_followers`` it costs DUC 2004 (100 words) no ROUGE: R-2 10.49 ->
            10.55 lexical, 10.46 -> 10.47 hybrid (graph.lexical_weight 0.5); DUC 2007
            focused R-2 rises (13.20 -> 13.30 lexical, at main 9a4e52d).
        adjacent_followers: With ``exclude_dangling``, such a sentence is chosen alone
            only right after the sentence before it in its article (chosen last), so the
            order chosen stays best first and keep_readable moves nothing; False: any
            time after it, and then moved right after it, ahead of better sentences
            (a summary cut to its first words loses them). DUC 2004, 100 words, 5-fold
            CV, True chosen in 5/5 folds: lexical 40.56 / 10.44 -> 40.78 / 10.55,
            hybrid 40.41 / 10.36 -> 40.70 / 10.47 (R-1 / R-2, held-out as in-sample).
        known_factor: In an update summary, factor of the weight of a concept a known
            article holds (the reader has read it); 0 drops it. 0.25: on the DUC 2007
            update dev file (lexical, R-2 over 10 summaries, make eval-update) 0 / 0.25 /
            0.5 / 0.75 / 1 scored 9.04 / 11.14 / 11.14 / 10.87 / 10.46 (without known:
            8.10); all of them beat no discount of what is known, and the middle is flat.
    """

    stage: ClassVar[str] = "selection"
    method: Selection = "coverage"
    length_power: float = 0.85
    min_share: float = 0.3
    position_decay: float = 2.0
    weight_power: float = 2.0
    quote_factor: float = 0.7
    bonus: float = 0.0
    dangling_factor: float = 0.85
    filler_factor: float = 0.5
    unigram_weight: float = 4.0
    unigram_length: float = 100.0
    bigram_ratio: float = 0.5
    min_words: int = 8
    focus_concept_weight: float = 0.0
    focus_gain_floor: float = 1.0
    favoured_min_articles: int | None = None
    favoured_factor: float = 1.0
    per_origin: bool = True
    exclude_dangling: bool = True
    adjacent_followers: bool = True
    known_factor: float = 0.25

    def __post_init__(self) -> None:
        if self.method not in SELECTIONS:
            raise ValueError(
                f"{self.stage}.method must be one of {SELECTIONS}, got {self.method!r}"
            )
        _require(self.stage, "length_power", self.length_power, 0.0)
        _require(self.stage, "min_share", self.min_share, 0.0, 1.0)
        _require(self.stage, "position_decay", self.position_decay, 0.0)
        _require(self.stage, "weight_power", self.weight_power, 0.0, open_low=True)
        for name in ("quote_factor", "dangling_factor"):
            _require(self.stage, name, getattr(self, name), 0.0, open_low=True)
        for name in ("bonus", "filler_factor", "unigram_weight", "bigram_ratio", "min_words",
                     "focus_concept_weight", "known_factor"):
            _require(self.stage, name, getattr(self, name), 0.0)
        _require(self.stage, "unigram_length", self.unigram_length, 0.0, open_low=True)
        _require(self.stage, "focus_gain_floor", self.focus_gain_floor, 0.0, 1.0)
        if self.favoured_min_articles is not None:
            _require(self.stage, "favoured_min_articles", self.favoured_min_articles, 1)
        _require(self.stage, "favoured_factor", self.favoured_factor, 0.0, open_low=True)

    def focused(self, query: QueryParams) -> SelectionParams:
        """These settings for a focused summary: the query's in place of the general ones.

        The terms that shape general summaries only (dangling openers, filler
        concepts, expected word matches) are off, as they lowered a focused
        summary's ROUGE-2 on DUC 2007; the focus terms are on.
        """
        return replace(
            self,
            length_power=query.length_power,
            min_share=query.min_share or self.min_share,
            weight_power=query.weight_power or self.weight_power,
            dangling_factor=1.0,
            filler_factor=1.0,
            unigram_weight=0.0,
            min_words=query.min_words,
            focus_concept_weight=query.concept_weight,
            focus_gain_floor=query.gain_floor,
            favoured_min_articles=query.concept_min_articles or None,
            favoured_factor=query.concept_factor,
        )


@dataclass(frozen=True, slots=True)
class RankingParams:
    """Every stage's tuning (see the module docstring)."""

    segmentation: SegmentationParams = field(default_factory=SegmentationParams)
    graph: GraphParams = field(default_factory=GraphParams)
    shortlist: ShortlistParams = field(default_factory=ShortlistParams)
    selection: SelectionParams = field(default_factory=SelectionParams)
    query: QueryParams = field(default_factory=QueryParams)

    def updated(self, values: Mapping[str, object]) -> RankingParams:
        """A copy with ``{"stage.field": value}`` set (validated as any record is).

        Raises:
            ValueError: On a name that is no ``stage.field``, or a value out of range.
        """
        stages: dict[str, dict[str, object]] = {}
        for name, value in values.items():
            stage, _, leaf = name.partition(".")
            if name not in field_types():
                raise ValueError(f"RankingParams has no field {name!r} (use stage.field)")
            stages.setdefault(stage, {})[leaf] = value
        changed = {stage: replace(getattr(self, stage), **leaves)
                   for stage, leaves in stages.items()}
        return replace(self, **changed)


def field_types() -> dict[str, str]:
    """Every tunable field by dotted name (``"graph.top_k"``), with its annotation."""
    defaults = RankingParams()
    return {
        f"{stage.name}.{leaf.name}": str(leaf.type)
        for stage in dataclasses.fields(RankingParams)
        for leaf in dataclasses.fields(getattr(defaults, stage.name))
    }


DEFAULT_PARAMS = RankingParams()

__all__ = [
    "DEFAULT_PARAMS",
    "SELECTIONS",
    "GraphParams",
    "QueryParams",
    "RankingParams",
    "SegmentationParams",
    "Selection",
    "SelectionParams",
    "ShortlistParams",
    "field_types",
]
