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


def concept_matrix(
    sentence_bigrams: Sequence[Sequence[tuple[str, str]]],
    article_of: npt.NDArray[np.int64],
    *,
    min_articles: int,
    position: npt.NDArray[np.float64] | None = None,
    position_decay: float = 0.0,
    weight_power: float = 1.0,
    favoured: Collection[str] = (),
    favoured_min_articles: int | None = None,
    favoured_factor: float = 1.0,
    sentence_weight: FloatArray | None = None,
    damped: Collection[str] = (),
    damped_factor: float = 1.0,
) -> tuple[sp.csr_matrix, FloatArray]:
    """Which concepts each sentence holds, and the weight of each concept.

    A concept's weight is the number of articles it occurs in (the number of
    sentences when there is a single article), raised to ``weight_power``;
    concepts under ``min_articles`` are dropped. With ``position_decay`` > 0,
    each occurrence counts ``1 + 1 / (1 + position / position_decay)`` at its
    earliest sentence of the article, instead of 1.

    Args:
        sentence_bigrams: Bigrams of each sentence, from :func:`bigrams`.
        article_of: Article index of each sentence, shape (n_sentences,).
        min_articles: Fewest articles (or sentences) a concept needs (>= 1).
        position: Sentence position in its article, shape (n_sentences,).
        position_decay: Position at which the boost halves; 0 for none.
        weight_power: Exponent of the weights; above 1, the concepts most
            articles share count more than in proportion.
        favoured: Stems (e.g. of a query) that make a bigram holding one a
            favoured concept.
        favoured_min_articles: Fewest articles a favoured concept needs
            (``min_articles`` when None).
        favoured_factor: Factor of a favoured concept's weight.
        damped: Stems that make a bigram holding one a damped concept.
        damped_factor: Factor of a damped concept's weight (0 drops it).
        sentence_weight: Factor of each sentence's occurrences, shape
            (n_sentences,), > 0 (e.g. its relevance to a query); ones if None.

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
    m = len(vocabulary)
    if position is not None and position_decay > 0:
        boost = 1.0 + 1.0 / (1.0 + np.asarray(position, dtype=np.float64) / position_decay)
    else:
        boost = np.ones(n)
    if sentence_weight is not None:
        boost = boost * np.asarray(sentence_weight, dtype=np.float64)
    # Per (unit, concept): the weight of the earliest occurrence, i.e. the largest boost.
    # Summed per concept over units in ascending order, as a sparse column sum would.
    pick_cols, pick_values = _max_per_unit(units[rows_a], cols_a, boost[rows_a], max(m, 1))
    frequency = np.bincount(pick_cols[pick_values > 0], minlength=max(m, 1)).astype(np.float64)
    weights: FloatArray = np.bincount(pick_cols, weights=pick_values, minlength=max(m, 1)).astype(
        np.float64, copy=False
    )
    if weight_power != 1.0:
        weights = weights**weight_power
    keep = frequency >= min_articles
    if favoured:
        wanted = set(favoured)
        grams = list(vocabulary)
        mask = np.fromiter(
            (a in wanted or b in wanted for a, b in grams), dtype=np.bool_, count=len(grams)
        )
        if m == 0:
            mask = np.zeros(1, dtype=bool)
        floor = min_articles if favoured_min_articles is None else favoured_min_articles
        keep |= mask & (frequency >= floor)
        weights = np.where(mask, weights * favoured_factor, weights)
    if damped and m:
        # Only the kept concepts matter from here on: look at those alone.
        low = set(damped)
        grams = list(vocabulary)
        candidates = np.flatnonzero(keep)
        hit = np.zeros(max(m, 1), dtype=np.bool_)
        hit[candidates] = np.fromiter(
            (a in low or b in low for a, b in map(grams.__getitem__, candidates.tolist())),
            dtype=np.bool_,
            count=len(candidates),
        )
        weights = np.where(hit, weights * damped_factor, weights)
        keep &= ~hit | (damped_factor > 0)
    # The kept columns, renumbered in order, before the matrix is built (cheaper
    # than slicing columns out of it).
    column = np.cumsum(keep) - 1
    kept = keep[cols_a]
    matrix = sp.csr_matrix(
        (np.ones(int(kept.sum())), (rows_a[kept], column[cols_a[kept]])),
        shape=(n, int(keep.sum())),
    )
    matrix.data[:] = 1.0
    return matrix, weights[keep]


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


def greedy_cover(
    concepts: sp.csr_matrix,
    weights: FloatArray,
    lengths: Sequence[int],
    *,
    bonus: FloatArray | None = None,
    max_words: int | None,
    max_sentences: int | None,
    length_power: float = 1.0,
    forbidden: sp.csr_matrix | None = None,
    fallback: FloatArray | None = None,
    eligible: npt.NDArray[np.bool_] | None = None,
    factor: FloatArray | None = None,
    counts: sp.csr_matrix | None = None,
    expected: FloatArray | None = None,
    count_scale: float = 0.0,
) -> tuple[list[int], FloatArray]:
    """Greedy budgeted maximum coverage, best sentence first.

    At each step the sentence that fits and is not in conflict with a chosen
    one, with the largest ``(new concept weight + bonus) / length**r``, is
    added (ties go to the lower index). Under a word budget the result is
    compared with the best single sentence that fits, as Lin & Bilmes do for
    the guarantee. When no sentence adds anything, the remaining ones follow
    by ``fallback`` score, so that a large budget still fills.

    Args:
        concepts: 0/1 matrix, shape (n_sentences, n_concepts).
        weights: Concept weights, shape (n_concepts,).
        lengths: Words in each sentence (>= 1).
        bonus: Extra gain of each sentence, shape (n_sentences,); zeros if None.
        max_words: Word budget, or None.
        max_sentences: Most sentences, or None.
        length_power: ``r`` in gain / length**r.
        forbidden: Conflicts, boolean of shape (n_sentences, n_sentences).
        fallback: Order of the sentences that add nothing, shape (n_sentences,).
        eligible: Sentences the coverage stage may choose, shape (n_sentences,);
            the others come only with the fallback.
        factor: Multiplier of each sentence's gain (> 0), shape (n_sentences,);
            ones if None.
        counts: Token counts of each sentence, shape (n_sentences, n_types),
            for the expected-recall term (see :func:`expected_matches`).
        expected: ``E[min(R_t, k)]`` for each type and ``k = 0..K``, shape
            (n_types, K + 1), from :func:`expected_matches`.
        count_scale: Weight of the expected-recall term, relative to the mean
            concept gain of a sentence; 0 for none.

    Returns:
        ``(chosen, values)``: indices of the chosen sentences in the order
        chosen, and the value of each, shape (len(chosen),): its gain per
        ``length**r`` when chosen (non-increasing), then for the sentences
        added by ``fallback`` a fraction of the last gain, in fallback order.
    """
    n = concepts.shape[0]
    if len(lengths) != n or len(weights) != concepts.shape[1]:
        raise ValueError("concepts, weights and lengths do not match")
    length = np.maximum(np.asarray(lengths, dtype=np.float64), 1.0)
    extra = np.zeros(n) if bonus is None else np.asarray(bonus, dtype=np.float64)
    scale = length**length_power
    if factor is not None:
        scale = scale / np.maximum(np.asarray(factor, dtype=np.float64), 1e-12)
    x = sp.csr_matrix(concepts, dtype=np.float64)
    left = np.asarray(weights, dtype=np.float64).copy()
    available = np.ones(n, dtype=bool)
    preferred = np.ones(n, dtype=bool) if eligible is None else np.asarray(eligible, dtype=bool)
    if max_words is not None:
        available &= length <= max_words
    conflict = sp.csr_matrix(forbidden) if forbidden is not None else None
    chosen: list[int] = []
    values: list[float] = []
    words = 0.0
    use_counts = counts is not None and expected is not None and count_scale > 0
    if use_counts:
        assert counts is not None and expected is not None
        tokens = sp.csr_matrix(counts, dtype=np.float64)
        table: FloatArray = expected
        top = table.shape[1] - 1
        rows_of = np.repeat(np.arange(n), np.diff(tokens.indptr))
        types_of = tokens.indices
        amounts = tokens.data.astype(np.int64)
        have = np.zeros(tokens.shape[1], dtype=np.int64)
        # What each (sentence, type) entry would add now; only the entries of the
        # types a choice adds to change, so only those are recomputed.
        contrib = table[types_of, np.minimum(amounts, top)] - table[types_of, 0]

        def count_gain() -> FloatArray:
            return np.bincount(rows_of, weights=contrib, minlength=n).astype(np.float64)

        first = count_gain()
        mean_concepts = float((x @ left).mean()) or 1.0
        unit = count_scale * mean_concepts / (float(first.mean()) or 1.0)
    while available.any():
        if max_sentences is not None and len(chosen) >= max_sentences:
            break
        gain = x @ left + extra
        if use_counts:
            gain = gain + unit * count_gain()
        value = np.where(available & preferred, gain / scale, -np.inf)
        best = int(np.argmax(value))
        if not np.isfinite(value[best]) or gain[best] <= 0.0:
            break
        chosen.append(best)
        values.append(float(value[best]))
        words += length[best]
        left[x.indices[x.indptr[best] : x.indptr[best + 1]]] = 0.0
        if use_counts:
            span = slice(tokens.indptr[best], tokens.indptr[best + 1])
            have[types_of[span]] += amounts[span]
            touched = np.zeros(len(have), dtype=bool)
            touched[types_of[span]] = True
            hit = np.flatnonzero(touched[types_of])
            kinds = types_of[hit]
            contrib[hit] = (
                table[kinds, np.minimum(have[kinds] + amounts[hit], top)]
                - table[kinds, np.minimum(have[kinds], top)]
            )
        _close(available, best, conflict)
        if max_words is not None:
            available &= length <= max_words - words
    if max_words is not None and chosen:
        single = (x @ np.asarray(weights, dtype=np.float64)) + extra
        single[(length > max_words) | ~preferred] = -np.inf
        top = int(np.argmax(single))
        covered = _coverage(x, weights, chosen) + float(extra[chosen].sum())
        if single[top] > covered:
            chosen, words = [top], float(length[top])
            values = [float(single[top] / scale[top])]
            available = length <= max_words - words
            available[top] = False
            _close(available, top, conflict)
    if fallback is not None:
        rank = np.asarray(fallback, dtype=np.float64)
        floor = 0.5 * min(values) if values else 1.0
        top_rank = max(float(rank.max(initial=0.0)), 1e-12)
        order = np.lexsort((np.arange(n), -rank))
        for index in order.tolist():
            if max_sentences is not None and len(chosen) >= max_sentences:
                break
            if not available[index]:
                continue
            if max_words is not None and length[index] > max_words - words:
                continue
            chosen.append(index)
            values.append(floor * max(float(rank[index]), 0.0) / top_rank)
            words += length[index]
            _close(available, index, conflict)
    return chosen, np.asarray(values, dtype=np.float64)


def token_counts(texts: Sequence[str], n: int = 1) -> tuple[sp.csr_matrix, list[str]]:
    """Counts of ROUGE's tokens (stemmed, stopwords kept) in each text, and the types.

    With ``n`` = 2, the types are adjacent token pairs (joined by a space) instead.
    Types are numbered in the order first seen.
    """
    rows, ids, types = _tokens([rouge_words(text)[1] for text in texts])
    if n == 2:
        rows, ids, keys = _pairs(rows, ids, len(types))
        width = max(len(types), 1)
        types = [f"{types[key // width]} {types[key % width]}" for key in keys.tolist()]
    elif n != 1:
        raise ValueError(f"n must be 1 or 2, got {n}")
    return _count_matrix(rows, ids, len(texts), len(types)), types


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

_DANGLING = frozenset(
    "he she it they his her its their them this that these those but and also however "
    "yet so still then there such".split()
)
_FIRST_WORD = re.compile(r"[\"'\u201c\u2018(]*([A-Za-z]+)")


def is_dangling(text: str) -> bool:
    """Whether ``text`` opens with a pronoun or connective that points back ("He", "But")."""
    match = _FIRST_WORD.match(text)
    return match is not None and match.group(1).lower() in _DANGLING


_QUOTE_MARKS = ('"', "\u201c", "\u201d", "\u201e", "\u00ab", "\u00bb")


def is_quote(text: str) -> bool:
    """Whether ``text`` holds quoted speech (a double quotation mark of any style)."""
    return any(mark in text for mark in _QUOTE_MARKS)


def min_articles_for(n_articles: int, share: float = 0.3) -> int:
    """Fewest articles a concept must occur in: ``share`` of them, at least 2."""
    return max(2, math.ceil(share * n_articles))


__all__ = [
    "FILLER_STEMS",
    "bigrams",
    "cleaner_twin",
    "concept_matrix",
    "content_stems",
    "conflicts",
    "expected_matches",
    "expected_token_matches",
    "greedy_cover",
    "is_dangling",
    "is_quote",
    "min_articles_for",
    "rouge_words",
    "token_counts",
    "word_pairs",
]
