"""Charts of the Linear algebra lens: eigenvalues on the complex plane, the SVD's three steps, scatter and bars."""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import numpy as np
import pandas as pd

from lib.viz.theme import PALETTE, categorical_scale, finish

PANEL = 190  # pixels: each of the SVD's square panels


def _unit_circle(n: int = 181) -> pd.DataFrame:
    angle = np.linspace(0.0, 2.0 * np.pi, n)
    return pd.DataFrame({"re": np.cos(angle), "im": np.sin(angle), "order": np.arange(n)})


def eigenvalue_plane(eigenvalues: Sequence[complex], *, title: str | None = None) -> alt.LayerChart:
    """Eigenvalues as points on the complex plane with the unit circle |λ| = 1 (inside: contracts)."""
    lam = np.asarray(eigenvalues, dtype=complex)
    points = pd.DataFrame(
        {"re": lam.real, "im": lam.imag, "|λ|": np.abs(lam), "λ": [f"{v.real:.4g}{v.imag:+.4g}i" for v in lam]}
    )
    extent = float(max(1.2, 1.1 * points["|λ|"].max()))
    scale = alt.Scale(domain=[-extent, extent])
    circle = (
        alt.Chart(_unit_circle())
        .mark_line(color="#9E9E9E", strokeDash=[4, 4])
        .encode(x=alt.X("re:Q", scale=scale), y=alt.Y("im:Q", scale=scale), order="order:Q")
    )
    dots = (
        alt.Chart(points)
        .mark_point(filled=True, size=110, color=PALETTE[0])
        .encode(
            x=alt.X("re:Q", title="real part", scale=scale),
            y=alt.Y("im:Q", title="imaginary part", scale=scale),
            color=alt.Color("|λ|:Q", title="|λ|", scale=alt.Scale(scheme="greens", domainMid=1.0)),
            tooltip=[alt.Tooltip("λ:N"), alt.Tooltip("|λ|:Q", format=".6f")],
        )
    )
    return finish(circle + dots, title=title)


def svd_stages(points: np.ndarray, stages: Sequence[str], *, tracked: int = 8) -> alt.HConcatChart:
    """The unit circle after each factor of A = U Σ Vᵀ, one square panel per stage, on shared axes.

    ``points`` is (stage, n, 2); ``tracked`` points spread around the circle keep their colour in
    every panel, so the rotation and the stretch can be followed.
    """
    points = np.asarray(points, dtype=float)
    n_stages, n, _ = points.shape
    frame = pd.DataFrame(
        {
            "stage": np.repeat(list(stages), n),
            "x": points[..., 0].ravel(),
            "y": points[..., 1].ravel(),
            "order": np.tile(np.arange(n), n_stages),
        }
    )
    closed = pd.concat([frame, frame[frame["order"] == 0].assign(order=n)])  # close each curve
    marks = frame[frame["order"] % max(n // tracked, 1) == 0].assign(point=lambda f: f["order"].astype(str))
    extent = float(max(1.1, 1.1 * np.abs(points).max()))
    scale = alt.Scale(domain=[-extent, extent])
    panels = []
    for stage in stages:
        curve = (
            alt.Chart(closed[closed["stage"] == stage])
            .mark_line(color="#9E9E9E")
            .encode(x=alt.X("x:Q", scale=scale, title="x₁"), y=alt.Y("y:Q", scale=scale, title="x₂"), order="order:Q")
        )
        dots = (
            alt.Chart(marks[marks["stage"] == stage])
            .mark_point(filled=True, size=60)
            .encode(
                x="x:Q",
                y="y:Q",
                color=alt.Color("point:N", scale=categorical_scale(list(dict.fromkeys(marks["point"]))), legend=None),
                tooltip=[alt.Tooltip("stage:N"), alt.Tooltip("x:Q", format=".4f"), alt.Tooltip("y:Q", format=".4f")],
            )
        )
        panels.append((curve + dots).properties(width=PANEL, height=PANEL, title=stage))
    return alt.hconcat(*panels)


def scatter_chart(
    data: pd.DataFrame, *, x: str, y: str, x_title: str, y_title: str, title: str | None = None
) -> alt.Chart:
    """Points of ``y`` against ``x`` with every column in the tooltip."""
    tooltip = [alt.Tooltip(f"{c}:Q", format=".4f") for c in data.columns]
    chart = (
        alt.Chart(data)
        .mark_circle(size=22, opacity=0.6, color=PALETTE[1])
        .encode(x=alt.X(f"{x}:Q", title=x_title), y=alt.Y(f"{y}:Q", title=y_title), tooltip=tooltip)
    )
    return finish(chart, title=title)


def bar_chart(
    data: pd.DataFrame, *, x: str, y: str, x_title: str, y_title: str, line: str | None = None, title: str | None = None
) -> alt.LayerChart:
    """Bars of ``y`` for each ``x`` (in order); ``line`` names a column drawn over them (a cumulative share)."""
    tooltip = [alt.Tooltip(f"{c}:{'Q' if pd.api.types.is_numeric_dtype(data[c]) else 'N'}") for c in data.columns]
    base = alt.Chart(data).encode(x=alt.X(f"{x}:N", title=x_title, sort=list(data[x])), tooltip=tooltip)
    layers = [base.mark_bar(color=PALETTE[0]).encode(y=alt.Y(f"{y}:Q", title=y_title))]
    if line:
        layers.append(base.mark_line(point=True, color=PALETTE[2]).encode(y=f"{line}:Q"))
    return finish(alt.layer(*layers), title=title)
