"""Hypothesis testing for a proportion, power and sample size, bootstrap intervals, Bayes factors.

The notes' vocabulary, used throughout:

* α = P(reject H0 | H0 true), the size (type-1 error rate) one accepts before testing;
* the p-value = P(a result at least as extreme as the observed one | H0 true);
* β = P(fail to reject H0 | H1 true) and the power 1 − β = P(reject H0 | H1 true).

"Is the coin fair?" is answered several ways on the same data: the CLT z-test (with the
standard error from p0, the *score* test, or from p̂, the *Wald* test), the exact binomial
test (two-sided p-values by the *minlike* rule of R and scipy, or the *central* rule), and a
Bayes factor with a Beta(a, b) prior on p under the alternative.

``alternative`` is ``"two-sided"`` (p ≠ p0), ``"greater"`` (p > p0) or ``"less"`` (p < p0).
Nothing here imports torch or streamlit.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from scipy import special, stats

from lib.uploads import check_csv_width

Alternative = Literal["two-sided", "greater", "less"]
ALTERNATIVES: tuple[str, ...] = ("two-sided", "greater", "less")
TWO_SIDED_RULES: tuple[str, ...] = ("minlike", "central")
BOOTSTRAP_METHODS: tuple[str, ...] = ("percentile", "basic", "bca")
# Relative tolerance for "as likely as the observed count" in the minlike rule (R uses 1 + 1e-7, as does scipy).
_MINLIKE_RELERR = 1 + 1e-7
MAX_TRIALS = 10_000_000
MAX_RESAMPLES = 1_000_000
_CHUNK_ELEMENTS = 2_000_000  # resample values held in memory at once


# ---------------------------------------------------------------------------
# Validation
# ---------------------------------------------------------------------------


def _check_alternative(alternative: str) -> str:
    if alternative not in ALTERNATIVES:
        raise ValueError(f"alternative must be one of {', '.join(ALTERNATIVES)}, got {alternative!r}.")
    return alternative


def _check_whole(value: object, name: str, low: int, high: int = MAX_TRIALS) -> int:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a whole number between {low} and {high:,}, got {value!r}.") from None
    if not np.isfinite(number) or number != int(number) or not low <= number <= high:
        raise ValueError(f"{name} must be a whole number between {low} and {high:,}, got {value!r}.")
    return int(number)


def _check_counts(successes: object, n: object) -> tuple[int, int]:
    n = _check_whole(n, "n (the number of trials)", 1)
    k = _check_whole(successes, "successes", 0, MAX_TRIALS)
    if k > n:
        raise ValueError(f"successes must lie between 0 and n = {n}, got {k}.")
    return k, n


def _check_probability(p: object, name: str, *, closed: bool = False) -> float:
    try:
        value = float(p)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        value = float("nan")
    ok = (0.0 <= value <= 1.0) if closed else (0.0 < value < 1.0)
    if not ok:
        where = "between 0 and 1" if closed else "strictly between 0 and 1"
        raise ValueError(f"{name} must lie {where}, got {p!r}.")
    return value


def _check_alpha(alpha: object) -> float:
    return _check_probability(alpha, "alpha (the significance level)")


# ---------------------------------------------------------------------------
# Tests of one proportion
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class TestResult:
    """The outcome of a test: the statistic, its p-value and what was tested.

    ``statistic`` is z for the z-tests and the count k for the exact test (as R's
    ``binom.test`` reports it); ``estimate`` is p̂ = k / n.
    """

    __test__ = False  # not a pytest test class

    statistic: float
    pvalue: float
    estimate: float
    null_value: float
    alternative: str
    method: str

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
    p0 = _check_probability(p0, "p0 (the null proportion)")
    alternative = _check_alternative(alternative)
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
    p0 = _check_probability(p0, "p0 (the null proportion)")
    alternative = _check_alternative(alternative)
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
    n = _check_whole(n, "n (the number of trials)", 1)
    p0 = _check_probability(p0, "p0 (the null proportion)")
    alternative = _check_alternative(alternative)
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
    n = _check_whole(n, "n (the number of trials)", 1)
    p0 = _check_probability(p0, "p0 (the null proportion)")
    alpha = _check_alpha(alpha)
    alternative = _check_alternative(alternative)
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
    level = _check_probability(level, "level (the confidence level)")
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


# ---------------------------------------------------------------------------
# Power and sample size
# ---------------------------------------------------------------------------


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
    p0 = _check_probability(p0, "p0 (the null proportion)")
    p1 = _check_probability(p1, "p1 (the true proportion under H1)")
    n = _check_whole(n, "n (the number of trials)", 1)
    alpha = _check_alpha(alpha)
    alternative = _check_alternative(alternative)
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
    p_true = _check_probability(p_true, "p_true (the coin's true proportion)", closed=True)
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
    p_true = _check_probability(p_true, "p_true (the coin's true proportion)", closed=True)
    n_sims = _check_whole(n_sims, "n_sims", 1, MAX_RESAMPLES)
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
    p0 = _check_probability(p0, "p0 (the null proportion)")
    p1 = _check_probability(p1, "p1 (the true proportion under H1)")
    alpha = _check_alpha(alpha)
    power = _check_probability(power, "power")
    alternative = _check_alternative(alternative)
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
    n_max = _check_whole(n_max, "n_max", 1)
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
        p0 = _check_probability(p0, "p0 (the null proportion)")
        p1 = _check_probability(p1, "p1 (the true proportion under H1)")
        alpha = _check_alpha(alpha)
        alternative = _check_alternative(alternative)
        ns = np.array([_check_whole(v, "n (the number of trials)", 1) for v in n_values], dtype=float)
        return _normal_power(p0, p1, ns, alpha, alternative)
    return np.array([power_proportion(p0, p1, int(v), alpha, alternative, test) for v in n_values])


# ---------------------------------------------------------------------------
# Bayes factors
# ---------------------------------------------------------------------------


def bayes_factor_binomial(successes: int, n: int, p0: float = 0.5, a: float = 1.0, b: float = 1.0) -> float:
    """BF01 = p(k | H0: p = p0) / p(k | H1: p ~ Beta(a, b)), evidence for the point null.

    ``BF01 = p0^k (1 − p0)^(n−k) · B(a, b) / B(k + a, n − k + b)`` (the binomial coefficient
    cancels). BF01 > 1 favours H0; pingouin's ``bayesfactor_binom`` returns BF10 = 1 / BF01.

    Example
    -------
    >>> round(bayes_factor_binomial(115, 200), 3)  # pingouin's documented coin: BF-null 1.197
    1.197
    """
    k, n = _check_counts(successes, n)
    p0 = _check_probability(p0, "p0 (the null proportion)")
    for value, name in ((a, "a"), (b, "b")):
        if not (np.isfinite(float(value)) and float(value) > 0):
            raise ValueError(f"{name} (a Beta prior parameter) must be a positive number, got {value!r}.")
    log_null = k * np.log(p0) + (n - k) * np.log1p(-p0)
    log_alt = special.betaln(k + a, n - k + b) - special.betaln(a, b)
    return float(np.exp(log_null - log_alt))


def posterior_null_probability(
    successes: int, n: int, p0: float = 0.5, a: float = 1.0, b: float = 1.0, prior_null: float = 0.5
) -> float:
    """P(H0 | k) for a prior P(H0) = ``prior_null``: the notes' "P(H0 | y) > P(H1 | y)" made numeric.

    ``P(H0 | k) = π0 BF01 / (π0 BF01 + 1 − π0)``.

    Example
    -------
    >>> round(posterior_null_probability(115, 200), 4)
    0.5449
    """
    prior_null = _check_probability(prior_null, "prior_null (the prior probability of H0)", closed=True)
    bf01 = bayes_factor_binomial(successes, n, p0, a, b)
    if prior_null == 1.0:
        return 1.0
    return float(prior_null * bf01 / (prior_null * bf01 + (1 - prior_null)))


# ---------------------------------------------------------------------------
# Flips
# ---------------------------------------------------------------------------


def parse_flips(text: str, max_flips: int = 100_000) -> np.ndarray:
    """Read coin flips such as ``"HTHHT"`` (H/T, case-insensitive; spaces and commas ignored) as 1/0."""
    cleaned = "".join(ch for ch in str(text).upper() if ch not in " ,;\t\n\r")
    if not cleaned:
        raise ValueError("Enter at least one flip, as a string of H and T such as HTHHT.")
    if set(cleaned) - {"H", "T"}:
        raise ValueError("Flips are written with the letters H and T only, such as HTHHT.")
    if len(cleaned) > max_flips:
        raise ValueError(f"At most {max_flips:,} flips may be entered; {len(cleaned):,} were given.")
    return (np.frombuffer(cleaned.encode("ascii"), dtype=np.uint8) == ord("H")).astype(np.int64)


def simulate_flips(p: float, n: int, seed: int | np.random.Generator | None = None) -> np.ndarray:
    """n coin flips with P(heads) = p, as 1 (H) and 0 (T)."""
    p = _check_probability(p, "p (the coin's true P(heads))", closed=True)
    n = _check_whole(n, "n (the number of flips)", 1)
    return (np.random.default_rng(seed).random(n) < p).astype(np.int64)


# ---------------------------------------------------------------------------
# Bootstrap
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Interval:
    """A bootstrap confidence interval ``[low, high]`` for ``statistic(data)`` = ``estimate``."""

    low: float
    high: float
    estimate: float
    level: float
    method: str
    n_resamples: int
    bootstrap_distribution: np.ndarray = field(repr=False, compare=False)
    standard_error: float = float("nan")

    def covers(self, value: float) -> bool:
        return bool(self.low <= value <= self.high)


def _vectorised(statistic: Callable[..., object]) -> Callable[[np.ndarray], np.ndarray]:
    """``statistic`` applied along the last axis, with ``axis=-1`` when it accepts it."""

    def along_rows(x: np.ndarray) -> np.ndarray:
        try:
            out = np.asarray(statistic(x, axis=-1), dtype=float)
            if out.shape == x.shape[:-1]:
                return out
        except TypeError:
            pass
        return np.apply_along_axis(lambda row: float(statistic(row)), -1, x)

    return along_rows


def _check_sample(data: object) -> np.ndarray:
    try:
        x = np.asarray(data, dtype=float)
    except (TypeError, ValueError):
        raise ValueError("data must be a list of numbers.") from None
    if x.ndim != 1:
        raise ValueError(f"data must be one-dimensional, got shape {x.shape}.")
    if x.size < 2:
        raise ValueError(f"The bootstrap needs at least 2 observations, got {x.size}.")
    if not np.all(np.isfinite(x)):
        raise ValueError("data must hold finite numbers only (no NaN or infinity).")
    if np.all(x == x[0]):
        raise ValueError("All values in data are equal, so every resample is identical and there is no interval.")
    return x


def bootstrap_distribution(
    data: Sequence[float] | np.ndarray,
    statistic: Callable[..., object] = np.mean,
    n_resamples: int = 10_000,
    seed: int | np.random.Generator | None = None,
) -> np.ndarray:
    """``statistic`` of ``n_resamples`` resamples of ``data`` drawn with replacement (vectorised, chunked)."""
    x = _check_sample(data)
    n_resamples = _check_whole(n_resamples, "n_resamples", 1, MAX_RESAMPLES)
    rng = np.random.default_rng(seed)
    along_rows = _vectorised(statistic)
    n = x.size
    chunk = max(1, _CHUNK_ELEMENTS // n)
    out = np.empty(n_resamples)
    index_type = np.int32 if n < 2**31 else np.int64
    for start in range(0, n_resamples, chunk):
        stop = min(start + chunk, n_resamples)
        idx = rng.integers(0, n, size=(stop - start, n), dtype=index_type)
        out[start:stop] = along_rows(x[idx])
    return out


def _jackknife(x: np.ndarray, along_rows: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    n = x.size
    out = np.empty(n)
    chunk = max(1, _CHUNK_ELEMENTS // n)
    cols = np.arange(n - 1)
    for start in range(0, n, chunk):
        rows = np.arange(start, min(start + chunk, n))
        idx = cols[None, :] + (cols[None, :] >= rows[:, None])  # every index but the row's own
        out[start : rows[-1] + 1] = along_rows(x[idx])
    return out


def bootstrap_ci(
    data: Sequence[float] | np.ndarray,
    statistic: Callable[..., object] = np.mean,
    level: float = 0.95,
    method: str = "basic",
    n_resamples: int = 10_000,
    seed: int | np.random.Generator | None = None,
) -> Interval:
    """A bootstrap confidence interval for ``statistic(data)``.

    Draw ``n_resamples`` resamples x* of the data with replacement and compute θ* = statistic(x*).
    With θ̂ = statistic(data) and q_u the u-quantile of θ*, for level 1 − α:

    * ``"percentile"``: ``[q_{α/2}, q_{1−α/2}]``;
    * ``"basic"`` (the notes' method): with δ* = θ* − θ̂, ``[θ̂ − δ*_{1−α/2}, θ̂ − δ*_{α/2}]``
      = ``[2θ̂ − q_{1−α/2}, 2θ̂ − q_{α/2}]``;
    * ``"bca"`` (bias-corrected and accelerated, Efron 1987): percentile at
      ``Φ(z0 + (z0 + z_u) / (1 − a (z0 + z_u)))`` for u = α/2, 1 − α/2, with the bias
      z0 = Φ⁻¹(share of θ* below θ̂, ties counted half) and the acceleration
      ``a = Σ (θ̄_(·) − θ_(i))³ / (6 [Σ (θ̄_(·) − θ_(i))²]^{3/2})`` from the jackknife values θ_(i).
      When every jackknife value is equal, a is taken as 0.

    ``statistic`` should accept ``axis=-1`` (np.mean, np.median, np.std …); others are applied row by row.
    Quantiles interpolate linearly, as ``scipy.stats.bootstrap`` does.

    Example
    -------
    >>> ci = bootstrap_ci([1.0, 2.0, 4.0, 8.0, 16.0], method="percentile", seed=0)
    >>> ci.low < 6.2 < ci.high
    True
    """
    x = _check_sample(data)
    level = _check_probability(level, "level (the confidence level)")
    method = _check_method(method)
    along_rows = _vectorised(statistic)
    theta_hat = _estimate(x, along_rows)
    boot = bootstrap_distribution(x, statistic, n_resamples, seed)
    return _interval(x, theta_hat, boot, along_rows, level, method)


def _check_method(method: str) -> str:
    method = str(method).lower()
    if method not in BOOTSTRAP_METHODS:
        raise ValueError(f"method must be one of {', '.join(BOOTSTRAP_METHODS)}, got {method!r}.")
    return method


def _estimate(x: np.ndarray, along_rows: Callable[[np.ndarray], np.ndarray]) -> float:
    theta_hat = float(along_rows(x[None, :])[0])
    if not np.isfinite(theta_hat):
        raise ValueError("The statistic of the data is not a finite number.")
    return theta_hat


def _interval(
    x: np.ndarray,
    theta_hat: float,
    boot: np.ndarray,
    along_rows: Callable[[np.ndarray], np.ndarray],
    level: float,
    method: str,
) -> Interval:
    alpha = 1 - level
    tails = np.array([alpha / 2, 1 - alpha / 2])
    if method == "percentile":
        low, high = np.quantile(boot, tails)
    elif method == "basic":
        q_low, q_high = np.quantile(boot, tails)
        low, high = 2 * theta_hat - q_high, 2 * theta_hat - q_low
    else:
        share_below = ((boot < theta_hat).sum() + (boot <= theta_hat).sum()) / (2 * boot.size)
        if share_below in (0.0, 1.0):
            raise ValueError(
                "Every bootstrap value lies on one side of the estimate, so BCa's bias correction is infinite."
            )
        z0 = stats.norm.ppf(share_below)
        jack = _jackknife(x, along_rows)
        d = jack.mean() - jack
        denom = 6 * np.sum(d**2) ** 1.5
        acc = float(np.sum(d**3) / denom) if denom > 0 else 0.0
        z = stats.norm.ppf(tails)
        adjusted = stats.norm.cdf(z0 + (z0 + z) / (1 - acc * (z0 + z)))
        low, high = np.quantile(boot, adjusted)
    se = float(np.std(boot, ddof=1)) if boot.size > 1 else 0.0
    return Interval(float(low), float(high), theta_hat, level, method, int(boot.size), boot, se)


SKEWED_DISTRIBUTIONS: dict[str, tuple[str, Callable[[np.random.Generator, int], np.ndarray]]] = {
    # name: (description, sampler). True values of the statistics come from the scipy frozen law below.
    "exponential (scale 1)": ("Exponential with mean 1", lambda rng, n: rng.exponential(1.0, n)),
    "lognormal (σ = 1)": ("Lognormal, log-mean 0, log-sd 1", lambda rng, n: rng.lognormal(0.0, 1.0, n)),
    "gamma (shape 2)": ("Gamma, shape 2, scale 1", lambda rng, n: rng.gamma(2.0, 1.0, n)),
    "normal (0, 1)": ("Normal, mean 0, sd 1 (not skewed, for comparison)", lambda rng, n: rng.normal(0.0, 1.0, n)),
}

_FROZEN = {
    "exponential (scale 1)": stats.expon(),
    "lognormal (σ = 1)": stats.lognorm(1.0),
    "gamma (shape 2)": stats.gamma(2.0),
    "normal (0, 1)": stats.norm(),
}

STATISTICS: tuple[str, ...] = ("mean", "median", "std", "quantile")


def make_statistic(name: str, q: float = 0.9) -> Callable[..., np.ndarray]:
    """The named statistic as a vectorised function (``axis`` keyword): mean, median, std (ddof 1), quantile q."""
    if name == "mean":
        return np.mean
    if name == "median":
        return np.median
    if name == "std":
        return _std
    if name == "quantile":
        q = _check_probability(q, "q (the quantile)")
        return _Quantile(q)
    raise ValueError(f"statistic must be one of {', '.join(STATISTICS)}, got {name!r}.")


def _std(x: np.ndarray, axis: int = -1) -> np.ndarray:
    return np.std(x, axis=axis, ddof=1)


@dataclass(frozen=True)
class _Quantile:
    q: float

    def __call__(self, x: np.ndarray, axis: int = -1) -> np.ndarray:
        return np.quantile(x, self.q, axis=axis)


def true_statistic(distribution: str, name: str, q: float = 0.9) -> float:
    """The population value of a statistic for one of :data:`SKEWED_DISTRIBUTIONS` (what an interval should cover)."""
    if distribution not in _FROZEN:
        raise ValueError(f"distribution must be one of {', '.join(_FROZEN)}, got {distribution!r}.")
    law = _FROZEN[distribution]
    if name == "mean":
        return float(law.mean())
    if name == "median":
        return float(law.median())
    if name == "std":
        return float(law.std())
    if name == "quantile":
        return float(law.ppf(_check_probability(q, "q (the quantile)")))
    raise ValueError(f"statistic must be one of {', '.join(STATISTICS)}, got {name!r}.")


def sample_distribution(distribution: str, n: int, seed: int | np.random.Generator | None = None) -> np.ndarray:
    """n draws from one of :data:`SKEWED_DISTRIBUTIONS`."""
    if distribution not in SKEWED_DISTRIBUTIONS:
        raise ValueError(f"distribution must be one of {', '.join(SKEWED_DISTRIBUTIONS)}, got {distribution!r}.")
    n = _check_whole(n, "n (the sample size)", 1, MAX_RESAMPLES)
    return SKEWED_DISTRIBUTIONS[distribution][1](np.random.default_rng(seed), n)


@dataclass(frozen=True)
class CoverageResult:
    """Empirical coverage of each bootstrap method over repeated experiments."""

    methods: tuple[str, ...]
    coverage: np.ndarray  # one share per method
    mean_width: np.ndarray
    n_experiments: int
    true_value: float
    level: float

    def coverage_intervals(self, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
        """Wilson intervals for each coverage share (Monte-Carlo uncertainty of the lab itself)."""
        z = stats.norm.isf((1 - level) / 2)
        m, p = self.n_experiments, self.coverage
        centre = (p + z**2 / (2 * m)) / (1 + z**2 / m)
        half = z * np.sqrt(p * (1 - p) / m + z**2 / (4 * m**2)) / (1 + z**2 / m)
        return np.clip(centre - half, 0, 1), np.clip(centre + half, 0, 1)


def bootstrap_coverage(
    distribution: str,
    statistic: str,
    n: int,
    level: float = 0.95,
    n_experiments: int = 200,
    n_resamples: int = 1_000,
    q: float = 0.9,
    seed: int | np.random.Generator | None = None,
) -> CoverageResult:
    """Repeat "draw a sample of n, build each interval" ``n_experiments`` times; share that covers the truth.

    The same bootstrap resamples feed the three methods in each experiment, so they differ only in method.
    """
    n = _check_whole(n, "n (the sample size)", 2, 100_000)
    n_experiments = _check_whole(n_experiments, "n_experiments", 1, 100_000)
    level = _check_probability(level, "level (the confidence level)")
    truth = true_statistic(distribution, statistic, q)
    fn = make_statistic(statistic, q)
    rng = np.random.default_rng(seed)
    methods = BOOTSTRAP_METHODS
    hits = np.zeros(len(methods))
    widths = np.zeros(len(methods))
    done = 0
    for _ in range(n_experiments):
        sample = sample_distribution(distribution, n, rng)
        if np.all(sample == sample[0]):
            continue
        along_rows = _vectorised(fn)
        theta_hat = _estimate(sample, along_rows)
        boot = bootstrap_distribution(sample, fn, n_resamples, rng)
        for j, method in enumerate(methods):
            try:
                ci = _interval(sample, theta_hat, boot, along_rows, level, method)
            except ValueError:  # a degenerate BCa in a tiny sample: count it as a miss of width 0
                continue
            hits[j] += ci.covers(truth)
            widths[j] += ci.high - ci.low
        done += 1
    done = max(done, 1)
    return CoverageResult(methods, hits / done, widths / done, done, truth, level)


def bootstrap_intervals(
    data: Sequence[float] | np.ndarray,
    statistic: Callable[..., object] | str = np.mean,
    level: float = 0.95,
    n_resamples: int = 10_000,
    seed: int | np.random.Generator | None = None,
    q: float = 0.9,
) -> dict[str, Interval]:
    """Every method's :func:`bootstrap_ci` from one shared set of resamples (method name -> Interval).

    ``statistic`` may also be a name from :data:`STATISTICS` (``q`` is the quantile's level).
    """
    if isinstance(statistic, str):
        statistic = make_statistic(statistic, q)
    x = _check_sample(data)
    level = _check_probability(level, "level (the confidence level)")
    along_rows = _vectorised(statistic)
    theta_hat = _estimate(x, along_rows)
    boot = bootstrap_distribution(x, statistic, n_resamples, seed)
    out = {}
    for method in BOOTSTRAP_METHODS:
        try:
            out[method] = _interval(x, theta_hat, boot, along_rows, level, method)
        except ValueError:
            if method != "bca":
                raise
    return out


def parse_numbers(text: str, max_values: int = 100_000) -> np.ndarray:
    """Numbers pasted as text, separated by commas, semicolons, spaces or new lines."""
    tokens = [t for t in str(text).replace(",", " ").replace(";", " ").split() if t]
    if not tokens:
        raise ValueError("Enter at least two numbers, separated by commas or spaces.")
    if len(tokens) > max_values:
        raise ValueError(f"At most {max_values:,} numbers may be pasted; {len(tokens):,} were given.")
    values = []
    for token in tokens:
        try:
            value = float(token)
        except ValueError:
            value = None
        if value is None or not np.isfinite(value):
            shown = token if len(token) <= 20 else token[:19] + "…"
            raise ValueError(f"Every entry must be a number (finite numbers only); {shown!r} is not.")
        values.append(value)
    return np.asarray(values)


# ---------------------------------------------------------------------------
# Pictures (data for the page's charts)
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SamplingPicture:
    """The null and alternative sampling distributions of p̂ (normal approximations) and their areas.

    ``curves`` is long-format: ``p_hat``, ``density``, ``area`` (α, β, power, p-value or the
    whole curve's name) and ``segment`` (separates the two tails of a two-sided region).
    """

    __test__ = False

    curves: object  # pandas.DataFrame; typed loosely so importing lib.hypothesis stays light
    critical_low: float | None
    critical_high: float | None
    alpha: float
    beta: float
    power: float
    pvalue: float | None
    z: float | None


def sampling_picture(
    p0: float,
    p1: float,
    n: int,
    alpha: float = 0.05,
    alternative: Alternative = "two-sided",
    observed: float | None = None,
    points: int = 160,
) -> SamplingPicture:
    """Curves and shaded areas for "the picture of a test" (score z-test, normal approximation).

    Under H0, p̂ ≈ N(p0, p0 q0 / n); under H1, p̂ ≈ N(p1, p1 q1 / n). The test rejects beyond the
    critical values p0 ± z_{1−α(/2)} se0. α is the H0 area in the rejection region, power the H1 area
    there, β = 1 − power, and the p-value the H0 area at least as extreme as ``observed`` (a p̂).
    """
    import pandas as pd

    p0 = _check_probability(p0, "p0 (the null proportion)")
    p1 = _check_probability(p1, "p1 (the true proportion under H1)")
    n = _check_whole(n, "n (the number of trials)", 1)
    alpha = _check_alpha(alpha)
    alternative = _check_alternative(alternative)
    se0, se1 = np.sqrt(p0 * (1 - p0) / n), np.sqrt(p1 * (1 - p1) / n)
    lo = max(-0.05, min(p0 - 4.5 * se0, p1 - 4.5 * se1))
    hi = min(1.05, max(p0 + 4.5 * se0, p1 + 4.5 * se1))
    grid = np.linspace(lo, hi, points)
    crit_low = crit_high = None
    if alternative == "two-sided":
        c = stats.norm.isf(alpha / 2)
        crit_low, crit_high = p0 - c * se0, p0 + c * se0
    elif alternative == "greater":
        crit_high = p0 + stats.norm.isf(alpha) * se0
    else:
        crit_low = p0 - stats.norm.isf(alpha) * se0
    cuts = sorted(c for c in (crit_low, crit_high) if c is not None)
    if observed is not None:
        cuts += [float(observed), 2 * p0 - float(observed)]  # the p-value area starts exactly at p̂
    grid = np.unique(np.concatenate([grid, [c for c in cuts if lo < c < hi]]))
    null = stats.norm.pdf(grid, p0, se0)
    alt = stats.norm.pdf(grid, p1, se1)
    reject = np.zeros(grid.size, bool)
    if crit_low is not None:
        reject |= grid <= crit_low + 1e-15
    if crit_high is not None:
        reject |= grid >= crit_high - 1e-15
    frames = [
        pd.DataFrame({"p_hat": grid, "density": null, "area": "H0: p = p0", "segment": "null"}),
        pd.DataFrame({"p_hat": grid, "density": alt, "area": "H1: p = p1", "segment": "alt"}),
    ]

    def shaded(mask: np.ndarray, density: np.ndarray, name: str) -> None:
        # Keep the cut points in both pieces so the areas meet; split disjoint tails into segments.
        edges = np.flatnonzero(np.diff(mask.astype(int)) != 0)
        keep = mask.copy()
        keep[edges] = True
        keep[np.minimum(edges + 1, mask.size - 1)] = True
        inside = mask if mask.all() or not mask.any() else keep
        runs = np.cumsum(np.concatenate([[1], np.diff(inside.astype(int)) == 1]))
        segment = [f"{name} {r}" for r in runs[inside]]
        frames.append(
            pd.DataFrame({"p_hat": grid[inside], "density": density[inside], "area": name, "segment": segment})
        )

    power = float(_normal_power(p0, p1, np.asarray(float(n)), alpha, alternative))
    shaded(reject, null, "α: reject | H0")
    shaded(~reject, alt, "β: keep | H1")
    shaded(reject, alt, "power: reject | H1")
    pvalue = z = None
    if observed is not None:
        observed = _check_probability(observed, "observed (the observed proportion)", closed=True)
        z = (observed - p0) / se0
        pvalue = float(_normal_pvalue(z, alternative))
        if alternative == "greater":
            tail = grid >= observed - 1e-12
        elif alternative == "less":
            tail = grid <= observed + 1e-12
        else:
            tail = np.abs(grid - p0) >= abs(observed - p0) - 1e-12
        if tail.any():
            shaded(tail, null, "p-value area")
    curves = pd.concat(frames, ignore_index=True)
    return SamplingPicture(
        curves, crit_low, crit_high, alpha, 1 - power, power, pvalue, None if z is None else float(z)
    )


def exact_picture(p0: float, p1: float, n: int, alpha: float = 0.05, alternative: Alternative = "two-sided") -> object:
    """Binomial(n, p0) and Binomial(n, p1) pmfs with the exact test's rejection region marked (a DataFrame).

    Only counts where either pmf exceeds 1e-5 are kept, so the chart stays small for large n.
    """
    import pandas as pd

    region = rejection_region(n, p0, alpha, alternative, "exact")
    k = np.arange(int(n) + 1)
    pmf0, pmf1 = stats.binom.pmf(k, n, p0), stats.binom.pmf(k, n, p1)
    keep = (pmf0 > 1e-5) | (pmf1 > 1e-5)
    verdict = np.where(region, "reject H0", "keep H0")
    return pd.concat(
        [
            pd.DataFrame(
                {
                    "k": k[keep],
                    "probability": pmf0[keep],
                    "distribution": "H0: Binomial(n, p0)",
                    "region": verdict[keep],
                }
            ),
            pd.DataFrame(
                {
                    "k": k[keep],
                    "probability": pmf1[keep],
                    "distribution": "H1: Binomial(n, p1)",
                    "region": verdict[keep],
                }
            ),
        ],
        ignore_index=True,
    )


VERDICTS: tuple[str, ...] = (
    "all reject",
    "all keep",
    "tests reject, Bayes favours H0",
    "tests keep, Bayes favours H1",
    "z-tests reject, exact keeps",
    "exact rejects, z-tests keep",
    "score and Wald disagree",
    "minlike and central disagree",
)


def verdict_map(
    p0: float = 0.5,
    alpha: float = 0.05,
    n_max: int = 60,
    alternative: Alternative = "two-sided",
    a: float = 1.0,
    b: float = 1.0,
    prior_null: float = 0.5,
) -> object:
    """For every n = 1..n_max and k = 0..n, which verdicts the five ways reach (a DataFrame).

    The frequentist tests (score z, Wald z, exact minlike, exact central) reject at level α; the
    Bayesian verdict "favours H1" when P(H0 | k) < 1/2. Each cell gets the first of :data:`VERDICTS`
    that describes it; the Wald test counts as keeping H0 where it is undefined (k = 0 or n).
    """
    import pandas as pd

    n_max = _check_whole(n_max, "n_max", 1, 400)
    p0 = _check_probability(p0, "p0 (the null proportion)")
    prior_null = _check_probability(prior_null, "prior_null (the prior probability of H0)", closed=True)
    rows_n, rows_k, labels = [], [], []
    for n in range(1, n_max + 1):
        k = np.arange(n + 1)
        score = rejection_region(n, p0, alpha, alternative, "z")
        wald = rejection_region(n, p0, alpha, alternative, "wald")
        minlike = rejection_region(n, p0, alpha, alternative, "exact", "minlike")
        central = rejection_region(n, p0, alpha, alternative, "exact", "central")
        log_null = k * np.log(p0) + (n - k) * np.log1p(-p0)
        log_alt = special.betaln(k + a, n - k + b) - special.betaln(a, b)
        bf01 = np.exp(log_null - log_alt)
        post = prior_null * bf01 / (prior_null * bf01 + (1 - prior_null)) if prior_null < 1 else np.ones(n + 1)
        bayes = post < 0.5
        freq = np.stack([score, wald, minlike, central])
        all_r, none_r = freq.all(0), ~freq.any(0)
        z_both, exact_both = score & wald, minlike & central
        z_none, exact_none = ~score & ~wald, ~minlike & ~central
        label = np.select(
            [
                all_r & bayes,
                none_r & ~bayes,
                all_r & ~bayes,
                none_r & bayes,
                z_both & exact_none,
                exact_both & z_none,
                score != wald,
                minlike != central,
            ],
            list(VERDICTS),
            default="other split",
        )
        rows_n.append(np.full(n + 1, n))
        rows_k.append(k)
        labels.append(label)
    return pd.DataFrame({"n": np.concatenate(rows_n), "k": np.concatenate(rows_k), "verdict": np.concatenate(labels)})


def power_table(
    p0: float, p1: float, n_max: int, alpha: float = 0.05, alternative: Alternative = "two-sided"
) -> object:
    """Power against p1 and actual size (at p0) for n = 1..n_max (a DataFrame).

    Columns: ``n``; ``z formula`` (the normal approximation, :func:`power_proportion` with test="z");
    ``z-test, exact rate`` (the score test's true rejection probability, summed over its rejection
    region); ``exact test`` (the binomial test's power); and the same three at p = p0 as
    ``size: …`` columns (the actual type-1 error rates).
    """
    import pandas as pd

    n_max = _check_whole(n_max, "n_max", 1, 5_000)
    p0 = _check_probability(p0, "p0 (the null proportion)")
    p1 = _check_probability(p1, "p1 (the true proportion under H1)")
    alpha = _check_alpha(alpha)
    alternative = _check_alternative(alternative)
    ns = np.arange(1, n_max + 1)
    z_formula = power_curve(p0, p1, ns, alpha, alternative, "z")
    z_rate, exact, z_size, exact_size = (np.empty(n_max) for _ in range(4))
    for i, n in enumerate(ns):
        k = np.arange(n + 1)
        # One set of pmfs per n; the regions are the same ones rejection_region() returns.
        pmf0, pmf1 = _binom_pmf(k, n, p0), _binom_pmf(k, n, p1)
        z_region = _normal_pvalue((k / n - p0) / np.sqrt(p0 * (1 - p0) / n), alternative) <= alpha
        exact_region = _exact_pvalues_from_pmf(pmf0, alternative) <= alpha
        z_rate[i], exact[i] = pmf1[z_region].sum(), pmf1[exact_region].sum()
        z_size[i], exact_size[i] = pmf0[z_region].sum(), pmf0[exact_region].sum()
    return pd.DataFrame(
        {
            "n": ns,
            "z formula": z_formula,
            "z-test, exact rate": z_rate,
            "exact test": exact,
            "size: z formula": np.full(ns.size, alpha),
            "size: z-test, exact rate": z_size,
            "size: exact test": exact_size,
        }
    )


def simulated_rates(
    p0: float,
    p_true: float,
    n_values: Sequence[int],
    alpha: float = 0.05,
    alternative: Alternative = "two-sided",
    n_sims: int = 2_000,
    seed: int | np.random.Generator | None = None,
) -> object:
    """Simulated rejection rates of the z-test and the exact test at each n, with 95% Wilson intervals.

    Returns a DataFrame with ``n``, ``curve`` ("simulated z-test" / "simulated exact test"), ``rate``,
    ``low`` and ``high``.
    """
    import pandas as pd

    rng = np.random.default_rng(seed)
    n_sims = _check_whole(n_sims, "n_sims", 1, MAX_RESAMPLES)
    z = stats.norm.isf(0.025)
    rows = []
    for n in n_values:
        for test, name in (("z", "simulated z-test"), ("exact", "simulated exact test")):
            rate = simulate_rejection_rate(p0, p_true, int(n), alpha, alternative, test, n_sims, rng)
            centre = (rate + z**2 / (2 * n_sims)) / (1 + z**2 / n_sims)
            half = z * np.sqrt(rate * (1 - rate) / n_sims + z**2 / (4 * n_sims**2)) / (1 + z**2 / n_sims)
            rows.append((int(n), name, rate, max(0.0, centre - half), min(1.0, centre + half)))
    return pd.DataFrame(rows, columns=["n", "curve", "rate", "low", "high"])


def read_csv_column(content: bytes | str, column: str | None = None, kind: str = "numbers") -> np.ndarray:
    """One column of an uploaded CSV: ``kind="numbers"`` (finite floats) or ``"flips"`` (H/T or 1/0 as 1/0).

    ``column`` names the column; by default the first one is used. Text in a numeric column,
    an empty file or a missing column raise a one-sentence ``ValueError``.
    """
    import io

    import pandas as pd

    text = content.decode("utf-8", errors="replace") if isinstance(content, bytes) else str(content)
    if not text.strip():
        raise ValueError("The CSV file is empty.")
    check_csv_width(text)
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, skipinitialspace=True)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeError):
        raise ValueError("The file could not be read as a CSV table with a header row.") from None
    if frame.shape[1] == 0 or frame.shape[0] == 0:
        raise ValueError("The CSV file needs a header row and at least one data row.")
    name = frame.columns[0] if column is None else column
    if name not in frame.columns:
        raise ValueError(f"The CSV file has no column named {str(name)[:40]!r}.")
    cells = frame[name].str.strip()
    cells = cells[cells != ""]
    if cells.empty:
        raise ValueError(f"Column {str(name)[:40]!r} of the CSV file is empty.")
    if kind == "flips":
        upper = cells.str.upper()
        bad = ~upper.isin(["H", "T", "1", "0"])
        if bad.any():
            row = int(bad.to_numpy().argmax())
            raise ValueError(
                f"Column {str(name)[:40]!r} must hold H/T or 1/0 flips; row {row + 1} holds {cells.iloc[row][:20]!r}."
            )
        return upper.isin(["H", "1"]).to_numpy().astype(np.int64)
    if kind != "numbers":
        raise ValueError(f"kind must be numbers or flips, got {kind!r}.")
    values = pd.to_numeric(cells, errors="coerce")
    bad = values.isna() | ~np.isfinite(values.fillna(0.0))
    if bad.any():
        row = int(bad.to_numpy().argmax())
        raise ValueError(
            f"Column {str(name)[:40]!r} must hold numbers only; row {row + 1} holds {cells.iloc[row][:20]!r}."
        )
    return values.to_numpy(dtype=float)
