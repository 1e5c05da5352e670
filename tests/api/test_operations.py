from __future__ import annotations

import re

import pytest
import yaml
from flask import Flask
from flask.testing import FlaskClient

from service.app import create_app
from service.config import Settings, SettingsError


def test_healthz(client: FlaskClient) -> None:
    assert client.get("/healthz").get_json() == {"status": "ok"}


def test_readyz_names_the_model(client: FlaskClient) -> None:
    body = client.get("/readyz").get_json()
    assert body == {"status": "ready", "model": "all-MiniLM-L6-v2"}


def test_lexical_only_deployment_is_ready_without_a_model(client: FlaskClient) -> None:
    app = create_app(Settings(load_model=False, default_similarity="lexical"))
    response = app.test_client().get("/readyz")
    assert response.status_code == 200
    assert response.get_json()["model"] is None


def test_openapi_is_served(client: FlaskClient) -> None:
    response = client.get("/openapi.yaml")
    assert response.status_code == 200
    assert yaml.safe_load(response.data)["paths"]["/v1/summaries"]["post"]


def test_url_map_equals_spec_paths(app: Flask, spec: dict) -> None:
    routes = {
        (re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule), method.lower())
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static"
        for method in rule.methods or ()
        if method not in ("HEAD", "OPTIONS")
    }
    documented = {(path, method) for path, item in spec["paths"].items() for method in item}
    assert routes == documented


def test_settings_from_env() -> None:
    settings = Settings.from_env({
        "SUMMARIZER_MAX_ARTICLES": "10",
        "SUMMARIZER_LOAD_MODEL": "false",
        "SUMMARIZER_DEFAULT_SIMILARITY": "lexical",
        "SUMMARIZER_MODEL_DIR": "/models/minilm",
        "UNRELATED": "x",
    })
    assert settings.max_articles == 10
    assert settings.load_model is False
    assert settings.model_dir == "/models/minilm"


@pytest.mark.parametrize(
    "environ",
    [
        {"SUMMARIZER_MAX_ARTICLES": "many"},
        {"SUMMARIZER_MAX_ARTICLES": "0"},
        {"SUMMARIZER_LOAD_MODEL": "maybe"},
        {"SUMMARIZER_DEFAULT_SIMILARITY": "bm25"},
        {"SUMMARIZER_LOAD_MODEL": "false"},
        {"SUMMARIZER_DEFAULT_MAX_SENTENCES": "500"},
        {"SUMMARIZER_LOG_LEVEL": "LOUD"},
        {"SUMMARIZER_ENCODER_RUNTIME": "tensorflow"},
        {"SUMMARIZER_ENCODER_PARALLELISM": "0"},
    ],
)
def test_bad_settings_fail_fast(environ: dict[str, str]) -> None:
    with pytest.raises(SettingsError, match="SUMMARIZER_"):
        Settings.from_env(environ)


def test_metrics_count_requests_stages_and_cache(client: FlaskClient) -> None:
    from tests.builders import story_payload

    client.post("/v1/summaries", json=story_payload())
    client.post("/v1/summaries", json=story_payload())
    client.get("/nowhere")
    text = client.get("/metrics").get_data(as_text=True)
    posted = 'summarizer_http_requests_total{method="POST",route="/v1/summaries",status="200"}'
    assert posted in text
    assert 'route="unmatched",status="404"' in text
    assert 'summarizer_stage_duration_seconds_count{stage="segment"}' in text
    assert 'summarizer_embedding_cache_total{result="hit"}' in text
    assert 'summarizer_article_cache_total{result="hit"}' in text
    assert "summarizer_sentences_per_request_bucket" in text
