"""Smoke test of a running summariser container, from the host. Stdlib only.

    python3 deploy/image/smoke.py --base-url http://127.0.0.1:18080 --request examples/request.json

Waits for /readyz, checks /healthz and /openapi.yaml, then POSTs the request to /v1/summaries
and checks that the answer is 200 with a non-empty ``sentences`` list whose first citation of
each sentence points at exactly that sentence's text:
``text == articles[article_id].text[start:end]``.
Exits non-zero with a message on the first failure.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import urllib.error
import urllib.request
from typing import Any


class SmokeFailure(Exception):
    """The service answered, but not as it should."""


def fetch(url: str, body: bytes | None = None, timeout: float = 120.0) -> tuple[int, Any]:
    """One request; returns (status, parsed JSON or raw text)."""
    headers = {"Content-Type": "application/json"} if body is not None else {}
    req = urllib.request.Request(url, data=body, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            status, raw = resp.status, resp.read()
    except urllib.error.HTTPError as exc:
        status, raw = exc.code, exc.read()
    try:
        return status, json.loads(raw)
    except ValueError:
        return status, raw.decode("utf-8", "replace")


def wait_ready(base_url: str, timeout: float, alive: Any = None) -> float:
    """Poll /readyz until 200; returns the seconds it took."""
    started = time.monotonic()
    last: object = "no answer"
    while time.monotonic() - started < timeout:
        if alive is not None and not alive():
            raise SmokeFailure(f"server exited before it was ready (last /readyz: {last})")
        try:
            status, body = fetch(f"{base_url}/readyz", timeout=5)
            if status == 200:
                return time.monotonic() - started
            last = f"{status} {body}"
        except (urllib.error.URLError, ConnectionError, TimeoutError) as exc:
            last = exc
        time.sleep(1)
    raise SmokeFailure(f"/readyz not 200 after {timeout:.0f}s (last: {last})")


def check_summary(request: dict[str, Any], status: int, body: Any) -> int:
    """Check the /v1/summaries answer; returns the number of sentences."""
    if status != 200:
        raise SmokeFailure(f"POST /v1/summaries: {status} {body}")
    sentences = body.get("sentences") if isinstance(body, dict) else None
    if not isinstance(sentences, list) or not sentences:
        raise SmokeFailure(f"no sentences in {body!r:.500}")
    texts = {article["id"]: article["text"] for article in request["articles"]}
    for number, sentence in enumerate(sentences):
        citations = sentence.get("citations") or []
        if not citations:
            raise SmokeFailure(f"sentence {number} has no citations: {sentence!r:.300}")
        for citation in citations:
            article = texts.get(citation["article_id"])
            start, end = citation["start"], citation["end"]
            if article is None or not 0 <= start < end <= len(article):
                raise SmokeFailure(f"sentence {number}: bad citation {citation}")
        first = citations[0]
        cited = texts[first["article_id"]][first["start"] : first["end"]]
        if cited != sentence["text"]:
            raise SmokeFailure(
                f"sentence {number}: text {sentence['text']!r} != cited span {cited!r}"
            )
    return len(sentences)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", default="http://127.0.0.1:8080")
    parser.add_argument("--request", default="examples/request.json")
    parser.add_argument("--ready-timeout", type=float, default=240.0)
    parser.add_argument("--pid", type=int, help="fail fast if this process exits")
    args = parser.parse_args(argv)

    alive = None
    if args.pid:
        import os

        def alive() -> bool:
            try:
                os.kill(args.pid, 0)
            except ProcessLookupError:
                return False
            return True

    with open(args.request, "rb") as handle:
        raw = handle.read()
    request = json.loads(raw)
    try:
        ready_s = wait_ready(args.base_url, args.ready_timeout, alive)
        print(f"smoke: /readyz 200 after {ready_s:.1f}s")
        status, body = fetch(f"{args.base_url}/healthz")
        if status != 200 or not isinstance(body, dict):
            raise SmokeFailure(f"GET /healthz: {status} {body!r:.300}")
        started = time.monotonic()
        status, body = fetch(f"{args.base_url}/v1/summaries", body=raw)
        took = time.monotonic() - started
        count = check_summary(request, status, body)
        spec_status, spec = fetch(f"{args.base_url}/openapi.yaml")
        if spec_status != 200 or "openapi:" not in str(spec):
            raise SmokeFailure(f"GET /openapi.yaml: {spec_status} {spec!r:.200}")
    except SmokeFailure as exc:
        print(f"smoke: FAIL {exc}", file=sys.stderr)
        return 1
    print(
        f"smoke: ok, {count} sentence(s) from {len(request['articles'])} article(s) "
        f"in {took:.2f}s; first: {body['sentences'][0]['text']!r:.120}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
