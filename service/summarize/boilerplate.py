"""Tell prose from the scraped furniture around it.

Captions, photo credits, bylines, lone datelines, headings, comment-box and
"Powered by automated translation" lines, share buttons and stray ids are
part of the text an application scrapes, but never part of a summary. The
rules work on whole lines (blocks) first, since a caption's first sentence
looks like prose and only its credit gives it away, then on sentences.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .segmentation import Segment, count_words

# A line holding any of these is a caption or a credit, all of it.
_CREDIT = re.compile(
    r"""
      \b(?:image|photo|picture|video|graphic)s?\s*(?:credit|courtesy|source)
    | \bphoto(?:graph|s)?\s*:
    | \b(?:pool|file|handout|stock)\s+(?:photo|image|picture)
    | \bphoto\s+via\b
    | /\s*(?:ap|afp|reuters|epa|getty|sputnik|tass|xinhua|anadolu|bloomberg)\b
    | \b(?:ap|afp|reuters|epa|getty|xinhua)\s+(?:photo|images?|file)\b
    | \bgetty\s+images\b | \bshutterstock\b | \bistock\b
    | \bvia\s+(?:ap|afp|reuters|getty)\b
    | \((?:l|r|c|left|right|centre|center)\)
    """,
    re.IGNORECASE | re.VERBOSE,
)

# A line holding any of these is page furniture: comment boxes, translation
# notices, legal lines, links.
_FURNITURE = re.compile(
    r"""
      \b(?:please|sign\s+in|log\s+in|join)\b.{0,50}\bcomment(?:s|ing)?\b
    | \bautomated\s+translation\b
    | \b(?:click|tap)\s+here\b
    | \ball\s+rights\s+reserved\b | ©
    | \bcookies?\s+policy\b | \bwe\s+use\s+cookies\b
    | \bjavascript\b.{0,30}\b(?:enable|disabled|required)\b
    | https?://\S+ | \bwww\.\S+ | [\w.+-]+@[\w-]+\.\w{2,}
    """,
    re.IGNORECASE | re.VERBOSE,
)

# These are furniture only on a line or sentence that does not read as prose
# (no end punctuation, or a handful of words): "Share this", "Sign up for our
# newsletter", "Photo by Lena Hart". In prose they are ordinary words: "both
# governments share this concern", "state-sponsored inspections".
_WEAK_FURNITURE = re.compile(
    r"""
      \bphoto(?:graph|s)?\s+by\b
    | \bcomment(?:s|ing|ers?)?\b.{0,30}\b(?:policy|below|disabled|closed|section)\b
    | \bpowered\s+by\b | \bsubscribe\b | \bnewsletter\b | \bsign\s+up\b
    | \bcopyright\b | \bfollow\s+us\b | \bshare\s+(?:this|on)\b
    | \bread\s+(?:more|next|also)\b
    | \brelated\s*(?:stories|articles|content|coverage)?\s*:
    | \badvertisement\b | (?<!-)\bsponsored\b
    | \bterms\s+of\s+(?:use|service)\b | \bprivacy\s+policy\b
    """,
    re.IGNORECASE | re.VERBOSE,
)
_PROSE_WORDS = 8  # more words than this, with end punctuation, read as prose

# A byline or an agency tag standing on its own line.
_BYLINE = re.compile(
    r"""^\W*(?:
          (?:by|from|written\s+by|reporting\s+by|editing\s+by|additional\s+reporting\s+by)\s+\S
        | (?:agencies|staff|wires?|staff\s+and\s+agencies|ap|afp|reuters
          |associated\s+press|bloomberg)\W*$
        )""",
    re.IGNORECASE | re.VERBOSE,
)

# A dateline leading a sentence: "MOSCOW // ", "MOSCOW: ", "WASHINGTON (AP) — ",
# "LONDON, May 6 (Reuters) - ", "KYIV, Ukraine (AP) — ". The place is in capitals.
_DATELINE = re.compile(
    r"""(?P<place>[A-Z][A-Z.'\-]{2,}(?:\s+[A-Z][A-Z.'\-]+){0,3})
         (?:,\s*[A-Z][A-Za-z.]*(?:\s+[A-Za-z0-9.]+){0,3})?
         (?:\s*\([A-Za-z. ]{1,20}\))?
         \s*(?://|:|—|–|--|-)\s+
         (?=["“‘'A-Z0-9])""",
    re.VERBOSE,
)

# A single word (or sign) that every match of _CREDIT or _FURNITURE holds,
# whatever white space or case it is written with: a line without any of them
# skips those expressions and gets the verdict they would give.
_WORD_TRIGGERS = (
    "image",
    "photo",
    "picture",
    "video",
    "graphic",
    "file",
    "/",
    "getty",
    "shutterstock",
    "istock",
    "via",
    "(l)",
    "(r)",
    "(c)",
    "(left)",
    "(right)",
    "(centre)",
    "(center)",
    "comment",
    "powered",
    "translation",
    "click",
    "tap",
    "subscribe",
    "newsletter",
    "sign",
    "reserved",
    "copyright",
    "©",
    "follow",
    "share",
    "read",
    "related",
    "advertisement",
    "sponsored",
    "terms",
    "privacy",
    "cookie",
    "javascript",
    "http",
    "www.",
    "@",
)
# Letters that IGNORECASE matches to an ASCII letter but str.lower() does not map to it.
_CASE_EXCEPTIONS = ("ı", "ſ", "İ")
_NOT_LETTER = re.compile(r"[\W\d_]")
_TERMINAL = re.compile(r"[.!?…][\"'”’)\]]*\s*$")
_LONGEST_WORD = 40
_LONGEST_LINE = 80  # words; a caption or a credit line is shorter
MIN_WORDS = 6
"""A candidate sentence has at least this many words."""


@dataclass(frozen=True, slots=True)
class Verdict:
    """Whether a sentence may be chosen, and the span to cite for it.

    Attributes:
        candidate: False for boilerplate and fragments.
        reason: Why not, for reports ("caption", "furniture", ...), or "".
        start: Span start, after any leading dateline.
        end: Span end.
    """

    candidate: bool
    reason: str
    start: int
    end: int


def is_unpunctuated(text: str) -> bool:
    """True for an article that has lost its sentence punctuation.

    Args:
        text: The whole article.

    Returns:
        True when it has at least 60 words and fewer than one sentence-ending
        mark per 120 words.
    """
    words = count_words(text)
    marks = len(re.findall(r"[.!?…](?:\s|$|[\"'”’])", text))
    return words >= 60 and marks * 120 < words


def classify(text: str, segments: list[Segment], blocks: list[tuple[int, int]]) -> list[Verdict]:
    """Judge every sentence of one article.

    Args:
        text: The article.
        segments: Its sentences, from ``split_sentences``.
        blocks: Its lines, from ``split_blocks`` (``Segment.block`` indexes them).

    Returns:
        One verdict per segment, in the same order.
    """
    unpunctuated = is_unpunctuated(text)
    block_reasons = [_block_reason(text[start:end], unpunctuated) for start, end in blocks]
    verdicts = []
    for segment in segments:
        reason = block_reasons[segment.block] if segment.block < len(block_reasons) else ""
        start, end = segment.start, segment.end
        if not reason:
            start = _skip_dateline(text, start, end)
            reason = _sentence_reason(text[start:end])
        verdicts.append(Verdict(not reason, reason, start, end))
    return verdicts


def _block_reason(block: str, unpunctuated: bool) -> str:
    words = count_words(block)
    if words > _LONGEST_LINE:
        return ""  # a paragraph of prose, or a run-on article: judged sentence by sentence
    if _may_be_furniture(block):
        if _CREDIT.search(block):
            return "caption"
        if _FURNITURE.search(block) or (
            _reads_as_furniture(block, words) and _WEAK_FURNITURE.search(block)
        ):
            return "furniture"
    if words <= 12 and _BYLINE.search(block):
        return "byline"
    letters = len(block) - len(_NOT_LETTER.findall(block))
    if letters < 0.5 * len("".join(block.split())) or not re.search(r"[^\W\d_]{3}", block):
        return "stray"
    if not unpunctuated and words <= 25 and not _TERMINAL.search(block):
        return "heading"
    return ""


def _sentence_reason(sentence: str) -> str:
    words = sentence.split()
    if len(words) < MIN_WORDS:
        return "fragment"
    if max(len(word) for word in words) > _LONGEST_WORD:
        return "stray"
    letters = len(sentence) - len(_NOT_LETTER.findall(sentence))
    if letters < 0.5 * len("".join(words)):
        return "stray"
    if _may_be_furniture(sentence) and (
        _FURNITURE.search(sentence)
        or _CREDIT.search(sentence)
        or (_reads_as_furniture(sentence, len(words)) and _WEAK_FURNITURE.search(sentence))
    ):
        return "furniture"
    return ""


def _reads_as_furniture(text: str, words: int) -> bool:
    """A handful of words, or no end punctuation: not a sentence of prose."""
    return words <= _PROSE_WORDS or not _TERMINAL.search(text)


def _may_be_furniture(text: str) -> bool:
    """False only when neither _CREDIT nor _FURNITURE can match ``text``."""
    lowered = text.lower()
    return any(trigger in lowered for trigger in _WORD_TRIGGERS) or any(
        letter in text for letter in _CASE_EXCEPTIONS
    )


def _skip_dateline(text: str, start: int, end: int) -> int:
    match = _DATELINE.match(text, start, end)
    if match is None:
        return start
    # Only an all-capitals place name is a dateline; "He said: " is prose.
    place = match.group("place")
    if sum(ch.isupper() for ch in place) < 3 or any(ch.islower() for ch in place):
        return start
    return match.end()
