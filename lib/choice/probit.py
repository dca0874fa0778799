"""Multinomial probit probabilities: GHK simulation, numeric integration and the exact binary case."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import special, stats

from lib.choice._shared import MAX_DRAWS, SeedLike, _seed, _utilities


def _difference_covariance(cov: np.ndarray, i: int) -> np.ndarray:
    """Covariance of (ε_j - ε_i) for j ≠ i."""
    J = cov.shape[0]
    M = np.delete(np.eye(J), i, axis=0)
    M[:, i] = -1.0
    return M @ cov @ M.T


def probit_probabilities(
    V: np.ndarray | Sequence,
    cov: np.ndarray | Sequence,
    n_draws: int = 1000,
    seed: SeedLike = None,
    method: str = "ghk",
) -> np.ndarray:
    """Multinomial probit probabilities by the GHK simulator (or the crude frequency simulator).

    ``U = V + ε`` with ``ε ~ N(0, cov)``. Alternative ``i`` wins when ``ε_j - ε_i < V_i - V_j`` for
    every ``j ≠ i``: with ``Ω = M cov Mᵀ`` the covariance of those differences and ``L`` its Cholesky
    factor, GHK draws the differences one at a time from truncated normals and averages
    ``Π_k Φ((b_k - Σ_{m<k} L_km η_m) / L_kk)``. With two alternatives this is exact:
    ``P_1 = Φ((V_1 - V_2) / sqrt(σ_11 + σ_22 - 2σ_12))``. The GHK estimates of the alternatives are
    unbiased but each carries simulation noise, so they are rescaled to sum to exactly 1.

    ``method="frequency"`` instead draws whole error vectors and counts how often each alternative has
    the highest utility: simple, but a step function of the draws with a much larger variance.

    Parameters
    ----------
    V : (n_alts,) or (n_obs, n_alts) systematic utilities (n_alts ≥ 2).
    cov : (n_alts, n_alts) symmetric positive-definite error covariance.
    n_draws : simulation draws, 1 to 200,000.
    seed : int, ``numpy.random.Generator`` or None.
    method : ``"ghk"`` (default) or ``"frequency"``.

    Example
    -------
    >>> probit_probabilities([1.0, 0.0], np.eye(2), n_draws=10, seed=0).round(4)
    array([0.7602, 0.2398])
    """
    V, single = _utilities(V)
    J = V.shape[1]
    if J < 2:
        raise ValueError("The probit needs at least two alternatives.")
    if not np.all(np.isfinite(V)):
        raise ValueError("V must be finite.")
    cov = np.asarray(cov, dtype=float)
    if cov.shape != (J, J) or not np.all(np.isfinite(cov)) or not np.allclose(cov, cov.T):
        raise ValueError(f"cov must be a finite symmetric ({J}, {J}) matrix.")
    try:
        np.linalg.cholesky(cov)
    except np.linalg.LinAlgError:
        raise ValueError("cov must be positive definite (correlations strictly between -1 and 1).") from None
    if int(n_draws) != n_draws or not 1 <= n_draws <= MAX_DRAWS:
        raise ValueError(f"n_draws must be a whole number from 1 to {MAX_DRAWS:,}, got {n_draws}.")
    if method not in ("ghk", "frequency"):
        raise ValueError(f"method must be 'ghk' or 'frequency', got {method!r}.")
    rng = _seed(seed)
    n_obs, n_draws = V.shape[0], int(n_draws)
    if method == "frequency":
        errors = rng.standard_normal((n_obs, n_draws, J)) @ np.linalg.cholesky(cov).T
        winners = np.argmax(V[:, None, :] + errors, axis=2)
        P = (winners[:, :, None] == np.arange(J)).mean(axis=1)
        return P[0] if single else P
    uniforms = rng.random((J - 2, n_obs, n_draws)) if J > 2 else None
    P = np.empty_like(V)
    for i in range(J):
        L = np.linalg.cholesky(_difference_covariance(cov, i))
        bounds = V[:, [i]] - np.delete(V, i, axis=1)  # (n_obs, J-1): ε_j - ε_i < V_i - V_j
        weight = np.ones((n_obs, n_draws))
        eta = np.zeros((J - 1, n_obs, n_draws))
        for k in range(J - 1):
            shift = np.einsum("m,mod->od", L[k, :k], eta[:k]) if k else 0.0
            upper = special.ndtr((bounds[:, [k]] - shift) / L[k, k])
            weight = weight * upper
            if k < J - 2:
                # η_k ~ N(0, 1) truncated to η_k < (b_k - shift) / L_kk, by inverting the cdf.
                u = np.clip(uniforms[k] * upper, 1e-300, 1 - 1e-16)
                eta[k] = special.ndtri(u)
        P[:, i] = weight.mean(axis=1)
    P = P / P.sum(axis=1, keepdims=True)
    return P[0] if single else P


def probit_probabilities_integrated(V: np.ndarray | Sequence, cov: np.ndarray | Sequence) -> np.ndarray:
    """Probit probabilities by numerical integration: ``P_i = Φ_Ω(V_i - V_j, j ≠ i)``, the multivariate normal
    cdf of the utility differences (scipy's Genz algorithm, tolerance 1e-8), for 2 to 6 alternatives.

    The reference the GHK simulator converges to; exact to the tolerance for two or three alternatives.
    """
    V = np.asarray(V, dtype=float)
    cov = np.asarray(cov, dtype=float)
    if V.ndim != 1 or not 2 <= V.size <= 6 or not np.all(np.isfinite(V)):
        raise ValueError(f"V must hold 2 to 6 finite utilities, got shape {V.shape}.")
    probit_probabilities(V, cov, 1, 0)  # the same checks of cov
    out = np.empty(V.size)
    for i in range(V.size):
        omega = _difference_covariance(cov, i)
        bounds = V[i] - np.delete(V, i)
        if V.size == 2:
            out[i] = special.ndtr(bounds[0] / np.sqrt(omega[0, 0]))
        else:
            out[i] = stats.multivariate_normal(cov=omega, abseps=1e-8, releps=1e-8).cdf(bounds, rng=0)
    return out


def probit_binary_exact(v1: float, v2: float, cov: np.ndarray | Sequence) -> float:
    """Exact two-alternative probit: ``P_1 = Φ((V_1 - V_2) / sqrt(σ_11 + σ_22 - 2σ_12))``."""
    cov = np.asarray(cov, dtype=float)
    scale = np.sqrt(cov[0, 0] + cov[1, 1] - 2 * cov[0, 1])
    return float(stats.norm.cdf((v1 - v2) / scale))


def red_bus_covariance(rho: float, variance: float = 1.0) -> np.ndarray:
    """Error covariance for car, red bus, blue bus: the buses' errors correlate with ``rho``."""
    if not -0.5 < rho < 1:
        raise ValueError(f"rho must lie in (-0.5, 1) for a valid covariance, got {rho}.")
    return variance * np.array([[1.0, 0.0, 0.0], [0.0, 1.0, rho], [0.0, rho, 1.0]])
