from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from service.app import create_app
from service.config import Settings, SettingsError
from service.summarize import SentenceEncoder
from tests.builders import story_payload

# The README's values ("Try it"), spelled out: not the code's own table.
README_SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Cache-Control": "no-store",
}


@pytest.mark.parametrize(
    ("method", "path"),
    [("get", "/healthz"), ("get", "/nowhere"), ("post", "/v1/summaries"), ("get", "/readyz")],
)
def test_security_headers_on_every_response(client: FlaskClient, method: str, path: str) -> None:
    response = getattr(client, method)(path)
    assert {name: response.headers.get(name) for name in README_SECURITY_HEADERS} == (
        README_SECURITY_HEADERS
    )


def test_readme_lists_the_security_headers_as_sent() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    for name, value in README_SECURITY_HEADERS.items():
        assert f"\n{name}: {value}\n" in readme


def test_request_id_is_honoured_or_made(client: FlaskClient) -> None:
    assert (
        client.get("/healthz", headers={"X-Request-ID": "abc-123"}).headers["X-Request-ID"]
        == "abc-123"
    )
    made = client.get("/healthz", headers={"X-Request-ID": "bad id with spaces!"})
    assert made.headers["X-Request-ID"] != "bad id with spaces!"
    assert len(made.headers["X-Request-ID"]) == 32


def test_access_line_has_ids_and_sizes_never_text(
    client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="service.access"):
        client.post("/v1/summaries", json=story_payload(), headers={"X-Request-ID": "r-1"})
    records = [r for r in caplog.records if r.name == "service.access"]
    assert len(records) == 1
    record = records[0]
    assert (record.request_id, record.status, record.path) == ("r-1", 200, "/v1/summaries")
    assert record.bytes_in > 1000 and record.duration_ms > 0
    logged = " ".join(r.getMessage() + json.dumps(r.__dict__, default=str) for r in caplog.records)
    assert "Ostrova" not in logged and "dockworkers" not in logged


@pytest.fixture
def keyed_client(encoder: SentenceEncoder, tmp_path: Path) -> FlaskClient:
    key_file = tmp_path / "keys"
    key_file.write_text("# rotated monthly\nfile-key\n")
    settings = Settings(api_keys="env-key-1, env-key-2", api_keys_file=str(key_file))
    return create_app(settings, encoder=encoder).test_client()


@pytest.mark.parametrize(
    "header", [None, "Bearer wrong", "Basic env-key-1", "Bearer ", "env-key-1"]
)
def test_api_key_required_when_configured(keyed_client: FlaskClient, header: str | None) -> None:
    headers = {"Authorization": header} if header is not None else {}
    response = keyed_client.post("/v1/summaries", json=story_payload(), headers=headers)
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("key", ["env-key-1", "env-key-2", "file-key"])
def test_valid_api_keys_pass(keyed_client: FlaskClient, key: str) -> None:
    payload = story_payload(similarity="lexical")
    response = keyed_client.post(
        "/v1/summaries", json=payload, headers={"Authorization": f"Bearer {key}"}
    )
    assert response.status_code == 200


def test_probes_stay_open_with_api_keys(keyed_client: FlaskClient) -> None:
    assert keyed_client.get("/healthz").status_code == 200
    assert keyed_client.get("/readyz").status_code == 200


def test_unreadable_key_file_fails_fast(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="API_KEYS_FILE"):
        Settings(api_keys_file=str(tmp_path / "missing"))


@pytest.mark.parametrize("scale", [1, 1_000, 1_000_000])
def test_request_that_queued_too_long_is_shed(client: FlaskClient, scale: int) -> None:
    import time

    stale = f"t={int((time.time() - 60) * scale)}"
    response = client.post(
        "/v1/summaries", json=story_payload(), headers={"X-Request-Start": stale}
    )
    assert response.status_code == 503
    assert response.get_json()["type"] == "tag:summarizer.service,2026:problems/overloaded"
    assert response.headers["Retry-After"] == "5"
    fresh = f"t={time.time():.3f}"
    ok = client.post("/v1/summaries", json=story_payload(), headers={"X-Request-Start": fresh})
    assert ok.status_code == 200
    probe = client.get("/readyz", headers={"X-Request-Start": stale})
    assert probe.status_code == 200


@pytest.mark.parametrize("header", ["", "t=", "t=abc", "t=-5", "t=99999999999999999999"])
def test_unusable_request_start_is_ignored(client: FlaskClient, header: str) -> None:
    response = client.post(
        "/v1/summaries", json=story_payload(), headers={"X-Request-Start": header}
    )
    assert response.status_code == 200
