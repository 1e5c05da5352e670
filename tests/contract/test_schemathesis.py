"""Contract tests with schemathesis: requests from openapi.yaml, sent to the app in-process.

Every operation of the spec is fuzzed (schema examples, coverage cases, then generated
cases) against two apps: the lexical-only app (fast, no transformer) and, with fewer
examples, the full hybrid app with the session's encoder. Each response must be no
server error, have a documented status, conform to its schema and have a documented
content type. Then every documented status of ``POST /v1/summaries`` and
``POST /v1/claims`` is reached by an explicit request, and that response is checked
the same way.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from werkzeug.test import TestResponse

from service.app import create_app
from service.config import Settings
from service.summarize import SentenceEncoder
from tests.builders import story_payload

SPEC_PATH = Path(__file__).resolve().parents[2] / "openapi.yaml"
ENCODER_UNAVAILABLE = "tag:summarizer.service,2026:problems/encoder-unavailable"
TIME_BUDGET_EXCEEDED = "tag:summarizer.service,2026:problems/time-budget-exceeded"
LEXICAL = Settings(load_model=False, default_similarity="lexical")
OPERATIONS = ("/v1/summaries", "/v1/claims")
"""The operations that summarise or map articles: fuzzed with the encoder too."""

# Hypothesis: bounded, reproducible, no per-example deadline (the first hybrid
# request encodes, and CI machines are slow).
BOUNDED = settings(
    max_examples=100,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
BOUNDED_HYBRID = settings(BOUNDED, max_examples=20)


def lexical_no_server_error(ctx: Any, response: Any, case: Any) -> bool | None:
    """Schemathesis' ``not_a_server_error``, but for the one 5xx a lexical-only app must give.

    Asked for ``semantic`` or ``hybrid`` similarity, the app running without the encoder
    answers the documented 503 ``encoder-unavailable`` with ``Retry-After``; anything
    else at or above 500 is a server error.
    """
    if response.status_code == 503:
        body = _json(response.content)
        if (
            isinstance(body, dict)
            and body.get("type") == ENCODER_UNAVAILABLE
            and "retry-after" in {name.lower() for name in response.headers}
        ):
            return None
    return not_a_server_error(ctx, response, case)


CONFORMANCE: list[Callable[..., bool | None]] = [
    status_code_conformance,
    response_schema_conformance,
    content_type_conformance,
    response_headers_conformance,
]
# Fuzzing also sends schema-invalid requests; they must be turned away with a 4xx.
FUZZ_CHECKS = [*CONFORMANCE, negative_data_rejection]
LEXICAL_CHECKS = [lexical_no_server_error, *FUZZ_CHECKS]
HYBRID_CHECKS = [not_a_server_error, *FUZZ_CHECKS]


def _json(content: bytes) -> Any:
    try:
        return json.loads(content)
    except ValueError:
        return None


# Loaded once at import; the app comes from a fixture at call time (schemathesis'
# from_fixture reads a pytest-internal attribute that pytest 9 no longer has).
schema = schemathesis.openapi.from_path(SPEC_PATH)


@pytest.fixture(scope="module")
def lexical_app() -> Flask:
    return create_app(LEXICAL)


@pytest.fixture(scope="module")
def hybrid_app(encoder: SentenceEncoder) -> Flask:
    return create_app(Settings(), encoder=encoder)


@pytest.mark.slow
@schema.parametrize()
@BOUNDED
def test_lexical_app_keeps_the_contract(case: Any, lexical_app: Flask) -> None:
    if case.operation.path != "/openapi.yaml":
        case.call_and_validate(app=lexical_app, checks=LEXICAL_CHECKS)
        return
    # The spec documents this body as `type: string`; schemathesis parses YAML bodies
    # and would validate the parsed mapping against it (tests/conftest.py tells
    # openapi-core to keep the text). Check the rest, and that the text is the file.
    checks = [check for check in LEXICAL_CHECKS if check is not response_schema_conformance]
    response = case.call_and_validate(app=lexical_app, checks=checks)
    if case.method == "GET" and response.status_code == 200:
        assert response.content == SPEC_PATH.read_bytes()


@pytest.mark.slow
@schema.include(path=list(OPERATIONS)).parametrize()
@BOUNDED_HYBRID
def test_hybrid_app_keeps_the_contract(case: Any, hybrid_app: Flask) -> None:
    case.call_and_validate(app=hybrid_app, checks=HYBRID_CHECKS)


# --- every documented status of the two POST operations, reached on purpose ---------

KEY = "contract-test-key"


def _post(
    app: Flask,
    body: bytes,
    content_type: str = "application/json",
    path: str = "/v1/summaries",
    **headers: str,
) -> Any:
    with app.test_client() as client:
        return client.post(path, data=body, content_type=content_type, headers=headers)


def _story(**options: Any) -> bytes:
    payload = story_payload()
    payload["options"] = {**payload.get("options", {}), **options}
    return json.dumps(payload).encode()


def _blank() -> bytes:
    # Valid by the schema, but no sentence could go into a summary.
    return json.dumps({"articles": [{"id": "a", "text": "Hi."}]}).encode()


def _reach(status: int, path: str, lexical_app: Flask, hybrid_app: Flask) -> TestResponse:
    if status == 200:
        options = {"max_sentences": 2} if path == "/v1/summaries" else {"max_claims": 2}
        return _post(hybrid_app, _story(**options), path=path)
    if status == 400:
        return _post(lexical_app, b'{"articles": [', path=path)
    if status == 401:
        keyed = create_app(Settings(load_model=False, default_similarity="lexical", api_keys=KEY))
        return _post(keyed, _story(), path=path, Authorization="Bearer wrong-key")
    if status == 408:
        return _stalled(path)
    if status == 413:
        small = create_app(
            Settings(load_model=False, default_similarity="lexical", max_body_bytes=1024)
        )
        return _post(small, _story(), path=path)
    if status == 415:
        return _post(lexical_app, _story(), content_type="text/plain", path=path)
    if status == 422:
        return _post(lexical_app, _blank(), path=path)
    if status == 503:
        return _post(lexical_app, _story(similarity="hybrid"), path=path)
    if status == 405:
        with lexical_app.test_client() as client:
            return client.get(path)
    raise AssertionError(f"no request written for status {status}")


class _Received:
    """What a WSGI server hands the app: reads that block on the socket. werkzeug's test
    client measures the stream by seeking to its end: it is told the declared length."""

    def __init__(self, sock: socket.socket, declared: int) -> None:
        self.sock = sock
        self.declared = declared
        self.position = 0

    def read(self, size: int = -1, /) -> bytes:
        return self.sock.recv(size if size > 0 else 65536)

    def tell(self) -> int:
        return self.position

    def seek(self, offset: int, whence: int = 0, /) -> int:
        self.position = self.declared if whence == 2 else offset
        return self.position


def _stalled(path: str) -> TestResponse:
    """A body that stops a tenth of the way in, read from a real socket as gunicorn does."""
    quick = create_app(
        Settings(load_model=False, default_similarity="lexical", body_timeout_seconds=0.3)
    )
    server, peer = socket.socketpair()
    try:
        peer.sendall(b'{"articles": [')
        with quick.test_client() as client:
            return client.post(
                path,
                input_stream=_Received(server, 140),
                content_type="application/json",
                environ_base={"gunicorn.socket": server},
            )
    finally:
        server.close()
        peer.close()


def _documented_statuses(path: str) -> list[int]:
    import yaml

    spec = yaml.safe_load(SPEC_PATH.read_text())
    return sorted(int(code) for code in spec["paths"][path]["post"]["responses"])


# 500 is documented but only an unexpected fault reaches it; tests/api covers it with
# PROPAGATE_EXCEPTIONS off. Every other documented status must be reachable here.
REACHABLE = [
    (path, status) for path in OPERATIONS for status in _documented_statuses(path) if status != 500
]


@pytest.mark.parametrize("path", OPERATIONS)
def test_every_documented_status_has_a_request(path: str) -> None:
    statuses = {status for documented, status in REACHABLE if documented == path}
    assert statuses == {200, 400, 401, 405, 408, 413, 415, 422, 503}


@pytest.mark.parametrize(("path", "status"), REACHABLE)
def test_documented_status_is_reachable_and_conforms(
    path: str, status: int, lexical_app: Flask, hybrid_app: Flask
) -> None:
    response = _reach(status, path, lexical_app, hybrid_app)
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    operation = schema[path]["POST"]
    case = operation.Case(body={}, media_type="application/json")
    case.validate_response(response, checks=CONFORMANCE)
    if status >= 400:
        assert response.mimetype == "application/problem+json"
        assert response.get_json()["status"] == status
    if status == 503:  # the hybrid request on a lexical server: encoder-unavailable
        assert response.headers["Retry-After"] == "30"
    if status == 401:
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    if status == 405:
        assert "POST" in response.headers["Allow"]


@pytest.mark.parametrize("path", OPERATIONS)
def test_time_budget_503_conforms(encoder: SentenceEncoder, path: str) -> None:
    """The other 503: the request outlives SUMMARIZER_REQUEST_TIMEOUT_SECONDS."""
    tight = create_app(Settings(request_timeout_seconds=0.001), encoder=encoder)
    articles = story_payload()["articles"]
    body = {"articles": [{**a, "id": f"{a['id']}-{i}"} for i in range(20) for a in articles]}
    response = _post(tight, json.dumps(body).encode(), path=path)
    assert response.status_code == 503
    assert response.get_json()["type"] == TIME_BUDGET_EXCEEDED
    assert response.headers["Retry-After"] == "30"  # README and openapi.yaml
    case = schema[path]["POST"].Case(body={}, media_type="application/json")
    case.validate_response(response, checks=CONFORMANCE)


# schemathesis sends UTF-8 text only, but JSON may carry a lone surrogate as an escape
# ("\ud800"), which json.loads turns into a str the encoder's tokenizer would reject.
@pytest.mark.parametrize("similarity", ["hybrid", "semantic"])
def test_lone_surrogate_is_no_server_error(hybrid_app: Flask, similarity: str) -> None:
    payload = story_payload()
    payload["articles"][0]["text"] = payload["articles"][0]["text"].replace("port", "port\ud800")
    payload["options"] = {"similarity": similarity}
    body = json.dumps(payload).encode()  # ensure_ascii: the surrogate travels as \ud800
    assert b"\\ud800" in body
    response = _post(hybrid_app, body)
    assert response.status_code < 500, response.get_data(as_text=True)[:300]


def test_lone_surrogate_lexical_is_summarised(lexical_app: Flask) -> None:
    payload = story_payload()
    payload["articles"][0]["text"] = payload["articles"][0]["text"].replace("port", "port\ud800")
    response = _post(lexical_app, json.dumps(payload).encode())
    assert response.status_code == 200
