"""Request and response schemas. Requests load into the summariser's dataclasses."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from functools import lru_cache
from typing import Any

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
    Summary,
    SummaryOptions,
    SummarySentence,
)

MAX_QUERY_CHARS = 2000
"""Longest ``options.query``: a topic with its narrative, not a document."""


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
class SummaryRequest:
    articles: list[Article]
    options: SummaryOptions


class StrictInteger(fields.Integer):
    """An integer, and only an integer: not "5", 5.0 or true."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.make_error("invalid")
        return int(super()._deserialize(value, attr, data, **kwargs))


def _not_blank(value: str) -> None:
    if not value.strip():
        raise ValidationError("Must contain text, not only white space.")


@lru_cache(maxsize=8)
def request_schema(limits: Limits) -> Schema:
    """The schema of ``POST /v1/summaries`` under ``limits`` (built once per limits)."""

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

    class OptionsSchema(Schema):
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
        similarity = fields.String(
            load_default=limits.default_similarity, validate=validate.OneOf(SIMILARITY_KINDS)
        )
        query = fields.String(
            load_default=None,
            allow_none=True,
            validate=[validate.Length(min=1, max=MAX_QUERY_CHARS), _not_blank],
        )

        @post_load
        def build(self, data: dict[str, Any], **_: Any) -> SummaryOptions:
            return SummaryOptions(**data)

    class SummaryRequestSchema(Schema):
        class Meta:
            unknown = RAISE

        articles = fields.List(
            fields.Nested(ArticleSchema),
            required=True,
            validate=validate.Length(min=1, max=limits.max_articles),
        )
        options = fields.Nested(
            OptionsSchema,
            load_default=lambda: SummaryOptions(
                max_sentences=limits.default_max_sentences,
                order=limits.default_order,  # type: ignore[arg-type]
                similarity=limits.default_similarity,  # type: ignore[arg-type]
            ),
        )

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
            if total > limits.max_total_chars:
                raise ValidationError(
                    f"The articles hold {total} characters in all; "
                    f"the limit is {limits.max_total_chars}.",
                    field_name="articles",
                )

        @post_load
        def build(self, data: dict[str, Any], **_: Any) -> SummaryRequest:
            return SummaryRequest(articles=data["articles"], options=data["options"])

    return SummaryRequestSchema()


def dump_summary(summary: Summary, *, model: bool, elapsed_ms: float) -> dict[str, Any]:
    """The 200 body of ``POST /v1/summaries``.

    ``relevance`` and ``meta.query`` appear only when the request had a query,
    so that a request without one gets the very body it always got.
    """
    body: dict[str, Any] = {
        "summary": summary.text,
        "sentences": [_dump_sentence(sentence) for sentence in summary.sentences],
        "articles": [
            {
                "id": report.id,
                "sentence_count": report.sentence_count,
                "candidate_count": report.candidate_count,
                "boilerplate_count": report.boilerplate_count,
            }
            for report in summary.articles
        ],
        "meta": {
            "similarity": summary.similarity,
            "model": MODEL_NAME if model and summary.similarity != "lexical" else None,
            "article_count": len(summary.articles),
            "sentence_count": summary.sentence_count,
            "candidate_count": summary.candidate_count,
            "elapsed_ms": round(elapsed_ms, 3),
            "timings_ms": summary.timings_ms,
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


def _dump_sentence(sentence: SummarySentence) -> dict[str, Any]:
    item: dict[str, Any] = {
        "text": sentence.text,
        "score": sentence.score,
        "centrality": sentence.centrality,
        "support": sentence.support,
    }
    if sentence.relevance is not None:
        item["relevance"] = sentence.relevance
    item["citations"] = [asdict(citation) for citation in sentence.citations]
    return item
