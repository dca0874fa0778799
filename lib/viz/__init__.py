"""Altair chart builders (no streamlit): data in, chart out, one shared look."""

from lib.viz.charts import heatmap, interval_chart, line_chart
from lib.viz.distributions import histogram_with_density, pmf_bars
from lib.viz.theme import PALETTE, categorical_scale, finish

__all__ = [
    "PALETTE",
    "categorical_scale",
    "finish",
    "heatmap",
    "histogram_with_density",
    "interval_chart",
    "line_chart",
    "pmf_bars",
]
