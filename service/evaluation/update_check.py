"""Update summaries on the DUC 2007 update task: what is new since the reader's last visit.

``python -m service.evaluation.update_check ../shared/eval/duc2007_update_dev.jsonl``

Each topic has three subsets of articles, A, B and C, in time order. Subset B is
summarised with A known to the reader and C with A and B known: the request holds the
articles of the earlier subsets and this one, ``options.known`` names the earlier ones,
and ``options.query`` is the topic's title and narrative (as ``make eval-duc2007``
builds it). Beside it, the same requests without ``known`` (a focused summary of the
whole story), and the 24 official runs of the file (peers 35-58), all scored by the
same code in the same run: ROUGE-2 recall, peers and references cut to 100 words,
jackknifed over the 4 references, averaged over the B and C summaries.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from statistics import median
from typing import Any

from service.evaluation.data import Cluster, Document, running_text, sentence_lines
from service.evaluation.harness import (
    LocalSummarizer,
    System,
    SystemResult,
    evaluate,
    file_system,
    query_text,
)
from service.evaluation.rouge import RougeRecall

UPDATED = ("B", "C")
"""The subsets summarised as updates (A is the first visit)."""

PARTICIPANTS = tuple(str(number) for number in range(35, 59))
"""The official runs of the update task: 22 participants, lead (35) and CLASSY04 (58)."""


def load_updates(
    path: str | Path, *, limit: int | None = None
) -> tuple[list[Cluster], dict[str, tuple[str, ...]], dict[str, dict[str, str]]]:
    """The update problems of a DUC 2007 update file.

    Returns:
        ``(clusters, known, peers)``: one cluster per (topic, updated subset), id
        ``"<topic>-<subset>"``, holding the articles of that subset and the earlier
        ones, with its references and the topic as query; the ids of the earlier
        subsets' articles by cluster id; the peers' summaries by cluster id.
    """
    clusters: list[Cluster] = []
    known: dict[str, tuple[str, ...]] = {}
    peers: dict[str, dict[str, str]] = {}
    with Path(path).open(encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle if line.strip()]
    for row in rows[:limit]:
        earlier: list[Document] = []
        for subset in row["subsets"]:
            documents = [
                Document(id=doc["id"], text=doc["text"], title=doc.get("title"))
                for doc in subset["documents"]
            ]
            if subset["id"] in UPDATED:
                key = f"{row['id']}-{subset['id']}"
                clusters.append(
                    Cluster(
                        id=key,
                        documents=(*earlier, *documents),
                        references=tuple(running_text(ref) for ref in subset["references"]),
                        query={"title": row["title"], "narrative": row["narrative"]},
                    )
                )
                known[key] = tuple(doc.id for doc in earlier)
                peers[key] = {name: sentence_lines(text) for name, text in subset["peers"].items()}
            earlier.extend(documents)
    return clusters, known, peers


def update_system(
    name: str, summarizer: LocalSummarizer, known: dict[str, tuple[str, ...]]
) -> System:
    """Our summariser with the earlier subsets known (``known`` by cluster id)."""
    from service.summarize import Article

    def run(cluster: Cluster) -> list[str]:
        articles = [Article(id=doc.id, text=doc.text, title=doc.title) for doc in cluster.documents]
        summary = summarizer.summary(
            articles, query_text(cluster, QUERY_FIELDS), known=known[cluster.id]
        )
        run.last_timings_ms = summarizer.last_timings_ms  # type: ignore[attr-defined]
        return [sentence.text for sentence in summary.sentences]

    return System(name, "ours", run)


QUERY_FIELDS = ("title", "narrative")


def run_check(
    path: str | Path,
    similarities: Sequence[str],
    *,
    limit: int | None = None,
    params: dict[str, object] | None = None,
    progress: bool = False,
) -> list[SystemResult]:
    """Score ours with and without ``known`` for each similarity, and every participant."""
    from service.summarize import DEFAULT_PARAMS

    clusters, known, peers = load_updates(path, limit=limit)
    ranking = DEFAULT_PARAMS.updated(params) if params else None
    systems: list[System] = []
    for similarity in similarities:
        ours = LocalSummarizer(similarity, query_fields=QUERY_FIELDS, params=ranking)
        systems.append(update_system(f"ours-{similarity}-known", ours, known))
        systems.append(System(f"ours-{similarity}-all", "ours", ours))
    systems.extend(file_system(name, peers) for name in PARTICIPANTS)
    scorer = RougeRecall(words=100, truncate_refs=True, rouge_types=("rouge2",))
    return evaluate(systems, clusters, scorer, use_jackknife=True, progress=progress)


def report(results: Sequence[SystemResult]) -> dict[str, Any]:
    """Each system's mean ROUGE-2 (x100), and the best and median participant."""
    scores = {result.name: round(result.mean("rouge2"), 2) for result in results}
    runs = [scores[name] for name in PARTICIPANTS if name in scores]
    best = max(PARTICIPANTS, key=lambda name: scores.get(name, -1.0))
    return {
        "rouge2": scores,
        "best_participant": {"id": best, "rouge2": scores[best]},
        "median_participant": round(median(runs), 2) if runs else None,
        "per_cluster": {
            result.name: {
                key: round(value["rouge2"], 2) for key, value in result.per_cluster.items()
            }
            for result in results
            if result.kind == "ours"
        },
        "errors": {result.name: result.errors for result in results if result.errors},
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", help="duc2007_update_dev.jsonl")
    parser.add_argument("--similarity", default="hybrid", help="comma-separated kinds")
    parser.add_argument("--limit", type=int, default=None, help="first N topics only")
    parser.add_argument("--param", action="append", default=[], help="stage.field=value")
    parser.add_argument("--json", dest="json_path", default=None, help="write the figures here")
    parser.add_argument("--progress", action="store_true")
    args = parser.parse_args(argv)
    params = {}
    for item in args.param:
        name, _, raw = item.partition("=")
        params[name] = json.loads(raw)
    results = run_check(
        args.path,
        [kind for kind in args.similarity.split(",") if kind],
        limit=args.limit,
        params=params,
        progress=args.progress,
    )
    figures = report(results)
    ordered = sorted(figures["rouge2"].items(), key=lambda item: -item[1])
    for name, value in ordered:
        print(f"{name:>22}  R-2 {value:6.2f}")
    print(
        f"best participant {figures['best_participant']['id']} "
        f"{figures['best_participant']['rouge2']:.2f}, median {figures['median_participant']:.2f}"
    )
    for name, errors in figures["errors"].items():
        print(f"{name}: {len(errors)} errors, e.g. {next(iter(errors.values()))}", file=sys.stderr)
    if args.json_path:
        Path(args.json_path).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json_path).write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
