"""Waiting in a test for something another process or thread does."""

import time
from collections.abc import Callable


def wait_until(
    condition: Callable[[], object], seconds: float = 60, why: Callable[[], str] = str
) -> None:
    """Return once `condition()` is true; fail after `seconds` (wall-clock seconds).

    The limit only bounds a failure, so that a broken run ends: keep it generous, since a loaded
    CI machine is slow, and never use it to claim that something is quick (the benchmarks
    measure speed). `why()` is evaluated on failure for the message (a log, say).
    """
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"still not true after {seconds} s: {why()}")
        time.sleep(0.02)
