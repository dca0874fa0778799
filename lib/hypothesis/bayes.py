"""Bayesian testing of a proportion: the Bayes factor BF01 and P(H0 | data)."""

from __future__ import annotations

import numpy as np
from scipy import special

from lib.hypothesis._shared import _check_counts
from lib.validation import probability


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
    prior_null = probability("prior_null (the prior probability of H0)", prior_null, closed=True)
    bf01 = bayes_factor_binomial(successes, n, p0, a, b)
    if prior_null == 1.0:
        return 1.0
    return float(prior_null * bf01 / (prior_null * bf01 + (1 - prior_null)))
