"""One decoding step, seen from inside: the next character and where the newest position looks.

Greedy decoding appends argmax p(c | text) one character at a time. With the KV cache the
text before the last character is processed once and the last character runs alone, its one
query attending over every cached key; without it the whole text runs again. Both must give the
same distribution and the same attention row: :func:`decode_step` computes both and reports
their largest difference.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch
import torch.nn.functional as F

from lib.transformer.inspect.lens import check_ids
from lib.transformer.inspect.maps import attention_maps
from lib.transformer.model import AttentionTrace, KVCache, TinyGPT


@dataclass(frozen=True)
class DecodeStep:
    """The model's view from the last position of a text.

    next_id : the greedy next character's id (argmax). top : the ``k`` most probable next
    characters, columns ``character`` and ``probability`` (descending). weights : (L, H, T) the
    attention of the last position over every position, each row summing to 1. cache_difference :
    the largest absolute difference between the cached and the uncached probabilities and weights
    (None where the model has no KV-cached trace: linear attention keeps running sums, no weights, and
    without the causal mask a cache does not apply).
    """

    next_id: int
    top: pd.DataFrame
    weights: np.ndarray
    cache_difference: float | None


@torch.no_grad()
def cached_last_step(model: TinyGPT, ids: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Logits (V,) and attention weights (L, H, T) of the last position of ``ids`` (1, T), decoded with
    the KV cache: ids[:, :−1] fill it, then ids[:, −1:] runs alone. Causal softmax attention only."""
    if model.config.attention != "softmax":
        raise ValueError("Only softmax attention records its weights while decoding with the KV cache.")
    if not model.config.causal:
        raise ValueError(
            "The KV cache needs the causal mask: without it every earlier position changes when a character is added."
        )
    check_ids(model, ids)
    model.eval()
    cache = KVCache.empty(model.config.n_layers)
    if ids.size(1) > 1:
        model(ids[:, :-1], cache)
    trace: list[AttentionTrace] = []
    logits = model(ids[:, -1:], cache, trace)[0, -1]  # (V,)
    return logits, torch.stack([t.weights[0, :, -1] for t in trace])  # (L, H, T)


@torch.no_grad()
def uncached_last_step(model: TinyGPT, ids: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """The same as :func:`cached_last_step`, from a full forward pass and :func:`attention_maps` (any attention)."""
    check_ids(model, ids)
    model.eval()
    logits = model(ids)[0, -1]  # (V,)
    weights = np.stack([m.weights[:, -1] for m in attention_maps(model, ids)])  # (L, H, T)
    return logits, torch.from_numpy(weights)


def decode_step(model: TinyGPT, ids: Sequence[int], vocabulary: str, k: int = 5) -> DecodeStep:
    """The greedy next character after ``ids`` and the last position's attention (see :class:`DecodeStep`).

    Example
    -------
    >>> from lib.transformer import CharTokenizer, ModelConfig, TinyGPT
    >>> tok = CharTokenizer.from_text("abc")
    >>> model = TinyGPT(ModelConfig(vocab_size=3, d_model=8, n_heads=2, n_layers=2))
    >>> step = decode_step(model, tok.encode("abca"), tok.vocabulary)
    >>> step.weights.shape, bool(np.allclose(step.weights.sum(-1), 1)), step.cache_difference < 1e-5
    ((2, 2, 4), True, True)
    """
    if len(vocabulary) != model.config.vocab_size:
        raise ValueError(f"vocabulary must have {model.config.vocab_size} characters, got {len(vocabulary)}.")
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}.")
    tensor = torch.tensor([list(ids)], device=model.device)  # (1, T)
    logits, weights = uncached_last_step(model, tensor)
    probs = F.softmax(logits.float(), dim=-1)
    difference = None
    if model.config.attention == "softmax" and model.config.causal:
        cached_logits, cached_weights = cached_last_step(model, tensor)
        difference = max(
            float((F.softmax(cached_logits.float(), dim=-1) - probs).abs().max()),
            float((cached_weights.float().cpu() - weights.float()).abs().max()),
        )
    top = torch.topk(probs, min(k, probs.numel()))
    table = pd.DataFrame(
        {
            "character": [vocabulary[i] for i in top.indices.tolist()],
            "probability": top.values.cpu().numpy().astype(float),
        }
    )
    return DecodeStep(int(logits.argmax()), table, weights.float().numpy(), difference)


__all__ = ["DecodeStep", "cached_last_step", "decode_step", "uncached_last_step"]
