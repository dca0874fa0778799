"""Charts of choice models: market shares as 100 % bars, estimates converging on the truth, simulation noise.

Builders take long-format data and return an ``alt.Chart`` with axis titles and tooltips on every mark.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from lib.viz.theme import categorical_scale, finish


def share_bars(
    data: pd.DataFrame,
    *,
    row: str,
    segment: str,
    share: str,
    x_title: str = "share of choices",
    y_title: str = "",
    title: str | None = None,
) -> alt.LayerChart:
    """One horizontal 100 % bar per ``row`` (a model or a scenario), split into ``segment`` shares.

    Shares add up to 1 in every row, so what one alternative gains the others lose: the zero-sum
    picture of the notes. Each segment is labelled with its percentage.
    """
    rows = list(dict.fromkeys(data[row]))
    segments = list(dict.fromkeys(data[segment]))
    frame = data.assign(_order=data[segment].map({s: i for i, s in enumerate(segments)}))
    base = alt.Chart(frame).encode(
        y=alt.Y(f"{row}:N", title=y_title or None, sort=rows, axis=alt.Axis(labelLimit=260)),
        x=alt.X(
            f"sum({share}):Q", title=x_title, stack="zero", axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])
        ),
        order=alt.Order("_order:Q"),
        tooltip=[
            alt.Tooltip(f"{row}:N"),
            alt.Tooltip(f"{segment}:N"),
            alt.Tooltip(f"{share}:Q", format=".4f"),
        ],
    )
    bars = base.mark_bar(stroke="white").encode(
        color=alt.Color(f"{segment}:N", scale=categorical_scale(segments), title=segment, sort=segments)
    )
    labels = base.mark_text(dx=-4, align="right", color="white", fontSize=12).encode(
        text=alt.Text(f"sum({share}):Q", format=".1%")
    )
    return finish(bars + labels, title=title, height=alt.Step(40))


def estimate_bands(
    data: pd.DataFrame,
    *,
    x: str,
    estimate: str,
    low: str,
    high: str,
    truth: str,
    parameter: str,
    x_title: str,
    y_title: str,
    title: str | None = None,
) -> alt.LayerChart:
    """Estimates with their confidence band against ``x`` (e.g. sample size, log scale), one colour per
    ``parameter``, with the true value as a dashed line: the band should close in on the line."""
    names = list(dict.fromkeys(data[parameter]))
    colour = alt.Color(f"{parameter}:N", scale=categorical_scale(names), title=parameter)
    tooltip = [
        alt.Tooltip(f"{parameter}:N"),
        alt.Tooltip(f"{x}:Q", title=x_title),
        alt.Tooltip(f"{estimate}:Q", format=".4f"),
        alt.Tooltip(f"{low}:Q", format=".4f"),
        alt.Tooltip(f"{high}:Q", format=".4f"),
        alt.Tooltip(f"{truth}:Q", format=".4f"),
    ]
    scale = alt.Scale(type="log", domain=[float(data[x].min()), float(data[x].max())], nice=False)
    base = alt.Chart(data).encode(x=alt.X(f"{x}:Q", title=x_title, scale=scale), tooltip=tooltip)
    band = base.mark_area(opacity=0.18).encode(y=alt.Y(f"{low}:Q", title=y_title), y2=f"{high}:Q", color=colour)
    line = base.mark_line(point=True).encode(y=f"{estimate}:Q", color=colour)
    rule = base.mark_line(strokeDash=[5, 4], opacity=0.8).encode(y=f"{truth}:Q", color=colour)
    return finish(band + line + rule, title=title)


def convergence_chart(
    data: pd.DataFrame,
    *,
    x: str,
    y: str,
    color: str,
    reference: str,
    x_title: str,
    y_title: str,
    dash: str | None = None,
    title: str | None = None,
) -> alt.LayerChart:
    """Simulated values against the number of draws (log scale), each with its reference as a thin grey line;
    ``dash`` names a column drawn with different stroke patterns (e.g. the simulator)."""
    names = list(dict.fromkeys(data[color]))
    colour = alt.Color(f"{color}:N", scale=categorical_scale(names), title=color)
    tooltip = [
        alt.Tooltip(f"{color}:N"),
        *([alt.Tooltip(f"{dash}:N")] if dash else []),
        alt.Tooltip(f"{x}:Q", title=x_title),
        alt.Tooltip(f"{y}:Q", format=".5f"),
        alt.Tooltip(f"{reference}:Q", format=".5f"),
    ]
    domain = [float(data[x].min()), float(data[x].max())]
    scale = alt.Scale(type="log", domain=domain, nice=False)
    base = alt.Chart(data).encode(x=alt.X(f"{x}:Q", title=x_title, scale=scale), tooltip=tooltip)
    encoding = {"y": alt.Y(f"{y}:Q", title=y_title, scale=alt.Scale(zero=False)), "color": colour}
    if dash:
        encoding["strokeDash"] = alt.StrokeDash(f"{dash}:N", title=dash)
    line = base.mark_line(point=alt.OverlayMarkDef(size=18)).encode(**encoding)
    rule = base.mark_line(color="#555555", strokeWidth=1, opacity=0.8).encode(y=f"{reference}:Q", detail=f"{color}:N")
    return finish(line + rule, title=title)
