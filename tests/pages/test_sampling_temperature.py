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
    assert len(at.get("vega_lite_chart")) == 4  # next character, pipeline, quality vs diversity, trace


def test_an_untrained_model_still_works_and_says_so(empty_cache) -> None:
    at = run_page(PAGE, FAST)
    assert_clean(at)
    assert any("untrained" in w.value for w in at.warning)
    assert at.button(key="sp_train")
    assert len(at.get("vega_lite_chart")) == 4


def test_widgets_at_their_extremes(saved_cache) -> None:
    assert_extremes_are_clean(
        PAGE,
        {"sp_tau", "sp_top_k", "sp_top_p", "sp_min_p", "sp_typical_p", "sp_penalty", "sp_ngram", "sp_n_samples"}
        | {"sp_n_new", "seed"},
    )


def test_a_filter_slider_is_enabled_only_once_its_filter_is_picked(saved_cache) -> None:
    at = run_page(PAGE, FAST)  # the default filters: top-k, top-p, min-p
    assert [at.slider(key=k).disabled for k in ("sp_top_k", "sp_top_p", "sp_min_p", "sp_typical_p")] == [
        False,
        False,
        False,
        True,
    ]
    for value in ("0.01", "1.0"):  # typical-p picked, at its extremes
        at = run_page(PAGE, {**FAST, "sp_stages": ["typical-p"], "sp_typical_p": value})
        assert_clean(at)
        assert not at.slider(key="sp_typical_p").disabled
        assert at.slider(key="sp_top_k").disabled
        stages = next(t.value for t in at.dataframe if "kept characters" in t.value.columns)
        assert stages["after"].iloc[-1] == f"typical-p {float(value):g}"


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
    assert len(at.get("vega_lite_chart")) == 5  # the finished run's loss curve too
    assert list(empty_cache.glob("tinygpt-*.pt"))


def test_snippets_run_as_is(saved_cache, tmp_path) -> None:
    # One snippet per section, each loading the saved model and using the current values.
    at = run_page(PAGE, {**FAST, "sp_tau": "0.7", "seed": "3", "sp_penalty": "1.2", "sp_ngram": "3"})
    at.toggle(key="sp_gen_truncate").set_value(True)
    at = at.run()
    codes = [c.value for c in at.code if c.proto.language == "python"]
    assert len(codes) == 4
    training, temperature, truncation, generation = codes
    assert "TrainingSettings(**{'d_model': 128" in training
    assert "temperature=0.7" in temperature
    assert "[('repetition_penalty', 1.2), ('no_repeat_ngram', 3), ('top_k', 20), ('top_p', 0.9), ('min_p', 0.05)]" in (
        truncation
    )
    assert "[0.0, 0.5, 1.0, 1.5]" in generation
    assert "seed=3" in generation
    outputs = run_snippets(at, tmp_path, env={"GARDEN_LAB_CACHE": str(saved_cache)})
    for out in outputs:
        assert "loaded" in out
    assert "parameters" in outputs[0]
    assert "entropy" in outputs[1]
    assert "kept" in outputs[2]
    assert "mean log-prob" in outputs[3]
    assert outputs[3].count("\n") >= 4 + 20  # four temperatures, then the traced sample's 20 characters


def test_the_sections_come_in_order(saved_cache) -> None:
    at = run_page(PAGE, FAST)
    assert [h.value for h in at.header] == [
        "1 · Train the model",
        "2 · Temperature: the next character",
        "3 · The sampling pipeline: penalties, temperature, truncation",
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
    view = {**FAST, "sp_tau": "0.35", "sp_stages": ["min-p", "top-k"], "sp_temps": ["0.0", "2.0"], "sp_penalty": "1.3"}
    for key, value in {**view, "sp_ngram": "2", "sp_typical_p": "0.8"}.items():
        at.query_params[key] = value
    at.switch_page(PAGE)
    at = at.run()
    assert_clean(at)
    assert at.slider(key="sp_tau").value == 0.35
    assert at.multiselect(key="sp_stages").value == ["min-p", "top-k"]
    assert (at.slider(key="sp_penalty").value, at.slider(key="sp_ngram").value) == (1.3, 2)
    assert at.slider(key="sp_typical_p").value == 0.8
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
    assert len(at.get("vega_lite_chart")) == 4
    assert next(t.value for t in at.dataframe if "distinct-2" in t.value.columns) is not None  # worker samples
    monkeypatch.setenv("GARDEN_LAB_CACHE", str(tmp_path))  # no checkpoint: the untrained model
    at = run_page(PAGE, FAST)
    assert_clean(at)
    assert any("untrained" in w.value for w in at.warning)
    assert len(at.get("vega_lite_chart")) == 4


def diversity_of(at) -> dict[float, float]:
    """distinct-2 per temperature: equal at every τ when the samples are the greedy text."""
    table = next(t.value for t in at.dataframe if "distinct-2" in t.value.columns)
    return dict(zip(table["temperature"], table["distinct-2"], strict=True))


def test_generation_samples_in_the_order_chosen(saved_cache) -> None:
    # top-k 2 then top-p 0.5 always keeps one character (the top one holds ≥ half of two), so the fixed
    # order top-k → top-p writes greedy text at every τ; top-p 0.5 then top-k 2 keeps two whenever the top
    # character holds less than half, which at τ = 3 it does: the samples then differ from greedy ones.
    view = {**FAST, "sp_top_k": "2", "sp_top_p": "0.5", "sp_temps": ["0.0", "3.0"]}
    diversity = {}
    for order in (["top-k", "top-p"], ["top-p", "top-k"]):
        at = run_page(PAGE, {**view, "sp_stages": order})
        at.toggle(key="sp_gen_truncate").set_value(True)
        at = at.run()
        assert_clean(at)
        diversity[order[0]] = diversity_of(at)
    greedy = diversity["top-k"][0.0]
    assert diversity["top-k"][3.0] == greedy  # one candidate left: τ changes nothing
    assert diversity["top-p"][3.0] != greedy  # the order chosen, not the fixed one


def trace_of(at):
    return next(t.value for t in at.dataframe if "changed by" in t.value.columns)


def test_the_trace_agrees_with_the_lib(saved_cache) -> None:
    import numpy as np

    from lib import sampling
    from lib.transformer.generation import sample_texts

    at = run_page(PAGE, {**FAST, "sp_penalty": "1.5", "sp_ngram": "2", "sp_stages": ["typical-p", "top-k"]})
    at.toggle(key="sp_gen_truncate").set_value(True)
    at = at.run()
    assert_clean(at)
    trace = trace_of(at)
    assert len(trace) == 20
    assert "".join(trace["character"]) in [c.value for c in at.code]  # the sample shown above it
    assert (trace["probability"] > 0).all()
    assert (trace["rank"] >= 1).all()
    assert set(trace["changed by"]) <= {"", "the draw", "repetition-penalty", "no-repeat-ngram", "typical-p"}
    # The same sample drawn here, traced by lib.sampling, gives the same rows.
    model, tokenizer, _ = load_checkpoint(checkpoint_path(), "cpu")
    stages = [("repetition_penalty", 1.5), ("no_repeat_ngram", 2), ("typical_p", 0.9), ("top_k", 20)]
    prompt = at.text_area(key="sp_prompt").value
    sample = sample_texts(model, tokenizer, prompt, temperature=1.0, n_samples=2, n_new=20, seed=0, stages=stages)
    assert sample.texts[0] == "".join(trace["character"])
    draws = sampling.trace_draws(sample.first_logits, sample.first_ids, 1.0, stages)
    np.testing.assert_allclose(trace["probability"], [d.probability for d in draws], rtol=1e-4)
    assert trace["model rank"].tolist() == [d.model_rank for d in draws]


def test_without_stages_the_trace_is_the_model_at_tau_one(saved_cache) -> None:
    trace = trace_of(run_page(PAGE, FAST))
    assert (trace["probability"] - trace["model probability"]).abs().max() < 1e-9
    assert trace["rank"].tolist() == trace["model rank"].tolist()
    assert set(trace["changed by"]) <= {"", "the draw"}


def exported(at) -> dict:
    import json

    (code,) = [c.value for c in at.code if c.proto.language == "json"]
    return json.loads(code)


def test_the_settings_export_as_a_generation_config(saved_cache) -> None:
    at = run_page(PAGE, FAST)
    assert exported(at) == {
        "do_sample": True,
        "temperature": 1.0,
        "top_k": 0,
        "top_p": 1.0,
        "min_p": None,
        "typical_p": 1.0,
        "repetition_penalty": 1.0,
        "no_repeat_ngram_size": 0,
        "max_new_tokens": 20,
    }
    assert not any("Not your order" in c.value for c in at.caption)
    at = run_page(PAGE, {**FAST, "sp_penalty": "1.3", "sp_ngram": "4", "sp_stages": ["min-p", "top-k"]})
    at.toggle(key="sp_gen_truncate").set_value(True)
    at.selectbox(key="sp_trace_tau").set_value(0.5)
    at = at.run()
    assert_clean(at)
    config = exported(at)
    assert (config["temperature"], config["top_k"], config["min_p"], config["top_p"]) == (0.5, 20, 0.05, 1.0)
    assert (config["repetition_penalty"], config["no_repeat_ngram_size"]) == (1.3, 4)
    assert any("Not your order" in c.value for c in at.caption)  # min-p before top-k: HF cannot say so


def test_temperature_last_and_the_new_stages_show_in_the_pipeline(saved_cache) -> None:
    at = run_page(PAGE, {**FAST, "sp_penalty": "2", "sp_ngram": "1", "sp_stages": ["typical-p"]})
    at.toggle(key="sp_temperature_last").set_value(True)
    at = at.run()
    assert_clean(at)
    stages = next(t.value for t in at.dataframe if "kept characters" in t.value.columns)
    assert stages["after"].tolist() == [
        "repetition penalty 2",
        "no-repeat 1-gram",
        "softmax at τ = 1",
        "typical-p 0.9",
        "τ = 1",
    ]
    vocabulary = at.slider(key="sp_top_k").max
    assert stages["kept characters"][1] < vocabulary  # a 1-gram ban removes every character of the prompt
