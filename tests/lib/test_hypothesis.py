"""lib.hypothesis against scipy.stats, statsmodels, R's documented examples, pingouin, and simulation."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate, stats
from statsmodels.stats.proportion import proportion_confint as sm_confint
from statsmodels.stats.proportion import proportions_ztest

from lib import hypothesis as ht

SM_ALTERNATIVE = {"two-sided": "two-sided", "greater": "larger", "less": "smaller"}
ALTS = list(ht.ALTERNATIVES)
CASES = [(0, 10, 0.5), (3, 10, 0.5), (7, 20, 0.3), (60, 100, 0.5), (682, 925, 0.75), (1, 50, 0.02), (49, 50, 0.9)]


# ---------------------------------------------------------------------------
# z-tests against statsmodels
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("alternative", ALTS)
@pytest.mark.parametrize(("k", "n", "p0"), CASES)
def test_score_ztest_matches_statsmodels_with_prop_var_p0(k: int, n: int, p0: float, alternative: str) -> None:
    ours = ht.proportion_ztest(k, n, p0, alternative)
    z, p = proportions_ztest(k, n, value=p0, prop_var=p0, alternative=SM_ALTERNATIVE[alternative])
    assert ours.statistic == pytest.approx(z, rel=1e-12, abs=1e-12)
    assert ours.pvalue == pytest.approx(p, rel=1e-10, abs=1e-300)
    assert ours.estimate == k / n


@pytest.mark.parametrize("alternative", ALTS)
@pytest.mark.parametrize(("k", "n", "p0"), [c for c in CASES if 0 < c[0] < c[1]])
def test_wald_ztest_matches_statsmodels_default(k: int, n: int, p0: float, alternative: str) -> None:
    ours = ht.wald_ztest(k, n, p0, alternative)
    z, p = proportions_ztest(k, n, value=p0, alternative=SM_ALTERNATIVE[alternative])
    assert ours.statistic == pytest.approx(z, rel=1e-12)
    assert ours.pvalue == pytest.approx(p, rel=1e-10, abs=1e-300)


def test_score_and_wald_differ_where_the_variance_differs() -> None:
    # 60/100 against 0.5: SE 0.05 from p0, sqrt(0.24)/10 from p̂.
    assert ht.proportion_ztest(60, 100).statistic == pytest.approx(2.0)
    assert ht.wald_ztest(60, 100).statistic == pytest.approx(0.1 / np.sqrt(0.0024))


def test_score_z_squared_is_the_uncorrected_chi_square_of_prop_test() -> None:
    # R: prop.test(60, 100, p = 0.5, correct = FALSE) gives X-squared = 4, p-value = 0.0455.
    result = ht.proportion_ztest(60, 100, 0.5)
    assert result.statistic**2 == pytest.approx(4.0)
    assert result.pvalue == pytest.approx(stats.chi2.sf(4.0, 1))
    assert round(result.pvalue, 4) == 0.0455


# ---------------------------------------------------------------------------
# Exact binomial test against scipy and R
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("alternative", ALTS)
@pytest.mark.parametrize(("k", "n", "p0"), CASES)
def test_binomial_test_matches_scipy_binomtest(k: int, n: int, p0: float, alternative: str) -> None:
    ours = ht.binomial_test(k, n, p0, alternative)
    ref = stats.binomtest(k, n, p0, alternative=alternative)
    assert ours.pvalue == pytest.approx(ref.pvalue, rel=1e-9, abs=1e-300)
    assert ours.statistic == k


@settings(max_examples=150, deadline=None)
@given(
    n=st.integers(1, 300),
    frac=st.floats(0, 1),
    p0=st.floats(0.01, 0.99),
    alternative=st.sampled_from(ALTS),
)
def test_binomial_pvalues_match_scipy_everywhere(n: int, frac: float, p0: float, alternative: str) -> None:
    k = round(frac * n)
    ours = ht.binomial_test(k, n, p0, alternative).pvalue
    assert 0.0 <= ours <= 1.0
    assert ours == pytest.approx(stats.binomtest(k, n, p0, alternative=alternative).pvalue, rel=1e-7, abs=1e-14)


def test_r_binom_test_documented_example() -> None:
    # R's ?binom.test: binom.test(c(682, 243), p = 3/4) (Mendel's dwarf and giant peas) prints
    # "number of successes = 682, number of trials = 925, p-value = 0.3825" and the
    # 95 percent confidence interval 0.7076683 0.7654066 (Clopper-Pearson).
    result = ht.binomial_test(682, 925, 0.75)
    assert round(result.pvalue, 4) == 0.3825
    low, high = ht.proportion_confint(682, 925, 0.95, "exact")
    assert (round(low, 7), round(high, 7)) == (0.7076683, 0.7654066)


def test_central_rule_doubles_the_smaller_tail_and_differs_from_minlike_when_skewed() -> None:
    k, n, p0 = 7, 20, 0.2
    central = ht.binomial_test(k, n, p0, two_sided="central").pvalue
    expected = min(1.0, 2 * min(stats.binom.cdf(k, n, p0), stats.binom.sf(k - 1, n, p0)))
    assert central == pytest.approx(expected)
    minlike = ht.binomial_test(k, n, p0).pvalue
    assert minlike == pytest.approx(stats.binomtest(k, n, p0).pvalue)
    assert abs(central - minlike) > 0.01


@settings(max_examples=60, deadline=None)
@given(n=st.integers(1, 200), frac=st.floats(0, 1))
def test_minlike_and_central_agree_for_a_fair_coin(n: int, frac: float) -> None:
    k = round(frac * n)
    minlike = ht.binomial_test(k, n, 0.5).pvalue
    central = ht.binomial_test(k, n, 0.5, two_sided="central").pvalue
    assert minlike == pytest.approx(central, rel=1e-9, abs=1e-15)


# ---------------------------------------------------------------------------
# Confidence intervals against statsmodels
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(("method", "sm_method"), [("wilson", "wilson"), ("wald", "normal"), ("exact", "beta")])
@pytest.mark.parametrize(("k", "n"), [(0, 10), (3, 10), (60, 100), (682, 925), (50, 50)])
def test_proportion_confint_matches_statsmodels(k: int, n: int, method: str, sm_method: str) -> None:
    ours = ht.proportion_confint(k, n, 0.95, method)
    ref = sm_confint(k, n, alpha=0.05, method=sm_method)
    np.testing.assert_allclose(ours, np.clip(ref, 0, 1), atol=1e-10)


# ---------------------------------------------------------------------------
# Size, power and sample size
# ---------------------------------------------------------------------------


@settings(max_examples=80, deadline=None)
@given(
    n=st.integers(1, 400),
    p0=st.floats(0.05, 0.95),
    alpha=st.sampled_from([0.01, 0.05, 0.1]),
    alternative=st.sampled_from(ALTS),
)
def test_exact_test_actual_size_never_exceeds_alpha(n: int, p0: float, alpha: float, alternative: str) -> None:
    size = ht.power_proportion(p0, p0, n, alpha, alternative, test="exact")
    assert 0.0 <= size <= alpha + 1e-12


def test_exact_actual_size_is_below_alpha_and_the_z_test_can_exceed_it() -> None:
    size_exact = ht.rejection_probability(0.5, 0.5, 20, 0.05, "two-sided", "exact")
    # n = 20, p0 = 0.5: the exact test rejects for k <= 5 or k >= 15, P = 0.0414.
    assert size_exact == pytest.approx(2 * stats.binom.cdf(5, 20, 0.5))
    assert round(size_exact, 4) == 0.0414
    sizes_z = [ht.rejection_probability(0.5, 0.5, n, 0.05, "two-sided", "z") for n in range(10, 60)]
    assert max(sizes_z) > 0.05  # the CLT test's real size overshoots α for some n


def test_exact_power_is_a_sawtooth_in_n() -> None:
    powers = [ht.power_proportion(0.5, 0.65, n, 0.05, "two-sided", "exact") for n in range(10, 80)]
    drops = sum(b < a for a, b in itertools.pairwise(powers))
    assert drops >= 5
    assert powers[-1] > powers[0]


@pytest.mark.parametrize(("p1", "n", "alternative"), [(0.6, 100, "two-sided"), (0.4, 60, "less"), (0.7, 30, "greater")])
def test_exact_power_agrees_with_simulation(p1: float, n: int, alternative: str) -> None:
    exact = ht.power_proportion(0.5, p1, n, 0.05, alternative, test="exact")
    sims = 40_000
    simulated = ht.simulate_rejection_rate(0.5, p1, n, 0.05, alternative, "exact", sims, seed=3)
    assert abs(simulated - exact) < 4 * np.sqrt(exact * (1 - exact) / sims)


def test_exact_power_equals_the_sum_of_alternative_pmf_over_the_scipy_rejection_region() -> None:
    n, p0, p1 = 40, 0.3, 0.5
    region = [k for k in range(n + 1) if stats.binomtest(k, n, p0).pvalue <= 0.05]
    expected = stats.binom.pmf(region, n, p1).sum()
    assert ht.power_proportion(p0, p1, n, 0.05, "two-sided", "exact") == pytest.approx(expected)


@pytest.mark.parametrize("alternative", ["greater", "two-sided"])
def test_z_power_formula_against_the_normal_cdf(alternative: str) -> None:
    p0, p1, n, alpha = 0.5, 0.58, 250, 0.05
    se0, se1 = np.sqrt(p0 * (1 - p0) / n), np.sqrt(p1 * (1 - p1) / n)
    if alternative == "greater":
        expected = stats.norm.sf((p0 + stats.norm.ppf(0.95) * se0 - p1) / se1)
    else:
        c = stats.norm.ppf(0.975)
        expected = stats.norm.sf((p0 + c * se0 - p1) / se1) + stats.norm.cdf((p0 - c * se0 - p1) / se1)
    assert ht.power_proportion(p0, p1, n, alpha, alternative, "z") == pytest.approx(expected)
    # At large n the formula and the z-test's exact rejection rate agree closely.
    assert ht.rejection_probability(p0, p1, n, alpha, alternative, "z") == pytest.approx(expected, abs=0.02)


def test_z_power_at_p1_equal_p0_is_alpha() -> None:
    assert ht.power_proportion(0.3, 0.3, 123, 0.05, "two-sided", "z") == pytest.approx(0.05)
    assert ht.power_proportion(0.3, 0.3, 123, 0.05, "greater", "z") == pytest.approx(0.05)


@pytest.mark.parametrize(("p0", "p1", "alpha", "power"), [(0.5, 0.6, 0.05, 0.8), (0.2, 0.1, 0.01, 0.9)])
def test_sample_size_z_is_the_smallest_n_for_one_sided_power(p0: float, p1: float, alpha: float, power: float) -> None:
    alternative = "greater" if p1 > p0 else "less"
    n = ht.sample_size_proportion(p0, p1, alpha, power, alternative)
    assert ht.power_proportion(p0, p1, n, alpha, alternative, "z") >= power
    assert ht.power_proportion(p0, p1, n - 1, alpha, alternative, "z") < power


def test_sample_size_textbook_value() -> None:
    # (1.959964·0.5 + 0.841621·sqrt(0.24))² / 0.01 = 193.6 → 194 trials to detect 0.6 vs 0.5.
    assert ht.sample_size_proportion(0.5, 0.6, 0.05, 0.8, "two-sided") == 194


def test_sample_size_exact_is_the_first_n_reaching_power() -> None:
    n = ht.sample_size_proportion(0.5, 0.7, 0.05, 0.8, "two-sided", test="exact")
    powers = [ht.power_proportion(0.5, 0.7, m, 0.05, "two-sided", "exact") for m in range(1, n + 1)]
    assert powers[-1] >= 0.8
    assert max(powers[:-1]) < 0.8


def test_power_curve_matches_pointwise_power() -> None:
    ns = [5, 50, 500]
    for test in ("z", "exact"):
        curve = ht.power_curve(0.5, 0.6, ns, 0.05, "two-sided", test)
        assert curve == pytest.approx([ht.power_proportion(0.5, 0.6, n, 0.05, "two-sided", test) for n in ns])


# ---------------------------------------------------------------------------
# Bayes factors
# ---------------------------------------------------------------------------


def test_bayes_factor_pingouin_documented_example() -> None:
    # pingouin.bayesfactor_binom docs (https://pingouin-stats.org/generated/pingouin.bayesfactor_binom.html):
    # 115 heads in 200 tosses, p = 0.5, uniform prior: "BF-null: 1.197, BF-alt: 0.835".
    bf01 = ht.bayes_factor_binomial(115, 200, 0.5)
    assert round(bf01, 3) == 1.197
    assert round(1 / bf01, 3) == 0.835


@pytest.mark.parametrize(("k", "n", "p0", "a", "b"), [(3, 10, 0.5, 1, 1), (30, 40, 0.6, 2, 5), (0, 8, 0.3, 0.5, 0.5)])
def test_bayes_factor_against_numerical_integration(k: int, n: int, p0: float, a: float, b: float) -> None:
    marginal_alt, _ = integrate.quad(lambda p: stats.binom.pmf(k, n, p) * stats.beta.pdf(p, a, b), 0, 1)
    expected = stats.binom.pmf(k, n, p0) / marginal_alt
    assert ht.bayes_factor_binomial(k, n, p0, a, b) == pytest.approx(expected, rel=1e-6)


def test_posterior_null_probability_from_bayes_rule() -> None:
    bf01 = ht.bayes_factor_binomial(115, 200)
    for prior in (0.1, 0.5, 0.9):
        expected = prior * bf01 / (prior * bf01 + 1 - prior)
        assert ht.posterior_null_probability(115, 200, prior_null=prior) == pytest.approx(expected)
    assert ht.posterior_null_probability(115, 200, prior_null=0.0) == 0.0
    assert ht.posterior_null_probability(115, 200, prior_null=1.0) == 1.0


def test_bayes_factor_stays_finite_for_huge_n() -> None:
    bf = ht.bayes_factor_binomial(500_000, 1_000_000)
    assert np.isfinite(bf)
    assert bf > 100  # a perfectly balanced million flips: strong evidence for fairness


# ---------------------------------------------------------------------------
# Bootstrap against scipy.stats.bootstrap and R's boot
# ---------------------------------------------------------------------------

SKEWED = stats.lognorm(1.0).rvs(size=60, random_state=np.random.default_rng(11))
SCIPY_METHOD = {"percentile": "percentile", "basic": "basic", "bca": "BCa"}


@pytest.mark.parametrize("method", ht.BOOTSTRAP_METHODS)
@pytest.mark.parametrize("statistic", [np.mean, np.median])
def test_bootstrap_matches_scipy_on_the_same_seed(method: str, statistic) -> None:
    # Both draw resample indices with Generator.integers(0, n) row by row, so the same seed
    # gives the same resamples and the intervals agree to rounding.
    ours = ht.bootstrap_ci(SKEWED, statistic, 0.9, method, 4_000, seed=5)
    ref = stats.bootstrap(
        (SKEWED,), statistic, confidence_level=0.9, method=SCIPY_METHOD[method], n_resamples=4_000, rng=5
    )
    np.testing.assert_allclose([ours.low, ours.high], ref.confidence_interval, rtol=1e-9)
    assert ours.standard_error == pytest.approx(ref.standard_error)


@pytest.mark.parametrize("method", ht.BOOTSTRAP_METHODS)
def test_bootstrap_agrees_with_scipy_across_seeds_within_monte_carlo_error(method: str) -> None:
    ours = ht.bootstrap_ci(SKEWED, np.std, 0.95, method, 20_000, seed=1)
    ref = stats.bootstrap((SKEWED,), np.std, method=SCIPY_METHOD[method], n_resamples=20_000, rng=2)
    width = ref.confidence_interval.high - ref.confidence_interval.low
    np.testing.assert_allclose([ours.low, ours.high], ref.confidence_interval, atol=0.05 * width)


# R's boot package, quoted in scipy's own test suite (scipy/stats/tests/test_resampling.py,
# test_bootstrap_against_R): boot.ci of the mean of these 16 values with 10^6 resamples.
R_DATA = np.array([10, 12, 12.5, 12.5, 13.9, 15, 21, 22, 23, 34, 50, 81, 89, 121, 134, 213])
R_INTERVALS = {"basic": (23.77, 79.12), "percentile": (28.86, 84.21), "bca": (32.31, 91.43)}


@pytest.mark.parametrize("method", ht.BOOTSTRAP_METHODS)
def test_bootstrap_against_r_boot(method: str) -> None:
    ci = ht.bootstrap_ci(R_DATA, np.mean, 0.95, method, 200_000, seed=0)
    np.testing.assert_allclose([ci.low, ci.high], R_INTERVALS[method], rtol=0.01)


def test_basic_interval_is_the_notes_delta_method() -> None:
    ci = ht.bootstrap_ci(SKEWED, np.mean, 0.9, "basic", 5_000, seed=9)
    delta = ht.bootstrap_distribution(SKEWED, np.mean, 5_000, seed=9) - SKEWED.mean()
    q1, q2 = np.quantile(delta, [0.05, 0.95])
    assert (ci.low, ci.high) == pytest.approx((SKEWED.mean() - q2, SKEWED.mean() - q1))


def test_bootstrap_is_reproducible_and_chunking_does_not_change_it() -> None:
    big = np.random.default_rng(0).normal(size=3_000)  # 3,000 × 5,000 values: several chunks
    a = ht.bootstrap_distribution(big, np.mean, 5_000, seed=42)
    b = ht.bootstrap_distribution(big, np.mean, 5_000, seed=42)
    np.testing.assert_array_equal(a, b)
    idx = np.random.default_rng(42).integers(0, big.size, size=(5_000, big.size))
    np.testing.assert_allclose(a, big[idx].mean(axis=1))


def test_bootstrap_accepts_a_statistic_without_axis() -> None:
    def spread(x):
        return float(np.max(x) - np.min(x))

    ci = ht.bootstrap_ci(SKEWED, spread, 0.9, "percentile", 300, seed=1)
    assert ci.low <= ci.estimate <= ci.high + 1e-12


def test_coverage_lab_is_near_nominal_for_a_normal_mean() -> None:
    result = ht.bootstrap_coverage("normal (0, 1)", "mean", 40, 0.9, n_experiments=300, n_resamples=500, seed=4)
    low, high = result.coverage_intervals(0.999)
    for j in range(len(result.methods)):
        assert low[j] - 0.03 <= 0.9 <= high[j] + 0.03
    assert result.true_value == 0.0


def test_true_statistics_are_the_population_values() -> None:
    assert ht.true_statistic("exponential (scale 1)", "median") == pytest.approx(np.log(2))
    assert ht.true_statistic("lognormal (σ = 1)", "mean") == pytest.approx(np.exp(0.5))
    assert ht.true_statistic("gamma (shape 2)", "std") == pytest.approx(np.sqrt(2))
    assert ht.true_statistic("normal (0, 1)", "quantile", 0.975) == pytest.approx(1.959964, abs=1e-6)


# ---------------------------------------------------------------------------
# Flips
# ---------------------------------------------------------------------------


def test_parse_flips_reads_h_and_t() -> None:
    np.testing.assert_array_equal(ht.parse_flips("HTh t, H"), [1, 0, 1, 0, 1])


def test_simulated_flips_have_the_right_rate() -> None:
    flips = ht.simulate_flips(0.3, 20_000, seed=1)
    assert abs(flips.mean() - 0.3) < 4 * np.sqrt(0.3 * 0.7 / 20_000)


# ---------------------------------------------------------------------------
# Bad input: one clear sentence
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "fragment"),
    [
        (lambda: ht.proportion_ztest(3, 0), "n (the number of trials)"),
        (lambda: ht.binomial_test(11, 10), "between 0 and n = 10"),
        (lambda: ht.binomial_test(-1, 10), "successes"),
        (lambda: ht.binomial_test(2.5, 10), "whole number"),
        (lambda: ht.proportion_ztest(3, 10, p0=1.2), "p0"),
        (lambda: ht.proportion_ztest(3, 10, p0=0.0), "strictly between 0 and 1"),
        (lambda: ht.binomial_test(3, 10, p0=float("nan")), "p0"),
        (lambda: ht.binomial_test(3, 10, alternative="bigger"), "alternative"),
        (lambda: ht.binomial_test(3, 10, two_sided="doubled"), "two_sided"),
        (lambda: ht.wald_ztest(0, 10), "standard error is zero"),
        (lambda: ht.power_proportion(0.5, 1.5, 10), "p1"),
        (lambda: ht.power_proportion(0.5, 0.6, 10, alpha=0), "alpha"),
        (lambda: ht.power_proportion(0.5, 0.6, 10, test="t"), "test"),
        (lambda: ht.sample_size_proportion(0.5, 0.5), "differ"),
        (lambda: ht.sample_size_proportion(0.5, 0.4, alternative="greater"), "side"),
        (lambda: ht.sample_size_proportion(0.5, 0.51, test="exact", n_max=50), "n_max"),
        (lambda: ht.bayes_factor_binomial(3, 10, a=0), "Beta prior"),
        (lambda: ht.posterior_null_probability(3, 10, prior_null=1.1), "prior_null"),
        (lambda: ht.bootstrap_ci([4.0, 4.0, 4.0]), "All values in data are equal"),
        (lambda: ht.bootstrap_ci([4.0]), "at least 2"),
        (lambda: ht.bootstrap_ci([]), "at least 2"),
        (lambda: ht.bootstrap_ci([1.0, np.nan]), "finite"),
        (lambda: ht.bootstrap_ci(["a", "b"]), "list of numbers"),
        (lambda: ht.bootstrap_ci([1.0, 2.0], method="studentized"), "method"),
        (lambda: ht.bootstrap_ci([1.0, 2.0], level=1.0), "level"),
        (lambda: ht.bootstrap_ci([1.0, 2.0], n_resamples=0), "n_resamples"),
        (lambda: ht.parse_flips(""), "at least one flip"),
        (lambda: ht.parse_flips("HTX"), "letters H and T"),
        (lambda: ht.proportion_confint(3, 10, method="agresti"), "method"),
        (lambda: ht.make_statistic("mode"), "statistic"),
        (lambda: ht.sample_distribution("cauchy", 10), "distribution"),
    ],
)
def test_bad_input_gives_one_clear_sentence(call, fragment: str) -> None:
    with pytest.raises(ValueError, match=r"\.$") as err:
        call()
    message = str(err.value)
    assert fragment in message
    assert message.count(". ") == 0  # one sentence


# ---------------------------------------------------------------------------
# The page's data: pictures, tables, maps
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("alternative", ALTS)
def test_sampling_picture_areas_match_alpha_beta_power_and_the_pvalue(alternative: str) -> None:
    pic = ht.sampling_picture(0.5, 0.58, 150, 0.05, alternative, observed=0.56, points=2000)
    curves = pic.curves

    def area(name: str) -> float:
        parts = curves[curves["area"] == name]
        return sum(np.trapezoid(g["density"], g["p_hat"]) for _, g in parts.groupby("segment"))

    assert area("α: reject | H0") == pytest.approx(0.05, abs=2e-3)
    assert area("power: reject | H1") == pytest.approx(pic.power, abs=2e-3)
    assert area("β: keep | H1") == pytest.approx(pic.beta, abs=2e-3)
    assert area("p-value area") == pytest.approx(pic.pvalue, abs=2e-3)
    assert pic.pvalue == pytest.approx(ht.proportion_ztest(84, 150, 0.5, alternative).pvalue)
    assert pic.power == pytest.approx(ht.power_proportion(0.5, 0.58, 150, 0.05, alternative, "z"))


def test_exact_picture_marks_the_exact_rejection_region() -> None:
    frame = ht.exact_picture(0.5, 0.6, 60, 0.05, "two-sided")
    null = frame[frame["distribution"].str.startswith("H0")]
    region = ht.rejection_region(60, 0.5, 0.05, "two-sided", "exact")
    assert list(null["region"] == "reject H0") == list(region[null["k"].to_numpy()])
    assert null.loc[null["region"] == "reject H0", "probability"].sum() == pytest.approx(
        ht.power_proportion(0.5, 0.5, 60, 0.05, "two-sided", "exact"), abs=1e-4
    )


@pytest.mark.parametrize("alternative", ALTS)
def test_power_table_agrees_with_pointwise_functions(alternative: str) -> None:
    table = ht.power_table(0.35, 0.5, 60, 0.05, alternative)
    for n in (1, 7, 33, 60):
        row = table.set_index("n").loc[n]
        assert row["exact test"] == pytest.approx(ht.power_proportion(0.35, 0.5, n, 0.05, alternative, "exact"))
        assert row["z formula"] == pytest.approx(ht.power_proportion(0.35, 0.5, n, 0.05, alternative, "z"))
        assert row["z-test, exact rate"] == pytest.approx(
            ht.rejection_probability(0.35, 0.5, n, 0.05, alternative, "z")
        )
        assert row["size: exact test"] <= 0.05 + 1e-12


def test_simulated_rates_cover_the_exact_rates() -> None:
    sims = ht.simulated_rates(0.5, 0.6, [20, 80], 0.05, "two-sided", n_sims=20_000, seed=2)
    for _, row in sims.iterrows():
        test = "z" if "z-test" in row["curve"] else "exact"
        exact = ht.rejection_probability(0.5, 0.6, row["n"], 0.05, "two-sided", test)
        assert row["low"] - 0.01 <= exact <= row["high"] + 0.01


def test_verdict_map_labels_match_the_tests() -> None:
    frame = ht.verdict_map(0.5, 0.05, 40, "two-sided")
    assert len(frame) == sum(n + 1 for n in range(1, 41))
    for _, row in frame.sample(120, random_state=0).iterrows():
        k, n = int(row["k"]), int(row["n"])
        score = ht.proportion_ztest(k, n).pvalue <= 0.05
        exact = ht.binomial_test(k, n).pvalue <= 0.05
        bayes = ht.posterior_null_probability(k, n) < 0.5
        verdicts = (score, exact, bayes)
        if row["verdict"] == "all reject":
            assert verdicts == (True, True, True)
        if row["verdict"] == "all keep":
            assert verdicts == (False, False, False)
        if row["verdict"] == "z-tests reject, exact keeps":
            assert verdicts[:2] == (True, False)


def test_verdict_map_finds_lindleys_paradox_at_large_n() -> None:
    frame = ht.verdict_map(0.5, 0.05, 400, "two-sided")
    assert "tests reject, Bayes favours H0" in set(frame["verdict"])


def test_bootstrap_intervals_share_resamples_with_bootstrap_ci() -> None:
    many = ht.bootstrap_intervals(SKEWED, "quantile", 0.9, 2_000, seed=3, q=0.75)
    for method, ci in many.items():
        one = ht.bootstrap_ci(SKEWED, ht.make_statistic("quantile", 0.75), 0.9, method, 2_000, seed=3)
        assert (ci.low, ci.high) == pytest.approx((one.low, one.high))


def test_parse_numbers() -> None:
    np.testing.assert_array_equal(ht.parse_numbers("1, 2.5;3\n-4e1"), [1.0, 2.5, 3.0, -40.0])
    with pytest.raises(ValueError, match="'x' is not"):
        ht.parse_numbers("1 x")


def test_read_csv_column_reads_numbers_and_flips() -> None:
    np.testing.assert_array_equal(ht.read_csv_column(b"x,y\n1,2\n3.5,4\n"), [1.0, 3.5])
    np.testing.assert_array_equal(ht.read_csv_column("x,y\n1,2\n3.5,4\n", column="y"), [2.0, 4.0])
    np.testing.assert_array_equal(ht.read_csv_column(b"flip\nH\nt\n1\n0\n", kind="flips"), [1, 0, 1, 0])


@pytest.mark.parametrize(
    ("content", "kind", "fragment"),
    [
        (b"", "numbers", "empty"),
        (b"x\n", "numbers", "at least one data row"),
        (b"x\n1\nabc\n3\n", "numbers", "row 2 holds 'abc'"),
        (b"x\n1\ninf\n", "numbers", "numbers only"),
        (b"flip\nH\nX\n", "flips", "H/T or 1/0"),
    ],
)
def test_read_csv_column_rejects_bad_files(content: bytes, kind: str, fragment: str) -> None:
    with pytest.raises(ValueError, match=r"\.$") as err:
        ht.read_csv_column(content, kind=kind)
    assert fragment in str(err.value)
