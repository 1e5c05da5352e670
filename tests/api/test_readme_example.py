"""examples/request.json, posted as the README's "Try it" does, answers what the README shows.

The expected values are the README's abridged answer, copied from it by hand: when the
ranking changes that answer, the README must change with it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from flask.testing import FlaskClient

ROOT = Path(__file__).resolve().parents[2]
README_FIRST = (
    "Union leader Mara Ostrova said the dockworkers would not go back to work until the port "
    "restored its safety rules."
)
README_FIELDS = {"score": 1.0, "centrality": 1.819801, "support": 4, "independent_support": 4}
README_CITATIONS = [
    ("paraphrase", 1, 18, 132, "verbatim", 1.0),
    ("wire", 4, 269, 395, "paraphrase", 0.669929),
    ("copy", 4, 242, 368, "paraphrase", 0.669929),
    ("runon", 1, 60, 190, "paraphrase", 0.8125),
]
README_WIRE = {"id": "wire", "sentence_count": 9, "candidate_count": 6,
               "boilerplate_count": 3, "origin": None}
README_META = {"similarity": "hybrid", "model": "all-MiniLM-L6-v2", "article_count": 4,
               "sentence_count": 28, "candidate_count": 20}


def test_the_example_request_gets_the_readmes_answer(client: FlaskClient) -> None:
    assert README_FIRST in (ROOT / "README.md").read_text()
    # The file's bytes as they are, as the README's curl --data-binary sends them.
    raw = (ROOT / "examples" / "request.json").read_bytes()
    body = json.loads(raw)
    response = client.post("/v1/summaries", data=raw, content_type="application/json")
    assert response.status_code == 200
    answer = response.get_json()
    assert answer["summary"].startswith(README_FIRST + " ")
    first = answer["sentences"][0]
    assert first["text"] == README_FIRST
    assert {k: first[k] for k in README_FIELDS} == README_FIELDS
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


def abridged_answer() -> str:
    """The README's abridged answer: the json block after "An abridged answer:"."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    after = readme.split("An abridged answer:", 1)[1]
    return after.split("```json\n", 1)[1].split("```", 1)[0]


def test_the_values_above_are_the_readmes() -> None:
    # The constants this file checks the answer against, read back from the README's
    # block: when the README's answer is edited, the test's copy must follow (and with it
    # the service's answer).
    block = abridged_answer()
    assert json.dumps(README_FIRST) in block
    cited = [json.loads(obj) for obj in re.findall(r'\{"article_id"[^{}]*\}', block)]
    assert [tuple(c.values()) for c in cited] == README_CITATIONS
    fields = re.search(
        r'"score": ([\d.]+), "centrality": ([\d.]+), "support": (\d+), '
        r'"independent_support": (\d+)',
        block,
    )
    assert fields is not None
    assert [json.loads(v) for v in fields.groups()] == list(README_FIELDS.values())
    wire = re.search(r'\{"id": "wire"[^{}]*\}', block)
    assert wire is not None and json.loads(wire.group()) == README_WIRE
    meta = block.split('"meta":', 1)[1]
    for key, expected in README_META.items():
        found = re.search(rf'"{key}": ("[^"]*"|\d+)', meta)
        assert found is not None and json.loads(found.group(1)) == expected, key
