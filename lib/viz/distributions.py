"""Charts of distributions: a simulated histogram under its closed form, and pmf bars.

These are the "theory beside simulation" pictures every statistics page draws.
"""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import numpy as np
import pandas as pd

from lib.viz.theme import PALETTE, categorical_scale, finish


def histogram_with_density(
    samples: np.ndarray | Sequence[float],
    curves: pd.DataFrame | None = None,
    *,
    x: str = "x",
    x_title: str,
    bins: int = 40,
    sample_label: str = "simulated",
    title: str | None = None,
) -> alt.LayerChart:
    """Histogram of ``samples`` scaled as a density, with closed-form curves on top.

    ``curves`` is long-format with columns ``x``, ``density`` and ``curve`` (the legend
    name), e.g. the exact pdf evaluated on a grid. The histogram is binned here with numpy,
    so the chart carries ``bins`` rows rather than every sample.
    """
    samples = np.asarray(samples, dtype=float)
    samples = samples[np.isfinite(samples)]
    if samples.size == 0:
        raise ValueError("There are no finite samples to draw.")
    density, edges = np.histogram(samples, bins=bins, density=True)
    bars = pd.DataFrame({"start": edges[:-1], "end": edges[1:], "density": density, "source": sample_label})
    names = [sample_label, *(dict.fromkeys(curves["curve"]) if curves is not None else [])]
    colour = categorical_scale(names)
    layers = [
        alt.Chart(bars)
        .mark_bar(opacity=0.45, binSpacing=0)
        .encode(
            x=alt.X("start:Q", title=x_title),
            x2="end:Q",
            y=alt.Y("density:Q", title="density"),
            color=alt.Color("source:N", scale=colour, title=None),
            tooltip=[
                alt.Tooltip("start:Q", title=f"{x} from", format=".4g"),
                alt.Tooltip("end:Q", title="to", format=".4g"),
                alt.Tooltip("density:Q", format=".4g"),
            ],
        )
    ]
    if curves is not None and len(curves):
        layers.append(
            alt.Chart(curves)
            .mark_line(strokeWidth=2.5)
            .encode(
                x=alt.X(f"{x}:Q"),
                y=alt.Y("density:Q"),
                color=alt.Color("curve:N", scale=colour, title=None),
                tooltip=[
                    alt.Tooltip("curve:N"),
                    alt.Tooltip(f"{x}:Q", format=".4g"),
                    alt.Tooltip("density:Q", format=".4g"),
                ],
            )
        )
    return finish(alt.layer(*layers), title=title)


def pmf_bars(
    data: pd.DataFrame,
    *,
    x: str,
    y: str,
    color: str | None = None,
    x_title: str,
    y_title: str,
    title: str | None = None,
) -> alt.Chart:
    """Bars of a probability mass function (or any value per integer/category).

    With ``color``, the groups are drawn side by side (e.g. exact pmf vs simulated frequency).
    """
    domain = list(dict.fromkeys(data[color])) if color else []
    encoding = {
        "x": alt.X(f"{x}:O", title=x_title),
        "y": alt.Y(f"{y}:Q", title=y_title),
        "tooltip": [alt.Tooltip(f"{c}:{'Q' if pd.api.types.is_numeric_dtype(data[c]) else 'N'}") for c in data.columns],
    }
    if color:
        encoding["color"] = alt.Color(f"{color}:N", scale=categorical_scale(domain), title=None)
        encoding["xOffset"] = alt.XOffset(f"{color}:N", sort=domain)
    else:
        encoding["color"] = alt.value(PALETTE[0])
    return finish(alt.Chart(data).mark_bar().encode(**encoding), title=title)
