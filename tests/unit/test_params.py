"""The stages' parameters: validated when built, the focused variant, dotted names."""

from __future__ import annotations

import dataclasses

import pytest

from service.summarize import (
    GraphParams,
    QueryParams,
    RankingParams,
    SegmentationParams,
    SelectionParams,
    ShortlistParams,
    field_types,
)


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: SegmentationParams(unpunctuated_quality=0.0), "segmentation.unpunctuated_quality"),
        (lambda: GraphParams(damping=1.0), r"graph.damping must be in \(0, 1\), got 1.0"),
        (lambda: GraphParams(top_k=0), "graph.top_k must be >= 1, got 0"),
        (lambda: GraphParams(support_threshold_hybrid=0.0), "graph.support_threshold_hybrid"),
        (
            lambda: GraphParams(topic_floor_lexical=0.5),
            r"graph.topic_floor_lexical must be in \(0, 0.45\]",
        ),
        (lambda: ShortlistParams(min_size=0), "shortlist.min_size"),
        (lambda: ShortlistParams(partner_floor=1.5), "shortlist.partner_floor"),
        (lambda: SelectionParams(method="best"), "selection.method must be one of"),  # type: ignore[arg-type]
        (lambda: SelectionParams(min_share=1.5), r"selection.min_share must be in \[0, 1\]"),
        (lambda: SelectionParams(unigram_weight=-1.0), "selection.unigram_weight"),
        (lambda: SelectionParams(favoured_min_articles=0), "selection.favoured_min_articles"),
        (lambda: QueryParams(min_relevance=2.0), "query.min_relevance"),
        (lambda: QueryParams(gain_floor=-0.1), "query.gain_floor"),
    ],
)
def test_a_value_out_of_range_is_refused_naming_its_field(build: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        build()  # type: ignore[operator]


def test_the_defaults_are_valid_and_every_field_has_a_dotted_name() -> None:
    types = field_types()
    assert types["graph.top_k"] == "int"
    assert types["selection.method"] == "Selection"
    for name in types:
        stage, leaf = name.split(".")
        assert hasattr(getattr(RankingParams(), stage), leaf)
    assert len(types) == sum(
        len(dataclasses.fields(getattr(RankingParams(), f.name)))
        for f in dataclasses.fields(RankingParams)
    )


def test_focused_selection_takes_the_query_settings_and_drops_the_general_terms() -> None:
    general = SelectionParams()
    query = QueryParams(min_share=0.2, weight_power=0.0, min_words=12, concept_min_articles=0)

    focused = general.focused(query)

    assert (focused.min_share, focused.min_words) == (0.2, 12)
    assert focused.weight_power == general.weight_power  # 0 keeps the general one
    assert focused.favoured_min_articles is None  # 0: the usual share
    assert focused.length_power == query.length_power
    assert (focused.dangling_factor, focused.filler_factor, focused.unigram_weight) == (
        1.0,
        1.0,
        0.0,
    )
    assert focused.focus_concept_weight == query.concept_weight
    assert focused.focus_gain_floor == query.gain_floor
    # General summaries carry no focus term.
    assert (general.focus_concept_weight, general.focus_gain_floor) == (0.0, 1.0)


def test_updated_sets_nested_fields_and_validates_them() -> None:
    params = RankingParams().updated({"graph.top_k": 12, "selection.method": "score"})

    assert params.graph.top_k == 12 and params.selection.method == "score"
    assert params.query == RankingParams().query
    with pytest.raises(ValueError, match="no field 'top_k'"):
        RankingParams().updated({"top_k": 12})
    with pytest.raises(ValueError, match="graph.top_k"):
        RankingParams().updated({"graph.top_k": 0})


def test_support_threshold_is_per_similarity_kind() -> None:
    graph = GraphParams(
        support_threshold_lexical=0.4, support_threshold_semantic=0.6, support_threshold_hybrid=0.5
    )
    assert [graph.support_threshold(kind) for kind in ("lexical", "semantic", "hybrid")] == [
        0.4,
        0.6,
        0.5,
    ]
