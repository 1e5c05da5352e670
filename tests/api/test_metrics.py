"""/metrics parsed as Prometheus does (prometheus_client's text parser), before and after.

The registry is process-global, so every check is a difference: the counts rise by what
the test sent. The last test starts the real config/gunicorn.conf.py with two workers on
loopback and shows that /metrics merges what both workers counted.
"""

from __future__ import annotations

import json
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from prometheus_client.parser import text_string_to_metric_families

from tests.builders import story_payload
from tests.servers import lexical_two_workers

ROOT = Path(__file__).resolve().parents[2]
POSTED = (
    "summarizer_http_requests_total",
    {"route": "/v1/summaries", "method": "POST", "status": "200"},
)
UNMATCHED = (
    "summarizer_http_requests_total",
    {"route": "unmatched", "method": "GET", "status": "404"},
)
LATENCY_COUNT = ("summarizer_http_request_duration_seconds_count", {"route": "/v1/summaries"})


def samples(text: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    """Every sample of an exposition by name and labels."""
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(
    parsed: dict[tuple[str, frozenset[tuple[str, str]]], float], key: tuple[str, dict[str, str]]
) -> float:
    return parsed.get((key[0], frozenset(key[1].items())), 0.0)


def test_counts_rise_by_what_was_sent(client: FlaskClient) -> None:
    before = samples(client.get("/metrics").get_data(as_text=True))
    for _ in range(3):
        assert (
            client.post("/v1/summaries", json=story_payload(similarity="lexical")).status_code
            == 200
        )
    for _ in range(2):
        assert client.get("/nowhere").status_code == 404
    after = samples(client.get("/metrics").get_data(as_text=True))
    assert value(after, POSTED) - value(before, POSTED) == 3
    assert value(after, UNMATCHED) - value(before, UNMATCHED) == 2
    assert value(after, LATENCY_COUNT) - value(before, LATENCY_COUNT) == 3
    buckets = [
        k
        for k in after
        if k[0] == "summarizer_http_request_duration_seconds_bucket"
        and ("route", "/v1/summaries") in k[1]
    ]
    assert len(buckets) >= 10  # a histogram, with its le buckets
    segment = ("summarizer_stage_duration_seconds_count", {"stage": "segment"})
    assert value(after, segment) - value(before, segment) == 3
    families = {
        f.name: f.type
        for f in text_string_to_metric_families(client.get("/metrics").get_data(as_text=True))
    }
    assert families["summarizer_http_request_duration_seconds"] == "histogram"
    assert families["summarizer_model_load_seconds"] == "gauge"


def _get(url: str, body: bytes | None = None) -> tuple[int, str]:
    headers = {"Content-Type": "application/json", "Connection": "close"}
    request = urllib.request.Request(url, data=body, headers=headers)
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, response.read().decode()


@pytest.mark.slow
def test_metrics_merge_across_two_real_gunicorn_workers(tmp_path: Path) -> None:
    body = json.dumps(story_payload()).encode()
    sent = 24
    with lexical_two_workers(tmp_path) as base:
        with ThreadPoolExecutor(max_workers=6) as pool:
            statuses = list(pool.map(lambda _: _get(f"{base}/v1/summaries", body)[0], range(sent)))
        assert statuses == [200] * sent
        parsed = samples(_get(f"{base}/metrics")[1])
    assert value(parsed, POSTED) == sent
    assert value(parsed, LATENCY_COUNT) == sent
    # Two workers counted (one file per worker process), and /metrics gave their sum.
    writers = {path.stem.rsplit("_", 1)[1] for path in (tmp_path / "metrics").glob("counter_*.db")}
    assert len(writers) == 2, writers
