"""Controlled contention for benchmarks: a CPU-bound process pinned busy on one core.

Production machines are never idle (the worker syncs, Odoo runs beside us), so latency goals are
also measured with one of the cores taken. The busy process is started and ended here, around the
measured block; the load average at the start and end goes with each figure (other work on the
machine counts too).
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterator
from contextlib import contextmanager

BUSY_CORE = 0


def _spin(core: int) -> None:
    os.sched_setaffinity(0, {core})
    while True:
        pass


@contextmanager
def pinned_busy_core(core: int = BUSY_CORE) -> Iterator[None]:
    """Keep `core` busy with a spinning process for the duration of the block."""
    spinner = multiprocessing.get_context("fork").Process(target=_spin, args=(core,), daemon=True)
    spinner.start()
    try:
        yield
    finally:
        spinner.terminate()
        spinner.join(timeout=5)


def load_average() -> str:
    one, five, _ = os.getloadavg()
    return f"{one:.2f}/{five:.2f}"
