from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from service.summarize import DISAGREEMENT_KINDS, RELATIONS, SIMILARITY_KINDS
from tests.api.stories import FLOOD, flood_payload, words
from tests.builders import BOILERPLATE_LINES, QUOTE, STORY, story_payload


def post(client: FlaskClient, body: Any) -> Any:
    return client.post("/v1/summaries", json=body)


def assert_exact_citations(body: dict[str, Any], texts: dict[str, str]) -> None:
    for sentence in body["sentences"]:
        first = sentence["citations"][0]
        assert texts[first["article_id"]][first["start"] : first["end"]] == sentence["text"]
        for citation in sentence["citations"]:
            span = texts[citation["article_id"]][citation["start"] : citation["end"]]
            assert span and span == span.strip()
        assert sentence["support"] == len({c["article_id"] for c in sentence["citations"]})


@pytest.mark.parametrize("similarity", SIMILARITY_KINDS)
def test_summary_cites_exact_spans(client: FlaskClient, similarity: str) -> None:
    response = post(client, story_payload(similarity=similarity))
    assert response.status_code == 200
    body = response.get_json()
    assert 1 <= len(body["sentences"]) <= 5
    assert_exact_citations(body, STORY)
    assert body["summary"] == " ".join(s["text"] for s in body["sentences"])
    assert body["meta"]["similarity"] == similarity


def test_default_summary_has_the_quote_cited_by_every_source(client: FlaskClient) -> None:
    body = post(client, story_payload()).get_json()
    assert len(body["sentences"]) == 5
    top = body["sentences"][0]
    assert "Ostrova" in top["text"]
    assert {c["article_id"] for c in top["citations"]} == set(STORY)
    assert top["support"] == 4
    assert any("We will not return to work" in STORY["runon"][c["start"] : c["end"]]
               for c in top["citations"] if c["article_id"] == "runon")
    assert QUOTE.split()[0] in STORY["wire"]


def test_no_boilerplate_and_no_run_on_is_chosen(client: FlaskClient) -> None:
    body = post(client, story_payload(max_sentences=20)).get_json()
    for sentence in body["sentences"]:
        assert len(sentence["text"].split()) <= 60
        for line in BOILERPLATE_LINES:
            assert line not in sentence["text"] and sentence["text"] not in line


def test_no_two_sentences_say_the_same_thing(client: FlaskClient) -> None:
    body = post(client, story_payload(max_sentences=20)).get_json()
    spans = [
        {(c["article_id"], c["sentence_index"]) for c in s["citations"]} for s in body["sentences"]
    ]
    for i, first in enumerate(spans):
        for second in spans[i + 1 :]:
            assert not first & second


def test_max_words_is_a_hard_budget(client: FlaskClient) -> None:
    body = post(client, story_payload(max_sentences=10, max_words=45)).get_json()
    assert body["sentences"]
    assert sum(len(s["text"].split()) for s in body["sentences"]) <= 45


def test_order_source_is_reading_order(client: FlaskClient) -> None:
    payload = story_payload(max_sentences=6, order="source")
    dates = ["2026-03-04T10:00:00Z", "2026-03-02T10:00:00+02:00", "2026-03-03T09:00:00Z", None]
    for article, date in zip(payload["articles"], dates, strict=True):
        article["published_at"] = date
    body = post(client, payload).get_json()
    rank = {"copy": 0, "paraphrase": 1, "wire": 2, "runon": 3}
    keys = [(rank[s["citations"][0]["article_id"]], s["citations"][0]["sentence_index"])
            for s in body["sentences"]]
    assert keys == sorted(keys)


def test_same_request_same_response(client: FlaskClient) -> None:
    first = post(client, story_payload()).get_json()
    second = post(client, story_payload()).get_json()
    assert first["sentences"] == second["sentences"]


def test_articles_report_counts(client: FlaskClient) -> None:
    body = post(client, story_payload()).get_json()
    reports = {r["id"]: r for r in body["articles"]}
    assert list(reports) == list(STORY)
    assert reports["copy"]["boilerplate_count"] >= 4
    for report in reports.values():
        assert report["candidate_count"] + report["boilerplate_count"] == report["sentence_count"]


def test_optional_article_fields_are_accepted(client: FlaskClient) -> None:
    payload = story_payload()
    payload["articles"][0].update(
        title="Dockworkers strike", source="Wire", url="https://example.org/a", published_at=None
    )
    assert post(client, payload).status_code == 200


def test_second_request_hits_the_article_cache(client: FlaskClient) -> None:
    post(client, story_payload(similarity="lexical"))
    meta = post(client, story_payload(similarity="lexical")).get_json()["meta"]
    assert meta["article_cache"] == {"hits": meta["article_count"], "misses": 0}


def test_second_request_hits_the_embedding_cache(client: FlaskClient) -> None:
    post(client, story_payload())
    meta = post(client, story_payload()).get_json()["meta"]
    assert meta["embedding_cache"]["misses"] == 0
    assert meta["embedding_cache"]["hits"] == meta["candidate_count"]


def assert_agreement_fields(body: dict[str, Any], texts: dict[str, str]) -> None:
    """Support counts agreement only: copies of one origin once, disagreements never."""
    origin = {a["id"]: a["origin"] or a["id"] for a in body["articles"]}
    assert set(origin) == set(texts)
    for sentence in body["sentences"]:
        first = sentence["citations"][0]
        assert (first["relation"], first["similarity"]) == ("verbatim", 1.0)
        cited = {c["article_id"] for c in sentence["citations"]}
        assert 1 <= sentence["independent_support"] <= sentence["support"]
        assert sentence["independent_support"] == len({origin[a] for a in cited})
        for citation in sentence["citations"]:
            assert citation["relation"] in RELATIONS
            assert 0.0 <= citation["similarity"] <= 1.0
        for disagreement in sentence["disagreements"]:
            assert disagreement["kind"] in DISAGREEMENT_KINDS
            assert disagreement["article_id"] not in cited
            text = texts[disagreement["article_id"]]
            span = text[disagreement["start"] : disagreement["end"]]
            assert span and span == span.strip()
            assert disagreement["value"] != disagreement["other"]


@pytest.mark.parametrize("similarity", SIMILARITY_KINDS)
def test_every_sentence_says_how_it_agrees(client: FlaskClient, similarity: str) -> None:
    body = post(client, story_payload(similarity=similarity, max_sentences=20)).get_json()
    for sentence in body["sentences"]:
        assert {"independent_support", "disagreements"} <= set(sentence)
    assert all("origin" in report for report in body["articles"])
    assert_agreement_fields(body, STORY)


@pytest.mark.parametrize("payload", [story_payload(), flood_payload()], ids=["port", "flood"])
def test_verbatim_means_the_same_words(client: FlaskClient, payload: dict[str, Any]) -> None:
    body = post(client, {**payload, "options": {"max_sentences": 20}}).get_json()
    texts = {a["id"]: a["text"] for a in payload["articles"]}
    relations = set()
    for sentence in body["sentences"]:
        for citation in sentence["citations"]:
            cited = texts[citation["article_id"]][citation["start"] : citation["end"]]
            same = words(cited) == words(sentence["text"])
            assert citation["relation"] == ("verbatim" if same else "paraphrase"), cited
            relations.add(citation["relation"])
    assert relations == set(RELATIONS)


@pytest.mark.parametrize("similarity", ["lexical", "hybrid"])
def test_copies_count_once_and_disputes_are_listed(client: FlaskClient, similarity: str) -> None:
    body = post(client, flood_payload(similarity=similarity, max_sentences=10)).get_json()
    assert_agreement_fields(body, FLOOD)
    assert {a["id"]: a["origin"] for a in body["articles"]} == {
        "wire": None, "herald": "wire", "gazette": None
    }
    twelve = next(s for s in body["sentences"] if "12 people" in s["text"])
    assert (twelve["support"], twelve["independent_support"]) == (2, 1)
    [dispute] = twelve["disagreements"]
    assert {k: dispute[k] for k in ("article_id", "kind", "value", "other")} == {
        "article_id": "gazette", "kind": "number", "value": "12", "other": "15"
    }
    assert "15 people" in FLOOD["gazette"][dispute["start"] : dispute["end"]]
