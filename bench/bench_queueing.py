"""Queueing page: M/M/1 simulation throughput against Ciw, and the page's rerun time after a slider move."""

from __future__ import annotations

from bench.common import Result, compare, page_rerun
from lib.queueing import exponential, simulate_finite_queue, simulate_queue

PAGE = "pages/queueing_distributions.py"
CUSTOMERS = 20_000  # Ciw's share of the bench stays short: about a second per run
ARRIVAL_RATE, SERVICE_RATE = 0.8, 1.0  # ρ = 0.8


def _ciw_mm1_waits(n_customers: int, seed: int) -> list[float]:
    """The same M/M/1 queue in Ciw, run until n_customers have been served; their waits in queue."""
    import ciw

    network = ciw.create_network(
        arrival_distributions=[ciw.dists.Exponential(rate=ARRIVAL_RATE)],
        service_distributions=[ciw.dists.Exponential(rate=SERVICE_RATE)],
        number_of_servers=[1],
    )
    ciw.seed(seed)
    simulation = ciw.Simulation(network)
    simulation.simulate_until_max_customers(n_customers, method="Finish")
    return [record.waiting_time for record in simulation.get_all_records()]


def mm1_throughput_vs_ciw(repeats: int) -> Result:
    service = exponential(SERVICE_RATE)
    ours_s, anchor_s = compare(
        lambda: simulate_queue(ARRIVAL_RATE, service, CUSTOMERS, seed=1),
        lambda: _ciw_mm1_waits(CUSTOMERS, seed=1),
        repeats,
    )
    what = (
        f"M/M/1 at ρ = 0.8, {CUSTOMERS:,} customers: simulate_queue {CUSTOMERS / ours_s:,.0f} customers/s, "
        f"Ciw {CUSTOMERS / anchor_s:,.0f} customers/s"
    )
    return Result(what, ours_s, "Ciw 3 (same queue, same customers)", anchor_s)


MMCK = {"arrival_rate": 2.7, "service_rate": 1.0, "servers": 3, "capacity": 10}  # offered ρ = 0.9
MMCK_OURS = 1_000_000  # ours runs 50× the customers: its fixed costs vanish, Ciw's rate does not change


def _ciw_mmck_blocking(n_customers: int, seed: int) -> float:
    """The same M/M/3/10 in Ciw (7 waiting places), until n_customers have arrived; the share blocked."""
    import ciw

    network = ciw.create_network(
        arrival_distributions=[ciw.dists.Exponential(rate=MMCK["arrival_rate"])],
        service_distributions=[ciw.dists.Exponential(rate=MMCK["service_rate"])],
        number_of_servers=[MMCK["servers"]],
        queue_capacities=[MMCK["capacity"] - MMCK["servers"]],
    )
    ciw.seed(seed)
    simulation = ciw.Simulation(network)
    simulation.simulate_until_max_time(n_customers / MMCK["arrival_rate"])
    records = simulation.get_all_records()
    return sum(r.record_type == "rejection" for r in records) / len(records)


def mmck_throughput_vs_ciw(repeats: int) -> Result:
    ours_s, anchor_s = compare(
        lambda: simulate_finite_queue(**MMCK, n_customers=MMCK_OURS, seed=1),
        lambda: _ciw_mmck_blocking(CUSTOMERS, seed=1),
        repeats,
    )
    per_anchor = ours_s * CUSTOMERS / MMCK_OURS  # ours, scaled to Ciw's number of customers
    what = (
        f"M/M/3/10 at ρ = 0.9: simulate_finite_queue {MMCK_OURS / ours_s:,.0f} customers/s "
        f"({MMCK_OURS:,} customers, 64 replications), Ciw {CUSTOMERS / anchor_s:,.0f} customers/s "
        f"({CUSTOMERS:,}); times per {CUSTOMERS:,} customers"
    )
    return Result(what, per_anchor, "Ciw 3 (same M/M/c/K)", anchor_s)


def rerun_after_utilisation_slider(repeats: int) -> Result:
    what = "Queueing page rerun after moving 'Utilisation ρ' (every value seen before: cached)"
    return page_rerun(PAGE, "q_rho", [0.81, 0.82, 0.83, 0.84], what, repeats, warm_all=True)


def rerun_after_new_utilisation(repeats: int) -> Result:
    # A new ρ misses the caches: 100,000-customer simulation, theory, the SCV sweep, staffing check, charts.
    values = [round(0.60 + 0.01 * i, 2) for i in range(repeats + 2)]
    what = "Queueing page rerun after a new 'Utilisation ρ' (uncached: 100,000 customers + 5 sweeps)"
    return page_rerun(PAGE, "q_rho", values, what, repeats)


def rerun_after_convolution_slider(repeats: int) -> Result:
    values = [round(2.0 + 0.1 * i, 1) for i in range(repeats + 2)]
    what = "Queueing page rerun after a new 'μ₁' (uncached: 40 quad integrals)"
    return page_rerun(PAGE, "q_mu1", values, what, repeats)


def rerun_after_finite_slider(repeats: int) -> Result:
    what = "Queueing page rerun after moving 'Offered load a' in section 5 (every value seen before: cached)"
    return page_rerun(PAGE, "q_fin_load", [2.5, 2.6, 2.7, 2.8], what, repeats, warm_all=True)


BENCHMARKS = [
    mm1_throughput_vs_ciw,
    mmck_throughput_vs_ciw,
    rerun_after_utilisation_slider,
    rerun_after_new_utilisation,
    rerun_after_convolution_slider,
    rerun_after_finite_slider,
]
