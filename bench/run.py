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
import json
import os
import platform
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

# bench/, the script's folder: the cases, measuring, the peers and the report.
from cases import Case, build_cases, warm_up_story
from measure import ROOT, body_of, encoder_floor, growth, measure_case, throughput
from peers import measure_peers
from report import markdown

# Before anything imports torch or numpy's BLAS: one thread, as in a worker.
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


class Progress:
    """Progress lines on stderr, stamped with the seconds since the bench started."""

    def __init__(self) -> None:
        self.started = time.perf_counter()

    def __call__(self, message: str) -> None:
        print(
            f"[bench {time.perf_counter() - self.started:6.1f}s] {message}",
            file=sys.stderr,
            flush=True,
        )


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
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
    parser.add_argument(
        "--wire", choices=("also", "only", "no"), default="also",
        help="the 50k and 100k wire-copy feeds: with the rest (full run), alone (after the "
        "sample story), or not",
    )
    args = parser.parse_args(argv)
    if args.peer_cap is None:
        args.peer_cap = 60.0 if args.quick else 300.0
    if args.throughput_requests is None:
        args.throughput_requests = 40 if args.quick else 200
    return args


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


def new_results(args: argparse.Namespace, cases: list[Case]) -> dict[str, Any]:
    """The results, every section empty; ``meta`` as of the start."""
    return {
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


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    progress = Progress()
    log_path = args.out.parent / "server.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    log_path.write_bytes(b"")
    progress("building cases")
    cases = build_cases(args.shared, args.quick, args.wire)
    args.warm_up_body = body_of(warm_up_story(args.shared), "lexical")
    results = new_results(args, cases)

    # 1. Latency over HTTP, a fresh server per case.
    for case in cases:
        progress(f"latency: {case.name} ({case.sentences} sentences)")
        row = measure_case(case, args, log_path)
        row["large"] = case.large
        results["latency"].append(row)
        for error in row["errors"]:
            progress(f"  ! {error}")

    # 2. Peers in-process (child processes, capped).
    if not args.skip_peers:
        results["peers"] = measure_peers(cases, args.peer_cap, progress)

    # 3. Encoder floor, in this process (loads the encoder here, after the peers).
    progress("encoder floor")
    results["encoder_floor"] = encoder_floor(cases[0], repeats=10 if args.quick else 20)

    # 4. Throughput, 1 and 2 workers.
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

    # 5. Growth.
    peer_rows = [
        p for peers in results["peers"].values() for p in peers.values() if p.get("p50_ms")
    ]
    results["growth"] = growth(results["latency"], peer_rows)
    return write(results, args.out, progress)


def write(results: dict[str, Any], out: Path, progress: Progress) -> int:
    """JSON to ``out``, Markdown on stdout; 1 if a request failed."""
    results["meta"]["loadavg_end"] = [round(x, 2) for x in os.getloadavg()]
    results["meta"]["elapsed_s"] = round(time.perf_counter() - progress.started, 1)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(markdown(results))
    progress(f"wrote {out}")
    failed = any(row["errors"] for row in results["latency"]) or any(
        row["errors"] for row in results["throughput"]
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
