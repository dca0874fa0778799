"""Feature scaling (standardize, min–max, robust) and why ridge regression cares which one you pick.

Each method maps a column x to (x − centre) / spread:

    standardize   centre = mean,    spread = standard deviation (ddof = 0)
    minmax        centre = min,     spread = max − min            (the notes' "normalize": onto [0, 1])
    robust        centre = median,  spread = Q3 − Q1 (the interquartile range, linear quantiles)

Ridge regression minimises ‖y − b − Xβ‖² + α‖β‖²: the penalty is on the coefficients, so a feature
measured in small units (large values, small β) is barely penalised and one in large units is
shrunk hard. Rescaling the columns changes which coefficients the penalty reaches, and so the fit.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lib.validation import non_negative, one_of, whole

METHODS = ("standardize", "minmax", "robust")


def _as_columns(x: object, name: str = "x") -> np.ndarray:
    """``x`` as a finite float (n, d) array (a 1-D array is one column)."""
    array = np.asarray(x, dtype=float)
    if array.ndim == 1:
        array = array[:, None]
    if array.ndim != 2 or array.shape[0] < 2 or array.shape[1] < 1:
        raise ValueError(f"{name} must be a 1-D or 2-D array with at least two rows, got shape {array.shape}.")
    if not np.isfinite(array).all():
        raise ValueError(f"{name} must hold only finite numbers.")
    return array


def scaling_parameters(x: object, method: str = "standardize") -> tuple[np.ndarray, np.ndarray]:
    """(centre, spread), each of shape (d,), of every column of ``x`` under ``method``.

    >>> scaling_parameters([[1.0], [2.0], [3.0], [10.0]], "robust")
    (array([2.5]), array([3.]))
    """
    method = one_of("method", method, METHODS)
    columns = _as_columns(x)
    if method == "standardize":
        centre, spread = columns.mean(axis=0), columns.std(axis=0)
    elif method == "minmax":
        centre, spread = columns.min(axis=0), np.ptp(columns, axis=0)
    else:
        q1, centre, q3 = np.quantile(columns, [0.25, 0.5, 0.75], axis=0)
        spread = q3 - q1
    flat = np.flatnonzero(spread <= 1e-12 * np.maximum(1.0, np.abs(columns).max(axis=0)))
    if flat.size:
        what = "interquartile range" if method == "robust" else "spread"
        raise ValueError(
            f"x has a column with zero {what} (column {int(flat[0])}): it cannot be {method} scaled; drop it."
        )
    return centre, spread


def scale(x: object, method: str = "standardize") -> np.ndarray:
    """Scale every column of ``x`` (shape (n,) or (n, d), result of the same shape) by ``method``.

    Agrees with scikit-learn's StandardScaler, MinMaxScaler and RobustScaler. A constant column
    (or, for "robust", one whose quartiles coincide) is a ``ValueError``.

    >>> scale([1.0, 2.0, 3.0], "standardize").round(4)
    array([-1.2247,  0.    ,  1.2247])
    >>> scale([1.0, 2.0, 5.0], "minmax")
    array([0.  , 0.25, 1.  ])
    """
    centre, spread = scaling_parameters(x, method)
    scaled = (_as_columns(x) - centre) / spread
    return scaled[:, 0] if np.ndim(x) == 1 else scaled


@dataclass(frozen=True)
class RidgeFit:
    """Ridge regression y ≈ intercept + X @ coef (the intercept is not penalised)."""

    coef: np.ndarray
    intercept: float

    def predict(self, X: object) -> np.ndarray:
        return _as_columns(X, "X") @ self.coef + self.intercept


def ridge_fit(X: object, y: object, alpha: float = 1.0) -> RidgeFit:
    """Minimise ‖y − b − Xβ‖² + α‖β‖² in closed form: β = (XcᵀXc + αI)⁻¹ Xcᵀyc on centred Xc, yc.

    The same objective as scikit-learn's ``Ridge(alpha)``.

    >>> fit = ridge_fit([[0.0], [1.0], [2.0]], [1.0, 3.0, 5.0], alpha=0.0)
    >>> fit.coef.round(6), round(fit.intercept, 6)
    (array([2.]), 1.0)
    """
    alpha = non_negative("alpha", alpha)
    X = _as_columns(X, "X")
    y = np.asarray(y, dtype=float)
    if y.shape != (X.shape[0],) or not np.isfinite(y).all():
        raise ValueError(f"y must hold one finite number per row of X ({X.shape[0]}), got shape {y.shape}.")
    x_mean, y_mean = X.mean(axis=0), y.mean()
    Xc, yc = X - x_mean, y - y_mean  # (n, d), (n,)
    gram = Xc.T @ Xc + alpha * np.eye(X.shape[1])  # (d, d)
    coef = np.linalg.lstsq(gram, Xc.T @ yc, rcond=None)[0]
    return RidgeFit(coef=coef, intercept=float(y_mean - x_mean @ coef))


def unscaled_coefficients(fit: RidgeFit, centre: np.ndarray, spread: np.ndarray) -> RidgeFit:
    """A fit on scaled features (x − centre) / spread, written as the same model on the raw features."""
    coef = fit.coef / spread
    return RidgeFit(coef=coef, intercept=float(fit.intercept - centre @ coef))


def scaling_data(n: int, outlier: float, seed: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Two features in very different units and a target that depends on both equally, plus one outlier.

    Columns: age-like x₁ ~ N(40, 10²) and income-like x₂ ~ N(50 000, 15 000²);
    y = (x₁ − 40)/10 + (x₂ − 50 000)/15 000 + N(0, 1), one unit of y per standard deviation of either
    feature. Then row 0's x₁ is moved ``outlier`` standard deviations above the mean (0: no outlier),
    its y unchanged: a recording error, as outliers in real data often are.

    >>> X, y = scaling_data(200, 20.0, seed=0)
    >>> X.shape, y.shape, bool(X[0, 0] > 200)
    ((200, 2), (200,), True)
    """
    n = whole("n", n, low=5, high=1_000_000)
    outlier = non_negative("outlier", outlier)
    rng = np.random.default_rng(seed)
    means, stds = np.array([40.0, 50_000.0]), np.array([10.0, 15_000.0])
    X = means + stds * rng.standard_normal((n, 2))  # (n, 2)
    y = ((X - means) / stds).sum(axis=1) + rng.standard_normal(n)  # (n,) one unit of y per std of each feature
    if outlier > 0:
        X[0, 0] = means[0] + outlier * stds[0]
    return X, y
