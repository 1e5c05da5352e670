"""Score our summariser and its peers with ROUGE recall on a benchmark.

Usage::

    python -m service.evaluate DATA.jsonl --words 100 [--jackknife] [--peers PEERS.jsonl]
        [--live-peers sumy-lexrank,sumy-textrank,lexrank] [--limit N] [--json OUT.json]
        [--url http://127.0.0.1:8080] [--similarity hybrid|lexical|semantic[,...]]
        [--query-field title,narrative [--with-generic]] [--no-truncate-refs]

Every cluster of DATA (the eval data format) is summarised by our summariser (in process,
or by a running service with ``--url``), by the live peers and, with ``--peers``, read
from a file of published peer summaries. Each summary is cut to its first ``--words``
words and scored against the references with ROUGE-1, ROUGE-2 and ROUGE-L recall (x100,
averaged over clusters), counted as ROUGE-1.5.5 ``-m -l WORDS -f A`` does; see
:mod:`service.evaluation.rouge` for the protocol and :mod:`service.evaluation.calibrate`
for how closely it reproduces published ROUGE-1.5.5 numbers.

Settings: DUC 2004 task 2 is 100 words with the references cut to 100 words too (the
default); DUC 2007 is 250 words, references whole (``--no-truncate-refs``), jackknifed
(``--jackknife``) and query-focused (``--query-field title,narrative``).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from statistics import fmean
from typing import Any

from service.evaluation.calibrate import PUBLISHED, PUBLISHED_SETTING
from service.evaluation.data import load_clusters, load_peers, peer_systems
from service.evaluation.harness import (
    LocalSummarizer,
    RemoteSummarizer,
    System,
    SystemResult,
    bootstrap_interval,
    evaluate,
    file_system,
    paired_difference,
)
from service.evaluation.peers import LIVE_PEERS, make_peers
from service.evaluation.rouge import ROUGE_TYPES, RougeRecall
from service.summarize import SIMILARITY_KINDS

_LABELS = {"rouge1": "R-1", "rouge2": "R-2", "rougeL": "R-L"}


def _names(value: str) -> list[str]:
    return [name.strip() for name in value.split(",") if name.strip()]


def _similarities(value: str) -> list[str]:
    names = _names(value)
    unknown = [name for name in names if name not in SIMILARITY_KINDS]
    if unknown or not names:
        raise argparse.ArgumentTypeError(
            f"choose from {', '.join(SIMILARITY_KINDS)}, got {value!r}"
        )
    return names


def _live_peers(value: str) -> list[str]:
    names = _names(value)
    if names == ["all"]:
        return list(LIVE_PEERS)
    unknown = [name for name in names if name not in LIVE_PEERS]
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown {unknown}; choose from {', '.join(LIVE_PEERS)}")
    return names


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be >= 1, got {value}")
    return number


def build_parser() -> argparse.ArgumentParser:
    """The command-line interface."""
    parser = argparse.ArgumentParser(
        prog="python -m service.evaluate",
        description="ROUGE recall of our summaries and peer summaries on a benchmark.",
    )
    parser.add_argument("data", type=Path, help="benchmark .jsonl (eval data format)")
    parser.add_argument("--words", type=_positive, default=100, help="word budget (default 100)")
    parser.add_argument(
        "--no-truncate-refs",
        dest="truncate_refs",
        action="store_false",
        help="score against whole references (DUC 2005-2007, 250 words)",
    )
    parser.add_argument(
        "--jackknife", action="store_true", help="average over leave-one-reference-out subsets"
    )
    parser.add_argument(
        "--aggregation",
        choices=("pooled", "mean"),
        default="pooled",
        help="combine references by pooled counts (ROUGE-1.5.5 -f A, default) or mean recall",
    )
    parser.add_argument(
        "--tokenizer",
        choices=("rouge-score", "hyphen"),
        default="rouge-score",
        help="rouge-score's tokens (default, as ROUGE-1.5.5 counts) or with '-' as a token",
    )
    parser.add_argument("--peers", type=Path, help="published peer summaries (.jsonl)")
    parser.add_argument(
        "--live-peers",
        type=_live_peers,
        default=[],
        metavar="NAMES",
        help=f"comma-separated: {','.join(LIVE_PEERS)} (or 'all')",
    )
    parser.add_argument("--limit", type=_positive, help="only the first N clusters")
    parser.add_argument("--json", type=Path, dest="json_path", help="write all results here")
    parser.add_argument("--url", help="score a running service at this base URL instead")
    parser.add_argument(
        "--similarity",
        type=_similarities,
        default=["hybrid"],
        metavar="KINDS",
        help=f"our similarity ({', '.join(SIMILARITY_KINDS)}); comma-separated runs each",
    )
    parser.add_argument(
        "--query-field",
        type=_names,
        default=[],
        metavar="FIELDS",
        help="query fields to pass to our summariser, e.g. title,narrative (DUC 2007)",
    )
    parser.add_argument(
        "--with-generic",
        action="store_true",
        help="with --query-field, also run ours without the query (ours-KIND-generic)",
    )
    parser.add_argument("--no-ours", dest="ours", action="store_false", help="peers only")
    parser.add_argument(
        "--threads",
        type=_positive,
        default=os.cpu_count() or 1,
        help="torch threads for the sentence encoder (default: all CPUs)",
    )
    parser.add_argument("--no-progress", dest="progress", action="store_false")
    return parser


def build_systems(args: argparse.Namespace, peers: dict[str, dict[str, str]]) -> list[System]:
    """Our summariser(s), the live peers, then the peers of the peers file."""
    systems: list[System] = []
    if args.ours:
        for similarity in args.similarity:
            if args.with_generic and args.query_field and not args.url:
                generic = LocalSummarizer(similarity, threads=args.threads)
                systems.append(System(f"ours-{similarity}-generic", "ours", generic))
            if args.url:
                remote = RemoteSummarizer(
                    args.url,
                    similarity=similarity if len(args.similarity) > 1 else None,
                    query_fields=args.query_field,
                )
                name = f"ours@{similarity}" if len(args.similarity) > 1 else "ours@url"
                systems.append(System(name, "ours", remote))
            else:
                local = LocalSummarizer(
                    similarity, threads=args.threads, query_fields=args.query_field
                )
                systems.append(System(f"ours-{similarity}", "ours", local))
    for name, peer in make_peers(args.live_peers).items():
        systems.append(System(name, "live", peer))
    for name in peer_systems(peers):
        systems.append(file_system(name, peers))
    return systems


def code_version() -> dict[str, Any]:
    """The commit the summariser ran from, and whether ``service/summarize`` had edits."""
    root = Path(__file__).resolve().parent.parent

    def git(*arguments: str) -> str:
        done = subprocess.run(
            ["git", *arguments], cwd=root, capture_output=True, text=True, check=True, timeout=10
        )
        return done.stdout.strip()

    try:
        return {
            "commit": git("rev-parse", "--short", "HEAD"),
            "summarize_dirty": bool(git("status", "--porcelain", "--", "service/summarize")),
        }
    except (OSError, subprocess.SubprocessError):
        return {}


def published_comparable(args: argparse.Namespace, cluster_count: int) -> bool:
    """Whether :data:`PUBLISHED` applies: DUC 2004 task 2, all 50 clusters, its setting."""
    return (
        "duc2004" in args.data.name
        and cluster_count == 50
        and args.words == PUBLISHED_SETTING["words"]
        and args.truncate_refs == PUBLISHED_SETTING["truncate_refs"]
        and args.jackknife == PUBLISHED_SETTING["jackknife"]
    )


def summarise_result(result: SystemResult, words: int) -> dict[str, Any]:
    """The JSON record of one system (per-cluster values included)."""
    seconds = list(result.seconds.values())
    count = max(len(result.per_cluster), 1)
    return {
        "name": result.name,
        "kind": result.kind,
        "scores": {key: round(result.mean(key), 4) for key in _score_keys(result)},
        "ci95": {
            key: [round(bound, 4) for bound in bootstrap_interval(_values(result, key))]
            for key in _score_keys(result)
        },
        "mean_words_offered": round(fmean(result.words.values()), 1) if result.words else 0.0,
        "mean_words_scored": round(fmean(min(value, words) for value in result.words.values()), 1)
        if result.words
        else 0.0,
        "mean_sentences_in_budget": round(fmean(result.sentences_used.values()), 2)
        if result.sentences_used
        else 0.0,
        "seconds_total": round(sum(seconds), 3),
        "ms_per_cluster": round(1000 * fmean(seconds), 1) if seconds else 0.0,
        "stage_ms_per_cluster": {
            stage: round(total / count, 1) for stage, total in result.timings_ms.items()
        },
        "errors": result.errors,
        "per_cluster": {
            cluster: {key: round(value, 4) for key, value in scores.items()}
            for cluster, scores in result.per_cluster.items()
        },
    }


def _score_keys(result: SystemResult) -> list[str]:
    first = next(iter(result.per_cluster.values()), {})
    return list(first)


def _values(result: SystemResult, key: str) -> list[float]:
    return [scores[key] for scores in result.per_cluster.values()]


def format_table(records: Sequence[dict[str, Any]], *, published: bool) -> str:
    """One row per system, best ROUGE-2 first."""
    header = (
        f"{'system':16} {'kind':4} {'R-1':>6} {'R-2':>6} {'R-L':>6} {'R-2 95% CI':>13}"
        + (f" {'pub R-1':>7} {'pub R-2':>7}" if published else "")
        + f" {'words':>5} {'sents':>5} {'ms/clu':>7} {'err':>3}"
    )
    lines = [header, "-" * len(header)]
    ordered = sorted(records, key=lambda record: -record["scores"].get("rouge2", 0.0))
    for record in ordered:
        scores = record["scores"]
        low, high = record["ci95"].get("rouge2", [math.nan, math.nan])
        row = (
            f"{record['name']:16} {record['kind']:4} {scores.get('rouge1', math.nan):6.2f}"
            f" {scores.get('rouge2', math.nan):6.2f} {scores.get('rougeL', math.nan):6.2f}"
            f" {f'[{low:.2f},{high:.2f}]':>13}"
        )
        if published:
            known = PUBLISHED.get(record["name"]) if record["kind"] == "file" else None
            row += f" {known['rouge1']:7.2f} {known['rouge2']:7.2f}" if known else f" {'':7} {'':7}"
        sentences = (
            f"{record['mean_sentences_in_budget']:5.1f}" if record["kind"] != "file" else f"{'':5}"
        )
        elapsed = f"{record['ms_per_cluster']:7.0f}" if record["kind"] != "file" else f"{'-':>7}"
        row += (
            f" {record['mean_words_offered']:5.0f} {sentences} {elapsed} {len(record['errors']):3d}"
        )
        lines.append(row)
    return "\n".join(lines)


def format_comparisons(comparisons: dict[str, dict[str, dict[str, float]]]) -> str:
    """``ours - peer`` on ROUGE-2 with a paired bootstrap interval and the share of wins."""
    lines = []
    for ours, against in comparisons.items():
        lines.append(f"{ours} minus each peer, R-2 (paired bootstrap 95% CI, clusters won):")
        for peer, diff in sorted(against.items(), key=lambda item: -item[1]["mean"]):
            lines.append(
                f"  {peer:16} {diff['mean']:+6.2f} [{diff['low']:+.2f},{diff['high']:+.2f}]"
                f"  {100 * diff['wins']:3.0f}%"
            )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the evaluation; print the table, and write JSON with ``--json``."""
    args = build_parser().parse_args(argv)
    if not args.ours and not args.live_peers and args.peers is None:
        print("nothing to evaluate: give --peers or --live-peers with --no-ours", file=sys.stderr)
        return 2
    clusters = load_clusters(args.data, limit=args.limit)
    peers = load_peers(args.peers) if args.peers else {}
    if peers:
        missing = [cluster.id for cluster in clusters if cluster.id not in peers]
        if missing:
            print(f"peers file lacks clusters {missing[:5]}...", file=sys.stderr)
            return 2
    scorer = RougeRecall(
        words=args.words,
        truncate_refs=args.truncate_refs,
        rouge_types=ROUGE_TYPES,
        tokenizer=args.tokenizer,
    )
    version = code_version()  # before the run: the tree may change while it goes on
    started = time.perf_counter()
    try:
        systems = build_systems(args, peers)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    setup_seconds = time.perf_counter() - started
    results = evaluate(
        systems,
        clusters,
        scorer,
        use_jackknife=args.jackknife,
        method=args.aggregation,
        progress=args.progress,
    )
    records = [summarise_result(result, args.words) for result in results]
    comparisons = {
        ours.name: {
            other.name: paired_difference(ours, other, "rouge2")
            for other in results
            if other.kind != "ours"
        }
        for ours in results
        if ours.kind == "ours"
    }
    published = published_comparable(args, len(clusters))
    reference_counts = sorted({len(cluster.references) for cluster in clusters})
    settings = {
        "data": str(args.data),
        "clusters": len(clusters),
        "references_per_cluster": reference_counts,
        "words": args.words,
        "truncate_refs": args.truncate_refs,
        "jackknife": args.jackknife,
        "aggregation": args.aggregation,
        "tokenizer": args.tokenizer,
        "rouge_types": list(ROUGE_TYPES),
        "similarity": args.similarity,
        "url": args.url,
        "query_field": args.query_field,
        "threads": args.threads,
        "code": version,
        "setup_seconds": round(setup_seconds, 2),
        "wall_seconds": round(time.perf_counter() - started, 2),
    }
    refs = "references cut too" if args.truncate_refs else "references whole"
    print(
        f"{args.data.name}: {len(clusters)} clusters, {reference_counts} references each, "
        f"first {args.words} words ({refs}), {args.aggregation} over references"
        f"{', jackknifed' if args.jackknife else ''}; recall x100"
    )
    print(format_table(records, published=published))
    if any(against for against in comparisons.values()):
        print()
        print(format_comparisons(comparisons))
    for result in results:
        if result.errors:
            cluster, error = next(iter(result.errors.items()))
            print(
                f"{result.name}: {len(result.errors)} clusters failed (scored 0),"
                f" e.g. {cluster}: {error}",
                file=sys.stderr,
            )
    if args.json_path:
        args.json_path.parent.mkdir(parents=True, exist_ok=True)
        payload = {
            "settings": settings,
            "published": PUBLISHED if published else None,
            "systems": records,
            "comparisons_rouge2": comparisons,
        }
        args.json_path.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
        print(f"\nwrote {args.json_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
