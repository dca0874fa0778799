"""lib.queueing against scipy.stats, closed forms, Ciw, textbook queues and simulation."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate, stats

from lib import queueing as q

rate_st = st.floats(min_value=0.2, max_value=8.0)

# ---------------------------------------------------------------------------
# Distributions against scipy.stats and closed forms
# ---------------------------------------------------------------------------


def test_exponential_matches_scipy_expon() -> None:
    ph, ref = q.exponential(2.5), stats.expon(scale=1 / 2.5)
    x = np.linspace(0, 4, 41)
    np.testing.assert_allclose(ph.pdf(x), ref.pdf(x), rtol=1e-12)
    np.testing.assert_allclose(ph.cdf(x), ref.cdf(x), rtol=1e-12, atol=1e-15)
    for k in (1, 2, 3):
        assert ph.moment(k) == pytest.approx(ref.moment(k), rel=1e-12)
    assert ph.scv == pytest.approx(1.0)


@pytest.mark.parametrize(("k", "rate"), [(1, 1.0), (2, 3.0), (5, 0.7), (12, 4.0)])
def test_erlang_and_equal_rate_hypoexponential_match_scipy_gamma(k: int, rate: float) -> None:
    ref = stats.gamma(a=k, scale=1 / rate)
    x = np.linspace(0, 3 * k / rate, 50)
    for ph in (q.erlang(k, rate), q.hypoexponential([rate] * k)):
        np.testing.assert_allclose(ph.pdf(x), ref.pdf(x), rtol=1e-8, atol=1e-12)
        np.testing.assert_allclose(ph.cdf(x), ref.cdf(x), rtol=1e-8, atol=1e-12)
        assert ph.mean == pytest.approx(ref.mean(), rel=1e-12)
        assert ph.variance == pytest.approx(ref.var(), rel=1e-10)
        assert ph.moment(3) == pytest.approx(ref.moment(3), rel=1e-10)
        assert ph.scv == pytest.approx(1 / k)


@given(rate_st, rate_st)
@settings(max_examples=40, deadline=None)
def test_two_rate_hypoexponential_pdf_is_the_closed_form(m1: float, m2: float) -> None:
    x = np.linspace(0, 5, 30)
    if abs(m1 - m2) > 1e-3:
        closed = m1 * m2 / (m2 - m1) * (np.exp(-m1 * x) - np.exp(-m2 * x))
    else:
        closed = m1 * m1 * x * np.exp(-m1 * x)
    np.testing.assert_allclose(q.hypoexponential2_pdf(x, m1, m2), closed, rtol=1e-6, atol=1e-12)
    np.testing.assert_allclose(q.hypoexponential([m1, m2]).pdf(x), q.hypoexponential2_pdf(x, m1, m2), atol=1e-10)


def test_the_notes_convolution_integral_matches_the_closed_form() -> None:
    x = np.linspace(0, 6, 25)
    for m1, m2 in ((2.0, 3.0), (1.5, 1.5), (0.3, 7.0)):
        conv = q.convolve_exponentials(x, m1, m2)
        np.testing.assert_allclose(conv.value, q.hypoexponential2_pdf(x, m1, m2), atol=1e-12)
        assert np.all(conv.abs_error < 1e-7)


def test_hyperexponential_moments_are_the_mixture_formula() -> None:
    p, mu = np.array([0.2, 0.1, 0.6, 0.1]), np.array([9.0, 5.0, 6.0, 1.0])
    ph = q.hyperexponential(p, mu)
    for k in (1, 2, 3):
        assert ph.moment(k) == pytest.approx(math.factorial(k) * np.sum(p / mu**k), rel=1e-12)
    x = np.linspace(0, 3, 20)
    np.testing.assert_allclose(ph.pdf(x), (p * mu * np.exp(-np.outer(x, mu))).sum(axis=1), rtol=1e-10)
    assert ph.scv > 1  # mixtures of exponentials are more variable than one exponential


def test_coxian_is_a_mixture_of_hypoexponentials() -> None:
    # Coxian(μ1, μ2, μ3; p1, p2) = (1-p1) Exp(μ1) + p1 (1-p2) Hypo(μ1, μ2) + p1 p2 Hypo(μ1, μ2, μ3).
    rates, cont = [3.0, 2.0, 4.0], [0.6, 0.5]
    ph = q.coxian(rates, cont)
    parts = [
        (0.4, q.exponential(3.0)),
        (0.6 * 0.5, q.hypoexponential([3.0, 2.0])),
        (0.6 * 0.5, q.hypoexponential(rates)),
    ]
    x = np.linspace(0, 4, 30)
    np.testing.assert_allclose(ph.pdf(x), sum(w * d.pdf(x) for w, d in parts), rtol=1e-10, atol=1e-14)
    for k in (1, 2, 3):
        assert ph.moment(k) == pytest.approx(sum(w * d.moment(k) for w, d in parts), rel=1e-12)


def test_phase_type_matrix_formulas_by_hand() -> None:
    alpha = np.array([0.7, 0.2, 0.1])
    S = np.array([[-6.0, 2.0, 0.0], [0.0, -3.0, 3.0], [1.0, 0.0, -5.0]])
    ph = q.PhaseType(alpha, S)
    s0 = -S.sum(axis=1)
    inv = np.linalg.inv(-S)
    assert ph.moment(1) == pytest.approx(alpha @ inv @ np.ones(3))
    assert ph.moment(3) == pytest.approx(6 * alpha @ inv @ inv @ inv @ np.ones(3))
    from scipy.linalg import expm

    for x in (0.0, 0.3, 1.7):
        assert ph.pdf(x) == pytest.approx(alpha @ expm(S * x) @ s0, rel=1e-12)
        assert ph.cdf(x) == pytest.approx(1 - alpha @ expm(S * x) @ np.ones(3), abs=1e-14)
    # The density is the derivative of the cdf.
    x = np.linspace(0.1, 2, 10)
    h = 1e-6
    np.testing.assert_allclose((ph.cdf(x + h) - ph.cdf(x - h)) / (2 * h), ph.pdf(x), rtol=1e-6)


def _pdf_on_grid(ph: q.PhaseType) -> tuple[np.ndarray, np.ndarray]:
    """The pdf on a fine grid out to where less than 1e-12 of the mass is left."""
    slowest = (-np.diag(ph.S)).min()
    x = 30 / slowest * ph.n_phases * np.linspace(0, 1, 6_001) ** 2  # dense near 0, where fast phases live
    assert ph.sf(x[-1]) < 1e-12
    return x, ph.pdf(x)


@given(
    st.lists(rate_st, min_size=1, max_size=5),
    st.lists(st.floats(min_value=0.0, max_value=1.0), min_size=4, max_size=4),
)
@settings(max_examples=30, deadline=None)
def test_coxian_pdf_integrates_to_one_and_to_its_moments(rates: list[float], cont: list[float]) -> None:
    ph = q.coxian(rates, cont[: len(rates) - 1])
    x, density = _pdf_on_grid(ph)
    assert integrate.simpson(density, x=x) == pytest.approx(1.0, abs=1e-6)
    assert integrate.simpson(x * density, x=x) == pytest.approx(ph.mean, rel=1e-5)


@given(st.lists(st.tuples(st.floats(min_value=0.05, max_value=1.0), rate_st), min_size=1, max_size=4))
@settings(max_examples=30, deadline=None)
def test_hyperexponential_pdf_integrates_to_one(parts: list[tuple[float, float]]) -> None:
    w = np.array([p for p, _ in parts])
    ph = q.hyperexponential(w / w.sum(), [r for _, r in parts])
    x, density = _pdf_on_grid(ph)
    assert integrate.simpson(density, x=x) == pytest.approx(1.0, abs=1e-6)
    assert ph.cdf(1e6) == pytest.approx(1.0)


# ---------------------------------------------------------------------------
# Ciw's documented examples (docs/Guides/Distributions/phasetype.rst), exit -> continue
# ---------------------------------------------------------------------------

# Mean and variance as ciw 3.2.7 computes them for the examples in its phase-type guide.
CIW_COXIAN = (0.5841666666666666, 0.3710270833333334)  # Coxian(rates=[5, 2, 3, 7], probs=[0.5, 0.3, 0.65, 1])
CIW_HYPER = (0.24222222222222223, 0.1876)  # HyperExponential(rates=[9, 5, 6, 1], probs=[0.2, 0.1, 0.6, 0.1])
CIW_PHASE = (0.4071428571428571, 0.18780612244897948)  # PhaseType([.7, .2, .1, 0], 4x4 absorbing matrix)


def test_ciw_documented_examples_by_their_moments() -> None:
    exit_probs = [0.5, 0.3, 0.65, 1.0]
    cox = q.coxian([5, 2, 3, 7], [1 - p for p in exit_probs[:-1]])
    hyper = q.hyperexponential([0.2, 0.1, 0.6, 0.1], [9, 5, 6, 1])
    general = q.PhaseType([0.7, 0.2, 0.1], [[-6, 2, 0], [0, -3, 3], [1, 0, -5]])
    for ph, (mean, var) in ((cox, CIW_COXIAN), (hyper, CIW_HYPER), (general, CIW_PHASE)):
        assert ph.mean == pytest.approx(mean, rel=1e-12)
        assert ph.variance == pytest.approx(var, rel=1e-12)


def test_ciw_itself_agrees_when_installed() -> None:
    ciw = pytest.importorskip("ciw")
    cox = ciw.dists.Coxian(rates=[5, 2, 3, 7], probs=[0.5, 0.3, 0.65, 1])
    ours = q.coxian([5, 2, 3, 7], [0.5, 0.7, 0.35])
    assert ours.mean == pytest.approx(cox.mean, rel=1e-12)
    assert ours.variance == pytest.approx(cox.variance, rel=1e-12)


# ---------------------------------------------------------------------------
# Sampling: the phase walk against the closed form
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "ph",
    [
        q.exponential(2.0),
        q.erlang(4, 3.0),
        q.hypoexponential([1.0, 4.0, 2.0]),
        q.hyperexponential([0.3, 0.7], [0.5, 4.0]),
        q.coxian([3.0, 2.0, 4.0], [0.6, 0.5]),
        q.PhaseType([0.7, 0.2, 0.1], [[-6, 2, 0], [0, -3, 3], [1, 0, -5]]),
    ],
    ids=["exp", "erlang", "hypo", "hyper", "coxian", "general"],
)
def test_samples_follow_the_distribution(ph: q.PhaseType) -> None:
    x = ph.sample(40_000, seed=3)
    assert stats.kstest(x, ph.cdf).pvalue > 1e-3
    se = math.sqrt(ph.variance / x.size)
    assert abs(x.mean() - ph.mean) < 4 * se
    np.testing.assert_array_equal(x, ph.sample(40_000, seed=3))


def test_an_atom_at_zero_is_sampled() -> None:
    ph = q.PhaseType([0.4], [[-1.0]])
    x = ph.sample(20_000, seed=1)
    assert abs((x == 0).mean() - 0.6) < 0.02
    assert ph.cdf(0.0) == pytest.approx(0.6)


# ---------------------------------------------------------------------------
# Moment matching
# ---------------------------------------------------------------------------


@given(st.floats(min_value=0.1, max_value=10), st.floats(min_value=0.5, max_value=20))
@settings(max_examples=40, deadline=None)
def test_fit_coxian2_matches_mean_and_scv(mean: float, scv: float) -> None:
    ph = q.fit_coxian2(mean, scv)
    assert ph.n_phases == 2
    assert ph.mean == pytest.approx(mean, rel=1e-9)
    assert ph.scv == pytest.approx(scv, rel=1e-9)


@given(st.floats(min_value=0.1, max_value=10), st.floats(min_value=1 / 30, max_value=20))
@settings(max_examples=60, deadline=None)
def test_fit_two_moments_uses_the_fewest_phases(mean: float, scv: float) -> None:
    ph = q.fit_two_moments(mean, scv)
    assert ph.mean == pytest.approx(mean, rel=1e-9)
    assert ph.scv == pytest.approx(scv, rel=1e-7, abs=1e-9)
    assert ph.n_phases == (q.min_phases(scv) if scv < 1 else (1 if scv == 1 else 2))


def test_feasibility_region_is_scv_at_least_one_over_n() -> None:
    assert [q.min_phases(s) for s in (1.0, 0.5, 0.49, 1 / 3, 0.2, 2.0)] == [1, 2, 3, 3, 5, 1]
    assert q.fit_two_moments(2.0, 0.25).scv == pytest.approx(0.25)  # Erlang-4 exactly
    with pytest.raises(ValueError, match="scv ≥ 1/2"):
        q.fit_coxian2(1.0, 0.4)


# ---------------------------------------------------------------------------
# Queue formulas against textbook values
# ---------------------------------------------------------------------------


def test_county_hospital_mm1_and_mm2() -> None:
    # Hillier & Lieberman, Introduction to Operations Research (9th ed.), §17.6, County Hospital
    # emergency room: λ = 2/h, μ = 3/h. One doctor: Lq = 4/3, Wq = 2/3 h, W = 1 h.
    # Two doctors: P0 = 1/2, Lq = 1/12, Wq = 1/24 h, W = 3/8 h.
    one = q.mmc_metrics(2.0, 3.0, 1)
    assert (one.mean_queue_length, one.mean_wait, one.mean_sojourn) == pytest.approx((4 / 3, 2 / 3, 1.0))
    assert one.prob_wait == pytest.approx(2 / 3)  # M/M/1: P(wait) = ρ
    two = q.mmc_metrics(2.0, 3.0, 2)
    assert (two.mean_queue_length, two.mean_wait, two.mean_sojourn) == pytest.approx((1 / 12, 1 / 24, 3 / 8))
    assert two.utilization == pytest.approx(1 / 3)


def test_erlang_c_against_the_direct_sum_and_a_table_value() -> None:
    def direct(c: int, a: float) -> float:
        top = a**c / math.factorial(c) * c / (c - a)
        return top / (sum(a**k / math.factorial(k) for k in range(c)) + top)

    for c, a in ((1, 0.5), (2, 1.0), (5, 4.2), (11, 10.0), (30, 25.0)):
        assert q.erlang_c(c, a) == pytest.approx(direct(c, a), rel=1e-12)
    # The commonly tabulated Erlang C value for a = 10 Erlangs, c = 11 servers: 0.682 (the direct sum is the oracle).
    assert q.erlang_c(11, 10.0) == pytest.approx(0.682, abs=5e-4)
    # Large systems stay finite (no factorial overflow).
    assert 0 < q.erlang_c(900, 880.0) < 1


def test_staffing_is_the_smallest_c_meeting_the_target() -> None:
    for a, target in ((10.0, 0.2), (2.5, 0.5), (0.3, 0.05), (50.0, 0.1)):
        c = q.min_servers(a, target)
        assert q.erlang_c(c, a) <= target
        assert c - 1 <= a or q.erlang_c(c - 1, a) > target


def test_pollaczek_khinchine_textbook_cases() -> None:
    # Kleinrock, Queueing Systems Vol. I (1975), eq. 5.106: Wq = ρ x̄ (1 + Cb²) / (2 (1 - ρ)).
    lam, mu = 0.8, 1.0
    assert q.mg1_mean_wait(lam, q.exponential(mu)) == pytest.approx(lam / (mu * (mu - lam)))  # M/M/1: 4
    # Erlang-k service halves the M/M/1 wait as k -> ∞ (M/D/1: ρ/(2μ(1-ρ)) = 2); Erlang-50 is within 2%.
    assert q.mg1_mean_wait(lam, q.erlang(50, 50.0)) == pytest.approx(0.8 * 1.0 * (1 + 1 / 50) / (2 * 0.2), rel=1e-12)
    ph = q.hyperexponential([0.3, 0.7], [0.5, 4.0])
    rho = lam * ph.mean
    assert q.mg1_mean_wait(lam, ph) == pytest.approx(rho * ph.mean * (1 + ph.scv) / (2 * (1 - rho)))


def test_mph1_wait_distribution_has_the_pk_mean_and_atom() -> None:
    lam, ph = 0.6, q.coxian([3.0, 1.0], [0.5])
    wait = q.mg1_wait_distribution(lam, ph)
    assert wait.atom == pytest.approx(1 - lam * ph.mean)
    assert wait.mean == pytest.approx(q.mg1_mean_wait(lam, ph), rel=1e-12)
    # For exponential service it is M/M/1's: P(W > t) = ρ e^{-(μ - λ) t}.
    mm1 = q.mg1_wait_distribution(0.5, q.exponential(2.0))
    t = np.linspace(0, 5, 11)
    np.testing.assert_allclose(mm1.sf(t), 0.25 * np.exp(-1.5 * t), rtol=1e-10)
    np.testing.assert_allclose(q.mmc_wait_distribution(0.5, 2.0, 1).sf(t), mm1.sf(t), rtol=1e-10)


def test_mgc_mean_wait_is_exact_where_it_can_be() -> None:
    ph = q.coxian([3.0, 1.0], [0.5])
    assert q.mgc_mean_wait(0.7, ph, 1) == pytest.approx(q.mg1_mean_wait(0.7, ph))
    assert q.mgc_mean_wait(1.5, q.exponential(1.0), 2) == pytest.approx(q.mmc_metrics(1.5, 1.0, 2).mean_wait)


# ---------------------------------------------------------------------------
# Simulation against theory (fixed seeds, batch-means 99% intervals)
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("servers", "service"),
    [
        (1, q.exponential(1.0)),
        (1, q.coxian([2.0, 0.8], [0.4])),
        (1, q.erlang(3, 3.0)),
        (3, q.exponential(1.0)),
    ],
    ids=["M/M/1", "M/Cox2/1", "M/E3/1", "M/M/3"],
)
def test_simulated_mean_wait_agrees_with_theory(servers: int, service: q.PhaseType) -> None:
    lam = 0.7 * servers / service.mean
    waits = q.simulate_queue(lam, service, 200_000, servers=servers, seed=11)
    theory = q.mgc_mean_wait(lam, service, servers)
    interval = q.batch_means_interval(waits, level=0.99, n_batches=30)
    assert interval.covers(theory), (interval, theory)
    assert interval.high - interval.low < 0.25 * theory  # the interval is informative, not vacuous


def test_simulated_wait_distribution_matches_mph1() -> None:
    lam, ph = 0.5, q.hyperexponential([0.4, 0.6], [0.8, 3.0])
    waits = q.simulate_queue(lam, ph, 200_000, seed=5)[20_000:]
    exact = q.mg1_wait_distribution(lam, ph)
    assert abs((waits == 0).mean() - exact.atom) < 0.01
    for t in (0.5, 1.0, 3.0):
        assert abs((waits <= t).mean() - exact.cdf(t)) < 0.015


def test_simulated_prob_wait_matches_erlang_c() -> None:
    waits = q.simulate_queue(4.0, q.exponential(1.0), 200_000, servers=5, seed=2)[20_000:]
    assert abs((waits > 0).mean() - q.erlang_c(5, 4.0)) < 0.015


def test_lindley_vectorised_equals_the_plain_recursion() -> None:
    rng = np.random.default_rng(9)
    ph = q.hypoexponential([2.0, 3.0])
    waits = q.simulate_queue(1.1, ph, 2_000, seed=rng)
    rng = np.random.default_rng(9)
    gaps, work = rng.standard_exponential(2_000) / 1.1, ph.sample(2_000, rng)
    expected = [0.0]
    for n in range(1, 2_000):
        expected.append(max(0.0, expected[-1] + work[n - 1] - gaps[n]))
    np.testing.assert_allclose(waits, expected, atol=1e-12)
    # Arrivals far apart never wait, on either path.
    assert np.all(q.simulate_queue(1e-9, ph, 50, servers=1, seed=1) == 0)
    assert np.all(q.simulate_queue(1e-9, ph, 50, servers=2, seed=1) == 0)


def test_unstable_queue_waits_grow() -> None:
    waits = q.simulate_queue(1.2, q.exponential(1.0), 20_000, seed=0)
    assert waits[-2_000:].mean() > 10 * waits[:2_000].mean()


# ---------------------------------------------------------------------------
# Bad input: one clear ValueError
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "fragment"),
    [
        (lambda: q.exponential(-1.0), "rate must be a positive"),
        (lambda: q.exponential(float("nan")), "rate must be a positive"),
        (lambda: q.hypoexponential([1.0, 0.0]), "positive, finite rate"),
        (lambda: q.hypoexponential([]), "non-empty"),
        (lambda: q.hyperexponential([0.5, 0.6], [1.0, 2.0]), "must sum to 1"),
        (lambda: q.hyperexponential([1.2, -0.2], [1.0, 2.0]), "probability in \\[0, 1\\]"),
        (lambda: q.hyperexponential([1.0], [1.0, 2.0]), "same length"),
        (lambda: q.coxian([1.0, 2.0], [1.5]), "probability in \\[0, 1\\]"),
        (lambda: q.coxian([1.0, 2.0], [0.5, 0.5]), "one probability fewer"),
        (lambda: q.erlang(0, 1.0), "whole number"),
        (lambda: q.PhaseType([0.6, 0.6], [[-1, 0], [0, -1]]), "sum to at most 1"),
        (lambda: q.PhaseType([1.0], [[1.0]]), "negative diagonal"),
        (lambda: q.PhaseType([1.0, 0.0], [[-1, 2], [0, -1]]), "at most 0"),
        (lambda: q.PhaseType([1.0, 0.0], [[-1, 1], [1, -1]]), "reach absorption"),
        (lambda: q.PhaseType([1.0, 0.0], [[-1, 0]]), "square"),
        (lambda: q.mg1_mean_wait(1.0, q.exponential(1.0)), "grows without bound"),
        (lambda: q.mg1_mean_wait(2.0, q.exponential(1.0)), "grows without bound"),
        (lambda: q.erlang_c(2, 2.5), "grows without bound"),
        (lambda: q.mmc_metrics(1.0, 0.0, 1), "service_rate must be a positive"),
        (lambda: q.min_servers(3.0, 0.0), "max_prob_wait"),
        (lambda: q.simulate_queue(1.0, q.exponential(1.0), 0), "n_customers"),
        (lambda: q.simulate_queue(1.0, q.exponential(1.0), 10, servers=0), "servers"),
        (lambda: q.fit_two_moments(1.0, 0.0), "scv must be a positive"),
        (lambda: q.fit_two_moments(1.0, 0.001), "at least 1/60"),
        (lambda: q.parse_vector("1, x", "rates"), "numbers separated"),
        (lambda: q.parse_vector("  ", "rates"), "at least one number"),
        (lambda: q.parse_matrix("-1 0; 1", "S"), "square"),
        (lambda: q.read_service_times(b"x\n1\nfoo\n"), "numbers only"),
        (lambda: q.read_service_times(b"x\n1\n-1\n"), "must be ≥ 0"),
        (lambda: q.sample_moments([3.0, 3.0]), "all equal"),
    ],
)
def test_bad_input_gives_one_clear_sentence(call, fragment: str) -> None:
    with pytest.raises(ValueError, match=fragment) as info:
        call()
    message = str(info.value)
    assert message.count(". ") == 0, message
    assert message.endswith("."), message


# ---------------------------------------------------------------------------
# Helpers the page calls
# ---------------------------------------------------------------------------


def test_mean_wait_from_moments_is_pk_for_one_server_and_erlang_c_for_exponential() -> None:
    ph = q.coxian([3.0, 1.0], [0.5])
    assert q.mean_wait_from_moments(0.6, ph.mean, ph.scv, 1) == pytest.approx(q.mg1_mean_wait(0.6, ph), rel=1e-12)
    assert q.mean_wait_from_moments(2.5, 1.0, 1.0, 3) == pytest.approx(q.mmc_metrics(2.5, 1.0, 3).mean_wait)


def test_queue_theory_says_when_it_is_exact() -> None:
    one = q.queue_theory(0.5, q.erlang(2, 2.0), 1)
    assert one.exact
    assert one.prob_wait == pytest.approx(0.5)
    assert one.wait_distribution is not None
    mmc = q.queue_theory(2.0, q.exponential(1.0), 3)
    assert mmc.exact
    assert mmc.prob_wait == pytest.approx(q.erlang_c(3, 2.0))
    approx = q.queue_theory(2.0, q.erlang(2, 2.0), 3)
    assert not approx.exact
    assert approx.wait_distribution is None
    assert q.is_exponential(q.hyperexponential([0.5, 0.5], [2.0, 2.0]))
    assert not q.is_exponential(q.PhaseType([0.5], [[-1.0]]))  # an atom at zero is not exponential


def test_wait_curves_put_theory_beside_simulation() -> None:
    rows = q.wait_curve_by_scv(1.0, [0.5, 2.0], 0.5, 1, 50_000, seed=4)
    assert [r[0] for r in rows] == [0.5, 2.0]
    for scv, theory, interval in rows:
        assert theory == pytest.approx(0.5 * (1 + scv) / (2 * 0.5))  # P-K at ρ = 1/2, mean 1
        assert interval.covers(theory) or abs(interval.mean - theory) < 0.1 * theory
    rows = q.wait_curve_by_utilization(q.exponential(1.0), 2, [0.5], 50_000, seed=4)
    assert rows[0][1] == pytest.approx(q.mmc_metrics(1.0, 1.0, 2).mean_wait)


def test_summarize_waits() -> None:
    waits = q.simulate_queue(0.5, q.exponential(1.0), 50_000, seed=8)
    summary = q.summarize_waits(waits, points=50)
    assert summary.t.size == summary.ecdf.size == 50
    assert summary.ecdf[0] == pytest.approx(1 - summary.prob_wait)  # the jump at zero
    assert abs(summary.prob_wait - 0.5) < 0.02  # M/M/1: P(wait) = ρ
    assert np.all(np.diff(summary.ecdf) >= 0)
    np.testing.assert_allclose(q.empirical_cdf([1.0, 2.0, 3.0], [0.5, 2.0, 9.0]), [0.0, 2 / 3, 1.0])


def test_phase_diagram_draws_every_transition() -> None:
    from lib.viz.queueing import phase_diagram

    ph = q.coxian([3.0, 2.0], [0.6])
    dot = phase_diagram(ph.alpha, ph.S)
    assert "start -> p0" in dot
    assert 'p0 -> p1 [label="0.6"]' in dot
    assert 'p0 -> done [label="0.4"' in dot
    assert 'p1 -> done [label="1"' in dot
    atom = q.PhaseType([0.3], [[-1.0]])
    assert 'start -> done [label="0.7"' in phase_diagram(atom.alpha, atom.S)
    assert "too many" in phase_diagram(np.ones(20) / 20, -np.eye(20))


def test_queueing_charts_have_titles_and_tooltips() -> None:
    import pandas as pd

    from lib.viz.queueing import feasibility_chart, theory_vs_simulation

    data = pd.DataFrame(
        {"rho": [0.3, 0.5, 0.6], "theory": [0.4, 1.0, 1.5], "sim": [0.41, np.nan, 1.4], "lo": [0.3, np.nan, 1.2]}
    ).assign(hi=lambda d: d["sim"] + 0.1)
    spec = theory_vs_simulation(
        data, x="rho", theory="theory", estimate="sim", low="lo", high="hi", x_title="ρ", y_title="W"
    ).to_dict()
    marks = [layer["mark"]["type"] for layer in spec["layer"]]
    assert marks == ["line", "errorbar", "point"]
    assert all(layer["encoding"].get("tooltip") for layer in spec["layer"])
    for values in spec["datasets"].values():  # no NaN reaches the chart
        assert all(v is not None for row in values for v in row.values())
    spec = feasibility_chart(0.3, max_phases=6).to_dict()
    bars = spec["layer"][0]
    assert bars["encoding"]["x"]["title"] == "number of phases n"
    (values,) = [v for v in spec["datasets"].values() if len(v) == 6]
    assert [row["fits the target"] for row in values] == ["no", "no", "no", "yes", "yes", "yes"]


def test_read_service_times_finds_the_column() -> None:
    np.testing.assert_array_equal(q.read_service_times(b"id,service_time\n1,0.5\n2,1.5\n"), [0.5, 1.5])
    np.testing.assert_array_equal(q.read_service_times("0.5\n1.5\n2.5\n"), [0.5, 1.5, 2.5])  # no header
    np.testing.assert_array_equal(q.read_service_times(b"minutes\n3\n4\n"), [3.0, 4.0])  # first column
    mean, scv = q.sample_moments(q.exponential(2.0).sample(200_000, seed=1))
    assert mean == pytest.approx(0.5, rel=0.01)
    assert scv == pytest.approx(1.0, rel=0.02)


def test_pickling_ignores_the_moment_memo() -> None:
    import pickle

    a, b = q.coxian([1.0, 2.0], [0.5]), q.coxian([1.0, 2.0], [0.5])
    assert a.mean == pytest.approx(1.25)  # fills a's memo, not b's
    assert pickle.dumps(a) == pickle.dumps(b)  # so cache keys (which hash the pickle) agree
    assert pickle.loads(pickle.dumps(a)).variance == pytest.approx(b.variance)
    # Streamlit's cache hashes dataclasses through dataclasses.asdict: only (α, S) may show there.
    import dataclasses

    assert set(dataclasses.asdict(a)) == {"alpha", "S"}
