"""Fixtures of the API tests beyond the shared ones (tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openapi_core import OpenAPI

from tests.conftest import ContractClient


@pytest.fixture
def client_for(openapi: OpenAPI, spec: dict[str, Any]) -> Callable[[Flask], FlaskClient]:
    """A contract-checking test client of another app (other settings than ``app``'s)."""

    def make(app: Flask) -> FlaskClient:
        app.test_client_class = ContractClient
        ContractClient.openapi = openapi
        ContractClient.spec = spec
        return app.test_client()

    return make
