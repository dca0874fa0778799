"""Tab · All heads: every head of every layer at once, small multiples of their attention weights."""

import math

import numpy as np
import pandas as pd
import streamlit as st

from lib.transformer import inspect as ti
from lib.viz.transformer import block_labels, head_grid
from pages._common import bound, cached, lib_call, prose
from pages.transformer.charts import exported
from pages.transformer.model import ModelCode, inspect_text
from runtime.worker import ModelSource

GRID_CELLS = 64 * 64 * 16  # the grid draws at most this many cells: 16 maps of 64 × 64 (4 layers × 4 heads)
ALL_HEADS = """
import numpy as np

weights = ti.stacked_weights(ti.attention_maps(model, ids))  # (layers, heads, T, T): every map at once
print(weights.shape, weights.sum(-1).min().round(4), weights.sum(-1).max().round(4))  # every row sums to 1
entropy = -(weights * np.log(np.where(weights > 0, weights, 1))).sum(-1).mean(-1)  # (layers, heads), nats
print(entropy.round(2))
"""


def grid_side(n_maps: int) -> int:
    """The most positions per side each map may keep so all ``n_maps`` fit in GRID_CELLS (8 … 64)."""
    return max(8, min(64, math.isqrt(GRID_CELLS // n_maps)))


def pooled_grid(weights: np.ndarray, tokens: str) -> tuple[np.ndarray, list[str], ti.PooledMatrix]:
    """Each (layer, head) map of ``weights`` (L, H, T, T) pooled (max) to fit the grid, its labels and pooling."""
    L, H = weights.shape[:2]
    side = grid_side(L * H)
    maps = [[ti.pool_matrix(weights[layer, head], side, "max") for head in range(H)] for layer in range(L)]
    first = maps[0][0]
    stacked = np.stack([[m.values for m in row] for row in maps])  # (L, H, R, R)
    return stacked, block_labels(first.row_edges, "", list(tokens)), first


grid_cells = cached(pooled_grid)


@st.fragment
def all_heads_section(source: ModelSource, text: str, ids: tuple[int, ...], vocabulary: str, code: ModelCode) -> None:
    prose(__file__, "all_heads.md")
    inspected = lib_call(inspect_text, source, ids, vocabulary)
    if inspected is None:
        return
    weights = ti.stacked_weights(inspected.maps)  # (L, H, T, T)
    L, H, T, _ = weights.shape
    cell = bound(
        st.slider,
        "Map size (pixels)",
        key="tl_grid_cell",
        min_value=40,
        max_value=240,
        value=min(150, 640 // H),
        step=10,
        help="Width and height of each small map; the grid has one row per layer and one column per head.",
    )
    values, labels, pooled = grid_cells(weights, text)
    exported(
        head_grid,
        values,
        labels,
        labels,
        name="attention_all_heads",
        table=lambda: weights_table(weights, text),
        cell=cell,
        title=f"Attention weights of all {L * H} heads: layer rows × head columns (query ↓, key →)",
    )
    entropy = -(weights * np.log(np.where(weights > 0, weights, 1.0))).sum(-1).mean(-1)  # (L, H), nats
    uniform = np.log((weights[0, 0] > 0).sum(-1)).mean()  # a head spread evenly over every position it sees
    sharpest = np.unravel_index(entropy.argmin(), entropy.shape)
    st.caption(
        (
            f"Each map is pooled to {pooled.values.shape[0]} × {pooled.values.shape[1]} blocks of "
            f"{pooled.block[0]} × {pooled.block[1]} positions (the **max** of each block); the CSV has every cell. "
            if pooled.pooled
            else f"Every one of the {L * H * T * T:,} cells is drawn (the causal mask's zeros left blank). "
        )
        + f"Mean entropy of a row: from {entropy.min():.3f} nats (L{sharpest[0] + 1}H{sharpest[1] + 1}, the "
        f"sharpest head) to {entropy.max():.3f}; a head spread evenly over the positions it sees has {uniform:.3f}."
    )
    code.snippet(ALL_HEADS)


def weights_table(weights: np.ndarray, text: str) -> pd.DataFrame:
    """Every weight of every head, one row per (layer, head, query, key): the grid's CSV."""
    layer, head, query, key = np.indices(weights.shape).reshape(4, -1)
    return pd.DataFrame(
        {
            "layer": layer + 1,
            "head": head + 1,
            "query": query,
            "query character": [text[i] for i in query],
            "key": key,
            "key character": [text[i] for i in key],
            "weight": weights.ravel(),
        }
    )
