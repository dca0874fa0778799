"""Bayesian testing of a proportion: the Bayes factor BF01 and P(H0 | data)."""

from __future__ import annotations

import numpy as np
from scipy import special

from lib.hypothesis._shared import _check_counts
from lib.validation import positive, probability


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
    p0 = probability("p0 (the null proportion)", p0)
    a, b = positive("a (a Beta prior parameter)", a), positive("b (a Beta prior parameter)", b)
    return float(bf01_of_counts(k, n, p0, a, b))


def bf01_of_counts(k: np.ndarray | int, n: int, p0: float, a: float, b: float) -> np.ndarray:
    """BF01 for every count ``k`` of ``n`` at once (arguments already checked): the formula above."""
    log_null = k * np.log(p0) + (n - k) * np.log1p(-p0)
    log_alt = special.betaln(k + a, n - k + b) - special.betaln(a, b)
    return np.exp(log_null - log_alt)


def null_probability_from_bf01(bf01: np.ndarray | float, prior_null: float) -> np.ndarray | float:
    """``P(H0 | k) = π0 BF01 / (π0 BF01 + 1 − π0)``; 1 where the prior is certain of H0."""
    if prior_null == 1.0:
        return np.ones_like(bf01)
    return prior_null * bf01 / (prior_null * bf01 + (1 - prior_null))


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
    prior_null = probability("prior_null (the prior probability of H0)", prior_null, closed=True)
    return float(null_probability_from_bf01(bayes_factor_binomial(successes, n, p0, a, b), prior_null))


def sequential_bf01(flips: np.ndarray, p0: float = 0.5, a: float = 1.0, b: float = 1.0) -> np.ndarray:
    """BF01 after each flip (JASP's sequential analysis): entry t uses the first t + 1 flips (1 = heads).

    Example
    -------
    >>> sequential_bf01(np.array([1, 1, 0])).round(3)  # BF01 after H, HH, HHT
    array([1.  , 0.75, 1.5 ])
    """
    flips = np.asarray(flips)
    if flips.ndim != 1 or flips.size == 0 or not np.isin(flips, (0, 1)).all():
        raise ValueError("flips must be a non-empty sequence of 1 (heads) and 0 (tails).")
    p0 = probability("p0 (the null proportion)", p0)
    a, b = positive("a (a Beta prior parameter)", a), positive("b (a Beta prior parameter)", b)
    return bf01_of_counts(np.cumsum(flips), np.arange(1, flips.size + 1), p0, a, b)


def bf01_robustness(
    successes: int, n: int, p0: float = 0.5, concentrations: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """BF01 under the prior Beta(c p0, c (1 − p0)) centred on p0, for each concentration c (JASP's
    robustness check): a small c is a wide prior, a large one a narrow prior close to H0 itself.

    Returns (concentrations, BF01). The prior's standard deviation is ``sqrt(p0 (1 − p0) / (c + 1))``.

    Example
    -------
    >>> c, bf = bf01_robustness(115, 200, concentrations=np.array([2.0]))  # Beta(1, 1): the uniform prior
    >>> round(float(bf[0]), 3)
    1.197
    """
    k, n = _check_counts(successes, n)
    p0 = probability("p0 (the null proportion)", p0)
    c = np.geomspace(0.1, 1000, 121) if concentrations is None else np.asarray(concentrations, dtype=float)
    if c.ndim != 1 or c.size == 0 or not (np.isfinite(c) & (c > 0)).all():
        raise ValueError("concentrations must be a non-empty list of positive numbers.")
    return c, bf01_of_counts(k, n, p0, c * p0, c * (1 - p0))


def beta_prior_posterior(successes: int, n: int, a: float = 1.0, b: float = 1.0, points: int = 401) -> np.ndarray:
    """The Beta(a, b) prior and the Beta(a + k, b + n − k) posterior densities on a grid of p, drawn together
    as JASP does: columns (p, prior, posterior), about 1.5 ``points`` rows (the posterior's quantiles join the even
    grid, so a narrow posterior is drawn too); the grid avoids 0 and 1, where densities can be ∞.

    Example
    -------
    >>> grid = beta_prior_posterior(3, 4)  # uniform prior; posterior Beta(4, 2), mode 0.75
    >>> grid.shape[1], round(float(grid[grid[:, 2].argmax(), 0]), 2)
    (3, 0.75)
    """
    from scipy import stats

    k, n = _check_counts(successes, n)
    a, b = positive("a (a Beta prior parameter)", a), positive("b (a Beta prior parameter)", b)
    p = np.linspace(1e-3, 1 - 1e-3, points)
    # A posterior narrower than the even grid gets points of its own (its central 99.9%).
    p = np.union1d(p, stats.beta.ppf(np.linspace(5e-4, 1 - 5e-4, points // 2), a + k, b + n - k))
    return np.column_stack([p, stats.beta.pdf(p, a, b), stats.beta.pdf(p, a + k, b + n - k)])
