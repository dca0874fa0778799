"""lib.viz.sampling: every builder validates against Vega-Lite, names its axes and carries tooltips."""

from __future__ import annotations

import pandas as pd

from lib.viz.sampling import loss_curve_chart, pipeline_chart, quality_diversity_chart, token_bars, trace_chart


def _layers(spec: dict) -> list[dict]:
    return spec.get("layer", [spec])


def test_loss_curve_has_both_curves_and_the_rules() -> None:
    history = pd.DataFrame({"curve": ["training", "training", "validation"], "step": [1, 2, 2], "loss": [3, 2.5, 2.6]})
    spec = loss_curve_chart(history, unit="bits", baseline=4.3, target=2.6).to_dict()
    lines, baseline, target = _layers(spec)
    assert lines["encoding"]["y"]["title"] == "cross-entropy (bits per character)"
    assert {t["field"] for t in lines["encoding"]["tooltip"]} == {"curve", "step", "loss"}
    assert baseline["mark"]["type"] == target["mark"]["type"] == "rule"
    assert len(_layers(loss_curve_chart(history, unit="nats").to_dict())) == 1  # no rules when not given


def test_token_bars_sort_by_rank_and_show_both_temperatures() -> None:
    frame = pd.DataFrame(
        {
            "label": ["␣", "e", "↵"],
            "rank": [1, 2, 3],
            "probability": [0.6, 0.3, 0.1],
            "at τ = 1": [0.5, 0.3, 0.2],
            "logit": [2.0, 1.3, 0.2],
        }
    )
    bars, ticks = _layers(token_bars(frame, temperature=0.5).to_dict())
    assert bars["encoding"]["x"]["sort"] == {"field": "rank", "op": "min"}
    assert ticks["encoding"]["y"]["field"] == "at τ = 1"
    assert "p at τ = 0.5" in [t.get("title") for t in bars["encoding"]["tooltip"]]


def test_pipeline_and_quality_charts_validate() -> None:
    long = pd.DataFrame(
        {
            "label": ["a", "a", "b", "b"],
            "rank": [1, 1, 2, 2],
            "stage": ["τ = 1", "top-k 1"] * 2,
            "probability": [0.7, 1.0, 0.3, 0.0],
        }
    )
    spec = pipeline_chart(long).to_dict()
    assert spec["encoding"]["xOffset"]["field"] == "stage"
    assert spec["encoding"]["color"]["scale"]["domain"] == ["τ = 1", "top-k 1"]
    summary = pd.DataFrame(
        {
            "temperature": [0.0, 1.0],
            "distinct-2": [0.2, 0.8],
            "mean log-prob": [-0.5, -2.0],
            "repetition rate": [0.5, 0.1],
        }
    )
    _, points, labels = _layers(quality_diversity_chart(summary).to_dict())
    assert points["encoding"]["x"]["title"].startswith("diversity")
    assert labels["encoding"]["text"]["field"] == "τ"


def test_trace_chart_shows_both_distributions_and_the_characters() -> None:
    frame = pd.DataFrame(
        {
            "position": [1, 2],
            "label": ["a", "␣"],
            "probability": [0.7, 0.2],
            "rank": [1, 3],
            "model probability": [0.5, 0.1],
            "model rank": [1, 4],
            "changed by": ["", "the draw"],
        }
    )
    spec = trace_chart(frame, title="trace").to_dict()
    line, points, text = _layers(spec)
    assert line["encoding"]["x"]["title"] == "generated character (position)"
    assert {t["field"] for t in points["encoding"]["tooltip"]} >= {"label", "p", "rank", "model rank", "changed by"}
    assert text["mark"]["type"] == "text"
    (data,) = [d for d in spec["datasets"].values() if len(d) == 4]  # melted: two distributions per character
    assert {row["distribution"] for row in data} == {"drawn from (after every stage)", "model, τ = 1"}
