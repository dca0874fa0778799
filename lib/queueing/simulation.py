"""The queue simulated (Lindley's recursion, or the servers' free times) and batch-means intervals."""

from __future__ import annotations

import heapq
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats as sps

from lib.queueing._shared import MAX_CUSTOMERS, MAX_SERVERS, Seed, _rng
from lib.queueing.phase_type import PhaseType, empirical_cdf
from lib.validation import positive, whole


def simulate_queue(
    arrival_rate: float, service: PhaseType, n_customers: int, servers: int = 1, seed: Seed = None
) -> np.ndarray:
    """Wait in queue of each of ``n_customers`` arriving (Poisson, rate λ) to an empty FCFS queue.

    One server: the Lindley recursion ``W_{n+1} = max(0, W_n + S_n - A_{n+1})`` solved in
    closed form, ``W_n = X_n - min(0, min_{j<=n} X_j)`` with ``X`` the running sum of
    ``S_{n-1} - A_n`` (``np.minimum.accumulate``). Several servers: each arrival takes the
    server that frees first (a heap of free times). ``ρ >= 1`` is allowed: waits then grow.

    >>> from lib.queueing import exponential
    >>> w = simulate_queue(0.5, exponential(1.0), 200_000, seed=1)
    >>> bool(abs(w.mean() - 1.0) < 0.05)  # M/M/1 at ρ = 1/2: W_q = 1
    True
    """
    lam = positive("arrival_rate", arrival_rate)
    n = whole("n_customers", n_customers, 1, MAX_CUSTOMERS)
    c = whole("servers", servers, 1, MAX_SERVERS)
    if not isinstance(service, PhaseType):
        raise ValueError("service must be a PhaseType distribution (see exponential, coxian, …).")
    rng = _rng(seed)
    gaps = rng.standard_exponential(n) / lam
    return _fcfs_waits(gaps, service.sample(n, rng), c)


def simulate_gg_queue(
    interarrival: PhaseType, service: PhaseType, n_customers: int, servers: int = 1, seed: Seed = None
) -> np.ndarray:
    """Wait in queue of each of ``n_customers`` in G/G/c: phase-type gaps between arrivals, FCFS.

    The same recursion as :func:`simulate_queue` (Lindley for one server, the servers' free times for
    several); only the gaps are drawn from ``interarrival`` instead of an exponential.

    >>> from lib.queueing import exponential
    >>> w = simulate_gg_queue(exponential(0.5), exponential(1.0), 200_000, seed=1)
    >>> bool(abs(w.mean() - 1.0) < 0.05)  # M/M/1 again
    True
    """
    n = whole("n_customers", n_customers, 1, MAX_CUSTOMERS)
    c = whole("servers", servers, 1, MAX_SERVERS)
    if not isinstance(interarrival, PhaseType) or not isinstance(service, PhaseType):
        raise ValueError("interarrival and service must be PhaseType distributions (see exponential, coxian, …).")
    rng = _rng(seed)
    gaps = interarrival.sample(n, rng)
    return _fcfs_waits(gaps, service.sample(n, rng), c)


def _fcfs_waits(gaps: np.ndarray, work: np.ndarray, c: int) -> np.ndarray:
    """FCFS waits from the gaps before each arrival (n,) and the service times (n,), ``c`` servers."""
    n = gaps.size
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
    n_batches = whole("n_batches", n_batches, 2, 1000)
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
    points = whole("points", points, 2, 10_000)
    t = np.linspace(0.0, float(np.quantile(w, 0.99)) or 1.0, points)
    return WaitSummary(
        batch_means_interval(w, level=level, warmup=warmup), float((kept > 0).mean()), t, empirical_cdf(kept, t)
    )
