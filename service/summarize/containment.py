"""Matches for the units of a run-on article, by containment rather than cosine.

An article that lost its punctuation is cut into units of at most 55 words that
straddle its real sentence boundaries (:mod:`segmentation`), so a unit holds one
sentence of a clean article and parts of its neighbours: the symmetric cosine of the
two is low although the unit says what the sentence says. Such a pair is a match
when the clean sentence's content words are largely *contained* in the unit, or in
the unit and its neighbour together (a sentence cut in two), the unit holding a
good share of them itself; the citation is the run-on unit's own span.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from .candidates import Candidates
from .similarity import tokenize

CONTAINMENT = 0.6
"""Least containment score of a clean sentence in a run-on unit that makes a match: the
mean of the share of its content stems the unit holds and the share the unit and its
better neighbour hold together."""

MIN_WORDS = 4
"""Fewest distinct content stems of a clean sentence matched by containment (a short
sentence is contained in almost any unit)."""


def contained(sentence: set[str], unit: set[str], neighbours: list[set[str]]) -> float:
    """The containment score of ``sentence`` in ``unit`` (see :data:`CONTAINMENT`)."""
    if len(sentence) < MIN_WORDS:
        return 0.0
    own = len(sentence & unit) / len(sentence)
    together = max([own, *(len(sentence & (unit | other)) / len(sentence) for other in neighbours)])
    return (own + together) / 2


def with_containment(
    graph: sp.csr_matrix, candidates: Candidates, where: npt.NDArray[np.int64], threshold: float
) -> sp.csr_matrix:
    """``graph`` with an edge between each clean sentence and the unit of each other
    run-on article that contains it best, at least ``threshold`` strong.

    One unit per article: of two units a sentence straddles, the one holding more of
    it (a disagreement in it is not hidden by its neighbour's agreeing).

    A score of :data:`CONTAINMENT` maps to ``threshold`` and 1 to 1, so a fuller
    containment is the stronger match; an edge already stronger is kept.

    Args:
        graph: Similarity of the sentences ``where`` names, shape (m, m).
        candidates: Every candidate sentence (``run_on`` says which are run-on units).
        where: Where the graph's sentences stand among all candidates, shape (m,).
        threshold: Similarity at which two sentences say the same thing.
    """
    run_on = candidates.run_on[where]
    if not run_on.any() or run_on.all():
        return graph
    stems = [set(tokenize(candidates.texts[i])) for i in where.tolist()]
    article_of = candidates.article_of[where]
    best: dict[tuple[int, int], tuple[float, int]] = {}  # (clean, article) -> (score, unit)
    for unit in np.flatnonzero(run_on).tolist():
        neighbours = _neighbours(candidates, int(where[unit]))
        for clean in np.flatnonzero(~run_on & (article_of != article_of[unit])).tolist():
            score = contained(stems[clean], stems[unit], neighbours)
            key = (clean, int(article_of[unit]))
            if score >= CONTAINMENT and score > best.get(key, (0.0, -1))[0]:
                best[key] = (score, unit)
    if not best:
        return graph
    columns = [clean for clean, _ in best]
    rows = [unit for _, unit in best.values()]
    scores = np.array([score for score, _ in best.values()])
    values = threshold + (1 - threshold) * (scores - CONTAINMENT) / (1 - CONTAINMENT)
    m = graph.shape[0]
    found = sp.csr_matrix((values, (rows, columns)), shape=(m, m))
    return sp.csr_matrix(sp.csr_matrix(graph).maximum(found).maximum(found.T))


def _neighbours(candidates: Candidates, unit: int) -> list[set[str]]:
    """The content stems of the units before and after ``unit`` in its run-on article."""
    return [
        set(tokenize(candidates.texts[k]))
        for k in (unit - 1, unit + 1)
        if 0 <= k < len(candidates)
        and candidates.run_on[k]
        and candidates.article_of[k] == candidates.article_of[unit]
    ]


__all__ = ["CONTAINMENT", "MIN_WORDS", "contained", "with_containment"]
