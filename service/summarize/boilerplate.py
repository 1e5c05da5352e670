"""Tell prose from the scraped furniture around it.

Captions, photo credits, bylines, lone datelines, headings, comment-box and
"Powered by automated translation" lines, share buttons and stray ids are
part of the text an application scrapes, but never part of a summary. The
rules work on whole lines (blocks) first, since a caption's first sentence
looks like prose and only its credit gives it away, then on sentences.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass

from .segmentation import Segment, count_words

# A line holding any of these is a caption or a credit, all of it.
_CREDIT = re.compile(
    r"""
      \b(?:image|photo|picture|video|graphic)s?\s*(?:credit|courtesy|source)
    | \bphoto(?:graph|s)?\s*:
    | \b(?:pool|file|handout|stock)\s+(?:photo|image|picture)
    | \bphoto\s+via\b
    | ^\W*(?:photo(?:graph)?|picture|image)s?\s+(?:by|credit)\b
    | /\s*(?:ap|afp|reuters|epa|getty|sputnik|tass|xinhua|anadolu|bloomberg)\b
    | \b(?:ap|afp|reuters|epa|getty|xinhua)\s+(?:photo|images?|file)\b
    | \bgetty\s+images\b | \bshutterstock\b | \bistock\b
    | \bvia\s+(?:ap|afp|reuters|getty)\b
    | \((?:l|r|c|left|right|centre|center)\)
    """,
    re.IGNORECASE | re.VERBOSE,
)

# A line holding any of these is page furniture: comment boxes, translation
# notices, legal lines, links, embedded-post notices, web-archive banners, newsletter
# and app prompts, and a video player's buttons or an advertisement label opening it.
_FURNITURE = re.compile(
    r"""
      \b(?:please|sign\s+in|log\s+in|join)\b.{0,50}\bcomment(?:s|ing)?\b
    | \bautomated\s+translation\b
    | \b(?:click|tap)\s+here\b
    | \ball\s+rights\s+reserved\b | ©
    | \bcookies?\s+policy\b | \bwe\s+use\s+cookies\b
    | \bjavascript\b.{0,30}\b(?:enable|disabled|required)\b
    | https?://\S+ | \bwww\.\S+ | [\w.+-]+@[\w-]+\.\w{2,}
    | \badd\s+location\s+information\b | \blocation\s+information\s+to\s+your\b
    | \bthese\s+crawls\b | \bcrawl(?:s|ed|er)?\b.{0,60}\barchiv
    | \btop\s+ranked\s+pages\b | \bwayback\s+machine\b
    | \bcontinue\s+reading\s+the\s+main\s+story\b
    | \bsign\s+up\b.{0,40}\bnewsletters?\b | \bnewsletters?\b.{0,40}\bsign\s+up\b
    | \bsubscribe\s+to\s+(?:our|the)\b.{0,30}\b(?:newsletter|channel|podcast|alerts)\b
    | \b(?:download|get|install)\s+(?:our|the)\s+(?:[\w-]+\s+){0,2}app\b
    | \bdelivered\s+(?:straight\s+|directly\s+)?to\s+your\s+inbox\b
    | (?-i:^\W*(?:CLOSE|REPLAY|SKIP\s+AD|ADVERTISEMENT|Advertisement)\b)
    | ^\W*(?:close|replay|play|watch|mute|unmute)\s+(?:the\s+)?video\b
    | \bvideo\s+(?:is\s+)?(?:unavailable|cannot\s+be\s+played|not\s+available)\b
    | ^\W*sponsored\s+(?:content|stories|links)\b
    | \bthanks?\s+(?:you\s+)?for\s+(?:signing\s+up|subscribing)\b
    | \bturn\s+on\s+(?:push\s+|breaking\s+news\s+)?(?:notifications|alerts)\b
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

# A sentence that talks to its reader about the page, the site or the device it is read
# on ("Enter your email to get our alerts", "By browsing this site you agree to the use
# of cookies", "Snapshots of this page are kept by the archive"): news reports events and
# quotes people, so outside quotation marks it neither says "you", "we" or "this page"
# nor names two things of a web page at once.
_WEB_WORDS = frozenset(
    """page pages site sites website websites web browser browsers browse browsing app apps
    email e-mail inbox newsletter newsletters briefing briefings notification notifications
    alerts cookie cookies settings preferences privacy post posts tweet tweets embedded embed
    archive archived archiving snapshot snapshots crawl crawls crawled video videos link
    links share sharing subscribe subscribed subscription signing account device devices ad
    ads advertisement advertising sponsored partners content facebook twitter instagram
    whatsapp youtube download click tap scroll screen personalise personalize analytics
    location phone phones smartphone""".split()
)
_READER_WORDS = frozenset("you your yours we our us".split())
_THIS_PAGE = re.compile(
    r"\bthis\s+(?:page|site|website|article|story|post|tweet|video|content|briefing)\b"
)
_QUOTED = re.compile(
    r"[\"\u201c\u201d\u00ab\u00bb][^\"\u201c\u201d\u00ab\u00bb]*[\"\u201c\u201d\u00ab\u00bb]"
)
_SITE_WORD = re.compile(r"[a-z][a-z-]*")

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

# Words (or signs) of which every match of an expression holds at least one, whatever
# white space or case it is written with: a text without any of them skips that
# expression and gets the verdict it would give (the expressions are the costly part).
_CREDIT_TRIGGERS = (
    "image",
    "photo",
    "picture",
    "video",
    "graphic",
    "file",
    "/",
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
)
_FURNITURE_TRIGGERS = (
    "comment",
    "translation",
    "click",
    "tap",
    "reserved",
    "©",
    "cookie",
    "javascript",
    "http",
    "www.",
    "@",
    "location information",
    "crawl",
    "top ranked",
    "wayback",
    "main story",
    "newsletter",
    "subscribe",
    "app",
    "inbox",
    "close",
    "replay",
    "skip",
    "advertisement",
    "video",
    "sponsored",
    "thank",
    "notifications",
    "alerts",
)
_WEAK_TRIGGERS = (
    "photo",
    "comment",
    "powered",
    "subscribe",
    "newsletter",
    "sign",
    "copyright",
    "follow",
    "share",
    "read",
    "related",
    "advertisement",
    "sponsored",
    "terms",
    "privacy",
)
# Letters that IGNORECASE matches to an ASCII letter but str.lower() does not map to it.
_CASE_EXCEPTIONS = ("ı", "ſ", "İ")
_THREE_LETTERS = re.compile(r"[^\W\d_]{3}")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_ASCII_LETTERS = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
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


def classify(
    text: str,
    segments: list[Segment],
    blocks: list[tuple[int, int]],
    *,
    unpunctuated: bool | None = None,
) -> list[Verdict]:
    """Judge every sentence of one article.

    Args:
        text: The article.
        segments: Its sentences, from ``split_sentences``.
        blocks: Its lines, from ``split_blocks`` (``Segment.block`` indexes them).
        unpunctuated: ``is_unpunctuated(text)``, when the caller has it already.

    Returns:
        One verdict per segment, in the same order.
    """
    if unpunctuated is None:
        unpunctuated = is_unpunctuated(text)
    triggers = _TriggerIndex(text)
    judged = [
        _block_reason(text[start:end], unpunctuated, triggers.within(start, end))
        for start, end in blocks
    ]
    verdicts = []
    for segment in segments:
        reason, cleared = judged[segment.block] if segment.block < len(judged) else ("", False)
        start, end = segment.start, segment.end
        if not reason:
            start = _skip_dateline(text, start, end)
            # A sentence of a line that neither caption nor furniture expression matched
            # cannot match them either, when it starts and ends at word boundaries.
            inside = cleared and _bounded(text, start, end, blocks[segment.block])
            reason = _sentence_reason(
                text[start:end], check_strong=not inside, lookup=triggers.within(start, end)
            )
        verdicts.append(Verdict(not reason, reason, start, end))
    return verdicts


class _Lookup:
    """Which triggers ``text`` holds, from its lower-cased copy (see :func:`_lowered`)."""

    def __init__(self, text: str) -> None:
        self._lowered = _lowered(text)

    def holds(self, triggers: tuple[str, ...]) -> bool:
        """Whether the expression guarded by ``triggers`` can match."""
        return _holds(self._lowered, triggers)

    def weak(self, text: str) -> bool:
        """Whether ``_WEAK_FURNITURE`` matches ``text`` (the text looked up)."""
        return self.holds(_WEAK_TRIGGERS) and _WEAK_FURNITURE.search(text) is not None


class _IndexLookup(_Lookup):
    """:class:`_Lookup` for ``text[start:end]``, from the positions an index found."""

    def __init__(self, index: _TriggerIndex, start: int, end: int) -> None:
        self._index = index
        self._start = start
        self._end = end

    def _inside(self, triggers: tuple[str, ...]) -> Iterator[int]:
        """Where each occurrence of ``triggers`` wholly inside the text starts, in it."""
        starts, ends = self._index.found[triggers]
        first, last = self._start, self._end
        at = bisect_left(starts, first)
        while at < len(starts) and starts[at] < last:
            if ends[at] <= last:
                yield starts[at] - first
            at += 1

    def holds(self, triggers: tuple[str, ...]) -> bool:
        return next(self._inside(triggers), None) is not None

    def weak(self, text: str) -> bool:
        # Every match of the weak expression starts where one of its triggers does
        # (each alternative opens with its trigger word): try those places only,
        # instead of every position of the text.
        return any(_WEAK_FURNITURE.match(text, at) for at in self._inside(_WEAK_TRIGGERS))


class _TriggerIndex:
    """Where the triggers of each expression occur in an article, found once.

    ``within(start, end)`` looks triggers up for ``text[start:end]`` from the
    positions, instead of lower-casing every line and sentence and searching it for
    every trigger. An article with a letter of ``_CASE_EXCEPTIONS`` (or one whose
    lower-casing changes its length) is looked up text by text, as before.
    """

    def __init__(self, text: str) -> None:
        lowered = _lowered(text)
        self._text = text
        self.found: dict[tuple[str, ...], tuple[list[int], list[int]]] = {}
        self._usable = lowered is not None and len(lowered) == len(text)
        if not self._usable:
            return
        assert lowered is not None
        for group in (_CREDIT_TRIGGERS, _FURNITURE_TRIGGERS, _WEAK_TRIGGERS):
            spans = []
            for trigger in group:
                at = lowered.find(trigger)
                while at >= 0:
                    spans.append((at, at + len(trigger)))
                    at = lowered.find(trigger, at + 1)
            spans.sort()
            self.found[group] = ([start for start, _ in spans], [end for _, end in spans])

    def within(self, start: int, end: int) -> _Lookup:
        """The lookup of ``text[start:end]``."""
        if not self._usable:
            return _Lookup(self._text[start:end])
        return _IndexLookup(self, start, end)


def _bounded(text: str, start: int, end: int, block: tuple[int, int]) -> bool:
    """True if ``text[start:end]`` sits in ``block`` between non-word characters (or its ends)."""
    block_start, block_end = block
    if not block_start <= start <= end <= block_end:
        return False
    before = start == block_start or not _is_word(text[start - 1])
    after = end == block_end or not _is_word(text[end])
    return before and after


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_"


def _block_reason(
    block: str,
    unpunctuated: bool,
    lookup: _Lookup | None = None,
) -> tuple[str, bool]:
    """Why a line is boilerplate ("" if it is not), and whether the caption and
    furniture expressions were run on it (and found nothing). ``lookup`` tells
    which triggers the line holds (``_Lookup(block)`` when None)."""
    words = count_words(block)
    if words > _LONGEST_LINE:
        # A paragraph of prose, or a run-on article: judged sentence by sentence.
        return "", False
    if lookup is None:
        lookup = _Lookup(block)
    if lookup.holds(_CREDIT_TRIGGERS) and _CREDIT.search(block):
        return "caption", True
    if (lookup.holds(_FURNITURE_TRIGGERS) and _FURNITURE.search(block)) or (
        _reads_as_furniture(block, words) and lookup.weak(block)
    ):
        return "furniture", True
    if words <= 12 and _BYLINE.search(block):
        return "byline", True
    letters = _letter_count(block)
    if letters < 0.5 * len("".join(block.split())) or not _THREE_LETTERS.search(block):
        return "stray", True
    if not unpunctuated and words <= 25 and not _ends_sentence(block):
        return "heading", True
    return "", True


def _sentence_reason(
    sentence: str,
    *,
    check_strong: bool = True,
    lookup: _Lookup | None = None,
) -> str:
    words = sentence.split()
    if len(words) < MIN_WORDS:
        return "fragment"
    if max(map(len, words)) > _LONGEST_WORD:
        return "stray"
    letters = _letter_count(sentence)
    if letters < 0.5 * len("".join(words)):
        return "stray"
    if lookup is None:
        lookup = _Lookup(sentence)
    if (
        (check_strong and lookup.holds(_FURNITURE_TRIGGERS) and _FURNITURE.search(sentence))
        or (check_strong and lookup.holds(_CREDIT_TRIGGERS) and _CREDIT.search(sentence))
        or (_reads_as_furniture(sentence, len(words)) and lookup.weak(sentence))
        or talks_to_reader(sentence)
    ):
        return "furniture"
    return ""


def talks_to_reader(sentence: str) -> bool:
    """Whether ``sentence``, outside its quotations, addresses the reader ("you", "we",
    "this page") and names two things of a web page (:data:`_WEB_WORDS`)."""
    lowered = _QUOTED.sub(" ", sentence.lower())
    words = _SITE_WORD.findall(lowered)
    if sum(word in _WEB_WORDS for word in words) < 2:
        return False
    return any(word in _READER_WORDS for word in words) or _THIS_PAGE.search(lowered) is not None


def _letter_count(text: str) -> int:
    """Letters in ``text``: what ``[^\\W\\d_]`` matches, the ASCII ones counted in bytes."""
    ascii_part = text.encode("ascii", "ignore")
    letters = len(ascii_part) - len(ascii_part.translate(None, _ASCII_LETTERS))
    if len(ascii_part) != len(text):
        # [^\W\d_] outside ASCII: alphanumeric but not a decimal digit.
        letters += sum(
            1 for char in _NON_ASCII.findall(text) if char.isalnum() and not char.isdecimal()
        )
    return letters


def _reads_as_furniture(text: str, words: int) -> bool:
    """A handful of words, or no end punctuation: not a sentence of prose."""
    return words <= _PROSE_WORDS or not _ends_sentence(text)


_CLOSERS = "\"'”’)]"
_ENDS = (".", "!", "?", "…")


def _ends_sentence(text: str) -> bool:
    r"""Whether ``text`` ends a sentence: an end mark, then closing quotes or brackets,
    then white space to the end; what ``[.!?…]["'”’)\]]*\s*$`` finds (``str.rstrip``
    strips what ``\s`` matches)."""
    return text.rstrip().rstrip(_CLOSERS)[-1:] in _ENDS


def _lowered(text: str) -> str | None:
    """``text`` lower-cased to look for triggers in, or None when some letter of it
    matches an ASCII letter under IGNORECASE but not once lowered (then every
    expression must run)."""
    if any(letter in text for letter in _CASE_EXCEPTIONS):
        return None
    return text.lower()


def _holds(lowered: str | None, triggers: tuple[str, ...]) -> bool:
    """Whether the expression guarded by ``triggers`` can match (see :func:`_lowered`)."""
    return lowered is None or any(trigger in lowered for trigger in triggers)


def _skip_dateline(text: str, start: int, end: int) -> int:
    match = _DATELINE.match(text, start, end)
    if match is None:
        return start
    # Only an all-capitals place name is a dateline; "He said: " is prose.
    place = match.group("place")
    if sum(ch.isupper() for ch in place) < 3 or any(ch.islower() for ch in place):
        return start
    return match.end()
