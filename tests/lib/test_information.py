"""lib.information against scipy (entropy, multivariate normal, betabinom, quad) and its closed forms."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import integrate, stats

from lib import information as info

RNG = np.random.default_rng(16)


def random_distribution(n: int, zeros: int = 0) -> np.ndarray:
    p = RNG.dirichlet(np.ones(n))
    p[:zeros] = 0
    return p / p.sum()


# --- Discrete -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("base", [math.e, 2.0, 10.0])
@pytest.mark.parametrize("n", [1, 2, 5, 30])
def test_entropy_cross_entropy_and_kl_match_scipy(base: float, n: int) -> None:
    p, q = random_distribution(n), random_distribution(n)
    assert info.entropy(p, base) == pytest.approx(stats.entropy(p, base=base), abs=1e-12)
    assert info.kl_divergence(p, q, base) == pytest.approx(stats.entropy(p, q, base=base), abs=1e-12)
    expected_ce = -(p * np.log(q)).sum() / math.log(base)
    assert info.cross_entropy(p, q, base) == pytest.approx(expected_ce, rel=1e-12)
    # The identity the page shows: H(p, q) = H(p) + KL(p‖q).
    assert info.cross_entropy(p, q, base) == pytest.approx(info.entropy(p, base) + info.kl_divergence(p, q, base))


def test_kl_is_non_negative_zero_only_at_p_equal_q_and_not_symmetric() -> None:
    for _ in range(200):
        n = int(RNG.integers(2, 10))
        p, q = random_distribution(n), random_distribution(n)
        assert info.kl_divergence(p, q) > 0
        assert info.kl_divergence(p, p) == 0.0
    p, q = [0.5, 0.5], [0.9, 0.1]
    assert info.kl_divergence(p, q) != pytest.approx(info.kl_divergence(q, p))


def test_zero_probabilities() -> None:
    p = np.array([0.5, 0.5, 0.0])
    q = np.array([0.25, 0.25, 0.5])
    assert info.entropy(p) == pytest.approx(math.log(2))  # 0 log 0 = 0
    assert math.isfinite(info.kl_divergence(p, q))  # q may cover more than p
    assert info.kl_divergence(q, p) == math.inf  # q > 0 where p = 0
    assert info.cross_entropy(q, p) == math.inf
    assert info.kl_terms(q, p)[2] == math.inf


@pytest.mark.parametrize(
    ("p", "fragment"),
    [
        ([0.5, -0.1, 0.6], "no negative entries"),
        ([], "non-empty"),
        ([0.5, 0.4], "sum to 1"),
        ([0.5, 0.5 + 2e-8], "sum to 1"),
        ([[0.5, 0.5]], "non-empty vector"),
        ([0.5, math.nan], "finite"),
        (["a", "b"], "numbers"),
    ],
)
def test_bad_probability_vectors_give_one_sentence(p, fragment: str) -> None:
    with pytest.raises(ValueError, match=fragment) as err:
        info.kl_divergence(p, [0.5, 0.5])
    assert "\n" not in str(err.value)
    assert str(err.value).endswith(".")


def test_a_sum_within_tolerance_is_accepted_and_lengths_must_match() -> None:
    assert info.kl_divergence([0.1, 0.2, 0.7], [0.1, 0.2, 0.7 + 5e-9]) == pytest.approx(0, abs=1e-7)
    with pytest.raises(ValueError, match="same number of outcomes"):
        info.cross_entropy([1.0], [0.5, 0.5])
    with pytest.raises(ValueError, match="base"):
        info.entropy([1.0], base=1)


def test_parse_distribution() -> None:
    np.testing.assert_allclose(info.parse_distribution("0.2, 0.3 0.5"), [0.2, 0.3, 0.5])
    np.testing.assert_allclose(info.parse_distribution("1;3", normalise=True), [0.25, 0.75])
    for text, fragment in [
        ("", "at least one"),
        ("a b", "numbers separated"),
        ("0.5 0.6", "sum to 1"),
        ("1 -1", "negative"),
        ("0 0", "positive, finite sum"),
        ("1e308 1e308", "positive, finite sum"),
        (" ".join(["0.01"] * 100), "at most"),
    ]:
        with pytest.raises(ValueError, match=fragment):
            info.parse_distribution(text, normalise="normalise" if "positive" in fragment else False)


# --- Gaussians ------------------------------------------------------------------------------------


def random_gaussian(d: int) -> tuple[np.ndarray, np.ndarray]:
    a = RNG.standard_normal((d, d))
    return RNG.standard_normal(d), a @ a.T + 0.5 * np.eye(d)


@pytest.mark.parametrize("d", [1, 2, 3, 5])
def test_gaussian_kl_matches_monte_carlo_with_scipy_densities(d: int) -> None:
    mu_p, cov_p = random_gaussian(d)
    mu_q, cov_q = random_gaussian(d)
    p, q = stats.multivariate_normal(mu_p, cov_p), stats.multivariate_normal(mu_q, cov_q)
    x = p.rvs(size=400_000, random_state=1).reshape(-1, d)
    log_ratio = p.logpdf(x) - q.logpdf(x)
    se = log_ratio.std() / math.sqrt(len(log_ratio))
    assert info.gaussian_kl(mu_p, cov_p, mu_q, cov_q) == pytest.approx(log_ratio.mean(), abs=5 * se)


def test_gaussian_kl_scalars_zero_and_errors() -> None:
    assert info.gaussian_kl(0.0, 1.0, 1.0, 2.0) == pytest.approx(0.5 * (0.5 + 0.5 - 1 + math.log(2)))
    mu, cov = random_gaussian(3)
    assert info.gaussian_kl(mu, cov, mu, cov) == pytest.approx(0, abs=1e-12)
    with pytest.raises(ValueError, match="positive definite"):
        info.gaussian_kl([0, 0], [[1, 1], [1, 1]], [0, 0], np.eye(2))
    with pytest.raises(ValueError, match="same dimension"):
        info.gaussian_kl([0], 1.0, [0, 0], np.eye(2))


def test_mean_field_is_the_minimum_of_each_kl() -> None:
    mu, cov = np.array([1.0, -1.0]), np.array([[1.0, 0.9], [0.9, 2.0]])
    for divergence in ("reverse", "forward"):
        means, variances = info.mean_field_gaussian(mu, cov, divergence)

        def kl(v: np.ndarray, divergence: str = divergence) -> float:
            q = np.diag(v)
            return info.gaussian_kl(mu, q, mu, cov) if divergence == "reverse" else info.gaussian_kl(mu, cov, mu, q)

        best = kl(variances)
        for factor in (0.9, 1.1):
            for i in range(2):
                moved = variances.copy()
                moved[i] *= factor
                assert kl(moved) > best
        np.testing.assert_allclose(means, mu)
    reverse_var = info.mean_field_gaussian(mu, cov, "reverse")[1]
    np.testing.assert_allclose(reverse_var, 1 / np.diag(np.linalg.inv(cov)))
    assert np.all(reverse_var < np.diag(cov))  # too narrow


def test_cavi_converges_geometrically_to_the_mean() -> None:
    rho = 0.8
    mu, cov = np.array([2.0, -1.0]), np.array([[1.0, rho], [rho, 1.0]])
    path = info.cavi_gaussian(mu, cov, 60)
    assert path.shape == (61, 2)
    np.testing.assert_array_equal(path[0], [0, 0])
    np.testing.assert_allclose(path[-1], mu, atol=1e-9)
    error = np.abs(path[1:, 1] - mu[1])
    np.testing.assert_allclose(error[1:12] / error[:11], rho**2, rtol=1e-9)  # ρ² per sweep in 2-D
    start = info.cavi_gaussian(mu, cov, 0, init=[5, 5])
    np.testing.assert_array_equal(start, [[5, 5]])


def test_cavi_in_higher_dimension_reaches_the_mean() -> None:
    mu, cov = random_gaussian(4)
    np.testing.assert_allclose(info.cavi_gaussian(mu, cov, 500)[-1], mu, atol=1e-6)


def test_ellipse_points_lie_on_the_contour() -> None:
    mu, cov = np.array([1.0, 2.0]), np.array([[2.0, 0.6], [0.6, 1.0]])
    pts = info.gaussian_ellipse(mu, cov, n_std=2.0)
    d = pts - mu
    np.testing.assert_allclose(np.einsum("ni,ij,nj->n", d, np.linalg.inv(cov), d), 4.0)


def mixture_pdf(x, means, stds, weights):
    return sum(w * stats.norm.pdf(x, m, s) for m, s, w in zip(means, stds, weights, strict=True))


@pytest.mark.parametrize("separation", [0.5, 2.0, 6.0])
def test_forward_and_reverse_kl_fits_against_quad(separation: float) -> None:
    means, stds, weights = [-separation / 2, separation / 2], [1.0, 0.7], [0.6, 0.4]
    forward = info.fit_gaussian_to_mixture(means, stds, weights, "forward")
    reverse = info.fit_gaussian_to_mixture(means, stds, weights, "reverse")

    def quad_kl(m: float, s: float, which: str) -> float:
        def integrand(x: float) -> float:
            p, q = mixture_pdf(x, means, stds, weights), stats.norm.pdf(x, m, s)
            return p * math.log(p / q) if which == "forward" else q * math.log(q / p)

        return integrate.quad(integrand, -30, 30, limit=400, points=means)[0]

    assert forward.kl == pytest.approx(quad_kl(forward.mean, forward.std, "forward"), abs=1e-7)
    assert reverse.kl == pytest.approx(quad_kl(reverse.mean, reverse.std, "reverse"), abs=1e-7)
    # The fits are minima of their own divergence (a nudge in any direction does worse) ...
    for dm, ds in [(0.05, 0), (-0.05, 0), (0, 0.05), (0, -0.05)]:
        assert quad_kl(forward.mean + dm, forward.std + ds, "forward") > forward.kl
        assert quad_kl(reverse.mean + dm, reverse.std + ds, "reverse") > reverse.kl
    # ... and forward KL covers the mass: its std is the mixture's.
    x = np.linspace(-30, 30, 200_001)
    var = np.trapezoid(x**2 * mixture_pdf(x, means, stds, weights), x) - forward.mean**2
    assert forward.std == pytest.approx(math.sqrt(var), rel=1e-8)
    if separation >= 6:
        assert abs(reverse.mean - means[0]) < 0.1  # mode-seeking: on the heavier bump
        assert reverse.std < forward.std / 2


# --- The coin: evidence, ELBO, gap ---------------------------------------------------------------------


@pytest.mark.parametrize(("k", "n", "a", "b"), [(7, 10, 1, 1), (0, 5, 0.5, 0.5), (30, 30, 2, 5), (3, 100, 10, 1)])
def test_log_evidence_matches_scipy_betabinom(k: int, n: int, a: float, b: float) -> None:
    assert info.beta_binomial_log_evidence(k, n, a, b) == pytest.approx(stats.betabinom.logpmf(k, n, a, b), rel=1e-12)


@pytest.mark.parametrize(("q_alpha", "q_beta"), [(1, 1), (8, 4), (0.7, 3.0), (20, 20)])
def test_evidence_minus_elbo_is_kl_to_the_posterior_by_quadrature(q_alpha: float, q_beta: float) -> None:
    k, n, a, b = 7, 10, 2.0, 3.0
    post = stats.beta(a + k, b + n - k)
    q = stats.beta(q_alpha, q_beta)
    kl_quad = integrate.quad(lambda t: q.pdf(t) * (q.logpdf(t) - post.logpdf(t)), 0, 1, epsabs=1e-13, limit=200)[0]
    gap = info.beta_binomial_log_evidence(k, n, a, b) - info.elbo_beta(k, n, a, b, q_alpha, q_beta)
    assert gap == pytest.approx(kl_quad, abs=1e-8)
    assert gap == pytest.approx(info.beta_kl(q_alpha, q_beta, a + k, b + n - k), abs=1e-10)
    # The ELBO itself by quadrature: E_q[log p(k | θ) + log p(θ) − log q(θ)].
    elbo_quad = integrate.quad(
        lambda t: q.pdf(t) * (stats.binom.logpmf(k, n, t) + stats.beta.logpdf(t, a, b) - q.logpdf(t)),
        0,
        1,
        epsabs=1e-13,
        limit=200,
    )[0]
    assert info.elbo_beta(k, n, a, b, q_alpha, q_beta) == pytest.approx(elbo_quad, abs=1e-8)


def test_elbo_is_maximal_at_the_conjugate_posterior() -> None:
    k, n, a, b = 4, 12, 1.5, 1.5
    post = info.beta_posterior(k, n, a, b)
    best = info.elbo_beta(k, n, a, b, *post)
    assert best == pytest.approx(info.beta_binomial_log_evidence(k, n, a, b), abs=1e-12)
    for da, db in [(0.1, 0), (-0.1, 0), (0, 0.1), (0, -0.1)]:
        assert info.elbo_beta(k, n, a, b, post[0] + da, post[1] + db) < best


def test_beta_entropy_and_kl_match_scipy() -> None:
    for alpha, beta in [(0.5, 0.5), (2, 7), (30, 4)]:
        assert info.beta_entropy(alpha, beta) == pytest.approx(stats.beta(alpha, beta).entropy(), rel=1e-10)


def test_coin_errors() -> None:
    with pytest.raises(ValueError, match="k must be a whole number between 0 and 10"):
        info.elbo_beta(11, 10, 1, 1, 1, 1)
    with pytest.raises(ValueError, match="q_alpha"):
        info.elbo_beta(1, 10, 1, 1, 0, 1)


def test_logit_normal_elbo_by_quadrature_and_below_the_evidence() -> None:
    k, n, a, b, mu, sigma = 7, 10, 1.0, 1.0, 0.5, 0.7
    q = stats.norm(mu, sigma)

    def integrand(z: float) -> float:
        t = 1 / (1 + math.exp(-z))
        log_joint = stats.binom.logpmf(k, n, t) + stats.beta.logpdf(t, a, b) + math.log(t * (1 - t))
        return q.pdf(z) * (log_joint - q.logpdf(z))

    expected = integrate.quad(integrand, -12, 12, limit=200)[0]
    assert float(info.logit_normal_elbo(k, n, a, b, mu, sigma)) == pytest.approx(expected, abs=1e-9)
    assert expected < info.beta_binomial_log_evidence(k, n, a, b)


def test_stochastic_vi_converges_to_the_exact_answer() -> None:
    k, n, a, b = 7, 10, 1.0, 1.0
    fit = info.stochastic_vi_coin(k, n, a, b, n_iter=2000, n_samples=16, seed=3)
    assert fit.params.shape == (2001, 2)
    assert fit.elbo_estimates.shape == (2000,)
    log_z = info.beta_binomial_log_evidence(k, n, a, b)
    final = float(info.logit_normal_elbo(k, n, a, b, fit.mu, fit.sigma))
    assert 0 < log_z - final < 0.02  # the best logit-normal is not exactly a Beta: a small KL remains
    # The posterior mean of θ under q, by quadrature, against the Beta(8, 4) posterior's 2/3.
    z = np.linspace(-10, 10, 20_001)
    q_mean = np.trapezoid(stats.norm.pdf(z, fit.mu, fit.sigma) / (1 + np.exp(-z)), z)
    assert q_mean == pytest.approx(8 / 12, abs=0.01)
    # Same seed, same run.
    again = info.stochastic_vi_coin(k, n, a, b, n_iter=2000, n_samples=16, seed=3)
    np.testing.assert_array_equal(fit.params, again.params)


def test_stochastic_vi_on_many_flips() -> None:
    k, n = 600, 1000
    fit = info.stochastic_vi_coin(k, n, 1, 1, n_iter=2000, seed=0)
    gap = info.beta_binomial_log_evidence(k, n, 1, 1) - float(info.logit_normal_elbo(k, n, 1, 1, fit.mu, fit.sigma))
    assert 0 < gap < 0.02


# --- Gradient estimators -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(info.TEST_FUNCTIONS))
def test_exact_gradients_match_numerical_differentiation_of_the_expectation(name: str) -> None:
    fn = info.TEST_FUNCTIONS[name]
    mean, std, h = 0.3, 0.8, 1e-5

    def expectation(m: float, s: float) -> float:
        return integrate.quad(lambda z: fn.f(z) * stats.norm.pdf(z, m, s), -20, 20, limit=200)[0]

    assert fn.expected(mean, std) == pytest.approx(expectation(mean, std), rel=1e-9)
    numeric = ((expectation(mean + h, std) - expectation(mean - h, std)) / (2 * h),
               (expectation(mean, std + h) - expectation(mean, std - h)) / (2 * h))  # fmt: skip
    np.testing.assert_allclose(fn.exact_gradient(mean, std), numeric, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("name", list(info.TEST_FUNCTIONS))
def test_both_estimators_are_unbiased_within_monte_carlo_error(name: str) -> None:
    fn = info.TEST_FUNCTIONS[name]
    mean, std, n = 0.5, 0.7, 400_000
    exact = np.array(fn.exact_gradient(mean, std))
    for single in (
        info.score_function_gradients(fn.f, mean, std, n, seed=1),
        info.reparameterization_gradients(fn.df, mean, std, n, seed=2),
    ):
        assert single.shape == (n, 2)
        se = single.std(axis=0, ddof=1) / math.sqrt(n)
        assert np.all(np.abs(single.mean(axis=0) - exact) < 4.5 * se), (single.mean(axis=0), exact, se)


def test_reparameterization_has_less_variance_and_variance_falls_as_one_over_n() -> None:
    fn = info.TEST_FUNCTIONS["z²"]
    sizes = [1, 4, 16, 64]
    variances = info.estimator_variances(fn.f, fn.df, 1.0, 1.0, sizes, n_repeats=4000, seed=0)
    score, reparam = variances["score function"], variances["reparameterization"]
    assert score.shape == reparam.shape == (4, 2)
    assert np.all(reparam < score)
    singles = {
        "score function": info.score_function_gradients(fn.f, 1.0, 1.0, 10**6, seed=1),
        "reparameterization": info.reparameterization_gradients(fn.df, 1.0, 1.0, 10**6, seed=1),
    }
    for name, v in variances.items():  # Var(N-sample mean) = Var(one sample) / N
        np.testing.assert_allclose(v * np.array(sizes)[:, None], np.tile(singles[name].var(axis=0), (4, 1)), rtol=0.25)


def test_estimators_refuse_bad_arguments() -> None:
    fn = info.TEST_FUNCTIONS["exp z"]
    with pytest.raises(ValueError, match="std must be a positive"):
        info.score_function_gradients(fn.f, 0.0, 0.0, 10, seed=0)
    with pytest.raises(ValueError, match="non-finite"):
        info.reparameterization_gradients(fn.df, 720.0, 1.0, 10, seed=0)


# --- Score functions and Langevin ---------------------------------------------------------------------

MEANS = np.array([[-2.0, 0.0], [2.0, 1.0], [0.0, 2.5]])
COVS = np.array([[[1.0, 0.3], [0.3, 0.5]], [[0.6, -0.2], [-0.2, 0.8]], [[0.4, 0.0], [0.0, 0.4]]])
WEIGHTS = np.array([0.5, 0.3, 0.2])


def test_mixture_log_density_matches_scipy() -> None:
    x = RNG.standard_normal((50, 2)) * 2
    expected = np.log(
        sum(w * stats.multivariate_normal(m, c).pdf(x) for m, c, w in zip(MEANS, COVS, WEIGHTS, strict=True))
    )
    np.testing.assert_allclose(info.gaussian_mixture_log_density(x, MEANS, COVS, WEIGHTS), expected, rtol=1e-12)


def test_mixture_score_matches_finite_differences_of_its_log_density() -> None:
    x = RNG.standard_normal((40, 2)) * 2
    h = 1e-5
    numeric = np.stack(
        [
            (
                info.gaussian_mixture_log_density(x + h * e, MEANS, COVS, WEIGHTS)
                - info.gaussian_mixture_log_density(x - h * e, MEANS, COVS, WEIGHTS)
            )
            / (2 * h)
            for e in np.eye(2)
        ],
        axis=1,
    )
    np.testing.assert_allclose(info.gaussian_mixture_score(x, MEANS, COVS, WEIGHTS), numeric, rtol=1e-6, atol=1e-7)


def test_guided_score_interpolates_between_unconditional_and_conditional() -> None:
    labels = np.array([0, 1, 1])
    x = RNG.standard_normal((10, 2))
    joint = info.gaussian_mixture_score(x, MEANS, COVS, WEIGHTS)
    conditional = info.gaussian_mixture_score(x, MEANS[1:], COVS[1:], WEIGHTS[1:] / WEIGHTS[1:].sum())
    np.testing.assert_allclose(info.guided_score_function(MEANS, COVS, WEIGHTS, labels, 1, 0.0)(x), joint)
    np.testing.assert_allclose(info.guided_score_function(MEANS, COVS, WEIGHTS, labels, 1, 1.0)(x), conditional)
    with pytest.raises(ValueError, match="class 7"):
        info.guided_score_function(MEANS, COVS, WEIGHTS, labels, 7, 1.0)


def test_langevin_on_a_standard_normal_gives_mean_zero_and_variance_one() -> None:
    step = 0.01
    x = info.langevin_sample(lambda x: -x, np.full((20_000, 1), 3.0), step, 1000, seed=0)
    assert x.shape == (20_000, 1)
    assert abs(x.mean()) < 4 * math.sqrt(1 / 20_000)
    assert x.var() == pytest.approx(1 / (1 - step / 2), abs=0.03)  # ULA's own bias is 1/(1 − h/2) − 1 = 0.005
    assert x.var() == pytest.approx(1.0, abs=0.03)


def test_langevin_keeps_a_mixture_where_it_is_and_is_reproducible() -> None:
    # Started from exact draws of the mixture, Langevin on its score leaves the distribution in place.
    score = info.mixture_score_function(MEANS, COVS, WEIGHTS)
    component = RNG.choice(3, size=6000, p=WEIGHTS)
    x0 = np.stack([RNG.multivariate_normal(MEANS[k], COVS[k]) for k in component])
    x = info.langevin_sample(score, x0, 0.005, 400, seed=5)
    exact_mean = WEIGHTS @ MEANS
    exact_cov = sum(
        w * (c + np.outer(m - exact_mean, m - exact_mean)) for m, c, w in zip(MEANS, COVS, WEIGHTS, strict=True)
    )
    np.testing.assert_allclose(x.mean(axis=0), exact_mean, atol=0.08)
    np.testing.assert_allclose(np.cov(x.T), exact_cov, atol=0.15)
    np.testing.assert_array_equal(x, info.langevin_sample(score, x0, 0.005, 400, seed=5))
    trace = info.langevin_trajectories(score, x0[:5], 0.01, 100, seed=5, keep_every=10)
    assert trace.shape == (11, 5, 2)
    with pytest.raises(ValueError, match="diverged"):
        info.langevin_sample(lambda x: 1e300 * x, np.ones((2, 1)), 1.0, 10, seed=0)
