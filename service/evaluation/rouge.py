"""ROUGE-N and ROUGE-L recall as ROUGE-1.5.5 computes it for DUC, on top of rouge-score.

The DUC setting (``ROUGE-1.5.5.pl -n 4 -m -a -l 100 -f A ...``) differs from a plain
``RougeScorer.score`` call in two ways, both handled here:

* **Truncation.** ``-l 100`` keeps the first 100 white-space separated words of the
  peer *and* of every reference, before tokenising (:func:`truncate_words`).
* **Several references.** ``-f A`` pools counts over the references: recall is the
  clipped n-gram matches summed over the references divided by the reference n-grams
  summed over the references (``"pooled"``), not the mean of per-reference recalls
  (``"mean"``, kept for comparison). Jackknifing averages that score over every subset
  that leaves one reference out.

Tokens are rouge-score's own (``use_stemmer=True``): lowercase, every character outside
``[a-z0-9]`` separates tokens, NLTK's Porter stemmer on tokens longer than 3
characters. That is what ROUGE-1.5.5 counts too: its ``readText`` pads ``-`` with
spaces, but ``createNGram`` then keeps only tokens that start with ``[a-z0-9$]``, so a
lone ``-`` never counts. What is not reproduced is ROUGE-1.5.5's WordNet exception
list, which it consults before stemming ("went" -> "go"). The eval README's quick
scorer keeps ``-`` as a token; :class:`HyphenTokenizer` reproduces it for comparison.

Calibration against the published ROUGE-1.5.5 numbers of the 13 SumRepo peers
(DUC 2004 task 2, 100 words, 4 references; ``python -m service.evaluation.calibrate``,
per-system gaps in :mod:`service.evaluation.calibrate`): with these tokens, ROUGE-2 is
within 0.09 of ROUGE-1.5.5 for every system (mean gap -0.06), ROUGE-4 within 0.03, and
ROUGE-1 reads 0.40 low on average (at most 0.50), which is consistent with the missing
WordNet exceptions. The hyphen tokens lift ROUGE-1 to -0.23 on average but widen the
worst ROUGE-2 gap to 0.12; they count matches that ROUGE-1.5.5 does not.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations
from statistics import fmean
from typing import Literal, Protocol

from nltk.stem.porter import PorterStemmer
from rouge_score import rouge_scorer, tokenizers

ROUGE_TYPES: tuple[str, ...] = ("rouge1", "rouge2", "rougeL")
"""What the harness reports: unigram, bigram and longest-common-subsequence recall."""

Aggregation = Literal["pooled", "mean"]
TokenizerKind = Literal["rouge-score", "hyphen"]

_HYPHEN = re.compile(r"-")
_NOT_TOKEN = re.compile(r"[^a-z0-9-]+")


class Tokenizer(Protocol):
    """What ``RougeScorer`` calls: one method from text to tokens."""

    def tokenize(self, text: str) -> list[str]: ...


class HyphenTokenizer:
    """The eval README's quick scorer: like rouge-score's tokens, but ``-`` is a token.

    Lowercase; ``-`` becomes a token of its own; any other character outside
    ``[a-z0-9]`` separates tokens; tokens longer than 3 characters are Porter-stemmed
    (NLTK's default variant, as rouge-score uses).
    """

    def __init__(self) -> None:
        self._stem = lru_cache(maxsize=1 << 16)(PorterStemmer().stem)

    def tokenize(self, text: str) -> list[str]:
        """Split ``text`` into tokens."""
        text = _NOT_TOKEN.sub(" ", _HYPHEN.sub(" - ", text.lower()))
        return [self._stem(token) if len(token) > 3 else token for token in text.split()]


class _Memo:
    """Remembers the tokens of recent texts: every reference is scored once per system."""

    def __init__(self, tokenizer: Tokenizer) -> None:
        self._tokens = lru_cache(maxsize=4096)(lambda text: tuple(tokenizer.tokenize(text)))

    def tokenize(self, text: str) -> list[str]:
        """The wrapped tokenizer's tokens for ``text``."""
        return list(self._tokens(text))


def truncate_words(text: str, limit: int | None) -> str:
    """Keep the first ``limit`` white-space separated words, as ROUGE-1.5.5 ``-l`` does.

    Args:
        text: Any text; line breaks count as white space.
        limit: Number of words to keep, or None to keep everything.

    Returns:
        The kept words joined by single spaces.

    Raises:
        ValueError: If ``limit`` is negative.
    """
    if limit is not None and limit < 0:
        raise ValueError(f"limit must be >= 0 or None, got {limit}")
    words = text.split()
    return " ".join(words if limit is None else words[:limit])


@dataclass(frozen=True, slots=True)
class Overlap:
    """How much of one reference a summary recalls, for one ROUGE type.

    Attributes:
        matches: Clipped n-gram matches (ROUGE-N) or LCS length (ROUGE-L).
        total: Reference n-grams (ROUGE-N) or reference tokens (ROUGE-L).
    """

    matches: int
    total: int

    @property
    def recall(self) -> float:
        """``matches / total``; 0 for an empty reference."""
        return self.matches / self.total if self.total else 0.0


def aggregate(overlaps: Sequence[Overlap], method: Aggregation = "pooled") -> float:
    """Combine one summary's overlaps with several references into one recall.

    Args:
        overlaps: One per reference.
        method: ``"pooled"``: summed matches over summed totals (ROUGE-1.5.5 ``-f A``);
            ``"mean"``: the mean of the per-reference recalls.

    Returns:
        Recall in [0, 1]; 0 when there are no references.

    Raises:
        ValueError: If ``method`` is unknown.
    """
    if not overlaps:
        return 0.0
    if method == "pooled":
        total = sum(overlap.total for overlap in overlaps)
        return sum(overlap.matches for overlap in overlaps) / total if total else 0.0
    if method == "mean":
        return fmean(overlap.recall for overlap in overlaps)
    raise ValueError(f"method must be 'pooled' or 'mean', got {method!r}")


def jackknife(overlaps: Sequence[Overlap], method: Aggregation = "pooled") -> float:
    """Average :func:`aggregate` over every subset of the references that leaves one out.

    With a single reference there is nothing to leave out, so this is :func:`aggregate`.

    Args:
        overlaps: One per reference.
        method: How each subset is combined; see :func:`aggregate`.

    Returns:
        Recall in [0, 1].
    """
    if len(overlaps) < 2:
        return aggregate(overlaps, method)
    subsets = combinations(overlaps, len(overlaps) - 1)
    return fmean(aggregate(subset, method) for subset in subsets)


class RougeRecall:
    """Scores summaries against references, counting as ROUGE-1.5.5 does.

    rouge-score's ``RougeScorer`` does the n-gram clipping and the LCS for each
    (summary, reference) pair; it only returns ratios, so the match counts needed to pool
    over references are recovered as ``round(recall * total)``, which is exact for
    texts this short.

    Args:
        words: Word budget: the summary is cut to its first ``words`` words (None: no cut).
        truncate_refs: Cut every reference to the same budget (``-l``), as in the
            100-word DUC 2004 setting; leave False for DUC 2005-2007, whose references
            are used whole.
        rouge_types: rouge-score names: ``rouge1`` ... ``rouge9`` and ``rougeL``.
        tokenizer: ``"rouge-score"``: rouge-score's tokenizer with its stemmer, which
            is what ROUGE-1.5.5 counts; ``"hyphen"``: :class:`HyphenTokenizer`.

    Raises:
        ValueError: If a ROUGE type or the tokenizer is unknown, or ``words`` < 1.
    """

    def __init__(
        self,
        *,
        words: int | None = 100,
        truncate_refs: bool = True,
        rouge_types: Sequence[str] = ROUGE_TYPES,
        tokenizer: TokenizerKind = "rouge-score",
    ):
        if words is not None and words < 1:
            raise ValueError(f"words must be >= 1 or None, got {words}")
        for rouge_type in rouge_types:
            if rouge_type != "rougeL" and not re.fullmatch(r"rouge[1-9]", rouge_type):
                raise ValueError(
                    f"rouge_types: expected rouge1..rouge9 or rougeL, got {rouge_type!r}"
                )
        self.words = words
        self.truncate_refs = truncate_refs
        self.rouge_types = tuple(rouge_types)
        self._tokenizer: Tokenizer
        if tokenizer == "rouge-score":
            self._tokenizer = _Memo(tokenizers.DefaultTokenizer(use_stemmer=True))
        elif tokenizer == "hyphen":
            self._tokenizer = _Memo(HyphenTokenizer())
        else:
            raise ValueError(f"tokenizer must be 'rouge-score' or 'hyphen', got {tokenizer!r}")
        # Passing the tokenizer explicitly is the same as use_stemmer=True for the default
        # one, and lets overlaps() count reference n-grams with the very same tokens.
        self._scorer = rouge_scorer.RougeScorer(list(self.rouge_types), tokenizer=self._tokenizer)

    def overlaps(self, summary: str, references: Sequence[str]) -> dict[str, list[Overlap]]:
        """Overlap of ``summary`` with each reference, after truncation.

        Args:
            summary: Running text; cut to the word budget here.
            references: Running texts (line breaks are white space); cut to the budget
                when ``truncate_refs``.

        Returns:
            For each ROUGE type, one :class:`Overlap` per reference, in order.
        """
        peer = truncate_words(summary, self.words)
        result: dict[str, list[Overlap]] = {rouge_type: [] for rouge_type in self.rouge_types}
        for reference in references:
            model = truncate_words(reference, self.words if self.truncate_refs else None)
            n_tokens = len(self._tokenizer.tokenize(model))
            scores = self._scorer.score(model, peer)
            for rouge_type in self.rouge_types:
                n = 0 if rouge_type == "rougeL" else int(rouge_type[5:])
                total = n_tokens if n == 0 else max(n_tokens - n + 1, 0)
                matches = round(scores[rouge_type].recall * total)
                result[rouge_type].append(Overlap(matches, total))
        return result

    def recall(
        self,
        summary: str,
        references: Sequence[str],
        *,
        use_jackknife: bool = False,
        method: Aggregation = "pooled",
    ) -> dict[str, float]:
        """ROUGE recall of one summary against its references.

        Args:
            summary: Running text.
            references: One or more reference summaries.
            use_jackknife: Average over leave-one-reference-out subsets.
            method: How references are combined; see :func:`aggregate`.

        Returns:
            Recall in [0, 1] for each ROUGE type.
        """
        combine = jackknife if use_jackknife else aggregate
        return {
            rouge_type: combine(overlaps, method)
            for rouge_type, overlaps in self.overlaps(summary, references).items()
        }


def mean_scores(per_cluster: Iterable[Mapping[str, float]]) -> dict[str, float]:
    """Average per-cluster scores key by key (ROUGE-1.5.5 reports the mean over clusters).

    Args:
        per_cluster: One mapping of ROUGE type to recall per cluster; all have the same keys.

    Returns:
        The mean of each key; empty when there are no clusters.
    """
    rows = list(per_cluster)
    if not rows:
        return {}
    return {key: fmean(row[key] for row in rows) for key in rows[0]}
