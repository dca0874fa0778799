"""Live timings on a device: KV-cache decoding, softmax vs linear attention, the norms."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch
import torch.nn.functional as F

from lib.transformer.attention import causal_mask, linear_attention, scaled_dot_product_attention
from lib.transformer.model import TinyGPT, generate
from lib.transformer.norms import layer_norm, rms_norm


def time_norms(T: int, d_model: int, repeats: int = 20, device=None) -> pd.DataFrame:
    """Median wall time of our layer_norm / rms_norm and torch's F.layer_norm / F.rms_norm on (T, C)."""
    device = torch.device(device or "cpu")
    x = torch.randn(T, d_model, device=device)
    gamma, beta = torch.ones(d_model, device=device), torch.zeros(d_model, device=device)
    candidates = {
        "layer_norm (ours)": lambda: layer_norm(x, gamma, beta),
        "rms_norm (ours)": lambda: rms_norm(x, gamma),
        "F.layer_norm (torch)": lambda: F.layer_norm(x, (d_model,), gamma, beta),
        "F.rms_norm (torch)": lambda: F.rms_norm(x, (d_model,), gamma, eps=1e-6),
    }
    rows = [{"norm": name, "median µs": 1e6 * _median_time(fn, repeats, device)} for name, fn in candidates.items()]
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class CostTimings:
    """The transformer lab's live measurements: :func:`decoding_speed`, :func:`attention_timings`
    and :func:`time_norms` on one model's device."""

    decoding: pd.DataFrame
    attention: pd.DataFrame
    norms: pd.DataFrame


def cost_timings(
    model: TinyGPT,
    *,
    decode_lengths: Sequence[int],
    attention_lengths: Sequence[int],
    norm_length: int,
    seed: int = 0,
    callback: Callable[[str], object] | None = None,
) -> CostTimings:
    """Decoding with and without the KV cache, softmax vs linear attention at the model's head
    shape, and the norms at its width, in turn; ``callback(stage)`` names each stage as it starts."""
    report = callback or (lambda _stage: None)
    device, config = model.device, model.config
    report("Decoding with and without the KV cache…")
    decoding = decoding_speed(model, decode_lengths, prompt_length=8, seed=seed)
    report("Softmax vs linear attention…")
    attention = attention_timings(attention_lengths, n_heads=config.n_heads, d_k=config.head_size, device=device)
    report("Norms…")
    norms = time_norms(norm_length, config.d_model, device=device)
    return CostTimings(decoding, attention, norms)


@contextmanager
def torch_threads(n: int | None) -> Iterator[None]:
    """Run the block with ``n`` intra-op CPU threads (None: leave torch's setting alone), then restore it.

    Tiny models on a few shared cores run far faster on one thread than on several that wait
    for each other; the page times CPU work single-threaded and says so.
    """
    if n is None:
        yield
        return
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}.")
    before = torch.get_num_threads()
    torch.set_num_threads(int(n))
    try:
        yield
    finally:
        torch.set_num_threads(before)


def _sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)
    elif device.type == "mps":
        torch.mps.synchronize()


def _median_time(fn, repeats: int, device) -> float:
    device = torch.device(device or "cpu")
    fn()
    _sync(device)
    times = []
    for _ in range(max(1, repeats)):
        start = time.perf_counter()
        fn()
        _sync(device)
        times.append(time.perf_counter() - start)
    return float(np.median(times))


@torch.no_grad()
def decoding_speed(model: TinyGPT, lengths: Sequence[int], prompt_length: int = 8, seed: int = 0) -> pd.DataFrame:
    """Greedy decoding tokens/s with and without the KV cache for each number of new tokens.

    Both runs start from the same random prompt; ``identical`` says whether they produced the
    same tokens (they must: the cache only avoids recomputing keys and values of the past).
    """
    device = model.device
    generator = torch.Generator().manual_seed(int(seed))
    prompt = torch.randint(0, model.config.vocab_size, (1, prompt_length), generator=generator).to(device)
    rows = []
    for n in lengths:
        if prompt_length + n > model.config.max_seq_len:
            raise ValueError(f"prompt_length + new tokens must be ≤ max_seq_len = {model.config.max_seq_len}.")
        out = {}
        for use_cache in (True, False):
            _sync(device)
            start = time.perf_counter()
            out[use_cache] = generate(model, prompt, int(n), temperature=0, use_kv_cache=use_cache)
            _sync(device)
            out[f"t{use_cache}"] = time.perf_counter() - start
        rows.append(
            {
                "new tokens": int(n),
                "tokens/s with cache": n / out["tTrue"],
                "tokens/s without cache": n / out["tFalse"],
                "speed-up": out["tFalse"] / out["tTrue"],
                "identical": bool(torch.equal(out[True], out[False])),
            }
        )
    return pd.DataFrame(rows)


def attention_timings(
    lengths: Sequence[int], n_heads: int = 4, d_k: int = 16, repeats: int = 3, causal: bool = True, device=None
) -> pd.DataFrame:
    """Median time of softmax attention (O(T²·D)) and linear attention (O(T·D²)) at each length T."""
    device = torch.device(device or "cpu")
    rows = []
    for T in lengths:
        q, k, v = (torch.randn(1, n_heads, int(T), d_k, device=device) for _ in range(3))
        mask = causal_mask(int(T), device) if causal else None
        soft = _median_time(
            lambda q=q, k=k, v=v, mask=mask: scaled_dot_product_attention(q, k, v, mask), repeats, device
        )
        lin = _median_time(lambda q=q, k=k, v=v: linear_attention(q, k, v, causal=causal), repeats, device)
        rows.append({"T": int(T), "softmax ms": 1e3 * soft, "linear ms": 1e3 * lin})
    return pd.DataFrame(rows)


def crossover_length(timings: pd.DataFrame) -> float | None:
    """The first T where linear attention becomes faster than softmax (log-linear interpolation), or None."""
    T = timings["T"].to_numpy(float)
    gap = np.log(timings["linear ms"].to_numpy()) - np.log(timings["softmax ms"].to_numpy())
    if gap[0] <= 0:
        return float(T[0])
    for i in range(1, len(T)):
        if gap[i] <= 0:
            frac = gap[i - 1] / (gap[i - 1] - gap[i])
            return float(np.exp(np.log(T[i - 1]) + frac * (np.log(T[i]) - np.log(T[i - 1]))))
    return None
