"""G/G/c: renewal (phase-type) arrivals, mean-wait approximations by Kingman and Allen–Cunneen.

With arrival gaps of mean ``1/λ`` and SCV ``c_a²`` and service of mean ``E[S]`` and SCV ``c_s²``:

* Kingman (one server, exact in heavy traffic): ``W_q ≈ (c_a² + c_s²)/2 · ρ/(1 − ρ) · E[S]``;
* Allen–Cunneen (``c`` servers): ``W_q ≈ (c_a² + c_s²)/2 · W_q(M/M/c)``, Erlang C at the same λ and E[S].

Both are exact for M/M/c (``c_a² = c_s² = 1``) and Kingman for M/G/1 (``c_a² = 1``: Pollaczek–Khinchine).
"""

from __future__ import annotations

from lib.queueing._shared import MAX_SERVERS
from lib.queueing.formulas import _stable, mmc_metrics
from lib.queueing.phase_type import PhaseType
from lib.validation import whole


def kingman_wait(interarrival: PhaseType, service: PhaseType) -> float:
    """Kingman's G/G/1 mean wait in queue, ``(c_a² + c_s²)/2 · ρ/(1 − ρ) · E[S]``.

    >>> from lib.queueing import exponential
    >>> round(kingman_wait(exponential(0.5), exponential(1.0)), 6)  # M/M/1 at ρ = 1/2: exact
    1.0
    """
    rho = service.mean / interarrival.mean
    _stable(rho, "the G/G/1 queue")
    return (interarrival.scv + service.scv) / 2 * rho / (1 - rho) * service.mean


def allen_cunneen_wait(interarrival: PhaseType, service: PhaseType, servers: int = 1) -> float:
    """Allen–Cunneen's G/G/c mean wait in queue, ``(c_a² + c_s²)/2 · W_q(M/M/c)``; Kingman when c = 1.

    >>> from lib.queueing import exponential
    >>> round(allen_cunneen_wait(exponential(2.0), exponential(3.0), 2) * 24, 6)  # M/M/2: W_q = 1/24 hour
    1.0
    """
    c = whole("servers", servers, 1, MAX_SERVERS)
    _stable(service.mean / (c * interarrival.mean), f"the G/G/{c} queue")
    mmc = mmc_metrics(1 / interarrival.mean, 1 / service.mean, c)
    return (interarrival.scv + service.scv) / 2 * mmc.mean_wait
