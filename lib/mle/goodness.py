"""Goodness of fit with estimated parameters: a parametric bootstrap of the Anderson–Darling, KS or CvM statistic.

The test is ``scipy.stats.goodness_of_fit`` with the location fixed at 0 (free for the normal), computed the same
way and with the same random draws, but with every Monte Carlo sample refitted at once (vectorised closed forms
and Newton steps) instead of one numeric ``dist.fit`` per sample:

1. fit the family to the data (maximum likelihood; the normal's scale is ``std(ddof=1)``, as in scipy);
2. draw ``n_mc_samples`` samples of the data's size from that fit, in one ``rvs(size=(n_mc_samples, n))`` call;
3. refit each sample and compute its statistic against its own fit;
4. ``p = (#{null ≥ observed − 100·eps·|observed|} + 1) / (n_mc_samples + 1)``.

Statistics on the sorted sample ``x₍ᵢ₎`` with fitted cdf ``F``:

* ``ad``: ``A² = −n − Σᵢ (2i − 1)/n · (log F(x₍ᵢ₎) + log(1 − F(x₍ₙ₊₁₋ᵢ₎)))``;
* ``ks``: ``D = max(maxᵢ(i/n − F(x₍ᵢ₎)), maxᵢ(F(x₍ᵢ₎) − (i − 1)/n))``;
* ``cvm``: ``W² = 1/(12n) + Σᵢ ((2i − 1)/(2n) − F(x₍ᵢ₎))²``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

from lib.mle._shared import Seed, _rng
from lib.mle.fit import SCIPY_NAMES, Family, check_sample, gamma_shape, weibull_scale, weibull_shape

MAX_MC_SAMPLES = 2_000  # Monte Carlo samples for goodness_of_fit
STATISTICS = ("ad", "ks", "cvm")


@dataclass(frozen=True)
class GoodnessOfFit:
    """A goodness-of-fit test of one family: the statistic, its Monte Carlo p-value and the samples used."""

    family: str
    statistic_name: str
    statistic: float
    pvalue: float
    n_mc_samples: int


def refit(family: str, samples: np.ndarray) -> dict[str, np.ndarray]:
    """Each row of ``samples`` (R, n) refitted: scipy's parameter names mapped to (R, 1) arrays.

    Maximum likelihood with the location 0, except the normal: mean and ``std(ddof=1)``, as scipy's vectorised fit.
    """
    if family == "exponential":
        params = {"scale": samples.mean(axis=-1)}
    elif family == "normal":
        params = {"loc": samples.mean(axis=-1), "scale": samples.std(axis=-1, ddof=1)}
    elif family == "lognormal":
        logs = np.log(samples)
        params = {"s": logs.std(axis=-1), "scale": np.exp(logs.mean(axis=-1))}
    elif family == "gamma":
        mean = samples.mean(axis=-1)
        a = gamma_shape(np.log(mean) - np.log(samples).mean(axis=-1))
        params = {"a": a, "scale": mean / a}
    else:
        logs = np.log(samples)
        c = weibull_shape(logs)
        params = {"c": c, "scale": weibull_scale(logs, c)}
    return {name: value[:, None] for name, value in params.items()}


def _log_cdf_and_sf(dist: stats.rv_continuous, params: dict[str, np.ndarray], x: np.ndarray) -> tuple:
    """``(log F(x), log(1 − F(x)))``: logs of the cdf and sf (each accurate in its own tail), with scipy's slower
    log-space functions only where one of them underflows to 0."""
    log_cdf, log_sf = np.log(dist.cdf(x, **params)), np.log(dist.sf(x, **params))
    for logs, exact in ((log_cdf, dist.logcdf), (log_sf, dist.logsf)):
        under = np.isneginf(logs)
        if under.any():
            logs[under] = exact(x[under], **{k: np.broadcast_to(v, x.shape)[under] for k, v in params.items()})
    return log_cdf, log_sf


def gof_statistic(name: str, family: str, params: dict[str, np.ndarray], samples: np.ndarray) -> np.ndarray:
    """The statistic ``name`` of each row of ``samples`` (R, n) against ``family`` with ``params`` ((R, 1) arrays)."""
    dist = getattr(stats, SCIPY_NAMES[family])
    x = np.sort(samples, axis=-1)  # (R, n)
    n = x.shape[-1]
    i = np.arange(1, n + 1)
    if name == "ad":
        log_cdf, log_sf = _log_cdf_and_sf(dist, params, x)
        return -n - np.sum((2 * i - 1) / n * (log_cdf + log_sf[..., ::-1]), axis=-1)
    cdf = dist.cdf(x, **params)
    if name == "ks":
        return np.maximum((i / n - cdf).max(axis=-1), (cdf - (i - 1) / n).max(axis=-1))
    return 1 / (12 * n) + np.sum(((2 * i - 1) / (2 * n) - cdf) ** 2, axis=-1)


def goodness_of_fit(
    data: Sequence[float] | np.ndarray,
    family: Family = "exponential",
    statistic: str = "ad",
    n_mc_samples: int = 199,
    seed: Seed = None,
) -> GoodnessOfFit:
    """Monte Carlo goodness-of-fit test of ``family`` with its parameters estimated (the location fixed at 0).

    The statistic (``"ad"`` Anderson–Darling, ``"ks"``, ``"cvm"``) is compared with its distribution over
    ``n_mc_samples`` samples drawn from the fitted family and refitted, so the p-value accounts for the estimation.
    Its resolution is ``1/(n_mc_samples + 1)``. Same statistic and p-value as ``scipy.stats.goodness_of_fit(dist,
    data, known_params={"loc": 0}, rng=seed)`` (no ``known_params`` for the normal).

    >>> round(goodness_of_fit([0.2, 0.5, 1.1, 1.4, 2.9], "exponential", n_mc_samples=99, seed=0).pvalue, 2)
    0.97
    """
    x = check_sample(data, family)
    if statistic not in STATISTICS:
        raise ValueError(f"statistic must be 'ad', 'ks' or 'cvm', got {str(statistic)[:20]!r}.")
    if int(n_mc_samples) != n_mc_samples or not 9 <= n_mc_samples <= MAX_MC_SAMPLES:
        raise ValueError(f"n_mc_samples must be a whole number from 9 to {MAX_MC_SAMPLES:,}, got {n_mc_samples}.")
    rng = _rng(seed)
    with np.errstate(all="ignore"):  # a draw that underflows to 0 gives a NaN statistic, which never counts
        params = refit(family, x[None, :])  # (1, 1) arrays: the data's own fit
        observed = gof_statistic(statistic, family, params, x[None, :])[0]
        fitted = getattr(stats, SCIPY_NAMES[family])(**{k: v[0, 0] for k, v in params.items()})
        samples = fitted.rvs(size=(int(n_mc_samples), x.size), random_state=rng)  # (n_mc, n), scipy's one batch
        null = gof_statistic(statistic, family, refit(family, samples), samples)
    tolerance = 100 * np.finfo(float).eps * abs(observed) if np.isfinite(observed) else 0.0
    pvalue = (np.sum(null >= observed - tolerance) + 1) / (n_mc_samples + 1)
    return GoodnessOfFit(family, statistic, float(observed), float(pvalue), int(n_mc_samples))
