"""Norms and depth: RMSNorm vs LayerNorm outputs, and pre- vs post-norm gradients and residuals as depth grows."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import torch
import torch.nn.functional as F

from lib.transformer.model import ModelConfig, TinyGPT
from lib.transformer.norms import layer_norm, rms_norm


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
