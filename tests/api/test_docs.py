from __future__ import annotations

from flask.testing import FlaskClient


def test_docs_page_uses_local_assets_under_a_strict_csp(client: FlaskClient) -> None:
    response = client.get("/docs")
    assert response.status_code == 200 and response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert "http" not in page  # nothing from a CDN
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-eval" not in csp


def test_docs_assets_come_from_the_package(client: FlaskClient) -> None:
    with client.get("/docs/static/swagger-ui-bundle.js") as bundle:
        assert bundle.status_code == 200 and len(bundle.data) > 100_000
    assert client.get("/docs/init.js").get_data(as_text=True).count("openapi.yaml") == 1


def test_only_known_assets_are_served(client: FlaskClient) -> None:
    assert client.get("/docs/static/index.html").status_code == 404
    assert client.get("/docs/static/..%2Fcore.py").status_code == 404
