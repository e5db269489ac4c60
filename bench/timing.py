"""Timing helpers: wall-clock time with ``time.perf_counter``, best of repeats.

The best (minimum) of several repeats is the figure least disturbed by other work
on the machine, which is what a ratio between two systems needs.
"""

from __future__ import annotations

import time
from typing import Callable, Iterable


def seconds(fn: Callable[[], object]) -> float:
    """Wall-clock seconds one call of ``fn`` takes."""
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def best_of(fn: Callable[[], object], repeats: int) -> float:
    """Fastest of ``repeats`` calls of ``fn``, in seconds."""
    return min(seconds(fn) for _ in range(max(1, repeats)))


def run_all(fn: Callable[[str], object], inputs: Iterable[str]) -> Callable[[], None]:
    """A no-argument callable that applies ``fn`` to every input once.

    An input on which ``fn`` raises still counts the time spent on it; the quality
    modes report such errors, timing goes on.
    """
    items = list(inputs)

    def go() -> None:
        for item in items:
            try:
                fn(item)
            except Exception:
                pass

    return go
