"""Position-wise feed-forward networks: the original GELU MLP and SwiGLU."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn


def swiglu_hidden_size(d_model: int, multiple_of: int = 8) -> int:
    """The SwiGLU hidden size that matches a 4·d_model MLP in parameters: 8/3·d_model, rounded up.

    SwiGLU has three weight matrices instead of two, so keeping 4·d_model would cost 1.5x the
    parameters; 2/3 of 4·d_model = 8/3·d_model keeps the count equal (Shazeer, 2020; LLaMA).
    """
    hidden = int(8 * d_model / 3)
    return multiple_of * ((hidden + multiple_of - 1) // multiple_of)


class GeluFFN(nn.Module):
    """W₂ · GELU(W₁ x + b₁) + b₂, with d_ff = 4·d_model by default."""

    def __init__(self, d_model: int, d_ff: int | None = None) -> None:
        super().__init__()
        d_ff = d_ff or 4 * d_model
        self.up = nn.Linear(d_model, d_ff)
        self.down = nn.Linear(d_ff, d_model)

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (B, T, d_model) -> (B, T, d_model)
        return self.down(F.gelu(self.up(x)))


class SwiGLU(nn.Module):
    """W₂ · (SiLU(W₁ x) ⊙ W₃ x), no biases, with d_ff = 8/3·d_model by default."""

    def __init__(self, d_model: int, d_ff: int | None = None) -> None:
        super().__init__()
        d_ff = d_ff or swiglu_hidden_size(d_model)
        self.gate = nn.Linear(d_model, d_ff, bias=False)  # W₁
        self.up = nn.Linear(d_model, d_ff, bias=False)  # W₃
        self.down = nn.Linear(d_ff, d_model, bias=False)  # W₂

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (B, T, d_model) -> (B, T, d_model)
        return self.down(F.silu(self.gate(x)) * self.up(x))
