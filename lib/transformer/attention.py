"""Attention: scaled dot-product (softmax) attention, the causal mask, and linear attention.

Shapes follow nanoGPT: B batch, H heads, T sequence length, d_k head size.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F


def causal_mask(T: int, device: str | torch.device | None = None, *, offset: int = 0) -> torch.Tensor:
    """Additive causal mask of shape (T, offset + T): 0 where query i may see key j, −inf above.

    Query i sits at absolute position ``offset + i`` and sees keys ``0 .. offset + i``
    (``offset`` is the number of cached positions when decoding with a KV cache). The
    mask is *added* to the scores so that softmax gives exactly zero weight to the future:
    ``exp(-inf) = 0``, while allowed positions keep their scores unchanged.

    Example
    -------
    >>> causal_mask(3)
    tensor([[0., -inf, -inf],
            [0., 0., -inf],
            [0., 0., 0.]])
    """
    if T < 0 or offset < 0:
        raise ValueError(f"T and offset must be >= 0, got T={T}, offset={offset}.")
    allowed = torch.ones(T, offset + T, dtype=torch.bool, device=device).tril(diagonal=offset)
    return torch.zeros(T, offset + T, device=device).masked_fill(~allowed, float("-inf"))


def scaled_dot_product_attention(
    q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, mask: torch.Tensor | None = None
) -> tuple[torch.Tensor, torch.Tensor]:
    """softmax(Q Kᵀ / √d_k + mask) V, returning the output and the attention weights.

    q : (..., T_q, d_k); k : (..., T_k, d_k); v : (..., T_k, d_v); mask : additive,
    broadcastable to (..., T_q, T_k) (e.g. :func:`causal_mask`). Dividing by √d_k keeps the
    scores' variance near 1 when q and k have unit-variance entries, so softmax does not
    saturate as d_k grows.

    Returns ``(out, weights)`` with out (..., T_q, d_v) and weights (..., T_q, T_k), rows summing to 1.
    """
    d_k = q.size(-1)
    scores = q @ k.transpose(-2, -1) / math.sqrt(d_k)  # (..., T_q, T_k)
    if mask is not None:
        scores = scores + mask
    weights = F.softmax(scores, dim=-1)
    return weights @ v, weights


def feature_map(x: torch.Tensor) -> torch.Tensor:
    """φ(x) = elu(x) + 1 > 0, the feature map of Katharopoulos et al. (2020)."""
    return F.elu(x) + 1


def linear_attention(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, causal: bool = True) -> torch.Tensor:
    """Linear attention: softmax(q·k) replaced by φ(q)·φ(k), so the sum over keys factorises.

    out_i = φ(q_i)ᵀ Σ_j φ(k_j) v_jᵀ / φ(q_i)ᵀ Σ_j φ(k_j), with j ≤ i when causal. The sums
    cost O(T·d_k·d_v) instead of the O(T²·d) of softmax attention.

    q, k : (..., T, d_k); v : (..., T, d_v) -> (..., T, d_v).
    """
    phi_q, phi_k = feature_map(q), feature_map(k)
    if causal:
        kv = torch.cumsum(phi_k.unsqueeze(-1) * v.unsqueeze(-2), dim=-3)  # (..., T, d_k, d_v)
        z = torch.cumsum(phi_k, dim=-2)  # (..., T, d_k)
        numerator = (phi_q.unsqueeze(-2) @ kv).squeeze(-2)  # (..., T, d_v)
    else:
        kv = phi_k.transpose(-2, -1) @ v  # (..., d_k, d_v)
        z = phi_k.sum(dim=-2, keepdim=True)  # (..., 1, d_k)
        numerator = phi_q @ kv  # (..., T, d_v)
    denominator = (phi_q * z).sum(dim=-1, keepdim=True)  # (..., T, 1)
    return numerator / denominator
