"""The Sampling temperature page under AppTest: a saved model is loaded without training, every
widget at its extremes, bad prompts and uploads, a tiny training run clicked to completion, the snippets."""

from __future__ import annotations

import time

import pytest
import torch
from streamlit.testing.v1 import AppTest

import pages.sampling.model
from lib.transformer.checkpoint import load_checkpoint, save_checkpoint
from lib.transformer.corpus import stdlib_corpus
from lib.transformer.pretrained import TrainingSettings, train_model
from runtime.model_cache import checkpoint_path
from tests.apptest_helpers import (
    ROUTER,
    assert_clean,
    assert_extremes_are_clean,
    metric_values,
    no_model_in_this_process,
    run_page,
    run_snippets,
)

PAGE = "pages/sampling_temperature.py"
# Small enough to train in a second; context 128 like the real model so every sample length fits.
MICRO = TrainingSettings(d_model=16, n_heads=2, n_layers=1, batch_size=4, steps=8, eval_every=4, eval_batches=1)
FAST = {"sp_n_samples": "2", "sp_n_new": "20"}


@pytest.fixture(scope="module")
def saved_cache(tmp_path_factory):
    """A model cache holding a micro model saved where the page looks for the default model."""
    cache = tmp_path_factory.mktemp("garden-cache")
    corpus = stdlib_corpus(max_chars=30_000)
    result = train_model(corpus.train, corpus.validation, MICRO, device="cpu")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GARDEN_LAB_CACHE", str(cache))
        save_checkpoint(checkpoint_path(), result.model, result.tokenizer, result.metrics)
        yield cache


@pytest.fixture
def empty_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("GARDEN_LAB_CACHE", str(tmp_path))
    return tmp_path


def test_a_saved_model_is_loaded_without_training(saved_cache) -> None:
    at = run_page(PAGE, FAST)
    assert_clean(at)
    (loaded,) = [s.value for s in at.success]
    assert loaded.startswith("Trained model loaded")
    assert not at.warning
    assert not [b for b in at.button if b.key == "sp_train"]  # nothing to train
    metrics = metric_values(at)
    assert metrics["Entropy H"].endswith("nats")
    assert float(metrics["Effective vocabulary e^H"]) >= 1
    assert len(at.get("vega_lite_chart")) == 3  # next character, pipeline, quality vs diversity


def test_an_untrained_model_still_works_and_says_so(empty_cache) -> None:
    at = run_page(PAGE, FAST)
    assert_clean(at)
    assert any("untrained" in w.value for w in at.warning)
    assert at.button(key="sp_train")
    assert len(at.get("vega_lite_chart")) == 3


def test_widgets_at_their_extremes(saved_cache) -> None:
    assert_extremes_are_clean(PAGE, {"sp_tau", "sp_top_k", "sp_top_p", "sp_min_p", "sp_n_samples", "sp_n_new", "seed"})


def test_temperature_zero_is_argmax_and_the_naive_softmax_overflows(saved_cache) -> None:
    at = run_page(PAGE, {**FAST, "sp_tau": "0"})
    assert_clean(at)
    overflow = next(t.value for t in at.dataframe if "precision" in t.value.columns)
    assert all("not a number" in cell for cell in overflow["naive exp(z/τ) / Σ"])
    assert all("always finite" in cell for cell in overflow["log-sum-exp softmax"])
    assert metric_values(at)["Entropy H"] == "0.000 nats"  # one character gets all the mass
    stages = next(t.value for t in at.dataframe if "kept characters" in t.value.columns)
    assert stages["kept characters"].tolist() == [1, 1, 1, 1]


def test_high_temperature_is_nearly_uniform(saved_cache) -> None:
    at = run_page(PAGE, {**FAST, "sp_tau": "10"})
    assert_clean(at)
    vocabulary = at.slider(key="sp_top_k").max  # top-k goes up to the whole vocabulary
    assert float(metric_values(at)["Effective vocabulary e^H"]) > 0.9 * vocabulary


def test_stage_order_is_the_selection_order(saved_cache) -> None:
    at = run_page(PAGE, FAST)
    at.multiselect(key="sp_stages").set_value(["min-p", "top-k"])
    at = at.run()
    assert_clean(at)
    stages = next(t.value for t in at.dataframe if "kept characters" in t.value.columns)
    assert [row.split()[0] for row in stages["after"]] == ["τ", "min-p", "top-k"]
    assert stages["kept characters"].is_monotonic_decreasing


@pytest.mark.parametrize(
    ("prompt", "fragment"),
    [("naïve café", "'é', 'ï'"), ("", "empty"), ("日本語", "3 characters")],
)
def test_bad_prompts_give_one_clear_error(saved_cache, prompt: str, fragment: str) -> None:
    at = run_page(PAGE, {**FAST, "sp_prompt": prompt})
    assert not at.exception
    assert len(at.error) == 1
    assert fragment in at.error[0].value


def test_samples_come_with_their_metrics_and_a_csv(saved_cache) -> None:
    at = run_page(PAGE, FAST)
    summary = next(t.value for t in at.dataframe if "distinct-2" in t.value.columns)
    assert summary["temperature"].tolist() == [0.0, 0.5, 1.0, 1.5]
    assert (summary["mean log-prob"] < 0).all()
    assert summary["distinct-2"].between(0, 1).all()
    assert at.get("download_button")


def upload(at, content: bytes):
    at.file_uploader(key="sp_upload").set_value(("corpus.txt", content, "text/plain"))
    return at.run()


@pytest.mark.parametrize(
    ("content", "fragment"),
    [(b"\xff\xfe\x00bad" * 2_000, "not UTF"), (b"too short", "at least 5,000"), (b"x" * 2_000_001, "at most")],
    ids=["latin-1 bytes", "too short", "too large"],
)
def test_bad_uploads_give_one_clear_error(empty_cache, content: bytes, fragment: str) -> None:
    at = upload(run_page(PAGE, {**FAST, "sp_source": "upload"}), content)
    assert not at.exception
    assert len(at.error) == 1
    assert fragment in at.error[0].value


def test_a_good_upload_is_split_ninety_ten(empty_cache) -> None:
    at = upload(run_page(PAGE, {**FAST, "sp_source": "upload"}), ("def f(x):\n    return x\n" * 500).encode())
    assert_clean(at)
    assert any("11,500 characters: 10,350 to train on, 1,150 to validate" in c.value for c in at.caption), [
        c.value for c in at.caption
    ]
    assert any("an uploaded text stays on the page" in c.value for c in at.caption)  # the snippets' model


def test_train_runs_a_tiny_job_to_completion(empty_cache) -> None:
    at = run_page(PAGE, {**FAST, "sp_size": "tiny"})
    at.button(key="sp_train").click()
    at = at.run()
    assert not at.exception
    deadline = time.monotonic() + 240
    while not at.success and time.monotonic() < deadline:
        time.sleep(1)
        at = at.run()
    assert_clean(at)
    (loaded,) = [s.value for s in at.success]
    assert "28,288 parameters, 60 steps" in loaded
    assert len(at.get("vega_lite_chart")) == 4  # the finished run's loss curve too
    assert list(empty_cache.glob("tinygpt-*.pt"))


def test_snippets_run_as_is(saved_cache, tmp_path) -> None:
    # One snippet per section, each loading the saved model and using the current values.
    at = run_page(PAGE, {**FAST, "sp_tau": "0.7", "seed": "3"})
    codes = [c.value for c in at.code if c.proto.language == "python"]
    assert len(codes) == 4
    training, temperature, truncation, generation = codes
    assert "TrainingSettings(**{'d_model': 128" in training
    assert "temperature=0.7" in temperature
    assert "stages=[('top_k', 20), ('top_p', 0.9), ('min_p', 0.05)]" in truncation
    assert "[0.0, 0.5, 1.0, 1.5]" in generation
    assert "seed=3" in generation
    outputs = run_snippets(at, tmp_path, env={"GARDEN_LAB_CACHE": str(saved_cache)})
    for out in outputs:
        assert "loaded" in out
    assert "parameters" in outputs[0]
    assert "entropy" in outputs[1]
    assert "kept" in outputs[2]
    assert "mean log-prob" in outputs[3]


def test_the_sections_come_in_order(saved_cache) -> None:
    at = run_page(PAGE, FAST)
    assert [h.value for h in at.header] == [
        "1 · Train the model",
        "2 · Temperature: the next character",
        "3 · Truncation: temperature → top-k → top-p → min-p",
        "4 · Generation: samples, quality and diversity",
    ]


def test_generation_can_use_the_truncation_stages(saved_cache) -> None:
    # top-k 1 leaves one candidate: every temperature then writes the greedy text.
    at = run_page(PAGE, {**FAST, "sp_top_k": "1"})
    plain = next(t.value for t in at.dataframe if "distinct-2" in t.value.columns)
    at.toggle(key="sp_gen_truncate").set_value(True)
    at = at.run()
    assert_clean(at)
    truncated = next(t.value for t in at.dataframe if "distinct-2" in t.value.columns)
    assert truncated["distinct-2"].nunique() == 1
    assert truncated["mean log-prob"].round(9).nunique() == 1
    assert plain["distinct-2"].nunique() > 1  # without truncation the temperatures differ


def test_the_view_comes_from_the_url(saved_cache) -> None:
    at = AppTest.from_file(ROUTER, default_timeout=120)
    for key, value in {**FAST, "sp_tau": "0.35", "sp_stages": ["min-p", "top-k"], "sp_temps": ["0.0", "2.0"]}.items():
        at.query_params[key] = value
    at.switch_page(PAGE)
    at = at.run()
    assert_clean(at)
    assert at.slider(key="sp_tau").value == 0.35
    assert at.multiselect(key="sp_stages").value == ["min-p", "top-k"]
    summary = next(t.value for t in at.dataframe if "distinct-2" in t.value.columns)
    assert summary["temperature"].tolist() == [0.0, 2.0]


def test_a_damaged_checkpoint_gives_one_error_and_the_untrained_model(empty_cache) -> None:
    checkpoint_path().write_bytes(b"not a torch file")
    at = run_page(PAGE, FAST)
    assert_clean(at, allow_errors=True)
    (error,) = [e.value for e in at.error]
    assert "could not be loaded" in error
    assert any("untrained" in w.value for w in at.warning)
    assert at.button(key="sp_train")  # training again replaces the file


def test_weights_that_do_not_fit_their_config_give_one_error_and_the_untrained_model(saved_cache, tmp_path) -> None:
    # The server reads the file without building the model: it must still refuse what the worker could not load.
    payload = torch.load(checkpoint_path(), weights_only=True)
    del payload["state_dict"][next(key for key in payload["state_dict"] if key != "lm_head.weight")]
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GARDEN_LAB_CACHE", str(tmp_path))
        torch.save(payload, checkpoint_path())
        at = run_page(PAGE, FAST)
    assert_clean(at, allow_errors=True)
    (error,) = [e.value for e in at.error]
    assert "could not be loaded" in error
    assert any("untrained" in w.value for w in at.warning)


def test_the_server_builds_no_model_trained_or_untrained(saved_cache, tmp_path, monkeypatch) -> None:
    # The page shows the model's size and works on it through the worker; only the worker builds it.
    model, _, _ = load_checkpoint(checkpoint_path(), "cpu")
    no_model_in_this_process(monkeypatch, pages.sampling.model)
    at = run_page(PAGE, FAST)
    assert_clean(at)
    (loaded,) = [s.value for s in at.success]
    assert loaded.startswith(f"Trained model loaded ({model.n_parameters():,} parameters,")
    assert len(at.get("vega_lite_chart")) == 3
    assert next(t.value for t in at.dataframe if "distinct-2" in t.value.columns) is not None  # worker samples
    monkeypatch.setenv("GARDEN_LAB_CACHE", str(tmp_path))  # no checkpoint: the untrained model
    at = run_page(PAGE, FAST)
    assert_clean(at)
    assert any("untrained" in w.value for w in at.warning)
    assert len(at.get("vega_lite_chart")) == 3
