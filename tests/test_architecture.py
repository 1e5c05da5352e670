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


MAX_LINES = 60
"""Longest function of service/summarize, def line to last line, docstring included."""
MAX_PARAMETERS = 8
"""Most parameters of such a function, self and cls not counted."""

_BEING_SPLIT: frozenset[tuple[str, str]] = frozenset()
"""(file, qualified name) of functions still over the limits while they are being split.

Empty: pipeline.py's summarize, _select_coverage and _rank and coverage.py's concept_matrix
and greedy_cover, listed here while they were over, are now within them or gone.
"""

Function = ast.FunctionDef | ast.AsyncFunctionDef


def _functions(tree: ast.AST, prefix: str = "") -> dict[str, Function]:
    """Every function of ``tree`` by qualified name (methods and nested functions too)."""
    found: dict[str, Function] = {}
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            found[prefix + node.name] = node
            found |= _functions(node, f"{prefix}{node.name}.")
        elif isinstance(node, ast.ClassDef):
            found |= _functions(node, f"{prefix}{node.name}.")
    return found


def _size(node: Function) -> tuple[int, int]:
    """Lines and parameters (without self and cls) of a function."""
    arguments = node.args
    names = [a.arg for a in (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs)]
    names += [a.arg for a in (arguments.vararg, arguments.kwarg) if a is not None]
    lines = (node.end_lineno or node.lineno) - node.lineno + 1
    return lines, len([name for name in names if name not in ("self", "cls")])


def size_problems(
    sizes: dict[tuple[str, str], tuple[int, int]], allowed: frozenset[tuple[str, str]]
) -> list[str]:
    """Functions over the limits and not ``allowed``, and entries of ``allowed`` gone stale."""
    problems = []
    for (file, name), (lines, parameters) in sorted(sizes.items()):
        over = lines > MAX_LINES or parameters > MAX_PARAMETERS
        if over and (file, name) not in allowed:
            problems.append(f"{file}:{name} has {lines} lines and {parameters} parameters")
        if not over and (file, name) in allowed:
            problems.append(f"{file}:{name} is within the limits: take it out of _BEING_SPLIT")
    for file, name in sorted(allowed - sizes.keys()):
        problems.append(f"{file}:{name} no longer exists: take it out of _BEING_SPLIT")
    return problems


def test_size_problems_are_found() -> None:
    sizes = {("a.py", "long"): (61, 2), ("a.py", "wide"): (10, 9), ("a.py", "fine"): (60, 8)}
    allowed = frozenset({("a.py", "long"), ("a.py", "fine"), ("b.py", "gone")})

    assert size_problems(sizes, allowed) == [
        "a.py:fine is within the limits: take it out of _BEING_SPLIT",
        "a.py:wide has 10 lines and 9 parameters",
        "b.py:gone no longer exists: take it out of _BEING_SPLIT",
    ]
    source = (
        "class A:\n    def f(self, a, /, b, *c, d, **e):\n        def g(cls):\n            pass\n"
    )
    functions = _functions(ast.parse(source))
    assert {name: _size(node) for name, node in functions.items()} == {
        "A.f": (3, 5),
        "A.f.g": (2, 0),
    }


def test_algorithm_functions_are_small() -> None:
    sizes = {
        (path.name, name): _size(node)
        for path in ALGORITHM
        for name, node in _functions(ast.parse(path.read_text())).items()
    }
    assert size_problems(sizes, _BEING_SPLIT) == []
