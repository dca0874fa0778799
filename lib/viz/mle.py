"""Charts for the MLE page: the log-likelihood with its intervals, coverage, the (α, β) surface, cross-entropy."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from lib.viz.theme import PALETTE, categorical_scale, finish

# Bands of the relative log-likelihood surface: inside the 50%, 95% and 99.9% likelihood regions
# (χ²₂ quantiles / 2), then further out.
SURFACE_LEVELS = (-20.0, -6.9, -3.0, -0.69)
SURFACE_COLOURS = ("#f7fcf5", "#c7e9c0", "#74c476", "#31a354", "#006d2c")


def loglik_chart(
    curve: pd.DataFrame,
    *,
    mle: float,
    cutoff: float,
    intervals: dict[str, tuple[float, float]],
    truth: float | None = None,
    parameter: str = "p",
    y_title: str | None = None,
    title: str | None = None,
) -> alt.LayerChart:
    """Relative log-likelihood ``ℓ(p) − ℓ(p̂)`` with its quadratic approximation and 95% intervals.

    ``parameter`` names the x column and axis (``"p"``; ``"α"`` for a profile log-likelihood, whose
    ``y_title`` then says so).

    The first entry of ``intervals`` is drawn wide underneath, the others thin on top. The MLE is a
    dashed dark vertical line, ``truth`` a solid red one.

    ``curve`` has a column ``parameter`` and one column per curve (``log-likelihood``, ``quadratic``);
    the intervals are drawn as segments at the cut-off ``−cutoff``, where the profile interval
    meets the log-likelihood and the Wald interval meets the quadratic.
    """
    hat = f"{parameter}\u0302"  # p̂, α̂
    long = curve.melt(id_vars=parameter, var_name="curve", value_name="relative log-likelihood")
    floor = float(curve["log-likelihood"].min())
    long = long[long["relative log-likelihood"] >= 1.5 * floor]
    names = [*dict.fromkeys(long["curve"]), *intervals]
    colour = categorical_scale(names)
    lines = (
        alt.Chart(long)
        .mark_line(strokeWidth=2.5)
        .encode(
            x=alt.X(f"{parameter}:Q", title=parameter, scale=alt.Scale(zero=False)),
            y=alt.Y("relative log-likelihood:Q", title=y_title or f"ℓ({parameter}) − ℓ({hat})"),
            color=alt.Color("curve:N", scale=colour, title=None),
            strokeDash=alt.StrokeDash(
                "curve:N",
                legend=None,
                scale=alt.Scale(domain=["log-likelihood", "quadratic"], range=[[1, 0], [6, 4]]),
            ),
            tooltip=[
                alt.Tooltip("curve:N"),
                alt.Tooltip(f"{parameter}:Q", format=".4f"),
                alt.Tooltip("relative log-likelihood:Q", format=".4f"),
            ],
        )
    )
    segments = pd.DataFrame(
        {
            "curve": list(intervals),
            "low": [lo for lo, _ in intervals.values()],
            "high": [hi for _, hi in intervals.values()],
            "level": -cutoff,
        }
    )
    # The profile segment is drawn wide underneath, the Wald one thin on top, so both stay visible.
    segments["width"] = [9 if i == 0 else 3 for i in range(len(segments))]
    bars = (
        alt.Chart(segments)
        .mark_rule(opacity=0.85)
        .encode(
            strokeWidth=alt.StrokeWidth("width:Q", legend=None, scale=None),
            x=alt.X("low:Q"),
            x2=alt.X2("high:Q"),
            y=alt.Y("level:Q"),
            color=alt.Color("curve:N", scale=colour, title=None),
            tooltip=[
                alt.Tooltip("curve:N", title="interval"),
                alt.Tooltip("low:Q", format=".4f"),
                alt.Tooltip("high:Q", format=".4f"),
                alt.Tooltip("level:Q", title="cut-off −χ²₁/2", format=".4f"),
            ],
        )
    )
    # Channels are given as objects (alt.X(...)), never as "field:Q" strings or alt.condition: those make
    # Altair search its schema for a match, about 8 ms each, and these charts are rebuilt on every new input.
    verticals = [
        alt.Chart(pd.DataFrame({"what": [what], parameter: [value]}))
        .mark_rule(strokeWidth=1.5, color=colour_, strokeDash=dash)
        .encode(
            x=alt.X(f"{parameter}:Q"),
            tooltip=[alt.Tooltip("what:N"), alt.Tooltip(f"{parameter}:Q", format=".6f")],
        )
        for what, value, colour_, dash in (
            (f"MLE {hat}", mle, "#333", [4, 3]),
            (f"true {parameter}", truth, PALETTE[4], [1, 0]),
        )
        if value is not None
    ]
    cut = pd.DataFrame({"level": [-cutoff], "what": ["χ²₁(0.95)/2 below the maximum"]})
    cut_rule = (
        alt.Chart(cut)
        .mark_rule(color="#C62828", strokeDash=[2, 2])
        .encode(y=alt.Y("level:Q"), tooltip=[alt.Tooltip("what:N"), alt.Tooltip("level:Q", format=".4f")])
    )
    return finish(alt.layer(lines, cut_rule, *verticals, bars), title=title)


def coverage_chart(table: pd.DataFrame, *, level: float = 0.95, title: str | None = None) -> alt.LayerChart:
    """Coverage of both intervals against the number of experiments m (log x), exact lines and simulated points.

    ``table`` is :func:`lib.mle.properties_by_m` output.
    """
    intervals = ["Wald coverage", "profile coverage"]
    long = table.melt(id_vars=["m", "source"], value_vars=intervals, var_name="interval", value_name="coverage")
    colour = categorical_scale(["profile coverage", "Wald coverage"])
    base = alt.Chart(long).encode(
        x=alt.X("m:Q", title="experiments m (log scale)", scale=alt.Scale(type="log")),
        y=alt.Y("coverage:Q", title="P(interval contains the true p)", scale=alt.Scale(zero=False)),
        color=alt.Color("interval:N", scale=colour, title=None),
        tooltip=[
            alt.Tooltip("interval:N"),
            alt.Tooltip("source:N"),
            alt.Tooltip("m:Q"),
            alt.Tooltip("coverage:Q", format=".4f"),
        ],
    )
    exact = base.transform_filter(alt.datum.source == "exact").mark_line(strokeWidth=2.5)
    simulated = base.transform_filter(alt.datum.source == "simulated").mark_point(size=50, filled=True, opacity=0.8)
    nominal = (
        alt.Chart(pd.DataFrame({"level": [level], "what": ["nominal level"]}))
        .mark_rule(color="#555", strokeDash=[4, 4])
        .encode(y=alt.Y("level:Q"), tooltip=[alt.Tooltip("what:N"), alt.Tooltip("level:Q")])
    )
    return finish(alt.layer(exact, simulated, nominal), title=title)


def cross_entropy_chart(curve: pd.DataFrame, *, q: float, entropy: float, title: str | None = None) -> alt.LayerChart:
    """Cross-entropy ``H(q̂, p)`` and the mean negative log-likelihood against p, with their common minimum.

    ``curve`` is long-format with columns ``p``, ``nats`` and ``curve``.
    """
    colour = categorical_scale(list(dict.fromkeys(curve["curve"])))
    lines = (
        alt.Chart(curve)
        .mark_line(strokeWidth=2.5)
        .encode(
            x=alt.X("p:Q", title="model p"),
            y=alt.Y("nats:Q", title="nats per trial", scale=alt.Scale(zero=False)),
            color=alt.Color("curve:N", scale=colour, title=None),
            strokeDash=alt.StrokeDash("curve:N", legend=None),
            tooltip=[alt.Tooltip("curve:N"), alt.Tooltip("p:Q", format=".4f"), alt.Tooltip("nats:Q", format=".5f")],
        )
    )
    minimum = (
        alt.Chart(pd.DataFrame({"p": [q], "nats": [entropy], "what": ["minimum: p = q̂ (the MLE), value H(q̂)"]}))
        .mark_point(size=120, filled=True, color=PALETTE[4])
        .encode(
            x=alt.X("p:Q"),
            y=alt.Y("nats:Q"),
            tooltip=[alt.Tooltip("what:N"), alt.Tooltip("p:Q", format=".5f"), alt.Tooltip("nats:Q", format=".5f")],
        )
    )
    return finish(alt.layer(lines, minimum), title=title)


def surface_chart(
    surface: pd.DataFrame,
    *,
    fit: tuple[float, float],
    truth: tuple[float, float] | None = None,
    title: str | None = None,
) -> alt.LayerChart:
    """The (α, β) log-likelihood surface as banded cells on log axes, with the fit (and the truth).

    ``surface`` is :func:`lib.mle.bnb_loglik_surface` output on a geometric grid. Bands are the
    50%, 95% and 99.9% likelihood regions (``ℓ − ℓ_max`` above −0.69, −3.0, −6.9), then −20.
    """
    frame = surface.copy()
    frame["relative"] = frame["loglik"] - frame["loglik"].max()
    for name in ("alpha", "beta"):
        values = np.unique(frame[name])
        ratio = values[1] / values[0] if values.size > 1 else 2.0
        half = np.sqrt(ratio)
        frame[f"{name}_lo"] = frame[name] / half
        frame[f"{name}_hi"] = frame[name] * half
    cells = (
        alt.Chart(frame)
        .mark_rect()
        .encode(
            x=alt.X("alpha_lo:Q", title="α (log scale)", scale=alt.Scale(type="log", nice=False)),
            x2=alt.X2("alpha_hi:Q"),
            y=alt.Y("beta_lo:Q", title="β (log scale)", scale=alt.Scale(type="log", nice=False)),
            y2=alt.Y2("beta_hi:Q"),
            color=alt.Color(
                "relative:Q",
                title="ℓ − ℓ max",
                scale=alt.Scale(type="threshold", domain=list(SURFACE_LEVELS), range=list(SURFACE_COLOURS)),
            ),
            tooltip=[
                alt.Tooltip("alpha:Q", title="α", format=".4g"),
                alt.Tooltip("beta:Q", title="β", format=".4g"),
                alt.Tooltip("loglik:Q", title="log-likelihood", format=".3f"),
                alt.Tooltip("relative:Q", title="ℓ − ℓ max", format=".3f"),
            ],
        )
    )
    points = pd.DataFrame({"what": ["fitted (α̂, β̂)"], "alpha": [fit[0]], "beta": [fit[1]]})
    if truth is not None:
        points = pd.concat(
            [points, pd.DataFrame({"what": ["true (α, β)"], "alpha": [truth[0]], "beta": [truth[1]]})],
            ignore_index=True,
        )
    markers = (
        alt.Chart(points)
        .mark_point(size=160, strokeWidth=3, filled=False)
        .encode(
            x=alt.X("alpha:Q"),
            y=alt.Y("beta:Q"),
            shape=alt.Shape("what:N", title=None, scale=alt.Scale(range=["cross", "circle"])),
            color=alt.Color("what:N", scale=alt.Scale(range=[PALETTE[4], PALETTE[3]]), title=None),
            tooltip=[alt.Tooltip("what:N"), alt.Tooltip("alpha:Q", format=".4g"), alt.Tooltip("beta:Q", format=".4g")],
        )
    )
    return finish(alt.layer(cells, markers).resolve_scale(color="independent"), title=title, height=360)


def probability_plot(
    points: pd.DataFrame, *, x: str, y: str, x_title: str, y_title: str, title: str | None = None
) -> alt.LayerChart:
    """A QQ or PP plot: ``y`` against ``x`` per ``family`` (long format), over the dashed diagonal y = x.

    A family that fits lies on the diagonal; bends away from it show where the fit fails (tails, centre).
    """
    families = list(dict.fromkeys(points["family"]))
    low = float(np.nanmin(points[[x, y]].to_numpy()))
    high = float(np.nanmax(points[[x, y]].to_numpy()))
    diagonal = pd.DataFrame({x: [low, high], y: [low, high]})
    dots = (
        alt.Chart(points)
        .mark_circle(size=22, opacity=0.65)
        .encode(
            x=alt.X(f"{x}:Q", title=x_title),
            y=alt.Y(f"{y}:Q", title=y_title),
            color=alt.Color("family:N", scale=categorical_scale(families), title="family"),
            tooltip=[
                alt.Tooltip("family:N"),
                alt.Tooltip("probability:Q", format=".4f"),
                alt.Tooltip(f"{x}:Q", format=".4g"),
                alt.Tooltip(f"{y}:Q", format=".4g"),
            ],
        )
    )
    line = (
        alt.Chart(diagonal)
        .mark_line(strokeDash=[4, 4], color="#555555")
        .encode(x=f"{x}:Q", y=f"{y}:Q", tooltip=[alt.Tooltip(f"{x}:Q", title="y = x", format=".4g")])
    )
    return finish(alt.layer(dots, line), title=title)
