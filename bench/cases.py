"""What the bench summarises: the sample story, a DUC 2007 topic, synthetic clusters.

The synthetic clusters are the DUC 2004 then DUC 2007 documents, deduplicated by id,
taken in order until a sentence count (``service.summarize.segmentation``) is reached.
Beyond what those hold (about 30,000 sentences), the wire cases are synthetic feeds
(``bench/origins_bench.make_feed``): articles of about 20 sentences of Zipf-distributed
random words, a third of them wire copies of others (an outlet's dateline and credit
lines, an extra paragraph, a few words changed, or the punctuation lost).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SYNTHETIC_SIZES = (1_000, 2_000, 5_000, 10_000, 20_000)
WIRE_SIZES = (50_000, 100_000)
WIRE_SEED = 2026
WIRE_SERVER_ENV = {
    # Measured, not refused: the default limit (30,000 sentences) and time budget (30 s)
    # would answer these with 422 too-many-sentences or 503 time-budget-exceeded.
    "SUMMARIZER_MAX_SENTENCES_CONSIDERED": "200000",
    "SUMMARIZER_REQUEST_TIMEOUT_SECONDS": "290",  # under gunicorn's (request cap + 30)
}
GROWTH_MIN_SENTENCES = 5_000

# Requests about another story that a fresh server answers before a case's cold request.
WARM_UP_REQUESTS = 4


@dataclass
class Case:
    """One set of articles to summarise."""

    name: str
    articles: list[dict[str, str]]
    sentences: int
    repeats: int  # warm requests per option
    peer_repeats: int  # peer runs (median); 1 for the large clusters
    large: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


def _sentence_count(text: str) -> int:
    from service.summarize.segmentation import split_sentences

    return len(split_sentences(text))


def _jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def sample_story(shared: Path) -> list[dict[str, str]]:
    files = sorted((shared / "samples" / "kremlin-coalition").glob("*.txt"))
    if not files:
        raise SystemExit(f"no sample story under {shared}/samples/kremlin-coalition")
    return [{"id": f.stem, "text": f.read_text(encoding="utf-8")} for f in files]


def duc2007_topic(shared: Path) -> tuple[str, list[dict[str, str]]]:
    topic = _jsonl(shared / "eval" / "duc2007_query.jsonl")[0]
    return topic["id"], [{"id": d["id"], "text": d["text"]} for d in topic["documents"]]


class Corpus:
    """DUC 2004 then DUC 2007 documents, deduplicated by id; sentences counted lazily."""

    def __init__(self, shared: Path) -> None:
        seen: dict[str, str] = {}
        for name in ("duc2004_task2.jsonl", "duc2007_query.jsonl"):
            for cluster in _jsonl(shared / "eval" / name):
                for document in cluster["documents"]:
                    seen.setdefault(document["id"], document["text"])
        self.documents = list(seen.items())
        self.counts: list[int] = []

    def take(self, target: int) -> tuple[list[dict[str, str]], int]:
        """Documents in order until ``target`` sentences are reached."""
        articles: list[dict[str, str]] = []
        total = 0
        for index, (doc_id, text) in enumerate(self.documents):
            if total >= target:
                break
            if index == len(self.counts):
                self.counts.append(_sentence_count(text))
            articles.append({"id": doc_id, "text": text})
            total += self.counts[index]
        if total < target:
            raise SystemExit(f"the eval data has only {total} sentences, {target} wanted")
        return articles, total


def warm_up_story(shared: Path) -> list[dict[str, str]]:
    """Another story (the last DUC 2004 cluster) for warming a fresh server up.

    A server in service has answered other stories before it sees a new one: its code
    paths have run and the stems of common words are cached. Lexical requests about this
    story give a fresh server that state without putting any sentence in the embedding
    cache, so the case's first request still meets an empty one (*cold*).
    """
    cluster = _jsonl(shared / "eval" / "duc2004_task2.jsonl")[-1]
    return [{"id": d["id"], "text": d["text"]} for d in cluster["documents"]]


def limit_case() -> Case:
    """A feed like the wire cases' that holds as many sentences as the default limit
    admits, sent to a server with the default limits and time budget: a request inside
    the limits must be answered 200 inside the budget (issue 14)."""
    from origins_bench import make_feed

    from service.config import Settings
    from service.summarize.candidates import cut_article

    limit = Settings().max_sentences_considered
    texts, _ = make_feed(limit // 20 + 50, 20, 1 / 3, WIRE_SEED)
    counts = [cut_article(text).sentence_count for text in texts]
    # The service's own count, boilerplate included, plus the line of its own that the
    # "articles unseen" requests add to each article (bench/measure.py, UNSEEN).
    while sum(counts) + len(counts) > limit:
        texts.pop()
        counts.pop()
    articles = [{"id": f"w{index}", "text": text} for index, text in enumerate(texts)]
    return Case(
        f"at the default limit ({limit:,} sentences), a third wire copies",
        articles,
        sum(counts),
        repeats=2,
        peer_repeats=1,
        large=True,
        extra={"target": limit},
    )


def wire_cases() -> list[Case]:
    """The case at the limit, then the feeds of :data:`WIRE_SIZES` sentences, a third wire
    copies, measured on a server whose limits let them through."""
    from origins_bench import make_feed

    cases = [limit_case()]
    for size in WIRE_SIZES:
        texts, _ = make_feed(size // 20, 20, 1 / 3, WIRE_SEED)
        articles = [{"id": f"w{index}", "text": text} for index, text in enumerate(texts)]
        cases.append(
            Case(
                f"{size // 1000}k sentences, a third wire copies",
                articles,
                sum(_sentence_count(a["text"]) for a in articles),
                repeats=2,
                peer_repeats=1,
                large=True,
                extra={"target": size, "server_env": WIRE_SERVER_ENV},
            )
        )
    return cases


def build_cases(shared: Path, quick: bool, wire: str = "also") -> list[Case]:
    """The cases; ``wire``: "also" (the feeds too, unless quick), "only", "limit" or "no"."""
    if wire == "only":
        return [*build_cases(shared, True, "no")[:1], *wire_cases()]
    if wire == "limit":
        return [*build_cases(shared, True, "no")[:1], limit_case()]
    sample = sample_story(shared)
    cases = [
        Case(
            "sample story",
            sample,
            sum(_sentence_count(a["text"]) for a in sample),
            repeats=10 if quick else 20,
            peer_repeats=5 if quick else 10,
        )
    ]
    if not quick:
        topic, articles = duc2007_topic(shared)
        cases.append(
            Case(
                f"DUC 2007 {topic} ({len(articles)} articles)",
                articles,
                sum(_sentence_count(a["text"]) for a in articles),
                repeats=10,
                peer_repeats=5,
            )
        )
    docs = Corpus(shared)
    for size in SYNTHETIC_SIZES[:1] if quick else SYNTHETIC_SIZES:
        articles, total = docs.take(size)
        cases.append(
            Case(
                f"{size // 1000}k sentences",
                articles,
                total,
                repeats={1_000: 3 if quick else 5, 2_000: 5, 5_000: 3, 10_000: 3, 20_000: 2}[size],
                peer_repeats=3 if size == 1_000 and not quick else 1,
                large=size >= GROWTH_MIN_SENTENCES,
                extra={"target": size},
            )
        )
    if wire == "also" and not quick:
        cases += wire_cases()
    return cases
