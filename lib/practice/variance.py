"""Bessel's correction: why the sample variance divides by n − 1.

For x₁ … xₙ iid with variance σ², Σ(xᵢ − x̄)² = Σ(xᵢ − μ)² − n(x̄ − μ)² has expectation
nσ² − σ² = (n − 1)σ²: measuring spread around x̄ (which sits in the middle of the sample) instead of
around μ loses exactly one σ². So E[ddof-0 variance] = σ²(n − 1)/n and E[ddof-1 variance] = σ².
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from lib.validation import positive, whole


def variance_bias(n: int, sigma: float, n_sims: int, seed: int | None = None) -> tuple[float, float]:
    """(mean of ddof-0 variances, mean of ddof-1 variances) over ``n_sims`` samples of n draws from N(0, σ²).

    Their expectations are σ²(n − 1)/n and σ².

    >>> biased, unbiased = variance_bias(5, 2.0, 100_000, seed=0)
    >>> round(biased, 1), round(unbiased, 1)
    (3.2, 4.0)
    """
    n = whole("n", n, low=2, high=100_000)
    sigma = positive("sigma", sigma)
    n_sims = whole("n_sims", n_sims, low=1, high=10_000_000)
    rng = np.random.default_rng(seed)
    sums = np.zeros(2)
    for rows in np.array_split(np.arange(n_sims), max(1, n_sims * n // 1_000_000)):  # ≤ ~8 MB per chunk
        samples = sigma * rng.standard_normal((rows.size, n))  # (rows, n)
        sums += np.var(samples, axis=1).sum(), np.var(samples, axis=1, ddof=1).sum()
    biased, unbiased = sums / n_sims
    return float(biased), float(unbiased)


def bessel_table(max_n: int, sigma: float, n_sims: int, seed: int | None = None) -> pd.DataFrame:
    """One row per sample size n = 2 … max_n: both simulated means beside σ²(n − 1)/n and σ².

    >>> bessel_table(4, 1.0, 1000, seed=0)["n"].tolist()
    [2, 3, 4]
    """
    max_n = whole("max_n", max_n, low=2, high=10_000)
    rows = []
    for n in range(2, max_n + 1):
        biased, unbiased = variance_bias(n, sigma, n_sims, None if seed is None else seed + n)
        rows.append(
            {
                "n": n,
                "mean ddof-0 variance": biased,
                "σ²(n − 1)/n": sigma**2 * (n - 1) / n,
                "mean ddof-1 variance": unbiased,
                "σ²": sigma**2,
            }
        )
    return pd.DataFrame(rows)
