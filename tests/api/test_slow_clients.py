"""Slow clients cannot stop the service (issue 17).

A body that stalls or trickles is cut at its time budget with 408; the summary's time
budget holds on gunicorn's pool threads as on the main thread; a request that cannot get
its worker's compute slot within the queue limit is shed with 503. The last test starts
the real config/gunicorn.conf.py on loopback with stalled clients and probes it.
"""

from __future__ import annotations

import dataclasses
import json
import re
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.exceptions import RequestTimeout

from service.api.deadline import DeadlineExceeded, deadline, read_within
from tests.builders import story_payload
from tests.servers import lexical_two_workers

OVERLOADED = "tag:summarizer.service,2026:problems/overloaded"
TIME_BUDGET_EXCEEDED = "tag:summarizer.service,2026:problems/time-budget-exceeded"


class Received:
    """What a WSGI server hands the app: reads that block on the socket."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock

    def read(self, size: int = -1, /) -> bytes:
        return self.sock.recv(size if size > 0 else 65536)


@pytest.fixture
def connection() -> Iterator[tuple[socket.socket, socket.socket]]:
    server, client = socket.socketpair()
    yield server, client
    server.close()
    client.close()


def test_a_whole_body_is_read(connection: tuple[socket.socket, socket.socket]) -> None:
    server, client = connection
    client.sendall(b'{"articles": []}')
    client.shutdown(socket.SHUT_WR)
    assert read_within(Received(server), server, 2.0) == b'{"articles": []}'


def test_a_stalled_body_is_cut_at_its_budget(
    connection: tuple[socket.socket, socket.socket],
) -> None:
    server, client = connection
    client.sendall(b'{"articles": [{"id": "a", "text": "Half a')
    started = time.monotonic()
    with pytest.raises(RequestTimeout):
        read_within(Received(server), server, 0.5)
    assert 0.45 < time.monotonic() - started < 1.5


def test_a_trickle_is_cut_at_its_budget_too(
    connection: tuple[socket.socket, socket.socket],
) -> None:
    """A byte every 0.1 s never trips a per-read timeout; the whole-body budget holds."""
    server, client = connection
    stop = threading.Event()

    def trickle() -> None:
        while not stop.wait(0.1):
            try:
                client.send(b"x")
            except OSError:
                return

    sender = threading.Thread(target=trickle, daemon=True)
    sender.start()
    started = time.monotonic()
    try:
        with pytest.raises(RequestTimeout):
            read_within(Received(server), server, 0.6)
    finally:
        stop.set()
        sender.join(timeout=2)
    assert time.monotonic() - started < 1.5


def run_in_thread(block: Any) -> BaseException | None:
    """Run ``block`` on a thread of its own (as gunicorn's gthread pool does); its error."""
    caught: list[BaseException] = []

    def target() -> None:
        try:
            block()
        except BaseException as exc:  # noqa: BLE001 - handed back to the test
            caught.append(exc)

    thread = threading.Thread(target=target)
    thread.start()
    thread.join(timeout=10)
    assert not thread.is_alive()
    return caught[0] if caught else None


def test_the_time_budget_holds_on_a_pool_thread() -> None:
    started: list[float] = []

    def slow() -> None:
        started.append(time.monotonic())
        with deadline(0.3):
            for _ in range(100):  # 10 s, were the budget ignored
                time.sleep(0.1)

    error = run_in_thread(slow)
    assert isinstance(error, DeadlineExceeded)
    assert error.seconds == 0.3
    assert str(error) == "The request took longer than its 0.3 s budget."
    assert time.monotonic() - started[0] < 1.5


def test_a_budget_left_in_time_never_fires_later() -> None:
    def quick() -> None:
        with deadline(0.2):
            time.sleep(0.01)
        time.sleep(0.5)  # past the budget, outside the block

    assert run_in_thread(quick) is None


def test_no_slot_within_the_queue_limit_is_503(app: Flask, client: FlaskClient) -> None:
    state = app.extensions["summarizer"]
    app.extensions["summarizer"] = dataclasses.replace(state, max_queue_seconds=0.3)
    assert state.compute_slot.acquire(timeout=1)  # another request is computing
    try:
        started = time.monotonic()
        response = client.post("/v1/summaries", json=story_payload(similarity="lexical"))
        waited = time.monotonic() - started
        probe = client.get("/healthz")
    finally:
        state.compute_slot.release()
    assert response.status_code == 503
    assert response.get_json()["type"] == OVERLOADED
    assert response.headers["Retry-After"] == "5"  # README and openapi.yaml: 5 s
    assert 0.25 < waited < 2.0
    assert probe.status_code == 200  # probes need no slot
    again = client.post("/v1/summaries", json=story_payload(similarity="lexical"))
    assert again.status_code == 200


def _letters(number: int) -> str:
    """``number`` in letters (0 -> "a", 27 -> "bb"): a suffix that keeps words words."""
    return "".join("abcdefghij"[int(digit)] for digit in str(number)) * 2


def stall(port: int) -> socket.socket:
    """Headers and a tenth of the declared body, then nothing."""
    client = socket.create_connection(("127.0.0.1", port), timeout=10)
    client.sendall(
        b"POST /v1/summaries HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        b'Content-Length: 10000\r\n\r\n{"articles": [{"id": "a", "text": "' + b"x" * 1000
    )
    return client


def timed(url: str, body: bytes | None = None) -> tuple[int, float]:
    started = time.monotonic()
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=5) as response:
        response.read()
        return response.status, time.monotonic() - started


def answer(client: socket.socket) -> bytes:
    """All the server sent before it closed the connection (b"": dropped unanswered)."""
    received = b""
    while chunk := client.recv(4096):
        received += chunk
    return received


@pytest.mark.slow
def test_real_server_answers_probes_past_eight_stalled_clients(tmp_path: Path) -> None:
    """config/gunicorn.conf.py, 2 workers, lexical, on 127.0.0.1: 8 clients stall mid-body;
    /healthz and a summary answer within a second; the 8 get 408 and are closed. Then a
    request over its time budget gets 503, and the next is served."""
    body = json.dumps(story_payload(similarity="lexical")).encode()
    story = story_payload(similarity="lexical")
    # 1,200 articles that share no word (so no cache hit, no copy): seconds of work.
    many = [
        {
            "id": f"{a['id']}-{i}",
            "text": re.sub(r"[a-z]+", r"\g<0>" + _letters(i), a["text"]),
        }
        for i in range(300)
        for a in story["articles"]
    ]
    large = json.dumps({**story, "articles": many}).encode()
    with lexical_two_workers(
        tmp_path, SUMMARIZER_BODY_TIMEOUT_SECONDS="3", SUMMARIZER_REQUEST_TIMEOUT_SECONDS="0.5"
    ) as base:
        port = int(base.rsplit(":", 1)[1])
        assert timed(f"{base}/v1/summaries", body)[0] == 200  # warm
        opened = time.monotonic()
        stalled = [stall(port) for _ in range(8)]
        with ThreadPoolExecutor(max_workers=8) as pool:
            endings = [pool.submit(answer, client) for client in stalled]
            time.sleep(0.5)
            probes = [timed(f"{base}/healthz") for _ in range(3)]
            summaries = [timed(f"{base}/v1/summaries", body) for _ in range(3)]
            answers = [ending.result(timeout=10) for ending in endings]
        closed = time.monotonic() - opened
        for client in stalled:
            client.close()
        # The time budget holds on gunicorn's pool threads (no SIGALRM there).
        started = time.monotonic()
        try:
            timed(f"{base}/v1/summaries", large)
            over_budget: Any = None
        except urllib.error.HTTPError as error:
            over_budget = (error.code, error.headers["Retry-After"], json.load(error)["type"])
        budget_seconds = time.monotonic() - started
        after = timed(f"{base}/v1/summaries", body)
    assert [status for status, _ in probes + summaries] == [200] * 6
    assert max(seconds for _, seconds in probes + summaries) < 1.0
    assert [a.split(b"\r\n", 1)[0] for a in answers] == [b"HTTP/1.1 408 REQUEST TIMEOUT"] * 8
    assert all(b"Content-Type: application/problem+json" in a for a in answers)
    assert closed < 3 + 2
    assert over_budget == (503, "30", TIME_BUDGET_EXCEEDED), budget_seconds
    assert budget_seconds < 0.5 + 2
    assert after[0] == 200
