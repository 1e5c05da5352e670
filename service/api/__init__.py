"""The HTTP API: a blueprint of thin views over ``service.summarize``."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("api", __name__)

from . import routes  # noqa: E402,F401  (registers the views on bp)
