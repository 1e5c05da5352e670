"""Write requirements.lock: the runtime dependencies of pyproject.toml, resolved and pinned.

pip resolves [project.dependencies] and the "export" extra (torch==2.13.0, onnx) as for a
fresh install, ignoring whatever the venv holds (--dry-run --ignore-installed, so nothing is
installed), and reports what it would install; every package of that report is pinned. The
other extras and the project itself are left out. torch is resolved in the same step as
everything that depends on it, and pip's configured wheel folder supplies the CPU build.
Run by `make lock`.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path
from typing import Any

HEADER = """\
# The runtime dependencies of pyproject.toml ([project.dependencies]), its export extra
# (torch, onnx: make install and the image's export stage) and everything they pull in, as
# pip resolves them for CPython {python} on {platform}, pinned. Not the other extras, not
# the project. Generated: edit pyproject.toml, then `make lock`.
# make install / install-dev install with this file as constraints (pip install -c);
# make audit looks it up for known vulnerabilities (exceptions: audit-ignore.txt).
"""


def canonical(name: str) -> str:
    """PEP 503 name: lower case, runs of -_. as one dash."""
    return re.sub(r"[-_.]+", "-", name).lower()


def resolve(requirements: list[str]) -> dict[str, Any]:
    """pip's installation report for requirements, as on an empty environment."""
    with tempfile.TemporaryDirectory() as tmp:
        listed = Path(tmp, "requirements.in")
        listed.write_text("\n".join(requirements) + "\n")
        report = Path(tmp, "report.json")
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "--quiet", "--dry-run", "--ignore-installed",
             "--report", str(report), "-r", str(listed)],
            check=True,
        )
        report_json: dict[str, Any] = json.loads(report.read_text())
        return report_json


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pyproject", type=Path, default=Path("pyproject.toml"))
    parser.add_argument("--output", type=Path, default=Path("requirements.lock"))
    args = parser.parse_args()

    project = tomllib.loads(args.pyproject.read_text())["project"]
    # The export extra (torch, onnx) too: make install and the image's export stage install
    # it with these constraints; the runtime image leaves torch out.
    requirements = project["dependencies"] + project["optional-dependencies"]["export"]
    report = resolve(requirements)
    pins = sorted(
        (canonical(item["metadata"]["name"]), item["metadata"]["version"])
        for item in report["install"]
    )
    cuda = [name for name, _ in pins if name.startswith("nvidia-")]
    if cuda:
        print(f"a CUDA build of torch got in ({', '.join(cuda)}); lock not written",
              file=sys.stderr)
        return 1
    env = report["environment"]
    header = HEADER.format(
        python=env["python_version"], platform=f"{env['sys_platform']} {env['platform_machine']}"
    )
    tmp = args.output.with_name(args.output.name + ".tmp")
    tmp.write_text(header + "".join(f"{name}=={version}\n" for name, version in pins))
    tmp.replace(args.output)
    print(f"{args.output}: {len(pins)} packages pinned")
    return 0


if __name__ == "__main__":
    sys.exit(main())
