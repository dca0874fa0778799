"""The Transformer lab page: runs from the router, survives its widgets' extremes, bad input, the cost button."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

import pages.transformer.model
from lib.transformer import CharTokenizer, ModelConfig, TinyGPT, generate
from lib.transformer import inspect as ti
from lib.transformer.checkpoint import load_checkpoint
from pages._registry import PAGES
from runtime.model_cache import trained_checkpoint
from tests.apptest_helpers import (
    ROOT,
    assert_clean,
    chart_frames,
    metric_values,
    no_model_in_this_process,
    numeric_widgets,
    run_page,
    run_snippet,
    set_widget,
    url_value,
)

LAB = "pages/transformer_lab.py"
DEFAULT_TEXT = "the cat sat on the mat."


SECTIONS = ("Attention", "Shapes and parameters", "Positions", "Norms and depth", "Cost on this device")
DEPTH = ("All heads", "Logit lens", "Head ablation", "Generation stepper")  # tested at the end of this file
TABS = ("Attention", *DEPTH, *SECTIONS[1:])


def test_lab_default_view() -> None:
    at = run_page(LAB)
    assert_clean(at)
    assert at.title[0].value == "Transformer lab"
    assert at.selectbox(key="device").value == "auto"  # uses_torch: the sidebar offers devices
    # The parameter metric is TinyGPT.n_parameters() for the default switches.
    vocab = CharTokenizer.from_text(DEFAULT_TEXT).vocab_size
    expected = TinyGPT(ModelConfig(vocab_size=vocab, d_model=64, n_heads=4, n_layers=2, max_seq_len=256))
    metrics = metric_values(at)
    assert metrics["Parameters"] == f"{expected.n_parameters():,}"
    assert metrics["Head size d_k"] == "16"
    assert metrics["FFN width d_ff"] == "176"  # 8/3 · 64 = 170.7, rounded up to a multiple of 8
    assert any("23 tokens" in c.value for c in at.caption)
    # Lazy tabs: only the open one (Attention by default) runs: the next-character bars and three maps.
    assert [t.label for t in at.tabs] == list(TABS)
    assert len(at.get("vega_lite_chart")) == 4
    assert any("With random weights the prediction is close to uniform" in c.value for c in at.caption)
    assert not any("blocks of" in c.value for c in at.caption)  # 23 tokens: every cell drawn


@pytest.mark.parametrize(("section", "charts"), [("Positions", 5), ("Norms and depth", 4), ("Cost on this device", 1)])
def test_lab_each_section_from_the_url(section: str, charts: int) -> None:
    at = run_page(LAB, {"tl_section": section})
    assert_clean(at)
    assert len(at.get("vega_lite_chart")) == charts
    if section == "Positions":
        assert any("Largest spread along any diagonal" in c.value for c in at.caption)


def test_lab_shapes_section_lists_every_tensor() -> None:
    at = run_page(LAB, {"tl_section": "Shapes and parameters"})
    assert_clean(at)
    trace = next(t.value for t in at.dataframe if "tensor" in t.value.columns)
    assert trace["tensor"].iloc[-1] == "logits x Eᵀ (tied)"
    assert trace["shape"].iloc[-1] == f"1 × 23 × {CharTokenizer.from_text(DEFAULT_TEXT).vocab_size}"


@pytest.mark.parametrize("section", SECTIONS)
def test_lab_widgets_at_their_extremes(section: str) -> None:
    query = {"tl_section": section}
    widgets = list(numeric_widgets(run_page(LAB, query)))
    keys = {key for key, *_ in widgets}
    assert keys >= {"tl_d_model", "tl_layers", "seed"}
    assert keys >= {"Positions": {"tl_train_len"}, "Norms and depth": {"tl_depth"}}.get(section, set())
    if section != "Attention":  # the switches above the tabs are tested once, with the Attention tab
        widgets = [w for w in widgets if w[0] not in {"tl_d_model", "tl_layers", "seed"}]
    for key, low, high in widgets:
        for value in (low, high):
            at = run_page(LAB, {**query, key: url_value(value)})
            widget = next(w for w in (*at.slider, *at.number_input) if w.key == key)
            assert float(widget.value) == float(value), f"{key} did not take {value} from the URL"
            if (key, value) in {("tl_kv_groups", high), ("tl_kv_heads", low)}:
                # More KV groups (8 by default) than heads: exactly one clear message, the rest of the page stands.
                assert_clean(at, allow_errors=True)
                assert len(at.error) == 1
                assert "n_kv_groups must divide n_heads" in at.error[0].value.replace("\\", "")
            else:
                assert_clean(at)


@pytest.mark.parametrize(
    "query",
    [
        {"tl_attention": "linear", "tl_causal": "false", "tl_positions": "learned", "tl_norm": "layer"},
        {"tl_ffn": "gelu", "tl_placement": "post", "tl_positions": "sinusoidal", "tl_layers": "8", "tl_heads": "8"},
        {"tl_example": "256 characters", "tl_positions": "none", "tl_d_model": "256", "tl_heads": "16"},
    ],
)
def test_lab_switch_combinations(query: dict) -> None:
    at = run_page(LAB, query)
    assert_clean(at)
    assert (
        at.selectbox(key=next(k for k in query if k in ("tl_attention", "tl_ffn", "tl_example"))).value
        == query[next(k for k in query if k in ("tl_attention", "tl_ffn", "tl_example"))]
    )


def test_lab_256_tokens_pool_the_attention_maps() -> None:
    at = run_page(LAB, {"tl_example": "256 characters"})
    assert_clean(at)
    assert any("256 tokens" in c.value for c in at.caption)
    assert any("64 × 64 blocks of 4 × 4 cells, each the **max**" in c.value for c in at.caption)
    # Each heatmap ships its cells, row names and column names; the next-character bars come last.
    scores, weights, features = list(chart_frames(at))[0:9:3]
    assert len(weights) == 64 * 64
    assert len(scores) == 64 * 65 // 2  # causal: blocks wholly above the diagonal are masked, not drawn
    assert len(features) == 16 * 64  # d_k = 16 features (not pooled) × 64 blocks of 4 tokens
    row_names = list(chart_frames(at))[1]["row_label"]
    assert row_names.iloc[0] == "0–3 · the␣"
    assert len(row_names) == 64


def test_lab_train_length_128_pools_the_position_maps() -> None:
    at = run_page(LAB, {"tl_section": "Positions", "tl_train_len": "128"})
    assert_clean(at)
    assert any("The 256 × 256 matrix is shown as 64 × 64 blocks" in c.value for c in at.caption)
    assert max(len(f) for f in chart_frames(at)) <= 64 * 64


def test_lab_impossible_head_split_is_one_clear_error() -> None:
    # 16 heads of d_model 16 leaves d_k = 1: RoPE needs an even head size.
    at = run_page(LAB, {"tl_d_model": "16", "tl_heads": "16"})
    assert not at.exception
    assert len(at.error) == 1
    assert "RoPE" in at.error[0].value


@pytest.mark.parametrize(
    "text",
    ["", "a", "[click](http://example.com) *bold* $x$ <b>hi</b> `code` \\ |", "🪐 ünïcödé\ttab", "x" * 256],
)
def test_lab_own_text(text: str) -> None:
    at = run_page(LAB, {"tl_example": "Your own text"})
    at = set_widget(at, "tl_text", text)
    assert not at.exception
    if not text:
        assert len(at.error) == 1
        assert "empty" in at.error[0].value
        return
    assert_clean(at)
    caption = next(c.value for c in at.caption if "tokens**" in c.value)
    assert f"**{len(text)} tokens**" in caption
    # Whatever the user typed is shown literally: every markdown special in the vocabulary is escaped.
    vocabulary = caption.split("(", 1)[1].rsplit(")", 1)[0]
    assert not re.search(r"(?<!\\)[<>\[\]$*_`|]", vocabulary), vocabulary


def test_lab_measures_cost_with_identical_tokens() -> None:
    at = run_page(LAB, {"tl_layers": "1", "tl_d_model": "32", "tl_section": "Cost on this device"})
    at.button(key="tl_measure").click()
    at = at.run()
    assert_clean(at)
    assert [s.value for s in at.success] == ["Cached and uncached decoding produced identical tokens at every length."]
    assert any("Linear attention" in c.value for c in at.caption)


def test_lab_kv_calculator_reproduces_deepseek_v2() -> None:
    at = run_page(LAB, {"tl_section": "Cost on this device"})
    kv = next(t.value for t in at.dataframe if "variant" in t.value.columns).set_index("variant")
    assert kv.loc["MLA", "values per token per layer"] == 576
    assert kv.loc["MHA", "values per token per layer"] == 32768
    assert kv.loc["MLA", "vs MHA"] == pytest.approx(576 / 32768 - 1)


def run_snippets(query: dict, tmp_path: Path, env: dict) -> dict[str, tuple[str, str]]:
    """Open every tab with ``query``; run its one snippet as a script: tab -> (code, stdout)."""
    ran = {}
    for section in SECTIONS:
        at = run_page(LAB, {**query, "tl_section": section})
        (code,) = [c.value for c in at.code]  # lazy tabs: only the open tab's snippet is on the page
        script = tmp_path / f"snippet_{len(ran)}.py"
        script.write_text(code)
        result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, env=env, cwd=tmp_path)
        assert result.returncode == 0, (section, result.stderr)
        ran[section] = (code, result.stdout)
    return ran


def test_lab_snippets_run_as_is(tmp_path) -> None:
    query = {"tl_layers": "1", "tl_positions": "learned", "tl_attention": "linear", "seed": "3"}
    ran = run_snippets(query, tmp_path, {**os.environ, "PYTHONPATH": str(ROOT)})
    n_params = TinyGPT(
        ModelConfig(vocab_size=CharTokenizer.from_text(DEFAULT_TEXT).vocab_size, d_model=64, n_layers=1,
                    max_seq_len=256, positional="learned", attention="linear")
    ).n_parameters()  # fmt: skip
    for section, (code, stdout) in ran.items():
        if section == "Positions":  # the position tables need no model: the head size and the seed
            assert "d_model, d_k, L = 64, 16, 16" in code
            assert "seed=3" in code
            continue
        assert "positional='learned'" in code, section
        assert "torch.manual_seed(3)" in code, section
        assert f"{n_params} {n_params}" in stdout.splitlines(), section
    assert "True" in ran["Cost on this device"][1].splitlines()  # cached and uncached decoding agree
    assert "n_kv_groups=8" in ran["Cost on this device"][0]  # the calculator's current values


def test_lab_entry_lists_its_tabs_in_order() -> None:
    entry = (ROOT / LAB).read_text(encoding="utf-8")
    assert len(entry.splitlines()) <= 150
    calls = re.findall(r"^\s+(\w+_section)\(", entry, re.MULTILINE)
    assert calls == [
        "attention_section",
        "all_heads_section",
        "lens_section",
        "ablation_section",
        "stepper_section",
        "shapes_section",
        "positions_section",
        "norms_section",
        "cost_section",
    ]


# --- Weights: the trained tiny GPT ------------------------------------------------------------------

TRAINED = {"tl_weights": "trained tiny GPT"}


def test_lab_with_trained_weights(trained_cache) -> None:
    at = run_page(LAB, TRAINED)
    assert_clean(at)
    model, tokenizer, _ = load_checkpoint(trained_checkpoint(), "cpu")
    # The architecture switches show the trained configuration, disabled.
    d_model = next(s for s in at.slider if s.label == "d_model (C)")
    assert d_model.disabled
    assert d_model.value == 32
    layers = next(s for s in at.slider if s.label == "Layers")
    assert (layers.disabled, layers.value) == (True, 1)
    assert next(s for s in at.selectbox if s.label == "Heads (H)").value == 2
    metrics = metric_values(at)
    assert metrics["Parameters"] == f"{model.n_parameters():,}"
    assert metrics["Most likely next character"]
    assert "nats/char" in metrics["Loss on this text"]
    assert any(
        "Trained on Python's standard library" in c.value and "(2 training steps)" in c.value for c in at.caption
    )
    assert any(f"vocabulary of **{tokenizer.vocab_size}**" in c.value for c in at.caption)


def test_lab_trained_weights_refuse_unknown_characters_and_long_text(trained_cache) -> None:
    at = set_widget(run_page(LAB, {**TRAINED, "tl_example": "Your own text"}), "tl_text", "ünïcödé 🪐")
    assert not at.exception
    assert len(at.error) == 1
    assert "never seen" in at.error[0].value
    at = run_page(LAB, {**TRAINED, "tl_example": "256 characters"})
    assert not at.exception
    assert len(at.error) == 1
    assert "at most 32 characters" in at.error[0].value


def test_lab_trained_weights_in_every_section(trained_cache) -> None:
    for section in SECTIONS:
        at = run_page(LAB, {**TRAINED, "tl_section": section})
        assert_clean(at)
    at.button(key="tl_measure").click()  # the last section: cost; the tiny model's window is 32 tokens
    at = at.run()
    assert_clean(at)
    assert [s.value for s in at.success] == ["Cached and uncached decoding produced identical tokens at every length."]


def test_lab_trained_snippets_run_as_is(trained_cache, tmp_path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "GARDEN_LAB_CACHE": str(trained_cache)}
    ran = run_snippets(TRAINED, tmp_path, env)
    for section, (code, stdout) in ran.items():
        if section != "Positions":
            assert "load_checkpoint(trained_checkpoint()" in code, section
            assert "d_model=32" in stdout, section
    assert "greedy continuation" in ran["Attention"][0]


def test_lab_without_a_checkpoint_explains_where_it_comes_from(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("GARDEN_LAB_CACHE", str(tmp_path))
    at = run_page(LAB, TRAINED)
    assert_clean(at)
    assert len(at.info) == 1
    assert "Sampling temperature" in at.info[0].value
    sampling_page = "pages/sampling_temperature.py"
    linked = (ROOT / sampling_page).is_file() and any(info.path == sampling_page for info in PAGES)
    assert len(at.get("page_link")) == int(linked)
    assert not next(s for s in at.slider if s.label == "d_model (C)").disabled  # random weights: free to switch


def test_lab_builds_no_model_in_the_server(trained_cache, monkeypatch) -> None:
    # Random and trained weights, every section: the page reads what it shows (the parameter count
    # included) without a TinyGPT; the attention maps, norms and timings come from the worker.
    trained, _, _ = load_checkpoint(trained_checkpoint(), "cpu")
    vocab = CharTokenizer.from_text(DEFAULT_TEXT).vocab_size
    random = TinyGPT(ModelConfig(vocab_size=vocab, d_model=64, n_heads=4, n_layers=2, max_seq_len=256))
    no_model_in_this_process(monkeypatch, pages.transformer.model)
    for weights, model in (({}, random), (TRAINED, trained)):
        for section in SECTIONS:
            at = run_page(LAB, {**weights, "tl_section": section})
            assert_clean(at)
            assert metric_values(at)["Parameters"] == f"{model.n_parameters():,}", (weights, section)
    at.button(key="tl_measure").click()  # the cost section's timings: a process of their own
    at = at.run()
    assert_clean(at)
    assert at.success


# --- All heads, logit lens, head ablation, generation stepper ----------------------------------------


def _default_model(**switches) -> tuple[TinyGPT, CharTokenizer, torch.Tensor]:
    """The page's random-init model at its defaults (seed 0), built here to check what the worker showed."""
    tok = CharTokenizer.from_text(DEFAULT_TEXT)
    torch.manual_seed(0)
    config = ModelConfig(vocab_size=tok.vocab_size, d_model=64, n_heads=4, max_seq_len=256, **switches)
    return TinyGPT(config).eval(), tok, torch.tensor([tok.encode(DEFAULT_TEXT)])


def test_all_heads_grid_draws_every_head_of_every_layer() -> None:
    at = run_page(LAB, {"tl_section": "All heads", "tl_layers": "4"})
    assert_clean(at)
    cells = next(f for f in chart_frames(at) if "layer" in f.columns)
    assert sorted(cells["layer"].unique()) == [1, 2, 3, 4]
    assert sorted(cells["head"].unique()) == [1, 2, 3, 4]
    assert len(cells) == 16 * 23 * 24 // 2  # causal: the lower triangle of each 23 × 23 map, nothing pooled
    model, _, ids = _default_model(n_layers=4)
    expected = ti.stacked_weights(ti.attention_maps(model, ids))
    cell = cells[(cells["layer"] == 3) & (cells["head"] == 2) & (cells["r"] == 7) & (cells["c"] == 5)]["v"].iloc[0]
    assert cell == pytest.approx(expected[2, 1, 7, 5], rel=1e-4)
    assert any("Every one of the 8,464 cells is drawn" in c.value for c in at.caption)


def test_all_heads_grid_pools_long_texts_and_many_heads() -> None:
    at = run_page(LAB, {"tl_section": "All heads", "tl_example": "256 characters", "tl_layers": "8", "tl_heads": "8"})
    assert_clean(at)
    cells = next(f for f in chart_frames(at) if "layer" in f.columns)
    assert len(cells) <= 64 * 64 * 16  # 64 maps of at most 32 × 32 blocks
    assert any("Each map is pooled to 32 × 32 blocks of 8 × 8 positions" in c.value for c in at.caption)


def test_logit_lens_top_row_is_the_models_guess() -> None:
    at = run_page(LAB, {"tl_section": "Logit lens"})
    assert_clean(at)
    model, tok, ids = _default_model()
    guesses = next(f for f in chart_frames(at) if "shown" in f.columns)
    assert len(guesses) == 3 * 23  # (2 blocks + the embeddings) × 23 positions
    with torch.no_grad():
        final = model(ids)[0].argmax(-1)  # (T,) the model's own top-1 at every position
    top = guesses[guesses.layer == 2].sort_values("position")["shown"].tolist()
    assert top == [tok.vocabulary[i].replace(" ", "␣") for i in final.tolist()]
    assert any("At position 22, from the embeddings to the output" in c.value for c in at.caption)


@pytest.mark.parametrize(
    ("key", "value"), [("tl_grid_cell", 40), ("tl_grid_cell", 240), ("tl_lens_position", 0), ("tl_lens_position", 22)]
)
def test_depth_widgets_at_their_extremes(key: str, value: int) -> None:
    section = "All heads" if key == "tl_grid_cell" else "Logit lens"
    at = run_page(LAB, {"tl_section": section, key: str(value), "tl_lens_colour": "p(next)"})
    assert_clean(at)
    assert at.slider(key=key).value == value


def test_head_ablation_changes_the_loss_and_nothing_is_identity() -> None:
    at = run_page(LAB, {"tl_section": "Head ablation"})
    assert_clean(at)
    assert at.multiselect(key="tl_ablate").value == ["L1H1"]
    model, tok, ids = _default_model()
    expected = ti.ablation_losses(model, ids[0].tolist(), [(0, 0)], tok.vocabulary)
    metrics = metric_values(at)
    assert metrics["Loss, full model"] == f"{expected['loss'].mean():.4f} nats/char"
    assert metrics["Loss, heads silenced"] == f"{expected['ablated loss'].mean():.4f} nats/char"
    bars = next(f for f in chart_frames(at) if "difference" in f.columns)
    np.testing.assert_allclose(bars["difference"], expected["difference"], atol=1e-5)
    at.multiselect(key="tl_ablate").set_value([])
    at = at.run()
    assert_clean(at)
    assert any("Nothing silenced" in c.value for c in at.caption)
    assert next(f for f in chart_frames(at) if "difference" in f.columns)["difference"].abs().max() == 0


def test_head_ablation_from_the_url_and_without_the_causal_mask() -> None:
    at = run_page(LAB, {"tl_section": "Head ablation", "tl_ablate": ["L2H1", "L2H4"]})
    assert_clean(at)
    assert at.multiselect(key="tl_ablate").value == ["L2H1", "L2H4"]
    assert any("2 of 8 heads silenced" in c.value for c in at.caption)
    at = run_page(LAB, {"tl_section": "Head ablation", "tl_causal": "false"})
    assert not at.exception
    assert len(at.error) == 1
    assert "causal mask" in at.error[0].value


def test_generation_stepper_steps_resets_and_matches_generate() -> None:
    at = run_page(LAB, {"tl_section": "Generation stepper"})
    assert_clean(at)
    for _ in range(3):
        at.button(key="tl_step_next").click()
        at = at.run()
    assert_clean(at)
    assert any("**3 generated**" in c.value for c in at.caption)
    model, tok, ids = _default_model()
    expected = tok.decode(generate(model, ids, 3, temperature=0)[0].tolist())
    assert [c.value for c in at.code if c.language != "python"] == [expected]
    weights = next(f for f in chart_frames(at) if "v" in f.columns)
    assert len(weights) == 8 * 26  # 2 layers × 4 heads over 23 + 3 positions
    assert any("largest difference in the probabilities and weights" in c.value for c in at.caption)
    at.button(key="tl_step_reset").click()
    at = at.run()
    assert any("**0 generated**" in c.value for c in at.caption)


def test_generation_stepper_with_linear_attention_says_why_no_cache_check() -> None:
    at = run_page(LAB, {"tl_section": "Generation stepper", "tl_attention": "linear"})
    assert_clean(at)
    assert any("No KV-cached check here" in c.value for c in at.caption)


@pytest.mark.parametrize("section", DEPTH)
def test_depth_snippets_run_as_is(section: str, tmp_path) -> None:
    at = run_page(LAB, {"tl_section": section})
    if section == "Generation stepper":
        at.button(key="tl_step_next").click()
        at = at.run()
    (code,) = [c.value for c in at.code if c.language == "python"]
    stdout = run_snippet(code, tmp_path).splitlines()
    if section == "Logit lens":
        assert "True" in stdout  # the lens's last row is the model's logits
    if section == "Generation stepper":
        assert "steps = 1" in code
        assert repr(next(c.value for c in at.code if c.language != "python")) in stdout


@pytest.mark.parametrize("section", DEPTH)
def test_depth_sections_with_trained_weights(trained_cache, section: str) -> None:
    at = run_page(LAB, {**TRAINED, "tl_section": section})
    assert_clean(at)
    if section == "Generation stepper":  # the trained window is 32 characters: 9 after the default text
        for _ in range(10):
            at.button(key="tl_step_next").click()
            at = at.run()
        assert_clean(at)
        assert any("**9 generated**" in c.value for c in at.caption)
        assert at.button(key="tl_step_next").disabled


@pytest.mark.parametrize("section", DEPTH)
def test_depth_sections_with_a_one_character_text(section: str) -> None:
    at = set_widget(run_page(LAB, {"tl_section": section, "tl_example": "Your own text"}), "tl_text", "a")
    if section != "Head ablation":
        assert_clean(at)
        return
    assert_clean(at, allow_errors=True)
    assert len(at.error) == 1
    assert "at least two characters" in at.error[0].value
