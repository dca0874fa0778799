"""The beta-negative-binomial distribution: pmf, moments, sampling, likelihood and fit."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import optimize, special

from lib.mle._shared import Seed, _counts, _log_choose_trials, _rng
from lib.validation import positive, whole


def beta_negative_binomial_pmf(n: np.ndarray | int, k: int, alpha: float, beta: float) -> np.ndarray:
    """P(the ``k``-th success comes on trial ``n``) when ``p ~ Beta(α, β)``.

    ``P(n) = C(n−1, k−1)·B(k+α, n−k+β) / B(α, β)`` for whole ``n >= k``, 0 otherwise; computed
    in log space with ``gammaln``/``betaln``. It is the negative binomial averaged over the
    Beta prior (the posterior predictive of the notes). scipy counts failures:
    ``scipy.stats.betanbinom.pmf(n − k, k, α, β)``.

    >>> float(beta_negative_binomial_pmf(1, 1, 1.0, 1.0))  # first trial succeeds: E[p] = 1/2
    0.5
    """
    k = whole("k", k, 1)
    alpha, beta = positive("alpha", alpha), positive("beta", beta)
    n = np.asarray(n, dtype=float)
    valid = (n >= k) & (n == np.round(n))
    safe = np.where(valid, n, k)
    log_pmf = _log_choose_trials(safe, k) + special.betaln(k + alpha, safe - k + beta) - special.betaln(alpha, beta)
    return np.where(valid, np.exp(log_pmf), 0.0)


def beta_negative_binomial_mean(k: int, alpha: float, beta: float) -> float:
    """``E[n] = k + k·β/(α − 1)`` for α > 1; ``inf`` for α <= 1 (the tail is too heavy)."""
    k = whole("k", k, 1)
    alpha, beta = positive("alpha", alpha), positive("beta", beta)
    return k + k * beta / (alpha - 1) if alpha > 1 else float("inf")


def sample_beta_negative_binomial(k: int, alpha: float, beta: float, size: int, seed: Seed = None) -> np.ndarray:
    """Draw ``p ~ Beta(α, β)``, then the trials until the ``k``-th success: the compound, literally."""
    k = whole("k", k, 1)
    alpha, beta = positive("alpha", alpha), positive("beta", beta)
    size = whole("size", size, 1, 1_000_000)
    rng = _rng(seed)
    p = np.clip(rng.beta(alpha, beta, size), 1e-12, 1.0)
    return rng.negative_binomial(k, p) + k


def _bnb_terms(trials: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray, float]:
    values, counts = np.unique(trials, return_counts=True)
    constant = float(np.sum(counts * (special.gammaln(values) - special.gammaln(k) - special.gammaln(values - k + 1))))
    return values.astype(float), counts.astype(float), constant


def _bnb_trials(trials: Sequence[int] | np.ndarray, k: int) -> tuple[np.ndarray, int]:
    k = whole("k", k, 1)
    n = _counts(trials, "trials")
    if np.any(n < k):
        raise ValueError(f"Each number of trials must be >= k = {k} (it takes k trials to see k successes).")
    return n, k


def beta_negative_binomial_loglik(
    trials: Sequence[int] | np.ndarray, k: int, alpha: np.ndarray | float, beta: np.ndarray | float
) -> np.ndarray:
    """Log-likelihood of (α, β) for trials-until-the-k-th-success data; broadcasts over α and β."""
    n, k = _bnb_trials(trials, k)
    alpha, beta = np.asarray(alpha, dtype=float), np.asarray(beta, dtype=float)
    if np.any(~np.isfinite(alpha)) or np.any(alpha <= 0) or np.any(~np.isfinite(beta)) or np.any(beta <= 0):
        raise ValueError("alpha and beta must be numbers > 0.")
    values, counts, constant = _bnb_terms(n, k)
    shape = np.broadcast(alpha, beta).shape
    a, b = (x.reshape(*shape, 1) for x in np.broadcast_arrays(alpha, beta))
    terms = special.betaln(k + a, values - k + b) - special.betaln(a, b)
    return (terms * counts).sum(axis=-1) + constant


BNB_BOUNDS = (1e-3, 1e5)  # the search box for α and β (see fit_beta_negative_binomial)


def fit_beta_negative_binomial(trials: Sequence[int] | np.ndarray, k: int) -> tuple[float, float]:
    """Numeric MLE of (α, β) for trials-until-the-k-th-success data.

    Maximises ``Σ log BNB(n_i; k, α, β)`` over ``(log α, log β)`` with L-BFGS-B and the
    analytic gradient (digamma functions), from a start at the negative-binomial MLE.
    Both parameters are searched in ``[1e-3, 1e5]``: when the data show no more spread than
    a negative binomial, the likelihood keeps rising as α, β → ∞ with α/(α+β) fixed (the
    Beta prior collapses to a point), and the fit stops at that edge of the box.

    Returns
    -------
    (alpha, beta)
    """
    n, k = _bnb_trials(trials, k)
    values, counts, _ = _bnb_terms(n, k)
    total = counts.sum()

    def negative(theta: np.ndarray) -> tuple[float, np.ndarray]:
        a, b = np.exp(theta)
        value = np.sum(counts * (special.betaln(k + a, values - k + b))) - total * special.betaln(a, b)
        psi_all = special.digamma(values + a + b)
        psi_ab = special.digamma(a + b)
        d_a = np.sum(counts * (special.digamma(k + a) - psi_all)) - total * (special.digamma(a) - psi_ab)
        d_b = np.sum(counts * (special.digamma(values - k + b) - psi_all)) - total * (special.digamma(b) - psi_ab)
        return -float(value), -np.array([d_a * a, d_b * b])

    p_hat = min(max(k * n.size / n.sum(), 1e-3), 1 - 1e-3)
    log_bounds = [tuple(np.log(BNB_BOUNDS))] * 2
    best = None
    for strength in (2.0, 20.0, 200.0):  # a few prior strengths α+β around the NB estimate
        start = np.log(np.clip([strength * p_hat + 1.0, strength * (1 - p_hat)], *BNB_BOUNDS))
        result = optimize.minimize(negative, start, jac=True, method="L-BFGS-B", bounds=log_bounds)
        if best is None or result.fun < best.fun:
            best = result
    alpha, beta = np.exp(best.x)
    return float(alpha), float(beta)


def bnb_loglik_surface(
    trials: Sequence[int] | np.ndarray, k: int, alphas: np.ndarray, betas: np.ndarray
) -> pd.DataFrame:
    """ℓ(α, β) on a grid, long format: columns ``alpha``, ``beta``, ``loglik``."""
    A, B = np.meshgrid(np.asarray(alphas, dtype=float), np.asarray(betas, dtype=float), indexing="ij")
    values = beta_negative_binomial_loglik(trials, k, A, B)
    return pd.DataFrame({"alpha": A.ravel(), "beta": B.ravel(), "loglik": values.ravel()})
