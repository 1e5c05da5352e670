"""The "same claim" pair model: do two sentences of different articles say the same thing?

A logistic regression over features the service already has or gets cheaply from the
two texts: the graph's similarity of the pair (lexical, or hybrid: half MiniLM, half
TF-IDF, raised by containment), how much of each sentence's content words the other
holds, their lengths, and whether the figures and capitalised names of one appear in
the other. It replaces a bare similarity threshold where the claim map decides that two
sentences say the same claim; a disagreement (:mod:`.agreement`) still vetoes, so a
sentence that gives another value is never support.

The coefficients ship in ``pair_model.json`` beside this module, one model per
similarity kind, written by ``make train-pairs``
(:mod:`service.evaluation.train_pairs`) with the digest of its training data and its
cross-validated figures; they load once, offline.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from .similarity import tokenize

FEATURES = (
    "similarity",
    "contained_min",
    "contained_max",
    "jaccard",
    "length_ratio",
    "log_length",
    "figures_shared",
    "figures_unshared",
    "names_shared",
    "names_unshared",
)
"""The features of a pair, in the order of a model's coefficients."""

MODEL_FILE = "pair_model.json"

_FIGURE = re.compile(r"\d+(?:[.,]\d+)*")
_NAME = re.compile(r"\b[A-Z][a-zA-Z]+")


@dataclass(frozen=True, slots=True)
class PairModel:
    """A logistic regression over :data:`FEATURES`, on standardised features.

    Attributes:
        mean: Each feature's training mean.
        scale: Each feature's training standard deviation.
        coef: Each standardised feature's coefficient.
        intercept: The intercept.
        threshold: Least probability of "same claim".
    """

    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float
    threshold: float = 0.5

    def probability(self, a: str, b: str, similarity: float) -> float:
        """The probability that ``a`` and ``b`` (at graph ``similarity``) say the same thing."""
        z = self.intercept
        for value, mean, scale, coef in zip(
            pair_features(a, b, similarity), self.mean, self.scale, self.coef, strict=True
        ):
            z += coef * (value - mean) / scale
        return 1.0 / (1.0 + math.exp(-z))

    def same(self, a: str, b: str, similarity: float) -> bool:
        """Whether ``a`` and ``b`` say the same thing (agreement aside)."""
        return self.probability(a, b, similarity) >= self.threshold

    @classmethod
    def from_json(cls, entry: dict[str, Any]) -> PairModel:
        """The model of one entry of ``pair_model.json``.

        Raises:
            ValueError: If its features are not :data:`FEATURES`.
        """
        if tuple(entry["features"]) != FEATURES:
            raise ValueError(f"pair model features {entry['features']} are not {FEATURES}")
        return cls(
            mean=tuple(float(v) for v in entry["mean"]),
            scale=tuple(float(v) for v in entry["scale"]),
            coef=tuple(float(v) for v in entry["coef"]),
            intercept=float(entry["intercept"]),
            threshold=float(entry.get("threshold", 0.5)),
        )


def _words(text: str) -> set[str]:
    return set(tokenize(text))


def _names(text: str) -> set[str]:
    """Capitalised words but the first (a sentence's first word is capitalised anyway)."""
    return {match.group().lower() for match in _NAME.finditer(text) if match.start() > 0}


def _shared(a: set[str], b: set[str]) -> tuple[float, float]:
    """Values found on both sides, and on one side only (0 when neither has any)."""
    return float(len(a & b)), float(len(a ^ b))


def pair_features(a: str, b: str, similarity: float) -> tuple[float, ...]:
    """The :data:`FEATURES` of a pair: symmetric in ``a`` and ``b``."""
    words_a, words_b = _words(a), _words(b)
    common = len(words_a & words_b)
    in_a = common / len(words_a) if words_a else 0.0
    in_b = common / len(words_b) if words_b else 0.0
    union = len(words_a | words_b)
    short, long = sorted((len(words_a), len(words_b)))
    figures = _shared(set(_FIGURE.findall(a)), set(_FIGURE.findall(b)))
    names = _shared(_names(a), _names(b))
    return (
        float(similarity),
        min(in_a, in_b),
        max(in_a, in_b),
        common / union if union else 0.0,
        short / long if long else 0.0,
        math.log1p(short),
        *figures,
        *names,
    )


@lru_cache(maxsize=1)
def _shipped() -> dict[str, Any]:
    text = resources.files(__package__).joinpath(MODEL_FILE).read_text(encoding="utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def load_pair_model(kind: str) -> PairModel | None:
    """The shipped model for similarity ``kind``, or None when none was trained for it."""
    try:
        models = _shipped()["models"]
    except FileNotFoundError:
        return None
    entry = models.get(kind)
    return None if entry is None else PairModel.from_json(entry)


__all__ = ["FEATURES", "PairModel", "load_pair_model", "pair_features"]
