"""The beta-negative-binomial distribution: pmf, moments, sampling, likelihood and fit."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import optimize, special, stats

from lib.mle._shared import Seed, _counts, _log_choose_trials, _rng
from lib.mle.estimates import negative_binomial_mle
from lib.validation import one_of, positive, probability, whole


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


# ---------------------------------------------------------------------------
# Uncertainty of (α̂, β̂): observed information and profile likelihood
# ---------------------------------------------------------------------------

PARAMETERS: tuple[str, ...] = ("alpha", "beta")


def bnb_observed_information(trials: Sequence[int] | np.ndarray, k: int, alpha: float, beta: float) -> np.ndarray:
    """The observed information ``−∇²ℓ(α, β)``, (2, 2), analytic (trigamma ψ₁ functions).

    With counts ``c_n`` of each value n and N = Σ c_n draws, ``ℓ = Σ c_n B(k+α, n−k+β) − N·B(α, β)`` (B = log
    beta function) has ``∂²ℓ/∂α² = Σ c_n [ψ₁(k+α) − ψ₁(n+α+β)] − N [ψ₁(α) − ψ₁(α+β)]``, the same in β with
    ``n − k + β`` for ``k + α``, and ``∂²ℓ/∂α∂β = −Σ c_n ψ₁(n+α+β) + N ψ₁(α+β)``.

    >>> bnb_observed_information([1, 2, 1, 3, 1], 1, 2.0, 1.0).round(3)
    array([[ 0.529, -0.721],
           [-0.721,  1.529]])
    """
    n, k = _bnb_trials(trials, k)
    a, b = positive("alpha", alpha), positive("beta", beta)
    values, counts, _ = _bnb_terms(n, k)
    total = counts.sum()
    psi1 = lambda x: special.polygamma(1, x)  # noqa: E731  trigamma
    all_ = np.sum(counts * psi1(values + a + b))
    d_aa = np.sum(counts * psi1(k + a)) - all_ - total * (psi1(a) - psi1(a + b))
    d_bb = np.sum(counts * psi1(values - k + b)) - all_ - total * (psi1(b) - psi1(a + b))
    d_ab = -all_ + total * psi1(a + b)
    return -np.array([[d_aa, d_ab], [d_ab, d_bb]])


def _profile_max(values: np.ndarray, counts: np.ndarray, k: int, parameter: str, fixed: float) -> float:
    """max over the other parameter of ℓ(α, β) without its constant, with ``parameter`` held at ``fixed``."""
    total = counts.sum()

    def negative(log_other: float) -> float:
        other = np.exp(log_other)
        a, b = (fixed, other) if parameter == "alpha" else (other, fixed)
        return -float(np.sum(counts * special.betaln(k + a, values - k + b)) - total * special.betaln(a, b))

    low, high = np.log(BNB_BOUNDS)
    result = optimize.minimize_scalar(negative, bounds=(low, high), method="bounded", options={"xatol": 1e-9})
    return -float(result.fun)


def bnb_profile_loglik(
    trials: Sequence[int] | np.ndarray, k: int, parameter: str, values: np.ndarray | Sequence[float]
) -> np.ndarray:
    """The profile log-likelihood ``ℓ_p(θ) = max_other ℓ(α, β)`` of ``parameter`` ("alpha" or "beta") at each of
    ``values`` (constants included, so it meets :func:`beta_negative_binomial_loglik` at the MLE).

    The other parameter is maximised on its log scale over the box ``BNB_BOUNDS`` (bounded Brent search).
    """
    n, k = _bnb_trials(trials, k)
    parameter = one_of("parameter", parameter, PARAMETERS)
    grid = np.asarray(values, dtype=float).ravel()
    if grid.size == 0 or np.any(~np.isfinite(grid)) or np.any(grid <= 0):
        raise ValueError(f"values of {parameter} must be numbers > 0.")
    unique, counts, constant = _bnb_terms(n, k)
    return np.array([_profile_max(unique, counts, k, parameter, x) for x in grid]) + constant


@dataclass(frozen=True)
class BnbInference:
    """The MLE of the beta-negative-binomial's (α, β) with its uncertainty.

    Attributes
    ----------
    alpha, beta : the MLE (:func:`fit_beta_negative_binomial`).
    covariance : the inverse observed information, (2, 2) for (α, β); ``inf`` where the information is
        singular (the fit at the edge of its box).
    se_alpha, se_beta : square roots of its diagonal (Wald: α̂ ± z·se).
    alpha_ci, beta_ci : profile-likelihood intervals, where ``ℓ_p`` is ``χ²₁(level)/2`` below ``ℓ(α̂, β̂)``;
        the upper ends are ``inf`` when the data show no more spread than a negative binomial (the profiles then
        never drop that far: their limit as α, β → ∞ is the negative binomial's maximum).
    loglik : ``ℓ(α̂, β̂)``, constants included.
    level : the confidence level.
    """

    alpha: float
    beta: float
    covariance: np.ndarray
    se_alpha: float
    se_beta: float
    alpha_ci: tuple[float, float]
    beta_ci: tuple[float, float]
    loglik: float
    level: float = 0.95

    @property
    def cutoff(self) -> float:
        """``χ²₁(level)/2`` (1.92 at 95%): the drop of the profile log-likelihood at the interval's ends."""
        return float(stats.chi2.ppf(self.level, 1) / 2)

    @property
    def correlation(self) -> float:
        """Correlation of α̂ and β̂ from the covariance (α and β move together: the prior's strength)."""
        return float(self.covariance[0, 1] / (self.se_alpha * self.se_beta)) if np.isfinite(self.se_alpha) else 0.0

    def wald_ci(self, parameter: str) -> tuple[float, float]:
        """``θ̂ ± z_{(1+level)/2} · se`` for ``parameter`` ("alpha" or "beta")."""
        z = float(stats.norm.ppf((1 + self.level) / 2))
        value, se = (self.alpha, self.se_alpha) if parameter == "alpha" else (self.beta, self.se_beta)
        return value - z * se, value + z * se


def _profile_end(profile, value: float, top: float, drop: float, edge: float) -> float:
    """Where the profile falls to ``top − drop`` between the MLE ``value`` and the box ``edge`` (log scale)."""
    gap = lambda log_x: profile(np.exp(log_x)) - (top - drop)  # noqa: E731  > 0 inside the interval
    if gap(np.log(edge)) > 0:  # no end inside the box on this side: the interval is open to 0 or ∞
        return float("inf") if edge > value else 0.0
    return float(np.exp(optimize.brentq(gap, np.log(value), np.log(edge), xtol=1e-12, rtol=1e-12)))


def bnb_inference(trials: Sequence[int] | np.ndarray, k: int, level: float = 0.95) -> BnbInference:
    """Fit (α, β) and give standard errors (inverse observed information) and profile-likelihood intervals.

    The profile interval of α holds the α whose profile ``ℓ_p(α) = max_β ℓ(α, β)`` lies within
    ``χ²₁(level)/2`` of the maximum (likelihood-ratio test inversion); unlike the Wald interval it follows the
    likelihood's skew and never leaves α > 0.

    >>> trials = sample_beta_negative_binomial(2, 6.0, 3.0, 500, seed=1)
    >>> fit = bnb_inference(trials, 2)
    >>> fit.alpha_ci[0] < fit.alpha < fit.alpha_ci[1]
    True
    """
    level = probability("level", level)
    n, k = _bnb_trials(trials, k)
    a_hat, b_hat = fit_beta_negative_binomial(n, k)
    top = float(beta_negative_binomial_loglik(n, k, a_hat, b_hat))
    information = bnb_observed_information(n, k, a_hat, b_hat)
    at_edge = max(a_hat, b_hat) > 0.99 * BNB_BOUNDS[1]
    positive_definite = np.all(np.linalg.eigvalsh(information) > 0)
    covariance = np.linalg.inv(information) if positive_definite and not at_edge else np.full((2, 2), np.inf)
    drop = float(stats.chi2.ppf(level, 1) / 2)
    unique, counts, constant = _bnb_terms(n, k)
    # As α, β → ∞ together the Beta prior collapses onto one p: both profiles tend to the negative binomial's
    # maximum. When that lies within the cut-off, neither profile ever drops far enough: no upper ends.
    open_above = top - negative_binomial_mle(n, k).loglik <= drop
    intervals = []
    for parameter, value in zip(PARAMETERS, (a_hat, b_hat), strict=True):
        profile = lambda x, p=parameter: _profile_max(unique, counts, k, p, x) + constant  # noqa: E731
        lower = _profile_end(profile, value, top, drop, BNB_BOUNDS[0])
        upper = float("inf") if open_above else _profile_end(profile, value, top, drop, BNB_BOUNDS[1])
        intervals.append((lower, upper))
    se = np.sqrt(np.diag(covariance))
    return BnbInference(a_hat, b_hat, covariance, float(se[0]), float(se[1]), intervals[0], intervals[1], top, level)
