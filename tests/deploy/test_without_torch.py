"""The runtime never needs torch (issue 14): the image installs none.

A child process where ``import torch`` raises (a meta-path hook, as if torch were not
installed) starts the app with its default settings (hybrid similarity, the ONNX encoder)
from an exported encoder kept on disk, and answers a summary request.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from service.summarize import load_encoder
from tests.builders import story_payload

CHILD = r"""
import importlib.abc, json, sys

class NoTorch(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("torch", "sentence_transformers"):
            raise ImportError(f"{name} is blocked: the runtime must not import it")
        return None

sys.meta_path.insert(0, NoTorch())

from service.app import create_app

app = create_app()
response = app.test_client().post("/v1/summaries", json=json.loads(sys.stdin.read()))
body = response.get_json()
print(json.dumps({
    "status": response.status_code,
    "similarity": body["meta"]["similarity"],
    "model": body["meta"]["model"],
    "sentences": len(body.get("sentences", [])),
    "citations": sum(len(s.get("citations", [])) for s in body.get("sentences", [])),
    "torch": "torch" in sys.modules,
}))
"""


@pytest.mark.slow
def test_a_hybrid_summary_from_the_cached_encoder_with_torch_blocked(tmp_path: Path) -> None:
    load_encoder(model_cache=tmp_path)  # exports into tmp_path (this process may use torch)
    env = {
        **os.environ,
        "HF_HUB_OFFLINE": "1",
        "SUMMARIZER_MODEL_CACHE": str(tmp_path),
        "PYTHONPATH": str(Path(__file__).resolve().parents[2]),
    }
    done = subprocess.run(
        [sys.executable, "-c", CHILD], input=json.dumps(story_payload()), capture_output=True,
        text=True, env=env, timeout=180, check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    answer = json.loads(done.stdout.strip().splitlines()[-1])
    assert answer["status"] == 200, done.stderr[-2000:]
    assert answer["similarity"] == "hybrid" and answer["model"]
    assert answer["sentences"] >= 1 and answer["citations"] >= answer["sentences"]
    assert answer["torch"] is False


def test_the_blocking_hook_would_catch_an_import_of_torch() -> None:
    script = CHILD.split("from service.app")[0] + "import torch\n"
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode != 0 and "torch is blocked" in done.stderr
