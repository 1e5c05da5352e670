"""The examples in openapi.yaml and examples/ are what the service answers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from service.app import create_app
from service.config import Settings

ROOT = Path(__file__).resolve().parents[2]
CHANGING = ("elapsed_ms", "timings_ms")
"""What differs from run to run."""


@pytest.fixture(scope="module")
def lexical_app() -> Flask:
    return create_app(Settings(load_model=False, default_similarity="lexical"))


def _without_timings(body: dict[str, Any]) -> dict[str, Any]:
    return {**body, "meta": {k: v for k, v in body["meta"].items() if k not in CHANGING}}


def test_the_claims_response_example_is_the_answer(
    spec: dict[str, Any], lexical_app: Flask
) -> None:
    # A change to the ranking, the grouping or the checks for disagreement changes the
    # answer: then update the example in openapi.yaml from the response.
    operation = spec["paths"]["/v1/claims"]["post"]
    request = operation["requestBody"]["content"]["application/json"]["examples"]["disputed"]
    response = operation["responses"]["200"]["content"]["application/json"]["examples"]
    with lexical_app.test_client() as client:
        answer = client.post("/v1/claims", json=request["value"])
    assert answer.status_code == 200
    expected = _without_timings(response["disputed"]["value"])
    assert _without_timings(answer.get_json()) == expected


@pytest.mark.parametrize(
    ("name", "path"), [("request.json", "/v1/summaries"), ("claims.json", "/v1/claims")]
)
def test_example_files_are_answered(lexical_app: Flask, name: str, path: str) -> None:
    body = json.loads((ROOT / "examples" / name).read_text())
    body["options"] = {**body.get("options", {}), "similarity": "lexical"}
    with lexical_app.test_client() as client:
        assert client.post(path, json=body).status_code == 200
