"""lib.hypothesis two-sample tests and power analyses against statsmodels and scipy.stats, plus properties."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from statsmodels.stats.power import NormalIndPower, TTestIndPower, TTestPower
from statsmodels.stats.proportion import proportion_effectsize, proportions_ztest

from lib import hypothesis as ht
from lib.hypothesis.pictures import MAX_DOTS

SM_ALTERNATIVE = {"two-sided": "two-sided", "greater": "larger", "less": "smaller"}
ALTS = list(ht.ALTERNATIVES)
rng = np.random.default_rng(19)
X = rng.normal(0.4, 1.0, 23)
Y = rng.normal(0.0, 2.0, 31)
Z = X + rng.normal(0.3, 0.5, X.size)  # paired with X


# ---------------------------------------------------------------------------
# A/B test of two proportions against statsmodels and scipy
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("alternative", ALTS)
@pytest.mark.parametrize(
    ("k1", "n1", "k2", "n2"), [(120, 1000, 90, 1000), (3, 10, 8, 12), (0, 5, 4, 9), (45, 60, 45, 60)]
)
def test_two_proportion_ztest_matches_statsmodels(k1: int, n1: int, k2: int, n2: int, alternative: str) -> None:
    ours = ht.two_proportion_ztest(k1, n1, k2, n2, alternative)
    z, p = proportions_ztest([k1, k2], [n1, n2], alternative=SM_ALTERNATIVE[alternative])
    assert ours.statistic == pytest.approx(z, abs=1e-12)
    assert ours.pvalue == pytest.approx(p, rel=1e-10, abs=1e-15)
    assert ours.estimate == pytest.approx(k1 / n1 - k2 / n2)


def test_two_proportion_z_squared_is_the_chi_square_of_the_table() -> None:
    chi2, p, _, _ = stats.chi2_contingency([[120, 880], [90, 910]], correction=False)
    ours = ht.two_proportion_ztest(120, 1000, 90, 1000)
    assert ours.statistic**2 == pytest.approx(chi2)
    assert ours.pvalue == pytest.approx(p)


@pytest.mark.parametrize("alternative", ALTS)
def test_fisher_exact_matches_scipy(alternative: str) -> None:
    ours = ht.fisher_exact_test(7, 10, 2, 10, alternative)
    odds, p = stats.fisher_exact([[7, 3], [2, 8]], alternative=alternative)
    assert (ours.statistic, ours.pvalue) == pytest.approx((odds, p))


def test_two_proportion_bad_input_is_one_sentence() -> None:
    with pytest.raises(ValueError, match="k1 must lie between 0 and n1 = 10"):
        ht.two_proportion_ztest(11, 10, 2, 10)
    with pytest.raises(ValueError, match="pooled proportion is 0 or 1"):
        ht.two_proportion_ztest(0, 10, 0, 10)
    with pytest.raises(ValueError, match="n2"):
        ht.two_proportion_ztest(1, 10, 0, 0)


@pytest.mark.parametrize(("p1", "p2"), [(0.65, 0.45), (0.1, 0.3), (0.5, 0.5), (0.0, 1.0)])
def test_cohens_h_matches_statsmodels_and_is_signed(p1: float, p2: float) -> None:
    assert ht.cohens_h(p1, p2) == pytest.approx(proportion_effectsize(p1, p2))
    assert ht.cohens_h(p2, p1) == pytest.approx(-ht.cohens_h(p1, p2))


# ---------------------------------------------------------------------------
# t-tests against scipy.stats
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("alternative", ALTS)
def test_one_sample_t_matches_scipy(alternative: str) -> None:
    ours = ht.t_test(X, mu=0.2, alternative=alternative)
    ref = stats.ttest_1samp(X, 0.2, alternative=alternative)
    assert (ours.statistic, ours.pvalue, ours.df) == pytest.approx((ref.statistic, ref.pvalue, ref.df))
    assert ours.method == "one-sample t-test"


@pytest.mark.parametrize("equal_var", [False, True])
@pytest.mark.parametrize("alternative", ALTS)
def test_two_sample_t_matches_scipy(equal_var: bool, alternative: str) -> None:
    ours = ht.t_test(X, Y, equal_var=equal_var, alternative=alternative)
    ref = stats.ttest_ind(X, Y, equal_var=equal_var, alternative=alternative)
    assert (ours.statistic, ours.pvalue, ours.df) == pytest.approx((ref.statistic, ref.pvalue, ref.df))
    assert ours.method == ("Student t-test" if equal_var else "Welch t-test")


@pytest.mark.parametrize("alternative", ALTS)
def test_paired_t_matches_scipy(alternative: str) -> None:
    ours = ht.t_test(X, Z, paired=True, alternative=alternative)
    ref = stats.ttest_rel(X, Z, alternative=alternative)
    assert (ours.statistic, ours.pvalue, ours.df) == pytest.approx((ref.statistic, ref.pvalue, ref.df))


def test_two_sample_t_with_mu_shifts_the_second_sample() -> None:
    shifted = ht.t_test(X, Y, mu=0.7)
    ref = stats.ttest_ind(X, Y + 0.7, equal_var=False)
    assert (shifted.statistic, shifted.pvalue) == pytest.approx((ref.statistic, ref.pvalue))
    assert shifted.null_value == 0.7


def test_cohens_d_by_hand() -> None:
    pooled = math.sqrt(((X.size - 1) * X.var(ddof=1) + (Y.size - 1) * Y.var(ddof=1)) / (X.size + Y.size - 2))
    assert ht.cohens_d(X, Y) == pytest.approx((X.mean() - Y.mean()) / pooled)
    assert ht.cohens_d(X, mu=0.1) == pytest.approx((X.mean() - 0.1) / X.std(ddof=1))
    d = X - Z
    assert ht.cohens_d(X, Z, paired=True) == pytest.approx(d.mean() / d.std(ddof=1))
    # The one-sample t is d √n.
    assert ht.t_test(X).statistic == pytest.approx(ht.cohens_d(X) * math.sqrt(X.size))


@pytest.mark.parametrize(
    ("call", "fragment"),
    [
        (lambda: ht.t_test([1.0]), "at least 2 observations"),
        (lambda: ht.t_test([1.0, 2.0], [3.0, 4.0, 5.0], paired=True), "same length"),
        (lambda: ht.t_test([1.0, 2.0], paired=True), "needs a second sample"),
        (lambda: ht.t_test([2.0, 2.0, 2.0]), "Every value is the same"),
        (lambda: ht.t_test([1.0, np.nan]), "finite numbers only"),
        (lambda: ht.t_test([1.0, 2.0], alternative="bigger"), "alternative must be one of"),
        (lambda: ht.cohens_d([3.0, 3.0]), "standard deviation is zero"),
    ],
)
def test_t_test_bad_input_is_one_sentence(call, fragment: str) -> None:
    with pytest.raises(ValueError, match=fragment):
        call()


# ---------------------------------------------------------------------------
# Power analyses against statsmodels (TTestIndPower, TTestPower, NormalIndPower, solve_power)
# ---------------------------------------------------------------------------

EFFECTS = [0.2, 0.5, 0.8, -0.4]


def statsmodels_power(es: float, n: float, alpha: float, alternative: str, kind: str) -> float:
    alt = SM_ALTERNATIVE[alternative]
    if kind == "two-sample":
        return TTestIndPower().power(es, n, alpha, ratio=1.0, alternative=alt)
    if kind == "two-proportions":
        return NormalIndPower().power(es, n, alpha, ratio=1.0, alternative=alt)
    return TTestPower().power(es, n, alpha, alternative=alt)


def solver_for(kind: str):
    return {"two-sample": TTestIndPower(), "two-proportions": NormalIndPower()}.get(kind, TTestPower())


@pytest.mark.parametrize("kind", ht.POWER_KINDS)
@pytest.mark.parametrize("alternative", ALTS)
@pytest.mark.parametrize("es", EFFECTS)
@pytest.mark.parametrize("n", [5, 30, 200])
def test_post_hoc_power_matches_statsmodels(kind: str, alternative: str, es: float, n: int) -> None:
    ours = ht.power_of_test(es, n, 0.05, alternative, kind)
    assert ours == pytest.approx(statsmodels_power(es, n, 0.05, alternative, kind), rel=1e-8, abs=1e-12)
    if kind in ht.T_KINDS:
        assert ht.power_t_test(es, n, 0.05, alternative, kind) == ours


@pytest.mark.parametrize("kind", ht.POWER_KINDS)
@pytest.mark.parametrize("alternative", ALTS)
@pytest.mark.parametrize(("es", "power"), [(0.5, 0.8), (0.2, 0.9), (1.2, 0.95)])
def test_a_priori_n_is_statsmodels_solve_power_rounded_up(kind: str, alternative: str, es: float, power: float) -> None:
    es = -es if alternative == "less" else es
    alt = SM_ALTERNATIVE[alternative]
    if kind == "two-sample":
        n_real = TTestIndPower().solve_power(es, nobs1=None, alpha=0.05, power=power, alternative=alt)
    else:
        n_real = solver_for(kind).solve_power(es, None, 0.05, power, alternative=alt)
    n = ht.sample_size_for_power(es, 0.05, power, alternative, kind)
    assert n == max(2, math.ceil(n_real - 1e-6))
    assert ht.power_of_test(es, n, 0.05, alternative, kind) >= power
    if n > 2:
        assert ht.power_of_test(es, n - 1, 0.05, alternative, kind) < power


def test_gpower_textbook_sample_size() -> None:
    # G*Power's manual: two-sample t, d = 0.5, α = 0.05 two-sided, power 0.95 -> 105 per group (total 210).
    assert ht.sample_size_for_power(0.5, 0.05, 0.95) == 105
    assert ht.sample_size_for_power(0.5, 0.05, 0.8) == 64


@pytest.mark.parametrize("kind", ht.POWER_KINDS)
@pytest.mark.parametrize("alternative", ALTS)
@pytest.mark.parametrize("n", [10, 64, 500])
def test_sensitivity_matches_statsmodels_solve_power(kind: str, alternative: str, n: int) -> None:
    alt = SM_ALTERNATIVE[alternative]
    kwargs = {"nobs1": n, "ratio": 1.0} if kind in ("two-sample", "two-proportions") else {"nobs": n}
    ours = ht.minimum_detectable_effect(n, 0.05, 0.8, alternative, kind)
    assert ht.power_of_test(ours, n, 0.05, alternative, kind) == pytest.approx(0.8, abs=1e-8)
    if alternative != "less":  # statsmodels' solver starts from a positive guess and misses the negative root
        ref = solver_for(kind).solve_power(effect_size=None, alpha=0.05, power=0.8, alternative=alt, **kwargs)
        assert ours == pytest.approx(ref, rel=1e-4)  # statsmodels stops at a looser tolerance than ours
    else:
        assert ours == pytest.approx(-ht.minimum_detectable_effect(n, 0.05, 0.8, "greater", kind))


@pytest.mark.parametrize("kind", ht.POWER_KINDS)
@pytest.mark.parametrize("ratio", [0.25, 1.0, 4.0])
def test_compromise_puts_beta_at_ratio_times_alpha(kind: str, ratio: float) -> None:
    alpha, beta = ht.compromise_alpha(0.5, 30, ratio, "two-sided", kind)
    assert beta == pytest.approx(ratio * alpha)
    assert 1 - ht.power_of_test(0.5, 30, alpha, "two-sided", kind) == pytest.approx(beta, rel=1e-8)
    # statsmodels: the power at the compromise α is 1 − β.
    assert statsmodels_power(0.5, 30, alpha, "two-sided", kind) == pytest.approx(1 - beta, rel=1e-8)


def test_power_against_effect_is_power_of_test_at_each_effect() -> None:
    effects = np.linspace(-1, 1, 9)
    curve = ht.power_against_effect(effects, 40, 0.05, "two-sided", "paired")
    assert curve == pytest.approx([ht.power_of_test(e, 40, 0.05, "two-sided", "paired") for e in effects])
    assert curve[4] == pytest.approx(0.05)  # at no effect the power is α


def test_large_n_does_not_fall_into_nct_nans() -> None:
    n = ht.sample_size_for_power(0.01, 0.05, 0.8)
    assert n == math.ceil(TTestIndPower().solve_power(0.01, None, 0.05, 0.8))
    assert np.isfinite(ht.power_of_test(0.3, 1_000_000, 0.05))


@pytest.mark.parametrize(
    ("call", "fragment"),
    [
        (lambda: ht.sample_size_for_power(-0.5, alternative="greater"), "must be positive"),
        (lambda: ht.sample_size_for_power(0.0), "must be non-zero"),
        (lambda: ht.sample_size_for_power(0.5, alpha=0.2, power=0.1), "power must exceed alpha"),
        (lambda: ht.sample_size_for_power(1e-5, power=0.99), "No n up to"),
        (lambda: ht.power_of_test(0.5, 1), "between 2 and"),
        (lambda: ht.power_t_test(0.5, 10, kind="two-proportions"), "kind must be one of"),
        (lambda: ht.compromise_alpha(0.5, 10, ratio=0), "ratio"),
    ],
)
def test_power_bad_input_is_one_sentence(call, fragment: str) -> None:
    with pytest.raises(ValueError, match=fragment):
        call()


# Unequal groups: G*Power's allocation ratio N2/N1, statsmodels' ratio = nobs2 / nobs1
TWO_GROUP_SOLVERS = {"two-sample": TTestIndPower(), "two-proportions": NormalIndPower()}


@pytest.mark.parametrize("kind", ht.TWO_GROUP_KINDS)
@pytest.mark.parametrize("alternative", ALTS)
@pytest.mark.parametrize("ratio", [0.25, 0.5, 2.0, 3.0])
@pytest.mark.parametrize("n", [5, 40])
def test_post_hoc_power_with_unequal_groups_matches_statsmodels(kind, alternative, ratio, n) -> None:
    es = -0.5 if alternative == "less" else 0.5
    ref = TWO_GROUP_SOLVERS[kind].power(es, n, 0.05, ratio=ratio, alternative=SM_ALTERNATIVE[alternative])
    assert ht.power_of_test(es, n, 0.05, alternative, kind, ratio=ratio) == pytest.approx(ref, rel=1e-8)
    curve = ht.power_against_effect(np.array([es]), n, 0.05, alternative, kind, ratio=ratio)
    assert curve[0] == pytest.approx(ref, rel=1e-8)


@pytest.mark.parametrize("kind", ht.TWO_GROUP_KINDS)
@pytest.mark.parametrize("ratio", [0.5, 2.0, 3.0])
def test_a_priori_and_sensitivity_with_unequal_groups_match_solve_power(kind, ratio) -> None:
    solver = TWO_GROUP_SOLVERS[kind]
    n_real = solver.solve_power(0.4, nobs1=None, alpha=0.05, power=0.8, ratio=ratio)
    n1 = ht.sample_size_for_power(0.4, 0.05, 0.8, kind=kind, ratio=ratio)
    assert n1 == math.ceil(n_real - 1e-6)
    assert ht.power_of_test(0.4, n1 - 1, 0.05, kind=kind, ratio=ratio) < 0.8
    n1_, n2 = ht.group_sizes(n1, ratio)  # whole groups: group 2 rounded up, the power only rises
    assert (n1_, n2) == (n1, math.ceil(ratio * n1 - 1e-9))
    assert ht.power_of_test(0.4, n1, 0.05, kind=kind, ratio=n2 / n1) >= 0.8
    ref = solver.solve_power(effect_size=None, nobs1=50, alpha=0.05, power=0.8, ratio=ratio)
    assert ht.minimum_detectable_effect(50, 0.05, 0.8, kind=kind, ratio=ratio) == pytest.approx(ref, rel=1e-4)
    alpha, beta = ht.compromise_alpha(0.4, 50, 1.0, kind=kind, group_ratio=ratio)
    assert solver.power(0.4, 50, alpha, ratio=ratio) == pytest.approx(1 - beta, rel=1e-8)


def test_unequal_groups_power_is_the_simulated_rejection_rate() -> None:
    # Student's t-test on 20 against 60 normal values, d = 0.5: 4,000 simulated studies reject at the power.
    rng_ = np.random.default_rng(7)
    x, y = rng_.normal(0.5, 1.0, (4000, 20)), rng_.normal(0.0, 1.0, (4000, 60))
    rate = (stats.ttest_ind(x, y, axis=1).pvalue <= 0.05).mean()
    power = ht.power_of_test(0.5, 20, 0.05, ratio=3.0)
    assert abs(rate - power) < 4 * math.sqrt(power * (1 - power) / 4000)
    assert power > ht.power_of_test(0.5, 20, 0.05)  # 40 more in group 2 help


def test_ratio_is_a_two_group_setting() -> None:
    assert ht.power_of_test(0.5, 64, ratio=1.0) == ht.power_of_test(0.5, 64)  # the default is equal groups
    with pytest.raises(ValueError, match="applies to the two-group tests only"):
        ht.power_of_test(0.5, 30, kind="paired", ratio=2.0)
    for bad in (0.0, -1.0, 1e3, float("nan")):
        with pytest.raises(ValueError, match="allocation ratio N2/N1"):
            ht.sample_size_for_power(0.5, ratio=bad)


@settings(max_examples=40, deadline=None)
@given(
    es=st.floats(0.05, 2.0),
    n=st.integers(2, 5000),
    alpha=st.floats(0.001, 0.2),
    kind=st.sampled_from(ht.POWER_KINDS),
)
def test_power_rises_with_n_and_effect(es: float, n: int, alpha: float, kind: str) -> None:
    p = ht.power_of_test(es, n, alpha, "greater", kind)
    assert alpha - 1e-9 <= p <= 1
    assert ht.power_of_test(es, n + 10, alpha, "greater", kind) >= p - 1e-12
    assert ht.power_of_test(es * 1.1, n, alpha, "greater", kind) >= p - 1e-12


# ---------------------------------------------------------------------------
# The randomisation test against scipy.stats.permutation_test
# ---------------------------------------------------------------------------


def scipy_permutation(x, y, n_resamples: int, seed: int = 0):
    return stats.permutation_test(
        (x, y), ht.mean_difference, permutation_type="independent", vectorized=True, n_resamples=n_resamples, rng=seed
    )


@pytest.mark.parametrize(("x", "y"), [([1.0, 2.0, 3.0], [4.0, 5.0, 6.0]), ([1.0, 2.0, 2.0, 7.0], [2.0, 3.0, 9.0])])
def test_exact_permutation_test_equals_scipy(x, y) -> None:
    ours = ht.permutation_test(x, y, n_resamples=10_000)
    ref = scipy_permutation(x, y, 10_000)
    assert ours.method == "randomisation test, exact"
    assert ours.statistic == pytest.approx(ref.statistic)
    assert ours.pvalue == pytest.approx(ref.pvalue)
    assert np.sort(ours.null_distribution) == pytest.approx(np.sort(ref.null_distribution))


def test_random_permutation_test_agrees_with_scipy_within_monte_carlo_error() -> None:
    ours = ht.permutation_test(X, Y, n_resamples=20_000, seed=1)
    ref = scipy_permutation(X, Y, 20_000)
    se = math.sqrt(ref.pvalue * (1 - ref.pvalue) / 20_000)
    assert abs(ours.pvalue - ref.pvalue) < 5 * 2 * se + 1e-4
    assert ours.null_distribution.size == 20_000
    assert ours.null_distribution.mean() == pytest.approx(0.0, abs=0.05)
    # The randomisation test and Welch's t agree roughly here (normal data, moderate n).
    assert ours.pvalue == pytest.approx(ht.t_test(X, Y).pvalue, abs=0.05)


def test_permutation_test_is_seeded_and_takes_scipy_statistics() -> None:
    a = ht.permutation_test(X, Y, n_resamples=999, seed=3)
    b = ht.permutation_test(X, Y, n_resamples=999, seed=3)
    assert a.pvalue == b.pvalue
    assert np.array_equal(a.null_distribution, b.null_distribution)

    def median_gap(u, v, axis=-1):
        return np.median(u, axis=axis) - np.median(v, axis=axis)

    ours = ht.permutation_test(X[:6], Y[:6], median_gap, n_resamples=1000)  # 924 deals: exact
    ref = stats.permutation_test((X[:6], Y[:6]), median_gap, vectorized=True, n_resamples=1000)
    assert ours.pvalue == pytest.approx(ref.pvalue)


def test_permutation_test_of_proportions_is_close_to_fisher() -> None:
    # 0/1 data: the randomisation test of a difference in proportions is a Monte-Carlo Fisher test.
    x = np.r_[np.ones(7), np.zeros(3)]
    y = np.r_[np.ones(2), np.zeros(8)]
    ours = ht.permutation_test(x, y, n_resamples=200_000, seed=0)
    assert ours.pvalue == pytest.approx(ht.fisher_exact_test(7, 10, 2, 10).pvalue, abs=0.005)


# ---------------------------------------------------------------------------
# JASP-style Bayes: sequential BF and robustness
# ---------------------------------------------------------------------------


def test_sequential_bf_ends_at_the_bayes_factor_of_all_flips() -> None:
    flips = ht.simulate_flips(0.6, 200, 4)
    path = ht.sequential_bf01(flips, 0.5, 2.0, 3.0)
    assert path.shape == (200,)
    assert path[-1] == pytest.approx(ht.bayes_factor_binomial(int(flips.sum()), 200, 0.5, 2.0, 3.0))
    assert path[9] == pytest.approx(ht.bayes_factor_binomial(int(flips[:10].sum()), 10, 0.5, 2.0, 3.0))


def test_robustness_at_concentration_two_is_the_uniform_prior() -> None:
    c, bf = ht.bf01_robustness(115, 200, 0.5)
    assert c.size == bf.size
    assert np.isfinite(bf).all()
    _, uniform = ht.bf01_robustness(115, 200, 0.5, np.array([2.0]))
    assert uniform[0] == pytest.approx(ht.bayes_factor_binomial(115, 200))
    _, piled = ht.bf01_robustness(115, 200, 0.5, np.array([1e9]))
    assert piled[0] == pytest.approx(1.0, abs=1e-3)  # a prior piled on p0 is H0 itself


def test_prior_and_posterior_densities_integrate_to_one() -> None:
    for k, n in ((30, 50), (500_123, 1_000_000)):  # the second posterior is far narrower than the even grid
        grid = ht.beta_prior_posterior(k, n, 2.0, 2.0)
        assert np.all(np.diff(grid[:, 0]) > 0)
        assert np.trapezoid(grid[:, 1], grid[:, 0]) == pytest.approx(1.0, abs=0.01)
        assert np.trapezoid(grid[:, 2], grid[:, 0]) == pytest.approx(1.0, abs=0.01)
    grid = ht.beta_prior_posterior(30, 50, 2.0, 2.0, points=4001)
    assert grid[np.argmax(grid[:, 2]), 0] == pytest.approx(31 / 52, abs=0.001)  # the mode of Beta(32, 22)


# ---------------------------------------------------------------------------
# The t-tests drawn: the null curve's shaded area is the p-value; the intervals are scipy's
# ---------------------------------------------------------------------------

T_CASES = {
    "Welch": ({"y": Y}, lambda level: stats.ttest_ind(X, Y, equal_var=False).confidence_interval(level)),
    "Student": ({"y": Y, "equal_var": True}, lambda level: stats.ttest_ind(X, Y).confidence_interval(level)),
    "paired": ({"y": Z, "paired": True}, lambda level: stats.ttest_rel(X, Z).confidence_interval(level)),
    "one-sample": ({}, lambda level: stats.ttest_1samp(X, 0.0).confidence_interval(level)),
}


@pytest.mark.parametrize("case", list(T_CASES))
@pytest.mark.parametrize("alternative", ALTS)
def test_t_null_curve_shades_the_p_value(case: str, alternative: str) -> None:
    kwargs, _ = T_CASES[case]
    result = ht.t_test(X, alternative=alternative, **kwargs)
    curve = ht.t_null_curve(result.statistic, result.df, alternative)
    np.testing.assert_allclose(curve["density"], stats.t.pdf(curve["t"], result.df), rtol=1e-12)
    shaded = curve[curve["area"] == "p-value area"]
    edge = curve["t"].max()  # the grid is symmetric: add t's mass beyond it to the shaded area
    area = sum(np.trapezoid(g["density"], g["t"]) for _, g in shaded.groupby("segment"))
    beyond = {"two-sided": 2, "greater": 1, "less": 1}[alternative] * stats.t.sf(edge, result.df)
    assert abs(result.statistic) < edge
    assert area + beyond == pytest.approx(result.pvalue, abs=2e-4)
    if len(shaded):  # the shading starts at the observed t itself
        inner = {"two-sided": shaded["t"].abs().min(), "greater": shaded["t"].min(), "less": shaded["t"].max()}
        observed = abs(result.statistic) if alternative == "two-sided" else result.statistic
        assert inner[alternative] == pytest.approx(observed)


@pytest.mark.parametrize("case", list(T_CASES))
@pytest.mark.parametrize("level", [0.95, 0.9])
def test_mean_intervals_are_scipys_confidence_intervals(case: str, level: float) -> None:
    kwargs, reference = T_CASES[case]
    flags = {k: v for k, v in kwargs.items() if k != "y"}
    intervals, dots = ht.mean_intervals(X, kwargs.get("y"), level=level, **flags)
    tested = intervals[intervals["tested"]].iloc[0]
    ci = reference(level)
    assert (tested["low"], tested["high"]) == pytest.approx((ci.low, ci.high), rel=1e-10)
    assert tested["estimate"] == pytest.approx(ht.t_test(X, **kwargs).estimate)
    x_row = intervals.set_index("what").loc["mean of x"]
    ci_x = stats.ttest_1samp(X, 0.0).confidence_interval(level)
    assert (x_row["low"], x_row["high"]) == pytest.approx((ci_x.low, ci_x.high), rel=1e-10)
    assert set(dots["what"]) <= set(intervals["what"])
    assert (dots["what"] == "mean of x").sum() == X.size


@settings(max_examples=30, deadline=None)
@given(shift=st.floats(-1.5, 1.5), level=st.floats(0.8, 0.99), equal_var=st.booleans())
def test_the_tested_interval_excludes_mu_exactly_when_the_test_rejects(shift, level, equal_var) -> None:
    y = Y[:12] + shift
    intervals, _ = ht.mean_intervals(X, y, equal_var=equal_var, level=level)
    tested = intervals[intervals["tested"]].iloc[0]
    p = ht.t_test(X, y, equal_var=equal_var).pvalue
    if abs(p - (1 - level)) > 1e-9:
        assert (not tested["low"] <= 0 <= tested["high"]) == (p < 1 - level)


def test_large_samples_are_drawn_as_500_quantiles() -> None:
    big = np.random.default_rng(0).normal(size=5000)
    intervals, dots = ht.mean_intervals(big, big[::-1] + 1)
    assert (dots.groupby("what").size() == MAX_DOTS).all()
    assert dots["value"].min() == big.min()
    assert intervals.loc[0, "n"] == 5000
