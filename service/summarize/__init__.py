"""Multi-document extractive summarisation with cross-source support and citations.

This package knows nothing of HTTP: it takes articles and options as
dataclasses and returns a ``Summary``.
"""

from __future__ import annotations

from .embeddings import MODEL_NAME, SentenceEncoder
from .errors import (
    ConvergenceError,
    EncoderUnavailable,
    InsufficientContent,
    SummarizationError,
    TooManySentences,
)
from .models import (
    ORDERS,
    SIMILARITY_KINDS,
    Article,
    ArticleReport,
    Citation,
    QueryReport,
    Summary,
    SummaryOptions,
    SummarySentence,
)
from .pipeline import DEFAULT_PARAMS, Encoder, RankingParams, summarize
from .segmentation import split_sentences


def warm_up_segmenter() -> None:
    """Build the sentence splitter's tables now rather than on the first request."""
    split_sentences("Warm up. The tables load once.")


def load_encoder(**kwargs: object) -> SentenceEncoder:
    """Load the sentence encoder (a few seconds; do it once per process)."""
    return SentenceEncoder(**kwargs)  # type: ignore[arg-type]


__all__ = [
    "DEFAULT_PARAMS",
    "MODEL_NAME",
    "ORDERS",
    "SIMILARITY_KINDS",
    "Article",
    "ArticleReport",
    "Citation",
    "ConvergenceError",
    "Encoder",
    "EncoderUnavailable",
    "InsufficientContent",
    "QueryReport",
    "RankingParams",
    "SentenceEncoder",
    "Summary",
    "SummaryOptions",
    "SummarySentence",
    "SummarizationError",
    "TooManySentences",
    "load_encoder",
    "summarize",
    "warm_up_segmenter",
]
