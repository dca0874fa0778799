"""lib.viz builders produce valid Vega-Lite with axis titles and tooltips."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lib.viz import PALETTE, categorical_scale, heatmap, histogram_with_density, interval_chart, line_chart, pmf_bars


def _layers(spec: dict) -> list[dict]:
    return spec.get("layer", [spec])


def test_line_chart_has_titles_tooltips_and_rules() -> None:
    data = pd.DataFrame({"step": [0, 1, 0, 1], "state": ["a", "a", "b", "b"], "p": [1, 0.5, 0, 0.5]})
    spec = line_chart(
        data, x="step", y="p", color="state", x_title="step t", y_title="probability", rules={"a": 0.5}
    ).to_dict()
    line, rule = _layers(spec)
    assert line["encoding"]["x"]["title"] == "step t"
    assert line["encoding"]["y"]["title"] == "probability"
    assert {t["field"] for t in line["encoding"]["tooltip"]} == {"step", "state", "p"}
    assert rule["mark"]["type"] == "rule"
    assert spec["width"] == "container"


def test_line_chart_log_scale_and_dash() -> None:
    data = pd.DataFrame({"t": [0, 1], "v": [1.0, 0.5], "c": ["x", "x"], "source": ["exact", "simulated"]})
    spec = line_chart(data, x="t", y="v", color="c", dash="source", x_title="t", y_title="v", log_y=True).to_dict()
    (line,) = _layers(spec)
    assert line["encoding"]["y"]["scale"]["type"] == "log"
    assert line["encoding"]["strokeDash"]["field"] == "source"


def test_heatmap_prints_given_labels() -> None:
    spec = heatmap(
        np.array([[0.25, 1.0], [0.75, 0.0]]),
        ["r1", "r2"],
        ["c1", "c2"],
        x_title="from",
        y_title="to",
        value_title="p",
        text=np.array([["1/4", "1"], ["3/4", "0"]]),
    ).to_dict()
    values = next(iter(spec["datasets"].values()))
    assert [v["label"] for v in values] == ["1/4", "1", "3/4", "0"]
    cells = _layers(spec)[0]
    assert cells["encoding"]["x"]["title"] == "from"
    assert len(cells["encoding"]["tooltip"]) == 4


def test_interval_chart_marks_the_exact_value() -> None:
    data = pd.DataFrame({"pattern": ["HHT"], "sim": [0.66], "lo": [0.65], "hi": [0.67], "exact": [2 / 3]})
    spec = interval_chart(
        data, category="pattern", estimate="sim", low="lo", high="hi", reference="exact", x_title="P", y_title="pattern"
    ).to_dict()
    marks = [layer["mark"]["type"] for layer in _layers(spec)]
    assert marks == ["errorbar", "point", "tick"]


def test_categories_keep_their_colour() -> None:
    scale = categorical_scale(["a", "b", "c"]).to_dict()
    assert scale["range"] == list(PALETTE[:3])


def test_histogram_is_a_density_under_its_curve() -> None:
    rng = np.random.default_rng(0)
    samples = rng.exponential(size=5_000)
    grid = np.linspace(0, 8, 50)
    curves = pd.DataFrame({"x": grid, "density": np.exp(-grid), "curve": "exact pdf"})
    spec = histogram_with_density(samples, curves, x_title="service time", bins=30).to_dict()
    bars, line = _layers(spec)
    assert bars["encoding"]["x"]["title"] == "service time"
    assert line["mark"]["type"] == "line"
    values = spec["datasets"][bars["data"]["name"]]
    widths = np.array([v["end"] - v["start"] for v in values])
    assert np.sum(widths * [v["density"] for v in values]) == pytest.approx(1.0)


def test_histogram_refuses_no_data() -> None:
    with pytest.raises(ValueError, match="no finite samples"):
        histogram_with_density([np.nan], x_title="x")


def test_pmf_bars_side_by_side() -> None:
    data = pd.DataFrame({"k": [0, 1, 0, 1], "p": [0.5, 0.5, 0.4, 0.6], "source": ["exact", "exact", "sim", "sim"]})
    spec = pmf_bars(data, x="k", y="p", color="source", x_title="k", y_title="P(K = k)").to_dict()
    assert spec["encoding"]["xOffset"]["field"] == "source"
    assert spec["encoding"]["y"]["title"] == "P(K = k)"


def test_choice_charts_have_titles_and_tooltips() -> None:
    from lib.viz.choice import convergence_chart, estimate_bands, share_bars

    shares = pd.DataFrame({"row": ["a", "a", "b", "b"], "alt": ["x", "y", "x", "y"], "share": [0.3, 0.7, 0.5, 0.5]})
    spec = share_bars(shares, row="row", segment="alt", share="share").to_dict()
    bars, labels = _layers(spec)
    assert bars["encoding"]["x"]["title"] == "share of choices"
    assert {t["field"] for t in bars["encoding"]["tooltip"]} == {"row", "alt", "share"}
    assert labels["mark"]["type"] == "text"
    path = pd.DataFrame(
        {"n": [100, 200], "p": ["b", "b"], "est": [1.0, 1.1], "lo": [0.5, 0.8], "hi": [1.5, 1.4], "true": [1.0, 1.0]}
    )
    spec = estimate_bands(
        path, x="n", estimate="est", low="lo", high="hi", truth="true", parameter="p", x_title="n", y_title="β"
    ).to_dict()
    band, line, rule = _layers(spec)
    assert band["encoding"]["x"]["scale"]["type"] == "log"
    assert band["encoding"]["y"]["title"] == "β"
    assert all("tooltip" in layer["encoding"] for layer in (band, line, rule))
    draws = pd.DataFrame(
        {"d": [10, 100], "p": [0.4, 0.45], "alt": ["car", "car"], "ref": [0.45, 0.45], "m": ["g", "g"]}
    )
    spec = convergence_chart(
        draws, x="d", y="p", color="alt", reference="ref", dash="m", x_title="draws", y_title="P"
    ).to_dict()
    line, rule = _layers(spec)
    assert line["encoding"]["strokeDash"]["field"] == "m"
    assert line["encoding"]["x"]["scale"]["domain"] == [10.0, 100.0]
    assert "tooltip" in rule["encoding"]
