"""requirements.lock pins pyproject.toml's runtime dependencies; audit-ignore.txt is well formed."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]
PIN = re.compile(r"(?P<name>[a-z0-9]+(?:-[a-z0-9]+)*)==(?P<version>\S+)")
# The IDs pip-audit reports and --ignore-vuln takes: PyPA, GitHub, CVE, OSV and OSV's
# malicious-package advisories.
VULN_ID = re.compile(
    r"PYSEC-\d{4}-\d+|GHSA(?:-[23456789cfghjmpqrvwx]{4}){3}|CVE-\d{4}-\d{4,}"
    r"|(?:OSV|MAL)-\d{4}-\d+"
)


def significant_lines(path: Path) -> list[str]:
    """The lines that are neither blank nor comments."""
    lines = (line.strip() for line in path.read_text().splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def runtime_requirements() -> list[Requirement]:
    """The dependencies and the export extra (torch, onnx): both are locked."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    texts = project["dependencies"] + project["optional-dependencies"]["export"]
    return [Requirement(text) for text in texts]


def test_the_runtime_dependencies_leave_torch_to_the_export_extra() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    base = {canonicalize_name(Requirement(text).name) for text in project["dependencies"]}
    export = {
        canonicalize_name(Requirement(text).name)
        for text in project["optional-dependencies"]["export"]
    }
    assert "torch" not in base and "onnx" not in base
    assert {"torch", "onnx"} <= export


@pytest.fixture(scope="module")
def locked() -> dict[str, Version]:
    pins: dict[str, Version] = {}
    for line in significant_lines(ROOT / "requirements.lock"):
        match = PIN.fullmatch(line)
        assert match, f"not a canonical name==version pin: {line!r}"
        assert match["name"] not in pins, f"pinned twice: {match['name']}"
        pins[match["name"]] = Version(match["version"])
    return pins


def test_lock_says_how_it_is_made() -> None:
    assert "make lock" in (ROOT / "requirements.lock").read_text().split("\n\n")[0]


def test_lock_is_sorted(locked: dict[str, Version]) -> None:
    assert list(locked) == sorted(locked)


@pytest.mark.parametrize("requirement", runtime_requirements(), ids=str)
def test_every_runtime_dependency_is_locked_within_its_range(
    requirement: Requirement, locked: dict[str, Version]
) -> None:
    if requirement.marker is not None and not requirement.marker.evaluate():
        pytest.skip(f"not for this platform: {requirement.marker}")
    name = canonicalize_name(requirement.name)
    assert name in locked, f"{name} is in pyproject.toml but not in requirements.lock: make lock"
    assert requirement.specifier.contains(locked[name], prereleases=True), (
        f"{name}=={locked[name]} does not satisfy {requirement.specifier}: make lock"
    )


def test_torch_is_the_cpu_build_of_2_13_0(locked: dict[str, Version]) -> None:
    assert locked["torch"].public == "2.13.0"
    assert not [name for name in locked if name.startswith("nvidia-")], "CUDA packages locked"


def test_lock_holds_neither_the_project_nor_the_installers(locked: dict[str, Version]) -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["name"]
    assert not {canonicalize_name(project), "pip", "wheel"} & set(locked)


def test_every_ignored_vulnerability_has_an_id_and_a_reason() -> None:
    seen: set[str] = set()
    for line in significant_lines(ROOT / "audit-ignore.txt"):
        vuln_id, *reason = line.split(maxsplit=1)
        assert VULN_ID.fullmatch(vuln_id), f"not a vulnerability ID: {vuln_id!r}"
        assert reason and len(reason[0]) >= 10, f"{vuln_id}: say why it does not affect the service"
        assert vuln_id not in seen, f"{vuln_id} listed twice"
        seen.add(vuln_id)
