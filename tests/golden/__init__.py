"""Golden answers: readable JSON of what the service answers to our test story.

A golden file holds the texts, citations, support and scores (rounded) of a response,
without what changes from run to run. The test compares it field by field and names
every field that differs; ``make golden`` rewrites the files from the current code
(review ``git diff tests/golden`` before committing them).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
DIGITS = 4
"""Scores and similarities are kept to this many decimals: a readable file, and a
difference in the last float bits of another machine is no failure."""
CHANGING = ("elapsed_ms", "timings_ms", "article_cache")
"""What differs from run to run (the article cache's counts depend on what the process saw)."""

CASES: dict[str, dict[str, Any]] = {
    "story-lexical": {"similarity": "lexical"},
    "story-lexical-100-words-source": {
        "similarity": "lexical",
        "max_words": 100,
        "order": "source",
    },
}
"""Each golden file's name and the options posted with the story (tests/builders.py)."""


def readable(body: Any) -> Any:
    """The response without its changing fields, floats rounded."""
    if isinstance(body, dict):
        return {k: readable(v) for k, v in body.items() if k not in CHANGING}
    if isinstance(body, list):
        return [readable(item) for item in body]
    if isinstance(body, float):
        return round(body, DIGITS)
    return body


def flatten(value: Any, path: str = "") -> dict[str, Any]:
    """Every leaf by its JSON path (``sentences[0].citations[1].start``)."""
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            out |= flatten(item, f"{path}.{key}" if path else key)
        return out or {path: {}}
    if isinstance(value, list):
        out = {}
        for index, item in enumerate(value):
            out |= flatten(item, f"{path}[{index}]")
        return out or {path: []}
    return {path: value}


def differences(expected: Any, actual: Any) -> list[str]:
    """One line per field that differs, is missing or is new."""
    want, got = flatten(expected), flatten(actual)
    lines = []
    for path in sorted(want.keys() | got.keys()):
        if path not in got:
            lines.append(f"{path}: missing (golden {want[path]!r})")
        elif path not in want:
            lines.append(f"{path}: new {got[path]!r}")
        elif want[path] != got[path]:
            lines.append(f"{path}: golden {want[path]!r}, now {got[path]!r}")
    return lines


def path_of(name: str) -> Path:
    return HERE / f"{name}.json"


def write(name: str, body: Any) -> Path:
    path = path_of(name)
    path.write_text(json.dumps(readable(body), indent=2, ensure_ascii=False) + "\n")
    return path
