"""lib.choice against closed forms, an independent scipy fit, numerical derivatives and a published table."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy import optimize, stats

from lib import choice as ch
from lib.choice.probit import _difference_covariance

utility_rows = arrays(
    np.float64,
    st.tuples(st.integers(1, 5), st.integers(2, 6)),
    elements=st.floats(-700, 700, allow_nan=False, allow_infinity=False),
)


# ---------------------------------------------------------------------------
# Probabilities
# ---------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(V=utility_rows, data=st.data())
def test_mnl_probabilities_sum_to_one_and_respect_availability(V: np.ndarray, data) -> None:
    av = data.draw(arrays(np.bool_, V.shape))
    av[np.arange(V.shape[0]), data.draw(st.integers(0, V.shape[1] - 1))] = True
    P = ch.mnl_probabilities(V, av)
    assert np.all(np.isfinite(P))
    np.testing.assert_allclose(P.sum(axis=1), 1.0, rtol=1e-12)
    assert np.all(P[~av] == 0.0)
    assert np.all(P >= 0)


@settings(max_examples=60, deadline=None)
@given(V=utility_rows, data=st.data())
def test_nested_logit_probabilities_sum_to_one(V: np.ndarray, data) -> None:
    J = V.shape[1]
    cut = data.draw(st.integers(1, J))
    nests = [list(range(cut)), list(range(cut, J))] if cut < J else [list(range(J))]
    lambdas = data.draw(st.lists(st.floats(0.05, 1.0), min_size=len(nests), max_size=len(nests)))
    P = ch.nested_logit_probabilities(V, nests, lambdas)
    assert np.all(np.isfinite(P))
    np.testing.assert_allclose(P.sum(axis=1), 1.0, rtol=1e-12)


@settings(max_examples=40, deadline=None)
@given(V=utility_rows)
def test_nested_logit_with_every_lambda_one_is_mnl(V: np.ndarray) -> None:
    J = V.shape[1]
    for nests in ([list(range(J))], [[j] for j in range(J)], [[0], list(range(1, J))]):
        np.testing.assert_allclose(ch.nested_logit_probabilities(V, nests, 1.0), ch.mnl_probabilities(V), atol=1e-12)


def test_mnl_matches_scipy_softmax_and_is_stable() -> None:
    from scipy.special import softmax

    V = np.array([[1.0, 2.0, 3.0], [1e6, 1e6 - 1, -1e6]])
    np.testing.assert_allclose(ch.mnl_probabilities(V), softmax(V, axis=1))
    P = ch.mnl_probabilities([5.0, 1e308, 0.0], [True, False, True])
    assert P[1] == 0.0
    np.testing.assert_allclose(P, [np.exp(5) / (np.exp(5) + 1), 0, 1 / (np.exp(5) + 1)])


@pytest.mark.parametrize("lam", [1.0, 0.8, 0.5, 0.2, 0.05])
def test_red_bus_identity(lam: float) -> None:
    # Car, red bus, blue bus with equal utility; the buses share a nest: P(car) = 1 / (1 + 2^λ).
    for v in (0.0, 3.7):
        P = ch.nested_logit_probabilities([v, v, v], [[0], [1, 2]], [1.0, lam])
        assert P[0] == pytest.approx(1 / (1 + 2**lam), rel=1e-12)
        assert P[1] == pytest.approx(P[2])
    assert ch.red_bus_car_share(lam) == pytest.approx(1 / (1 + 2**lam))


def test_red_bus_paradox_under_mnl() -> None:
    # Before the clone: car and bus split 50/50. After it: MNL gives the car 1/3, not 1/2.
    np.testing.assert_allclose(ch.mnl_probabilities([0.0, 0.0]), [0.5, 0.5])
    np.testing.assert_allclose(ch.mnl_probabilities([0.0, 0.0, 0.0]), [1 / 3] * 3)
    # A nearly perfect nest recovers the common-sense answer.
    P = ch.nested_logit_probabilities([0.0, 0.0, 0.0], [[0], [1, 2]], [1.0, 1e-6])
    np.testing.assert_allclose(P, [0.5, 0.25, 0.25], atol=1e-6)


@pytest.mark.parametrize(
    ("v1", "v2", "rho", "s2"), [(1.0, 0.0, 0.0, 1.0), (0.3, 0.9, 0.5, 2.0), (-2.0, 1.0, -0.3, 0.5)]
)
def test_probit_with_two_alternatives_is_the_exact_normal_cdf(v1, v2, rho, s2) -> None:
    cov = np.array([[1.0, rho * np.sqrt(s2)], [rho * np.sqrt(s2), s2]])
    P = ch.probit_probabilities([v1, v2], cov, n_draws=5, seed=1)
    exact = stats.norm.cdf((v1 - v2) / np.sqrt(1 + s2 - 2 * rho * np.sqrt(s2)))
    assert P[0] == pytest.approx(exact, abs=1e-12)
    assert ch.probit_binary_exact(v1, v2, cov) == pytest.approx(exact)


def test_probit_ghk_agrees_with_scipy_multivariate_normal() -> None:
    V = np.array([0.8, 0.2, 0.0, -0.4])
    cov = np.array([[1.0, 0.3, 0.0, 0.1], [0.3, 1.5, 0.4, 0.0], [0.0, 0.4, 1.0, 0.2], [0.1, 0.0, 0.2, 0.8]])
    exact = [
        stats.multivariate_normal(cov=_difference_covariance(cov, i)).cdf(V[i] - np.delete(V, i), rng=0)
        for i in range(4)
    ]
    P = ch.probit_probabilities(V, cov, n_draws=50_000, seed=3)
    np.testing.assert_allclose(P, exact, atol=3e-3)
    np.testing.assert_allclose(P.sum(), 1.0)


def test_probit_red_bus_tends_to_half_as_the_buses_correlate() -> None:
    P_independent = ch.probit_probabilities([0.0, 0.0, 0.0], ch.red_bus_covariance(0.0), 20_000, seed=0)
    P_clone = ch.probit_probabilities([0.0, 0.0, 0.0], ch.red_bus_covariance(0.999), 20_000, seed=0)
    assert P_independent[0] == pytest.approx(1 / 3, abs=5e-3)
    assert P_clone[0] == pytest.approx(0.5, abs=0.02)


def test_probit_is_reproducible_and_converges() -> None:
    V, cov = [0.5, 0.0, -0.5], ch.red_bus_covariance(0.5)
    a = ch.probit_probabilities(V, cov, 100, seed=7)
    np.testing.assert_array_equal(a, ch.probit_probabilities(V, cov, 100, seed=np.random.default_rng(7)))
    reference = ch.probit_probabilities(V, cov, 200_000, seed=99)
    errors = [np.abs(ch.probit_probabilities(V, cov, n, seed=1) - reference).max() for n in (10, 100_000)]
    assert errors[1] < errors[0]
    assert errors[1] < 2e-3


# ---------------------------------------------------------------------------
# Estimation
# ---------------------------------------------------------------------------

TRUE_BETA = np.array([0.5, -0.3, -1.0, 0.6])  # asc_1, asc_2, x1 (price), x2 (comfort)


@pytest.fixture(scope="module")
def simulated() -> tuple[np.ndarray, np.ndarray, tuple[str, ...]]:
    X, names = ch.simulate_design(4000, 3, 2, seed=11)
    y = ch.simulate_choices(X, TRUE_BETA, seed=12)
    return X, y, names


def test_conditional_logit_recovers_simulated_coefficients_within_their_standard_errors(simulated) -> None:
    X, y, names = simulated
    fit = ch.fit_conditional_logit(X, y, names=names)
    assert fit.converged
    assert fit.names == names
    z = (fit.params - TRUE_BETA) / fit.std_errors
    assert np.all(np.abs(z) < 3), z  # each within 3 SE (fixed seed)
    assert np.abs(z).mean() < 1.6
    assert fit.loglik > fit.null_loglik
    assert fit.null_loglik == pytest.approx(4000 * np.log(1 / 3))
    assert fit.rho_squared == pytest.approx(1 - fit.loglik / fit.null_loglik)
    assert fit.aic == pytest.approx(2 * 4 - 2 * fit.loglik)


def test_conditional_logit_agrees_with_an_independent_scipy_fit(simulated) -> None:
    X, y, names = simulated
    fit = ch.fit_conditional_logit(X, y, names=names)

    def negative_loglik(beta):  # written here independently of lib
        V = X @ beta
        return -(V[np.arange(len(y)), y] - np.log(np.exp(V).sum(axis=1))).sum()

    reference = optimize.minimize(negative_loglik, np.zeros(4), method="BFGS", options={"gtol": 1e-8})
    np.testing.assert_allclose(fit.params, reference.x, atol=1e-4)
    assert fit.loglik == pytest.approx(-reference.fun, abs=1e-8)
    beta = np.array([0.1, 0.2, -0.3, 0.4])
    assert ch.mnl_loglik(beta, X, y) == pytest.approx(-negative_loglik(beta))
    numerical = optimize.approx_fprime(beta, lambda b: -negative_loglik(b), 1e-6)
    np.testing.assert_allclose(ch.mnl_gradient(beta, X, y), numerical, rtol=1e-5, atol=1e-3)
    np.testing.assert_allclose(fit.gradient, 0.0, atol=1e-6)


def test_conditional_logit_standard_errors_match_a_numerical_hessian(simulated) -> None:
    X, y, _ = simulated
    fit = ch.fit_conditional_logit(X, y)
    hessian = np.empty((4, 4))
    h = 1e-4
    for i in range(4):
        step = np.eye(4)[i] * h
        hessian[:, i] = (ch.mnl_gradient(fit.params + step, X, y) - ch.mnl_gradient(fit.params - step, X, y)) / (2 * h)
    np.testing.assert_allclose(fit.std_errors, np.sqrt(np.diag(np.linalg.inv(-hessian))), rtol=1e-6)


def test_conditional_logit_is_statsmodels_conditional_logit() -> None:
    # statsmodels' ConditionalLogit (groups with exactly one success) is the same likelihood.
    from statsmodels.discrete.conditional_models import ConditionalLogit

    X, _names = ch.simulate_design(300, 3, 2, seed=5, asc=False)
    y = ch.simulate_choices(X, [-1.0, 0.5], seed=6)
    ours = ch.fit_conditional_logit(X, y)
    endog = (np.arange(3)[None, :] == y[:, None]).ravel().astype(float)
    reference = ConditionalLogit(endog, X.reshape(-1, 2), groups=np.repeat(np.arange(300), 3)).fit(disp=0)
    # statsmodels stops its BFGS a little early: same maximum within its tolerance, ours never lower.
    np.testing.assert_allclose(ours.params, reference.params, atol=1e-4)
    np.testing.assert_allclose(ours.std_errors, reference.bse, rtol=1e-3)
    assert ours.loglik >= reference.llf - 1e-9
    assert ours.loglik == pytest.approx(reference.llf, abs=1e-6)


def test_availability_changes_the_likelihood_correctly() -> None:
    X, _ = ch.simulate_design(500, 3, 1, seed=2)
    av = np.ones((500, 3), dtype=bool)
    av[::2, 2] = False
    y = ch.simulate_choices(X, [0.3, -0.2, -0.8], seed=3, availability=av)
    assert np.all(av[np.arange(500), y])
    fit = ch.fit_conditional_logit(X, y, av)
    assert fit.null_loglik == pytest.approx(-(250 * np.log(2) + 250 * np.log(3)))
    assert np.isfinite(fit.loglik)


def test_nested_logit_gradient_and_standard_errors_are_right() -> None:
    X, names = ch.simulate_design(1500, 3, 1, seed=21)
    nests = [[0], [1, 2]]
    y = ch.simulate_choices(X, [0.2, 0.1, -1.0], seed=22, nests=nests, lambdas=[1.0, 0.5])
    theta = np.array([0.1, 0.3, -0.7, 0.6])
    numerical = optimize.approx_fprime(theta, lambda t: ch.nested_loglik(t, X, y, nests), 1e-7)
    np.testing.assert_allclose(ch.nested_gradient(theta, X, y, nests), numerical, rtol=1e-4, atol=1e-3)
    fit = ch.fit_nested_logit(X, y, nests, names=names)
    # An independent optimiser (Nelder-Mead, no gradient) reaches the same maximum.
    reference = optimize.minimize(
        lambda t: -ch.nested_loglik(t, X, y, nests) if 0.02 < t[-1] < 5 else np.inf,
        np.array([0.0, 0.0, -0.5, 0.9]),
        method="Nelder-Mead",
        options={"xatol": 1e-8, "fatol": 1e-10, "maxiter": 20_000, "maxfev": 20_000},
    )
    assert fit.loglik == pytest.approx(-reference.fun, abs=1e-6)
    np.testing.assert_allclose(np.r_[fit.params, fit.lambdas[1]], reference.x, atol=2e-3)
    assert fit.lambdas[0] == 1.0
    assert fit.lambdas.shape == (2,)
    assert abs(fit.lambdas[1] - 0.5) < 3 * fit.lambda_std_errors[1]
    # Standard errors from the Hessian of the log-likelihood itself (second differences of values).
    h, n = 1e-3, 4
    t0 = np.r_[fit.params, fit.lambdas[1]]
    H = np.empty((n, n))
    f = lambda t: ch.nested_loglik(t, X, y, nests)  # noqa: E731
    for i in range(n):
        for j in range(n):
            ei, ej = np.eye(n)[i] * h, np.eye(n)[j] * h
            H[i, j] = (f(t0 + ei + ej) - f(t0 + ei - ej) - f(t0 - ei + ej) + f(t0 - ei - ej)) / (4 * h * h)
    se = np.sqrt(np.diag(np.linalg.inv(-H)))
    np.testing.assert_allclose(np.r_[fit.std_errors, fit.lambda_std_errors[1]], se, rtol=2e-3)


def test_iia_tests_detect_a_nest_and_accept_the_mnl() -> None:
    X, _names = ch.simulate_design(3000, 3, 1, seed=31)
    nests = [[0], [1, 2]]
    beta = [0.2, 0.1, -1.0]
    y_nested = ch.simulate_choices(X, beta, seed=32, nests=nests, lambdas=[1.0, 0.3])
    y_mnl = ch.simulate_choices(X, beta, seed=33)
    lr_nested = ch.iia_lr_test(ch.fit_conditional_logit(X, y_nested), ch.fit_nested_logit(X, y_nested, nests))
    lr_mnl = ch.iia_lr_test(ch.fit_conditional_logit(X, y_mnl), ch.fit_nested_logit(X, y_mnl, nests))
    assert lr_nested.pvalue < 1e-4
    assert lr_nested.df == 1
    assert lr_mnl.pvalue > 0.05
    assert ch.hausman_mcfadden_test(X, y_mnl, [0]).pvalue > 0.05
    assert ch.hausman_mcfadden_test(X, y_nested, [1]).pvalue < 1e-4


# Greene, W. H. (2003) Econometric Analysis, 5th ed., Table 21.11: conditional logit of the travel-mode data
# (210 trips, air/train/bus/car), as reproduced by R's mlogit (estimates and standard errors below).
# The data are statsmodels' bundled `modechoice` dataset (Greene's Table F21.2 / F18-2), read at test time.
GREENE_2003 = {
    "air": (5.207433, 0.779055),
    "train": (3.869036, 0.443127),
    "bus": (3.163190, 0.450266),
    "gc": (-0.015501, 0.004408),
    "ttme": (-0.096125, 0.010440),
    "hinc_air": (0.013287, 0.010262),
}


def travel_mode() -> tuple[np.ndarray, np.ndarray]:
    sm_datasets = pytest.importorskip("statsmodels.datasets")
    data = sm_datasets.modechoice.load_pandas().data
    n, J = 210, 4
    column = lambda name: data[name].to_numpy().reshape(n, J)  # noqa: E731
    is_air = np.broadcast_to(np.eye(J)[0], (n, J))
    constants = [np.broadcast_to(np.eye(J)[j], (n, J)) for j in range(3)]
    X = np.stack([*constants, column("gc"), column("ttme"), column("hinc") * is_air], axis=2)
    return X, column("choice").argmax(axis=1)


def test_reproduces_greene_table_21_11_on_the_travel_mode_data() -> None:
    X, y = travel_mode()
    fit = ch.fit_conditional_logit(X, y, names=list(GREENE_2003))
    expected, expected_se = np.array(list(GREENE_2003.values())).T
    np.testing.assert_allclose(fit.params, expected, rtol=2e-5, atol=2e-6)
    np.testing.assert_allclose(fit.std_errors, expected_se, rtol=5e-5, atol=1e-6)
    assert fit.loglik == pytest.approx(-199.1284, abs=1e-4)
    # mlogit's McFadden R² (against the market-share model, LL = -283.7588) is 0.29825.
    shares = np.bincount(y) / len(y)
    assert 1 - fit.loglik / (np.bincount(y) * np.log(shares)).sum() == pytest.approx(0.29825, abs=1e-5)


def test_travel_mode_nested_logit_rejects_iia() -> None:
    X, y = travel_mode()
    mnl = ch.fit_conditional_logit(X, y, names=list(GREENE_2003))
    nested = ch.fit_nested_logit(X, y, [[0], [1, 2, 3]], names=list(GREENE_2003))  # fly vs ground
    assert nested.loglik > mnl.loglik
    assert 0 < nested.lambdas[1] < 1
    assert ch.iia_lr_test(mnl, nested).pvalue < 0.01


# ---------------------------------------------------------------------------
# Elasticities and willingness to pay
# ---------------------------------------------------------------------------


def test_elasticities_match_finite_differences() -> None:
    X = np.array([[1.0, 0.0, 2.0, 0.3], [0.0, 1.0, 1.5, 0.8], [0.0, 0.0, 1.0, 0.1]])
    beta = np.array([0.4, -0.2, -0.9, 1.1])
    for nests, lambdas in ((None, None), ([[0], [1, 2]], [1.0, 0.4])):
        E = ch.elasticities(X, beta, 2, nests, lambdas)

        def shares(Xm, nests=nests, lambdas=lambdas):
            V = Xm @ beta
            return ch.mnl_probabilities(V) if nests is None else ch.nested_logit_probabilities(V, nests, lambdas)

        for j in range(3):
            Xp, Xm = X.copy(), X.copy()
            Xp[j, 2] *= 1 + 1e-6
            Xm[j, 2] *= 1 - 1e-6
            numerical = (np.log(shares(Xp)) - np.log(shares(Xm))) / 2e-6
            np.testing.assert_allclose(E[:, j], numerical, rtol=1e-5, atol=1e-8)
    mnl = ch.elasticities(X, beta, 2)
    assert mnl[1, 0] == pytest.approx(mnl[2, 0])  # IIA: equal cross-elasticities


def test_willingness_to_pay_and_its_delta_method_error() -> None:
    params, names = np.array([-0.05, -0.2, 0.5]), ["time", "price", "comfort"]
    cov = np.array([[1e-4, 2e-5, 0.0], [2e-5, 4e-4, 0.0], [0.0, 0.0, 1e-2]])
    wtp = ch.willingness_to_pay(params, names, "price", cov).set_index("attribute")
    assert wtp.loc["time", "wtp"] == pytest.approx(-0.25)  # value of time: 0.25 per minute
    assert wtp.loc["comfort", "wtp"] == pytest.approx(2.5)
    rng = np.random.default_rng(0)
    draws = rng.multivariate_normal(params, cov, 400_000)
    draws = draws[draws[:, 1] < -0.05]
    assert wtp.loc["time", "std_error"] == pytest.approx(np.std(-draws[:, 0] / draws[:, 1]), rel=0.1)


# ---------------------------------------------------------------------------
# Reading tables and bad input
# ---------------------------------------------------------------------------


def long_table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "obs": [1, 1, 1, 2, 2, 3, 3, 3, 4, 4, 4],
            "alt": ["car", "bus", "rail"] + ["car", "bus"] + ["car", "bus", "rail"] * 2,
            "chosen": [1, 0, 0, 0, 1, 0, 0, 1, 0, 1, 0],
            "cost": [5.0, 2, 3, 4, 2, 6, 1, 2, 5, 2, 2],
            "time": [20.0, 40, 30, 25, 35, 15, 45, 25, 30, 30, 40],
        }
    )


def test_long_table_is_read_with_missing_rows_unavailable() -> None:
    data = ch.choice_data_from_frame(long_table())
    assert data.alternatives == ("car", "bus", "rail")
    assert data.names == ("asc_bus", "asc_rail", "cost", "time")
    np.testing.assert_array_equal(data.choice, [0, 1, 2, 1])
    assert not data.availability[1, 2]
    assert data.availability[0].all()
    assert data.X[2, 1, 2] == 1.0  # obs 3, bus, cost


def test_wide_table_gives_the_same_arrays_as_long() -> None:
    wide = pd.DataFrame(
        {
            "choice": ["car", "bus", "rail", "bus"],
            "cost_car": [5.0, 4, 6, 5],
            "cost_bus": [2.0, 2, 1, 2],
            "cost_rail": [3.0, 0, 2, 2],
            "time_car": [20.0, 25, 15, 30],
            "time_bus": [40.0, 35, 45, 30],
            "time_rail": [30.0, 0, 25, 40],
            "av_car": [1, 1, 1, 1],
            "av_bus": [1, 1, 1, 1],
            "av_rail": [1, 0, 1, 1],
        }
    )
    a, b = ch.choice_data_from_frame(wide, "wide"), ch.choice_data_from_frame(long_table(), "long")
    np.testing.assert_array_equal(a.X, b.X)
    np.testing.assert_array_equal(a.availability, b.availability)
    np.testing.assert_array_equal(a.choice, b.choice)


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        (lambda f: f.drop(columns="chosen"), "missing: chosen"),
        (lambda f: f.assign(cost=["cheap"] + [1] * 10), "numbers only"),
        (lambda f: f.assign(chosen=[1, 1, 0, 0, 1, 0, 0, 1, 0, 1, 0]), "exactly one row"),
        (
            lambda f: f.assign(available=[1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1], chosen=[0, 1, 0, 0, 1, 0, 0, 1, 0, 1, 0]),
            "not available",
        ),
        (lambda f: f.assign(chosen=[1, 0, 0, 0, 1, 0, 1, 0, 0, 1, 0]), "Nobody chose alternative 'rail'"),
        (lambda f: f[["obs", "alt", "chosen"]], "attribute column"),
        (lambda f: f.iloc[:0], "empty"),
    ],
)
def test_bad_tables_get_one_clear_sentence(change, fragment: str) -> None:
    with pytest.raises(ValueError, match=fragment):
        ch.choice_data_from_frame(change(long_table()))


def test_bad_wide_tables() -> None:
    with pytest.raises(ValueError, match="choice column"):
        ch.choice_data_from_frame(pd.DataFrame({"cost_a": [1], "cost_b": [2]}), "wide")
    with pytest.raises(ValueError, match="attribute>_<alternative"):
        ch.choice_data_from_frame(pd.DataFrame({"choice": ["a", "b"], "cost_a": [1, 2], "weird": [1, 2]}), "wide")
    with pytest.raises(ValueError, match="not available"):
        ch.choice_data_from_frame(
            pd.DataFrame({"choice": ["a", "b"], "x_a": [1, 2], "x_b": [0, 1], "av_a": [1, 1], "av_b": [1, 0]}), "wide"
        )


@pytest.mark.parametrize(
    ("call", "fragment"),
    [
        (lambda: ch.mnl_probabilities(np.zeros((2, 2, 2))), "shape"),
        (lambda: ch.mnl_probabilities([0.0, 1.0], [False, False]), "at least one available"),
        (lambda: ch.mnl_probabilities([np.nan, 1.0]), "finite"),
        (lambda: ch.nested_logit_probabilities([0, 0, 0], [[0], [1]], [1, 1]), "exactly once"),
        (lambda: ch.nested_logit_probabilities([0, 0, 0], [[0], [1, 2]], [1, 1.5]), r"\(0, 1\]"),
        (lambda: ch.nested_logit_probabilities([0, 0, 0], [[0], [1, 2]], [1, 0]), r"\(0, 1\]"),
        (lambda: ch.nested_logit_probabilities([0, 0, 0], [[0], [1, 2]], [1]), "one λ per nest"),
        (lambda: ch.probit_probabilities([0, 0], [[1, 1], [1, 1]], 10, 0), "positive definite"),
        (lambda: ch.probit_probabilities([0, 0], np.eye(2), 0, 0), "n_draws"),
        (lambda: ch.probit_probabilities([0, 0], np.eye(3), 10, 0), "symmetric"),
        (lambda: ch.fit_conditional_logit(np.zeros((3, 2)), [0, 1, 0]), "shape"),
        (lambda: ch.fit_conditional_logit(np.ones((3, 2, 1)), [0, 1, 2]), "indices from 0 to 1"),
        (lambda: ch.fit_conditional_logit(np.eye(2)[None].repeat(3, 0), [0, 0, 0]), "never chosen"),
        (
            lambda: ch.fit_conditional_logit(np.eye(2)[None].repeat(2, 0), [0, 1], [[1, 1], [1, 0]]),
            "not available",
        ),
        (lambda: ch.fit_conditional_logit(np.ones((3, 2, 1)), [0, 1, 0]), "not identified"),
        (lambda: ch.willingness_to_pay([1.0, 2.0], ["a", "b"], "c"), "cost must be one of"),
        (lambda: ch.red_bus_covariance(1.0), "rho"),
    ],
)
def test_bad_input_is_one_clear_sentence(call, fragment: str) -> None:
    with pytest.raises(ValueError, match=fragment) as info:
        call()
    message = str(info.value)
    assert message.count(". ") == 0, message
    assert message.endswith((".", ")")), message


# ---------------------------------------------------------------------------
# The page's experiments
# ---------------------------------------------------------------------------


def test_frequency_simulator_agrees_with_ghk_within_its_noise() -> None:
    V, cov = [0.5, 0.0, 0.0], ch.LOGIT_ERROR_VARIANCE * ch.red_bus_covariance(0.5)
    ghk = ch.probit_probabilities(V, cov, 50_000, seed=1)
    frequency = ch.probit_probabilities(V, cov, 50_000, seed=2, method="frequency")
    np.testing.assert_allclose(frequency, ghk, atol=4 * np.sqrt(0.25 / 50_000))
    np.testing.assert_allclose(frequency.sum(), 1.0)
    with pytest.raises(ValueError, match="method must be"):
        ch.probit_probabilities(V, cov, 10, 0, method="smooth")


def test_red_bus_shares_are_zero_sum() -> None:
    shares = ch.red_bus_shares(0.4, -0.2, 0.5, 0.8, 5000, seed=0)
    totals = shares.groupby(["model", "scenario"])["share"].sum()
    np.testing.assert_allclose(totals, 1.0, atol=1e-12)
    sources = ch.clone_sources(shares).set_index("model")
    np.testing.assert_allclose(
        sources["taken from car"] + sources["taken from red bus"], sources["blue bus share"], atol=1e-12
    )
    # IIA: the logit takes the same fraction from each, i.e. in proportion to the shares before.
    before = ch.mnl_probabilities([0.4, -0.2])
    assert sources.loc["multinomial logit", "fraction from car"] == pytest.approx(before[0])
    assert sources.loc["common sense: the clone splits the bus", "taken from car"] == pytest.approx(0.0)


def test_market_scenarios_follow_iia() -> None:
    X = np.array([[6.0, 30, 1], [2.0, 50, 0], [4.0, 35, 1]])
    beta = [-0.3, -0.04, 0.5]
    frame = ch.market_scenarios(["car", "bus", "train"], X, beta, 0, 1.2, "express", [5.0, 25, 1])
    today = frame[frame.scenario == "today"].set_index("alternative").share
    new = frame[frame.scenario == "with express"].set_index("alternative").share
    np.testing.assert_allclose(new[["car", "bus", "train"]] / today, 1 - new["express"])  # the same fraction
    pricier = frame[frame.scenario == "car price × 1.2"].set_index("alternative").share
    assert pricier["car"] < today["car"]
    with pytest.raises(ValueError, match="taken"):
        ch.market_scenarios(["car", "bus"], X[:2], beta, 0, 1.0, "car", [1.0, 1, 1])


def test_recovery_study_and_sandbox() -> None:
    path = ch.recovery_study([0.5, -0.3, -1.0, 0.6], 1.0, 4000, seed=4)
    last = path[path.n == 4000]
    assert np.all(np.abs(last.estimate - last.truth) < 3 * last.std_error)
    assert path.groupby("parameter").std_error.apply(lambda s: s.iloc[-1] < s.iloc[0]).all()
    nested = ch.recovery_study([0.5, -0.3, -1.0, 0.6], 0.4, 2000, seed=4, model="nested", points=2)
    assert set(nested.parameter) == {"asc_1", "asc_2", "x1", "x2", "λ"}
    result = ch.estimation_sandbox([0.5, -0.3, -1.0, 0.6], 0.4, 3000, seed=5)
    assert result.lr_test.pvalue < 0.01
    assert abs(result.nested.lambdas[1] - 0.4) < 3 * result.nested.lambda_std_errors[1]


def test_long_frame_round_trip_and_csv_fit() -> None:
    result = ch.estimation_sandbox([0.5, -0.3, -1.0, 0.6], 0.5, 600, seed=6)
    frame = ch.to_long_frame(result.X, result.choice, result.mnl.names, ["a", "b", "c"])
    data = ch.choice_data_from_frame(frame)
    np.testing.assert_array_equal(data.X, result.X)
    fit = ch.fit_choice_csv(frame.to_csv(index=False), "long", ["b", "c"])
    np.testing.assert_allclose(fit.mnl.params, result.mnl.params, rtol=1e-10)
    np.testing.assert_allclose(fit.nested.loglik, result.nested.loglik, rtol=1e-8)
    assert fit.lr_test.statistic == pytest.approx(result.lr_test.statistic, rel=1e-6)
    assert ch.fit_choice_csv(frame.to_csv(index=False)).nested is None
    with pytest.raises(ValueError, match="two or more of the alternatives"):
        ch.fit_choice_csv(frame.to_csv(index=False), "long", ["b", "zzz"])
    with pytest.raises(ValueError, match="could not be read"):
        ch.fit_choice_csv(b"")


def test_parse_market() -> None:
    names, X = ch.parse_market("car: 6, 30, 1; bus: 2, 50, 0", ["price", "time", "comfort"])
    assert names == ("car", "bus")
    np.testing.assert_array_equal(X, [[6, 30, 1], [2, 50, 0]])
    assert ch.parse_market("a:b: 1", ["x"], min_count=1)[0] == ("a:b",)
    with pytest.raises(ValueError, match="between 2 and 8"):
        ch.parse_market("car: 1", ["price"])


def test_integrated_probit_is_the_reference_ghk_converges_to() -> None:
    cov = ch.LOGIT_ERROR_VARIANCE * ch.red_bus_covariance(0.9)
    V = np.array([0.3, 0.0, 0.0])
    exact = ch.probit_probabilities_integrated(V, cov)
    assert exact.sum() == pytest.approx(1.0, abs=1e-7)
    np.testing.assert_allclose(ch.probit_probabilities(V, cov, 200_000, seed=0), exact, atol=3e-4)
    two = ch.probit_probabilities_integrated([0.4, -0.1], [[1.0, 0.2], [0.2, 2.0]])
    assert two[0] == pytest.approx(stats.norm.cdf(0.5 / np.sqrt(1 + 2 - 0.4)))
    with pytest.raises(ValueError, match="2 to 6"):
        ch.probit_probabilities_integrated(np.zeros(7), np.eye(7))


def test_choice_fit_is_frozen() -> None:
    X, names = ch.simulate_design(200, 3, 1, seed=1)
    fit = ch.fit_conditional_logit(X, ch.simulate_choices(X, [0.1, 0.2, -0.5], seed=2), names=names)
    with pytest.raises(AttributeError):
        fit.loglik = 0.0  # type: ignore[misc]
    assert fit.lambdas.shape == (0,)  # no nests in the conditional logit
