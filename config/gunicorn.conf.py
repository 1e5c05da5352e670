"""gunicorn settings. Server settings only: the app reads SUMMARIZER_* itself.

gthread workers, one per core, because the work is CPU-bound: each worker's threads
read request bodies and answer probes, and one of them at a time runs the pipeline
(the app's compute slot, service/api/routes.py). A sync worker waits on one socket, so
four clients that sent their headers and stalled mid-body held both workers and
/healthz timed out for over 20 s; now a stalled body holds a thread until
SUMMARIZER_BODY_TIMEOUT_SECONDS (then 408, connection closed), and gunicorn itself does
not give a thread to a connection that has sent nothing (it waits in the poller).
The app, and with it the sentence encoder, is loaded once in the master
(``preload_app``) and shared copy-on-write by the workers, so no request pays
the model load. torch runs one thread per worker, and the master runs no
inference before the fork: a forked OpenMP pool can deadlock a worker.
"""

from __future__ import annotations

import multiprocessing
import os
import tempfile

# Before numpy and torch are imported by the app: one intra-op thread per worker.
# (The encoder's libraries get their offline, no-pool defaults from create_app, which runs
# in the master before the encoder loads: service.config.LIBRARY_DEFAULTS.)
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

# Workers write their metrics here and /metrics merges them; a fresh folder per
# server start, as prometheus_client requires (before the app is imported).
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="summarizer-metrics-")

bind = f"{os.environ.get('HOST', '0.0.0.0')}:{os.environ.get('PORT', '8080')}"
workers = int(os.environ.get("WEB_CONCURRENCY", str(multiprocessing.cpu_count())))
worker_class = "gthread"
# Threads per worker: more than the stalled clients one worker may hold at once, so a
# probe still finds a free one. Each reads at most SUMMARIZER_MAX_BODY_BYTES of body.
threads = int(os.environ.get("GUNICORN_THREADS", "16"))
preload_app = True
# A gthread worker's main loop beats for it while a request runs, so this catches a
# hung worker, not a slow request: that is SUMMARIZER_REQUEST_TIMEOUT_SECONDS (503).
# The gateway's timeout must be longer than both (see README, "Behind a gateway").
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
# A backstop against slow growth, not a cover for a leak.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "200"))
# The app writes one JSON access line per request, with its request id.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
# gunicorn's control socket lives under $HOME, which is read-only in the container
# (and nothing here uses it).
control_socket_disable = True


def child_exit(server, worker):  # noqa: ARG001 - gunicorn's hook signature
    """Drop a dead worker's live gauges from the merged metrics."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def post_fork(server, worker):  # noqa: ARG001 - gunicorn's hook signature
    """Pin torch to one thread in the worker (if the master loaded it: the ONNX encoder
    from its disk cache never imports torch), then warm the encoder up there."""
    import sys

    torch = sys.modules.get("torch")
    if torch is not None:
        torch.set_num_threads(1)
    from service.wsgi import app

    encoder = app.extensions["summarizer"].encoder
    if encoder is not None:
        encoder.encode(["The worker warms up its sentence encoder."])
