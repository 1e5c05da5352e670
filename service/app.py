"""The application factory."""

from __future__ import annotations

import logging
import os
from typing import Any

from flask import Flask, g, has_request_context
from pythonjsonlogger.json import JsonFormatter
from werkzeug.middleware.proxy_fix import ProxyFix

from service.api import bp
from service.api.docs import docs
from service.api.hooks import register_hooks
from service.api.metrics import MODEL_LOAD, register_metrics
from service.api.problems import register_error_handlers
from service.api.routes import ApiState
from service.api.schemas import Limits
from service.config import Settings, set_library_defaults
from service.summarize import Encoder, SentenceEncoder, warm_up_segmenter

log = logging.getLogger(__name__)


def create_app(settings: Settings | None = None, *, encoder: Encoder | None = None) -> Flask:
    """Build the app.

    Args:
        settings: Defaults to ``Settings.from_env(os.environ)``.
        encoder: A loaded sentence encoder to share (tests do); when None and
            ``settings.load_model`` is true, the encoder is loaded here, once.
    """
    set_library_defaults(os.environ)
    settings = settings or Settings.from_env(os.environ)
    app = Flask(__name__)
    configure_logging(settings)
    apply_settings(app, settings, encoder)
    register_blueprints(app)
    register_error_handlers(app)
    register_hooks(app, settings.accepted_api_keys(), settings.max_queue_seconds or None)
    register_metrics(app)
    mount_behind_gateway(app, settings)
    return app


def mount_behind_gateway(app: Flask, settings: Settings) -> None:
    """Honour X-Forwarded-* from trusted hops, and a fixed path prefix.

    With ``trusted_proxy_hops`` set, werkzeug's ProxyFix takes the client
    address, scheme, host and prefix (``X-Forwarded-Prefix``, which becomes
    SCRIPT_NAME) from the last N proxies. ``path_prefix`` serves the same
    routes under a prefix the gateway forwards unchanged.
    """
    wsgi = app.wsgi_app
    if settings.path_prefix:
        wsgi = _PrefixMiddleware(wsgi, settings.path_prefix)
    if settings.trusted_proxy_hops:
        hops = settings.trusted_proxy_hops
        wsgi = ProxyFix(wsgi, x_for=hops, x_proto=hops, x_host=hops, x_port=hops, x_prefix=hops)
    app.wsgi_app = wsgi  # type: ignore[method-assign]


class _PrefixMiddleware:
    """Move a leading path prefix from PATH_INFO to SCRIPT_NAME."""

    def __init__(self, app: Any, prefix: str) -> None:
        self.app = app
        self.prefix = prefix

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        path = environ.get("PATH_INFO", "")
        if path == self.prefix or path.startswith(self.prefix + "/"):
            environ["SCRIPT_NAME"] = environ.get("SCRIPT_NAME", "") + self.prefix
            environ["PATH_INFO"] = path[len(self.prefix) :] or "/"
        return self.app(environ, start_response)


def apply_settings(app: Flask, settings: Settings, encoder: Encoder | None) -> None:
    """Flask's own limits, and the state the views read."""
    app.config["MAX_CONTENT_LENGTH"] = settings.max_body_bytes
    # Werkzeug's form-parsing limits do not apply: bodies are JSON, read whole.
    app.config["JSON_SORT_KEYS"] = False
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.json.compact = True  # type: ignore[attr-defined]
    # Punkt's tables are built here, before gunicorn forks, not by the first request.
    warm_up_segmenter()
    if encoder is None and settings.load_model:
        encoder = SentenceEncoder(**settings.encoder_options())
        log.info("sentence encoder loaded in %.2f s", encoder.load_seconds)
        MODEL_LOAD.set(encoder.load_seconds)
    app.extensions["summarizer"] = ApiState(
        limits=Limits(
            max_articles=settings.max_articles,
            max_article_chars=settings.max_article_chars,
            max_total_chars=settings.max_total_chars,
            max_summary_sentences=settings.max_summary_sentences,
            max_summary_words=settings.max_summary_words,
            default_max_sentences=settings.default_max_sentences,
            default_similarity=settings.default_similarity,
            default_order=settings.default_order,
        ),
        encoder=encoder if settings.load_model else None,
        model_expected=settings.load_model,
        max_sentences_considered=settings.max_sentences_considered,
        request_timeout=settings.request_timeout_seconds or None,
        body_timeout=settings.body_timeout_seconds or None,
        max_queue_seconds=settings.max_queue_seconds or None,
        max_json_depth=settings.max_json_depth,
    )


def register_blueprints(app: Flask) -> None:
    app.register_blueprint(bp)
    app.register_blueprint(docs)


class _RequestIdFilter(logging.Filter):
    """Stamp every record logged inside a request with that request's id."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = g.get("request_id") if has_request_context() else None
        return True


def configure_logging(settings: Settings) -> None:
    """One stderr handler on the root logger: JSON lines by default.

    Article text is never logged; records carry ids, sizes and timings only.
    """
    root = logging.getLogger()
    handler = next((h for h in root.handlers if getattr(h, "_summarizer", False)), None)
    if handler is None:
        handler = logging.StreamHandler()
        handler._summarizer = True  # type: ignore[attr-defined]
        handler.addFilter(_RequestIdFilter())
        root.addHandler(handler)
    if settings.log_format == "json":
        handler.setFormatter(
            JsonFormatter(
                "%(asctime)s %(levelname)s %(name)s %(message)s",
                rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
            )
        )
    else:
        handler.setFormatter(
            logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")
        )
    root.setLevel(settings.log_level.upper())
    for noisy in ("transformers", "urllib3", "filelock"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
