"""lib.viz.hypothesis's t-test charts: valid Vega-Lite, axis titles, a tooltip on every mark, the test's numbers."""

from __future__ import annotations

import numpy as np

from lib import hypothesis as ht
from lib.viz.hypothesis import means_chart, t_picture_chart

X = np.array([0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0])  # R's sleep data
Y = np.array([1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4])


def _layers(spec: dict) -> list[dict]:
    return spec.get("layer", [spec])


def _rows(spec: dict, column: str) -> list[dict]:
    return next(rows for rows in spec["datasets"].values() if rows and column in rows[0])


def test_t_picture_chart_marks_the_observed_t_and_shades_the_tails() -> None:
    result = ht.t_test(X, Y)
    curve = ht.t_null_curve(result.statistic, result.df)
    spec = t_picture_chart(curve, observed=result.statistic, critical=[-2.1, 2.1]).to_dict(validate=True)
    area, line, rules = _layers(spec)
    assert area["encoding"]["x"]["title"] == "t statistic"
    assert area["encoding"]["y"]["title"] == "density of t under H0"
    assert all("tooltip" in layer["encoding"] for layer in (area, line, rules))
    marks = _rows(spec, "what")
    assert marks[0] == {"t": result.statistic, "what": "observed t"}
    assert spec["width"] == "container"


def test_means_chart_puts_mu0_on_the_tested_row() -> None:
    intervals, dots = ht.mean_intervals(X, Y, paired=True)
    spec = means_chart(intervals, dots, null_value=0.5, x_title="extra sleep (h)").to_dict(validate=True)
    first = _layers(spec)[0]["encoding"]
    assert first["x"]["title"] == "extra sleep (h)"
    assert all("tooltip" in layer["encoding"] for layer in _layers(spec))
    tick = _rows(spec, "mark")
    assert tick == [{"what": "mean of x − y (pairs)", "value": 0.5, "mark": "H0 value μ0"}]
