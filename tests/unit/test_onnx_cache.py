"""The exported encoder kept on disk (issue 14): built once, loaded after, never when torn."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from service.summarize import SentenceEncoder, load_encoder
from service.summarize.embeddings import _Tokenizer, default_model_dir
from service.summarize.onnx_cache import cache_key, cached_path, load_or_build

TEXTS = [
    "The harbour reopened on Tuesday after a three-day strike.",
    "",
    "Ünïcödé – “quotes” — and a word in 中文",
    "spaces   and\ttabs\nand a new line",
    "word " * 300,  # cut to the length
]


class Builds:
    """A stand-in export that counts its calls."""

    def __init__(self, data: bytes = b"onnx bytes") -> None:
        self.data = data
        self.calls = 0

    def __call__(self) -> bytes:
        self.calls += 1
        return self.data


def model_folder(tmp_path: Path, weights: bytes = b"weights") -> Path:
    folder = tmp_path / "model"
    folder.mkdir(exist_ok=True)
    (folder / "config.json").write_text('{"hidden_size": 4}')
    (folder / "model.safetensors").write_bytes(weights)
    return folder


def test_the_export_is_built_once_then_read(tmp_path: Path) -> None:
    model, build = model_folder(tmp_path), Builds()
    first = load_or_build(model, build, int8=True, opset=17, folder=tmp_path / "cache")
    second = load_or_build(model, build, int8=True, opset=17, folder=tmp_path / "cache")
    assert first == (b"onnx bytes", False)
    assert second == (b"onnx bytes", True)
    assert build.calls == 1


def test_a_corrupt_file_is_rebuilt_not_loaded(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    model, cache = model_folder(tmp_path), tmp_path / "cache"
    load_or_build(model, Builds(), int8=True, opset=17, folder=cache)
    (path,) = cache.glob("*.onnx")
    path.write_bytes(b"onnx bytez")  # same size, one byte off
    build = Builds()
    with caplog.at_level(logging.WARNING):
        data, cached = load_or_build(model, build, int8=True, opset=17, folder=cache)
    assert (data, cached, build.calls) == (b"onnx bytes", False, 1)
    assert "does not match its digest" in caplog.text
    assert path.read_bytes() == b"onnx bytes"


def test_a_missing_digest_is_a_rebuild(tmp_path: Path) -> None:
    model, cache = model_folder(tmp_path), tmp_path / "cache"
    load_or_build(model, Builds(), int8=True, opset=17, folder=cache)
    (sidecar,) = cache.glob("*.sha256")
    sidecar.unlink()
    build = Builds()
    assert load_or_build(model, build, int8=True, opset=17, folder=cache)[1] is False
    assert build.calls == 1


def test_other_weights_or_settings_name_another_file_and_the_stale_one_goes(
    tmp_path: Path,
) -> None:
    model, cache = model_folder(tmp_path), tmp_path / "cache"
    key = cache_key(model, int8=True, opset=17)
    assert key != cache_key(model, int8=False, opset=17)
    assert key != cache_key(model, int8=True, opset=18)
    load_or_build(model, Builds(b"old"), int8=True, opset=17, folder=cache)
    model_folder(tmp_path, weights=b"retrained weights")
    new_key = cache_key(model, int8=True, opset=17)
    assert new_key != key
    build = Builds(b"new")
    assert load_or_build(model, build, int8=True, opset=17, folder=cache) == (b"new", False)
    names = sorted(path.name for path in cache.iterdir())
    assert names == [cached_path(cache, new_key, int8=True).name,
                     cached_path(cache, new_key, int8=True).name + ".sha256"]


def test_an_unwritable_folder_still_gives_the_model(tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("a file where the folder should be")
    build = Builds()
    assert load_or_build(model_folder(tmp_path), build, int8=True, opset=17,
                         folder=blocked / "cache") == (b"onnx bytes", False)


def test_the_kept_file_is_readable_by_other_users(tmp_path: Path) -> None:
    load_or_build(model_folder(tmp_path), Builds(), int8=True, opset=17, folder=tmp_path / "c")
    for path in (tmp_path / "c").iterdir():
        assert path.stat().st_mode & 0o044 == 0o044


def test_the_tokenizer_gives_what_transformers_gives() -> None:
    from transformers import AutoTokenizer

    reference = AutoTokenizer.from_pretrained(default_model_dir(), local_files_only=True)
    expected = reference(TEXTS, truncation=True, max_length=128)
    ours = _Tokenizer(default_model_dir(), 128).encode(TEXTS)
    for index, encoding in enumerate(ours):
        assert encoding.ids == expected["input_ids"][index]
        assert encoding.type_ids == expected["token_type_ids"][index]
        assert encoding.attention_mask == expected["attention_mask"][index]
    assert len(ours[-1].ids) == 128


def test_a_batch_is_padded_with_zeros_to_the_longest() -> None:
    batch = _Tokenizer(default_model_dir(), 128).batch(["short", "a rather longer sentence"])
    lengths = batch["attention_mask"].sum(axis=1)
    assert lengths[0] < lengths[1] == batch["input_ids"].shape[1]
    assert not batch["input_ids"][0, lengths[0]:].any()


def test_an_encoder_from_the_cache_encodes_as_a_fresh_export(
    tmp_path: Path, encoder: SentenceEncoder
) -> None:
    # The session encoder exported (or loaded) the model; this one reads the kept file.
    fresh = load_encoder(model_cache=tmp_path, cache_size=0)
    again = load_encoder(model_cache=tmp_path, cache_size=0)
    assert (fresh.from_cache, again.from_cache) == (False, True)
    assert np.array_equal(again.encode(TEXTS), fresh.encode(TEXTS))
    assert np.allclose(again.encode(TEXTS), encoder.encode(TEXTS), atol=1e-6)


def test_a_start_from_the_cache_does_not_import_torch(tmp_path: Path) -> None:
    load_encoder(model_cache=tmp_path)  # keeps the export in tmp_path
    script = (
        "import sys; from service.summarize import load_encoder; "
        f"e = load_encoder(model_cache={str(tmp_path)!r}); e.encode(['a sentence']); "
        "print(e.from_cache, 'torch' in sys.modules, 'transformers' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True,
        env={**os.environ, "HF_HUB_OFFLINE": "1"}, timeout=120,
    )
    assert done.stdout.split() == ["True", "False", "False"]
