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


def _timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def compare(ours: Callable[[], object], anchor: Callable[[], object], repeats: int) -> tuple[float, float]:
    """Median wall times of ``ours()`` and ``anchor()``, measured alternately after one warm-up each.

    Alternating spreads the machine's noise (other tenants, CPU steal) over both sides, so
    the ratio stays meaningful even when the absolute times drift.
    """
    ours(), anchor()
    ours_times, anchor_times = [], []
    for _ in range(repeats):
        ours_times.append(_timed(ours))
        anchor_times.append(_timed(anchor))
    return statistics.median(ours_times), statistics.median(anchor_times)
