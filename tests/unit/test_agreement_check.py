"""The MRPC agreement check (service.evaluation.agreement_check) on a tiny file of our own."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from service.evaluation.agreement_check import (
    WEEKDAYS,
    Pair,
    consistent,
    figures,
    format_report,
    load_pairs,
    main,
    perturb,
    recall,
)

HEADER = "Quality\t#1 ID\t#2 ID\t#1 String\t#2 String"
ROWS = [
    ("1", "The quake killed 12 people on Tuesday, said Smith.",
     "On Tuesday the quake killed 12 people, said Smith."),
    ("1", "Rescuers have reached the town of Ica.", "Rescuers have now reached the town of Ica."),
    ("1", "The dam did not break in March.", "The dam didn't break in March, officials said."),
    ("0", "The quake killed 40 people.", "The storm killed 3 people in Lima."),
]  # fmt: skip


@pytest.fixture
def path(tmp_path: Path) -> Path:
    """ROWS as an MRPC file (with the byte-order mark MRPC's files have)."""
    lines = [HEADER] + [f"{q}\t{n}\t{n + 1}\t{a}\t{b}" for n, (q, a, b) in enumerate(ROWS)]
    file = tmp_path / "pairs.tsv"
    file.write_text("\ufeff" + "\n".join(lines) + "\n", encoding="utf-8")
    return file


@pytest.fixture
def pairs(path: Path) -> list[Pair]:
    """The pairs of the tiny file."""
    return load_pairs(path)


def test_load_pairs_reads_labels_and_both_sentences(pairs: list[Pair]) -> None:
    assert [pair.label for pair in pairs] == [1, 1, 1, 0]
    assert pairs[1] == Pair(1, ROWS[1][1], ROWS[1][2])


def test_load_pairs_rejects_a_short_line(tmp_path: Path) -> None:
    file = tmp_path / "bad.tsv"
    file.write_text(f"{HEADER}\n1\t2\tonly one sentence\n", encoding="utf-8")

    with pytest.raises(ValueError, match="bad.tsv:2: expected 5 fields"):
        load_pairs(file)


def test_perturbations_are_deterministic_for_a_seed(pairs: list[Pair]) -> None:
    assert perturb(pairs, seed=3) == perturb(pairs, seed=3)


def test_each_perturbation_changes_one_side_of_a_paraphrase(pairs: list[Pair]) -> None:
    perturbed = perturb(pairs)

    assert {(p.kind, p.variant, p.source) for p in perturbed} == {
        ("number", "figure", 0),
        ("date", "weekday", 0),
        ("entity", "name", 0),
        ("entity", "name", 1),
        ("negation", "insert", 1),
        ("date", "month", 2),
        ("negation", "remove", 2),
    }
    for item in perturbed:
        source = pairs[item.source]
        firsts, seconds = (source.first, item.first), (source.second, item.second)
        kept, edited = (firsts, seconds) if item.side == 1 else (seconds, firsts)
        assert kept[0] == kept[1]
        assert edited[0] != edited[1]


def test_replacements_are_of_the_same_sort(pairs: list[Pair]) -> None:
    by_variant = {(p.variant, p.source): p for p in perturb(pairs)}

    figure = by_variant["figure", 0]
    assert figure.original == "12" and figure.replacement != "12"
    assert figure.replacement[1:] == "2"
    weekday = by_variant["weekday", 0]
    assert weekday.original == "Tuesday"
    assert weekday.replacement in WEEKDAYS and weekday.replacement != "Tuesday"
    name = by_variant["name", 0]
    assert name.original == "Smith" and name.replacement == "Ica"  # the other pair's name
    month = by_variant["month", 2]
    assert month.original == "March" and month.replacement != "March"


def test_negation_is_inserted_after_an_auxiliary_or_removed(pairs: list[Pair]) -> None:
    by_variant = {p.variant: p for p in perturb(pairs) if p.kind == "negation"}

    inserted = by_variant["insert"]
    assert "Rescuers have not" in (inserted.first if inserted.side == 0 else inserted.second)
    removed = by_variant["remove"]
    changed = removed.first if removed.side == 0 else removed.second
    assert changed in ("The dam did break in March.", "The dam did break in March, officials said.")


def test_recall_counts_found_and_right_kind(pairs: list[Pair]) -> None:
    rows = recall(perturb(pairs), pairs)

    assert [(row.kind, row.variant) for row in rows] == [
        ("number", "figure"),
        ("date", "weekday"),
        ("date", "month"),
        ("negation", "insert"),
        ("negation", "remove"),
        ("entity", "name"),
    ]
    assert all(row.found == row.right_kind == row.pairs for row in rows)


def test_figures_leave_out_years_times_dates_and_ordinals() -> None:
    text = "In 2003, at 3 p.m. on March 4, 12 people on the 5th floor lost $2.5 billion."

    assert figures(text) == Counter({"12": 1, "2.5": 1})


def test_consistent_pairs_share_figures_and_weekdays() -> None:
    assert consistent(Pair(1, "12 people died on Monday.", "On Monday, 12 died."))
    assert not consistent(Pair(1, "12 people died on Monday.", "15 people died on Monday."))
    assert not consistent(Pair(1, "12 people died on Monday.", "12 people died on Friday."))


def test_report_is_markdown(pairs: list[Pair]) -> None:
    report = format_report(pairs)

    assert report.startswith("| perturbation | pairs | flagged | right kind |")
    assert "| number: figure | 1 | 100.0% | 100.0% | 1 | 100.0% |" in report
    assert "| paraphrases, same figures and weekdays (false alarms) | 3 | 0.0% |  |" in report
    assert "| non-paraphrases | 1 | 100.0% | number 1 |" in report
    assert "µs per call cold" in report


def test_main_prints_the_report(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(path), "--seed", "1"]) == 0
    assert "| entity: name |" in capsys.readouterr().out
