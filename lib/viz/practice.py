"""Charts of the Training and evaluation page: fitted curves, step-wise precision–recall, strips of values."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from lib.viz.charts import _tooltips
from lib.viz.theme import PALETTE, categorical_scale, finish


def fits_chart(
    grid: np.ndarray,
    fits: np.ndarray,
    curves: dict[str, np.ndarray],
    *,
    points: pd.DataFrame | None = None,
    x_title: str = "x",
    y_title: str = "y",
    y_range: tuple[float, float] | None = None,
    title: str | None = None,
) -> alt.LayerChart:
    """Many fitted curves ``fits`` (k, G) in faint grey under named curves (e.g. truth, mean fit) on ``grid``.

    ``points`` (columns x, y) draws one training set; ``y_range`` clips the view (wild fits leave it).
    """
    scale = alt.Scale(domain=list(y_range), clamp=True) if y_range else alt.Scale()
    faint = pd.DataFrame(
        {"x": np.tile(grid, len(fits)), "y": np.ravel(fits), "fit": np.repeat(np.arange(1, len(fits) + 1), len(grid))}
    )
    named = pd.DataFrame(
        {
            "x": np.tile(grid, len(curves)),
            "y": np.concatenate(list(curves.values())),
            "curve": np.repeat(list(curves), len(grid)),
        }
    )
    layers = [
        alt.Chart(faint)
        .mark_line(color="#9E9E9E", opacity=0.35, strokeWidth=1, clip=True)
        .encode(
            x=alt.X("x:Q", title=x_title),
            y=alt.Y("y:Q", title=y_title, scale=scale),
            detail="fit:N",
            tooltip=_tooltips(faint),
        ),
        alt.Chart(named)
        .mark_line(strokeWidth=3, clip=True)
        .encode(
            x="x:Q",
            y=alt.Y("y:Q", scale=scale),
            color=alt.Color("curve:N", scale=categorical_scale(list(curves)), title=None),
            tooltip=_tooltips(named),
        ),
    ]
    if points is not None:
        layers.append(
            alt.Chart(points)
            .mark_circle(size=40, color=PALETTE[2], opacity=0.8, clip=True)
            .encode(x="x:Q", y=alt.Y("y:Q", scale=scale), tooltip=_tooltips(points))
        )
    return finish(alt.layer(*layers), title=title)


def precision_recall_chart(curves: pd.DataFrame, *, title: str | None = None) -> alt.LayerChart:
    """Precision against recall as step functions, one per value of column ``curve``.

    ``curves`` holds columns recall, precision, curve; each step holds precision Pₙ over the recall
    interval (Rₙ₋₁, Rₙ], the rectangles average precision sums (Vega's "step-before").
    """
    domain = list(dict.fromkeys(curves["curve"]))
    line = (
        alt.Chart(curves)
        .mark_line(interpolate="step-before", strokeWidth=2.5)
        .encode(
            x=alt.X("recall:Q", title="recall", scale=alt.Scale(domain=[0, 1])),
            y=alt.Y("precision:Q", title="precision", scale=alt.Scale(domain=[0, 1])),
            color=alt.Color("curve:N", scale=categorical_scale(domain), title=None),
            strokeDash=alt.StrokeDash("curve:N", legend=None),
            tooltip=_tooltips(curves),
        )
    )
    return finish(alt.layer(line), title=title)


def strip_chart(
    data: pd.DataFrame, *, x: str, row: str, highlight: str, x_title: str, title: str | None = None
) -> alt.Chart:
    """One row of ticks per value of ``row`` (e.g. a scaling method), the boolean column ``highlight`` in colour."""
    domain = list(dict.fromkeys(data[row]))
    return finish(
        alt.Chart(data)
        .mark_tick(thickness=2, size=22)
        .encode(
            x=alt.X(f"{x}:Q", title=x_title),
            y=alt.Y(f"{row}:N", title=None, sort=domain),
            color=alt.condition(f"datum['{highlight}']", alt.value(PALETTE[4]), alt.value(PALETTE[0])),
            opacity=alt.condition(f"datum['{highlight}']", alt.value(1.0), alt.value(0.35)),
            tooltip=_tooltips(data),
        ),
        title=title,
        height=alt.Step(48),
    )
