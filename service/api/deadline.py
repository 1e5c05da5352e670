"""A per-request time budget, and a bound on how long the request body may take to arrive.

gunicorn runs this app in gthread workers (config/gunicorn.conf.py): each request runs on
a pool thread, so the budget cannot be a ``SIGALRM`` (signals reach the main thread only).
A timer thread raises ``DeadlineExceeded`` asynchronously in the request's thread instead
(CPython's ``PyThreadState_SetAsyncExc``). Like a signal handler, it takes effect
between bytecodes, so a numpy or ONNX Runtime call in progress finishes first (and a
wait on the encoder's own threads ends with their batch): the overshoot is one batch.
On the main thread (the flask test client, a sync worker) the timer signal is used as
before.
"""

from __future__ import annotations

import ctypes
import signal
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Protocol

from werkzeug.exceptions import RequestTimeout


class DeadlineExceeded(Exception):
    """The request used up its time budget."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"The request took longer than its {seconds:g} s budget.")
        self.seconds = seconds


@contextmanager
def deadline(seconds: float | None) -> Iterator[None]:
    """Raise ``DeadlineExceeded`` in the block once ``seconds`` have passed (None or 0: never)."""
    if not seconds:
        yield
    elif threading.current_thread() is threading.main_thread():
        with _signal_deadline(seconds):
            yield
    else:
        with _thread_deadline(seconds):
            yield


@contextmanager
def _signal_deadline(seconds: float) -> Iterator[None]:
    def expire(signum: int, frame: FrameType | None) -> None:  # noqa: ARG001
        raise DeadlineExceeded(seconds)

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _raise_in(thread_id: int, exception: type[BaseException] | None) -> None:
    """Set (or, with None, clear) the exception pending in thread ``thread_id``."""
    target = ctypes.py_object(exception) if exception is not None else None
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id), target)


@contextmanager
def _thread_deadline(seconds: float) -> Iterator[None]:
    # The pending exception is instantiated without arguments: a subclass carries the budget.
    expired = type(
        "DeadlineExceeded",
        (DeadlineExceeded,),
        {"__init__": lambda self: DeadlineExceeded.__init__(self, seconds)},
    )
    thread_id = threading.get_ident()
    lock = threading.Lock()
    state = {"active": True, "fired": False}

    def expire() -> None:
        with lock:
            if state["active"]:
                state["fired"] = True
                _raise_in(thread_id, expired)

    timer = threading.Timer(seconds, expire)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()
        with lock:
            state["active"] = False
            if state["fired"]:
                # Fired as the block ended: do not let it surface after the block.
                _raise_in(thread_id, None)


class _Stream(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


def read_within(stream: _Stream, sock: socket.socket | None, seconds: float | None) -> bytes:
    """Read ``stream`` to its end, within ``seconds`` in all, else ``RequestTimeout`` (408).

    ``sock`` is the client connection under the stream (gunicorn's ``gunicorn.socket``).
    A per-read socket timeout would not bound a client that trickles a byte now and
    then, so a timer shuts the socket's reading side at the deadline instead: a blocked
    read returns at once, and gunicorn closes the connection after the 408 rather than
    wait for the rest of the body.
    """
    if not seconds or sock is None:
        return stream.read()
    cut = threading.Event()

    def shut() -> None:
        cut.set()
        try:
            sock.shutdown(socket.SHUT_RD)
        except OSError:
            pass  # already closed by the peer

    timer = threading.Timer(seconds, shut)
    timer.daemon = True
    chunks = []
    complete = False
    timer.start()
    try:
        while not cut.is_set():
            chunk = stream.read(64 * 1024)
            if not chunk:
                # An end of stream that the deadline's shutdown caused is no end of body.
                complete = not cut.is_set()
                break
            chunks.append(chunk)
    except Exception:
        # werkzeug reports a body cut short as a client disconnect; at the deadline,
        # that is ours.
        if not cut.is_set():
            raise
    finally:
        timer.cancel()
    if complete:
        return b"".join(chunks)
    shut()
    raise RequestTimeout(f"The request body did not arrive within {seconds:g} s.")
