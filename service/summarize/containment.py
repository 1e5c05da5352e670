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

CONTAINMENT = 0.6
"""Least containment score of a clean sentence in a run-on unit that makes a match: the
mean of the share of its content stems the unit holds and the share the unit and its
better neighbour hold together."""

MIN_WORDS = 4
"""Fewest distinct content stems of a clean sentence matched by containment (a short
sentence is contained in almost any unit)."""


HITS = 3
"""Rarest stems of a sentence a unit's window must hold to be scored (the prefix filter's
k: a larger k scores fewer pairs, over a longer prefix; the matches are the same)."""


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
    stems = [set(candidates.stems[i]) for i in where.tolist()]
    article_of = candidates.article_of[where]
    units = np.flatnonzero(run_on)
    neighbours = [_neighbours(candidates, int(where[unit])) for unit in units.tolist()]
    clean, unit, scores = _scores(stems, units, neighbours, ~run_on, article_of)
    # The best unit of each article for each clean sentence; of equal scores the first.
    order = np.lexsort((unit, -scores, article_of[unit], clean))
    clean, unit, scores = clean[order], unit[order], scores[order]
    first = np.ones(len(clean), dtype=bool)
    first[1:] = (clean[1:] != clean[:-1]) | (article_of[unit][1:] != article_of[unit][:-1])
    best = {
        (int(c), int(article_of[u])): (float(score), int(u))
        for c, u, score in zip(clean[first], unit[first], scores[first], strict=True)
    }
    if not best:
        return graph
    columns = [clean for clean, _ in best]
    rows = [unit for _, unit in best.values()]
    scores = np.array([score for score, _ in best.values()])
    values = threshold + (1 - threshold) * (scores - CONTAINMENT) / (1 - CONTAINMENT)
    m = graph.shape[0]
    found = sp.csr_matrix((values, (rows, columns)), shape=(m, m))
    return sp.csr_matrix(sp.csr_matrix(graph).maximum(found).maximum(found.T))


class _Stems:
    """The stems of the graph's sentences as ids, and how many sentences hold each."""

    def __init__(self, stems: list[set[str]]) -> None:
        self.ids: dict[str, int] = {}
        for sentence in stems:
            for stem in sentence:
                self.ids.setdefault(stem, len(self.ids))
        self.frequency = np.zeros(len(self.ids), dtype=np.int64)
        for sentence in stems:
            for stem in sentence:
                self.frequency[self.ids[stem]] += 1

    def incidence(self, sets: list[set[str]]) -> sp.csr_matrix:
        """Binary rows, one a set, shape (len(sets), n_stems); a stem no sentence of the
        graph holds (a neighbouring unit's, outside a shortlist) meets none: left out."""
        ids = [sorted(self.ids[stem] for stem in found if stem in self.ids) for found in sets]
        indptr = np.cumsum([0, *(len(row) for row in ids)])
        indices = np.fromiter((i for row in ids for i in row), dtype=np.int64, count=indptr[-1])
        shape = (len(sets), len(self.ids))
        return sp.csr_matrix((np.ones(len(indices)), indices, indptr), shape=shape)

    def rarest(self, sentence: set[str], count: int) -> set[str]:
        return set(sorted(sentence, key=lambda s: (self.frequency[self.ids[s]], s))[:count])


def _scores(
    stems: list[set[str]],
    units: npt.NDArray[np.int64],
    neighbours: list[list[set[str]]],
    is_clean: npt.NDArray[np.bool_],
    article_of: npt.NDArray[np.int64],
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.float64]]:
    """Every (clean sentence, run-on unit of another article) pair whose containment
    score (:func:`contained`, the same floating-point steps) is at least
    :data:`CONTAINMENT`, with that score.

    A match needs at least :data:`CONTAINMENT` of the sentence's stems in the unit with
    a neighbour, so the unit's window (it and both neighbours) holds :data:`HITS` of
    the sentence's rarest few: the prefix filter of set-similarity joins. Only those
    pairs are scored, on sparse stem incidence matrices, not every clean sentence
    against every unit in Python (which grew with the square of the story: 21 s of 46
    at 10,000 sentences).
    """
    vocabulary = _Stems(stems)
    sizes = np.array([len(sentence) for sentence in stems], dtype=np.int64)
    # A window holding CONTAINMENT of a sentence's stems holds at least ``least`` of them
    # (one fewer than ceil, against rounding), so at least ``least - (size - length)`` of
    # its ``length`` rarest: HITS of them when the prefix is long enough.
    least = np.ceil(CONTAINMENT * sizes).astype(np.int64) - 1
    length = np.minimum(sizes, sizes - least + HITS)
    prefixes = [
        vocabulary.rarest(sentence, int(length[index]))
        if is_clean[index] and len(sentence) >= MIN_WORDS else set()
        for index, sentence in enumerate(stems)
    ]
    pairs = list(zip(units.tolist(), neighbours, strict=True))
    windows = [stems[u].union(*near) for u, near in pairs]
    found = (vocabulary.incidence(prefixes) @ vocabulary.incidence(windows).T).tocoo()
    clean, place = found.row.astype(np.int64), found.col.astype(np.int64)
    needed = least - (sizes - length)
    other = (article_of[units[place]] != article_of[clean]) & (found.data >= needed[clean])
    clean, place = clean[other], place[other]
    scores = _pair_scores(vocabulary, stems, pairs, clean, place, sizes)
    keep = scores >= CONTAINMENT
    return clean[keep], units[place[keep]], scores[keep]


def _pair_scores(
    vocabulary: _Stems,
    stems: list[set[str]],
    pairs: list[tuple[int, list[set[str]]]],
    clean: npt.NDArray[np.int64],
    place: npt.NDArray[np.int64],
    sizes: npt.NDArray[np.int64],
) -> npt.NDArray[np.float64]:
    """:func:`contained` of each clean sentence in the unit ``pairs[place]``, in chunks."""
    sentences = vocabulary.incidence(stems)
    own = vocabulary.incidence([stems[u] for u, _ in pairs])
    before = vocabulary.incidence([stems[u].union(*near[:1]) for u, near in pairs])
    after = vocabulary.incidence([stems[u].union(*near[1:]) for u, near in pairs])
    scores = np.empty(len(clean))
    step = 100_000
    for start in range(0, len(clean), step):
        rows, cols = clean[start : start + step], place[start : start + step]
        held = sentences[rows]
        size = sizes[rows].astype(np.float64)
        alone, with_before, with_after = (
            np.asarray(held.multiply(matrix[cols]).sum(axis=1)).ravel() / size
            for matrix in (own, before, after)
        )
        together = np.maximum(alone, np.maximum(with_before, with_after))
        scores[start : start + step] = (alone + together) / 2
    return scores


def _neighbours(candidates: Candidates, unit: int) -> list[set[str]]:
    """The content stems of the units before and after ``unit`` in its run-on article."""
    return [
        set(candidates.stems[k])
        for k in (unit - 1, unit + 1)
        if 0 <= k < len(candidates)
        and candidates.run_on[k]
        and candidates.article_of[k] == candidates.article_of[unit]
    ]


__all__ = ["CONTAINMENT", "MIN_WORDS", "contained", "with_containment"]
