"""make eval-update's reading of the update task file, on a tiny file we write."""

from __future__ import annotations

import json
from pathlib import Path

from service.evaluation.harness import SystemResult
from service.evaluation.update_check import PARTICIPANTS, load_updates, report


def _subset(name: str, ids: list[str]) -> dict[str, object]:
    return {
        "id": name,
        "documents": [
            {"id": i, "title": None, "text": f"Article {i} says it.", "published": "20260101"}
            for i in ids
        ],
        "references": [f"Reference {name} {k}.\nSecond line." for k in range(4)],
        "peers": {"35": f"Lead of {name}.", "58": "Classy line one.\nLine two."},
    }


def test_b_knows_a_and_c_knows_a_and_b(tmp_path: Path) -> None:
    topic = {
        "id": "T1",
        "title": "A flood",
        "narrative": "Describe the flood.",
        "subsets": [_subset("A", ["a1", "a2"]), _subset("B", ["b1"]), _subset("C", ["c1", "c2"])],
    }
    path = tmp_path / "update.jsonl"
    path.write_text(json.dumps(topic) + "\n")

    clusters, known, peers = load_updates(path)

    assert [c.id for c in clusters] == ["T1-B", "T1-C"]
    assert [d.id for d in clusters[0].documents] == ["a1", "a2", "b1"]
    assert known == {"T1-B": ("a1", "a2"), "T1-C": ("a1", "a2", "b1")}
    assert [d.id for d in clusters[1].documents] == ["a1", "a2", "b1", "c1", "c2"]
    assert clusters[1].references[0] == "Reference C 0. Second line."
    assert clusters[0].query == {"title": "A flood", "narrative": "Describe the flood."}
    assert peers["T1-C"]["58"] == "Classy line one.\nLine two."


def test_report_names_the_best_and_the_median_participant() -> None:
    results = []
    for rank, name in enumerate(PARTICIPANTS):
        result = SystemResult(name, "file")
        result.per_cluster = {"T1-B": {"rouge2": float(rank)}}
        results.append(result)
    ours = SystemResult("ours-lexical-known", "ours")
    ours.per_cluster = {"T1-B": {"rouge2": 30.0}}
    figures = report([ours, *results])
    assert figures["best_participant"] == {"id": PARTICIPANTS[-1], "rouge2": 23.0}
    assert figures["median_participant"] == 11.5
    assert figures["per_cluster"] == {"ours-lexical-known": {"T1-B": 30.0}}
