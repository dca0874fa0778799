"""lib.viz.mle builders produce valid Vega-Lite with axis titles and a tooltip on every mark."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lib import mle
from lib.viz.mle import coverage_chart, cross_entropy_chart, loglik_chart, probability_plot, surface_chart


def _layers(spec: dict) -> list[dict]:
    return spec.get("layer", [spec])


def _assert_every_mark_has_a_tooltip(spec: dict) -> None:
    for layer in _layers(spec):
        assert "tooltip" in layer["encoding"], layer["mark"]


def _charts():
    est = mle.binomial_mle([3, 5, 4], 10)
    table = mle.properties_by_m("binomial", 0.3, 5, [1, 10, 100], repetitions=100, seed=0)
    grid = np.linspace(0.01, 0.99, 50)
    ce = pd.DataFrame({"p": grid, "nats": mle.cross_entropy(0.4, grid), "curve": "H"})
    trials = mle.sample_beta_negative_binomial(2, 4.0, 2.0, 100, seed=0)
    surface = mle.bnb_loglik_surface(trials, 2, np.geomspace(1, 20, 8), np.geomspace(0.5, 10, 8))
    return {
        "loglik": loglik_chart(
            mle.loglik_curve(est),
            mle=est.value,
            cutoff=est.cutoff,
            intervals={"profile": est.profile_ci, "Wald": est.wald_ci},
            truth=0.3,
        ),
        "coverage": coverage_chart(table),
        "cross_entropy": cross_entropy_chart(ce, q=0.4, entropy=float(mle.cross_entropy(0.4, 0.4))),
        "surface": surface_chart(surface, fit=(4.0, 2.0), truth=(4.0, 2.0)),
        "qq": probability_plot(
            mle.probability_plot_points(trials, mle.fit_families(trials)[0]),
            x="fitted quantile",
            y="sample quantile",
            x_title="fitted quantile",
            y_title="sample quantile",
        ),
    }


@pytest.mark.parametrize("name", ["loglik", "coverage", "cross_entropy", "surface", "qq"])
def test_builders_give_valid_specs_with_tooltips(name) -> None:
    chart = _charts()[name]
    spec = chart.to_dict(validate=True)  # JSON-schema validation against Vega-Lite
    _assert_every_mark_has_a_tooltip(spec)
    assert spec["width"] == "container"
    first = _layers(spec)[0]["encoding"]
    assert first["x"]["title"]
    assert first["y"]["title"]


def test_loglik_chart_draws_both_intervals_at_the_cutoff() -> None:
    est = mle.binomial_mle([3, 5, 4], 10)
    spec = loglik_chart(
        mle.loglik_curve(est),
        mle=est.value,
        cutoff=est.cutoff,
        intervals={"profile": est.profile_ci, "Wald": est.wald_ci},
    ).to_dict()
    bars = _layers(spec)[-1]
    datasets = spec["datasets"]
    rows = next(rows for rows in datasets.values() if rows and "low" in rows[0])
    assert [r["curve"] for r in rows] == ["profile", "Wald"]
    assert all(r["level"] == pytest.approx(-est.cutoff) for r in rows)
    assert bars["mark"]["type"] == "rule"


def test_loglik_chart_names_its_parameter_for_a_profile() -> None:
    trials = mle.sample_beta_negative_binomial(2, 6.0, 3.0, 300, seed=1)
    fit = mle.bnb_inference(trials, 2)
    grid = np.linspace(fit.alpha_ci[0], fit.alpha_ci[1], 5)
    curve = pd.DataFrame({"α": grid, "log-likelihood": mle.bnb_profile_loglik(trials, 2, "alpha", grid) - fit.loglik})
    spec = loglik_chart(
        curve, mle=fit.alpha, cutoff=fit.cutoff, intervals={"profile": fit.alpha_ci}, parameter="α", y_title="ℓ_p(α)"
    ).to_dict(validate=True)
    lines = _layers(spec)[0]["encoding"]
    assert (lines["x"]["field"], lines["x"]["title"], lines["y"]["title"]) == ("α", "α", "ℓ_p(α)")
    rows = next(rows for rows in spec["datasets"].values() if rows and "what" in rows[0] and "α" in rows[0])
    assert rows[0]["what"] == "MLE α̂"
    _assert_every_mark_has_a_tooltip(spec)
