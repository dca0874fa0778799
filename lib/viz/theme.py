"""One look for every Garden Lab chart: the palette, the sizes, the finishing touches.

Builders in :mod:`lib.viz.charts` call :func:`finish` last, so every chart fills its
container, has the same height and font sizes, and keeps its tooltips.
"""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt

# Garden greens first, then colours that stay distinct for colour-blind readers.
PALETTE = ("#2E7D32", "#1565C0", "#EF6C00", "#6A1B9A", "#C62828", "#00838F", "#9E9D24", "#4E342E")
SEQUENTIAL_SCHEME = "greens"
HEIGHT = 320


def categorical_scale(domain: Sequence[str]) -> alt.Scale:
    """The palette assigned to ``domain`` in order, so a category keeps its colour across charts."""
    domain = list(domain)
    colours = [PALETTE[i % len(PALETTE)] for i in range(len(domain))]
    return alt.Scale(domain=domain, range=colours)


def finish(
    chart: alt.Chart | alt.LayerChart, *, title: str | None = None, height: int | alt.Step = HEIGHT
) -> alt.TopLevelMixin:
    """Apply the shared size and title; the chart stretches to its container's width.

    ``height`` is in pixels, or ``alt.Step(n)`` for n pixels per row of a discrete y axis.
    """
    props = {"width": "container", "height": height}
    if title:
        props["title"] = alt.Title(title, anchor="start", fontSize=14)
    return chart.properties(**props)
