"""Shared fixtures: one sentence encoder per session, apps built per test (flaskr style).

Every response the API tests receive through ``client`` is checked against
``openapi.yaml``, so the contract is tested by every API test, not by a few.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from flask import Flask
from flask.testing import FlaskClient
from openapi_core import Config, OpenAPI
from openapi_core.contrib.werkzeug import WerkzeugOpenAPIRequest, WerkzeugOpenAPIResponse
from werkzeug.test import EnvironBuilder, TestResponse

from service.app import create_app
from service.config import Settings, set_library_defaults
from service.summarize import SentenceEncoder, load_encoder

ROOT = Path(__file__).resolve().parents[1]
SPEC_PATH = ROOT / "openapi.yaml"

# The test run is a process edge too: its encoders load, and some tests fork after that.
set_library_defaults(os.environ)


# A run skips nothing (issue 17): a test that cannot run here is a failure that says what
# to install (tests/browser, tests/deploy), never a silent skip. Counted per test, at any
# phase; an expected failure (xfail) would count too, and there is none.
_SKIPPED: list[str] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.skipped:
        _SKIPPED.append(report.nodeid)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if _SKIPPED and exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if _SKIPPED:
        terminalreporter.write_line(
            f"a run skips nothing, so {len(_SKIPPED)} skipped fail it: {_SKIPPED[:5]}", red=True
        )


@pytest.fixture(scope="session")
def encoder() -> SentenceEncoder:
    """The real MiniLM encoder, loaded once for the whole run."""
    return load_encoder()


@pytest.fixture(scope="session")
def spec() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(SPEC_PATH.read_text())
    return loaded


@pytest.fixture(scope="session")
def openapi() -> OpenAPI:
    config = Config(
        extra_media_type_deserializers={
            "application/problem+json": json.loads,
            "application/yaml": yaml.safe_load,
            "text/javascript": _text,
        }
    )
    return OpenAPI.from_file_path(str(SPEC_PATH), config=config)


@pytest.fixture
def settings() -> Settings:
    """Defaults; tests that need other limits override this fixture or build their own."""
    return Settings()


@pytest.fixture
def app(settings: Settings, encoder: SentenceEncoder) -> Flask:
    application = create_app(settings, encoder=encoder)
    application.config["TESTING"] = True
    return application


def _text(data: bytes | str) -> str:
    return data.decode() if isinstance(data, bytes) else data


class ContractClient(FlaskClient):
    """A test client that validates every response against openapi.yaml."""

    openapi: OpenAPI
    spec: dict[str, Any]

    def open(self, *args: Any, **kwargs: Any) -> TestResponse:  # type: ignore[override]
        response = super().open(*args, **kwargs)
        check_contract(self.openapi, self.spec, response)
        return response


def check_contract(openapi: OpenAPI, spec: dict[str, Any], response: TestResponse) -> None:
    """Raise if ``response`` breaks the contract (documented or, off-spec, problem+json)."""
    request = response.request
    operation = spec["paths"].get(request.path, {}).get(request.method.lower())
    if operation is not None:
        assert str(response.status_code) in operation["responses"], (
            f"{request.method} {request.path}: status {response.status_code} is not documented"
        )
        # The body was consumed by the app; the operation is found by method and path.
        bare = EnvironBuilder(path=request.path, method=request.method).get_request()
        openapi.validate_response(WerkzeugOpenAPIRequest(bare), WerkzeugOpenAPIResponse(response))
    if response.status_code >= 400:
        assert response.mimetype == "application/problem+json", response.mimetype
        problem_schema = dict(spec["components"]["schemas"]["Problem"])
        jsonschema.validate(response.get_json(), problem_schema)
        assert response.get_json()["status"] == response.status_code


@pytest.fixture
def client(app: Flask, openapi: OpenAPI, spec: dict[str, Any]) -> Iterator[FlaskClient]:
    app.test_client_class = ContractClient
    ContractClient.openapi = openapi
    ContractClient.spec = spec
    with app.test_client() as test_client:
        yield test_client
