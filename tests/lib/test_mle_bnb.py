"""The beta-negative-binomial's standard errors and profile intervals: against a finite-difference Hessian,
an independent profile maximised with scipy's betanbinom, and the spread of MLEs over simulated samples."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import optimize, stats

from lib import mle

K, ALPHA, BETA = 3, 8.0, 4.0
TRIALS = mle.sample_beta_negative_binomial(K, ALPHA, BETA, 600, seed=11)


def scipy_loglik(trials: np.ndarray, k: int, a: float, b: float) -> float:
    return float(stats.betanbinom.logpmf(trials - k, k, a, b).sum())  # scipy counts failures


@pytest.mark.parametrize(("a", "b"), [(ALPHA, BETA), (2.0, 7.5), (30.0, 1.2)])
def test_observed_information_is_the_finite_difference_hessian(a: float, b: float) -> None:
    h = 1e-4 * np.array([a, b])  # central second differences of scipy's log-likelihood

    def ll(da: float, db: float) -> float:
        return scipy_loglik(TRIALS, K, a + da, b + db)

    hessian = np.empty((2, 2))
    hessian[0, 0] = (ll(h[0], 0) - 2 * ll(0, 0) + ll(-h[0], 0)) / h[0] ** 2
    hessian[1, 1] = (ll(0, h[1]) - 2 * ll(0, 0) + ll(0, -h[1])) / h[1] ** 2
    hessian[0, 1] = hessian[1, 0] = (ll(h[0], h[1]) - ll(h[0], -h[1]) - ll(-h[0], h[1]) + ll(-h[0], -h[1])) / (
        4 * h[0] * h[1]
    )
    np.testing.assert_allclose(mle.bnb_observed_information(TRIALS, K, a, b), -hessian, rtol=1e-4)


def test_standard_errors_are_the_inverse_information_at_the_mle() -> None:
    fit = mle.bnb_inference(TRIALS, K)
    assert (fit.alpha, fit.beta) == mle.fit_beta_negative_binomial(TRIALS, K)
    covariance = np.linalg.inv(mle.bnb_observed_information(TRIALS, K, fit.alpha, fit.beta))
    np.testing.assert_allclose(fit.covariance, covariance, rtol=1e-12)
    assert (fit.se_alpha, fit.se_beta) == pytest.approx(tuple(np.sqrt(np.diag(covariance))), rel=1e-12)
    assert 0 < fit.correlation < 1  # α and β rise together: the data pin down α/(α+β) best
    low, high = fit.wald_ci("alpha")
    assert (low + high) / 2 == pytest.approx(fit.alpha)
    assert high - low == pytest.approx(2 * 1.959964 * fit.se_alpha, rel=1e-6)


def test_standard_errors_match_the_spread_of_mles_over_repeated_samples() -> None:
    # 60 samples of 1,500 draws: the sd of α̂ and β̂ against the median standard error (the sd of an sd from
    # 60 values is about 9% of it, so 30% is a loose but failing-able band; a factor-2 error is caught).
    estimates, errors = [], []
    for seed in range(60):
        trials = mle.sample_beta_negative_binomial(K, ALPHA, BETA, 1500, seed=100 + seed)
        a_hat, b_hat = mle.fit_beta_negative_binomial(trials, K)
        estimates.append((a_hat, b_hat))
        errors.append(np.sqrt(np.diag(np.linalg.inv(mle.bnb_observed_information(trials, K, a_hat, b_hat)))))
    spread = np.std(estimates, axis=0, ddof=1)
    np.testing.assert_allclose(spread, np.median(errors, axis=0), rtol=0.3)


def independent_profile(trials: np.ndarray, k: int, parameter: str, value: float) -> float:
    """max over the other parameter of scipy's log-likelihood, by a bounded scalar search on its log."""

    def negative(log_other: float) -> float:
        other = np.exp(log_other)
        a, b = (value, other) if parameter == "alpha" else (other, value)
        return -scipy_loglik(trials, k, a, b)

    result = optimize.minimize_scalar(negative, bounds=(-7, 11), method="bounded", options={"xatol": 1e-10})
    return -float(result.fun)


@pytest.mark.parametrize("level", [0.95, 0.8])
def test_profile_interval_ends_are_where_the_profile_drops_by_half_the_chi2_quantile(level: float) -> None:
    fit = mle.bnb_inference(TRIALS, K, level=level)
    drop = stats.chi2.ppf(level, 1) / 2
    assert fit.cutoff == pytest.approx(drop)
    assert fit.loglik == pytest.approx(scipy_loglik(TRIALS, K, fit.alpha, fit.beta), rel=1e-12)
    for parameter, (low, high), value in (("alpha", fit.alpha_ci, fit.alpha), ("beta", fit.beta_ci, fit.beta)):
        assert 0 < low < value < high < np.inf
        for end in (low, high):
            assert fit.loglik - independent_profile(TRIALS, K, parameter, end) == pytest.approx(drop, abs=1e-6)
        ours = mle.bnb_profile_loglik(TRIALS, K, parameter, [low, value, high])
        assert ours[1] == pytest.approx(fit.loglik, abs=1e-7)  # the profile peaks at the MLE
        assert fit.loglik - ours[[0, 2]] == pytest.approx([drop, drop], abs=1e-6)


def test_profile_interval_is_skewed_like_the_likelihood() -> None:
    # A small sample: the likelihood is skewed to the right; the profile interval follows, Wald is symmetric.
    trials = mle.sample_beta_negative_binomial(K, ALPHA, BETA, 150, seed=3)
    fit = mle.bnb_inference(trials, K)
    low, high = fit.alpha_ci
    assert high - fit.alpha > fit.alpha - low
    assert low > 0


def test_no_overdispersion_leaves_the_intervals_open() -> None:
    # Plain negative-binomial data: the likelihood keeps rising towards α, β → ∞ (the NB), so no upper ends;
    # the curvature where the fit stopped gives standard errors far larger than the estimates.
    trials = mle.simulate_counts("negative_binomial", 0.4, 2, 2000, seed=3)
    fit = mle.bnb_inference(trials, 2)
    assert fit.loglik - mle.negative_binomial_mle(trials, 2).loglik < fit.cutoff
    assert fit.alpha_ci[1] == fit.beta_ci[1] == np.inf
    assert 0 < fit.alpha_ci[0] < fit.alpha
    assert fit.se_alpha > fit.alpha


@pytest.mark.parametrize(
    ("call", "fragment"),
    [
        (lambda: mle.bnb_inference([1, 2], 3), ">= k = 3"),
        (lambda: mle.bnb_inference([3, 4], 3, level=1.5), "level"),
        (lambda: mle.bnb_profile_loglik([3, 4], 3, "gamma", [1.0]), "parameter must be one of"),
        (lambda: mle.bnb_profile_loglik([3, 4], 3, "alpha", [0.0]), "must be numbers > 0"),
        (lambda: mle.bnb_observed_information([3, 4], 3, -1.0, 1.0), "alpha must be a positive"),
    ],
)
def test_bad_input_is_one_sentence(call, fragment: str) -> None:
    with pytest.raises(ValueError, match=fragment):
        call()
