"""Focus on a query: how relevant each sentence is, and how that biases the ranking.

Relevance is the cosine of a sentence and the query: lexical (TF-IDF with the
sentences' tokenizer and IDF, the query as one more row), semantic (sentence
embeddings, rescaled as the similarity graph rescales them) or both mixed. It
biases the random walk's jump distribution, as topic-sensitive LexRank does
(Otterbacher, Erkan and Radev 2005, "Using Random Walks for Question-focused
Sentence Retrieval"), and the weights of the concepts that selection covers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from .models import QueryReport

FloatArray = npt.NDArray[np.float64]

INSTRUCTION_WORDS = frozenset(
    """
    account accounts action actions activities activity answer aspect aspects attempt
    attempts cite describe description detail details development developments
    discuss discussion effort efforts example examples explain happen happened
    identify include included includes including information issue issues kind kinds
    list mention note provide question questions related report reported reports
    specific specify state summarize summary tell type types write
    """.split()
)
"""Words that say what to write ("Describe the activities of ..."), not what about.

They are left out of a query before it is matched with the sentences.
"""


def query_text(query: str) -> str:
    """``query`` without its instruction words (see :data:`INSTRUCTION_WORDS`)."""
    return re.sub(
        r"[A-Za-z]+",
        lambda word: " " if word.group(0).lower() in INSTRUCTION_WORDS else word.group(0),
        query,
    )


def lexical_relevance(vectors: sp.csr_matrix) -> FloatArray:
    """Cosine of each sentence with the query, the last row of ``vectors``.

    Args:
        vectors: Unit-length TF-IDF rows, shape (n_sentences + 1, n_terms),
            from ``tfidf_vectors(..., queries=[query])``.

    Returns:
        Relevance of shape (n_sentences,), in [0, 1].
    """
    matrix = sp.csr_matrix(vectors)
    if matrix.shape[0] < 1:
        raise ValueError("vectors must hold at least the query row")
    cosine = np.asarray((matrix[:-1] @ matrix[-1].T).todense(), dtype=np.float64).ravel()
    return np.clip(cosine, 0.0, 1.0)


def semantic_relevance(
    sentences: npt.NDArray[np.floating], query: npt.NDArray[np.floating], *, floor: float = 0.2
) -> FloatArray:
    """Embedding cosine of each sentence with the query, ``floor`` mapped to 0.

    Args:
        sentences: Unit-length embeddings, shape (n_sentences, dim).
        query: Unit-length embedding of the query, shape (dim,).
        floor: Cosine that counts as no relevance, in [0, 1).

    Returns:
        Relevance of shape (n_sentences,), in [0, 1].
    """
    if not 0.0 <= floor < 1.0:
        raise ValueError(f"floor must be in [0, 1), got {floor}")
    cosine = np.asarray(sentences, dtype=np.float64) @ np.asarray(query, dtype=np.float64)
    return np.clip((cosine - floor) / (1.0 - floor), 0.0, 1.0)


def focused_prior(prior: FloatArray, relevance: FloatArray, *, floor: float) -> FloatArray:
    """The jump distribution weighted by relevance: ``prior * (floor + relevance / max)``.

    Args:
        prior: Jump weights without a query, shape (n_sentences,), non-negative.
        relevance: Relevance to the query, shape (n_sentences,), in [0, 1].
        floor: Weight left to a sentence of no relevance (>= 0), so that the
            walk still reaches it (and the prior stays valid).

    Returns:
        Jump weights of shape (n_sentences,), not normalised; ``prior`` when
        no sentence is relevant.
    """
    if floor < 0.0:
        raise ValueError(f"floor must be >= 0, got {floor}")
    if len(prior) != len(relevance):
        raise ValueError("prior and relevance must have the same length")
    top = float(np.max(relevance, initial=0.0))
    if top <= 0.0:
        return np.asarray(prior, dtype=np.float64)
    weighted = np.asarray(prior, dtype=np.float64) * (floor + relevance / top)
    return weighted if weighted.sum() > 0 else np.asarray(prior, dtype=np.float64)


def concept_focus(concepts: sp.csr_matrix, focus: FloatArray) -> FloatArray:
    """Each concept's focus: the largest focus of the sentences that hold it.

    Args:
        concepts: 0/1 matrix, shape (n_sentences, n_concepts).
        focus: Per-sentence focus, shape (n_sentences,), in [0, 1].

    Returns:
        Focus of shape (n_concepts,), in [0, 1]; 0 for a concept no sentence holds.
    """
    matrix = sp.csc_matrix(concepts, dtype=np.float64)
    if matrix.shape[0] != len(focus):
        raise ValueError("concepts and focus must have the same number of sentences")
    weighted = sp.csc_matrix(sp.diags(np.asarray(focus, dtype=np.float64)) @ matrix)
    return np.asarray(weighted.max(axis=0).todense(), dtype=np.float64).ravel()


@dataclass(frozen=True, slots=True)
class Focus:
    """How a query bears on the candidate sentences.

    Whether the query focuses the summary is decided here, once per estimate of
    relevance (:meth:`of`), and carried to every stage that depends on it.

    Attributes:
        topic: The query without its instruction words (:func:`query_text`).
        relevance: Each sentence's relevance to it, shape (n_sentences,), in [0, 1].
        focused: Whether the best relevance reaches the threshold; if not, the
            articles do not answer the query and the summary is the general one.
    """

    topic: str
    relevance: FloatArray
    focused: bool

    @classmethod
    def of(cls, topic: str, relevance: FloatArray, *, min_relevance: float) -> Focus:
        """The focus of ``relevance``: focused when its best reaches ``min_relevance``."""
        return cls(topic, relevance, float(relevance.max(initial=0.0)) >= min_relevance)

    @property
    def best(self) -> float:
        """The best sentence relevance."""
        return float(self.relevance.max(initial=0.0))

    @property
    def weights(self) -> FloatArray:
        """Relevance scaled so that the most relevant sentence has 1, shape (n_sentences,)."""
        return self.relevance / self.best

    def report(self) -> QueryReport:
        """What the response says of the query."""
        return QueryReport(max_relevance=round(self.best, 6), focused=self.focused)


__all__ = [
    "INSTRUCTION_WORDS",
    "Focus",
    "concept_focus",
    "focused_prior",
    "lexical_relevance",
    "query_text",
    "semantic_relevance",
]
