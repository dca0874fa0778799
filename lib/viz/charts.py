"""Altair chart builders shared by the pages: data in, ``alt.Chart`` out.

Every builder names its axes, gives every mark a tooltip and uses the shared theme.
"""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import numpy as np
import pandas as pd

from lib.viz.theme import SEQUENTIAL_SCHEME, categorical_scale, finish


def _tooltips(data: pd.DataFrame) -> list[alt.Tooltip]:
    """One tooltip line per column, numbers as quantities and the rest as names."""
    return [alt.Tooltip(f"{c}:{'Q' if pd.api.types.is_numeric_dtype(data[c]) else 'N'}") for c in data.columns]


def line_chart(
    data: pd.DataFrame,
    *,
    x: str,
    y: str,
    color: str,
    x_title: str,
    y_title: str,
    dash: str | None = None,
    log_x: bool = False,
    log_y: bool = False,
    points: bool = True,
    rules: dict[str, float] | None = None,
    title: str | None = None,
) -> alt.LayerChart:
    """Lines of ``y`` against ``x``, one per value of ``color`` (long-format data).

    ``dash`` names a column whose values get different stroke patterns (e.g. exact vs
    simulated); ``rules`` maps some ``color`` values to a level drawn as a dashed
    horizontal line in that colour (e.g. limits). ``points=False`` draws smooth curves
    (densities, traces over many x) without a mark per point, the x axis fitted to the data.
    """
    domain = list(dict.fromkeys(data[color]))
    colour = alt.Color(f"{color}:N", scale=categorical_scale(domain), title=color)
    x_scale = alt.Scale(type="log") if log_x else alt.Scale(zero=points)
    y_scale = alt.Scale(type="log") if log_y else alt.Scale()
    tooltip = _tooltips(data)
    encoding = {
        "x": alt.X(f"{x}:Q", title=x_title, scale=x_scale),
        "y": alt.Y(f"{y}:Q", title=y_title, scale=y_scale),
        "color": colour,
        "tooltip": tooltip,
    }
    if dash:
        encoding["strokeDash"] = alt.StrokeDash(f"{dash}:N", title=dash)
    mark = {"point": alt.OverlayMarkDef(size=18)} if points else {"strokeWidth": 2.5}
    layers = [alt.Chart(data).mark_line(**mark).encode(**encoding)]
    if rules:
        levels = pd.DataFrame({color: list(rules), "level": list(rules.values())})
        layers.append(
            alt.Chart(levels)
            .mark_rule(strokeDash=[4, 4], opacity=0.7)
            .encode(
                y=alt.Y("level:Q"),
                color=colour,
                tooltip=[alt.Tooltip(f"{color}:N"), alt.Tooltip("level:Q", title="level", format=".6f")],
            )
        )
    return finish(alt.layer(*layers), title=title)


def heatmap(
    values: np.ndarray,
    row_labels: Sequence[str],
    col_labels: Sequence[str],
    *,
    x_title: str,
    y_title: str,
    value_title: str,
    text: np.ndarray | None = None,
    fmt: str = ".3f",
    title: str | None = None,
) -> alt.LayerChart:
    """A labelled matrix as coloured cells; ``text`` overrides the printed cell labels (e.g. fractions)."""
    values = np.asarray(values, dtype=float)
    rows, cols = np.indices(values.shape)
    frame = pd.DataFrame(
        {
            "row": np.asarray(row_labels, dtype=object)[rows.ravel()],
            "col": np.asarray(col_labels, dtype=object)[cols.ravel()],
            "value": values.ravel(),
            "label": (
                np.asarray(text, dtype=object).ravel() if text is not None else [format(v, fmt) for v in values.ravel()]
            ),
        }
    )
    base = alt.Chart(frame).encode(
        x=alt.X("col:N", title=x_title, sort=list(col_labels), axis=alt.Axis(labelAngle=-30, labelOverlap=False)),
        y=alt.Y("row:N", title=y_title, sort=list(row_labels), axis=alt.Axis(labelOverlap=False)),
        tooltip=[
            alt.Tooltip("row:N", title=y_title),
            alt.Tooltip("col:N", title=x_title),
            alt.Tooltip("label:N", title=value_title),
            alt.Tooltip("value:Q", title=f"{value_title} (decimal)", format=".6f"),
        ],
    )
    cells = base.mark_rect(stroke="white").encode(
        color=alt.Color("value:Q", title=value_title, scale=alt.Scale(scheme=SEQUENTIAL_SCHEME))
    )
    labels = base.mark_text(fontSize=12).encode(
        text="label:N",
        color=alt.condition(alt.datum.value > 0.6 * max(values.max(), 1e-12), alt.value("white"), alt.value("black")),
    )
    return finish(cells + labels, title=title, height=alt.Step(34))


def interval_chart(
    data: pd.DataFrame,
    *,
    category: str,
    estimate: str,
    low: str,
    high: str,
    reference: str,
    x_title: str,
    y_title: str,
    title: str | None = None,
) -> alt.LayerChart:
    """Simulated estimates with their confidence intervals beside the exact value.

    Points with error bars show ``estimate`` in ``[low, high]``; a red tick marks ``reference``
    (the closed form), so agreement means the tick sits inside the bar.
    """
    domain = list(data[category])
    tooltip = _tooltips(data)
    base = alt.Chart(data).encode(
        y=alt.Y(f"{category}:N", title=y_title, sort=domain),
        tooltip=tooltip,
    )
    bars = base.mark_errorbar(ticks=True, thickness=2).encode(
        x=alt.X(f"{low}:Q", title=x_title, scale=alt.Scale(zero=False)),
        x2=f"{high}:Q",
        color=alt.Color(f"{category}:N", scale=categorical_scale(domain), legend=None),
    )
    points = base.mark_point(filled=True, size=80).encode(
        x=f"{estimate}:Q", color=alt.Color(f"{category}:N", scale=categorical_scale(domain), legend=None)
    )
    exact = base.mark_tick(color="#C62828", thickness=3, size=28).encode(x=f"{reference}:Q")
    return finish(bars + points + exact, title=title, height=alt.Step(48))
