"""The MRPC claim-layer check (service.evaluation.claims_check) on a tiny file of our own."""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from service.evaluation.agreement_check import Pair, load_pairs
from service.evaluation.claims_check import (
    ARTICLES,
    FILLERS,
    ClaimsClient,
    Story,
    baselines,
    build_story,
    choose_fillers,
    chosen_indices,
    confusion,
    embedding_cosines,
    main,
    make_plan,
    read_outcome,
    tune_thresholds,
)

# label, sentence 1, sentence 2: each pair's topic is its own, so fillers never match.
ROWS = [
    (1, "The flood killed 12 people in the river valley on Monday, officials said.",
     "Officials said the flood killed 12 people in the river valley on Monday."),
    (1, "The city council approved the new harbour budget after a long debate.",
     "After a long debate, the city council approved the new harbour budget."),
    (0, "Shares of the mining company fell sharply in early trading in London.",
     "The mining company said its copper output rose in the third quarter."),
    (1, "The museum will reopen its north wing to visitors next spring.",
     "Visitors can see the north wing of the museum again next spring."),
    (0, "Heavy snow closed the mountain pass for the second time this week.",
     "Farmers in the south are worried about the long dry summer ahead."),
    (1, "The orchestra cancelled its winter tour because of a dispute over pay.",
     "A dispute over pay made the orchestra cancel its winter tour."),
]  # fmt: skip


@pytest.fixture
def path(tmp_path: Path) -> Path:
    """ROWS in MRPC's layout: a header, then quality, both ids and both sentences."""
    file = tmp_path / "mrpc.tsv"
    with file.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter="\t", lineterminator="\n")
        writer.writerow(["Quality", "#1 ID", "#2 ID", "#1 String", "#2 String"])
        writer.writerows([row[0], 100 + n, 200 + n, *row[1:]] for n, row in enumerate(ROWS))
    return file


@pytest.fixture
def pairs(path: Path) -> list[Pair]:
    """The pairs of the tiny file, as the check reads them."""
    return load_pairs(path)


def test_fillers_are_distinct_sentences_of_other_pairs(pairs: list[Pair]) -> None:
    for index, pair in enumerate(pairs):
        fillers = choose_fillers(pairs, index, seed=3)
        assert len(fillers) == len(set(fillers)) == FILLERS
        assert pair.first not in fillers and pair.second not in fillers
        sources = [
            k for k, other in enumerate(pairs) for s in fillers if s in (other.first, other.second)
        ]
        assert len(set(sources)) == FILLERS and index not in sources
        assert choose_fillers(pairs, index, seed=3) == fillers
    assert any(
        choose_fillers(pairs, k, seed=4) != choose_fillers(pairs, k, seed=3) for k in range(6)
    )


def test_fillers_need_enough_other_pairs(pairs: list[Pair]) -> None:
    with pytest.raises(ValueError, match="fewer than 4"):
        choose_fillers(pairs[:4], 0)


def test_story_puts_each_sentence_between_two_fillers_one_a_line() -> None:
    story = build_story("First one.", "Second one.", ["F0.", "F1.", "F2.", "F3."])

    assert story.texts == ("F0.\nFirst one.\nF1.", "F2.\nSecond one.\nF3.")
    assert story.spans == ((4, 14), (4, 15))
    assert [
        text[start:end] for text, (start, end) in zip(story.texts, story.spans, strict=True)
    ] == [
        "First one.",
        "Second one.",
    ]
    body = story.body("lexical")
    assert [a["id"] for a in body["articles"]] == list(ARTICLES)
    assert body["options"] == {"similarity": "lexical", "max_claims": 5000}


def test_plan_keeps_a_pair_and_its_perturbations_on_the_same_fillers(pairs: list[Pair]) -> None:
    plan = make_plan(pairs, [0, 1], seed=0)

    assert len(plan.stories) == 2
    assert plan.perturbations and {p.source for p in plan.perturbations} <= {0, 1}
    for item, story in zip(plan.perturbations, plan.perturbed_stories, strict=True):
        original = plan.stories[plan.indices.index(item.source)]
        assert story.texts[0].split("\n")[::2] == original.texts[0].split("\n")[::2]
        assert story.texts[1].split("\n")[::2] == original.texts[1].split("\n")[::2]
        (a0, a1), (b0, b1) = story.spans
        assert (story.texts[0][a0:a1], story.texts[1][b0:b1]) == (item.first, item.second)


def test_chosen_indices() -> None:
    assert chosen_indices(5, limit=None, sample=None, seed=0) == [0, 1, 2, 3, 4]
    assert chosen_indices(5, limit=2, sample=None, seed=0) == [0, 1]
    sample = chosen_indices(100, limit=None, sample=10, seed=0)
    assert len(sample) == 10 and sample == sorted(sample)
    assert sample == chosen_indices(100, limit=None, sample=10, seed=0)


def _claim(
    sentences: list[tuple[str, int, int]], disputes: list[tuple[str, int, int, str]]
) -> dict:
    return {
        "sentences": [{"article_id": a, "start": s, "end": e} for a, s, e in sentences],
        "disagreements": [
            {"article_id": a, "start": s, "end": e, "kind": k} for a, s, e, k in disputes
        ],
    }


def test_read_outcome_matches_by_article_and_offsets() -> None:
    story = Story(("x" * 40, "y" * 40), ((10, 20), (5, 25)))
    together = {"claims": [_claim([("a", 0, 9)], []), _claim([("a", 10, 20), ("b", 5, 25)], [])]}
    assert read_outcome(together, story).same
    assert read_outcome(together, story).placed

    # Each in its own claim, the second disputing the first: not the same claim.
    apart = {
        "claims": [
            _claim([("a", 10, 20)], []),
            _claim([("b", 5, 25)], [("a", 10, 20, "number")]),
            _claim([("b", 26, 40)], [("a", 0, 9, "date")]),
        ]
    }
    outcome = read_outcome(apart, story)
    assert (outcome.same, outcome.dispute, outcome.placed) == (False, "number", True)

    # Same offsets in the other article do not count; a sentence in no claim is unplaced.
    elsewhere = {"claims": [_claim([("b", 10, 20), ("a", 26, 30)], [])]}
    outcome = read_outcome(elsewhere, story)
    assert (outcome.same, outcome.dispute, outcome.placed) == (False, None, False)


def test_confusion_on_a_hand_computed_matrix() -> None:
    predicted = [True, True, False, False, True, False, True]
    labels = [1, 0, 1, 0, 1, 0, 1]
    scores = confusion(predicted, labels)

    assert (scores.tp, scores.fp, scores.fn, scores.tn) == (3, 1, 1, 2)
    assert scores.accuracy == pytest.approx(5 / 7)
    assert scores.precision == pytest.approx(3 / 4)
    assert scores.recall == pytest.approx(3 / 4)
    assert scores.f1 == pytest.approx(3 / 4)
    nothing = confusion([False, False], [0, 0])
    assert (nothing.precision, nothing.recall, nothing.f1, nothing.accuracy) == (0, 0, 0, 1)


def test_thresholds_for_accuracy_and_for_f1_differ() -> None:
    # By score: + + - - - + + - -. Cut after 2: 7/9 right; after 7: F1 8/11.
    scores = [0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1]
    labels = [1, 1, 0, 0, 0, 1, 1, 0, 0]
    accuracy, f1 = tune_thresholds(scores[::-1], labels[::-1])

    assert accuracy.threshold == 0.8 and (accuracy.tp, accuracy.fp, accuracy.fn) == (2, 0, 2)
    assert accuracy.accuracy == pytest.approx(7 / 9)
    assert f1.threshold == 0.3 and (f1.tp, f1.fp, f1.fn, f1.tn) == (4, 3, 0, 2)
    assert f1.f1 == pytest.approx(8 / 11)


def test_tied_scores_are_one_cut() -> None:
    accuracy, f1 = tune_thresholds([0.7, 0.5, 0.5, 0.2], [1, 1, 0, 0])

    # 0.7 and 0.5 are both 3/4 right; ties go to the lower threshold, the tie taken whole.
    assert accuracy.threshold == f1.threshold == 0.5
    assert (accuracy.tp, accuracy.fp, accuracy.tn) == (2, 1, 1)


def test_embedding_cosine_of_unit_rows(pairs: list[Pair]) -> None:
    def encode(texts: Sequence[str]) -> np.ndarray:
        return np.array([[1.0, 0.0] if "flood" in t else [0.6, 0.8] for t in texts])

    cosines = embedding_cosines(pairs[:3], encode)
    assert cosines.tolist() == pytest.approx([1.0, 1.0, 1.0])
    assert embedding_cosines([Pair(1, "flood", "calm")], encode).tolist() == pytest.approx([0.6])


def test_the_service_groups_a_paraphrase_and_splits_a_conflict(pairs: list[Pair]) -> None:
    client = ClaimsClient("lexical")
    fillers = choose_fillers(pairs, 0)
    same = client.outcome(build_story(pairs[0].first, pairs[0].second, fillers))
    assert (same.same, same.dispute, same.placed) == (True, None, True)

    changed = pairs[0].second.replace("12", "15")
    split = client.outcome(build_story(pairs[0].first, changed, fillers))
    assert (split.same, split.dispute) == (False, "number")
    with pytest.raises(ValueError, match="needs the encoder"):
        ClaimsClient("hybrid")


def test_report_and_json_from_the_command_line(
    path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out" / "claims.json"
    argv = [str(path), "--similarity", "lexical", "--no-semantic-baseline", "--no-progress"]
    assert main([*argv, "--json", str(out)]) == 0

    report = capsys.readouterr().out
    assert "Same claim on 6 MRPC pairs (4 paraphrases)" in report
    assert "| /v1/claims, lexical |" in report and "| all positive |" in report
    figures = json.loads(out.read_text())
    assert figures["pairs"] == 6 and figures["paraphrases"] == 4
    assert set(figures["baselines"]) == {
        "TF-IDF cosine, best accuracy",
        "TF-IDF cosine, best F1",
        "all positive",
    }
    assert figures["baselines"]["all positive"]["f1"] == pytest.approx(2 * (4 / 6) / (1 + 4 / 6))
    lexical = figures["claims"]["lexical"]
    assert sum(lexical["same_claim"][k] for k in ("tp", "fp", "fn", "tn")) == 6
    assert lexical["false_alarms"]["pairs"] == 4
    assert sum(row["pairs"] for row in lexical["perturbations"]) == figures["perturbations"]


def test_baselines_without_an_encoder(pairs: list[Pair]) -> None:
    plan = make_plan(pairs, list(range(len(pairs))))
    found = baselines(plan, None)

    assert found["TF-IDF cosine, best accuracy"].accuracy >= found["all positive"].accuracy
    assert found["all positive"].tp == 4
