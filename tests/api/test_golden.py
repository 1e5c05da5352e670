"""Responses to our test story equal their golden files (tests/golden), field by field.

When a ranking change moves an answer on purpose, ``make golden`` rewrites the files and
the diff shows what moved; an unexpected difference is listed here, one field a line.
"""

from __future__ import annotations

import json

import pytest
from flask.testing import FlaskClient

from tests.builders import story_payload
from tests.golden import CASES, differences, path_of, readable


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_answer_is_the_golden_file(client: FlaskClient, name: str) -> None:
    golden = json.loads(path_of(name).read_text())
    response = client.post("/v1/summaries", json=story_payload(**CASES[name]))
    assert response.status_code == 200
    diff = differences(golden, readable(response.get_json()))
    assert not diff, "differs from its golden file (make golden rewrites it):\n" + "\n".join(diff)


def test_a_changed_field_is_named() -> None:
    golden = {"sentences": [{"text": "a", "citations": [{"start": 1}]}], "meta": {"n": 2}}
    changed = {"sentences": [{"text": "a", "citations": [{"start": 3}]}], "meta": {"m": 2}}
    assert differences(golden, changed) == [
        "meta.m: new 2",
        "meta.n: missing (golden 2)",
        "sentences[0].citations[0].start: golden 1, now 3",
    ]
