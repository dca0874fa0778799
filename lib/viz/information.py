"""Charts for the Information and inference page: two distributions as bars, curves, ellipses, a score field."""

from __future__ import annotations

import altair as alt
import pandas as pd

from lib.viz.charts import _tooltips
from lib.viz.theme import categorical_scale, finish


def distribution_bars(frame: pd.DataFrame, *, title: str | None = None) -> alt.Chart:
    """Grouped bars of two (or more) distributions over the same outcomes.

    ``frame`` is long: columns ``outcome`` (text, in order), ``distribution`` and ``probability``.
    """
    outcomes = list(dict.fromkeys(frame["outcome"]))
    names = list(dict.fromkeys(frame["distribution"]))
    bars = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X("outcome:N", title="outcome i", sort=outcomes, axis=alt.Axis(labelAngle=0)),
            xOffset=alt.XOffset("distribution:N", sort=names),
            y=alt.Y("probability:Q", title="probability"),
            color=alt.Color("distribution:N", scale=categorical_scale(names), title=None),
            tooltip=_tooltips(frame),
        )
    )
    return finish(bars, title=title)


def ellipses_chart(
    shapes: pd.DataFrame, path: pd.DataFrame | None = None, *, title: str | None = None
) -> alt.LayerChart:
    """Closed curves in the plane (columns ``x``, ``y``, ``shape``, ``order``) and an optional path of points.

    ``path`` has columns ``x``, ``y`` and ``sweep``: drawn as connected points (e.g. CAVI's means).
    Both axes share one scale so that circles look round.
    """
    names = list(dict.fromkeys(shapes["shape"]))
    everything = pd.concat([shapes[["x", "y"]], path[["x", "y"]]]) if path is not None else shapes[["x", "y"]]
    low = float(min(everything["x"].min(), everything["y"].min()))
    high = float(max(everything["x"].max(), everything["y"].max()))
    scale = alt.Scale(domain=[low, high], nice=False)
    layers = [
        alt.Chart(shapes)
        .mark_line(strokeWidth=2.5)
        .encode(
            x=alt.X("x:Q", title="x₁", scale=scale),
            y=alt.Y("y:Q", title="x₂", scale=scale),
            order="order:Q",
            color=alt.Color("shape:N", scale=categorical_scale(names), title=None),
            detail="shape:N",
            tooltip=[alt.Tooltip("shape:N"), alt.Tooltip("x:Q", format=".3f"), alt.Tooltip("y:Q", format=".3f")],
        )
    ]
    if path is not None:
        layers.append(
            alt.Chart(path)
            .mark_line(point=alt.OverlayMarkDef(size=40, filled=True), color="#4E342E", strokeDash=[3, 2])
            .encode(x="x:Q", y="y:Q", order="sweep:Q", tooltip=_tooltips(path))
        )
    return finish(alt.layer(*layers), title=title, height=420)


def score_field_chart(
    arrows: pd.DataFrame, samples: pd.DataFrame | None = None, *, title: str | None = None
) -> alt.LayerChart:
    """A vector field as segments from (``x``, ``y``) to (``x_end``, ``y_end``) with a wedge at each tip,
    and optional points (``samples``: columns ``x``, ``y``, ``group``) drawn over it.

    ``arrows`` also carries ``angle`` (degrees clockwise from up, for the wedge) and ``magnitude``.
    """
    tooltip = [
        alt.Tooltip("x:Q", format=".2f"),
        alt.Tooltip("y:Q", format=".2f"),
        alt.Tooltip("magnitude:Q", format=".3f"),
    ]
    x_scale = alt.Scale(domain=[float(arrows["x"].min()), float(arrows["x"].max())], nice=False)
    y_scale = alt.Scale(domain=[float(arrows["y"].min()), float(arrows["y"].max())], nice=False)
    segments = (
        alt.Chart(arrows)
        .mark_rule(color="#78909C", strokeWidth=1.5)
        .encode(
            x=alt.X("x:Q", title="x₁", scale=x_scale),
            y=alt.Y("y:Q", title="x₂", scale=y_scale),
            x2="x_end:Q",
            y2="y_end:Q",
            tooltip=tooltip,
        )
    )
    heads = (
        alt.Chart(arrows)
        .mark_point(shape="wedge", filled=True, color="#546E7A", size=40)
        .encode(x="x_end:Q", y="y_end:Q", angle=alt.Angle("angle:Q", scale=None), tooltip=tooltip)
    )
    layers = [segments, heads]
    if samples is not None:
        groups = list(dict.fromkeys(samples["group"]))
        layers.append(
            alt.Chart(samples)
            .mark_circle(size=14, opacity=0.6)
            .encode(
                x="x:Q",
                y="y:Q",
                color=alt.Color("group:N", scale=categorical_scale(groups), title=None),
                tooltip=_tooltips(samples),
            )
        )
    return finish(alt.layer(*layers), title=title, height=440)
