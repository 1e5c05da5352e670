"""The evaluation harness around the scorer: data files, systems, peers, the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from service.evaluate import main
from service.evaluation.data import Cluster, Document, load_clusters, load_peers
from service.evaluation.harness import (
    RemoteSummarizer,
    System,
    bootstrap_interval,
    evaluate,
    file_system,
    paired_difference,
    query_text,
    sentences_in_budget,
)
from service.evaluation.peers import make_peers
from service.evaluation.rouge import RougeRecall

STORY = (
    "The river flooded the old town on Monday. Rescue teams moved families to the school. "
    "The mayor said the water would fall by Friday. Shops on the main street stayed closed."
)
SEQUEL = (
    "Flood water covered the old town after heavy rain. The mayor asked families to leave. "
    "Rescue teams used boats to reach the school. The weather office expects dry days."
)


@pytest.fixture
def cluster() -> Cluster:
    return Cluster(
        id="c1",
        documents=(Document("d1", STORY), Document("d2", SEQUEL)),
        references=("The river flooded the old town. Families moved to the school.",),
        query={"title": "Town flood", "narrative": "Describe the flood."},
    )


def write_jsonl(path: Path, rows: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


def test_clusters_join_reference_lines_and_peers_keep_them(tmp_path: Path) -> None:
    data = write_jsonl(
        tmp_path / "bench.jsonl",
        [
            {
                "id": "c1",
                "documents": [{"id": "d1", "title": None, "text": "One. Two."}],
                "references": ["First line.\nSecond line.\n"],
            },
            {"id": "c2", "documents": [], "references": []},
        ],
    )
    peers = write_jsonl(tmp_path / "peers.jsonl", [{"id": "c1", "summaries": {"X": " a.\n\nb. "}}])

    clusters = load_clusters(data, limit=1)

    assert [c.id for c in clusters] == ["c1"]
    assert clusters[0].references == ("First line. Second line.",)
    assert clusters[0].documents[0] == Document("d1", "One. Two.", None)
    assert load_peers(peers) == {"c1": {"X": "a.\nb."}}


def test_a_malformed_line_names_the_file_and_line(tmp_path: Path) -> None:
    data = write_jsonl(tmp_path / "bad.jsonl", [{"id": "c1"}])

    with pytest.raises(ValueError, match="bad.jsonl:1"):
        load_clusters(data)


def test_sentences_in_budget_counts_the_sentences_the_cut_touches() -> None:
    sentences = ["one two three", "four five", "six"]

    assert sentences_in_budget(sentences, 3) == 1
    assert sentences_in_budget(sentences, 4) == 2
    assert sentences_in_budget(sentences, 100) == 3
    assert sentences_in_budget(sentences, None) == 3


def test_query_text_joins_the_chosen_fields(cluster: Cluster) -> None:
    assert query_text(cluster, ["title", "narrative"]) == "Town flood. Describe the flood."
    assert query_text(cluster, []) is None
    with pytest.raises(ValueError, match="topic"):
        query_text(cluster, ["topic"])


def test_a_failing_system_scores_zero_and_the_run_goes_on(cluster: Cluster) -> None:
    def broken(_: Cluster) -> list[str]:
        raise RuntimeError("boom")

    def lead(c: Cluster) -> list[str]:
        return [c.documents[0].text]

    scorer = RougeRecall(words=10)
    results = evaluate(
        [System("broken", "ours", broken), System("lead", "live", lead)],
        [cluster],
        scorer,
        progress=False,
    )

    assert results[0].errors == {"c1": "RuntimeError: boom"}
    assert results[0].mean("rouge1") == 0.0
    assert results[1].errors == {}
    assert results[1].mean("rouge1") > 0.0
    assert results[1].words == {"c1": len(STORY.split())}
    diff = paired_difference(results[1], results[0], "rouge1")
    assert diff["mean"] == pytest.approx(results[1].mean("rouge1"))
    assert diff["wins"] == 1.0


def test_file_systems_read_one_sentence_per_line(cluster: Cluster) -> None:
    system = file_system("X", {"c1": {"X": "a b.\nc d."}})

    assert system.kind == "file"
    assert list(system.run(cluster)) == ["a b.", "c d."]


def test_bootstrap_interval_brackets_the_mean_and_is_reproducible() -> None:
    values = [1.0, 2.0, 3.0, 4.0, 5.0]

    low, high = bootstrap_interval(values)

    assert low <= 3.0 <= high
    assert bootstrap_interval(values) == (low, high)
    assert bootstrap_interval([7.0, 7.0]) == (7.0, 7.0)


@pytest.mark.parametrize("name", ["sumy-lexrank", "sumy-textrank", "lexrank"])
def test_live_peers_rank_every_sentence_of_the_cluster(cluster: Cluster, name: str) -> None:
    peer = make_peers([name])[name]

    ranked = peer(cluster)

    assert len(ranked) == 8
    assert sorted(ranked) == sorted(
        sentence.strip() + ("" if sentence.strip().endswith(".") else ".")
        for text in (STORY, SEQUEL)
        for sentence in text.split(". ")
        if sentence.strip()
    )
    assert peer(cluster) == ranked  # deterministic


def test_unknown_live_peer_is_rejected() -> None:
    with pytest.raises(ValueError, match="unknown live peers"):
        make_peers(["textteaser"])


def test_remote_body_matches_the_api(cluster: Cluster) -> None:
    body = RemoteSummarizer("http://127.0.0.1:9/", query_fields=["narrative"]).body(cluster)

    assert body["options"] == {"max_sentences": 50, "query": "Describe the flood."}
    assert body["articles"][0] == {"id": "d1", "text": STORY}


def test_cli_scores_peers_and_writes_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = write_jsonl(
        tmp_path / "bench.jsonl",
        [
            {
                "id": "c1",
                "documents": [{"id": "d1", "title": None, "text": STORY}],
                "references": ["The river flooded the old town.", "Families moved to the school."],
            }
        ],
    )
    peers = write_jsonl(
        tmp_path / "peers.jsonl",
        [{"id": "c1", "summaries": {"Lead": "The river flooded the old town on Monday."}}],
    )
    out = tmp_path / "out" / "result.json"

    code = main(
        [
            str(data),
            "--words",
            "8",
            "--no-ours",
            "--peers",
            str(peers),
            "--live-peers",
            "lexrank",
            "--json",
            str(out),
            "--no-progress",
        ]
    )

    assert code == 0
    printed = capsys.readouterr().out
    assert "Lead" in printed and "lexrank" in printed
    payload = json.loads(out.read_text())
    assert payload["settings"]["words"] == 8
    assert payload["published"] is None
    lead = next(s for s in payload["systems"] if s["name"] == "Lead")
    # Lead matches all 6 unigrams of the first reference and "the" of the second;
    # clipping is per reference, pooled over both: 7 of 6 + 5.
    assert lead["scores"]["rouge1"] == pytest.approx(100 * 7 / 11)
