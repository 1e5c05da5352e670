"""The segment stage: every article cut into sentences, boilerplate set aside.

What is left are the candidate sentences, the one index space every later stage
works in (articles in request order, sentences in article order). Cutting an
article (Punkt and the boilerplate rules) is the costliest lexical step, and a news
feed re-sends most of a growing cluster, so cuts are kept in an :class:`ArticleCache`
that the caller owns and passes in.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .boilerplate import classify, is_unpunctuated
from .errors import TooManySentences
from .models import Article, ArticleReport, Span
from .origins import find_origins
from .params import SegmentationParams
from .readability import is_row
from .segmentation import split_blocks, split_sentences
from .similarity import tokenize


@dataclass(frozen=True, slots=True)
class ArticleCut:
    """What segmentation makes of one article's text.

    Attributes:
        kept: ``(position, start, end, forced)`` of each candidate sentence: its
            index among all the article's sentences, its span (after any dateline)
            and whether a length limit cut it.
        sentence_count: Sentences of the article, boilerplate included.
        run_on: Whether the article has lost its punctuation.
    """

    kept: tuple[tuple[int, int, int, bool], ...]
    sentence_count: int
    run_on: bool


def cut_article(text: str) -> ArticleCut:
    """Split ``text`` into sentences and keep the candidates (no boilerplate, and no
    row of a list or table: :func:`.readability.is_row`)."""
    blocks = split_blocks(text)
    segments = split_sentences(text, blocks=blocks)
    run_on = is_unpunctuated(text)
    verdicts = classify(text, segments, blocks, unpunctuated=run_on)
    kept = tuple(
        (position, verdict.start, verdict.end, segment.forced)
        for position, (segment, verdict) in enumerate(zip(segments, verdicts, strict=True))
        if verdict.candidate and not is_row(text[verdict.start : verdict.end])
    )
    return ArticleCut(kept, len(segments), run_on)


class ArticleCache:
    """The cuts of the articles seen last, by a digest of their text.

    A news feed re-summarises a growing cluster: most articles of a request were in
    the one before, and their segmentation is the same every time. Bounded by the
    candidate sentences held (about 150 bytes each: some 30 MB at the default
    bound), least recently used out first. The key is a 128-bit BLAKE2b digest, so
    the cache holds no article text. Thread-safe; the service keeps one per process
    (sync workers) and hands it to every request.
    """

    def __init__(self, most_sentences: int = 200_000) -> None:
        if most_sentences < 0:
            raise ValueError(f"most_sentences must be >= 0, got {most_sentences}")
        self.most_sentences = most_sentences
        self._cuts: OrderedDict[bytes, ArticleCut] = OrderedDict()
        self._held = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def cut(self, text: str) -> tuple[ArticleCut, bool]:
        """The cut of ``text`` and whether it came from the cache."""
        key = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()
        with self._lock:
            found = self._cuts.get(key)
            if found is not None:
                self._cuts.move_to_end(key)
                self.hits += 1
                return found, True
            self.misses += 1
        cut = cut_article(text)
        size = max(1, len(cut.kept))
        if size > self.most_sentences:
            return cut, False
        with self._lock:
            if key not in self._cuts:
                self._cuts[key] = cut
                self._held += size
            while self._held > self.most_sentences:
                _, old = self._cuts.popitem(last=False)
                self._held -= max(1, len(old.kept))
        return cut, False

    @property
    def held(self) -> int:
        """Candidate sentences held (an article without any counts one)."""
        return self._held

    def __len__(self) -> int:
        return len(self._cuts)

    def clear(self) -> None:
        with self._lock:
            self._cuts.clear()
            self._held = 0


@dataclass(frozen=True, slots=True)
class Candidates:
    """The candidate sentences of a request, and what segmentation reports.

    A wire story run by several outlets is one origin (``origin_of``). With
    ``segmentation.collapse_copies``, a sentence of a copy article that the article it
    copies already has (same words, case, punctuation and spacing aside) is not a
    candidate of its own but a copy of that one, so each claim of the wire story is
    ranked once and cites every outlet that ran it.

    Attributes:
        spans: Where each sentence stands: article index, position among all the
            article's sentences, character offsets; shape (n,).
        texts: Each sentence's text, ``articles[a].text[start:end]``.
        article_of: Article index of each sentence, shape (n,).
        origin_of: Index of the first article of each sentence's copy group (its
            own article when that is no copy), shape (n,).
        positions: Position of each sentence in its article, shape (n,).
        quality: 1.0 for a clean cut, lower for a cut of a run-on article or by a
            length limit, shape (n,).
        copies: For each sentence, the same sentence in the other articles of its
            copy group, in article order.
        reports: What segmentation made of each article, in request order.
        cache: The article cache's ``hits`` and ``misses`` for this request.
        run_on: Whether each sentence is a unit of a run-on article (one that lost
            its punctuation), shape (n,).
        stems: Each sentence's content stems (:func:`.similarity.tokenize`), in order
            and with repeats: cut once, for every stage that counts words.
    """

    spans: tuple[Span, ...]
    texts: tuple[str, ...]
    article_of: npt.NDArray[np.int64]
    origin_of: npt.NDArray[np.int64]
    positions: npt.NDArray[np.float64]
    quality: npt.NDArray[np.float64]
    copies: tuple[tuple[Span, ...], ...]
    reports: tuple[ArticleReport, ...]
    cache: dict[str, int]
    run_on: npt.NDArray[np.bool_]
    stems: tuple[tuple[str, ...], ...]

    def __len__(self) -> int:
        return len(self.spans)

    def spans_of(self, index: int) -> tuple[Span, ...]:
        """Where candidate ``index`` stands: its own span, then its wire copies'."""
        return (self.spans[index], *self.copies[index])

    @property
    def sentence_count(self) -> int:
        """Sentences of all the articles, boilerplate included."""
        return sum(report.sentence_count for report in self.reports)

    @property
    def candidate_count(self) -> int:
        """Candidate sentences of all the articles, copies included."""
        return sum(report.candidate_count for report in self.reports)


def same_words(text: str) -> str:
    """``text`` with case, punctuation and spacing aside: the key of a verbatim copy."""
    return " ".join(_WORDS.findall(text.casefold()))


_WORDS = re.compile(r"\w+")


def find_candidates(
    articles: Sequence[Article],
    params: SegmentationParams,
    cache: ArticleCache,
    *,
    most: int | None = None,
) -> Candidates:
    """Cut every article (through ``cache``), find wire copies, keep the candidates.

    Args:
        articles: The sources, in request order.
        params: Segmentation's parameters.
        cache: Where cuts of articles seen before are kept; a fresh
            ``ArticleCache()`` for none.
        most: Most sentences (boilerplate included) the articles may hold, or None.

    Returns:
        The candidates, in article order, then position; a copy article's sentences
        that its origin has too are copies, not candidates.

    Raises:
        TooManySentences: As soon as the articles cut so far hold more than ``most``:
            a request far over the limit is refused in the time its limit takes, not
            in the time all of it would.
    """
    counts = {"hits": 0, "misses": 0}
    cuts: list[ArticleCut] = []
    held = 0
    for index, article in enumerate(articles):
        cut, hit = cache.cut(article.text)
        counts["hits" if hit else "misses"] += 1
        cuts.append(cut)
        held += cut.sentence_count
        if most is not None and held > most:
            raise TooManySentences(held, most, complete=index == len(articles) - 1)
    origins = find_origins(
        [article.text for article in articles], urls=[article.url for article in articles]
    )
    reports = tuple(
        ArticleReport(
            id=article.id,
            sentence_count=cut.sentence_count,
            candidate_count=len(cut.kept),
            boilerplate_count=cut.sentence_count - len(cut.kept),
            origin=None if origin is None else articles[origin].id,
        )
        for article, cut, origin in zip(articles, cuts, origins, strict=True)
    )
    return _collapse(articles, cuts, origins, params, reports, counts)


def _collapse(
    articles: Sequence[Article],
    cuts: list[ArticleCut],
    origins: list[int | None],
    params: SegmentationParams,
    reports: tuple[ArticleReport, ...],
    counts: dict[str, int],
) -> Candidates:
    """The candidates, each sentence a copy group already holds made a copy of it."""
    spans: list[Span] = []
    quality: list[float] = []
    origin_of: list[int] = []
    run_on: list[bool] = []
    copies: list[list[Span]] = []
    held: dict[tuple[int, str], int] = {}  # (origin, words) -> candidate
    collapse = params.collapse_copies and any(origin is not None for origin in origins)
    for index, (article, cut) in enumerate(zip(articles, cuts, strict=True)):
        known = origins[index]
        origin = index if known is None else known
        for position, start, end, forced in cut.kept:
            span = Span(index, position, start, end)
            if collapse:
                key = (origin, same_words(article.text[start:end]))
                found = held.get(key) if origin != index else None
                if found is not None and spans[found].article_index != index:
                    copies[found].append(span)
                    continue
                held.setdefault(key, len(spans))
            spans.append(span)
            quality.append(params.unpunctuated_quality if (cut.run_on or forced) else 1.0)
            origin_of.append(origin)
            run_on.append(cut.run_on)
            copies.append([])
    n = len(spans)
    texts = tuple(articles[s.article_index].text[s.start : s.end] for s in spans)
    return Candidates(
        spans=tuple(spans),
        texts=texts,
        article_of=np.fromiter((s.article_index for s in spans), dtype=np.int64, count=n),
        origin_of=np.asarray(origin_of, dtype=np.int64),
        positions=np.fromiter((s.position for s in spans), dtype=np.float64, count=n),
        quality=np.asarray(quality, dtype=np.float64),
        copies=tuple(tuple(group) for group in copies),
        reports=reports,
        cache=counts,
        run_on=np.asarray(run_on, dtype=np.bool_),
        stems=tuple(tuple(tokenize(text)) for text in texts),
    )


__all__ = [
    "ArticleCache",
    "ArticleCut",
    "Candidates",
    "cut_article",
    "find_candidates",
    "same_words",
]
