"""Tests of one proportion: score and Wald z-tests, the exact binomial test, intervals."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy import special, stats

from lib.hypothesis._shared import (
    ALTERNATIVES,
    MAX_TRIALS,
    TWO_SIDED_RULES,
    Alternative,
    _check_alpha,
    _check_counts,
)
from lib.validation import one_of, probability, whole

# Relative tolerance for "as likely as the observed count" in the minlike rule (R uses 1 + 1e-7, as does scipy).
_MINLIKE_RELERR = 1 + 1e-7


@dataclass(frozen=True)
class TestResult:
    """The outcome of a test: the statistic, its p-value and what was tested.

    ``statistic`` is z for the z-tests and the count k for the exact test (as R's
    ``binom.test`` reports it); ``estimate`` is p̂ = k / n. The two-sample tests of
    :mod:`lib.hypothesis.two_sample` put the difference (p̂1 − p̂2, x̄ − ȳ) in ``estimate``, t's degrees
    of freedom in ``df`` and a randomisation test's statistics under H0 in ``null_distribution``.
    """

    __test__ = False  # not a pytest test class

    statistic: float
    pvalue: float
    estimate: float
    null_value: float
    alternative: str
    method: str
    df: float | None = None
    null_distribution: np.ndarray | None = field(default=None, repr=False, compare=False)

    def rejects(self, alpha: float) -> bool:
        """True when the p-value is at most ``alpha``."""
        return bool(self.pvalue <= _check_alpha(alpha))


def _normal_pvalue(z: float | np.ndarray, alternative: str) -> float | np.ndarray:
    if alternative == "greater":
        return stats.norm.sf(z)
    if alternative == "less":
        return stats.norm.cdf(z)
    return np.minimum(1.0, 2 * stats.norm.sf(np.abs(z)))


def proportion_ztest(successes: int, n: int, p0: float = 0.5, alternative: Alternative = "two-sided") -> TestResult:
    """The CLT test of H0: p = p0 with the standard error taken under H0 (the score test).

    ``z = (p̂ − p0) / sqrt(p0 (1 − p0) / n)`` with p̂ = k / n, referred to N(0, 1).
    This is statsmodels' ``proportions_ztest(k, n, value=p0, prop_var=p0)`` and the
    square root of R's ``prop.test(k, n, p0, correct=FALSE)`` statistic.

    Example
    -------
    >>> r = proportion_ztest(60, 100)
    >>> round(r.statistic, 6), round(r.pvalue, 6)
    (2.0, 0.0455)
    """
    k, n = _check_counts(successes, n)
    p0 = probability("p0 (the null proportion)", p0)
    alternative = one_of("alternative", alternative, ALTERNATIVES)
    z = (k / n - p0) / np.sqrt(p0 * (1 - p0) / n)
    return TestResult(float(z), float(_normal_pvalue(z, alternative)), k / n, p0, alternative, "score z-test")


def wald_ztest(successes: int, n: int, p0: float = 0.5, alternative: Alternative = "two-sided") -> TestResult:
    """The CLT test of H0: p = p0 with the standard error taken from the data (the Wald test).

    ``z = (p̂ − p0) / sqrt(p̂ (1 − p̂) / n)``, statsmodels' ``proportions_ztest`` default.
    It needs 0 < k < n: at p̂ = 0 or 1 the estimated standard error is zero.

    Example
    -------
    >>> round(wald_ztest(60, 100).statistic, 4)
    2.0412
    """
    k, n = _check_counts(successes, n)
    p0 = probability("p0 (the null proportion)", p0)
    alternative = one_of("alternative", alternative, ALTERNATIVES)
    if k in (0, n):
        raise ValueError(f"The Wald test needs 0 < successes < n: with {k} of {n} its standard error is zero.")
    p_hat = k / n
    z = (p_hat - p0) / np.sqrt(p_hat * (1 - p_hat) / n)
    return TestResult(float(z), float(_normal_pvalue(z, alternative)), p_hat, p0, alternative, "Wald z-test")


def binomial_pvalues(
    n: int, p0: float = 0.5, alternative: Alternative = "two-sided", two_sided: str = "minlike"
) -> np.ndarray:
    """Exact binomial-test p-values for every count k = 0..n at once (length n + 1).

    ``"greater"``: P(X ≥ k); ``"less"``: P(X ≤ k); two-sided ``"minlike"``: the total
    probability of every count no more likely than k, ``Σ_{j: f(j) ≤ f(k)} f(j)`` with
    f the Binomial(n, p0) pmf (R's ``binom.test``, scipy's ``binomtest``); two-sided
    ``"central"``: ``min(1, 2 min(P(X ≤ k), P(X ≥ k)))``.
    """
    n = whole("n (the number of trials)", n, 1, MAX_TRIALS)
    p0 = probability("p0 (the null proportion)", p0)
    alternative = one_of("alternative", alternative, ALTERNATIVES)
    if two_sided not in TWO_SIDED_RULES:
        raise ValueError(f"two_sided must be one of {', '.join(TWO_SIDED_RULES)}, got {two_sided!r}.")
    k = np.arange(n + 1)
    if alternative == "two-sided" and two_sided == "minlike":
        return _exact_pvalues_from_pmf(stats.binom.pmf(k, n, p0), alternative)
    lower = stats.binom.cdf(k, n, p0)
    upper = stats.binom.sf(k - 1, n, p0)
    if alternative == "less":
        return np.minimum(lower, 1.0)
    if alternative == "greater":
        return np.minimum(upper, 1.0)
    return np.minimum(1.0, 2 * np.minimum(lower, upper))


def _binom_pmf(k: np.ndarray, n: int, p: float) -> np.ndarray:
    """Binomial pmf from log-gamma: scipy's values to ~1e-12 relative, without its per-call overhead."""
    log_choose = special.gammaln(n + 1) - special.gammaln(k + 1) - special.gammaln(n - k + 1)
    return np.exp(log_choose + k * np.log(p) + (n - k) * np.log1p(-p))


def _exact_pvalues_from_pmf(pmf: np.ndarray, alternative: str) -> np.ndarray:
    """Exact p-values for every k from the H0 pmf: tail sums one-sided, the minlike rule two-sided."""
    if alternative == "less":
        return np.minimum(np.cumsum(pmf), 1.0)
    if alternative == "greater":
        return np.minimum(np.cumsum(pmf[::-1])[::-1], 1.0)
    order = np.sort(pmf)
    cumulative = np.cumsum(order)
    # Sum from the smallest up, so tiny tails are not lost to rounding in 1 − (…).
    count = np.searchsorted(order, pmf * _MINLIKE_RELERR, side="right")
    return np.minimum(1.0, cumulative[count - 1])


def binomial_test(
    successes: int,
    n: int,
    p0: float = 0.5,
    alternative: Alternative = "two-sided",
    two_sided: str = "minlike",
) -> TestResult:
    """The exact binomial test of H0: p = p0, from the Binomial(n, p0) pmf and CDF.

    One-sided p-values are tail sums (the notes: reject when CDF(k) < α). Two-sided,
    ``two_sided="minlike"`` (default; R's ``binom.test`` and ``scipy.stats.binomtest``) adds
    the probability of every count no more likely than the observed one; ``"central"``
    doubles the smaller tail. They agree when p0 = 0.5.

    Example
    -------
    >>> round(binomial_test(682, 925, p0=0.75).pvalue, 4)  # R's ?binom.test example
    0.3825
    """
    k, n = _check_counts(successes, n)
    pvalues = binomial_pvalues(n, p0, alternative, two_sided)
    name = "exact binomial test" + (f" ({two_sided})" if alternative == "two-sided" else "")
    return TestResult(float(k), float(pvalues[k]), k / n, float(p0), alternative, name)


def rejection_region(
    n: int,
    p0: float,
    alpha: float,
    alternative: Alternative = "two-sided",
    test: str = "exact",
    two_sided: str = "minlike",
) -> np.ndarray:
    """Boolean mask over k = 0..n: the counts where the test rejects H0 at level α.

    ``test`` is ``"exact"`` (the binomial test), ``"z"`` (the score test) or ``"wald"``
    (the Wald test, which never rejects at k = 0 or n where it is undefined).
    """
    n = whole("n (the number of trials)", n, 1, MAX_TRIALS)
    p0 = probability("p0 (the null proportion)", p0)
    alpha = _check_alpha(alpha)
    alternative = one_of("alternative", alternative, ALTERNATIVES)
    k = np.arange(n + 1)
    if test == "exact":
        return binomial_pvalues(n, p0, alternative, two_sided) <= alpha
    p_hat = k / n
    if test == "z":
        z = (p_hat - p0) / np.sqrt(p0 * (1 - p0) / n)
        return _normal_pvalue(z, alternative) <= alpha
    if test == "wald":
        se = np.sqrt(p_hat * (1 - p_hat) / n)
        inside = se > 0
        z = np.zeros_like(p_hat)
        z[inside] = (p_hat[inside] - p0) / se[inside]
        return (_normal_pvalue(z, alternative) <= alpha) & inside
    raise ValueError(f"test must be one of exact, z, wald, got {test!r}.")


CONFINT_METHODS: tuple[str, ...] = ("wilson", "wald", "exact")


def proportion_confint(successes: int, n: int, level: float = 0.95, method: str = "wilson") -> tuple[float, float]:
    """A confidence interval for p from k successes in n trials.

    ``"wilson"``: the interval that inverts the score test (all p0 it does not reject);
    ``"wald"``: ``p̂ ± z sqrt(p̂ (1 − p̂) / n)``, clipped to [0, 1];
    ``"exact"``: Clopper–Pearson, from Beta quantiles (the interval R's ``binom.test`` prints).
    The names follow statsmodels' ``proportion_confint`` (whose ``"beta"`` is ``"exact"`` here).

    Example
    -------
    >>> [round(v, 7) for v in proportion_confint(682, 925, method="exact")]  # R's ?binom.test example
    [0.7076683, 0.7654066]
    """
    k, n = _check_counts(successes, n)
    level = probability("level (the confidence level)", level)
    z = stats.norm.isf((1 - level) / 2)
    p_hat = k / n
    if method == "wald":
        half = z * np.sqrt(p_hat * (1 - p_hat) / n)
        return max(0.0, p_hat - half), min(1.0, p_hat + half)
    if method == "wilson":
        centre = (p_hat + z**2 / (2 * n)) / (1 + z**2 / n)
        half = z * np.sqrt(p_hat * (1 - p_hat) / n + z**2 / (4 * n**2)) / (1 + z**2 / n)
        return float(centre - half), float(centre + half)
    if method == "exact":
        tail = (1 - level) / 2
        low = 0.0 if k == 0 else float(stats.beta.ppf(tail, k, n - k + 1))
        high = 1.0 if k == n else float(stats.beta.isf(tail, k + 1, n - k))
        return low, high
    raise ValueError(f"method must be one of {', '.join(CONFINT_METHODS)}, got {method!r}.")
