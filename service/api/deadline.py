"""A per-request time budget, enforced with a timer signal in sync workers."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType


class DeadlineExceeded(Exception):
    """The request used up its time budget."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"The request took longer than its {seconds:g} s budget.")
        self.seconds = seconds


@contextmanager
def deadline(seconds: float | None) -> Iterator[None]:
    """Raise ``DeadlineExceeded`` in the block once ``seconds`` have passed.

    A sync gunicorn worker runs each request on its main thread, where
    ``SIGALRM`` can interrupt the work between Python bytecodes (a torch or
    numpy call in progress finishes first, so the overshoot is one batch).
    Elsewhere (threads) there is no timer and gunicorn's own timeout is the
    backstop.
    """
    if not seconds or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum: int, frame: FrameType | None) -> None:  # noqa: ARG001
        raise DeadlineExceeded(seconds)

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
