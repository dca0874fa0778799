"""TinyGPT: a decoder-only transformer whose every design choice from the notes is a switch.

x → embedding (+ positions) → N × [multi-head attention → add & norm → FFN → add & norm] → logits.
Shapes: B batch, T sequence length, C = d_model, H heads, D = d_k = C / H, V vocabulary size.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

import torch
from torch import nn

from lib.transformer.attention import causal_mask, feature_map, scaled_dot_product_attention
from lib.transformer.decoding import pipeline_probabilities
from lib.transformer.ffn import GeluFFN, SwiGLU
from lib.transformer.latent import MultiHeadLatentAttention
from lib.transformer.moe import MoEFFN, check_moe
from lib.transformer.norms import LayerNorm, RMSNorm
from lib.transformer.positional import apply_rope, rope_frequencies, sinusoidal_encoding


@dataclass(frozen=True)
class ModelConfig:
    """Every switch of the model. ``d_ff=None`` means 4·d_model for GELU and 8/3·d_model for SwiGLU.

    DeepSeek's switches: ``ffn="moe"`` (``n_experts`` SwiGLU experts of size d_ff, ``experts_per_token``
    routed per token, ``n_shared_experts`` always used), ``attention="mla"`` (a cached latent of
    ``kv_latent_dim`` values and a shared rotary key of ``rope_head_dim``), ``mtp_depth`` D > 0 extra
    heads predicting tokens t + 2 … t + 1 + D.
    """

    vocab_size: int
    d_model: int = 64
    n_heads: int = 4
    n_layers: int = 2
    max_seq_len: int = 128
    ffn: Literal["swiglu", "gelu", "moe"] = "swiglu"
    norm: Literal["rms", "layer"] = "rms"
    norm_placement: Literal["pre", "post"] = "pre"
    positional: Literal["rope", "sinusoidal", "learned", "none"] = "rope"
    attention: Literal["softmax", "linear", "mla"] = "softmax"
    causal: bool = True
    d_ff: int | None = None
    n_experts: int = 4
    experts_per_token: int = 2
    n_shared_experts: int = 0
    kv_latent_dim: int = 16
    rope_head_dim: int = 8
    mtp_depth: int = 0

    def __post_init__(self) -> None:
        choices = {
            "ffn": ("swiglu", "gelu", "moe"),
            "norm": ("rms", "layer"),
            "norm_placement": ("pre", "post"),
            "positional": ("rope", "sinusoidal", "learned", "none"),
            "attention": ("softmax", "linear", "mla"),
        }
        for name, allowed in choices.items():
            if getattr(self, name) not in allowed:
                raise ValueError(f"{name} must be one of {', '.join(allowed)}, got {getattr(self, name)!r}.")
        for name in ("vocab_size", "d_model", "n_heads", "n_layers", "max_seq_len"):
            if int(getattr(self, name)) < 1:
                raise ValueError(f"{name} must be at least 1, got {getattr(self, name)}.")
        if self.d_model % self.n_heads:
            raise ValueError(f"d_model ({self.d_model}) must be divisible by n_heads ({self.n_heads}).")
        if (self.positional == "rope" and self.head_size % 2) or (self.positional == "sinusoidal" and self.d_model % 2):
            raise ValueError("RoPE needs an even head size and the sinusoidal encoding an even d_model.")
        if self.ffn == "moe":
            check_moe(self.n_experts, self.experts_per_token, self.n_shared_experts)
        if self.attention == "mla":
            if int(self.kv_latent_dim) < 1:
                raise ValueError(f"kv_latent_dim must be at least 1, got {self.kv_latent_dim}.")
            if int(self.rope_head_dim) < 0 or self.rope_head_dim % 2:
                raise ValueError(f"rope_head_dim must be an even number ≥ 0, got {self.rope_head_dim}.")
        if int(self.mtp_depth) < 0:
            raise ValueError(f"mtp_depth must be at least 0, got {self.mtp_depth}.")

    @property
    def head_size(self) -> int:
        return self.d_model // self.n_heads


@dataclass
class LayerCache:
    """What one attention layer remembers while decoding.

    Softmax attention keeps every key and value (B, H, T_past, D). Linear attention keeps
    only its running sums: S = Σ φ(k) vᵀ (B, H, D, D) and z = Σ φ(k) (B, H, D) — the
    RNN form whose cost per token does not grow with T. Latent attention keeps the latent
    (B, T_past, d_c) and the shared rotary key (B, T_past, d_r).
    """

    k: torch.Tensor | None = None
    v: torch.Tensor | None = None
    s: torch.Tensor | None = None
    z: torch.Tensor | None = None
    latent: torch.Tensor | None = None
    k_rope: torch.Tensor | None = None

    def tensors(self) -> list[torch.Tensor]:
        """Every tensor this layer holds."""
        return [t for t in (self.k, self.v, self.s, self.z, self.latent, self.k_rope) if t is not None]

    def truncate(self, length: int) -> None:
        """Forget every position from ``length`` on (speculative decoding rejects a draft)."""
        if self.s is not None:
            raise ValueError("Linear attention's running sums cannot be rolled back: use softmax or mla attention.")
        self.k = None if self.k is None else self.k[:, :, :length]
        self.v = None if self.v is None else self.v[:, :, :length]
        self.latent = None if self.latent is None else self.latent[:, :length]
        self.k_rope = None if self.k_rope is None else self.k_rope[:, :length]


@dataclass
class KVCache:
    """One :class:`LayerCache` per layer and the number of positions already processed."""

    layers: list[LayerCache]
    length: int = 0

    @classmethod
    def empty(cls, n_layers: int) -> KVCache:
        return cls([LayerCache() for _ in range(n_layers)])

    def nbytes(self) -> int:
        """The bytes every cached tensor holds."""
        return sum(t.numel() * t.element_size() for layer in self.layers for t in layer.tensors())

    def truncate(self, length: int) -> None:
        for layer in self.layers:
            layer.truncate(length)
        self.length = min(self.length, length)


@dataclass
class AttentionTrace:
    """What the page inspects for one layer: raw scores Q·Kᵀ/√D, weights and weighted values."""

    scores: torch.Tensor  # (B, H, T, T), mask included
    weights: torch.Tensor  # (B, H, T, T)
    values: torch.Tensor  # (B, H, T, D)


class MultiHeadAttention(nn.Module):
    def __init__(self, config: ModelConfig) -> None:
        super().__init__()
        self.config = config
        self.qkv = nn.Linear(config.d_model, 3 * config.d_model, bias=False)
        self.proj = nn.Linear(config.d_model, config.d_model, bias=False)

    def forward(
        self,
        x: torch.Tensor,
        rope: torch.Tensor | None,
        cache: LayerCache | None = None,
        offset: int = 0,
        trace: list[AttentionTrace] | None = None,
    ) -> torch.Tensor:
        B, T, C = x.shape
        H, D = self.config.n_heads, self.config.head_size
        q, k, v = self.qkv(x).split(C, dim=2)  # 3 × (B, T, C)
        q, k, v = (t.view(B, T, H, D).transpose(1, 2) for t in (q, k, v))  # (B, H, T, D)
        if rope is not None:
            q = apply_rope(q, rope[offset : offset + T])
            k = apply_rope(k, rope[offset : offset + T])
        if self.config.attention == "softmax":
            out = self._softmax_attention(q, k, v, cache, offset, trace)
        else:
            out = self._linear_attention(q, k, v, cache)
        out = out.transpose(1, 2).contiguous().view(B, T, C)  # concatenate the heads: (B, T, C)
        return self.proj(out)

    def _softmax_attention(self, q, k, v, cache, offset, trace):
        if cache is not None:
            if cache.k is not None:
                k, v = torch.cat([cache.k, k], dim=2), torch.cat([cache.v, v], dim=2)  # (B, H, T_past + T, D)
            cache.k, cache.v = k, v
        # One new query (cached decoding) sits after every key, so it needs no mask.
        needs_mask = self.config.causal and q.size(2) > 1
        mask = causal_mask(q.size(2), q.device, offset=k.size(2) - q.size(2)) if needs_mask else None
        out, weights = scaled_dot_product_attention(q, k, v, mask)
        if trace is not None:
            scores = q @ k.transpose(-2, -1) / q.size(-1) ** 0.5
            trace.append(AttentionTrace(scores if mask is None else scores + mask, weights, out))
        return out

    def _linear_attention(self, q, k, v, cache):
        phi_q, phi_k = feature_map(q), feature_map(k)
        if self.config.causal:
            s = torch.cumsum(phi_k.unsqueeze(-1) * v.unsqueeze(-2), dim=2)  # (B, H, T, D, D)
            z = torch.cumsum(phi_k, dim=2)  # (B, H, T, D)
            if cache is not None:
                if cache.s is not None:
                    s, z = s + cache.s.unsqueeze(2), z + cache.z.unsqueeze(2)
                cache.s, cache.z = s[:, :, -1], z[:, :, -1]
            numerator = (phi_q.unsqueeze(-2) @ s).squeeze(-2)  # (B, H, T, D)
            return numerator / (phi_q * z).sum(dim=-1, keepdim=True)
        s = phi_k.transpose(-2, -1) @ v  # (B, H, D, D)
        z = phi_k.sum(dim=2, keepdim=True)  # (B, H, 1, D)
        return (phi_q @ s) / (phi_q * z).sum(dim=-1, keepdim=True)


class TransformerBlock(nn.Module):
    """Attention and FFN sublayers, each with a residual connection and a norm.

    pre-norm:  x = x + Attn(Norm(x));  x = x + FFN(Norm(x))      (GPT-2 onwards, LLaMA)
    post-norm: x = Norm(x + Attn(x));  x = Norm(x + FFN(x))      (the original transformer)
    """

    def __init__(self, config: ModelConfig) -> None:
        super().__init__()
        self.config = config
        norm = RMSNorm if config.norm == "rms" else LayerNorm
        self.norm1, self.norm2 = norm(config.d_model), norm(config.d_model)
        self.attn = MultiHeadLatentAttention(config) if config.attention == "mla" else MultiHeadAttention(config)
        self.ffn = make_ffn(config)

    def forward(
        self,
        x: torch.Tensor,
        rope: torch.Tensor | None = None,
        cache: LayerCache | None = None,
        offset: int = 0,
        trace: list[AttentionTrace] | None = None,
    ) -> torch.Tensor:  # (B, T, C) -> (B, T, C)
        if self.config.norm_placement == "pre":
            x = x + self._attend(self.norm1(x), rope, cache, offset, trace)
            return x + self.ffn(self.norm2(x))
        x = self.norm1(x + self._attend(x, rope, cache, offset, trace))
        return self.norm2(x + self.ffn(x))

    def _attend(self, x, rope, cache, offset, trace):
        if self.config.attention == "mla":  # its rotary part has a size of its own: it keeps its own table
            return self.attn(x, cache, offset)
        return self.attn(x, rope, cache, offset, trace)


def make_ffn(config: ModelConfig) -> nn.Module:
    """The FFN sublayer the config names: SwiGLU, GELU or a mixture of SwiGLU experts."""
    if config.ffn == "moe":
        return MoEFFN(config.d_model, config.d_ff, config.n_experts, config.experts_per_token, config.n_shared_experts)
    return (SwiGLU if config.ffn == "swiglu" else GeluFFN)(config.d_model, config.d_ff)


class MTPHead(nn.Module):
    """One depth of multi-token prediction: h ← h + SwiGLU(Norm(h)), read out by the shared output layer.

    DeepSeek-V3's MTP module also feeds in the embedding of the token in between (and has an attention
    layer); this position-wise head drafts from position t alone, so it can propose tokens before they exist.
    """

    def __init__(self, config: ModelConfig) -> None:
        super().__init__()
        self.norm = (RMSNorm if config.norm == "rms" else LayerNorm)(config.d_model)
        self.ffn = SwiGLU(config.d_model)

    def forward(self, h: torch.Tensor) -> torch.Tensor:  # (B, T, C) -> (B, T, C)
        return h + self.ffn(self.norm(h))


class TinyGPT(nn.Module):
    """Token embedding, positions, a stack of :class:`TransformerBlock`, and a tied output layer."""

    def __init__(self, config: ModelConfig) -> None:
        super().__init__()
        self.config = config
        self.embed = nn.Embedding(config.vocab_size, config.d_model)
        if config.positional == "learned":
            self.pos_embed = nn.Embedding(config.max_seq_len, config.d_model)
        if config.positional == "sinusoidal":
            self.register_buffer("pos_table", sinusoidal_encoding(config.max_seq_len, config.d_model), persistent=False)
        if config.positional == "rope":
            self.register_buffer("rope", rope_frequencies(config.head_size, config.max_seq_len), persistent=False)
        self.blocks = nn.ModuleList(TransformerBlock(config) for _ in range(config.n_layers))
        # Pre-norm stacks need a final norm (the residual stream is never normalised otherwise).
        norm = RMSNorm if config.norm == "rms" else LayerNorm
        self.final_norm = norm(config.d_model) if config.norm_placement == "pre" else nn.Identity()
        self.lm_head = nn.Linear(config.d_model, config.vocab_size, bias=False)
        self.lm_head.weight = self.embed.weight  # weight tying (Press & Wolf, 2017)
        self.mtp_heads = nn.ModuleList(MTPHead(config) for _ in range(config.mtp_depth))
        self.apply(self._init_weights)

    @staticmethod
    def _init_weights(module: nn.Module) -> None:
        if isinstance(module, nn.Linear | nn.Embedding):
            nn.init.normal_(module.weight, mean=0.0, std=0.02)
        if isinstance(module, nn.Linear) and module.bias is not None:
            nn.init.zeros_(module.bias)

    @property
    def device(self) -> torch.device:
        return self.embed.weight.device

    def n_parameters(self) -> int:
        return sum(p.numel() for p in self.parameters())

    def forward(
        self,
        ids: torch.Tensor,
        cache: KVCache | None = None,
        trace: list[AttentionTrace] | None = None,
    ) -> torch.Tensor:
        """ids (B, T) -> logits (B, T, V). With ``cache``, ids are the next positions after it."""
        return self.lm_head(self.final_norm(self.hidden(ids, cache, trace)))  # (B, T, V)

    def mtp_logits(self, ids: torch.Tensor, cache: KVCache | None = None, hidden: torch.Tensor | None = None):
        """ids (B, T) -> (B, T, D, V): entry [:, t, d − 1] predicts token t + 1 + d, for depths d = 1 … D.

        Pass ``hidden`` (from :meth:`hidden`) to reuse a forward pass already made.
        """
        if not self.mtp_heads:
            raise ValueError("This model has no multi-token prediction head: build it with mtp_depth ≥ 1.")
        h = self.hidden(ids, cache) if hidden is None else hidden
        out = []
        for head in self.mtp_heads:  # depth d reads depth d − 1's state: a chain, as in DeepSeek-V3
            h = head(h)
            out.append(self.lm_head(self.final_norm(h)))
        return torch.stack(out, dim=2)

    def hidden(
        self, ids: torch.Tensor, cache: KVCache | None = None, trace: list[AttentionTrace] | None = None
    ) -> torch.Tensor:
        """ids (B, T) -> the last block's output (B, T, C), before the final norm and the output layer."""
        T = ids.size(1)
        offset = cache.length if cache is not None else 0
        if offset + T > self.config.max_seq_len:
            raise ValueError(f"The sequence is longer than max_seq_len = {self.config.max_seq_len} tokens.")
        x = self.embed(ids)  # (B, T, C)
        if self.config.positional == "learned":
            x = x + self.pos_embed(torch.arange(offset, offset + T, device=ids.device))
        elif self.config.positional == "sinusoidal":
            x = x + self.pos_table[offset : offset + T]
        rope = self.rope if self.config.positional == "rope" else None
        for i, block in enumerate(self.blocks):
            x = block(x, rope, cache.layers[i] if cache is not None else None, offset, trace)
        if cache is not None:
            cache.length += T
        return x


def next_token_probabilities(
    logits: torch.Tensor,
    temperature: float = 1.0,
    top_k: int | None = None,
    top_p: float | None = None,
    min_p: float | None = None,
) -> torch.Tensor:
    """Turn last-position logits (B, V) into sampling probabilities (B, V).

    Temperature first, then top-k, top-p (the smallest set with mass ≥ p) and min-p
    (keep tokens with probability ≥ min_p · max), each renormalising what is kept.
    """
    stages = [(name, v) for name, v in (("top_k", top_k), ("top_p", top_p), ("min_p", min_p)) if v is not None]
    return pipeline_probabilities(logits, None, temperature, stages)


@torch.no_grad()
def generate(
    model: TinyGPT,
    ids: torch.Tensor,
    max_new_tokens: int,
    temperature: float = 1.0,
    top_k: int | None = None,
    top_p: float | None = None,
    min_p: float | None = None,
    use_kv_cache: bool = True,
    seed: int | None = None,
    *,
    stages: Sequence[tuple[str, float]] | None = None,
    temperature_last: bool = False,
    on_logits: Callable[[torch.Tensor], None] | None = None,
) -> torch.Tensor:
    """Append ``max_new_tokens`` sampled tokens to ``ids`` (B, T) and return (B, T + max_new_tokens).

    temperature 0 is greedy decoding (argmax of what the stages leave). With ``use_kv_cache`` the
    prompt is processed once and each new token costs one position; without it the whole sequence
    is run again for every token. Both give the same tokens. ``stages`` (instead of top_k, top_p,
    min_p) are those of :func:`lib.sampling.sampling_pipeline`, in their order, reading the ids so
    far; ``on_logits`` sees each step's raw logits (B, V).
    """
    if temperature < 0:
        raise ValueError(f"temperature must be >= 0, got {temperature}.")
    if ids.dim() != 2 or ids.size(1) == 0:
        raise ValueError("ids must be a (batch, time) tensor with at least one token.")
    if ids.size(1) + max_new_tokens > model.config.max_seq_len:
        raise ValueError(
            f"The prompt ({ids.size(1)} tokens) plus {max_new_tokens} new tokens exceeds "
            f"max_seq_len = {model.config.max_seq_len}."
        )
    truncation = [(name, v) for name, v in (("top_k", top_k), ("top_p", top_p), ("min_p", min_p)) if v is not None]
    if stages is not None and truncation:
        raise ValueError("Pass the truncation either as top_k, top_p and min_p or in stages, not both.")
    stages = truncation if stages is None else list(stages)
    model.eval()
    generator = torch.Generator(device=model.device)
    if seed is not None:
        generator.manual_seed(int(seed))
    cache = KVCache.empty(model.config.n_layers) if use_kv_cache else None
    step_input = ids
    for _ in range(max_new_tokens):
        logits = model(step_input if use_kv_cache else ids, cache)[:, -1, :]  # (B, V)
        if on_logits is not None:
            on_logits(logits)
        if temperature == 0 and not stages:
            next_id = logits.argmax(dim=-1, keepdim=True)  # (B, 1)
        else:
            probs = pipeline_probabilities(logits, ids, temperature, stages, temperature_last)
            if temperature == 0:
                next_id = probs.argmax(dim=-1, keepdim=True)
            else:
                next_id = torch.multinomial(probs, num_samples=1, generator=generator)
        ids = torch.cat([ids, next_id], dim=1)
        step_input = next_id
    return ids


__all__ = [
    "AttentionTrace",
    "KVCache",
    "LayerCache",
    "MTPHead",
    "ModelConfig",
    "MultiHeadAttention",
    "TinyGPT",
    "TransformerBlock",
    "generate",
    "next_token_probabilities",
]
