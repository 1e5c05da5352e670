"""Benchmarks of the summarisation service (issue 4): latency, peers, encoder floor, throughput.

One run does everything, bounded (fixed request counts, a time cap per case):

1. For every case, a fresh gunicorn (127.0.0.1, a free port, ``WEB_CONCURRENCY=2``,
   ``OMP_NUM_THREADS=1``) is started, ``/readyz`` awaited, and the server is always
   stopped again (process-group kill). A fresh server per case means the first request
   meets an empty embedding cache: that request is reported as *cold*; the repeats,
   whose responses report no embedding-cache miss, as *warm*. Before it, the server
   answers 4 lexical requests about another story, as a server in service has answered
   others before it sees a new one (warm code paths and common words' stems; nothing
   in the embedding cache).
2. Peers (sumy's ``LexRankSummarizer`` and the ``lexrank`` package) run in-process on the
   same texts, each case in a child process so that a time cap can stop it.
3. The encoder floor: ``SentenceEncoder.encode`` alone on the sentences the service
   encodes for the sample story.
4. Throughput: 8 client threads, a fixed number of requests, 1 and 2 workers.
5. Growth: the log-log slope of time vs sentences over the 5k-20k points.

Output: Markdown on stdout, JSON in ``bench/results/bench.json``.

    .venv/bin/python bench/run.py --shared ../shared           # full (make bench)
    .venv/bin/python bench/run.py --shared ../shared --quick   # small (make bench-quick)
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import math
import multiprocessing
import os
import platform
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from _processes import children, free_port, loopback_env, stop_group  # bench/, the script's folder

# Before anything imports torch or numpy's BLAS: one thread, as in a worker.
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SYNTHETIC_SIZES = (1_000, 2_000, 5_000, 10_000, 20_000)
GROWTH_MIN_SENTENCES = 5_000


# --------------------------------------------------------------------------- data


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


# Requests about another story that a fresh server answers before a case's cold request.
WARM_UP_REQUESTS = 4


def warm_up_story(shared: Path) -> list[dict[str, str]]:
    """Another story (the last DUC 2004 cluster) for warming a fresh server up.

    A server in service has answered other stories before it sees a new one: its code
    paths have run and the stems of common words are cached. Lexical requests about this
    story give a fresh server that state without putting any sentence in the embedding
    cache, so the case's first request still meets an empty one (*cold*).
    """
    cluster = _jsonl(shared / "eval" / "duc2004_task2.jsonl")[-1]
    return [{"id": d["id"], "text": d["text"]} for d in cluster["documents"]]


def build_cases(shared: Path, quick: bool) -> list[Case]:
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
    return cases


# --------------------------------------------------------------------------- server


def _proc_status(pid: int) -> dict[str, int]:
    values: dict[str, int] = {}
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as handle:
            for line in handle:
                key, _, rest = line.partition(":")
                if key in ("VmRSS", "VmHWM"):
                    values[key] = int(rest.split()[0]) * 1024
    except (OSError, ValueError):
        pass
    return values


def process_tree(pid: int) -> list[int]:
    try:
        import psutil  # optional (the `bench` extra)

        parent = psutil.Process(pid)
        return [pid] + [child.pid for child in parent.children(recursive=True)]
    except ImportError:
        pass
    except Exception:  # noqa: BLE001 - the process went away
        return []
    tree, frontier = [pid], [pid]
    while frontier:
        frontier = [child for parent in frontier for child in children(parent)]
        tree.extend(frontier)
    return tree


class RssMonitor:
    """Samples the server's process tree: peak of the summed RSS, and each pid's VmHWM."""

    def __init__(self, pid: int, interval: float = 0.2) -> None:
        self.pid = pid
        self.interval = interval
        self.peak_sum_rss = 0
        self.hwm: dict[int, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> None:
        total = 0
        for pid in process_tree(self.pid):
            status = _proc_status(pid)
            total += status.get("VmRSS", 0)
            if "VmHWM" in status:
                self.hwm[pid] = max(self.hwm.get(pid, 0), status["VmHWM"])
        self.peak_sum_rss = max(self.peak_sum_rss, total)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self._sample()

    def start(self) -> RssMonitor:
        self._sample()
        self._thread.start()
        return self

    def stop(self) -> dict[str, Any]:
        self._sample()
        self._stop.set()
        self._thread.join(timeout=5)
        return {
            "peak_sum_rss_mib": round(self.peak_sum_rss / 2**20, 1),
            "sum_vmhwm_mib": round(sum(self.hwm.values()) / 2**20, 1),
            "processes": len(self.hwm),
        }


class Server:
    """gunicorn on 127.0.0.1 in its own process group; use as a context manager."""

    def __init__(self, workers: int, log_path: Path, timeout_s: int) -> None:
        self.workers = workers
        self.port = free_port()
        self.log_path = log_path
        self.timeout_s = timeout_s
        self.process: subprocess.Popen[bytes] | None = None
        self.monitor: RssMonitor | None = None
        self.rss: dict[str, Any] = {}
        self.ready_s = 0.0

    def __enter__(self) -> Server:
        env = loopback_env(
            self.port,
            self.workers,
            GUNICORN_TIMEOUT=str(self.timeout_s),
            GUNICORN_LOG_LEVEL="warning",
            PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""),
        )
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("ab")
        started = time.perf_counter()
        try:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "-c",
                    str(ROOT / "config" / "gunicorn.conf.py"),
                    "--access-logfile",
                    "/dev/null",
                    "service.wsgi:app",
                ],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        finally:
            log.close()
        try:
            self._wait_ready(started, deadline_s=180)
            self.ready_s = time.perf_counter() - started
            self.monitor = RssMonitor(self.process.pid).start()
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_ready(self, started: float, deadline_s: float) -> None:
        assert self.process is not None
        while time.perf_counter() - started < deadline_s:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"gunicorn exited with {self.process.returncode}; see {self.log_path}"
                )
            try:
                status, _, _ = request(self.port, "GET", "/readyz", None, timeout=5)
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.25)
        raise RuntimeError(f"gunicorn not ready after {deadline_s} s; see {self.log_path}")

    def stop(self) -> None:
        if self.monitor is not None:
            self.rss = self.monitor.stop()
            self.monitor = None
        process, self.process = self.process, None
        stop_group(process, term_timeout=35)

    def __exit__(self, *exc: object) -> None:
        self.stop()


def request(
    port: int, method: str, path: str, body: bytes | None, timeout: float
) -> tuple[int, dict[str, Any] | None, float]:
    """One request on a new loopback connection: (status, JSON or None, seconds)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        started = time.perf_counter()
        headers = {"Content-Type": "application/json"} if body is not None else {}
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        payload = response.read()
        elapsed = time.perf_counter() - started
    finally:
        connection.close()
    try:
        data = json.loads(payload) if payload else None
    except ValueError:
        data = None
    return response.status, data, elapsed


def body_of(articles: list[dict[str, str]], similarity: str | None) -> bytes:
    options: dict[str, Any] = {"max_sentences": 5}
    if similarity is not None:
        options["similarity"] = similarity
    return json.dumps({"articles": articles, "options": options}).encode("utf-8")


# --------------------------------------------------------------------------- stats


def ms(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds * 1000.0, 1)


def percentile(values: Sequence[float], q: float) -> float | None:
    """Nearest-rank percentile (q in 0..100)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100.0 * len(ordered)))
    return ordered[rank - 1]


def summary(values: Sequence[float]) -> dict[str, Any]:
    return {
        "n": len(values),
        "p50_ms": ms(statistics.median(values)) if values else None,
        "p95_ms": ms(percentile(values, 95)),
        "min_ms": ms(min(values)) if values else None,
    }


# --------------------------------------------------------------------------- latency


OPTIONS = (
    ("hybrid (default)", None),
    ("lexical", "lexical"),
    ("lexical, articles unseen", "lexical"),
)
UNSEEN = "lexical, articles unseen"
"""Lexical requests whose articles each end with a line of their own ("Ref 12"), so the
server's article cache has never seen them: segmentation runs, words are known."""


def measure_case(case: Case, args: argparse.Namespace, log_path: Path) -> dict[str, Any]:
    """Fresh server; cold lexical, cold hybrid, then warm repeats of each."""
    result: dict[str, Any] = {
        "case": case.name,
        "articles": len(case.articles),
        "sentences": case.sentences,
        "options": {},
        "errors": [],
        "notes": [],
    }
    bodies = {label: body_of(case.articles, sim) for label, sim in OPTIONS}
    unseen = itertools.count(1)

    def body(label: str) -> bytes:
        if label != UNSEEN:
            return bodies[label]
        number = next(unseen)
        articles = [{**a, "text": f"{a['text']}\n\nRef {number}"} for a in case.articles]
        return body_of(articles, "lexical")

    result["body_bytes"] = len(bodies["lexical"])
    with Server(2, log_path, timeout_s=int(args.request_cap) + 30) as server:
        result["server_ready_s"] = round(server.ready_s, 2)
        records: dict[str, list[dict[str, Any]]] = {label: [] for label, _ in OPTIONS}

        def one(label: str) -> dict[str, Any] | None:
            try:
                status, data, seconds = request(
                    server.port, "POST", "/v1/summaries", body(label), timeout=args.request_cap
                )
            except TimeoutError:
                result["errors"].append(f"{label}: no answer within {args.request_cap} s")
                return None
            except OSError as exc:
                result["errors"].append(f"{label}: {type(exc).__name__}: {exc}")
                return None
            meta = (data or {}).get("meta", {}) if status == 200 else {}
            record = {
                "status": status,
                "seconds": seconds,
                "server_ms": meta.get("elapsed_ms"),
                "timings_ms": meta.get("timings_ms"),
                "cache": meta.get("embedding_cache"),
                "article_cache": meta.get("article_cache"),
            }
            if status != 200:
                result["errors"].append(f"{label}: HTTP {status}: {str(data)[:300]}")
            records[label].append(record)
            return record

        # A server in service has answered other stories: a few lexical requests about
        # one (they leave the embedding cache empty), spread over the workers.
        for _ in range(WARM_UP_REQUESTS):
            try:
                request(server.port, "POST", "/v1/summaries", args.warm_up_body, timeout=60)
            except OSError as exc:
                result["errors"].append(f"warm-up: {type(exc).__name__}: {exc}")
        # Cold: the first request of each option about this story (lexical first: it does
        # not touch the embedding cache, so the hybrid request after it is still cold).
        for label, _ in reversed(OPTIONS[:2]):
            one(label)
        # Warm: repeats, within the case's time cap.
        for label, _ in OPTIONS:
            gate = records["lexical" if label == UNSEEN else label]
            if not gate or gate[-1]["status"] != 200:
                continue
            started = time.perf_counter()
            for _ in range(case.repeats):
                if time.perf_counter() - started > args.case_cap:
                    result["notes"].append(
                        f"{label}: warm repeats stopped at the {args.case_cap} s cap"
                    )
                    break
                if one(label) is None:
                    break
    result["rss"] = server.rss
    for label, _ in OPTIONS:
        recs = [r for r in records[label] if r["status"] == 200]
        if not recs:
            result["options"][label] = {"cold_ms": None, "warm": summary([]), "status": "failed"}
            continue
        cold, repeats = (None, recs) if label == UNSEEN else (recs[0], recs[1:])
        # With 2 workers a repeat may land on the worker that has not seen these
        # sentences (or articles) yet: the response's cache counters tell, so it counts
        # as cold. Unseen articles miss by design.
        counter = {"hybrid (default)": "cache", "lexical": "article_cache"}.get(label)
        if counter is None:
            warm, second_cold = repeats, []
        else:
            warm = [r for r in repeats if r[counter] and r[counter].get("misses", 1) == 0]
            second_cold = [r for r in repeats if r not in warm]
        result["options"][label] = {
            "cold_ms": ms(cold["seconds"]) if cold else None,
            "cold_server_timings_ms": cold["timings_ms"] if cold else None,
            "cold_cache": cold["cache"] if cold else None,
            "cold_other_worker_ms": [ms(r["seconds"]) for r in second_cold],
            "warm": summary([r["seconds"] for r in warm]),
            "warm_server_timings_ms": _median_timings([r["timings_ms"] for r in warm]),
        }
    return result


def _median_timings(rows: list[dict[str, float] | None]) -> dict[str, float] | None:
    rows = [row for row in rows if row]
    if not rows:
        return None
    keys = {key for row in rows for key in row}
    return {
        key: round(statistics.median(row.get(key, 0.0) for row in rows), 1) for key in sorted(keys)
    }


# --------------------------------------------------------------------------- peers


def _peer_child(name: str, articles: list[dict[str, str]], repeats: int, conn: Any) -> None:
    """In a child process: run one peer ``repeats`` times, send each time as it finishes."""
    try:
        from service.evaluation.data import Cluster, Document
        from service.evaluation.peers import LEXRANK_THRESHOLD, _sumy_document, cluster_sentences

        cluster = Cluster(
            id="bench",
            documents=tuple(Document(id=a["id"], text=a["text"]) for a in articles),
            references=(),
        )
        if name == "sumy LexRank":
            from sumy.nlp.stemmers import Stemmer
            from sumy.summarizers.lex_rank import LexRankSummarizer
            from sumy.utils import get_stop_words

            summarizer = LexRankSummarizer(Stemmer("english"))
            summarizer.stop_words = get_stop_words("english")

            def run() -> int:
                # Splitting and building the document are part of the cost, as for us.
                return len(summarizer(_sumy_document(cluster), 5))

        else:
            from lexrank import STOPWORDS, LexRank

            def run() -> int:
                documents = cluster_sentences(cluster)
                model = LexRank(documents, stopwords=STOPWORDS["en"])
                sentences = [s for document in documents for s in document]
                return len(
                    model.get_summary(sentences, summary_size=5, threshold=LEXRANK_THRESHOLD)
                )

        for _ in range(repeats):
            started = time.perf_counter()
            picked = run()
            conn.send(("time", time.perf_counter() - started, picked))
        conn.send(("done", None, None))
    except BaseException as exc:  # noqa: BLE001 - reported to the parent
        conn.send(("error", f"{type(exc).__name__}: {exc}"[:300], None))
    finally:
        conn.close()


def measure_peer(name: str, case: Case, cap_s: float) -> dict[str, Any]:
    """Median of the case's repeats, in a child process stopped at ``cap_s`` seconds."""
    context = multiprocessing.get_context("spawn")
    parent, child = context.Pipe(duplex=False)
    process = context.Process(
        target=_peer_child, args=(name, case.articles, case.peer_repeats, child), daemon=True
    )
    started = time.perf_counter()
    process.start()
    child.close()
    times: list[float] = []
    error: str | None = None
    capped = False
    try:
        while True:
            remaining = cap_s - (time.perf_counter() - started)
            if remaining <= 0 or not parent.poll(remaining):
                capped = True
                break
            try:
                kind, value, _ = parent.recv()
            except EOFError:
                error = error or f"child exited with {process.exitcode}"
                break
            if kind == "time":
                times.append(value)
            elif kind == "error":
                error = value
                break
            else:
                break
    finally:
        if process.is_alive():
            process.terminate()
            process.join(5)
            if process.is_alive():
                process.kill()
        process.join(5)
        parent.close()
    out = summary(times)
    out.update(
        {
            "peer": name,
            "capped": capped and not times,
            "cap_s": cap_s,
            "partial": capped and bool(times),
            "error": error,
        }
    )
    return out


# --------------------------------------------------------------------------- encoder floor


# What the encoder floor compares: the service's encoder first (its settings' defaults).
FLOOR_ENCODERS: tuple[tuple[str, dict[str, Any]], ...] = (
    ("onnx int8, 2 passes side by side (default)", {"parallel": 2}),
    ("onnx int8, one pass at a time", {"parallel": 1}),
    ("torch int8", {"runtime": "torch", "int8": True}),
    ("torch fp32, batches of 16", {"runtime": "torch", "int8": False}),
)


def encoder_floor(case: Case, repeats: int) -> dict[str, Any]:
    """Time ``SentenceEncoder.encode`` (no cache) on what the service encodes for ``case``.

    The default encoder and, for comparison, torch's int8 and fp32 encoders on the same
    sentences in the same run.
    """
    from service.summarize import Article, SummaryOptions, load_encoder, summarize

    encoder = load_encoder(cache_size=0, **FLOOR_ENCODERS[0][1])
    seen: list[list[str]] = []

    class Recording:
        def encode(self, texts: Sequence[str]) -> Any:
            seen.append(list(texts))
            return encoder.encode(texts)

    articles = [Article(id=a["id"], text=a["text"]) for a in case.articles]
    summarize(articles, SummaryOptions(), encoder=Recording())  # default options: hybrid
    texts = [text for call in seen for text in call]

    def timed(run: Any) -> list[float]:
        times = []
        for _ in range(repeats):
            started = time.perf_counter()
            run()
            times.append(time.perf_counter() - started)
        return times

    runtimes: dict[str, Any] = {}
    for name, kwargs in FLOOR_ENCODERS:
        other = encoder if kwargs is FLOOR_ENCODERS[0][1] else load_encoder(cache_size=0, **kwargs)
        times = timed(lambda other=other: other.encode(texts))
        runtimes[name] = {"first_ms": ms(times[0]), **summary(times)}
    # The same sentences through the whole pipeline in-process (no HTTP), for scale.
    pipeline = timed(lambda: summarize(articles, SummaryOptions(), encoder=encoder))
    return {
        "case": case.name,
        "sentences_encoded": len(texts),
        "runtimes": runtimes,
        "pipeline_in_process_no_cache": summary(pipeline),
        "load_s": round(encoder.load_seconds, 2),
    }


# --------------------------------------------------------------------------- throughput


def throughput(
    case: Case, workers: int, total: int, clients: int, cap_s: float, log_path: Path
) -> dict[str, Any]:
    body = body_of(case.articles, None)
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    issued = 0
    with Server(workers, log_path, timeout_s=60) as server:
        for _ in range(2 * workers):  # warm every worker's embedding cache
            request(server.port, "POST", "/v1/summaries", body, timeout=60)
        started = time.perf_counter()

        def client() -> None:
            nonlocal issued
            while True:
                with lock:
                    if issued >= total or time.perf_counter() - started > cap_s:
                        return
                    issued += 1
                try:
                    status, _, seconds = request(server.port, "POST", "/v1/summaries", body, 60)
                except OSError as exc:
                    with lock:
                        errors.append(f"{type(exc).__name__}: {exc}")
                    continue
                with lock:
                    if status == 200:
                        latencies.append(seconds)
                    else:
                        errors.append(f"HTTP {status}")

        threads = [threading.Thread(target=client) for _ in range(clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(cap_s + 90)
        wall = time.perf_counter() - started
    out = summary(latencies)
    out.update(
        {
            "workers": workers,
            "clients": clients,
            "requests": issued,
            "ok": len(latencies),
            "errors": len(errors),
            "error_samples": errors[:5],
            "wall_s": round(wall, 2),
            "rps": round(len(latencies) / wall, 2) if wall > 0 else None,
            "capped": issued < total,
            "rss": server.rss,
        }
    )
    return out


# --------------------------------------------------------------------------- growth


def slope(points: list[tuple[float, float]]) -> float | None:
    """Least-squares slope of log(time) on log(sentences)."""
    points = [(x, y) for x, y in points if x and y and y > 0]
    if len(points) < 2:
        return None
    xs = [math.log(x) for x, _ in points]
    ys = [math.log(y) for _, y in points]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    den = sum((x - mx) ** 2 for x in xs)
    return (
        round(sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / den, 2)
        if den
        else None
    )


def growth(latency: list[dict[str, Any]], peers: list[dict[str, Any]]) -> dict[str, Any]:
    large = [row for row in latency if row["sentences"] >= GROWTH_MIN_SENTENCES and row["large"]]
    series: dict[str, list[tuple[float, float]]] = {}
    for row in large:
        hybrid, lexical = row["options"]["hybrid (default)"], row["options"]["lexical"]
        series.setdefault("ours hybrid, cold", []).append((row["sentences"], hybrid["cold_ms"]))
        series.setdefault("ours hybrid, warm p50", []).append(
            (row["sentences"], hybrid["warm"]["p50_ms"])
        )
        series.setdefault("ours lexical, warm p50", []).append(
            (row["sentences"], lexical["warm"]["p50_ms"])
        )
    for peer in peers:
        if peer["sentences"] >= GROWTH_MIN_SENTENCES:
            series.setdefault(peer["peer"], []).append((peer["sentences"], peer["p50_ms"]))
    return {
        name: {"slope": slope(points), "points": [[x, y] for x, y in points]}
        for name, points in series.items()
    }


# --------------------------------------------------------------------------- report


def fmt(value: Any, unit: str = "") -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        if value >= 100:
            return f"{value:,.0f}{unit}"
        return f"{value:.1f}{unit}"
    return f"{value}{unit}"


def markdown(results: dict[str, Any]) -> str:
    lines: list[str] = []
    meta = results["meta"]
    lines.append(
        f"## Benchmarks ({'quick' if meta['quick'] else 'full'}; {meta['cpus']} CPUs, "
        f"{meta['python']}, {meta['git']})\n"
    )
    lines.append(
        f"Load average (1 min) at start {meta['loadavg_start'][0]}, at end "
        f"{meta['loadavg_end'][0]}: anything well above 0 means other processes shared "
        "the CPUs and every number below is inflated by it.\n"
    )
    lines.append(
        "Latency over HTTP on loopback, ms, WEB_CONCURRENCY=2, OMP_NUM_THREADS=1, a fresh server "
        "per case, warmed up by 4 lexical requests about another story (a DUC 2004 cluster). "
        "**cold** = the first request of that option about this story (empty embedding "
        "cache, sentences and words never seen); **warm** = repeats whose response reports no "
        "embedding-cache miss (hybrid) or article-cache miss (lexical); **lexical, articles "
        "unseen** = lexical requests whose articles each end with a line of their own "
        "(\"Ref 12\"), so segmentation runs every time (words known). RSS = the server's "
        "peak summed RSS over master + workers "
        "(sampled every 0.2 s); sum of VmHWM in brackets (counts shared pages once per process).\n"
    )
    lines.append(
        "| case | articles | sentences | similarity | cold | warm p50 | warm p95 | warm min "
        "| warm n | server RSS MiB |"
    )
    lines.append("|---|--:|--:|---|--:|--:|--:|--:|--:|--:|")
    for row in results["latency"]:
        rss = row.get("rss") or {}
        for index, (label, _) in enumerate(OPTIONS):
            opt = row["options"].get(label, {})
            warm = opt.get("warm", {})
            cold = fmt(opt.get("cold_ms"))
            if opt.get("cold_other_worker_ms"):
                cold += " (" + ", ".join(fmt(v) for v in opt["cold_other_worker_ms"]) + ")"
            lines.append(
                f"| {row['case'] if index == 0 else ''} | {row['articles'] if index == 0 else ''} "
                f"| {row['sentences'] if index == 0 else ''} | {label} | {cold} "
                f"| {fmt(warm.get('p50_ms'))} | {fmt(warm.get('p95_ms'))} "
                f"| {fmt(warm.get('min_ms'))} "
                f"| {warm.get('n', 0)} | "
                + (
                    f"{fmt(rss.get('peak_sum_rss_mib'))} ({fmt(rss.get('sum_vmhwm_mib'))})"
                    if index == 0
                    else ""
                )
                + " |"
            )
    errors = [f"{row['case']}: {e}" for row in results["latency"] for e in row["errors"]]
    errors += [f"{row['case']}: {e}" for row in results["latency"] for e in row["notes"]]
    errors += [
        f"throughput, {row['workers']} worker(s): {row['errors']} errors, "
        f"e.g. {row['error_samples']}"
        for row in results["throughput"]
        if row["errors"]
    ]
    if any(
        opt.get("cold_other_worker_ms")
        for row in results["latency"]
        for opt in row["options"].values()
    ):
        lines.append(
            "\nNumbers in brackets after a cold time: repeats that landed on the second worker "
            "before it had seen the sentences (hybrid) or the articles (lexical): cold there too."
        )

    lines.append(
        "\n### Peers, in-process on the same texts (ms; median of repeats, one run for the "
        "large clusters)\n"
    )
    lines.append(
        "Peers see the service's own sentence split; their time includes splitting and "
        "building their document/model, as ours includes segmentation. Ours is over HTTP "
        "(JSON both ways), peers are in-process. Ratio = peer time / our time; "
        "> 1 means we are faster.\n"
    )
    peer_names = [name for name in ("sumy LexRank", "lexrank")]
    lines.append(
        "| case | sentences | ours hybrid cold | ours lexical warm p50 | ours lexical unseen p50 | "
        + " | ".join(
            f"{p} | {p} / hybrid cold | {p} / lexical warm | {p} / lexical unseen"
            for p in peer_names
        )
        + " |"
    )
    lines.append("|---|--:|--:|--:|--:|" + "--:|--:|--:|--:|" * len(peer_names))
    by_case = {row["case"]: row for row in results["latency"]}
    for case_name, peers in results["peers"].items():
        row = by_case.get(case_name)
        if row is None:
            continue
        hybrid = row["options"]["hybrid (default)"].get("cold_ms")
        lexical = row["options"]["lexical"].get("warm", {}).get("p50_ms")
        fresh = row["options"].get(UNSEEN, {}).get("warm", {}).get("p50_ms")
        ours_all = (hybrid, lexical, fresh)
        cells = []
        for name in peer_names:
            peer = peers.get(name, {})
            if peer.get("skipped"):
                cells += [f"skipped ({peer['skipped']})", "", "", ""]
                continue
            if peer.get("error"):
                cells += [f"error: {peer['error'][:60]}", "", "", ""]
                continue
            if peer.get("capped"):
                cap = peer["cap_s"]
                cells += [f"> {cap:.0f} s (cap)"] + [
                    f"> {cap * 1000 / ours:.0f}" if ours else "–" for ours in ours_all
                ]
                continue
            time_ms = peer.get("p50_ms")
            cells += [fmt(time_ms)] + [
                f"{time_ms / ours:.1f}×" if (time_ms and ours) else "–" for ours in ours_all
            ]
        lines.append(
            f"| {case_name} | {row['sentences']} | {fmt(hybrid)} | {fmt(lexical)} | {fmt(fresh)} | "
            + " | ".join(cells)
            + " |"
        )

    floor = results.get("encoder_floor")
    if floor:
        lines.append("\n### Encoder floor (sample story)\n")
        row = by_case.get(floor["case"], {})
        hybrid = row.get("options", {}).get("hybrid (default)", {})
        lines.append(
            f"The service encodes {floor['sentences_encoded']} sentences for the sample story "
            "(its shortlist). `SentenceEncoder.encode` alone on them, no cache:\n"
        )
        lines.append("| what | p50 ms | min ms | sentences/s |")
        lines.append("|---|--:|--:|--:|")
        for name, row_ in floor["runtimes"].items():
            rate = floor["sentences_encoded"] / (row_["p50_ms"] / 1000) if row_["p50_ms"] else None
            lines.append(
                f"| encode alone, {name} (first call {fmt(row_['first_ms'])}) | "
                f"{fmt(row_['p50_ms'])} | {fmt(row_['min_ms'])} | {fmt(rate)} |"
            )
        lines.append(
            "| whole pipeline in-process, no cache "
            f"| {fmt(floor['pipeline_in_process_no_cache']['p50_ms'])} "
            f"| {fmt(floor['pipeline_in_process_no_cache']['min_ms'])} | |"
        )
        cold_encode = (hybrid.get("cold_server_timings_ms") or {}).get("encode")
        lines.append(
            f"| our request, cold (server's encode stage {fmt(cold_encode)}) "
            f"| {fmt(hybrid.get('cold_ms'))} | | |"
        )
        warm = hybrid.get("warm", {})
        lines.append(
            f"| our request, warm | {fmt(warm.get('p50_ms'))} | {fmt(warm.get('min_ms'))} | |"
        )

    if results["throughput"]:
        lines.append("\n### Throughput (sample story, default options, warm cache)\n")
        lines.append(
            "| workers | clients | requests | ok | errors | wall s | req/s | p50 ms | p95 ms "
            "| server RSS MiB |"
        )
        lines.append("|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
        for row in results["throughput"]:
            rss = row.get("rss") or {}
            lines.append(
                f"| {row['workers']} | {row['clients']} | {row['requests']}"
                f"{' (capped)' if row['capped'] else ''} | {row['ok']} | {row['errors']} "
                f"| {fmt(row['wall_s'])} | {fmt(row['rps'])} | {fmt(row['p50_ms'])} "
                f"| {fmt(row['p95_ms'])} | {fmt(rss.get('peak_sum_rss_mib'))} |"
            )
        if len(results["throughput"]) == 2 and results["throughput"][0]["rps"]:
            one, two = results["throughput"]
            lines.append(
                f"\nScaling 1 → 2 workers: {two['rps'] / one['rps']:.2f}× "
                f"(the machine has {meta['cpus']} CPUs; the 8 client threads share them)."
            )

    if results["growth"]:
        lines.append("\n### Cost growth (log-log slope of time vs sentences, 5k–20k)\n")
        lines.append("| series | exponent | points (sentences, ms) |")
        lines.append("|---|--:|---|")
        for name, data in results["growth"].items():
            points = ", ".join(f"{int(x)}: {fmt(y)}" for x, y in data["points"])
            lines.append(f"| {name} | {fmt(data['slope'])} | {points} |")
        lines.append("\n(Peers capped at larger sizes have fewer points.)")

    if errors:
        lines.append("\n### Errors and notes\n")
        lines += [f"- {error}" for error in errors]
    lines.append(f"\nTotal bench time: {results['meta']['elapsed_s']:.0f} s.")
    return "\n".join(lines)


# --------------------------------------------------------------------------- main


def git_describe() -> str:
    try:
        return subprocess.run(
            ["git", "describe", "--always", "--dirty"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared", help="data folder")
    parser.add_argument("--quick", action="store_true", help="sample story + 1k sentences")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "bench.json")
    parser.add_argument("--request-cap", type=float, default=300.0, help="s per request")
    parser.add_argument("--case-cap", type=float, default=180.0, help="s of warm repeats per case")
    parser.add_argument("--peer-cap", type=float, default=None, help="s per peer case")
    parser.add_argument("--throughput-requests", type=int, default=None)
    parser.add_argument("--throughput-cap", type=float, default=120.0)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--skip-peers", action="store_true")
    args = parser.parse_args(argv)
    if args.peer_cap is None:
        args.peer_cap = 60.0 if args.quick else 300.0
    if args.throughput_requests is None:
        args.throughput_requests = 40 if args.quick else 200
    started = time.perf_counter()
    log_path = args.out.parent / "server.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    log_path.write_bytes(b"")

    def progress(message: str) -> None:
        print(
            f"[bench {time.perf_counter() - started:6.1f}s] {message}", file=sys.stderr, flush=True
        )

    progress("building cases")
    cases = build_cases(args.shared, args.quick)
    args.warm_up_body = body_of(warm_up_story(args.shared), "lexical")
    results: dict[str, Any] = {
        "meta": {
            "quick": args.quick,
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "git": git_describe(),
            "args": {k: str(v) for k, v in vars(args).items()},
            "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "loadavg_start": [round(x, 2) for x in os.getloadavg()],
        },
        "cases": [
            {"case": c.name, "articles": len(c.articles), "sentences": c.sentences} for c in cases
        ],
        "latency": [],
        "peers": {},
        "encoder_floor": None,
        "throughput": [],
        "growth": {},
    }

    # 1-2. Latency over HTTP, a fresh server per case.
    for case in cases:
        progress(f"latency: {case.name} ({case.sentences} sentences)")
        row = measure_case(case, args, log_path)
        row["large"] = case.large
        results["latency"].append(row)
        for error in row["errors"]:
            progress(f"  ! {error}")

    # 5. Throughput, 1 and 2 workers.
    for workers in (1, 2):
        progress(f"throughput: {workers} worker(s), {args.throughput_requests} requests")
        results["throughput"].append(
            throughput(
                cases[0],
                workers,
                args.throughput_requests,
                args.clients,
                args.throughput_cap,
                log_path,
            )
        )

    # 3. Peers in-process (child processes, capped); once a peer hits the cap, larger
    # clusters are skipped for it (its cost only grows with the sentences).
    if not args.skip_peers:
        capped_at: dict[str, str] = {}
        for case in cases:
            peers: dict[str, Any] = {}
            for name in ("sumy LexRank", "lexrank"):
                if name in capped_at:
                    peers[name] = {"peer": name, "skipped": f"> cap at {capped_at[name]}"}
                    continue
                progress(f"peer {name}: {case.name}")
                peer = measure_peer(name, case, args.peer_cap)
                peer["sentences"] = case.sentences
                peers[name] = peer
                if peer["capped"]:
                    capped_at[name] = case.name
            results["peers"][case.name] = peers

    # 4. Encoder floor, in this process (loads the encoder here, after the peers).
    progress("encoder floor")
    results["encoder_floor"] = encoder_floor(cases[0], repeats=10 if args.quick else 20)

    # 6. Growth.
    peer_rows = [
        p for peers in results["peers"].values() for p in peers.values() if p.get("p50_ms")
    ]
    results["growth"] = growth(results["latency"], peer_rows)
    results["meta"]["loadavg_end"] = [round(x, 2) for x in os.getloadavg()]
    results["meta"]["elapsed_s"] = round(time.perf_counter() - started, 1)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(markdown(results))
    progress(f"wrote {args.out}")
    failed = any(row["errors"] for row in results["latency"]) or any(
        row["errors"] for row in results["throughput"]
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
