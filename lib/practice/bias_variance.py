"""Bias–variance decomposition of polynomial least squares on y = sin(2πx) + noise, measured.

For a fixed test point x, a model f̂ fitted to a random training set D, and a fresh test target
y = f(x) + ε with Var ε = σ²:

    E_D,ε[(y − f̂_D(x))²] = (f(x) − E_D f̂_D(x))² + Var_D f̂_D(x) + σ²
                        =        bias²(x)        +  variance(x)  + noise

averaged over a fixed grid of test points. Every training set is fitted at once: the design
matrices of all sets form one (n_datasets, n_train, degree + 1) stack solved by one batched
pseudo-inverse.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from lib.validation import non_negative, whole

TEST_GRID_SIZE = 101
MAX_DEGREE = 20


def truth(x: np.ndarray) -> np.ndarray:
    """The function every training set is drawn from: f(x) = sin(2πx)."""
    return np.sin(2 * np.pi * np.asarray(x, dtype=float))


def legendre_design(x: np.ndarray, degree: int) -> np.ndarray:
    """(..., degree + 1) Legendre polynomials of 2x − 1 (well conditioned on [0, 1], same span as xᵏ)."""
    return np.polynomial.legendre.legvander(2 * np.asarray(x, dtype=float) - 1, degree)


@dataclass(frozen=True)
class BiasVariance:
    """The decomposition at one degree, each term averaged over the test grid.

    bias2, variance, noise : the three terms (noise = σ²).
    expected_mse : the test error measured on fresh noisy targets, averaged over sets and grid;
        equals bias2 + variance + noise up to Monte-Carlo error.
    grid : (G,) test points; mean_fit : (G,) E_D f̂_D on the grid; fits : (k, G) the first
        few fitted curves (k ≤ 20); train_mse : mean training error of the fits.
    """

    bias2: float
    variance: float
    noise: float
    expected_mse: float
    grid: np.ndarray
    mean_fit: np.ndarray
    fits: np.ndarray
    train_mse: float

    @property
    def decomposition(self) -> float:
        """bias² + variance + noise, the value ``expected_mse`` should match."""
        return self.bias2 + self.variance + self.noise


def _checked(degree: object, n_train: object, noise_std: object, n_datasets: object) -> tuple[int, int, float, int]:
    degree = whole("degree", degree, low=0, high=MAX_DEGREE)
    n_train = whole("n_train", n_train, low=2, high=100_000)
    if degree >= n_train:
        raise ValueError(
            f"degree must be below n_train (a degree-{degree} polynomial has {degree + 1} coefficients, "
            f"more than {n_train} training points can determine), got degree {degree} with n_train {n_train}."
        )
    return degree, n_train, non_negative("noise_std", noise_std), whole("n_datasets", n_datasets, low=2, high=100_000)


def bias_variance(
    degree: int, n_train: int, noise_std: float, n_datasets: int, seed: int | None = None
) -> BiasVariance:
    """Fit a degree-``degree`` polynomial to ``n_datasets`` training sets and decompose its test error.

    Each training set holds ``n_train`` points x ~ U(0, 1), y = sin(2πx) + N(0, noise_std²);
    the test grid is ``TEST_GRID_SIZE`` evenly spaced points on [0, 1], with one fresh noisy
    target per set and grid point for ``expected_mse``.

    >>> bv = bias_variance(3, 30, 0.3, 200, seed=0)
    >>> round(bv.noise, 2), bv.bias2 < 0.05, abs(bv.expected_mse - bv.decomposition) < 0.02
    (0.09, True, True)
    """
    degree, n_train, noise_std, n_datasets = _checked(degree, n_train, noise_std, n_datasets)
    rng = np.random.default_rng(seed)
    x = rng.uniform(0.0, 1.0, (n_datasets, n_train))  # (D, n)
    y = truth(x) + noise_std * rng.standard_normal(x.shape)  # (D, n)
    design = legendre_design(x, degree)  # (D, n, p)
    coef = np.linalg.pinv(design) @ y[..., None]  # (D, p, 1)
    train_mse = float(np.mean(((design @ coef)[..., 0] - y) ** 2))
    grid = np.linspace(0.0, 1.0, TEST_GRID_SIZE)  # (G,)
    fits = (legendre_design(grid, degree) @ coef)[..., 0]  # (D, G)
    mean_fit = fits.mean(axis=0)  # (G,)
    y_test = truth(grid) + noise_std * rng.standard_normal(fits.shape)  # (D, G)
    return BiasVariance(
        bias2=float(np.mean((mean_fit - truth(grid)) ** 2)),
        variance=float(np.mean(fits.var(axis=0))),
        noise=noise_std**2,
        expected_mse=float(np.mean((y_test - fits) ** 2)),
        grid=grid,
        mean_fit=mean_fit,
        fits=fits[:20],
        train_mse=train_mse,
    )


def bias_variance_curve(
    max_degree: int, n_train: int, noise_std: float, n_datasets: int, seed: int | None = None
) -> pd.DataFrame:
    """The U curve: one row per degree 0 … min(max_degree, n_train − 1) with every term of the decomposition.

    Every degree sees the same training sets (same seed), so the curve moves only with the degree.

    >>> curve = bias_variance_curve(8, 30, 0.3, 200, seed=0)
    >>> int(curve.loc[curve["test error"].idxmin(), "degree"]) in range(3, 8)
    True
    """
    max_degree = whole("max_degree", max_degree, low=0, high=MAX_DEGREE)
    n_train = whole("n_train", n_train, low=2, high=100_000)
    rows = []
    for degree in range(min(max_degree, n_train - 1) + 1):
        bv = bias_variance(degree, n_train, noise_std, n_datasets, seed)
        rows.append(
            {
                "degree": degree,
                "bias²": bv.bias2,
                "variance": bv.variance,
                "noise": bv.noise,
                "bias² + variance + noise": bv.decomposition,
                "test error": bv.expected_mse,
                "training error": bv.train_mse,
            }
        )
    return pd.DataFrame(rows)
