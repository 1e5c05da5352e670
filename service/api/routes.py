"""Thin views: read the body, load it, summarise, dump."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from flask import Response, current_app, jsonify, request
from marshmallow import Schema
from werkzeug.exceptions import NotFound, UnsupportedMediaType

from service.summarize import (
    MODEL_NAME,
    ArticleCache,
    ClaimMap,
    Encoder,
    Summary,
    map_claims,
    summarize,
)

from . import bp
from .deadline import deadline
from .metrics import observe_claims, observe_summary
from .problems import JSONTooDeep, MalformedJSON, problem
from .schemas import Limits, claims_request_schema, dump_claims, dump_summary, request_schema

# The contract sits at the top of a checkout; an installed package (the image) finds
# it in the working directory, where the Dockerfile copies it.
SPEC_CANDIDATES = (Path(__file__).resolve().parents[2] / "openapi.yaml", Path("openapi.yaml"))

Result = TypeVar("Result", Summary, ClaimMap)


@dataclass(frozen=True, slots=True)
class ApiState:
    """What the views need, put in ``app.extensions["summarizer"]`` by the app factory."""

    limits: Limits
    encoder: Encoder | None
    model_expected: bool
    max_sentences_considered: int
    request_timeout: float | None = None
    max_json_depth: int = 32
    article_cache: ArticleCache = field(default_factory=ArticleCache)
    """This process's cuts of the articles seen last (sync workers: one per worker)."""


def _state() -> ApiState:
    state: ApiState = current_app.extensions["summarizer"]
    return state


def read_json_object(max_depth: int) -> dict[str, Any]:
    """The request body as a JSON object, or a 415/400/413 problem."""
    if not request.is_json:
        raise UnsupportedMediaType()
    raw = request.get_data()
    try:
        body = json.loads(raw)
    except RecursionError:
        # Deeper than the parser goes is deeper than any limit (README: json-too-deep).
        raise JSONTooDeep(max_depth) from None
    except ValueError as exc:
        raise MalformedJSON(f"The body is not valid JSON: {_reason(exc)}") from None
    if not isinstance(body, dict):
        raise MalformedJSON("The body must be a JSON object.")
    if _depth(body, max_depth) > max_depth:
        raise JSONTooDeep(max_depth)
    return body


def _depth(value: Any, limit: int) -> int:
    """Nesting depth of parsed JSON, counting no further than ``limit + 1``."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict | list):
            deepest = max(deepest, depth)
            if depth > limit:
                return depth
            children = node.values() if isinstance(node, dict) else node
            stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return deepest


def _reason(exc: ValueError) -> str:
    if isinstance(exc, json.JSONDecodeError):
        return f"{exc.msg} at line {exc.lineno} column {exc.colno}."
    return "it is not UTF-8 text."


@bp.post("/v1/summaries")
def create_summary() -> Response:
    """Summarise the posted articles."""
    return _answer(request_schema, summarize, observe_summary, dump_summary)


@bp.post("/v1/claims")
def create_claims() -> Response:
    """Map the claims of the posted articles: who reports what, and who disputes it."""
    return _answer(claims_request_schema, map_claims, observe_claims, dump_claims)


def _answer(
    schema: Callable[[Limits], Schema],
    compute: Callable[..., Result],
    observe: Callable[[Result], None],
    dump: Callable[..., dict[str, Any]],
) -> Response:
    """Load the body with ``schema``, run ``compute`` on it within the time budget, dump."""
    state = _state()
    payload = schema(state.limits).load(read_json_object(state.max_json_depth))
    started = time.perf_counter()
    with deadline(state.request_timeout):
        result = compute(
            payload.articles,
            payload.options,
            encoder=state.encoder,
            max_sentences_considered=state.max_sentences_considered,
            article_cache=state.article_cache,
        )
    elapsed = (time.perf_counter() - started) * 1000.0
    observe(result)
    return jsonify(dump(result, model=state.encoder is not None, elapsed_ms=elapsed))


@bp.get("/healthz")
def healthz() -> Response:
    """Alive: the process answers."""
    return jsonify(status="ok")


@bp.get("/readyz")
def readyz() -> Response:
    """Ready: the encoder is loaded (or the service runs lexical only)."""
    state = _state()
    if state.model_expected and state.encoder is None:
        return problem(
            503, "Not ready", "The sentence encoder is not loaded.", headers={"Retry-After": "5"}
        )
    model = MODEL_NAME if state.encoder is not None else None
    return jsonify(status="ready", model=model)


@bp.get("/openapi.yaml")
def openapi() -> Response:
    """The API contract."""
    for path in SPEC_CANDIDATES:
        if path.is_file():
            return Response(path.read_bytes(), mimetype="application/yaml")
    raise NotFound()
