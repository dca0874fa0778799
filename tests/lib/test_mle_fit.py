"""lib.mle.fit against scipy.stats: <dist>.fit with floc=0 and logpdf; the SEs against differences."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from lib import mle
from lib.mle.fit import SCIPY_NAMES

TRUTH = {
    "exponential": {"scale": 2.0},
    "gamma": {"a": 2.5, "scale": 1.3},
    "lognormal": {"s": 0.6, "scale": 3.0},
    "weibull": {"c": 1.7, "scale": 4.0},
    "normal": {"loc": -1.0, "scale": 2.0},
}


def sample(family: str, n: int = 400, seed: int = 7) -> np.ndarray:
    return mle.sample_family(family, TRUTH[family], n, seed=seed)


def scipy_fit(family: str, x: np.ndarray) -> tuple:
    dist = getattr(stats, SCIPY_NAMES[family])
    return dist.fit(x) if family == "normal" else dist.fit(x, floc=0)


def numeric_information(family: str, x: np.ndarray, params: dict[str, float]) -> np.ndarray:
    """−∇²ℓ by central differences of scipy's logpdf summed over the sample."""
    dist = getattr(stats, SCIPY_NAMES[family])
    names = list(params)
    theta = np.array([params[k] for k in names])

    def loglik(t: np.ndarray) -> float:
        return float(dist.logpdf(x, **dict(zip(names, t, strict=True))).sum())

    h = 1e-4 * np.abs(theta)
    H = np.empty((theta.size, theta.size))
    for i in range(theta.size):
        for j in range(theta.size):
            ei, ej = np.eye(theta.size)[i] * h[i], np.eye(theta.size)[j] * h[j]
            H[i, j] = (
                loglik(theta + ei + ej) - loglik(theta + ei - ej) - loglik(theta - ei + ej) + loglik(theta - ei - ej)
            ) / (4 * h[i] * h[j])
    return -H


@pytest.mark.parametrize("family", mle.FAMILIES)
@pytest.mark.parametrize("seed", [1, 2])
def test_estimates_match_scipy_fit_with_floc_zero(family: str, seed: int) -> None:
    x = sample(family, seed=seed)
    fit = mle.fit_distribution(x, family)
    expected = scipy_fit(family, x)
    dist = getattr(stats, SCIPY_NAMES[family])
    ours = list(fit.params.values())
    theirs = list(expected)
    if family != "normal":
        theirs = [v for i, v in enumerate(expected) if i != len(expected) - 2]  # drop the fixed loc = 0
        assert "loc" not in fit.params
    np.testing.assert_allclose(ours, theirs, rtol=1e-4)
    # ℓ̂ is scipy's logpdf at our estimates, and never below scipy's own maximum.
    assert fit.loglik == pytest.approx(dist.logpdf(x, **fit.params).sum(), rel=1e-12)
    assert fit.loglik >= dist.logpdf(x, *expected).sum() - 1e-8
    k = len(fit.params)
    assert fit.aic == pytest.approx(2 * k - 2 * fit.loglik)
    assert fit.bic == pytest.approx(k * np.log(x.size) - 2 * fit.loglik)


@pytest.mark.parametrize("family", mle.FAMILIES)
def test_standard_errors_are_the_observed_information(family: str) -> None:
    x = sample(family, n=250)
    fit = mle.fit_distribution(x, family)
    information = numeric_information(family, x, fit.params)
    np.testing.assert_allclose(np.linalg.inv(fit.covariance), information, rtol=2e-3, atol=1e-6 * information.max())
    expected_se = np.sqrt(np.diag(np.linalg.inv(information)))
    np.testing.assert_allclose(list(fit.std_errors.values()), expected_se, rtol=2e-3)


def test_closed_form_standard_errors() -> None:
    x = np.array([1.0, 2.0, 3.0, 6.0])
    assert mle.fit_distribution(x, "exponential").std_errors["scale"] == pytest.approx(3.0 / 2)
    normal = mle.fit_distribution(x, "normal")
    assert normal.std_errors["loc"] == pytest.approx(x.std() / 2)
    assert normal.std_errors["scale"] == pytest.approx(x.std() / np.sqrt(8))


def test_standard_errors_cover_the_truth_across_samples() -> None:
    # Over 200 gamma samples, the Wald 95% interval for the shape covers the truth about 95% of the time.
    covered = 0
    for seed in range(200):
        fit = mle.fit_distribution(sample("gamma", n=200, seed=seed), "gamma")
        covered += abs(fit.params["a"] - 2.5) <= 1.96 * fit.std_errors["a"]
    assert 0.90 <= covered / 200 <= 0.99


def test_ranking_puts_the_true_family_first() -> None:
    fits, skipped = mle.fit_families(sample("weibull", n=2000))
    assert fits[0].family == "weibull"
    assert not skipped
    table = mle.fit_table(fits)
    assert list(table["family"]) == [f.family for f in fits]
    assert table["ΔAIC"].iloc[0] == 0
    assert (table["ΔAIC"].diff().dropna() >= 0).all()
    assert table["AIC weight"].sum() == pytest.approx(1.0)


def test_negative_values_leave_only_the_normal() -> None:
    fits, skipped = mle.fit_families([-1.0, 0.5, 2.0, 3.0])
    assert [f.family for f in fits] == ["normal"]
    assert set(skipped) == {"exponential", "gamma", "lognormal", "weibull"}
    assert "positive values" in skipped["gamma"]


@pytest.mark.parametrize(
    ("data", "family", "fragment"),
    [
        ([], "normal", "at least two values"),
        ([1.0], "gamma", "at least two values"),
        ([1.0, np.nan], "normal", "finite numbers"),
        ([1.0, -2.0], "lognormal", "positive values"),
        ([0.0, 2.0], "weibull", "positive values"),
        ([-1.0, 2.0], "exponential", "values ≥ 0"),
        ([2.0, 2.0, 2.0], "gamma", "two distinct values"),
        ([1.0, 2.0], "cauchy", "family must be one of"),
    ],
)
def test_bad_samples_raise_one_sentence(data, family, fragment) -> None:
    with pytest.raises(ValueError, match=fragment):
        mle.fit_distribution(data, family)


def test_probability_plot_points() -> None:
    x = sample("gamma", n=1000)
    fits, _ = mle.fit_families(x)
    points = mle.probability_plot_points(x, fits)
    assert set(points["family"]) == set(mle.FAMILIES)
    per_family = points[points["family"] == "gamma"]
    assert len(per_family) == mle.MAX_PLOT_POINTS
    assert per_family["sample quantile"].is_monotonic_increasing
    # For the true family both plots hug the diagonal.
    assert np.max(np.abs(per_family["fitted cdf"] - per_family["probability"])) < 0.05
    assert np.all(np.isfinite(points[["fitted quantile", "fitted cdf"]].to_numpy()))


def test_negative_binomial_with_k_unknown_against_scipy() -> None:
    # Trials until the k-th success (the notes); scipy's nbinom counts the failures n − k.
    trials = mle.simulate_counts("negative_binomial", 0.4, 4, 300, seed=5)
    fit = mle.negative_binomial_unknown_k(trials)
    for row in fit.profile.itertuples(index=False):
        k, p, loglik = row
        assert loglik == pytest.approx(stats.nbinom.logpmf(trials - k, k, p).sum(), rel=1e-10)
        best_p = max(np.linspace(0.01, 0.99, 981), key=lambda q, k=k: stats.nbinom.logpmf(trials - k, k, q).sum())
        assert abs(best_p - p) < 2e-3  # p̂(k) = m·k/Σn maximises over p for that k
    assert fit.loglik == fit.profile["profile log-likelihood"].max()
    assert fit.k_interval[0] <= 4 <= fit.k_interval[1]
    assert fit.k_interval[0] <= fit.k <= fit.k_interval[1]
    assert fit.p == pytest.approx(fit.k * trials.size / trials.sum())


def test_negative_binomial_with_k_unknown_refuses_bad_counts() -> None:
    with pytest.raises(ValueError, match="at least one observation"):
        mle.negative_binomial_unknown_k([])
    with pytest.raises(ValueError, match="≥ 1"):
        mle.negative_binomial_unknown_k([0, 3])
