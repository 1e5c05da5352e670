"""Thin views: read the body, load it, summarise, dump."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from flask import Response, current_app, g, jsonify, request
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
from .deadline import deadline, read_within
from .metrics import observe_claims, observe_summary
from .problems import JSONTooDeep, MalformedJSON, Overloaded, problem
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
    body_timeout: float | None = None
    max_queue_seconds: float | None = None
    article_cache: ArticleCache = field(default_factory=ArticleCache)
    """This process's cuts of the articles seen last (one per worker, shared by its threads)."""
    compute_slot: threading.Semaphore = field(default_factory=lambda: threading.BoundedSemaphore(1))
    """One computation at a time per worker: its threads read bodies and answer probes,
    one runs the pipeline (torch and ONNX Runtime at one thread, the caches unshared)."""


def _state() -> ApiState:
    state: ApiState = current_app.extensions["summarizer"]
    return state


def read_body(timeout: float | None) -> bytes:
    """The raw request body, or a 415, 413, or 408 when it does not arrive within ``timeout``."""
    if not request.is_json:
        raise UnsupportedMediaType()
    return read_within(request.stream, request.environ.get("gunicorn.socket"), timeout)


def parse_json_object(raw: bytes, max_depth: int) -> dict[str, Any]:
    """The body as a JSON object, or a 400 problem."""
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


@contextmanager
def compute_slot(state: ApiState) -> Iterator[None]:
    """Hold this worker's compute slot; past the queue limit, ``Overloaded`` (503)."""
    limit = state.max_queue_seconds
    if limit:
        waited = time.monotonic() - g.get("queued_since", time.monotonic())
        if not state.compute_slot.acquire(timeout=max(limit - waited, 0.0)):
            raise Overloaded(time.monotonic() - g.get("queued_since", time.monotonic()), limit)
    else:
        state.compute_slot.acquire()
    try:
        yield
    finally:
        state.compute_slot.release()


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
    # The body arrives first, outside the slot: a stalled client holds a thread, not the slot.
    raw = read_body(state.body_timeout)
    with compute_slot(state):
        payload = schema(state.limits).load(parse_json_object(raw, state.max_json_depth))
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
