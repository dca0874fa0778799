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


def _labelled(
    chart: alt.Chart, row_labels: Sequence[str], col_labels: Sequence[str], row_field: str, col_field: str
) -> alt.Chart:
    """``chart`` (cells with integer ``r`` and ``c``) with each cell's row and column label looked up in the
    browser as ``row_field`` and ``col_field``: the labels travel once, not once per cell."""
    rows = pd.DataFrame({"r": np.arange(len(row_labels), dtype=np.int16), row_field: list(map(str, row_labels))})
    cols = pd.DataFrame({"c": np.arange(len(col_labels), dtype=np.int16), col_field: list(map(str, col_labels))})
    return chart.transform_lookup(lookup="r", from_=alt.LookupData(rows, "r", [row_field])).transform_lookup(
        lookup="c", from_=alt.LookupData(cols, "c", [col_field])
    )


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
    chart = (
        _labelled(alt.Chart(frame), row_labels, col_labels, "row_label", "col_label")
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


def head_grid(
    weights: np.ndarray,
    row_labels: Sequence[str],
    col_labels: Sequence[str],
    *,
    cell: int = 150,
    title: str | None = None,
) -> alt.FacetChart:
    """Every head of every layer as small multiples: layer rows × head columns (BertViz's model view).

    ``weights`` is (L, H, R, C): one (pooled) attention map per head, rows = queries, columns = keys,
    labelled by ``row_labels`` / ``col_labels`` (shown in the tooltip only: 16 maps of 64 labels each
    would not fit). Cells of weight exactly 0 (the causal mask) are not drawn. One colour scale for
    all maps, so heads compare; five compact columns per cell keep the chart fast at 16 × 64 × 64.
    """
    weights = np.asarray(weights, dtype=float)
    if weights.ndim != 4 or weights.size == 0:
        raise ValueError("weights must be a non-empty (layers, heads, queries, keys) array.")
    if weights.size > MAX_CELLS:
        raise ValueError(f"The maps have {weights.size:,} cells; at most {MAX_CELLS:,} can be drawn.")
    if len(row_labels) != weights.shape[2] or len(col_labels) != weights.shape[3]:
        raise ValueError("row_labels and col_labels must match the maps' shape.")
    layer, head, rows, cols = np.indices(weights.shape).reshape(4, -1)
    keep = (np.isfinite(weights) & (weights != 0)).ravel()
    frame = pd.DataFrame(
        {
            "layer": (layer[keep] + 1).astype(np.int8),
            "head": (head[keep] + 1).astype(np.int8),
            "r": rows[keep].astype(np.int16),
            "c": cols[keep].astype(np.int16),
            "v": weights.ravel()[keep].astype(np.float32),
        }
    )
    chart = (
        _labelled(alt.Chart(frame), row_labels, col_labels, "query", "key")
        .mark_rect()
        .encode(
            x=alt.X("c:O", axis=None, scale=alt.Scale(domain=list(range(weights.shape[3])))),
            y=alt.Y("r:O", axis=None, scale=alt.Scale(domain=list(range(weights.shape[2])))),
            color=alt.Color("v:Q", title="weight", scale=alt.Scale(scheme=SEQUENTIAL_SCHEME)),
            tooltip=[
                alt.Tooltip("layer:O"),
                alt.Tooltip("head:O"),
                alt.Tooltip("query:N"),
                alt.Tooltip("key:N"),
                alt.Tooltip("v:Q", title="weight", format=".4f"),
            ],
        )
        .properties(width=cell, height=cell)
        .facet(row=alt.Row("layer:O", title="layer"), column=alt.Column("head:O", title="head"), spacing=6)
    )
    return chart.properties(title=alt.Title(title, anchor="start", fontSize=14)) if title else chart


def lens_heatmap(table: pd.DataFrame, *, colour: str = "probability", title: str | None = None) -> alt.LayerChart:
    """The logit lens: each (layer, position) cell coloured by ``colour`` ("probability", the top-1 guess's, or
    "p(next)", the actual next character's), the guess written in it (up to 64 positions), the input, the
    true next character and both probabilities in the tooltip.

    ``table`` is ``lib.transformer.inspect.lens_table``'s: columns layer, position, character, guess,
    probability, next, p(next). Layer 0 (the embeddings) is the bottom row, the model's output the top.
    """
    needed = {"layer", "position", "character", "guess", "probability", "next", "p(next)"}
    if not needed <= set(table.columns) or table.empty:
        raise ValueError(f"table must be a non-empty table with columns {', '.join(sorted(needed))}.")
    if colour not in ("probability", "p(next)"):
        raise ValueError(f"colour must be 'probability' or 'p(next)', got {colour!r}.")
    # The last position has no next character (NaN): the tooltip shows a dash and, coloured by p(next), no cell.
    data = pd.DataFrame(
        {
            "layer": table["layer"].to_numpy(),
            "position": table["position"].to_numpy(),
            "input": [f"{p} · {show_token(c)}" for p, c in zip(table["position"], table["character"], strict=True)],
            "shown": [show_token(g) for g in table["guess"]],
            "probability": table["probability"].to_numpy(float),
            "following": [show_token(c) for c in table["next"]],
            "p(actual next)": [f"{p:.3f}" if np.isfinite(p) else "—" for p in table["p(next)"]],
            "value": table[colour].fillna(-1.0).to_numpy(float),
        }
    )
    n_positions = int(table["position"].nunique())
    axis = alt.Axis(labels=n_positions <= 64, ticks=n_positions <= 64)
    tooltip = [
        alt.Tooltip("layer:O", title="after block"),
        alt.Tooltip("input:N", title="position · character"),
        alt.Tooltip("shown:N", title="top-1 guess"),
        alt.Tooltip("probability:Q", format=".3f"),
        alt.Tooltip("following:N", title="actual next"),
        alt.Tooltip("p(actual next):N"),
    ]
    encoding = {
        "x": alt.X("position:O", title="position (hover for its character)", axis=axis),
        "y": alt.Y("layer:O", title="blocks read (0 = embeddings)", sort="descending"),
        "tooltip": tooltip,
    }
    title_of = {"probability": "top-1 probability", "p(next)": "p(actual next)"}
    rects = (
        alt.Chart(data[data["value"] >= 0])
        .mark_rect()
        .encode(
            color=alt.Color(
                "value:Q", title=title_of[colour], scale=alt.Scale(scheme=SEQUENTIAL_SCHEME, domain=[0, 1])
            ),
            **encoding,
        )
    )
    layers = [rects]
    if n_positions <= 64:
        layers.append(alt.Chart(data).mark_text(fontSize=11).encode(text="shown:N", **encoding))
    n_layers = int(table["layer"].nunique())
    return finish(alt.layer(*layers), title=title, height=max(120, 34 * n_layers))


def loss_difference_chart(frame: pd.DataFrame, *, title: str | None = None) -> alt.Chart:
    """Bars of the loss change per position (columns position, character, loss, ablated loss, difference):
    up (orange) where the ablation hurt, down (blue) where it helped."""
    needed = {"position", "character", "loss", "ablated loss", "difference"}
    if not needed <= set(frame.columns) or frame.empty:
        raise ValueError(f"frame must be a non-empty table with columns {', '.join(sorted(needed))}.")
    data = frame.assign(
        predicted=[f"{p} · {show_token(c)}" for p, c in zip(frame["position"], frame["character"], strict=True)],
        effect=np.where(frame["difference"] > 0, "worse without the heads", "better without the heads"),
    )
    chart = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X("position:O", title="position of the predicted character"),
            y=alt.Y("difference:Q", title="Δ loss (nats): ablated − full"),
            color=alt.Color(
                "effect:N",
                title=None,
                scale=alt.Scale(
                    domain=["worse without the heads", "better without the heads"], range=[PALETTE[1], PALETTE[0]]
                ),
            ),
            tooltip=[
                alt.Tooltip("predicted:N", title="position · character"),
                alt.Tooltip("loss:Q", title="loss, full model", format=".4f"),
                alt.Tooltip("ablated loss:Q", format=".4f"),
                alt.Tooltip("difference:Q", title="Δ loss", format="+.4f"),
            ],
        )
    )
    return finish(chart, title=title, height=240)


__all__ = [
    "block_labels",
    "head_grid",
    "lens_heatmap",
    "loss_difference_chart",
    "matrix_heatmap",
    "next_character_bars",
    "show_token",
]
