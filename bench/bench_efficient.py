"""Efficient transformers: self-speculative decoding with the MTP head against plain greedy decoding, FP8
quantisation per tile against per tensor, the MoE-vs-dense training comparison, and the page's rerun."""

from __future__ import annotations

import time

import torch

from bench.common import Result, compare, page_rerun
from lib.device import pick_device
from lib.precision import quantize
from lib.transformer import ModelConfig, TinyGPT, generate, speculative_generate, train
from lib.transformer.ffn import swiglu_hidden_size
from lib.transformer.inspect.efficient import TOKENIZER, compare_training

PAGE = "pages/efficient_transformers.py"


def _trained_mtp_model(device: torch.device) -> tuple[TinyGPT, torch.Tensor]:
    """A small model trained briefly on repetitive code, so the MTP draft is often right."""
    torch.manual_seed(0)
    text = torch.tensor(TOKENIZER.encode("for i in range(10):\n    total += values[i] * weights[i]\n" * 60))
    config = ModelConfig(
        vocab_size=TOKENIZER.vocab_size, d_model=128, n_heads=4, n_layers=4, max_seq_len=256, mtp_depth=3
    )
    model = TinyGPT(config).to(device)
    train(model, text, 150, batch_size=16, seq_len=64, lr=3e-3, warmup_steps=10)
    return model.eval(), text[:16].unsqueeze(0).to(device)


def self_speculative_vs_greedy(repeats: int) -> Result:
    device = pick_device("auto")
    model, prompt = _trained_mtp_model(device)
    n_new = 200
    result = speculative_generate(model, prompt, n_new)
    if not torch.equal(result.ids, generate(model, prompt, n_new, temperature=0)):
        raise AssertionError("self-speculative decoding produced other tokens than greedy decoding")
    ours_s, anchor_s = compare(
        lambda: speculative_generate(model, prompt, n_new),
        lambda: generate(model, prompt, n_new, temperature=0),
        max(1, repeats // 2),
    )
    what = (
        f"self-speculative, MTP D = 3, {n_new} tokens ({device.type}): acceptance {result.acceptance_rate:.0%}, "
        f"{n_new / ours_s:,.0f} vs {n_new / anchor_s:,.0f} tokens/s"
    )
    return Result(what, ours_s, "greedy decoding with the KV cache", anchor_s)


def quantize_per_tile(repeats: int) -> Result:
    x = torch.randn(4096, 4096, device=pick_device("auto"))
    ours_s, anchor_s = compare(lambda: quantize(x, "e4m3", "tile", 128), lambda: quantize(x, "e4m3", "tensor"), repeats)
    return Result(f"quantize 4096 × 4096 to e4m3 per 1 × 128 tile ({x.device.type})", ours_s, "per tensor", anchor_s)


def moe_vs_dense_training(repeats: int) -> Result:
    """The page's comparison at its default sizes (200 steps each), against the dense half alone."""
    variants = (("MoE", {"ffn": "moe"}), ("dense", {"d_ff": 2 * swiglu_hidden_size(64)}))  # the same active FFN
    start = time.perf_counter()
    compare_training(variants, steps=200)
    both_s = time.perf_counter() - start
    start = time.perf_counter()
    compare_training(variants[1:], steps=200)
    dense_s = time.perf_counter() - start
    return Result("MoE-vs-dense training comparison, 200 steps each (target ≤ 120 s)", both_s, "dense alone", dense_s)


def rerun_after_fp8_rows_slider(repeats: int) -> Result:
    return page_rerun(
        PAGE, "ef_rows", [60, 61, 62, 63], "Efficient page rerun after 'Rows' (cached)", repeats, warm_all=True
    )


BENCHMARKS = [self_speculative_vs_greedy, quantize_per_tile, moe_vs_dense_training, rerun_after_fp8_rows_slider]
