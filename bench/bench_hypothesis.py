"""Hypothesis page: BCa bootstrap against scipy.stats.bootstrap, and the page's rerun time after a slider move."""

from __future__ import annotations

import numpy as np
from scipy import stats

from bench.common import Result, compare, page_rerun
from lib.hypothesis import bootstrap_ci

HYPOTHESIS = "pages/hypothesis_testing.py"


def bca_bootstrap_vs_scipy(repeats: int) -> Result:
    n, resamples = 2_000, 20_000
    data = np.random.default_rng(0).lognormal(0.0, 1.0, n)
    ours_s, anchor_s = compare(
        lambda: bootstrap_ci(data, np.mean, 0.95, "bca", resamples, seed=1),
        lambda: stats.bootstrap((data,), np.mean, confidence_level=0.95, method="BCa", n_resamples=resamples, rng=1),
        repeats,
    )
    return Result(
        f"bootstrap_ci BCa, mean, n = {n:,}, {resamples:,} resamples", ours_s, "scipy.stats.bootstrap", anchor_s
    )


def rerun_after_n_slider(repeats: int) -> Result:
    # Cycles through four values: after the first pass every lib call and chart spec is cached.
    return page_rerun(HYPOTHESIS, "ht_n", [101, 102, 103, 104], "Hypothesis page rerun after moving 'n'", repeats)


def rerun_after_new_n(repeats: int) -> Result:
    # A new n every time misses the caches of section 1 (the test picture, the exact pmfs, both charts).
    values = [150 + i for i in range(repeats + 2)]
    return page_rerun(HYPOTHESIS, "ht_n", values, "Hypothesis page rerun after a new 'n' (uncached)", repeats)


BENCHMARKS = [bca_bootstrap_vs_scipy, rerun_after_n_slider, rerun_after_new_n]
