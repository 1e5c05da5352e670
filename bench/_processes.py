"""Process helpers shared by bench/measure.py and bench/faults.py (both run gunicorn locally)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
from pathlib import Path
from typing import IO


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def loopback_env(port: int, workers: int, **overrides: str) -> dict[str, str]:
    """The environment of a benchmarked gunicorn: this one, bound to 127.0.0.1:``port``,
    ``workers`` sync workers, one BLAS/OpenMP thread each, then ``overrides``."""
    env = dict(os.environ)
    env.update(
        HOST="127.0.0.1",
        PORT=str(port),
        WEB_CONCURRENCY=str(workers),
        OMP_NUM_THREADS="1",
        MKL_NUM_THREADS="1",
    )
    env.update(overrides)
    return env


def children(pid: int) -> list[int]:
    """Live (not zombie) child processes of ``pid``, such as gunicorn's workers, from /proc."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as handle:
                stat = handle.read()
        except OSError:
            continue
        # pid (comm) state ppid ...: comm may hold spaces, so split after the last ')'.
        fields = stat.rpartition(")")[2].split()
        if len(fields) > 1 and fields[1] == str(pid) and fields[0] != "Z":
            found.append(int(entry))
    return sorted(found)


def start_group(
    argv: list[str], cwd: Path, env: dict[str, str], log: IO[bytes]
) -> subprocess.Popen[bytes]:
    """``argv`` in a session (and process group) of its own, stdout and stderr to ``log``;
    ``stop_group`` ends it."""
    return subprocess.Popen(
        argv, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )


def stop_group(process: subprocess.Popen[bytes] | None, term_timeout: float) -> None:
    """SIGTERM ``process``'s group, SIGKILL it if it outlives ``term_timeout`` seconds."""
    if process is None or process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=term_timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    except ProcessLookupError:
        pass
