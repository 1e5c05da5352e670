"""The README's headline promises, checked against expectations written by hand.

Each check here is independent of the code under test: near-duplicates are found by our
own word overlap (not the service's similarity), the claim groups of the bridge story
below were labelled by reading it, and the limits are the README's numbers, not the
package's constants.
"""

# Hand-written articles: prose lines are as long as the sentences (as in tests/builders.py).
# ruff: noqa: E501

from __future__ import annotations

import itertools
import re

import numpy as np
import pytest
import scipy.sparse as sp

from service.summarize import (
    Article,
    ArticleCache,
    ClaimOptions,
    SegmentationParams,
    Summary,
    SummaryOptions,
    map_claims,
    split_sentences,
    summarize,
)
from service.summarize.candidates import find_candidates
from service.summarize.ranking import Walk, rank
from service.summarize.support import SupportRule
from tests.builders import QUOTE, RUNON, STORY, WIRE, make_story

README_MAX_UNIT_WORDS = 55
"""README, "Messy text": a run-on article is cut into units of at most 55 words."""

# A story we wrote, with its claims labelled by hand: three outlets on a bridge closure.
BRIDGE = {
    "north": (
        "The Kessel bridge was closed to traffic on Tuesday after inspectors found cracks in two of its steel cables.\n"
        "City engineer Dana Wulf said repairs would take at least six weeks.\n"
        "Buses will be rerouted through the tunnel under the river while the bridge is shut.\n"
        "Shop owners near the bridge said they feared losing customers during the closure.\n"
    ),
    "south": (
        "Inspectors found cracks in two steel cables of the Kessel bridge, which was closed to traffic on Tuesday.\n"
        "City engineer Dana Wulf said repairs would take at least six weeks.\n"
        "Commuters queued for an hour at the ferry landing on Tuesday morning.\n"
    ),
    "east": (
        "The city council will hold an emergency meeting on Thursday to discuss funding for the repairs.\n"
        "City engineer Dana Wulf said repairs would take at least six weeks.\n"
        "Buses will be rerouted through the tunnel under the river while the bridge is shut.\n"
    ),
}
BRIDGE_CLAIMS = {
    "cracks": {"north", "south"},
    "six weeks": {"north", "south", "east"},
    "Buses": {"north", "east"},
    "Shop owners": {"north"},
    "Commuters": {"south"},
    "emergency meeting": {"east"},
}
"""Each claim (by a phrase only it holds) and the outlets that report it."""


def word_set(text: str) -> set[str]:
    return set(re.findall(r"[a-z0-9]+", text.casefold()))


def overlap(one: str, two: str) -> float:
    """Share of the shorter sentence's words that the other has too."""
    a, b = word_set(one), word_set(two)
    return len(a & b) / max(1, min(len(a), len(b)))


def everything(kind: str, request: pytest.FixtureRequest, articles: list[Article]) -> Summary:
    encoder = None if kind == "lexical" else request.getfixturevalue("encoder")
    return summarize(
        articles,
        SummaryOptions(similarity=kind, max_sentences=30),  # type: ignore[arg-type]
        encoder=encoder,
    )


@pytest.mark.parametrize("kind", ["lexical", "hybrid"])
def test_no_two_summary_sentences_are_near_equal_as_text(
    kind: str, request: pytest.FixtureRequest
) -> None:
    # The story does hold near-equal sentences (the quote run word for word by two
    # outlets, the ministry's line twice): the summary must keep one of each.
    lines = [line for text in STORY.values() for line in text.splitlines() if line.strip()]
    assert sum(overlap(a, b) > 0.8 for a, b in itertools.combinations(lines, 2)) >= 2
    summary = everything(kind, request, make_story())
    assert len(summary.sentences) >= 5
    for one, two in itertools.combinations(summary.sentences, 2):
        assert one.text.casefold() != two.text.casefold()
        assert overlap(one.text, two.text) <= 0.8, (one.text, two.text)
    assert sum(QUOTE in s.text for s in summary.sentences) <= 1


def test_hand_labelled_claim_groups_are_found_exactly() -> None:
    articles = [Article(id=key, text=text) for key, text in BRIDGE.items()]
    claims = map_claims(articles, ClaimOptions(similarity="lexical"))
    found = {}
    for phrase in BRIDGE_CLAIMS:
        (claim,) = [c for c in claims.claims if phrase in c.text]
        found[phrase] = {c.article_id for c in claim.sentences}
        for citation in claim.sentences:
            assert phrase in BRIDGE[citation.article_id][citation.start : citation.end] or (
                phrase == "cracks"
            )
    assert found == BRIDGE_CLAIMS
    assert len(claims.claims) == len(BRIDGE_CLAIMS)


def test_support_alone_flips_the_order_of_two_equally_central_sentences() -> None:
    # Article "a" says Q (twice, as papers repeat themselves) and P; article "b" says P.
    # The graph links Q to its repeat and P to its copy equally, so P and Q are equally
    # central in it; the walk gives Q, the lead, a little more weight. Only P has a second
    # source: with support it ranks first, with support weight 0 it is second.
    q = "Queues formed at the ferry landing on Tuesday morning as commuters waited."
    p = "The bridge was closed to traffic on Tuesday after cracks were found in it."
    articles = [Article(id="a", text=f"{q}\n{q.replace('Tuesday', 'the')}\n{p}\n"),
                Article(id="b", text=f"{p}\n")]
    candidates = find_candidates(articles, SegmentationParams(), ArticleCache(0))
    assert [candidates.texts[i] for i in (0, 2, 3)] == [q, p, p]
    graph = sp.csr_matrix(
        np.array([[0, 0.9, 0, 0], [0.9, 0, 0, 0], [0, 0, 0, 0.9], [0, 0, 0.9, 0]])
    )
    walk = Walk(jump=np.array([1.05, 1.0, 1.0, 1.0]), damping=0.15)

    def first(weight: float) -> str:
        ranking = rank(graph, walk, candidates, rule=SupportRule(0.45), support_weight=weight)
        flat = rank(
            graph, Walk(np.ones(4), 0.15), candidates, rule=SupportRule(0.45), support_weight=0
        )
        assert flat.centrality[0] == pytest.approx(flat.centrality[2])
        assert ranking.same_claim[2] == [3] and ranking.same_claim[0] == []
        return candidates.texts[int(np.argmax(ranking.scores[:3]))]

    assert first(0.5) == p
    assert first(0.0) == q


README_BOILERPLATE = {
    "ap-photo": "Dockworkers march past the harbour office in Valdoria. (Sergei Grits / AP Photo)",
    "image-credit": "Image Credit: Lena Hart for the Valdoria Herald and its regional partners",
    "left-right": "Mara Ostrova (L) and Anton Belik (R) meet at the port gates in Valdoria",
    "photo": "Dockers wait at the gates of the harbour in Valdoria. Photo: Lena Hart",
    "cookie": "We use cookies to improve your experience on our site and to show you adverts.",
    "sharing": "Share this article on Facebook, Twitter or WhatsApp",
    "comment-box": "Please let us know if you're having issues with commenting.",
    "translation": "Powered by automated translation",
}
"""One line of each boilerplate form the README names ("How it ranks", step 2)."""


@pytest.mark.parametrize("name", sorted(README_BOILERPLATE))
def test_each_readme_boilerplate_form_is_rejected(name: str) -> None:
    line = README_BOILERPLATE[name]
    lines = WIRE.splitlines()
    lines.insert(5, line)
    text = "\n".join(lines) + "\n"
    start = text.index(line)
    end = start + len(line)
    articles = [Article(id="wire", text=text), *make_story()[1:]]
    plain = summarize(make_story(), SummaryOptions(similarity="lexical", max_sentences=30))
    summary = summarize(articles, SummaryOptions(similarity="lexical", max_sentences=30))
    # Every sentence the line adds (one or two) is boilerplate; no candidate is added.
    added = summary.articles[0].sentence_count - plain.articles[0].sentence_count
    assert added >= 1
    assert summary.articles[0].boilerplate_count == plain.articles[0].boilerplate_count + added
    assert summary.articles[0].candidate_count == plain.articles[0].candidate_count
    for sentence in summary.sentences:
        assert sentence.text not in line and line not in sentence.text
        for citation in sentence.citations:
            if citation.article_id == "wire":
                assert citation.end <= start or citation.start >= end, name


def test_runon_units_have_at_most_the_readme_word_count() -> None:
    segments = split_sentences(RUNON)
    assert len(RUNON.split()) > 2 * README_MAX_UNIT_WORDS
    assert len(segments) >= 4
    for segment in segments:
        assert len(RUNON[segment.start : segment.end].split()) <= README_MAX_UNIT_WORDS
    summary = summarize(make_story(), SummaryOptions(similarity="lexical", max_sentences=30))
    cited = [c for s in summary.sentences for c in s.citations if c.article_id == "runon"]
    assert cited
    for citation in cited:
        assert len(RUNON[citation.start : citation.end].split()) <= README_MAX_UNIT_WORDS
