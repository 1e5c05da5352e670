"""``python -m service.evaluation.gate RESULTS.json --min-r1 X --min-r2 Y``: CI's quality gate."""

from __future__ import annotations

import argparse
import json
import sys


def main(argv: list[str] | None = None) -> int:
    """Exit 1 when our system's scores in an ``evaluate --json`` file fall below a floor."""
    parser = argparse.ArgumentParser(prog="python -m service.evaluation.gate")
    parser.add_argument("results", help="the JSON written by python -m service.evaluate --json")
    parser.add_argument("--min-r1", type=float, default=0.0)
    parser.add_argument("--min-r2", type=float, default=0.0)
    args = parser.parse_args(argv)
    with open(args.results, encoding="utf-8") as handle:
        systems = json.load(handle)["systems"]
    ours = [system for system in systems if system["kind"] == "ours"]
    if not ours:
        print("gate: no result of ours in the file", file=sys.stderr)
        return 1
    failed = False
    for system in ours:
        r1, r2 = system["scores"]["rouge1"], system["scores"]["rouge2"]
        low = r1 < args.min_r1 or r2 < args.min_r2
        failed |= low
        verdict = "BELOW THE FLOOR" if low else "ok"
        print(
            f"gate: {system['name']}: R-1 {r1:.2f} (floor {args.min_r1}), "
            f"R-2 {r2:.2f} (floor {args.min_r2}): {verdict}"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
