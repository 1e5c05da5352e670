"""Selection by concept coverage: the summary that covers most of what the sources share.

Concepts are stemmed word bigrams (a bigram of two stopwords is no concept),
weighted by how many articles contain them (Gillick & Favre 2009). Selection
is the greedy algorithm for a monotone submodular objective under a length
budget (Lin & Bilmes 2010): add the sentence of best gain per ``length**r``
until nothing fits, then compare with the best single sentence. Each
sentence may also carry a bonus (its centrality), added to its gain the
first time only.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from .similarity import StemMemo, number_items, porter_stem

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

_WORD = re.compile(r"[a-z0-9]+")


def _rouge_stem(word: str) -> str:
    """ROUGE's stemming: Porter for words over 3 characters (lower-case already).

    Porter itself runs through :func:`similarity.porter_stem`, whose cache serves both
    modules: a word of a new story is stemmed once, not once for TF-IDF and again for
    the concepts (Porter is the costly part of a request about unseen text).
    """
    return porter_stem(word) if len(word) > 3 else word


_ROUGE_STEMS = StemMemo(_rouge_stem)
_stem = _ROUGE_STEMS.__getitem__


def content_stems(text: str) -> set[str]:
    """The stems (as :func:`bigrams` makes them) of the content words of ``text``."""
    return {_stem(word) for word in _WORD.findall(text.lower()) if word not in ENGLISH_STOP_WORDS}


def rouge_words(text: str) -> tuple[list[str], list[str]]:
    """ROUGE's tokens of ``text`` (lower-cased runs of ``[a-z0-9]``) and their stems
    (Porter when longer than 3 characters)."""
    words = _WORD.findall(text.lower())
    return words, list(map(_stem, words))


def bigrams(text: str) -> list[tuple[str, str]]:
    """Stemmed adjacent word pairs of ``text``, minus the pairs of two stopwords."""
    return word_pairs(*rouge_words(text))


def word_pairs(words: Sequence[str], stems: Sequence[str]) -> list[tuple[str, str]]:
    """:func:`bigrams` of a text already cut by :func:`rouge_words`."""
    stops = list(map(ENGLISH_STOP_WORDS.__contains__, words))
    return [
        (first, second)
        for first, second, stop, next_stop in zip(
            stems, stems[1:], stops, stops[1:], strict=False
        )
        if not (stop and next_stop)
    ]


@dataclass(frozen=True, slots=True)
class ConceptRules:
    """Which bigrams are concepts, and what each weighs.

    Attributes:
        min_articles: Fewest articles (or sentences) a concept needs (>= 1).
        position_decay: Position at which the early-occurrence boost halves; 0 for none.
        weight_power: Exponent of the weights; above 1, the concepts most
            articles share count more than in proportion.
        favoured: Stems (e.g. of a query) that make a bigram holding one a
            favoured concept.
        favoured_min_articles: Fewest articles a favoured concept needs
            (``min_articles`` when None).
        favoured_factor: Factor of a favoured concept's weight.
        damped: Stems that make a bigram holding one a damped concept.
        damped_factor: Factor of a damped concept's weight (0 drops it).
        known: Bigrams the reader has read already (an update summary's known
            articles hold them): not news.
        known_factor: Factor of a known concept's weight (0 drops it).
    """

    min_articles: int
    position_decay: float = 0.0
    weight_power: float = 1.0
    favoured: Collection[str] = ()
    favoured_min_articles: int | None = None
    favoured_factor: float = 1.0
    damped: Collection[str] = ()
    damped_factor: float = 1.0
    known: Collection[tuple[str, str]] = ()
    known_factor: float = 0.0


def concept_matrix(
    sentence_bigrams: Sequence[Sequence[tuple[str, str]]],
    article_of: npt.NDArray[np.int64],
    rules: ConceptRules,
    *,
    position: npt.NDArray[np.float64] | None = None,
) -> tuple[sp.csr_matrix, FloatArray]:
    """Which concepts each sentence holds, and the weight of each concept.

    A concept's weight is the number of articles it occurs in (the number of
    sentences when there is a single article), raised to ``rules.weight_power``;
    concepts under ``rules.min_articles`` are dropped. With a ``position_decay``
    > 0, each occurrence counts ``1 + 1 / (1 + position / position_decay)`` at its
    earliest sentence of the article, instead of 1.

    Args:
        sentence_bigrams: Bigrams of each sentence, from :func:`bigrams`.
        article_of: Article index of each sentence, shape (n_sentences,).
        rules: What makes a concept and what it weighs.
        position: Sentence position in its article, shape (n_sentences,).

    Returns:
        ``(concepts, weights)``: a 0/1 matrix of shape (n_sentences,
        n_concepts) and weights of shape (n_concepts,).
    """
    n = len(sentence_bigrams)
    if len(article_of) != n:
        raise ValueError("sentence_bigrams and article_of must have the same length")
    units = np.asarray(article_of, dtype=np.int64)
    if n and len(np.unique(units)) < 2:
        units = np.arange(n)
    # Columns in first-seen order (deterministic). A sentence's repeats of a bigram
    # are kept here: the matrix built below sums them and is then set to 0/1.
    rows_a, cols_a, vocabulary = number_items(sentence_bigrams)
    grams = list(vocabulary)
    m = len(grams)
    boost = _position_boost(position, rules.position_decay, n)
    # Per (unit, concept): the weight of the earliest occurrence, i.e. the largest boost.
    # Summed per concept over units in ascending order, as a sparse column sum would.
    pick_cols, pick_values = _max_per_unit(units[rows_a], cols_a, boost[rows_a], max(m, 1))
    frequency = np.bincount(pick_cols[pick_values > 0], minlength=max(m, 1)).astype(np.float64)
    weights: FloatArray = np.bincount(pick_cols, weights=pick_values, minlength=max(m, 1)).astype(
        np.float64, copy=False
    )
    if rules.weight_power != 1.0:
        weights = weights**rules.weight_power
    keep = frequency >= rules.min_articles
    if rules.favoured:
        keep, weights = _favour(grams, frequency, keep, weights, rules)
    if rules.damped and m:
        keep, weights = _damp(grams, keep, weights, rules)
    if rules.known and m:
        keep, weights = _discount_known(grams, keep, weights, rules)
    return _kept_matrix(rows_a, cols_a, keep, n), weights[keep]


def _position_boost(position: FloatArray | None, decay: float, n: int) -> FloatArray:
    """Each sentence's occurrence weight: ``1 + 1 / (1 + position / decay)``, or ones."""
    if position is not None and decay > 0:
        return 1.0 + 1.0 / (1.0 + np.asarray(position, dtype=np.float64) / decay)
    return np.ones(n)


def _kept_matrix(
    rows: IntArray, cols: IntArray, keep: npt.NDArray[np.bool_], n: int
) -> sp.csr_matrix:
    """The 0/1 sentence-by-concept matrix of the kept concepts.

    The kept columns are renumbered in order before the matrix is built (cheaper than
    slicing columns out of it).
    """
    column = np.cumsum(keep) - 1
    kept = keep[cols]
    matrix = sp.csr_matrix(
        (np.ones(int(kept.sum())), (rows[kept], column[cols[kept]])),
        shape=(n, int(keep.sum())),
    )
    matrix.data[:] = 1.0
    return matrix


def _favour(
    grams: list[tuple[str, str]],
    frequency: FloatArray,
    keep: npt.NDArray[np.bool_],
    weights: FloatArray,
    rules: ConceptRules,
) -> tuple[npt.NDArray[np.bool_], FloatArray]:
    """Keep the favoured concepts from their own floor, and raise their weight."""
    wanted = set(rules.favoured)
    mask = np.fromiter(
        (a in wanted or b in wanted for a, b in grams), dtype=np.bool_, count=len(grams)
    )
    if not grams:
        mask = np.zeros(1, dtype=bool)
    floor = rules.favoured_min_articles
    if floor is None:
        floor = rules.min_articles
    keep = keep | (mask & (frequency >= floor))
    return keep, np.where(mask, weights * rules.favoured_factor, weights)


def _damp(
    grams: list[tuple[str, str]],
    keep: npt.NDArray[np.bool_],
    weights: FloatArray,
    rules: ConceptRules,
) -> tuple[npt.NDArray[np.bool_], FloatArray]:
    """Lower the weight of the damped concepts (drop them at factor 0)."""
    # Only the kept concepts matter from here on: look at those alone.
    low = set(rules.damped)
    candidates = np.flatnonzero(keep)
    hit = np.zeros(max(len(grams), 1), dtype=np.bool_)
    hit[candidates] = np.fromiter(
        (a in low or b in low for a, b in map(grams.__getitem__, candidates.tolist())),
        dtype=np.bool_,
        count=len(candidates),
    )
    return _scaled(keep, weights, hit, rules.damped_factor)


def _discount_known(
    grams: list[tuple[str, str]],
    keep: npt.NDArray[np.bool_],
    weights: FloatArray,
    rules: ConceptRules,
) -> tuple[npt.NDArray[np.bool_], FloatArray]:
    """Lower the weight of the concepts the reader knows (drop them at factor 0)."""
    read = rules.known if isinstance(rules.known, set | frozenset) else set(rules.known)
    hit = np.fromiter((gram in read for gram in grams), dtype=np.bool_, count=len(grams))
    return _scaled(keep, weights, hit, rules.known_factor)


def _scaled(
    keep: npt.NDArray[np.bool_],
    weights: FloatArray,
    hit: npt.NDArray[np.bool_],
    factor: float,
) -> tuple[npt.NDArray[np.bool_], FloatArray]:
    """The weights of the ``hit`` concepts times ``factor``; at factor 0 they are dropped."""
    return keep & (~hit | (factor > 0)), np.where(hit, weights * factor, weights)


def _max_per_unit(
    units: IntArray, cols: IntArray, values: FloatArray, width: int
) -> tuple[IntArray, FloatArray]:
    """The largest value of each (unit, column) pair: its column and value, sorted by
    ``(unit, column)``."""
    key = units * width + cols
    order = np.lexsort((-values, key))
    first = np.ones(len(order), dtype=bool)
    first[1:] = key[order][1:] != key[order][:-1]
    pick = order[first]
    return cols[pick], values[pick]


def conflicts(
    similarity: sp.csr_matrix,
    max_overlap: float,
    same_claim: Sequence[Sequence[int]] = (),
    *,
    also: tuple[sp.csr_matrix, float] | None = None,
) -> sp.csr_matrix:
    """Pairs of sentences that must not both be chosen.

    Two sentences conflict when their similarity reaches ``max_overlap``,
    when their citation groups (each sentence with its ``same_claim``)
    share a sentence, or when their similarity in the ``also`` graph
    reaches its threshold.

    Args:
        similarity: Sentence similarity, shape (n_sentences, n_sentences).
        max_overlap: Similarity at which two sentences repeat each other.
        same_claim: For each sentence, the sentences that say the same thing.
        also: A second ``(similarity, max_overlap)``, e.g. the lexical graph
            of every sentence when ``similarity`` covers only a shortlist.

    Returns:
        Boolean sparse matrix of shape (n_sentences, n_sentences), symmetric.
    """
    n = similarity.shape[0]
    strong = sp.csr_matrix(similarity >= max_overlap, dtype=bool)
    if also is not None:
        strong = sp.csr_matrix(strong + sp.csr_matrix(also[0] >= also[1], dtype=bool), dtype=bool)
    if not same_claim:
        return sp.csr_matrix(strong + strong.T, dtype=bool)
    rows = [i for i, group in enumerate(same_claim) for _ in range(len(group) + 1)]
    cols = [j for i, group in enumerate(same_claim) for j in (i, *group)]
    # Untyped scalar: scipy-stubs lacks the overload converting a sparse matrix to another dtype.
    member: sp.csr_matrix = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, n))
    shared = sp.csr_matrix(member @ member.T, dtype=bool)
    return sp.csr_matrix(strong + strong.T + shared, dtype=bool)


@dataclass(frozen=True, slots=True)
class ExpectedMatches:
    """The expected-recall term of the coverage gain (see :func:`expected_token_matches`).

    Attributes:
        counts: Token counts of each sentence, shape (n_sentences, n_types).
        expected: ``E[min(R_t, k)]`` for each type and ``k = 0..K``, shape
            (n_types, K + 1).
        weight: Weight of the term, relative to the mean concept gain of a
            sentence (> 0).
    """

    counts: sp.csr_matrix
    expected: FloatArray
    weight: float


@dataclass(frozen=True, slots=True)
class Cover:
    """What :func:`greedy_cover` chooses from.

    Attributes:
        concepts: 0/1 matrix, shape (n_sentences, n_concepts).
        weights: Concept weights, shape (n_concepts,).
        lengths: Words in each sentence (>= 1).
        bonus: Extra gain of each sentence, shape (n_sentences,); zeros if None.
        factor: Multiplier of each sentence's gain (> 0), shape (n_sentences,);
            ones if None.
        eligible: Sentences the coverage stage may choose, shape (n_sentences,);
            the others come only with the fallback. All if None.
        forbidden: Pairs that must not both be chosen, boolean of shape
            (n_sentences, n_sentences) (see :func:`conflicts`).
        fallback: Order of the sentences that add nothing, shape (n_sentences,).
        matches: The expected-recall term, or None.
        leads: For each sentence, the sentence it may only follow, shape
            (n_sentences,), -1 for none: a sentence opening on a word that points
            back ("He", "But") and the one before it in its article. Such a
            sentence is chosen only with its lead right before it: the two as one
            unit (both lengths against the budget) while the lead is not chosen,
            alone once it is. None: every sentence stands alone.
        adjacent: With ``leads``, a follower is chosen alone only while its lead is
            the last sentence chosen, so that it stands right after it in the order
            chosen and no sentence moves ahead of the better ones chosen before it
            (a summary cut to its first words keeps what was chosen first). False:
            any time after its lead (the caller then places it right after it).
        allowed: Sentences that may be chosen at all, shape (n_sentences,), neither
            by coverage nor by the fallback (an update summary leaves out what the
            reader knows); a pair only when both are. All if None.
        first: Sentences taken before the greedy choice, in this order, each when it
            fits, conflicts with none taken and may stand where it is (a sentence
            that points back only once its lead is taken): an update's corrections
            of what the reader knows.
    """

    concepts: sp.csr_matrix
    weights: FloatArray
    lengths: Sequence[int]
    bonus: FloatArray | None = None
    factor: FloatArray | None = None
    eligible: npt.NDArray[np.bool_] | None = None
    forbidden: sp.csr_matrix | None = None
    fallback: FloatArray | None = None
    matches: ExpectedMatches | None = None
    leads: IntArray | None = None
    allowed: npt.NDArray[np.bool_] | None = None
    first: Sequence[int] = ()
    adjacent: bool = True

    def __post_init__(self) -> None:
        n = self.concepts.shape[0]
        if len(self.lengths) != n or len(self.weights) != self.concepts.shape[1]:
            raise ValueError("concepts, weights and lengths do not match")
        if self.leads is not None and len(self.leads) != n:
            raise ValueError("leads must have one entry per sentence")


class _Units:
    """What greedy chooses among: every sentence, then every (lead, follower) pair.

    ``member`` is a 0/1 matrix of shape (n_units, n_sentences); a pair's row has a 1
    at each of its two sentences, so a unit's concepts, lengths and token counts are
    its members' summed (concepts then set to 0/1).
    """

    def __init__(self, n: int, leads: IntArray | None, preferred: npt.NDArray[np.bool_]) -> None:
        lead = np.full(n, -1, dtype=np.int64) if leads is None else np.asarray(leads, np.int64)
        followers = np.flatnonzero(lead >= 0)
        # A pair needs a lead that stands alone and a follower that may be chosen.
        paired = followers[preferred[followers] & (lead[lead[followers]] < 0)]
        paired = paired[preferred[lead[paired]]]
        self.n = n
        self.lead = lead
        self.pairs = np.column_stack([lead[paired], paired]).astype(np.int64)
        rows = np.concatenate([np.arange(n), np.repeat(np.arange(len(paired)) + n, 2)])
        cols = np.concatenate([np.arange(n), self.pairs.ravel()])
        self.member = sp.csr_matrix(
            (np.ones(len(rows)), (rows, cols)), shape=(n + len(paired), n)
        )

    def members(self, unit: int) -> tuple[int, ...]:
        if unit < self.n:
            return (unit,)
        lead, follower = self.pairs[unit - self.n]
        return int(lead), int(follower)

    def followers_of(self, index: int) -> IntArray:
        return np.flatnonzero(self.lead == index)

    def spread(self, values: FloatArray) -> FloatArray:
        """A per-sentence quantity summed over each unit's members."""
        return np.asarray(self.member @ values, dtype=np.float64)


class _Greedy:
    """The state of one greedy run: what is left to cover and what may still be chosen.

    Indexed by unit (:class:`_Units`): the sentences, then the pairs of a sentence
    that points back and its lead.
    """

    def __init__(self, cover: Cover, max_words: int | None, length_power: float) -> None:
        n = cover.concepts.shape[0]
        eligible = (
            np.ones(n, dtype=bool) if cover.eligible is None else np.asarray(cover.eligible, bool)
        )
        units = _Units(n, cover.leads, eligible)
        self.units = units
        self.eligible = eligible
        lengths = np.maximum(np.asarray(cover.lengths, dtype=np.float64), 1.0)
        self.length = units.spread(lengths)
        bonus = np.zeros(n) if cover.bonus is None else np.asarray(cover.bonus, np.float64)
        self.extra = units.spread(bonus)
        factor = np.ones(n) if cover.factor is None else np.asarray(cover.factor, np.float64)
        # A pair's factor: its members', weighted by their lengths.
        factor = units.spread(np.maximum(factor, 1e-12) * lengths) / self.length
        self.scale = self.length**length_power / factor
        member = units.member
        self.x = sp.csr_matrix(
            member @ sp.csr_matrix(cover.concepts, dtype=np.float64) > 0, dtype=np.float64
        )
        self.left = np.asarray(cover.weights, dtype=np.float64).copy()
        # A unit may be chosen when every member may.
        barred = np.zeros(n) if cover.allowed is None else ~np.asarray(cover.allowed, bool)
        self.allowed = np.asarray(member @ barred.astype(np.float64) == 0, dtype=bool)
        self.available = self.allowed.copy()
        # A sentence that points back is preferred only once its lead is chosen.
        self.initial = np.concatenate(
            [eligible & (units.lead < 0), np.ones(len(units.pairs), dtype=bool)]
        )
        self.preferred = self.initial.copy()
        if max_words is not None:
            self.available &= self.length <= max_words
        self.conflict = _unit_conflicts(member, cover.forbidden)
        self.adjacent = cover.adjacent
        self.max_words = max_words
        self.chosen: list[int] = []
        self.values: list[float] = []
        self.words = 0.0
        self.matches: _MatchGain | None = None
        if cover.matches is not None and cover.matches.weight > 0:
            term = replace(cover.matches, counts=sp.csr_matrix(member @ cover.matches.counts))
            self.matches = _MatchGain(term, self.x, self.left, len(self.length), n)

    def size(self, unit: int) -> int:
        return 1 if unit < self.units.n else 2

    def gain(self) -> FloatArray:
        gain = self.x @ self.left + self.extra
        if self.matches is not None:
            gain = gain + self.matches.unit * self.matches.gain()
        return gain

    def take(self, unit: int, value: float) -> None:
        for index in self.units.members(unit):
            if self.adjacent and self.chosen:
                # The last one chosen is no longer last: its followers wait for a pair.
                self.preferred[self.units.followers_of(self.chosen[-1])] = False
            self.chosen.append(index)
            self.values.append(value)
            followers = self.units.followers_of(index)
            self.preferred[followers] = self.eligible[followers]
        self.words += self.length[unit]
        _close(self.available, unit, self.conflict)
        if self.max_words is not None:
            self.available &= self.length <= self.max_words - self.words

    def cover(self, best: int) -> None:
        self.left[self.x.indices[self.x.indptr[best] : self.x.indptr[best + 1]]] = 0.0
        if self.matches is not None:
            self.matches.add(best)


def _unit_conflicts(member: sp.csr_matrix, forbidden: sp.csr_matrix | None) -> sp.csr_matrix:
    """Units that must not both be chosen: a member of one conflicts with a member of
    the other, or they share a member."""
    shared = member @ member.T
    if forbidden is not None:
        shared = shared + member @ sp.csr_matrix(forbidden, dtype=np.float64) @ member.T
    return sp.csr_matrix(shared > 0, dtype=bool)


class _MatchGain:
    """The expected-matches gain of every sentence, updated as sentences are chosen.

    What each (sentence, type) entry would add now; only the entries of the types a
    choice adds to change, so only those are recomputed.
    """

    def __init__(
        self, term: ExpectedMatches, x: sp.csr_matrix, left: FloatArray, n: int, real: int
    ) -> None:
        tokens = sp.csr_matrix(term.counts, dtype=np.float64)
        self.table: FloatArray = term.expected
        self.top = self.table.shape[1] - 1
        self.n = n
        self.indptr = tokens.indptr
        self.rows_of = np.repeat(np.arange(n), np.diff(tokens.indptr))
        self.types_of = tokens.indices
        self.amounts = tokens.data.astype(np.int64)
        self.have = np.zeros(tokens.shape[1], dtype=np.int64)
        self.contrib = (
            self.table[self.types_of, np.minimum(self.amounts, self.top)]
            - self.table[self.types_of, 0]
        )
        # Scaled over the sentences (the first ``real`` units), not the pairs.
        first = self.gain()[:real]
        mean_concepts = float((x[:real] @ left).mean()) or 1.0
        self.unit = term.weight * mean_concepts / (float(first.mean()) or 1.0)

    def gain(self) -> FloatArray:
        return np.bincount(self.rows_of, weights=self.contrib, minlength=self.n).astype(np.float64)

    def add(self, best: int) -> None:
        span = slice(self.indptr[best], self.indptr[best + 1])
        types_of, have = self.types_of, self.have
        have[types_of[span]] += self.amounts[span]
        touched = np.zeros(len(have), dtype=bool)
        touched[types_of[span]] = True
        hit = np.flatnonzero(touched[types_of])
        kinds = types_of[hit]
        self.contrib[hit] = (
            self.table[kinds, np.minimum(have[kinds] + self.amounts[hit], self.top)]
            - self.table[kinds, np.minimum(have[kinds], self.top)]
        )


def greedy_cover(
    cover: Cover,
    *,
    max_words: int | None,
    max_sentences: int | None,
    length_power: float = 1.0,
) -> tuple[list[int], FloatArray]:
    """Greedy budgeted maximum coverage, best sentence first.

    At each step the sentence that fits and is not in conflict with a chosen
    one, with the largest ``(new concept weight + bonus) / length**r``, is
    added (ties go to the lower index). Under a word budget the result is
    compared with the best single sentence that fits, as Lin & Bilmes do for
    the guarantee. When no sentence adds anything, the remaining ones follow
    by ``cover.fallback`` score, so that a large budget still fills.

    Args:
        cover: The sentences, their concepts and terms.
        max_words: Word budget, or None.
        max_sentences: Most sentences, or None.
        length_power: ``r`` in gain / length**r.

    Returns:
        ``(chosen, values)``: indices of the chosen sentences in the order
        chosen, and the value of each, shape (len(chosen),): its gain per
        ``length**r`` when chosen (non-increasing), then for the sentences
        added by ``fallback`` a fraction of the last gain, in fallback order.
    """
    state = _Greedy(cover, max_words, length_power)
    pairs = np.arange(len(state.length)) >= state.units.n
    _take_first(state, cover.first, max_sentences)
    while state.available.any():
        if max_sentences is not None and len(state.chosen) >= max_sentences:
            break
        gain = state.gain()
        open_ = state.available & state.preferred
        if max_sentences is not None and len(state.chosen) + 2 > max_sentences:
            open_ &= ~pairs
        value = np.where(open_, gain / state.scale, -np.inf)
        best = int(np.argmax(value))
        if not np.isfinite(value[best]) or gain[best] <= 0.0:
            break
        state.cover(best)
        state.take(best, float(value[best]))
    if max_words is not None and state.chosen and not cover.first:
        _keep_best_single(state, cover.weights, max_words, max_sentences)
    if cover.fallback is not None:
        _fill(state, np.asarray(cover.fallback, dtype=np.float64), max_sentences)
    return state.chosen, np.asarray(state.values, dtype=np.float64)


def _take_first(state: _Greedy, first: Sequence[int], max_sentences: int | None) -> None:
    """Take ``first`` in order, each that is still available (it fits, no conflict) and
    preferred, and adds something (a concept or a term of the gain)."""
    for index in first:
        if max_sentences is not None and len(state.chosen) >= max_sentences:
            return
        if not (state.available[index] and state.preferred[index]):
            continue
        gain = state.gain()
        if gain[index] <= 0.0:
            continue
        state.cover(index)
        state.take(index, float(gain[index] / state.scale[index]))


def _keep_best_single(
    state: _Greedy, weights: FloatArray, max_words: int, max_sentences: int | None
) -> None:
    """Replace the choice by the best single unit that fits, if it covers more."""
    weights = np.asarray(weights, dtype=np.float64)
    single = (state.x @ weights) + state.extra
    single[(state.length > max_words) | ~state.initial | ~state.allowed] = -np.inf
    if max_sentences is not None and max_sentences < 2:
        single[state.units.n :] = -np.inf
    top = int(np.argmax(single))
    covered = _coverage(state.x, weights, state.chosen) + float(state.extra[state.chosen].sum())
    if single[top] > covered:
        state.chosen, state.values, state.words = [], [], 0.0
        state.available = (state.length <= max_words) & state.allowed
        state.preferred = state.initial.copy()
        state.take(top, float(single[top] / state.scale[top]))


def _fill(state: _Greedy, rank: FloatArray, max_sentences: int | None) -> None:
    """Add the sentences left, best ``rank`` first, while they fit; a sentence with a
    lead only once its lead is chosen (with ``adjacent``, right after it)."""
    floor = 0.5 * min(state.values) if state.values else 1.0
    top_rank = max(float(rank.max(initial=0.0)), 1e-12)
    order = np.lexsort((np.arange(len(rank)), -rank))
    lead = state.units.lead
    for index in order.tolist():
        if max_sentences is not None and len(state.chosen) >= max_sentences:
            break
        if not state.available[index]:
            continue
        if lead[index] >= 0 and lead[index] not in (
            state.chosen[-1:] if state.adjacent else state.chosen
        ):
            continue
        if state.max_words is not None and state.length[index] > state.max_words - state.words:
            continue
        state.take(index, floor * max(float(rank[index]), 0.0) / top_rank)


def _tokens(stemmed: Sequence[Sequence[str]]) -> tuple[IntArray, IntArray, list[str]]:
    """Row and type number of every token of each text's stems, and the types."""
    rows, cols, numbering = number_items(stemmed)
    return rows, cols, list(numbering)


def _pairs(rows: IntArray, ids: IntArray, n_types: int) -> tuple[IntArray, IntArray, IntArray]:
    """Adjacent tokens of the same text as pair types, numbered in the order first seen.

    Returns:
        The row and pair type of every pair, and each pair type's key
        ``first * max(n_types, 1) + second`` (in type order).
    """
    same = rows[1:] == rows[:-1]
    keys = ids[:-1][same] * max(n_types, 1) + ids[1:][same]
    unique, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    order = np.argsort(first, kind="stable")
    rank = np.empty(len(unique), dtype=np.int64)
    rank[order] = np.arange(len(unique))
    return rows[:-1][same], rank[inverse.ravel()], unique[order]


def _count_matrix(rows: IntArray, cols: IntArray, n_rows: int, n_cols: int) -> sp.csr_matrix:
    matrix = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n_rows, max(n_cols, 1)))
    matrix.sum_duplicates()
    return matrix


def expected_matches(rates: FloatArray, length: float, most: int = 40) -> FloatArray:
    """``E[min(R, k)]`` for ``R ~ Poisson(length * rate)`` of each type, ``k = 0..most``.

    A reference of ``length`` tokens that uses a type at its rate in the sources
    matches ``E[min(R, k)]`` of ``k`` occurrences in a summary: the expected
    clipped unigram matches, so the gain of one more occurrence shrinks as the
    summary already holds the type.

    Returns:
        Shape (n_types, most + 1); column 0 is zeros.
    """
    # Types of the same rate (most occur once or twice) share one row of the table.
    unique, inverse = np.unique(np.asarray(rates, dtype=np.float64), return_inverse=True)
    return _expected_rows(unique, length, most)[inverse.ravel()]


def _expected_rows(rates: FloatArray, length: float, most: int) -> FloatArray:
    lam = rates[:, None] * length
    k = np.arange(most + 1)[None, :]
    # P(R = j) for j = 0..most, then P(R >= j) = 1 - P(R <= j - 1).
    log_pmf = (
        k * np.log(np.maximum(lam, 1e-300)) - lam - np.cumsum(np.log(np.maximum(k, 1)), axis=1)
    )
    pmf = np.exp(log_pmf)
    tail = 1.0 - np.cumsum(pmf, axis=1)  # P(R > j) = P(R >= j + 1)
    matches = np.zeros_like(tail)
    matches[:, 1:] = np.cumsum(np.maximum(tail[:, :-1], 0.0), axis=1)
    return matches


def expected_token_matches(
    texts: Sequence[str],
    length: float,
    *,
    bigram_ratio: float = 0.0,
    stemmed: Sequence[Sequence[str]] | None = None,
) -> tuple[sp.csr_matrix, FloatArray]:
    """The ``counts`` and ``expected`` of :func:`greedy_cover`'s expected-recall term.

    Each type's rate is its share of all the tokens of ``texts`` (the sources);
    a reference of ``length`` tokens is assumed to use it at that rate.

    Args:
        texts: The candidate sentences.
        length: Tokens of the notional reference.
        bigram_ratio: Weight of the token pairs' expected matches next to the
            tokens'; 0 counts tokens only.
        stemmed: The stems of each text from :func:`rouge_words`, when the caller
            has them already; cut from ``texts`` when None.

    Returns:
        ``(counts, expected)``: counts of shape (n_sentences, n_types) and
        ``E[min(R_t, k)]`` of shape (n_types, K + 1).
    """
    if stemmed is None:
        stemmed = [rouge_words(text)[1] for text in texts]
    rows, ids, types = _tokens(stemmed)
    width = max(len(types), 1)
    totals = np.bincount(ids, minlength=width).astype(np.float64)
    rates: FloatArray = totals / max(float(totals.sum()), 1.0)
    most = int(np.ceil(2.0 * length * float(rates.max(initial=0.0)))) + 10
    expected = expected_matches(rates, length, most)
    if bigram_ratio <= 0:
        return _count_matrix(rows, ids, len(texts), width), expected
    # Pairs are further columns, after the tokens'.
    pair_rows, pair_ids, pair_keys = _pairs(rows, ids, len(types))
    pair_totals = np.bincount(pair_ids, minlength=max(len(pair_keys), 1)).astype(np.float64)
    pair_rates: FloatArray = pair_totals / max(float(pair_totals.sum()), 1.0)
    counts = _count_matrix(
        np.concatenate([rows, pair_rows]),
        np.concatenate([ids, width + pair_ids]),
        len(texts),
        width + len(pair_totals),
    )
    expected = np.vstack([expected, bigram_ratio * expected_matches(pair_rates, length, most)])
    return counts, expected


def _close(available: npt.NDArray[np.bool_], index: int, conflict: sp.csr_matrix | None) -> None:
    available[index] = False
    if conflict is not None:
        available[conflict.indices[conflict.indptr[index] : conflict.indptr[index + 1]]] = False


def _coverage(x: sp.csr_matrix, weights: FloatArray, chosen: list[int]) -> float:
    covered = np.asarray(x[chosen].sum(axis=0)).ravel() > 0
    return float(np.asarray(weights)[covered].sum())


def cleaner_twin(quality: FloatArray, same_claim: Sequence[Sequence[int]]) -> npt.NDArray[np.bool_]:
    """Sentences whose claim another sentence of higher quality also makes.

    Args:
        quality: Quality of each sentence (1.0 clean, lower for worse cuts).
        same_claim: For each sentence, the sentences that say the same thing.

    Returns:
        Boolean array of shape (n_sentences,): True where a cleaner sentence
        says the same, so the claim should be quoted from that one.
    """
    q = np.asarray(quality, dtype=np.float64)
    n = len(q)
    if not same_claim or n == 0:
        return np.zeros(n, dtype=bool)
    rows = np.repeat(np.arange(n), [len(group) for group in same_claim])
    cols = np.fromiter((j for group in same_claim for j in group), dtype=np.int64, count=len(rows))
    best = np.full(n, -np.inf)
    np.maximum.at(best, rows, q[cols])
    return best > q


FILLER_STEMS: frozenset[str] = frozenset(
    _stem(word)
    for word in "said say says told tell monday tuesday wednesday thursday friday "
    "saturday sunday s t".split()
)
"""Stems of news filler: attribution verbs, weekdays, the "s" and "t" of contractions."""


def min_articles_for(n_articles: int, share: float = 0.3) -> int:
    """Fewest articles a concept must occur in: ``share`` of them, at least 2."""
    return max(2, math.ceil(share * n_articles))


__all__ = [
    "FILLER_STEMS",
    "ConceptRules",
    "Cover",
    "ExpectedMatches",
    "bigrams",
    "cleaner_twin",
    "concept_matrix",
    "content_stems",
    "conflicts",
    "expected_matches",
    "expected_token_matches",
    "greedy_cover",
    "min_articles_for",
    "rouge_words",
    "word_pairs",
]
