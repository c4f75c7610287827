"""Small helpers the benchmarks share."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Iterable
from typing import TypeVar

T = TypeVar("T")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def timed_ms(function: Callable[[T], object], items: Iterable[T]) -> list[float]:
    """Milliseconds each call took."""
    times = []
    for item in items:
        began = time.perf_counter()
        function(item)
        times.append((time.perf_counter() - began) * 1000)
    return times


def summary(label: str, times_ms: list[float]) -> str:
    return (
        f"{label}: p50 {percentile(times_ms, 50):.1f} ms, p95 {percentile(times_ms, 95):.1f} ms, "
        f"mean {statistics.fmean(times_ms):.1f} ms over {len(times_ms)} calls"
    )
