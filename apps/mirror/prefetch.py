"""Read the next page from Odoo while the current one is written to the database.

A sync is two waits in a row: Odoo answering, and the database writing. Overlapping them makes a
run take about as long as the slower of the two instead of their sum. The reader thread touches
only the Odoo client, never the database.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from typing import TypeVar

T = TypeVar("T")
_DONE = object()


class _Failure:
    def __init__(self, error: BaseException):
        self.error = error


def prefetched(pages: Iterator[T], depth: int = 2) -> Iterator[T]:
    """Yield the items of `pages`, reading up to `depth` ahead in a thread. Errors re-raise here."""
    buffer: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(item) -> bool:
        while not stop.is_set():
            try:
                buffer.put(item, timeout=0.2)
                return True
            except queue.Full:
                continue
        return False

    def read_ahead() -> None:
        try:
            for page in pages:
                if not put(page):
                    return  # the consumer stopped early
            put(_DONE)
        except BaseException as error:  # handed to the consumer, which re-raises it
            put(_Failure(error))

    reader = threading.Thread(target=read_ahead, name="mirror-prefetch", daemon=True)
    reader.start()
    try:
        while True:
            item = buffer.get()
            if item is _DONE:
                return
            if isinstance(item, _Failure):
                raise item.error
            yield item
    finally:
        stop.set()
        reader.join(timeout=5)
