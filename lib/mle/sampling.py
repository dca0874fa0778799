"""The sampling distribution of p̂: bias and interval coverage, exact and simulated, as m grows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import special, stats

from lib.mle._shared import Kind, Seed, _log_choose_trials, _rng
from lib.mle.estimates import _kernel
from lib.validation import probability, whole


def _check_design(kind: Kind, p: float, size: int, m: int) -> tuple[float, int, int]:
    if kind not in ("binomial", "negative_binomial"):
        raise ValueError(f"kind must be 'binomial' or 'negative_binomial', got {kind!r}.")
    p = probability("p", p)
    size = whole("n_trials" if kind == "binomial" else "k", size, 1, 10_000)
    m = whole("m", m, 1, 100_000)
    return p, size, m


def _ab(kind: Kind, stat: np.ndarray, size: int, m: int) -> tuple[np.ndarray, np.ndarray]:
    """(a, b) for each value of the sufficient statistic: successes (binomial) or failures (NB)."""
    stat = np.asarray(stat, dtype=float)
    if kind == "binomial":
        return stat, m * size - stat
    return np.full_like(stat, m * size), stat


def _covers(a: np.ndarray, b: np.ndarray, p: float, level: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """p̂ and whether the Wald and the profile interval contain ``p``, for each (a, b).

    No interval is solved for: ``p`` lies in the Wald interval iff ``|p̂ − p| <= z·se`` and in
    the profile interval iff the likelihood-ratio statistic ``2·(ℓ(p̂) − ℓ(p))`` is at most χ²₁.
    """
    total = a + b
    p_hat = a / total
    z = stats.norm.ppf(0.5 + level / 2)
    wald = np.abs(p_hat - p) <= z * np.sqrt(p_hat * (1 - p_hat) / total)
    profile = 2 * (_kernel(p_hat, a, b) - _kernel(p, a, b)) <= stats.chi2.ppf(level, 1)
    return p_hat, wald, profile


@dataclass(frozen=True)
class SamplingResult:
    """Repeated experiments: every p̂ and whether each interval covered the true p."""

    estimates: np.ndarray
    wald_covers: np.ndarray
    profile_covers: np.ndarray
    true_p: float

    @property
    def bias(self) -> float:
        return float(self.estimates.mean() - self.true_p)

    @property
    def sd(self) -> float:
        return float(self.estimates.std(ddof=1)) if self.estimates.size > 1 else 0.0

    @property
    def wald_coverage(self) -> float:
        return float(self.wald_covers.mean())

    @property
    def profile_coverage(self) -> float:
        return float(self.profile_covers.mean())


def simulate_estimates(
    kind: Kind, p: float, size: int, m: int, repetitions: int, level: float = 0.95, seed: Seed = None
) -> SamplingResult:
    """Repeat the experiment ``repetitions`` times: p̂ and the coverage of both intervals.

    ``size`` is ``n_trials`` (binomial) or ``k`` (negative binomial). Only the sufficient
    statistic is drawn: Σk ~ Binomial(m·n, p), and the total failures Σ(n_i − k) ~ NB(m·k, p)
    (scipy's failures parametrisation), which is exactly the distribution of the sum of the
    m experiments.
    """
    p, size, m = _check_design(kind, p, size, m)
    repetitions = whole("repetitions", repetitions, 1, 1_000_000)
    rng = _rng(seed)
    draw = rng.binomial if kind == "binomial" else rng.negative_binomial
    a, b = _ab(kind, draw(m * size, p, repetitions), size, m)
    p_hat, wald, profile = _covers(a, b, p, probability("level", level))
    return SamplingResult(estimates=p_hat, wald_covers=wald, profile_covers=profile, true_p=p)


@dataclass(frozen=True)
class ExactProperties:
    """Bias, standard deviation and coverage computed over the whole distribution of the data."""

    bias: float
    sd: float
    wald_coverage: float
    profile_coverage: float
    asymptotic_sd: float


def exact_properties(kind: Kind, p: float, size: int, m: int, level: float = 0.95) -> ExactProperties:
    """Exact bias, sd and interval coverage of p̂, summing over every possible outcome.

    The binomial sum runs over Σk = 0..m·n; the negative-binomial one over the total failures
    between its 1e-12 and 1 − 1e-12 quantiles (the rest carries less than 2e-12 of probability).
    ``asymptotic_sd`` is ``sqrt(1/I(p))``: ``sqrt(p(1−p)/(m·n))`` and ``sqrt(p²(1−p)/(m·k))``.
    """
    p, size, m = _check_design(kind, p, size, m)
    if kind == "binomial":
        stat = np.arange(m * size + 1)
        weight = stats.binom.pmf(stat, m * size, p)
        asymptotic = np.sqrt(p * (1 - p) / (m * size))
    else:
        lo, hi = stats.nbinom.ppf([1e-12, 1 - 1e-12], m * size, p)
        stat = np.arange(int(lo), int(hi) + 1)
        weight = stats.nbinom.pmf(stat, m * size, p)
        asymptotic = np.sqrt(p**2 * (1 - p) / (m * size))
    keep = weight > 1e-15
    stat, weight = stat[keep], weight[keep] / weight[keep].sum()
    a, b = _ab(kind, stat, size, m)
    p_hat, wald, profile = _covers(a, b, p, probability("level", level))
    mean = float(np.sum(weight * p_hat))
    return ExactProperties(
        bias=mean - p,
        sd=float(np.sqrt(max(np.sum(weight * (p_hat - mean) ** 2), 0.0))),
        wald_coverage=float(np.sum(weight[wald])),
        profile_coverage=float(np.sum(weight[profile])),
        asymptotic_sd=float(asymptotic),
    )


def properties_by_m(
    kind: Kind, p: float, size: int, ms: Sequence[int], repetitions: int = 0, level: float = 0.95, seed: Seed = None
) -> pd.DataFrame:
    """Bias and coverage of both intervals for each number of experiments ``m``.

    One row per ``m`` and source: ``exact`` always, ``simulated`` too when ``repetitions > 0``.
    Columns: ``m``, ``source``, ``bias``, ``Wald coverage``, ``profile coverage``.
    """
    rng = _rng(seed)
    rows = []
    for m in ms:
        exact = exact_properties(kind, p, size, m, level)
        rows.append((m, "exact", exact.bias, exact.wald_coverage, exact.profile_coverage))
        if repetitions > 0:
            sim = simulate_estimates(kind, p, size, m, repetitions, level, rng)
            rows.append((m, "simulated", sim.bias, sim.wald_coverage, sim.profile_coverage))
    return pd.DataFrame(rows, columns=["m", "source", "bias", "Wald coverage", "profile coverage"])


def simulate_counts(kind: Kind, p: float, size: int, m: int, seed: Seed = None) -> np.ndarray:
    """``m`` experiments: successes out of ``size`` trials, or trials until the ``size``-th success."""
    p, size, m = _check_design(kind, p, size, m)
    rng = _rng(seed)
    if kind == "binomial":
        return rng.binomial(size, p, m)
    return rng.negative_binomial(size, p, m) + size  # numpy counts failures: shift by k to get trials


def negative_binomial_pmf(n: np.ndarray | int, k: int, p: float) -> np.ndarray:
    """``P(trials = n) = C(n−1, k−1)·p^k·(1−p)^(n−k)`` for ``n >= k`` (0 below), as in the notes."""
    k = whole("k", k, 1)
    p = probability("p", p)
    n = np.asarray(n, dtype=float)
    valid = n >= k
    safe = np.where(valid, n, k)
    log_pmf = _log_choose_trials(safe, k) + k * np.log(p) + special.xlog1py(safe - k, -p)
    return np.where(valid & (n == np.round(n)), np.exp(log_pmf), 0.0)
