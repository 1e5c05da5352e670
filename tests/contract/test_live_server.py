"""schemathesis, every check, against the real server: gunicorn with config/gunicorn.conf.py
on loopback (one worker, the encoder loaded), started here and stopped after."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.servers import ROOT, gunicorn


@pytest.mark.slow
def test_schemathesis_finds_no_failure_on_the_running_server(tmp_path: Path) -> None:
    with gunicorn(tmp_path, WEB_CONCURRENCY="1") as base:
        run = subprocess.run(
            [
                sys.executable, "-m", "schemathesis.cli",
                "--config-file", str(ROOT / "tests" / "contract" / "schemathesis.toml"),
                "run", str(ROOT / "openapi.yaml"), "--url", base, "--checks", "all",
                "--max-examples", "20", "--seed", "2026", "--no-color",
            ],
            cwd=tmp_path, capture_output=True, text=True, timeout=600, check=False,
        )
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    assert "Tested: 9" in run.stdout, run.stdout[-3000:]
