"""M/M/c/K (+ abandonment) simulated by uniformisation, many independent replications side by side.

The queue is a birth–death chain, so it can be simulated as a Poisson clock of rate
``Λ = λ + c μ + (K − c) θ`` (the largest total rate of any state): at each tick a uniform ``u``
decides between an arrival (``u < λ/Λ``), a service completion (``u`` below
``(λ + min(n, c) μ)/Λ``), an abandonment (below ``(λ + min(n, c) μ + (n − c)⁺ θ)/Λ``) or
nothing. Ticks are Poisson, so what they see is what time sees (PASTA): the time-average
number in system is the average over ticks. Each loop step advances ``R`` replications at
once, and a step is a table look-up (the state and the bucket of ``u`` index the next state:
two numpy calls per tick); everything else — blocking, abandonment, the state
histogram — is counted per block afterwards from the stored states. The confidence
intervals are Student t over the independent replications.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from scipy import stats as sps

from lib.queueing._shared import MAX_CUSTOMERS, MAX_SERVERS, Seed, _rng
from lib.queueing.finite import MAX_CAPACITY
from lib.queueing.simulation import MeanInterval
from lib.validation import non_negative, positive, whole

BLOCK = 2_048  # ticks per block of uniforms
MAX_REPLICATIONS = 1_024


_KINDS = ("nothing", "admitted", "blocked", "served", "abandoned")
_NOTHING, _ADMITTED, _BLOCKED, _SERVED, _ABANDONED = range(len(_KINDS))


def _transition_table(
    p_arrive: float, below_service: np.ndarray, below_leave: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """What a tick does in each state for each bucket of its uniform ``u``.

    The thresholds (``λ/Λ`` and, per state, the service and departure cut-offs) cut [0, 1) into
    buckets; within one bucket every state's event is the same, so the tick is a look-up:
    ``kind[n, b]`` (an index into ``_KINDS``) and ``step_to[n, b]``, the state after it, both
    (K + 1, n_buckets). Returns them with the sorted thresholds.
    """
    buckets = np.unique(np.concatenate([[p_arrive], below_service, below_leave]))
    buckets = buckets[(buckets > 0) & (buckets < 1)]
    low = np.concatenate([[0.0], buckets])  # (nb,) each bucket's left end decides it
    K = below_service.size - 1
    n = np.arange(K + 1)[:, None]  # (K + 1, 1)
    arrive = low[None, :] < p_arrive
    serve = ~arrive & (low[None, :] < below_service[:, None])
    abandon = ~arrive & ~serve & (low[None, :] < below_leave[:, None])
    full = n == K
    kind = np.select(
        [arrive & full, arrive, serve, abandon], [_BLOCKED, _ADMITTED, _SERVED, _ABANDONED], default=_NOTHING
    )
    step_to = n + (arrive & ~full) - (serve | abandon)
    return kind, step_to, buckets


def replication_interval(values: np.ndarray, level: float = 0.95) -> MeanInterval:
    """Student t interval for the mean of independent replications' estimates ``values`` (R,)."""
    v = np.asarray(values, dtype=float)
    centre = float(v.mean())
    half = float(sps.t.ppf(0.5 + level / 2, v.size - 1) * v.std(ddof=1) / math.sqrt(v.size)) if v.size > 1 else 0.0
    return MeanInterval(centre, centre - half, centre + half, level, v.size)


@dataclass(frozen=True)
class FiniteQueueSimulation:
    """What the simulated replications say (each an interval over replications)."""

    blocking_probability: MeanInterval
    prob_wait: MeanInterval  # P(an admitted customer waits)
    prob_abandon: MeanInterval  # P(an admitted customer abandons); 0 without abandonment
    mean_in_system: MeanInterval  # L, time average
    mean_queue_length: MeanInterval  # L_q, time average
    mean_wait: MeanInterval  # W_q = L_q / (admitted rate), Little's law per replication
    arrivals: int  # customers that arrived after the warm-up, all replications
    state_distribution: np.ndarray = field(repr=False)  # (K + 1,) share of time with n in system, all replications


def simulate_finite_queue(
    arrival_rate: float,
    service_rate: float,
    servers: int,
    capacity: int,
    n_customers: int,
    *,
    abandonment_rate: float = 0.0,
    replications: int = 64,
    warmup: float = 0.1,
    seed: Seed = None,
) -> FiniteQueueSimulation:
    """Simulate M/M/c/K (with Exp(θ) patience when ``abandonment_rate > 0``) from empty.

    About ``n_customers`` arrivals in all, shared by ``replications`` independent runs; the
    first ``warmup`` share of each run's ticks is dropped.

    >>> sim = simulate_finite_queue(1.0, 1.0, 1, 2, 200_000, seed=1)  # exact blocking 1/3
    >>> bool(abs(sim.blocking_probability.mean - 1 / 3) < 0.01)
    True
    """
    lam = positive("arrival_rate", arrival_rate)
    mu = positive("service_rate", service_rate)
    c = whole("servers", servers, 1, MAX_SERVERS)
    K = whole("capacity", capacity, c, MAX_CAPACITY)
    theta = non_negative("abandonment_rate", abandonment_rate)
    n = whole("n_customers", n_customers, 1, MAX_CUSTOMERS)
    R = whole("replications", replications, 2, MAX_REPLICATIONS)
    if not 0 <= warmup < 1:
        raise ValueError(f"warmup must be a fraction in [0, 1), got {warmup:g}.")
    rng = _rng(seed)

    states = np.arange(K + 1)
    served = np.minimum(states, c) * mu  # (K + 1,) service completion rate in state n
    leaving = served + np.maximum(states - c, 0) * theta  # (K + 1,) total departure rate
    total = lam + leaving.max()  # Λ, the uniformisation rate
    kind, step_to, buckets = _transition_table(lam / total, (lam + served) / total, (lam + leaving) / total)
    nb = buckets.size + 1  # u falls in one of nb buckets between the thresholds
    next_index = (step_to * nb).ravel()  # (K + 1) * nb: state after the tick, pre-multiplied by nb

    ticks = max(BLOCK, math.ceil(n / R / (lam / total) / (1 - warmup)))  # per replication
    ticks = math.ceil(ticks / BLOCK) * BLOCK
    skip = int(warmup * ticks)
    seen = np.empty((BLOCK, R), dtype=np.int64)  # (state before the tick) * nb + bucket of its u
    level = np.zeros(R, dtype=np.int64)  # (R,) number in system now, times nb
    cells = (K + 1) * len(_KINDS)  # (state, kind of tick) pairs
    key_of = (np.arange(K + 1)[:, None] * len(_KINDS) + kind).ravel()  # idx -> state * 5 + kind
    offsets = np.arange(R) * cells
    tally = np.zeros(R * cells, dtype=np.int64)  # ticks per (replication, state, kind)
    for start in range(0, ticks, BLOCK):
        bucket = np.searchsorted(buckets, rng.random((BLOCK, R)), side="right")  # (BLOCK, R)
        for k in range(BLOCK):  # the only sequential part: a table look-up for R replications at once
            np.add(level, bucket[k], out=seen[k])
            np.take(next_index, seen[k], out=level)
        kept = seen[max(skip - start, 0) :]
        tally += np.bincount((key_of[kept] + offsets).ravel(), minlength=R * cells)

    by_kind = tally.reshape(R, K + 1, len(_KINDS))  # (R, K + 1, 5)
    count = by_kind.sum(axis=2)  # (R, K + 1) ticks seen in each state
    arrivals = by_kind[:, :, _ADMITTED].sum(axis=1) + by_kind[:, :, _BLOCKED].sum(axis=1)
    blocked, abandoned = by_kind[:, :, _BLOCKED].sum(axis=1), by_kind[:, :, _ABANDONED].sum(axis=1)
    waited = by_kind[:, c:, _ADMITTED].sum(axis=1)
    time_share = count / count.sum(axis=1, keepdims=True)  # (R, K + 1)
    admitted = np.maximum(arrivals - blocked, 1)
    L = time_share @ states
    Lq = time_share @ np.maximum(states - c, 0)
    admitted_rate = lam * admitted / np.maximum(arrivals, 1)
    return FiniteQueueSimulation(
        blocking_probability=replication_interval(blocked / np.maximum(arrivals, 1)),
        prob_wait=replication_interval(waited / admitted),
        prob_abandon=replication_interval(abandoned / admitted),
        mean_in_system=replication_interval(L),
        mean_queue_length=replication_interval(Lq),
        mean_wait=replication_interval(Lq / admitted_rate),
        state_distribution=count.sum(axis=0) / count.sum(),
        arrivals=int(arrivals.sum()),
    )
