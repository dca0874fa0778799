"""lib.mle against scipy.stats / scipy.optimize / statsmodels, its defining equations, and simulation."""

from __future__ import annotations

import numpy as np
import pytest
import statsmodels.api as sm
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import optimize, special, stats

from lib import mle

CHI2 = stats.chi2.ppf(0.95, 1)

# ---------------------------------------------------------------------------
# Closed forms vs numeric maximisation of scipy's own log-pmf
# ---------------------------------------------------------------------------


def _scipy_argmax(negative_loglik) -> float:
    result = optimize.minimize_scalar(
        negative_loglik, bounds=(1e-9, 1 - 1e-9), method="bounded", options={"xatol": 1e-12}
    )
    return float(result.x)


@pytest.mark.parametrize(("successes", "n"), [([3, 5, 4], 10), ([0, 1, 0, 2], 5), ([17], 40), ([9, 1, 5, 5, 7], 9)])
def test_binomial_closed_form_matches_numeric_maximisation(successes, n) -> None:
    est = mle.binomial_mle(successes, n)
    assert est.value == pytest.approx(sum(successes) / (len(successes) * n), abs=1e-15)
    numeric = _scipy_argmax(lambda p: -stats.binom.logpmf(successes, n, p).sum())
    assert est.value == pytest.approx(numeric, abs=1e-6)
    assert est.loglik == pytest.approx(stats.binom.logpmf(successes, n, est.value).sum(), rel=1e-12)
    assert mle.numeric_mle(est) == pytest.approx(est.value, abs=1e-6)


@pytest.mark.parametrize(("trials", "k"), [([4, 6, 5], 2), ([1, 3, 2, 8], 1), ([12, 30, 19], 5), ([7], 7 - 4)])
def test_negative_binomial_closed_form_matches_numeric_maximisation(trials, k) -> None:
    est = mle.negative_binomial_mle(trials, k)
    assert est.value == pytest.approx(len(trials) * k / sum(trials), abs=1e-15)
    failures = np.asarray(trials) - k  # scipy's nbinom counts failures before the k-th success
    numeric = _scipy_argmax(lambda p: -stats.nbinom.logpmf(failures, k, p).sum())
    assert est.value == pytest.approx(numeric, abs=1e-6)
    assert est.loglik == pytest.approx(stats.nbinom.logpmf(failures, k, est.value).sum(), rel=1e-12)
    assert mle.numeric_mle(est) == pytest.approx(est.value, abs=1e-6)


def test_loglik_helpers_match_scipy_on_a_grid() -> None:
    p = np.linspace(0.05, 0.95, 19)
    successes, trials = [2, 7, 4], [3, 9, 4, 6]
    expected = stats.binom.logpmf(np.array(successes)[:, None], 8, p).sum(axis=0)
    np.testing.assert_allclose(mle.binomial_loglik(p, successes, 8), expected, rtol=1e-12)
    expected = stats.nbinom.logpmf(np.array(trials)[:, None] - 3, 3, p).sum(axis=0)
    np.testing.assert_allclose(mle.negative_binomial_loglik(p, trials, 3), expected, rtol=1e-12)


def test_standard_error_is_the_inverse_fisher_information() -> None:
    est = mle.binomial_mle([3, 5, 4], 10)
    assert est.se == pytest.approx(np.sqrt(0.4 * 0.6 / 30))
    assert est.fisher_information == pytest.approx(30 / (0.4 * 0.6))
    nb = mle.negative_binomial_mle([4, 6, 5], 2)
    # Expected information of m NB(k) samples: m·k / (p²(1−p)).
    assert nb.se == pytest.approx(np.sqrt(0.4**2 * 0.6 / 6))
    # The observed information is −ℓ''(p̂), checked by a central difference.
    h = 1e-5
    second = (nb.loglik_at(0.4 + h) - 2 * nb.loglik_at(0.4) + nb.loglik_at(0.4 - h)) / h**2
    assert -second == pytest.approx(nb.fisher_information, rel=1e-4)


# ---------------------------------------------------------------------------
# Intervals
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "est",
    [
        mle.binomial_mle([3, 5, 4], 10),
        mle.binomial_mle([1], 200),
        mle.negative_binomial_mle([4, 6, 5, 30], 2),
        mle.binomial_mle([3, 5, 4], 10, level=0.8),
    ],
)
def test_profile_interval_solves_its_defining_equation(est) -> None:
    low, high = est.profile_ci
    cut = stats.chi2.ppf(est.level, 1)
    assert low < est.value < high
    for end in (low, high):
        assert 2 * (est.loglik - est.loglik_at(end)) == pytest.approx(cut, abs=1e-9)
    z = stats.norm.ppf(0.5 + est.level / 2)
    assert est.wald_ci == pytest.approx((est.value - z * est.se, est.value + z * est.se))


def test_wald_interval_touches_the_quadratic_at_the_cutoff() -> None:
    est = mle.binomial_mle([3, 5, 4], 10)
    curve = mle.loglik_curve(est, n_points=2001)
    quadratic = lambda p: -0.5 * est.fisher_information * (p - est.value) ** 2  # noqa: E731
    for end in est.wald_ci:
        assert quadratic(end) == pytest.approx(-est.cutoff)
    assert curve["log-likelihood"].max() <= 1e-12
    assert curve["log-likelihood"].min() == pytest.approx(-4 * est.cutoff, rel=1e-6)
    np.testing.assert_allclose(curve["quadratic"], quadratic(curve["p"]))


def test_boundary_results_are_documented_values_not_nan() -> None:
    zero = mle.binomial_mle([0, 0, 0], 10)
    assert zero.value == 0.0
    assert zero.se == 0.0
    assert zero.wald_ci == (0.0, 0.0)
    assert zero.profile_ci[0] == 0.0
    assert zero.profile_ci[1] == pytest.approx(1 - np.exp(-CHI2 / 60))
    assert 2 * (zero.loglik - zero.loglik_at(zero.profile_ci[1])) == pytest.approx(CHI2, abs=1e-9)
    full = mle.binomial_mle([10, 10], 10)
    assert full.value == 1.0
    assert full.wald_ci == (1.0, 1.0)
    assert full.profile_ci == pytest.approx((np.exp(-CHI2 / 40), 1.0))
    nb = mle.negative_binomial_mle([2, 2, 2], 2)
    assert nb.value == 1.0
    assert nb.profile_ci == pytest.approx((np.exp(-CHI2 / 12), 1.0))
    for est in (zero, full, nb):
        assert np.isinf(est.fisher_information)
        curve = mle.loglik_curve(est)
        assert "quadratic" not in curve
        assert np.isfinite(curve.to_numpy()).all()
        assert np.isfinite(est.loglik)


@pytest.mark.parametrize(
    ("call", "fragment"),
    [
        (lambda: mle.binomial_mle([], 10), "at least one"),
        (lambda: mle.binomial_mle([3, -1], 10), "non-negative"),
        (lambda: mle.binomial_mle([3, 11], 10), "between 0 and n_trials"),
        (lambda: mle.binomial_mle([3, 1.5], 10), "whole numbers"),
        (lambda: mle.binomial_mle([3, float("nan")], 10), "whole numbers"),
        (lambda: mle.binomial_mle([3], 0), "n_trials must be a whole number ≥ 1"),
        (lambda: mle.negative_binomial_mle([4, 1], 2), ">= k = 2"),
        (lambda: mle.negative_binomial_mle([4, 5], 0), "k must be a whole number ≥ 1"),
        (lambda: mle.negative_binomial_mle([], 2), "at least one"),
        (lambda: mle.parse_counts(""), "at least one count"),
        (lambda: mle.parse_counts("3, x"), "'x' is not one"),
        (lambda: mle.parse_counts("3, -2"), "'-2' is not one"),
        (lambda: mle.beta_negative_binomial_pmf(3, 1, 0.0, 1.0), "alpha must be a positive, finite number"),
        (lambda: mle.fit_beta_negative_binomial([1, 2], 3), ">= k = 3"),
        (lambda: mle.simulate_estimates("binomial", 1.0, 10, 5, 10), "strictly between 0 and 1"),
        (lambda: mle.unbox_logistic(lambda X: X[:, 0], 2, mode="odds"), "mode must be"),
        (lambda: mle.unbox_logistic(mle.BlackBoxLogistic([1.0, 2.0], 0.0).predict, 2, "label", budget=10), "budget"),
        (lambda: mle.unbox_logistic(lambda X: np.zeros(len(X)), 2, "label", budget=10_000), "same label"),
        (lambda: mle.BlackBoxLogistic([1.0], 0.0, threshold=1.0), "threshold"),
    ],
)
def test_bad_input_raises_one_clear_sentence(call, fragment) -> None:
    with pytest.raises(ValueError, match=r"^[A-Z0-9a-z].*[.]$") as info:
        call()
    assert fragment in str(info.value)
    assert str(info.value).count(". ") == 0  # one sentence


def test_parse_counts_accepts_separators() -> None:
    np.testing.assert_array_equal(mle.parse_counts(" 3, 5 2;7\n+1 "), [3, 5, 2, 7, 1])


# ---------------------------------------------------------------------------
# Sampling distribution: exact sums vs simulation
# ---------------------------------------------------------------------------


def test_binomial_estimator_is_unbiased_and_wald_fails_for_rare_successes() -> None:
    exact = mle.exact_properties("binomial", 0.02, 1, 5)
    assert exact.bias == pytest.approx(0.0, abs=1e-15)
    assert exact.sd == pytest.approx(exact.asymptotic_sd, rel=1e-12)  # var = p(1−p)/(mn) exactly
    # Wald [p̂ ± 1.96·se] contains 0.02 only for 1 or 2 successes out of 5 (0 gives the point {0}).
    assert exact.wald_coverage == pytest.approx(stats.binom.pmf([1, 2], 5, 0.02).sum(), rel=1e-12)
    assert exact.profile_coverage > 0.95


def test_negative_binomial_estimator_bias_matches_a_direct_sum() -> None:
    # E[m·k / Σn] summed directly over scipy's pmf of the total failures NB(m·k, p).
    p, k, m = 0.3, 2, 3
    failures = np.arange(0, 2000)
    direct = np.sum(stats.nbinom.pmf(failures, m * k, p) * (m * k / (m * k + failures))) - p
    exact = mle.exact_properties("negative_binomial", p, k, m)
    assert exact.bias == pytest.approx(direct, rel=1e-9)
    assert exact.bias > 0.01  # p̂ = mk/Σn overestimates p for small samples


@pytest.mark.parametrize(("kind", "p", "size", "m"), [("binomial", 0.3, 10, 4), ("negative_binomial", 0.4, 3, 5)])
def test_simulation_agrees_with_the_exact_sums(kind, p, size, m) -> None:
    exact = mle.exact_properties(kind, p, size, m)
    sim = mle.simulate_estimates(kind, p, size, m, repetitions=40_000, seed=1)
    # 40,000 repetitions: 4 standard errors of a mean / a proportion.
    assert sim.bias == pytest.approx(exact.bias, abs=4 * exact.sd / 200)
    for s, e in ((sim.wald_coverage, exact.wald_coverage), (sim.profile_coverage, exact.profile_coverage)):
        assert s == pytest.approx(e, abs=4 * np.sqrt(e * (1 - e) / 40_000))
    assert sim.sd == pytest.approx(exact.sd, rel=0.03)


def test_coverage_approaches_the_level_as_m_grows() -> None:
    table = mle.properties_by_m("binomial", 0.1, 5, [1, 400], repetitions=200, seed=0)
    exact = table[table.source == "exact"].set_index("m")
    assert abs(exact.loc[400, "Wald coverage"] - 0.95) < 0.01
    assert abs(exact.loc[400, "profile coverage"] - 0.95) < 0.01
    assert exact.loc[1, "Wald coverage"] < 0.7
    assert set(table.source) == {"exact", "simulated"}


def test_simulated_counts_follow_the_notes_parametrisation() -> None:
    trials = mle.simulate_counts("negative_binomial", 0.25, 3, 20_000, seed=2)
    assert trials.min() >= 3
    assert trials.mean() == pytest.approx(3 / 0.25, rel=0.02)  # E[trials] = k/p
    successes = mle.simulate_counts("binomial", 0.25, 8, 20_000, seed=2)
    assert successes.max() <= 8
    assert successes.mean() == pytest.approx(2.0, rel=0.02)


# ---------------------------------------------------------------------------
# pmfs against scipy.stats, and cross-entropy
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("k", [1, 2, 5])
@pytest.mark.parametrize("p", [0.05, 0.3, 0.9])
def test_negative_binomial_pmf_is_scipy_nbinom_shifted_by_k(k, p) -> None:
    n = np.arange(0, 200)
    expected = np.where(n >= k, stats.nbinom.pmf(n - k, k, p), 0.0)
    np.testing.assert_allclose(mle.negative_binomial_pmf(n, k, p), expected, rtol=1e-10, atol=1e-300)


@pytest.mark.parametrize("k", [1, 3, 10])
@pytest.mark.parametrize(("alpha", "beta"), [(0.5, 0.5), (2.0, 5.0), (30.0, 4.0), (1.0, 1.0)])
def test_beta_negative_binomial_pmf_is_scipy_betanbinom_shifted_by_k(k, alpha, beta) -> None:
    n = np.arange(0, 300)
    expected = np.where(n >= k, stats.betanbinom.pmf(n - k, k, alpha, beta), 0.0)
    np.testing.assert_allclose(mle.beta_negative_binomial_pmf(n, k, alpha, beta), expected, rtol=1e-9, atol=1e-300)


def test_beta_negative_binomial_is_the_beta_average_of_negative_binomials() -> None:
    # Integrate NB(n; k, p)·Beta(p; α, β) over p numerically: the notes' compounding.
    from scipy import integrate

    k, alpha, beta = 2, 3.0, 4.0
    for n in (2, 3, 7, 20):
        value, _ = integrate.quad(
            lambda p, n=n: mle.negative_binomial_pmf(n, k, p) * stats.beta.pdf(p, alpha, beta), 0, 1
        )
        assert float(mle.beta_negative_binomial_pmf(n, k, alpha, beta)) == pytest.approx(value, rel=1e-8)


@settings(max_examples=40, deadline=None)
@given(
    k=st.integers(1, 6),
    alpha=st.floats(1.5, 50.0),
    beta=st.floats(0.2, 20.0),
    p=st.floats(0.05, 0.95),
)
def test_pmfs_sum_to_one(k, alpha, beta, p) -> None:
    n = np.arange(0, 20_000)
    assert mle.negative_binomial_pmf(n, k, p).sum() == pytest.approx(1.0, abs=1e-9)
    # The BNB tail decays like n^(−α−1): add scipy's survival function beyond the grid.
    total = mle.beta_negative_binomial_pmf(n, k, alpha, beta).sum() + stats.betanbinom.sf(n[-1] - k, k, alpha, beta)
    assert total == pytest.approx(1.0, abs=1e-9)


def test_beta_negative_binomial_mean_matches_scipy() -> None:
    assert mle.beta_negative_binomial_mean(3, 4.0, 2.0) == pytest.approx(3 + stats.betanbinom.mean(3, 4.0, 2.0))
    assert np.isinf(mle.beta_negative_binomial_mean(3, 1.0, 2.0))


@given(successes=st.lists(st.integers(0, 12), min_size=1, max_size=20))
def test_mle_minimises_the_cross_entropy(successes) -> None:
    est = mle.binomial_mle(successes, 12)
    q = est.value
    grid = np.linspace(1e-4, 1 - 1e-4, 999)
    h = mle.cross_entropy(q, grid)
    # −ℓ(p)/N = H(q̂, p) + const, so the two curves differ by a constant.
    shift = -est.loglik_at(grid) / (12 * len(successes)) - h
    np.testing.assert_allclose(shift, shift[0], atol=1e-9)
    assert float(mle.cross_entropy(q, q)) <= h.min() + 1e-12
    assert float(mle.cross_entropy(q, q)) == pytest.approx(stats.bernoulli(q).entropy(), abs=1e-12)


# ---------------------------------------------------------------------------
# Beta-negative-binomial fit
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(("k", "alpha", "beta", "seed"), [(3, 4.0, 2.0, 0), (1, 2.5, 6.0, 1), (5, 10.0, 3.0, 2)])
def test_bnb_fit_reaches_an_independent_scipy_optimum(k, alpha, beta, seed) -> None:
    trials = mle.sample_beta_negative_binomial(k, alpha, beta, 400, seed=seed)
    a_hat, b_hat = mle.fit_beta_negative_binomial(trials, k)

    def negative(theta):  # independent: scipy's betanbinom (failures), Nelder–Mead, from (1, 1)
        return -stats.betanbinom.logpmf(trials - k, k, *np.exp(theta)).sum()

    reference = optimize.minimize(negative, [0.0, 0.0], method="Nelder-Mead", options={"xatol": 1e-8, "fatol": 1e-10})
    ours = mle.beta_negative_binomial_loglik(trials, k, a_hat, b_hat)
    assert ours >= -reference.fun - 1e-6
    assert ours == pytest.approx(stats.betanbinom.logpmf(trials - k, k, a_hat, b_hat).sum(), rel=1e-12)
    np.testing.assert_allclose([a_hat, b_hat], np.exp(reference.x), rtol=1e-3)


def test_bnb_surface_peaks_at_the_fit() -> None:
    trials = mle.sample_beta_negative_binomial(2, 5.0, 3.0, 300, seed=4)
    a_hat, b_hat = mle.fit_beta_negative_binomial(trials, 2)
    surface = mle.bnb_loglik_surface(trials, 2, np.geomspace(1, 30, 25), np.geomspace(0.5, 20, 25))
    best = mle.beta_negative_binomial_loglik(trials, 2, a_hat, b_hat)
    assert surface["loglik"].max() <= best + 1e-9


def test_bnb_fit_without_overdispersion_stops_at_the_edge() -> None:
    # Plain negative-binomial data: the Beta prior wants to collapse to a point (α, β → ∞).
    trials = mle.simulate_counts("negative_binomial", 0.4, 2, 2000, seed=3)
    alpha, beta = mle.fit_beta_negative_binomial(trials, 2)
    assert np.isfinite([alpha, beta]).all()
    assert alpha + beta > 100
    assert alpha / (alpha + beta) == pytest.approx(mle.negative_binomial_mle(trials, 2).value, rel=0.02)


# ---------------------------------------------------------------------------
# Unboxing
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("d", [1, 3, 10])
def test_unboxing_probabilities_is_exact_with_d_plus_one_queries(d) -> None:
    rng = np.random.default_rng(d)
    box = mle.BlackBoxLogistic(rng.normal(scale=2, size=d), rng.normal(), C=0.01, threshold=0.8)
    found = mle.unbox_logistic(box.predict_proba, d, mode="proba")
    assert found.n_queries <= d + 1
    np.testing.assert_allclose(found.coef, box.coef, atol=1e-6)
    assert found.intercept == pytest.approx(box.intercept, abs=1e-6)


@pytest.mark.parametrize(("d", "threshold"), [(1, 0.5), (2, 0.2), (5, 0.9), (10, 0.5)])
def test_unboxing_labels_recovers_the_direction(d, threshold) -> None:
    rng = np.random.default_rng(10 + d)
    box = mle.BlackBoxLogistic(rng.normal(size=d), rng.normal(), threshold=threshold)
    found = mle.unbox_logistic(box.predict, d, mode="label", seed=0)
    assert mle.direction_cosine(found, box) > 0.99
    assert np.linalg.norm(found.coef) == pytest.approx(1.0)
    # The intercept is that of the decision boundary w·x + b = logit(threshold), on the unit-norm scale.
    boundary_b = (box.intercept - special.logit(threshold)) / np.linalg.norm(box.coef)
    assert found.intercept == pytest.approx(boundary_b, abs=1e-3)
    assert found.n_queries <= 40 * (d + 1)


def test_rounding_hurts_and_more_queries_help() -> None:
    box, _ = mle.make_black_box(4, C=1.0, seed=0)
    rounded = mle.BlackBoxLogistic(box.coef, box.intercept, decimals=2)
    few = mle.recovery_curve(rounded, "proba", [5], seed=0)["error"].iloc[0]
    many = mle.recovery_curve(rounded, "proba", [2000], seed=0)["error"].iloc[0]
    exact = mle.recovery_curve(box, "proba", [5], seed=0)["error"].iloc[0]
    assert exact < 1e-12 < few
    assert many < few / 3


def test_trained_box_matches_statsmodels_and_shrinks_with_c() -> None:
    rng = np.random.default_rng(5)
    X = rng.normal(size=(500, 3))
    y = (rng.random(500) < special.expit(X @ [1.0, -2.0, 0.5] + 0.3)).astype(int)
    # C → ∞ removes the penalty: the plain MLE, as statsmodels' Logit computes it.
    coef, intercept = mle.fit_logistic_l2(X, y, C=1e8)
    reference = sm.Logit(y, sm.add_constant(X)).fit(disp=0).params
    np.testing.assert_allclose(np.append(intercept, coef), reference, rtol=1e-4)
    small, _ = mle.fit_logistic_l2(X, y, C=0.01)
    assert np.linalg.norm(small) < 0.5 * np.linalg.norm(coef)
    # Whatever C did in training, the box's own coefficients come back out.
    box = mle.BlackBoxLogistic.train(X, y, C=0.01, threshold=0.7)
    found = mle.unbox_logistic(box.predict_proba, 3)
    np.testing.assert_allclose(found.coef, small, atol=1e-6)
