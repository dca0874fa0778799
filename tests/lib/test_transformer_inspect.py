"""lib.transformer.inspect: shapes against a real forward pass, counts, RoPE, maps, depth, cost, KV memory."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from lib.transformer import GeluFFN, ModelConfig, SwiGLU, TinyGPT, linear_attention
from lib.transformer import inspect as ti

SWITCHES = [
    dict(zip(("ffn", "norm", "norm_placement", "positional", "attention", "causal"), combo, strict=True))
    for combo in itertools.product(
        ("swiglu", "gelu"), ("rms", "layer"), ("pre", "post"), ("rope", "sinusoidal", "learned", "none"),
        ("softmax", "linear"), (True, False),
    )
]  # fmt: skip


def _config(**switches) -> ModelConfig:
    return ModelConfig(vocab_size=11, d_model=24, n_heads=3, n_layers=2, max_seq_len=16, **switches)


def _module_output_shapes(model: TinyGPT, ids: torch.Tensor) -> dict[str, tuple[int, ...]]:
    shapes: dict[str, tuple[int, ...]] = {}
    hooks = [
        module.register_forward_hook(lambda _m, _a, out, name=name: shapes.__setitem__(name, tuple(out.shape)))
        for name, module in model.named_modules()
        if name
    ]
    with torch.no_grad():
        model(ids)
    for hook in hooks:
        hook.remove()
    return shapes


@pytest.mark.parametrize("switches", SWITCHES, ids=lambda s: "-".join(map(str, s.values())))
def test_shape_trace_matches_a_forward_pass(switches: dict) -> None:
    config = _config(**switches)
    torch.manual_seed(0)
    model = TinyGPT(config)
    ids = torch.randint(0, 11, (2, 7))
    trace = ti.shape_trace(config, T=7, batch=2)
    real = _module_output_shapes(model, ids)
    checked = trace[trace["module"] != ""]
    # Every module the trace names produced exactly that shape; each block and every sublayer is covered.
    for module, shape in zip(checked["module"], checked["shape"], strict=True):
        assert real[module] == shape, module
    assert {"embed", "lm_head", "blocks.0.attn.qkv", "blocks.1.attn.proj", "blocks.1.ffn.down"} <= set(
        checked["module"]
    )
    assert trace["shape"].iloc[-1] == (2, 7, 11)
    # The block outputs are in the trace (pre-norm: the block itself; post-norm: norm 2).
    assert ("blocks.1" if config.norm_placement == "pre" else "blocks.1.norm2") in set(checked["module"])
    if config.attention == "softmax":
        traces: list = []
        with torch.no_grad():
            model(ids, trace=traces)
        score_shape = trace.loc[trace["tensor"].str.startswith("scores"), "shape"].iloc[0]
        assert tuple(traces[0].scores.shape) == score_shape == (2, 3, 7, 7)
    # The letters agree with the numbers.
    letters = {"B": 2, "T": 7, "C": 24, "H": 3, "D": 8, "V": 11, "F": ti.ffn_hidden_size(config)}
    for dims, shape in zip(trace["dims"], trace["shape"], strict=True):
        expected = tuple(3 * 24 if d == "3C" else letters[d] for d in dims.split("×"))
        assert expected == shape, dims


@pytest.mark.parametrize("switches", SWITCHES[::3], ids=lambda s: "-".join(map(str, s.values())))
def test_parameter_counts_sum_to_the_model(switches: dict) -> None:
    config = _config(**switches)
    model = TinyGPT(config)
    counts = ti.parameter_counts(config)
    assert counts["parameters"].sum() == model.n_parameters()
    assert ti.n_parameters(config) == model.n_parameters()
    trace = ti.shape_trace(config, T=5)
    assert trace["parameters"].sum() == model.n_parameters()
    ffn_rows = counts[counts["part"].str.contains("FFN")]
    assert (ffn_rows["parameters"] == sum(p.numel() for p in model.blocks[0].ffn.parameters())).all()


def test_swiglu_rule_against_the_modules() -> None:
    d = 96
    sizes = ti.ffn_size_comparison(d).set_index("choice")["parameters"]
    gelu = sum(p.numel() for p in GeluFFN(d).parameters())
    trap = sum(p.numel() for p in SwiGLU(d, 4 * d).parameters())
    rule = sum(p.numel() for p in SwiGLU(d).parameters())
    assert list(sizes) == [gelu, trap, rule]
    assert trap == 12 * d * d
    assert abs(rule / (8 * d * d) - 1) < 0.02  # 8/3 brings 12·C² back to ≈ 8·C²
    with pytest.raises(ValueError, match="d_model"):
        ti.ffn_size_comparison(0)


# ---------------------------------------------------------------------------
# Attention maps
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("causal", [True, False])
@pytest.mark.parametrize("positional", ["rope", "sinusoidal"])
def test_softmax_maps_equal_the_models_own_trace(causal: bool, positional: str) -> None:
    config = _config(positional=positional, causal=causal)
    torch.manual_seed(1)
    model = TinyGPT(config).eval()
    ids = torch.randint(0, 11, (1, 9))
    traces: list = []
    with torch.no_grad():
        model(ids, trace=traces)
    maps = ti.attention_maps(model, ids)
    assert len(maps) == config.n_layers
    for ours, theirs in zip(maps, traces, strict=True):
        np.testing.assert_allclose(ours.weights, theirs.weights[0].numpy(), atol=1e-6)
        np.testing.assert_allclose(ours.features, theirs.values[0].numpy(), atol=1e-6)
        np.testing.assert_array_equal(np.isneginf(ours.scores), np.isneginf(theirs.scores[0].numpy()))
        assert np.isneginf(ours.scores).any() == causal


@pytest.mark.parametrize("causal", [True, False])
def test_linear_maps_reproduce_linear_attention(causal: bool) -> None:
    config = _config(attention="linear", positional="none", causal=causal)
    torch.manual_seed(2)
    model = TinyGPT(config).eval()
    ids = torch.randint(0, 11, (1, 8))
    captured: list = []
    hook = model.blocks[0].attn.register_forward_pre_hook(lambda _m, args: captured.append(args[0]))
    maps = ti.attention_maps(model, ids)
    with torch.no_grad():
        model(ids)
    hook.remove()
    x = captured[-1]
    q, k, v = model.blocks[0].attn.qkv(x).split(24, dim=2)
    q, k, v = (t.view(1, 8, 3, 8).transpose(1, 2) for t in (q, k, v))
    reference = linear_attention(q, k, v, causal=causal)[0].detach().numpy()
    np.testing.assert_allclose(maps[0].features, reference, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(maps[0].weights.sum(-1), 1.0, atol=1e-5)
    if causal:
        assert np.all(np.triu(maps[0].weights[0], k=1) == 0)


# ---------------------------------------------------------------------------
# Positions
# ---------------------------------------------------------------------------


@settings(max_examples=25, deadline=None)
@given(d_half=st.integers(1, 16), T=st.integers(2, 40), seed=st.integers(0, 1000))
def test_rope_scores_are_toeplitz_for_any_constant_q_and_k(d_half: int, T: int, seed: int) -> None:
    generator = torch.Generator().manual_seed(seed)
    q, k = torch.randn(2 * d_half, generator=generator), torch.randn(2 * d_half, generator=generator)
    S = ti.rope_score_matrix(2 * d_half, T, q=q, k=k)
    scale = max(1.0, float(np.abs(S).max()))
    for offset in range(-T + 1, T):
        diagonal = np.diagonal(S, offset=offset)
        assert np.ptp(diagonal) <= 1e-4 * scale, offset
    # And the ones-vector score matches the closed form Σ_i 2 cos(Δθ_i) on the first column.
    ones = ti.rope_score_matrix(2 * d_half, T)
    closed = ti.rope_relative_scores(2 * d_half, T - 1)["score"].to_numpy()
    np.testing.assert_allclose(ones[:, 0], closed, rtol=1e-4, atol=1e-4)


def test_rope_toeplitz_breaks_without_rotation_invariance() -> None:
    # A test that can fail: adding an absolute sinusoidal vector to q and k breaks the Toeplitz pattern.
    T, d = 12, 8
    pe = torch.from_numpy(ti.position_tables(d, T, d)["sinusoidal"])
    q = (torch.ones(d) + pe) @ (torch.ones(d) + pe).T
    assert max(np.ptp(np.diagonal(q.numpy(), offset=o)) for o in range(-T + 1, T)) > 0.1


def test_rope_wavelengths() -> None:
    waves = ti.rope_wavelengths(8, train_length=100)
    np.testing.assert_allclose(waves["theta"], 10000.0 ** (-np.arange(0, 8, 2) / 8))
    # Wavelengths 2π, 2π·10, 2π·100, 2π·1000: the first two turn fully within 100 positions.
    assert waves["full turn seen in training"].tolist() == [True, True, False, False]
    with pytest.raises(ValueError, match="d_k"):
        ti.rope_wavelengths(7, 10)


def test_position_tables_shapes_and_the_sinusoidal_formula() -> None:
    tables = ti.position_tables(16, 10, 4, seed=3)
    assert tables["sinusoidal"].shape == (10, 16)
    assert tables["learned"].shape == (10, 16)
    assert tables["rope"].shape == (10, 2)
    assert tables["sinusoidal"][3, 0] == pytest.approx(np.sin(3.0), abs=1e-6)
    np.testing.assert_allclose(tables["rope"][:, 0], np.cos(np.arange(10)), atol=1e-6)


# ---------------------------------------------------------------------------
# Norms and depth
# ---------------------------------------------------------------------------


def test_norm_outputs_layer_norm_centres_rms_norm_does_not() -> None:
    x = torch.randn(6, 32) + 3.0
    frame = ti.norm_outputs(x).set_index("output of")
    np.testing.assert_allclose(frame.loc["LayerNorm", "mean"], 0.0, atol=1e-5)
    np.testing.assert_allclose(frame.loc["LayerNorm", "std"], 1.0, atol=1e-3)
    np.testing.assert_allclose(frame.loc["RMSNorm", "rms"], 1.0, atol=1e-4)
    assert (frame.loc["RMSNorm", "mean"] > 0.5).all()  # the mean of x survives RMSNorm


def test_time_norms_reports_every_norm() -> None:
    timed = ti.time_norms(16, 32, repeats=2)
    assert list(timed["norm"]) == ["layer_norm (ours)", "rms_norm (ours)", "F.layer_norm (torch)", "F.rms_norm (torch)"]
    assert (timed["median µs"] > 0).all()


def test_depth_profile_post_norm_resets_the_residual_stream() -> None:
    depth = ti.depth_profile([1, 3], d_model=16, n_heads=2, T=8, vocab_size=16, seed=0)
    assert len(depth) == 2 * (1 + 3)
    post = depth[depth["placement"] == "post-norm"]
    pre = depth[(depth["placement"] == "pre-norm") & (depth["depth"] == 3)]
    # LayerNorm output (γ = 1, β = 0) has norm √C exactly; pre-norm's stream is never normalised: it keeps
    # the scale of the embeddings (std 0.02 per entry, so ‖x‖ ≈ 0.02·√C = 0.08) plus what the blocks add.
    np.testing.assert_allclose(post["residual norm"], np.sqrt(16), rtol=1e-3)
    assert (pre["residual norm"] < 0.5).all()
    assert (depth["gradient norm"] > 0).all()


# ---------------------------------------------------------------------------
# Cost
# ---------------------------------------------------------------------------


def test_decoding_speed_checks_identical_tokens() -> None:
    torch.manual_seed(0)
    model = TinyGPT(_config())
    speed = ti.decoding_speed(model, [2, 4], prompt_length=3)
    assert speed["identical"].all()
    assert (speed["tokens/s with cache"] > 0).all()
    assert (speed["tokens/s without cache"] > 0).all()
    with pytest.raises(ValueError, match="max_seq_len"):
        ti.decoding_speed(model, [20], prompt_length=3)


def test_cost_timings_names_each_stage_and_times_the_models_shape() -> None:
    torch.manual_seed(0)
    model = TinyGPT(_config())
    stages: list[str] = []
    timed = ti.cost_timings(model, decode_lengths=[2], attention_lengths=[8], norm_length=16, callback=stages.append)
    assert [s.split()[0] for s in stages] == ["Decoding", "Softmax", "Norms…"]
    assert timed.decoding["identical"].all()
    assert list(timed.attention["T"]) == [8]
    assert len(timed.norms) == 4
    assert (timed.norms["median µs"] > 0).all()


def test_attention_timings_and_crossover() -> None:
    timings = ti.attention_timings([8, 16], n_heads=2, d_k=4, repeats=1)
    assert list(timings["T"]) == [8, 16]
    assert (timings[["softmax ms", "linear ms"]] > 0).all().all()
    made_up = pd.DataFrame({"T": [100, 1000], "softmax ms": [1.0, 100.0], "linear ms": [10.0, 10.0]})
    # log-gap goes from log 10 to log 0.1: zero half-way in log T, at √(100·1000).
    assert ti.crossover_length(made_up) == pytest.approx(np.sqrt(1e5))
    assert ti.crossover_length(made_up.assign(**{"linear ms": [10.0, 1000.0]})) is None
    assert ti.crossover_length(made_up.assign(**{"linear ms": [0.5, 1.0]})) == 100


# ---------------------------------------------------------------------------
# KV-cache memory
# ---------------------------------------------------------------------------

# DeepSeek-V2 (arXiv:2405.04434), Table 1 and §2.1: n_h = 128 heads of d_h = 128, d_c = 4·d_h = 512,
# d_h^R = d_h/2 = 64, 60 layers. DeepSeek LLM 67B (arXiv:2401.02954): 95 layers, GQA with 8 KV heads, d_h = 128.
DEEPSEEK_V2 = {"n_layers": 60, "n_heads": 128, "d_head": 128, "n_kv_groups": 8, "d_latent": 512, "d_rope": 64}


def test_kv_cache_values_follow_the_formulas() -> None:
    sizes = {s.variant: s for s in ti.kv_cache_sizes(**DEEPSEEK_V2, seq_len=1000, batch=3, bytes_per_value=2)}
    assert sizes["MHA"].values_per_token_per_layer == 2 * 128 * 128
    assert sizes["GQA"].values_per_token_per_layer == 2 * 8 * 128
    assert sizes["MQA"].values_per_token_per_layer == 2 * 128
    assert sizes["MLA"].values_per_token_per_layer == 512 + 64
    assert sizes["MLA"].total_bytes == 576 * 60 * 1000 * 3 * 2
    # The paper: MLA's cache equals GQA with only 2.25 groups (4.5·d_h values).
    assert sizes["MLA"].values_per_token_per_layer == 2 * 2.25 * 128
    table = ti.kv_cache_table(**DEEPSEEK_V2, seq_len=1)
    assert table.set_index("variant").loc["MLA", "vs MHA"] == pytest.approx(576 / 32768 - 1)  # −98.2 %


def test_deepseek_v2_reported_kv_cache_reduction() -> None:
    # DeepSeek-V2 reports a 93.3 % smaller KV cache than DeepSeek 67B: 16-bit GQA vs MLA quantised to 6 bits.
    dense = ti.kv_cache_sizes(
        n_layers=95, n_heads=64, d_head=128, n_kv_groups=8, d_latent=1, d_rope=0, seq_len=1, bytes_per_value=2
    )[1]
    mla = ti.kv_cache_sizes(**DEEPSEEK_V2, seq_len=1, bytes_per_value=0.75)[3]
    assert 1 - mla.total_bytes / dense.total_bytes == pytest.approx(0.933, abs=5e-4)


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        ({"n_layers": 0}, "n_layers"),
        ({"n_kv_groups": 7}, "n_kv_groups"),
        ({"n_kv_groups": 256}, "n_kv_groups"),
        ({"d_rope": -1}, "d_rope"),
        ({"bytes_per_value": 0}, "bytes_per_value"),
    ],
)
def test_kv_cache_bad_input(change: dict, fragment: str) -> None:
    with pytest.raises(ValueError, match=fragment):
        ti.kv_cache_sizes(**{**DEEPSEEK_V2, "seq_len": 1, **change})


def test_shape_trace_bad_input() -> None:
    with pytest.raises(ValueError, match="max_seq_len"):
        ti.shape_trace(_config(), T=17)
    with pytest.raises(ValueError, match="at least 1"):
        ti.shape_trace(_config(), T=0)


def test_torch_threads_is_restored() -> None:
    before = torch.get_num_threads()
    with ti.torch_threads(1):
        assert torch.get_num_threads() == 1
    assert torch.get_num_threads() == before
    with ti.torch_threads(None):
        assert torch.get_num_threads() == before
    with pytest.raises(ValueError, match="at least 1"), ti.torch_threads(0):
        pass


# --- pool_matrix: what the page draws for big maps ------------------------------------------------


def _naive_pool(values: np.ndarray, rows: np.ndarray, cols: np.ndarray, how: str) -> np.ndarray:
    out = np.empty((len(rows) - 1, len(cols) - 1))
    for i, j in itertools.product(range(len(rows) - 1), range(len(cols) - 1)):
        block = values[rows[i] : rows[i + 1], cols[j] : cols[j + 1]]
        finite = block[np.isfinite(block)]
        out[i, j] = -np.inf if finite.size == 0 else (finite.max() if how == "max" else finite.mean())
    return out


@settings(max_examples=60, deadline=None)
@given(
    n_rows=st.integers(1, 150),
    n_cols=st.integers(1, 150),
    max_side=st.integers(1, 70),
    how=st.sampled_from(["max", "mean"]),
    masked=st.booleans(),
    seed=st.integers(0, 2**16),
)
def test_pool_matrix_matches_a_loop_over_blocks(n_rows, n_cols, max_side, how, masked, seed) -> None:
    values = np.random.default_rng(seed).normal(size=(n_rows, n_cols))
    if masked:  # a causal mask: −inf above the diagonal
        values = values + np.triu(np.full((n_rows, n_cols), -np.inf), k=1)
    pooled = ti.pool_matrix(values, max_side, how)
    R, C = pooled.values.shape
    assert max(R, C) <= max_side
    assert (pooled.row_edges[[0, -1]] == [0, n_rows]).all()  # the blocks cover every row and column
    assert (pooled.col_edges[[0, -1]] == [0, n_cols]).all()
    assert (np.diff(pooled.row_edges) > 0).all()
    assert (np.diff(pooled.col_edges) > 0).all()
    np.testing.assert_allclose(pooled.values, _naive_pool(values, pooled.row_edges, pooled.col_edges, how))
    assert pooled.pooled == ((n_rows, n_cols) != (R, C))


def test_pool_matrix_of_a_256_token_map() -> None:
    scores = np.random.default_rng(0).normal(size=(256, 256)) + np.triu(np.full((256, 256), -np.inf), k=1)
    pooled = ti.pool_matrix(scores)
    assert pooled.values.shape == (64, 64)
    assert pooled.block == (4, 4)
    assert np.isneginf(pooled.values).sum() == 64 * 63 // 2  # blocks wholly above the diagonal stay masked
    assert pooled.values[5, 5] == scores[20:24, 20:24][np.isfinite(scores[20:24, 20:24])].max()
    small = ti.pool_matrix(scores[:64, :64])
    assert not small.pooled
    np.testing.assert_array_equal(small.values, scores[:64, :64])


@pytest.mark.parametrize(
    ("values", "kwargs", "fragment"),
    [
        (np.zeros(3), {}, "2-D"),
        (np.zeros((2, 2)), {"max_side": 0}, "max_side"),
        (np.zeros((2, 2)), {"how": "median"}, "how"),
        (np.array([[np.nan, 1.0]]), {}, "NaN"),
    ],
)
def test_pool_matrix_bad_input(values, kwargs, fragment) -> None:
    with pytest.raises(ValueError, match=fragment):
        ti.pool_matrix(values, **kwargs)


def test_next_character_matches_the_models_softmax_and_cross_entropy() -> None:
    torch.manual_seed(0)
    model = TinyGPT(_config()).eval()
    vocabulary = "abcdefghijk"
    ids = torch.tensor([[0, 3, 5, 1, 2, 7]])
    prediction = ti.next_character(model, ids, vocabulary, k=4)
    with torch.no_grad():
        logits = model(ids)[0]
    probs = torch.softmax(logits[-1], -1)
    expected = torch.topk(probs, 4)
    assert list(prediction.top["character"]) == [vocabulary[i] for i in expected.indices.tolist()]
    np.testing.assert_allclose(prediction.top["probability"], expected.values.numpy(), rtol=1e-6)
    loss = torch.nn.functional.cross_entropy(logits[:-1], ids[0, 1:])
    assert prediction.text_loss == pytest.approx(float(loss), rel=1e-5)
    assert prediction.uniform_loss == pytest.approx(np.log(11))
    # Without the causal mask each position sees the character it would predict: no honest text loss.
    open_model = TinyGPT(_config(causal=False)).eval()
    assert ti.next_character(open_model, ids, vocabulary).text_loss is None
    assert ti.next_character(model, ids[:, :1], vocabulary).text_loss is None


@pytest.mark.parametrize(
    ("ids", "vocabulary", "k", "fragment"),
    [
        (torch.tensor([1, 2]), "abcdefghijk", 3, "shape"),
        (torch.tensor([[1, 2]]), "abc", 3, "vocabulary"),
        (torch.tensor([[1, 2]]), "abcdefghijk", 0, "k must"),
    ],
)
def test_next_character_bad_input(ids, vocabulary, k, fragment) -> None:
    with pytest.raises(ValueError, match=fragment):
        ti.next_character(TinyGPT(_config()), ids, vocabulary, k=k)
