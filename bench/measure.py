"""Measuring the service: gunicorn servers, requests, timings, memory, throughput, growth.

Every server is a fresh gunicorn on 127.0.0.1 (a free port) in its own process group,
always stopped again; its process tree's RSS is sampled while it runs.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import math
import os
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from _processes import children, free_port, loopback_env, start_group, stop_group
from cases import GROWTH_MIN_SENTENCES, WARM_UP_REQUESTS, Case

ROOT = Path(__file__).resolve().parent.parent


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


# --------------------------------------------------------------------------- memory


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
    try:
        # Proportional set size: a page shared by n processes counts 1/n in each, so the
        # sum over the tree is the server's memory (what a container's limit meets).
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    values["Pss"] = int(line.split()[1]) * 1024
                    break
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
    """Samples the server's process tree: peaks of the summed RSS and PSS, each pid's VmHWM."""

    def __init__(self, pid: int, interval: float = 0.2) -> None:
        self.pid = pid
        self.interval = interval
        self.peak_sum_rss = 0
        self.peak_sum_pss = 0
        self.hwm: dict[int, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> None:
        total = proportional = 0
        for pid in process_tree(self.pid):
            status = _proc_status(pid)
            total += status.get("VmRSS", 0)
            proportional += status.get("Pss", 0)
            if "VmHWM" in status:
                self.hwm[pid] = max(self.hwm.get(pid, 0), status["VmHWM"])
        self.peak_sum_rss = max(self.peak_sum_rss, total)
        self.peak_sum_pss = max(self.peak_sum_pss, proportional)

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
            "peak_sum_pss_mib": round(self.peak_sum_pss / 2**20, 1) or None,
            "sum_vmhwm_mib": round(sum(self.hwm.values()) / 2**20, 1),
            "processes": len(self.hwm),
        }


# --------------------------------------------------------------------------- server


class Server:
    """gunicorn on 127.0.0.1 in its own process group; use as a context manager."""

    def __init__(
        self, workers: int, log_path: Path, timeout_s: int, env: dict[str, str] | None = None
    ) -> None:
        self.workers = workers
        self.env = env or {}
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
            **self.env,
        )
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("ab")
        started = time.perf_counter()
        try:
            self.process = start_group(
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
                ROOT,
                env,
                log,
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


# --------------------------------------------------------------------------- requests


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


# --------------------------------------------------------------------------- latency


OPTIONS = (
    ("hybrid (default)", None),
    ("lexical", "lexical"),
    ("lexical, articles unseen", "lexical"),
    ("claim map (default)", None),
)
UNSEEN = "lexical, articles unseen"
"""Lexical requests whose articles each end with a line of their own ("Ref 12"), so the
server's article cache has never seen them: segmentation runs, words are known."""
CLAIMS = "claim map (default)"
"""``POST /v1/claims`` with default options (hybrid, 200 claims), after the summaries."""


class _Bodies:
    """A case's request body per option; each unseen one gets a line of its own."""

    def __init__(self, articles: list[dict[str, str]]) -> None:
        self.articles = articles
        # Unseen bodies are made per request; the claim map's takes no summary options.
        self.fixed = {
            label: body_of(articles, sim) for label, sim in OPTIONS if label not in (UNSEEN, CLAIMS)
        }
        self.fixed[CLAIMS] = json.dumps({"articles": articles}).encode("utf-8")
        self._unseen = itertools.count(1)

    def __call__(self, label: str) -> bytes:
        if label != UNSEEN:
            return self.fixed[label]
        number = next(self._unseen)
        articles = [{**a, "text": f"{a['text']}\n\nRef {number}"} for a in self.articles]
        return body_of(articles, "lexical")


class _Recorder:
    """Sends a case's requests to one server and records each answer per option.

    Failures go to ``errors`` (the case's list), in the order they happen.
    """

    def __init__(self, port: int, bodies: _Bodies, timeout: float, errors: list[str]) -> None:
        self.port = port
        self.bodies = bodies
        self.timeout = timeout
        self.errors = errors
        self.records: dict[str, list[dict[str, Any]]] = {label: [] for label, _ in OPTIONS}

    def one(self, label: str) -> dict[str, Any] | None:
        try:
            path = "/v1/claims" if label == CLAIMS else "/v1/summaries"
            status, data, seconds = request(
                self.port, "POST", path, self.bodies(label), timeout=self.timeout
            )
        except TimeoutError:
            self.errors.append(f"{label}: no answer within {self.timeout} s")
            return None
        except OSError as exc:
            self.errors.append(f"{label}: {type(exc).__name__}: {exc}")
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
            self.errors.append(f"{label}: HTTP {status}: {str(data)[:300]}")
        self.records[label].append(record)
        return record

    def warm_up(self, body: bytes) -> None:
        """A server in service has answered other stories: a few lexical requests about
        one (they leave the embedding cache empty), spread over the workers."""
        for _ in range(WARM_UP_REQUESTS):
            try:
                request(self.port, "POST", "/v1/summaries", body, timeout=60)
            except OSError as exc:
                self.errors.append(f"warm-up: {type(exc).__name__}: {exc}")

    def repeat(self, label: str, repeats: int, cap_s: float, notes: list[str]) -> None:
        """Warm repeats of ``label``, within ``cap_s`` seconds, once its cold one answered."""
        gate = self.records["lexical" if label == UNSEEN else label]
        if not gate or gate[-1]["status"] != 200:
            return
        started = time.perf_counter()
        for _ in range(repeats):
            if time.perf_counter() - started > cap_s:
                notes.append(f"{label}: warm repeats stopped at the {cap_s} s cap")
                break
            if self.one(label) is None:
                break


def measure_case(case: Case, args: argparse.Namespace, log_path: Path) -> dict[str, Any]:
    """Fresh server; cold lexical, cold hybrid, cold claim map, then warm repeats of each."""
    result: dict[str, Any] = {
        "case": case.name,
        "articles": len(case.articles),
        "sentences": case.sentences,
        "options": {},
        "errors": [],
        "notes": [],
    }
    bodies = _Bodies(case.articles)
    result["body_bytes"] = len(bodies.fixed["lexical"])
    env = case.extra.get("server_env", {})
    result["server_env"] = env
    with Server(2, log_path, timeout_s=int(args.request_cap) + 30, env=env) as server:
        result["server_ready_s"] = round(server.ready_s, 2)
        recorder = _Recorder(server.port, bodies, args.request_cap, result["errors"])
        recorder.warm_up(args.warm_up_body)
        # Cold: the first request of each option about this story (lexical first: it does
        # not touch the embedding cache, so the hybrid request after it is still cold).
        for label in ("lexical", "hybrid (default)", CLAIMS):
            recorder.one(label)
        for label, _ in OPTIONS:
            recorder.repeat(label, case.repeats, args.case_cap, result["notes"])
    result["rss"] = server.rss
    for label, _ in OPTIONS:
        result["options"][label] = _option_result(label, recorder.records[label])
    return result


def _option_result(label: str, records: list[dict[str, Any]]) -> dict[str, Any]:
    """Cold and warm figures of one option from its records, in the order sent."""
    recs = [r for r in records if r["status"] == 200]
    if not recs:
        return {"cold_ms": None, "warm": summary([]), "status": "failed"}
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
    return {
        "cold_ms": ms(cold["seconds"]) if cold else None,
        "cold_server_timings_ms": cold["timings_ms"] if cold else None,
        "cold_cache": cold["cache"] if cold else None,
        "cold_other_worker_ms": [ms(r["seconds"]) for r in second_cold],
        "warm": summary([r["seconds"] for r in warm]),
        "warm_server_timings_ms": _median_timings([r["timings_ms"] for r in warm]),
    }


def _median_timings(rows: list[dict[str, float] | None]) -> dict[str, float] | None:
    rows = [row for row in rows if row]
    if not rows:
        return None
    keys = {key for row in rows for key in row}
    return {
        key: round(statistics.median(row.get(key, 0.0) for row in rows), 1) for key in sorted(keys)
    }


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


class _Load:
    """Client threads sending one body until ``total`` requests are issued or ``cap_s`` passes."""

    def __init__(self, port: int, body: bytes, total: int, cap_s: float) -> None:
        self.port = port
        self.body = body
        self.total = total
        self.cap_s = cap_s
        self.latencies: list[float] = []
        self.errors: list[str] = []
        self.issued = 0
        self.wall = 0.0
        self._lock = threading.Lock()
        self._started = 0.0

    def run(self, clients: int) -> None:
        self._started = time.perf_counter()
        threads = [threading.Thread(target=self._client) for _ in range(clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(self.cap_s + 90)
        self.wall = time.perf_counter() - self._started

    def _next(self) -> bool:
        """Claims the next request, unless all are issued or the time is up."""
        with self._lock:
            if self.issued >= self.total or time.perf_counter() - self._started > self.cap_s:
                return False
            self.issued += 1
            return True

    def _client(self) -> None:
        while self._next():
            try:
                status, _, seconds = request(self.port, "POST", "/v1/summaries", self.body, 60)
            except OSError as exc:
                with self._lock:
                    self.errors.append(f"{type(exc).__name__}: {exc}")
                continue
            with self._lock:
                if status == 200:
                    self.latencies.append(seconds)
                else:
                    self.errors.append(f"HTTP {status}")


def throughput(
    case: Case, workers: int, total: int, clients: int, cap_s: float, log_path: Path
) -> dict[str, Any]:
    body = body_of(case.articles, None)
    with Server(workers, log_path, timeout_s=60) as server:
        for _ in range(2 * workers):  # warm every worker's embedding cache
            request(server.port, "POST", "/v1/summaries", body, timeout=60)
        load = _Load(server.port, body, total, cap_s)
        load.run(clients)
    out = summary(load.latencies)
    out.update(
        {
            "workers": workers,
            "clients": clients,
            "requests": load.issued,
            "ok": len(load.latencies),
            "errors": len(load.errors),
            "error_samples": load.errors[:5],
            "wall_s": round(load.wall, 2),
            "rps": round(len(load.latencies) / load.wall, 2) if load.wall > 0 else None,
            "capped": load.issued < total,
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
