"""Bootstrap confidence intervals: percentile, basic and BCa."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import stats

from lib.hypothesis._shared import BOOTSTRAP_METHODS, MAX_RESAMPLES
from lib.validation import probability, whole

_CHUNK_ELEMENTS = 2_000_000  # resample values held in memory at once


@dataclass(frozen=True)
class Interval:
    """A bootstrap confidence interval ``[low, high]`` for ``statistic(data)`` = ``estimate``."""

    low: float
    high: float
    estimate: float
    level: float
    method: str
    n_resamples: int
    bootstrap_distribution: np.ndarray = field(repr=False, compare=False)
    standard_error: float = float("nan")

    def covers(self, value: float) -> bool:
        return bool(self.low <= value <= self.high)


def _vectorised(statistic: Callable[..., object]) -> Callable[[np.ndarray], np.ndarray]:
    """``statistic`` applied along the last axis, with ``axis=-1`` when it accepts it."""

    def along_rows(x: np.ndarray) -> np.ndarray:
        try:
            out = np.asarray(statistic(x, axis=-1), dtype=float)
            if out.shape == x.shape[:-1]:
                return out
        except TypeError:
            pass
        return np.apply_along_axis(lambda row: float(statistic(row)), -1, x)

    return along_rows


def _check_sample(data: object) -> np.ndarray:
    try:
        x = np.asarray(data, dtype=float)
    except (TypeError, ValueError):
        raise ValueError("data must be a list of numbers.") from None
    if x.ndim != 1:
        raise ValueError(f"data must be one-dimensional, got shape {x.shape}.")
    if x.size < 2:
        raise ValueError(f"The bootstrap needs at least 2 observations, got {x.size}.")
    if not np.all(np.isfinite(x)):
        raise ValueError("data must hold finite numbers only (no NaN or infinity).")
    if np.all(x == x[0]):
        raise ValueError("All values in data are equal, so every resample is identical and there is no interval.")
    return x


def bootstrap_distribution(
    data: Sequence[float] | np.ndarray,
    statistic: Callable[..., object] = np.mean,
    n_resamples: int = 10_000,
    seed: int | np.random.Generator | None = None,
) -> np.ndarray:
    """``statistic`` of ``n_resamples`` resamples of ``data`` drawn with replacement (vectorised, chunked)."""
    x = _check_sample(data)
    n_resamples = whole("n_resamples", n_resamples, 1, MAX_RESAMPLES)
    rng = np.random.default_rng(seed)
    along_rows = _vectorised(statistic)
    n = x.size
    chunk = max(1, _CHUNK_ELEMENTS // n)
    out = np.empty(n_resamples)
    index_type = np.int32 if n < 2**31 else np.int64
    for start in range(0, n_resamples, chunk):
        stop = min(start + chunk, n_resamples)
        idx = rng.integers(0, n, size=(stop - start, n), dtype=index_type)
        out[start:stop] = along_rows(x[idx])
    return out


def _jackknife(x: np.ndarray, along_rows: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    n = x.size
    out = np.empty(n)
    chunk = max(1, _CHUNK_ELEMENTS // n)
    cols = np.arange(n - 1)
    for start in range(0, n, chunk):
        rows = np.arange(start, min(start + chunk, n))
        idx = cols[None, :] + (cols[None, :] >= rows[:, None])  # every index but the row's own
        out[start : rows[-1] + 1] = along_rows(x[idx])
    return out


def bootstrap_ci(
    data: Sequence[float] | np.ndarray,
    statistic: Callable[..., object] = np.mean,
    level: float = 0.95,
    method: str = "basic",
    n_resamples: int = 10_000,
    seed: int | np.random.Generator | None = None,
) -> Interval:
    """A bootstrap confidence interval for ``statistic(data)``.

    Draw ``n_resamples`` resamples x* of the data with replacement and compute θ* = statistic(x*).
    With θ̂ = statistic(data) and q_u the u-quantile of θ*, for level 1 − α:

    * ``"percentile"``: ``[q_{α/2}, q_{1−α/2}]``;
    * ``"basic"`` (the notes' method): with δ* = θ* − θ̂, ``[θ̂ − δ*_{1−α/2}, θ̂ − δ*_{α/2}]``
      = ``[2θ̂ − q_{1−α/2}, 2θ̂ − q_{α/2}]``;
    * ``"bca"`` (bias-corrected and accelerated, Efron 1987): percentile at
      ``Φ(z0 + (z0 + z_u) / (1 − a (z0 + z_u)))`` for u = α/2, 1 − α/2, with the bias
      z0 = Φ⁻¹(share of θ* below θ̂, ties counted half) and the acceleration
      ``a = Σ (θ̄_(·) − θ_(i))³ / (6 [Σ (θ̄_(·) − θ_(i))²]^{3/2})`` from the jackknife values θ_(i).
      When every jackknife value is equal, a is taken as 0.

    ``statistic`` should accept ``axis=-1`` (np.mean, np.median, np.std …); others are applied row by row.
    Quantiles interpolate linearly, as ``scipy.stats.bootstrap`` does.

    Example
    -------
    >>> ci = bootstrap_ci([1.0, 2.0, 4.0, 8.0, 16.0], method="percentile", seed=0)
    >>> ci.low < 6.2 < ci.high
    True
    """
    x = _check_sample(data)
    level = probability("level (the confidence level)", level)
    method = _check_method(method)
    along_rows = _vectorised(statistic)
    theta_hat = _estimate(x, along_rows)
    boot = bootstrap_distribution(x, statistic, n_resamples, seed)
    return _interval(x, theta_hat, boot, along_rows, level, method)


def _check_method(method: str) -> str:
    method = str(method).lower()
    if method not in BOOTSTRAP_METHODS:
        raise ValueError(f"method must be one of {', '.join(BOOTSTRAP_METHODS)}, got {method!r}.")
    return method


def _estimate(x: np.ndarray, along_rows: Callable[[np.ndarray], np.ndarray]) -> float:
    theta_hat = float(along_rows(x[None, :])[0])
    if not np.isfinite(theta_hat):
        raise ValueError("The statistic of the data is not a finite number.")
    return theta_hat


def _interval(
    x: np.ndarray,
    theta_hat: float,
    boot: np.ndarray,
    along_rows: Callable[[np.ndarray], np.ndarray],
    level: float,
    method: str,
) -> Interval:
    alpha = 1 - level
    tails = np.array([alpha / 2, 1 - alpha / 2])
    if method == "percentile":
        low, high = np.quantile(boot, tails)
    elif method == "basic":
        q_low, q_high = np.quantile(boot, tails)
        low, high = 2 * theta_hat - q_high, 2 * theta_hat - q_low
    else:
        share_below = ((boot < theta_hat).sum() + (boot <= theta_hat).sum()) / (2 * boot.size)
        if share_below in (0.0, 1.0):
            raise ValueError(
                "Every bootstrap value lies on one side of the estimate, so BCa's bias correction is infinite."
            )
        z0 = stats.norm.ppf(share_below)
        jack = _jackknife(x, along_rows)
        d = jack.mean() - jack
        denom = 6 * np.sum(d**2) ** 1.5
        acc = float(np.sum(d**3) / denom) if denom > 0 else 0.0
        z = stats.norm.ppf(tails)
        adjusted = stats.norm.cdf(z0 + (z0 + z) / (1 - acc * (z0 + z)))
        low, high = np.quantile(boot, adjusted)
    se = float(np.std(boot, ddof=1)) if boot.size > 1 else 0.0
    return Interval(float(low), float(high), theta_hat, level, method, int(boot.size), boot, se)
