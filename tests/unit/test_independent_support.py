"""Support means agreement, and wire copies count once (issue 16), through the summariser.

The flood story (tests/api/stories.py): ``herald`` runs the ``wire`` story word for word;
``gazette`` reports the same flood but 15 people in hospital where the wire says 12, and
a wall that had *not* been inspected. Every expectation below is written from the
story's text, not from what the code returns.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import pytest

from service.summarize import (
    Article,
    ClaimOptions,
    RankingParams,
    SegmentationParams,
    SelectionParams,
    SentenceEncoder,
    Summary,
    SummaryOptions,
    SummarySentence,
    map_claims,
    summarize,
)
from service.summarize import claims as claims_module
from tests.api.stories import FLOOD, words

HOSPITAL = "The regional emergency service said 12 people had been taken to hospital"


def flood() -> list[Article]:
    return [Article(id=key, text=text) for key, text in FLOOD.items()]


def everything(similarity: str = "lexical") -> Summary:
    return summarize(
        flood(), SummaryOptions(similarity=similarity, max_sentences=20)  # type: ignore[arg-type]
    )


def sentence(summary: Summary, opening: str) -> SummarySentence:
    found = [s for s in summary.sentences if s.text.startswith(opening)]
    assert found, f"no summary sentence opens with {opening!r}"
    return found[0]


def test_the_copy_is_detected_and_reported_as_such() -> None:
    reports = {report.id: report.origin for report in everything().articles}
    assert reports == {"wire": None, "herald": "wire", "gazette": None}


def test_a_source_giving_another_number_is_a_disagreement_not_a_citation() -> None:
    hospital = sentence(everything(), HOSPITAL)
    cited = {c.article_id for c in hospital.citations}
    assert cited == {"wire", "herald"}
    assert hospital.support == 2
    assert hospital.independent_support == 1  # one wire story
    (dispute,) = hospital.disagreements
    assert (dispute.article_id, dispute.kind) == ("gazette", "number")
    assert (dispute.value, dispute.other) == ("12", "15")
    assert "15 people" in FLOOD["gazette"][dispute.start : dispute.end]


def test_a_negated_claim_is_a_disagreement_not_a_citation() -> None:
    # The wire (with its copy in the herald) says the wall had been inspected, the
    # gazette that it had not: one source against one, so either may be chosen, and
    # either way the other side is listed as disputing it, never cited.
    (wall,) = [s for s in everything().sentences if s.text.startswith("Mayor Ilse Varga said")]
    sides = {"wire", "herald"} if "not been inspected" in wall.text else {"gazette"}
    assert not sides & {c.article_id for c in wall.citations}
    kinds = {(d.article_id, d.kind) for d in wall.disagreements}
    assert kinds == {(side, "negation") for side in sides}


def test_citations_say_whether_they_are_verbatim() -> None:
    for item in everything().sentences:
        first, *others = item.citations
        assert (first.relation, first.similarity) == ("verbatim", 1.0)
        for citation in others:
            text = FLOOD[citation.article_id][citation.start : citation.end]
            same = words(text) == words(item.text)
            assert citation.relation == ("verbatim" if same else "paraphrase")
            assert 0.0 < citation.similarity <= 1.0


def test_independent_support_counts_origins() -> None:
    for item in everything().sentences:
        origins = {"herald": "wire"}
        expected = {origins.get(c.article_id, c.article_id) for c in item.citations}
        assert item.independent_support == len(expected)
        assert item.independent_support <= item.support


@pytest.mark.parametrize("collapse", [False, True])
def test_collapsed_copies_are_still_cited_verbatim(collapse: bool) -> None:
    params = RankingParams(
        segmentation=SegmentationParams(collapse_copies=collapse),
        selection=SelectionParams(per_origin=collapse),
    )
    summary = summarize(
        flood(), SummaryOptions(similarity="lexical", max_sentences=20), params=params
    )
    hospital = sentence(summary, HOSPITAL)
    herald = [c for c in hospital.citations if c.article_id == "herald"]
    assert [c.relation for c in herald] == ["verbatim"]
    assert FLOOD["herald"][herald[0].start : herald[0].end] == hospital.text
    if collapse:
        # The herald's copies of wire sentences are no candidates of their own: no
        # summary sentence is quoted from them.
        for item in summary.sentences:
            first = item.citations[0]
            assert first.article_id != "herald" or item.text not in FLOOD["wire"]


def test_the_claim_map_groups_each_sentence_once() -> None:
    claims = map_claims(flood(), ClaimOptions(similarity="lexical"))
    seen: set[tuple[str, int]] = set()
    for claim in claims.claims:
        keys = {(c.article_id, c.sentence_index) for c in claim.sentences}
        assert not keys & seen
        seen |= keys
        assert claim.support == len({c.article_id for c in claim.sentences})
    hospital = next(c for c in claims.claims if c.text.startswith(HOSPITAL))
    assert {c.article_id for c in hospital.sentences} == {"wire", "herald"}
    assert [d.other for d in hospital.disagreements] == ["15"]
    gazette = next(a for a in claims.articles if a.id == "gazette")
    only = {claims.claims[i].text for i in gazette.exclusive}
    assert any(text.startswith("Shopkeepers on the riverfront") for text in only)
    assert all(claims.claims[i].support == 1 for i in gazette.exclusive)


class _Counting:
    """An encoder that counts the sentences it is asked to embed."""

    def __init__(self, inner: SentenceEncoder) -> None:
        self.inner, self.asked = inner, 0

    def encode(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        self.asked += len(texts)
        return self.inner.encode(texts)


def test_the_claim_maps_encoder_sees_a_bounded_shortlist(
    encoder: SentenceEncoder, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A claim map wants every claim: its shortlist (6 a claim) is bounded, and the claims
    # outside it are still grouped, by lexical similarity, with their disagreements.
    monkeypatch.setattr(claims_module, "CLAIMS_SHORTLIST", 4)
    counting = _Counting(encoder)

    bounded = map_claims(flood(), ClaimOptions(similarity="hybrid"), encoder=counting)

    assert 0 < counting.asked <= 4 < bounded.candidate_count
    seen: set[tuple[str, int]] = set()
    for claim in bounded.claims:
        keys = {(c.article_id, c.sentence_index) for c in claim.sentences}
        assert not keys & seen
        seen |= keys
    assert len(seen) == bounded.candidate_count
    hospital = next(c for c in bounded.claims if c.text.startswith(HOSPITAL))
    assert {c.article_id for c in hospital.sentences} == {"wire", "herald"}
    assert [d.other for d in hospital.disagreements] == ["15"]


def test_claim_bounds() -> None:
    every = map_claims(flood(), ClaimOptions(similarity="lexical"))
    shared = map_claims(flood(), ClaimOptions(similarity="lexical", min_support=2))
    two = map_claims(flood(), ClaimOptions(similarity="lexical", max_claims=2))
    assert shared.claims and all(c.support >= 2 for c in shared.claims)
    assert len(shared.claims) < len(every.claims)
    assert two.claims == every.claims[:2] and two.claim_count == every.claim_count
    with pytest.raises(ValueError, match="min_support"):
        map_claims(flood(), ClaimOptions(min_support=0, similarity="lexical"))


def test_the_disputing_sentence_was_similar_enough_to_have_counted_as_support() -> None:
    # The point of the rule: by similarity alone the gazette's sentence would be a
    # citation (so the tests above do not pass because it was never a match).
    from service.summarize import GraphParams

    hospital = sentence(everything(), HOSPITAL)
    (dispute,) = hospital.disagreements
    assert dispute.similarity >= GraphParams().support_threshold_lexical
