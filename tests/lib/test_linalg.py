"""lib.linalg against numpy.linalg, scikit-learn and torch.autograd.functional.jacobian, plus properties."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from lib import linalg as la
from lib.markov import hht_vs_htt_matrix

entries = st.floats(-2.0, 2.0, allow_nan=False, allow_infinity=False, allow_subnormal=False)
square = st.integers(1, 5).flatmap(lambda n: arrays(np.float64, (n, n), elements=entries))
rectangular = st.tuples(st.integers(1, 7), st.integers(1, 7)).flatmap(
    lambda shape: arrays(np.float64, shape, elements=entries)
)


# --- Aᵗ by eigendecomposition ----------------------------------------------------------------------


@pytest.mark.parametrize("t", [0, 1, 2, 7, 50])
def test_eigen_power_matches_matrix_power_on_the_notes_chain(t: int) -> None:
    A = hht_vs_htt_matrix()
    np.testing.assert_allclose(la.eigen_power(A, t), np.linalg.matrix_power(A, t), atol=1e-12)
    np.testing.assert_allclose(la.repeated_product(A, t), np.linalg.matrix_power(A, t), atol=1e-12)


def test_eigen_power_of_a_rotation_is_real_and_exact() -> None:
    theta = 0.3
    R = np.array([[np.cos(theta), -np.sin(theta)], [np.sin(theta), np.cos(theta)]])  # eigenvalues e^{±iθ}
    P = la.eigen_power(R, 10)
    assert P.dtype == np.float64
    np.testing.assert_allclose(P, [[np.cos(3), -np.sin(3)], [np.sin(3), np.cos(3)]], atol=1e-12)


@settings(max_examples=60, deadline=None)
@given(A=square, t=st.integers(0, 12))
def test_eigen_power_equals_matrix_power_whenever_diagonalisable(A: np.ndarray, t: int) -> None:
    decomposition = la.eigendecomposition(A)
    expected = np.linalg.matrix_power(A, t)
    if decomposition.residual > 1e-8:  # LAPACK's vectors are off: refused in one sentence, never used
        with pytest.raises(ValueError, match="eigenvectors"):
            la.eigen_power(A, t)
        return
    if decomposition.condition > 1e6:  # near-defective: V Λᵗ V⁻¹ loses digits in proportion to cond(V)
        return
    scale = max(1.0, float(np.abs(expected).max()))
    np.testing.assert_allclose(la.eigen_power(A, t), expected, atol=1e-8 * scale * decomposition.condition)


def test_eigenvalues_match_numpy_sorted_by_modulus() -> None:
    A = la.random_matrix(6, seed=3)
    ours = la.eigendecomposition(A).eigenvalues
    theirs = np.linalg.eigvals(A)
    np.testing.assert_allclose(np.sort_complex(ours), np.sort_complex(theirs), atol=1e-12)
    assert np.all(np.diff(np.abs(ours)) <= 1e-12)
    assert la.spectral_radius(A) == pytest.approx(np.abs(theirs).max())


@pytest.mark.parametrize("A", [[[1.0, 1.0], [0.0, 1.0]], [[0.0, 1.0], [0.0, 0.0]], [[2, 1, 0], [0, 2, 1], [0, 0, 2]]])
def test_a_defective_matrix_is_said_to_be_not_diagonalisable(A) -> None:
    assert not la.eigendecomposition(A).diagonalisable
    with pytest.raises(ValueError, match="not diagonalisable"):
        la.eigen_power(A, 3)
    comparison = la.compare_powers(A, 3, repeats=1)
    assert comparison.eigen is None
    assert "not diagonalisable" in comparison.reason
    np.testing.assert_allclose(comparison.repeated, np.linalg.matrix_power(np.array(A, float), 3))


def test_inaccurate_eigenvectors_are_refused_not_used() -> None:
    e = 1e-176  # LAPACK's balancing goes wrong beside entries of size 1
    A = np.array([[e, e, e], [e, 1.0, 1.0], [e, e, e]])
    assert la.eigendecomposition(A).residual > 1e-8
    with pytest.raises(ValueError, match="could not resolve"):
        la.eigen_power(A, 2)


def test_a_singular_diagonalisable_matrix_still_has_powers() -> None:
    A = np.array([[1.0, 1.0], [1.0, 1.0]])  # eigenvalues 2 and 0
    np.testing.assert_allclose(la.eigen_power(A, 5), np.linalg.matrix_power(A, 5), atol=1e-10)


def test_powers_that_overflow_are_refused_in_one_sentence() -> None:
    with pytest.raises(ValueError, match="overflows"):
        la.eigen_power([[10.0]], 400)
    with pytest.raises(ValueError, match="overflows"):
        la.repeated_product([[10.0]], 400)


def test_compare_powers_agrees_up_to_t_ten_thousand() -> None:
    A = hht_vs_htt_matrix()
    c = la.compare_powers(A, 10_000, repeats=1)
    assert c.max_abs_difference < 1e-12
    assert c.eigen_seconds > 0
    assert c.repeated_seconds > 0


# --- typed matrices --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "Type the rows"),
        ("  ;\n ", "Type the rows"),
        ("1 2 3; 4 5 6", "must be square"),
        ("1 2; 3", "same number of entries"),
        ("1 x; 3 4", "'x' is not"),
        ("nan 1; 1 1", "finite number"),
        ("1e999 0; 0 1", "finite number"),
        ("; ".join(["1 " * 9] * 9), "at most 8 rows"),
        ("1 " * 20, "at most 8 columns"),
        ("1" * 3000, "at most 2,000 characters"),
    ],
)
def test_parse_matrix_refuses_bad_text_in_one_sentence(text: str, fragment: str) -> None:
    with pytest.raises(ValueError, match=r"\.$") as err:
        la.parse_matrix(text)
    message = str(err.value)
    assert fragment in message
    assert "\n" not in message
    assert message.endswith(".")


def test_parse_and_format_round_trip() -> None:
    A = np.array([[0.5, -1.25], [3.0, 1e-3]])
    np.testing.assert_array_equal(la.parse_matrix(la.format_matrix(A)), A)
    np.testing.assert_array_equal(la.parse_matrix("1,2\n3,4"), [[1, 2], [3, 4]])


def test_as_matrix_refuses_non_numbers() -> None:
    for bad in ([["a", "b"]], [[1.0, None]], [], [[np.inf]]):
        with pytest.raises(ValueError, match=r"matrix|finite"):
            la.spectral_radius(bad)


# --- spectral radius and gradients -----------------------------------------------------------------


@pytest.mark.parametrize("rho", [0.8, 1.0, 1.2])
def test_linear_rnn_gradient_norms_equal_the_norm_of_w_to_the_t(rho: float) -> None:
    W = la.scale_to_spectral_radius(la.random_matrix(16, seed=5), rho)
    norms = la.rnn_gradient_norms(W, 30, "linear", seed=1)
    expected = [np.linalg.norm(np.linalg.matrix_power(W, t), 2) for t in range(1, 31)]
    np.testing.assert_allclose(norms, expected, rtol=1e-10)
    # Gelfand: ‖Wᵗ‖^(1/t) → ρ
    assert norms[-1] ** (1 / 30) == pytest.approx(rho, rel=0.15)


def test_tanh_rnn_gradient_norms_equal_the_chain_rule_product() -> None:
    W = la.scale_to_spectral_radius(la.random_matrix(8, seed=2), 1.3)
    steps = 12
    norms = la.rnn_gradient_norms(W, steps, "tanh", seed=4)
    h = np.random.default_rng(4).normal(size=8)
    J = np.eye(8)
    expected = []
    for _ in range(steps):
        h = np.tanh(W @ h)
        J = np.diag(1 - h**2) @ W @ J  # ∂h_{t+1}/∂h_0 = diag(1 − h²_{t+1}) W ∂h_t/∂h_0
        expected.append(np.linalg.norm(J, 2))
    np.testing.assert_allclose(norms, expected, rtol=1e-10)
    # and against torch's own jacobian of the last step alone
    Wt = torch.as_tensor(W)

    def last(h0: torch.Tensor) -> torch.Tensor:
        for _ in range(steps):
            h0 = torch.tanh(Wt @ h0)
        return h0

    full = torch.autograd.functional.jacobian(last, torch.as_tensor(np.random.default_rng(4).normal(size=8)))
    assert norms[-1] == pytest.approx(float(torch.linalg.matrix_norm(full, ord=2)), rel=1e-10)


def test_tanh_never_grows_faster_than_linear() -> None:
    W = la.scale_to_spectral_radius(la.random_matrix(12, seed=0), 1.1)
    assert np.all(la.rnn_gradient_norms(W, 20, "tanh", seed=0) <= la.rnn_gradient_norms(W, 20, "linear") * (1 + 1e-12))


def test_final_gradient_norms_are_the_last_of_each_curve() -> None:
    W = la.random_matrix(16, seed=3)
    for activation in ("linear", "tanh"):
        final = la.final_gradient_norms(W, [0.8, 1.0, 1.2], 40, activation, seed=5)
        curves = [
            la.rnn_gradient_norms(la.scale_to_spectral_radius(W, r), 40, activation, seed=5) for r in (0.8, 1.0, 1.2)
        ]
        np.testing.assert_allclose(final, [c[-1] for c in curves], rtol=1e-12)


def test_the_boundary_at_rho_one() -> None:
    W = np.diag([1.0, 0.5])
    final = la.final_gradient_norms(W, [0.9, 1.0, 1.1], 50)
    np.testing.assert_allclose(final, [0.9**50, 1.0, 1.1**50], rtol=1e-10)


def test_rnn_gradient_norms_check_their_arguments() -> None:
    with pytest.raises(ValueError, match="activation"):
        la.rnn_gradient_norms(np.eye(2), 3, "relu")
    with pytest.raises(ValueError, match="steps"):
        la.rnn_gradient_norms(np.eye(2), 0)
    with pytest.raises(ValueError, match="square"):
        la.rnn_gradient_norms(np.ones((2, 3)), 3)
    with pytest.raises(ValueError, match="nilpotent"):
        la.scale_to_spectral_radius([[0.0, 1.0], [0.0, 0.0]], 1.0)


# --- SVD: best rank k, PCA, LoRA -------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(A=rectangular, data=st.data())
def test_eckart_young_errors_are_exact(A: np.ndarray, data) -> None:
    k = data.draw(st.integers(0, min(A.shape)))
    result = la.low_rank_approximation(A, k)
    s = np.linalg.svd(A, compute_uv=False)
    np.testing.assert_allclose(result.singular_values, s, atol=1e-12)
    assert result.error_fro == pytest.approx(np.sqrt(np.sum(s[k:] ** 2)), abs=1e-9)
    assert result.error_spectral == pytest.approx(s[k] if k < len(s) else 0.0, abs=1e-9)
    assert np.linalg.matrix_rank(result.approx, tol=1e-9) <= k


def test_no_random_rank_k_matrix_beats_the_truncated_svd() -> None:
    A = la.low_rank_plus_noise(20, 15, rank=4, noise=0.3, seed=0)
    best = la.low_rank_approximation(A, 3).error_fro
    rng = np.random.default_rng(1)
    for _ in range(200):
        L, R = rng.normal(size=(20, 3)), rng.normal(size=(3, 15))
        # the best rank-3 matrix with this column space: project A onto span(L)
        Q, _ = np.linalg.qr(L)
        assert np.linalg.norm(A - Q @ (Q.T @ A)) >= best - 1e-12
        assert np.linalg.norm(A - L @ R) >= best


def test_rank_sweep_measures_what_eckart_young_says() -> None:
    A = la.low_rank_plus_noise(256, 256, rank=10, noise=0.01, seed=2)
    sweep = la.rank_sweep(A)
    assert len(sweep) == 257
    np.testing.assert_allclose(sweep["error_fro"], sweep["eckart_young"], rtol=1e-8, atol=1e-9)
    for k in (0, 5, 10, 100):
        assert sweep["error_fro"][k] == pytest.approx(np.linalg.norm(A - la.low_rank_approximation(A, k).approx))
    assert sweep["energy_kept"].iloc[-1] == pytest.approx(1.0)
    assert sweep["energy_kept"][10] > 0.95  # the signal is rank 10


def test_pca_equals_the_eigendecomposition_of_the_sample_covariance() -> None:
    X = la.correlated_data(500, 5, seed=3)
    result = la.pca(X, 5)
    values, vectors = np.linalg.eigh(np.cov(X, rowvar=False, ddof=1))
    order = np.argsort(values)[::-1]
    np.testing.assert_allclose(result.explained_variance, values[order], rtol=1e-10)
    # the same axes up to sign
    np.testing.assert_allclose(np.abs(result.components @ vectors[:, order]), np.eye(5), atol=1e-8)
    np.testing.assert_allclose(result.explained_variance_ratio.sum(), 1.0)
    np.testing.assert_allclose(result.scores, (X - X.mean(0)) @ result.components.T)


def test_pca_matches_scikit_learn() -> None:
    from sklearn.decomposition import PCA

    X = la.correlated_data(300, 4, seed=8)
    ours, theirs = la.pca(X, 2), PCA(n_components=2).fit(X)
    np.testing.assert_allclose(ours.explained_variance, theirs.explained_variance_, rtol=1e-10)
    np.testing.assert_allclose(ours.explained_variance_ratio, theirs.explained_variance_ratio_, rtol=1e-10)
    np.testing.assert_allclose(np.abs(ours.components), np.abs(theirs.components_), atol=1e-10)


def test_lora_update_is_optimal_for_its_rank() -> None:
    rng = np.random.default_rng(0)
    base = rng.normal(size=(12, 9))
    target = base + la.low_rank_plus_noise(12, 9, rank=3, noise=0.05, seed=1)
    for rank in (1, 2, 3, 5):
        B, A = la.lora_fit(base, target, rank)
        assert B.shape == (12, rank)
        assert A.shape == (rank, 9)
        error = np.linalg.norm(base + B @ A - target)
        s = np.linalg.svd(target - base, compute_uv=False)
        assert error == pytest.approx(np.sqrt(np.sum(s[rank:] ** 2)))
        for _ in range(50):  # any other rank-r update does worse
            other = rng.normal(size=(12, rank)) @ rng.normal(size=(rank, 9))
            assert np.linalg.norm(base + other - target) > error
    sweep = la.lora_sweep(base, target)
    assert list(sweep["lora_parameters"]) == [r * 21 for r in range(1, 10)]
    assert (sweep["full_parameters"] == 108).all()
    assert sweep["error_fro"].iloc[-1] == pytest.approx(0.0, abs=1e-9)
    with pytest.raises(ValueError, match="same shape"):
        la.lora_fit(base, target[:, :3], 1)


def test_rotate_stretch_rotate_ends_at_a_x() -> None:
    A = np.array([[1.0, 2.0], [-0.5, 0.3]])
    r = la.rotate_stretch_rotate(A, n_points=50)
    s = np.linalg.svd(A, compute_uv=False)
    np.testing.assert_allclose(r.singular_values, s)
    circle = r.points[0]
    np.testing.assert_allclose(r.points[-1], circle @ A.T, atol=1e-12)
    np.testing.assert_allclose(np.linalg.norm(r.points[1], axis=1), 1.0)  # Vᵀ keeps the circle a circle
    assert r.reflects == (np.linalg.det(A) < 0)
    with pytest.raises(ValueError, match="2 × 2"):
        la.rotate_stretch_rotate(np.eye(3))


# --- vector–Jacobian products ----------------------------------------------------------------------


def test_one_backward_pass_equals_j_transpose_v() -> None:
    c = la.vjp_check(8, 16, 4, batch=10, seed=0)
    assert c.jacobian_shape == (10, 4, 10, 8)
    assert c.jacobian_numbers == 10 * 4 * 10 * 8
    np.testing.assert_allclose(c.vjp, c.jacobian_vjp, atol=1e-12)
    assert c.saved_numbers < c.jacobian_numbers
    assert c.parameters == 16 * 8 + 16 + 4 * 16 + 4


def test_generated_matrices_are_seeded() -> None:
    np.testing.assert_array_equal(la.random_matrix(5, seed=1), la.random_matrix(5, seed=1))
    np.testing.assert_array_equal(la.correlated_data(10, 3, seed=2), la.correlated_data(10, 3, seed=2))
    img = la.drawn_image(64)
    assert img.shape == (64, 64)
    assert img.min() >= 0
    assert img.max() <= 1


# --- A trained model cut to rank r ------------------------------------------------------------------


@pytest.fixture(scope="module")
def small_model():
    import torch

    from lib.transformer import ModelConfig, TinyGPT

    torch.manual_seed(0)
    return TinyGPT(ModelConfig(vocab_size=7, d_model=16, n_heads=2, n_layers=2, max_seq_len=16)).eval()


def test_cutting_to_full_rank_changes_nothing(small_model) -> None:
    import torch

    ids = torch.tensor([[1, 2, 3, 4, 5, 6, 0, 1]])
    same = la.low_rank_model(small_model, 16)
    assert torch.equal(same(ids), small_model(ids))


def test_each_cut_weight_is_its_best_rank_r_approximation(small_model) -> None:
    cut = la.low_rank_model(small_model, 3)
    for (name, w), (_, w_cut) in zip(small_model.named_parameters(), cut.named_parameters(), strict=True):
        if w.ndim != 2 or name.startswith("embed"):
            assert np.array_equal(w.detach().numpy(), w_cut.detach().numpy()), name  # norms, embedding: untouched
            continue
        best = la.low_rank_approximation(w.detach().numpy(), 3)
        np.testing.assert_allclose(w_cut.detach().numpy(), best.approx, atol=1e-5)
    assert la.factored_parameters(small_model, 3) == sum(
        min(3 * sum(w.shape), w.numel()) for n, w in small_model.named_parameters() if w.ndim == 2 and "embed" not in n
    )


def test_low_rank_losses_reach_the_full_model_at_full_rank(small_model) -> None:
    ids = list(np.random.default_rng(0).integers(0, 7, 400))
    table = la.low_rank_losses(small_model, ids, [1, 4, 16], batches=2, batch_size=4)
    assert list(table["rank"]) == [1, 4, 16]
    assert table["val_loss"].iloc[-1] == pytest.approx(table["full_val_loss"].iloc[-1], rel=1e-6)
    assert table["factored_parameters"].iloc[0] < table["dense_parameters"].iloc[0]
