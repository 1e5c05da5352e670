"""openapi.yaml spells the option values out; they must be the summariser's own lists."""

from __future__ import annotations

from typing import Any

from service.summarize import ORDERS, SIMILARITY_KINDS


def test_spec_enums_are_the_summariser_constants(spec: dict[str, Any]) -> None:
    schemas = spec["components"]["schemas"]
    options = schemas["SummaryOptions"]["properties"]

    assert options["order"]["enum"] == list(ORDERS)
    assert options["similarity"]["enum"] == list(SIMILARITY_KINDS)
    assert schemas["Meta"]["properties"]["similarity"]["enum"] == list(SIMILARITY_KINDS)
    assert options["order"]["default"] in ORDERS
    assert options["similarity"]["default"] in SIMILARITY_KINDS
