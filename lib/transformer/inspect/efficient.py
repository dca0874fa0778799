"""What the Efficient transformers page shows: routing, measured cache bytes, decoding speed, FP8 errors,
and training runs that compare DeepSeek's switches (MoE vs dense, with vs without MTP).

Pure functions over seeded models; every model is built here (the page calls them in its torch worker).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch

from lib.precision import FORMATS, quantize, quantize_weights, quantized_matmul
from lib.transformer.corpus import stdlib_corpus
from lib.transformer.efficient import active_parameters, kv_cache_bytes, speculative_generate
from lib.transformer.evaluation import evaluate
from lib.transformer.ffn import swiglu_hidden_size
from lib.transformer.generation import context_window, encode_prompt
from lib.transformer.inspect.memory import kv_cache_sizes
from lib.transformer.inspect.shapes import n_parameters
from lib.transformer.model import ModelConfig, TinyGPT, generate
from lib.transformer.moe import MoEFFN, load_balancing_loss
from lib.transformer.tokenizer import CharTokenizer
from lib.transformer.train import random_batch, train, training_losses

ASCII = "".join(sorted("\t\n" + "".join(chr(c) for c in range(32, 127))))
TOKENIZER = CharTokenizer(ASCII)


def _seeded(config: ModelConfig, seed: int, device: str = "cpu") -> TinyGPT:
    torch.manual_seed(int(seed))
    return TinyGPT(config).to(device).eval()


# ---------------------------------------------------------------------------
# Mixture of experts
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class MoEView:
    """One text through a MoE model: ``tokens`` (T,), ``weights`` (n_layers, T, n_experts) routing
    weights, ``load`` (n_layers, n_experts), ``balance_loss`` (n_layers,), and the parameter counts
    ``total``, ``active`` and ``dense_active`` (a dense SwiGLU model whose FFN is as wide as the
    experts a token uses)."""

    tokens: tuple[str, ...]
    weights: np.ndarray
    load: np.ndarray
    balance_loss: np.ndarray
    total: int
    active: int
    dense_active: int


@torch.no_grad()
def moe_view(
    text: str, *, d_model: int, n_layers: int, n_experts: int, experts_per_token: int, n_shared_experts: int, seed: int
) -> MoEView:
    """Route the characters of ``text`` (its last 128) through a seeded MoE TinyGPT."""
    config = ModelConfig(
        vocab_size=TOKENIZER.vocab_size,
        d_model=d_model,
        n_heads=4,
        n_layers=n_layers,
        ffn="moe",
        n_experts=n_experts,
        experts_per_token=experts_per_token,
        n_shared_experts=n_shared_experts,
    )
    model = _seeded(config, seed)
    ids = context_window(encode_prompt(TOKENIZER, text), config.max_seq_len)
    model(torch.tensor([ids]))
    routings = [block.ffn.last_routing for block in model.blocks]
    width = (experts_per_token + n_shared_experts) * swiglu_hidden_size(d_model)
    dense_config = ModelConfig(vocab_size=config.vocab_size, d_model=d_model, n_heads=4, n_layers=n_layers, d_ff=width)
    return MoEView(
        tokens=tuple(TOKENIZER.decode([i]) for i in ids),
        weights=np.stack([r.weights[0].numpy() for r in routings]),
        load=np.stack([r.load.numpy() for r in routings]),
        balance_loss=np.array([float(load_balancing_loss(r)) for r in routings]),
        total=model.n_parameters(),
        active=active_parameters(model),
        dense_active=n_parameters(dense_config),  # counted from the config, not built
    )


# ---------------------------------------------------------------------------
# Multi-head latent attention
# ---------------------------------------------------------------------------


def _attention_configs(d_model: int, n_heads: int, n_layers: int, kv_latent_dim: int, rope_head_dim: int):
    common = {"vocab_size": TOKENIZER.vocab_size, "d_model": d_model, "n_heads": n_heads, "n_layers": n_layers}
    mla = ModelConfig(**common, attention="mla", kv_latent_dim=kv_latent_dim, rope_head_dim=rope_head_dim)
    return ModelConfig(**common), mla


@torch.no_grad()
def mla_cache_table(
    *, d_model: int, n_heads: int, n_layers: int, kv_latent_dim: int, rope_head_dim: int, seq_len: int, seed: int
) -> pd.DataFrame:
    """Cache bytes after a prefill of ``seq_len`` tokens: measured on built MHA and MLA models (float32),
    beside the calculator's formula for MHA, GQA (n_heads / 2 groups), MQA and MLA."""
    mha, mla = (_seeded(c, seed) for c in _attention_configs(d_model, n_heads, n_layers, kv_latent_dim, rope_head_dim))
    sizes = kv_cache_sizes(
        n_layers=n_layers,
        n_heads=n_heads,
        d_head=d_model // n_heads,
        n_kv_groups=max(1, n_heads // 2),
        d_latent=kv_latent_dim,
        d_rope=rope_head_dim,
        seq_len=seq_len,
        bytes_per_value=4,
    )
    measured = {"MHA": kv_cache_bytes(mha, seq_len), "MLA": kv_cache_bytes(mla, seq_len)}
    return pd.DataFrame(
        {
            "variant": [s.variant for s in sizes],
            "values per token per layer": [int(s.values_per_token_per_layer) for s in sizes],
            "formula bytes": [int(s.total_bytes) for s in sizes],
            "measured bytes": [
                f"{measured[s.variant]:,}" if s.variant in measured else "no such model here" for s in sizes
            ],
            "vs MHA": [s.total_bytes / sizes[0].total_bytes for s in sizes],
        }
    )


@torch.no_grad()
def mla_cache_growth(
    *, d_model: int, n_heads: int, n_layers: int, kv_latent_dim: int, rope_head_dim: int, seed: int, points: int = 8
) -> pd.DataFrame:
    """Measured cache bytes of MHA and MLA against the prefill length (long format: seq_len, variant, bytes)."""
    mha, mla = (_seeded(c, seed) for c in _attention_configs(d_model, n_heads, n_layers, kv_latent_dim, rope_head_dim))
    lengths = np.unique(np.linspace(1, mha.config.max_seq_len, points).astype(int))
    rows = [(int(T), name, kv_cache_bytes(m, int(T))) for T in lengths for name, m in (("MHA", mha), ("MLA", mla))]
    return pd.DataFrame(rows, columns=["seq_len", "variant", "bytes"])


@torch.no_grad()
def absorbed_vs_naive(*, d_model: int, n_heads: int, kv_latent_dim: int, rope_head_dim: int, seed: int) -> float:
    """max |absorbed − naive| of one MLA layer's output on a random (1, 64, d_model) input."""
    _, config = _attention_configs(d_model, n_heads, 1, kv_latent_dim, rope_head_dim)
    attn = _seeded(config, seed).blocks[0].attn
    x = torch.randn(1, 64, d_model, generator=torch.Generator().manual_seed(int(seed)))
    naive = attn(x)
    attn.absorbed = True
    return float((attn(x) - naive).abs().max())


@torch.no_grad()
def decoding_speed(
    *,
    d_model: int,
    n_heads: int,
    n_layers: int,
    kv_latent_dim: int,
    rope_head_dim: int,
    n_tokens: int,
    device: str,
    seed: int,
    absorbed: bool = True,
    callback: Callable[[str], object] | None = None,
) -> pd.DataFrame:
    """Greedy decoding of ``n_tokens`` with the KV cache on ``device``: tokens/s for MHA and MLA (the best of 3).

    ``callback`` hears the name of each variant as its timing starts.
    """
    rows = []
    for name, config in zip(
        ("MHA", "MLA"), _attention_configs(d_model, n_heads, n_layers, kv_latent_dim, rope_head_dim), strict=True
    ):
        if callback is not None:
            callback(name)
        model = _seeded(config, seed, device)
        for block in model.blocks:
            block.attn.absorbed = absorbed if name == "MLA" else False
        prompt = torch.zeros(1, 1, dtype=torch.long, device=device)
        generate(model, prompt, 4, temperature=0)  # warm-up
        best = min(_timed(lambda m=model, p=prompt: generate(m, p, n_tokens, temperature=0), device) for _ in range(3))
        rows.append((name, n_tokens / best, kv_cache_bytes(model, n_tokens + 1)))
    return pd.DataFrame(rows, columns=["variant", "tokens per s", "cache bytes"])


def _timed(fn: Callable[[], object], device: str) -> float:
    if device.startswith("cuda"):
        torch.cuda.synchronize()
    start = time.perf_counter()
    fn()
    if device.startswith("cuda"):
        torch.cuda.synchronize()
    return time.perf_counter() - start


# ---------------------------------------------------------------------------
# FP8
# ---------------------------------------------------------------------------


def quantization_errors(*, rows: int, cols: int, outlier: float, tile: int, seed: int) -> pd.DataFrame:
    """Every format × scaling on an N(0, 1) matrix (rows × cols) whose entry [0, 0] is ``outlier``.

    Columns: mean relative error |q(x) − x| / |x|, max absolute error, and the relative Frobenius
    error of q(A) @ q(B) against A @ B in float32 (B: cols × 64, N(0, 1)).
    """
    generator = torch.Generator().manual_seed(int(seed))
    a = torch.randn(rows, cols, generator=generator)
    a[0, 0] = float(outlier)
    b = torch.randn(cols, 64, generator=generator)
    exact = a @ b
    out = []
    for fmt in FORMATS:
        for scaling in ("tensor", "tile") if fmt in ("e4m3", "e5m2") else ("tensor",):
            q = quantize(a, fmt, scaling, tile)
            matmul = quantized_matmul(a, b, fmt, scaling, tile)
            out.append(
                (
                    fmt,
                    "cast" if fmt in ("fp16", "bf16") else f"per {scaling}",
                    float(((q - a).abs() / a.abs().clamp_min(1e-30)).mean()),
                    float((q - a).abs().max()),
                    float((matmul - exact).norm() / exact.norm()),
                )
            )
    return pd.DataFrame(out, columns=["format", "scaling", "mean relative error", "max abs error", "matmul error"])


# ---------------------------------------------------------------------------
# Training comparisons
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ComparisonProgress:
    """Reported while a comparison trains: which variant, its step out of ``steps``, and the whole run's
    fraction done."""

    variant: str
    step: int
    steps: int
    loss: float
    fraction: float


@dataclass(frozen=True)
class VariantResult:
    """One trained variant: its curves (step, curve, loss), parameter counts, expert load during training
    (step, expert, share; MoE only) and self-speculative decoding against greedy (MTP only)."""

    name: str
    curves: pd.DataFrame
    total: int
    active: int
    load: pd.DataFrame | None
    speculative: dict[str, float] | None


def compare_training(
    variants: tuple[tuple[str, dict], ...],
    *,
    steps: int = 200,
    corpus_chars: int = 100_000,
    eval_every: int = 25,
    seed: int = 0,
    callback: Callable[[ComparisonProgress], bool | None] | None = None,
) -> list[VariantResult]:
    """Train each (name, ModelConfig overrides) on the standard library with the same data and seed.

    The base model: d_model 64, 4 heads, 2 layers, 64-character windows, batch 16, AdamW at 3e-3.
    Validation loss (next token, and the MTP heads' own) every ``eval_every`` steps. ``callback``
    returning False stops the run (the variants trained so far are returned).
    """
    corpus = stdlib_corpus(max_chars=int(corpus_chars))
    train_ids = torch.tensor(TOKENIZER.encode(_ascii(corpus.train)))
    val_ids = torch.tensor(TOKENIZER.encode(_ascii(corpus.validation)))
    results, stopped = [], False
    for index, (name, overrides) in enumerate(variants):
        config = ModelConfig(
            vocab_size=TOKENIZER.vocab_size, d_model=64, n_heads=4, n_layers=2, max_seq_len=64, **overrides
        )
        model = _seeded(config, seed)
        rows, loads = [], []

        def on_step(report, name=name, model=model, rows=rows, loads=loads, index=index) -> bool:
            nonlocal stopped
            rows.append((report.step, "training", report.loss))
            if report.mtp_loss is not None:
                rows.append((report.step, "training (MTP head)", report.mtp_loss))
            if report.step % eval_every == 0 or report.step == steps:
                rows.extend((report.step, curve, loss) for curve, loss in _validation(model, val_ids, seed))
                loads.extend((report.step, e, share) for e, share in enumerate(_mean_load(model)))
            fraction = (index + report.step / steps) / len(variants)
            keep = (
                callback is None
                or callback(ComparisonProgress(name, report.step, steps, report.loss, fraction)) is not False
            )
            stopped = stopped or not keep
            return keep

        train(model, train_ids, steps, batch_size=16, seq_len=64, lr=3e-3, warmup_steps=20, seed=seed, callback=on_step)
        results.append(
            VariantResult(
                name=name,
                curves=pd.DataFrame(rows, columns=["step", "curve", "loss"]).assign(variant=name),
                total=model.n_parameters(),
                active=active_parameters(model),
                load=pd.DataFrame(loads, columns=["step", "expert", "share"]) if loads else None,
                speculative=_speculative_stats(model, val_ids) if config.mtp_depth else None,
            )
        )
        if stopped:
            break
    return results


def _ascii(text: str) -> str:
    return "".join(c for c in text if c in TOKENIZER.vocabulary)


@torch.no_grad()
def _validation(model: TinyGPT, val_ids: torch.Tensor, seed: int) -> list[tuple[str, float]]:
    model.eval()
    inputs, targets = random_batch(val_ids, 32, model.config.max_seq_len, torch.Generator().manual_seed(seed))
    main, mtp, _ = training_losses(model, inputs, targets)
    return [("validation", float(main))] + ([("validation (MTP head)", float(mtp))] if mtp is not None else [])


def _mean_load(model: TinyGPT) -> list[float]:
    loads = [m.last_routing.load for m in model.modules() if isinstance(m, MoEFFN) and m.last_routing is not None]
    return torch.stack(loads).mean(0).tolist() if loads else []


@torch.no_grad()
def _speculative_stats(model: TinyGPT, val_ids: torch.Tensor, n_new: int = 48) -> dict[str, float]:
    """Self-speculative vs plain greedy decoding from a validation prompt: tokens/s of each, acceptance, same?"""
    prompt = val_ids[:16].unsqueeze(0)
    generate(model, prompt, 4, temperature=0)  # warm-up
    greedy_s = min(_timed(lambda: generate(model, prompt, n_new, temperature=0), "cpu") for _ in range(3))
    spec_s = min(_timed(lambda: speculative_generate(model, prompt, n_new), "cpu") for _ in range(3))
    result = speculative_generate(model, prompt, n_new)
    same = torch.equal(result.ids, generate(model, prompt, n_new, temperature=0))
    return {
        "acceptance rate": result.acceptance_rate,
        "tokens per pass": result.tokens_per_pass,
        "greedy tokens per s": n_new / greedy_s,
        "speculative tokens per s": n_new / spec_s,
        "speed-up": greedy_s / spec_s,
        "same tokens as greedy": float(same),
    }


__all__ = [
    "ComparisonProgress",
    "MoEView",
    "VariantResult",
    "absorbed_vs_naive",
    "compare_training",
    "decoding_speed",
    "mla_cache_growth",
    "mla_cache_table",
    "moe_view",
    "quantization_errors",
]


def quantized_weight_losses(
    model: TinyGPT, token_ids: torch.Tensor, *, tile: int = 128, batches: int = 2, seed: int = 0
) -> pd.DataFrame:
    """Validation loss (nats/token) of ``model`` with its linear weights in each format and scaling
    (:func:`lib.precision.quantize_weights`), on the same windows as the float32 model's loss beside it."""

    def loss(m: TinyGPT) -> float:
        return evaluate(m, token_ids, batches=batches, seed=seed)

    full = loss(model)
    rows = []
    for fmt in FORMATS:
        for scaling in ("tensor", "tile") if fmt in ("e4m3", "e5m2") else ("cast",):
            quantized = quantize_weights(model, fmt, "tensor" if scaling == "cast" else scaling, tile)
            rows.append({"format": fmt, "scaling": scaling, "val_loss": loss(quantized), "float32_val_loss": full})
    return pd.DataFrame(rows).assign(increase=lambda d: d["val_loss"] - d["float32_val_loss"])
