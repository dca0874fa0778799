"""Charts of the hypothesis-testing page: the picture of a test, the exact test's pmfs, the verdict
map, power curves with simulated rates, and bootstrap distributions with their intervals."""

from __future__ import annotations

import altair as alt
import pandas as pd

from lib.viz.theme import PALETTE, categorical_scale, finish

AREA_COLOURS = {
    "α: reject | H0": "#C62828",
    "β: keep | H1": "#EF6C00",
    "power: reject | H1": "#2E7D32",
    "p-value area": "#6A1B9A",
}
CURVE_COLOURS = {"H0: p = p0": "#1565C0", "H1: p = p1": "#2E7D32"}


def sampling_picture_chart(
    curves: pd.DataFrame,
    *,
    critical: list[float],
    observed: float | None = None,
    title: str | None = None,
) -> alt.LayerChart:
    """Two sampling densities of p̂ with α, β, power and the p-value shaded (data from
    :func:`lib.hypothesis.sampling_picture`); dashed rules at the critical values, a solid one at p̂."""
    lines = curves[curves["area"].isin(CURVE_COLOURS)]
    areas = curves[~curves["area"].isin(CURVE_COLOURS)]
    domain = [*CURVE_COLOURS, *[a for a in AREA_COLOURS if a in set(areas["area"])]]
    colours = {**CURVE_COLOURS, **AREA_COLOURS}
    scale = alt.Scale(domain=domain, range=[colours[d] for d in domain])
    x = alt.X("p_hat:Q", title="sample proportion p̂ = k / n")
    tooltip = [
        alt.Tooltip("area:N", title="curve / area"),
        alt.Tooltip("p_hat:Q", title="p̂", format=".4f"),
        alt.Tooltip("density:Q", format=".4g"),
    ]
    layers = [
        alt.Chart(areas)
        .mark_area(opacity=0.35, interpolate="linear")
        .encode(
            x=x,
            y=alt.Y("density:Q", title="density of p̂", stack=None),
            color=alt.Color("area:N", scale=scale, title=None),
            detail="segment:N",
            tooltip=tooltip,
        ),
        alt.Chart(lines)
        .mark_line(strokeWidth=2.5)
        .encode(x=x, y="density:Q", color=alt.Color("area:N", scale=scale, title=None), tooltip=tooltip),
    ]
    rules = pd.DataFrame({"p_hat": critical, "what": "critical value"})
    if observed is not None:
        rules = pd.concat([rules, pd.DataFrame({"p_hat": [observed], "what": "observed p̂"})], ignore_index=True)
    if len(rules):
        layers.append(
            alt.Chart(rules)
            .mark_rule(strokeWidth=2)
            .encode(
                x="p_hat:Q",
                strokeDash=alt.StrokeDash(
                    "what:N",
                    scale=alt.Scale(domain=["critical value", "observed p̂"], range=[[5, 4], [1, 0]]),
                    title=None,
                ),
                color=alt.value("#333333"),
                tooltip=[alt.Tooltip("what:N"), alt.Tooltip("p_hat:Q", title="p̂", format=".4f")],
            )
        )
    return finish(alt.layer(*layers), title=title)


def exact_pmf_chart(frame: pd.DataFrame, *, title: str | None = None) -> alt.Chart:
    """The H0 and H1 binomial pmfs side by side per count k; bars in the rejection region are solid."""
    domain = list(dict.fromkeys(frame["distribution"]))
    return finish(
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X("k:O", title="number of heads k", axis=alt.Axis(labelOverlap=True)),
            xOffset=alt.XOffset("distribution:N", sort=domain),
            y=alt.Y("probability:Q", title="P(K = k)"),
            color=alt.Color(
                "distribution:N", scale=alt.Scale(domain=domain, range=[PALETTE[1], PALETTE[0]]), title=None
            ),
            opacity=alt.Opacity(
                "region:N", scale=alt.Scale(domain=["reject H0", "keep H0"], range=[1.0, 0.3]), title="exact test"
            ),
            tooltip=[
                alt.Tooltip("k:O"),
                alt.Tooltip("distribution:N"),
                alt.Tooltip("probability:Q", format=".5f"),
                alt.Tooltip("region:N", title="exact test"),
            ],
        ),
        title=title,
    )


def verdict_map_chart(
    frame: pd.DataFrame, *, verdicts: list[str], point: tuple[int, int] | None = None, title: str | None = None
) -> alt.LayerChart:
    """Cells (n, k) coloured by which verdicts the tests reach; an optional ring marks the current data."""
    # Merge runs of equal verdicts along k within each n: the same picture in far fewer rows.
    frame = frame.sort_values(["n", "k"], kind="stable")
    new_run = (frame["n"].diff() != 0) | (frame["verdict"] != frame["verdict"].shift())
    cells = (
        frame.assign(run=new_run.cumsum())
        .groupby("run", sort=False)
        .agg(n=("n", "first"), k=("k", "first"), k_last=("k", "last"), verdict=("verdict", "first"))
        .reset_index(drop=True)
    )
    cells = cells.assign(n_end=cells["n"] + 1, k_end=cells["k_last"] + 1)
    present = [v for v in verdicts if v in set(frame["verdict"])]
    scale = categorical_scale(present)
    layers = [
        alt.Chart(cells)
        .mark_rect()
        .encode(
            x=alt.X("n:Q", title="number of flips n"),
            x2="n_end:Q",
            y=alt.Y("k:Q", title="number of heads k"),
            y2="k_end:Q",
            color=alt.Color(
                "verdict:N", scale=scale, title="verdict", legend=alt.Legend(orient="right", labelLimit=260)
            ),
            tooltip=[
                alt.Tooltip("n:Q"),
                alt.Tooltip("k:Q", title="k from"),
                alt.Tooltip("k_last:Q", title="k to"),
                alt.Tooltip("verdict:N"),
            ],
        )
    ]
    if point is not None:
        here = pd.DataFrame({"n": [point[1] + 0.5], "k": [point[0] + 0.5], "what": ["your data"]})
        layers.append(
            alt.Chart(here)
            .mark_point(shape="circle", size=160, strokeWidth=3, color="black")
            .encode(x="n:Q", y="k:Q", tooltip=[alt.Tooltip("what:N")])
        )
    return finish(alt.layer(*layers), title=title, height=420)


def power_chart(
    curves: pd.DataFrame,
    simulated: pd.DataFrame | None = None,
    *,
    y_title: str,
    level: float | None = None,
    level_label: str = "target",
    y_max: float = 1.0,
    title: str | None = None,
) -> alt.LayerChart:
    """Theory lines (``n``, ``value``, ``curve``) with simulated rates (``n``, ``rate``, ``low``, ``high``,
    ``curve``) as points with 95% error bars, and an optional horizontal level (target power or α).
    The y axis runs from 0 to ``y_max`` (values above are clamped to the top edge)."""
    names = list(dict.fromkeys(curves["curve"]))
    if simulated is not None:
        names += [c for c in dict.fromkeys(simulated["curve"]) if c not in names]
    scale = categorical_scale(names)
    layers = [
        alt.Chart(curves)
        .mark_line(strokeWidth=2, interpolate="linear")
        .encode(
            x=alt.X("n:Q", title="number of flips n"),
            y=alt.Y("value:Q", title=y_title, scale=alt.Scale(domain=[0, y_max], clamp=True)),
            color=alt.Color("curve:N", scale=scale, title=None),
            tooltip=[alt.Tooltip("curve:N"), alt.Tooltip("n:Q"), alt.Tooltip("value:Q", format=".4f")],
        )
    ]
    if simulated is not None and len(simulated):
        tooltip = [
            alt.Tooltip("curve:N"),
            alt.Tooltip("n:Q"),
            alt.Tooltip("rate:Q", title="simulated rate", format=".4f"),
            alt.Tooltip("low:Q", title="95% low", format=".4f"),
            alt.Tooltip("high:Q", title="95% high", format=".4f"),
        ]
        base = alt.Chart(simulated).encode(
            x="n:Q", color=alt.Color("curve:N", scale=scale, title=None), tooltip=tooltip
        )
        layers += [
            base.mark_rule(strokeWidth=1.5).encode(y="low:Q", y2="high:Q"),
            base.mark_point(filled=True, size=45).encode(y="rate:Q"),
        ]
    if level is not None:
        layers.append(
            alt.Chart(pd.DataFrame({"level": [level], "what": [level_label]}))
            .mark_rule(strokeDash=[4, 4], color="#555555")
            .encode(y="level:Q", tooltip=[alt.Tooltip("what:N"), alt.Tooltip("level:Q", format=".3f")])
        )
    return finish(alt.layer(*layers), title=title)


def bootstrap_chart(
    bars: pd.DataFrame, intervals: pd.DataFrame, *, x_title: str, estimate: float, title: str | None = None
) -> alt.LayerChart:
    """The bootstrap distribution as a histogram (``start``, ``end``, ``density``) with each method's
    interval ends (``method``, ``low``, ``high``) as coloured rules and the estimate θ̂ in black."""
    methods = list(intervals["method"])
    scale = categorical_scale(methods)
    ends = intervals.melt(id_vars="method", value_vars=["low", "high"], var_name="end", value_name="value")
    layers = [
        alt.Chart(bars.assign(base=0.0))
        .mark_rect(opacity=0.35, color="#757575")
        .encode(
            x=alt.X("start:Q", title=x_title),
            x2="end:Q",
            y=alt.Y("base:Q", title="density of θ*"),
            y2="density:Q",
            tooltip=[
                alt.Tooltip("start:Q", title="θ* from", format=".4g"),
                alt.Tooltip("end:Q", title="to", format=".4g"),
                alt.Tooltip("density:Q", format=".4g"),
            ],
        ),
        alt.Chart(ends)
        .mark_rule(strokeWidth=2.5)
        .encode(
            x="value:Q",
            color=alt.Color("method:N", scale=scale, title="interval"),
            strokeDash=alt.StrokeDash("method:N", title="interval"),
            tooltip=[alt.Tooltip("method:N"), alt.Tooltip("end:N"), alt.Tooltip("value:Q", format=".4g")],
        ),
        alt.Chart(pd.DataFrame({"value": [estimate], "what": ["estimate θ̂"]}))
        .mark_rule(strokeWidth=2, color="black")
        .encode(x="value:Q", tooltip=[alt.Tooltip("what:N"), alt.Tooltip("value:Q", format=".4g")]),
    ]
    return finish(alt.layer(*layers), title=title)


def null_distribution_chart(
    bars: pd.DataFrame, observed: float, *, x_title: str, title: str | None = None
) -> alt.LayerChart:
    """A randomisation test's null distribution as a histogram (``start``, ``end``, ``count``, ``tail``: whether
    the bin is at least as extreme as the observed statistic) with the observed value and its mirror as rules."""
    tails = ["as extreme as observed", "less extreme"]
    marks = pd.DataFrame({"value": [observed, -observed], "what": ["observed statistic", "its mirror (two-sided)"]})
    layers = [
        alt.Chart(bars.assign(base=0.0))
        .mark_rect(opacity=0.75)
        .encode(
            x=alt.X("start:Q", title=x_title),
            x2="end:Q",
            y=alt.Y("base:Q", title="deals"),
            y2="count:Q",
            color=alt.Color("tail:N", scale=alt.Scale(domain=tails, range=["#C62828", "#9E9E9E"]), title=None),
            tooltip=[
                alt.Tooltip("start:Q", title="from", format=".4g"),
                alt.Tooltip("end:Q", title="to", format=".4g"),
                alt.Tooltip("count:Q", title="deals"),
                alt.Tooltip("tail:N"),
            ],
        ),
        alt.Chart(marks)
        .mark_rule(strokeWidth=2, color="black")
        .encode(
            x="value:Q",
            strokeDash=alt.StrokeDash("what:N", title=None),
            tooltip=[alt.Tooltip("what:N"), alt.Tooltip("value:Q", format=".4g")],
        ),
    ]
    return finish(alt.layer(*layers), title=title)


def t_picture_chart(
    curve: pd.DataFrame, *, observed: float, critical: list[float], title: str | None = None
) -> alt.LayerChart:
    """A t-test's null distribution (data from :func:`lib.hypothesis.t_null_curve`) with the p-value area
    shaded, the observed t as a solid rule and the critical values at α as dashed ones."""
    colours = {"t under H0": CURVE_COLOURS["H0: p = p0"], "p-value area": AREA_COLOURS["p-value area"]}
    scale = alt.Scale(domain=list(colours), range=list(colours.values()))
    x = alt.X("t:Q", title="t statistic")
    tooltip = [
        alt.Tooltip("area:N", title="curve / area"),
        alt.Tooltip("t:Q", format=".4f"),
        alt.Tooltip("density:Q", format=".4g"),
    ]
    marks = pd.DataFrame({"t": [observed, *critical], "what": ["observed t"] + ["critical value at α"] * len(critical)})
    layers = [
        alt.Chart(curve[curve["area"] == "p-value area"])
        .mark_area(opacity=0.45, interpolate="linear")
        .encode(
            x=x,
            y=alt.Y("density:Q", title="density of t under H0", stack=None),
            color=alt.Color("area:N", scale=scale, title=None),
            detail="segment:N",
            tooltip=tooltip,
        ),
        alt.Chart(curve[curve["area"] == "t under H0"])
        .mark_line(strokeWidth=2.5)
        .encode(x=x, y="density:Q", color=alt.Color("area:N", scale=scale, title=None), tooltip=tooltip),
        alt.Chart(marks)
        .mark_rule(strokeWidth=2, color="#333333")
        .encode(
            x="t:Q",
            strokeDash=alt.StrokeDash(
                "what:N",
                scale=alt.Scale(domain=["observed t", "critical value at α"], range=[[1, 0], [5, 4]]),
                title=None,
            ),
            tooltip=[alt.Tooltip("what:N"), alt.Tooltip("t:Q", format=".4f")],
        ),
    ]
    return finish(alt.layer(*layers), title=title)


def means_chart(
    intervals: pd.DataFrame, dots: pd.DataFrame, *, null_value: float, x_title: str, title: str | None = None
) -> alt.LayerChart:
    """Each group's values as dots with its mean ± confidence interval (data from
    :func:`lib.hypothesis.mean_intervals`); a red tick marks H0's value on the tested row."""
    order = list(intervals["what"])
    y = alt.Y("what:N", title=None, sort=order)
    tested = intervals[intervals["tested"]]
    null = pd.DataFrame({"what": list(tested["what"]), "value": null_value, "mark": "H0 value μ0"})
    interval_tooltip = [
        alt.Tooltip("what:N", title="mean"),
        alt.Tooltip("estimate:Q", format=".4g"),
        alt.Tooltip("low:Q", title="interval low", format=".4g"),
        alt.Tooltip("high:Q", title="interval high", format=".4g"),
        alt.Tooltip("n:Q"),
    ]
    layers = [
        alt.Chart(dots)
        .mark_circle(size=30, opacity=0.35, color="#757575")
        .encode(
            x=alt.X("value:Q", title=x_title, scale=alt.Scale(zero=False)),
            y=y,
            tooltip=[alt.Tooltip("what:N", title="group"), alt.Tooltip("value:Q", format=".4g")],
        ),
        alt.Chart(intervals)
        .mark_rule(strokeWidth=3, color=PALETTE[0])
        .encode(x="low:Q", x2="high:Q", y=y, tooltip=interval_tooltip),
        alt.Chart(intervals)
        .mark_point(filled=True, size=110, color=PALETTE[0])
        .encode(x="estimate:Q", y=y, tooltip=interval_tooltip),
        alt.Chart(null)
        .mark_tick(color="#C62828", thickness=3, size=30)
        .encode(x="value:Q", y=y, tooltip=[alt.Tooltip("mark:N"), alt.Tooltip("value:Q", format=".4g")]),
    ]
    return finish(alt.layer(*layers), title=title, height=alt.Step(56))
