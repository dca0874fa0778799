"""Hypothesis page: BCa bootstrap against scipy.stats.bootstrap, the randomisation test against
scipy.stats.permutation_test, power analysis against statsmodels, and the page's rerun time after slider moves."""

from __future__ import annotations

import numpy as np
from scipy import stats

from bench.common import Result, compare, page_rerun
from lib.hypothesis import bootstrap_ci, mean_difference, permutation_test, sample_size_for_power

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


def permutation_test_vs_scipy(repeats: int) -> Result:
    rng = np.random.default_rng(0)
    x, y, resamples = rng.normal(0.3, 1.0, 200), rng.normal(0.0, 1.5, 250), 20_000
    ours_s, anchor_s = compare(
        lambda: permutation_test(x, y, mean_difference, resamples, seed=1),
        lambda: stats.permutation_test((x, y), mean_difference, vectorized=True, n_resamples=resamples, rng=1),
        repeats,
    )
    return Result(
        f"permutation_test, x̄ − ȳ, 200 + 250 values, {resamples:,} deals",
        ours_s,
        "scipy.stats.permutation_test",
        anchor_s,
    )


def sample_size_vs_statsmodels(repeats: int) -> Result:
    from statsmodels.stats.power import TTestIndPower

    ours_s, anchor_s = compare(
        lambda: [sample_size_for_power(d, 0.05, 0.8) for d in (0.1, 0.3, 0.5, 0.8)],
        lambda: [TTestIndPower().solve_power(d, None, 0.05, 0.8) for d in (0.1, 0.3, 0.5, 0.8)],
        repeats,
    )
    return Result("sample_size_for_power, 4 effect sizes", ours_s, "statsmodels TTestIndPower.solve_power", anchor_s)


def rerun_after_gpower_slider(repeats: int) -> Result:
    # Every value visited once first: the cached rerun after a G*Power slider (the whole page under AppTest).
    what = "Hypothesis page rerun after moving G*Power's 'n' (cached)"
    return page_rerun(HYPOTHESIS, "ht_gp_n", [61, 62, 63, 64], what, repeats, warm_all=True)


def rerun_after_n_slider(repeats: int) -> Result:
    # Cycles through four values: after the first pass every lib call and chart spec is cached.
    return page_rerun(HYPOTHESIS, "ht_n", [101, 102, 103, 104], "Hypothesis page rerun after moving 'n'", repeats)


def rerun_after_new_n(repeats: int) -> Result:
    # A new n every time misses the caches of section 1 (the test picture, the exact pmfs, both charts).
    values = [150 + i for i in range(repeats + 2)]
    return page_rerun(HYPOTHESIS, "ht_n", values, "Hypothesis page rerun after a new 'n' (uncached)", repeats)


BENCHMARKS = [
    bca_bootstrap_vs_scipy,
    permutation_test_vs_scipy,
    sample_size_vs_statsmodels,
    rerun_after_n_slider,
    rerun_after_new_n,
    rerun_after_gpower_slider,
]
