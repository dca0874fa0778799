"""Multi-head latent attention (DeepSeek-V2): keys and values rebuilt from one small cached latent.

Per token: c = W_dkv x (d_c values) and one rotary key k_r = RoPE(W_kr x) (d_r values) shared by every
head are all the cache holds. Head h's key is [W_uk,h c ; k_r] and its value W_uv,h c; its query
[q_h ; RoPE(q_r,h)] comes straight from x. The cache costs d_c + d_r values per token per layer
instead of MHA's 2·H·D.

The absorbed (inference) form never rebuilds the keys: q_hᵀ (W_uk,h c) = (W_uk,hᵀ q_h)ᵀ c, so the
query is moved into latent space once and scored against the cached latents directly; likewise
Σ_j a_j W_uv,h c_j = W_uv,h Σ_j a_j c_j.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import torch
import torch.nn.functional as F
from torch import nn

from lib.transformer.attention import causal_mask
from lib.transformer.positional import apply_rope, rope_frequencies

if TYPE_CHECKING:
    from lib.transformer.model import LayerCache, ModelConfig


class MultiHeadLatentAttention(nn.Module):
    """MLA with ``config.kv_latent_dim`` = d_c and ``config.rope_head_dim`` = d_r (queries uncompressed).

    ``absorbed`` chooses the computation (both give the same output): False rebuilds per-head keys and
    values from the latents, True scores queries against the latents (what inference does).

    Example
    -------
    >>> from lib.transformer.model import LayerCache, ModelConfig
    >>> mla = MultiHeadLatentAttention(ModelConfig(vocab_size=5, d_model=16, n_heads=2, attention="mla",
    ...                                            kv_latent_dim=6, rope_head_dim=4))
    >>> cache = LayerCache()
    >>> mla(torch.randn(1, 3, 16), cache).shape, cache.latent.shape, cache.k_rope.shape
    (torch.Size([1, 3, 16]), torch.Size([1, 3, 6]), torch.Size([1, 3, 4]))
    """

    def __init__(self, config: ModelConfig) -> None:
        super().__init__()
        self.config = config
        H, D, d_c, d_r = config.n_heads, config.head_size, config.kv_latent_dim, config.rope_head_dim
        self.q = nn.Linear(config.d_model, H * (D + d_r), bias=False)
        self.kv_down = nn.Linear(config.d_model, d_c, bias=False)  # W_dkv
        self.k_rope = nn.Linear(config.d_model, d_r, bias=False) if d_r else None  # W_kr
        self.k_up = nn.Linear(d_c, H * D, bias=False)  # W_uk
        self.v_up = nn.Linear(d_c, H * D, bias=False)  # W_uv
        self.proj = nn.Linear(H * D, config.d_model, bias=False)
        self.absorbed = False
        uses_rope = config.positional == "rope" and d_r > 0
        self.register_buffer("rope", rope_frequencies(d_r, config.max_seq_len) if uses_rope else None, persistent=False)

    def forward(
        self, x: torch.Tensor, cache: LayerCache | None = None, offset: int = 0, trace: list | None = None
    ) -> torch.Tensor:
        B, T, _ = x.shape
        H, D, d_r = self.config.n_heads, self.config.head_size, self.config.rope_head_dim
        q = self.q(x).view(B, T, H, D + d_r).transpose(1, 2)  # (B, H, T, D + d_r)
        q_nope, q_rope = q.split([D, d_r], dim=-1)
        latent = self.kv_down(x)  # (B, T, d_c)
        k_rope = self.k_rope(x) if self.k_rope is not None else x.new_zeros(B, T, 0)  # (B, T, d_r)
        if self.rope is not None:
            q_rope = apply_rope(q_rope, self.rope[offset : offset + T])
            k_rope = apply_rope(k_rope, self.rope[offset : offset + T])
        if cache is not None:
            if cache.latent is not None:
                latent, k_rope = torch.cat([cache.latent, latent], 1), torch.cat([cache.k_rope, k_rope], 1)
            cache.latent, cache.k_rope = latent, k_rope  # the whole cache: d_c + d_r values per token
        T_k = latent.size(1)
        mask = causal_mask(T, x.device, offset=T_k - T) if self.config.causal and T > 1 else None
        scores_rope = q_rope @ k_rope.unsqueeze(1).transpose(-2, -1)  # (B, H, T, T_k), one key for all heads
        if self.absorbed:
            out = self._absorbed(q_nope, latent, scores_rope, mask)
        else:
            out = self._naive(q_nope, latent, scores_rope, mask)
        return self.proj(out.transpose(1, 2).reshape(B, T, H * D))

    def _scale(self) -> float:
        return 1 / math.sqrt(self.config.head_size + self.config.rope_head_dim)

    def _naive(self, q_nope, latent, scores_rope, mask):
        B, T_k, _ = latent.shape
        H, D = self.config.n_heads, self.config.head_size
        k = self.k_up(latent).view(B, T_k, H, D).transpose(1, 2)  # (B, H, T_k, D), rebuilt every step
        v = self.v_up(latent).view(B, T_k, H, D).transpose(1, 2)
        scores = (q_nope @ k.transpose(-2, -1) + scores_rope) * self._scale()
        return F.softmax(scores if mask is None else scores + mask, dim=-1) @ v  # (B, H, T, D)

    def _absorbed(self, q_nope, latent, scores_rope, mask):
        H, D, d_c = self.config.n_heads, self.config.head_size, self.config.kv_latent_dim
        w_uk = self.k_up.weight.view(H, D, d_c)  # head h: D × d_c
        w_uv = self.v_up.weight.view(H, D, d_c)
        q_latent = q_nope @ w_uk  # (B, H, T, d_c): the query moved into latent space
        scores = (q_latent @ latent.unsqueeze(1).transpose(-2, -1) + scores_rope) * self._scale()
        mixed = F.softmax(scores if mask is None else scores + mask, dim=-1) @ latent.unsqueeze(1)  # (B, H, T, d_c)
        return mixed @ w_uv.transpose(-2, -1)  # (B, H, T, D)


__all__ = ["MultiHeadLatentAttention"]
