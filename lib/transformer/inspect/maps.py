"""Attention maps per layer and head, pooled for long texts, and the model's next-character guess."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch
import torch.nn.functional as F

from lib.transformer.attention import causal_mask, feature_map, scaled_dot_product_attention
from lib.transformer.inspect.depth import norm_outputs
from lib.transformer.model import TinyGPT
from lib.transformer.positional import apply_rope


@dataclass(frozen=True)
class AttentionMaps:
    """One layer's attention for batch item 0, as numpy arrays.

    scores : (H, T, T) raw Q·Kᵀ/√D with the additive mask (−inf above the diagonal when causal);
    for linear attention the kernel φ(q)·φ(k) (0 where masked). weights : (H, T, T), rows sum
    to 1. features : (H, T, D), the attention-weighted values (weights @ V).
    """

    scores: np.ndarray
    weights: np.ndarray
    features: np.ndarray


@torch.no_grad()
def attention_maps(model: TinyGPT, ids: torch.Tensor) -> list[AttentionMaps]:
    """Per-layer scores, weights and weighted values of ``model`` on ``ids`` (1, T), softmax or linear.

    The inputs of each attention layer are captured with hooks and Q, K, V recomputed the way
    the model does; for linear attention the implied weights φ(q_i)·φ(k_j) / Σ_j' φ(q_i)·φ(k_j')
    are formed explicitly (the model itself never builds this T×T matrix).
    """
    config = model.config
    captured: list[torch.Tensor] = []
    hooks = [block.attn.register_forward_pre_hook(lambda _m, args: captured.append(args[0])) for block in model.blocks]
    try:
        model.eval()
        model(ids)
    finally:
        for hook in hooks:
            hook.remove()
    maps = []
    B, T, C = captured[0].shape
    H, D = config.n_heads, config.head_size
    mask = causal_mask(T, ids.device) if config.causal else None
    for block, x in zip(model.blocks, captured, strict=True):
        q, k, v = block.attn.qkv(x).split(C, dim=2)
        q, k, v = (t.view(B, T, H, D).transpose(1, 2) for t in (q, k, v))  # (B, H, T, D)
        if config.positional == "rope":
            q, k = apply_rope(q, model.rope[:T]), apply_rope(k, model.rope[:T])
        if config.attention == "softmax":
            out, weights = scaled_dot_product_attention(q, k, v, mask)
            scores = q @ k.transpose(-2, -1) / math.sqrt(D)
            scores = scores if mask is None else scores + mask
        else:
            scores = feature_map(q) @ feature_map(k).transpose(-2, -1)  # (B, H, T, T), > 0
            if mask is not None:
                scores = scores.masked_fill(mask == float("-inf"), 0.0)
            weights = scores / scores.sum(dim=-1, keepdim=True)
            out = weights @ v
        maps.append(AttentionMaps(*(t[0].float().cpu().numpy() for t in (scores, weights, out))))
    return maps


def stacked_weights(maps: Sequence[AttentionMaps]) -> np.ndarray:
    """Every layer's and head's attention weights in one array: (L, H, T, T) from :func:`attention_maps`.

    Example
    -------
    >>> from lib.transformer import ModelConfig, TinyGPT
    >>> model = TinyGPT(ModelConfig(vocab_size=5, d_model=8, n_heads=2, n_layers=3))
    >>> stacked_weights(attention_maps(model, torch.tensor([[0, 1, 2, 3]]))).shape
    (3, 2, 4, 4)
    """
    if not maps:
        raise ValueError("maps must hold at least one layer.")
    return np.stack([m.weights for m in maps])


@dataclass(frozen=True)
class PooledMatrix:
    """A matrix reduced to at most ``max_side`` × ``max_side`` blocks, and where each block came from.

    values : (R, C) one number per block (−inf where every cell of the block is −inf, e.g.
    masked scores). row_edges : (R + 1,) and col_edges : (C + 1,) block boundaries: block
    (i, j) covers rows ``row_edges[i] … row_edges[i + 1] − 1`` and the columns likewise.
    how : ``"max"`` or ``"mean"``, the reduction. ``block`` : the block size (rows, columns);
    (1, 1) means nothing was pooled.
    """

    values: np.ndarray
    row_edges: np.ndarray
    col_edges: np.ndarray
    how: str

    @property
    def block(self) -> tuple[int, int]:
        return int(self.row_edges[1] - self.row_edges[0]), int(self.col_edges[1] - self.col_edges[0])

    @property
    def pooled(self) -> bool:
        return self.block != (1, 1)


def _pool_edges(n: int, max_side: int) -> np.ndarray:
    size = math.ceil(n / max_side)
    return np.minimum(np.arange(0, n + size, size), n)[: math.ceil(n / size) + 1]


def pool_matrix(values: np.ndarray, max_side: int = 64, how: str = "max") -> PooledMatrix:
    """Reduce a big matrix to at most ``max_side`` blocks per side, each the max or mean of its cells.

    A 256 × 256 attention map becomes 64 × 64 blocks of 4 × 4 positions: a chart of 4,096
    cells instead of 65,536 (a browser draws and hovers it without lag). Block size per axis
    is ⌈n / max_side⌉; the last block may be smaller. −inf cells (masked scores) are skipped:
    a block's max or mean is over its finite cells, −inf only if it has none. Matrices that
    already fit are returned unchanged (blocks of 1 × 1).

    Example
    -------
    >>> pool_matrix(np.arange(16.0).reshape(4, 4), max_side=2).values
    array([[ 5.,  7.],
           [13., 15.]])
    """
    values = np.asarray(values, dtype=float)
    if values.ndim != 2 or values.size == 0:
        raise ValueError("values must be a non-empty 2-D matrix.")
    if max_side < 1:
        raise ValueError(f"max_side must be at least 1, got {max_side}.")
    if how not in ("max", "mean"):
        raise ValueError(f"how must be 'max' or 'mean', got {how!r}.")
    if np.isnan(values).any() or np.isposinf(values).any():
        raise ValueError("values must be finite or −inf (masked), never NaN or +inf.")
    rows, cols = _pool_edges(values.shape[0], max_side), _pool_edges(values.shape[1], max_side)
    if len(rows) - 1 == values.shape[0] and len(cols) - 1 == values.shape[1]:
        return PooledMatrix(values, rows, cols, how)
    br, bc = rows[1] - rows[0], cols[1] - cols[0]
    R, C = len(rows) - 1, len(cols) - 1
    padded = np.full((R * br, C * bc), np.nan)  # NaN pads the last, smaller blocks and stands for −inf
    padded[: values.shape[0], : values.shape[1]] = np.where(np.isneginf(values), np.nan, values)
    blocks = padded.reshape(R, br, C, bc).transpose(0, 2, 1, 3).reshape(R, C, br * bc)
    finite = ~np.isnan(blocks)
    count = finite.sum(axis=-1)
    if how == "max":
        reduced = np.where(finite, blocks, -np.inf).max(axis=-1)
    else:
        reduced = np.where(finite, blocks, 0.0).sum(axis=-1) / np.maximum(count, 1)
    return PooledMatrix(np.where(count > 0, reduced, -np.inf), rows, cols, how)


@dataclass(frozen=True)
class NextCharacter:
    """What the model predicts after a text, and how well it predicted the text itself.

    top : the ``k`` most probable next characters, columns ``character`` and ``probability``
    (descending). text_loss : mean −log p(c_t | c_<t) over the text's characters after the
    first, in nats/char (None for a one-character text, or a model without the causal mask,
    whose positions see the characters they would predict). uniform_loss : log V, the loss of
    guessing uniformly: an untrained model scores about this, a trained one well below.
    """

    top: pd.DataFrame
    text_loss: float | None
    uniform_loss: float


@torch.no_grad()
def next_character(model: TinyGPT, ids: torch.Tensor, vocabulary: str, k: int = 10) -> NextCharacter:
    """The ``k`` most probable characters after ``ids`` (1, T) and the model's loss on the text itself.

    Example
    -------
    >>> from lib.transformer import CharTokenizer, ModelConfig, TinyGPT
    >>> tok = CharTokenizer.from_text("ab")
    >>> model = TinyGPT(ModelConfig(vocab_size=2, d_model=8, n_heads=2, n_layers=1))
    >>> round(float(next_character(model, torch.tensor([tok.encode("abab")]), tok.vocabulary).top.probability.sum()), 6)
    1.0
    """
    if ids.dim() != 2 or ids.size(0) != 1 or ids.size(1) < 1:
        raise ValueError(f"ids must have shape (1, T) with T ≥ 1, got {tuple(ids.shape)}.")
    if len(vocabulary) != model.config.vocab_size:
        raise ValueError(f"vocabulary must have {model.config.vocab_size} characters, got {len(vocabulary)}.")
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}.")
    model.eval()
    logits = model(ids)[0].float()  # (T, V)
    probs = F.softmax(logits[-1], dim=-1)
    top = torch.topk(probs, min(k, probs.numel()))
    table = pd.DataFrame(
        {
            "character": [vocabulary[i] for i in top.indices.tolist()],
            "probability": top.values.cpu().numpy().astype(float),
        }
    )
    text_loss = None
    if ids.size(1) > 1 and model.config.causal:
        log_probs = F.log_softmax(logits[:-1], dim=-1).gather(-1, ids[0, 1:].unsqueeze(-1))
        text_loss = float(-log_probs.mean())
    return NextCharacter(table, text_loss, math.log(model.config.vocab_size))


@dataclass(frozen=True)
class TextInspection:
    """What the transformer lab shows of one text: per-layer attention maps, the norms' view of
    the token embeddings, and the next-character prediction."""

    maps: list[AttentionMaps]
    norms: pd.DataFrame
    next: NextCharacter


@torch.no_grad()
def inspect_text(model: TinyGPT, ids: Sequence[int], vocabulary: str) -> TextInspection:
    """:func:`attention_maps`, :func:`norm_outputs` of the embeddings and :func:`next_character` for ``ids``."""
    tensor = torch.tensor([list(ids)], device=model.device)  # (1, T)
    return TextInspection(
        maps=attention_maps(model, tensor),
        norms=norm_outputs(model.embed(tensor)[0]),
        next=next_character(model, tensor, vocabulary),
    )
