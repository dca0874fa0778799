"""lib.choice.mixed: derivatives against differences, recovery within standard errors, and the simulated
log-likelihood against an independent one by Gauss–Hermite quadrature."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import optimize, special

from lib import choice
from lib.choice.mixed import _problem, _Simulated

BETA, SIGMA = [-1.0, 0.5, 1.0], [0.8]


@pytest.fixture(scope="module")
def panel_data():
    return choice.simulate_mixed_panel(400, 6, BETA, SIGMA, [0], seed=11)


@pytest.fixture(scope="module")
def panel_fit(panel_data):
    X, y, panel = panel_data
    return choice.fit_mixed_logit(X, y, [0], n_draws=500, seed=0, panel=panel)


def quadrature_loglik(theta, X, y, panel, k: int, nodes: int = 80) -> float:
    """Exact panel log-likelihood with one normal coefficient k: Σ_p log ∫ Π_n L_n(β + σ z e_k) φ(z) dz."""
    z, weights = special.roots_hermitenorm(nodes)  # ∫ f(z) e^{−z²/2} dz ≈ Σ w f(z)
    weights = weights / np.sqrt(2 * np.pi)
    K = X.shape[2]
    beta, sigma = np.asarray(theta[:K]), theta[K]
    coefficients = np.tile(beta, (nodes, 1))
    coefficients[:, k] += sigma * z  # (nodes, K): β + σ z e_k at every node
    V = np.einsum("njk,qk->qnj", X, coefficients)  # (nodes, n_obs, J)
    log_p = V[:, np.arange(len(y)), y] - special.logsumexp(V, axis=2)  # (nodes, n_obs): log L_n at each node
    people = np.unique(panel, return_inverse=True)[1].ravel()
    per_person = np.stack([np.bincount(people, weights=row) for row in log_p])  # (nodes, P): log Π_n L_n
    total = special.logsumexp(per_person, b=weights[:, None], axis=0).sum()
    return float(total)


def test_gradient_and_hessian_match_differences() -> None:
    X, y, panel = choice.simulate_mixed_panel(60, 4, [-1.0, 0.5, 0.3], [0.7, 0.4], [0, 2], seed=3)
    problem = _problem(X, y, [0, 2], None, 50, 0, panel, None)[0]
    theta = np.array([-0.8, 0.4, 0.2, 0.5, 0.3])
    loglik, gradient, hessian = problem.hessian(theta)
    assert loglik == pytest.approx(problem(theta, gradient=False))
    np.testing.assert_allclose(gradient, problem(theta)[1], rtol=1e-10)
    numeric = optimize.approx_fprime(theta, lambda t: problem(t, gradient=False), 1e-7)
    np.testing.assert_allclose(gradient, numeric, rtol=1e-4, atol=1e-4)
    h = 1e-6
    numeric_hessian = np.array([(problem(theta + h * e)[1] - problem(theta - h * e)[1]) / (2 * h) for e in np.eye(5)])
    np.testing.assert_allclose(hessian, numeric_hessian, rtol=1e-5, atol=1e-5)


def test_blocks_of_people_give_the_same_likelihood_gradient_and_hessian() -> None:
    X, y, panel = choice.simulate_mixed_panel(30, 4, [-1.0, 0.5, 0.3], [0.7, 0.4], [0, 2], seed=8)
    av = np.ones((len(y), 3), dtype=bool)
    av[::5, 1] = False
    y = np.where(~av[np.arange(len(y)), y], 0, y)
    _, X, y, av, _, random, people = _problem(X, y, [0, 2], av, 40, 0, panel, None)
    draws = choice.halton_normal_draws(30, 40, 2, seed=0)
    whole = _Simulated(X, y, av, random, people, draws, chunk_cells=10**12)
    per_person = _Simulated(X, y, av, random, people, draws, chunk_cells=1)
    assert (len(whole.blocks), len(per_person.blocks)) == (1, 30)
    theta = np.array([-0.8, 0.4, 0.2, 0.5, 0.3])
    for a, b in zip(whole.hessian(theta), per_person.hessian(theta), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)
    assert whole(theta)[0] == pytest.approx(per_person(theta, gradient=False), rel=1e-14)
    np.testing.assert_allclose(whole(theta)[1], per_person(theta)[1], rtol=1e-12, atol=1e-12)


def test_recovers_the_truth_within_standard_errors(panel_fit) -> None:
    truth = np.array([*BETA, *SIGMA])
    z = (panel_fit.params - truth) / panel_fit.std_errors
    assert np.all(np.abs(z) < 3), (panel_fit.params, panel_fit.std_errors)
    assert panel_fit.converged
    assert panel_fit.names == ("beta_0", "beta_1", "beta_2", "sd(beta_0)")
    assert np.max(np.abs(panel_fit.gradient)) < 1e-3


def test_simulated_loglik_is_within_one_of_the_exact(panel_data, panel_fit) -> None:
    X, y, panel = panel_data
    exact = quadrature_loglik(panel_fit.params, X, y, panel, k=0)
    assert abs(panel_fit.loglik - exact) < 1.0, (panel_fit.loglik, exact)
    # And the quadrature itself is converged.
    assert exact == pytest.approx(quadrature_loglik(panel_fit.params, X, y, panel, k=0, nodes=120), abs=1e-4)


def test_mixed_logit_beats_the_mnl_on_heterogeneous_panels(panel_data, panel_fit) -> None:
    X, y, _ = panel_data
    mnl = choice.fit_conditional_logit(X, y)
    assert panel_fit.loglik > mnl.loglik + 10
    assert panel_fit.n_estimated == mnl.n_estimated + 1


def test_zero_sd_is_the_conditional_logit() -> None:
    X, y, panel = choice.simulate_mixed_panel(50, 3, [0.5, -0.5], [0.0], [1], seed=5)
    beta = np.array([0.4, -0.6])
    loglik = choice.simulated_loglik([*beta, 0.0], X, y, [1], n_draws=20, seed=0, panel=panel)
    assert loglik == pytest.approx(choice.mnl_loglik(beta, X, y))


def test_panel_shares_draws_across_a_persons_choices() -> None:
    X, y, panel = choice.simulate_mixed_panel(40, 5, [1.0, -0.5], [1.5], [0], seed=2)
    theta = [1.0, -0.5, 1.5]
    no_panel = choice.simulated_loglik(theta, X, y, [0], n_draws=200, seed=0)
    own_ids = choice.simulated_loglik(theta, X, y, [0], n_draws=200, seed=0, panel=np.arange(len(y)))
    assert no_panel == pytest.approx(own_ids)
    # Shuffled rows with the same person ids give the same likelihood.
    order = np.random.default_rng(0).permutation(len(y))
    shuffled = choice.simulated_loglik(theta, X[order], y[order], [0], n_draws=200, seed=0, panel=panel[order])
    assert shuffled == pytest.approx(choice.simulated_loglik(theta, X, y, [0], n_draws=200, seed=0, panel=panel))


def test_halton_draws_are_standard_normal_per_person() -> None:
    draws = choice.halton_normal_draws(100, 500, 2, seed=0)
    assert draws.shape == (100, 500, 2)
    assert abs(draws.mean()) < 0.01
    assert draws.std() == pytest.approx(1.0, abs=0.01)
    np.testing.assert_array_equal(draws, choice.halton_normal_draws(100, 500, 2, seed=0))


def test_availability_is_respected() -> None:
    X, y, panel = choice.simulate_mixed_panel(100, 3, [0.3, 0.5, -1.0, 0.5], [0.5], [2], seed=4, asc=True)
    av = np.ones((*y.shape, 3), dtype=bool)
    av[::4, 2] = False
    y = np.where(~av[np.arange(len(y)), y], 0, y)
    fit = choice.fit_mixed_logit(X, y, [2], availability=av, n_draws=50, seed=0, panel=panel)
    assert np.all(np.isfinite(fit.params))
    assert fit.names[:2] == ("beta_0", "beta_1")


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"random": []}, "at least one coefficient"),
        ({"random": [5]}, "distinct coefficient indices"),
        ({"random": [0, 0]}, "distinct coefficient indices"),
        ({"random": ["a"]}, "list of coefficient indices"),
        ({"n_draws": 0}, "n_draws"),
        ({"panel": [1, 2]}, "one person id per observation"),
        ({"n_draws": 10**5}, "too large to simulate"),
    ],
)
def test_bad_arguments_raise_one_sentence(kwargs, fragment) -> None:
    X, y, _ = choice.simulate_mixed_panel(100, 2, [1.0, -1.0], [0.5], [0], seed=0)
    arguments = {"random": [0], **kwargs}
    with pytest.raises(ValueError, match=fragment):
        choice.fit_mixed_logit(X, y, **arguments)
