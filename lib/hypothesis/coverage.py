"""The bootstrap coverage lab: skewed populations, their true statistics, and how often intervals cover."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

from lib.hypothesis._shared import BOOTSTRAP_METHODS, MAX_RESAMPLES
from lib.hypothesis.bootstrap import Interval, _check_sample, _estimate, _interval, _vectorised, bootstrap_distribution
from lib.validation import probability, whole

SKEWED_DISTRIBUTIONS: dict[str, tuple[str, Callable[[np.random.Generator, int], np.ndarray]]] = {
    # name: (description, sampler). True values of the statistics come from the scipy frozen law below.
    "exponential (scale 1)": ("Exponential with mean 1", lambda rng, n: rng.exponential(1.0, n)),
    "lognormal (σ = 1)": ("Lognormal, log-mean 0, log-sd 1", lambda rng, n: rng.lognormal(0.0, 1.0, n)),
    "gamma (shape 2)": ("Gamma, shape 2, scale 1", lambda rng, n: rng.gamma(2.0, 1.0, n)),
    "normal (0, 1)": ("Normal, mean 0, sd 1 (not skewed, for comparison)", lambda rng, n: rng.normal(0.0, 1.0, n)),
}

_FROZEN = {
    "exponential (scale 1)": stats.expon(),
    "lognormal (σ = 1)": stats.lognorm(1.0),
    "gamma (shape 2)": stats.gamma(2.0),
    "normal (0, 1)": stats.norm(),
}

STATISTICS: tuple[str, ...] = ("mean", "median", "std", "quantile")


def make_statistic(name: str, q: float = 0.9) -> Callable[..., np.ndarray]:
    """The named statistic as a vectorised function (``axis`` keyword): mean, median, std (ddof 1), quantile q."""
    if name == "mean":
        return np.mean
    if name == "median":
        return np.median
    if name == "std":
        return _std
    if name == "quantile":
        q = probability("q (the quantile)", q)
        return _Quantile(q)
    raise ValueError(f"statistic must be one of {', '.join(STATISTICS)}, got {name!r}.")


def _std(x: np.ndarray, axis: int = -1) -> np.ndarray:
    return np.std(x, axis=axis, ddof=1)


@dataclass(frozen=True)
class _Quantile:
    q: float

    def __call__(self, x: np.ndarray, axis: int = -1) -> np.ndarray:
        return np.quantile(x, self.q, axis=axis)


def true_statistic(distribution: str, name: str, q: float = 0.9) -> float:
    """The population value of a statistic for one of :data:`SKEWED_DISTRIBUTIONS` (what an interval should cover)."""
    if distribution not in _FROZEN:
        raise ValueError(f"distribution must be one of {', '.join(_FROZEN)}, got {distribution!r}.")
    law = _FROZEN[distribution]
    if name == "mean":
        return float(law.mean())
    if name == "median":
        return float(law.median())
    if name == "std":
        return float(law.std())
    if name == "quantile":
        return float(law.ppf(probability("q (the quantile)", q)))
    raise ValueError(f"statistic must be one of {', '.join(STATISTICS)}, got {name!r}.")


def sample_distribution(distribution: str, n: int, seed: int | np.random.Generator | None = None) -> np.ndarray:
    """n draws from one of :data:`SKEWED_DISTRIBUTIONS`."""
    if distribution not in SKEWED_DISTRIBUTIONS:
        raise ValueError(f"distribution must be one of {', '.join(SKEWED_DISTRIBUTIONS)}, got {distribution!r}.")
    n = whole("n (the sample size)", n, 1, MAX_RESAMPLES)
    return SKEWED_DISTRIBUTIONS[distribution][1](np.random.default_rng(seed), n)


@dataclass(frozen=True)
class CoverageResult:
    """Empirical coverage of each bootstrap method over repeated experiments."""

    methods: tuple[str, ...]
    coverage: np.ndarray  # one share per method
    mean_width: np.ndarray
    n_experiments: int
    true_value: float
    level: float

    def coverage_intervals(self, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
        """Wilson intervals for each coverage share (Monte-Carlo uncertainty of the lab itself)."""
        z = stats.norm.isf((1 - level) / 2)
        m, p = self.n_experiments, self.coverage
        centre = (p + z**2 / (2 * m)) / (1 + z**2 / m)
        half = z * np.sqrt(p * (1 - p) / m + z**2 / (4 * m**2)) / (1 + z**2 / m)
        return np.clip(centre - half, 0, 1), np.clip(centre + half, 0, 1)


def bootstrap_coverage(
    distribution: str,
    statistic: str,
    n: int,
    level: float = 0.95,
    n_experiments: int = 200,
    n_resamples: int = 1_000,
    q: float = 0.9,
    seed: int | np.random.Generator | None = None,
) -> CoverageResult:
    """Repeat "draw a sample of n, build each interval" ``n_experiments`` times; share that covers the truth.

    The same bootstrap resamples feed the three methods in each experiment, so they differ only in method.
    """
    n = whole("n (the sample size)", n, 2, 100_000)
    n_experiments = whole("n_experiments", n_experiments, 1, 100_000)
    level = probability("level (the confidence level)", level)
    truth = true_statistic(distribution, statistic, q)
    fn = make_statistic(statistic, q)
    rng = np.random.default_rng(seed)
    methods = BOOTSTRAP_METHODS
    hits = np.zeros(len(methods))
    widths = np.zeros(len(methods))
    done = 0
    for _ in range(n_experiments):
        sample = sample_distribution(distribution, n, rng)
        if np.all(sample == sample[0]):
            continue
        along_rows = _vectorised(fn)
        theta_hat = _estimate(sample, along_rows)
        boot = bootstrap_distribution(sample, fn, n_resamples, rng)
        for j, method in enumerate(methods):
            try:
                ci = _interval(sample, theta_hat, boot, along_rows, level, method)
            except ValueError:  # a degenerate BCa in a tiny sample: count it as a miss of width 0
                continue
            hits[j] += ci.covers(truth)
            widths[j] += ci.high - ci.low
        done += 1
    done = max(done, 1)
    return CoverageResult(methods, hits / done, widths / done, done, truth, level)


def bootstrap_intervals(
    data: Sequence[float] | np.ndarray,
    statistic: Callable[..., object] | str = np.mean,
    level: float = 0.95,
    n_resamples: int = 10_000,
    seed: int | np.random.Generator | None = None,
    q: float = 0.9,
) -> dict[str, Interval]:
    """Every method's :func:`bootstrap_ci` from one shared set of resamples (method name -> Interval).

    ``statistic`` may also be a name from :data:`STATISTICS` (``q`` is the quantile's level).
    """
    if isinstance(statistic, str):
        statistic = make_statistic(statistic, q)
    x = _check_sample(data)
    level = probability("level (the confidence level)", level)
    along_rows = _vectorised(statistic)
    theta_hat = _estimate(x, along_rows)
    boot = bootstrap_distribution(x, statistic, n_resamples, seed)
    out = {}
    for method in BOOTSTRAP_METHODS:
        try:
            out[method] = _interval(x, theta_hat, boot, along_rows, level, method)
        except ValueError:
            if method != "bca":
                raise
    return out
