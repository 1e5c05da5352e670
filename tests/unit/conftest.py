"""Fixtures of the algorithm's unit tests."""

from __future__ import annotations

import pytest

from service.summarize import Article
from tests.builders import make_story


@pytest.fixture
def story() -> list[Article]:
    """The four outlets' articles (tests/builders.py)."""
    return make_story()
