"""Charts of the Transformer lab: matrices with token tooltips (attention maps, position tables).

A 256-token attention map has 65,536 cells, past Altair's default 5,000-row guard, so the
guard is lifted once here; the page keeps matrices at ≤ 256 × 256.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import altair as alt
import numpy as np
import pandas as pd

from lib.viz.theme import SEQUENTIAL_SCHEME, finish

alt.data_transformers.disable_max_rows()

DIVERGING_SCHEME = "blueorange"
MAX_CELLS = 256 * 256 + 256 * 64


def show_token(token: str) -> str:
    """A token as a readable label: spaces and line breaks made visible."""
    return token.replace(" ", "␣").replace("\n", "↵").replace("\t", "⇥")


def matrix_heatmap(
    values: np.ndarray,
    row_labels: Sequence[str],
    col_labels: Sequence[str],
    *,
    x_title: str,
    y_title: str,
    value_title: str,
    diverging: bool = False,
    title: str | None = None,
    height: int = 360,
) -> alt.Chart:
    """A matrix as coloured cells, row and column labels in the tooltip; non-finite cells are left blank.

    Meant for large matrices (attention maps up to 256 × 256): the data holds three numbers
    per cell, the labels are looked up in the browser. Masked scores (−inf) are not drawn, so
    the causal mask shows as an empty upper triangle. ``diverging`` centres the colours on 0.
    """
    values = np.asarray(values, dtype=float)
    if values.ndim != 2 or values.size == 0:
        raise ValueError("values must be a non-empty 2-D matrix.")
    if values.size > MAX_CELLS:
        raise ValueError(f"The matrix has {values.size:,} cells; at most {MAX_CELLS:,} can be drawn.")
    if len(row_labels) != values.shape[0] or len(col_labels) != values.shape[1]:
        raise ValueError("row_labels and col_labels must match the matrix shape.")
    rows, cols = np.indices(values.shape)
    keep = np.isfinite(values).ravel()
    frame = pd.DataFrame({"r": rows.ravel()[keep], "c": cols.ravel()[keep], "v": values.ravel()[keep]})
    finite = frame["v"]
    if diverging:
        extent = float(np.abs(finite).max()) if len(finite) else 1.0
        scale = alt.Scale(scheme=DIVERGING_SCHEME, domain=[-extent or -1.0, extent or 1.0])
    else:
        scale = alt.Scale(scheme=SEQUENTIAL_SCHEME)
    row_names = json.dumps([str(x) for x in row_labels], ensure_ascii=False)
    col_names = json.dumps([str(x) for x in col_labels], ensure_ascii=False)
    axis = alt.Axis(labels=values.shape[0] <= 64, ticks=False)
    chart = (
        alt.Chart(frame)
        .transform_calculate(row_label=f"{row_names}[datum.r]", col_label=f"{col_names}[datum.c]")
        .mark_rect()
        .encode(
            x=alt.X("c:O", title=x_title, axis=alt.Axis(labels=values.shape[1] <= 64, ticks=False, labelAngle=0)),
            y=alt.Y("r:O", title=y_title, axis=axis),
            color=alt.Color("v:Q", title=value_title, scale=scale),
            tooltip=[
                alt.Tooltip("row_label:N", title=y_title),
                alt.Tooltip("col_label:N", title=x_title),
                alt.Tooltip("v:Q", title=value_title, format=".4f"),
            ],
        )
    )
    return finish(chart, title=title, height=height)


__all__ = ["matrix_heatmap", "show_token"]
