"""Positions: the sinusoidal encoding of "Attention is all you need" and rotary embeddings (RoPE)."""

from __future__ import annotations

import torch


def sinusoidal_encoding(T: int, d: int, device: str | torch.device | None = None) -> torch.Tensor:
    """PE[t, 2i] = sin(t / 10000^(2i/d)), PE[t, 2i+1] = cos(t / 10000^(2i/d)); shape (T, d).

    Example
    -------
    >>> sinusoidal_encoding(2, 4)[1, :2]
    tensor([0.8415, 0.5403])
    """
    if d % 2:
        raise ValueError(f"d must be even for the sinusoidal encoding, got {d}.")
    t = torch.arange(T, dtype=torch.float32, device=device).unsqueeze(1)  # (T, 1)
    inv_freq = 10000.0 ** (-torch.arange(0, d, 2, dtype=torch.float32, device=device) / d)  # (d/2,)
    pe = torch.empty(T, d, device=device)
    pe[:, 0::2] = torch.sin(t * inv_freq)
    pe[:, 1::2] = torch.cos(t * inv_freq)
    return pe


def rope_frequencies(
    d_k: int,
    T: int,
    base: float = 10000.0,
    device: str | torch.device | None = None,
    dtype: torch.dtype = torch.float32,
) -> torch.Tensor:
    """cos and sin of the RoPE angles t·θ_i, θ_i = base^(−2i/d_k): shape (T, d_k/2, 2).

    Real cos/sin rather than complex numbers so it runs on every device (mps has no complex).
    The angles are computed in float64 and rounded once, so far positions stay accurate.
    """
    if d_k % 2:
        raise ValueError(f"RoPE rotates pairs of features, so d_k must be even, got {d_k}.")
    theta = base ** (-torch.arange(0, d_k, 2, dtype=torch.float64) / d_k)  # (d_k/2,)
    angles = torch.arange(T, dtype=torch.float64).unsqueeze(1) * theta  # (T, d_k/2)
    return torch.stack([angles.cos(), angles.sin()], dim=-1).to(device=device, dtype=dtype)


def apply_rope(x: torch.Tensor, freqs: torch.Tensor) -> torch.Tensor:
    """Rotate each pair (x_{2i}, x_{2i+1}) of position t by the angle t·θ_i.

    x : (..., T, d_k); freqs : (T, d_k/2, 2) from :func:`rope_frequencies` (slice it to the
    positions of x). Rotations preserve norms, and ⟨R_m q, R_n k⟩ depends only on m − n:
    the score between two tokens sees their relative position.
    """
    dtype = torch.float64 if x.dtype == torch.float64 else torch.float32  # half precision rotates in float32
    pairs = x.to(dtype).reshape(*x.shape[:-1], -1, 2)  # (..., T, d_k/2, 2)
    cos, sin = freqs[..., 0].to(dtype), freqs[..., 1].to(dtype)  # (T, d_k/2)
    x0, x1 = pairs[..., 0], pairs[..., 1]
    rotated = torch.stack([x0 * cos - x1 * sin, x0 * sin + x1 * cos], dim=-1)
    return rotated.flatten(-2).type_as(x)
