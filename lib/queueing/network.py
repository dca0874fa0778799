"""Open Jackson networks: the traffic equations, each station as M/M/c, and the network simulated.

Customers arrive from outside at station ``i`` at rate ``γ_i``; after service at ``i`` they go
to ``j`` with probability ``routing[i][j]`` and leave with ``1 − Σ_j routing[i][j]``. The total
arrival rates solve the traffic equations ``λ = γ + Rᵀ λ``; Jackson's theorem says that in
steady state the stations are independent M/M/c queues with those rates. The notes' haircut →
shampoo is the tandem ``γ = (λ, 0)``, ``R = [[0, 1], [0, 0]]``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from lib.queueing._shared import MAX_CUSTOMERS, MAX_SERVERS, Seed, _rng
from lib.queueing.finite_simulation import MAX_REPLICATIONS, replication_interval
from lib.queueing.formulas import QueueMetrics, mmc_metrics
from lib.queueing.simulation import MeanInterval
from lib.validation import whole

MAX_STATIONS = 10
BLOCK = 1_024  # ticks per block of uniforms


def _network_inputs(
    external_arrivals: Sequence[float], routing: Sequence[Sequence[float]], service_rates: Sequence[float], servers
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    gamma = np.atleast_1d(np.asarray(external_arrivals, dtype=float))
    m = gamma.size
    if gamma.ndim != 1 or not 1 <= m <= MAX_STATIONS:
        raise ValueError(f"external_arrivals must list one rate per station, 1 to {MAX_STATIONS} stations.")
    R = np.asarray(routing, dtype=float)
    mu = np.atleast_1d(np.asarray(service_rates, dtype=float))
    c = np.atleast_1d(np.asarray(servers, dtype=float))
    if R.shape != (m, m):
        raise ValueError(f"routing must be {m} × {m} (one row and column per station), got shape {R.shape}.")
    if mu.shape != (m,) or c.shape != (m,):
        raise ValueError(f"service_rates and servers must have one entry per station ({m}).")
    if not np.all(np.isfinite(gamma)) or np.any(gamma < 0) or gamma.sum() <= 0:
        raise ValueError("external_arrivals must be non-negative rates, at least one of them positive.")
    if not np.all(np.isfinite(mu)) or np.any(mu <= 0):
        raise ValueError("Every service rate must be a positive, finite number.")
    if np.any(c != np.round(c)) or np.any(c < 1) or np.any(c > MAX_SERVERS):
        raise ValueError(f"Every station needs a whole number of servers from 1 to {MAX_SERVERS}.")
    if not np.all(np.isfinite(R)) or np.any(R < 0) or np.any(R > 1):
        raise ValueError("Every routing entry must be a probability in [0, 1].")
    sums = R.sum(axis=1)
    if np.any(sums > 1 + 1e-9):
        i = int(np.argmax(sums))
        raise ValueError(f"Row {i + 1} of routing sums to {sums[i]:.4g}; a row may sum to at most 1 (the rest leaves).")
    if np.max(np.abs(np.linalg.eigvals(R))) >= 1 - 1e-9:
        raise ValueError("Some customers can never leave the network (routing traps them): the network is not open.")
    return gamma, R, mu, c.astype(int)


def traffic_equations(external_arrivals: Sequence[float], routing: Sequence[Sequence[float]]) -> np.ndarray:
    """Total arrival rate of each station: the solution of ``λ = γ + Rᵀ λ``, i.e. ``(I − Rᵀ) λ = γ``.

    >>> traffic_equations([1.0, 0.0], [[0.0, 1.0], [0.0, 0.0]]).tolist()  # tandem: all go on
    [1.0, 1.0]
    """
    m = np.atleast_1d(np.asarray(external_arrivals, dtype=float)).size
    gamma, R, _, _ = _network_inputs(external_arrivals, routing, np.ones(m), np.ones(m))
    return np.linalg.solve(np.eye(gamma.size) - R.T, gamma)


def unstable_stations(
    external_arrivals: Sequence[float],
    routing: Sequence[Sequence[float]],
    service_rates: Sequence[float],
    servers: Sequence[int],
) -> list[int]:
    """Stations (numbered from 0) whose total arrival rate reaches ``c_i μ_i``: they grow without bound.

    Checks every argument as :func:`jackson_network` does (``ValueError`` for bad input).

    >>> unstable_stations([1.0, 0.0], [[0, 1], [0, 0]], [2.0, 0.5], [1, 1])
    [1]
    """
    gamma, R, mu, c = _network_inputs(external_arrivals, routing, service_rates, servers)
    lam = np.linalg.solve(np.eye(gamma.size) - R.T, gamma)
    return [i for i in range(gamma.size) if lam[i] >= c[i] * mu[i] * (1 - 1e-12)]


def jackson_network(
    external_arrivals: Sequence[float],
    routing: Sequence[Sequence[float]],
    service_rates: Sequence[float],
    servers: Sequence[int],
) -> list[QueueMetrics]:
    """Each station of an open Jackson network as M/M/c at its total arrival rate (traffic equations).

    ``routing[i][j]`` is the probability a customer leaving station ``i`` goes to ``j``. A station
    whose total rate reaches ``c_i μ_i`` is unstable: ``ValueError`` naming it. The mean time in the
    network is ``Σ L_i / Σ γ_i`` (Little's law), with ``L_i = λ_i W_i``.

    >>> haircut, shampoo = jackson_network([1.0, 0.0], [[0, 1], [0, 0]], [2.0, 4.0], [1, 1])
    >>> haircut.mean_sojourn, round(shampoo.mean_sojourn, 6)  # 1/(μ − λ) at each
    (1.0, 0.333333)
    """
    gamma, R, mu, c = _network_inputs(external_arrivals, routing, service_rates, servers)
    lam = np.linalg.solve(np.eye(gamma.size) - R.T, gamma)
    out = []
    for i, (rate, service, k) in enumerate(zip(lam, mu, c, strict=True)):
        if rate >= k * service * (1 - 1e-12):
            raise ValueError(
                f"Station {i + 1} is unstable: its total arrival rate λ = {rate:.4g} (outside plus routed) "
                f"is at least c μ = {k * service:.4g}."
            )
        out.append(mmc_metrics(rate, service, int(k)) if rate > 0 else QueueMetrics(0.0, 0.0, 0.0, 0.0, 1 / service))
    return out


def network_sojourn(
    external_arrivals: Sequence[float],
    routing: Sequence[Sequence[float]],
    service_rates: Sequence[float],
    servers: Sequence[int],
) -> float:
    """Mean time a customer spends in the network: ``Σ λ_i W_i / Σ γ_i`` (Little's law on the whole network).

    >>> network_sojourn([1.0, 0.0], [[0, 1], [0, 0]], [2.0, 4.0], [1, 1])  # 1 + 1/3
    1.3333333333333333
    """
    stations = jackson_network(external_arrivals, routing, service_rates, servers)
    lam = traffic_equations(external_arrivals, routing)
    return float(sum(rate * m.mean_sojourn for rate, m in zip(lam, stations, strict=True)) / np.sum(external_arrivals))


@dataclass(frozen=True)
class NetworkSimulation:
    """Per-station intervals over replications, and the time in network by Little's law."""

    mean_in_system: list[MeanInterval]  # L_i, time average
    throughput: list[MeanInterval]  # λ_i, arrivals per unit time at each station
    mean_sojourn: list[MeanInterval]  # W_i = L_i / λ_i
    time_in_network: MeanInterval  # Σ L_i / Σ γ_i
    arrivals: int  # customers from outside after the warm-up, all replications


def simulate_network(
    external_arrivals: Sequence[float],
    routing: Sequence[Sequence[float]],
    service_rates: Sequence[float],
    servers: Sequence[int],
    n_customers: int,
    *,
    replications: int = 32,
    warmup: float = 0.1,
    seed: Seed = None,
) -> NetworkSimulation:
    """Simulate the network by uniformisation: a Poisson clock of rate ``Λ = Σ γ_i + Σ c_i μ_i``.

    Each tick is an outside arrival at station ``i`` (probability ``γ_i / Λ``) or a *possible*
    service completion at ``j`` (``c_j μ_j / Λ``), real with probability ``min(n_j, c_j) / c_j``;
    a served customer is routed by a draw from row ``j`` of ``routing``. No formula of Jackson's
    is used: the check against :func:`jackson_network` is a real one. ``R`` replications run side
    by side, from empty, the first ``warmup`` share dropped.
    """
    gamma, Rt, mu, c = _network_inputs(external_arrivals, routing, service_rates, servers)
    n = whole("n_customers", n_customers, 1, MAX_CUSTOMERS)
    reps = whole("replications", replications, 2, MAX_REPLICATIONS)
    if not 0 <= warmup < 1:
        raise ValueError(f"warmup must be a fraction in [0, 1), got {warmup:g}.")
    rng = _rng(seed)
    m = gamma.size
    rates = np.concatenate([gamma, c * mu])  # (2m,) event kinds: arrival at i, service at j
    total = rates.sum()
    cum_event = np.cumsum(rates) / total  # (2m,)
    cum_route = np.cumsum(Rt, axis=1)  # (m, m); beyond the last: leave
    ticks = math.ceil(max(BLOCK, n / reps / (gamma.sum() / total) / (1 - warmup)) / BLOCK) * BLOCK
    skip = int(warmup * ticks)

    level = np.zeros((reps, m), dtype=np.int64)
    rows = np.arange(reps)
    area = np.zeros((reps, m))  # Σ over kept ticks of n_i
    visits = np.zeros((reps, m), dtype=np.int64)  # arrivals to each station (outside or routed)
    outside = np.zeros(reps, dtype=np.int64)
    kept = 0
    for start in range(0, ticks, BLOCK):
        kind = np.searchsorted(cum_event, rng.random((BLOCK, reps)), side="right").clip(max=2 * m - 1)
        accept, where = rng.random((BLOCK, reps)), rng.random((BLOCK, reps))
        for k in range(BLOCK):
            if start + k >= skip:
                area += level
                kept += 1
            e = kind[k]
            arriving = e < m
            j = np.where(arriving, 0, e - m)  # the station that may finish a service
            busy = np.minimum(level[rows, j], c[j])
            served = ~arriving & (accept[k] * c[j] < busy)
            dest = (where[k][:, None] >= cum_route[j]).sum(axis=1)  # m = leaves the network
            level[rows, j] -= served
            target = np.where(arriving, e, dest)
            enters = arriving | (served & (dest < m))
            level[rows[enters], target[enters]] += 1
            if start + k >= skip:
                visits[rows[enters], target[enters]] += 1
                outside += arriving
    horizon = kept / total  # simulated time per replication after the warm-up
    L = area / kept  # (reps, m)
    lam = visits / horizon
    W = L / np.maximum(lam, 1e-300)
    return NetworkSimulation(
        mean_in_system=[replication_interval(L[:, i]) for i in range(m)],
        throughput=[replication_interval(lam[:, i]) for i in range(m)],
        mean_sojourn=[replication_interval(W[:, i]) for i in range(m)],
        time_in_network=replication_interval(L.sum(axis=1) / gamma.sum()),
        arrivals=int(outside.sum()),
    )
