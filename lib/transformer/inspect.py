"""Looking inside TinyGPT: shapes, parameter counts, attention maps, positions, depth and cost.

Everything the Transformer lab page shows comes from here. Pure functions (no streamlit);
every function that runs torch takes a ``device``. Shapes: B batch, T sequence length,
C = d_model, H heads, D = d_k = C / H, F = d_ff, V vocabulary size.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch
import torch.nn.functional as F

from lib.transformer.attention import causal_mask, feature_map, linear_attention, scaled_dot_product_attention
from lib.transformer.ffn import swiglu_hidden_size
from lib.transformer.model import ModelConfig, TinyGPT, generate
from lib.transformer.norms import layer_norm, rms_norm
from lib.transformer.positional import apply_rope, rope_frequencies, sinusoidal_encoding

# ---------------------------------------------------------------------------
# Shapes and parameter counts
# ---------------------------------------------------------------------------


def ffn_hidden_size(config: ModelConfig) -> int:
    """The FFN width F the model builds: ``config.d_ff``, else 4·C (GELU) or 8/3·C rounded up to 8 (SwiGLU)."""
    if config.d_ff:
        return int(config.d_ff)
    return swiglu_hidden_size(config.d_model) if config.ffn == "swiglu" else 4 * config.d_model


def _norm_parameters(config: ModelConfig) -> int:
    return config.d_model * (2 if config.norm == "layer" else 1)  # LayerNorm: γ and β; RMSNorm: γ only


def _ffn_parameters(kind: str, d_model: int, d_ff: int) -> int:
    if kind == "gelu":
        return 2 * d_model * d_ff + d_ff + d_model  # W₁ (C×F) + b₁, W₂ (F×C) + b₂
    return 3 * d_model * d_ff  # W₁, W₃ (C×F) and W₂ (F×C), no biases


def parameter_counts(config: ModelConfig) -> pd.DataFrame:
    """Parameters of every part of :class:`TinyGPT`: columns ``part``, ``parameters``, ``formula``.

    The output layer is tied to the embedding (counted once); sinusoidal and RoPE tables are
    buffers, not parameters. The column sums to ``TinyGPT(config).n_parameters()``.

    Example
    -------
    >>> int(parameter_counts(ModelConfig(vocab_size=10, d_model=8, n_heads=2, n_layers=1)).parameters.sum())
    936
    """
    C, L, F_ = config.d_model, config.n_layers, ffn_hidden_size(config)
    norm = _norm_parameters(config)
    norm_formula = "2·C (γ, β)" if config.norm == "layer" else "C (γ)"
    ffn_formula = "2·C·F + F + C" if config.ffn == "gelu" else "3·C·F"
    rows = [("token embedding (tied with the output layer)", config.vocab_size * C, "V·C")]
    if config.positional == "learned":
        rows.append(("learned position table", config.max_seq_len * C, "max_seq_len·C"))
    for layer in range(L):
        rows += [
            (f"layer {layer + 1} · norm 1", norm, norm_formula),
            (f"layer {layer + 1} · attention Q, K, V", 3 * C * C, "3·C²"),
            (f"layer {layer + 1} · attention output projection", C * C, "C²"),
            (f"layer {layer + 1} · norm 2", norm, norm_formula),
            (f"layer {layer + 1} · FFN ({config.ffn}, F = {F_})", _ffn_parameters(config.ffn, C, F_), ffn_formula),
        ]
    if config.norm_placement == "pre":
        rows.append(("final norm", norm, norm_formula))
    return pd.DataFrame(rows, columns=["part", "parameters", "formula"])


def n_parameters(config: ModelConfig) -> int:
    """``TinyGPT(config).n_parameters()`` without building the model: the sum of :func:`parameter_counts`.

    Example
    -------
    >>> n_parameters(ModelConfig(vocab_size=10, d_model=8, n_heads=2, n_layers=1))
    936
    """
    return int(parameter_counts(config)["parameters"].sum())


def ffn_size_comparison(d_model: int) -> pd.DataFrame:
    """The SwiGLU 8/3 rule: parameters of one FFN for GELU at 4·C, SwiGLU at 4·C (the trap) and at 8/3·C.

    SwiGLU has three matrices instead of two, so copying d_ff = 4·C costs 12·C² instead of 8·C²
    (+50 %); d_ff = 8/3·C brings it back to ≈ 8·C² (Shazeer 2020; LLaMA rounds up to a multiple).
    """
    if d_model < 1:
        raise ValueError(f"d_model must be at least 1, got {d_model}.")
    gelu = _ffn_parameters("gelu", d_model, 4 * d_model)
    rows = [
        ("GELU, d_ff = 4·C", 4 * d_model, gelu),
        ("SwiGLU, d_ff = 4·C (copied: the trap)", 4 * d_model, _ffn_parameters("swiglu", d_model, 4 * d_model)),
        ("SwiGLU, d_ff = 8/3·C (the rule)", swiglu_hidden_size(d_model), 0),
    ]
    rows[2] = (rows[2][0], rows[2][1], _ffn_parameters("swiglu", d_model, rows[2][1]))
    frame = pd.DataFrame(rows, columns=["choice", "d_ff", "parameters"])
    return frame.assign(**{"vs GELU 4·C": frame["parameters"] / gelu})


def shape_trace(config: ModelConfig, T: int, batch: int = 1) -> pd.DataFrame:
    """Every tensor's shape on the way through the stack, in order, with the parameters spent there.

    Columns: ``layer`` (0 outside the blocks), ``step``, ``tensor`` (what it holds), ``shape``
    (a tuple), ``dims`` (the shape in letters, e.g. ``B×H×T×D``), ``module`` (the submodule of
    :class:`TinyGPT` whose output this is, or ``""`` for intermediate tensors) and
    ``parameters`` (of that step). The shapes are those a forward pass produces (tested with hooks).
    """
    if T < 1 or batch < 1:
        raise ValueError(f"T and batch must be at least 1, got T={T}, batch={batch}.")
    if config.max_seq_len < T:
        raise ValueError(f"T must be at most max_seq_len = {config.max_seq_len}, got {T}.")
    B, C, H, D, V, F_ = (
        batch,
        config.d_model,
        config.n_heads,
        config.head_size,
        config.vocab_size,
        ffn_hidden_size(config),
    )
    norm = _norm_parameters(config)
    rows: list[tuple] = [
        (0, "input", "token ids", (B, T), "B×T", "", 0),
        (0, "embedding", "token vectors x", (B, T, C), "B×T×C", "embed", V * C),
    ]
    if config.positional == "learned":
        rows.append((0, "positions", "x + learned P[t]", (B, T, C), "B×T×C", "", config.max_seq_len * C))
    elif config.positional == "sinusoidal":
        rows.append((0, "positions", "x + sinusoidal PE[t]", (B, T, C), "B×T×C", "", 0))
    pre = config.norm_placement == "pre"
    for i in range(1, config.n_layers + 1):
        p = f"blocks.{i - 1}"
        layer = []
        if pre:
            layer.append(("norm 1", "Norm(x)", (B, T, C), "B×T×C", f"{p}.norm1", norm))
        layer += [
            ("attention", "Q, K, V together (x W_qkv)", (B, T, 3 * C), "B×T×3C", f"{p}.attn.qkv", 3 * C * C),
            ("attention", "Q, K, V split into heads", (B, H, T, D), "B×H×T×D", "", 0),
        ]
        if config.positional == "rope":
            layer.append(("attention", "RoPE-rotated Q and K", (B, H, T, D), "B×H×T×D", "", 0))
        if config.attention == "softmax":
            layer += [
                ("attention", "scores Q Kᵀ/√D (+ mask)", (B, H, T, T), "B×H×T×T", "", 0),
                ("attention", "weights softmax(scores)", (B, H, T, T), "B×H×T×T", "", 0),
            ]
        elif config.causal:
            layer.append(("attention", "running sums Σ φ(k) vᵀ", (B, H, T, D, D), "B×H×T×D×D", "", 0))
        else:
            layer.append(("attention", "sum Σ φ(k) vᵀ", (B, H, D, D), "B×H×D×D", "", 0))
        layer += [
            ("attention", "per-head outputs", (B, H, T, D), "B×H×T×D", "", 0),
            ("attention", "heads concatenated", (B, T, C), "B×T×C", "", 0),
            ("attention", "output projection", (B, T, C), "B×T×C", f"{p}.attn.proj", C * C),
            ("residual", "x + Attn(…)", (B, T, C), "B×T×C", "", 0),
        ]
        if not pre:
            layer.append(("norm 1", "Norm(x + Attn(x))", (B, T, C), "B×T×C", f"{p}.norm1", norm))
        else:
            layer.append(("norm 2", "Norm(x)", (B, T, C), "B×T×C", f"{p}.norm2", norm))
        if config.ffn == "swiglu":
            layer += [
                ("FFN", "gate x W₁ (then SiLU)", (B, T, F_), "B×T×F", f"{p}.ffn.gate", C * F_),
                ("FFN", "up x W₃", (B, T, F_), "B×T×F", f"{p}.ffn.up", C * F_),
                ("FFN", "down (gate ⊙ up) W₂", (B, T, C), "B×T×C", f"{p}.ffn.down", F_ * C),
            ]
        else:
            layer += [
                ("FFN", "up x W₁ + b₁ (then GELU)", (B, T, F_), "B×T×F", f"{p}.ffn.up", C * F_ + F_),
                ("FFN", "down W₂ + b₂", (B, T, C), "B×T×C", f"{p}.ffn.down", F_ * C + C),
            ]
        if pre:
            layer.append(("residual", "x + FFN(…) (block output)", (B, T, C), "B×T×C", p, 0))
        else:
            layer += [
                ("residual", "x + FFN(x)", (B, T, C), "B×T×C", "", 0),
                ("norm 2", "Norm(x + FFN(x)) (block output)", (B, T, C), "B×T×C", f"{p}.norm2", norm),
            ]
        rows += [(i, *row) for row in layer]
    if pre:
        rows.append((0, "final norm", "Norm(x)", (B, T, C), "B×T×C", "final_norm", norm))
    rows.append((0, "output", "logits x Eᵀ (tied)", (B, T, V), "B×T×V", "lm_head", 0))
    return pd.DataFrame(rows, columns=["layer", "step", "tensor", "shape", "dims", "module", "parameters"])


# ---------------------------------------------------------------------------
# Attention maps
# ---------------------------------------------------------------------------


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
    >>> from lib.transformer import CharTokenizer
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


# ---------------------------------------------------------------------------
# Positions
# ---------------------------------------------------------------------------


def rope_score_matrix(
    d_k: int, T: int, base: float = 10000.0, q: torch.Tensor | None = None, k: torch.Tensor | None = None, device=None
) -> np.ndarray:
    """S[m, n] = ⟨R_m q, R_n k⟩ for the same q at every position m and the same k at every n: (T, T).

    With RoPE the score depends only on m − n, so S is a Toeplitz matrix (constant along each
    diagonal): S[m, n] = Σ_i (q_{2i} k_{2i} + q_{2i+1} k_{2i+1}) cos((m−n)θ_i) + (…) sin((m−n)θ_i).
    q and k default to the all-ones vector of length d_k.
    """
    if d_k < 2 or d_k % 2 or T < 1:
        raise ValueError(f"d_k must be an even number ≥ 2 and T ≥ 1, got d_k={d_k}, T={T}.")
    q = torch.ones(d_k, device=device) if q is None else q.to(device).float()
    k = torch.ones(d_k, device=device) if k is None else k.to(device).float()
    freqs = rope_frequencies(d_k, T, base, device=device)
    rq = apply_rope(q.expand(T, d_k), freqs)  # (T, d_k): q at positions 0..T-1
    rk = apply_rope(k.expand(T, d_k), freqs)
    return (rq @ rk.T).cpu().numpy()


def rope_relative_scores(d_k: int, max_distance: int, base: float = 10000.0) -> pd.DataFrame:
    """⟨R_m 1, R_n 1⟩ as a function of the distance m − n = 0 … max_distance: Σ_i 2 cos(Δ·θ_i)."""
    if d_k < 2 or d_k % 2 or max_distance < 0:
        raise ValueError(f"d_k must be an even number ≥ 2 and max_distance ≥ 0, got {d_k}, {max_distance}.")
    theta = base ** (-np.arange(0, d_k, 2) / d_k)
    distance = np.arange(max_distance + 1)
    return pd.DataFrame({"distance": distance, "score": 2 * np.cos(np.outer(distance, theta)).sum(axis=1)})


def rope_wavelengths(d_k: int, train_length: int, base: float = 10000.0) -> pd.DataFrame:
    """Wavelength 2π/θ_i of every RoPE pair and whether training at ``train_length`` saw a full turn of it.

    Pairs whose wavelength exceeds the training length only ever rotated through part of a
    circle during training; past that length they reach angles the model never saw — the reason
    RoPE models are stretched with position interpolation / NTK / YaRN to go longer.
    """
    if d_k < 2 or d_k % 2 or train_length < 1:
        raise ValueError(f"d_k must be an even number ≥ 2 and train_length ≥ 1, got {d_k}, {train_length}.")
    theta = base ** (-np.arange(0, d_k, 2) / d_k)
    wavelength = 2 * np.pi / theta
    max_angle = (train_length - 1) * theta
    return pd.DataFrame(
        {
            "pair": np.arange(d_k // 2),
            "theta": theta,
            "wavelength": wavelength,
            "largest angle in training (turns)": max_angle / (2 * np.pi),
            "full turn seen in training": wavelength <= train_length - 1,
        }
    )


def position_tables(d_model: int, T: int, d_k: int, seed: int = 0) -> dict[str, np.ndarray]:
    """Side by side: the sinusoidal table (T, C), a learned table at initialisation (T, C, N(0, 0.02²))
    and RoPE's cos(t·θ_i) (T, d_k/2) — what each scheme adds or applies at position t."""
    generator = torch.Generator().manual_seed(int(seed))
    learned = torch.randn(T, d_model, generator=generator) * 0.02
    return {
        "sinusoidal": sinusoidal_encoding(T, d_model).numpy(),
        "learned": learned.numpy(),
        "rope": rope_frequencies(d_k, T)[..., 0].numpy(),
    }


# ---------------------------------------------------------------------------
# Norms and depth
# ---------------------------------------------------------------------------


def norm_outputs(x: torch.Tensor) -> pd.DataFrame:
    """LayerNorm vs RMSNorm (γ = 1, β = 0) of the rows of ``x`` (T, C): mean, std and RMS of each output.

    LayerNorm centres and scales (mean 0, std 1); RMSNorm only scales (RMS 1, the mean is kept).
    """
    x = x.detach().float()
    gamma, beta = torch.ones(x.size(-1), device=x.device), torch.zeros(x.size(-1), device=x.device)
    rows = []
    for name, out in (("input", x), ("LayerNorm", layer_norm(x, gamma, beta)), ("RMSNorm", rms_norm(x, gamma))):
        out = out.cpu()
        rows.append(
            pd.DataFrame(
                {
                    "position": np.arange(out.size(0)),
                    "output of": name,
                    "mean": out.mean(-1).numpy(),
                    "std": out.std(-1, unbiased=False).numpy(),
                    "rms": out.pow(2).mean(-1).sqrt().numpy(),
                }
            )
        )
    return pd.concat(rows, ignore_index=True)


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


def depth_profile(
    depths: Sequence[int],
    *,
    d_model: int = 64,
    n_heads: int = 4,
    T: int = 32,
    vocab_size: int = 64,
    norm: str = "layer",
    seed: int = 0,
    device=None,
) -> pd.DataFrame:
    """Residual-stream norm and per-layer gradient norm at initialisation, pre- vs post-norm, per depth.

    For every depth L and placement, a fresh TinyGPT (seeded) runs a batch of 4 random
    sequences; the next-token cross-entropy is back-propagated once. Per layer l it records the
    mean ‖x‖ of the residual stream after block l and ‖∂loss/∂θ_l‖ over block l's parameters.
    Xiong et al. (2020): at initialisation post-norm's gradients are largest near the output
    and grow with depth there, while pre-norm's stay flat across layers (and shrink like 1/√L),
    which is why post-norm needs a learning-rate warm-up.
    """
    device = torch.device(device or "cpu")
    rows = []
    for L in depths:
        for placement in ("pre", "post"):
            torch.manual_seed(int(seed))
            config = ModelConfig(
                vocab_size=vocab_size, d_model=d_model, n_heads=n_heads, n_layers=int(L), max_seq_len=T,
                norm=norm, norm_placement=placement, positional="rope",
            )  # fmt: skip
            model = TinyGPT(config).to(device)
            generator = torch.Generator().manual_seed(int(seed))
            ids = torch.randint(0, vocab_size, (4, T + 1), generator=generator).to(device)
            norms: list[float] = []
            hooks = [
                block.register_forward_hook(
                    lambda _m, _a, out, norms=norms: norms.append(float(out.detach().norm(dim=-1).mean()))
                )
                for block in model.blocks
            ]
            logits = model(ids[:, :-1])
            for hook in hooks:
                hook.remove()
            loss = F.cross_entropy(logits.reshape(-1, vocab_size), ids[:, 1:].reshape(-1))
            loss.backward()
            for layer, block in enumerate(model.blocks, start=1):
                grad = torch.sqrt(sum(p.grad.pow(2).sum() for p in block.parameters()))
                rows.append(
                    {
                        "depth": int(L),
                        "placement": f"{placement}-norm",
                        "layer": layer,
                        "residual norm": norms[layer - 1],
                        "gradient norm": float(grad),
                    }
                )
    return pd.DataFrame(rows)


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


# ---------------------------------------------------------------------------
# Cost
# ---------------------------------------------------------------------------


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


@dataclass(frozen=True)
class KVCacheSize:
    """KV-cache size of one attention variant: values per token per layer, and bytes in all."""

    variant: str
    values_per_token_per_layer: float
    total_bytes: float


def kv_cache_sizes(
    *,
    n_layers: int,
    n_heads: int,
    d_head: int,
    n_kv_groups: int,
    d_latent: int,
    d_rope: int,
    seq_len: int,
    batch: int = 1,
    bytes_per_value: float = 2.0,
) -> list[KVCacheSize]:
    """KV-cache memory for MHA, GQA, MQA and MLA (DeepSeek-V2, Table 1).

    Values cached per token per layer (n_h heads of size d_h, n_g key/value groups, MLA's
    compressed latent d_c and decoupled RoPE key d_h^R):

    - MHA: 2·n_h·d_h (a key and a value per head)
    - GQA: 2·n_g·d_h (heads share keys/values within a group)
    - MQA: 2·d_h (one key/value head for all)
    - MLA: d_c + d_h^R (one latent vector, up-projected to keys/values on the fly, plus a shared RoPE key)

    Total bytes = values × n_layers × seq_len × batch × bytes_per_value.

    DeepSeek-V2 (60 layers, n_h = 128, d_h = 128, d_c = 512, d_h^R = 64) caches 576 values per
    token per layer against MHA's 32,768 (−98.2 %). Its reported −93.3 % is against DeepSeek 67B
    (95 layers, GQA with 8 groups, d_h = 128, 16-bit) with MLA's cache quantised to 6 bits
    (0.75 bytes) per value: 576·60·0.75 / (2·8·128·95·2) = 0.0666.

    Example
    -------
    >>> [s.values_per_token_per_layer for s in kv_cache_sizes(n_layers=1, n_heads=4, d_head=8,
    ...     n_kv_groups=2, d_latent=16, d_rope=4, seq_len=1)]
    [64, 32, 16, 20]
    """
    for name, value in (("n_layers", n_layers), ("n_heads", n_heads), ("d_head", d_head), ("seq_len", seq_len),
                        ("batch", batch), ("n_kv_groups", n_kv_groups), ("d_latent", d_latent)):  # fmt: skip
        if int(value) < 1:
            raise ValueError(f"{name} must be at least 1, got {value}.")
    if d_rope < 0 or bytes_per_value <= 0:
        raise ValueError(f"d_rope must be ≥ 0 and bytes_per_value > 0, got {d_rope}, {bytes_per_value}.")
    if n_kv_groups > n_heads or n_heads % n_kv_groups:
        raise ValueError(f"n_kv_groups must divide n_heads ({n_heads}), got {n_kv_groups}.")
    per_layer = {
        "MHA": 2 * n_heads * d_head,
        "GQA": 2 * n_kv_groups * d_head,
        "MQA": 2 * d_head,
        "MLA": d_latent + d_rope,
    }
    scale = n_layers * seq_len * batch * bytes_per_value
    return [KVCacheSize(name, values, values * scale) for name, values in per_layer.items()]


def kv_cache_table(**kwargs) -> pd.DataFrame:
    """:func:`kv_cache_sizes` as a table with MiB and the change against MHA."""
    sizes = kv_cache_sizes(**kwargs)
    mha = sizes[0].total_bytes
    return pd.DataFrame(
        {
            "variant": [s.variant for s in sizes],
            "values per token per layer": [s.values_per_token_per_layer for s in sizes],
            "MiB": [s.total_bytes / 2**20 for s in sizes],
            "vs MHA": [s.total_bytes / mha - 1 for s in sizes],
        }
    )


__all__ = [
    "AttentionMaps",
    "KVCacheSize",
    "NextCharacter",
    "PooledMatrix",
    "attention_maps",
    "attention_timings",
    "crossover_length",
    "decoding_speed",
    "depth_profile",
    "ffn_hidden_size",
    "ffn_size_comparison",
    "kv_cache_sizes",
    "kv_cache_table",
    "n_parameters",
    "next_character",
    "norm_outputs",
    "parameter_counts",
    "pool_matrix",
    "position_tables",
    "rope_relative_scores",
    "rope_score_matrix",
    "rope_wavelengths",
    "shape_trace",
    "time_norms",
    "torch_threads",
]
