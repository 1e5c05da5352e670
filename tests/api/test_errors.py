"""Every error the API can return, through the API: status, problem+json, the field named."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from service.app import create_app
from service.config import Settings
from service.summarize import SentenceEncoder
from tests.builders import WIRE, story_payload
from tests.conftest import ContractClient

PROBLEMS = "tag:summarizer.service,2026:problems/"
"""The README's problem type prefix (its error example); each name is in its status table."""
VALIDATION = PROBLEMS + "validation-error"
OPERATIONS = {"/v1/summaries": "summarize", "/v1/claims": "map_claims"}
"""The two operations on articles (same body, limits and errors), and what each calls."""
BOTH = pytest.mark.parametrize("path", OPERATIONS)


def pointers(response: Any) -> list[str]:
    return [error["pointer"] for error in response.get_json()["errors"]]


@BOTH
@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        (b'{"articles": [', "application/json", 400),
        (b"[1, 2]", "application/json", 400),
        (b'"text"', "application/json", 400),
        (b"\xff\xfe\x00garbage", "application/json", 400),
        (b"[" * 100_000 + b"]" * 100_000, "application/json", 400),
        (b'{"articles": []}', "text/plain", 415),
        (b'{"articles": []}', "application/x-www-form-urlencoded", 415),
        (b"", "application/json", 400),
    ],
)
def test_unreadable_bodies(
    client: FlaskClient, path: str, body: bytes, content_type: str, status: int
) -> None:
    response = client.post(path, data=body, content_type=content_type)
    assert response.status_code == status
    # README's status table: a 400 is malformed-json (or json-too-deep for deep nesting);
    # openapi.yaml: a plain HTTP error is about:blank.
    deep = body.startswith(b"[[")
    expected = {400: PROBLEMS + ("json-too-deep" if deep else "malformed-json"), 415: "about:blank"}
    assert response.get_json()["type"] == expected[status]
    assert response.mimetype == "application/problem+json"
    problem = response.get_json()
    assert {"type", "title", "status", "detail"} <= set(problem)
    assert "Traceback" not in response.get_data(as_text=True)


@BOTH
@pytest.mark.parametrize(
    ("body", "pointer"),
    [
        ({}, "#/articles"),
        ({"articles": []}, "#/articles"),
        ({"articles": "text"}, "#/articles"),
        ({"articles": [{"id": "a"}]}, "#/articles/0/text"),
        ({"articles": [{"id": "a", "text": ""}]}, "#/articles/0/text"),
        ({"articles": [{"id": "a", "text": " \n\t "}]}, "#/articles/0/text"),
        ({"articles": [{"id": "a", "text": 42}]}, "#/articles/0/text"),
        ({"articles": [{"id": "a", "text": None}]}, "#/articles/0/text"),
        ({"articles": [{"text": WIRE}]}, "#/articles/0/id"),
        ({"articles": [{"id": 7, "text": WIRE}]}, "#/articles/0/id"),
        ({"articles": [{"id": "", "text": WIRE}]}, "#/articles/0/id"),
        ({"articles": [{"id": "a", "text": WIRE}, {"id": "a", "text": WIRE}]}, "#/articles/1/id"),
        ({"articles": [{"id": "a", "text": WIRE, "body": "x"}]}, "#/articles/0/body"),
        (
            {"articles": [{"id": "a", "text": WIRE, "published_at": "yesterday"}]},
            "#/articles/0/published_at",
        ),
        (
            {"articles": [{"id": "a", "text": WIRE, "published_at": "2026-03-02T10:00:00"}]},
            "#/articles/0/published_at",
        ),
        ({"articles": ["text"]}, "#/articles/0"),
        ({**story_payload(), "extra": 1}, "#/extra"),
        ({**story_payload(), "options": {"colour": "red"}}, "#/options/colour"),
        ({**story_payload(), "options": []}, "#/options"),
    ],
)
def test_invalid_fields_are_named(client: FlaskClient, path: str, body: Any, pointer: str) -> None:
    response = client.post(path, json=body)
    assert response.status_code == 422
    assert response.get_json()["type"] == VALIDATION
    assert pointer in pointers(response)


@pytest.mark.parametrize(
    ("body", "pointer"),
    [
        ({**story_payload(), "options": {"max_sentences": 0}}, "#/options/max_sentences"),
        ({**story_payload(), "options": {"max_sentences": 101}}, "#/options/max_sentences"),
        ({**story_payload(), "options": {"max_sentences": "5"}}, "#/options/max_sentences"),
        ({**story_payload(), "options": {"max_sentences": 2.5}}, "#/options/max_sentences"),
        ({**story_payload(), "options": {"max_sentences": True}}, "#/options/max_sentences"),
        ({**story_payload(), "options": {"max_words": 0}}, "#/options/max_words"),
        ({**story_payload(), "options": {"max_words": 10_001}}, "#/options/max_words"),
        ({**story_payload(), "options": {"order": "date"}}, "#/options/order"),
        ({**story_payload(), "options": {"similarity": "bm25"}}, "#/options/similarity"),
        # The claim map's own options are unknown here.
        ({**story_payload(), "options": {"min_support": 2}}, "#/options/min_support"),
    ],
)
def test_invalid_summary_options_are_named(client: FlaskClient, body: Any, pointer: str) -> None:
    response = client.post("/v1/summaries", json=body)
    assert response.status_code == 422
    assert response.get_json()["type"] == VALIDATION
    assert pointer in pointers(response)


def test_every_bad_field_is_listed(client: FlaskClient) -> None:
    body = {"articles": [{"id": "a", "text": ""}, {"id": "b"}], "options": {"order": "x"}}
    response = client.post("/v1/summaries", json=body)
    assert set(pointers(response)) == {"#/articles/0/text", "#/articles/1/text", "#/options/order"}


@BOTH
def test_nothing_summarisable(client: FlaskClient, path: str) -> None:
    body = {
        "articles": [
            {"id": "a", "text": "Photo: Lena Hart / Reuters\nPowered by automated translation"},
            {"id": "b", "text": "4.2231907-118273\nShort line."},
        ]
    }
    response = client.post(path, json=body)
    assert response.status_code == 422
    assert response.get_json()["type"] == PROBLEMS + "insufficient-content"


@pytest.fixture
def small_app(encoder: SentenceEncoder, openapi: Any, spec: Any) -> FlaskClient:
    settings = Settings(
        max_body_bytes=20_000,
        max_articles=3,
        max_article_chars=5_000,
        max_total_chars=6_000,
        max_sentences_considered=12,
    )
    app = create_app(settings, encoder=encoder)
    app.test_client_class = ContractClient
    ContractClient.openapi = openapi
    ContractClient.spec = spec
    return app.test_client()


@BOTH
def test_body_over_limit_is_413(small_app: FlaskClient, path: str) -> None:
    body = {"articles": [{"id": "a", "text": "word " * 10_000}]}
    response = small_app.post(path, json=body)
    assert response.status_code == 413
    assert response.get_json()["type"] == "about:blank"


@BOTH
@pytest.mark.parametrize(
    ("articles", "pointer"),
    [
        ([{"id": str(i), "text": WIRE} for i in range(4)], "#/articles"),
        ([{"id": "a", "text": "x" * 5_001}], "#/articles/0/text"),
        ([{"id": str(i), "text": "Sentence here. " * 250} for i in range(2)], "#/articles"),
    ],
)
def test_configured_limits_are_422(
    small_app: FlaskClient, path: str, articles: Any, pointer: str
) -> None:
    response = small_app.post(path, json={"articles": articles})
    assert response.status_code == 422
    assert pointer in pointers(response)


@BOTH
def test_too_many_sentences(small_app: FlaskClient, path: str) -> None:
    text = " ".join(f"Ship number {i} waited outside the harbour all day." for i in range(20))
    body = {"articles": [{"id": "a", "text": text}]}
    response = small_app.post(path, json=body)
    assert response.status_code == 422
    assert response.get_json()["type"] == PROBLEMS + "too-many-sentences"


def test_unknown_path_is_404(client: FlaskClient) -> None:
    response = client.get("/v1/nothing")
    assert response.status_code == 404
    assert response.get_json()["type"] == "about:blank"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/v1/summaries"),
        ("get", "/v1/claims"),
        ("post", "/healthz"),
        ("delete", "/readyz"),
        ("put", "/openapi.yaml"),
    ],
)
def test_wrong_method_is_405(client: FlaskClient, method: str, path: str) -> None:
    response = getattr(client, method)(path)
    assert response.status_code == 405
    assert response.get_json()["type"] == "about:blank"
    assert "Allow" in response.headers


@pytest.mark.parametrize(("path", "function"), OPERATIONS.items())
def test_unexpected_fault_is_a_bare_500(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch, path: str, function: str
) -> None:
    app.config["PROPAGATE_EXCEPTIONS"] = False

    def explode(*_: Any, **__: Any) -> None:
        raise RuntimeError("secret detail in /srv/app/service/x.py")

    monkeypatch.setattr(f"service.api.routes.{function}", explode)
    response = client.post(path, json=story_payload())
    assert response.status_code == 500
    text = response.get_data(as_text=True)
    assert "secret" not in text and "Traceback" not in text and ".py" not in text


@BOTH
def test_semantic_without_encoder_is_503(app: Flask, client: FlaskClient, path: str) -> None:
    state = app.extensions["summarizer"]
    app.extensions["summarizer"] = dataclasses.replace(state, encoder=None)
    response = client.post(path, json=story_payload(similarity="semantic"))
    assert response.status_code == 503
    assert response.get_json()["type"] == PROBLEMS + "encoder-unavailable"
    assert response.headers["Retry-After"] == "30"  # README and openapi.yaml: 30 s
    assert client.get("/readyz").status_code == 503
    lexical = client.post(path, json=story_payload(similarity="lexical"))
    assert lexical.status_code == 200


@pytest.mark.parametrize(("path", "function"), OPERATIONS.items())
def test_time_budget_ends_the_request_cleanly(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch, path: str, function: str
) -> None:
    import time as clock

    state = app.extensions["summarizer"]
    app.extensions["summarizer"] = dataclasses.replace(state, request_timeout=0.2)

    def slow(*_: Any, **__: Any) -> None:
        for _ in range(100):  # 10 s at most, were the budget ignored
            clock.sleep(0.1)

    monkeypatch.setattr(f"service.api.routes.{function}", slow)
    started = clock.perf_counter()
    response = client.post(path, json=story_payload())
    assert clock.perf_counter() - started < 2.0
    assert response.status_code == 503
    assert response.get_json()["type"] == PROBLEMS + "time-budget-exceeded"
    assert response.headers["Retry-After"] == "30"
    # The worker is not left broken: the next request is served.
    monkeypatch.undo()
    app.extensions["summarizer"] = state
    assert client.post(path, json=story_payload()).status_code == 200


@pytest.mark.parametrize("depth", [33, 200])
def test_json_nested_beyond_the_limit_is_400(client: FlaskClient, depth: int) -> None:
    nested: Any = "x"
    for _ in range(depth - 1):
        nested = [nested]
    body = {**story_payload(), "extra": nested}
    response = client.post("/v1/summaries", json=body)
    assert response.status_code == 400
    assert response.get_json()["type"] == PROBLEMS + "json-too-deep"


def test_json_within_the_depth_limit_reaches_validation(client: FlaskClient) -> None:
    nested: Any = "x"
    for _ in range(30):
        nested = [nested]
    response = client.post("/v1/summaries", json={**story_payload(), "extra": nested})
    assert response.status_code == 422  # deep enough to be allowed, still an unknown field


def test_detail_names_each_bad_field_once(client: FlaskClient) -> None:
    response = client.post("/v1/summaries", json={"articles": [{"id": "a", "text": ""}]})
    problem = response.get_json()
    assert problem["detail"].count("#/articles/0/text") == 1
    assert len(problem["errors"]) == 2  # too short, and blank: both reasons are kept
