"""Queue formulas: Pollaczek–Khinchine, Erlang C, M/M/c metrics, M/PH/1 waits, staffing."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from lib.queueing._shared import MAX_SERVERS, Seed, _rng
from lib.queueing.fits import fit_two_moments
from lib.queueing.phase_type import PhaseType
from lib.queueing.simulation import MeanInterval, batch_means_interval, simulate_queue
from lib.validation import positive, whole


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
    lam = positive("arrival_rate", arrival_rate)
    c = whole("servers", servers, 1, MAX_SERVERS)
    return lam * service.mean / c


def mg1_mean_wait(arrival_rate: float, service: PhaseType) -> float:
    """Pollaczek–Khinchine mean wait in queue of M/G/1: ``W_q = λ E[S²] / (2 (1 - ρ))``, ``ρ = λ E[S]``.

    Equivalently ``W_q = ρ E[S] (1 + SCV) / (2 (1 - ρ))``: at a fixed mean the wait grows
    linearly with the SCV of service.

    >>> from lib.queueing import exponential
    >>> round(mg1_mean_wait(0.5, exponential(1.0)), 6)  # M/M/1: ρ/(μ - λ)
    1.0
    """
    lam = positive("arrival_rate", arrival_rate)
    rho = lam * service.mean
    _stable(rho, "the M/G/1 queue")
    return lam * service.moment(2) / (2 * (1 - rho))


def mg1_wait_distribution(arrival_rate: float, service: PhaseType) -> PhaseType:
    """Waiting time in queue of M/PH/1 (FCFS), itself phase-type with an atom ``1 - ρ`` at 0.

    ``W ~ PH(α₊, S + s0 α₊)`` with ``α₊ = λ α (-S)^{-1}`` (so ``Σ α₊ = ρ``); Asmussen,
    *Applied Probability and Queues* (2003), Cor. VIII.5.8.
    """
    lam = positive("arrival_rate", arrival_rate)
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
    c = whole("servers", servers, 1, MAX_SERVERS)
    a = positive("offered_load", offered_load)
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
    lam = positive("arrival_rate", arrival_rate)
    mu = positive("service_rate", service_rate)
    c = whole("servers", servers, 1, MAX_SERVERS)
    a = lam / mu
    prob = erlang_c(c, a)
    wq = prob / (c * mu - lam)
    return QueueMetrics(a / c, prob, wq, lam * wq, wq + 1 / mu)


def mmc_wait_distribution(arrival_rate: float, service_rate: float, servers: int) -> PhaseType:
    """Waiting time in queue of M/M/c: an atom ``1 - C`` at 0, else ``Exp(cμ - λ)``."""
    m = mmc_metrics(arrival_rate, service_rate, servers)
    c = whole("servers", servers, 1, MAX_SERVERS)
    return PhaseType([m.prob_wait], [[-(c * service_rate - arrival_rate)]])


def mgc_mean_wait(arrival_rate: float, service: PhaseType, servers: int) -> float:
    """Mean wait in M/G/c: exact for c = 1 (P-K) or exponential service (Erlang C); otherwise the
    Lee–Longton approximation ``W_q(M/G/c) ≈ (1 + SCV)/2 · W_q(M/M/c)`` with the same mean."""
    c = whole("servers", servers, 1, MAX_SERVERS)
    if c == 1:
        return mg1_mean_wait(arrival_rate, service)
    mmc = mmc_metrics(arrival_rate, 1 / service.mean, c)
    return (1 + service.scv) / 2 * mmc.mean_wait


def mean_wait_from_moments(arrival_rate: float, mean: float, scv: float, servers: int = 1) -> float:
    """``W_q ≈ (1 + SCV)/2 · W_q(M/M/c)`` from the service mean and SCV alone.

    Exact for one server (it *is* Pollaczek–Khinchine: ``ρ m (1 + SCV) / (2 (1 - ρ))``) and for
    exponential service (SCV = 1, Erlang C); the Lee–Longton approximation otherwise.
    """
    mean = positive("mean", mean)
    scv = float(scv)
    if not math.isfinite(scv) or scv < 0:
        raise ValueError(f"scv must be a non-negative, finite number, got {scv:g}.")
    return (1 + scv) / 2 * mmc_metrics(arrival_rate, 1 / mean, servers).mean_wait


def min_servers(offered_load: float, max_prob_wait: float) -> int:
    """Smallest number of servers ``c > a`` with Erlang C ``P(wait) <= max_prob_wait``.

    >>> min_servers(10.0, 0.2)
    14
    """
    a = positive("offered_load", offered_load)
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
    lam = positive("arrival_rate", arrival_rate)
    c = whole("servers", servers, 1, MAX_SERVERS)
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
    lam = utilization * servers / positive("mean", mean)
    out = []
    for scv in scvs:
        service = fit_two_moments(mean, scv)
        waits = simulate_queue(lam, service, n_customers, servers, rng)
        out.append((float(scv), queue_theory(lam, service, servers).mean_wait, batch_means_interval(waits)))
    return out
