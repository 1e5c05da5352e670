"""Prometheus metrics, with prometheus_client.

Under gunicorn every worker is a process, so the metrics are written to files
in ``PROMETHEUS_MULTIPROC_DIR`` (set by config/gunicorn.conf.py) and ``/metrics``
merges them with the multiprocess collector. Without that variable (tests, a
single process) the default registry is used.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping

from flask import Flask, Response, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)

from service.summarize import ClaimMap, Summary

_LATENCY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30, 60)

REQUESTS = Counter(
    "summarizer_http_requests_total",
    "HTTP requests by route, method and status.",
    ["route", "method", "status"],
)
LATENCY = Histogram(
    "summarizer_http_request_duration_seconds",
    "HTTP request latency by route.",
    ["route"],
    buckets=_LATENCY_BUCKETS,
)
STAGE = Histogram(
    "summarizer_stage_duration_seconds",
    "Time per pipeline stage.",
    ["stage"],
    buckets=_LATENCY_BUCKETS,
)
SENTENCES = Histogram(
    "summarizer_sentences_per_request",
    "Sentences split from the articles of a request.",
    buckets=(10, 50, 100, 500, 1000, 2500, 5000, 10_000, 20_000, 50_000),
)
ARTICLES = Histogram(
    "summarizer_articles_per_request",
    "Articles in a request.",
    buckets=(1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000),
)
CACHE = Counter(
    "summarizer_embedding_cache_total", "Sentence-embedding cache look-ups by result.", ["result"]
)
ARTICLE_CACHE = Counter(
    "summarizer_article_cache_total",
    "Article look-ups in the segmentation cache by result.",
    ["result"],
)
MODEL_LOAD = Gauge(
    "summarizer_model_load_seconds",
    "Seconds the sentence encoder took to load.",
    multiprocess_mode="max",
)


def observe_summary(summary: Summary) -> None:
    """Record what one summary cost."""
    _observe_work(summary.timings_ms, summary.sentence_count, len(summary.articles))
    if summary.embedding_cache:
        CACHE.labels("hit").inc(summary.embedding_cache.get("hits", 0))
        CACHE.labels("miss").inc(summary.embedding_cache.get("misses", 0))
    if summary.article_cache:
        ARTICLE_CACHE.labels("hit").inc(summary.article_cache.get("hits", 0))
        ARTICLE_CACHE.labels("miss").inc(summary.article_cache.get("misses", 0))


def observe_claims(claim_map: ClaimMap) -> None:
    """Record what one claim map cost."""
    _observe_work(claim_map.timings_ms, claim_map.sentence_count, len(claim_map.articles))


def _observe_work(timings_ms: Mapping[str, float], sentences: int, articles: int) -> None:
    for stage, milliseconds in timings_ms.items():
        STAGE.labels(stage).observe(milliseconds / 1000.0)
    SENTENCES.observe(sentences)
    ARTICLES.observe(articles)


def register_metrics(app: Flask) -> None:
    """Count every request, and serve ``GET /metrics``."""

    @app.after_request
    def count(response: Response) -> Response:
        route = request.url_rule.rule if request.url_rule is not None else "unmatched"
        REQUESTS.labels(route, request.method, str(response.status_code)).inc()
        started = g.get("started")
        if started is not None:
            LATENCY.labels(route).observe(time.perf_counter() - started)
        return response

    @app.get("/metrics")
    def metrics() -> Response:
        """Prometheus exposition of this process, or of every worker under gunicorn."""
        if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            registry = CollectorRegistry()
            multiprocess.MultiProcessCollector(registry)
            body = generate_latest(registry)
        else:
            body = generate_latest()
        return Response(
            body,
            mimetype=CONTENT_TYPE_LATEST.split(";")[0],
            headers={"Content-Type": CONTENT_TYPE_LATEST},
        )
