"""Data passed into and out of the summariser: frozen dataclasses, no behaviour."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

Order = Literal["rank", "source"]
SimilarityKind = Literal["lexical", "semantic", "hybrid"]

ORDERS: tuple[Order, ...] = ("rank", "source")
SIMILARITY_KINDS: tuple[SimilarityKind, ...] = ("lexical", "semantic", "hybrid")


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
    """

    max_sentences: int | None = 5
    max_words: int | None = None
    order: Order = "rank"
    similarity: SimilarityKind = "hybrid"
    query: str | None = None


@dataclass(frozen=True, slots=True)
class Span:
    """A sentence of one article: ``text[start:end]`` of that article."""

    article_index: int
    position: int
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Citation:
    """Where a summary sentence, or a sentence saying the same thing, stands."""

    article_id: str
    sentence_index: int
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class SummarySentence:
    """A chosen sentence; ``citations[0]`` is where ``text`` comes from.

    ``relevance`` (0..1) is its similarity to the query; None without one.
    """

    text: str
    score: float
    support: int
    citations: tuple[Citation, ...]
    centrality: float = 0.0
    relevance: float | None = None


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
    """What the summariser made of one input article."""

    id: str
    sentence_count: int
    candidate_count: int
    boilerplate_count: int


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
