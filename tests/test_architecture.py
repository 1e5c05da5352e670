"""The dependency rules of STYLE.md, checked on the real import graph and source."""

from __future__ import annotations

import ast
import importlib.util
import pkgutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SERVICE = ROOT / "service"
ALGORITHM = sorted((SERVICE / "summarize").glob("*.py"))


def test_import_contracts_hold() -> None:
    # The contracts are [tool.importlinter] in pyproject.toml (STYLE.md, "Dependency direction").
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(lint_imports), "--no-cache"],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _contract_modules() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    keys = ("source_modules", "forbidden_modules", "modules", "protected_modules")
    names = [*config["root_packages"]]
    for contract in config["contracts"]:
        for key in (*keys, "allowed_importers"):
            names.extend(contract.get(key, []))
    return names


@pytest.mark.parametrize("name", _contract_modules())
def test_contracts_name_real_modules(name: str) -> None:
    # lint-imports rejects an unknown internal module, but a misspelt external one or a
    # wildcard that matches nothing would make a contract that can never break.
    package = name.removesuffix(".*")
    spec = importlib.util.find_spec(package)
    assert spec is not None, f"{package} is not a module"
    if package != name:
        assert spec.submodule_search_locations, f"{package} is not a package"
        assert any(pkgutil.iter_modules(spec.submodule_search_locations)), f"{name} is empty"


_ENVIRONMENT = {"environ", "environb", "getenv", "getenvb", "putenv", "unsetenv"}


def environment_uses(source: str) -> list[str]:
    """Where ``source`` reads or writes the process environment through ``os``."""
    tree = ast.parse(source)
    os_names = {"os"} | {
        alias.asname
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
        if alias.name == "os" and alias.asname
    }
    uses: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "os":
            uses += [(node.lineno, a.name) for a in node.names if a.name in _ENVIRONMENT]
        elif (
            isinstance(node, ast.Attribute)
            and node.attr in _ENVIRONMENT
            and isinstance(node.value, ast.Name)
            and node.value.id in os_names
        ):
            uses.append((node.lineno, node.attr))
    return [f"l.{line} os.{name}" for line, name in sorted(uses)]


def test_environment_uses_are_found() -> None:
    source = (
        "import os\nimport os as system\nfrom os import getenv\n"
        "os.environ.setdefault('A', '1')\nsystem.putenv('B', '2')\nx = os.getpid()\n"
    )
    assert environment_uses(source) == ["l.3 os.getenv", "l.4 os.environ", "l.5 os.putenv"]


@pytest.mark.parametrize("path", ALGORITHM, ids=lambda p: p.name)
def test_algorithm_never_touches_the_environment(path: Path) -> None:
    # Configuration arrives as arguments; the process edges set the libraries' variables.
    assert environment_uses(path.read_text()) == []
