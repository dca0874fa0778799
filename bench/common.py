"""What a benchmark returns, and how it is timed."""

from __future__ import annotations

import itertools
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
BARE_PAGE = "import streamlit as st\nst.slider('x', 0, 100, 10, key='x')\n"


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


def rerun_after_moving(at: AppTest, key: str, values: Sequence[object]) -> Callable[[], None]:
    cycle = itertools.cycle(values)

    def move_and_rerun() -> None:
        at.slider(key=key).set_value(next(cycle))
        at.run()
        assert not at.exception, [e.value for e in at.exception]

    return move_and_rerun


def page_rerun(
    page: str, key: str, values: Sequence[object], what: str, repeats: int, *, warm_all: bool = False
) -> Result:
    """Median AppTest rerun time of ``page`` after moving slider ``key`` through ``values``,
    against a bare page with one slider (Streamlit's own floor), measured alternately.

    Values cycle; with ``warm_all`` each is visited once before timing (cached reruns only).
    """
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.switch_page(page)
    ours = rerun_after_moving(at.run(), key, values)
    bare = rerun_after_moving(AppTest.from_string(BARE_PAGE, default_timeout=120).run(), "x", [11, 12, 13, 14])
    if warm_all:  # visit every value once, so that the timed reruns all hit the caches
        for _ in values:
            ours()
    ours_s, anchor_s = compare(ours, bare, repeats)
    return Result(what, ours_s, "bare page with one slider", anchor_s)
