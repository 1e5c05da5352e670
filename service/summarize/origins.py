"""Find the wire copies among a request's articles, so that one story counts as one source.

A news feed carries one agency story in several outlets. Each copy has its own first or
last lines (a dateline, the outlet's credit, a "Related:" line, a trailer), sometimes a
paragraph of its own or a few words changed, and the rest is the same text. For support
such copies are ONE source: :func:`find_origins` links every copy to the earliest
article of its copy group.

How:

1. Every article becomes the set of its word ``shingle_size``-shingles (5 consecutive
   words), after lower-casing and dropping punctuation, symbols and format characters,
   so that a copy whose punctuation was lost, or whose lines end in CRLF, matches. The
   shingles are kept as 52-bit fingerprints: two 600-shingle articles with no shingle in
   common show one in common with odds of about 1e-10.
2. Articles of at least ``min_shingles`` shingles get a MinHash signature (datasketch's
   "affine32" scheme, fixed seed: the values ``datasketch.MinHash.update_batch``
   computes, in numpy batches), and a ``datasketch.MinHashLSH`` index proposes the pairs
   that share a bucket.
3. Each proposed pair is verified exactly on the two fingerprint sets: a copy shares at
   least ``threshold`` of the smaller set. The overlap is taken relative to the smaller
   set (containment) so that an outlet that added paragraphs of its own, or trimmed the
   story's end, still holds a copy; two articles that quote one long statement share a
   few dozen shingles of several hundred and are not copies.
4. Copies are grouped transitively (union-find); a group's representative is its lowest
   index. Articles with the same non-empty URL are copies whatever their text.

The candidates depend on the texts alone (fixed seed, and an article's fingerprints do not
depend on the other articles), and every reported copy passed the exact check, so the
result is deterministic. The LSH (:data:`LSH_BANDS` bands of :data:`LSH_ROWS` values)
proposes a pair with probability ``1 - (1 - J**2)**32`` for a Jaccard similarity ``J`` of
the shingle sets: 0.9999 from J = 0.5 (80% of one article in another up to 1.4 times its
size, or all of it in one twice its size), 0.989 at J = 0.36 (80% of one in another twice
its size). Containment in a much longer article is found less often: a 60-shingle brief
inside a 770-shingle story (J = 0.07) with probability 0.13, unless the group links up
through other copies.
"""

from __future__ import annotations

import gc
import unicodedata
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from itertools import pairwise

import numpy as np
import numpy.typing as npt
from datasketch import LeanMinHash, MinHash, MinHashLSH

Fingerprints = npt.NDArray[np.uint64]

# Defaults of find_origins: tests/unit/test_origins.py holds the articles that set them.
SHINGLE_SIZE = 5
# Copies share 0.9-1.0 of the smaller article (own lines, an extra paragraph, a few words
# changed); different articles on one story share under 0.1, even with a long quote.
THRESHOLD = 0.8
# About two sentences of news (44 words): a brief that short is never a copy by text alone,
# since one quoted paragraph would make it one.
MIN_SHINGLES = 40
EXACT_UP_TO = 32
"""Up to this many eligible articles, every pair is compared exactly instead of by LSH."""

# MinHash: 64 permutations, 32 bands of 2. Pairs at J >= 0.36 are proposed with
# probability >= 0.989; two articles on one story (J ~ 0.02) with probability ~0.013, so
# that the exact check stays cheap even when all 5,000 articles are on one story. 16 bands
# halve the index's cost but propose J = 0.36 with probability 0.89 only.
NUM_PERM = 64
LSH_BANDS = 32
LSH_ROWS = 2
SEED = 1
_SCHEME = "affine32"
# A bucket of more members than this is linked as a star and a chain, not all its pairs.
_CLIQUE = 32

# What a character is to the tokenizer: part of a word, a separator, dropped, or the
# separator between two texts of a batch.
_WORD, _SPACE, _DROPPED, _BOUNDARY = 0, 1, 2, 3
_BMP = 0x10000
# Polynomial hashing of code points into words and of words into shingles (mod 2**64).
_CHAR_BASE = 0x100000001B3
_CHAR_INVERSE = pow(_CHAR_BASE, -1, 1 << 64)
_SHINGLE_BASE = 0x9E3779B97F4A7C15
# A batch of the tokenizer: at most 4096 texts (12 bits, above the 52 of a fingerprint
# for the batch's one sort) and about 256k code points (bounds its arrays and the power
# tables, cached for that size).
_OWNER_BITS = 12
_FINGERPRINT_BITS = 64 - _OWNER_BITS
_TEXTS_PER_BATCH = 1 << _OWNER_BITS
_CHARS_PER_BATCH = 1 << 18
_CACHED_POWERS = 1 << 19
# Shingles per signature batch: its (NUM_PERM, rows) uint32 array is 8 MiB.
_ROWS_PER_BATCH = 1 << 15


def find_origins(
    texts: Sequence[str],
    *,
    urls: Sequence[str | None] | None = None,
    threshold: float = THRESHOLD,
    min_shingles: int = MIN_SHINGLES,
    shingle_size: int = SHINGLE_SIZE,
) -> list[int | None]:
    """Link every wire copy to the earliest article of its copy group.

    Two articles are copies when both have at least ``min_shingles`` word shingles and at
    least ``threshold`` of the smaller one's shingles are in the other, or when they have
    the same non-empty URL (compared after stripping surrounding white space). Copies are
    grouped transitively.

    Args:
        texts: The articles' texts, in request order.
        urls: Each article's URL, or None (also for an empty one) where it has none;
            None for no URLs at all. Same length as ``texts``.
        threshold: Share of the smaller article's shingles that the other must hold, in
            (0, 1].
        min_shingles: Shingles (about words) an article needs to be a copy by text, >= 1.
        shingle_size: Words per shingle, >= 1.

    Returns:
        For each article, the index of its group's representative (the group's lowest
        index), or None when the article is its own (representatives included).

    Raises:
        ValueError: If ``urls`` has another length than ``texts``, or a parameter is out
            of its range.
    """
    _check_arguments(texts, urls, threshold, min_shingles, shingle_size)
    shingles = shingle_sets(texts, shingle_size=shingle_size)
    parent = list(range(len(texts)))
    _join_same_urls(parent, urls)
    eligible = [i for i, fingerprints in enumerate(shingles) if fingerprints.size >= min_shingles]
    if len(eligible) <= EXACT_UP_TO:
        # A few dozen articles: every pair checked exactly costs less than the LSH index.
        pairs = [(a, b) for n, a in enumerate(eligible) for b in eligible[n + 1 :]]
    else:
        pairs = _candidate_pairs([shingles[i] for i in eligible], eligible)
    for first, second in pairs:
        if _find(parent, first) != _find(parent, second):
            if containment(shingles[first], shingles[second]) >= threshold:
                _union(parent, first, second)
    roots = [_find(parent, i) for i in range(len(texts))]
    return [None if root == i else root for i, root in enumerate(roots)]


def _check_arguments(
    texts: Sequence[str],
    urls: Sequence[str | None] | None,
    threshold: float,
    min_shingles: int,
    shingle_size: int,
) -> None:
    """Raise ValueError naming the first argument out of its range."""
    if urls is not None and len(urls) != len(texts):
        raise ValueError(f"urls must have one entry per text ({len(texts)}), got {len(urls)}")
    if not 0.0 < threshold <= 1.0:
        raise ValueError(f"threshold must be in (0, 1], got {threshold!r}")
    if min_shingles < 1:
        raise ValueError(f"min_shingles must be >= 1, got {min_shingles!r}")
    if shingle_size < 1:
        raise ValueError(f"shingle_size must be >= 1, got {shingle_size!r}")


def containment(first: Fingerprints, second: Fingerprints) -> float:
    """Share of the smaller set's shingles that are in the other set.

    Args:
        first: Sorted unique shingle fingerprints, as :func:`shingle_sets` returns them.
        second: The same for the other article.

    Returns:
        ``|first & second| / min(|first|, |second|)``, in [0, 1]; 0.0 if either is empty.
    """
    smaller, larger = sorted((first, second), key=len)
    if smaller.size == 0:
        return 0.0
    places = np.searchsorted(larger, smaller).clip(max=larger.size - 1)
    return int(np.count_nonzero(larger[places] == smaller)) / smaller.size


def shingle_sets(texts: Sequence[str], *, shingle_size: int = SHINGLE_SIZE) -> list[Fingerprints]:
    """Each text's set of word shingles, as sorted unique 52-bit fingerprints.

    Words are the runs of characters between white space after lower-casing (NFKC first,
    for text that is not ASCII) and dropping punctuation, symbols, control and format
    characters: "U.S.-led" is the word "usled", a lone dash is no word. A shingle is
    ``shingle_size`` consecutive words of one text; a text of fewer words has none.

    Args:
        texts: The texts.
        shingle_size: Words per shingle, >= 1.

    Returns:
        One array of dtype uint64 per text, shape (n_shingles,), sorted and unique.
    """
    sets: list[Fingerprints] = []
    for batch in _batches(texts):
        words, owners = _word_fingerprints(batch)
        shingles, owners = _shingle_fingerprints(words, owners, shingle_size)
        # One sort for the whole batch: the text's index above the fingerprint's top bits.
        keys = np.sort((owners.astype(np.uint64) << _FINGERPRINT_BITS) | (shingles >> _OWNER_BITS))
        keys = keys[np.concatenate(([True], keys[1:] != keys[:-1]))] if keys.size else keys
        bounds = np.searchsorted(keys >> _FINGERPRINT_BITS, np.arange(len(batch) + 1))
        keys &= np.uint64((1 << _FINGERPRINT_BITS) - 1)
        sets.extend(keys[start:end] for start, end in pairwise(bounds))
    return sets


def _batches(texts: Sequence[str]) -> list[list[str]]:
    """The texts, normalised and lower-cased, in runs that bound the tokenizer's arrays."""
    batches: list[list[str]] = [[]]
    size = 0
    for text in texts:
        if not text.isascii() and not unicodedata.is_normalized("NFKC", text):
            text = unicodedata.normalize("NFKC", text)
        if size > _CHARS_PER_BATCH or len(batches[-1]) == _TEXTS_PER_BATCH:
            batches.append([])
            size = 0
        batches[-1].append(text.lower())
        size += len(text) + 1
    return batches if batches[0] else []


def _word_fingerprints(texts: Sequence[str]) -> tuple[Fingerprints, npt.NDArray[np.intp]]:
    """The fingerprints of the texts' words, in order, and the index of each word's text."""
    codes = np.frombuffer("\n".join(texts).encode("utf-32-le", "surrogatepass"), dtype="<u4")
    kinds = _character_kinds(codes)
    kinds[np.cumsum([len(text) + 1 for text in texts[:-1]], dtype=np.intp) - 1] = _BOUNDARY
    kept = kinds != _DROPPED
    codes, kinds = codes[kept], kinds[kept]
    edges = np.zeros(codes.size + 2, dtype=np.bool_)
    edges[1:-1] = kinds == _WORD
    edges = np.flatnonzero(edges[1:] != edges[:-1])
    starts, ends = edges[0::2], edges[1::2]
    # A word's polynomial hash from prefix sums, divided by the power at its start.
    powers, inverse = _power_tables(codes.size)
    prefix = np.zeros(codes.size + 1, dtype=np.uint64)
    np.cumsum((codes + np.uint32(1)) * powers[: codes.size], dtype=np.uint64, out=prefix[1:])
    words = _mix64((prefix[ends] - prefix[starts]) * inverse[starts])
    owners = np.searchsorted(np.flatnonzero(kinds == _BOUNDARY), starts)
    return words, owners


def _character_kinds(codes: npt.NDArray[np.uint32]) -> npt.NDArray[np.uint8]:
    """_WORD, _SPACE or _DROPPED for each code point."""
    table = _bmp_kinds()
    if codes.size == 0 or int(codes.max()) < _BMP:
        return table[codes]
    beyond = codes >= _BMP
    kinds = table[np.where(beyond, 0, codes)]
    rare = np.unique(codes[beyond])
    rare_kinds = np.array([_kind(chr(code)) for code in rare.tolist()], dtype=np.uint8)
    kinds[beyond] = rare_kinds[np.searchsorted(rare, codes[beyond])]
    return kinds


@cache
def _bmp_kinds() -> npt.NDArray[np.uint8]:
    """_kind of every code point of the Basic Multilingual Plane, computed once."""
    return np.fromiter((_kind(chr(code)) for code in range(_BMP)), dtype=np.uint8, count=_BMP)


def _kind(char: str) -> int:
    """White space separates words; punctuation, symbols, controls, formats, surrogates go."""
    if char.isspace():
        return _SPACE
    category = unicodedata.category(char)
    if category[0] in "PS" or category in ("Cc", "Cf", "Cs"):
        return _DROPPED
    return _WORD


def _power_tables(count: int) -> tuple[Fingerprints, Fingerprints]:
    """``_CHAR_BASE**i`` and its inverse's powers mod 2**64, for at least ``count`` i."""
    if count <= _CACHED_POWERS:
        return _cached_power_tables()
    return _powers(_CHAR_BASE, count), _powers(_CHAR_INVERSE, count)


@cache
def _cached_power_tables() -> tuple[Fingerprints, Fingerprints]:
    """The power tables for every batch but one of an outsized text, computed once."""
    return _powers(_CHAR_BASE, _CACHED_POWERS), _powers(_CHAR_INVERSE, _CACHED_POWERS)


def _powers(base: int, count: int) -> Fingerprints:
    """``base**i mod 2**64`` for i in range(count)."""
    powers = np.full(count, base, dtype=np.uint64)
    powers[:1] = 1
    return np.cumprod(powers, dtype=np.uint64)


def _mix64(values: Fingerprints) -> Fingerprints:
    """SplitMix64's finaliser: every input bit moves every output bit."""
    values = values ^ (values >> np.uint64(30))
    values *= np.uint64(0xBF58476D1CE4E5B9)
    values ^= values >> np.uint64(27)
    values *= np.uint64(0x94D049BB133111EB)
    return values ^ (values >> np.uint64(31))


def _shingle_fingerprints(
    words: Fingerprints, owners: npt.NDArray[np.intp], size: int
) -> tuple[Fingerprints, npt.NDArray[np.intp]]:
    """The fingerprints of every run of ``size`` words of one text, and each run's text."""
    count = words.size - size + 1
    if count <= 0:
        return np.empty(0, dtype=np.uint64), np.empty(0, dtype=np.intp)
    shingles = words[:count].copy()
    for offset in range(1, size):
        shingles *= np.uint64(_SHINGLE_BASE)
        shingles += words[offset : offset + count]
    within = owners[:count] == owners[size - 1 :]
    return _mix64(shingles[within]), owners[:count][within]


def minhash_signatures(shingles: Sequence[Fingerprints]) -> npt.NDArray[np.uint32]:
    """MinHash signatures of shingle sets, as datasketch's MinHash computes them.

    Each fingerprint is folded to 32 bits (high half XOR low half), the value that
    ``MinHash(num_perm=NUM_PERM, seed=SEED, hashfunc=int).update_batch`` receives; the
    rows are that MinHash's ``hashvalues``, computed here for many sets at once.

    Args:
        shingles: Non-empty fingerprint arrays, as :func:`shingle_sets` returns them.

    Returns:
        Shape (len(shingles), NUM_PERM), dtype uint32.
    """
    a, b = MinHash(num_perm=NUM_PERM, seed=SEED, scheme=_SCHEME).permutations
    signatures = np.empty((NUM_PERM, len(shingles)), dtype=np.uint32)
    first = 0
    while first < len(shingles):
        last, rows = first + 1, shingles[first].size
        while last < len(shingles) and rows + shingles[last].size <= _ROWS_PER_BATCH:
            rows += shingles[last].size
            last += 1
        batch = shingles[first:last]
        # Permutation-major, so that each permutation's minimum runs over contiguous memory.
        permuted = a[:, None] * _fmix32(np.concatenate(batch))[None, :]
        permuted += b[:, None]
        starts = np.cumsum([0, *(item.size for item in batch[:-1])])
        signatures[:, first:last] = np.minimum.reduceat(permuted, starts, axis=1)
        first = last
    return signatures.T


def _fmix32(fingerprints: Fingerprints) -> npt.NDArray[np.uint32]:
    """Fold to 32 bits, then MurmurHash3's 32-bit finaliser, as datasketch's affine32 does."""
    values = ((fingerprints >> np.uint64(32)) ^ fingerprints).astype(np.uint32)
    values ^= values >> np.uint32(16)
    values *= np.uint32(0x85EBCA6B)
    values ^= values >> np.uint32(13)
    values *= np.uint32(0xC2B2AE35)
    return values ^ (values >> np.uint32(16))


def _candidate_pairs(
    shingles: Sequence[Fingerprints], keys: Sequence[int]
) -> list[tuple[int, int]]:
    """The (lower, higher) key pairs that share a MinHashLSH bucket, sorted."""
    index = MinHashLSH(num_perm=NUM_PERM, params=(LSH_BANDS, LSH_ROWS))
    with _collector_paused():
        for key, signature in zip(keys, minhash_signatures(shingles), strict=True):
            sketch = LeanMinHash(seed=SEED, hashvalues=signature, scheme=_SCHEME)
            index.insert(key, sketch, check_duplication=False)
    # Reading the buckets once costs half of querying every article after inserting it.
    pairs: set[tuple[int, int]] = set()
    for table, counts in zip(index.hashtables, index.get_counts(), strict=True):
        for bucket, count in counts.items():
            if count > 1:
                pairs.update(_bucket_pairs(sorted(table.get(bucket))))
    return sorted(pairs)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while the index fills with its bucket sets.

    The index's 32 sets per article hold no cycles (refcounting frees them), but as
    tracked containers they trigger collections that scan the whole heap, a model's
    included: 5,000 articles took 0.78 s of CPU with the collector on, 0.44 s with it off.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _bucket_pairs(members: list[int]) -> list[tuple[int, int]]:
    """Every pair of a bucket's members; beyond _CLIQUE members, each one's two earlier ones.

    A story run by hundreds of outlets fills a bucket with its copies: all the pairs would
    be quadratic, while linking each copy to the earliest and to the previous member
    still joins the group whenever consecutive copies match.
    """
    if len(members) <= _CLIQUE:
        return [(a, b) for i, a in enumerate(members) for b in members[i + 1 :]]
    first = members[0]
    return [(first, b) for b in members[1:]] + list(pairwise(members[1:]))


def _join_same_urls(parent: list[int], urls: Sequence[str | None] | None) -> None:
    """Union the articles whose stripped URL is the same and not empty."""
    first_with: dict[str, int] = {}
    for index, url in enumerate(urls or ()):
        key = (url or "").strip()
        if key:
            _union(parent, first_with.setdefault(key, index), index)


def _find(parent: list[int], item: int) -> int:
    """The root of item's group (path halving)."""
    while parent[item] != item:
        parent[item] = parent[parent[item]]
        item = parent[item]
    return item


def _union(parent: list[int], first: int, second: int) -> None:
    """Join two groups under the lower root, so that a root is its group's lowest index."""
    roots = sorted((_find(parent, first), _find(parent, second)))
    parent[roots[1]] = roots[0]
