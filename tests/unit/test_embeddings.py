"""The MiniLM sentence encoder: shape, norms, caching and loading failures."""

from __future__ import annotations

import multiprocessing
import os
import platform
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from service.summarize import EncoderUnavailable, SentenceEncoder, load_encoder
from service.summarize.embeddings import _cpu_flags, exact_int8_needs_asking
from tests.builders import QUOTE

SENTENCES = [
    QUOTE,
    "Union leader Mara Ostrova said the dockworkers would not go back to work.",
    "Exporters warned that a long strike would delay shipments of grain and timber.",
    "The cat sat on the mat.",
]


def test_embeddings_are_unit_rows_of_384(encoder: SentenceEncoder) -> None:
    vectors = encoder.encode(SENTENCES)

    assert vectors.shape == (len(SENTENCES), 384)
    assert encoder.dimension == 384
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_no_texts_give_an_empty_array(encoder: SentenceEncoder) -> None:
    assert encoder.encode([]).shape == (0, 384)


def test_same_text_gives_the_same_vector(encoder: SentenceEncoder) -> None:
    vectors = encoder.encode([SENTENCES[2], SENTENCES[0], SENTENCES[2]])
    again = encoder.encode([SENTENCES[2]])

    np.testing.assert_array_equal(vectors[0], vectors[2])
    np.testing.assert_array_equal(vectors[0], again[0])


def test_paraphrase_is_closer_than_an_unrelated_sentence(encoder: SentenceEncoder) -> None:
    quote, paraphrase, other, cat = encoder.encode(SENTENCES)

    assert quote @ paraphrase > quote @ other > quote @ cat


def test_second_call_hits_the_cache(encoder: SentenceEncoder) -> None:
    texts = [f"Ship number {i} waited outside the harbour of Valdoria." for i in range(5)]
    before = encoder.cache_info()

    first = encoder.encode(texts)
    middle = encoder.cache_info()
    second = encoder.encode(texts)
    after = encoder.cache_info()

    assert middle["misses"] - before["misses"] == 5
    assert middle["hits"] == before["hits"]
    assert after["hits"] - middle["hits"] == 5
    assert after["misses"] == middle["misses"]
    np.testing.assert_array_equal(first, second)


def test_cache_is_bounded_and_evicts_the_least_recently_used() -> None:
    small = load_encoder(cache_size=2)
    a, b, c = (f"Crane {name} collapsed at the port last week." for name in "ABC")

    small.encode([a, b])
    small.encode([a])  # a is now the most recently used
    small.encode([c])  # evicts b
    assert small.cache_info()["size"] == 2

    hits = small.cache_info()["hits"]
    small.encode([a])
    assert small.cache_info()["hits"] == hits + 1
    misses = small.cache_info()["misses"]
    small.encode([b])
    assert small.cache_info()["misses"] == misses + 1


def test_vectors_do_not_depend_on_batch_companions() -> None:
    # Without a cache each call runs the model; padding to a longer companion must not matter.
    uncached = load_encoder(cache_size=0)
    alone = uncached.encode([SENTENCES[3]])
    padded = uncached.encode([SENTENCES[3], " ".join(SENTENCES[:3])])

    assert uncached.cache_info()["size"] == 0
    np.testing.assert_allclose(alone[0], padded[0], atol=1e-5)


def test_missing_model_dir_raises_encoder_unavailable(tmp_path: Path) -> None:
    with pytest.raises(EncoderUnavailable):
        SentenceEncoder(tmp_path / "no-such-model")


@pytest.mark.parametrize(
    "kwargs",
    [{"threads": 0}, {"max_length": 4}, {"cache_size": -1}, {"parallel": 0}],
)
def test_bad_settings_raise_value_error(kwargs: dict[str, int]) -> None:
    with pytest.raises(ValueError):
        SentenceEncoder(**kwargs)  # type: ignore[arg-type]


TEXTS = [
    "Dockworkers at the port of Valdoria stopped work on Monday.",
    "The transport ministry said it would meet union leaders on Wednesday.",
    "Exporters warned that a long strike would delay shipments of grain.",
    "The cat sat on the mat.",
]


@pytest.fixture(scope="module")
def exact() -> np.ndarray:
    """torch fp32: the model as published, the yardstick of the other encoders."""
    return load_encoder(int8=False, runtime="torch", cache_size=0).encode(TEXTS)


@pytest.mark.parametrize(
    ("runtime", "floor"),
    # Per-channel int8 (ONNX Runtime) keeps the vectors closer than torch's per-tensor int8.
    [("onnx", 0.97), ("torch", 0.85)],
)
def test_int8_encoder_stays_close_to_fp32(exact: np.ndarray, runtime: str, floor: float) -> None:
    approx = load_encoder(int8=True, runtime=runtime, cache_size=0).encode(TEXTS)

    assert approx.shape == exact.shape
    assert np.allclose(np.linalg.norm(approx, axis=1), 1.0, atol=1e-5)
    assert float(np.min(np.sum(exact * approx, axis=1))) > floor
    # The ranking of similarities survives quantisation.
    assert np.argsort(exact @ exact[0]).tolist() == np.argsort(approx @ approx[0]).tolist()


def test_onnx_export_of_fp32_reproduces_torch(exact: np.ndarray) -> None:
    exported = load_encoder(int8=False, runtime="onnx", cache_size=0)

    assert exported.runtime == "onnx"
    np.testing.assert_allclose(exported.encode(TEXTS), exact, atol=1e-4)


def test_default_encoder_is_onnx_int8(encoder: SentenceEncoder) -> None:
    assert (encoder.runtime, encoder.int8) == ("onnx", True)


def test_the_session_asks_for_exact_int8_products_where_the_cpu_needs_it() -> None:
    # Without VNNI, onnxruntime's default u8s8 kernel saturates: the README's example got
    # other similarities on such a machine. Where VNNI is, asking would halve the speed.
    fresh = load_encoder(cache_size=0)
    fresh.encode(["The session is made on first use."])
    options = fresh._onnx._session.get_session_options()
    needed = exact_int8_needs_asking(platform.machine(), _cpu_flags())

    assert options.get_session_config_entry("session.x64quantprecision") == str(int(needed))


@pytest.mark.parametrize(
    ("machine", "flags", "needed"),
    [
        ("x86_64", "flags : fpu sse2 avx2 fma", True),  # AVX2 only: saturates
        ("x86_64", "flags : avx2 avx512f avx512bw", True),  # AVX-512 without VNNI
        ("x86_64", "flags : avx2 avx512f avx512_vnni", False),
        ("x86_64", "flags : avx2 avx_vnni", False),  # AVX-VNNI (no AVX-512)
        ("x86_64", None, True),  # flags unknown: exact
        ("AMD64", "flags : avx2", True),
        ("aarch64", "Features : fp asimd", False),  # not the x64 kernels
    ],
)
def test_exact_int8_is_asked_for_exactly_on_x64_without_vnni(
    machine: str, flags: str | None, needed: bool
) -> None:
    assert exact_int8_needs_asking(machine, flags) is needed


def test_unknown_runtime_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="runtime"):
        SentenceEncoder(runtime="tensorflow")  # type: ignore[arg-type]


def test_onnx_session_is_made_again_in_a_forked_child(encoder: SentenceEncoder) -> None:
    # gunicorn forks workers from a master that loaded the encoder: a child must not
    # reuse the parent's ONNX Runtime session, and must give the same vectors.
    text = "A forked worker encodes this sentence for the first time."
    parent = load_encoder(cache_size=0)
    expected = parent.encode([text])
    context = multiprocessing.get_context("fork")
    results = context.SimpleQueue()
    # A forked Process inherits ``parent`` as is (nothing pickled), as a gunicorn worker does.
    child = context.Process(target=_encode_in_child, args=(parent, text, results))
    child.start()
    child.join(timeout=60)
    child_vector, child_pid, session_pid = results.get()

    assert session_pid == child_pid != os.getpid()
    np.testing.assert_allclose(child_vector, expected, atol=1e-6)


def test_passes_side_by_side_give_the_very_same_vectors() -> None:
    # parallel > 1 only changes how many one-sentence passes run at once: every vector,
    # hence every summary, must be what one pass at a time gives, bit for bit.
    texts = [*TEXTS, *SENTENCES, "A lone surrogate \ud800 in a sentence.", "Short."]
    serial = load_encoder(cache_size=0).encode(texts)
    side_by_side = load_encoder(cache_size=0, parallel=3)

    assert side_by_side._parallel == 3
    np.testing.assert_array_equal(side_by_side.encode(texts), serial)
    np.testing.assert_array_equal(side_by_side.encode(texts[::-1]), serial[::-1])


def test_a_forked_child_makes_its_own_encoder_threads() -> None:
    # Threads do not survive a fork: a worker forked after its master used the pool
    # would wait forever on threads that are not there.
    parent = load_encoder(cache_size=0, parallel=2)
    expected = parent.encode(TEXTS)
    context = multiprocessing.get_context("fork")
    results = context.SimpleQueue()
    child = context.Process(target=_encode_many_in_child, args=(parent, TEXTS, results))
    child.start()
    child.join(timeout=60)

    assert child.exitcode == 0
    vectors, child_pid, pool_pid = results.get()
    assert pool_pid == child_pid != os.getpid()
    np.testing.assert_array_equal(vectors, expected)


def _encode_many_in_child(encoder: SentenceEncoder, texts: list[str], results: Any) -> None:
    vectors = encoder.encode(texts)
    results.put((vectors, os.getpid(), encoder._pool_pid))


def _encode_in_child(encoder: SentenceEncoder, text: str, results: Any) -> None:
    vector = encoder.encode([text])
    results.put((vector, os.getpid(), encoder._onnx._pid))  # type: ignore[union-attr]


FORK_AFTER_LOAD = """
import os, sys, time
from service.summarize import load_encoder

encoder = load_encoder(cache_size=0)
assert "onnxruntime" not in sys.modules, "the loading process imported onnxruntime"
pid = os.fork()
if pid == 0:
    encoder.encode(["A worker forked from the loading process encodes and exits."])
    sys.exit(0)  # a normal exit, with interpreter finalisation, as a gunicorn worker's
deadline = time.monotonic() + 60
while time.monotonic() < deadline:
    done, status = os.waitpid(pid, os.WNOHANG)
    if done:
        sys.exit(os.waitstatus_to_exitcode(status))
    time.sleep(0.05)
os.kill(pid, 9)
sys.exit("the forked child hung at exit")
"""


@pytest.mark.slow
def test_a_child_forked_after_loading_exits_normally() -> None:
    # Importing onnxruntime starts a thread; a child forked after it hung in a futex at
    # exit, and gunicorn's SIGTERM then waited the whole graceful timeout.
    done = subprocess.run(
        [sys.executable, "-c", FORK_AFTER_LOAD],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert done.returncode == 0, done.stderr[-2000:]
