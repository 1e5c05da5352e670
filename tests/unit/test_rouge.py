"""ROUGE counting of the evaluation harness, on tiny hand-written texts."""

from __future__ import annotations

import pytest

from service.evaluation.rouge import (
    HyphenTokenizer,
    Overlap,
    RougeRecall,
    aggregate,
    jackknife,
    mean_scores,
    truncate_words,
)


@pytest.fixture
def scorer() -> RougeRecall:
    return RougeRecall(words=None, truncate_refs=False)


def test_repeated_words_are_clipped_to_their_count_in_the_reference(scorer: RougeRecall) -> None:
    overlaps = scorer.overlaps("the the the cat", ["the cat sat on the mat"])

    # "the" is matched twice at most (the reference has two), "cat" once: 3 of 6.
    assert overlaps["rouge1"] == [Overlap(matches=3, total=6)]
    # Bigrams of the reference: the-cat cat-sat sat-on on-the the-mat; only "the cat" matches.
    assert overlaps["rouge2"] == [Overlap(matches=1, total=5)]


def test_rouge_l_counts_the_longest_common_subsequence(scorer: RougeRecall) -> None:
    overlaps = scorer.overlaps("alpha gamma beta delta", ["alpha beta gamma delta"])

    assert overlaps["rougeL"] == [Overlap(matches=3, total=4)]


def test_tokens_are_lowercased_and_stemmed_beyond_three_characters(scorer: RougeRecall) -> None:
    recall = scorer.recall("Cats RUNNING", ["cat running"])

    assert recall["rouge1"] == 1.0


def test_truncate_words_keeps_the_first_words_across_lines() -> None:
    assert truncate_words("one two\nthree  four five", 3) == "one two three"
    assert truncate_words("one two", 5) == "one two"
    assert truncate_words(" one  two ", None) == "one two"
    with pytest.raises(ValueError, match="limit"):
        truncate_words("one", -1)


def test_words_past_the_budget_do_not_count() -> None:
    references = ["alpha beta"]

    assert RougeRecall(words=2).recall("gamma delta alpha beta", references)["rouge1"] == 0.0
    assert RougeRecall(words=4).recall("gamma delta alpha beta", references)["rouge1"] == 1.0


def test_references_are_cut_to_the_budget_unless_told_not_to() -> None:
    summary, references = "gamma delta", ["alpha beta gamma delta"]

    cut = RougeRecall(words=2, truncate_refs=True).overlaps(summary, references)
    whole = RougeRecall(words=2, truncate_refs=False).overlaps(summary, references)

    assert cut["rouge1"] == [Overlap(matches=0, total=2)]
    assert whole["rouge1"] == [Overlap(matches=2, total=4)]


def test_several_references_pool_counts_rather_than_average_recalls(scorer: RougeRecall) -> None:
    overlaps = scorer.overlaps("aa bb", ["aa bb", "cc dd ee ff"])["rouge1"]

    assert overlaps == [Overlap(2, 2), Overlap(0, 4)]
    assert aggregate(overlaps, "pooled") == pytest.approx(2 / 6)
    assert aggregate(overlaps, "mean") == pytest.approx(0.5)
    assert scorer.recall("aa bb", ["aa bb", "cc dd ee ff"])["rouge1"] == pytest.approx(2 / 6)


def test_jackknife_averages_the_leave_one_out_subsets(scorer: RougeRecall) -> None:
    references = ["aa bb", "cc dd ee ff", "aa xx"]
    overlaps = scorer.overlaps("aa bb", references)["rouge1"]
    assert overlaps == [Overlap(2, 2), Overlap(0, 4), Overlap(1, 2)]

    # Subsets: {2,3} -> 1/6, {1,3} -> 3/4, {1,2} -> 2/6.
    expected = (1 / 6 + 3 / 4 + 2 / 6) / 3
    assert jackknife(overlaps) == pytest.approx(expected)
    assert scorer.recall("aa bb", references, use_jackknife=True)["rouge1"] == pytest.approx(
        expected
    )


def test_jackknife_with_one_reference_is_the_plain_score() -> None:
    assert jackknife([Overlap(1, 4)]) == aggregate([Overlap(1, 4)]) == 0.25


def test_empty_inputs_score_zero(scorer: RougeRecall) -> None:
    assert aggregate([]) == 0.0
    assert Overlap(0, 0).recall == 0.0
    assert scorer.recall("", ["aa bb"]) == {"rouge1": 0.0, "rouge2": 0.0, "rougeL": 0.0}
    # A one-word reference has no bigram.
    assert scorer.overlaps("aa", ["aa"])["rouge2"] == [Overlap(0, 0)]


def test_hyphen_is_dropped_by_default_and_a_token_for_the_hyphen_tokenizer() -> None:
    default = RougeRecall(words=None, tokenizer="rouge-score")
    hyphen = RougeRecall(words=None, tokenizer="hyphen")

    assert default.overlaps("well-known", ["well - known"])["rouge1"] == [Overlap(2, 2)]
    assert hyphen.overlaps("well-known", ["well - known"])["rouge1"] == [Overlap(3, 3)]
    assert HyphenTokenizer().tokenize("Well-known cats") == ["well", "-", "known", "cat"]


def test_mean_scores_averages_each_key() -> None:
    rows = [{"rouge1": 0.2, "rouge2": 0.1}, {"rouge1": 0.4, "rouge2": 0.3}]

    assert mean_scores(rows) == pytest.approx({"rouge1": 0.3, "rouge2": 0.2})
    assert mean_scores([]) == {}


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"words": 0}, "words"),
        ({"rouge_types": ["rougeX"]}, "rouge_types"),
        ({"tokenizer": "spacy"}, "tokenizer"),
    ],
)
def test_bad_settings_are_rejected(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        RougeRecall(**kwargs)  # type: ignore[arg-type]


def test_unknown_aggregation_is_rejected() -> None:
    with pytest.raises(ValueError, match="method"):
        aggregate([Overlap(1, 1)], "best")  # type: ignore[arg-type]
