"""Data passed into and out of the summariser: frozen dataclasses, no behaviour."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

Order = Literal["rank", "source"]
SimilarityKind = Literal["lexical", "semantic", "hybrid"]

Relation = Literal["verbatim", "paraphrase"]
DisagreementKind = Literal["number", "date", "entity", "negation"]
Novelty = Literal["new", "known", "changed"]

ORDERS: tuple[Order, ...] = ("rank", "source")
SIMILARITY_KINDS: tuple[SimilarityKind, ...] = ("lexical", "semantic", "hybrid")
RELATIONS: tuple[Relation, ...] = ("verbatim", "paraphrase")
DISAGREEMENT_KINDS: tuple[DisagreementKind, ...] = ("number", "date", "entity", "negation")
NOVELTIES: tuple[Novelty, ...] = ("new", "known", "changed")


@dataclass(frozen=True, slots=True)
class Article:
    """One source text about the story. Only ``id`` and ``text`` are required."""

    id: str
    text: str
    title: str | None = None
    source: str | None = None
    url: str | None = None
    published_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class SummaryOptions:
    """What the caller wants back.

    ``max_sentences`` and ``max_words`` are hard budgets; whichever binds first
    stops the selection, and a sentence is never cut to fit. ``query``, when
    given, focuses the summary on what is relevant to it.

    ``known`` (ids of articles the reader has read) and ``since`` (articles
    published at or before it count as known) make it an update summary: what
    the other articles say that no known article reports. None for both: the
    summary of the whole story.
    """

    max_sentences: int | None = 5
    max_words: int | None = None
    order: Order = "rank"
    similarity: SimilarityKind = "hybrid"
    query: str | None = None
    known: tuple[str, ...] | None = None
    since: datetime | None = None


@dataclass(frozen=True, slots=True)
class Span:
    """A sentence of one article: ``text[start:end]`` of that article."""

    article_index: int
    position: int
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Citation:
    """Where a summary sentence, or a sentence saying the same thing, stands.

    ``relation`` is ``verbatim`` when the cited sentence has the same words as the
    summary sentence (case, punctuation and spacing aside: a wire copy, or the same
    quote), else ``paraphrase``; ``similarity`` is theirs in the graph that matched
    them (1.0 for the sentence itself).
    """

    article_id: str
    sentence_index: int
    start: int
    end: int
    relation: Relation = "verbatim"
    similarity: float = 1.0


@dataclass(frozen=True, slots=True)
class Disagreement:
    """A sentence of another article that reports the same fact with another value.

    ``value`` is the disputed value as the summary sentence (or claim) writes it,
    ``other`` as the disagreeing sentence writes it ("12" and "15", "Tuesday" and
    "Wednesday", "killed" and "killed no one"). The span is the disagreeing sentence's.
    """

    article_id: str
    sentence_index: int
    start: int
    end: int
    kind: DisagreementKind
    value: str
    other: str
    similarity: float


@dataclass(frozen=True, slots=True)
class SummarySentence:
    """A chosen sentence; ``citations[0]`` is where ``text`` comes from.

    ``relevance`` (0..1) is its similarity to the query; None without one.
    ``support`` counts the articles cited, ``independent_support`` their origins (a
    wire story and its copies in other outlets are one origin); ``disagreements``
    lists the sentences of other articles that give another value for what it says.
    """

    text: str
    score: float
    support: int
    citations: tuple[Citation, ...]
    centrality: float = 0.0
    relevance: float | None = None
    independent_support: int = 1
    disagreements: tuple[Disagreement, ...] = ()
    novelty: Novelty | None = None


@dataclass(frozen=True, slots=True)
class QueryReport:
    """How well the articles answer a query.

    ``max_relevance`` is the best sentence relevance (0..1); ``focused`` is
    False when it is under the threshold at which the query steers the
    ranking, so the summary is the general one.
    """

    max_relevance: float
    focused: bool


@dataclass(frozen=True, slots=True)
class ArticleReport:
    """What the summariser made of one input article.

    ``origin`` is the id of the article this one is a copy of (the first of its copy
    group, e.g. the wire story other outlets ran), None when it is its own.
    """

    id: str
    sentence_count: int
    candidate_count: int
    boilerplate_count: int
    origin: str | None = None


@dataclass(frozen=True, slots=True)
class Summary:
    sentences: tuple[SummarySentence, ...]
    articles: tuple[ArticleReport, ...]
    sentence_count: int
    candidate_count: int
    similarity: SimilarityKind
    timings_ms: dict[str, float] = field(default_factory=dict)
    embedding_cache: dict[str, int] | None = None
    query: QueryReport | None = None
    article_cache: dict[str, int] | None = None

    @property
    def text(self) -> str:
        return " ".join(sentence.text for sentence in self.sentences)


@dataclass(frozen=True, slots=True)
class ClaimOptions:
    """What the caller wants of the claim map.

    ``min_support``: claims cited by fewer articles are left out; ``max_claims``: at
    most this many claims, the best supported first. ``known`` and ``since`` as
    for summaries: each claim then says whether it is ``new``, ``known`` or ``changed``.
    """

    min_support: int = 1
    max_claims: int = 200
    similarity: SimilarityKind = "hybrid"
    known: tuple[str, ...] | None = None
    since: datetime | None = None


@dataclass(frozen=True, slots=True)
class Claim:
    """A group of sentences across articles that say the same thing.

    ``sentences[0]`` is the claim's best-ranked sentence, whose text is ``text``; the
    others are the sentences of other articles that agree with it. ``novelty`` only
    with known articles: ``known`` when a known article reports it, ``changed`` when
    none does but one gives another value for it, else ``new``.
    """

    text: str
    sentences: tuple[Citation, ...]
    support: int
    independent_support: int
    disagreements: tuple[Disagreement, ...]
    score: float
    novelty: Novelty | None = None


@dataclass(frozen=True, slots=True)
class ArticleClaims:
    """One article in the claim map: its origin, and the claims only it reports.

    ``exclusive`` holds indices into :attr:`ClaimMap.claims` (the claims of support 1
    from this article that made the returned list).
    """

    id: str
    origin: str | None
    exclusive: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class ClaimMap:
    """Every claim of a story (up to the options' bounds), best supported first."""

    claims: tuple[Claim, ...]
    articles: tuple[ArticleClaims, ...]
    claim_count: int
    sentence_count: int
    candidate_count: int
    similarity: SimilarityKind
    timings_ms: dict[str, float] = field(default_factory=dict)
