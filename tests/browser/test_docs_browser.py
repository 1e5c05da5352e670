"""The /docs page in a real headless Chromium: it renders openapi.yaml's operations."""

from __future__ import annotations

import shutil
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from service.app import create_app
from service.config import Settings

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture
def server() -> Iterator[str]:
    app = create_app(Settings(load_model=False, default_similarity="lexical"))
    httpd = make_server("127.0.0.1", 0, app)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_port}"
    finally:
        httpd.shutdown()
        thread.join(timeout=5)


@pytest.mark.slow
def test_docs_page_renders_the_summaries_operation(server: str, tmp_path: Path) -> None:
    if CHROMIUM is None:
        pytest.fail("chromium is not installed; make test installs it (apt-get install chromium)")
    result = subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={tmp_path}",
            "--virtual-time-budget=15000",
            "--dump-dom",
            f"{server}/docs",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    dom = result.stdout
    assert "swagger-ui" in dom, result.stderr[-2000:]
    assert "/v1/summaries" in dom
    assert "Summarise a set of articles about one story" in dom
