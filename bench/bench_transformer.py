"""Transformer: KV-cache decoding against recomputing the whole sequence, and attention cost vs T."""

from __future__ import annotations

import torch
from streamlit.testing.v1 import AppTest

from bench.common import BARE_PAGE, ROOT, Result, compare, page_rerun, rerun_after_moving
from lib.device import pick_device
from lib.transformer import ModelConfig, TinyGPT, generate, linear_attention, scaled_dot_product_attention
from lib.transformer.attention import causal_mask


def kv_cache_decoding(repeats: int) -> Result:
    """400 new tokens, d_model 128, 4 layers, 4 heads, greedy (the issue's configuration)."""
    torch.manual_seed(0)
    device = pick_device("auto")
    config = ModelConfig(vocab_size=96, d_model=128, n_heads=4, n_layers=4, max_seq_len=512)
    model = TinyGPT(config).to(device).eval()
    prompt = torch.randint(0, 96, (1, 16), device=device)
    cached = generate(model, prompt, 400, temperature=0, use_kv_cache=True)
    uncached = generate(model, prompt, 400, temperature=0, use_kv_cache=False)
    if not torch.equal(cached, uncached):
        raise AssertionError("cached and uncached decoding produced different tokens")
    ours_s, anchor_s = compare(
        lambda: generate(model, prompt, 400, temperature=0, use_kv_cache=True),
        lambda: generate(model, prompt, 400, temperature=0, use_kv_cache=False),
        max(1, repeats // 3),
    )
    return Result(f"decode 400 tokens with KV cache ({device.type})", ours_s, "no cache (recompute all)", anchor_s)


def attention_at_length(T: int, repeats: int) -> Result:
    """Causal softmax vs linear attention, batch 1, 4 heads, d_k 32, sequence length T."""
    q, k, v = (torch.randn(1, 4, T, 32) for _ in range(3))
    mask = causal_mask(T)
    ours_s, anchor_s = compare(
        lambda: linear_attention(q, k, v, causal=True),
        lambda: scaled_dot_product_attention(q, k, v, mask),
        repeats,
    )
    return Result(f"causal linear attention, T = {T}", ours_s, "softmax attention", anchor_s)


def attention_crossover(repeats: int) -> list[Result]:
    return [attention_at_length(T, repeats) for T in (64, 256, 1024, 2048)]


TRANSFORMER_LAB = "pages/transformer_lab.py"
GRID_TEXT = ("the quick brown fox jumps over the lazy dog. " * 2)[:64]


def all_heads_grid(repeats: int) -> Result:
    """The All heads tab's work at 64 tokens, 4 layers × 4 heads: every map from the model, pooled for the grid,
    and the grid's spec built, against the same for the one map the Attention tab draws."""
    from lib.transformer import CharTokenizer
    from lib.transformer import inspect as ti
    from lib.viz.transformer import block_labels, head_grid, matrix_heatmap
    from pages.transformer.all_heads import pooled_grid

    tok = CharTokenizer.from_text(GRID_TEXT)
    torch.manual_seed(0)
    model = TinyGPT(ModelConfig(vocab_size=tok.vocab_size, n_layers=4, n_heads=4, max_seq_len=256)).eval()
    ids = torch.tensor([tok.encode(GRID_TEXT)])
    labels = block_labels(range(65), "", list(GRID_TEXT))

    def grid() -> None:
        values, grid_labels, _ = pooled_grid(ti.stacked_weights(ti.attention_maps(model, ids)), GRID_TEXT)
        head_grid(values, grid_labels, grid_labels).to_dict(validate=False)

    def one_map() -> None:
        weights = ti.attention_maps(model, ids)[0].weights[0]
        matrix_heatmap(weights, labels, labels, x_title="key", y_title="query", value_title="w").to_dict(validate=False)

    ours_s, anchor_s = compare(grid, one_map, repeats)
    return Result("all-heads grid, 64 tokens, 4 × 4 heads (lib + spec)", ours_s, "one map (lib + spec)", anchor_s)


def rerun_after_grid_slider(repeats: int) -> Result:
    """The All heads tab at 64 tokens, 4 layers × 4 heads; the map-size slider cycles through 4 values, cached."""
    query = {"tl_section": "All heads", "tl_layers": "4", "tl_example": "Your own text", "tl_text": GRID_TEXT}
    what = "Transformer lab rerun after moving 'Map size', all heads at 64 tokens"
    return lab_rerun("tl_grid_cell", [100, 110, 120, 130], what, repeats, query)


def lab_rerun(key: str, values: list[int], what: str, repeats: int, query: dict[str, str] | None = None) -> Result:
    """AppTest rerun of the lab (opened with ``query`` in its URL) after moving slider ``key``,
    against a bare page with one slider; every value is visited once first (cached reruns)."""
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    for name, value in (query or {}).items():
        at.query_params[name] = value
    at.switch_page(TRANSFORMER_LAB)
    ours = rerun_after_moving(at.run(), key, values)
    bare = rerun_after_moving(AppTest.from_string(BARE_PAGE, default_timeout=120).run(), "x", [11, 12, 13, 14])
    for _ in values:
        ours()
    ours_s, anchor_s = compare(ours, bare, repeats)
    return Result(what, ours_s, "bare page with one slider", anchor_s)


def rerun_after_d_model_slider(repeats: int) -> Result:
    """The lab at its defaults (23 tokens, 2 layers, Attention tab); d_model cycles through 4 values."""
    return page_rerun(
        TRANSFORMER_LAB, "tl_d_model", [48, 64, 80, 96], "Transformer lab rerun after moving 'd_model'", repeats
    )


def rerun_at_256_tokens(repeats: int) -> Result:
    """The 256-character example (maps pooled to 64 × 64 blocks); d_model cycles through 4 values, cached."""
    what = "Transformer lab rerun after moving 'd_model', 256 tokens"
    return lab_rerun("tl_d_model", [48, 64, 80, 96], what, repeats, {"tl_example": "256 characters"})


def rerun_after_training_length_slider(repeats: int) -> Result:
    """The Positions tab; the training length cycles through 4 values, cached."""
    what = "Transformer lab rerun after moving 'Training length L' (Positions tab)"
    return lab_rerun("tl_train_len", [8, 16, 24, 32], what, repeats, {"tl_section": "Positions"})


BENCHMARKS = [
    kv_cache_decoding,
    attention_crossover,
    rerun_after_d_model_slider,
    rerun_at_256_tokens,
    all_heads_grid,
    rerun_after_grid_slider,
    rerun_after_training_length_slider,
]
