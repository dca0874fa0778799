"""The Information and inference page: the right numbers, every widget at its extremes, bad input, the URL, snippets."""

from __future__ import annotations

import math
import re

import pytest
from scipy import stats

from tests.apptest_helpers import (
    assert_clean,
    assert_extremes_are_clean,
    metric_values,
    run_page,
    run_snippets,
    set_widget,
)

INFO = "pages/information_and_inference.py"
SLIDERS = {
    "ii_sep", "ii_left", "ii_width", "ii_rho", "ii_var2", "ii_sweeps", "ii_n", "ii_k", "ii_a", "ii_b", "ii_qa",
    "ii_qb", "ii_svi_steps", "ii_svi_draws", "ii_svi_lr", "ii_mu", "ii_sigma", "ii_grad_draws", "ii_guidance",
    "ii_step", "ii_lsteps", "ii_particles", "seed",
}  # fmt: skip


def test_defaults_show_the_right_numbers() -> None:
    at = run_page(INFO)
    assert_clean(at)
    metrics = metric_values(at)
    p, q = [0.1, 0.2, 0.4, 0.3], [0.25] * 4
    assert metrics["H(p) (nats)"] == f"{stats.entropy(p):.4f}"
    assert metrics["KL(p‖q) (nats)"] == f"{stats.entropy(p, q):.4f}"
    assert metrics["KL(q‖p) (nats)"] == f"{stats.entropy(q, p):.4f}"
    assert metrics["H(p, q) (nats)"] == f"{math.log(4):.4f}"
    # The coin: 7 heads in 10 flips under a uniform prior, evidence 1/11; the gap equals the KL.
    assert metrics["log evidence log p(k)"] == f"{math.log(1 / 11):.6f}"
    assert metrics["gap log p(k) − ELBO"] == metrics["KL(q ‖ posterior)"]
    assert 0 < float(metrics["log evidence − ELBO"]) < 0.02  # stochastic VI converged
    # Mean field at ρ = 0.8: variance 1 − ρ², and both KLs −½ log(1 − ρ²).
    assert metrics["Reverse: variance of x₁"] == "0.3600"
    assert metrics["KL(q_reverse‖p)"] == f"{-0.5 * math.log(1 - 0.64):.4f}"
    assert metrics["Exact mean of p(x | A)"] == "(-2.00, 0.50)"
    assert len(at.get("vega_lite_chart")) == 8
    assert len(at.code) == 7


def test_every_widget_at_its_extremes() -> None:
    assert_extremes_are_clean(INFO, SLIDERS)


def test_infinite_kl_is_shown_as_infinity_not_an_error() -> None:
    at = run_page(INFO, {"ii_q": "0.5 0.5 0 0"})
    assert_clean(at)
    metrics = metric_values(at)
    assert metrics["KL(p‖q) (nats)"] == "∞"
    assert metrics["H(p, q) (nats)"] == "∞"
    assert metrics["KL(q‖p) (nats)"] != "∞"
    assert any("infinite" in i.value for i in at.info)


def test_weights_are_normalised_when_asked_and_bits_are_bits() -> None:
    at = run_page(INFO, {"ii_p": "1 1", "ii_q": "1 3", "ii_weights": "true", "ii_unit": "bits (log base 2)"})
    assert_clean(at)
    metrics = metric_values(at)
    assert metrics["H(p) (bits)"] == "1.0000"
    assert metrics["KL(p‖q) (bits)"] == f"{stats.entropy([0.5, 0.5], [0.25, 0.75], base=2):.4f}"


@pytest.mark.parametrize(
    ("key", "text", "fragment"),
    [
        ("ii_p", "0.5, 0.6", "sum to 1"),
        ("ii_p", "-0.1 1.1", "no negative entries"),
        ("ii_p", "", "at least one"),
        ("ii_q", "0.5 0.5", "same number of outcomes"),
        ("ii_q", "a b c d", "numbers separated"),
        ("ii_q", "[click](http://example.com) <script>alert(1)</script>", "numbers separated"),
    ],
)
def test_bad_distributions_give_one_clear_error(key: str, text: str, fragment: str) -> None:
    at = set_widget(run_page(INFO), key, text)
    assert not at.exception
    assert len(at.error) == 1
    message = at.error[0].value
    assert fragment in message.replace("\\", "")
    assert not re.search(r"(?<!\\)[<>\[\]()$!*_`]", message), message
    assert len(at.get("vega_lite_chart")) == 7  # the other sections still draw


def test_the_view_comes_from_the_url() -> None:
    query = {
        "ii_p": "0.5 0.5",
        "ii_q": "0.9 0.1",
        "ii_rho": "0.5",
        "ii_k": "3",
        "ii_n": "9",
        "ii_f": "sin z",
        "seed": "7",
    }
    at = run_page(INFO, query)
    assert_clean(at)
    assert at.text_input(key="ii_p").value == "0.5 0.5"
    assert at.slider(key="ii_rho").value == 0.5
    assert at.selectbox(key="ii_f").value == "sin z"
    assert at.number_input(key="seed").value == 7
    metrics = metric_values(at)
    assert metrics["log evidence log p(k)"] == f"{math.log(0.1):.6f}"  # uniform prior: 1/(n + 1)
    assert metrics["Reverse: variance of x₁"] == "0.7500"


def test_k_above_n_is_capped_with_a_warning() -> None:
    at = run_page(INFO, {"ii_k": "50", "ii_n": "20"})
    assert_clean(at)
    assert any("using k = n = 20" in w.value for w in at.warning)


def test_snippets_run_as_is(tmp_path) -> None:
    at = run_page(INFO, {"ii_p": "0.2 0.8", "ii_q": "0.5 0.5", "ii_svi_steps": "300", "ii_lsteps": "100"})
    codes = [c.value for c in at.code]
    assert len(codes) == 7
    assert "p, q, base = [0.2, 0.8], [0.5, 0.5]" in codes[0]
    outputs = run_snippets(at, tmp_path)
    entropies = [float(v) for v in outputs[0].split()]
    assert entropies[0] == pytest.approx(stats.entropy([0.2, 0.8]))
    assert entropies[-1] == pytest.approx(stats.entropy([0.2, 0.8], [0.5, 0.5]))
