"""What DeepSeek's ideas save, measured on a built model: cache bytes, active parameters, and
self-speculative decoding with the multi-token-prediction head as the draft.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from lib.transformer.model import KVCache, TinyGPT
from lib.transformer.moe import MoEFFN


@torch.no_grad()
def kv_cache_bytes(model: TinyGPT, seq_len: int, batch: int = 1) -> int:
    """The bytes the model's KV cache really holds after a prefill of ``seq_len`` tokens (``batch`` rows),
    summed over the cache tensors themselves.

    MHA holds 2·H·D values per token per layer, MLA d_c + d_r; linear attention's running sums do not
    grow with ``seq_len``.

    Example
    -------
    >>> from lib.transformer.model import ModelConfig
    >>> model = TinyGPT(ModelConfig(vocab_size=5, d_model=8, n_heads=2, n_layers=1))
    >>> kv_cache_bytes(model, 3)  # 2 · 8 values · 3 tokens · 4 bytes
    192
    """
    if not 1 <= int(seq_len) <= model.config.max_seq_len:
        raise ValueError(f"seq_len must lie in 1..max_seq_len = {model.config.max_seq_len}, got {seq_len}.")
    if int(batch) < 1:
        raise ValueError(f"batch must be at least 1, got {batch}.")
    cache = KVCache.empty(model.config.n_layers)
    model.eval()
    model(torch.zeros(int(batch), int(seq_len), dtype=torch.long, device=model.device), cache)
    return cache.nbytes()


def active_parameters(model: TinyGPT) -> int:
    """The parameters one token uses: every parameter except the routed experts it is not sent to
    (a MoE layer counts its router, its shared experts and ``experts_per_token`` routed experts).
    The MTP heads count too (training uses them on every token).

    Example
    -------
    >>> from lib.transformer.model import ModelConfig
    >>> dense = TinyGPT(ModelConfig(vocab_size=5, d_model=8, n_heads=2, n_layers=1))
    >>> active_parameters(dense) == dense.n_parameters()
    True
    """
    total = model.n_parameters()
    for module in model.modules():
        if isinstance(module, MoEFFN):
            per_expert = sum(p.numel() for p in module.experts[0].parameters())
            total -= (module.n_experts - module.experts_per_token) * per_expert
    return total


@dataclass(frozen=True)
class SpeculativeResult:
    """Self-speculative decoding's output: ``ids`` (1, T + new_tokens), ``drafted`` and ``accepted`` draft
    tokens, ``forward_passes`` of the main model (greedy decoding needs one per new token)."""

    ids: torch.Tensor
    new_tokens: int
    drafted: int
    accepted: int
    forward_passes: int

    @property
    def acceptance_rate(self) -> float:
        return self.accepted / self.drafted if self.drafted else 0.0

    @property
    def tokens_per_pass(self) -> float:
        return self.new_tokens / self.forward_passes


@torch.no_grad()
def speculative_generate(model: TinyGPT, ids: torch.Tensor, max_new_tokens: int) -> SpeculativeResult:
    """Greedy decoding that drafts D tokens with the MTP heads and verifies them in one pass of the model.

    Each pass feeds the next token (the model's own, so always right) and the D drafted after it; the
    drafts are kept up to the first that differs from the model's argmax, and the argmax after the last
    kept token becomes the next token. The output equals greedy decoding (``generate(..., temperature=0)``);
    only the number of passes changes. ids: (1, T) with T + max_new_tokens ≤ max_seq_len.
    """
    depth = model.config.mtp_depth
    if depth < 1:
        raise ValueError("Self-speculative decoding needs a multi-token prediction head: build with mtp_depth ≥ 1.")
    if model.config.attention == "linear":
        raise ValueError("Self-speculative decoding rolls the cache back: use softmax or mla attention.")
    if ids.dim() != 2 or ids.size(0) != 1 or ids.size(1) == 0:
        raise ValueError("ids must be one (1, time) row with at least one token.")
    if int(max_new_tokens) < 1 or ids.size(1) + max_new_tokens > model.config.max_seq_len:
        raise ValueError(
            f"max_new_tokens must lie in 1..{model.config.max_seq_len - ids.size(1)}, got {max_new_tokens}."
        )
    model.eval()
    cache = KVCache.empty(model.config.n_layers)
    out = ids[0].tolist()
    target = len(out) + int(max_new_tokens)
    hidden = model.hidden(ids, cache)[:, -1:]  # (1, 1, C)
    next_id = int(model.lm_head(model.final_norm(hidden)).argmax(-1))
    drafts = model.mtp_logits(ids, hidden=hidden)[0, 0].argmax(-1).tolist()  # (D,)
    drafted = accepted = 0
    passes = 1
    while True:
        out.append(next_id)
        room = target - len(out)
        if room == 0:
            break
        drafts = drafts[:room]  # never draft past the end
        feed = torch.tensor([[next_id, *drafts]], device=model.device)  # (1, 1 + D)
        start = cache.length
        hidden = model.hidden(feed, cache)  # (1, 1 + D, C)
        passes += 1
        greedy = model.lm_head(model.final_norm(hidden))[0].argmax(-1).tolist()  # greedy[i]: after feed[i]
        kept = 0
        while kept < len(drafts) and drafts[kept] == greedy[kept]:
            kept += 1
        drafted, accepted = drafted + len(drafts), accepted + kept
        out.extend(drafts[:kept])
        cache.truncate(start + 1 + kept)  # forget the rejected drafts
        next_id = greedy[kept]
        if len(out) == target:
            break
        drafts = model.mtp_logits(feed, hidden=hidden[:, kept : kept + 1])[0, 0].argmax(-1).tolist()
    result = torch.tensor([out], device=ids.device)
    return SpeculativeResult(result, int(max_new_tokens), drafted, accepted, passes)


__all__ = ["SpeculativeResult", "active_parameters", "kv_cache_bytes", "speculative_generate"]
