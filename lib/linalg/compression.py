"""A trained model with every weight matrix cut to rank r: what the best rank-r approximation costs in loss.

LoRA's premise read the other way: if a layer's weight W (d_out, d_in) is close to low rank, keeping its
top r singular directions, W ≈ U_r Σ_r V_rᵀ (Eckart–Young: the best rank-r matrix in Frobenius norm), needs
r (d_out + d_in) numbers instead of d_out · d_in. Whether that is close enough is measured, not assumed:
the validation loss of the model with every linear layer cut to rank r, on the same validation windows.
The token embedding (tied to the output layer) is kept whole: it is a lookup table, not a map.

Example
-------
>>> import torch
>>> from lib.transformer import ModelConfig, TinyGPT
>>> _ = torch.manual_seed(0)
>>> model = TinyGPT(ModelConfig(vocab_size=5, d_model=8, n_heads=2, n_layers=1, max_seq_len=8))
>>> cut = low_rank_model(model, 2)
>>> int(torch.linalg.matrix_rank(cut.blocks[0].attn.proj.weight))
2
>>> factored_parameters(model, 2) < factored_parameters(model, 8)
True
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import torch

from lib.transformer.evaluation import evaluate
from lib.transformer.model import TinyGPT
from lib.validation import whole
from lib.weights import linear_layers, map_linear_weights


def low_rank_model(model: TinyGPT, rank: int) -> TinyGPT:
    """A copy of ``model`` whose every linear weight W (d_out, d_in) is its best rank-``rank`` approximation
    U_r Σ_r V_rᵀ (truncated SVD); a layer with min(d_out, d_in) ≤ rank stays as it is."""
    whole("rank", rank, 1)
    return map_linear_weights(model, lambda W: _best_rank(W, rank))


def _best_rank(W: torch.Tensor, rank: int) -> torch.Tensor:
    if rank >= min(W.shape):
        return W
    U, S, Vh = torch.linalg.svd(W, full_matrices=False)
    return (U[:, :rank] * S[:rank]) @ Vh[:rank]


def factored_parameters(model: TinyGPT, rank: int) -> int:
    """Numbers the cut layers need as rank-``rank`` factors: Σ min(r (d_out + d_in), d_out · d_in)."""
    whole("rank", rank, 1)
    total = 0
    for layer in linear_layers(model):
        d_out, d_in = layer.weight.shape
        total += min(rank * (d_out + d_in), d_out * d_in)
    return total


def low_rank_losses(
    model: TinyGPT,
    token_ids: Sequence[int] | torch.Tensor,
    ranks: Sequence[int],
    *,
    batches: int = 4,
    batch_size: int = 32,
    seed: int = 0,
) -> pd.DataFrame:
    """Validation loss (nats/token) of ``model`` with every linear layer cut to each rank in ``ranks``,
    on the same random windows of ``token_ids`` (``seed``), beside the parameters the factors need.

    Columns: rank, val_loss, factored_parameters, dense_parameters (the cut layers' d_out · d_in summed),
    full_val_loss (the model itself, the same windows).
    """
    full = evaluate(model, token_ids, batches=batches, batch_size=batch_size, seed=seed)
    dense = sum(layer.weight.numel() for layer in linear_layers(model))
    rows = [
        {
            "rank": r,
            "val_loss": evaluate(
                low_rank_model(model, r), token_ids, batches=batches, batch_size=batch_size, seed=seed
            ),
            "factored_parameters": factored_parameters(model, r),
            "dense_parameters": dense,
            "full_val_loss": full,
        }
        for r in sorted(set(ranks))
    ]
    return pd.DataFrame(rows)
