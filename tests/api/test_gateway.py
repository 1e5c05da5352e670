from __future__ import annotations

from flask import request

from service.app import create_app
from service.config import Settings


def lexical(**overrides: object) -> Settings:
    return Settings(load_model=False, default_similarity="lexical", **overrides)  # type: ignore[arg-type]


def test_forwarded_headers_are_ignored_without_trusted_hops() -> None:
    app = create_app(lexical())
    with app.test_request_context(
        "/healthz",
        headers={"X-Forwarded-For": "203.0.113.9"},
        environ_base={"REMOTE_ADDR": "10.0.0.2"},
    ):
        assert request.remote_addr == "10.0.0.2"


def test_one_trusted_hop_gives_client_address_scheme_and_prefix() -> None:
    app = create_app(lexical(trusted_proxy_hops=1))
    seen = {}

    @app.get("/probe-forwarding")
    def probe() -> str:
        seen.update(addr=request.remote_addr, scheme=request.scheme, root=request.script_root)
        return "ok"

    response = app.test_client().get(
        "/probe-forwarding",
        headers={
            "X-Forwarded-For": "198.51.100.7, 203.0.113.9",
            "X-Forwarded-Proto": "https",
            "X-Forwarded-Prefix": "/summarizer",
        },
    )
    assert response.status_code == 200
    assert seen == {"addr": "203.0.113.9", "scheme": "https", "root": "/summarizer"}


def test_fixed_path_prefix_serves_the_same_routes() -> None:
    client = create_app(lexical(path_prefix="/summarizer")).test_client()
    assert client.get("/summarizer/healthz").get_json() == {"status": "ok"}
    assert client.get("/summarizer/docs").status_code == 200
    body = {
        "articles": [{"id": "a", "text": "The port reopened on Monday after a long strike ended."}]
    }
    assert client.post("/summarizer/v1/summaries", json=body).status_code == 200
    assert client.get("/healthz").status_code == 200  # direct probes still answer
