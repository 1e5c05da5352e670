"""Every problem type the service emits is documented in openapi.yaml, and only those.

The URIs are spelled out here, not imported: a type added to service/api/problems.py,
or dropped from the spec, fails one side of the comparison.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from service.api import problems

ROOT = Path(__file__).resolve().parents[2]
EMITTED = {
    "tag:summarizer.service,2026:problems/malformed-json",
    "tag:summarizer.service,2026:problems/json-too-deep",
    "tag:summarizer.service,2026:problems/validation-error",
    "tag:summarizer.service,2026:problems/insufficient-content",
    "tag:summarizer.service,2026:problems/too-many-sentences",
    "tag:summarizer.service,2026:problems/encoder-unavailable",
    "tag:summarizer.service,2026:problems/time-budget-exceeded",
    "tag:summarizer.service,2026:problems/overloaded",
    "tag:summarizer.service,2026:problems/nothing-new",
}
URI = re.compile(r"tag:summarizer\.service,2026:problems/[a-z-]+")


def test_the_spec_lists_exactly_the_emitted_types(spec: dict[str, Any]) -> None:
    listed = set(
        URI.findall(spec["components"]["schemas"]["Problem"]["properties"]["type"]["description"])
    )
    assert listed - EMITTED == set(), "documented but never emitted"
    assert EMITTED - listed == set(), "emitted but not documented"


def test_the_code_defines_exactly_the_emitted_types() -> None:
    defined = {
        value
        for name, value in vars(problems).items()
        if name.isupper() and isinstance(value, str) and URI.fullmatch(value)
    }
    assert defined == EMITTED


def test_the_readme_names_every_type() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [uri for uri in sorted(EMITTED) if f"`{uri.rsplit('/', 1)[1]}`" not in readme]
    assert missing == []
