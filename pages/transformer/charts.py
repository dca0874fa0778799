"""How the lab's sections draw: every chart with its PNG and CSV, and matrices pooled past 64 × 64 cells."""

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd
import streamlit as st

from lib.transformer import inspect as ti
from lib.viz.transformer import block_labels, matrix_heatmap
from pages._common import chart, csv_download, png_download

MAX_SIDE = 64  # heatmaps draw at most 64 × 64 cells: longer axes are pooled into blocks of positions


def exported(builder, *args, name: str, table: pd.DataFrame | Callable[[], pd.DataFrame] | None = None, **kwargs):
    """Show a chart with a PNG of it and a CSV of its data below (both made only when clicked).

    ``table`` defaults to the chart's data (its first argument).
    """
    chart(builder, *args, **kwargs)
    png_col, csv_col = st.columns(2)
    with png_col:
        png_download(builder, *args, file_name=f"{name}.png", key=f"tl_png_{name}", label="PNG", **kwargs)
    with csv_col:
        csv_download(args[0] if table is None else table, f"{name}.csv", "CSV", key=f"tl_csv_{name}")


def matrix_table(values: np.ndarray, rows: tuple, cols: tuple, corner: str) -> pd.DataFrame:
    """Every cell of a matrix, one row per matrix row, labelled as in the charts (no pooling)."""
    row_names = block_labels(np.arange(values.shape[0] + 1), *rows)
    col_names = block_labels(np.arange(values.shape[1] + 1), *cols)
    return pd.DataFrame(values, columns=col_names).assign(**{corner: row_names})[[corner, *col_names]]


def heatmap(
    values: np.ndarray,
    rows: tuple[str, Sequence[str] | None],
    cols: tuple[str, Sequence[str] | None],
    *,
    name: str,
    how: str = "max",
    value_title: str,
    **kwargs,
) -> ti.PooledMatrix:
    """Draw a matrix, pooled into at most MAX_SIDE blocks per side; ``rows``/``cols`` are (prefix, tokens).

    The PNG is the chart as shown; the CSV has every cell of the full matrix.
    """
    pooled = ti.pool_matrix(values, MAX_SIDE, how)
    if pooled.pooled:
        value_title = f"{value_title} ({how} of {pooled.block[0]}×{pooled.block[1]} cells)"
    corner = f"{kwargs['y_title']} \\ {kwargs['x_title']}"
    exported(
        matrix_heatmap,
        pooled.values,
        block_labels(pooled.row_edges, *rows),
        block_labels(pooled.col_edges, *cols),
        name=name,
        table=lambda: matrix_table(values, rows, cols, corner),
        value_title=value_title,
        **kwargs,
    )
    return pooled


def pooling_note(pooled: ti.PooledMatrix, what: str) -> str:
    """One sentence saying how a pooled chart was reduced ("" when nothing was pooled)."""
    if not pooled.pooled:
        return ""
    (R, C), (br, bc) = pooled.values.shape, pooled.block
    return (
        f"{what} {R} × {C} blocks of {br} × {bc} cells, each the **{pooled.how}** of its block "
        "(hover a cell for the positions it covers); the CSV has every cell. "
    )
