"""The Linear algebra lens page: the defaults' numbers, every widget at its extremes, typed matrices good and bad,
the URL, the snippets, and the trained model's weights read without building the model."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

import pages.linalg.gradients
import pages.linalg.lora
import pages.linalg.weights
from lib import linalg as la
from tests.apptest_helpers import (
    assert_clean,
    assert_extremes_are_clean,
    metric_values,
    no_model_in_this_process,
    run_page,
    run_snippets,
    set_widget,
)

LA = "pages/linear_algebra.py"
TYPED = {"la_matrix": "type your own"}
SLIDERS = {
    "la_t", "la_rho", "la_steps", "la_width", "la_a11", "la_a12", "la_a21", "la_a22", "la_rank", "la_pca_n",
    "la_pca_d", "la_pca_decay", "la_lora_out", "la_lora_in", "la_lora_true", "la_lora_noise", "la_lora_rank",
    "la_vjp_batch", "la_vjp_in", "la_vjp_hidden", "la_vjp_out", "seed",
}  # fmt: skip


def test_defaults_show_the_right_numbers() -> None:
    at = run_page(LA)
    assert_clean(at)
    metrics = metric_values(at)
    assert metrics["Spectral radius ρ(A)"] == "1"  # the notes' chain: absorbing states have λ = 1
    assert float(metrics["Relative difference"]) < 1e-12
    # Section 2: the linear gradient norm is ‖W⁶⁰‖₂ for the page's W (seed 0, n = 32, ρ = 0.95).
    W = la.scale_to_spectral_radius(la.random_matrix(32, seed=0), 0.95)
    expected = np.linalg.norm(np.linalg.matrix_power(W, 60), 2)
    assert metrics["‖∂h_60/∂h_0‖ linear"] == f"{expected:.3g}"
    assert metrics["ρᵗ = 0.95^60"] == f"{0.95**60:.3g}"
    # Section 3: σ₁σ₂ = |det A| for A = [[1.5, 0.5], [0.3, 0.8]].
    assert metrics["|det A| = σ₁σ₂"] == f"{abs(1.5 * 0.8 - 0.5 * 0.3):.4f}"
    # Section 4: Eckart–Young, measured and from the spectrum, on the drawn picture at k = 8.
    assert metrics["‖A − A_k‖_F measured"] == metrics["√(Σᵢ₍>ₖ₎ σᵢ²)"]
    s = np.linalg.svd(la.drawn_image(64), compute_uv=False)
    assert metrics["√(Σᵢ₍>ₖ₎ σᵢ²)"] == f"{np.sqrt(np.sum(s[8:] ** 2)):.6g}"
    assert metrics["Numbers stored"] == "1,024 of 4,096"
    # Sections 5 and 6.
    assert metrics["LoRA parameters r(d_in + d_out)"] == f"{4 * (128 + 96):,}"
    assert float(metrics["max |backward − Jᵀv|"]) < 1e-12
    assert metrics["Full Jacobian"] == f"{8 * 4 * 8 * 16:,}"
    assert len(at.get("vega_lite_chart")) == 13
    assert at.selectbox(key="device").value == "auto"  # uses_torch: the sidebar offers devices


def test_widgets_at_their_extremes() -> None:
    assert_extremes_are_clean(LA, SLIDERS)


def test_noisy_matrix_widgets_at_their_extremes() -> None:
    for query in ({"la_true_rank": "1", "la_noise": "0"}, {"la_true_rank": "20", "la_noise": "1"}):
        at = run_page(LA, {"la_source": "low rank + noise", **query, "la_rank": "0"})
        assert_clean(at)
        assert at.slider(key="la_noise").value == float(query["la_noise"])


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "Type the rows"),
        ("1 2 3; 4 5 6", "must be square"),
        ("1 two; 3 4", "'two' is not"),
        ("1 2; 3", "same number of entries"),
        ("; ".join(["1 " * 9] * 9), "at most 8 rows"),
        ("1e400 0; 0 1", "finite number"),
        ("<script>alert(1)</script>", "is not"),
        ("[x](http://example.com) 1; 2 3", "is not"),
    ],
)
def test_bad_typed_matrices_give_one_clear_error(text: str, fragment: str) -> None:
    at = set_widget(run_page(LA, TYPED), "la_typed", text)
    assert not at.exception
    assert len(at.error) == 1
    message = at.error[0].value
    assert fragment in message.replace("\\", "")
    assert not re.search(r"(?<!\\)[<>\[\]()]", message), message  # user text escaped


def test_a_huge_power_overflows_in_one_sentence() -> None:
    at = set_widget(run_page(LA, {**TYPED, "la_t": "10000"}), "la_typed", "10 0; 0 10")
    assert not at.exception
    assert len(at.error) == 1
    assert "overflows" in at.error[0].value


def test_a_singular_matrix_is_said_to_be_singular() -> None:
    at = set_widget(run_page(LA, TYPED), "la_typed", "1 2; 2 4")
    assert_clean(at)
    assert len(at.info) == 1
    assert "singular" in at.info[0].value
    assert float(metric_values(at)["Relative difference"]) < 1e-9


def test_a_jordan_block_is_said_to_be_not_diagonalisable() -> None:
    at = run_page(LA, {"la_matrix": "a Jordan block (not diagonalisable)", "la_t": "7"})
    assert_clean(at)
    assert len(at.warning) == 1
    assert "not diagonalisable" in at.warning[0].value
    assert metric_values(at)["V Λᵗ V⁻¹"] == "does not exist"
    assert at.dataframe[0].value["col 2"].tolist() == [7.0, 1.0]  # the products: [[1, t], [0, 1]]


def test_view_comes_from_the_url() -> None:
    query = {**TYPED, "la_typed": "0.5 0.1; 0.2 0.3", "la_t": "5", "la_rho": "1.2", "la_rank": "3", "seed": "4"}
    at = run_page(LA, query)
    assert_clean(at)
    assert at.text_input(key="la_typed").value == "0.5 0.1; 0.2 0.3"
    assert at.slider(key="la_t").value == 5
    assert at.slider(key="la_rho").value == 1.2
    assert at.number_input(key="seed").value == 4
    expected = np.linalg.matrix_power(np.array([[0.5, 0.1], [0.2, 0.3]]), 5)
    np.testing.assert_allclose(at.dataframe[0].value[["col 1", "col 2"]].to_numpy(), expected)
    assert metric_values(at)["Numbers stored"] == f"{3 * 128:,} of 4,096"


def test_snippets_run_as_is(tmp_path) -> None:
    at = run_page(LA, {**TYPED, "la_typed": "0.9 0.4; -0.3 0.7", "la_source": "low rank + noise", "seed": "3"})
    assert_clean(at)
    assert len(at.code) == 7
    outputs = run_snippets(at, tmp_path)
    assert outputs[0].strip().endswith("True")  # Aᵗ equals numpy's matrix_power
    assert outputs[2].strip().endswith("True")  # U Σ Vᵀ x = A x


# --- The trained tiny GPT's weights -----------------------------------------------------------------

TRAINED = {"la_source": "a weight of the trained tiny GPT"}


def test_trained_weights_without_a_model_in_the_server(trained_cache, monkeypatch, tmp_path) -> None:
    no_model_in_this_process(monkeypatch, pages.linalg.weights)
    at = run_page(LA, TRAINED)
    assert_clean(at)
    options = at.selectbox(key="la_weight").options
    assert "blocks.0.attn.qkv.weight" in options or any(name.endswith(".weight") for name in options)
    assert "lm_head.weight" not in options  # tied to the embedding: listed once
    for name in options:
        at = run_page(LA, {**TRAINED, "la_weight": name, "la_rank": "5"})
        assert_clean(at)
        metrics = metric_values(at)
        assert metrics["‖A − A_k‖_F measured"] == metrics["√(Σᵢ₍>ₖ₎ σᵢ²)"], name
    outputs = run_snippets(at, tmp_path, {"GARDEN_LAB_CACHE": str(trained_cache)})
    assert len(outputs) == 7


def test_the_trained_model_cut_to_rank_r_in_the_worker(trained_cache, monkeypatch) -> None:
    no_model_in_this_process(monkeypatch, pages.linalg.weights, pages.linalg.lora)
    at = run_page(LA)
    assert_clean(at)
    assert "The trained tiny GPT, every weight matrix cut to rank r" in [h.value for h in at.subheader]
    assert any(c.value.startswith("From rank ") for c in at.caption)  # where the cut stops costing loss
    table = pages.linalg.lora.compressed_losses(pages.linalg.weights.saved_checkpoint(), "cpu")
    full_rank = table[table["rank"] >= 32]  # d_model 32: every weight whole again
    assert np.allclose(full_rank["val_loss"], full_rank["full_val_loss"], rtol=1e-5)
    assert table["factored_parameters"].iloc[0] < table["dense_parameters"].iloc[0]


def test_without_a_checkpoint_the_page_says_so(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("GARDEN_LAB_CACHE", str(tmp_path))
    at = run_page(LA, TRAINED)
    assert_clean(at)
    assert len(at.info) == 1
    assert "No trained tiny GPT is saved" in at.info[0].value
    assert metric_values(at)["Numbers stored"] == "1,024 of 4,096"  # the picture instead


def test_the_gradient_section_computes_from_many_sessions_at_once() -> None:
    # A server runs every session in a thread of one process, and torch's forward-mode AD level is process-wide:
    # without pages._common.FORWARD_AD two sessions' curves at once raised "Nested forward mode AD" (found by
    # bench.load). Distinct seeds miss the cache, so every call computes; each must equal lib's serial answer.
    section = pages.linalg.gradients
    seeds = range(100, 116)
    with ThreadPoolExecutor(4) as pool:
        curves = list(pool.map(lambda s: section.gradient_curves(16, 0.96, 40, s), seeds))
        edges = list(pool.map(lambda s: section.boundary(16, 40, s), seeds))
    for seed, curve, edge in zip(seeds, curves, edges, strict=True):
        W = section.recurrent_weight(16, 0.96, seed)
        np.testing.assert_array_equal(curve["tanh"], la.rnn_gradient_norms(W, 40, "tanh", seed=seed))
        expected = la.final_gradient_norms(la.random_matrix(16, seed=seed), section.RADII, 40, "tanh", seed=seed)
        np.testing.assert_array_equal(edge["tanh"], expected)
