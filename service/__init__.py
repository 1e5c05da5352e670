"""Multi-document summarisation service.

``create_app`` is imported lazily, so that ``service.summarize`` (the
algorithm, used by the CLI and the evaluation without a server) does not pull
in Flask.
"""

from __future__ import annotations

from typing import Any

__all__ = ["create_app"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from .app import create_app

        return create_app
    raise AttributeError(f"module 'service' has no attribute {name!r}")
