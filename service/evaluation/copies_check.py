"""Do wire copies take over a summary? Measured on a benchmark's clusters.

Run ``python -m service.evaluation.copies_check duc2004_task2.jsonl`` (any file in the
eval data format). The data is read at run time and never stored.

For each cluster, the summary of its articles is set beside the summary of the same
articles plus ``--copies`` copies of one of them (its first article), as outlets run a
wire story: the copied text whole, with a line of the outlet's own before it and after
it. A copy is one source with the article it copies, so the summary should not change:
the report gives how many of the summary's sentences (within the word budget) come from
the copied story, without and with the copies, and ROUGE of both against the
references, for each set of parameters asked for (``--grid``, as
``make eval-crossval``'s ``CV_GRID``: ``'stage.field=v1,v2;...'``, the defaults first).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from service.evaluation.crossval import parse_grid
from service.evaluation.data import Cluster, load_clusters
from service.evaluation.harness import LocalSummarizer, sentences_in_budget
from service.evaluation.rouge import RougeRecall, mean_scores
from service.summarize import DEFAULT_PARAMS, Article, Summary

COPIES = 3
"""Copies of the first article added to each cluster, by default."""


def with_copies(articles: Sequence[Article], copies: int) -> list[Article]:
    """``articles`` and ``copies`` copies of the first, each with its outlet's own first
    and last line (a dateline of its own, a credit line), as outlets run a wire story."""
    first = articles[0]
    extra = [
        Article(
            id=f"{first.id}#copy{k}",
            text=f"Filed for Outlet {k} readers.\n{first.text}\nOutlet {k} staff contributed.",
            title=first.title,
        )
        for k in range(1, copies + 1)
    ]
    return [*articles, *extra]


def copied_story(summary: Summary, first: str) -> set[str]:
    """Ids of the articles of the first article's story: itself, its copies and every
    article that is one origin with it."""
    origin = {report.id: report.origin or report.id for report in summary.articles}
    root = origin.get(first, first)
    return {article for article, found in origin.items() if found == root or article == first}


@dataclass(frozen=True, slots=True)
class Row:
    cluster: str
    before: int
    after: int
    sentences: int
    rouge_before: dict[str, float]
    rouge_after: dict[str, float]


def check_cluster(
    cluster: Cluster, summariser: LocalSummarizer, rouge: RougeRecall, copies: int
) -> Row:
    articles = [Article(id=doc.id, text=doc.text, title=doc.title) for doc in cluster.documents]
    plain = summariser.summary(articles)
    copied = summariser.summary(with_copies(articles, copies))
    story = copied_story(copied, articles[0].id)

    def count(summary: Summary) -> tuple[int, int, str]:
        texts = [sentence.text for sentence in summary.sentences]
        kept = summary.sentences[: sentences_in_budget(texts, rouge.words)]
        inside = sum(1 for sentence in kept if sentence.citations[0].article_id in story)
        return inside, len(kept), " ".join(texts)

    before, n_before, text_before = count(plain)
    after, n_after, text_after = count(copied)
    return Row(
        cluster.id,
        before,
        after,
        max(n_before, n_after),
        rouge.recall(text_before, cluster.references),
        rouge.recall(text_after, cluster.references),
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path)
    parser.add_argument("--copies", type=int, default=COPIES)
    parser.add_argument("--words", type=int, default=100)
    parser.add_argument("--similarity", default="lexical")
    parser.add_argument("--limit", type=int)
    parser.add_argument("--grid", default="", help="as make eval-crossval's CV_GRID")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    clusters = load_clusters(args.data, limit=args.limit)
    rouge = RougeRecall(words=args.words)
    results = {}
    # One encoder for every point of the grid.
    base = LocalSummarizer(args.similarity)
    for point in parse_grid(args.grid):
        spec = ";".join(f"{name}={value}" for name, value in point.items())
        summariser = base.with_params(DEFAULT_PARAMS.updated(point))
        rows = [check_cluster(cluster, summariser, rouge, args.copies) for cluster in clusters]
        sentences = sum(row.sentences for row in rows) or 1
        result = {
            "share_before": sum(row.before for row in rows) / sentences,
            "share_after": sum(row.after for row in rows) / sentences,
            "rouge_before": mean_scores(row.rouge_before for row in rows),
            "rouge_after": mean_scores(row.rouge_after for row in rows),
        }
        results[spec or "defaults"] = result
        print(
            f"{spec or 'defaults'}: copied story {result['share_before']:.1%} of the summary "
            f"sentences without its copies, {result['share_after']:.1%} with them; "
            + ", ".join(
                f"{name} {result['rouge_before'][name] * 100:.2f} -> "
                f"{result['rouge_after'][name] * 100:.2f}"
                for name in ("rouge1", "rouge2")
            ),
            flush=True,
        )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
