"""The exported ONNX encoder, kept on disk so that a start loads it instead of exporting.

Exporting MiniLM to ONNX and quantising it to int8 takes several seconds and needs torch;
loading the result takes a fraction of one. So the export is made once (``python -m
service.prepare``, which ``make install`` and the image build run) and kept in a folder
(``SUMMARIZER_MODEL_CACHE``; by default ``var/summarizer`` under the Python prefix, the
virtual environment whose packages it was built from).

A file is named by a key over everything its bytes depend on: the digest of the model's
files, the int8 setting, the ONNX opset, and the versions of ``transformers`` and
``onnxruntime``. Another model or another runtime gives another name, so a stale file is
never found (and is removed when the new one is written). Beside each file is the SHA-256
of its bytes; a file whose bytes do not match it (a torn write, a corrupt disk) is never
loaded: it is rebuilt. Writes go to a temporary file renamed into place, so a reader sees
a whole file or none.
"""

from __future__ import annotations

import hashlib
import logging
import os
import sys
import tempfile
from collections.abc import Callable
from importlib import metadata
from pathlib import Path

LOG = logging.getLogger(__name__)
FORMAT = 1
"""Bumped when what the file holds changes meaning (e.g. another output)."""
_CHUNK = 1 << 20


def default_folder() -> Path:
    """``<sys.prefix>/var/summarizer``: beside the packages the export is built from."""
    return Path(sys.prefix) / "var" / "summarizer"


def file_digest(path: Path) -> str:
    """SHA-256 of a file's bytes, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "absent"


def cache_key(model_dir: Path, *, int8: bool, opset: int) -> str:
    """A name for the export of the model in ``model_dir`` with these settings."""
    digest = hashlib.sha256(f"format={FORMAT};int8={int8};opset={opset}".encode())
    for package in ("transformers", "onnxruntime"):
        digest.update(f";{package}={_version(package)}".encode())
    for path in sorted(p for p in model_dir.rglob("*") if p.is_file()):
        digest.update(f";{path.relative_to(model_dir).as_posix()}={file_digest(path)}".encode())
    return digest.hexdigest()[:24]


def cached_path(folder: Path, key: str, *, int8: bool) -> Path:
    return folder / f"minilm-{'int8' if int8 else 'fp32'}-{key}.onnx"


def read_cached(path: Path) -> bytes | None:
    """The file's bytes if it is whole (its SHA-256 matches the one beside it), else None."""
    sidecar = path.with_name(path.name + ".sha256")
    try:
        expected = sidecar.read_text(encoding="ascii").strip()
        data = path.read_bytes()
    except (OSError, UnicodeDecodeError):
        return None
    if hashlib.sha256(data).hexdigest() != expected:
        LOG.warning("cached encoder %s does not match its digest: rebuilding it", path.name)
        return None
    return data


def write_cached(path: Path, data: bytes) -> bool:
    """Write ``data`` and its digest atomically, removing other exports of the same kind.
    Returns False (and logs why) when the folder cannot be written."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        for name, payload in (
            (path.name, data),
            (path.name + ".sha256", hashlib.sha256(data).hexdigest().encode("ascii")),
        ):
            handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".partial-")
            os.fchmod(handle, 0o644)  # mkstemp makes 0600; the service may run as another user
            with os.fdopen(handle, "wb") as out:
                out.write(payload)
            os.replace(temporary, path.parent / name)
        kind = path.name.split("-")[1]
        for stale in path.parent.glob(f"minilm-{kind}-*.onnx*"):
            if not stale.name.startswith(path.name):
                stale.unlink(missing_ok=True)
    except OSError as exc:
        LOG.warning("cannot keep the exported encoder in %s: %s", path.parent, exc.strerror)
        return False
    return True


def load_or_build(
    model_dir: Path,
    build: Callable[[], bytes],
    *,
    int8: bool,
    opset: int,
    folder: Path | None = None,
) -> tuple[bytes, bool]:
    """The exported model's bytes from the cache, or from ``build()`` (then kept).

    Returns:
        ``(bytes, from_cache)``.
    """
    path = cached_path(folder or default_folder(), cache_key(model_dir, int8=int8, opset=opset),
                       int8=int8)
    data = read_cached(path)
    if data is not None:
        return data, True
    data = build()
    write_cached(path, data)
    return data, False


__all__ = ["cache_key", "cached_path", "default_folder", "load_or_build", "read_cached",
           "write_cached"]
