"""RFC 9457 problem details: every error the API returns, in one place."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from flask import Flask, Response, json, request
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException

from service.summarize import (
    EncoderUnavailable,
    InsufficientContent,
    NothingNew,
    SummarizationError,
    TooManySentences,
)

from .deadline import DeadlineExceeded

PROBLEM_JSON = "application/problem+json"
_BASE = "tag:summarizer.service,2026:problems/"
VALIDATION_ERROR = _BASE + "validation-error"
MALFORMED_JSON = _BASE + "malformed-json"
INSUFFICIENT_CONTENT = _BASE + "insufficient-content"
TOO_MANY_SENTENCES = _BASE + "too-many-sentences"
ENCODER_UNAVAILABLE = _BASE + "encoder-unavailable"
TIME_BUDGET_EXCEEDED = _BASE + "time-budget-exceeded"
OVERLOADED = _BASE + "overloaded"
JSON_TOO_DEEP = _BASE + "json-too-deep"
NOTHING_NEW = _BASE + "nothing-new"

log = logging.getLogger(__name__)

# Domain errors carry no status; this table gives them one.
_DOMAIN: list[tuple[type[SummarizationError], int, str, str]] = [
    (InsufficientContent, 422, INSUFFICIENT_CONTENT, "Nothing to summarise"),
    (TooManySentences, 422, TOO_MANY_SENTENCES, "Too many sentences"),
    (NothingNew, 422, NOTHING_NEW, "Nothing new"),
    (EncoderUnavailable, 503, ENCODER_UNAVAILABLE, "Sentence encoder unavailable"),
]


class MalformedJSON(Exception):
    """The body is not JSON, or not a JSON object."""


class JSONTooDeep(Exception):
    """The body nests objects or arrays deeper than the configured limit."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"The JSON nests deeper than {limit} levels.")
        self.limit = limit


class Overloaded(Exception):
    """The request waited longer than the queue limit for a worker or its compute slot."""

    def __init__(self, waited: float, limit: float) -> None:
        super().__init__(f"The request waited {waited:.1f} s for a worker (limit {limit:g} s).")


def problem(
    status: int,
    title: str,
    detail: str,
    *,
    type_: str = "about:blank",
    headers: Mapping[str, str] | None = None,
    **extensions: Any,
) -> Response:
    """A problem+json response."""
    body = {"type": type_, "title": title, "status": status, "detail": detail, **extensions}
    if request:
        body.setdefault("instance", request.path)
    response = Response(json.dumps(body), status=status, mimetype=PROBLEM_JSON)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def overloaded_problem(detail: str) -> Response:
    """503 overloaded: the client may retry in a few seconds."""
    return problem(503, "Overloaded", detail, type_=OVERLOADED, headers={"Retry-After": "5"})


def validation_problem(errors: list[dict[str, str]]) -> Response:
    """422 listing each bad field as a JSON pointer."""
    named = list(dict.fromkeys(error["pointer"] for error in errors))
    fields = ", ".join(named[:5])
    more = f" and {len(named) - 5} more" if len(named) > 5 else ""
    return problem(
        422,
        "Validation failed",
        f"The request has invalid fields: {fields}{more}.",
        type_=VALIDATION_ERROR,
        errors=errors,
    )


def pointers(messages: Any, prefix: str = "#") -> list[dict[str, str]]:
    """Flatten marshmallow's nested error messages into ``{pointer, detail}`` items."""
    if isinstance(messages, Mapping):
        items: list[dict[str, str]] = []
        for key, value in messages.items():
            here = prefix if key == "_schema" else f"{prefix}/{_escape(str(key))}"
            items.extend(pointers(value, here))
        return items
    if isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        return [{"pointer": prefix, "detail": message} for message in messages]
    if isinstance(messages, list):
        return [item for value in messages for item in pointers(value, prefix)]
    return [{"pointer": prefix, "detail": str(messages)}]


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def register_error_handlers(app: Flask) -> None:
    """Every non-2xx response becomes problem+json, including Werkzeug's own."""

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Response:
        status = error.code or 500
        log.warning("http error %s on %s %s", status, request.method, request.path)
        detail = _HTTP_DETAILS.get(status, error.description or error.name)
        headers = {k: v for k, v in error.get_headers() if k.lower() not in ("content-type",)}
        return problem(status, error.name, detail, headers=headers)

    @app.errorhandler(MalformedJSON)
    def malformed(error: MalformedJSON) -> Response:
        log.warning("malformed body on %s", request.path)
        return problem(400, "Malformed JSON", str(error), type_=MALFORMED_JSON)

    @app.errorhandler(JSONTooDeep)
    def too_deep(error: JSONTooDeep) -> Response:
        log.warning("body nested deeper than %d on %s", error.limit, request.path)
        return problem(400, "JSON nested too deeply", str(error), type_=JSON_TOO_DEEP)

    @app.errorhandler(ValidationError)
    def invalid(error: ValidationError) -> Response:
        items = pointers(error.messages)
        log.warning("validation failed: %s", ", ".join(i["pointer"] for i in items[:10]))
        return validation_problem(items)

    @app.errorhandler(DeadlineExceeded)
    def too_slow(error: DeadlineExceeded) -> Response:
        log.warning("time budget of %g s exceeded on %s", error.seconds, request.path)
        return problem(
            503,
            "Time budget exceeded",
            f"{error} Send fewer or shorter articles, or retry later.",
            type_=TIME_BUDGET_EXCEEDED,
            headers={"Retry-After": "30"},
        )

    @app.errorhandler(Overloaded)
    def overloaded(error: Overloaded) -> Response:
        log.warning("shed on %s: %s", request.path, error)
        return overloaded_problem(str(error))

    @app.errorhandler(SummarizationError)
    def domain(error: SummarizationError) -> Response:
        for kind, status, type_, title in _DOMAIN:
            if isinstance(error, kind):
                log.warning("%s: %s", type(error).__name__, error)
                headers = {"Retry-After": "30"} if status == 503 else None
                return problem(status, title, str(error), type_=type_, headers=headers)
        return internal(error)

    @app.errorhandler(Exception)
    def internal(error: Exception) -> Response:
        # The traceback goes to the log, never into the body.
        log.error("unhandled error on %s %s", request.method, request.path, exc_info=error)
        return problem(500, "Internal Server Error", "The server could not handle the request.")


_HTTP_DETAILS = {
    404: "No such resource. See /openapi.yaml for the API.",
    405: "The method is not allowed for this resource.",
    413: "The request body is larger than the server accepts.",
    415: "Send the body as application/json.",
}
