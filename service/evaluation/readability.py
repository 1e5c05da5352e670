"""Fragments and dangling openers per 100 summary sentences, beside peers and humans.

    python -m service.evaluation.readability ../shared/eval [--words 100,250]
        [--similarity hybrid,lexical] [--limit N] [--json PATH]

For DUC 2004 (generic) and DUC 2007 (query-focused: title and narrative as the query)
it reads each summary as a reader gets it, cut to the word budget (every sentence the
first ``words`` words touch), and counts, per 100 of those sentences:

- **fragments**: :func:`service.summarize.readability.fragment_reason` (starts
  lower-case, opens on a reporting verb, starts or ends inside a quotation, a row of
  a list or table);
- **dangling openers**: a sentence whose first word needs an earlier sentence
  (:func:`service.summarize.readability.opener`: pronoun, demonstrative, connective,
  not resolved inside the sentence) and that nothing earlier in the summary resolves.
  It is resolved when the sentence right before it in the summary is the sentence right
  before it in one of the cluster's articles (white space aside), and a personal
  pronoun also when the summary sentence before it names someone (a capitalised word
  after its first). The first sentence of a summary is never resolved; a fragment is
  counted as a fragment only, not again as an opener.

Systems: ours (in process, ``SummaryOptions(max_words=words)``, each similarity), every
published system in the peers file beside the benchmark, and the human references (one
sentence per line, as published; each counted like a system). Published summaries are
cut into sentences line by line with our segmenter, as some put a summary on one line.
The data is read from the directory given and never copied.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from service.evaluation.harness import query_text, sentences_in_budget
from service.summarize.readability import fragment_reason, opener
from service.summarize.segmentation import split_sentences

BENCHMARKS = (
    ("DUC 2004", "duc2004_task2.jsonl", "duc2004_task2_sumrepo_peers.jsonl", ()),
    ("DUC 2007", "duc2007_query.jsonl", "duc2007_nist_peers.jsonl", ("title", "narrative")),
)
"""(name, cluster file, peers file, query fields) of each benchmark."""

_SPACE = re.compile(r"\s+")
_NAME = re.compile(r"\b[A-Z][a-z]+")


def _flat(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


@dataclass(slots=True)
class Tally:
    """Sentences read and what was wrong with them, over a system's summaries."""

    sentences: int = 0
    fragments: int = 0
    dangling: int = 0
    examples: list[str] = field(default_factory=list)

    def per_100(self, count: int) -> float:
        return 100.0 * count / self.sentences if self.sentences else 0.0


def dangling_openers(sentences: Sequence[str], sources: Sequence[str]) -> list[int]:
    """Indices of the sentences whose opener nothing earlier in the summary resolves.

    Args:
        sentences: The summary, in reading order.
        sources: The cluster's article texts, white space flattened (:func:`_flat`).
    """
    found = []
    for index, sentence in enumerate(sentences):
        kind = opener(sentence)
        if kind is None or fragment_reason(sentence) is not None:
            continue
        if index > 0:
            before = _flat(sentences[index - 1])
            pair = f"{before} {_flat(sentence)}"
            if any(pair in text for text in sources):
                continue
            if kind == "pronoun" and _NAME.search(before, len(before.split()[0])):
                continue
        found.append(index)
    return found


def tally(
    tallies: dict[str, Tally], name: str, sentences: Sequence[str], sources: Sequence[str]
) -> None:
    """Add one summary (already cut to the budget) to ``tallies[name]``."""
    entry = tallies.setdefault(name, Tally())
    entry.sentences += len(sentences)
    for sentence in sentences:
        reason = fragment_reason(sentence)
        if reason is not None:
            entry.fragments += 1
            if len(entry.examples) < 3:
                entry.examples.append(f"fragment ({reason}): {sentence[:90]}")
    for index in dangling_openers(sentences, sources):
        entry.dangling += 1
        if len(entry.examples) < 6:
            entry.examples.append(f"opener: {sentences[index][:90]}")


def in_budget(sentences: Sequence[str], words: int) -> list[str]:
    """The sentences a reader of the first ``words`` words sees (the last maybe cut)."""
    lines = [line.strip() for line in sentences if line.strip()]
    return lines[: sentences_in_budget(lines, words)]


def split_lines(text: str) -> list[str]:
    """A published summary's sentences: each line cut by our segmenter (some peers
    put a whole summary on one line)."""
    return [
        line[segment.start : segment.end]
        for line in text.splitlines()
        for segment in split_sentences(line)
    ]


def ours(similarity: str, words: int, query_fields: Sequence[str]) -> Callable[[Any], list[str]]:
    """Our summariser as the service runs it: a word budget, rank order."""
    from service.evaluation.harness import LocalSummarizer
    from service.summarize import (
        DEFAULT_PARAMS,
        Article,
        ArticleCache,
        SummaryOptions,
        summarize,
    )

    encoder = LocalSummarizer(similarity)._encoder  # the encoder as the harness builds it
    cache = ArticleCache()

    def run(cluster: Any) -> list[str]:
        options = SummaryOptions(
            max_sentences=None,
            max_words=words,
            similarity=similarity,  # type: ignore[arg-type]
            query=query_text(cluster, query_fields),
        )
        articles = [Article(id=d.id, text=d.text, title=d.title) for d in cluster.documents]
        summary = summarize(
            articles, options, encoder=encoder, params=DEFAULT_PARAMS, article_cache=cache
        )
        return [sentence.text for sentence in summary.sentences]

    return run


def measure(
    data: Path, words: Sequence[int], similarities: Sequence[str], limit: int | None
) -> dict[str, dict[int, dict[str, Tally]]]:
    """``{benchmark: {words: {system: tally}}}`` over both benchmarks."""
    from service.evaluation.data import load_clusters

    results: dict[str, dict[int, dict[str, Tally]]] = {}
    for name, cluster_file, peers_file, query_fields in BENCHMARKS:
        clusters = load_clusters(data / cluster_file, limit=limit)
        raw = {row["id"]: row for row in _rows(data / cluster_file)}
        peers = {row["id"]: row["summaries"] for row in _rows(data / peers_file)}
        for budget in words:
            tallies: dict[str, Tally] = {}
            systems = {f"ours-{sim}": ours(sim, budget, query_fields) for sim in similarities}
            for cluster in clusters:
                sources = [_flat(doc.text) for doc in cluster.documents]
                for system, run in systems.items():
                    tally(tallies, system, in_budget(run(cluster), budget), sources)
                for peer, text in sorted(peers.get(cluster.id, {}).items()):
                    tally(tallies, f"peer {peer}", in_budget(split_lines(text), budget), sources)
                for reference in raw[cluster.id]["references"]:
                    tally(tallies, "humans", in_budget(split_lines(reference), budget), sources)
            results.setdefault(name, {})[budget] = tallies
            print(f"{name} at {budget} words: done", file=sys.stderr)
    return results


def _rows(path: Path) -> Iterable[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def table(results: dict[str, dict[int, dict[str, Tally]]]) -> str:
    """A markdown table per benchmark and budget: fragments and openers per 100."""
    lines = []
    for name, budgets in results.items():
        for budget, tallies in budgets.items():
            lines += [
                f"\n{name}, {budget} words",
                "",
                "| system | sentences | fragments /100 | dangling openers /100 |",
                "| --- | ---: | ---: | ---: |",
            ]
            peers = [t for s, t in tallies.items() if s.startswith("peer ")]
            for system, entry in tallies.items():
                lines.append(
                    f"| {system} | {entry.sentences} | "
                    f"{entry.per_100(entry.fragments):.1f} | "
                    f"{entry.per_100(entry.dangling):.1f} |"
                )
            if peers:
                lines.append(
                    f"| median published system | | "
                    f"{_median([t.per_100(t.fragments) for t in peers]):.1f} | "
                    f"{_median([t.per_100(t.dangling) for t in peers]):.1f} |"
                )
    return "\n".join(lines)


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path, help="directory holding the DUC files")
    parser.add_argument("--words", default="100,250", help="word budgets, comma separated")
    parser.add_argument(
        "--similarity",
        default="hybrid,lexical",
        help="our similarities, comma separated ('' for peers only)",
    )
    parser.add_argument("--limit", type=int, default=None, help="first N clusters only")
    parser.add_argument("--json", type=Path, default=None, help="write the figures here")
    parser.add_argument("--examples", action="store_true", help="print examples per system")
    args = parser.parse_args(argv)
    words = [int(part) for part in args.words.split(",") if part]
    similarities = [part for part in args.similarity.split(",") if part]
    results = measure(args.data, words, similarities, args.limit)
    print(table(results))
    if args.examples:
        for name, budgets in results.items():
            for budget, tallies in budgets.items():
                for system, entry in tallies.items():
                    for example in entry.examples:
                        print(f"{name} {budget} {system}: {example}")
    if args.json is not None:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(
            json.dumps(
                {
                    name: {
                        str(budget): {
                            system: {
                                "sentences": t.sentences,
                                "fragments_per_100": t.per_100(t.fragments),
                                "dangling_per_100": t.per_100(t.dangling),
                            }
                            for system, t in tallies.items()
                        }
                        for budget, tallies in budgets.items()
                    }
                    for name, budgets in results.items()
                },
                indent=2,
            )
            + "\n",
            encoding="utf-8",
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
