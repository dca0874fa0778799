"""Iterating a chain x_(t+1) = A x_t: trajectories, eigenvalues and the speed of convergence."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np

_TOL = 1e-9

Orientation = Literal["auto", "rows", "columns"]


def _column_stochastic(A: np.ndarray | Sequence[Sequence[float]]) -> np.ndarray:
    A = np.asarray(A, dtype=float)
    if A.ndim != 2 or A.shape[0] != A.shape[1] or A.shape[0] == 0:
        raise ValueError(f"A must be a non-empty square matrix, got shape {A.shape}.")
    if not np.all(np.isfinite(A)) or np.any(A < -_TOL):
        raise ValueError("A must hold finite, non-negative transition probabilities.")
    sums = A.sum(axis=0)
    if not np.allclose(sums, 1.0, atol=1e-8):
        raise ValueError(
            f"Every column of A must sum to 1 (x_(t+1) = A x_t); column sums are {np.round(sums, 6).tolist()}."
        )
    return A


def evolve(A: np.ndarray | Sequence[Sequence[float]], x0: Sequence[float], steps: int) -> np.ndarray:
    """Iterate ``x_{t+1} = A @ x_t`` and return every state distribution.

    Parameters
    ----------
    A : (n, n) column-stochastic matrix, ``A[i, j] = P(j -> i)``.
    x0 : (n,) starting distribution (non-negative, sums to 1).
    steps : number of transitions, ``>= 0``.

    Returns
    -------
    (steps + 1, n) array whose row ``t`` is ``x_t = A^t x_0``.

    Example
    -------
    >>> evolve([[0.5, 0.0], [0.5, 1.0]], [1.0, 0.0], 2)[-1]
    array([0.25, 0.75])
    """
    A = _column_stochastic(A)
    x = np.asarray(x0, dtype=float)
    if x.shape != (A.shape[0],):
        raise ValueError(f"x0 must have {A.shape[0]} entries to match A, got shape {x.shape}.")
    if np.any(x < -_TOL) or not np.isclose(x.sum(), 1.0, atol=1e-8):
        raise ValueError("x0 must be a probability vector: non-negative entries that sum to 1.")
    if int(steps) != steps or steps < 0:
        raise ValueError(f"steps must be a whole number >= 0, got {steps}.")
    out = np.empty((int(steps) + 1, A.shape[0]))
    out[0] = x
    for t in range(int(steps)):
        out[t + 1] = A @ out[t]
    return out


def eigenvalues(A: np.ndarray | Sequence[Sequence[float]]) -> np.ndarray:
    """Eigenvalues of a transition matrix, largest modulus first (complex array)."""
    lam = np.linalg.eigvals(np.asarray(A, dtype=float)).astype(complex)
    return lam[np.lexsort((-lam.real, -np.abs(lam)))]


def convergence_rate(A: np.ndarray | Sequence[Sequence[float]]) -> float:
    """Largest ``|λ|`` among the eigenvalues of ``A`` other than 1.

    For a chain that converges, ``||x_t - x_∞||`` shrinks like ``rate**t``;
    a rate of 1 (another eigenvalue on the unit circle) means it oscillates forever.
    For the notes' HHT/HTT chain the eigenvalues are 1, 1, 0.5, 0.25, so the rate is 0.5.
    """
    lam = eigenvalues(A)
    others = lam[np.abs(lam - 1.0) > 1e-9]
    return float(np.abs(others).max()) if others.size else 0.0


def distance_to_limit(A: np.ndarray | Sequence[Sequence[float]], x0: Sequence[float], steps: int) -> np.ndarray:
    """Total-variation distance ``½‖x_t − x_∞‖₁`` for t = 0..steps, for an absorbing chain.

    For an absorbing chain this equals the mass still on transient states, P(not absorbed
    by step t), which is how it is computed (no cancellation against the limit). It decays
    like ``convergence_rate(A) ** t``.
    """
    trajectory = evolve(A, x0, steps)
    A = np.asarray(A, dtype=float)
    transient = [j for j in range(A.shape[0]) if A[j, j] != 1.0]
    return trajectory[:, transient].sum(axis=1)
