"""Finite capacity, impatience and networks: closed forms, the generator's null space, Ciw, simulation."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from lib import queueing as q


def generator_law(births: np.ndarray, deaths: np.ndarray) -> np.ndarray:
    """Stationary law of a birth–death chain from its generator: the null space of Qᵀ (a linear solve)."""
    N = births.size
    Q = np.zeros((N + 1, N + 1))
    Q[np.arange(N), np.arange(1, N + 1)] = births
    Q[np.arange(1, N + 1), np.arange(N)] = deaths
    Q -= np.diag(Q.sum(axis=1))
    M = Q.T.copy()
    M[-1] = 1.0
    b = np.zeros(N + 1)
    b[-1] = 1.0
    return np.linalg.solve(M, b)


# ---------------------------------------------------------------------------
# Erlang B and M/M/c/K against closed forms and the generator
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(("c", "a"), [(1, 0.5), (2, 1.0), (5, 3.0), (10, 12.0), (50, 40.0), (200, 250.0)])
def test_erlang_b_is_the_truncated_poisson(c: int, a: float) -> None:
    # B(c, a) = (a^c / c!) / Σ_{k≤c} a^k / k! = Poisson pmf(c) / cdf(c)
    assert q.erlang_b(c, a) == pytest.approx(stats.poisson.pmf(c, a) / stats.poisson.cdf(c, a), rel=1e-10)


def test_erlang_b_is_mmck_without_waiting_room() -> None:
    for c, a in [(1, 0.3), (3, 2.0), (8, 9.5)]:
        m = q.mmck_metrics(a, 1.0, c, c)
        assert m.blocking_probability == pytest.approx(q.erlang_b(c, a), rel=1e-12)
        assert m.mean_wait == 0.0
        assert m.prob_wait == 0.0


@pytest.mark.parametrize(("rho", "K"), [(0.5, 1), (0.8, 5), (1.0, 7), (1.5, 4), (3.0, 10)])
def test_mm1k_closed_form(rho: float, K: int) -> None:
    m = q.mmck_metrics(rho, 1.0, 1, K)
    if rho == 1.0:
        p_K, L = 1 / (K + 1), K / 2
    else:
        p_K = (1 - rho) * rho**K / (1 - rho ** (K + 1))
        L = rho / (1 - rho) - (K + 1) * rho ** (K + 1) / (1 - rho ** (K + 1))
    assert m.blocking_probability == pytest.approx(p_K, rel=1e-10)
    assert m.mean_in_system == pytest.approx(L, rel=1e-10)
    # Little's law with the admitted rate: W = L / λ_a
    assert m.mean_sojourn == pytest.approx(L / (rho * (1 - p_K)), rel=1e-10)
    assert m.utilization == pytest.approx(rho)


@settings(max_examples=40, deadline=None)
@given(
    lam=st.floats(0.05, 30.0),
    mu=st.floats(0.1, 5.0),
    c=st.integers(1, 12),
    extra=st.integers(0, 30),
)
def test_mmck_matches_the_generator_null_space(lam: float, mu: float, c: int, extra: int) -> None:
    K = c + extra
    n = np.arange(1, K + 1)
    exact = generator_law(np.full(K, lam), np.minimum(n, c) * mu)
    m = q.mmck_metrics(lam, mu, c, K)
    np.testing.assert_allclose(m.state_probabilities, exact, atol=1e-10)
    assert m.server_utilization <= 1 + 1e-12
    assert m.admitted_rate == pytest.approx(lam * (1 - exact[-1]), rel=1e-8, abs=1e-12)


def test_mmck_tends_to_mmc_as_the_room_grows() -> None:
    big, inf = q.mmck_metrics(2.0, 1.0, 3, 400), q.mmc_metrics(2.0, 1.0, 3)
    assert big.blocking_probability < 1e-60
    assert big.mean_wait == pytest.approx(inf.mean_wait, rel=1e-10)
    assert big.prob_wait == pytest.approx(inf.prob_wait, rel=1e-10)


def test_mmck_heavy_overload_does_not_overflow() -> None:
    m = q.mmck_metrics(1000.0, 1.0, 5, 2000)
    assert math.isfinite(m.mean_wait)
    assert m.blocking_probability == pytest.approx(1 - 5 / 1000, rel=1e-6)


@pytest.mark.parametrize(
    ("call", "fragment"),
    [
        (lambda: q.mmck_metrics(1.0, 1.0, 3, 2), "capacity"),
        (lambda: q.mmck_metrics(-1.0, 1.0, 1, 2), "arrival_rate"),
        (lambda: q.erlang_b(0, 1.0), "servers"),
        (lambda: q.erlang_a_metrics(1.0, 1.0, 1, 0.0), "abandonment_rate"),
        (lambda: q.erlang_a_metrics(1e6, 1.0, 1, 1e-3), "too small"),
    ],
)
def test_bad_arguments_raise_one_sentence(call, fragment: str) -> None:
    with pytest.raises(ValueError, match=fragment):
        call()


# ---------------------------------------------------------------------------
# Erlang A
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(("lam", "mu", "c", "theta"), [(10, 1, 10, 0.5), (3, 1, 2, 2.0), (20, 2, 8, 0.1)])
def test_erlang_a_matches_the_generator(lam: float, mu: float, c: int, theta: float) -> None:
    m = q.erlang_a_metrics(lam, mu, c, theta)
    N = m.state_probabilities.size - 1
    n = np.arange(1, N + 1)
    exact = generator_law(np.full(N, float(lam)), np.minimum(n, c) * mu + np.maximum(n - c, 0) * theta)
    np.testing.assert_allclose(m.state_probabilities, exact, atol=1e-12)
    assert exact[-1] < 1e-15  # the cut is where the tail is negligible
    # flow balance: what arrives is served or abandons
    served = np.minimum(np.arange(N + 1), c) @ exact * mu
    assert served + theta * m.mean_queue_length == pytest.approx(lam, rel=1e-9)


def test_erlang_a_with_patient_customers_tends_to_erlang_c() -> None:
    a, c = q.erlang_a_metrics(2.0, 1.0, 3, 1e-4), q.mmc_metrics(2.0, 1.0, 3)
    assert a.prob_wait == pytest.approx(c.prob_wait, rel=1e-3)
    assert a.mean_wait == pytest.approx(c.mean_wait, rel=1e-3)


# ---------------------------------------------------------------------------
# Simulation against the exact answers and against Ciw
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lam", "mu", "c", "K"), [(2.0, 1.0, 2, 5), (0.5, 1.0, 1, 3), (9.0, 1.0, 10, 10), (6.0, 1.0, 3, 8)]
)
def test_simulation_agrees_with_mmck(lam: float, mu: float, c: int, K: int) -> None:
    exact = q.mmck_metrics(lam, mu, c, K)
    sim = q.simulate_finite_queue(lam, mu, c, K, 400_000, seed=3)
    for name in ("blocking_probability", "prob_wait", "mean_wait", "mean_queue_length"):
        got = getattr(sim, name)
        assert abs(got.mean - getattr(exact, name)) < 0.02 * max(getattr(exact, name), 0.05), name
    np.testing.assert_allclose(sim.state_distribution, exact.state_probabilities, atol=0.01)
    assert sim.arrivals >= 400_000


def test_simulation_agrees_with_erlang_a() -> None:
    exact = q.erlang_a_metrics(10.0, 1.0, 10, 0.5)
    sim = q.simulate_finite_queue(10.0, 1.0, 10, 10 + 60, 400_000, abandonment_rate=0.5, seed=4)
    assert sim.prob_abandon.mean == pytest.approx(exact.prob_abandon, rel=0.03)
    assert sim.prob_wait.mean == pytest.approx(exact.prob_wait, rel=0.02)
    assert sim.mean_wait.mean == pytest.approx(exact.mean_wait, rel=0.03)


def test_simulation_is_reproducible_from_its_seed() -> None:
    a, b = (q.simulate_finite_queue(1.0, 1.0, 1, 4, 20_000, seed=9) for _ in range(2))
    assert a.blocking_probability == b.blocking_probability


def _ciw_records(network, horizon: float, warmup: float, seed: int) -> list:
    import ciw

    ciw.seed(seed)
    simulation = ciw.Simulation(network)
    simulation.simulate_until_max_time(horizon)
    return [r for r in simulation.get_all_records() if r.arrival_date > warmup]


def test_ciw_agrees_on_mmck_blocking_and_waits() -> None:
    ciw = pytest.importorskip("ciw")
    network = ciw.create_network(
        arrival_distributions=[ciw.dists.Exponential(rate=2.0)],
        service_distributions=[ciw.dists.Exponential(rate=1.0)],
        number_of_servers=[2],
        queue_capacities=[3],  # K = c + 3 = 5
    )
    records = _ciw_records(network, 20_000, 500, seed=1)
    served = [r for r in records if r.record_type == "service"]
    blocking = sum(r.record_type == "rejection" for r in records) / len(records)
    exact = q.mmck_metrics(2.0, 1.0, 2, 5)
    assert blocking == pytest.approx(exact.blocking_probability, abs=0.01)
    assert np.mean([r.waiting_time for r in served]) == pytest.approx(exact.mean_wait, rel=0.04)


def test_ciw_agrees_on_erlang_a_abandonment() -> None:
    ciw = pytest.importorskip("ciw")
    network = ciw.create_network(
        arrival_distributions=[ciw.dists.Exponential(rate=10.0)],
        service_distributions=[ciw.dists.Exponential(rate=1.0)],
        number_of_servers=[10],
        reneging_time_distributions=[ciw.dists.Exponential(rate=0.5)],
    )
    records = _ciw_records(network, 4_000, 200, seed=2)
    exact = q.erlang_a_metrics(10.0, 1.0, 10, 0.5)
    abandon = sum(r.record_type == "renege" for r in records) / len(records)
    assert abandon == pytest.approx(exact.prob_abandon, rel=0.06)
    assert np.mean([r.waiting_time for r in records]) == pytest.approx(exact.mean_wait, rel=0.06)


# ---------------------------------------------------------------------------
# Jackson networks
# ---------------------------------------------------------------------------

GAMMA = [1.0, 0.5, 0.0]
ROUTING = [[0.0, 0.5, 0.3], [0.2, 0.0, 0.5], [0.0, 0.1, 0.0]]
RATES, SERVERS = [3.0, 2.0, 2.5], [1, 2, 1]


def test_traffic_equations_are_their_fixed_point() -> None:
    lam = q.traffic_equations(GAMMA, ROUTING)
    np.testing.assert_allclose(lam, np.asarray(GAMMA) + np.asarray(ROUTING).T @ lam, rtol=1e-12)
    iterate = np.zeros(3)
    for _ in range(500):  # the series γ + Rᵀγ + (Rᵀ)²γ + …
        iterate = np.asarray(GAMMA) + np.asarray(ROUTING).T @ iterate
    np.testing.assert_allclose(lam, iterate, rtol=1e-10)


def test_jackson_stations_are_mmc_at_their_total_rate() -> None:
    lam = q.traffic_equations(GAMMA, ROUTING)
    for rate, mu, c, m in zip(lam, RATES, SERVERS, q.jackson_network(GAMMA, ROUTING, RATES, SERVERS), strict=True):
        assert m == q.mmc_metrics(rate, mu, c)
    # Little on the whole network: Σ λ_i W_i / Σ γ_i
    total = sum(
        r * m.mean_sojourn for r, m in zip(lam, q.jackson_network(GAMMA, ROUTING, RATES, SERVERS), strict=False)
    )
    assert q.network_sojourn(GAMMA, ROUTING, RATES, SERVERS) == pytest.approx(total / 1.5)


def test_tandem_is_two_mm1_queues() -> None:
    haircut, shampoo = q.jackson_network([0.8, 0.0], [[0, 1], [0, 0]], [1.0, 2.0], [1, 1])
    assert haircut.mean_sojourn == pytest.approx(1 / (1.0 - 0.8))
    assert shampoo.mean_sojourn == pytest.approx(1 / (2.0 - 0.8))


@pytest.mark.parametrize(
    ("routing", "rates", "fragment"),
    [
        ([[0, 1], [0, 0]], [0.5, 2.0], "Station 1 is unstable"),
        ([[0, 0.7], [0.5, 0.6]], [2.0, 2.0], "Row 2 of routing sums to 1.1"),
        ([[0, 1], [1, 0]], [2.0, 2.0], "never leave"),
        ([[0, -0.1], [0, 0]], [2.0, 2.0], "probability"),
        ([[0, 1]], [2.0, 2.0], "2 × 2"),
    ],
)
def test_bad_networks_raise_one_sentence(routing, rates, fragment: str) -> None:
    with pytest.raises(ValueError, match=fragment):
        q.jackson_network([0.8, 0.0], routing, rates, [1, 1])


def test_network_simulation_agrees_with_jackson() -> None:
    sim = q.simulate_network(GAMMA, ROUTING, RATES, SERVERS, 150_000, seed=5)
    lam = q.traffic_equations(GAMMA, ROUTING)
    for i, (rate, m) in enumerate(zip(lam, q.jackson_network(GAMMA, ROUTING, RATES, SERVERS), strict=True)):
        assert sim.throughput[i].mean == pytest.approx(rate, rel=0.02)
        assert sim.mean_in_system[i].mean == pytest.approx(rate * m.mean_sojourn, rel=0.05)
    assert sim.time_in_network.mean == pytest.approx(q.network_sojourn(GAMMA, ROUTING, RATES, SERVERS), rel=0.04)


def test_ciw_agrees_on_the_tandem() -> None:
    ciw = pytest.importorskip("ciw")
    network = ciw.create_network(
        arrival_distributions=[ciw.dists.Exponential(rate=0.8), None],
        service_distributions=[ciw.dists.Exponential(rate=1.2), ciw.dists.Exponential(rate=1.0)],
        number_of_servers=[1, 1],
        routing=[[0.0, 1.0], [0.0, 0.0]],
    )
    records = _ciw_records(network, 30_000, 1_000, seed=3)
    haircut, shampoo = q.jackson_network([0.8, 0.0], [[0, 1], [0, 0]], [1.2, 1.0], [1, 1])
    for node, exact in ((1, haircut), (2, shampoo)):
        waits = [r.waiting_time for r in records if r.node == node]
        assert np.mean(waits) == pytest.approx(exact.mean_wait, rel=0.1)


@pytest.mark.parametrize(("lam", "c"), [(2.7, 3), (0.1, 20), (40.0, 1), (25.0, 20)])
def test_blocking_by_capacity_is_mmck_at_every_room(lam: float, c: int) -> None:
    curve = q.blocking_by_capacity(lam, 1.0, c, 30)
    assert curve[0] == pytest.approx(q.erlang_b(c, lam), rel=1e-10)
    for room in (0, 1, 7, 30):
        assert curve[room] == pytest.approx(q.mmck_metrics(lam, 1.0, c, c + room).blocking_probability, rel=1e-9)


# ---------------------------------------------------------------------------
# G/G/c: phase-type arrivals, Kingman and Allen–Cunneen
# ---------------------------------------------------------------------------


def gi_m_1_wait(k: int, lam: float, mu: float) -> float:
    """Exact E_k/M/1 mean wait: W_q = σ / (μ (1 − σ)), σ the root in (0, 1) of σ = A*(μ(1 − σ))."""
    from scipy.optimize import brentq

    def lst(s: float) -> float:
        return (k * lam / (k * lam + s)) ** k

    sigma = brentq(lambda x: lst(mu * (1 - x)) - x, 1e-12, 1 - 1e-12)
    return sigma / (mu * (1 - sigma))


@pytest.mark.parametrize(("k", "rho"), [(2, 0.7), (4, 0.8), (1, 0.6)])
def test_gg_simulation_matches_the_exact_ek_m_1_wait(k: int, rho: float) -> None:
    waits = q.simulate_gg_queue(q.erlang(k, k * rho), q.exponential(1.0), 400_000, seed=6)
    exact = gi_m_1_wait(k, rho, 1.0)
    assert q.batch_means_interval(waits).mean == pytest.approx(exact, rel=0.05)
    # Kingman over-estimates here and is exact at k = 1 (M/M/1)
    kingman = q.kingman_wait(q.erlang(k, k * rho), q.exponential(1.0))
    assert kingman == pytest.approx(exact) if k == 1 else kingman > exact


def test_kingman_is_pollaczek_khinchine_for_poisson_arrivals() -> None:
    service = q.coxian([3.0, 2.0, 4.0], [0.6, 0.5])
    lam = 0.8 / service.mean
    assert q.kingman_wait(q.exponential(lam), service) == pytest.approx(q.mg1_mean_wait(lam, service), rel=1e-10)


@pytest.mark.parametrize("c", [1, 2, 5])
def test_allen_cunneen_is_erlang_c_for_mmc(c: int) -> None:
    lam = 0.85 * c
    got = q.allen_cunneen_wait(q.exponential(lam), q.exponential(1.0), c)
    assert got == pytest.approx(q.mmc_metrics(lam, 1.0, c).mean_wait, rel=1e-10)


def test_allen_cunneen_is_close_in_heavy_traffic() -> None:
    arrivals, service = q.fit_two_moments(1 / 1.8, 2.0), q.fit_two_moments(1.0, 0.5)
    waits = q.simulate_gg_queue(arrivals, service, 400_000, servers=2, seed=7)
    assert q.batch_means_interval(waits).mean == pytest.approx(q.allen_cunneen_wait(arrivals, service, 2), rel=0.1)


def test_ciw_agrees_on_an_erlang_arrival_queue() -> None:
    ciw = pytest.importorskip("ciw")
    network = ciw.create_network(
        arrival_distributions=[ciw.dists.Erlang(rate=2 * 0.7, num_phases=2)],
        service_distributions=[ciw.dists.Exponential(rate=1.0)],
        number_of_servers=[1],
    )
    records = _ciw_records(network, 40_000, 1_000, seed=4)
    ours = q.batch_means_interval(q.simulate_gg_queue(q.erlang(2, 1.4), q.exponential(1.0), 200_000, seed=8)).mean
    theirs = float(np.mean([r.waiting_time for r in records]))
    assert theirs == pytest.approx(gi_m_1_wait(2, 0.7, 1.0), rel=0.08)
    assert ours == pytest.approx(theirs, rel=0.1)
