"""SVD in one line: A = U Σ Vᵀ, a rotation, a stretch and another rotation.

Truncating at rank k gives the best rank-k approximation (Eckart–Young): no rank-k matrix is closer
in the Frobenius norm, where the error is √(σ²ₖ₊₁ + … + σ²ᵣ), or in the spectral norm, where it is
σₖ₊₁. PCA is the SVD of the centred data; LoRA's best rank-r update is the truncated SVD of the
weight change.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.linalg.blas import dger, dnrm2

from lib.linalg.eigen import as_matrix
from lib.validation import whole


@dataclass(frozen=True)
class LowRank:
    """The rank-k truncated SVD of A and how far it is from A (measured, not from the formula)."""

    approx: np.ndarray  # (m, n) = U[:, :k] diag(σ[:k]) Vᵀ[:k]
    singular_values: np.ndarray  # (min(m, n),) all of A's, largest first
    error_fro: float  # ‖A − approx‖_F
    error_spectral: float  # ‖A − approx‖₂


def low_rank_approximation(A: object, k: int) -> LowRank:
    """The best rank-``k`` approximation of ``A`` in the Frobenius and spectral norms (0 ≤ k ≤ min(m, n)).

    Eckart–Young: ``error_fro`` = √(Σᵢ₍>ₖ₎ σᵢ²) and ``error_spectral`` = σₖ₊₁ (0 at full rank).

    >>> r = low_rank_approximation([[3.0, 0.0], [0.0, 1.0]], 1)
    >>> r.approx.tolist(), r.error_fro, r.error_spectral
    ([[3.0, 0.0], [0.0, 0.0]], 1.0, 1.0)
    """
    M = as_matrix("A", A, square=False)
    k = whole("k", k, 0, min(M.shape))
    U, s, Vt = np.linalg.svd(M, full_matrices=False)
    approx = (U[:, :k] * s[:k]) @ Vt[:k]
    residual = M - approx
    spectral = float(np.linalg.norm(residual, 2)) if k < len(s) else 0.0
    return LowRank(approx, s, float(np.linalg.norm(residual, "fro")), spectral)


def rank_sweep(A: object) -> pd.DataFrame:
    """For every rank k = 0 … min(m, n): the measured Frobenius error ‖A − Aₖ‖_F beside Eckart–Young's
    √(tail of σ²), the spectral error σₖ₊₁, and the share of ‖A‖²_F kept.

    One SVD, then the residual A − Aₖ is updated in place by one rank-1 term per k (BLAS ``dger``,
    O(mn) each), so a 256 × 256 sweep costs about two SVDs.

    >>> rank_sweep([[3.0, 0.0], [0.0, 1.0]])[["k", "error_fro", "eckart_young"]].values.tolist()
    [[0.0, 3.1622776601683795, 3.1622776601683795], [1.0, 1.0, 1.0], [2.0, 0.0, 0.0]]
    """
    M = as_matrix("A", A, square=False)
    if np.iscomplexobj(M):
        raise ValueError("A must be a real matrix for the rank sweep.")
    U, s, Vt = np.linalg.svd(M, full_matrices=False)
    residual = np.array(M, order="F")  # Fortran order: BLAS updates it in place
    measured = [dnrm2(residual.ravel(order="K"))]
    for i in range(len(s)):
        residual = dger(-s[i], U[:, i], Vt[i], a=residual, overwrite_a=True)  # Aₖ₊₁ = Aₖ + σᵢ uᵢ vᵢᵀ
        measured.append(dnrm2(residual.ravel(order="K")))  # ‖A − Aₖ₊₁‖_F of the residual itself
    tail = np.concatenate([np.cumsum((s**2)[::-1])[::-1], [0.0]])  # tail[k] = Σᵢ₍≥ₖ₎ σᵢ² (0-based)
    total = tail[0] if tail[0] > 0 else 1.0
    return pd.DataFrame(
        {
            "k": np.arange(len(s) + 1),
            "error_fro": measured,
            "eckart_young": np.sqrt(tail),
            "error_spectral": np.append(s, 0.0),
            "energy_kept": 1.0 - tail / total,
        }
    )


@dataclass(frozen=True)
class PCAResult:
    """Principal components of X (n samples × d features), variances with ddof = 1."""

    components: np.ndarray  # (k, d) unit rows: the directions, largest variance first
    explained_variance: np.ndarray  # (k,) σᵢ² / (n − 1): eigenvalues of the sample covariance
    explained_variance_ratio: np.ndarray  # (k,) share of the total variance
    scores: np.ndarray  # (n, k) the centred data in the components' coordinates
    mean: np.ndarray  # (d,)


def pca(X: object, k: int) -> PCAResult:
    """PCA as the SVD of the centred data: X − x̄ = U Σ Vᵀ, components = Vᵀ[:k], variances σ²/(n − 1).

    The same as the eigendecomposition of the sample covariance (ddof = 1). Each component's sign
    is fixed so that its largest-|·| entry is positive (scikit-learn flips by U instead).

    >>> p = pca([[0.0, 0.0], [2.0, 0.0], [4.0, 0.0]], 1)
    >>> p.components.tolist(), p.explained_variance.round(12).tolist(), p.scores.ravel().tolist()
    ([[1.0, 0.0]], [4.0], [-2.0, 0.0, 2.0])
    """
    M = as_matrix("X", X, square=False)
    n, d = M.shape
    if n < 2:
        raise ValueError(f"X needs at least 2 samples (rows) for a variance with ddof = 1, got {n}.")
    k = whole("k", k, 1, min(n, d))
    mean = M.mean(axis=0)
    centred = M - mean
    _, s, Vt = np.linalg.svd(centred, full_matrices=False)
    signs = np.sign(Vt[np.arange(len(Vt)), np.argmax(np.abs(Vt), axis=1)])
    Vt = Vt * signs[:, None]
    variance = s**2 / (n - 1)
    total = variance.sum() if variance.sum() > 0 else 1.0
    return PCAResult(Vt[:k], variance[:k], variance[:k] / total, centred @ Vt[:k].T, mean)


def _weight_change(W_base: object, W_target: object) -> np.ndarray:
    """ΔW = W_target − W_base, both finite matrices of one shape."""
    base = as_matrix("W_base", W_base, square=False)
    target = as_matrix("W_target", W_target, square=False)
    if base.shape != target.shape:
        raise ValueError(f"W_base and W_target must have the same shape, got {base.shape} and {target.shape}.")
    return target - base


def lora_fit(W_base: object, W_target: object, rank: int) -> tuple[np.ndarray, np.ndarray]:
    """The best rank-r update: B (d_out, r), A (r, d_in) with W_base + B @ A closest to W_target.

    B @ A is the rank-r truncated SVD of ΔW = W_target − W_base (Eckart–Young), split evenly:
    B = U_r √Σ_r, A = √Σ_r V_rᵀ. Weights are (d_out, d_in), as torch.nn.Linear stores them.

    >>> B, A = lora_fit([[0.0, 0.0], [0.0, 0.0]], [[2.0, 0.0], [0.0, 1.0]], 1)
    >>> (B @ A).round(12).tolist(), B.shape, A.shape
    ([[2.0, 0.0], [0.0, 0.0]], (2, 1), (1, 2))
    """
    delta = _weight_change(W_base, W_target)
    rank = whole("rank", rank, 1, min(delta.shape))
    U, s, Vt = np.linalg.svd(delta, full_matrices=False)
    root = np.sqrt(s[:rank])
    return U[:, :rank] * root, root[:, None] * Vt[:rank]


def lora_sweep(W_base: object, W_target: object) -> pd.DataFrame:
    """For every rank r = 1 … min(d_out, d_in): LoRA's parameters r (d_in + d_out) against the full
    d_in · d_out, and the remaining error ‖W_base + B A − W_target‖_F (relative to ‖ΔW‖_F too).

    >>> lora_sweep(np.zeros((3, 2)), [[1.0, 0.0], [0.0, 0.0], [0.0, 0.0]])["error_fro"].tolist()
    [0.0, 0.0]
    """
    delta = _weight_change(W_base, W_target)
    d_out, d_in = delta.shape
    sweep = rank_sweep(delta).iloc[1:]
    norm = float(np.linalg.norm(delta)) or 1.0
    return pd.DataFrame(
        {
            "rank": sweep["k"].to_numpy(),
            "lora_parameters": sweep["k"].to_numpy() * (d_in + d_out),
            "full_parameters": d_in * d_out,
            "error_fro": sweep["error_fro"].to_numpy(),
            "relative_error": sweep["error_fro"].to_numpy() / norm,
        }
    )


@dataclass(frozen=True)
class RotateStretchRotate:
    """A = U Σ Vᵀ of a 2 × 2 matrix and the unit circle after each factor (points (stage, n, 2))."""

    U: np.ndarray
    singular_values: np.ndarray
    Vt: np.ndarray
    stages: tuple[str, ...]
    points: np.ndarray
    reflects: bool  # det A < 0: one of the two "rotations" is a reflection


STAGES = ("x on the unit circle", "Vᵀx (rotate)", "ΣVᵀx (stretch)", "UΣVᵀx = Ax (rotate)")


def rotate_stretch_rotate(A: object, n_points: int = 120) -> RotateStretchRotate:
    """The unit circle through Vᵀ, then Σ, then U: a circle, the same circle turned, an ellipse on
    the axes with semi-axes σ₁, σ₂, and the ellipse A x (semi-axes along U's columns).

    >>> r = rotate_stretch_rotate([[2.0, 0.0], [0.0, 0.5]], n_points=4)
    >>> r.singular_values.tolist(), r.points.shape
    ([2.0, 0.5], (4, 4, 2))
    """
    M = as_matrix("A", A)
    if M.shape != (2, 2):
        raise ValueError(f"A must be 2 × 2 to be drawn in the plane, got {M.shape[0]} × {M.shape[1]}.")
    n_points = whole("n_points", n_points, 3, 10_000)
    U, s, Vt = np.linalg.svd(M)
    angle = np.linspace(0.0, 2.0 * np.pi, n_points, endpoint=False)
    x = np.stack([np.cos(angle), np.sin(angle)])  # (2, n)
    rotated = Vt @ x
    stretched = s[:, None] * rotated
    points = np.stack([x, rotated, stretched, U @ stretched]).transpose(0, 2, 1)  # (4, n, 2)
    return RotateStretchRotate(U, s, Vt, STAGES, points, bool(np.linalg.det(M) < 0))


def covariance_eigenvalues(X: object) -> np.ndarray:
    """Eigenvalues of the sample covariance of X (rows are samples, ddof = 1), largest first:
    what :func:`pca`'s ``explained_variance`` must equal.

    >>> covariance_eigenvalues([[0.0, 0.0], [2.0, 0.0], [4.0, 0.0]]).tolist()
    [4.0, 0.0]
    """
    M = as_matrix("X", X, square=False)
    if M.shape[0] < 2:
        raise ValueError(f"X needs at least 2 samples (rows) for a variance with ddof = 1, got {M.shape[0]}.")
    return np.linalg.eigvalsh(np.atleast_2d(np.cov(M, rowvar=False, ddof=1)))[::-1]
