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


def _every_pair(graph, candidates, where, threshold):  # type: ignore[no-untyped-def]
    """The plain loop over every unit and every clean sentence (the filter's reference)."""
    import numpy as np
    import scipy.sparse as sp

    from service.summarize.containment import _neighbours
    from service.summarize.similarity import tokenize

    run_on = candidates.run_on[where]
    stems = [set(tokenize(candidates.texts[i])) for i in where.tolist()]
    article_of = candidates.article_of[where]
    best: dict[tuple[int, int], tuple[float, int]] = {}
    for unit in np.flatnonzero(run_on).tolist():
        neighbours = _neighbours(candidates, int(where[unit]))
        for clean in np.flatnonzero(~run_on & (article_of != article_of[unit])).tolist():
            score = contained(stems[clean], stems[unit], neighbours)
            key = (clean, int(article_of[unit]))
            if score >= CONTAINMENT and score > best.get(key, (0.0, -1))[0]:
                best[key] = (score, unit)
    m = graph.shape[0]
    if not best:
        return sp.csr_matrix(graph)
    values = threshold + (1 - threshold) * (
        np.array([s for s, _ in best.values()]) - CONTAINMENT
    ) / (1 - CONTAINMENT)
    found = sp.csr_matrix(
        (values, ([u for _, u in best.values()], [c for c, _ in best])), shape=(m, m)
    )
    return sp.csr_matrix(sp.csr_matrix(graph).maximum(found).maximum(found.T))


@pytest.mark.parametrize("seed", range(4))
def test_the_prefix_filter_finds_every_match_the_plain_loop_finds(seed: int) -> None:
    import random

    import numpy as np
    import scipy.sparse as sp

    from service.summarize.candidates import ArticleCache, find_candidates
    from service.summarize.containment import with_containment
    from service.summarize.params import SegmentationParams

    rng = random.Random(seed)
    articles = [Article(id="wire", text="\n".join(WIRE)), Article(id="daily", text="\n".join(DAILY))]
    for copy in range(4):  # run-on copies, some with words swapped or sentences dropped
        kept = [s for s in WIRE if rng.random() > 0.2]
        words = strip(" ".join(kept)).split()
        for place in rng.sample(range(len(words)), k=3 * copy):
            words[place] = rng.choice(["harbour", "lorry", "market", "council", "river"])
        articles.append(Article(id=f"runon{copy}", text=" ".join(words)))
    candidates = find_candidates(articles, SegmentationParams(), ArticleCache(0))
    where = np.arange(len(candidates))
    graph = sp.csr_matrix((len(candidates), len(candidates)))
    fast = with_containment(graph, candidates, where, 0.3)
    plain = _every_pair(graph, candidates, where, 0.3)
    assert fast.nnz > 0
    assert (fast != plain).nnz == 0
