"""lib.practice against scikit-learn, numpy, torch autograd and the identities the page shows."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lib import practice

sklearn = pytest.importorskip("sklearn")
from sklearn.metrics import average_precision_score  # noqa: E402
from sklearn.metrics import precision_recall_curve as sk_precision_recall_curve  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402
from sklearn.preprocessing import MinMaxScaler, RobustScaler, StandardScaler  # noqa: E402

# ---------------------------------------------------------------------------
# Bias–variance
# ---------------------------------------------------------------------------


def test_bias_variance_decomposition_matches_the_measured_test_error() -> None:
    # E[(y − f̂)²] = bias² + variance + σ²: the measured error is a mean over 2,000 × 101 fresh targets.
    for degree in (0, 1, 3, 6):
        bv = practice.bias_variance(degree, 25, 0.4, 2000, seed=degree)
        assert bv.noise == pytest.approx(0.16)
        # Monte-Carlo error of the measured mean: about √(2σ⁴ + 4σ²·(bias² + var)) / √(2000 · 101) per point.
        tolerance = 5 * math.sqrt(2 * 0.4**4 + 4 * 0.16 * (bv.bias2 + bv.variance)) / math.sqrt(2000)
        assert bv.expected_mse == pytest.approx(bv.decomposition, abs=tolerance)


def test_bias_variance_fits_match_numpy_polyfit() -> None:
    # The batched Legendre least squares is the ordinary polynomial fit, set by set.
    degree, n_train, noise = 4, 15, 0.3
    bv = practice.bias_variance(degree, n_train, noise, 5, seed=11)
    rng = np.random.default_rng(11)
    x = rng.uniform(0, 1, (5, n_train))
    y = practice.truth(x) + noise * rng.standard_normal(x.shape)
    for i in range(5):
        expected = np.polyval(np.polyfit(x[i], y[i], degree), bv.grid)
        np.testing.assert_allclose(bv.fits[i], expected, atol=1e-8)


def test_bias_variance_u_curve_shapes() -> None:
    curve = practice.bias_variance_curve(10, 30, 0.3, 300, seed=0)
    assert curve["bias²"].iloc[0] > 0.4  # a constant cannot follow sin(2πx): bias² ≈ 0.5
    assert curve["variance"].iloc[-1] > 10 * curve["variance"].iloc[3]  # high degree: variance explodes
    assert (np.diff(curve["training error"]) <= 1e-12).all()  # nested models: training error never rises
    best = int(curve.loc[curve["test error"].idxmin(), "degree"])
    assert 3 <= best <= 7


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"degree": 10, "n_train": 10}, "degree must be below n_train"),
        ({"degree": -1}, "degree must be a whole number"),
        ({"noise_std": -0.1}, "noise_std must be"),
        ({"n_datasets": 1}, "n_datasets must be"),
    ],
)
def test_bias_variance_bad_input(kwargs: dict, fragment: str) -> None:
    args = {"degree": 3, "n_train": 20, "noise_std": 0.3, "n_datasets": 10, "seed": 0} | kwargs
    with pytest.raises(ValueError, match=fragment):
        practice.bias_variance(**args)


def test_bias_variance_at_degree_n_minus_one_interpolates() -> None:
    bv = practice.bias_variance(9, 10, 0.3, 50, seed=0)
    assert bv.train_mse < 1e-12
    assert np.isfinite([bv.bias2, bv.variance, bv.expected_mse]).all()


# ---------------------------------------------------------------------------
# Initialisation through depth
# ---------------------------------------------------------------------------


def test_he_relu_keeps_variance_within_a_factor_of_two_over_30_layers() -> None:
    # Averaged over networks (one network's variance drifts by ~√(5/width) per layer, see the page).
    runs = np.array([practice.activation_variances(30, 1024, "he", "relu", seed=s) for s in range(6)])
    mean = runs.mean(axis=0)
    ratio = mean / mean[0]
    assert (ratio > 0.5).all(), ratio
    assert (ratio < 2).all(), ratio


def test_xavier_relu_halves_the_variance_per_layer() -> None:
    runs = np.array([practice.activation_variances(30, 1024, "xavier", "relu", seed=s) for s in range(6)])
    per_layer = np.exp(np.mean(np.log(runs[:, 2:] / runs[:, 1:-1])))  # geometric mean of v_(l+1) / v_l
    assert per_layer == pytest.approx(0.5, abs=0.03)
    assert runs[:, 30].mean() < 1e-7


def test_normal_002_shrinks_by_width_times_its_variance() -> None:
    # Linear layers: Var z_(l+1) = width · 0.02² · Var z_l.
    v = practice.activation_variances(10, 500, "normal", "linear", seed=0)
    per_layer = np.exp(np.mean(np.log(v[1:] / v[:-1])))
    assert per_layer == pytest.approx(500 * 0.02**2, rel=0.1)


@pytest.mark.parametrize("activation", practice.ACTIVATIONS)
@pytest.mark.parametrize("init", practice.INITS)
def test_depth_profile_matches_torch_autograd(init: str, activation: str) -> None:
    torch = pytest.importorskip("torch")
    depth, width, batch = 6, 32, 16
    profile = practice.depth_profile(depth, width, init, activation, seed=5, batch=batch)
    # Rebuild the same network from the same seeds and let autograd do the backward pass.
    input_seed, g_seed, *layer_seeds = np.random.SeedSequence(5).spawn(depth + 2)
    std = practice.init_std(init, width)
    h = torch.tensor(np.random.default_rng(input_seed).standard_normal((batch, width)), dtype=torch.float64)
    act = {"relu": torch.relu, "tanh": torch.tanh, "linear": lambda z: z}[activation]
    hs = [h.requires_grad_()]
    for seed in layer_seeds:
        W = torch.tensor(np.random.default_rng(seed).standard_normal((width, width)) * std, dtype=torch.float32)
        hs.append(act(hs[-1] @ W.double()))
        hs[-1].retain_grad()
    g = torch.tensor(np.random.default_rng(g_seed).standard_normal((batch, width)), dtype=torch.float32).double()
    (hs[-1] * g).sum().backward()
    activations = [t.detach().var(unbiased=False).item() for t in hs]
    gradients = [t.grad.var(unbiased=False).item() for t in hs]
    np.testing.assert_allclose(profile.activations, activations, rtol=1e-4, atol=1e-30)
    np.testing.assert_allclose(profile.gradients, gradients, rtol=1e-3, atol=1e-30)


def test_activation_variances_is_the_forward_half_of_depth_profile() -> None:
    np.testing.assert_array_equal(
        practice.activation_variances(12, 64, "xavier", "tanh", seed=3),
        practice.depth_profile(12, 64, "xavier", "tanh", seed=3).activations,
    )


def test_initialisation_bad_input() -> None:
    with pytest.raises(ValueError, match="init must be one of"):
        practice.activation_variances(3, 8, "kaiming")
    with pytest.raises(ValueError, match="depth must be"):
        practice.activation_variances(0, 8)


# ---------------------------------------------------------------------------
# Scaling and ridge
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "scaler"), [("standardize", StandardScaler), ("minmax", MinMaxScaler), ("robust", RobustScaler)]
)
def test_scale_matches_sklearn(method: str, scaler: type) -> None:
    X, _ = practice.scaling_data(300, 25.0, seed=1)
    np.testing.assert_allclose(practice.scale(X, method), scaler().fit_transform(X), atol=1e-10)
    np.testing.assert_allclose(practice.scale(X[:, 1], method), scaler().fit_transform(X[:, 1:])[:, 0], atol=1e-10)


@pytest.mark.parametrize("method", practice.METHODS)
def test_constant_column_is_one_clear_sentence(method: str) -> None:
    with pytest.raises(ValueError, match=r"column 1\)"):
        practice.scale([[1.0, 5.0], [2.0, 5.0], [3.0, 5.0]], method)


def test_robust_scaling_rejects_equal_quartiles() -> None:
    with pytest.raises(ValueError, match="interquartile range"):
        practice.scale([0.0, 1.0, 1.0, 1.0, 1.0, 1.0, 9.0], "robust")


@pytest.mark.parametrize("alpha", [0.0, 0.5, 10.0])
def test_ridge_matches_sklearn(alpha: float) -> None:
    from sklearn.linear_model import Ridge

    X, y = practice.scaling_data(200, 0.0, seed=2)
    X = practice.scale(X, "standardize")
    fit = practice.ridge_fit(X, y, alpha)
    reference = Ridge(alpha=alpha).fit(X, y)
    np.testing.assert_allclose(fit.coef, reference.coef_, rtol=1e-8, atol=1e-10)
    assert fit.intercept == pytest.approx(reference.intercept_, abs=1e-9)
    np.testing.assert_allclose(fit.predict(X), reference.predict(X), atol=1e-8)


def test_ridge_depends_on_the_scaling_and_unscaling_is_exact() -> None:
    X, y = practice.scaling_data(200, 0.0, seed=3)
    raw = practice.ridge_fit(X, y, 10.0)
    centre, spread = practice.scaling_parameters(X, "standardize")
    scaled = practice.unscaled_coefficients(
        practice.ridge_fit(practice.scale(X, "standardize"), y, 10.0), centre, spread
    )
    # Raw units: income's coefficient is tiny, the penalty never reaches it; age's gets shrunk.
    assert abs(raw.coef[0] * 10 - scaled.coef[0] * 10) > 0.01
    # With α = 0 the scaling does not matter: the same least-squares model in any units.
    ols_raw = practice.ridge_fit(X, y, 0.0)
    ols_scaled = practice.unscaled_coefficients(
        practice.ridge_fit(practice.scale(X, "minmax"), y, 0.0), *practice.scaling_parameters(X, "minmax")
    )
    np.testing.assert_allclose(ols_raw.coef, ols_scaled.coef, rtol=1e-6)


# ---------------------------------------------------------------------------
# Bessel's correction
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("n", [2, 5, 30])
def test_variance_bias_means_match_their_expectations(n: int) -> None:
    sigma, n_sims = 1.5, 200_000
    biased, unbiased = practice.variance_bias(n, sigma, n_sims, seed=n)
    # The ddof-1 variance of normal data has SD σ²·√(2/(n−1)); its mean over n_sims has that / √n_sims.
    se = sigma**2 * math.sqrt(2 / (n - 1)) / math.sqrt(n_sims)
    assert unbiased == pytest.approx(sigma**2, abs=5 * se)
    assert biased == pytest.approx(sigma**2 * (n - 1) / n, abs=5 * se)
    assert biased == pytest.approx(unbiased * (n - 1) / n, rel=1e-12)


def test_variance_bias_agrees_with_numpy_on_the_same_samples() -> None:
    biased, unbiased = practice.variance_bias(4, 2.0, 10, seed=0)
    samples = 2.0 * np.random.default_rng(0).standard_normal((10, 4))
    assert biased == pytest.approx(np.var(samples, axis=1).mean())
    assert unbiased == pytest.approx(np.var(samples, axis=1, ddof=1).mean())


def test_variance_bias_bad_input() -> None:
    with pytest.raises(ValueError, match="n must be a whole number"):
        practice.variance_bias(1, 1.0, 10)


# ---------------------------------------------------------------------------
# Splits
# ---------------------------------------------------------------------------


@given(
    counts=st.lists(st.integers(2, 60), min_size=2, max_size=5),
    test_size=st.floats(0.05, 0.6),
    seed=st.integers(0, 1000),
)
@settings(max_examples=60, deadline=None)
def test_stratified_split_keeps_every_class_within_one_of_its_share(counts, test_size, seed) -> None:
    y = np.repeat(np.arange(len(counts)), counts)
    train, test = practice.stratified_split(y, test_size, seed)
    assert (np.sort(np.r_[train, test]) == np.arange(y.size)).all()
    assert (np.diff(train) > 0).all()
    assert (np.diff(test) > 0).all()
    assert test.size == math.ceil(test_size * y.size)
    for c, n_c in enumerate(counts):  # its share of the ⌈test_size · n⌉ test examples, n_test · n_c / n
        assert abs((y[test] == c).sum() - test.size * n_c / y.size) < 1


@pytest.mark.parametrize(
    ("counts", "test_size"), [((90, 10), 0.2), ((50, 30, 20), 0.25), ((97, 3), 0.3), ((7, 5), 0.5)]
)
def test_stratified_counts_match_sklearn(counts, test_size) -> None:
    y = np.repeat(np.arange(len(counts)), counts)
    test = practice.stratified_split(y, test_size, 0)[1]
    _, y_test = train_test_split(y, test_size=test_size, stratify=y, random_state=0)
    assert test.size == y_test.size
    assert np.abs(np.bincount(y[test], minlength=len(counts)) - np.bincount(y_test, minlength=len(counts))).max() <= 1


@pytest.mark.parametrize(
    ("y", "fragment"),
    [([1, 1, 1, 1], "at least two classes"), ([0, 0, 0, 1], "class 1 has one"), ([0], "at least two labels")],
)
def test_stratified_split_bad_input(y, fragment) -> None:
    with pytest.raises(ValueError, match=fragment):
        practice.stratified_split(np.array(y), 0.5, 0)


def test_random_split_misses_the_minority_as_often_as_the_hypergeometric_says() -> None:
    y = np.r_[np.ones(5, int), np.zeros(95, int)]
    misses = np.mean([y[practice.random_split(y, 0.2, s)[1]].sum() == 0 for s in range(4000)])
    p = practice.probability_no_minority(100, 5, 20)
    assert misses == pytest.approx(p, abs=4 * math.sqrt(p * (1 - p) / 4000))


def test_split_study_random_splits_add_noise() -> None:
    study = practice.split_study(200, 0.05, 0.2, 200, seed=1)
    spread = study.groupby("split")["minority share in test"].std()
    assert spread["stratified"] == pytest.approx(0.0)
    assert spread["random"] > 0.02
    assert study[study["split"] == "random"]["no minority in test"].any()


# ---------------------------------------------------------------------------
# Average precision
# ---------------------------------------------------------------------------


def notes_calculate_ap(recalls: np.ndarray, precisions: np.ndarray) -> float:
    """The notes' function, as written there."""
    m_rec = np.concatenate(([0.0], recalls, [1.0]))
    m_pre = np.concatenate(([0.0], precisions, [0.0]))
    for i in range(len(m_pre) - 1, 0, -1):
        m_pre[i - 1] = np.maximum(m_pre[i - 1], m_pre[i])
    indices = np.where(m_rec[1:] != m_rec[:-1])[0]
    return float(np.sum((m_rec[indices + 1] - m_rec[indices]) * m_pre[indices + 1]))


@given(seed=st.integers(0, 10_000), n=st.integers(2, 300), decimals=st.sampled_from([0, 1, 3]))
@settings(max_examples=80, deadline=None)
def test_average_precision_matches_sklearn_and_the_notes(seed: int, n: int, decimals: int) -> None:
    y, scores = practice.binary_scores(n, 0.3, 1.0, seed=seed)
    scores = scores.round(decimals)  # ties: sklearn groups them into one threshold, as we do
    assert practice.average_precision(y, scores) == pytest.approx(average_precision_score(y, scores), abs=1e-12)
    curve = practice.precision_recall_curve(y, scores)
    interpolated = practice.average_precision(y, scores, interpolated=True)
    assert interpolated == pytest.approx(notes_calculate_ap(curve.recall, curve.precision), abs=1e-12)
    assert interpolated >= practice.average_precision(y, scores) - 1e-12


def test_precision_recall_curve_matches_sklearn() -> None:
    y, scores = practice.binary_scores(500, 0.2, 1.2, seed=4)
    curve = practice.precision_recall_curve(y, scores.round(1))
    precision, recall, thresholds = sk_precision_recall_curve(y, scores.round(1))
    # sklearn: increasing thresholds, a final (recall 0, precision 1) point, and it stops at full recall.
    k = thresholds.size
    np.testing.assert_allclose(curve.precision[:k][::-1], precision[:-1])
    np.testing.assert_allclose(curve.recall[:k][::-1], recall[:-1])
    np.testing.assert_allclose(curve.thresholds[:k][::-1], thresholds)


@pytest.mark.parametrize(
    ("y", "scores", "fragment"),
    [
        ([0, 0, 0], [0.1, 0.2, 0.3], "at least one positive"),
        ([0, 2, 1], [0.1, 0.2, 0.3], "only 0"),
        ([0, 1], [0.1], "same length"),
        ([0, 1], [0.1, np.nan], "finite"),
    ],
)
def test_average_precision_bad_input(y, scores, fragment) -> None:
    with pytest.raises(ValueError, match=fragment):
        practice.average_precision(y, scores)


# ---------------------------------------------------------------------------
# Training runs and seeding (torch)
# ---------------------------------------------------------------------------


def test_he_trains_a_deep_relu_net_where_xavier_and_normal_stall() -> None:
    pytest.importorskip("torch")
    from lib.practice import training

    losses = {init: training.train_mlp(16, 32, init, "relu", steps=60, lr=0.05, seed=0) for init in practice.INITS}
    assert losses["he"][-1] < 0.8 * losses["he"][0]
    for init in ("xavier", "normal"):
        assert losses[init][-1] == pytest.approx(losses[init][0], rel=0.02)  # vanishing gradients: flat


def test_same_seed_same_curve_and_unseeded_augmentation_breaks_it() -> None:
    pytest.importorskip("torch")
    from lib.practice import training

    np.testing.assert_array_equal(training.seeded_run(7, 20), training.seeded_run(7, 20))
    assert not np.array_equal(training.seeded_run(7, 20), training.seeded_run(8, 20))
    a = training.seeded_run(7, 20, "unseeded augmentation")
    b = training.seeded_run(7, 20, "unseeded augmentation")
    assert not np.array_equal(a, b)
    # On the CPU, index_add_ sums in order: identical.
    np.testing.assert_array_equal(training.seeded_run(7, 20, "index_add_"), training.seeded_run(7, 20, "index_add_"))
