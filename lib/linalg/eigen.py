"""Aᵗ by eigendecomposition: A = V Λ V⁻¹ gives Aᵗ = V Λᵗ V⁻¹, one power of a diagonal instead of t matmuls.

The spectral radius ρ(A) = max |λᵢ| decides what the powers do: |λ| < 1 contracts, |λ| > 1
explodes. A matrix whose eigenvectors do not span ℝⁿ (a Jordan block such as [[1, 1], [0, 1]]) has
no such decomposition: :func:`eigen_power` says so instead of returning a wrong answer.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from lib.validation import whole

#: V is treated as singular (A not diagonalisable) when its condition number exceeds this.
COND_LIMIT = 1e10
#: ‖AV − VΛ‖_F / ‖A‖_F above this means LAPACK's eigenvectors are not to be trusted.
RESIDUAL_LIMIT = 1e-8
MAX_POWER = 100_000


def as_matrix(name: str, A: object, *, square: bool = True) -> np.ndarray:
    """``A`` as a finite, non-empty 2-D float (or complex) array; square when ``square``."""
    try:
        M = np.asarray(A)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a matrix of numbers.") from None
    if M.dtype == object or not (np.issubdtype(M.dtype, np.number) or M.dtype == bool):
        raise ValueError(f"{name} must be a matrix of numbers.")
    M = M.astype(complex if np.iscomplexobj(M) else float)
    if M.ndim != 2 or M.size == 0:
        raise ValueError(f"{name} must be a non-empty 2-D matrix, got shape {M.shape}.")
    if square and M.shape[0] != M.shape[1]:
        raise ValueError(f"{name} must be square, got {M.shape[0]} × {M.shape[1]}.")
    if not np.all(np.isfinite(M)):
        raise ValueError(f"{name} must hold finite numbers only.")
    return M


def spectral_radius(A: object) -> float:
    """ρ(A) = max |λᵢ| over the eigenvalues of the square matrix ``A``.

    >>> spectral_radius([[0.5, 1.0], [0.0, -0.8]])
    0.8
    """
    M = as_matrix("A", A)
    return float(np.max(np.abs(np.linalg.eigvals(M))))


@dataclass(frozen=True)
class Eigendecomposition:
    """A = V diag(eigenvalues) V⁻¹ when ``diagonalisable``; ``condition`` = cond(V) (∞ when V is singular);
    ``residual`` = ‖AV − VΛ‖_F / ‖A‖_F, how well LAPACK's answer solves AV = VΛ."""

    eigenvalues: np.ndarray  # (n,) complex, sorted by |λ|, largest first
    vectors: np.ndarray  # (n, n) complex, column i belongs to eigenvalue i
    condition: float
    diagonalisable: bool
    residual: float


def eigendecomposition(A: object, *, cond_limit: float = COND_LIMIT) -> Eigendecomposition:
    """Eigenvalues and eigenvectors of ``A`` (numpy.linalg.eig), sorted by |λ| from the largest.

    ``A`` counts as diagonalisable when its eigenvector matrix V has cond(V) ≤ ``cond_limit``: a
    defective matrix has repeated, parallel eigenvectors, and V⁻¹ does not exist (in floating point,
    cond(V) ≈ 1e16).

    >>> eigendecomposition([[1.0, 1.0], [0.0, 1.0]]).diagonalisable  # a Jordan block
    False
    >>> eigendecomposition([[2.0, 0.0], [0.0, 1.0]]).eigenvalues.real.tolist()
    [2.0, 1.0]
    """
    M = as_matrix("A", A)
    values, vectors = np.linalg.eig(M)
    order = np.lexsort((-values.real, -np.abs(values)))
    values, vectors = values[order].astype(complex), vectors[:, order].astype(complex)
    with np.errstate(all="ignore"):
        condition = float(np.linalg.cond(vectors))
    if not np.isfinite(condition):
        condition = float("inf")
    scale = float(np.linalg.norm(M)) or 1.0
    residual = float(np.linalg.norm(M @ vectors - vectors * values)) / scale
    return Eigendecomposition(values, vectors, condition, condition <= cond_limit, residual)


def _finite_power(P: np.ndarray, t: int) -> np.ndarray:
    if not np.all(np.isfinite(P)):
        raise ValueError(f"Aᵗ overflows double precision at t = {t:,}: its entries pass 1e308.")
    return P


def eigen_power(A: object, t: int, *, cond_limit: float = COND_LIMIT) -> np.ndarray:
    """Aᵗ = V Λᵗ V⁻¹ from the eigendecomposition of the square matrix ``A`` (t ≥ 0 whole).

    Real for real ``A`` (complex eigenvalues come in conjugate pairs; the imaginary rounding is
    dropped). A matrix that is not diagonalisable (cond(V) > ``cond_limit``), or a power that
    overflows, raises ``ValueError``.

    >>> eigen_power([[2.0, 1.0], [1.0, 2.0]], 3).round(10).tolist()
    [[14.0, 13.0], [13.0, 14.0]]
    """
    M = as_matrix("A", A)
    t = whole("t", t, 0, MAX_POWER)
    decomposition = eigendecomposition(M, cond_limit=cond_limit)
    if not decomposition.diagonalisable:
        raise ValueError(
            f"A is not diagonalisable: its eigenvectors do not span the space (cond(V) = "
            f"{decomposition.condition:.1e}), so Aᵗ = V Λᵗ V⁻¹ does not exist."
        )
    if decomposition.residual > RESIDUAL_LIMIT:
        raise ValueError(
            f"numpy.linalg.eig could not resolve A's eigenvectors (‖AV − VΛ‖ / ‖A‖ = {decomposition.residual:.1e}, "
            "entries of very different sizes), so V Λᵗ V⁻¹ would be wrong."
        )
    V, lam = decomposition.vectors, decomposition.eigenvalues
    with np.errstate(all="ignore"):
        P = (V * lam**t) @ np.linalg.inv(V)  # V Λᵗ V⁻¹: scale V's columns, no diagonal matrix built
    P = P.real if not np.iscomplexobj(M) else P
    return _finite_power(P, t)


def repeated_product(A: object, t: int) -> np.ndarray:
    """Aᵗ as t matrix products A·A·…·A (the identity for t = 0): what eigen_power saves.

    >>> repeated_product([[1.0, 1.0], [0.0, 1.0]], 5).tolist()
    [[1.0, 5.0], [0.0, 1.0]]
    """
    M = as_matrix("A", A)
    t = whole("t", t, 0, MAX_POWER)
    P = np.eye(M.shape[0], dtype=M.dtype)
    with np.errstate(all="ignore"):
        for _ in range(t):
            P = P @ M
    return _finite_power(P, t)


@dataclass(frozen=True)
class PowerComparison:
    """Aᵗ two ways with their wall times (seconds, best of ``repeats``); ``eigen`` is None when A is
    not diagonalisable (``reason`` then says why)."""

    t: int
    repeated: np.ndarray
    repeated_seconds: float
    eigen: np.ndarray | None
    eigen_seconds: float | None
    max_abs_difference: float | None
    relative_difference: float | None  # max |gap| / max |Aᵗ|: the digits the two ways share
    reason: str | None


def _best_time(fn, repeats: int) -> tuple[np.ndarray, float]:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return result, best


def compare_powers(A: object, t: int, *, repeats: int = 3) -> PowerComparison:
    """Aᵗ by :func:`eigen_power` and by :func:`repeated_product`, timed side by side.

    >>> c = compare_powers([[0.5, 0.2], [0.1, 0.4]], 20)
    >>> c.max_abs_difference < 1e-12, c.reason
    (True, None)
    """
    M = as_matrix("A", A)
    t = whole("t", t, 0, MAX_POWER)
    repeats = whole("repeats", repeats, 1, 100)
    repeated, repeated_s = _best_time(lambda: repeated_product(M, t), repeats)
    try:
        eigen, eigen_s = _best_time(lambda: eigen_power(M, t), repeats)
    except ValueError as err:
        return PowerComparison(t, repeated, repeated_s, None, None, None, None, str(err))
    difference = float(np.max(np.abs(eigen - repeated)))
    scale = float(np.max(np.abs(repeated))) or 1.0
    return PowerComparison(t, repeated, repeated_s, eigen, eigen_s, difference, difference / scale, None)
