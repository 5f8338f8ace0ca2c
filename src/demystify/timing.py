"""Measuring how long code takes, and printing it the way the course's notebooks do.

    from demystify.timing import best_time, duration
    print(duration(best_time(layer_forward, X, W, b)))     # '12.3 ms'

Times are printed as '850 µs', '12.3 ms' or '1.05 s' (three significant figures), and speed
ratios as '1.23×': tests/sanitize.cfg masks exactly these, so that a notebook's committed
output compares equal on every run and every machine.
"""
from __future__ import annotations

import timeit
from typing import Callable


def best_time(function: Callable, *args, repeat: int = 5) -> float:
    """The fastest of ``repeat`` runs of ``function(*args)``, in seconds: the least disturbed run."""
    return min(timeit.repeat(lambda: function(*args), number=1, repeat=repeat))


def duration(seconds: float) -> str:
    """A measured time as '850 µs', '12.3 ms' or '1.05 s' (three significant figures)."""
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6)):
        if seconds >= scale or unit == "µs":
            value = seconds / scale
            break
    digits = 2 if value < 9.995 else 1 if value < 99.95 else 0
    return f"{value:.{digits}f} {unit}"


def ratio(slow: float, fast: float) -> str:
    """How many times ``slow`` is ``fast``: '1.23×', '12.3×', '558×' (three significant figures)."""
    times = slow / fast
    digits = 2 if times < 9.995 else 1 if times < 99.95 else 0
    return f"{times:.{digits}f}×"
