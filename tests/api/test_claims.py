"""``POST /v1/claims``: the claim map over HTTP, each response checked against openapi.yaml."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from service.app import create_app
from service.config import Settings
from service.summarize import DISAGREEMENT_KINDS, SIMILARITY_KINDS, SentenceEncoder
from tests.api.stories import FLOOD, flood_payload, words
from tests.builders import STORY, story_payload

VALIDATION = "tag:summarizer.service,2026:problems/validation-error"


def post(client: FlaskClient, body: Any) -> Any:
    return client.post("/v1/claims", json=body)


def claims_of(client: FlaskClient, body: Any) -> dict[str, Any]:
    response = post(client, body)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    result: dict[str, Any] = response.get_json()
    return result


def assert_consistent(body: dict[str, Any], texts: dict[str, str]) -> None:
    """What every claim map promises, whatever the story and options."""
    claims = body["claims"]
    assert [a["id"] for a in body["articles"]] == list(texts)
    origin = {a["id"]: a["origin"] or a["id"] for a in body["articles"]}
    assert body["meta"]["returned"] == len(claims) <= body["meta"]["claim_count"]
    assert body["meta"]["article_count"] == len(texts)
    seen: set[tuple[str, int]] = set()
    for claim in claims:
        first = claim["sentences"][0]
        assert texts[first["article_id"]][first["start"] : first["end"]] == claim["text"]
        assert (first["relation"], first["similarity"]) == ("verbatim", 1.0)
        cited = [s["article_id"] for s in claim["sentences"]]
        assert len(cited) == len(set(cited)) == claim["support"]
        assert 1 <= claim["independent_support"] <= claim["support"]
        assert claim["independent_support"] == len({origin[a] for a in cited})
        assert 0.0 <= claim["score"] <= 1.0
        for sentence in claim["sentences"]:
            span = texts[sentence["article_id"]][sentence["start"] : sentence["end"]]
            assert span and span == span.strip()
            same = words(span) == words(claim["text"])
            assert sentence["relation"] == ("verbatim" if same else "paraphrase"), span
            assert 0.0 <= sentence["similarity"] <= 1.0
            key = (sentence["article_id"], sentence["sentence_index"])
            assert key not in seen, f"{key} is in two claims"
            seen.add(key)
        for disagreement in claim["disagreements"]:
            assert disagreement["kind"] in DISAGREEMENT_KINDS
            assert disagreement["article_id"] not in cited
            span = texts[disagreement["article_id"]][disagreement["start"] : disagreement["end"]]
            assert span and span == span.strip()
    keys = [(c["independent_support"], c["support"], c["score"]) for c in claims]
    assert keys == sorted(keys, reverse=True), "claims are not best supported first"


@pytest.mark.parametrize("similarity", SIMILARITY_KINDS)
def test_claims_cite_exact_spans_best_supported_first(
    client: FlaskClient, similarity: str
) -> None:
    body = claims_of(client, story_payload(similarity=similarity))
    assert_consistent(body, STORY)
    assert body["meta"]["similarity"] == similarity
    assert body["meta"]["model"] == (None if similarity == "lexical" else "all-MiniLM-L6-v2")
    # The union leader's words are the best supported claim: the wire quote, its copy and
    # the run-on paraphrase at least (semantic alone does not match the paraphrase's
    # reported speech to the quote, as in summaries).
    top = body["claims"][0]
    assert "safety rules" in top["text"] or "Ostrova" in top["text"]
    assert top["support"] >= 3
    # Every sentence that could be chosen is in a claim (none is left out without bounds).
    cited = sum(len(claim["sentences"]) for claim in body["claims"])
    assert cited == body["meta"]["candidate_count"]


@pytest.mark.parametrize("similarity", ["lexical", "hybrid"])
def test_copies_count_once_and_disagreements_are_not_support(
    client: FlaskClient, similarity: str
) -> None:
    body = claims_of(client, flood_payload(similarity=similarity))
    assert_consistent(body, FLOOD)
    origins = {a["id"]: a["origin"] for a in body["articles"]}
    assert origins == {"wire": None, "herald": "wire", "gazette": None}

    twelve = next(c for c in body["claims"] if "12 people" in c["text"])
    assert {s["article_id"] for s in twelve["sentences"]} == {"wire", "herald"}
    assert (twelve["support"], twelve["independent_support"]) == (2, 1)
    [dispute] = twelve["disagreements"]
    assert (dispute["article_id"], dispute["kind"]) == ("gazette", "number")
    assert (dispute["value"], dispute["other"]) == ("12", "15")
    assert "15 people" in FLOOD["gazette"][dispute["start"] : dispute["end"]]

    inspected = next(c for c in body["claims"] if "had been inspected" in c["text"])
    assert [d["kind"] for d in inspected["disagreements"]] == ["negation"]


def test_min_support_leaves_out_the_less_supported(client: FlaskClient) -> None:
    every = claims_of(client, story_payload(similarity="lexical"))
    shared = claims_of(client, story_payload(similarity="lexical", min_support=2))
    assert_consistent(shared, STORY)
    assert shared["claims"] == [c for c in every["claims"] if c["support"] >= 2]
    assert any(c["support"] == 1 for c in every["claims"])
    assert shared["meta"]["claim_count"] == every["meta"]["claim_count"]
    assert all(a["exclusive_claims"] == [] for a in shared["articles"])


def test_min_support_above_the_articles_gives_no_claim(client: FlaskClient) -> None:
    body = claims_of(client, story_payload(similarity="lexical", min_support=5))
    assert body["claims"] == []
    assert body["meta"]["returned"] == 0
    assert body["meta"]["claim_count"] > 0


@pytest.mark.parametrize("max_claims", [1, 3])
def test_max_claims_bounds_the_answer(client: FlaskClient, max_claims: int) -> None:
    every = claims_of(client, story_payload(similarity="lexical"))
    bounded = claims_of(client, story_payload(similarity="lexical", max_claims=max_claims))
    assert bounded["claims"] == every["claims"][:max_claims]
    assert bounded["meta"]["returned"] == max_claims
    assert bounded["meta"]["claim_count"] == every["meta"]["claim_count"] > max_claims


def test_exclusive_claims_are_the_articles_own_support_1_claims(client: FlaskClient) -> None:
    body = claims_of(client, story_payload(similarity="lexical"))
    claims = body["claims"]
    listed: list[int] = []
    for article in body["articles"]:
        for index in article["exclusive_claims"]:
            assert claims[index]["support"] == 1
            assert claims[index]["sentences"][0]["article_id"] == article["id"]
        listed.extend(article["exclusive_claims"])
    singles = [i for i, claim in enumerate(claims) if claim["support"] == 1]
    assert singles and sorted(listed) == singles


def test_exclusive_claims_only_index_returned_claims(client: FlaskClient) -> None:
    body = claims_of(client, story_payload(similarity="lexical", max_claims=8))
    for article in body["articles"]:
        assert all(0 <= index < len(body["claims"]) for index in article["exclusive_claims"])


def test_defaults(client: FlaskClient) -> None:
    omitted = claims_of(client, story_payload())
    explicit = claims_of(client, story_payload(similarity="hybrid", min_support=1, max_claims=200))
    assert omitted["claims"] == explicit["claims"]
    assert omitted["meta"]["similarity"] == "hybrid"


def test_same_request_same_claims(client: FlaskClient) -> None:
    first, second = (claims_of(client, story_payload())["claims"] for _ in range(2))
    assert first == second


def test_optional_article_fields_are_accepted(client: FlaskClient) -> None:
    payload = story_payload(similarity="lexical")
    payload["articles"][0].update(
        title="Dockworkers strike", source="Wire", url="https://example.org/a", published_at=None
    )
    assert post(client, payload).status_code == 200


# --- errors: problem+json naming the field (tests/api/test_errors.py: those of both) --


@pytest.mark.parametrize(
    ("options", "pointer"),
    [
        ({"min_support": 0}, "#/options/min_support"),
        ({"min_support": 5001}, "#/options/min_support"),
        ({"min_support": "2"}, "#/options/min_support"),
        ({"min_support": 2.5}, "#/options/min_support"),
        ({"min_support": True}, "#/options/min_support"),
        ({"min_support": None}, "#/options/min_support"),
        ({"max_claims": 0}, "#/options/max_claims"),
        ({"max_claims": 5001}, "#/options/max_claims"),
        ({"max_claims": "200"}, "#/options/max_claims"),
        ({"max_claims": -1}, "#/options/max_claims"),
        ({"similarity": "bm25"}, "#/options/similarity"),
        ({"similarity": 1}, "#/options/similarity"),
        # The summaries' own options are unknown here.
        ({"max_sentences": 5}, "#/options/max_sentences"),
        ({"query": "grain"}, "#/options/query"),
        ({"colour": "red"}, "#/options/colour"),
    ],
)
def test_invalid_options_are_named(client: FlaskClient, options: Any, pointer: str) -> None:
    response = post(client, {**story_payload(), "options": options})
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    problem = response.get_json()
    assert problem["type"] == VALIDATION
    assert [error["pointer"] for error in problem["errors"]] == [pointer]
    assert pointer in problem["detail"]


def test_every_bad_field_is_listed(client: FlaskClient) -> None:
    body = {"articles": [{"id": "a", "text": ""}], "options": {"min_support": 0, "max_claims": 0}}
    pointers = {e["pointer"] for e in post(client, body).get_json()["errors"]}
    assert pointers == {"#/articles/0/text", "#/options/min_support", "#/options/max_claims"}


def test_min_support_is_bounded_by_the_articles_a_request_may_hold(
    client_for: Callable[[Flask], FlaskClient], encoder: SentenceEncoder
) -> None:
    small = client_for(create_app(Settings(max_articles=3), encoder=encoder))
    three = {"articles": story_payload()["articles"][:3], "options": {"min_support": 3}}
    assert post(small, three).status_code == 200
    response = post(small, {**three, "options": {"min_support": 4}})
    assert response.status_code == 422
    assert [e["pointer"] for e in response.get_json()["errors"]] == ["#/options/min_support"]


def test_lexical_works_without_the_encoder(client_for: Callable[[Flask], FlaskClient]) -> None:
    lexical = client_for(create_app(Settings(load_model=False, default_similarity="lexical")))
    body = claims_of(lexical, story_payload())
    assert body["meta"]["similarity"] == "lexical"
    assert body["meta"]["model"] is None
    assert_consistent(body, STORY)
    assert post(lexical, story_payload(similarity="hybrid")).status_code == 503


def test_metrics_count_claim_requests_and_stages(client: FlaskClient) -> None:
    post(client, story_payload(similarity="lexical"))
    text = client.get("/metrics").get_data(as_text=True)
    assert 'summarizer_http_requests_total{method="POST",route="/v1/claims",status="200"}' in text
    assert 'summarizer_stage_duration_seconds_count{stage="claims"}' in text
