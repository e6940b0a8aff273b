"""Race tests' one way to run calls at the same instant: each in its own thread and database
connection, released together by a barrier."""

import threading
from collections.abc import Callable, Sequence
from typing import TypeVar

from django.db import connection

T = TypeVar("T")


def run_together(calls: Sequence[Callable[[], T]], timeout: float = 120) -> list[T | Exception]:
    """What each of `calls` returned or raised, in their order, having run them in threads of
    their own, each with its own database connection (closed after), all released at once.
    Asserts that every call finished within `timeout` seconds."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[T | Exception | None] = [None] * len(calls)
    finished = [False] * len(calls)

    def run(number: int) -> None:
        try:
            barrier.wait()
            outcomes[number] = calls[number]()
        except Exception as error:  # noqa: BLE001 — the test reads it
            outcomes[number] = error
        finally:
            connection.close()
            finished[number] = True

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    assert all(finished), "a racing call did not finish"
    return outcomes  # type: ignore[return-value]
