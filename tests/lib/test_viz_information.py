"""lib.viz.information builders produce valid Vega-Lite with axis titles and tooltips."""

from __future__ import annotations

import numpy as np
import pandas as pd

from lib.viz import line_chart
from lib.viz.information import distribution_bars, ellipses_chart, score_field_chart


def _layers(spec: dict) -> list[dict]:
    return spec.get("layer", [spec])


def test_distribution_bars_are_grouped_by_distribution() -> None:
    frame = pd.DataFrame({"outcome": ["1", "2", "1", "2"], "distribution": ["p", "p", "q", "q"], "probability": 0.5})
    (bars,) = _layers(distribution_bars(frame, title="p and q").to_dict())
    assert bars["encoding"]["xOffset"]["field"] == "distribution"
    assert bars["encoding"]["y"]["title"] == "probability"
    assert len(bars["encoding"]["tooltip"]) == 3


def test_smooth_line_chart_log_axes() -> None:
    data = pd.DataFrame({"N": [1, 2, 1, 2], "variance": [1.0, 0.5, 2.0, 1.0], "curve": ["a", "a", "b", "b"]})
    spec = line_chart(
        data, x="N", y="variance", color="curve", x_title="N", y_title="v", log_x=True, log_y=True, points=False
    )
    (line,) = _layers(spec.to_dict())
    assert line["encoding"]["x"]["scale"]["type"] == "log"
    assert line["encoding"]["y"]["scale"]["type"] == "log"
    assert line["mark"]["type"] == "line"


def test_ellipses_chart_shares_one_scale_and_draws_the_path() -> None:
    angle = np.linspace(0, 2 * np.pi, 9)
    shapes = pd.DataFrame({"x": np.cos(angle), "y": 2 * np.sin(angle), "shape": "target", "order": np.arange(9)})
    path = pd.DataFrame({"x": [0.0, 0.5], "y": [0.0, 0.2], "sweep": [0, 1]})
    ellipse, cavi = _layers(ellipses_chart(shapes, path).to_dict())
    assert ellipse["encoding"]["x"]["scale"]["domain"] == ellipse["encoding"]["y"]["scale"]["domain"]
    assert cavi["encoding"]["order"]["field"] == "sweep"


def test_score_field_chart_has_segments_heads_and_samples() -> None:
    arrows = pd.DataFrame({"x": [0.0, 1.0], "y": [0.0, 1.0], "x_end": [0.5, 1.0], "y_end": [0.0, 1.5]})
    arrows = arrows.assign(magnitude=[1.0, 2.0], angle=[90.0, 0.0])
    samples = pd.DataFrame({"x": [0.1], "y": [0.2], "group": ["nearest class A"]})
    marks = [layer["mark"]["type"] for layer in _layers(score_field_chart(arrows, samples).to_dict())]
    assert marks == ["rule", "point", "circle"]
