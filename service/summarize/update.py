"""The update stage: what the reader already knows, and what is news to them.

A news feed re-summarises a story as articles arrive; its reader has read some of
them (``known``). What a known article reports is what its claims hold: the claim
layer's groups (a sentence and the agreeing sentences of other articles,
:attr:`.ranking.Ranking.same_claim`, with their wire copies), not a separate
similarity test. So a candidate is

* ``known`` when it stands in a known article (or a known article runs it as a copy);
* ``reported`` when it is in a new article but a known article says the same thing
  (a known sentence is in its claim group, or it is in a known sentence's group):
  not news, never chosen;
* ``changed`` when it is news and a known sentence, as similar as a supporting one
  would be (the support threshold), gives another value for what it says (12 dead
  then, 15 now; a denial): the most valuable update, chosen first, and its
  disagreements name the known sentence it corrects;
* else ``new``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
import numpy.typing as npt

from .candidates import Candidates
from .errors import NothingNew
from .models import Article, Novelty
from .ranking import Ranking

BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True, slots=True)
class Reader:
    """The articles the reader has read, by index into the request's articles."""

    known: frozenset[int]


@dataclass(frozen=True, slots=True)
class Update:
    """What is news to the reader, per candidate sentence (all of shape (n,)).

    Attributes:
        known: The sentence stands in a known article (or in a copy of one).
        reported: A new article's sentence whose claim a known article reports.
        changed: A new sentence, not reported, that a known sentence disputes.
        reader: The known articles.
    """

    reader: Reader
    known: BoolArray
    reported: BoolArray
    changed: BoolArray

    @property
    def eligible(self) -> BoolArray:
        """The sentences that are news: in no known article, reported by none."""
        return ~self.known & ~self.reported

    def novelty(self, index: int) -> Novelty:
        """``known``, ``changed`` or ``new`` for candidate ``index``."""
        if self.known[index] or self.reported[index]:
            return "known"
        return "changed" if self.changed[index] else "new"


def find_reader(
    articles: Sequence[Article],
    known: Sequence[str] | None,
    since: datetime | None,
) -> Reader | None:
    """The articles the reader has read: those named in ``known``, and those published
    at or before ``since`` (an article without ``published_at`` is not known by date).

    Args:
        articles: The request's articles.
        known: Ids of articles the reader has read; None when not given.
        since: The reader's last visit; None when not given.

    Returns:
        None when neither is given (a summary of the whole story), else the reader.

    Raises:
        ValueError: If an id of ``known`` names no article.
        NothingNew: If every article is known.
    """
    if known is None and since is None:
        return None
    index = {article.id: number for number, article in enumerate(articles)}
    read: set[int] = set()
    for position, article_id in enumerate(known or ()):
        if article_id not in index:
            raise ValueError(f"known[{position}]: no article has the id {article_id!r}")
        read.add(index[article_id])
    if since is not None:
        moment = _aware(since)
        read.update(
            number
            for number, article in enumerate(articles)
            if article.published_at is not None and _aware(article.published_at) <= moment
        )
    if len(read) == len(articles):
        raise NothingNew(
            f"all {len(articles)} articles are known to the reader; send at least one new article"
        )
    return Reader(frozenset(read))


def _aware(moment: datetime) -> datetime:
    """A naive time is taken as UTC (the API only admits times with an offset)."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def find_update(candidates: Candidates, ranking: Ranking, reader: Reader) -> Update:
    """Which candidates the reader knows, which a known article reports, which it disputes.

    Args:
        candidates: Every candidate sentence of the story, known articles included.
        ranking: Their final ranking: its claim groups (``same_claim``) and dissents.
        reader: The known articles.

    Returns:
        The :class:`Update` of every candidate.
    """
    n = len(candidates)
    known = np.fromiter(
        (
            any(span.article_index in reader.known for span in candidates.spans_of(index))
            for index in range(n)
        ),
        dtype=bool,
        count=n,
    )
    reported = np.zeros(n, dtype=bool)
    for index in range(n):
        group = ranking.same_claim[index]
        if known[index]:
            # Whatever a known sentence's claim holds, the reader has read.
            reported[group] = True
        elif any(known[other] for other in group):
            reported[index] = True
    reported &= ~known
    changed = np.zeros(n, dtype=bool)
    for index in np.flatnonzero(~known & ~reported).tolist():
        # A correction says what a known sentence says, with another value: as close as
        # a supporting sentence would be. A dissent found only down at the topic floor
        # (same story, another event: "Monday" then, "Friday" now) is news, not a change.
        changed[index] = any(
            known[dissent.sentence] and dissent.similarity >= ranking.threshold
            for dissent in ranking.dissent[index]
        )
    return Update(reader, known, reported, changed)


__all__ = ["Reader", "Update", "find_reader", "find_update"]
