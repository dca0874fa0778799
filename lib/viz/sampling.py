"""Charts of the sampling-temperature page: loss curves, next-character bars, the truncation
pipeline, and quality against diversity of generated text (data in, Altair out)."""

from __future__ import annotations

import altair as alt
import pandas as pd

from lib.viz.theme import PALETTE, categorical_scale, finish


def loss_curve_chart(
    history: pd.DataFrame,
    *,
    unit: str,
    baseline: float | None = None,
    target: float | None = None,
    title: str | None = None,
) -> alt.LayerChart:
    """Training and validation loss per step (columns ``step``, ``curve``, ``loss``), in ``unit``.

    ``baseline`` (the unigram model) and ``target`` are drawn as dashed horizontal rules.
    """
    domain = list(dict.fromkeys(history["curve"])) or ["training"]
    lines = (
        alt.Chart(history)
        .mark_line(point=alt.OverlayMarkDef(size=14))
        .encode(
            x=alt.X("step:Q", title="training step", axis=alt.Axis(format="d")),
            y=alt.Y("loss:Q", title=f"cross-entropy ({unit} per character)", scale=alt.Scale(zero=False)),
            color=alt.Color("curve:N", scale=categorical_scale(domain), title=None),
            tooltip=[alt.Tooltip("curve:N"), alt.Tooltip("step:Q"), alt.Tooltip("loss:Q", title=unit, format=".4f")],
        )
    )
    levels = [
        (name, value) for name, value in (("unigram baseline", baseline), ("target", target)) if value is not None
    ]
    layers = [lines]
    for (name, value), colour in zip(levels, (PALETTE[4], PALETTE[3]), strict=False):
        rule = pd.DataFrame({"what": [name], "level": [value]})
        layers.append(
            alt.Chart(rule)
            .mark_rule(strokeDash=[5, 4], color=colour)
            .encode(
                y=alt.Y("level:Q"),
                tooltip=[alt.Tooltip("what:N"), alt.Tooltip("level:Q", title=unit, format=".4f")],
            )
        )
    return finish(alt.layer(*layers), title=title)


def token_bars(frame: pd.DataFrame, *, temperature: float, title: str | None = None) -> alt.LayerChart:
    """Next-character probabilities at τ (bars) with the model's own τ = 1 values (ticks).

    ``frame`` has ``label`` (readable character), ``rank``, ``probability``, ``at τ = 1`` and ``logit``.
    """
    x = alt.X(
        "label:N",
        title="next character (most likely first)",
        sort=alt.EncodingSortField("rank", op="min"),
        axis=alt.Axis(labelAngle=0, labelFontSize=13),
    )
    tooltip = [
        alt.Tooltip("label:N", title="character"),
        alt.Tooltip("rank:Q"),
        alt.Tooltip("probability:Q", title=f"p at τ = {temperature:g}", format=".4f"),
        alt.Tooltip("at τ = 1:Q", format=".4f"),
        alt.Tooltip("logit:Q", format=".3f"),
    ]
    bars = (
        alt.Chart(frame)
        .mark_bar(color=PALETTE[0])
        .encode(x=x, y=alt.Y("probability:Q", title="probability"), tooltip=tooltip)
    )
    ticks = (
        alt.Chart(frame).mark_tick(color=PALETTE[2], thickness=2).encode(x=x, y=alt.Y("at τ = 1:Q"), tooltip=tooltip)
    )
    return finish(alt.layer(bars, ticks), title=title)


def pipeline_chart(frame: pd.DataFrame, *, title: str | None = None) -> alt.Chart:
    """The distribution after each pipeline stage, as grouped bars per character.

    ``frame`` is long: ``label``, ``rank``, ``stage`` (in pipeline order), ``probability``.
    """
    stages = list(dict.fromkeys(frame["stage"]))
    return finish(
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X(
                "label:N",
                title="next character",
                sort=alt.EncodingSortField("rank", op="min"),
                axis=alt.Axis(labelAngle=0, labelFontSize=13),
            ),
            xOffset=alt.XOffset("stage:N", sort=stages),
            y=alt.Y("probability:Q", title="probability after the stage"),
            color=alt.Color("stage:N", scale=categorical_scale(stages), sort=stages, title="after"),
            tooltip=[
                alt.Tooltip("stage:N", title="after"),
                alt.Tooltip("label:N", title="character"),
                alt.Tooltip("rank:Q"),
                alt.Tooltip("probability:Q", format=".4f"),
            ],
        ),
        title=title,
    )


def quality_diversity_chart(frame: pd.DataFrame, *, title: str | None = None) -> alt.LayerChart:
    """One point per temperature: diversity (distinct-2) against quality (mean log-probability at τ = 1).

    ``frame`` has ``temperature``, ``distinct-2``, ``mean log-prob``, ``repetition rate``.
    """
    frame = frame.assign(τ=[f"τ = {t:g}" for t in frame["temperature"]])
    base = alt.Chart(frame).encode(
        x=alt.X("distinct-2:Q", title="diversity: distinct character pairs / all pairs", scale=alt.Scale(zero=False)),
        y=alt.Y(
            "mean log-prob:Q", title="quality: mean log p(char) under the model (nats)", scale=alt.Scale(zero=False)
        ),
        tooltip=[
            alt.Tooltip("temperature:Q"),
            alt.Tooltip("distinct-2:Q", format=".3f"),
            alt.Tooltip("mean log-prob:Q", format=".3f"),
            alt.Tooltip("repetition rate:Q", format=".3f"),
        ],
    )
    line = base.mark_line(color="#999", strokeDash=[3, 3]).encode(order=alt.Order("temperature:Q"))
    points = base.mark_point(size=90, filled=True, color=PALETTE[0])
    labels = base.mark_text(dx=8, dy=-8, align="left").encode(text=alt.Text("τ:N"))
    return finish(alt.layer(line, points, labels), title=title)


def trace_chart(frame: pd.DataFrame, *, title: str | None = None) -> alt.LayerChart:
    """Each generated character's probability under the final distribution and under the model (τ = 1).

    ``frame`` has ``position``, ``label`` (readable character), ``probability``, ``rank``,
    ``model probability``, ``model rank`` and ``changed by``.
    """
    long = frame.melt(
        id_vars=["position", "label", "rank", "model rank", "changed by"],
        value_vars=["probability", "model probability"],
        var_name="distribution",
        value_name="p",
    ).replace({"distribution": {"probability": "drawn from (after every stage)", "model probability": "model, τ = 1"}})
    domain = ["drawn from (after every stage)", "model, τ = 1"]
    base = alt.Chart(long).encode(
        x=alt.X("position:Q", title="generated character (position)", axis=alt.Axis(format="d")),
        y=alt.Y("p:Q", title="probability of the character drawn", scale=alt.Scale(domain=[0, 1])),
        color=alt.Color("distribution:N", scale=categorical_scale(domain), title=None),
        tooltip=[
            alt.Tooltip("position:Q"),
            alt.Tooltip("label:N", title="character"),
            alt.Tooltip("distribution:N"),
            alt.Tooltip("p:Q", title="probability", format=".4f"),
            alt.Tooltip("rank:Q", title="rank drawn from"),
            alt.Tooltip("model rank:Q"),
            alt.Tooltip("changed by:N"),
        ],
    )
    text = (
        alt.Chart(frame)
        .mark_text(dy=-10, fontSize=13)
        .encode(x="position:Q", y="probability:Q", text="label:N", tooltip=[alt.Tooltip("label:N", title="character")])
    )
    return finish(alt.layer(base.mark_line(strokeWidth=1), base.mark_point(filled=True, size=40), text), title=title)
