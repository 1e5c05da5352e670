"""Update summaries: what is new to a reader who has read some of the articles."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest
import scipy.sparse as sp

from service.summarize import (
    ClaimOptions,
    NothingNew,
    SummaryOptions,
    map_claims,
    summarize,
)
from service.summarize.coverage import ConceptRules, Cover, concept_matrix, greedy_cover
from service.summarize.update import find_reader
from tests.builders import FLOOD_KNOWN, FLOOD_NEW, flood_update_articles

KNOWN = tuple(FLOOD_KNOWN)


def _texts_of(article_ids: dict[str, str]) -> set[str]:
    return {line for text in article_ids.values() for line in text.splitlines()}


@pytest.mark.parametrize("order", ["rank", "source"])
def test_only_news_is_chosen_and_the_correction_comes_first(order: str) -> None:
    articles = flood_update_articles(dated=True)
    summary = summarize(articles, SummaryOptions(similarity="lexical", known=KNOWN, order=order))

    chosen = [sentence.text for sentence in summary.sentences]
    assert chosen, "the new reports hold news"
    assert not set(chosen) & _texts_of(FLOOD_KNOWN)
    for sentence in summary.sentences:
        assert sentence.citations[0].article_id in FLOOD_NEW
        # No known article is cited for news: a claim a known article made is not news.
        assert not {citation.article_id for citation in sentence.citations} & set(KNOWN)
    first = summary.sentences[0]
    assert "15 people" in first.text
    assert first.novelty == "changed"
    corrected = {d.article_id: d for d in first.disagreements}
    assert {"k1", "k2"} <= set(corrected)
    earlier = corrected["k1"]
    assert (earlier.kind, earlier.value, earlier.other) == ("number", "15", "12")
    text = articles[0].text
    assert text[earlier.start : earlier.end] == (
        "The regional emergency service said 12 people had died in the flood."
    )
    assert {s.novelty for s in summary.sentences[1:]} == {"new"}


def test_the_news_both_new_reports_carry_is_chosen_once_citing_both() -> None:
    summary = summarize(
        flood_update_articles(), SummaryOptions(similarity="lexical", known=KNOWN)
    )
    money = [s for s in summary.sentences if "40 million euros" in s.text]
    assert len(money) == 1
    assert {c.article_id for c in money[0].citations} == {"n1", "n2"}
    assert any("Schools in the old town" in s.text for s in summary.sentences)


def test_without_known_the_whole_story_is_summarised_as_before() -> None:
    articles = flood_update_articles()
    plain = summarize(articles, SummaryOptions(similarity="lexical"))
    again = summarize(articles, SummaryOptions(similarity="lexical", known=None, since=None))

    assert plain.sentences == again.sentences
    assert all(sentence.novelty is None for sentence in plain.sentences)
    cited = {c.article_id for s in plain.sentences for c in s.citations}
    assert cited & set(KNOWN), "the whole story's summary draws on the earlier reports"
    assert any("12 people" in s.text for s in plain.sentences)


def test_since_counts_the_articles_published_until_then_as_known() -> None:
    articles = flood_update_articles(dated=True)
    by_ids = summarize(articles, SummaryOptions(similarity="lexical", known=KNOWN))
    by_time = summarize(
        articles,
        SummaryOptions(similarity="lexical", since=datetime(2026, 3, 3, 7, 0, tzinfo=UTC)),
    )
    assert [s.text for s in by_time.sentences] == [s.text for s in by_ids.sentences]
    # Only k1 and k2 are before this time: k3's army sentence is news then.
    earlier = summarize(
        articles,
        SummaryOptions(similarity="lexical", since=datetime(2026, 3, 2, 12, 0, tzinfo=UTC)),
    )
    assert any(s.citations[0].article_id == "k3" for s in earlier.sentences)


def test_the_reader_of_ids_and_times() -> None:
    articles = flood_update_articles(dated=True)
    assert find_reader(articles, None, None) is None
    reader = find_reader(articles, ("k2",), datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    assert reader is not None and reader.known == {0, 1}
    # A naive time is UTC; an undated article is never known by date.
    undated = flood_update_articles()
    assert find_reader(undated, None, datetime(2030, 1, 1)) is not None
    with pytest.raises(ValueError, match=r"known\[1\].*'nope'"):
        find_reader(articles, ("k1", "nope"), None)
    with pytest.raises(NothingNew):
        find_reader(articles, (), datetime(2026, 3, 5, tzinfo=UTC))
    with pytest.raises(NothingNew):
        every = tuple(article.id for article in articles)
        summarize(articles, SummaryOptions(similarity="lexical", known=every))


def test_claims_say_new_known_or_changed() -> None:
    articles = flood_update_articles()
    claims = map_claims(articles, ClaimOptions(similarity="lexical", known=KNOWN)).claims
    by_text = {claim.text: claim for claim in claims}

    toll = next(c for c in claims if "15 people" in c.text)
    assert toll.novelty == "changed"
    assert {d.article_id for d in toll.disagreements} >= {"k1", "k2"}
    for claim in claims:
        ids = {sentence.article_id for sentence in claim.sentences}
        assert claim.novelty == ("known" if ids & set(KNOWN) else claim.novelty)
        if not ids & set(KNOWN):
            assert claim.novelty in ("new", "changed")
    assert any(c.novelty == "new" and "40 million" in c.text for c in by_text.values())
    plain = map_claims(articles, ClaimOptions(similarity="lexical")).claims
    assert all(claim.novelty is None for claim in plain)


def test_a_sentence_not_allowed_is_never_chosen_not_even_to_fill() -> None:
    concepts = sp.csr_matrix(np.array([[1, 0], [0, 1], [0, 0], [0, 0]], dtype=float))
    cover = Cover(
        concepts,
        np.array([5.0, 1.0]),
        [5, 5, 5, 5],
        fallback=np.array([1.0, 0.9, 0.8, 0.7]),
        allowed=np.array([False, True, True, False]),
    )
    chosen, _ = greedy_cover(cover, max_words=None, max_sentences=None)
    assert chosen == [1, 2]


def test_the_first_sentences_are_taken_before_the_greedy_choice() -> None:
    concepts = sp.csr_matrix(np.array([[1, 0], [0, 1], [1, 1]], dtype=float))
    cover = Cover(concepts, np.array([5.0, 1.0]), [5, 5, 5], first=[1])
    chosen, _ = greedy_cover(cover, max_words=10, max_sentences=None)
    assert chosen[0] == 1
    assert greedy_cover(Cover(concepts, np.array([5.0, 1.0]), [5, 5, 5]),
                        max_words=10, max_sentences=None)[0][0] != 1


def test_known_concepts_weigh_the_known_factor() -> None:
    pairs = [[("flood", "toll")], [("flood", "toll")], [("pump", "water")], [("pump", "water")]]
    units = np.array([0, 1, 0, 1])
    rules = ConceptRules(min_articles=2, known=frozenset({("flood", "toll")}), known_factor=0.25)
    _, weights = concept_matrix(pairs, units, rules)
    assert weights.tolist() == [0.25 * 2.0, 2.0]
    _, dropped = concept_matrix(pairs, units, ConceptRules(2, known={("flood", "toll")}))
    assert dropped.tolist() == [2.0]
