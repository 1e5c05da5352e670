"""Measure :func:`service.summarize.agreement.disagreement` on MRPC sentence pairs.

Run ``python -m service.evaluation.agreement_check mrpc_train.tsv`` (the MRPC file:
a header, then ``Quality  #1 ID  #2 ID  #1 String  #2 String`` tab-separated, quality
1 for a paraphrase). The data is read at run time and never stored.

Recall: from the paraphrase pairs, :func:`perturb` builds a deterministic set of pairs
made to disagree by changing ONE side: a figure both sides share to another value, a
shared weekday, month or year to another one, a shared proper name to a name taken
from other pairs, or "not" inserted after an auxiliary (or removed where both sides
are negated). It finds its targets with its own regular expressions, not with the
module under test. Each row reports how many of these pairs ``disagreement`` flags
and how many it flags with the right kind.

False alarms: the share of untouched paraphrase pairs whose figures and weekdays are
the same on both sides (by the same independent regular expressions) that are
flagged anyway; the share flagged among all paraphrases and among non-paraphrases is
printed for information. The cost is microseconds per call over all pairs, cold
(:func:`~service.summarize.agreement.facts` memo cleared) and warm.
"""

from __future__ import annotations

import argparse
import csv
import random
import re
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from service.summarize.agreement import KINDS, Kind, disagreement, facts

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip

_FIGURE = re.compile(r"(?<![\w.,/:-])\d+(?:,\d{3})*(?:\.\d+)?(?![\w/:-]|[.,]\d)")
_WEEKDAY = re.compile(r"\b(?:" + "|".join(WEEKDAYS) + r")\b")
_MONTH = re.compile(r"\b(?:" + "|".join(MONTHS) + r")\b")
_MONTH_BEFORE = re.compile(r"\b(?:" + "|".join(m[:3] for m in MONTHS) + r")[a-z]*\.? $")
_YEAR = re.compile(r"(?<![\w.,$])(?:19|20)\d\d(?![\w%])")
_NAME = re.compile(r"(?<=[a-z,] )[A-Z][a-z]{2,}\b(?!['’-])")
_NEGATED = re.compile(r"\b(?:not|never|no|none|nobody|nothing|neither|nor|cannot)\b|n['’]t\b")
_AUXILIARY = re.compile(
    r"\b(?:is|are|was|were|will|would|can|could|should|has|have|had|may|might|must|does|did)"
    r"\b(?= [a-z])"
)
_REMOVABLE = re.compile(r" not\b| never\b|(?<=[a-z])n['’]t\b")
_NOT_NAMES = frozenset(WEEKDAYS + MONTHS + ("The", "But", "And", "This", "That", "Internet"))


@dataclass(frozen=True, slots=True)
class Pair:
    """One MRPC pair; ``label`` is 1 for a paraphrase."""

    label: int
    first: str
    second: str


@dataclass(frozen=True, slots=True)
class Perturbation:
    """A paraphrase pair with one side changed so that the two disagree."""

    kind: Kind
    variant: str
    first: str
    second: str
    source: int
    side: int
    original: str
    replacement: str


@dataclass(frozen=True, slots=True)
class Row:
    """Recall of one perturbation variant.

    ``clean_*`` count only the perturbations of pairs whose two sides had the same
    figures and weekdays (:func:`consistent`), where no other conflict competes.
    """

    kind: Kind
    variant: str
    pairs: int
    found: int
    right_kind: int
    clean_pairs: int
    clean_right_kind: int


def load_pairs(path: str | Path) -> list[Pair]:
    """Read an MRPC TSV file (header line first).

    Raises:
        ValueError: If a line has not five tab-separated fields.
    """
    with open(path, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    pairs = []
    for number, row in enumerate(rows[1:], start=2):
        if len(row) != 5:
            raise ValueError(f"{path}:{number}: expected 5 fields, got {len(row)}")
        pairs.append(Pair(int(row[0]), row[3], row[4]))
    return pairs


def figures(text: str) -> Counter[str]:
    """Figures written with digits, outside dates, times, ordinals and years."""
    found: Counter[str] = Counter()
    for match in _FIGURE.finditer(text):
        before, after = text[: match.start()], text[match.end() :]
        if _YEAR.fullmatch(match.group()) or _MONTH_BEFORE.search(before[-11:]):
            continue
        if re.match(r" ?(?:a\.m\.|p\.m\.|am\b|pm\b|GMT|EDT|EST)", after):
            continue
        found[match.group()] += 1
    return found


def weekdays(text: str) -> Counter[str]:
    """The weekday names of a text."""
    return Counter(_WEEKDAY.findall(text))


def _shared(pattern: Callable[[str], Iterable[str]], pair: Pair) -> list[str]:
    """Items the pattern finds on both sides, sorted for determinism."""
    return sorted(set(pattern(pair.first)) & set(pattern(pair.second)))


def _change_figure(figure: str, rng: random.Random) -> str:
    """The figure with its leading digit changed to another non-zero digit."""
    digit = int(figure[0])
    return str(rng.choice([d for d in range(1, 10) if d != digit])) + figure[1:]


def _replace_side(pair: Pair, side: int, old: str, new: str, *, count: int = 0) -> tuple[str, str]:
    """The pair with ``old`` (a whole word) replaced by ``new`` on one side only."""
    texts = [pair.first, pair.second]
    pattern = rf"(?<![\w.,]){re.escape(old)}(?!\w|[.,]\d)"
    texts[side] = re.sub(pattern, new, texts[side], count=count)
    return texts[0], texts[1]


def _substitutions(
    pair: Pair, rng: random.Random, names: Sequence[str]
) -> Iterable[tuple[Kind, str, str, str]]:
    """(kind, variant, shared item, replacement) for each perturbation the pair allows."""
    shared_figures = _shared(figures, pair)
    if shared_figures:
        figure = rng.choice(shared_figures)
        yield "number", "figure", figure, _change_figure(figure, rng)
    for variant, pattern, values in (
        ("weekday", _WEEKDAY.findall, WEEKDAYS),
        ("month", _MONTH.findall, MONTHS),
        ("year", _YEAR.findall, ()),
    ):
        shared = _shared(pattern, pair)
        if shared:
            old = rng.choice(shared)
            new = rng.choice([v for v in values if v != old]) if values else _other_year(old, rng)
            yield "date", variant, old, new
            break
    shared_names = [n for n in _shared(_NAME.findall, pair) if n not in _NOT_NAMES]
    if shared_names and names:
        old = rng.choice(shared_names)
        words = set(re.findall(r"\w+", pair.first + " " + pair.second))
        candidates = [n for n in names if n not in words]
        yield "entity", "name", old, rng.choice(candidates)


def _other_year(year: str, rng: random.Random) -> str:
    """A year one to three years off."""
    return str(int(year) + rng.choice((-3, -2, -1, 1, 2, 3)))


def _negations(pair: Pair, index: int, rng: random.Random) -> Iterable[Perturbation]:
    """Insert "not" after an auxiliary of a positive pair, or remove one of a negated pair."""
    texts = (pair.first, pair.second)
    negated = [bool(_NEGATED.search(text)) for text in texts]
    if not any(negated):
        sides = [side for side, text in enumerate(texts) if _AUXILIARY.search(text)]
        if sides:
            side = rng.choice(sides)
            match = _AUXILIARY.search(texts[side])
            assert match is not None
            changed = texts[side][: match.end()] + " not" + texts[side][match.end() :]
            new = (changed, texts[1]) if side == 0 else (texts[0], changed)
            yield Perturbation("negation", "insert", *new, index, side, match.group(), "not")
    elif all(negated) and all(_REMOVABLE.search(text) for text in texts):
        side = rng.randrange(2)
        match = _REMOVABLE.search(texts[side])
        assert match is not None
        changed = texts[side][: match.start()] + texts[side][match.end() :]
        changed = re.sub(r"\bca(?= )", "can", re.sub(r"\bwo(?= )", "will", changed))
        new = (changed, texts[1]) if side == 0 else (texts[0], changed)
        yield Perturbation("negation", "remove", *new, index, side, match.group(), "")


def perturb(pairs: Sequence[Pair], *, seed: int = 0) -> list[Perturbation]:
    """Paraphrase pairs made to disagree, one change to one side each, deterministic for a seed.

    Args:
        pairs: MRPC pairs; only paraphrases (label 1) are used.
        seed: Seeds the choice of item, side and replacement for each pair.

    Returns:
        The perturbed pairs, ordered by source pair and then number, date, entity,
        negation.
    """
    positives = [(index, pair) for index, pair in enumerate(pairs) if pair.label == 1]
    names = sorted({n for _, p in positives for n in _shared(_NAME.findall, p)} - _NOT_NAMES)
    perturbed = []
    for index, pair in positives:
        rng = random.Random(f"{seed}:{index}")
        for kind, variant, old, new in _substitutions(pair, rng, names):
            side = rng.randrange(2)
            count = 1 if kind == "number" else 0
            first, second = _replace_side(pair, side, old, new, count=count)
            perturbed.append(Perturbation(kind, variant, first, second, index, side, old, new))
        perturbed.extend(_negations(pair, index, rng))
    return perturbed


def recall(perturbed: Sequence[Perturbation], pairs: Sequence[Pair]) -> list[Row]:
    """How many perturbed pairs ``disagreement`` flags, and with the right kind, per variant."""
    counts: dict[tuple[Kind, str], list[int]] = {}
    for item in perturbed:
        conflict = disagreement(item.first, item.second)
        right = conflict is not None and conflict.kind == item.kind
        clean = consistent(pairs[item.source])
        row = counts.setdefault((item.kind, item.variant), [0, 0, 0, 0, 0])
        row[0] += 1
        row[1] += conflict is not None
        row[2] += right
        row[3] += clean
        row[4] += clean and right
    order = sorted(counts, key=lambda key: KINDS.index(key[0]))
    return [Row(kind, variant, *counts[kind, variant]) for kind, variant in order]


def consistent(pair: Pair) -> bool:
    """Whether both sides have the same digit figures and weekdays (independent regexes)."""
    return figures(pair.first) == figures(pair.second) and weekdays(pair.first) == weekdays(
        pair.second
    )


def flagged(pairs: Iterable[Pair]) -> tuple[int, Counter[str]]:
    """How many pairs there are and how many ``disagreement`` flags, by kind."""
    total, kinds = 0, Counter[str]()
    for pair in pairs:
        total += 1
        conflict = disagreement(pair.first, pair.second)
        if conflict is not None:
            kinds[conflict.kind] += 1
    return total, kinds


def cost(pairs: Sequence[Pair], *, repeats: int = 3) -> tuple[float, float]:
    """Microseconds per ``disagreement`` call over all pairs, best of ``repeats``.

    Returns:
        Cold (the memo of :func:`facts` cleared before each pass, so every sentence
        is read afresh) and warm (every sentence already read).
    """
    cold: list[float] = []
    warm: list[float] = []
    for _ in range(repeats):
        facts.cache_clear()
        for timings in (cold, warm):
            began = time.perf_counter()
            for pair in pairs:
                disagreement(pair.first, pair.second)
            timings.append(1e6 * (time.perf_counter() - began) / max(1, len(pairs)))
    return min(cold), min(warm)


def _percent(part: int, whole: int) -> str:
    """``part`` of ``whole`` as a percentage with one decimal."""
    return f"{100 * part / whole:.1f}%" if whole else "n/a"


def format_report(pairs: Sequence[Pair], *, seed: int = 0) -> str:
    """The Markdown tables: recall per perturbation, false alarms, cost."""
    cold, warm = cost(pairs)
    lines = [
        "| perturbation | pairs | flagged | right kind | consistent pairs | right kind there |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for row in recall(perturb(pairs, seed=seed), pairs):
        lines.append(
            f"| {row.kind}: {row.variant} | {row.pairs} | {_percent(row.found, row.pairs)} "
            f"| {_percent(row.right_kind, row.pairs)} | {row.clean_pairs} "
            f"| {_percent(row.clean_right_kind, row.clean_pairs)} |"
        )
    positives = [pair for pair in pairs if pair.label == 1]
    lines += ["", "| untouched pairs | pairs | flagged | by kind |", "|---|---:|---:|---|"]
    for label, group in (
        ("paraphrases, same figures and weekdays (false alarms)", filter(consistent, positives)),
        ("all paraphrases", positives),
        ("non-paraphrases", (pair for pair in pairs if pair.label == 0)),
    ):
        total, kinds = flagged(group)
        by_kind = ", ".join(f"{kind} {n}" for kind, n in sorted(kinds.items()))
        lines.append(f"| {label} | {total} | {_percent(kinds.total(), total)} | {by_kind} |")
    lines += ["", f"Cost: {cold:.1f} µs per call cold (memo cleared), {warm:.1f} µs warm."]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: print the agreement report."""
    parser = argparse.ArgumentParser(prog="python -m service.evaluation.agreement_check")
    parser.add_argument("pairs", help="MRPC TSV file, e.g. mrpc_train.tsv")
    parser.add_argument("--seed", type=int, default=0, help="seed of the perturbations")
    args = parser.parse_args(argv)
    print(format_report(load_pairs(args.pairs), seed=args.seed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
