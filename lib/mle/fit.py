"""Fit your own data: five continuous families by maximum likelihood, ranked by AIC and BIC.

Parametrisations are scipy's, with the location fixed at 0 except for the normal:

* ``exponential`` – ``scipy.stats.expon(scale=θ)``: ``f(x) = e^{−x/θ}/θ``, ``x ≥ 0``; ``θ̂ = x̄``.
* ``gamma`` – ``scipy.stats.gamma(a, scale=θ)``: ``f(x) = x^{a−1} e^{−x/θ} / (Γ(a) θ^a)``; ``â`` solves
  ``log a − ψ(a) = log x̄ − mean(log x)`` and ``θ̂ = x̄/â``.
* ``lognormal`` – ``scipy.stats.lognorm(s, scale=e^μ)``: ``log x ~ N(μ, s²)``; ``μ̂``, ``ŝ`` are the mean and the
  standard deviation (divisor n) of ``log x``.
* ``weibull`` – ``scipy.stats.weibull_min(c, scale=λ)``: ``f(x) = (c/λ)(x/λ)^{c−1} e^{−(x/λ)^c}``; ``ĉ`` solves
  ``Σ x^c log x / Σ x^c − 1/c = mean(log x)`` and ``λ̂ = (mean x^c)^{1/c}``.
* ``normal`` – ``scipy.stats.norm(loc=μ, scale=σ)``: ``μ̂ = x̄``, ``σ̂²`` the mean squared deviation.

Standard errors are the square roots of the diagonal of the inverse observed information ``−∇²ℓ(θ̂)``, which is
written out analytically per family (the tests check it against differences of scipy's ``logpdf``). ``aic = 2k −
2ℓ̂`` and ``bic = k log n − 2ℓ̂`` with k the number of free parameters (1 for the exponential, 2 for the others).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from scipy import special, stats

from lib.mle._shared import MAX_COUNTS, Seed, _rng

Family = Literal["exponential", "gamma", "lognormal", "weibull", "normal"]
FAMILIES: tuple[str, ...] = ("exponential", "gamma", "lognormal", "weibull", "normal")
SCIPY_NAMES = {
    "exponential": "expon",
    "gamma": "gamma",
    "lognormal": "lognorm",
    "weibull": "weibull_min",
    "normal": "norm",
}
MAX_PLOT_POINTS = 400  # QQ and PP plots show at most this many quantiles


@dataclass(frozen=True)
class FitResult:
    """A maximum-likelihood fit of one family: ``params`` in scipy's names (``loc`` only for the normal)."""

    family: str
    params: dict[str, float]
    std_errors: dict[str, float]
    loglik: float
    aic: float
    bic: float
    n_obs: int
    covariance: np.ndarray

    def frozen(self) -> stats.rv_continuous:
        """The fitted distribution as a frozen scipy object (``loc=0`` except for the normal)."""
        return getattr(stats, SCIPY_NAMES[self.family])(**self.params)


def check_sample(data: Sequence[float] | np.ndarray, family: str = "normal") -> np.ndarray:
    """``data`` as a float array of at least two finite values, positive where ``family`` needs it."""
    if family not in FAMILIES:
        raise ValueError(f"family must be one of {', '.join(FAMILIES)}, got {str(family)[:40]!r}.")
    x = np.asarray(data, dtype=float).ravel() if np.size(data) else np.empty(0)
    if x.size < 2:
        raise ValueError(f"The sample needs at least two values to fit a distribution, got {x.size}.")
    if x.size > MAX_COUNTS:
        raise ValueError(f"The sample may hold at most {MAX_COUNTS:,} values, got {x.size:,}.")
    if not np.all(np.isfinite(x)):
        raise ValueError("The sample must hold finite numbers only.")
    if family == "exponential" and (x.min() < 0 or x.max() <= 0):
        raise ValueError(f"The exponential needs values ≥ 0 (not all zero); the smallest here is {x.min():.6g}.")
    if family in ("gamma", "lognormal", "weibull") and x.min() <= 0:
        raise ValueError(f"The {family} needs positive values; the smallest here is {x.min():.6g}.")
    if family != "exponential" and np.ptp(x) == 0:
        raise ValueError(f"The {family} needs at least two distinct values; every value here is {x[0]:.6g}.")
    return x


def _exponential(x: np.ndarray) -> tuple[dict[str, float], np.ndarray]:
    theta = x.mean()
    return {"scale": theta}, np.array([[x.size / theta**2]])  # −ℓ'' = −n/θ² + 2Σx/θ³ = n/θ² at θ̂ = x̄


def _normal(x: np.ndarray) -> tuple[dict[str, float], np.ndarray]:
    mu, sigma = x.mean(), x.std()
    n = x.size
    return {"loc": mu, "scale": sigma}, np.diag([n / sigma**2, 2 * n / sigma**2])


def _lognormal(x: np.ndarray) -> tuple[dict[str, float], np.ndarray]:
    logs = np.log(x)
    mu, s = logs.mean(), logs.std()
    n = x.size
    # Information in (μ, s) is diag(n/s², 2n/s²); at the maximum it transforms with the Jacobian of μ = log(scale).
    scale = np.exp(mu)
    return {"s": s, "scale": scale}, np.diag([2 * n / s**2, n / (s * scale) ** 2])


def _increasing_root(
    value_and_slope: Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]],
    start: np.ndarray,
    low: np.ndarray,
    high: np.ndarray,
) -> np.ndarray:
    """Per-row root of increasing functions bracketed by ``low < root < high``: Newton, bisecting off-bracket steps."""
    x = start
    for _ in range(100):
        value, slope = value_and_slope(x)
        low = np.where(value < 0, x, low)
        high = np.where(value > 0, x, high)
        step = np.clip(x - value / slope, low, high)
        stepped = np.where((step > low) & (step < high), step, (low + high) / 2)
        converged = not np.any(np.abs(stepped - x) > 1e-14 * x)  # rows of NaN (a sample with a 0) stop too
        x = stepped
        if converged:
            break
    return x


def _bracket(value: Callable[[np.ndarray], np.ndarray], guess: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(low, high)`` around the root of an increasing ``value``: halve and double ``guess`` until signs differ."""
    low, high = guess / 2, guess * 2
    while np.any(above := value(low) > 0):
        low = np.where(above, low / 2, low)
    while np.any(below := value(high) < 0):
        high = np.where(below, high * 2, high)
    return low, high


def gamma_shape(target: np.ndarray) -> np.ndarray:
    """The gamma MLE of the shape per element: ``a`` with ``log a − ψ(a) = target`` (``log x̄ − mean log x > 0``)."""
    target = np.asarray(target, dtype=float)

    def value_and_slope(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:  # ψ(a) − log a + target, increasing
        return special.digamma(a) - np.log(a) + target, special.polygamma(1, a) - 1 / a

    guess = (3 - target + np.sqrt((target - 3) ** 2 + 24 * target)) / (12 * target)  # Minka's start
    low, high = _bracket(lambda a: value_and_slope(a)[0], guess)
    return _increasing_root(value_and_slope, guess, low, high)


def weibull_shape(logs: np.ndarray) -> np.ndarray:
    """The Weibull MLE of the shape per row of ``logs`` (the log data, shape (R, n)): ``c`` with
    ``Σ x^c log x / Σ x^c − 1/c = mean(log x)``, stabilised by shifting ``log x`` by its row maximum."""
    centred = logs - logs.max(axis=-1, keepdims=True)  # (R, n), ≤ 0
    mean_centred = centred.mean(axis=-1)  # (R,)

    def value_and_slope(c: np.ndarray) -> tuple[np.ndarray, np.ndarray]:  # increasing in c
        w = np.exp(c[:, None] * centred)  # (R, n) ∝ x^c
        total = w.sum(axis=-1)
        first = (w * centred).sum(axis=-1) / total
        second = (w * centred**2).sum(axis=-1) / total
        return first - 1 / c - mean_centred, second - first**2 + 1 / c**2

    guess = np.pi / (np.sqrt(6) * centred.std(axis=-1))  # Var(log X) = π²/(6c²)
    low, high = _bracket(lambda c: value_and_slope(c)[0], guess)
    return _increasing_root(value_and_slope, guess, low, high)


def weibull_scale(logs: np.ndarray, c: np.ndarray) -> np.ndarray:
    """The Weibull MLE of the scale per row given the shape: ``λ = (mean x^c)^{1/c}``, computed on the log scale."""
    top = logs.max(axis=-1)
    return np.exp(top + np.log(np.mean(np.exp(c[:, None] * (logs - top[:, None])), axis=-1)) / c)


def _gamma(x: np.ndarray) -> tuple[dict[str, float], np.ndarray]:
    target = np.log(x.mean()) - np.log(x).mean()  # > 0 by Jensen for a non-constant sample
    a = gamma_shape(np.array([target]))[0]
    theta = x.mean() / a
    n = x.size
    information = n * np.array([[special.polygamma(1, a), 1 / theta], [1 / theta, a / theta**2]])
    return {"a": a, "scale": theta}, information


def _weibull(x: np.ndarray) -> tuple[dict[str, float], np.ndarray]:
    logs = np.log(x)[None, :]  # (1, n)
    shape = weibull_shape(logs)
    c, scale = shape[0], weibull_scale(logs, shape)[0]
    log_z = logs[0] - np.log(scale)
    z_c = np.exp(c * log_z)  # (x/λ)^c, which sums to n at the maximum
    n = x.size
    cross = -(c / scale) * np.sum(z_c * log_z)
    information = np.array([[n / c**2 + np.sum(z_c * log_z**2), cross], [cross, n * c**2 / scale**2]])
    return {"c": c, "scale": scale}, information


_FITTERS: dict[str, Callable[[np.ndarray], tuple[dict[str, float], np.ndarray]]] = {
    "exponential": _exponential,
    "gamma": _gamma,
    "lognormal": _lognormal,
    "weibull": _weibull,
    "normal": _normal,
}


def fit_distribution(data: Sequence[float] | np.ndarray, family: Family = "exponential") -> FitResult:
    """Maximum-likelihood fit of ``family`` to ``data``, with standard errors from the observed information.

    The location is fixed at 0 (``floc=0`` in ``scipy.stats.<dist>.fit``) except for the normal; the estimates
    agree with scipy's and the log-likelihood is ``Σ logpdf(x)`` of the fitted scipy distribution.

    Example
    -------
    >>> fit = fit_distribution([1.0, 2.0, 3.0, 6.0], "exponential")
    >>> fit.params["scale"], round(fit.std_errors["scale"], 4), round(fit.aic, 4)
    (3.0, 1.5, 18.7889)
    """
    x = check_sample(data, family)
    params, information = _FITTERS[family](x)
    params = {name: float(value) for name, value in params.items()}
    covariance = np.linalg.inv(information)
    std_errors = dict(zip(params, np.sqrt(np.diag(covariance)).tolist(), strict=True))
    loglik = float(np.sum(getattr(stats, SCIPY_NAMES[family]).logpdf(x, **params)))
    k = len(params)
    return FitResult(
        family=family,
        params=params,
        std_errors=std_errors,
        loglik=loglik,
        aic=2 * k - 2 * loglik,
        bic=k * np.log(x.size) - 2 * loglik,
        n_obs=int(x.size),
        covariance=covariance,
    )


def fit_families(
    data: Sequence[float] | np.ndarray, families: Sequence[str] = FAMILIES
) -> tuple[list[FitResult], dict[str, str]]:
    """Fit every family the data allow, best AIC first; the others map to the sentence saying why not."""
    check_sample(data, "normal")
    fits, skipped = [], {}
    for family in families:
        try:
            fits.append(fit_distribution(data, family))
        except ValueError as err:
            skipped[family] = str(err)
    if not fits:
        raise ValueError(f"None of the families can be fitted: {next(iter(skipped.values()))}")
    return sorted(fits, key=lambda f: f.aic), skipped


def fit_table(fits: Sequence[FitResult]) -> pd.DataFrame:
    """One row per fit, best AIC first: parameters with standard errors, ℓ̂, AIC, BIC and their differences."""
    best_aic = min(f.aic for f in fits)
    best_bic = min(f.bic for f in fits)
    rows = []
    for fit in sorted(fits, key=lambda f: f.aic):
        shown = ", ".join(f"{k} = {v:.5g} ± {fit.std_errors[k]:.2g}" for k, v in fit.params.items())
        rows.append(
            {
                "family": fit.family,
                "parameters (± SE)": shown,
                "log-likelihood": fit.loglik,
                "AIC": fit.aic,
                "ΔAIC": fit.aic - best_aic,
                "BIC": fit.bic,
                "ΔBIC": fit.bic - best_bic,
                "AIC weight": np.exp(-(fit.aic - best_aic) / 2),
            }
        )
    table = pd.DataFrame(rows)
    table["AIC weight"] /= table["AIC weight"].sum()
    return table


def probability_plot_points(data: Sequence[float] | np.ndarray, fits: Sequence[FitResult]) -> pd.DataFrame:
    """QQ and PP coordinates per fit at plotting positions ``(i − ½)/n`` (at most MAX_PLOT_POINTS of them).

    Columns: ``family``, ``probability`` (the plotting position), ``sample quantile``, ``fitted quantile``
    (QQ: fitted against sample) and ``fitted cdf`` (PP: the fitted cdf at the sample quantile against the position).
    """
    x = np.sort(check_sample(data, "normal"))
    n = x.size
    index = np.unique(np.linspace(0, n - 1, min(n, MAX_PLOT_POINTS)).round().astype(int))
    position = (index + 0.5) / n
    frames = [
        pd.DataFrame(
            {
                "family": fit.family,
                "probability": position,
                "sample quantile": x[index],
                "fitted quantile": fit.frozen().ppf(position),
                "fitted cdf": fit.frozen().cdf(x[index]),
            }
        )
        for fit in fits
    ]
    return pd.concat(frames, ignore_index=True)


def sample_family(family: Family, params: dict[str, float], n: int, seed: Seed = None) -> np.ndarray:
    """``n`` draws from ``family`` with ``params`` (scipy's names), e.g. to try the fit on known truth."""
    if family not in FAMILIES:
        raise ValueError(f"family must be one of {', '.join(FAMILIES)}, got {str(family)[:40]!r}.")
    if int(n) != n or not 2 <= n <= MAX_COUNTS:
        raise ValueError(f"n must be a whole number from 2 to {MAX_COUNTS:,}, got {n}.")
    return getattr(stats, SCIPY_NAMES[family]).rvs(size=int(n), random_state=_rng(seed), **params)


def density_curves(fits: Sequence[FitResult], low: float, high: float, points: int = 200) -> pd.DataFrame:
    """Each fit's pdf on a grid from ``low`` to ``high``: columns ``x``, ``density``, ``curve`` (the family)."""
    grid = np.linspace(low, high, points)
    frames = []
    for fit in fits:
        with np.errstate(all="ignore"):
            density = fit.frozen().pdf(grid)
        density = np.where(np.isfinite(density), density, np.nan)
        frames.append(pd.DataFrame({"x": grid, "density": density, "curve": fit.family}))
    return pd.concat(frames, ignore_index=True).dropna()
