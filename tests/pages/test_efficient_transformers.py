"""The Efficient transformers page: the right numbers by default, every widget at its extremes, bad input as
one sentence, the URL, the snippets, the background trainer, and no model built in the server process."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

import pages.efficient.worker_calls
from lib.transformer import ModelConfig, TinyGPT, active_parameters
from lib.transformer.inspect.efficient import TOKENIZER
from tests.apptest_helpers import (
    ROOT,
    assert_clean,
    metric_values,
    no_model_in_this_process,
    numeric_widgets,
    run_page,
    url_value,
)

PAGE = "pages/efficient_transformers.py"


def _moe_counts(n_experts: int = 4, k: int = 2, shared: int = 0) -> tuple[int, int]:
    config = ModelConfig(
        vocab_size=TOKENIZER.vocab_size,
        d_model=64,
        n_layers=2,
        ffn="moe",
        n_experts=n_experts,
        experts_per_token=k,
        n_shared_experts=shared,
    )
    model = TinyGPT(config)
    return model.n_parameters(), active_parameters(model)


def test_defaults_show_the_right_numbers() -> None:
    at = run_page(PAGE)
    assert_clean(at)
    metrics = metric_values(at)
    total, active = _moe_counts()
    assert metrics["Total parameters"] == f"{total:,}"
    assert metrics["Active per token"] == f"{active:,}"
    assert float(metrics["max |absorbed − naive| attention output"]) < 1e-5
    table = at.dataframe[0].value  # the MLA cache: measured equals the formula
    measured = dict(zip(table["variant"], table["measured bytes"], strict=True))
    formula = dict(zip(table["variant"], table["formula bytes"], strict=True))
    assert measured["MHA"] == f"{2 * 64 * 2 * 128 * 4:,}" == f"{formula['MHA']:,}"
    assert measured["MLA"] == f"{(16 + 8) * 2 * 128 * 4:,}" == f"{formula['MLA']:,}"
    assert len(at.get("vega_lite_chart")) == 4
    assert {b.key for b in at.button} == {"ef_train_moe", "ef_measure", "ef_train_mtp"}


def test_every_widget_at_its_extremes() -> None:
    widgets = list(numeric_widgets(run_page(PAGE)))
    keys = {key for key, *_ in widgets}
    assert keys >= {"seed", "ef_experts", "ef_k", "ef_shared", "ef_latent", "ef_rope", "ef_seq", "ef_rows", "ef_tile"}
    for key, low, high in widgets:
        for value in (low, high):
            at = run_page(PAGE, {key: url_value(value)})
            assert_clean(at, allow_errors=True)  # k = 8 > 4 experts, latent 0, tile 1024: one sentence each
            assert len(at.error) <= 1, (key, value)
    at = run_page(
        PAGE,
        {
            "ef_experts": "16",
            "ef_k": "8",
            "ef_shared": "2",
            "ef_rope": "32",
            "ef_heads": "8",
            "ef_cols": "1024",
            "ef_rows": "256",
            "ef_outlier": "60000",
        },
    )
    assert_clean(at)


@pytest.mark.parametrize(
    ("query", "fragment"),
    [
        ({"ef_experts": "2", "ef_k": "3"}, "experts_per_token must lie in 1..n_experts = 2"),
        ({"ef_latent": "0"}, "kv_latent_dim must be at least 1"),
        ({"ef_tile": "100"}, "tile must divide the last dimension (256)"),
    ],
)
def test_bad_input_gives_one_sentence(query: dict, fragment: str) -> None:
    at = run_page(PAGE, query)
    assert not at.exception
    assert len(at.error) == 1
    assert fragment in at.error[0].value.replace("\\", "")


def test_text_the_vocabulary_lacks_is_one_sentence() -> None:
    at = run_page(PAGE, {"ef_text": "naïve 🪙"})
    assert len(at.error) == 1
    assert "vocabulary lacks" in at.error[0].value


def test_view_comes_from_the_url() -> None:
    at = run_page(PAGE, {"ef_experts": "8", "ef_k": "1", "ef_shared": "1", "ef_fmt": "e5m2", "ef_scaling": "tile"})
    assert_clean(at)
    assert at.slider(key="ef_experts").value == 8
    _, active = _moe_counts(8, 1, 1)
    assert metric_values(at)["Active per token"] == f"{active:,}"
    assert "e5m2 mean relative error" in metric_values(at)


def test_snippets_run_as_is(tmp_path) -> None:
    at = run_page(PAGE, {"ef_depth": "1", "ef_latent": "12"})
    codes = [c.value for c in at.code if c.proto.language == "python"]
    assert len(codes) == 4
    assert "kv_latent_dim=12" in codes[1]
    outputs = []
    for i, code in enumerate(codes):
        script = tmp_path / f"snippet_{i}.py"
        script.write_text(code)
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, env=env, cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        outputs.append(result.stdout)
    assert outputs[1].split()[:2] == [f"{2 * 64 * 2 * 128 * 4}", f"{(12 + 8) * 2 * 128 * 4}"]
    assert outputs[2].split()[-1] == "True"  # speculative decoding gave the greedy tokens


def test_the_server_builds_no_model(monkeypatch) -> None:
    no_model_in_this_process(monkeypatch, pages.efficient.worker_calls)
    at = run_page(PAGE, {"ef_experts": "3", "ef_latent": "9"})  # new inputs: nothing cached
    assert_clean(at)
    at.button(key="ef_measure").click()
    at = at.run()
    assert_clean(at)
    assert len(at.dataframe) == 3  # cache table, decoding speed, FP8 errors


@pytest.mark.parametrize(
    ("button", "steps_key", "done_metric"),
    [("ef_train_mtp", "ef_mtp_steps", "Acceptance rate"), ("ef_train_moe", "ef_moe_steps", None)],
)
def test_training_runs_in_the_background_to_completion(button: str, steps_key: str, done_metric: str | None) -> None:
    at = run_page(PAGE, {steps_key: "50"})
    at.button(key=button).click()
    at = at.run()
    assert not at.exception
    deadline = time.monotonic() + 240
    before = len(at.get("vega_lite_chart"))
    while time.monotonic() < deadline and len(at.get("vega_lite_chart")) <= before:
        time.sleep(1)
        at = at.run()
    assert_clean(at)
    if done_metric:
        metrics = metric_values(at)
        assert done_metric in metrics
        assert metrics["Same tokens as greedy"] == "yes"
    else:
        assert len(at.get("vega_lite_chart")) == before + 2  # the curves and the expert load


def test_the_trained_models_weights_in_each_format(trained_cache, monkeypatch) -> None:
    no_model_in_this_process(monkeypatch, pages.efficient.worker_calls)
    at = run_page(PAGE, {"ef_tile": "32"})  # d_model 32: every weight row is whole tiles
    assert_clean(at)
    assert "The trained tiny GPT with its weights in each format" in [h.value for h in at.subheader]
    table = at.dataframe[-1].value
    assert set(table["format"]) == {"e4m3", "e5m2", "fp16", "bf16"}
    assert any("nats/char" in c.value and "tied embedding kept in float32" in c.value for c in at.caption)
