"""Tests of two groups: the A/B z-test of two proportions, t-tests, effect sizes, the randomisation test.

``alternative`` is about the first group against the second (or the mean against ``mu``):
``"greater"`` is H1: p1 > p2 (μ_x − μ_y > mu), ``"less"`` the other side, ``"two-sided"`` either.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from scipy import special, stats

from lib.hypothesis._shared import ALTERNATIVES, MAX_RESAMPLES, MAX_TRIALS, Alternative
from lib.hypothesis.proportion import TestResult, _normal_pvalue
from lib.validation import finite, one_of, probability, whole

MAX_SAMPLE = 1_000_000  # values per group in the t-tests and the randomisation test
_PERMUTATION_CELLS = 2**21  # values dealt per batch of permutations (16 MiB of float64)
MAX_DEALT = 4 * 10**8  # n_resamples × (n_x + n_y): about ten seconds of dealing


def _check_group(name: str, successes: object, n: object) -> tuple[int, int]:
    n = whole(f"n{name} (the size of group {name})", n, 1, MAX_TRIALS)
    k = whole(f"k{name} (the successes in group {name})", successes, 0, MAX_TRIALS)
    if k > n:
        raise ValueError(f"k{name} must lie between 0 and n{name} = {n:,}, got {k:,}.")
    return k, n


def _t_pvalue(t: float, df: float, alternative: str) -> float:
    if alternative == "greater":
        return float(stats.t.sf(t, df))
    if alternative == "less":
        return float(stats.t.cdf(t, df))
    return float(min(1.0, 2 * stats.t.sf(abs(t), df)))


def two_proportion_ztest(k1: int, n1: int, k2: int, n2: int, alternative: Alternative = "two-sided") -> TestResult:
    """The A/B test of H0: p1 = p2 with the pooled standard error.

    ``z = (p̂1 − p̂2) / sqrt(p̂ (1 − p̂) (1/n1 + 1/n2))`` with p̂ = (k1 + k2) / (n1 + n2), referred to
    N(0, 1): statsmodels' ``proportions_ztest([k1, k2], [n1, n2])`` and the square root of R's
    ``prop.test(correct = FALSE)``. ``estimate`` is p̂1 − p̂2. When every trial (or none) succeeds
    the pooled standard error is zero and there is nothing to test.

    Example
    -------
    >>> r = two_proportion_ztest(120, 1000, 90, 1000)
    >>> round(r.statistic, 4), round(r.pvalue, 4)
    (2.1883, 0.0287)
    """
    k1, n1 = _check_group("1", k1, n1)
    k2, n2 = _check_group("2", k2, n2)
    alternative = one_of("alternative", alternative, ALTERNATIVES)
    pooled = (k1 + k2) / (n1 + n2)
    if pooled in (0.0, 1.0):
        raise ValueError("The pooled proportion is 0 or 1 (no trial differs), so the z-test has no standard error.")
    se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    z = (k1 / n1 - k2 / n2) / se
    return TestResult(z, float(_normal_pvalue(z, alternative)), k1 / n1 - k2 / n2, 0.0, alternative, "pooled z-test")


def fisher_exact_test(k1: int, n1: int, k2: int, n2: int, alternative: Alternative = "two-sided") -> TestResult:
    """Fisher's exact test of H0: p1 = p2 on the 2 × 2 table, conditioning on the total successes.

    Under H0 the successes of group 1 are hypergeometric given k1 + k2; the two-sided p-value sums the
    tables no more likely than the observed one (scipy's ``fisher_exact``, R's ``fisher.test``).
    ``statistic`` is the sample odds ratio (k1 (n2 − k2)) / (k2 (n1 − k1)), ``estimate`` p̂1 − p̂2.

    Example
    -------
    >>> round(fisher_exact_test(7, 10, 2, 10).pvalue, 4)
    0.0698
    """
    k1, n1 = _check_group("1", k1, n1)
    k2, n2 = _check_group("2", k2, n2)
    alternative = one_of("alternative", alternative, ALTERNATIVES)
    table = [[k1, n1 - k1], [k2, n2 - k2]]
    with np.errstate(divide="ignore", invalid="ignore"):
        odds, pvalue = stats.fisher_exact(table, alternative=alternative)
    return TestResult(float(odds), float(min(pvalue, 1.0)), k1 / n1 - k2 / n2, 0.0, alternative, "Fisher exact")


def cohens_h(p1: float, p2: float) -> float:
    """Cohen's h = 2 arcsin √p1 − 2 arcsin √p2, signed (positive when p1 > p2).

    The arcsine makes the variance of a proportion constant (1 / n on that scale), so h is the
    effect size of the two-proportion power analysis; 0.2, 0.5 and 0.8 are Cohen's small, medium, large.

    Example
    -------
    >>> round(cohens_h(0.65, 0.45), 4)
    0.4049
    """
    p1 = probability("p1 (a proportion)", p1, closed=True)
    p2 = probability("p2 (a proportion)", p2, closed=True)
    return float(2 * np.arcsin(np.sqrt(p1)) - 2 * np.arcsin(np.sqrt(p2)))


def _check_sample(name: str, values: object, minimum: int = 2) -> np.ndarray:
    x = np.asarray(values, dtype=float).ravel()
    if x.size < minimum:
        raise ValueError(f"{name} needs at least {minimum} observations, got {x.size}.")
    if x.size > MAX_SAMPLE:
        raise ValueError(f"{name} may hold at most {MAX_SAMPLE:,} observations, got {x.size:,}.")
    if not np.isfinite(x).all():
        raise ValueError(f"{name} must hold finite numbers only.")
    return x


def _samples(x: object, y: object | None, paired: bool) -> tuple[np.ndarray, np.ndarray | None]:
    """The checked samples; for a paired test, the differences x − y alone."""
    x = _check_sample("x (the first sample)", x)
    if y is None:
        if paired:
            raise ValueError("A paired t-test needs a second sample y, one value per value of x.")
        return x, None
    y = _check_sample("y (the second sample)", y)
    if paired:
        if x.size != y.size:
            raise ValueError(f"Paired samples must have the same length; x has {x.size}, y has {y.size}.")
        return x - y, None
    return x, y


def cohens_d(x: object, y: object | None = None, mu: float = 0.0, paired: bool = False) -> float:
    """Cohen's d: the mean difference in standard deviations (ddof = 1), signed.

    One-sample ``(x̄ − mu) / s``; paired ``(d̄ − mu) / s_d`` on the differences d = x − y (d_z, the
    effect size G*Power's paired test takes); two-sample ``(x̄ − ȳ − mu) / s_pooled`` with
    ``s_pooled² = ((n_x − 1) s_x² + (n_y − 1) s_y²) / (n_x + n_y − 2)``.

    Example
    -------
    >>> round(cohens_d([5.0, 6.0, 7.0], [3.0, 4.0, 5.0]), 4)
    2.0
    """
    mu = finite("mu (the hypothesised difference)", mu)
    a, b = _samples(x, y, paired)
    if b is None:
        sd = a.std(ddof=1)
        shift = a.mean() - mu
    else:
        sd = math.sqrt(((a.size - 1) * a.var(ddof=1) + (b.size - 1) * b.var(ddof=1)) / (a.size + b.size - 2))
        shift = a.mean() - b.mean() - mu
    if sd == 0:
        raise ValueError("The standard deviation is zero (every value is the same), so Cohen's d is undefined.")
    return float(shift / sd)


def t_test(
    x: object,
    y: object | None = None,
    mu: float = 0.0,
    paired: bool = False,
    equal_var: bool = False,
    alternative: Alternative = "two-sided",
) -> TestResult:
    """One-sample, paired, Welch or Student two-sample t-test of H0: mean (difference) = ``mu``.

    * one-sample (``y=None``): ``t = (x̄ − mu) / (s / √n)``, df = n − 1 (scipy's ``ttest_1samp``);
    * paired: the one-sample test on d = x − y (``ttest_rel``);
    * Student (``equal_var=True``): ``t = (x̄ − ȳ − mu) / (s_p √(1/n_x + 1/n_y))``, df = n_x + n_y − 2;
    * Welch (default): ``t = (x̄ − ȳ − mu) / √(s_x²/n_x + s_y²/n_y)`` with the Welch–Satterthwaite df
      ``(v_x + v_y)² / (v_x² / (n_x − 1) + v_y² / (n_y − 1))``, v = s² / n (``ttest_ind(equal_var=False)``).

    ``estimate`` is x̄, d̄ or x̄ − ȳ; ``df`` the degrees of freedom.

    Example
    -------
    >>> r = t_test([5.1, 4.9, 5.6, 5.8, 6.0], [4.2, 4.8, 4.4, 5.0, 4.6])
    >>> round(r.statistic, 4), round(r.df, 3), round(r.pvalue, 4)
    (3.4949, 7.041, 0.01)
    """
    mu = finite("mu (the hypothesised difference)", mu)
    alternative = one_of("alternative", alternative, ALTERNATIVES)
    a, b = _samples(x, y, paired)
    if b is None:
        estimate, se, df = a.mean(), a.std(ddof=1) / math.sqrt(a.size), a.size - 1.0
        method = "paired t-test" if paired else "one-sample t-test"
    else:
        va, vb = a.var(ddof=1) / a.size, b.var(ddof=1) / b.size
        estimate = a.mean() - b.mean()
        if equal_var:
            df = a.size + b.size - 2.0
            pooled = ((a.size - 1) * a.var(ddof=1) + (b.size - 1) * b.var(ddof=1)) / df
            se, method = math.sqrt(pooled * (1 / a.size + 1 / b.size)), "Student t-test"
        else:
            se, method = math.sqrt(va + vb), "Welch t-test"
            df = (va + vb) ** 2 / (va**2 / (a.size - 1) + vb**2 / (b.size - 1)) if se > 0 else np.nan
    if se == 0:
        raise ValueError("Every value is the same within each sample, so the t statistic is undefined.")
    t = float((estimate - mu) / se)
    return TestResult(t, _t_pvalue(t, df, alternative), float(estimate), mu, alternative, method, df=float(df))


def mean_difference(a: np.ndarray, b: np.ndarray, axis: int = -1) -> np.ndarray:
    """x̄ − ȳ along ``axis``: the usual statistic of a randomisation test (scipy's signature)."""
    return np.mean(a, axis=axis) - np.mean(b, axis=axis)


def _all_splits(n: int, n_x: int) -> np.ndarray:
    """Every way to choose which n_x of the n pooled values form group x: (C(n, n_x), n) index rows."""
    from itertools import combinations

    rows = []
    for chosen in combinations(range(n), n_x):
        rest = np.setdiff1d(np.arange(n), chosen, assume_unique=True)
        rows.append(np.concatenate([chosen, rest]))
    return np.array(rows, dtype=np.int64)


def permutation_test(
    x: object,
    y: object,
    statistic: Callable[..., np.ndarray] = mean_difference,
    n_resamples: int = 9999,
    seed: int | np.random.Generator | None = None,
) -> TestResult:
    """Two-sided randomisation test of "x and y come from one distribution" (StatKey's, scipy's).

    The pooled values are dealt into groups of the original sizes again and again; the statistic of each
    deal is its null distribution. ``statistic(a, b, axis=-1)`` is vectorised as in
    ``scipy.stats.permutation_test``. When the C(n, n_x) distinct deals are at most ``n_resamples`` they
    are all enumerated and the p-value is exact; otherwise ``n_resamples`` random deals are drawn and
    ``p_greater = (#{T* ≥ T} + 1) / (B + 1)``, likewise ``p_less``. As scipy, the two-sided p-value is
    ``min(1, 2 min(p_less, p_greater))``, with ties counted within a relative 1e-14.

    Example
    -------
    >>> r = permutation_test([1.0, 2.0, 3.0], [4.0, 5.0, 6.0], n_resamples=100)
    >>> r.statistic, round(r.pvalue, 4), r.null_distribution.size  # all 20 deals: exact
    (-3.0, 0.1, 20)
    """
    a = _check_sample("x (the first sample)", x, 1)
    b = _check_sample("y (the second sample)", y, 1)
    n_resamples = whole("n_resamples (the number of random deals)", n_resamples, 1, MAX_RESAMPLES)
    pooled = np.concatenate([a, b])
    n, n_x = pooled.size, a.size
    if n_resamples * n > MAX_DEALT:
        raise ValueError(
            f"{n_resamples:,} deals of {n:,} values is too much work; keep deals × values under {MAX_DEALT:,}."
        )
    observed = float(statistic(a, b, axis=-1))
    if not math.isfinite(observed):
        raise ValueError("The statistic of the observed samples is not a finite number.")
    exact = special.comb(n, n_x, exact=True) <= n_resamples
    if exact:
        deals = pooled[_all_splits(n, n_x)]
        null = np.asarray(statistic(deals[:, :n_x], deals[:, n_x:], axis=-1), dtype=float)
    else:
        rng = np.random.default_rng(seed)
        batch = max(1, _PERMUTATION_CELLS // n)
        parts = []
        for start in range(0, n_resamples, batch):
            deals = rng.permuted(np.broadcast_to(pooled, (min(batch, n_resamples - start), n)), axis=1)
            parts.append(np.asarray(statistic(deals[:, :n_x], deals[:, n_x:], axis=-1), dtype=float))
        null = np.concatenate(parts)
    adjustment = 0 if exact else 1
    gamma = abs(1e-14 * observed)
    p_greater = (np.count_nonzero(null >= observed - gamma) + adjustment) / (null.size + adjustment)
    p_less = (np.count_nonzero(null <= observed + gamma) + adjustment) / (null.size + adjustment)
    pvalue = float(min(1.0, 2 * min(p_greater, p_less)))
    method = "randomisation test, exact" if exact else f"randomisation test, {n_resamples:,} deals"
    return TestResult(observed, pvalue, observed, 0.0, "two-sided", method, null_distribution=null)
