"""Run summarisers over a benchmark and score them with ROUGE recall.

A *system* is anything that turns a cluster into sentences, best first: our summariser
(in process or over HTTP), a live peer, or a file of published peer summaries. The
harness joins a system's sentences, cuts the text to the word budget inside the scorer
(the ROUGE ``-l`` protocol) and averages recall over the clusters.
"""

from __future__ import annotations

import copy
import json
import os
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from statistics import fmean
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from tqdm import tqdm

from service.config import Settings, set_library_defaults
from service.evaluation.data import Cluster
from service.evaluation.rouge import Aggregation, RougeRecall

if TYPE_CHECKING:
    from service.summarize import Article, RankingParams, Summary

Kind = Literal["ours", "live", "file"]
Sentences = Callable[[Cluster], Sequence[str]]
"""A system: the sentences of its summary of one cluster, in the order to read them."""

SUMMARY_SENTENCES = 50
"""Sentences asked of our summariser: always more than a 100-250 word budget holds."""


@dataclass(frozen=True, slots=True)
class System:
    """A named summariser under evaluation."""

    name: str
    kind: Kind
    run: Sentences


@dataclass(slots=True)
class SystemResult:
    """Everything measured for one system; recall values are x100.

    Attributes:
        per_cluster: ``{cluster id: {rouge type: recall}}``.
        words: Words each summary offered before truncation, by cluster id.
        sentences_used: Sentences (even partly) inside the word budget, by cluster id.
        seconds: Wall time spent producing each summary, by cluster id.
        errors: Clusters the system failed on, with the error; they score 0.
        timings_ms: Our summariser's own stage timings summed over clusters.
    """

    name: str
    kind: Kind
    per_cluster: dict[str, dict[str, float]] = field(default_factory=dict)
    words: dict[str, int] = field(default_factory=dict)
    sentences_used: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    timings_ms: dict[str, float] = field(default_factory=dict)

    def mean(self, rouge_type: str) -> float:
        """Recall averaged over clusters (0 when nothing was scored)."""
        values = [scores[rouge_type] for scores in self.per_cluster.values()]
        return fmean(values) if values else 0.0


def sentences_in_budget(sentences: Sequence[str], words: int | None) -> int:
    """How many leading sentences the first ``words`` words touch (all when None)."""
    if words is None:
        return len(sentences)
    total = 0
    for count, sentence in enumerate(sentences, start=1):
        total += len(sentence.split())
        if total >= words:
            return count
    return len(sentences)


def evaluate(
    systems: Sequence[System],
    clusters: Sequence[Cluster],
    scorer: RougeRecall,
    *,
    use_jackknife: bool = False,
    method: Aggregation = "pooled",
    progress: bool = True,
) -> list[SystemResult]:
    """Summarise every cluster with every system and score the summaries.

    A system that raises on a cluster gets an empty summary there (recall 0) and the
    error is recorded, so one bad cluster does not lose a long run.

    Args:
        systems: What to evaluate.
        clusters: Benchmark clusters with references.
        scorer: ROUGE settings (word budget, reference truncation, tokens).
        use_jackknife: Score against each leave-one-reference-out subset and average.
        method: How references are combined; see :func:`service.evaluation.rouge.aggregate`.
        progress: Show a progress bar per system on stderr.

    Returns:
        One result per system, in the order given.
    """
    results = []
    for system in systems:
        result = SystemResult(system.name, system.kind)
        # Peers read from a file take no time; a bar for each would only be noise.
        quiet = not progress or system.kind == "file"
        bar = tqdm(clusters, desc=f"{system.name:>14}", unit="cluster", disable=quiet)
        for cluster in bar:
            started = time.perf_counter()
            try:
                sentences = list(system.run(cluster))
            except Exception as exc:  # noqa: BLE001 - recorded, scored 0, run goes on
                sentences = []
                result.errors[cluster.id] = f"{type(exc).__name__}: {exc}"
            result.seconds[cluster.id] = time.perf_counter() - started
            summary = " ".join(sentences)
            result.words[cluster.id] = len(summary.split())
            result.sentences_used[cluster.id] = sentences_in_budget(sentences, scorer.words)
            recall = scorer.recall(
                summary, cluster.references, use_jackknife=use_jackknife, method=method
            )
            result.per_cluster[cluster.id] = {key: 100 * value for key, value in recall.items()}
            for stage, ms in getattr(system.run, "last_timings_ms", {}).items():
                result.timings_ms[stage] = result.timings_ms.get(stage, 0.0) + ms
        results.append(result)
    return results


def bootstrap_interval(
    values: Sequence[float], *, resamples: int = 1000, seed: int = 0
) -> tuple[float, float]:
    """95% bootstrap interval of the mean, resampling clusters (as ROUGE-1.5.5 ``-c 95``).

    Args:
        values: One value per cluster.
        resamples: Bootstrap samples.
        seed: Random seed, so reports are reproducible.

    Returns:
        ``(low, high)``; ``(nan, nan)`` when there are no values.
    """
    data = np.asarray(values, dtype=np.float64)
    if data.size == 0:
        return (float("nan"), float("nan"))
    rng = np.random.default_rng(seed)
    means = data[rng.integers(0, data.size, size=(resamples, data.size))].mean(axis=1)
    low, high = np.percentile(means, [2.5, 97.5])
    return (float(low), float(high))


def paired_difference(ours: SystemResult, other: SystemResult, rouge_type: str) -> dict[str, float]:
    """Ours minus another system on the clusters both scored, with a paired bootstrap.

    Returns:
        ``mean`` difference, its 95% interval ``low``/``high``, and ``wins``, the share
        of clusters where ours is strictly higher.
    """
    common = [key for key in ours.per_cluster if key in other.per_cluster]
    diffs = [ours.per_cluster[k][rouge_type] - other.per_cluster[k][rouge_type] for k in common]
    low, high = bootstrap_interval(diffs)
    return {
        "mean": fmean(diffs) if diffs else float("nan"),
        "low": low,
        "high": high,
        "wins": sum(d > 0 for d in diffs) / len(diffs) if diffs else float("nan"),
    }


def query_text(cluster: Cluster, query_fields: Sequence[str]) -> str | None:
    """The cluster's query fields joined into one text, or None without a query.

    Raises:
        ValueError: If the cluster has a query without one of the fields.
    """
    if not query_fields or cluster.query is None:
        return None
    missing = [name for name in query_fields if name not in cluster.query]
    if missing:
        raise ValueError(f"cluster {cluster.id}: query has no field {missing}")
    parts = [str(cluster.query[name]).strip() for name in query_fields]
    return ". ".join(part.rstrip(".") for part in parts if part) + "."


class LocalSummarizer:
    """Our summariser in process; remembers the stage timings of its last call.

    Args:
        similarity: ``lexical``, ``semantic`` or ``hybrid``.
        threads: torch threads for the sentence encoder (unused for lexical).
        query_fields: Query fields to pass as ``SummaryOptions(query=...)``; the
            summariser must support that option.
        params: Ranking parameters; the service's defaults when None.

    Raises:
        ValueError: If ``query_fields`` are given and ``SummaryOptions`` has no ``query``.
    """

    def __init__(
        self,
        similarity: str,
        *,
        threads: int = 1,
        query_fields: Sequence[str] = (),
        params: RankingParams | None = None,
    ) -> None:
        from service.summarize import ArticleCache, SummaryOptions, load_encoder

        if query_fields and "query" not in {f.name for f in fields(SummaryOptions)}:
            raise ValueError("--query-field: this summariser has no SummaryOptions.query")
        self._similarity = similarity
        self._query_fields = tuple(query_fields)
        self._params = params
        # The encoder as the service would build it from the same SUMMARIZER_* variables.
        set_library_defaults(os.environ)
        options = {**Settings.from_env(os.environ).encoder_options(), "threads": threads}
        self._encoder = None if similarity == "lexical" else load_encoder(**options)
        # Shared by the copies with_params makes: a grid re-summarises the same clusters.
        self._article_cache = ArticleCache()
        self.last_timings_ms: dict[str, float] = {}

    def with_params(self, params: RankingParams | None) -> LocalSummarizer:
        """The same summariser (sharing its encoder) with other ranking parameters."""
        other = copy.copy(self)
        other._params = params
        other.last_timings_ms = {}
        return other

    def __call__(self, cluster: Cluster) -> list[str]:
        """Sentences of our summary of ``cluster``, best first."""
        from service.summarize import Article

        articles = [Article(id=doc.id, text=doc.text, title=doc.title) for doc in cluster.documents]
        summary = self.summary(articles, query_text(cluster, self._query_fields))
        return [sentence.text for sentence in summary.sentences]

    def summary(
        self,
        articles: Sequence[Article],
        query: str | None = None,
        *,
        known: Sequence[str] | None = None,
    ) -> Summary:
        """Our whole summary of ``articles`` (citations, reports), best first; with
        ``known``, the update summary for a reader who has read those articles."""
        from service.summarize import DEFAULT_PARAMS, SummaryOptions, summarize

        extra: dict[str, Any] = {} if query is None else {"query": query}
        if known is not None:
            extra["known"] = tuple(known)
        options = SummaryOptions(
            max_sentences=SUMMARY_SENTENCES,
            max_words=None,
            order="rank",
            similarity=self._similarity,  # type: ignore[arg-type]
            **extra,
        )
        self.last_timings_ms = {}
        summary = summarize(
            articles,
            options,
            encoder=self._encoder,
            params=self._params or DEFAULT_PARAMS,
            article_cache=self._article_cache,
        )
        self.last_timings_ms = dict(summary.timings_ms)
        return summary


class RemoteSummarizer:
    """Our summariser behind a running service: ``POST {url}/v1/summaries``.

    Args:
        url: Base URL, e.g. ``http://127.0.0.1:8080``.
        similarity: Sent as ``options.similarity`` unless None (service default).
        query_fields: Query fields sent as ``options.query``.
        timeout: Seconds to wait for one response.
    """

    def __init__(
        self,
        url: str,
        *,
        similarity: str | None = None,
        query_fields: Sequence[str] = (),
        timeout: float = 120.0,
    ) -> None:
        self._endpoint = url.rstrip("/") + "/v1/summaries"
        self._similarity = similarity
        self._query_fields = tuple(query_fields)
        self._timeout = timeout
        self.last_timings_ms: dict[str, float] = {}

    def body(self, cluster: Cluster) -> dict[str, Any]:
        """The JSON request for one cluster."""
        options: dict[str, Any] = {"max_sentences": SUMMARY_SENTENCES}
        if self._similarity is not None:
            options["similarity"] = self._similarity
        query = query_text(cluster, self._query_fields)
        if query is not None:
            options["query"] = query
        articles = []
        for doc in cluster.documents:
            article = {"id": doc.id, "text": doc.text}
            if doc.title is not None:
                article["title"] = doc.title
            articles.append(article)
        return {"articles": articles, "options": options}

    def __call__(self, cluster: Cluster) -> list[str]:
        """Sentences of the service's summary of ``cluster``, in response order."""
        request = urllib.request.Request(
            self._endpoint,
            data=json.dumps(self.body(cluster)).encode("utf-8"),
            headers={"Content-Type": "application/json", "Accept": "application/json"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self._timeout) as response:
                payload = json.load(response)
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode("utf-8", "replace")[:500]
            raise RuntimeError(f"HTTP {exc.code} from {self._endpoint}: {detail}") from exc
        timings = payload.get("meta", {}).get("timings_ms") or {}
        self.last_timings_ms = {key: float(value) for key, value in timings.items()}
        return [sentence["text"] for sentence in payload["sentences"]]


def file_system(name: str, peers: Mapping[str, Mapping[str, str]]) -> System:
    """A system whose summaries come from a peers file.

    Raises (when run): KeyError if the file has no summary of that system for a cluster.
    """

    def run(cluster: Cluster) -> list[str]:
        return peers[cluster.id][name].splitlines()

    return System(name, "file", run)
