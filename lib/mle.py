"""Maximum-likelihood estimators from the notes, and unboxing a black-box logistic regression.

Parametrisations follow the notes:

* **Binomial** – ``m`` experiments of ``n`` trials each; ``successes[i]`` is the number of
  successes in experiment ``i``. ``p̂ = Σ k_i / (m·n)``.
* **Negative binomial** – ``trials[i]`` is the number of **trials** (not failures) needed for
  the ``k``-th success, so ``trials[i] >= k``. ``p̂ = m·k / Σ n_i``. scipy's ``nbinom`` counts
  failures: ``P(trials = n) = scipy.stats.nbinom.pmf(n - k, k, p)``.
* **Beta-negative-binomial** – the negative binomial with ``p ~ Beta(α, β)`` integrated out:
  ``P(n) = C(n−1, k−1)·B(k+α, n−k+β)/B(α, β)`` for ``n >= k`` (trials again; scipy's
  ``betanbinom.pmf(n - k, k, α, β)``).

Both Bernoulli-type likelihoods have the form ``ℓ(p) = a·log p + b·log(1−p) + const`` with
``a`` successes and ``b`` failures in total (binomial: ``a = Σk``, ``b = m·n − Σk``; negative
binomial: ``a = m·k``, ``b = Σn − m·k``), so the MLE is ``a/(a+b)``, the observed Fisher
information at the MLE is ``(a+b)³/(a·b)`` and the profile-likelihood interval solves
``2·(ℓ(p̂) − ℓ(p)) = χ²₁(level)``. The functions here share that kernel.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from scipy import optimize, special, stats

Seed = int | np.random.Generator | None
Kind = Literal["binomial", "negative_binomial"]

MAX_COUNTS = 100_000  # values accepted from a text box or array
_BISECTION_STEPS = 200  # enough to reach machine precision on [0, 1] from either side


def _rng(seed: Seed) -> np.random.Generator:
    return seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)


# ---------------------------------------------------------------------------
# Input checks
# ---------------------------------------------------------------------------


def _whole(value: float, name: str, low: int, high: int | None = None) -> int:
    if isinstance(value, bool) or not np.isscalar(value) or not np.isfinite(value) or int(value) != value:
        raise ValueError(f"{name} must be a whole number, got {value!r}.")
    if value < low or (high is not None and value > high):
        where = f">= {low}" if high is None else f"between {low} and {high}"
        raise ValueError(f"{name} must be {where}, got {int(value)}.")
    return int(value)


def _counts(values: Sequence[float] | np.ndarray, name: str) -> np.ndarray:
    array = np.asarray(values, dtype=float).ravel() if np.size(values) else np.empty(0)
    if array.size == 0:
        raise ValueError(f"{name} must hold at least one observation.")
    if array.size > MAX_COUNTS:
        raise ValueError(f"{name} may hold at most {MAX_COUNTS:,} observations, got {array.size:,}.")
    if not np.all(np.isfinite(array)) or np.any(array != np.round(array)):
        raise ValueError(f"{name} must hold whole numbers only.")
    if np.any(array < 0):
        raise ValueError(f"{name} must be non-negative counts, got a minimum of {int(array.min())}.")
    return array.astype(np.int64)


def _probability(p: float, name: str = "p", *, open_interval: bool = True) -> float:
    if isinstance(p, bool) or not np.isscalar(p) or not np.isfinite(p):
        raise ValueError(f"{name} must be a number strictly between 0 and 1, got {p!r}.")
    if open_interval and not 0 < p < 1:
        raise ValueError(f"{name} must lie strictly between 0 and 1, got {p}.")
    return float(p)


def _level(level: float) -> float:
    if not np.isscalar(level) or not 0 < level < 1:
        raise ValueError(f"level must lie strictly between 0 and 1, got {level!r}.")
    return float(level)


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


# ---------------------------------------------------------------------------
# The Bernoulli kernel ℓ(p) = a log p + b log(1 − p)
# ---------------------------------------------------------------------------


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
    level = _level(level)
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
    n = _whole(n_trials, "n_trials", 1)
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
    k = _whole(k, "k", 1)
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
    _whole(n_points, "n_points", 3, 100_000)
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
    q = _probability(q, "q", open_interval=False)
    if not 0 <= q <= 1:
        raise ValueError(f"q must lie between 0 and 1, got {q}.")
    return -_kernel(p, q, 1 - q)


# ---------------------------------------------------------------------------
# Sampling distribution of the estimator
# ---------------------------------------------------------------------------


def _check_design(kind: Kind, p: float, size: int, m: int) -> tuple[float, int, int]:
    if kind not in ("binomial", "negative_binomial"):
        raise ValueError(f"kind must be 'binomial' or 'negative_binomial', got {kind!r}.")
    p = _probability(p, "p")
    size = _whole(size, "n_trials" if kind == "binomial" else "k", 1, 10_000)
    m = _whole(m, "m", 1, 100_000)
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
    repetitions = _whole(repetitions, "repetitions", 1, 1_000_000)
    rng = _rng(seed)
    draw = rng.binomial if kind == "binomial" else rng.negative_binomial
    a, b = _ab(kind, draw(m * size, p, repetitions), size, m)
    p_hat, wald, profile = _covers(a, b, p, _level(level))
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
    p_hat, wald, profile = _covers(a, b, p, _level(level))
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


# ---------------------------------------------------------------------------
# Beta-negative-binomial
# ---------------------------------------------------------------------------


def _positive(value: float, name: str) -> float:
    if isinstance(value, bool) or not np.isscalar(value) or not np.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a number > 0, got {value!r}.")
    return float(value)


def negative_binomial_pmf(n: np.ndarray | int, k: int, p: float) -> np.ndarray:
    """``P(trials = n) = C(n−1, k−1)·p^k·(1−p)^(n−k)`` for ``n >= k`` (0 below), as in the notes."""
    k = _whole(k, "k", 1)
    p = _probability(p, "p")
    n = np.asarray(n, dtype=float)
    valid = n >= k
    safe = np.where(valid, n, k)
    log_pmf = (
        special.gammaln(safe)
        - special.gammaln(k)
        - special.gammaln(safe - k + 1)
        + k * np.log(p)
        + special.xlog1py(safe - k, -p)
    )
    return np.where(valid & (n == np.round(n)), np.exp(log_pmf), 0.0)


def beta_negative_binomial_pmf(n: np.ndarray | int, k: int, alpha: float, beta: float) -> np.ndarray:
    """P(the ``k``-th success comes on trial ``n``) when ``p ~ Beta(α, β)``.

    ``P(n) = C(n−1, k−1)·B(k+α, n−k+β) / B(α, β)`` for whole ``n >= k``, 0 otherwise; computed
    in log space with ``gammaln``/``betaln``. It is the negative binomial averaged over the
    Beta prior (the posterior predictive of the notes). scipy counts failures:
    ``scipy.stats.betanbinom.pmf(n − k, k, α, β)``.

    >>> float(beta_negative_binomial_pmf(1, 1, 1.0, 1.0))  # first trial succeeds: E[p] = 1/2
    0.5
    """
    k = _whole(k, "k", 1)
    alpha, beta = _positive(alpha, "alpha"), _positive(beta, "beta")
    n = np.asarray(n, dtype=float)
    valid = (n >= k) & (n == np.round(n))
    safe = np.where(valid, n, k)
    log_pmf = (
        special.gammaln(safe)
        - special.gammaln(k)
        - special.gammaln(safe - k + 1)
        + special.betaln(k + alpha, safe - k + beta)
        - special.betaln(alpha, beta)
    )
    return np.where(valid, np.exp(log_pmf), 0.0)


def beta_negative_binomial_mean(k: int, alpha: float, beta: float) -> float:
    """``E[n] = k + k·β/(α − 1)`` for α > 1; ``inf`` for α <= 1 (the tail is too heavy)."""
    k = _whole(k, "k", 1)
    alpha, beta = _positive(alpha, "alpha"), _positive(beta, "beta")
    return k + k * beta / (alpha - 1) if alpha > 1 else float("inf")


def sample_beta_negative_binomial(k: int, alpha: float, beta: float, size: int, seed: Seed = None) -> np.ndarray:
    """Draw ``p ~ Beta(α, β)``, then the trials until the ``k``-th success: the compound, literally."""
    k = _whole(k, "k", 1)
    alpha, beta = _positive(alpha, "alpha"), _positive(beta, "beta")
    size = _whole(size, "size", 1, 1_000_000)
    rng = _rng(seed)
    p = np.clip(rng.beta(alpha, beta, size), 1e-12, 1.0)
    return rng.negative_binomial(k, p) + k


def _bnb_terms(trials: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray, float]:
    values, counts = np.unique(trials, return_counts=True)
    constant = float(np.sum(counts * (special.gammaln(values) - special.gammaln(k) - special.gammaln(values - k + 1))))
    return values.astype(float), counts.astype(float), constant


def _bnb_trials(trials: Sequence[int] | np.ndarray, k: int) -> tuple[np.ndarray, int]:
    k = _whole(k, "k", 1)
    n = _counts(trials, "trials")
    if np.any(n < k):
        raise ValueError(f"Each number of trials must be >= k = {k} (it takes k trials to see k successes).")
    return n, k


def beta_negative_binomial_loglik(
    trials: Sequence[int] | np.ndarray, k: int, alpha: np.ndarray | float, beta: np.ndarray | float
) -> np.ndarray:
    """Log-likelihood of (α, β) for trials-until-the-k-th-success data; broadcasts over α and β."""
    n, k = _bnb_trials(trials, k)
    alpha, beta = np.asarray(alpha, dtype=float), np.asarray(beta, dtype=float)
    if np.any(~np.isfinite(alpha)) or np.any(alpha <= 0) or np.any(~np.isfinite(beta)) or np.any(beta <= 0):
        raise ValueError("alpha and beta must be numbers > 0.")
    values, counts, constant = _bnb_terms(n, k)
    shape = np.broadcast(alpha, beta).shape
    a, b = (x.reshape(*shape, 1) for x in np.broadcast_arrays(alpha, beta))
    terms = special.betaln(k + a, values - k + b) - special.betaln(a, b)
    return (terms * counts).sum(axis=-1) + constant


BNB_BOUNDS = (1e-3, 1e5)  # the search box for α and β (see fit_beta_negative_binomial)


def fit_beta_negative_binomial(trials: Sequence[int] | np.ndarray, k: int) -> tuple[float, float]:
    """Numeric MLE of (α, β) for trials-until-the-k-th-success data.

    Maximises ``Σ log BNB(n_i; k, α, β)`` over ``(log α, log β)`` with L-BFGS-B and the
    analytic gradient (digamma functions), from a start at the negative-binomial MLE.
    Both parameters are searched in ``[1e-3, 1e5]``: when the data show no more spread than
    a negative binomial, the likelihood keeps rising as α, β → ∞ with α/(α+β) fixed (the
    Beta prior collapses to a point), and the fit stops at that edge of the box.

    Returns
    -------
    (alpha, beta)
    """
    n, k = _bnb_trials(trials, k)
    values, counts, _ = _bnb_terms(n, k)
    total = counts.sum()

    def negative(theta: np.ndarray) -> tuple[float, np.ndarray]:
        a, b = np.exp(theta)
        value = np.sum(counts * (special.betaln(k + a, values - k + b))) - total * special.betaln(a, b)
        psi_all = special.digamma(values + a + b)
        psi_ab = special.digamma(a + b)
        d_a = np.sum(counts * (special.digamma(k + a) - psi_all)) - total * (special.digamma(a) - psi_ab)
        d_b = np.sum(counts * (special.digamma(values - k + b) - psi_all)) - total * (special.digamma(b) - psi_ab)
        return -float(value), -np.array([d_a * a, d_b * b])

    p_hat = min(max(k * n.size / n.sum(), 1e-3), 1 - 1e-3)
    log_bounds = [tuple(np.log(BNB_BOUNDS))] * 2
    best = None
    for strength in (2.0, 20.0, 200.0):  # a few prior strengths α+β around the NB estimate
        start = np.log(np.clip([strength * p_hat + 1.0, strength * (1 - p_hat)], *BNB_BOUNDS))
        result = optimize.minimize(negative, start, jac=True, method="L-BFGS-B", bounds=log_bounds)
        if best is None or result.fun < best.fun:
            best = result
    alpha, beta = np.exp(best.x)
    return float(alpha), float(beta)


def bnb_loglik_surface(
    trials: Sequence[int] | np.ndarray, k: int, alphas: np.ndarray, betas: np.ndarray
) -> pd.DataFrame:
    """ℓ(α, β) on a grid, long format: columns ``alpha``, ``beta``, ``loglik``."""
    A, B = np.meshgrid(np.asarray(alphas, dtype=float), np.asarray(betas, dtype=float), indexing="ij")
    values = beta_negative_binomial_loglik(trials, k, A, B)
    return pd.DataFrame({"alpha": A.ravel(), "beta": B.ravel(), "loglik": values.ravel()})


# ---------------------------------------------------------------------------
# Unboxing a black-box logistic regression
# ---------------------------------------------------------------------------


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return special.expit(z)


def fit_logistic_l2(X: np.ndarray, y: np.ndarray, C: float = 1.0) -> tuple[np.ndarray, float]:
    """L2-regularised logistic regression, the objective scikit-learn uses by default.

    Minimises ``½‖w‖² + C·Σ log(1 + exp(−s_i (w·x_i + b)))`` with ``s_i = ±1`` (the intercept
    is not penalised). Smaller C, stronger shrinkage of ``w`` towards 0.

    Returns
    -------
    (coef, intercept)
    """
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float).ravel()
    if X.ndim != 2 or X.shape[0] != y.size or X.shape[0] == 0:
        raise ValueError("X must be a non-empty (m, d) array with one label in y per row.")
    if not np.all(np.isin(y, (0, 1))):
        raise ValueError("y must hold 0/1 labels only.")
    C = _positive(C, "C")
    sign = 2 * y - 1
    d = X.shape[1]

    def objective(theta: np.ndarray) -> tuple[float, np.ndarray]:
        w, b = theta[:d], theta[d]
        margin = sign * (X @ w + b)
        loss = np.sum(np.logaddexp(0, -margin))
        weight = -sign * _sigmoid(-margin)  # d loss / d z
        grad = np.concatenate([w + C * (X.T @ weight), [C * weight.sum()]])
        return 0.5 * w @ w + C * loss, grad

    result = optimize.minimize(objective, np.zeros(d + 1), jac=True, method="L-BFGS-B", options={"gtol": 1e-10})
    return result.x[:d].copy(), float(result.x[d])


@dataclass(frozen=True)
class BlackBoxLogistic:
    """A trained logistic regression seen from outside: you may query it, not read it.

    ``predict_proba(X) = σ(X·coef + intercept)`` (the probability of class 1, one per row,
    rounded to ``decimals`` places when given); ``predict(X) = 1[predict_proba(X) >= threshold]``.
    ``C`` is the regularisation strength used in training: it shaped ``coef`` then, and plays
    no part in answering queries, which is why it cannot hide the coefficients.
    """

    coef: np.ndarray
    intercept: float
    C: float = 1.0
    threshold: float = 0.5
    decimals: int | None = None

    def __post_init__(self) -> None:
        coef = np.asarray(self.coef, dtype=float).ravel()
        if coef.size == 0 or not np.all(np.isfinite(coef)):
            raise ValueError("coef must be a non-empty vector of finite numbers.")
        if not np.isfinite(self.intercept):
            raise ValueError(f"intercept must be a finite number, got {self.intercept!r}.")
        _positive(self.C, "C")
        _probability(self.threshold, "threshold")
        if self.decimals is not None:
            _whole(self.decimals, "decimals", 0, 15)
        object.__setattr__(self, "coef", coef)
        object.__setattr__(self, "intercept", float(self.intercept))

    @classmethod
    def train(
        cls, X: np.ndarray, y: np.ndarray, C: float = 1.0, threshold: float = 0.5, decimals: int | None = None
    ) -> BlackBoxLogistic:
        """Fit :func:`fit_logistic_l2` with strength ``C`` and seal the result in a box."""
        coef, intercept = fit_logistic_l2(X, y, C)
        return cls(coef, intercept, C, threshold, decimals)

    @property
    def n_features(self) -> int:
        return int(self.coef.size)

    def _rows(self, X: np.ndarray) -> np.ndarray:
        X = np.asarray(X, dtype=float)
        if X.ndim == 1:
            X = X.reshape(1, -1)
        if X.ndim != 2 or X.shape[1] != self.n_features:
            raise ValueError(f"Queries must be an (m, {self.n_features}) array, got shape {X.shape}.")
        return X

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        """P(class 1 | x) for each row of ``X`` (rounded to ``decimals`` places if set)."""
        p = _sigmoid(self._rows(X) @ self.coef + self.intercept)
        return np.round(p, self.decimals) if self.decimals is not None else p

    def predict(self, X: np.ndarray) -> np.ndarray:
        """0/1 labels: 1 where the (unrounded) probability reaches ``threshold``."""
        z = self._rows(X) @ self.coef + self.intercept
        return (z >= special.logit(self.threshold)).astype(int)


@dataclass(frozen=True)
class Unboxed:
    """Coefficients read out of a black box, and how many query rows it took."""

    coef: np.ndarray
    intercept: float
    n_queries: int


class _Counter:
    def __init__(self, query: Callable[[np.ndarray], np.ndarray], n_features: int) -> None:
        self.query, self.n_features, self.calls = query, n_features, 0

    def __call__(self, X: np.ndarray) -> np.ndarray:
        X = np.atleast_2d(np.asarray(X, dtype=float))
        self.calls += X.shape[0]
        out = np.asarray(self.query(X), dtype=float).ravel()
        if out.shape != (X.shape[0],) or not np.all(np.isfinite(out)):
            raise ValueError("query must return one finite number per row it is given.")
        return out


def _unbox_proba(ask: _Counter, d: int, budget: int, rng: np.random.Generator) -> tuple[np.ndarray, float]:
    X = np.vstack([np.zeros(d), np.eye(d)])
    if budget > d + 1:
        X = np.vstack([X, rng.normal(size=(budget - d - 1, d))])
    p = ask(X)
    if np.any((p < 0) | (p > 1)):
        raise ValueError("In mode 'proba' the query must return probabilities between 0 and 1.")
    tiny = 1e-12
    inside = (p > 0) & (p < 1)
    design = np.hstack([X, np.ones((X.shape[0], 1))])
    if inside.sum() >= d + 1 and np.linalg.matrix_rank(design[inside]) == d + 1:
        design, p = design[inside], p[inside]
    z = special.logit(np.clip(p, tiny, 1 - tiny))
    # A rounding error δ in p moves logit(p) by δ/(p(1−p)): weight each row by p(1−p).
    weight = np.clip(p * (1 - p), tiny, None) if design.shape[0] > d + 1 else np.ones_like(p)
    theta, *_ = np.linalg.lstsq(design * weight[:, None], z * weight, rcond=None)
    return theta[:d], float(theta[d])


RADIUS_STEPS = 16  # the label search looks for the boundary out to 10^15 from the origin
LINE_STEPS = 10  # halvings that bring the first boundary point within 0.1% of the search radius
MIN_STEPS = 10  # halvings per segment at the smallest budget


def minimum_budget(n_features: int, mode: Literal["proba", "label"]) -> int:
    """Fewest queries :func:`unbox_logistic` accepts: ``d + 1`` for probabilities; for labels
    the widest boundary search, a pool of ``2d`` points and ``d`` bisections of 10 steps."""
    d = _whole(n_features, "n_features", 1, 1000)
    return d + 1 if mode == "proba" else 2 * RADIUS_STEPS + LINE_STEPS + 2 * d + MIN_STEPS * d


def _bisect(pos: np.ndarray, neg: np.ndarray, ask: _Counter, steps: int) -> tuple[np.ndarray, np.ndarray]:
    """Halve each segment [pos_i, neg_i] ``steps`` times, keeping one end on each side of the boundary."""
    for _ in range(steps):
        mid = 0.5 * (pos + neg)
        positive = ask(mid) == 1
        pos = np.where(positive[:, None], mid, pos)
        neg = np.where(positive[:, None], neg, mid)
    return pos, neg


def _unbox_labels(ask: _Counter, d: int, budget: int, rng: np.random.Generator) -> tuple[np.ndarray, float]:
    # 1. Two opposite points ±r·v on a random line through the origin: widen r tenfold until
    #    their labels differ (the line then crosses the boundary), and bisect to a point x0 near it.
    direction = rng.normal(size=d)
    direction /= np.linalg.norm(direction)
    for radius in 10.0 ** np.arange(RADIUS_STEPS):
        end_labels = ask(np.vstack([radius * direction, -radius * direction]))
        if end_labels[0] != end_labels[1]:
            break
    else:
        raise ValueError("The box gave the same label everywhere: its decision boundary cannot be found.")
    sign = 1.0 if end_labels[0] == 1 else -1.0
    line_pos, line_neg = _bisect(
        sign * radius * direction[None, :], -sign * radius * direction[None, :], ask, LINE_STEPS
    )
    centre = 0.5 * (line_pos + line_neg)[0]
    # 2. A pool scattered around x0, so both labels are common and the crossings spread over the plane.
    pool = centre + rng.normal(scale=radius / 2, size=(2 * d, d))
    points = np.vstack([line_pos, line_neg, pool])
    labels = np.concatenate([[1, 0], ask(pool)])
    positives, negatives = rng.permutation(points[labels == 1]), rng.permutation(points[labels == 0])
    # 3. Bisect segments between positive and negative points down to the boundary, pairing
    #    distinct points first (diagonals of the positive x negative table).
    n_p, n_n = len(positives), len(negatives)
    combos = [(i, (i + shift) % n_n) for shift in range(n_n) for i in range(n_p)]
    left = budget - ask.calls
    n_pairs = min(max(d, left // 40), len(combos))
    steps = min(left // n_pairs, 64)  # 64 halvings reach machine precision
    if steps < MIN_STEPS:
        raise ValueError(f"budget is too small for mode 'label' here: allow at least {minimum_budget(d, 'label')}.")
    pos = positives[[i for i, _ in combos[:n_pairs]]]
    neg = negatives[[j for _, j in combos[:n_pairs]]]
    pos, neg = _bisect(pos, neg, ask, steps)
    boundary = 0.5 * (pos + neg)
    # 3. The plane through the boundary points: normal = least-variance direction.
    centre = boundary.mean(axis=0)
    if d == 1:
        normal = np.ones(1)
    else:
        _, _, vt = np.linalg.svd(boundary - centre)
        normal = vt[-1]
    if np.mean((positives - centre) @ normal) < 0:
        normal = -normal
    return normal, float(-normal @ centre)


def unbox_logistic(
    query: Callable[[np.ndarray], np.ndarray],
    n_features: int,
    mode: Literal["proba", "label"] = "proba",
    budget: int | None = None,
    seed: Seed = None,
) -> Unboxed:
    """Recover a logistic regression's coefficients from queries alone.

    mode ``"proba"``: ``query(X)`` returns P(class 1) per row. Since ``logit(p) = w·x + b``,
    the origin gives ``b`` and each unit vector ``e_j`` gives ``w_j + b``: ``d + 1`` queries
    recover the model exactly. A larger ``budget`` adds random points and solves the linear
    system by least squares weighted by ``p(1−p)``, which averages out rounded answers; answers
    rounded to exactly 0 or 1 carry no information and are dropped when enough remain.

    mode ``"label"``: ``query(X)`` returns 0/1. Only the decision boundary
    ``w·x + b = logit(threshold)`` is visible, so the coefficients are known up to a positive
    scale: the result has ``‖coef‖ = 1`` and ``intercept = (b − logit(threshold))/‖w‖``. It
    finds points with both labels, bisects segments between them onto the boundary, and fits
    the plane through those points. Default budget ``40·(d + 1)``; the least accepted is
    :func:`minimum_budget`.

    ``n_queries`` counts the rows sent to ``query``.

    >>> box = BlackBoxLogistic([1.0, -2.0], 0.5)
    >>> unbox_logistic(box.predict_proba, 2).coef.round(6).tolist()
    [1.0, -2.0]
    """
    d = _whole(n_features, "n_features", 1, 1000)
    if mode not in ("proba", "label"):
        raise ValueError(f"mode must be 'proba' or 'label', got {mode!r}.")
    default = d + 1 if mode == "proba" else 40 * (d + 1)
    budget = default if budget is None else _whole(budget, "budget", minimum_budget(d, mode), 10_000_000)
    ask = _Counter(query, d)
    rng = _rng(seed)
    if mode == "proba":
        coef, intercept = _unbox_proba(ask, d, budget, rng)
    else:
        coef, intercept = _unbox_labels(ask, d, budget, rng)
    return Unboxed(coef=coef, intercept=intercept, n_queries=ask.calls)


def recovery_error(unboxed: Unboxed, box: BlackBoxLogistic, mode: Literal["proba", "label"] = "proba") -> float:
    """How far the recovered parameters are from the box's own.

    ``proba``: ``‖(ŵ, b̂) − (w, b)‖ / ‖(w, b)‖``. ``label``: the same on the boundary's scale,
    comparing ``(ŵ, b̂)`` with ``(w, b − logit(threshold))/‖w‖``.
    """
    truth = np.append(box.coef, box.intercept)
    found = np.append(unboxed.coef, unboxed.intercept)
    if mode == "label":
        truth = np.append(box.coef, box.intercept - special.logit(box.threshold)) / np.linalg.norm(box.coef)
    return float(np.linalg.norm(found - truth) / max(np.linalg.norm(truth), 1e-300))


def direction_cosine(unboxed: Unboxed, box: BlackBoxLogistic) -> float:
    """Cosine between the recovered and the true coefficient vectors (1 = same direction)."""
    norm = np.linalg.norm(unboxed.coef) * np.linalg.norm(box.coef)
    return float(unboxed.coef @ box.coef / norm) if norm > 0 else 0.0


def recovery_curve(
    box: BlackBoxLogistic, mode: Literal["proba", "label"], budgets: Sequence[int], seed: Seed = None
) -> pd.DataFrame:
    """Recovery error for each query budget (columns ``queries``, ``error``, ``cosine``)."""
    query = box.predict_proba if mode == "proba" else box.predict
    rows = []
    for budget in budgets:
        found = unbox_logistic(query, box.n_features, mode, budget, seed)
        rows.append((found.n_queries, recovery_error(found, box, mode), direction_cosine(found, box)))
    return pd.DataFrame(rows, columns=["queries", "error", "cosine"])


def make_black_box(
    n_features: int, C: float = 1.0, threshold: float = 0.5, n_samples: int = 400, seed: Seed = None
) -> tuple[BlackBoxLogistic, np.ndarray]:
    """A box to unbox: data from a random true β, fitted with L2 strength ``C``.

    Returns the box (its coefficients are the *fitted*, shrunk ones) and the true β used to
    make the data (last entry: the true intercept).
    """
    d = _whole(n_features, "n_features", 1, 100)
    n_samples = _whole(n_samples, "n_samples", 2, 1_000_000)
    rng = _rng(seed)
    true = np.append(rng.normal(scale=1.5, size=d), rng.normal(scale=0.5))
    X = rng.normal(size=(n_samples, d))
    y = (rng.random(n_samples) < _sigmoid(X @ true[:d] + true[d])).astype(int)
    if y.min() == y.max():
        y[0] = 1 - y[0]
    return BlackBoxLogistic.train(X, y, C, threshold), true
