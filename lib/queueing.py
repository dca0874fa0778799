"""Service-time distributions built from exponential phases, and the queues they make.

The notes start from the exponential service time ``f(x) = μ e^{-μx}`` (time to cut hair),
put two phases in series (hair-cut then shampoo: the *hypo-exponential*, whose pdf is a
convolution), in parallel (pick coin A or B: the *hyper-exponential*, a mixture) and
combine both ideas in the *Coxian*: after phase ``i`` the customer continues to phase
``i + 1`` with probability ``p_i`` or leaves.

All of them are *phase-type* distributions ``PH(α, S)``: the time until a continuous-time
Markov chain on ``n`` transient phases, started in phase ``i`` with probability ``α_i``,
is absorbed. ``S`` is the sub-generator (rates between phases; row ``i`` sums to minus
the exit rate ``s0_i``), and

    pdf(x) = α exp(Sx) s0,   cdf(x) = 1 - α exp(Sx) 1,   E[X^k] = k! α (-S)^{-k} 1.

The queue side: Poisson arrivals at rate λ into ``c`` servers (FCFS). For one server the
Pollaczek–Khinchine formula gives the mean wait of *any* service distribution; for ``c``
servers with exponential service, Erlang C. Simulation uses a vectorised Lindley
recursion for one server and a tight loop over the servers' free times for several.
"""

from __future__ import annotations

import heapq
import io
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import integrate
from scipy import stats as sps

from lib.uploads import check_csv_width

_TOL = 1e-9
MAX_PHASES = 60
MAX_CUSTOMERS = 5_000_000
MAX_SAMPLES = 10_000_000
MAX_SERVERS = 1_000
MIN_FIT_SCV = 1 / MAX_PHASES

Seed = int | np.random.Generator | None


# ---------------------------------------------------------------------------
# Validation helpers: one sentence naming the parameter and the allowed range
# ---------------------------------------------------------------------------


def _rng(seed: Seed) -> np.random.Generator:
    return seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)


def _positive(name: str, value: float) -> float:
    try:
        value = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a positive number, got {value!r}.") from None
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a positive, finite number, got {value:g}.")
    return value


def _rates(name: str, values: Sequence[float] | np.ndarray) -> np.ndarray:
    arr = np.atleast_1d(np.asarray(values, dtype=float))
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"{name} must be a non-empty list of rates.")
    if arr.size > MAX_PHASES:
        raise ValueError(f"{name} may hold at most {MAX_PHASES} phases, got {arr.size}.")
    if not np.all(np.isfinite(arr)) or np.any(arr <= 0):
        raise ValueError(f"Every entry of {name} must be a positive, finite rate, got {arr.tolist()}.")
    return arr


def _probabilities(name: str, values: Sequence[float] | np.ndarray) -> np.ndarray:
    arr = np.atleast_1d(np.asarray(values, dtype=float))
    if arr.ndim != 1:
        raise ValueError(f"{name} must be a flat list of probabilities.")
    if not np.all(np.isfinite(arr)) or np.any(arr < 0) or np.any(arr > 1):
        raise ValueError(f"Every entry of {name} must be a probability in [0, 1], got {arr.tolist()}.")
    return arr


def _count(name: str, value: int, low: int, high: int) -> int:
    if isinstance(value, bool) or not float(value).is_integer():
        raise ValueError(f"{name} must be a whole number from {low} to {high}, got {value!r}.")
    value = int(value)
    if not low <= value <= high:
        raise ValueError(f"{name} must be a whole number from {low} to {high}, got {value}.")
    return value


_TAYLOR_ORDER = 14
_CHUNK_ENTRIES = 2_000_000  # matrices per batch × n², bounds memory


def _expm_batch(S: np.ndarray, x: np.ndarray) -> np.ndarray:
    """``exp(S x_i)`` for many ``x_i >= 0`` at once: scaling and squaring with a Taylor series.

    ``scipy.linalg.expm`` costs milliseconds per call on small matrices; here the points
    are sorted and cut into chunks that share one scaling ``2^j`` (so that
    ``‖S x / 2^j‖ <= 1/2``), and every step is a batched ``matmul``.
    """
    n = S.shape[0]
    out = np.empty((x.size, n, n))
    order = np.argsort(x)
    norm = np.abs(S).sum(axis=1).max()
    step = max(1, _CHUNK_ENTRIES // (n * n))
    for start in range(0, x.size, step):
        idx = order[start : start + step]
        xs = x[idx]
        j = max(0, math.ceil(math.log2(max(norm * xs[-1], 1e-300))) + 1)
        A = xs[:, None, None] * (S / 2.0**j)
        term = np.broadcast_to(np.eye(n), A.shape).copy()
        total = term.copy()
        for k in range(1, _TAYLOR_ORDER + 1):
            term = term @ A / k
            total += term
        for _ in range(j):
            total = total @ total
        out[idx] = total
    return out


# ---------------------------------------------------------------------------
# Phase-type distributions
# ---------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class PhaseType:
    """A phase-type distribution ``PH(α, S)``: the time to absorption of a Markov chain.

    Parameters
    ----------
    alpha : (n,) initial probabilities of the phases, ``α_i >= 0`` and ``Σ α_i <= 1``;
        the missing mass ``1 - Σ α_i`` is an atom at 0 (e.g. customers who do not wait).
    S : (n, n) sub-generator: negative diagonal, non-negative off-diagonal, row sums
        ``<= 0``; ``s0 = -S 1`` are the exit rates. Every phase must be able to reach
        absorption (``-S`` invertible).

    Examples
    --------
    >>> ph = PhaseType([1.0, 0.0], [[-2.0, 2.0], [0.0, -3.0]])  # hair-cut (rate 2), then shampoo (rate 3)
    >>> round(ph.mean, 6)  # 1/2 + 1/3
    0.833333
    """

    alpha: np.ndarray
    S: np.ndarray

    def __post_init__(self) -> None:
        alpha = np.atleast_1d(np.asarray(self.alpha, dtype=float))
        S = np.atleast_2d(np.asarray(self.S, dtype=float))
        n = alpha.size
        if alpha.ndim != 1 or n == 0:
            raise ValueError("alpha must be a non-empty list of initial phase probabilities.")
        if n > MAX_PHASES:
            raise ValueError(f"A phase-type distribution may have at most {MAX_PHASES} phases, got {n}.")
        if S.shape != (n, n):
            raise ValueError(f"S must be a square {n}×{n} matrix to match alpha's {n} phases, got shape {S.shape}.")
        if not np.all(np.isfinite(alpha)) or np.any(alpha < 0) or alpha.sum() > 1 + _TOL:
            raise ValueError(f"alpha must hold probabilities ≥ 0 that sum to at most 1, got {alpha.tolist()}.")
        if not np.all(np.isfinite(S)):
            raise ValueError("S must hold finite rates.")
        off = S - np.diag(np.diag(S))
        if np.any(np.diag(S) >= 0) or np.any(off < 0):
            raise ValueError("S must have a negative diagonal and non-negative off-diagonal rates (a sub-generator).")
        scale = np.abs(np.diag(S)).max()
        if np.any(S.sum(axis=1) > _TOL * scale):
            raise ValueError("Every row of S must sum to at most 0 (the row sum is minus that phase's exit rate).")
        if np.linalg.cond(S) > 1e12:
            raise ValueError("S must let every phase reach absorption (−S must be invertible).")
        inv = np.linalg.inv(-S)
        if np.any(inv < -_TOL * np.abs(inv).max()):
            raise ValueError("S must let every phase reach absorption (−S must be invertible).")
        alpha.setflags(write=False)
        S.setflags(write=False)
        inv.setflags(write=False)
        object.__setattr__(self, "alpha", alpha)
        object.__setattr__(self, "S", S)
        # Not dataclass fields, so that Streamlit's cache keys (dataclasses.asdict) and pickles see (α, S) only.
        object.__setattr__(self, "_inv", inv)  # (-S)^{-1}
        object.__setattr__(self, "_moments", {})  # memo of moment(k)

    def __reduce__(self) -> tuple:
        # Pickle (and Streamlit's cache hashing) see only (α, S), never the moment memo.
        return (type(self), (self.alpha.copy(), self.S.copy()))

    # -- structure -----------------------------------------------------------------------------------

    @property
    def n_phases(self) -> int:
        return int(self.alpha.size)

    @property
    def exit_rates(self) -> np.ndarray:
        """``s0 = -S 1``: the rate of leaving for good from each phase."""
        return np.clip(-self.S.sum(axis=1), 0.0, None)

    @property
    def atom(self) -> float:
        """``P(X = 0) = 1 - Σ α_i``."""
        return float(max(0.0, 1.0 - self.alpha.sum()))

    # -- distribution functions --------------------------------------------------------------------------

    def _expm_rows(self, x: np.ndarray) -> np.ndarray:
        """``α exp(S x)`` for every x >= 0, shape (len(x), n); see :func:`_expm_batch`."""
        return np.einsum("i,kij->kj", self.alpha, _expm_batch(self.S, x))

    def pdf(self, x: float | np.ndarray) -> float | np.ndarray:
        """Density ``α exp(Sx) s0`` for x > 0 (0 for x < 0; the atom at 0 is not a density)."""
        arr = np.asarray(x, dtype=float)
        flat = arr.ravel()
        out = np.zeros(flat.shape)
        pos = flat >= 0
        if pos.any():
            out[pos] = self._expm_rows(flat[pos]) @ self.exit_rates
        out = np.clip(out, 0.0, None).reshape(arr.shape)
        return float(out) if out.ndim == 0 else out

    def sf(self, x: float | np.ndarray) -> float | np.ndarray:
        """Survival ``P(X > x) = α exp(Sx) 1``."""
        arr = np.asarray(x, dtype=float)
        flat = arr.ravel()
        out = np.ones(flat.shape)
        pos = flat >= 0
        if pos.any():
            out[pos] = self._expm_rows(flat[pos]).sum(axis=1)
        out = np.clip(out, 0.0, 1.0).reshape(arr.shape)
        return float(out) if out.ndim == 0 else out

    def cdf(self, x: float | np.ndarray) -> float | np.ndarray:
        """``P(X <= x) = 1 - α exp(Sx) 1`` for x >= 0 (0 for x < 0)."""
        return 1.0 - self.sf(x)

    def moment(self, k: int) -> float:
        """Raw moment ``E[X^k] = k! α (-S)^{-k} 1``."""
        k = _count("k", k, 1, 20)
        if k not in self._moments:
            v = np.ones(self.n_phases)
            for _ in range(k):
                v = self._inv @ v
            self._moments[k] = float(math.factorial(k) * self.alpha @ v)
        return self._moments[k]

    @property
    def mean(self) -> float:
        return self.moment(1)

    @property
    def variance(self) -> float:
        return max(0.0, self.moment(2) - self.mean**2)

    @property
    def scv(self) -> float:
        """Squared coefficient of variation ``Var[X] / E[X]^2`` (1 for the exponential)."""
        return self.variance / self.mean**2

    # -- simulation ------------------------------------------------------------------------------------

    def sample(self, size: int, seed: Seed = None) -> np.ndarray:
        """Draw ``size`` values by walking the phases, every customer at once.

        Each round, every customer still in service spends an exponential time in its
        phase (rate ``-S_ii``), then jumps to another phase or leaves with probabilities
        ``S_ij / -S_ii`` and ``s0_i / -S_ii``. The loop runs once per jump, not per customer.
        """
        size = _count("size", size, 0, MAX_SAMPLES)
        rng = _rng(seed)
        n = self.n_phases
        rates = -np.diag(self.S)
        jumps = np.column_stack([self.S / rates[:, None] + np.eye(n), self.exit_rates / rates])
        cumulative = np.cumsum(jumps, axis=1)
        cumulative[:, -1] = 1.0
        # Row i shifted by i makes one increasing array, so a single searchsorted of u + phase
        # finds every customer's next state without a (customers x states) comparison.
        shifted = (cumulative + np.arange(n)[:, None]).ravel()
        start = np.cumsum(np.append(self.alpha, self.atom))
        start[-1] = 1.0
        state = np.minimum(np.searchsorted(start, rng.random(size), side="right"), n)
        total = np.zeros(size)
        active = np.flatnonzero(state < n)
        phase = state[active]
        while active.size:
            total[active] += rng.standard_exponential(active.size) / rates[phase]
            u = rng.random(active.size)
            nxt = np.minimum(np.searchsorted(shifted, u + phase, side="right") - phase * (n + 1), n)
            stays = nxt < n
            active, phase = active[stays], nxt[stays]
        return total


def exponential(rate: float) -> PhaseType:
    """Exponential service ``f(x) = μ e^{-μx}``: one phase, mean ``1/μ``, SCV 1.

    >>> exponential(2.0).mean
    0.5
    """
    rate = _positive("rate", rate)
    return PhaseType([1.0], [[-rate]])


def hypoexponential(rates: Sequence[float]) -> PhaseType:
    """Phases in series with the given rates: ``X = X_1 + … + X_n``, ``X_i ~ Exp(μ_i)``.

    The matrix form ``S = [[-μ1, μ1, 0], [0, -μ2, μ2], …]`` needs no distinct rates (the
    textbook closed form divides by ``μ_j - μ_i``), so equal rates give the Erlang.

    >>> round(hypoexponential([2.0, 3.0]).mean, 6)
    0.833333
    """
    mu = _rates("rates", rates)
    S = np.diag(-mu) + np.diag(mu[:-1], k=1)
    alpha = np.zeros(mu.size)
    alpha[0] = 1.0
    return PhaseType(alpha, S)


def erlang(k: int, rate: float) -> PhaseType:
    """Erlang: ``k`` phases in series, each at ``rate`` (scipy: ``gamma(a=k, scale=1/rate)``)."""
    k = _count("k", k, 1, MAX_PHASES)
    return hypoexponential([_positive("rate", rate)] * k)


def hyperexponential(probs: Sequence[float], rates: Sequence[float]) -> PhaseType:
    """Phases in parallel: with probability ``p_i`` the service is ``Exp(μ_i)`` (the notes' bag of coins).

    ``f(x) = Σ p_i μ_i e^{-μ_i x}``, ``E[X^k] = k! Σ p_i / μ_i^k``.

    >>> hyperexponential([0.5, 0.5], [1.0, 2.0]).mean
    0.75
    """
    p = _probabilities("probs", probs)
    mu = _rates("rates", rates)
    if p.size != mu.size:
        raise ValueError(f"probs and rates must have the same length, got {p.size} and {mu.size}.")
    if abs(p.sum() - 1) > 1e-8:
        raise ValueError(f"The mixture weights probs must sum to 1, got {p.sum():.6g}.")
    return PhaseType(p / p.sum(), np.diag(-mu))


def coxian(rates: Sequence[float], continue_probs: Sequence[float]) -> PhaseType:
    """Coxian: phases in series where, after phase ``i``, service continues with probability ``p_i``.

    Parameters
    ----------
    rates : ``k`` phase rates ``μ_1 … μ_k``.
    continue_probs : ``k - 1`` probabilities of **continuing** to the next phase (as in the
        notes); after the last phase service always ends. Ciw's ``ciw.dists.Coxian(rates,
        probs)`` takes *exit* probabilities instead (``k`` of them, the last 1): convert
        with ``continue_probs = [1 - p for p in probs[:-1]]``.

    ``S`` has ``-μ_i`` on the diagonal and ``p_i μ_i`` just above it; ``α = (1, 0, …, 0)``.

    >>> round(coxian([2.0, 1.0], [0.5]).mean, 6)  # 1/2 + 0.5 * 1/1
    1.0
    """
    mu = _rates("rates", rates)
    p = _probabilities("continue_probs", continue_probs)
    if p.size != mu.size - 1:
        raise ValueError(
            f"continue_probs must hold one probability fewer than rates ({mu.size - 1} for {mu.size} phases), "
            f"got {p.size}."
        )
    S = np.diag(-mu) + np.diag(mu[:-1] * p, k=1)
    alpha = np.zeros(mu.size)
    alpha[0] = 1.0
    return PhaseType(alpha, S)


def sample(service: PhaseType, size: int, seed: Seed = None) -> np.ndarray:
    """``service.sample(size, seed)`` as a plain function (handy to cache or to map over distributions)."""
    if not isinstance(service, PhaseType):
        raise ValueError("service must be a PhaseType distribution (see exponential, coxian, …).")
    return service.sample(size, seed)


def pdf(service: PhaseType, x: float | np.ndarray) -> float | np.ndarray:
    """``service.pdf(x)`` as a plain function (to cache or map)."""
    return service.pdf(x)


def cdf(service: PhaseType, x: float | np.ndarray) -> float | np.ndarray:
    """``service.cdf(x)`` as a plain function (to cache or map)."""
    return service.cdf(x)


def empirical_cdf(values: np.ndarray | Sequence[float], x: np.ndarray | Sequence[float]) -> np.ndarray:
    """Share of ``values`` at or below each ``x``."""
    v = np.sort(np.asarray(values, dtype=float))
    return np.searchsorted(v, np.asarray(x, dtype=float), side="right") / max(v.size, 1)


# ---------------------------------------------------------------------------
# The notes' convolution: two exponential phases in series
# ---------------------------------------------------------------------------


def hypoexponential2_pdf(x: float | np.ndarray, rate1: float, rate2: float) -> np.ndarray:
    """Closed form of the two-phase pdf: ``μ1 μ2 (e^{-μ1 x} - e^{-μ2 x}) / (μ2 - μ1)``.

    For ``μ1 = μ2 = μ`` the limit ``μ² x e^{-μx}`` (Erlang-2) is used.
    """
    m1, m2 = _positive("rate1", rate1), _positive("rate2", rate2)
    x = np.asarray(x, dtype=float)
    xs = np.clip(x, 0.0, None)
    if math.isclose(m1, m2, rel_tol=1e-9):
        out = m1 * m1 * xs * np.exp(-m1 * xs)
    else:
        out = m1 * m2 * (np.exp(-m1 * xs) - np.exp(-m2 * xs)) / (m2 - m1)
    return np.where(x >= 0, out, 0.0)


@dataclass(frozen=True)
class Convolution:
    """The convolution integral evaluated numerically at each ``x``, with quad's error estimate."""

    x: np.ndarray
    value: np.ndarray
    abs_error: np.ndarray


def convolve_exponentials(x: Sequence[float] | np.ndarray, rate1: float, rate2: float) -> Convolution:
    """``∫_0^x μ1 e^{-μ1 t} μ2 e^{-μ2 (x - t)} dt`` by ``scipy.integrate.quad`` at each ``x``.

    The integrand is zero for ``t < 0`` (first phase) and ``t > x`` (second phase), so the
    limits are 0 and x, as the notes' hint says.
    """
    m1, m2 = _positive("rate1", rate1), _positive("rate2", rate2)
    xs = np.atleast_1d(np.asarray(x, dtype=float))
    values, errors = np.zeros(xs.size), np.zeros(xs.size)
    for i, xi in enumerate(xs):
        if xi > 0:
            values[i], errors[i] = integrate.quad(
                lambda t, xi=xi: m1 * math.exp(-m1 * t) * m2 * math.exp(-m2 * (xi - t)), 0.0, xi
            )
    return Convolution(xs, values, errors)


# ---------------------------------------------------------------------------
# Moment matching
# ---------------------------------------------------------------------------


def min_phases(scv: float) -> int:
    """Fewest phases a phase-type distribution needs for this SCV: ``n >= 1/SCV`` (Aldous & Shepp, 1987)."""
    scv = _positive("scv", scv)
    return max(1, math.ceil(1 / scv - 1e-9))


def fit_coxian2(mean: float, scv: float) -> PhaseType:
    """Two-phase Coxian with the given mean and SCV (Marie, 1980); feasible for ``SCV >= 1/2``.

    ``μ1 = 2/m``, ``p = 1/(2 SCV)``, ``μ2 = 1/(m SCV)``: phase 1 contributes ``m/2`` to the
    mean and phase 2 (reached with probability ``p``) the other ``m/2``.

    >>> ph = fit_coxian2(1.0, 2.0)
    >>> round(ph.mean, 6), round(ph.scv, 6)
    (1.0, 2.0)
    """
    mean, scv = _positive("mean", mean), _positive("scv", scv)
    if scv < 0.5 - 1e-12:
        raise ValueError(
            f"A two-phase Coxian needs scv ≥ 1/2 (n phases reach scv ≥ 1/n), got {scv:g}; use fit_two_moments."
        )
    return coxian([2 / mean, 1 / (mean * scv)], [min(1.0, 1 / (2 * scv))])


def fit_two_moments(mean: float, scv: float) -> PhaseType:
    """A phase-type with the given mean and SCV, using the fewest phases (Tijms, 1994, §A.5).

    * ``SCV < 1``: a mixture of Erlang(k-1) and Erlang(k) with one rate, ``k = ⌈1/SCV⌉``,
      written as a k-phase Coxian (every continue probability 1 except ``1 - p`` after phase k-1);
    * ``SCV = 1``: the exponential;
    * ``SCV > 1``: a two-phase hyper-exponential with balanced means (``p1/μ1 = p2/μ2``).
    """
    mean, scv = _positive("mean", mean), _positive("scv", scv)
    if scv < MIN_FIT_SCV - 1e-12:
        raise ValueError(f"scv must be at least 1/{MAX_PHASES} (at most {MAX_PHASES} phases), got {scv:g}.")
    if math.isclose(scv, 1.0, rel_tol=1e-12):
        return exponential(1 / mean)
    if scv > 1:
        p1 = 0.5 * (1 + math.sqrt((scv - 1) / (scv + 1)))
        return hyperexponential([p1, 1 - p1], [2 * p1 / mean, 2 * (1 - p1) / mean])
    k = min_phases(scv)
    if k == 1:  # scv within rounding of 1
        return exponential(1 / mean)
    p = (k * scv - math.sqrt(max(0.0, k * (1 + scv) - k * k * scv))) / (1 + scv)
    p = min(1.0, max(0.0, p))
    rate = (k - p) / mean
    cont = [1.0] * (k - 1)
    cont[-1] = 1 - p
    return coxian([rate] * k, cont)


# ---------------------------------------------------------------------------
# Queue formulas
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueMetrics:
    """Steady-state M/M/c results; times in the units of the rates."""

    utilization: float  # ρ = λ / (c μ)
    prob_wait: float  # Erlang C: P(an arrival waits)
    mean_wait: float  # W_q
    mean_queue_length: float  # L_q = λ W_q
    mean_sojourn: float  # W = W_q + 1/μ


def _stable(rho: float, what: str) -> None:
    if rho >= 1 - 1e-12:
        raise ValueError(
            f"The utilisation ρ = {rho:.4g} of {what} must be below 1; at ρ ≥ 1 the queue grows without bound."
        )


def utilization(arrival_rate: float, service: PhaseType, servers: int = 1) -> float:
    """``ρ = λ E[S] / c``."""
    lam = _positive("arrival_rate", arrival_rate)
    c = _count("servers", servers, 1, MAX_SERVERS)
    return lam * service.mean / c


def mg1_mean_wait(arrival_rate: float, service: PhaseType) -> float:
    """Pollaczek–Khinchine mean wait in queue of M/G/1: ``W_q = λ E[S²] / (2 (1 - ρ))``, ``ρ = λ E[S]``.

    Equivalently ``W_q = ρ E[S] (1 + SCV) / (2 (1 - ρ))``: at a fixed mean the wait grows
    linearly with the SCV of service.

    >>> round(mg1_mean_wait(0.5, exponential(1.0)), 6)  # M/M/1: ρ/(μ - λ)
    1.0
    """
    lam = _positive("arrival_rate", arrival_rate)
    rho = lam * service.mean
    _stable(rho, "the M/G/1 queue")
    return lam * service.moment(2) / (2 * (1 - rho))


def mg1_wait_distribution(arrival_rate: float, service: PhaseType) -> PhaseType:
    """Waiting time in queue of M/PH/1 (FCFS), itself phase-type with an atom ``1 - ρ`` at 0.

    ``W ~ PH(α₊, S + s0 α₊)`` with ``α₊ = λ α (-S)^{-1}`` (so ``Σ α₊ = ρ``); Asmussen,
    *Applied Probability and Queues* (2003), Cor. VIII.5.8.
    """
    lam = _positive("arrival_rate", arrival_rate)
    rho = lam * service.mean
    _stable(rho, "the M/G/1 queue")
    alpha_plus = lam * service.alpha @ service._inv
    return PhaseType(alpha_plus, service.S + np.outer(service.exit_rates, alpha_plus))


def erlang_c(servers: int, offered_load: float) -> float:
    """Erlang C: probability that an arrival to M/M/c waits, for offered load ``a = λ/μ`` Erlangs.

    ``C(c, a) = c B / (c - a (1 - B))`` with Erlang B from the stable recursion
    ``B_0 = 1``, ``B_k = a B_{k-1} / (k + a B_{k-1})``. Needs ``a < c``.

    >>> round(erlang_c(2, 1.0), 6)  # two servers, one Erlang offered
    0.333333
    """
    c = _count("servers", servers, 1, MAX_SERVERS)
    a = _positive("offered_load", offered_load)
    _stable(a / c, f"{c} server{'s' if c > 1 else ''} at offered load {a:g}")
    b = 1.0
    for k in range(1, c + 1):
        b = a * b / (k + a * b)
    return c * b / (c - a * (1 - b))


def mmc_metrics(arrival_rate: float, service_rate: float, servers: int) -> QueueMetrics:
    """M/M/c in steady state: ``W_q = C(c, a) / (c μ - λ)``, ``L_q = λ W_q``, ``W = W_q + 1/μ``.

    >>> m = mmc_metrics(2.0, 3.0, 2)  # Hillier & Lieberman's County Hospital, two doctors
    >>> round(m.mean_wait * 24, 6)  # W_q = 1/24 hour
    1.0
    """
    lam = _positive("arrival_rate", arrival_rate)
    mu = _positive("service_rate", service_rate)
    c = _count("servers", servers, 1, MAX_SERVERS)
    a = lam / mu
    prob = erlang_c(c, a)
    wq = prob / (c * mu - lam)
    return QueueMetrics(a / c, prob, wq, lam * wq, wq + 1 / mu)


def mmc_wait_distribution(arrival_rate: float, service_rate: float, servers: int) -> PhaseType:
    """Waiting time in queue of M/M/c: an atom ``1 - C`` at 0, else ``Exp(cμ - λ)``."""
    m = mmc_metrics(arrival_rate, service_rate, servers)
    c = _count("servers", servers, 1, MAX_SERVERS)
    return PhaseType([m.prob_wait], [[-(c * service_rate - arrival_rate)]])


def mgc_mean_wait(arrival_rate: float, service: PhaseType, servers: int) -> float:
    """Mean wait in M/G/c: exact for c = 1 (P-K) or exponential service (Erlang C); otherwise the
    Lee–Longton approximation ``W_q(M/G/c) ≈ (1 + SCV)/2 · W_q(M/M/c)`` with the same mean."""
    c = _count("servers", servers, 1, MAX_SERVERS)
    if c == 1:
        return mg1_mean_wait(arrival_rate, service)
    mmc = mmc_metrics(arrival_rate, 1 / service.mean, c)
    return (1 + service.scv) / 2 * mmc.mean_wait


def mean_wait_from_moments(arrival_rate: float, mean: float, scv: float, servers: int = 1) -> float:
    """``W_q ≈ (1 + SCV)/2 · W_q(M/M/c)`` from the service mean and SCV alone.

    Exact for one server (it *is* Pollaczek–Khinchine: ``ρ m (1 + SCV) / (2 (1 - ρ))``) and for
    exponential service (SCV = 1, Erlang C); the Lee–Longton approximation otherwise.
    """
    mean = _positive("mean", mean)
    scv = float(scv)
    if not math.isfinite(scv) or scv < 0:
        raise ValueError(f"scv must be a non-negative, finite number, got {scv:g}.")
    return (1 + scv) / 2 * mmc_metrics(arrival_rate, 1 / mean, servers).mean_wait


def min_servers(offered_load: float, max_prob_wait: float) -> int:
    """Smallest number of servers ``c > a`` with Erlang C ``P(wait) <= max_prob_wait``.

    >>> min_servers(10.0, 0.2)
    14
    """
    a = _positive("offered_load", offered_load)
    target = float(max_prob_wait)
    if not 0 < target <= 1:
        raise ValueError(f"max_prob_wait must be a probability in (0, 1], got {target:g}.")
    c = math.floor(a) + 1
    while erlang_c(c, a) > target:
        c += 1
        if c > MAX_SERVERS:
            raise ValueError(f"offered_load {a:g} needs more than {MAX_SERVERS} servers for that target.")
    return c


@dataclass(frozen=True)
class QueueTheory:
    """What theory says about the wait in queue of M/G/c, and whether it is exact."""

    utilization: float
    mean_wait: float
    prob_wait: float
    wait_distribution: PhaseType | None  # exact distribution of the wait, where known
    exact: bool
    method: str  # the formula used, in words


def is_exponential(service: PhaseType) -> bool:
    """True when ``service`` is an exponential distribution (one phase, or phases with one common rate
    that always exit); M/M/c formulas are then exact."""
    rates = -np.diag(service.S)
    return (
        service.atom == 0 and np.allclose(service.exit_rates, rates, rtol=1e-9) and np.ptp(rates) <= 1e-9 * rates.max()
    )


def queue_theory(arrival_rate: float, service: PhaseType, servers: int = 1) -> QueueTheory:
    """The closed forms for Poisson arrivals into ``servers`` FCFS servers.

    * one server: Pollaczek–Khinchine mean, ``P(wait) = ρ`` and the M/PH/1 wait distribution (exact);
    * exponential service: Erlang C (exact);
    * otherwise: Lee–Longton ``(1 + SCV)/2 · W_q(M/M/c)`` for the mean and Erlang C with the same
      mean service for ``P(wait)`` (approximations).
    """
    lam = _positive("arrival_rate", arrival_rate)
    c = _count("servers", servers, 1, MAX_SERVERS)
    rho = utilization(lam, service, c)
    _stable(rho, f"this queue with {c} server{'s' if c > 1 else ''}")
    if c == 1:
        return QueueTheory(
            rho, mg1_mean_wait(lam, service), rho, mg1_wait_distribution(lam, service), True, "Pollaczek–Khinchine"
        )
    mu = 1 / service.mean
    mmc = mmc_metrics(lam, mu, c)
    if is_exponential(service):
        return QueueTheory(rho, mmc.mean_wait, mmc.prob_wait, mmc_wait_distribution(lam, mu, c), True, "Erlang C")
    return QueueTheory(
        rho, mgc_mean_wait(lam, service, c), mmc.prob_wait, None, False, "Lee–Longton approximation with Erlang C"
    )


def wait_curve_by_utilization(
    service: PhaseType, servers: int, utilizations: Sequence[float], n_customers: int, seed: Seed = None
) -> list[tuple[float, float, MeanInterval]]:
    """``(ρ, theory W_q, simulated interval)`` for each utilisation, the service fixed and λ = ρ c / E[S]."""
    rng = _rng(seed)
    out = []
    for rho in utilizations:
        lam = rho * servers / service.mean
        waits = simulate_queue(lam, service, n_customers, servers, rng)
        out.append((float(rho), queue_theory(lam, service, servers).mean_wait, batch_means_interval(waits)))
    return out


def wait_curve_by_scv(
    mean: float, scvs: Sequence[float], utilization: float, servers: int, n_customers: int, seed: Seed = None
) -> list[tuple[float, float, MeanInterval]]:
    """``(SCV, theory W_q, simulated interval)`` for services of one mean and varying SCV
    (each the :func:`fit_two_moments` distribution), at a fixed utilisation."""
    rng = _rng(seed)
    lam = utilization * servers / _positive("mean", mean)
    out = []
    for scv in scvs:
        service = fit_two_moments(mean, scv)
        waits = simulate_queue(lam, service, n_customers, servers, rng)
        out.append((float(scv), queue_theory(lam, service, servers).mean_wait, batch_means_interval(waits)))
    return out


# ---------------------------------------------------------------------------
# Simulation
# ---------------------------------------------------------------------------


def simulate_queue(
    arrival_rate: float, service: PhaseType, n_customers: int, servers: int = 1, seed: Seed = None
) -> np.ndarray:
    """Wait in queue of each of ``n_customers`` arriving (Poisson, rate λ) to an empty FCFS queue.

    One server: the Lindley recursion ``W_{n+1} = max(0, W_n + S_n - A_{n+1})`` solved in
    closed form, ``W_n = X_n - min(0, min_{j<=n} X_j)`` with ``X`` the running sum of
    ``S_{n-1} - A_n`` (``np.minimum.accumulate``). Several servers: each arrival takes the
    server that frees first (a heap of free times). ``ρ >= 1`` is allowed: waits then grow.

    >>> w = simulate_queue(0.5, exponential(1.0), 200_000, seed=1)
    >>> bool(abs(w.mean() - 1.0) < 0.05)  # M/M/1 at ρ = 1/2: W_q = 1
    True
    """
    lam = _positive("arrival_rate", arrival_rate)
    n = _count("n_customers", n_customers, 1, MAX_CUSTOMERS)
    c = _count("servers", servers, 1, MAX_SERVERS)
    if not isinstance(service, PhaseType):
        raise ValueError("service must be a PhaseType distribution (see exponential, coxian, …).")
    rng = _rng(seed)
    gaps = rng.standard_exponential(n) / lam
    work = service.sample(n, rng)
    if c == 1:
        x = np.zeros(n)
        np.cumsum(work[:-1] - gaps[1:], out=x[1:])
        return x - np.minimum(np.minimum.accumulate(x), 0.0)
    arrivals = np.cumsum(gaps).tolist()
    free = [0.0] * c  # a heap of the times the servers become free
    waits = [0.0] * n
    replace = heapq.heapreplace
    for i, (t, s) in enumerate(zip(arrivals, work.tolist(), strict=True)):
        first = free[0]
        if first > t:
            waits[i] = first - t
            replace(free, first + s)
        else:
            replace(free, t + s)
    return np.asarray(waits)


@dataclass(frozen=True)
class MeanInterval:
    """A mean with a confidence interval from batch means."""

    mean: float
    low: float
    high: float
    level: float
    n_used: int

    def covers(self, value: float) -> bool:
        return self.low <= value <= self.high


def batch_means_interval(
    waits: np.ndarray | Sequence[float], level: float = 0.95, n_batches: int = 20, warmup: float = 0.1
) -> MeanInterval:
    """Confidence interval for the steady-state mean wait by batch means.

    Successive waits are correlated, so the naive ``s/√n`` is too narrow: drop the first
    ``warmup`` fraction (the queue starts empty), cut the rest into ``n_batches``
    consecutive batches and use a Student t interval on the batch averages.
    """
    w = np.asarray(waits, dtype=float)
    if not 0 < level < 1:
        raise ValueError(f"level must be in (0, 1), got {level:g}.")
    if not 0 <= warmup < 1:
        raise ValueError(f"warmup must be a fraction in [0, 1), got {warmup:g}.")
    n_batches = _count("n_batches", n_batches, 2, 1000)
    kept = w[int(warmup * w.size) :]
    size = kept.size // n_batches
    if size < 1:
        raise ValueError(f"Need at least {n_batches} waits after the warm-up for {n_batches} batches, got {kept.size}.")
    kept = kept[: size * n_batches]
    means = kept.reshape(n_batches, size).mean(axis=1)
    centre = float(means.mean())
    half = float(sps.t.ppf(0.5 + level / 2, n_batches - 1) * means.std(ddof=1) / math.sqrt(n_batches))
    return MeanInterval(centre, centre - half, centre + half, level, kept.size)


@dataclass(frozen=True)
class WaitSummary:
    """What a simulated run says once the warm-up is dropped."""

    interval: MeanInterval  # mean wait with its batch-means interval
    prob_wait: float  # share of customers who waited
    t: np.ndarray  # a grid of waiting times up to the 99% quantile
    ecdf: np.ndarray  # empirical P(W_q <= t) on that grid


def summarize_waits(waits: np.ndarray, points: int = 160, level: float = 0.95, warmup: float = 0.1) -> WaitSummary:
    """Mean wait (batch means), P(wait) and the empirical wait distribution, after dropping ``warmup``."""
    w = np.asarray(waits, dtype=float)
    kept = w[int(warmup * w.size) :]
    points = _count("points", points, 2, 10_000)
    t = np.linspace(0.0, float(np.quantile(w, 0.99)) or 1.0, points)
    return WaitSummary(
        batch_means_interval(w, level=level, warmup=warmup), float((kept > 0).mean()), t, empirical_cdf(kept, t)
    )


# ---------------------------------------------------------------------------
# Parsing what a user types
# ---------------------------------------------------------------------------

_SPLIT = re.compile(r"[,\s]+")


def parse_vector(text: str, name: str = "values", *, max_size: int = MAX_PHASES) -> np.ndarray:
    """Numbers separated by commas or spaces, e.g. ``"2, 3.5 1e-1"``."""
    parts = [p for p in _SPLIT.split(str(text).strip()) if p]
    if not parts:
        raise ValueError(f"Enter at least one number for {name}.")
    if len(parts) > max_size:
        raise ValueError(f"{name} may hold at most {max_size} numbers, got {len(parts)}.")
    try:
        values = np.array([float(p) for p in parts])
    except ValueError:
        raise ValueError(f"{name} must be numbers separated by commas or spaces.") from None
    if not np.all(np.isfinite(values)):
        raise ValueError(f"{name} must be finite numbers.")
    return values


def parse_matrix(text: str, name: str = "S", *, max_size: int = 10) -> np.ndarray:
    """Rows separated by ``;`` or new lines, entries by commas or spaces, e.g. ``"-3 1; 0 -2"``."""
    rows = [r for r in re.split(r"[;\n]+", str(text).strip()) if r.strip()]
    if not rows:
        raise ValueError(f"Enter the rows of {name}, separated by semicolons.")
    matrix = [parse_vector(r, f"each row of {name}", max_size=max_size) for r in rows]
    if len(matrix) > max_size or len({len(r) for r in matrix}) != 1:
        raise ValueError(f"{name} must be a square matrix with at most {max_size} rows of equal length.")
    return np.array(matrix)


MAX_UPLOAD_ROWS = 1_000_000


def read_service_times(data: bytes | str, column: str = "service_time") -> np.ndarray:
    """Service times from CSV text: the column named ``column`` if there is one, else the first column.

    A file without a header (a bare column of numbers) works too. Every value must be a
    finite number ``>= 0``; at least two are needed.
    """
    text = data.decode("utf-8", errors="replace") if isinstance(data, bytes) else str(data)
    if not text.strip():
        raise ValueError("The uploaded file is empty; it needs a column of service times.")
    check_csv_width(text)
    try:
        frame = pd.read_csv(io.StringIO(text), nrows=MAX_UPLOAD_ROWS + 1, skip_blank_lines=True)
    except (ValueError, pd.errors.ParserError):
        raise ValueError("The uploaded file is not a readable CSV; give one service time per row.") from None
    if frame.shape[1] == 0:
        raise ValueError("The uploaded file has no columns; it needs a column of service times.")
    name = column if column in frame.columns else frame.columns[0]
    try:
        float(str(name))
        frame = pd.read_csv(io.StringIO(text), header=None, nrows=MAX_UPLOAD_ROWS + 1)  # no header row
        name = frame.columns[0]
    except ValueError:
        pass
    if len(frame) > MAX_UPLOAD_ROWS:
        raise ValueError(f"The uploaded file may hold at most {MAX_UPLOAD_ROWS:,} service times.")
    raw = frame[name]
    values = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=float)
    bad = np.flatnonzero(~np.isfinite(values))
    if bad.size:
        shown = str(raw.iloc[bad[0]])[:20]
        raise ValueError(f"Column {str(name)[:30]!r} must hold numbers only; row {bad[0] + 1} holds {shown!r}.")
    if np.any(values < 0):
        raise ValueError(f"Service times must be ≥ 0; row {int(np.argmax(values < 0)) + 1} is negative.")
    if values.size < 2:
        raise ValueError(f"At least two service times are needed to estimate a variance, got {values.size}.")
    return values


def sample_moments(values: np.ndarray | Sequence[float]) -> tuple[float, float]:
    """Sample mean and SCV (variance with ``ddof=1`` over mean²) of observed service times."""
    v = np.asarray(values, dtype=float)
    if v.size < 2 or not np.all(np.isfinite(v)):
        raise ValueError("At least two finite service times are needed to estimate a mean and an SCV.")
    mean = float(v.mean())
    if mean <= 0:
        raise ValueError("The service times must have a positive mean.")
    scv = float(v.var(ddof=1) / mean**2)
    if scv <= 0:
        raise ValueError("The service times are all equal (SCV 0): no phase-type distribution has SCV 0.")
    return mean, scv
