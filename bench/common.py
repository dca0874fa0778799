"""What a benchmark returns, and how it is timed."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Result:
    """One row of the table: ours and the anchor, both in seconds (medians)."""

    what: str
    ours_s: float
    anchor: str
    anchor_s: float

    @property
    def ratio(self) -> float:
        """ours / anchor: below 1 means we are faster than the anchor."""
        return self.ours_s / self.anchor_s


def median_time(fn: Callable[[], object], repeats: int) -> float:
    """Median wall time of ``fn()`` over ``repeats`` calls (after one warm-up call)."""
    fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)
