"""The logit lens: what the model would predict if it stopped after each block.

nostalgebraist (2020): the residual stream after block l, passed through the final norm and the
output head, reads as a next-token distribution; watching the top-1 guess settle layer by layer
shows where in the stack the prediction is made. Row 0 reads the embeddings (with any additive
positions) before the first block; row L is the model's own output.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import torch
import torch.nn.functional as F

from lib.transformer.model import TinyGPT


def check_ids(model: TinyGPT, ids: torch.Tensor) -> None:
    """Raise ValueError unless ``ids`` is (1, T) with 1 ≤ T ≤ max_seq_len and every id in the vocabulary."""
    if ids.dim() != 2 or ids.size(0) != 1 or ids.size(1) < 1:
        raise ValueError(f"ids must have shape (1, T) with T ≥ 1, got {tuple(ids.shape)}.")
    if ids.size(1) > model.config.max_seq_len:
        raise ValueError(f"ids must have at most max_seq_len = {model.config.max_seq_len} tokens, got {ids.size(1)}.")
    if int(ids.min()) < 0 or int(ids.max()) >= model.config.vocab_size:
        raise ValueError(f"ids must lie in 0 … {model.config.vocab_size - 1} (the vocabulary).")


@torch.no_grad()
def residual_stream(model: TinyGPT, ids: torch.Tensor) -> torch.Tensor:
    """The residual stream before the first block and after each: (1, T) -> (L + 1, T, C).

    Row 0 is the token embedding plus the additive positions (learned or sinusoidal; RoPE rotates
    queries and keys inside attention instead), row l the output of block l.
    """
    check_ids(model, ids)
    model.eval()
    captured: list[torch.Tensor] = []
    hooks = [block.register_forward_pre_hook(lambda _m, args: captured.append(args[0][0])) for block in model.blocks]
    hooks.append(model.blocks[-1].register_forward_hook(lambda _m, _a, out: captured.append(out[0])))
    try:
        model(ids)
    finally:
        for hook in hooks:
            hook.remove()
    return torch.stack(captured)  # (L + 1, T, C)


@torch.no_grad()
def logit_lens(model: TinyGPT, ids: torch.Tensor) -> torch.Tensor:
    """Logits read out after every block: ids (1, T) -> (L + 1, T, V).

    ``lens[l] = lm_head(final_norm(x_l))`` with x_l the residual stream after l blocks (x_0 the
    embeddings), so ``lens[L]`` is the model's logits ``model(ids)[0]``. Post-norm stacks have no
    final norm (each block already ends with one): their rows read x_l through the head alone.

    Example
    -------
    >>> from lib.transformer import ModelConfig, TinyGPT
    >>> _ = torch.manual_seed(0)
    >>> model = TinyGPT(ModelConfig(vocab_size=5, d_model=8, n_heads=2, n_layers=3)).eval()
    >>> ids = torch.tensor([[0, 3, 1, 4]])
    >>> lens = logit_lens(model, ids)
    >>> tuple(lens.shape), torch.allclose(lens[-1], model(ids)[0], atol=1e-6)
    ((4, 4, 5), True)
    """
    return model.lm_head(model.final_norm(residual_stream(model, ids)))


def lens_table(model: TinyGPT, ids: Sequence[int], vocabulary: str) -> pd.DataFrame:
    """The logit lens's top-1 guess for every (layer, position), one row each, layer by layer.

    Columns: ``layer`` (0 = the embeddings, L = the output), ``position``, ``character`` (the
    input there), ``guess`` (the most probable next character under softmax(lens[layer, position]))
    and its ``probability``, ``next`` (the character that does follow, "" at the last position) and
    ``p(next)``, the probability that layer gives it (NaN at the last position).

    Example
    -------
    >>> from lib.transformer import CharTokenizer, ModelConfig, TinyGPT
    >>> tok = CharTokenizer.from_text("abc")
    >>> model = TinyGPT(ModelConfig(vocab_size=3, d_model=8, n_heads=2, n_layers=2))
    >>> table = lens_table(model, tok.encode("abca"), tok.vocabulary)
    >>> len(table), sorted(table.layer.unique().tolist())
    (12, [0, 1, 2])
    """
    if len(vocabulary) != model.config.vocab_size:
        raise ValueError(f"vocabulary must have {model.config.vocab_size} characters, got {len(vocabulary)}.")
    tensor = torch.tensor([list(ids)], device=model.device)  # (1, T)
    probs = F.softmax(logit_lens(model, tensor).float(), dim=-1).cpu().numpy()  # (L + 1, T, V)
    n_rows, T, _ = probs.shape
    best = probs.argmax(-1)  # (L + 1, T)
    following = np.asarray([*list(ids)[1:], 0])  # the id after each position (a placeholder at the end)
    p_next = np.take_along_axis(probs, np.broadcast_to(following, (n_rows, T))[..., None], -1)[..., 0]
    p_next[:, -1] = np.nan
    characters = [vocabulary[i] for i in ids]
    return pd.DataFrame(
        {
            "layer": np.repeat(np.arange(n_rows), T),
            "position": np.tile(np.arange(T), n_rows),
            "character": characters * n_rows,
            "guess": [vocabulary[i] for i in best.ravel()],
            "probability": probs.max(-1).ravel().astype(float),
            "next": [*characters[1:], ""] * n_rows,
            "p(next)": p_next.ravel().astype(float),
        }
    )


__all__ = ["check_ids", "lens_table", "logit_lens", "residual_stream"]
