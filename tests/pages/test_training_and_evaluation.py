"""The Training and evaluation page: the measured rules at the defaults, every widget at its extremes,
bad combinations, the URL, the snippets, and the training runs behind their Train buttons."""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from pages.practice.training_runs import job_runner
from tests.apptest_helpers import assert_clean, assert_extremes_are_clean, metric_values, run_page, run_snippets

PAGE = "pages/training_and_evaluation.py"
KEYS = {
    "te_degree", "te_n_train", "te_noise", "te_sets", "te_depth", "te_width", "te_steps", "te_outlier", "te_alpha",
    "te_bessel_n", "te_sigma", "te_bessel_sims", "te_minority", "te_split_n", "te_test_size", "te_splits",
    "te_ap_n", "te_prevalence", "te_separation", "te_seed_steps", "seed",
}  # fmt: skip


TRAIN_BUTTONS = ("te_train", "te_seed_train")  # the initialisation and the seeding sections


def number(text: str) -> float:
    return float(text.replace(",", ""))


def train(at: AppTest, *buttons: str) -> AppTest:
    """Press the Train buttons, wait for their runs in the page's background runner, rerun to show them."""
    for key in buttons:
        at.button(key=key).click()
    at = at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert not {b.key for b in at.button} & set(buttons), "a pressed Train button gives way to the run's progress"
    for job in job_runner().jobs():
        assert job.wait(60).state == "done", job.snapshot().error
    return at.run()


def trained_captions(at: AppTest) -> list[str]:
    return [c.value for c in at.caption if c.value.startswith("Loss before → after")]


def test_defaults_show_the_measured_rules() -> None:
    at = run_page(PAGE)
    assert_clean(at)
    assert len(at.get("vega_lite_chart")) == 8  # nothing trained yet: no loss curves
    assert {b.key for b in at.button} >= set(TRAIN_BUTTONS)
    at = train(at, *TRAIN_BUTTONS)
    assert_clean(at)
    assert not {b.key for b in at.button} & set(TRAIN_BUTTONS)  # trained: the results instead of the buttons
    (losses,) = trained_captions(at)
    he_first, he_last = (float(x) for x in re.search(r"he (\S+) → (\S+);", losses).groups())
    assert he_last < he_first  # He's init trains at depth 30
    metrics = metric_values(at)
    # 1: the decomposition predicts the measured test error.
    assert number(metrics["bias² + variance + σ²"]) == pytest.approx(number(metrics["measured test error"]), rel=0.05)
    assert metrics["noise σ²"] == "0.09"
    # 2: He keeps the variance, Xavier halves it per layer, N(0, 0.02²) multiplies it by 256 · 0.0004 / 2.
    assert number(metrics["he: variance × per layer"]) == pytest.approx(1.0, abs=0.1)
    assert number(metrics["xavier: variance × per layer"]) == pytest.approx(0.5, abs=0.05)
    assert number(metrics["normal: variance × per layer"]) == pytest.approx(0.0512, rel=0.2)
    # 4: ddof 0 at n = 2 is half of σ² = 4.
    assert number(metrics["n = 2: mean ddof-0 variance"]) == pytest.approx(2.0, rel=0.05)
    assert number(metrics["n = 2: mean ddof-1 variance"]) == pytest.approx(4.0, rel=0.05)
    # 5: random splits lose the minority about as often as the hypergeometric says.
    assert number(metrics["Random splits with no minority in test"]) == pytest.approx(
        number(metrics["Hypergeometric probability"]), abs=0.04
    )
    # 6: interpolation never lowers AP.
    assert number(metrics["Interpolated AP"]) >= number(metrics["Step-wise AP"])
    # 7: the seeded pair is identical, the unseeded augmentation is not.
    seeds = next(t.value for t in at.dataframe if "identical" in t.value.columns).set_index("source of nondeterminism")
    assert bool(seeds.loc["none", "identical"])
    assert not bool(seeds.loc["unseeded augmentation", "identical"])
    assert len(at.get("vega_lite_chart")) == 10
    assert "Torch device" in [s.label for s in at.sidebar.selectbox]


def test_widgets_at_their_extremes() -> None:
    assert_extremes_are_clean(PAGE, KEYS)


@pytest.mark.parametrize(
    "query",
    [
        {"te_depth": "100", "te_steps": "10", "te_seed_steps": "200"},
        {"te_depth": "2", "te_steps": "300", "te_seed_steps": "10", "te_activation": "linear"},
    ],
)
def test_training_runs_at_the_sliders_extremes(query: dict[str, str]) -> None:
    at = train(run_page(PAGE, query), *TRAIN_BUTTONS)
    assert_clean(at)
    assert len(at.get("vega_lite_chart")) == 10
    assert len(trained_captions(at)) == 1
    title = f"A short training run: depth {query['te_depth']}, width 64"
    assert any(title in chart.proto.spec for chart in at.get("vega_lite_chart"))


def test_a_slider_move_only_changes_the_settings_and_a_trained_configuration_shows_at_once() -> None:
    at = train(run_page(PAGE, {"te_depth": "4", "te_steps": "20"}), "te_train")
    assert len(trained_captions(at)) == 1
    at.slider(key="te_steps").set_value(30)
    at = at.run()
    assert not trained_captions(at)  # a new configuration: not trained, nothing run
    assert any("depth 4, relu, 30 steps, seed 0" in i.value for i in at.info), [i.value for i in at.info]
    assert at.button(key="te_train")
    at.slider(key="te_steps").set_value(20)
    at = at.run()
    assert len(trained_captions(at)) == 1  # trained before: shown without pressing Train


@pytest.mark.parametrize(
    ("query", "fragment"),
    [
        ({"te_degree": "15", "te_n_train": "5"}, "degree must be below n_train"),
        ({"te_minority": "0.01", "te_split_n": "40"}, "each class needs at least two"),
    ],
)
def test_bad_combinations_give_one_clear_sentence(query: dict[str, str], fragment: str) -> None:
    at = run_page(PAGE, query)
    assert_clean(at, allow_errors=True)
    assert len(at.error) == 1
    assert fragment in at.error[0].value.replace("\\", "")


@pytest.mark.parametrize("activation", ["tanh", "linear"])
def test_every_activation_and_breaker_from_the_url(activation: str) -> None:
    breaker = {"tanh": "unseeded augmentation", "linear": "index_add_"}[activation]
    at = run_page(PAGE, {"te_activation": activation, "te_breaker": breaker, "te_degree": "5", "seed": "3"})
    assert_clean(at)
    assert at.selectbox(key="te_activation").value == activation
    assert at.selectbox(key="te_breaker").value == breaker
    assert at.slider(key="te_degree").value == 5
    assert at.number_input(key="seed").value == 3


def test_snippets_run_as_is(tmp_path) -> None:
    at = run_page(PAGE, {"te_depth": "8", "te_steps": "20", "te_seed_steps": "10", "te_bessel_sims": "1000"})
    codes = [c.value for c in at.code]
    assert len(codes) == 7
    assert "bias_variance(degree=3, n_train=30, noise_std=0.3, n_datasets=200, seed=0)" in codes[0]
    outputs = run_snippets(at, tmp_path)
    assert outputs[6].splitlines()[0] == "none 0.0"  # same seed, same code: identical losses
