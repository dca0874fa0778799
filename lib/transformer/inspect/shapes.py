"""Parameter counts of every part of TinyGPT, and the shape of every tensor on the way through."""

from __future__ import annotations

import pandas as pd

from lib.transformer.ffn import swiglu_hidden_size
from lib.transformer.model import ModelConfig


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
