"""Power, actual size and sample size of the tests of one proportion, exact and simulated."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import stats

from lib.hypothesis._shared import (
    ALTERNATIVES,
    MAX_RESAMPLES,
    MAX_TRIALS,
    Alternative,
    _check_alpha,
)
from lib.hypothesis.proportion import rejection_region
from lib.validation import one_of, probability, whole


def _normal_power(p0: float, p1: float, n: np.ndarray, alpha: float, alternative: str) -> np.ndarray:
    se0 = np.sqrt(p0 * (1 - p0) / n)
    se1 = np.sqrt(p1 * (1 - p1) / n)
    if alternative == "two-sided":
        z = stats.norm.isf(alpha / 2)
        return stats.norm.sf((p0 + z * se0 - p1) / se1) + stats.norm.cdf((p0 - z * se0 - p1) / se1)
    z = stats.norm.isf(alpha)
    if alternative == "greater":
        return stats.norm.sf((p0 + z * se0 - p1) / se1)
    return stats.norm.cdf((p0 - z * se0 - p1) / se1)


def power_proportion(
    p0: float,
    p1: float,
    n: int,
    alpha: float = 0.05,
    alternative: Alternative = "two-sided",
    test: str = "z",
) -> float:
    """Power 1 − β = P(reject H0 | p = p1) of a test of H0: p = p0 with n trials.

    ``test="z"``: the textbook normal approximation for the score test. Under H1,
    p̂ ≈ N(p1, p1 (1 − p1) / n), and the test rejects beyond p0 ± z_{1−α(/2)} sqrt(p0 (1 − p0) / n), so
    for ``"greater"`` the power is ``Φ((p1 − p0 − z_{1−α} se0) / se1)``; two-sided adds both tails.

    ``test="exact"``: the exact binomial test's power, ``Σ_{k in R} Binomial(k; n, p1)`` over its
    rejection region R (minlike two-sided). Because k is discrete, this power is a sawtooth
    in n, and at p1 = p0 it is the test's *actual size*, which is at most α and usually below.

    Example
    -------
    >>> round(power_proportion(0.5, 0.6, 100, 0.05, "two-sided", test="z"), 4)
    0.5163
    """
    p0 = probability("p0 (the null proportion)", p0)
    p1 = probability("p1 (the true proportion under H1)", p1)
    n = whole("n (the number of trials)", n, 1, MAX_TRIALS)
    alpha = _check_alpha(alpha)
    alternative = one_of("alternative", alternative, ALTERNATIVES)
    if test == "z":
        return float(_normal_power(p0, p1, np.asarray(float(n)), alpha, alternative))
    if test == "exact":
        region = rejection_region(n, p0, alpha, alternative, "exact")
        return float(stats.binom.pmf(np.flatnonzero(region), n, p1).sum())
    raise ValueError(f"test must be z or exact, got {test!r}.")


def rejection_probability(
    p0: float, p_true: float, n: int, alpha: float, alternative: Alternative = "two-sided", test: str = "exact"
) -> float:
    """Exact P(the test rejects) when k ~ Binomial(n, p_true), summed over the test's rejection region.

    For ``test="z"`` or ``"wald"`` this is what the normal formula only approximates: at
    p_true = p0 it is the z-test's actual size, which can exceed α.
    """
    p_true = probability("p_true (the coin's true proportion)", p_true, closed=True)
    region = rejection_region(n, p0, alpha, alternative, test)
    return float(stats.binom.pmf(np.flatnonzero(region), int(n), p_true).sum())


def simulate_rejection_rate(
    p0: float,
    p_true: float,
    n: int,
    alpha: float,
    alternative: Alternative = "two-sided",
    test: str = "exact",
    n_sims: int = 10_000,
    seed: int | np.random.Generator | None = None,
) -> float:
    """Monte-Carlo rejection rate: flip n coins with P(heads) = p_true, n_sims times, test each time."""
    p_true = probability("p_true (the coin's true proportion)", p_true, closed=True)
    n_sims = whole("n_sims", n_sims, 1, MAX_RESAMPLES)
    region = rejection_region(n, p0, alpha, alternative, test)
    counts = np.random.default_rng(seed).binomial(int(n), p_true, size=n_sims)
    return float(region[counts].mean())


def sample_size_proportion(
    p0: float,
    p1: float,
    alpha: float = 0.05,
    power: float = 0.8,
    alternative: Alternative = "two-sided",
    test: str = "z",
    n_max: int = 20_000,
) -> int:
    """The number of trials n needed for the given power against p = p1.

    ``test="z"``: the closed form ``n = ⌈((z_a sqrt(p0 q0) + z_b sqrt(p1 q1)) / (p1 − p0))²⌉`` with
    z_a = z_{1−α/2} two-sided (z_{1−α} one-sided), z_b = z_{power} and q = 1 − p (the far tail of
    the two-sided test is neglected, as in every textbook).
    ``test="exact"``: the smallest n ≤ ``n_max`` whose exact binomial-test power reaches ``power``
    (because of the sawtooth, a slightly larger n can have less power).

    Example
    -------
    >>> sample_size_proportion(0.5, 0.6, 0.05, 0.8)
    194
    """
    p0 = probability("p0 (the null proportion)", p0)
    p1 = probability("p1 (the true proportion under H1)", p1)
    alpha = _check_alpha(alpha)
    power = probability("power", power)
    alternative = one_of("alternative", alternative, ALTERNATIVES)
    if p1 == p0:
        raise ValueError("p1 must differ from p0: no sample size detects a difference of zero.")
    if (alternative == "greater" and p1 < p0) or (alternative == "less" and p1 > p0):
        raise ValueError(f"With alternative {alternative!r}, p1 must lie on that side of p0 = {p0}.")
    if power <= alpha:
        raise ValueError(f"power must exceed alpha = {alpha}, got {power}.")
    z_a = stats.norm.isf(alpha / 2 if alternative == "two-sided" else alpha)
    z_b = stats.norm.ppf(power)
    n_z = int(np.ceil(((z_a * np.sqrt(p0 * (1 - p0)) + z_b * np.sqrt(p1 * (1 - p1))) / (p1 - p0)) ** 2))
    if test == "z":
        return max(n_z, 1)
    if test != "exact":
        raise ValueError(f"test must be z or exact, got {test!r}.")
    n_max = whole("n_max", n_max, 1, MAX_TRIALS)
    for n in range(1, n_max + 1):
        if power_proportion(p0, p1, n, alpha, alternative, "exact") >= power:
            return n
    raise ValueError(f"No n up to n_max = {n_max:,} reaches power {power} with the exact test.")


def power_curve(
    p0: float,
    p1: float,
    n_values: Sequence[int] | np.ndarray,
    alpha: float = 0.05,
    alternative: Alternative = "two-sided",
    test: str = "z",
) -> np.ndarray:
    """:func:`power_proportion` for each n in ``n_values`` (the z formula is vectorised)."""
    n_values = np.asarray(n_values)
    if n_values.ndim != 1 or n_values.size == 0:
        raise ValueError("n_values must be a non-empty list of trial counts.")
    if test == "z":
        p0 = probability("p0 (the null proportion)", p0)
        p1 = probability("p1 (the true proportion under H1)", p1)
        alpha = _check_alpha(alpha)
        alternative = one_of("alternative", alternative, ALTERNATIVES)
        ns = np.array([whole("n (the number of trials)", v, 1, MAX_TRIALS) for v in n_values], dtype=float)
        return _normal_power(p0, p1, ns, alpha, alternative)
    return np.array([power_proportion(p0, p1, int(v), alpha, alternative, test) for v in n_values])
