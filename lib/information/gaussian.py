"""KL between Gaussians, the best factorised Gaussian (mean field), CAVI, and one Gaussian fitted to two bumps.

Notation: N(μ, Σ) in d dimensions, precision Λ = Σ⁻¹.

* KL(N_p‖N_q) = ½ [tr(Σ_q⁻¹ Σ_p) + (μ_q − μ_p)ᵀ Σ_q⁻¹ (μ_q − μ_p) − d + ln det Σ_q − ln det Σ_p].
* Mean field: the best q(x) = Πᵢ N(xᵢ; mᵢ, sᵢ²) for the target p = N(μ, Σ) has mᵢ = μᵢ and
  sᵢ² = 1 / Λᵢᵢ under KL(q‖p) (reverse: too narrow when the coordinates are correlated) or
  sᵢ² = Σᵢᵢ under KL(p‖q) (forward: the marginal variances).
* CAVI (coordinate-ascent VI) updates one mean at a time: mᵢ ← μᵢ − Σ_{j≠i} Λᵢⱼ (mⱼ − μⱼ) / Λᵢᵢ.

>>> round(gaussian_kl(0.0, 1.0, 1.0, 2.0), 6)  # 1-D: variances
0.346574
>>> mean_field_gaussian([0, 0], [[1, 0.8], [0.8, 1]])[1].round(2)
array([0.36, 0.36])
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike
from scipy.optimize import minimize
from scipy.special import logsumexp

from lib.validation import one_of, positive, whole

DIVERGENCES = ("reverse", "forward")
Divergence = Literal["reverse", "forward"]
MAX_SWEEPS = 10_000
QUADRATURE_NODES = 200  # Gauss–Hermite nodes for expectations under one Gaussian (error < 1e-8 here)


def _mean_vector(name: str, mean: ArrayLike) -> np.ndarray:
    try:
        mu = np.atleast_1d(np.asarray(mean, dtype=float))
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a vector of numbers.") from None
    if mu.ndim != 1 or mu.size == 0 or not np.all(np.isfinite(mu)):
        raise ValueError(f"{name} must be a non-empty vector of finite numbers.")
    return mu


def _covariance(name: str, cov: ArrayLike, d: int) -> np.ndarray:
    """A (d, d) symmetric positive-definite matrix; a scalar is a variance when d = 1."""
    try:
        sigma = np.asarray(cov, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a matrix of numbers.") from None
    if sigma.ndim == 0 and d == 1:
        sigma = sigma.reshape(1, 1)
    if sigma.shape != (d, d) or not np.all(np.isfinite(sigma)):
        raise ValueError(f"{name} must be a finite {d} × {d} matrix (a variance in 1-D).")
    if not np.allclose(sigma, sigma.T, rtol=1e-10, atol=1e-12):
        raise ValueError(f"{name} must be symmetric.")
    try:
        np.linalg.cholesky(sigma)
    except np.linalg.LinAlgError:
        raise ValueError(f"{name} must be positive definite (a covariance with no zero-variance direction).") from None
    return sigma


def gaussian(mean: ArrayLike, cov: ArrayLike, name: str = "") -> tuple[np.ndarray, np.ndarray]:
    """``(mean (d,), cov (d, d))`` checked: finite, symmetric positive-definite covariance."""
    mu = _mean_vector(f"mean{name}", mean)
    return mu, _covariance(f"cov{name}", cov, mu.size)


def gaussian_kl(mean_p: ArrayLike, cov_p: ArrayLike, mean_q: ArrayLike, cov_q: ArrayLike) -> float:
    """KL(N(mean_p, cov_p) ‖ N(mean_q, cov_q)) in nats, any dimension (scalars in 1-D: variances).

    >>> gaussian_kl([0, 0], np.eye(2), [0, 0], np.eye(2))
    0.0
    """
    mu_p, sigma_p = gaussian(mean_p, cov_p, "_p")
    mu_q, sigma_q = gaussian(mean_q, cov_q, "_q")
    if mu_p.size != mu_q.size:
        raise ValueError(f"Both Gaussians must have the same dimension, got {mu_p.size} and {mu_q.size}.")
    chol_q = np.linalg.cholesky(sigma_q)
    solved = np.linalg.solve(chol_q, sigma_p)  # L⁻¹ Σ_p
    trace = np.trace(np.linalg.solve(chol_q.T, solved))  # tr(Σ_q⁻¹ Σ_p)
    delta = np.linalg.solve(chol_q, mu_q - mu_p)
    logdet_q = 2 * np.log(np.diag(chol_q)).sum()
    logdet_p = 2 * np.log(np.diag(np.linalg.cholesky(sigma_p))).sum()
    kl = 0.5 * (trace + delta @ delta - mu_p.size + logdet_q - logdet_p)
    return float(max(kl, 0.0))  # rounding can give −1e-17 at p = q


def mean_field_gaussian(
    mean: ArrayLike, cov: ArrayLike, divergence: Divergence = "reverse"
) -> tuple[np.ndarray, np.ndarray]:
    """The best fully factorised Gaussian q for N(mean, cov): ``(means (d,), variances (d,))``.

    ``"reverse"`` minimises KL(q‖p) (what variational inference does): variances 1/Λᵢᵢ.
    ``"forward"`` minimises KL(p‖q): the marginal variances Σᵢᵢ. The means are the target's either way.

    >>> mean_field_gaussian([1, 2], [[2, 0], [0, 3]], "forward")
    (array([1., 2.]), array([2., 3.]))
    """
    mu, sigma = gaussian(mean, cov)
    divergence = one_of("divergence", divergence, DIVERGENCES)
    if divergence == "forward":
        return mu.copy(), np.diag(sigma).copy()
    return mu.copy(), 1.0 / np.diag(np.linalg.inv(sigma))


def cavi_gaussian(mean: ArrayLike, cov: ArrayLike, n_iter: int, init: ArrayLike | None = None) -> np.ndarray:
    """Coordinate-ascent VI for a Gaussian target: the means of q, shape (n_iter + 1, d).

    Row 0 is ``init`` (zeros when None); row t holds the means after sweep t, each sweep updating
    coordinates 0 … d−1 in order with mᵢ ← μᵢ − Σ_{j≠i} Λᵢⱼ (mⱼ − μⱼ) / Λᵢᵢ. The variances 1/Λᵢᵢ are
    reached in one step; the means converge to μ (in 2-D by a factor ρ² per sweep, ρ the correlation).

    >>> cavi_gaussian([1, 1], [[1, 0.5], [0.5, 1]], 2).round(4)
    array([[0.    , 0.    ],
           [0.5   , 0.75  ],
           [0.875 , 0.9375]])
    """
    mu, sigma = gaussian(mean, cov)
    n_iter = whole("n_iter", n_iter, low=0, high=MAX_SWEEPS)
    m = np.zeros_like(mu) if init is None else _mean_vector("init", init)
    if m.size != mu.size:
        raise ValueError(f"init must have {mu.size} entries, one per coordinate, got {m.size}.")
    precision = np.linalg.inv(sigma)  # Λ (d, d)
    path = np.empty((n_iter + 1, mu.size))  # (n_iter + 1, d)
    path[0] = m
    for sweep in range(1, n_iter + 1):
        for i in range(mu.size):
            others = precision[i] @ (m - mu) - precision[i, i] * (m[i] - mu[i])
            m[i] = mu[i] - others / precision[i, i]
        path[sweep] = m
    return path


def gaussian_ellipse(mean: ArrayLike, cov: ArrayLike, n_std: float = 2.0, n_points: int = 121) -> np.ndarray:
    """Points (n_points, 2) on the ellipse (x − μ)ᵀ Σ⁻¹ (x − μ) = n_std², closed (last point = first).

    >>> gaussian_ellipse([0, 0], np.eye(2), 1.0, 5).round(6)[:2]
    array([[1., 0.],
           [0., 1.]])
    """
    mu, sigma = gaussian(mean, cov)
    if mu.size != 2:
        raise ValueError(f"An ellipse needs a 2-D Gaussian, got dimension {mu.size}.")
    n_std = positive("n_std", n_std)
    n_points = whole("n_points", n_points, low=3, high=10_000)
    angle = np.linspace(0, 2 * np.pi, n_points)
    circle = np.stack([np.cos(angle), np.sin(angle)], axis=1)  # (n_points, 2)
    return mu + n_std * circle @ np.linalg.cholesky(sigma).T


# --- One Gaussian fitted to a 1-D mixture: forward (mass-covering) vs reverse (mode-seeking) KL -------


@dataclass(frozen=True)
class GaussianFit:
    """q = N(mean, std²) fitted to a 1-D mixture, and the KL it minimised (nats)."""

    mean: float
    std: float
    kl: float


def _mixture_1d(means: ArrayLike, stds: ArrayLike, weights: ArrayLike) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    mu = _mean_vector("means", means)
    s = np.asarray(stds, dtype=float).reshape(-1)
    w = np.asarray(weights, dtype=float).reshape(-1)
    if s.shape != mu.shape or w.shape != mu.shape:
        raise ValueError("means, stds and weights must have one entry per component.")
    for i in range(mu.size):
        positive("each std", s[i])
    if np.any(~np.isfinite(w)) or np.any(w < 0) or abs(w.sum() - 1) > 1e-8:
        raise ValueError("The mixture weights must be ≥ 0 and sum to 1.")
    return mu, s, w


def mixture_log_pdf_1d(x: ArrayLike, means: ArrayLike, stds: ArrayLike, weights: ArrayLike) -> np.ndarray:
    """log Σₖ wₖ N(x; μₖ, sₖ²) at every x (any shape), computed with log-sum-exp.

    >>> round(float(mixture_log_pdf_1d(0.0, [0.0], [1.0], [1.0])), 6)  # −½ log 2π
    -0.918939
    """
    mu, s, w = _mixture_1d(means, stds, weights)
    x = np.asarray(x, dtype=float)[..., None]  # (..., 1) against (K,)
    with np.errstate(divide="ignore"):
        log_terms = np.log(w) - np.log(s) - 0.5 * np.log(2 * np.pi) - 0.5 * ((x - mu) / s) ** 2
    return logsumexp(log_terms, axis=-1)


def _normal_expectation(fn, mean: float, std: float) -> float:
    """E[fn(z)] for z ~ N(mean, std²) by Gauss–Hermite quadrature."""
    nodes, node_weights = _hermite_nodes(QUADRATURE_NODES)
    return float(node_weights @ fn(mean + std * nodes))


@cache
def _hermite_nodes(n: int) -> tuple[np.ndarray, np.ndarray]:
    """Probabilists' Gauss–Hermite nodes and weights, the weights summing to 1."""
    nodes, weights = np.polynomial.hermite_e.hermegauss(n)
    return nodes, weights / np.sqrt(2 * np.pi)


def reverse_kl_to_mixture(mean: float, std: float, means: ArrayLike, stds: ArrayLike, weights: ArrayLike) -> float:
    """KL(q‖p) for q = N(mean, std²) and the 1-D mixture p: −H(q) − E_q[log p] (quadrature)."""
    entropy_q = 0.5 * np.log(2 * np.pi * np.e * std**2)
    return -entropy_q - _normal_expectation(lambda z: mixture_log_pdf_1d(z, means, stds, weights), mean, std)


def forward_kl_to_mixture(mean: float, std: float, means: ArrayLike, stds: ArrayLike, weights: ArrayLike) -> float:
    """KL(p‖q) for the 1-D mixture p and q = N(mean, std²): E_p[log p − log q] (quadrature per component)."""
    mu, s, w = _mixture_1d(means, stds, weights)

    def log_ratio(z: np.ndarray) -> np.ndarray:
        log_q = -np.log(std) - 0.5 * np.log(2 * np.pi) - 0.5 * ((z - mean) / std) ** 2
        return mixture_log_pdf_1d(z, mu, s, w) - log_q

    return float(sum(wk * _normal_expectation(log_ratio, mk, sk) for mk, sk, wk in zip(mu, s, w, strict=True)))


def fit_gaussian_to_mixture(
    means: ArrayLike, stds: ArrayLike, weights: ArrayLike, divergence: Divergence = "forward"
) -> GaussianFit:
    """The Gaussian q closest to the 1-D mixture p under KL(p‖q) (``"forward"``) or KL(q‖p) (``"reverse"``).

    Forward KL is minimised by matching the mean and variance of p (mass-covering: q spreads over
    every bump). Reverse KL is minimised numerically from several starts (each bump, and the
    moment match); it is mode-seeking: once the bumps are far apart, q sits on one of them.

    >>> fit = fit_gaussian_to_mixture([-3, 3], [1, 1], [0.5, 0.5], "forward")
    >>> round(fit.mean, 6), round(fit.std, 6)
    (0.0, 3.162278)
    >>> round(abs(fit_gaussian_to_mixture([-3, 3], [1, 1], [0.5, 0.5], "reverse").mean), 1)
    3.0
    """
    mu, s, w = _mixture_1d(means, stds, weights)
    divergence = one_of("divergence", divergence, DIVERGENCES)
    mean = float(w @ mu)
    std = float(np.sqrt(w @ (s**2 + mu**2) - mean**2))
    if divergence == "forward":
        return GaussianFit(mean, std, forward_kl_to_mixture(mean, std, mu, s, w))

    def objective(theta: np.ndarray) -> float:
        return reverse_kl_to_mixture(theta[0], np.exp(theta[1]), mu, s, w)

    starts = [(mean, np.log(std)), *((m, np.log(sd)) for m, sd in zip(mu, s, strict=True))]
    best = min((minimize(objective, np.array(start), method="L-BFGS-B") for start in starts), key=lambda r: r.fun)
    return GaussianFit(float(best.x[0]), float(np.exp(best.x[1])), float(max(best.fun, 0.0)))
