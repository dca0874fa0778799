"""Low precision as DeepSeek-V3 trains in it: FP8 (e4m3, e5m2) with per-tensor or per-tile scales.

quantize(x) = dequant(round_fmt(x / s)) · s, where the scale s maps a block's largest |x| to the
format's largest finite value (448 for e4m3, 57344 for e5m2). One scale for the tensor lets one
outlier push every other value into the format's coarse low range or below its smallest subnormal;
one scale per 1 × tile block of the last dimension (DeepSeek-V3 uses 1 × 128) confines the damage to
the outlier's own tile. fp16 and bf16 are cast without a scale.
"""

from __future__ import annotations

import torch

from lib.validation import one_of, whole
from lib.weights import map_linear_weights

FORMATS = ("e4m3", "e5m2", "fp16", "bf16")
SCALINGS = ("tensor", "tile")
DTYPES = {
    "e4m3": torch.float8_e4m3fn,
    "e5m2": torch.float8_e5m2,
    "fp16": torch.float16,
    "bf16": torch.bfloat16,
}
MAX_FINITE = {name: float(torch.finfo(dtype).max) for name, dtype in DTYPES.items()}  # e4m3 448, e5m2 57344


def quantize(x: torch.Tensor, fmt: str = "e4m3", scaling: str = "tensor", tile: int = 128) -> torch.Tensor:
    """``x`` rounded to ``fmt`` and back, as float32 (same shape).

    Parameters
    ----------
    fmt : "e4m3" | "e5m2" (scaled FP8) or "fp16" | "bf16" (cast unscaled).
    scaling : "tensor" (one scale) or "tile" (one scale per 1 × ``tile`` block of the last dimension,
        which ``tile`` must divide).

    Example
    -------
    >>> quantize(torch.tensor([448.0, 1.0, 0.3])).tolist()  # the scale is 1: 0.3 rounds to e4m3's 0.3125
    [448.0, 1.0, 0.3125]
    """
    fmt, scaling = one_of("fmt", fmt, FORMATS), one_of("scaling", scaling, SCALINGS)
    x = torch.as_tensor(x).float()
    if not torch.isfinite(x).all():
        raise ValueError("x must hold finite numbers only.")
    if fmt in ("fp16", "bf16"):
        return x.to(DTYPES[fmt]).float()
    if scaling == "tile":
        tile = whole("tile", tile, 1)
        if x.dim() == 0 or x.size(-1) % tile:
            raise ValueError(f"tile must divide the last dimension ({x.size(-1) if x.dim() else 0}), got {tile}.")
        blocks = x.reshape(*x.shape[:-1], x.size(-1) // tile, tile)  # (..., n_tiles, tile)
        return _scaled_round(blocks, fmt, blocks.abs().amax(-1, keepdim=True)).reshape(x.shape)
    return _scaled_round(x, fmt, x.abs().amax())


def _scaled_round(x: torch.Tensor, fmt: str, amax: torch.Tensor) -> torch.Tensor:
    scale = torch.where(amax > 0, amax / MAX_FINITE[fmt], torch.ones_like(amax))  # an all-zero block keeps scale 1
    return (x / scale).clamp(-MAX_FINITE[fmt], MAX_FINITE[fmt]).to(DTYPES[fmt]).float() * scale


def quantized_matmul(
    a: torch.Tensor, b: torch.Tensor, fmt: str = "e4m3", scaling: str = "tensor", tile: int = 128
) -> torch.Tensor:
    """a (M, K) @ b (K, N) with both operands quantised by :func:`quantize`, accumulated in float32.

    Tiles run along the inner dimension K for both (a's rows, b's columns), as in DeepSeek-V3's GEMMs.

    Example
    -------
    >>> a, b = torch.eye(2) * 448, torch.ones(2, 2)
    >>> quantized_matmul(a, b)
    tensor([[448., 448.],
            [448., 448.]])
    """
    a, b = torch.as_tensor(a).float(), torch.as_tensor(b).float()
    if a.dim() != 2 or b.dim() != 2 or a.size(1) != b.size(0):
        raise ValueError(f"a and b must be matrices (M, K) and (K, N), got {tuple(a.shape)} and {tuple(b.shape)}.")
    qa = quantize(a, fmt, scaling, tile)
    qb = quantize(b.T, fmt, scaling, tile).T
    return qa @ qb  # float32 accumulation


def quantize_padded(x: torch.Tensor, fmt: str = "e4m3", scaling: str = "tensor", tile: int = 128) -> torch.Tensor:
    """:func:`quantize` of a matrix whose last dimension ``tile`` need not divide: the last tile of a row is
    padded with zeros (which change no block's largest |x|) and cropped again, so it gets its own scale.

    >>> quantize_padded(torch.tensor([[448.0, 1.0, 0.3]]), scaling="tile", tile=2).tolist()
    [[448.0, 1.0, 0.30000001192092896]]
    """
    x = torch.as_tensor(x).float()
    if scaling != "tile" or x.dim() == 0:
        return quantize(x, fmt, scaling, tile)
    tile = whole("tile", tile, 1)
    padding = -x.size(-1) % tile
    padded = torch.nn.functional.pad(x, (0, padding))
    return quantize(padded, fmt, scaling, tile)[..., : x.size(-1)]


def quantize_weights(
    model: torch.nn.Module, fmt: str = "e4m3", scaling: str = "tensor", tile: int = 128
) -> torch.nn.Module:
    """A copy of ``model`` with every linear layer's weight (d_out, d_in) quantised and dequantised by
    :func:`quantize_padded`, tiles along d_in, as DeepSeek-V3 stores its GEMM weights. A weight shared with
    an embedding (a tied output layer) is left in float32, as embeddings are kept in higher precision."""
    return map_linear_weights(model, lambda w: quantize_padded(w, fmt, scaling, tile))


__all__ = ["FORMATS", "MAX_FINITE", "SCALINGS", "quantize", "quantize_padded", "quantize_weights", "quantized_matmul"]
