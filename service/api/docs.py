"""``GET /docs``: Swagger UI rendering openapi.yaml, from the swagger-ui-py package (no CDN)."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, send_from_directory
from werkzeug.exceptions import NotFound

docs = Blueprint("docs", __name__)

_ASSETS = frozenset(
    {
        "swagger-ui.css",
        "swagger-ui-bundle.js",
        "swagger-ui-standalone-preset.js",
        "favicon-32x32.png",
        "favicon-16x16.png",
    }
)
# Relative URLs, so that the page works under any path prefix a gateway mounts it at.
_PAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Summarisation service API</title>
  <link rel="stylesheet" href="docs/static/swagger-ui.css">
  <link rel="icon" type="image/png" href="docs/static/favicon-32x32.png">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="docs/static/swagger-ui-bundle.js"></script>
  <script src="docs/init.js"></script>
</body>
</html>
"""
_INIT = """window.ui = SwaggerUIBundle({
  url: "openapi.yaml",
  dom_id: "#swagger-ui",
  deepLinking: true,
  displayRequestDuration: true,
});
"""
# Swagger UI needs its own scripts and inline styles; nothing from elsewhere.
DOCS_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self'; frame-ancestors 'none'"
)


def _static_dir() -> Path:
    import swagger_ui

    return Path(swagger_ui.__file__).resolve().parent / "static"


@docs.get("/docs")
def page() -> Response:
    """The API documentation page."""
    return Response(_PAGE, mimetype="text/html", headers={"Content-Security-Policy": DOCS_CSP})


@docs.get("/docs/init.js")
def init() -> Response:
    """The page's one script of its own (no inline script under the CSP)."""
    return Response(_INIT, mimetype="text/javascript")


@docs.get("/docs/static/<name>")
def asset(name: str) -> Response:
    """Swagger UI's files, from the installed package."""
    if name not in _ASSETS:
        raise NotFound()
    response = send_from_directory(_static_dir(), name, max_age=86400)
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response
