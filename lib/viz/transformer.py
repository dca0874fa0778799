"""Charts of the Transformer lab: matrices with token tooltips (attention maps, position tables).

The page pools big matrices into at most 64 × 64 blocks before drawing them (a 65,536-cell map
took seconds to redraw in a browser); the builder still accepts up to 256 × 256 + 256 × 64 cells,
past Altair's default 5,000-row guard, so the guard is lifted once here.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import altair as alt
import numpy as np
import pandas as pd

from lib.viz.theme import PALETTE, SEQUENTIAL_SCHEME, finish

alt.data_transformers.disable_max_rows()

DIVERGING_SCHEME = "blueorange"
MAX_CELLS = 256 * 256 + 256 * 64


def show_token(token: str) -> str:
    """A token as a readable label: spaces and line breaks made visible."""
    return token.replace(" ", "␣").replace("\n", "↵").replace("\t", "⇥")


def block_labels(edges: Sequence[int], prefix: str = "", tokens: Sequence[str] | None = None) -> list[str]:
    """Labels of the blocks of a pooled axis (see ``lib.transformer.inspect.pool_matrix``).

    A block of one position reads ``"7 · a"`` (with ``tokens``) or ``prefix + "7"``; a block of
    several reads ``"4–7 · ␣cat"`` or ``prefix + "4–7"``: the positions it covers, then its text.

    >>> block_labels([0, 1, 2], tokens="ab"), block_labels([0, 4, 6], prefix="pair ")
    (['0 · a', '1 · b'], ['pair 0–3', 'pair 4–5'])
    """
    labels = []
    for start, stop in itertools.pairwise(edges):
        start, stop = int(start), int(stop)
        label = f"{prefix}{start}" if stop - start == 1 else f"{prefix}{start}–{stop - 1}"
        if tokens is not None:
            label += " · " + "".join(show_token(t) for t in tokens[start:stop])
        labels.append(label)
    return labels


def _axis(channel, index: str, label: str, n: int, title: str):
    """Up to 64 rows or columns are labelled with their names (in order); more get bare indices."""
    if n <= 64:
        return channel(f"{label}:N", title=title, sort=alt.EncodingSortField(field=index, op="min"))
    return channel(f"{index}:O", title=title, axis=alt.Axis(labels=False, ticks=False))


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
    # Three compact columns per cell (2 + 2 + 4 bytes); the labels are joined in the browser.
    frame = pd.DataFrame(
        {
            "r": rows.ravel()[keep].astype(np.int16),
            "c": cols.ravel()[keep].astype(np.int16),
            "v": values.ravel()[keep].astype(np.float32),
        }
    )
    if diverging:
        extent = float(np.abs(frame["v"]).max()) if len(frame) else 1.0
        scale = alt.Scale(scheme=DIVERGING_SCHEME, domain=[-(extent or 1.0), extent or 1.0])
    else:
        scale = alt.Scale(scheme=SEQUENTIAL_SCHEME)
    row_names = pd.DataFrame({"r": np.arange(len(row_labels), dtype=np.int16), "row_label": list(map(str, row_labels))})
    col_names = pd.DataFrame({"c": np.arange(len(col_labels), dtype=np.int16), "col_label": list(map(str, col_labels))})
    chart = (
        alt.Chart(frame)
        .transform_lookup(lookup="r", from_=alt.LookupData(row_names, "r", ["row_label"]))
        .transform_lookup(lookup="c", from_=alt.LookupData(col_names, "c", ["col_label"]))
        .mark_rect()
        .encode(
            x=_axis(alt.X, "c", "col_label", values.shape[1], x_title),
            y=_axis(alt.Y, "r", "row_label", values.shape[0], y_title),
            color=alt.Color("v:Q", title=value_title, scale=scale),
            tooltip=[
                alt.Tooltip("row_label:N", title=y_title),
                alt.Tooltip("col_label:N", title=x_title),
                alt.Tooltip("v:Q", title=value_title, format=".4f"),
            ],
        )
    )
    return finish(chart, title=title, height=height)


def next_character_bars(top: pd.DataFrame, *, title: str | None = None) -> alt.Chart:
    """Bars of the most probable next characters (columns ``character``, ``probability``), most probable first."""
    if not {"character", "probability"} <= set(top.columns) or top.empty:
        raise ValueError("top must be a non-empty table with columns 'character' and 'probability'.")
    data = pd.DataFrame(
        {
            "rank": np.arange(1, len(top) + 1),
            "next character": [f"{show_token(c)}" for c in top["character"]],
            "probability": top["probability"].to_numpy(float),
        }
    )
    chart = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X("next character:N", sort=alt.EncodingSortField("rank"), title="next character"),
            y=alt.Y("probability:Q", title="probability", scale=alt.Scale(domain=[0, 1])),
            color=alt.value(PALETTE[0]),
            tooltip=[
                alt.Tooltip("rank:Q"),
                alt.Tooltip("next character:N"),
                alt.Tooltip("probability:Q", format=".4f"),
            ],
        )
    )
    return finish(chart, title=title, height=220)


__all__ = ["block_labels", "matrix_heatmap", "next_character_bars", "show_token"]
