"""``options.query``: focused summaries over HTTP, each response checked against openapi.yaml."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from service.summarize import SIMILARITY_KINDS
from tests.builders import STORY, story_payload

GRAIN = "grain exports"


def post(client: FlaskClient, body: Any) -> Any:
    return client.post("/v1/summaries", json=body)


def stable(body: dict[str, Any]) -> dict[str, Any]:
    """The body without what changes from run to run (timings, and the article cache's
    counts, which depend on what the process saw before)."""
    skip = ("elapsed_ms", "timings_ms", "article_cache")
    meta = {k: v for k, v in body["meta"].items() if k not in skip}
    return {**body, "meta": meta}


@pytest.mark.parametrize("similarity", SIMILARITY_KINDS)
def test_query_brings_grain_exports_into_the_summary(
    client: FlaskClient, similarity: str
) -> None:
    plain = post(client, story_payload(similarity=similarity)).get_json()
    response = post(client, story_payload(similarity=similarity, query=GRAIN))
    assert response.status_code == 200
    body = response.get_json()
    assert not any("grain" in s["text"] for s in plain["sentences"])
    assert any(
        "Exporters" in s["text"] or "Farmers" in s["text"] for s in body["sentences"]
    )
    for sentence in body["sentences"]:
        assert 0.0 <= sentence["relevance"] <= 1.0
        first = sentence["citations"][0]
        assert STORY[first["article_id"]][first["start"] : first["end"]] == sentence["text"]
    assert body["meta"]["query"]["relevance"] == "high"
    assert body["meta"]["query"]["max_relevance"] == max(
        s["relevance"] for s in body["sentences"]
    )


def test_query_steers_the_top_sentence(client: FlaskClient) -> None:
    body = post(
        client, story_payload(similarity="lexical", query="the crane accident that injured workers")
    ).get_json()
    assert "crane" in body["sentences"][0]["text"]


def test_irrelevant_query_returns_the_general_summary_and_says_so(client: FlaskClient) -> None:
    plain = post(client, story_payload(similarity="lexical")).get_json()
    response = post(client, story_payload(similarity="lexical", query="quantum zebra migration"))
    assert response.status_code == 200
    body = response.get_json()
    assert [s["text"] for s in body["sentences"]] == [s["text"] for s in plain["sentences"]]
    assert body["meta"]["query"] == {"relevance": "low", "max_relevance": 0.0}


@pytest.mark.parametrize("similarity", ["lexical", "hybrid"])
def test_without_query_the_response_is_unchanged(client: FlaskClient, similarity: str) -> None:
    omitted = stable(post(client, story_payload(similarity=similarity)).get_json())
    null = stable(post(client, story_payload(similarity=similarity, query=None)).get_json())
    assert omitted == null
    assert "query" not in omitted["meta"]
    assert all("relevance" not in s for s in omitted["sentences"])


@pytest.mark.parametrize(
    "query",
    ["", "   \n\t", "x" * 2001, 42, ["grain"]],
    ids=["empty", "blank", "too-long", "number", "list"],
)
def test_bad_query_is_a_422_naming_the_field(client: FlaskClient, query: Any) -> None:
    response = post(client, story_payload(query=query))
    assert response.status_code == 422
    body = response.get_json()
    assert "#/options/query" in [error["pointer"] for error in body["errors"]]


def test_longest_query_is_accepted(client: FlaskClient) -> None:
    query = ("grain exports " * 200)[:2000]
    response = post(client, story_payload(similarity="lexical", query=query))
    assert response.status_code == 200
