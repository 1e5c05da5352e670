"""examples/request.json, posted as the README's "Try it" does, answers what the README shows.

The expected values are the README's abridged answer, copied from it by hand: when the
ranking changes that answer, the README must change with it.
"""

from __future__ import annotations

import json
from pathlib import Path

from flask.testing import FlaskClient

ROOT = Path(__file__).resolve().parents[2]
README_FIRST = (
    "Union leader Mara Ostrova said the dockworkers would not go back to work until the port "
    "restored its safety rules."
)
README_CITATIONS = [
    ("paraphrase", 1, 18, 132, "verbatim", 1.0),
    ("wire", 4, 269, 395, "paraphrase", 0.668165),
    ("copy", 4, 242, 368, "paraphrase", 0.668165),
    ("runon", 1, 60, 190, "paraphrase", 0.8125),
]
README_WIRE = {"id": "wire", "sentence_count": 9, "candidate_count": 6,
               "boilerplate_count": 3, "origin": None}
README_META = {"similarity": "hybrid", "model": "all-MiniLM-L6-v2", "article_count": 4,
               "sentence_count": 28, "candidate_count": 20}


def test_the_example_request_gets_the_readmes_answer(client: FlaskClient) -> None:
    assert README_FIRST in (ROOT / "README.md").read_text()
    body = json.loads((ROOT / "examples" / "request.json").read_text())
    response = client.post("/v1/summaries", json=body)
    assert response.status_code == 200
    answer = response.get_json()
    assert answer["summary"].startswith(README_FIRST + " ")
    first = answer["sentences"][0]
    assert first["text"] == README_FIRST
    assert (first["score"], first["support"], first["independent_support"]) == (1.0, 4, 4)
    assert first["centrality"] == 1.805811
    assert first["disagreements"] == []
    cited = [
        (c["article_id"], c["sentence_index"], c["start"], c["end"], c["relation"],
         c["similarity"])
        for c in first["citations"]
    ]
    assert cited == README_CITATIONS
    texts = {a["id"]: a["text"] for a in body["articles"]}
    for article_id, _, start, end, relation, _ in README_CITATIONS:
        if relation == "verbatim":
            assert texts[article_id][start:end] == README_FIRST
    assert answer["articles"][0] == README_WIRE
    assert {k: answer["meta"][k] for k in README_META} == README_META
    assert len(answer["sentences"]) == body["options"]["max_sentences"]
