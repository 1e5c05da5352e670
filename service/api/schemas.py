"""Request and response schemas. Requests load into the summariser's dataclasses."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from functools import lru_cache
from typing import Any, Generic, TypeVar

from marshmallow import (
    RAISE,
    Schema,
    ValidationError,
    fields,
    post_load,
    validate,
    validates_schema,
)

from service.summarize import (
    MODEL_NAME,
    ORDERS,
    SIMILARITY_KINDS,
    Article,
    Claim,
    ClaimMap,
    ClaimOptions,
    Summary,
    SummaryOptions,
    SummarySentence,
)

MAX_QUERY_CHARS = 2000
"""Longest ``options.query``: a topic with its narrative, not a document."""

MAX_CLAIMS = 5000
"""Upper bound of ``options.max_claims``: a week of one story, not a whole feed."""

CLAIM_DEFAULTS = ClaimOptions()
"""The claim options a request leaves out (but ``similarity``, a setting)."""

OptionsT = TypeVar("OptionsT", SummaryOptions, ClaimOptions)


@dataclass(frozen=True, slots=True)
class Limits:
    """The request limits and option defaults a schema enforces."""

    max_articles: int
    max_article_chars: int
    max_total_chars: int
    max_summary_sentences: int
    max_summary_words: int
    default_max_sentences: int
    default_similarity: str
    default_order: str


@dataclass(frozen=True, slots=True)
class Request(Generic[OptionsT]):
    """A loaded request body: the articles, and the options of the operation."""

    articles: list[Article]
    options: OptionsT


class StrictInteger(fields.Integer):
    """An integer, and only an integer: not "5", 5.0 or true."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.make_error("invalid")
        return int(super()._deserialize(value, attr, data, **kwargs))


def _not_blank(value: str) -> None:
    if not value.strip():
        raise ValidationError("Must contain text, not only white space.")


def _known(limits: Limits) -> fields.List[str]:
    """``options.known``: ids of the request's articles the reader has read."""
    return fields.List(
        fields.String(validate=validate.Length(min=1, max=256)),
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=limits.max_articles),
    )


def _since() -> fields.AwareDateTime:
    """``options.since``: articles published at or before it count as known."""
    return fields.AwareDateTime(
        load_default=None, allow_none=True, format="iso", default_timezone=None
    )


def _update_fields(data: dict[str, Any]) -> dict[str, Any]:
    """``known`` as a tuple (the dataclasses are frozen), None when not given."""
    if data.get("known") is not None:
        data["known"] = tuple(data["known"])
    return data


def _similarity(limits: Limits) -> fields.String:
    return fields.String(
        load_default=limits.default_similarity, validate=validate.OneOf(SIMILARITY_KINDS)
    )


@lru_cache(maxsize=8)
def request_schema(limits: Limits) -> Schema:
    """The schema of ``POST /v1/summaries`` under ``limits`` (built once per limits)."""

    class SummaryOptionsSchema(Schema):
        class Meta:
            unknown = RAISE

        max_sentences = StrictInteger(
            load_default=limits.default_max_sentences,
            validate=validate.Range(min=1, max=limits.max_summary_sentences),
        )
        max_words = StrictInteger(
            load_default=None,
            allow_none=True,
            validate=validate.Range(min=1, max=limits.max_summary_words),
        )
        order = fields.String(load_default=limits.default_order, validate=validate.OneOf(ORDERS))
        similarity = _similarity(limits)
        query = fields.String(
            load_default=None,
            allow_none=True,
            validate=[validate.Length(min=1, max=MAX_QUERY_CHARS), _not_blank],
        )
        known = _known(limits)
        since = _since()

        @post_load
        def build(self, data: dict[str, Any], **_: Any) -> SummaryOptions:
            return SummaryOptions(**_update_fields(data))

    def defaults() -> SummaryOptions:
        return SummaryOptions(
            max_sentences=limits.default_max_sentences,
            order=limits.default_order,  # type: ignore[arg-type]
            similarity=limits.default_similarity,  # type: ignore[arg-type]
        )

    return _request_schema(limits, SummaryOptionsSchema, defaults)


@lru_cache(maxsize=8)
def claims_request_schema(limits: Limits) -> Schema:
    """The schema of ``POST /v1/claims`` under ``limits``: the articles as for summaries."""

    class ClaimOptionsSchema(Schema):
        class Meta:
            unknown = RAISE

        similarity = _similarity(limits)
        min_support = StrictInteger(
            load_default=CLAIM_DEFAULTS.min_support,
            validate=validate.Range(min=1, max=limits.max_articles),
        )
        max_claims = StrictInteger(
            load_default=CLAIM_DEFAULTS.max_claims, validate=validate.Range(min=1, max=MAX_CLAIMS)
        )
        known = _known(limits)
        since = _since()

        @post_load
        def build(self, data: dict[str, Any], **_: Any) -> ClaimOptions:
            return ClaimOptions(**_update_fields(data))

    def defaults() -> ClaimOptions:
        return ClaimOptions(similarity=limits.default_similarity)  # type: ignore[arg-type]

    return _request_schema(limits, ClaimOptionsSchema, defaults)


def _request_schema(
    limits: Limits, options_schema: type[Schema], default_options: Callable[[], object]
) -> Schema:
    """A body of ``articles`` (checked under ``limits``) and ``options`` of ``options_schema``."""

    class ArticleSchema(Schema):
        class Meta:
            unknown = RAISE

        id = fields.String(required=True, validate=validate.Length(min=1, max=256))
        text = fields.String(
            required=True,
            validate=[validate.Length(min=1, max=limits.max_article_chars), _not_blank],
        )
        title = fields.String(
            load_default=None, allow_none=True, validate=validate.Length(max=2000)
        )
        source = fields.String(
            load_default=None, allow_none=True, validate=validate.Length(max=500)
        )
        url = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=4000))
        published_at = fields.AwareDateTime(
            load_default=None, allow_none=True, format="iso", default_timezone=None
        )

        @post_load
        def build(self, data: dict[str, Any], **_: Any) -> Article:
            return Article(**data)

    class RequestSchema(Schema):
        class Meta:
            unknown = RAISE

        articles = fields.List(
            fields.Nested(ArticleSchema),
            required=True,
            validate=validate.Length(min=1, max=limits.max_articles),
        )
        options = fields.Nested(options_schema, load_default=default_options)

        @validates_schema(skip_on_field_errors=True)
        def check_articles(self, data: dict[str, Any], **_: Any) -> None:
            errors: dict[int, dict[str, list[str]]] = {}
            seen: dict[str, int] = {}
            total = 0
            for index, article in enumerate(data["articles"]):
                total += len(article.text)
                if article.id in seen:
                    errors[index] = {"id": [f"Duplicate id; article {seen[article.id]} has it."]}
                seen.setdefault(article.id, index)
            if errors:
                raise ValidationError({"articles": errors})
            _check_known(data, seen)
            if total > limits.max_total_chars:
                raise ValidationError(
                    f"The articles hold {total} characters in all; "
                    f"the limit is {limits.max_total_chars}.",
                    field_name="articles",
                )

        @post_load
        def build(self, data: dict[str, Any], **_: Any) -> Request[Any]:
            return Request(articles=data["articles"], options=data["options"])

    return RequestSchema()


def _check_known(data: dict[str, Any], ids: dict[str, int]) -> None:
    """Every id of ``options.known`` names an article of the request (422 naming it)."""
    known = getattr(data.get("options"), "known", None) or ()
    unknown = {
        position: [f"No article of the request has the id {article_id!r}."]
        for position, article_id in enumerate(known)
        if article_id not in ids
    }
    if unknown:
        raise ValidationError({"options": {"known": unknown}})


def dump_summary(summary: Summary, *, model: bool, elapsed_ms: float) -> dict[str, Any]:
    """The 200 body of ``POST /v1/summaries``.

    ``relevance`` and ``meta.query`` appear only when the request had a query,
    so that a request without one gets the very body it always got.
    """
    body: dict[str, Any] = {
        "summary": summary.text,
        "sentences": [_dump_sentence(sentence) for sentence in summary.sentences],
        "articles": [asdict(report) for report in summary.articles],
        "meta": {
            **_meta(summary, len(summary.articles), model=model, elapsed_ms=elapsed_ms),
            "embedding_cache": summary.embedding_cache,
            "article_cache": summary.article_cache,
        },
    }
    if summary.query is not None:
        body["meta"]["query"] = {
            "relevance": "high" if summary.query.focused else "low",
            "max_relevance": summary.query.max_relevance,
        }
    return body


def dump_claims(claim_map: ClaimMap, *, model: bool, elapsed_ms: float) -> dict[str, Any]:
    """The 200 body of ``POST /v1/claims``."""
    return {
        "claims": [_dump_claim(claim) for claim in claim_map.claims],
        "articles": [
            {"id": item.id, "origin": item.origin, "exclusive_claims": list(item.exclusive)}
            for item in claim_map.articles
        ],
        "meta": {
            "claim_count": claim_map.claim_count,
            "returned": len(claim_map.claims),
            **_meta(claim_map, len(claim_map.articles), model=model, elapsed_ms=elapsed_ms),
        },
    }


def _dump_claim(claim: Claim) -> dict[str, Any]:
    """A claim; ``novelty`` only when the request named known articles."""
    item = asdict(claim)
    if claim.novelty is None:
        del item["novelty"]
    return item


def _meta(
    result: Summary | ClaimMap, article_count: int, *, model: bool, elapsed_ms: float
) -> dict[str, Any]:
    """What every answer says of its work: similarity, model, counts and timings."""
    return {
        "similarity": result.similarity,
        "model": MODEL_NAME if model and result.similarity != "lexical" else None,
        "article_count": article_count,
        "sentence_count": result.sentence_count,
        "candidate_count": result.candidate_count,
        "elapsed_ms": round(elapsed_ms, 3),
        "timings_ms": result.timings_ms,
    }


def _dump_sentence(sentence: SummarySentence) -> dict[str, Any]:
    item: dict[str, Any] = {
        "text": sentence.text,
        "score": sentence.score,
        "centrality": sentence.centrality,
        "support": sentence.support,
        "independent_support": sentence.independent_support,
    }
    if sentence.relevance is not None:
        item["relevance"] = sentence.relevance
    item["citations"] = [asdict(citation) for citation in sentence.citations]
    item["disagreements"] = [asdict(disagreement) for disagreement in sentence.disagreements]
    if sentence.novelty is not None:
        item["novelty"] = sentence.novelty
    return item
