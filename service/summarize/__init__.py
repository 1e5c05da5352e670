"""Multi-document extractive summarisation with cross-source support and citations.

This package knows nothing of HTTP: it takes articles and options as
dataclasses and returns a ``Summary``.
"""

from __future__ import annotations

from .candidates import ArticleCache
from .claims import map_claims
from .embeddings import MODEL_NAME, SentenceEncoder
from .errors import (
    ConvergenceError,
    EncoderUnavailable,
    InsufficientContent,
    NothingNew,
    SummarizationError,
    TooManySentences,
)
from .models import (
    DISAGREEMENT_KINDS,
    NOVELTIES,
    ORDERS,
    RELATIONS,
    SIMILARITY_KINDS,
    Article,
    ArticleClaims,
    ArticleReport,
    Citation,
    Claim,
    ClaimMap,
    ClaimOptions,
    Disagreement,
    QueryReport,
    Summary,
    SummaryOptions,
    SummarySentence,
)
from .params import (
    DEFAULT_PARAMS,
    GraphParams,
    QueryParams,
    RankingParams,
    SegmentationParams,
    SelectionParams,
    ShortlistParams,
    field_types,
)
from .pipeline import summarize
from .segmentation import split_sentences
from .semantic import Encoder


def warm_up_segmenter() -> None:
    """Build the sentence splitter's tables now rather than on the first request."""
    split_sentences("Warm up. The tables load once.")


def load_encoder(**kwargs: object) -> SentenceEncoder:
    """Load the sentence encoder (a few seconds; do it once per process)."""
    return SentenceEncoder(**kwargs)  # type: ignore[arg-type]


__all__ = [
    "DEFAULT_PARAMS",
    "DISAGREEMENT_KINDS",
    "NOVELTIES",
    "NothingNew",
    "RELATIONS",
    "ArticleClaims",
    "Claim",
    "ClaimMap",
    "ClaimOptions",
    "Disagreement",
    "map_claims",
    "MODEL_NAME",
    "ORDERS",
    "SIMILARITY_KINDS",
    "Article",
    "ArticleCache",
    "ArticleReport",
    "Citation",
    "ConvergenceError",
    "Encoder",
    "EncoderUnavailable",
    "GraphParams",
    "InsufficientContent",
    "QueryParams",
    "QueryReport",
    "RankingParams",
    "SegmentationParams",
    "SelectionParams",
    "SentenceEncoder",
    "ShortlistParams",
    "Summary",
    "SummaryOptions",
    "SummarySentence",
    "SummarizationError",
    "TooManySentences",
    "load_encoder",
    "summarize",
    "field_types",
    "warm_up_segmenter",
]
