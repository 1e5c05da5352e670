"""Every output of the summariser on real stories, for proving a refactor changes nothing.

Runs the in-process summariser over the sample story and the DUC 2004 and DUC 2007
clusters (lexical and hybrid, with and without a query, rank and source order, both
selections) and writes one JSON line per (case, cluster): every field of the
``Summary`` except the timings, floats written exactly (``repr`` round-trips).
Two snapshots of the same data are the same file when behaviour is the same:

    .venv/bin/python bench/snapshot.py --shared ../shared --output /tmp/before.jsonl
    ... change the code ...
    .venv/bin/python bench/snapshot.py --shared ../shared --output /tmp/after.jsonl
    .venv/bin/python bench/snapshot.py --compare /tmp/before.jsonl /tmp/after.jsonl

(``make snapshot SNAPSHOT=/tmp/after.jsonl`` runs one snapshot.) The data is evaluation-only and
is read from ``--shared``, never copied here; the snapshot files belong outside the repository.
"""

from __future__ import annotations

import argparse
import dataclasses
import inspect
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SAMPLE_QUERY = (
    "Will Russia join a coalition with France and the United States against Islamic State?"
)


def _stories(shared: Path) -> Iterator[tuple[str, list[tuple[str, str]], str | None]]:
    """``(name, [(id, text)], query)`` of the sample story and every benchmark cluster."""
    sample = shared / "samples" / "kremlin-coalition"
    texts = [(path.stem, path.read_text(encoding="utf-8")) for path in sorted(sample.glob("*.txt"))]
    yield "sample", texts, SAMPLE_QUERY
    from service.evaluation.data import load_clusters

    for name in ("duc2004_task2.jsonl", "duc2007_query.jsonl"):
        for cluster in load_clusters(shared / "eval" / name):
            query = None
            if cluster.query is not None:
                query = " ".join(
                    cluster.query[key] for key in ("title", "narrative") if cluster.query.get(key)
                )
            documents = [(doc.id, doc.text) for doc in cluster.documents]
            yield f"{name.split('_')[0]}/{cluster.id}", documents, query


def _cases(query: str | None) -> Iterator[tuple[str, dict[str, Any], str]]:
    """``(label, SummaryOptions keywords, params variant)`` run on each story."""
    for similarity in ("lexical", "hybrid"):
        yield f"{similarity}", {"similarity": similarity}, "default"
        yield f"{similarity}-100w", {"similarity": similarity, "max_sentences": None,
                                     "max_words": 100}, "default"
        if query is not None:
            yield f"{similarity}-query", {"similarity": similarity, "query": query}, "default"
            yield f"{similarity}-query-250w", {"similarity": similarity, "query": query,
                                               "max_sentences": None, "max_words": 250}, "default"
    yield "lexical-source-order", {"similarity": "lexical", "order": "source"}, "default"
    yield "lexical-score-selection", {"similarity": "lexical"}, "score"
    yield "semantic", {"similarity": "semantic"}, "default"


def _params(variant: str) -> Any:
    from service.summarize import RankingParams

    if variant == "default":
        return RankingParams()
    try:  # nested parameters (one dataclass per stage)
        selection = dataclasses.replace(RankingParams().selection, method="score")
        return dataclasses.replace(RankingParams(), selection=selection)
    except (AttributeError, TypeError):  # the flat parameters of before
        return RankingParams(selection="score")  # type: ignore[call-arg]


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, float):
        return repr(value)
    return value


def snapshot(shared: Path, output: Path, limit: int | None) -> int:
    from service.config import Settings, set_library_defaults
    from service.summarize import Article, SummaryOptions, load_encoder, summarize

    set_library_defaults(os.environ)
    encoder = load_encoder(**Settings.from_env(os.environ).encoder_options())
    extra: dict[str, Any] = {}
    if "article_cache" in inspect.signature(summarize).parameters:
        # One cache for the whole run, as the service keeps one per process (before the
        # stages were split, the cache was process-wide, so hits are counted alike).
        from service.summarize import ArticleCache

        extra["article_cache"] = ArticleCache()
    written = 0
    with output.open("w", encoding="utf-8") as handle:
        for count, (name, documents, query) in enumerate(_stories(shared)):
            if limit is not None and count >= limit:
                break
            articles = [Article(id=doc_id, text=text) for doc_id, text in documents]
            for label, options, variant in _cases(query):
                summary = summarize(
                    articles,
                    SummaryOptions(**options),
                    encoder=encoder,
                    params=_params(variant),
                    **extra,
                )
                record = _plain(summary)
                record.pop("timings_ms")
                handle.write(json.dumps({"story": name, "case": label, "summary": record},
                                        sort_keys=True) + "\n")
                written += 1
            print(f"{name}", file=sys.stderr, flush=True)
    return written


def compare(before: Path, after: Path) -> int:
    """0 when the two snapshots hold the same summaries, else 1 with the first differences."""
    old = before.read_text(encoding="utf-8").splitlines()
    new = after.read_text(encoding="utf-8").splitlines()
    differences = 0
    for line_old, line_new in zip(old, new, strict=False):
        if line_old != line_new:
            differences += 1
            if differences <= 5:
                a, b = json.loads(line_old), json.loads(line_new)
                print(f"differs: {a['story']} {a['case']} / {b['story']} {b['case']}")
                for key in sorted(set(a["summary"]) | set(b["summary"])):
                    if a["summary"].get(key) != b["summary"].get(key):
                        print(f"  {key}: {a['summary'].get(key)!r:.300}")
                        print(f"  {'':{len(key)}}  {b['summary'].get(key)!r:.300}")
    if len(old) != len(new):
        print(f"{len(old)} lines before, {len(new)} after")
        return 1
    print(f"{len(old)} summaries compared, {differences} differ")
    return 1 if differences else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--output", type=Path)
    parser.add_argument("--limit", type=int, help="only the first N stories")
    parser.add_argument("--compare", nargs=2, type=Path, metavar=("BEFORE", "AFTER"))
    args = parser.parse_args(argv)
    if args.compare:
        return compare(*args.compare)
    if args.output is None:
        parser.error("--output or --compare is needed")
    written = snapshot(args.shared, args.output, args.limit)
    print(f"{written} summaries written to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
