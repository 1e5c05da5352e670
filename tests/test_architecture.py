"""The dependency rules of STYLE.md, checked on the real import graph."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

SERVICE = Path(__file__).resolve().parents[1] / "service"


def test_algorithm_package_imports_nothing_of_http() -> None:
    code = (
        "import sys, service.summarize\n"
        "bad = [m for m in ('flask', 'werkzeug', 'marshmallow', 'service.api', 'service.config')"
        " if m in sys.modules]\n"
        "print(','.join(bad))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=SERVICE.parent
    )
    assert result.stdout.strip() == ""


@pytest.mark.parametrize("path", sorted((SERVICE / "api").glob("*.py")), ids=lambda p: p.name)
def test_api_uses_only_the_public_algorithm_names(path: Path) -> None:
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            assert not node.module.startswith("service.summarize."), node.module
            assert node.module != "service.config", "only service.app reads the settings"


def test_algorithm_never_reads_the_environment() -> None:
    for path in (SERVICE / "summarize").glob("*.py"):
        source = path.read_text()
        assert "os.environ.get(" not in source and "getenv(" not in source, path.name
