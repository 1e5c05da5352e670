"""Cross-source support: which other articles say the same thing.

Two sentences of different articles say the same thing when their similarity
reaches a threshold: copied wire text does so lexically, a paraphrase (or a
quote in an article that lost its punctuation) semantically. Each sentence's
group is itself plus, from every other article, its most similar sentence
above the threshold; the group's size in articles is its support, and the
group becomes the citations of the sentence if it is chosen.

Similar is not the same: "The quake killed 12 people" and "The quake killed 15
people" are close in any graph, but the second contradicts the first, so it is no
support (:func:`agreement.disagreement` decides). A changed value lowers similarity
("12 people" / "15 people" share fewer words), so a dissent is looked for down to a
topic floor, the similarity of two sentences on one topic, and further down to
:data:`FRAME_FLOOR` for two sentences that share most of their words
(:data:`FRAME_OVERLAP`) and differ in a figure, a date or polarity
(:data:`FRAME_KINDS`), while support still needs the threshold (or the pair model).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from .agreement import Conflict, disagreement
from .pairs import PairModel
from .similarity import tokenize

# Pairs seen before (a feed re-sends most of a story) are not compared again: the verdict
# is a pure function of the two texts. About 200 bytes a pair, besides the texts.
_disagreement = lru_cache(maxsize=100_000)(disagreement)


FRAME_FLOOR = 0.1
"""Least similarity of a dissent whose sentences share a claim's frame (when a topic
floor is given): changed figures can take two sentences of one claim under the floor."""

FRAME_OVERLAP = 0.3
"""Least share of each sentence's content words the other holds, for a shared frame."""


@dataclass(frozen=True, slots=True)
class Match:
    """The sentence of another article that best matches a given sentence."""

    sentence: int
    similarity: float


@dataclass(frozen=True, slots=True)
class Dissent:
    """The sentence of another article that gives another value for a sentence's claim."""

    sentence: int
    similarity: float
    conflict: Conflict


@dataclass(frozen=True, slots=True)
class SupportRule:
    """When two agreeing sentences of different articles say the same thing, and how far
    down a dissent is looked for: the arguments of :func:`find_agreeing_support`.

    Attributes:
        threshold: Least similarity of two sentences that say the same thing.
        floor: Similarity of two sentences on one topic, or None.
        judge: The "same claim" pair model, or None for the bare ``threshold``.
    """

    threshold: float
    floor: float | None = None
    judge: PairModel | None = None


def find_agreeing_support(
    similarity: sp.csr_matrix,
    articles: npt.NDArray[np.int64],
    texts: Sequence[str],
    *,
    threshold: float,
    floor: float | None = None,
    judge: PairModel | None = None,
    stems: Sequence[Sequence[str]] | None = None,
) -> tuple[list[list[Match]], list[list[Dissent]]]:
    """For each sentence, the best agreeing match in every other article above
    ``threshold``, and the articles with no such match but a sentence above ``floor``
    that disagrees with it.

    An article supports a sentence through its most similar sentence that agrees; an
    article whose similar sentences all disagree is a dissent, through the most similar
    of them (the module's docstring says why and how far down a dissent is looked for).

    Args:
        similarity: Symmetric sentence similarity, shape (n_sentences, n_sentences).
        articles: Article index of each sentence, shape (n_sentences,).
        texts: Each sentence's text.
        threshold: Least similarity of two sentences that say the same thing, in (0, 1].
        floor: Similarity of two sentences on one topic, in (0, ``threshold``]: a
            dissent is looked for down to it (to :data:`FRAME_FLOOR` for a shared
            frame); ``threshold``, and no dissent under it, when None.
        judge: The "same claim" pair model: when given, it (not ``threshold``) decides
            whether two agreeing sentences at least ``floor`` similar say the same thing.
        stems: Each sentence's content stems (:func:`.similarity.tokenize` of its
            text), when the caller has them; cut from ``texts`` when None.

    Returns:
        ``(support, dissent)``: for each sentence, its agreeing matches and its
        dissents, each ordered by article index.

    Raises:
        ValueError: If ``threshold`` or ``floor`` is out of range or the shapes differ.
    """
    rule = (threshold if floor is None else floor, threshold)  # (on topic, same claim)
    edges = _framed_or_on_topic(
        *_ranked_edges(similarity, articles, threshold, floor),
        texts if stems is None else stems,
        rule[0],
    )
    support, doubted = _verdicts(edges, articles, texts, judge, rule)
    dissent: list[list[Dissent]] = [[] for _ in range(similarity.shape[0])]
    for (row, _), found in sorted(doubted.items()):
        dissent[row].append(found)
    return support, dissent


def _verdicts(
    edges: tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.float64]],
    articles: npt.NDArray[np.int64],
    texts: Sequence[str],
    judge: PairModel | None,
    rule: tuple[float, float],
) -> tuple[list[list[Match]], dict[tuple[int, int], Dissent]]:
    """Each sentence's agreeing matches, and its first disagreeing match per article
    with none that agrees, from ``edges`` (rows, columns, similarities) ranked most
    similar first; ``rule`` is (topic floor, same-claim threshold)."""
    rows, columns, values = edges
    support: list[list[Match]] = [[] for _ in range(len(articles))]  # shape checked
    settled: set[tuple[int, int]] = set()  # (row, article) with a supporting match
    doubted: dict[tuple[int, int], Dissent] = {}
    for row, column, value in zip(rows.tolist(), columns.tolist(), values.tolist(), strict=True):
        key = (row, int(articles[column]))
        if key in settled:
            continue
        conflict = _conflict(texts, row, column, framed=value < rule[0])
        if conflict is None and not _says_same(judge, texts[row], texts[column], value, rule):
            continue  # another claim, or under the floor (a shared frame: a dissent only)
        if conflict is None:
            settled.add(key)
            doubted.pop(key, None)
            support[row].append(Match(column, value))
        elif key not in doubted:
            doubted[key] = Dissent(column, value, conflict)
    return support, doubted


FRAME_KINDS = frozenset({"number", "date", "negation"})
"""Kinds of dissent looked for under the topic floor: two sentences that share a frame
but name other people ("Mayor Ana Ruiz said ..." / "Governor Tom Hale said ...") are
more often two claims than one claim with another name."""


def _conflict(texts: Sequence[str], row: int, column: int, *, framed: bool) -> Conflict | None:
    """How two sentences disagree, if they do; for a pair under the topic floor
    (``framed``: it shares a frame, :func:`_framed_or_on_topic` saw to it), only in one
    of :data:`FRAME_KINDS`."""
    if texts[row] == texts[column]:
        return None
    conflict = _disagreement(texts[row], texts[column])
    if framed and conflict is not None and conflict.kind not in FRAME_KINDS:
        return None
    return conflict


def _framed_or_on_topic(
    rows: npt.NDArray[np.int64],
    columns: npt.NDArray[np.int64],
    values: npt.NDArray[np.float64],
    sentences: Sequence[str] | Sequence[Sequence[str]],
    on_topic: float,
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.float64]]:
    """The edges at least ``on_topic`` strong and, of the weaker ones, those whose two
    sentences share a frame (:func:`shares_frame`), in their order.

    A weaker edge can only be a dissent, and only with a shared frame; most of a large
    story's edges under the floor are of no shared frame, so they are dropped here, at
    once, and the support loop visits only the rest (at 50,000 sentences, 1.2 million
    edges went through it one by one before).
    """
    under = np.flatnonzero(values < on_topic)
    if not len(under):
        return rows, columns, values
    keep = np.ones(len(values), dtype=np.bool_)
    keep[under] = shares_frame(sentences, rows[under], columns[under])
    return rows[keep], columns[keep], values[keep]


_FRAME_STEP = 200_000
"""Pairs whose shared stems are counted at once (two sparse rows each)."""


def shares_frame(
    sentences: Sequence[str] | Sequence[Sequence[str]],
    first: npt.NDArray[np.int64],
    second: npt.NDArray[np.int64],
) -> npt.NDArray[np.bool_]:
    """Whether each pair (``first[k]``, ``second[k]``) of sentences shares a frame: each
    has :data:`FRAME_OVERLAP` of its content stems in the other ("followed a 7 1/2 week
    trial, during which ..." / "followed a 2 1/2 week trial, during which ..."), the same
    claim's frame whatever its similarity; never for a sentence without content words.
    ``sentences`` are texts, or their stems (:func:`.similarity.tokenize`) when known.

    The stems are counted on a binary incidence matrix of the sentences the pairs name,
    the products of each pair's two rows summed, so the pairs are not visited in Python.
    """
    named, where = np.unique(np.concatenate((first, second)), return_inverse=True)
    ids: dict[str, int] = {}
    stems = [
        sorted({ids.setdefault(stem, len(ids)) for stem in _stems(sentences[i])})
        for i in named.tolist()
    ]
    indptr = np.cumsum([0, *(len(row) for row in stems)])
    indices = np.fromiter((i for row in stems for i in row), dtype=np.int64, count=indptr[-1])
    held = sp.csr_matrix(
        (np.ones(len(indices)), indices, indptr), shape=(len(named), max(1, len(ids)))
    )
    sizes = np.diff(indptr).astype(np.float64)
    a, b = where[: len(first)], where[len(first) :]
    common = np.empty(len(first))
    for start in range(0, len(first), _FRAME_STEP):
        part = slice(start, start + _FRAME_STEP)
        common[part] = np.asarray(held[a[part]].multiply(held[b[part]]).sum(axis=1)).ravel()
    size_a, size_b = sizes[a], sizes[b]
    return (
        (size_a > 0)
        & (size_b > 0)
        & (common >= FRAME_OVERLAP * size_a)
        & (common >= FRAME_OVERLAP * size_b)
    )


def _stems(sentence: str | Sequence[str]) -> Sequence[str]:
    return tokenize(sentence) if isinstance(sentence, str) else sentence


def _says_same(
    judge: PairModel | None, a: str, b: str, value: float, rule: tuple[float, float]
) -> bool:
    """Whether two agreeing sentences at similarity ``value`` say the same thing, given
    ``rule``, the (topic floor, threshold): the threshold, or the judge from the floor."""
    floor, threshold = rule
    if judge is None:
        return value >= threshold
    return value >= floor and (a == b or judge.same(a, b, value))


def _ranked_edges(
    similarity: sp.csr_matrix,
    articles: npt.NDArray[np.int64],
    threshold: float,
    floor: float | None = None,
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.float64]]:
    """Edges between articles at least :data:`FRAME_FLOOR` strong, or ``floor`` when
    lower (``threshold`` when None): per row and article, the strongest first (ties to
    the earlier sentence)."""
    if not 0.0 < threshold <= 1.0:
        raise ValueError(f"threshold must be in (0, 1], got {threshold}")
    if floor is not None and not 0.0 < floor <= threshold:
        raise ValueError(f"floor must be in (0, threshold={threshold}], got {floor}")
    floor = threshold if floor is None else min(floor, FRAME_FLOOR)
    n = similarity.shape[0]
    if articles.shape != (n,):
        raise ValueError(f"articles must have shape ({n},), got {articles.shape}")
    matrix = sp.csr_matrix(similarity)
    rows = np.repeat(np.arange(n, dtype=np.int64), np.diff(matrix.indptr))
    columns = matrix.indices.astype(np.int64)
    values = matrix.data
    own = np.asarray(articles, dtype=np.int64)
    keep = np.flatnonzero((values >= floor) & (own[columns] != own[rows]))
    rows, columns, values = rows[keep], columns[keep], values[keep]
    order = np.lexsort((columns, -values, own[columns], rows))
    return rows[order], columns[order], np.asarray(values[order], dtype=np.float64)
