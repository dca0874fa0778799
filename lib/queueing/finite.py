"""Finite waiting rooms and impatient customers: Erlang B, M/M/c/K and Erlang A (M/M/c+M), exact.

All three are birth–death chains on the number in system ``n``: arrivals at rate λ (refused
when the room is full), departures at rate ``min(n, c) μ + max(n − c, 0) θ`` (service, plus
abandonment at rate θ per waiting customer). Their stationary law is the product of the
birth/death ratios, computed in logs so large loads do not overflow; arrivals see it
(PASTA), which gives blocking, P(wait) and, by Little's law with the *admitted* rate, the
waits.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from lib.queueing._shared import MAX_SERVERS
from lib.queueing.formulas import QueueMetrics
from lib.validation import positive, whole

MAX_CAPACITY = 10_000  # customers in system, the birth–death chain's last state
MAX_ABANDON_STATES = 1_000_000  # waiting places the Erlang A chain may need before its tail is negligible


def _birth_death_law(births: np.ndarray, deaths: np.ndarray) -> np.ndarray:
    """Stationary law of a birth–death chain on 0..N: ``p_n ∝ Π_{k<n} births[k] / deaths[k]``, in logs.

    ``births`` (N,) are the rates n → n+1 for n = 0..N−1, ``deaths`` (N,) the rates n+1 → n.
    """
    log_terms = np.concatenate([[0.0], np.cumsum(np.log(births) - np.log(deaths))])  # (N + 1,)
    p = np.exp(log_terms - log_terms.max())
    return p / p.sum()


def erlang_b(servers: int, offered_load: float) -> float:
    """Erlang B: probability that an arrival to M/M/c/c (no waiting room) is lost.

    ``B(c, a) = (a^c / c!) / Σ_{k≤c} a^k / k!`` for offered load ``a = λ/μ`` Erlangs, by the
    stable recursion ``B_0 = 1``, ``B_k = a B_{k−1} / (k + a B_{k−1})``. Any ``a > 0``.

    >>> round(erlang_b(2, 1.0), 6)  # (1/2) / (1 + 1 + 1/2)
    0.2
    """
    c = whole("servers", servers, 1, MAX_SERVERS)
    a = positive("offered_load", offered_load)
    b = 1.0
    for k in range(1, c + 1):
        b = a * b / (k + a * b)
    return b


@dataclass(frozen=True)
class FiniteQueueMetrics(QueueMetrics):
    """M/M/c/K in steady state. ``utilization`` is the offered ``λ/(cμ)`` (any value, also ≥ 1);
    ``prob_wait`` is P(an *admitted* customer waits); waits are those of admitted customers."""

    blocking_probability: float  # P(an arrival finds K in system and is lost) = p_K
    admitted_rate: float  # λ (1 − p_K)
    server_utilization: float  # share of time a server is busy = admitted rate / (c μ)
    mean_in_system: float  # L
    state_probabilities: np.ndarray = field(repr=False)  # (K + 1,) p_n = P(n in system)


def mmck_state_probabilities(arrival_rate: float, service_rate: float, servers: int, capacity: int) -> np.ndarray:
    """``p_n`` for n = 0..K in M/M/c/K: ``p_n ∝ a^n / n!`` for ``n ≤ c``, ``a^c / c! (a/c)^{n−c}`` beyond."""
    lam = positive("arrival_rate", arrival_rate)
    mu = positive("service_rate", service_rate)
    c = whole("servers", servers, 1, MAX_SERVERS)
    K = whole("capacity", capacity, c, MAX_CAPACITY)
    n = np.arange(1, K + 1)
    return _birth_death_law(np.full(K, lam), np.minimum(n, c) * mu)


def mmck_metrics(arrival_rate: float, service_rate: float, servers: int, capacity: int) -> FiniteQueueMetrics:
    """M/M/c/K: ``c`` servers, room for ``K ≥ c`` customers in all (``K − c`` waiting places).

    Blocking ``p_K`` (PASTA); ``L_q = Σ (n − c) p_n``; with the admitted rate
    ``λ_a = λ (1 − p_K)``, Little's law gives ``W_q = L_q / λ_a`` and ``W = W_q + 1/μ``.
    ``K = c`` is the Erlang B loss system. No stability condition: ρ may be ≥ 1.

    >>> m = mmck_metrics(1.0, 1.0, 1, 2)  # M/M/1/2 at ρ = 1: p = (1/3, 1/3, 1/3)
    >>> round(m.blocking_probability, 6), round(m.mean_wait, 6)  # L_q = 1/3, λ_a = 2/3
    (0.333333, 0.5)
    """
    p = mmck_state_probabilities(arrival_rate, service_rate, servers, capacity)
    lam, mu, c = float(arrival_rate), float(service_rate), int(servers)
    n = np.arange(p.size)
    blocking = float(p[-1])
    admitted = lam * (1 - blocking)
    lq = float(np.maximum(n - c, 0) @ p)
    wq = lq / admitted
    prob_wait = float(p[c:-1].sum() / (1 - blocking)) if p.size > c + 1 else 0.0
    return FiniteQueueMetrics(
        utilization=lam / (c * mu),
        prob_wait=prob_wait,
        mean_wait=wq,
        mean_queue_length=lq,
        mean_sojourn=wq + 1 / mu,
        blocking_probability=blocking,
        admitted_rate=admitted,
        server_utilization=admitted / (c * mu),
        mean_in_system=float(n @ p),
        state_probabilities=p,
    )


def blocking_by_capacity(arrival_rate: float, service_rate: float, servers: int, max_room: int) -> np.ndarray:
    """``P(blocked)`` of M/M/c/K for every ``K = c … c + max_room`` at once, (max_room + 1,).

    The unnormalised terms ``t_n`` of :func:`mmck_state_probabilities` do not depend on ``K``, so
    ``p_K(K) = t_K / Σ_{n ≤ K} t_n``: one cumulative log-sum-exp. The first entry is Erlang B.

    >>> blocking_by_capacity(1.0, 1.0, 1, 2).round(6).tolist()  # 1/2, 1/3, 1/4 at ρ = 1
    [0.5, 0.333333, 0.25]
    """
    lam = positive("arrival_rate", arrival_rate)
    mu = positive("service_rate", service_rate)
    c = whole("servers", servers, 1, MAX_SERVERS)
    room = whole("max_room", max_room, 0, MAX_CAPACITY - c)
    n = np.arange(1, c + room + 1)
    log_terms = np.concatenate([[0.0], np.cumsum(np.log(lam) - np.log(np.minimum(n, c) * mu))])
    return np.exp(log_terms - np.logaddexp.accumulate(log_terms))[c:]


@dataclass(frozen=True)
class ImpatientQueueMetrics:
    """Erlang A (M/M/c+M) in steady state; waits are over all arrivals, abandoning ones included."""

    utilization: float  # offered λ / (c μ), any value
    prob_wait: float  # P(an arrival finds every server busy)
    prob_abandon: float  # P(an arrival leaves before service) = θ L_q / λ
    mean_wait: float  # W_q = L_q / λ, time spent waiting (until service or abandonment)
    mean_queue_length: float  # L_q
    server_utilization: float  # λ (1 − P(abandon)) / (c μ)
    state_probabilities: np.ndarray = field(repr=False)  # (N + 1,) p_n, cut where the tail is negligible


def erlang_a_metrics(
    arrival_rate: float, service_rate: float, servers: int, abandonment_rate: float
) -> ImpatientQueueMetrics:
    """Erlang A: M/M/c where each waiting customer abandons after an Exp(θ) patience.

    Death rate ``min(n, c) μ + max(n − c, 0) θ``: stable for any λ when θ > 0. The chain is cut
    where its tail is negligible (``max(λ/θ, 1)`` waiting places plus 12 standard deviations and 30);
    ``P(abandon) = θ L_q / λ`` (the abandonment rate over the arrival rate).

    >>> m = erlang_a_metrics(1.0, 1.0, 1, 1.0)  # θ = μ: M/M/∞ in disguise, n ~ Poisson(1)
    >>> round(m.prob_abandon, 6), round(m.prob_wait, 6)  # E[(n − 1)⁺] = e⁻¹; P(n ≥ 1) = 1 − e⁻¹
    (0.367879, 0.632121)
    """
    lam = positive("arrival_rate", arrival_rate)
    mu = positive("service_rate", service_rate)
    c = whole("servers", servers, 1, MAX_SERVERS)
    theta = positive("abandonment_rate", abandonment_rate)
    spread = max(lam / theta, 1.0)
    places = math.ceil(spread + 12 * math.sqrt(spread) + 30)
    if places > MAX_ABANDON_STATES:
        raise ValueError(
            f"abandonment_rate θ = {theta:g} is too small next to λ = {lam:g}: the queue would need "
            f"{places:,} waiting places; use a larger θ."
        )
    N = c + places
    n = np.arange(1, N + 1)
    p = _birth_death_law(np.full(N, lam), np.minimum(n, c) * mu + np.maximum(n - c, 0) * theta)
    states = np.arange(N + 1)
    lq = float(np.maximum(states - c, 0) @ p)
    abandon = theta * lq / lam
    return ImpatientQueueMetrics(
        utilization=lam / (c * mu),
        prob_wait=float(p[c:].sum()),
        prob_abandon=abandon,
        mean_wait=lq / lam,
        mean_queue_length=lq,
        server_utilization=lam * (1 - abandon) / (c * mu),
        state_probabilities=p,
    )
