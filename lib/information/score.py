"""Score functions of Gaussian mixtures, guidance, and unadjusted Langevin sampling.

The score of a density p is the gradient of its log in x: s(x) = ∇ₓ log p(x) (a vector field pointing
uphill, toward more probable x; it does not need p's normalising constant). For a mixture
p(x) = Σₖ wₖ N(x; μₖ, Σₖ) it is s(x) = Σₖ rₖ(x) Σₖ⁻¹ (μₖ − x), rₖ(x) the posterior weight of component k.

A conditional score ∇ₓ log p(x | y) is the score of the class-y part of the mixture. Guidance with
strength γ follows s_γ(x) = ∇ log p(x) + γ (∇ log p(x | y) − ∇ log p(x)) = ∇ log p(x) + γ ∇ log p(y | x):
γ = 0 is unconditional, γ = 1 the conditional, γ > 1 pushes further toward class y.

Unadjusted Langevin: x ← x + h s(x) + √(2h) ξ, ξ ~ N(0, I); for small h its samples follow p
(on N(0, 1) the stationary variance is 1 / (1 − h/2)).

>>> gaussian_mixture_score(np.array([[1.0, 2.0]]), [[0.0, 0.0]], [np.eye(2)], [1.0])  # N(0, I): −x
array([[-1., -2.]])
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike
from scipy.special import logsumexp

from lib.validation import non_negative, positive, whole

MAX_STEPS = 100_000
MAX_PARTICLES = 100_000
Score = Callable[[np.ndarray], np.ndarray]


def _points(x: ArrayLike, d: int | None = None) -> np.ndarray:
    try:
        arr = np.asarray(x, dtype=float)
    except (TypeError, ValueError):
        raise ValueError("x must be an (n, d) array of numbers.") from None
    if arr.ndim != 2 or arr.shape[0] == 0 or (d is not None and arr.shape[1] != d):
        raise ValueError(f"x must be an (n, d) array{'' if d is None else f' with d = {d}'}, got shape {arr.shape}.")
    if not np.all(np.isfinite(arr)):
        raise ValueError("x must hold finite numbers only.")
    return arr


def _mixture(means: ArrayLike, covs: ArrayLike, weights: ArrayLike) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(means (K, d), precisions (K, d, d), log weights + log normalisers (K,)), checked."""
    mu = np.asarray(means, dtype=float)
    sigma = np.asarray(covs, dtype=float)
    w = np.asarray(weights, dtype=float)
    if mu.ndim != 2 or sigma.shape != (*mu.shape, mu.shape[1]) or w.shape != mu.shape[:1]:
        raise ValueError("means (K, d), covs (K, d, d) and weights (K,) must describe the same K components.")
    if not (np.all(np.isfinite(mu)) and np.all(np.isfinite(sigma))):
        raise ValueError("The mixture's means and covariances must be finite.")
    if np.any(~np.isfinite(w)) or np.any(w < 0) or abs(w.sum() - 1) > 1e-8:
        raise ValueError("The mixture weights must be ≥ 0 and sum to 1.")
    try:
        chol = np.linalg.cholesky(sigma)  # (K, d, d)
    except np.linalg.LinAlgError:
        raise ValueError("Every covariance of the mixture must be positive definite.") from None
    precision = np.linalg.inv(sigma)
    d = mu.shape[1]
    log_norm = -0.5 * d * np.log(2 * np.pi) - np.log(np.diagonal(chol, axis1=1, axis2=2)).sum(axis=1)
    with np.errstate(divide="ignore"):
        return mu, precision, np.log(w) + log_norm


def _log_terms_and_pulls(x: np.ndarray, mu: np.ndarray, precision: np.ndarray, log_const: np.ndarray):
    """log wₖ N(x; μₖ, Σₖ) (n, K) and the per-component scores Σₖ⁻¹ (μₖ − x) (n, K, d)."""
    diff = mu[None] - x[:, None]  # (n, K, d)
    pulls = np.matmul(precision[None], diff[..., None])[..., 0]  # (n, K, d)
    return log_const - 0.5 * (diff * pulls).sum(axis=-1), pulls


def gaussian_mixture_log_density(x: ArrayLike, means: ArrayLike, covs: ArrayLike, weights: ArrayLike) -> np.ndarray:
    """log p(x) for the mixture Σₖ wₖ N(μₖ, Σₖ) at x of shape (n, d); returns (n,)."""
    mu, precision, log_const = _mixture(means, covs, weights)
    log_terms, _ = _log_terms_and_pulls(_points(x, mu.shape[1]), mu, precision, log_const)
    return logsumexp(log_terms, axis=1)


def gaussian_mixture_score(x: ArrayLike, means: ArrayLike, covs: ArrayLike, weights: ArrayLike) -> np.ndarray:
    """∇ₓ log p(x) for the mixture Σₖ wₖ N(μₖ, Σₖ) at x of shape (n, d); returns (n, d)."""
    return mixture_score_function(means, covs, weights)(_points(x, np.asarray(means).shape[-1]))


def mixture_score_function(means: ArrayLike, covs: ArrayLike, weights: ArrayLike) -> Score:
    """The mixture's score as a function of x (n, d) -> (n, d), with the inverses computed once."""
    mu, precision, log_const = _mixture(means, covs, weights)

    def score(x: np.ndarray) -> np.ndarray:
        log_terms, pulls = _log_terms_and_pulls(x, mu, precision, log_const)
        return _weighted_pull(log_terms, pulls)

    return score


def _weighted_pull(log_terms: np.ndarray, pulls: np.ndarray) -> np.ndarray:
    """Σₖ rₖ(x) Σₖ⁻¹ (μₖ − x) with rₖ the softmax of the log terms over the components given: (n, d)."""
    responsibility = np.exp(log_terms - log_terms.max(axis=1, keepdims=True))  # (n, K), unnormalised
    return (responsibility[..., None] * pulls).sum(axis=1) / responsibility.sum(axis=1, keepdims=True)


def guided_score_function(
    means: ArrayLike, covs: ArrayLike, weights: ArrayLike, labels: ArrayLike, y: object, guidance: float
) -> Score:
    """s_γ(x) = ∇ log p(x) + γ (∇ log p(x | y) − ∇ log p(x)) for a mixture whose components carry class labels.

    p(x | y) is the mixture of the components labelled y, their weights renormalised.
    """
    guidance = non_negative("guidance", guidance)
    mu, precision, log_const = _mixture(means, covs, weights)
    labels = np.asarray(labels)
    members = labels == y
    if labels.shape != log_const.shape or not np.isfinite(log_const[members]).any():
        raise ValueError(f"No component of the mixture has class {y!r} with positive weight.")

    def score(x: np.ndarray) -> np.ndarray:
        # One pass over the components serves both scores: p(x | y) uses the class-y terms only
        # (renormalising their weights shifts every log term by one constant, which the softmax ignores).
        log_terms, pulls = _log_terms_and_pulls(x, mu, precision, log_const)
        joint = _weighted_pull(log_terms, pulls)
        conditional = _weighted_pull(log_terms[:, members], pulls[:, members])
        return joint + guidance * (conditional - joint)

    return score


def langevin_trajectories(
    score: Score, x0: ArrayLike, step: float, n_steps: int, seed: int | None, keep_every: int = 1
) -> np.ndarray:
    """Unadjusted Langevin x ← x + h s(x) + √(2h) ξ from x0 (n, d): the states every ``keep_every`` steps.

    Returns (n_steps // keep_every + 1, n, d): row 0 is x0, the last row the final samples when
    ``keep_every`` divides ``n_steps``.
    """
    x = _points(x0).copy()
    if x.shape[0] > MAX_PARTICLES:
        raise ValueError(f"x0 may hold at most {MAX_PARTICLES:,} particles, got {x.shape[0]:,}.")
    step = positive("step", step)
    n_steps = whole("n_steps", n_steps, low=0, high=MAX_STEPS)
    keep_every = whole("keep_every", keep_every, low=1)
    rng = np.random.default_rng(seed)
    kept = [x.copy()]
    noise_scale = np.sqrt(2 * step)
    with np.errstate(over="ignore", invalid="ignore"):  # a divergent run is reported below
        for t in range(1, n_steps + 1):
            x += step * score(x) + noise_scale * rng.standard_normal(x.shape)
            if t % keep_every == 0:
                kept.append(x.copy())
    if not np.all(np.isfinite(x)):
        raise ValueError("Langevin diverged (the samples left every finite value): use a smaller step.")
    return np.stack(kept)


def langevin_sample(score: Score, x0: ArrayLike, step: float, n_steps: int, seed: int | None) -> np.ndarray:
    """The final (n, d) samples of unadjusted Langevin dynamics on ``score`` after ``n_steps`` steps of size ``step``.

    >>> x = langevin_sample(lambda x: -x, np.zeros((20_000, 1)), 0.01, 1_000, seed=0)
    >>> round(float(x.mean()), 1), round(float(x.var()), 1)
    (0.0, 1.0)
    """
    return langevin_trajectories(score, x0, step, n_steps, seed, keep_every=max(n_steps, 1))[-1]
