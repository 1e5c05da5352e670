"""Concept coverage: bigram concepts, their weights, and greedy budgeted selection."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
import scipy.sparse as sp

from service.summarize.coverage import (
    ConceptRules,
    Cover,
    ExpectedMatches,
    bigrams,
    cleaner_twin,
    concept_matrix,
    conflicts,
    expected_matches,
    expected_token_matches,
    greedy_cover,
    min_articles_for,
)


def test_bigrams_are_stemmed_and_drop_stopword_pairs() -> None:
    grams = bigrams("The ministers of the union were meeting.")

    assert ("minist", "of") in grams
    assert ("the", "union") in grams
    assert ("of", "the") not in grams
    assert ("union", "were") in grams
    assert ("were", "meet") in grams


def test_concept_weight_is_article_count_and_rare_concepts_drop() -> None:
    sentence_bigrams = [[("a", "b"), ("c", "d")], [("a", "b")], [("a", "b"), ("e", "f")]]
    article_of = np.array([0, 0, 1])

    matrix, weights = concept_matrix(sentence_bigrams, article_of, ConceptRules(min_articles=2))

    assert matrix.shape == (3, 1)
    assert weights.tolist() == [2.0]
    assert matrix.toarray().ravel().tolist() == [1.0, 1.0, 1.0]


def test_position_boost_counts_the_earliest_occurrence_per_article() -> None:
    sentence_bigrams = [[("a", "b")], [("a", "b")], [("a", "b")]]
    article_of = np.array([0, 0, 1])
    position = np.array([0.0, 5.0, 5.0])

    _, weights = concept_matrix(
        sentence_bigrams, article_of, ConceptRules(min_articles=1, position_decay=5.0),
        position=position,
    )

    # Article 0 meets it first at position 0 (boost 2), article 1 at 5 (boost 1.5).
    assert weights.tolist() == pytest.approx([3.5])


def test_single_article_counts_sentences() -> None:
    matrix, weights = concept_matrix(
        [[("a", "b")], [("a", "b")], [("c", "d")]],
        np.zeros(3, dtype=np.int64),
        ConceptRules(min_articles=2),
    )

    assert weights.tolist() == [2.0]
    assert matrix.shape == (3, 1)


def cover_inputs() -> tuple[sp.csr_matrix, np.ndarray]:
    # Sentence 0 covers concepts 0 and 1, sentence 1 concept 0, sentence 2 concept 2.
    matrix = sp.csr_matrix(np.array([[1, 1, 0], [1, 0, 0], [0, 0, 1]], dtype=np.float64))
    return matrix, np.array([3.0, 2.0, 1.0])


def test_greedy_takes_new_concepts_per_word_and_skips_covered_ones() -> None:
    matrix, weights = cover_inputs()

    cover = Cover(matrix, weights, [10, 10, 10])

    chosen, _ = greedy_cover(cover, max_words=None, max_sentences=None)

    assert chosen == [0, 2]


def test_greedy_respects_the_word_budget() -> None:
    matrix, weights = cover_inputs()

    chosen, _ = greedy_cover(Cover(matrix, weights, [10, 4, 4]), max_words=9, max_sentences=None)

    assert chosen == [1, 2]
    assert sum([10, 4, 4][i] for i in chosen) <= 9


def test_best_single_sentence_wins_when_greedy_is_worse() -> None:
    matrix = sp.csr_matrix(np.array([[1, 0], [0, 1]], dtype=np.float64))
    weights = np.array([1.0, 100.0])

    # Sentence 0 is the better ratio but leaves no room for the heavy sentence 1.
    chosen, _ = greedy_cover(Cover(matrix, weights, [1, 10]), max_words=10, max_sentences=None)

    assert chosen == [1]


def test_conflicts_and_fallback_fill_the_sentence_budget() -> None:
    matrix, weights = cover_inputs()
    similarity = sp.csr_matrix(np.array([[0, 0, 0.9], [0, 0, 0], [0.9, 0, 0]]))
    forbidden = conflicts(similarity, 0.5)

    chosen, _ = greedy_cover(
        Cover(
            matrix, weights, [10, 10, 10], forbidden=forbidden, fallback=np.array([0.1, 0.5, 0.9])
        ),
        max_words=None,
        max_sentences=3,
    )

    # 2 repeats 0; 1 adds no concept but the fallback still takes it.
    assert chosen == [0, 1]


def test_same_claim_groups_conflict() -> None:
    similarity = sp.csr_matrix((3, 3))

    forbidden = conflicts(similarity, 0.5, [[2], [], [0]])

    assert forbidden[0, 2] and forbidden[2, 0]
    assert not forbidden[0, 1]


def test_sentence_budget_and_determinism() -> None:
    matrix = sp.csr_matrix(np.eye(4))
    weights = np.ones(4)

    chosen, _ = greedy_cover(Cover(matrix, weights, [5, 5, 5, 5]), max_words=None, max_sentences=2)

    assert chosen == [0, 1]


def test_values_fall_in_the_order_chosen() -> None:
    matrix, weights = cover_inputs()

    chosen, values = greedy_cover(
        Cover(matrix, weights, [10, 10, 10], fallback=np.array([0.1, 0.5, 0.9])),
        max_words=None,
        max_sentences=None,
    )

    assert chosen == [0, 2, 1]
    assert values.tolist() == pytest.approx([0.5, 0.1, 0.05 * 0.5 / 0.9])
    assert (np.diff(values) <= 0).all()


def test_min_articles_share() -> None:
    assert min_articles_for(10) == 3
    assert min_articles_for(4) == 2
    assert min_articles_for(1) == 2


def test_weight_power_favours_widely_shared_concepts() -> None:
    ab, cd = ("a", "b"), ("c", "d")
    sentence_bigrams = [[ab, cd], [ab], [ab, cd], [ab]]
    article_of = np.array([0, 1, 2, 3])

    _, linear = concept_matrix(sentence_bigrams, article_of, ConceptRules(min_articles=2))
    _, squared = concept_matrix(
        sentence_bigrams, article_of, ConceptRules(min_articles=2, weight_power=2.0)
    )

    assert linear.tolist() == [4.0, 2.0]
    assert squared.tolist() == [16.0, 4.0]


def test_conflicts_also_block_repeats_in_a_second_graph() -> None:
    # The first graph (a shortlist's) misses the pair 1-2 that the second one sees.
    shortlist = sp.csr_matrix(np.array([[0, 0.9, 0], [0.9, 0, 0], [0, 0, 0]]))
    lexical = sp.csr_matrix(np.array([[0, 0, 0], [0, 0, 0.6], [0, 0.6, 0]]))

    forbidden = conflicts(shortlist, 0.5, also=(lexical, 0.45))

    assert forbidden[0, 1] and forbidden[1, 2] and forbidden[2, 1]
    assert not forbidden[0, 2]


def test_cleaner_twin_marks_worse_cuts_of_a_shared_claim() -> None:
    quality = np.array([1.0, 0.5, 0.5, 1.0])

    twin = cleaner_twin(quality, [[1], [0], [], []])

    assert twin.tolist() == [False, True, False, False]


def test_gain_factor_lowers_a_sentence_below_an_equal_one() -> None:
    matrix = sp.csr_matrix(np.array([[1, 0], [0, 1]], dtype=np.float64))
    weights = np.array([1.0, 1.0])

    plain, _ = greedy_cover(Cover(matrix, weights, [5, 5]), max_words=None, max_sentences=1)
    lowered, _ = greedy_cover(
        Cover(matrix, weights, [5, 5], factor=np.array([0.7, 1.0])),
        max_words=None,
        max_sentences=1,
    )

    assert plain == [0]
    assert lowered == [1]


def test_damped_concepts_weigh_less_or_drop() -> None:
    grams = [[("offici", "said"), ("river", "flood")], [("offici", "said"), ("river", "flood")]]
    article_of = np.array([0, 1])

    _, weights = concept_matrix(
        grams, article_of, ConceptRules(min_articles=2, damped={"said"}, damped_factor=0.5)
    )
    matrix, dropped = concept_matrix(
        grams, article_of, ConceptRules(min_articles=2, damped={"said"}, damped_factor=0.0)
    )

    assert sorted(weights.tolist()) == [1.0, 2.0]
    assert dropped.tolist() == [2.0]
    assert matrix.shape == (2, 1)


def test_expected_matches_are_poisson_clipped_counts() -> None:
    table = expected_matches(np.array([0.01, 0.05]), 100.0, most=30)

    assert table[:, 0].tolist() == [0.0, 0.0]
    assert table[0, 1] == pytest.approx(1 - np.exp(-1.0))  # E[min(R, 1)] = P(R >= 1)
    assert table[1, 30] == pytest.approx(5.0, abs=1e-6)  # E[R] once k is far above the rate
    assert np.all(np.diff(table[1, 1:]) < np.diff(table[1, :-1]))  # each copy adds less


def test_expected_token_matches_count_stemmed_tokens_then_pairs() -> None:
    # Types in the order first seen: the, flood, rain, fell; then the pairs
    # "the flood", "flood the", "rain fell" (none across the two texts).
    counts, expected = expected_token_matches(["The floods, the floods.", "Rain fell"], 10.0)
    both, _ = expected_token_matches(
        ["The floods, the floods.", "Rain fell"], 10.0, bigram_ratio=0.5
    )

    assert counts.toarray().tolist() == [[2.0, 2.0, 0.0, 0.0], [0.0, 0.0, 1.0, 1.0]]
    assert expected.shape[0] == 4
    assert both.toarray()[:, 4:].tolist() == [[2.0, 1.0, 0.0], [0.0, 0.0, 1.0]]


def test_expected_recall_prefers_words_the_summary_lacks() -> None:
    texts = [
        "the river flooded the town",
        "the river flooded the town again",
        "rescue boats reached the school",
    ]
    concepts = sp.csr_matrix(np.zeros((3, 1)))
    counts, expected = expected_token_matches(texts, 5.0, bigram_ratio=0.5)

    chosen, _ = greedy_cover(
        Cover(concepts, np.zeros(1), [5, 6, 5], matches=ExpectedMatches(counts, expected, 1.0)),
        max_words=None,
        max_sentences=2,
    )

    assert counts.shape[0] == 3 and expected.shape[0] == counts.shape[1]
    assert chosen[1] == 2  # not the near-repeat of the first choice


def pair_inputs() -> tuple[sp.csr_matrix, np.ndarray]:
    # Sentence 1 points back to sentence 0 and holds the heaviest concept; 2 stands alone.
    matrix = sp.csr_matrix(np.array([[1, 0, 0], [0, 1, 0], [0, 0, 1]], dtype=np.float64))
    return matrix, np.array([1.0, 10.0, 3.0])


def test_a_sentence_with_a_lead_comes_right_after_it_as_a_pair() -> None:
    matrix, weights = pair_inputs()
    leads = np.array([-1, 0, -1])

    chosen, values = greedy_cover(
        Cover(matrix, weights, [5, 5, 5], leads=leads), max_words=10, max_sentences=None
    )

    # Alone 1 would be the best choice; with its lead the pair (11 per 10 words) wins.
    assert chosen == [0, 1]
    assert values[0] == values[1]


def test_a_pair_counts_both_lengths_against_the_budget() -> None:
    matrix, weights = pair_inputs()
    leads = np.array([-1, 0, -1])

    chosen, _ = greedy_cover(
        Cover(matrix, weights, [5, 5, 5], leads=leads), max_words=9, max_sentences=None
    )

    # The pair needs 10 words: 2 is chosen, 1 never without 0 before it.
    assert chosen == [2]


def test_a_pair_is_not_taken_when_one_sentence_is_left() -> None:
    matrix, weights = pair_inputs()

    chosen, _ = greedy_cover(
        Cover(matrix, weights, [5, 5, 5], leads=np.array([-1, 0, -1])),
        max_words=None,
        max_sentences=1,
    )

    assert chosen == [2]


def test_a_sentence_follows_its_lead_alone_once_the_lead_is_chosen() -> None:
    # 0 is worth most alone; afterwards 1 (pointing back to 0) may come on its own.
    matrix = sp.csr_matrix(np.array([[1, 0, 0], [0, 1, 0], [0, 0, 1]], dtype=np.float64))
    weights = np.array([20.0, 10.0, 3.0])

    chosen, _ = greedy_cover(
        Cover(matrix, weights, [5, 5, 5], leads=np.array([-1, 0, -1])),
        max_words=10,
        max_sentences=None,
    )

    assert chosen == [0, 1]


def follower_after_another() -> Cover:
    # 0 is worth most alone, then 2; 1 points back to 0 and is worth least alone.
    matrix = sp.csr_matrix(np.eye(3))
    return Cover(matrix, np.array([20.0, 10.0, 15.0]), [5, 5, 5], leads=np.array([-1, 0, -1]))


def test_a_follower_is_chosen_alone_only_while_its_lead_is_the_last_chosen() -> None:
    chosen, _ = greedy_cover(follower_after_another(), max_words=None, max_sentences=None)

    # After 0 comes 2 (more per word than 1); 0 is then no longer last, so 1 would
    # have to move ahead of 2 to stand after its lead: it is not chosen.
    assert chosen == [0, 2]


def test_without_adjacent_a_follower_comes_any_time_after_its_lead() -> None:
    cover = replace(follower_after_another(), adjacent=False)

    chosen, _ = greedy_cover(cover, max_words=None, max_sentences=None)

    assert chosen == [0, 2, 1]


def test_fallback_adds_a_follower_only_right_after_its_lead() -> None:
    matrix = sp.csr_matrix((3, 1))
    cover = Cover(matrix, np.ones(1), [5, 5, 5], fallback=np.array([0.9, 0.5, 0.7]),
                  leads=np.array([-1, 0, -1]))

    adjacent, _ = greedy_cover(cover, max_words=None, max_sentences=None)
    anywhere, _ = greedy_cover(replace(cover, adjacent=False), max_words=None, max_sentences=None)

    # By rank 0, 2, 1; 1 needs 0 right before it, and 2 stands there.
    assert adjacent == [0, 2]
    assert anywhere == [0, 2, 1]


def test_a_pair_conflicts_with_what_its_members_conflict_with() -> None:
    matrix, weights = pair_inputs()
    # 2 repeats the lead 0, so the pair and 2 exclude each other; 2 is chosen first
    # when it weighs more than the pair.
    weights = np.array([1.0, 10.0, 30.0])
    forbidden = conflicts(sp.csr_matrix(np.array([[0, 0, 0.9], [0, 0, 0], [0.9, 0, 0]])), 0.5)

    chosen, _ = greedy_cover(
        Cover(matrix, weights, [5, 5, 5], forbidden=forbidden, leads=np.array([-1, 0, -1])),
        max_words=None,
        max_sentences=None,
    )

    assert chosen == [2]


def test_fallback_adds_a_sentence_with_a_lead_only_after_its_lead() -> None:
    matrix = sp.csr_matrix((3, 1))
    chosen, _ = greedy_cover(
        Cover(matrix, np.ones(1), [5, 5, 5], fallback=np.array([0.1, 0.9, 0.5]),
              leads=np.array([-1, 0, -1])),
        max_words=10,
        max_sentences=None,
    )

    # By rank 1 would come first, but its lead is not chosen: 2, then 0.
    assert chosen == [2, 0]
