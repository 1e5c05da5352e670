"""Update summaries over HTTP (options.known, options.since), each response checked
against openapi.yaml by the contract client."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.builders import FLOOD_KNOWN, FLOOD_NEW, flood_update_payload

PROBLEMS = "tag:summarizer.service,2026:problems/"
KNOWN = list(FLOOD_KNOWN)


def ok(client: FlaskClient, path: str, body: dict[str, Any]) -> dict[str, Any]:
    response = client.post(path, json=body)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    result: dict[str, Any] = response.get_json()
    return result


@pytest.mark.parametrize(
    "options",
    [{"known": KNOWN}, {"since": "2026-03-03T07:00:00Z"}, {"since": "2026-03-03T09:00:00+02:00"}],
)
def test_update_holds_only_news_the_correction_first(
    client: FlaskClient, options: dict[str, Any]
) -> None:
    body = flood_update_payload(**options)
    texts = {article["id"]: article["text"] for article in body["articles"]}
    answer = ok(client, "/v1/summaries", body)

    sentences = answer["sentences"]
    assert sentences
    for sentence in sentences:
        for citation in sentence["citations"]:
            assert citation["article_id"] in FLOOD_NEW
            assert texts[citation["article_id"]][citation["start"] : citation["end"]]
        assert sentence["novelty"] in ("new", "changed")
    first = sentences[0]
    assert first["novelty"] == "changed" and "15 people" in first["text"]
    earlier = [d for d in first["disagreements"] if d["article_id"] in FLOOD_KNOWN]
    assert earlier and all((d["value"], d["other"]) == ("15", "12") for d in earlier)
    for dispute in earlier:
        assert "12 people" in texts[dispute["article_id"]][dispute["start"] : dispute["end"]]


def test_without_known_no_novelty_and_the_whole_story(client: FlaskClient) -> None:
    answer = ok(client, "/v1/summaries", flood_update_payload())
    assert all("novelty" not in sentence for sentence in answer["sentences"])
    cited = {c["article_id"] for s in answer["sentences"] for c in s["citations"]}
    assert cited & set(FLOOD_KNOWN)


def test_an_unknown_known_id_is_a_validation_problem_naming_it(client: FlaskClient) -> None:
    for path in ("/v1/summaries", "/v1/claims"):
        response = client.post(path, json=flood_update_payload(known=["k1", "k9"]))
        assert response.status_code == 422
        problem = response.get_json()
        assert problem["type"] == PROBLEMS + "validation-error"
        assert [e["pointer"] for e in problem["errors"]] == ["#/options/known/1"]
        assert "k9" in problem["errors"][0]["detail"]


@pytest.mark.parametrize(
    "options",
    [
        {"known": KNOWN + list(FLOOD_NEW)},
        {"since": "2026-03-05T00:00:00Z"},
        {"known": ["n2"], "since": "2026-03-04T10:00:00Z"},
    ],
)
def test_all_known_is_nothing_new(client: FlaskClient, options: dict[str, Any]) -> None:
    for path in ("/v1/summaries", "/v1/claims"):
        response = client.post(path, json=flood_update_payload(**options))
        assert response.status_code == 422
        assert response.content_type == "application/problem+json"
        assert response.get_json()["type"] == PROBLEMS + "nothing-new"


@pytest.mark.parametrize(
    ("options", "pointer"),
    [
        ({"known": "k1"}, "#/options/known"),
        ({"known": [""]}, "#/options/known/0"),
        ({"since": "yesterday"}, "#/options/since"),
        ({"since": "2026-03-03T07:00:00"}, "#/options/since"),
    ],
)
def test_bad_known_or_since_names_the_field(
    client: FlaskClient, options: dict[str, Any], pointer: str
) -> None:
    response = client.post("/v1/summaries", json=flood_update_payload(**options))
    assert response.status_code == 422
    assert pointer in [error["pointer"] for error in response.get_json()["errors"]]


def test_claims_are_marked_new_known_or_changed(client: FlaskClient) -> None:
    answer = ok(client, "/v1/claims", flood_update_payload(known=KNOWN))
    for claim in answer["claims"]:
        ids = {sentence["article_id"] for sentence in claim["sentences"]}
        if ids & set(FLOOD_KNOWN):
            assert claim["novelty"] == "known"
        else:
            assert claim["novelty"] in ("new", "changed")
    toll = next(claim for claim in answer["claims"] if "15 people" in claim["text"])
    assert toll["novelty"] == "changed"
    plain = ok(client, "/v1/claims", flood_update_payload())
    assert all("novelty" not in claim for claim in plain["claims"])
