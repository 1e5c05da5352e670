"""Whether a sentence reads on its own: fragments and openers that point back.

A summary is read without the articles around it, so a sentence must not need the
sentence it was cut from. Two kinds fail, by these rules (text only, no model):

**Fragment** (:func:`fragment_reason`), any of

- ``lower-case``: the first letter (after opening quotes and brackets) is lower-case
  and the first word has no capital inside it ("iPhone" and "eBay" are words, not cuts);
- ``attribution``: it opens on a reporting verb (:data:`ATTRIBUTION_STARTS`), the tail
  of a quote cut from it ("said Jane Roe, a teacher ...", "Responded the mayor ...");
- ``quote``: it opens on a closing quotation mark, or holds an odd number of double
  quotation marks (straight and curly counted together), so it starts or ends inside
  a quotation;
- ``row``: a row of a list or table: it opens on a bullet or list number ("* ", "2) "),
  or it has a tab or a run of three spaces between columns, or it holds a figure and
  fewer than two lower-case words of two letters or more (`"Some Film," $12.5 million.`):
  prose has verbs and function words, a row has none.

**Dangling opener** (:func:`opener`), the first word is one of

- a personal pronoun (:data:`PRONOUNS`: he, she, they, his, her, their, him, them),
- a demonstrative or "it" (:data:`DEMONSTRATIVES`: this, that, these, those, such, it, its),
- a connective (:data:`CONNECTIVES`: but, however, also, and, yet, so, moreover, ...),

and the sentence does not hold its referent itself (:func:`self_contained`): a
demonstrative before a time word ("This year", "That night") points to the calendar,
an expletive "it" ("It is likely that ...", "It was not clear whether ...") to the
clause after it, and "So far" / "Thus far" to the present. Whether something earlier
in a summary resolves the opener is the caller's question: selection chooses such a
sentence only right after the sentence before it in its article (:func:`leads`), and the
measurement asks whether the sentence before it in the summary is that one. Both use
:func:`opener`, so what is measured is what is ruled out.

A **lone quote** (:func:`is_lone_quote`) is quoted speech with no speaker in the same
sentence: nothing outside the quotation marks names who spoke or says "said".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Literal

import numpy as np
import numpy.typing as npt

FragmentReason = Literal["lower-case", "attribution", "quote", "row"]
OpenerKind = Literal["pronoun", "demonstrative", "connective"]

PRONOUNS = frozenset("he she they his her their him them".split())
"""Personal pronouns: they point back to a person or a group named before."""

DEMONSTRATIVES = frozenset("this that these those such it its".split())
"""Demonstratives and "it": they point back to a thing or an event named before."""

CONNECTIVES = frozenset(
    "but however also and yet so moreover furthermore nevertheless nonetheless instead "
    "therefore thus hence meanwhile besides otherwise still then".split()
)
"""Connectives: they relate the sentence to the one before it."""

REPORTING_VERBS = frozenset(
    "said says say responded responds replied replies added adds asked asks told "
    "explained explains noted notes continued continues insisted insists declared "
    "declares wrote writes recalled recalls argued argues acknowledged conceded "
    "countered warned warns".split()
)
"""Verbs that follow a quote in an attribution ("... ," said X)."""

ATTRIBUTION_STARTS = frozenset("said says responded replied".split())
"""Reporting verbs that open only an attribution cut from its quote ("Said X, ..."):
"Asked whether ..." or "Added to that ..." open whole sentences."""

TIME_WORDS = frozenset(
    "year years week weeks month months morning afternoon evening night day days "
    "weekend season summer winter spring fall autumn time century decade "
    "january february march april may june july august september october november "
    "december monday tuesday wednesday thursday friday saturday sunday".split()
)
"""Words after "this"/"that"/"these" that make a time expression, not a pointer back."""

_TIME_PHRASES = frozenset({("thus", "far"), ("so", "far"), ("still", "later")})
_QUOTES = ('"', "\u201c", "\u201d", "\u201e", "\u00ab", "\u00bb")
_CLOSING = ("\u201d",)
_LEAD = re.compile(r"[\s\"'\u201c\u2018\u201e(\[\-\u2013\u2014]*")
_WORD = re.compile(r"[A-Za-z][A-Za-z'\u2019]*")
_LIST_MARKER = re.compile(r"\s*(?:[*\u2022\u25cf\u25aa#>-]\s|\d{1,2}[.)]\s+\S)")
_LOWER_WORD = re.compile(r"(?<![A-Za-z])[a-z]{2,}(?![A-Za-z])")
_DIGIT = re.compile(r"\d")
_COLUMNS = re.compile(r"\S(?:\t| {3,})\S")
_EXPLETIVE_IT = re.compile(
    r"it(?:'s|\u2019s| is| was| has been| had been| would be| will be| seems| seemed"
    r"| appears| appeared| remains| remained)(?: not| also| very| too| still)? [a-z]+,?"
    r" (?:that|to|whether|if|how|why|when)\b",
    re.IGNORECASE,
)
_CATAPHORA = re.compile(
    r"(?:his|her|their|its) [^,.;:\"\u201c\u201d]{0,60}?\b[a-z]{2,}(?:ing|ed)\b[^,.;:]{0,30}, "
    r"(?!(?:The|A|An|He|She|They|It|This|That|These|Those|But|And|In|On|At)\b)"
    r"[A-Z][A-Za-z.'\u2019-]+(?: [A-Z][A-Za-z.'\u2019-]+)* "
    r"(?!(?:" + "|".join(sorted(REPORTING_VERBS)) + r")\b)[a-z]"
)
"""A possessive in a fronted participle clause whose subject, named right after the
comma, is its referent ("His voice breaking, Clinton apologized"); not a quote's
speaker ("His skin was burned, Atta said")."""
_GENERIC_THOSE = frozenset(
    "who whose in with at from close living working under over without on aged".split()
)
_OUTSIDE_QUOTES = re.compile(
    r"[\"\u201c\u201d\u201e\u00ab\u00bb][^\"\u201c\u201d\u201e\u00ab\u00bb]*"
    r"[\"\u201c\u201d\u201e\u00ab\u00bb]"
)
_SPEAKER = re.compile(
    r"\b(?:" + "|".join(sorted(REPORTING_VERBS)) + r")\b|\b[A-Z][a-z]+", re.UNICODE
)


def first_word(text: str) -> str:
    """The first word of ``text`` after opening quotes, brackets and dashes ('' if none)."""
    match = _WORD.match(text, _LEAD.match(text).end())  # type: ignore[union-attr]
    return match.group() if match is not None else ""


def quote_marks(text: str) -> int:
    """Double quotation marks in ``text``, straight and curly together."""
    return sum(text.count(mark) for mark in _QUOTES)


def has_quote(text: str) -> bool:
    """Whether ``text`` holds quoted speech (a double quotation mark of any style)."""
    return any(mark in text for mark in _QUOTES)


def fragment_reason(text: str) -> FragmentReason | None:
    """Why ``text`` is a fragment of a sentence, or None when it is a whole one."""
    stripped = text.strip()
    if not stripped:
        return None
    word = first_word(stripped)
    if word.lower() in ATTRIBUTION_STARTS:
        return "attribution"
    if word[:1].islower() and not any(char.isupper() for char in word[1:]):
        return "lower-case"
    if stripped.startswith(_CLOSING) or quote_marks(stripped) % 2 == 1:
        return "quote"
    return "row" if is_row(stripped) else None


def is_row(text: str) -> bool:
    """Whether ``text`` is a row of a list or a table (the ``row`` rule above)."""
    if _LIST_MARKER.match(text) is not None or _COLUMNS.search(text) is not None:
        return True
    return _DIGIT.search(text) is not None and len(_LOWER_WORD.findall(text)) < 2


def is_fragment(text: str) -> bool:
    """Whether ``text`` is a fragment (:func:`fragment_reason` names why)."""
    return fragment_reason(text) is not None


def self_contained(text: str) -> bool:
    """Whether an opener of ``text`` finds its referent in the sentence itself."""
    stripped = text[_LEAD.match(text).end() :]  # type: ignore[union-attr]
    words = _WORD.findall(stripped[:80])
    if not words:
        return True
    head = words[0].lower()
    if head == "those" and len(words) > 1 and words[1].lower() in _GENERIC_THOSE:
        return True  # "Those who ...", "Those in rural areas ...": people, not a referent
    if head in {"this", "that", "these", "those"} and len(words) > 1:
        return words[1].lower() in TIME_WORDS
    if head == "it":
        return _EXPLETIVE_IT.match(stripped) is not None
    if head in {"his", "her", "their", "its"}:
        return _CATAPHORA.match(stripped[:1].lower() + stripped[1:]) is not None
    return len(words) > 1 and (head, words[1].lower()) in _TIME_PHRASES


def opener(text: str) -> OpenerKind | None:
    """The kind of word ``text`` opens on that needs an earlier sentence, or None.

    None too when the sentence holds its own referent (:func:`self_contained`).
    """
    word = first_word(text).lower()
    if word in PRONOUNS:
        kind: OpenerKind = "pronoun"
    elif word in DEMONSTRATIVES:
        kind = "demonstrative"
    elif word in CONNECTIVES:
        kind = "connective"
    else:
        return None
    return None if self_contained(text) else kind


def is_lone_quote(text: str) -> bool:
    """Whether ``text`` is quoted speech that names no speaker outside the quotes."""
    if quote_marks(text) == 0:
        return False
    outside = _OUTSIDE_QUOTES.sub(" ", text)
    return _SPEAKER.search(outside) is None


def stands_alone(text: str) -> bool:
    """Whether ``text`` may open a summary or follow any sentence: no fragment, no
    opener pointing back, no quote without its speaker."""
    return not is_fragment(text) and opener(text) is None and not is_lone_quote(text)


def readable(texts: Sequence[str], *, openers: bool = True) -> npt.NDArray[np.bool_]:
    """Which sentences selection may choose on their own (:func:`stands_alone`; with
    ``openers`` False, a sentence opening on a word that points back is not ruled out)."""
    return np.fromiter((_reads(text, openers) for text in texts), dtype=bool, count=len(texts))


def _reads(text: str, openers: bool) -> bool:
    if is_fragment(text) or is_lone_quote(text):
        return False
    return not openers or opener(text) is None


Place = tuple[int, int]
"""(article index, position) of a sentence."""


def leads(texts: Sequence[str], places: Sequence[Sequence[Place]]) -> npt.NDArray[np.int64]:
    """For each sentence, the sentence it may only follow.

    Args:
        texts: The candidate sentences.
        places: Each candidate's places: its own (article, position), then those of
            its copies in other articles.

    Returns:
        Shape (n_sentences,): -1 when the sentence has no :func:`opener`; else the
        candidate that stands right before it in one of its articles, or -2 when no
        such sentence is a candidate (the sentence is then never chosen).
    """
    where = _where(places, range(len(places)))
    found = np.full(len(texts), -1, dtype=np.int64)
    for index, text in enumerate(texts):
        if opener(text) is not None:
            before = _before(places[index], where)
            found[index] = -2 if before is None else before
    return found


def _where(places: Sequence[Sequence[Place]], indices: Iterable[int]) -> dict[Place, int]:
    """Which of ``indices`` stands at each place."""
    return {place: index for index in indices for place in places[index]}


def _before(own: Sequence[Place], where: dict[Place, int]) -> int | None:
    """The sentence right before one of ``own`` places, first place first."""
    for article, position in own:
        before = where.get((article, position - 1))
        if before is not None:
            return before
    return None


def keep_readable(
    chosen: Sequence[int],
    values: npt.NDArray[np.float64],
    texts: Sequence[str],
    places: Sequence[Sequence[Place]],
    *,
    openers: bool = True,
) -> tuple[list[int], npt.NDArray[np.float64]]:
    """The choice without what does not read on its own, in the order chosen.

    A fragment and a lone quote go. A sentence with a dangling opener stays only when
    the sentence before it in its article (``places``, as for :func:`leads`) is
    chosen too; it is then placed right after that one. Coverage
    selection chooses such a sentence only with that one (:func:`leads`, the pairs of
    :func:`.coverage.greedy_cover`), so here it is only placed; ``score`` selection
    may choose it alone, and then it goes. With ``openers`` False only fragments and
    lone quotes go.

    Returns:
        ``(chosen, values)``, ``values`` kept in step with ``chosen``.
    """
    where = _where(places, chosen)
    order: list[int] = []
    kept: list[float] = []
    for index, value in zip(chosen, values.tolist(), strict=True):
        text = texts[index]
        if is_fragment(text) or is_lone_quote(text) or index in order:
            continue
        if not openers or opener(text) is None:
            order.append(index)
            kept.append(value)
            continue
        before = _before(places[index], where)
        if before is not None and before in order:
            slot = order.index(before) + 1
            order.insert(slot, index)
            kept.insert(slot, value)
    return order, np.asarray(kept, dtype=np.float64)


__all__ = [
    "ATTRIBUTION_STARTS",
    "CONNECTIVES",
    "DEMONSTRATIVES",
    "PRONOUNS",
    "REPORTING_VERBS",
    "TIME_WORDS",
    "FragmentReason",
    "OpenerKind",
    "Place",
    "first_word",
    "fragment_reason",
    "has_quote",
    "is_fragment",
    "is_lone_quote",
    "is_row",
    "keep_readable",
    "leads",
    "opener",
    "quote_marks",
    "readable",
    "self_contained",
    "stands_alone",
]
