"""Positions: RoPE's score matrix and wavelengths, and the sinusoidal, learned and RoPE tables."""

from __future__ import annotations

import numpy as np
import pandas as pd
import torch

from lib.transformer.positional import apply_rope, rope_frequencies, sinusoidal_encoding


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
