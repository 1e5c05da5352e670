"""The real server for the tests that need one: config/gunicorn.conf.py on loopback."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return bool(response.status == 200)
    except OSError:
        return False


@contextmanager
def gunicorn(folder: Path, *, ready: str = "/readyz", **env: str) -> Iterator[str]:
    """Serve on 127.0.0.1 until ``ready`` answers; yield the base URL; SIGTERM after and
    check the master exits 0. Metrics and the server's log go under ``folder``."""
    port = free_port()
    metrics = folder / "metrics"
    metrics.mkdir()
    environment = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "PROMETHEUS_MULTIPROC_DIR": str(metrics),
        **env,
    }
    base = f"http://127.0.0.1:{port}"
    log_path = folder / "gunicorn.log"
    with log_path.open("wb") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.conf.py", "service.wsgi:app"],
            cwd=ROOT,
            env=environment,
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
        try:
            deadline = time.monotonic() + 120
            while not answers(base + ready):
                assert server.poll() is None, log_path.read_text()
                assert time.monotonic() < deadline, "the server was not ready in 120 s"
                time.sleep(0.2)
            yield base
        finally:
            server.terminate()
            try:
                server.wait(timeout=40)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
    assert server.returncode == 0, log_path.read_text()


def lexical_two_workers(folder: Path, **env: str) -> AbstractContextManager[str]:
    """The real config with two workers, lexical only (no encoder: ready in seconds)."""
    return gunicorn(
        folder,
        ready="/healthz",
        WEB_CONCURRENCY="2",
        SUMMARIZER_LOAD_MODEL="false",
        SUMMARIZER_DEFAULT_SIMILARITY="lexical",
        **env,
    )
