"""A run-on article (one that lost its punctuation) keeps the matches it had when clean.

Segmentation cuts a run-on article into units of at most 55 words that straddle its
real sentence boundaries, so a unit's cosine with a clean sentence of another article
is low; the match is made by containment (:mod:`service.summarize.containment`).
The story is ours: ``wire`` tells of a bridge closing, ``daily`` repeats three of its
sentences in its own words and adds one of its own.
"""

# ruff: noqa: E501

from __future__ import annotations

import re

import pytest

from service.summarize import Article, RankingParams, SentenceEncoder, SummaryOptions
from service.summarize.containment import CONTAINMENT, contained
from service.summarize.pipeline import rank_story

WIRE = [
    "Engineers closed the Harlow river bridge to all traffic on Tuesday after inspectors found deep cracks in two of its steel supports during a routine check.",
    "The county transport office said repairs would take at least six weeks and cost about 4 million pounds, to be shared with the national roads agency.",
    "Buses will be diverted through the village of Mernby, adding twenty minutes to the journey into town for thousands of commuters every morning.",
    "Shop owners near the bridge said they feared losing most of their trade during the busy summer months, when tourists usually fill the old market.",
    "The bridge was built in 1964 and last strengthened in the early nineties, when its deck was widened to carry heavier lorries from the quarry.",
    "Local councillors called an emergency meeting for Thursday evening to hear from the engineers and to discuss a temporary footbridge for pedestrians.",
]
DAILY = [
    "Cracks in two steel supports closed the Harlow river bridge on Tuesday.",
    "Repairs will take six weeks and cost 4 million pounds, the county transport office said.",
    "Shop owners near the bridge fear losing their summer trade.",
    "A petition calling for a second crossing has gathered three thousand signatures since the spring.",
]
SAME = {0: 0, 1: 1, 2: 3}
"""Which wire sentence each daily sentence says again (daily index -> wire index)."""


def strip(text: str) -> str:
    """The text as an article that lost its punctuation and case: one run of words."""
    return " ".join(re.sub(r"[^\w\s]", " ", text).lower().split())


def wire_matches(
    wire: str, similarity: str, encoder: SentenceEncoder | None = None
) -> dict[int, tuple[int, int]]:
    """For each daily sentence, the span of the ``wire`` sentence that supports it."""
    ranked = rank_story(
        [Article(id="wire", text=wire), Article(id="daily", text="\n".join(DAILY))],
        SummaryOptions(similarity=similarity),  # type: ignore[arg-type]
        encoder=encoder,
        max_sentences_considered=None,
        params=RankingParams(),
        article_cache=None,
    )
    candidates = ranked.candidates
    found: dict[int, tuple[int, int]] = {}
    for index, group in enumerate(ranked.ranking.same_claim):
        if candidates.article_of[index] != 1:
            continue
        daily = DAILY.index(candidates.texts[index])
        for other in group:
            span = candidates.spans[other]
            found[daily] = (span.start, span.end)
    return found


def test_the_clean_wire_matches_the_sentences_the_daily_says_again() -> None:
    clean = "\n".join(WIRE)
    matches = wire_matches(clean, "lexical")
    assert {k: clean[s:e] for k, (s, e) in matches.items()} == {
        daily: WIRE[wire] for daily, wire in SAME.items()
    }


@pytest.mark.parametrize("similarity", ["lexical", "hybrid"])
def test_the_stripped_wire_keeps_those_matches_citing_the_unit_that_holds_them(
    similarity: str, request: pytest.FixtureRequest
) -> None:
    encoder = None if similarity == "lexical" else request.getfixturevalue("encoder")
    runon = strip(" ".join(WIRE))
    matches = wire_matches(runon, similarity, encoder)
    assert set(matches) == set(SAME)
    for daily, wire in SAME.items():
        start, end = matches[daily]
        said = runon.index(strip(WIRE[wire]))
        held = min(end, said + len(strip(WIRE[wire]))) - max(start, said)
        # The cited unit holds (part of: units straddle sentences) the wire sentence
        # that the daily one repeats.
        assert held > 0, (daily, runon[start:end])


def test_containment_counts_the_neighbouring_unit_of_a_cut_sentence() -> None:
    sentence = {"bridge", "close", "traffic", "crack", "support", "inspector"}
    first, second = {"bridge", "close", "traffic", "bus"}, {"crack", "support", "inspector"}
    assert contained(sentence, first, []) == pytest.approx(0.5 * 0.5 + 0.5 * 0.5)
    assert contained(sentence, first, [second]) == pytest.approx((0.5 + 1.0) / 2)
    assert contained(sentence, first, [second]) >= CONTAINMENT
    assert contained({"bridge", "close"}, first, [second]) == 0.0  # too short to match
