"""The ELBO on the notes' coin: θ ~ Beta(a, b), k heads in n flips, q(θ) any distribution on (0, 1).

Model: p(k | θ) = C(n, k) θᵏ (1 − θ)ⁿ⁻ᵏ, prior Beta(a, b), posterior Beta(a + k, b + n − k) (conjugate).

* Log evidence: log p(k) = log C(n, k) + log B(a + k, b + n − k) − log B(a, b)  (the beta-binomial pmf).
* Jensen's inequality on the concave log gives, for any q,
  log p(k) = log E_q[p(k, θ) / q(θ)] ≥ E_q[log p(k, θ) − log q(θ)] = ELBO(q),
  and the gap is exactly log p(k) − ELBO(q) = KL(q ‖ p(θ | k)), zero at the posterior.
* For q = Beta(α, β), with ψ the digamma function and E_q[log θ] = ψ(α) − ψ(α + β):
  ELBO = log C(n, k) − log B(a, b) + (a + k − 1) E_q[log θ] + (b + n − k − 1) E_q[log(1 − θ)] + H(q).

Stochastic VI fits q over z = logit θ, z ~ N(μ, σ²) (a logit-normal q, as ADVI does), by gradient
ascent on a Monte-Carlo ELBO with the reparameterization z = μ + σ ε, ε ~ N(0, 1).

>>> log_z = beta_binomial_log_evidence(7, 10, 1, 1)
>>> round(log_z, 6), round(log_z - elbo_beta(7, 10, 1, 1, 8, 4), 12)
(-2.397895, 0.0)
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy.special import betaln, digamma, expit, gammaln

from lib.validation import positive, whole

MAX_FLIPS = 1_000_000
MAX_ITERATIONS = 100_000
MAX_SAMPLES = 100_000
MAX_DRAWS = 10_000_000  # n_iter × n_samples, drawn up front
QUADRATURE_NODES = 96


def _data(k: object, n: object, a: object, b: object) -> tuple[int, int, float, float]:
    n = whole("n", n, low=0, high=MAX_FLIPS)
    return whole("k", k, low=0, high=n), n, positive("a", a), positive("b", b)


def log_binomial_coefficient(n: int, k: int) -> float:
    """log C(n, k)."""
    return float(gammaln(n + 1) - gammaln(k + 1) - gammaln(n - k + 1))


def beta_posterior(k: int, n: int, a: float, b: float) -> tuple[float, float]:
    """The conjugate posterior's parameters: Beta(a + k, b + n − k)."""
    k, n, a, b = _data(k, n, a, b)
    return a + k, b + n - k


def beta_binomial_log_evidence(k: int, n: int, a: float, b: float) -> float:
    """log p(k | n) with θ ~ Beta(a, b): log C(n, k) + log B(a + k, b + n − k) − log B(a, b).

    Equals ``scipy.stats.betabinom.logpmf(k, n, a, b)``; with a = b = 1 every k has evidence 1/(n + 1).

    >>> round(float(np.exp(beta_binomial_log_evidence(3, 9, 1, 1))), 12)
    0.1
    """
    k, n, a, b = _data(k, n, a, b)
    return log_binomial_coefficient(n, k) + float(betaln(a + k, b + n - k) - betaln(a, b))


def beta_entropy(alpha: float, beta: float) -> float:
    """Differential entropy of Beta(α, β) (as ``scipy.stats.beta(α, β).entropy()``)."""
    alpha, beta = positive("alpha", alpha), positive("beta", beta)
    return float(
        betaln(alpha, beta)
        - (alpha - 1) * digamma(alpha)
        - (beta - 1) * digamma(beta)
        + (alpha + beta - 2) * digamma(alpha + beta)
    )


def beta_kl(alpha_1: float, beta_1: float, alpha_2: float, beta_2: float) -> float:
    """KL(Beta(α₁, β₁) ‖ Beta(α₂, β₂)) in closed form (nats).

    >>> beta_kl(2, 3, 2, 3)
    0.0
    """
    a1, b1 = positive("q_alpha", alpha_1), positive("q_beta", beta_1)
    a2, b2 = positive("alpha", alpha_2), positive("beta", beta_2)
    kl = (
        betaln(a2, b2)
        - betaln(a1, b1)
        + (a1 - a2) * digamma(a1)
        + (b1 - b2) * digamma(b1)
        + (a2 - a1 + b2 - b1) * digamma(a1 + b1)
    )
    return float(max(kl, 0.0))


def elbo_beta(k: int, n: int, a: float, b: float, q_alpha: float, q_beta: float) -> float:
    """The exact ELBO E_q[log p(k, θ) − log q(θ)] of q = Beta(q_alpha, q_beta) for the coin model.

    log evidence − ELBO = KL(q ‖ posterior) ≥ 0, zero at q = Beta(a + k, b + n − k).

    >>> gap = beta_binomial_log_evidence(2, 5, 2, 2) - elbo_beta(2, 5, 2, 2, 3, 3)
    >>> round(gap, 12) == round(beta_kl(3, 3, 4, 5), 12)
    True
    """
    k, n, a, b = _data(k, n, a, b)
    q_alpha, q_beta = positive("q_alpha", q_alpha), positive("q_beta", q_beta)
    log_theta = digamma(q_alpha) - digamma(q_alpha + q_beta)  # E_q[log θ]
    log_one_minus = digamma(q_beta) - digamma(q_alpha + q_beta)  # E_q[log(1 − θ)]
    expected_log_joint = (
        log_binomial_coefficient(n, k) - betaln(a, b) + (a + k - 1) * log_theta + (b + n - k - 1) * log_one_minus
    )
    return float(expected_log_joint + beta_entropy(q_alpha, q_beta))


# --- Stochastic VI with the reparameterization trick --------------------------------------------------


def _log_joint_in_z(z: np.ndarray, k: int, n: int, a: float, b: float) -> np.ndarray:
    """log p(k, θ) + log |dθ/dz| at θ = sigmoid(z): the target density of z = logit θ (any shape)."""
    log_theta, log_one_minus = -np.logaddexp(0, -z), -np.logaddexp(0, z)  # log σ(z), log σ(−z), stable
    return log_binomial_coefficient(n, k) - betaln(a, b) + (a + k) * log_theta + (b + n - k) * log_one_minus


def logit_normal_elbo(k: int, n: int, a: float, b: float, mu: ArrayLike, sigma: ArrayLike) -> np.ndarray:
    """The exact ELBO of q: logit θ ~ N(μ, σ²), by Gauss–Hermite quadrature; μ, σ broadcast together.

    ELBO = E_z[log p(k, σ(z)) + log σ(z)(1 − σ(z))] + ½ log(2πe σ²) ≤ log evidence.
    """
    k, n, a, b = _data(k, n, a, b)
    mu, sigma = np.broadcast_arrays(np.asarray(mu, dtype=float), np.asarray(sigma, dtype=float))
    nodes, weights = np.polynomial.hermite_e.hermegauss(QUADRATURE_NODES)
    z = mu[..., None] + sigma[..., None] * nodes  # (..., nodes)
    expected = _log_joint_in_z(z, k, n, a, b) @ weights / np.sqrt(2 * np.pi)
    return expected + 0.5 * np.log(2 * np.pi * np.e * sigma**2)


@dataclass(frozen=True)
class StochasticVI:
    """A stochastic-VI run: q(z = logit θ) = N(mu, sigma²).

    ``elbo_estimates`` (n_iter,) holds the Monte-Carlo ELBO at each step (before its update);
    ``params`` (n_iter + 1, 2) the (μ, σ) path, row 0 the start.
    """

    mu: float
    sigma: float
    elbo_estimates: np.ndarray
    params: np.ndarray


def stochastic_vi_coin(
    k: int,
    n: int,
    a: float,
    b: float,
    n_iter: int = 2000,
    n_samples: int = 16,
    learning_rate: float = 0.05,
    seed: int | None = None,
) -> StochasticVI:
    """Fit q(logit θ) = N(μ, σ²) by Adam ascent on a reparameterized Monte-Carlo ELBO.

    Each step draws ε (n_samples,), sets z = μ + σ ε and uses the unbiased gradients
    ∂/∂μ = mean g'(z) and ∂/∂log σ = mean g'(z) ε σ + 1, with g the log joint density of z
    (the +1 is the entropy's derivative). The step size decays as 1/√(1 + t/100).

    >>> fit = stochastic_vi_coin(7, 10, 1, 1, n_iter=3000, seed=0)
    >>> bool(abs(logit_normal_elbo(7, 10, 1, 1, fit.mu, fit.sigma) - beta_binomial_log_evidence(7, 10, 1, 1)) < 0.02)
    True
    """
    k, n, a, b = _data(k, n, a, b)
    n_iter = whole("n_iter", n_iter, low=1, high=MAX_ITERATIONS)
    n_samples = whole("n_samples", n_samples, low=1, high=MAX_SAMPLES)
    learning_rate = positive("learning_rate", learning_rate)
    if n_iter * n_samples > MAX_DRAWS:
        raise ValueError(f"n_iter × n_samples may be at most {MAX_DRAWS:,}, got {n_iter * n_samples:,}.")
    eps = np.random.default_rng(seed).standard_normal((n_iter, n_samples))  # every step's draws at once
    z = np.empty_like(eps)  # (n_iter, n_samples): the points where each step's gradient is taken
    mu, log_sigma = 0.0, 0.0  # q starts at N(0, 1)
    first, second = [0.0, 0.0], [0.0, 0.0]  # Adam's moment estimates for (μ, log σ)
    params = np.empty((n_iter + 1, 2))
    params[0] = mu, 1.0
    heads, tails = a + k, b + n - k
    for t in range(n_iter):
        sigma = math.exp(log_sigma)
        z[t] = mu + sigma * eps[t]  # the reparameterization: z is a differentiable function of (μ, σ)
        slope = heads - (heads + tails) * expit(z[t])  # g'(z) = (a + k)(1 − θ) − (b + n − k) θ
        grad = (float(slope.mean()), float((slope * eps[t]).mean()) * sigma + 1.0)  # +1: the entropy's
        step = learning_rate / math.sqrt(1 + t / 100)
        for i, g in enumerate(grad):
            first[i] = 0.9 * first[i] + 0.1 * g
            second[i] = 0.999 * second[i] + 0.001 * g * g
        mu += step * (first[0] / (1 - 0.9 ** (t + 1))) / (math.sqrt(second[0] / (1 - 0.999 ** (t + 1))) + 1e-8)
        log_sigma += step * (first[1] / (1 - 0.9 ** (t + 1))) / (math.sqrt(second[1] / (1 - 0.999 ** (t + 1))) + 1e-8)
        params[t + 1] = mu, math.exp(log_sigma)
    entropy = np.log(params[:-1, 1]) + 0.5 * np.log(2 * np.pi * np.e)  # of q_t, exact
    estimates = _log_joint_in_z(z, k, n, a, b).mean(axis=1) + entropy  # (n_iter,) the Monte-Carlo ELBO of q_t
    return StochasticVI(mu, math.exp(log_sigma), estimates, params)
