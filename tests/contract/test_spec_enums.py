"""openapi.yaml spells the option values out; they must be the summariser's own lists."""

from __future__ import annotations

from typing import Any

from service.api.schemas import MAX_CLAIMS
from service.config import Settings
from service.summarize import (
    DISAGREEMENT_KINDS,
    NOVELTIES,
    ORDERS,
    RELATIONS,
    SIMILARITY_KINDS,
    ClaimOptions,
)


def test_spec_enums_are_the_summariser_constants(spec: dict[str, Any]) -> None:
    schemas = spec["components"]["schemas"]
    options = schemas["SummaryOptions"]["properties"]

    assert options["order"]["enum"] == list(ORDERS)
    assert options["similarity"]["enum"] == list(SIMILARITY_KINDS)
    assert schemas["Similarity"]["enum"] == list(SIMILARITY_KINDS)
    similarity = {"$ref": "#/components/schemas/Similarity"}
    assert schemas["Meta"]["properties"]["similarity"] == similarity
    assert schemas["ClaimsMeta"]["properties"]["similarity"] == similarity
    assert options["order"]["default"] in ORDERS
    assert options["similarity"]["default"] in SIMILARITY_KINDS
    assert schemas["Citation"]["properties"]["relation"]["enum"] == list(RELATIONS)
    assert schemas["Disagreement"]["properties"]["kind"]["enum"] == list(DISAGREEMENT_KINDS)
    assert schemas["Novelty"]["enum"] == list(NOVELTIES)
    sentence_novelty = schemas["SummarySentence"]["properties"]["novelty"]["enum"]
    assert sentence_novelty == [kind for kind in NOVELTIES if kind != "known"]
    assert schemas["Claim"]["properties"]["novelty"] == {"$ref": "#/components/schemas/Novelty"}
    for name in ("SummaryOptions", "ClaimOptions"):
        update = schemas[name]["properties"]
        assert update["known"] == {"$ref": "#/components/schemas/Known"}
        assert update["since"] == {"$ref": "#/components/schemas/Since"}
    assert schemas["Known"]["maxItems"] == Settings().max_articles


def test_spec_claim_options_are_the_service_bounds(spec: dict[str, Any]) -> None:
    claims = spec["components"]["schemas"]["ClaimOptions"]["properties"]
    defaults = ClaimOptions()

    assert claims["similarity"]["enum"] == list(SIMILARITY_KINDS)
    assert claims["similarity"]["default"] == Settings().default_similarity
    assert claims["min_support"]["default"] == defaults.min_support
    assert claims["min_support"]["maximum"] == Settings().max_articles
    assert claims["max_claims"]["default"] == defaults.max_claims
    assert claims["max_claims"]["maximum"] == MAX_CLAIMS
    response = spec["components"]["schemas"]["ClaimsResponse"]["properties"]
    assert response["claims"]["maxItems"] == MAX_CLAIMS
