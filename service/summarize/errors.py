"""Errors of the summariser. They carry no HTTP status: the API maps them."""

from __future__ import annotations


class SummarizationError(Exception):
    """Base class of every error this package raises on purpose."""


class InsufficientContent(SummarizationError):
    """The articles hold no sentence that could go into a summary."""


class EncoderUnavailable(SummarizationError):
    """Semantic similarity was asked for, but the sentence encoder is not loaded."""


class ConvergenceError(SummarizationError):
    """The centrality power iteration did not converge within ``max_iter``."""


class TooManySentences(SummarizationError):
    """The articles split into more sentences than the configured limit."""

    def __init__(self, count: int, limit: int) -> None:
        super().__init__(f"the articles hold {count} sentences; the limit is {limit}")
        self.count = count
        self.limit = limit


class NothingNew(SummarizationError):
    """Every article of an update request is known to the reader: nothing is new."""
