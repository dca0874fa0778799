"""Binomial and negative-binomial MLE: the estimate, Wald and profile intervals, log-likelihoods."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import optimize, special, stats

from lib.mle._shared import MAX_COUNTS, _counts
from lib.validation import finite, probability, whole

_BISECTION_STEPS = 200  # enough to reach machine precision on [0, 1] from either side


def parse_counts(text: str) -> np.ndarray:
    """Read whole-number counts typed as text: separated by commas, semicolons, spaces or new lines.

    >>> parse_counts("3, 5 2;7")
    array([3, 5, 2, 7])
    """
    tokens = [t for t in re.split(r"[\s,;]+", str(text).strip()) if t]
    if not tokens:
        raise ValueError("Enter at least one count (whole numbers separated by commas or spaces).")
    if len(tokens) > MAX_COUNTS:
        raise ValueError(f"Enter at most {MAX_COUNTS:,} counts, got {len(tokens):,}.")
    values = []
    for token in tokens:
        if not re.fullmatch(r"\+?\d{1,9}", token):
            raise ValueError(f"Counts must be whole numbers >= 0; {token[:20]!r} is not one.")
        values.append(int(token))
    return np.array(values, dtype=np.int64)


def _kernel(p: np.ndarray | float, a: np.ndarray | float, b: np.ndarray | float) -> np.ndarray:
    """a·log p + b·log(1−p) with 0·log 0 = 0 (so the boundary MLEs have a finite log-likelihood)."""
    p = np.asarray(p, dtype=float)
    return special.xlogy(a, p) + special.xlog1py(b, -p)


def _profile_bounds(a: np.ndarray, b: np.ndarray, drop: float) -> tuple[np.ndarray, np.ndarray]:
    """Where ``ℓ(p̂) − ℓ(p) = drop`` on each side of ``p̂ = a/(a+b)``, vectorised bisection.

    With ``a = 0`` (p̂ = 0) the lower end is 0; with ``b = 0`` (p̂ = 1) the upper end is 1.
    """
    a, b = np.broadcast_arrays(np.asarray(a, dtype=float), np.asarray(b, dtype=float))
    p_hat = a / (a + b)
    top = _kernel(p_hat, a, b)

    def solve(low: np.ndarray, high: np.ndarray, increasing: bool) -> np.ndarray:
        low, high = low.copy(), high.copy()
        for _ in range(_BISECTION_STEPS):
            mid = 0.5 * (low + high)
            above = top - _kernel(mid, a, b) < drop  # inside the interval
            if increasing:  # ℓ rises from 0 to p̂: inside means move high down
                high = np.where(above, mid, high)
                low = np.where(above, low, mid)
            else:
                low = np.where(above, mid, low)
                high = np.where(above, high, mid)
            if np.all(high - low <= 4 * np.finfo(float).eps * np.maximum(np.abs(mid), 1e-300)):
                break
        return 0.5 * (low + high)

    lower = np.where(a > 0, solve(np.zeros_like(p_hat), p_hat, increasing=True), 0.0)
    upper = np.where(b > 0, solve(p_hat, np.ones_like(p_hat), increasing=False), 1.0)
    return lower, upper


@dataclass(frozen=True)
class Estimate:
    """A maximum-likelihood estimate of a success probability with its uncertainty.

    Attributes
    ----------
    value : the MLE p̂.
    se : standard error from the observed Fisher information, ``sqrt(p̂(1−p̂)/N)`` with ``N``
        the total number of Bernoulli trials; 0 at the boundary p̂ ∈ {0, 1}.
    wald_ci : ``p̂ ± z·se`` (may leave [0, 1]; degenerate ``(p̂, p̂)`` at the boundary).
    profile_ci : where ``2·(ℓ(p̂) − ℓ(p)) = χ²₁(level)``; always inside [0, 1] and still
        informative at the boundary (one end is then 0 or 1 itself).
    loglik : the full log-likelihood ℓ(p̂), constants included.
    successes, failures : the sufficient statistics ``a`` and ``b`` of ``ℓ(p) = a log p + b log(1−p) + c``.
    constant : ``c``, the log of the combinatorial factors.
    level : the confidence level of both intervals.
    """

    value: float
    se: float
    wald_ci: tuple[float, float]
    profile_ci: tuple[float, float]
    loglik: float
    successes: int = 0
    failures: int = 0
    constant: float = 0.0
    level: float = 0.95

    @property
    def fisher_information(self) -> float:
        """Observed information ``−ℓ''(p̂) = (a+b)³/(a·b)``; ``inf`` at the boundary."""
        a, b = self.successes, self.failures
        return float("inf") if a == 0 or b == 0 else (a + b) ** 3 / (a * b)

    @property
    def cutoff(self) -> float:
        """``χ²₁(level)/2``: how far ℓ drops from its maximum at the ends of the profile interval."""
        return float(stats.chi2.ppf(self.level, 1) / 2)

    def loglik_at(self, p: np.ndarray | float) -> np.ndarray:
        """ℓ(p), constants included, for any ``p`` in [0, 1]."""
        return _kernel(p, self.successes, self.failures) + self.constant


def _estimate(a: int, b: int, constant: float, level: float) -> Estimate:
    level = probability("level", level)
    total = a + b
    p_hat = a / total
    se = float(np.sqrt(p_hat * (1 - p_hat) / total))
    z = float(stats.norm.ppf(0.5 + level / 2))
    lower, upper = _profile_bounds(np.array(a), np.array(b), float(stats.chi2.ppf(level, 1) / 2))
    return Estimate(
        value=float(p_hat),
        se=se,
        wald_ci=(p_hat - z * se, p_hat + z * se),
        profile_ci=(float(lower), float(upper)),
        loglik=float(_kernel(p_hat, a, b) + constant),
        successes=int(a),
        failures=int(b),
        constant=float(constant),
        level=level,
    )


def binomial_mle(successes: Sequence[int] | np.ndarray, n_trials: int, level: float = 0.95) -> Estimate:
    """MLE of p from ``m`` binomial experiments of ``n_trials`` each: ``p̂ = Σk / (m·n)``.

    ``ℓ(p) = Σ log C(n, k_i) + Σk·log p + (m·n − Σk)·log(1 − p)``; setting
    ``ℓ'(p) = Σk/p − (m·n − Σk)/(1 − p)`` to zero gives the closed form.

    All successes (p̂ = 1) or none (p̂ = 0) are valid data: the Wald interval then collapses
    to a point (se = 0) while the profile interval is ``[0, 1 − exp(−χ²/(2·m·n))]`` (or its
    mirror), which is still meaningful.

    >>> round(binomial_mle([3, 5, 4], 10).value, 4)
    0.4
    """
    n = whole("n_trials", n_trials, 1)
    k = _counts(successes, "successes")
    if np.any(k > n):
        raise ValueError(f"Each count of successes must lie between 0 and n_trials = {n}, got {int(k.max())}.")
    a = int(k.sum())
    constant = float(np.sum(special.gammaln(n + 1) - special.gammaln(k + 1) - special.gammaln(n - k + 1)))
    return _estimate(a, k.size * n - a, constant, level)


def negative_binomial_mle(trials: Sequence[int] | np.ndarray, k: int, level: float = 0.95) -> Estimate:
    """MLE of p from ``m`` negative-binomial samples: ``p̂ = m·k / Σn_i``.

    ``trials[i]`` counts the **trials** until the ``k``-th success (as in the notes), so every
    value is ``>= k``; scipy's ``nbinom`` counts failures, ``n_i − k``. The log-likelihood is
    ``Σ log C(n_i − 1, k − 1) + m·k·log p + (Σn_i − m·k)·log(1 − p)``.

    If every sample equals ``k`` (no failures) p̂ = 1, the Wald interval is the point 1 and the
    profile interval ``[exp(−χ²/(2·m·k)), 1]``.

    >>> negative_binomial_mle([4, 6, 5], 2).value
    0.4
    """
    k = whole("k", k, 1)
    n = _counts(trials, "trials")
    if np.any(n < k):
        raise ValueError(f"Each number of trials must be >= k = {k} (it takes k trials to see k successes).")
    a = k * n.size
    constant = float(np.sum(special.gammaln(n) - special.gammaln(k) - special.gammaln(n - k + 1)))
    return _estimate(a, int(n.sum()) - a, constant, level)


def binomial_loglik(p: np.ndarray | float, successes: Sequence[int] | np.ndarray, n_trials: int) -> np.ndarray:
    """ℓ(p) of binomial data at each ``p`` (constants included)."""
    return binomial_mle(successes, n_trials).loglik_at(p)


def negative_binomial_loglik(p: np.ndarray | float, trials: Sequence[int] | np.ndarray, k: int) -> np.ndarray:
    """ℓ(p) of negative-binomial data (trials until the k-th success) at each ``p``."""
    return negative_binomial_mle(trials, k).loglik_at(p)


def numeric_mle(estimate: Estimate) -> float:
    """Maximise ℓ(p) numerically (bounded Brent search on (0, 1)), to check the closed form."""
    result = optimize.minimize_scalar(
        lambda p: -float(estimate.loglik_at(p)),
        bounds=(0.0, 1.0),
        method="bounded",
        options={"xatol": 1e-12},
    )
    return float(result.x)


def loglik_curve(estimate: Estimate, n_points: int = 301, depth: float = 4.0) -> pd.DataFrame:
    """The relative log-likelihood ``ℓ(p) − ℓ(p̂)`` and its quadratic (Fisher) approximation.

    The grid spans where ℓ lies within ``depth`` × the χ² cut-off of its maximum, so the
    interesting part fills the chart. Columns: ``p``, ``log-likelihood`` (relative),
    ``quadratic`` = ``−½·I(p̂)·(p − p̂)²`` (absent at the boundary, where I(p̂) is infinite).
    """
    whole("n_points", n_points, 3, 100_000)
    a, b = np.array(float(estimate.successes)), np.array(float(estimate.failures))
    low, high = _profile_bounds(a, b, depth * estimate.cutoff)
    p = np.linspace(float(low), float(high), n_points)
    frame = pd.DataFrame({"p": p, "log-likelihood": estimate.loglik_at(p) - estimate.loglik})
    if np.isfinite(estimate.fisher_information):
        frame["quadratic"] = -0.5 * estimate.fisher_information * (p - estimate.value) ** 2
    return frame


def cross_entropy(q: float, p: np.ndarray | float) -> np.ndarray:
    """Cross-entropy ``H(q, p) = −q·log p − (1−q)·log(1−p)`` of Bernoulli(p) against Bernoulli(q), in nats.

    For Bernoulli-type data ``−ℓ(p)/N = H(q̂, p) + const`` with ``q̂ = a/(a+b)`` the observed
    success frequency, so maximising the likelihood minimises the cross-entropy; the minimum
    is at ``p = q̂`` and equals the entropy ``H(q̂)``.
    """
    q = finite("q", q)
    if not 0 <= q <= 1:
        raise ValueError(f"q must lie between 0 and 1, got {q}.")
    return -_kernel(p, q, 1 - q)


MAX_K = 1_000  # the largest k searched when k is unknown


@dataclass(frozen=True)
class UnknownK:
    """The negative binomial fitted with k unknown: the integer k̂, p̂ = m·k̂/Σn, ℓ̂, the profile and its interval.

    ``profile`` has one row per k from 1 to min(n): ``k``, ``p̂(k)`` and ``profile log-likelihood``;
    ``k_interval`` is the set of k with ``2·(ℓ̂ − ℓ(k)) ≤ χ²₁(level)`` (its smallest and largest member).
    """

    k: int
    p: float
    loglik: float
    profile: pd.DataFrame
    k_interval: tuple[int, int]


def negative_binomial_unknown_k(trials: Sequence[int] | np.ndarray, level: float = 0.95) -> UnknownK:
    """Fit the negative binomial (trials until the k-th success) when k is unknown too.

    For each k the best p is ``m·k/Σn``, so the profile log-likelihood ``ℓ(k) = Σ log C(n_i − 1, k − 1)
    + m·k·log p̂(k) + (Σn − m·k)·log(1 − p̂(k))`` is maximised over the whole numbers 1 ≤ k ≤ min(n)
    (at most MAX_K = 1,000).

    >>> fit = negative_binomial_unknown_k([4, 9, 6, 14, 5, 8, 11, 7, 20, 6])
    >>> fit.k, round(fit.p, 4), fit.k_interval
    (3, 0.3333, (2, 4))

    Data less spread out than any negative binomial put k̂ at its largest allowed value, min(n).
    """
    n = _counts(trials, "trials")
    if n.min() < 1:
        raise ValueError("Each number of trials must be ≥ 1 (it takes at least one trial to see a success).")
    level = probability("level", level)
    ks = np.arange(1, min(int(n.min()), MAX_K) + 1)
    if ks.size * n.size > 5_000_000:
        raise ValueError(f"{n.size:,} counts × {ks.size:,} candidate k is too large a search; use fewer counts.")
    total, m = float(n.sum()), n.size
    p_hat = m * ks / total
    with np.errstate(divide="ignore", invalid="ignore"):
        failures = total - m * ks
        kernel = m * ks * np.log(p_hat) + np.where(failures > 0, failures * np.log1p(-p_hat), 0.0)
    log_choose = special.gammaln(n[:, None]) - special.gammaln(ks) - special.gammaln(n[:, None] - ks + 1)
    loglik = log_choose.sum(axis=0) + kernel
    best = int(np.argmax(loglik))
    inside = ks[2 * (loglik[best] - loglik) <= stats.chi2.ppf(level, 1)]
    profile = pd.DataFrame({"k": ks, "p̂(k)": p_hat, "profile log-likelihood": loglik})
    return UnknownK(int(ks[best]), float(p_hat[best]), float(loglik[best]), profile, (int(inside[0]), int(inside[-1])))
