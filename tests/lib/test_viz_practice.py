"""lib.viz.practice: every builder validates against Vega-Lite, names its axes and carries tooltips."""

from __future__ import annotations

import numpy as np
import pandas as pd

from lib.viz.practice import fits_chart, precision_recall_chart, strip_chart


def _layers(spec: dict) -> list[dict]:
    return spec.get("layer", [spec])


def test_fits_chart_draws_faint_fits_under_named_curves() -> None:
    grid = np.linspace(0, 1, 5)
    points = pd.DataFrame({"x": [0.2, 0.6], "y": [0.1, -0.3]})
    spec = fits_chart(
        grid, np.zeros((3, 5)), {"truth": grid, "mean fit": grid}, points=points, y_range=(-2, 2)
    ).to_dict(validate=True)
    faint, named, dots = _layers(spec)
    assert faint["encoding"]["x"]["title"] == "x"
    assert faint["encoding"]["y"]["scale"]["domain"] == [-2, 2]
    assert named["encoding"]["color"]["scale"]["domain"] == ["truth", "mean fit"]
    assert all("tooltip" in layer["encoding"] for layer in (faint, named, dots))


def test_precision_recall_chart_is_a_step_function() -> None:
    curves = pd.DataFrame({"recall": [0, 0.5, 1], "precision": [1, 0.5, 0.6], "curve": ["step-wise"] * 3})
    (line,) = _layers(precision_recall_chart(curves, title="PR").to_dict(validate=True))
    assert line["mark"]["interpolate"] == "step-before"
    assert line["encoding"]["x"]["title"] == "recall"
    assert line["encoding"]["y"]["title"] == "precision"


def test_strip_chart_highlights_a_row() -> None:
    data = pd.DataFrame({"v": [1.0, 2.0, 3.0], "method": ["a", "a", "b"], "outlier": [True, False, False]})
    spec = strip_chart(data, x="v", row="method", highlight="outlier", x_title="value").to_dict(validate=True)
    assert spec["mark"]["type"] == "tick"
    assert spec["encoding"]["x"]["title"] == "value"
    assert {t["field"] for t in spec["encoding"]["tooltip"]} == {"v", "method", "outlier"}
