"""Head ablation: a copy of the model with chosen heads silenced, and what that does to the loss.

Each attention layer concatenates its H heads' outputs (B, T, H·D) and projects them with
W_O (C × H·D): out = Σ_h W_O[:, h·D:(h+1)·D] · head_h. Zeroing head h's D columns of W_O
removes exactly that head's term: the same as zeroing the head's output before the projection,
for every position, while the other heads and the residual stream are untouched.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd
import torch

from lib.transformer.evaluation import token_log_probs
from lib.transformer.inspect.lens import check_ids
from lib.transformer.model import TinyGPT


def check_heads(model: TinyGPT, heads: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """The (layer, head) pairs, 0-based, sorted and without repeats; ValueError naming any out of range."""
    pairs = sorted({(int(layer), int(head)) for layer, head in heads})
    L, H = model.config.n_layers, model.config.n_heads
    for layer, head in pairs:
        if not (0 <= layer < L and 0 <= head < H):
            raise ValueError(
                f"heads must be (layer, head) pairs with 0 ≤ layer < {L} and 0 ≤ head < {H}, got ({layer}, {head})."
            )
    return pairs


@torch.no_grad()
def ablate_heads(model: TinyGPT, heads: Iterable[tuple[int, int]]) -> TinyGPT:
    """A copy of ``model`` whose (layer, head) pairs (0-based) contribute nothing to attention's output.

    Head h of layer l is silenced by zeroing columns h·D … (h + 1)·D − 1 of that layer's output
    projection W_O, which is the same as zeroing the head's output before the projection (the
    projection has no bias). ``model`` itself is left as it was.

    Example
    -------
    >>> from lib.transformer import ModelConfig, TinyGPT
    >>> model = TinyGPT(ModelConfig(vocab_size=5, d_model=8, n_heads=2, n_layers=1))
    >>> ablated = ablate_heads(model, [(0, 1)])
    >>> silenced = ablated.blocks[0].attn.proj.weight[:, 4:]  # head 1's D = 4 columns of W_O
    >>> silenced.abs().sum().item(), bool(model.blocks[0].attn.proj.weight[:, 4:].any())
    (0.0, True)
    """
    pairs = check_heads(model, heads)
    copied = copy.deepcopy(model)  # the tied embedding and output head stay tied in the copy
    D = model.config.head_size
    for layer, head in pairs:
        copied.blocks[layer].attn.proj.weight[:, head * D : (head + 1) * D] = 0.0
    return copied


@torch.no_grad()
def position_losses(model: TinyGPT, ids: torch.Tensor) -> np.ndarray:
    """−log p(c_t | c_<t) for t = 1 … T − 1, in nats: ids (1, T) -> (T − 1,)."""
    check_ids(model, ids)
    if ids.size(1) < 2:
        raise ValueError("The text needs at least two characters for a loss: one to read, one to predict.")
    if not model.config.causal:
        raise ValueError("The loss needs the causal mask: without it each position sees the character it predicts.")
    return -token_log_probs(model, ids)[0].double().cpu().numpy()


def ablation_losses(
    model: TinyGPT, ids: Sequence[int], heads: Iterable[tuple[int, int]], vocabulary: str
) -> pd.DataFrame:
    """Per-character loss of ``model`` on ``ids`` with and without the ``heads`` (0-based), one row each.

    Columns: ``position`` t (1 … T − 1), ``character`` (c_t, the one predicted), ``loss`` and
    ``ablated loss`` (−log p(c_t | c_<t), nats) and ``difference`` (ablated − full: > 0 where the
    heads helped). Means of the loss columns are the text losses.

    Example
    -------
    >>> from lib.transformer import CharTokenizer, ModelConfig, TinyGPT
    >>> tok = CharTokenizer.from_text("abc")
    >>> model = TinyGPT(ModelConfig(vocab_size=3, d_model=8, n_heads=2, n_layers=1))
    >>> float(ablation_losses(model, tok.encode("abcab"), [], tok.vocabulary)["difference"].abs().max())
    0.0
    """
    if len(vocabulary) != model.config.vocab_size:
        raise ValueError(f"vocabulary must have {model.config.vocab_size} characters, got {len(vocabulary)}.")
    tensor = torch.tensor([list(ids)], device=model.device)  # (1, T)
    full = position_losses(model, tensor)
    ablated = position_losses(ablate_heads(model, heads), tensor)
    return pd.DataFrame(
        {
            "position": np.arange(1, len(ids)),
            "character": [vocabulary[i] for i in list(ids)[1:]],
            "loss": full,
            "ablated loss": ablated,
            "difference": ablated - full,
        }
    )


__all__ = ["ablate_heads", "ablation_losses", "check_heads", "position_losses"]
