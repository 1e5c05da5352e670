"""Per-request plumbing: request ids, optional API keys, security headers, access log."""

from __future__ import annotations

import hmac
import logging
import re
import time
import uuid
from collections.abc import Sequence

from flask import Flask, Response, g, request

from .problems import Overloaded, overloaded_problem, problem

access_log = logging.getLogger("service.access")

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:/+=-]{1,128}$")
# Paths that stay open when API keys are on: probes, metrics and the contract.
_OPEN_PATHS = frozenset(
    {"/healthz", "/readyz", "/openapi.yaml", "/metrics", "/docs", "/docs/init.js"}
)
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Cache-Control": "no-store",
}


def register_hooks(
    app: Flask, api_keys: Sequence[str] = (), max_queue_seconds: float | None = None
) -> None:
    """Install the before/after-request hooks.

    Args:
        app: The application.
        api_keys: Accepted bearer tokens; empty means no authentication (the
            gateway authenticates).
        max_queue_seconds: Shed a request that waited longer than this before a
            worker took it, as told by the gateway's ``X-Request-Start``.
    """
    keys = tuple(key.encode() for key in api_keys if key)

    @app.before_request
    def start() -> Response | None:
        g.started = time.perf_counter()
        incoming = request.headers.get("X-Request-ID", "")
        g.request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        open_path = request.path in _OPEN_PATHS or request.path.startswith("/docs/static/")
        if keys and not open_path and not _authorised(keys):
            return problem(
                401,
                "Unauthorized",
                "Send a valid API key as 'Authorization: Bearer <key>'.",
                headers={"WWW-Authenticate": 'Bearer realm="summarizer"'},
            )
        waited = _queue_seconds(request.headers.get("X-Request-Start", ""))
        # When the request entered the queue: the compute slot's wait counts from here.
        g.queued_since = time.monotonic() - (waited or 0.0)
        if (
            max_queue_seconds
            and not open_path
            and waited is not None
            and waited > max_queue_seconds
        ):
            # Its client has likely given up; answering now frees the worker for the queue.
            return overloaded_problem(str(Overloaded(waited, max_queue_seconds)))
        return None

    @app.after_request
    def finish(response: Response) -> Response:
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        request_id = getattr(g, "request_id", None)
        if request_id:
            response.headers["X-Request-ID"] = request_id
        started = getattr(g, "started", None)
        elapsed = (time.perf_counter() - started) * 1000.0 if started is not None else None
        # Sizes and ids only: article text never reaches the log.
        access_log.info(
            "%s %s %s",
            request.method,
            request.path,
            response.status_code,
            extra={
                "request_id": request_id,
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": round(elapsed, 3) if elapsed is not None else None,
                "bytes_in": request.content_length or 0,
                "bytes_out": response.calculate_content_length() or 0,
                "remote_addr": request.remote_addr,
            },
        )
        return response


def _queue_seconds(header: str) -> float | None:
    """Seconds since the gateway received the request, from ``t=<epoch>`` (s, ms or µs)."""
    raw = header.strip().removeprefix("t=")
    try:
        stamp = float(raw)
    except ValueError:
        return None
    if stamp > 1e14:
        stamp /= 1e6
    elif stamp > 1e11:
        stamp /= 1e3
    waited = time.time() - stamp
    return waited if 0 <= waited < 86_400 else None


def _authorised(keys: tuple[bytes, ...]) -> bool:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        return False
    presented = token.strip().encode()
    # Compare with every key, in constant time, without stopping at a match.
    matches = [hmac.compare_digest(presented, key) for key in keys]
    return any(matches)
