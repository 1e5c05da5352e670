"""Read benchmark files: one cluster (or peer set) per JSON line.

Format (see the eval data README): ``{"id", "documents": [{"id", "title", "text"}],
"references": [...], "reference_ids": [...], "query"?: {...}}``, and for peer files
``{"id", "summaries": {system: text}}``. References and peer summaries have one
sentence per line: references are returned as running text (lines joined by a space),
peer summaries keep one sentence per line.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True, slots=True)
class Document:
    """One source article of a cluster."""

    id: str
    text: str
    title: str | None = None


@dataclass(frozen=True, slots=True)
class Cluster:
    """One summarisation problem: documents, human references and an optional query."""

    id: str
    documents: tuple[Document, ...]
    references: tuple[str, ...]
    query: Mapping[str, str] | None = None


def running_text(text: str) -> str:
    """Join the lines of a one-sentence-per-line summary with single spaces."""
    return " ".join(line.strip() for line in text.splitlines() if line.strip())


def sentence_lines(text: str) -> str:
    """Strip every line of a one-sentence-per-line summary and drop blank lines."""
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


def _lines(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if line.strip():
                yield number, json.loads(line)


def load_clusters(path: str | Path, *, limit: int | None = None) -> list[Cluster]:
    """Read a benchmark file.

    Args:
        path: A ``.jsonl`` file in the eval data format.
        limit: Read only the first ``limit`` clusters (None: all).

    Returns:
        Clusters in file order.

    Raises:
        ValueError: If a line lacks ``id``, ``documents`` or ``references``, or ``limit`` < 1.
    """
    if limit is not None and limit < 1:
        raise ValueError(f"limit must be >= 1 or None, got {limit}")
    clusters: list[Cluster] = []
    for number, row in _lines(Path(path)):
        try:
            documents = tuple(
                Document(id=doc["id"], text=doc["text"], title=doc.get("title"))
                for doc in row["documents"]
            )
            cluster = Cluster(
                id=row["id"],
                documents=documents,
                references=tuple(running_text(ref) for ref in row["references"]),
                query=row.get("query"),
            )
        except (KeyError, TypeError) as exc:
            raise ValueError(f"{path}:{number}: not a benchmark cluster ({exc!r})") from exc
        clusters.append(cluster)
        if limit is not None and len(clusters) >= limit:
            break
    return clusters


def load_peers(path: str | Path) -> dict[str, dict[str, str]]:
    """Read a peers file.

    Args:
        path: A ``.jsonl`` file of ``{"id", "summaries": {system: text}}`` lines.

    Returns:
        ``{cluster id: {system: summary, one sentence per line}}``.

    Raises:
        ValueError: If a line lacks ``id`` or ``summaries``.
    """
    peers: dict[str, dict[str, str]] = {}
    for number, row in _lines(Path(path)):
        try:
            peers[row["id"]] = {
                system: sentence_lines(text) for system, text in row["summaries"].items()
            }
        except (KeyError, TypeError, AttributeError) as exc:
            raise ValueError(f"{path}:{number}: not a peers line ({exc!r})") from exc
    return peers


def peer_systems(peers: Mapping[str, Mapping[str, str]]) -> list[str]:
    """Every system named in a peers mapping, in first-seen order."""
    systems: dict[str, None] = {}
    for summaries in peers.values():
        systems.update(dict.fromkeys(summaries))
    return list(systems)
