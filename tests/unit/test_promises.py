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
from pathlib import Path

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
            assert phrase in BRIDGE[citation.article_id][citation.start : citation.end]
    assert found == BRIDGE_CLAIMS
    assert len(claims.claims) == len(BRIDGE_CLAIMS)


# The port strike story (tests/builders.py), its clear claims labelled by reading it: a
# phrase of each outlet's sentence that reports the claim. Sentences whose claim a reader
# could argue either way (the walk-out, the ships, the grain warnings) are left out.
STORY_CLAIMS = {
    "quote": {
        "wire": "We will not go back to work until the safety rules are restored",
        "copy": "We will not go back to work until the safety rules are restored",
        "paraphrase": "would not go back to work until the port restored its safety rules",
        "runon": "We will not return to work until the safety rules are brought back",
    },
    "crane": {
        "wire": "injured when a crane collapsed last week",
        "paraphrase": "hurt when a crane fell",
        "runon": "a crane collapsed and injured two workers",
    },
    "director": {
        "wire": "Port director Anton Belik said the inspections had been reorganised",
        "runon": "Port director Anton Belik rejected the claim",
    },
    "ministry": {
        "wire": "The transport ministry said it would meet union leaders on Wednesday",
        "copy": "The transport ministry said it would meet union leaders on Wednesday",
    },
}


def labels_of(article_id: str, span: str) -> set[str]:
    """The hand-labelled claims a cited span of ``article_id`` reports."""
    return {name for name, by in STORY_CLAIMS.items() if by.get(article_id, "\0") in span}


def test_hand_labelled_claims_of_the_test_story_are_cited_exactly(
    request: pytest.FixtureRequest,
) -> None:
    # Hybrid, the default: each labelled claim is one summary sentence and one claim of
    # the map, cited by exactly the outlets labelled, and nothing is cited for a claim
    # it does not report. (Lexical similarity misses the paraphrase of the crane accident,
    # "hurt when a crane fell": its own test below allows that one miss only.)
    summary = everything("hybrid", request, make_story())
    claims = map_claims(
        make_story(), ClaimOptions(similarity="hybrid"), encoder=request.getfixturevalue("encoder")
    )
    groups = [
        [(c.article_id, STORY[c.article_id][c.start : c.end]) for c in s.citations]
        for s in summary.sentences
    ] + [
        [(c.article_id, STORY[c.article_id][c.start : c.end]) for c in claim.sentences]
        for claim in claims.claims
    ]
    found: dict[str, list[set[str]]] = {name: [] for name in STORY_CLAIMS}
    for group in groups:
        named = set().union(*(labels_of(article, span) for article, span in group))
        assert len(named) <= 1, f"one sentence cited for two claims: {group}"
        if named:
            (name,) = named
            cited = {article for article, _ in group}
            assert all(labels_of(article, span) == named for article, span in group), group
            found[name].append(cited)
    for name, by in STORY_CLAIMS.items():
        # Once in the summary, once in the claim map, each time with every labelled outlet.
        assert found[name] == [set(by), set(by)], name


def test_lexical_claims_of_the_test_story_never_merge_two_labelled_claims() -> None:
    claims = map_claims(make_story(), ClaimOptions(similarity="lexical"))
    found = {}
    for claim in claims.claims:
        cited = {c.article_id: STORY[c.article_id][c.start : c.end] for c in claim.sentences}
        named = set().union(*(labels_of(a, span) for a, span in cited.items()))
        assert len(named) <= 1, cited
        if named and len(cited) > 1:
            found[named.pop()] = set(cited)
    crane = found.pop("crane")
    assert {"wire", "runon"} <= crane <= set(STORY_CLAIMS["crane"])  # may miss "hurt ... fell"
    assert found == {name: set(by) for name, by in STORY_CLAIMS.items() if name != "crane"}


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


# The same forms in lines shaped as prose (end punctuation, at least 9 words, no "By"
# opening), each beside a control line without the form: the heading and fragment rules
# (short lines without end punctuation, under 6 words) cannot be what rejects them, and
# the control, kept as a candidate, shows that the form itself is.
README_BOILERPLATE_AS_PROSE = {
    "ap-photo": (
        "Dockworkers march past the harbour office in Valdoria on Monday (Sergei Grits / AP Photo).",
        "Dockworkers march past the harbour office in Valdoria on Monday (Sergei Grits).",
    ),
    "image-credit": (
        "Image Credit: Lena Hart, who followed the dockworkers through the first week of the strike.",
        "Lena Hart, who followed the dockworkers through the first week of the strike.",
    ),
    "left-right": (
        "Mara Ostrova (L) and Anton Belik (R) shake hands at the port gates in Valdoria on Monday.",
        "Mara Ostrova and Anton Belik shake hands at the port gates in Valdoria on Monday.",
    ),
    "photo": (
        "Dockers wait at the gates of the harbour in Valdoria on Monday morning. Photo: Lena Hart.",
        "Dockers wait at the gates of the harbour in Valdoria on Monday morning.",
    ),
    "cookie": (
        "We use cookies to improve your experience on our site and to show you adverts.",
        "We use data to improve your experience on our site and to show you adverts.",
    ),
    "sharing": (
        "Share this article with your friends on Facebook, Twitter or WhatsApp.",
        "Ostrova thanked her friends in the union on Facebook, Twitter and WhatsApp.",
    ),
    "sharing-short": (
        "Share this story on Facebook or Twitter.",
        "Ostrova told this story to reporters on Monday.",
    ),
    "comment-box": (
        "Please let us know if you're having issues with commenting.",
        "Please let us know if you're having issues with the ferry.",
    ),
    "translation": (
        "This report is powered by automated translation from the Valdorian original.",
        "This report is powered by translation from the Valdorian original.",
    ),
}
"""Each README form: (a prose-shaped line holding it, the line without it)."""


def wire_with(line: str) -> Summary:
    lines = WIRE.splitlines()
    lines.insert(5, line)
    articles = [Article(id="wire", text="\n".join(lines) + "\n"), *make_story()[1:]]
    return summarize(articles, SummaryOptions(similarity="lexical", max_sentences=30))


@pytest.mark.parametrize("name", sorted(README_BOILERPLATE_AS_PROSE))
def test_each_readme_boilerplate_form_is_rejected_for_its_form(name: str) -> None:
    line, control = README_BOILERPLATE_AS_PROSE[name]
    first_sentence = re.split(r"(?<=[.!?])\s+", line)[0]
    assert re.search(r"[.!?]$", first_sentence) and not line.startswith("By ")
    assert len(first_sentence.split()) >= 9 or name == "sharing-short"
    assert len(line.split()) >= 6 and len(control.split()) >= 6
    plain = summarize(make_story(), SummaryOptions(similarity="lexical", max_sentences=30))
    before = plain.articles[0]
    kept = wire_with(control).articles[0]
    assert kept.candidate_count == before.candidate_count + 1, f"control of {name} not kept"
    report = wire_with(line).articles[0]
    assert report.sentence_count > before.sentence_count
    assert report.candidate_count == before.candidate_count, f"{name} was a candidate"
    added = report.sentence_count - before.sentence_count
    assert report.boilerplate_count == before.boilerplate_count + added


def test_runon_units_have_at_most_the_readme_word_count() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    assert f"(at most {README_MAX_UNIT_WORDS} words)" in readme
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
