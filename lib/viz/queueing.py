"""Pictures for the queueing page: the phase diagram, theory against simulation with
intervals, and the feasible region of moment matching (no streamlit)."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from lib.viz.theme import PALETTE, categorical_scale, finish

_MIN_EDGE = 1e-12  # transitions below this probability are not drawn


def _number(value: float) -> str:
    return f"{value:.3g}"


def phase_diagram(alpha: np.ndarray, S: np.ndarray, *, max_phases: int = 12) -> str:
    """Graphviz DOT source of a phase-type distribution's absorbing chain.

    ``start`` → phase ``i`` with probability ``α_i``; each phase is a circle labelled
    with its rate; arrows carry the probability of the next step (to another phase, or
    to ``done`` with ``s0_i / -S_ii``). More than ``max_phases`` phases are summarised.
    """
    alpha, S = np.asarray(alpha, dtype=float), np.asarray(S, dtype=float)
    n = alpha.size
    lines = [
        "digraph phases {",
        '  rankdir=LR; bgcolor="transparent";',
        '  node [fontname="Helvetica", fontsize=11]; edge [fontname="Helvetica", fontsize=10];',
        '  start [shape=point, width=0.15]; done [shape=doublecircle, label="done", width=0.5];',
    ]
    if n > max_phases:
        lines.append(f'  many [shape=box, label="{n} phases\\n(too many to draw)"];')
        lines += ["  start -> many;", "  many -> done;", "}"]
        return "\n".join(lines)
    rates = -np.diag(S)
    exits = np.clip(-S.sum(axis=1), 0.0, None)
    for i in range(n):
        lines.append(
            f'  p{i} [shape=circle, style=filled, fillcolor="{PALETTE[0]}22", color="{PALETTE[0]}", '
            f'label="{i + 1}\\nμ={_number(rates[i])}"];'
        )
    atom = 1.0 - alpha.sum()
    for i in range(n):
        if alpha[i] > _MIN_EDGE:
            lines.append(f'  start -> p{i} [label="{_number(alpha[i])}"];')
    if atom > 1e-9:
        lines.append(f'  start -> done [label="{_number(atom)}", style=dashed];')
    for i in range(n):
        for j in range(n):
            if i != j and S[i, j] / rates[i] > _MIN_EDGE:
                lines.append(f'  p{i} -> p{j} [label="{_number(S[i, j] / rates[i])}"];')
        if exits[i] / rates[i] > _MIN_EDGE:
            lines.append(f'  p{i} -> done [label="{_number(exits[i] / rates[i])}", color="{PALETTE[2]}"];')
    lines.append("}")
    return "\n".join(lines)


def theory_vs_simulation(
    data: pd.DataFrame,
    *,
    x: str,
    theory: str,
    estimate: str,
    low: str,
    high: str,
    x_title: str,
    y_title: str,
    theory_label: str = "theory",
    log_y: bool = False,
    title: str | None = None,
) -> alt.LayerChart:
    """A closed-form curve with simulated estimates and their confidence intervals on top.

    ``data`` has one row per x with the theory value and, where simulated, ``estimate`` in
    ``[low, high]`` (rows without a simulation carry NaN there and draw only the curve).
    """
    names = [theory_label, "simulated (95% CI)"]
    colour = categorical_scale(names)
    y_scale = alt.Scale(type="log") if log_y else alt.Scale(zero=False)
    curve = pd.DataFrame({x: data[x], "value": data[theory], "source": theory_label})
    sims = data.dropna(subset=[estimate]).assign(source=names[1])
    line = (
        alt.Chart(curve)
        .mark_line(strokeWidth=2.5)
        .encode(
            x=alt.X(f"{x}:Q", title=x_title),
            y=alt.Y("value:Q", title=y_title, scale=y_scale),
            color=alt.Color("source:N", scale=colour, title=None),
            tooltip=[alt.Tooltip(f"{x}:Q", format=".4g"), alt.Tooltip("value:Q", title=theory_label, format=".4g")],
        )
    )
    tips = [
        alt.Tooltip(f"{x}:Q", format=".4g"),
        alt.Tooltip(f"{estimate}:Q", title="simulated", format=".4g"),
        alt.Tooltip(f"{low}:Q", title="95% CI low", format=".4g"),
        alt.Tooltip(f"{high}:Q", title="95% CI high", format=".4g"),
        alt.Tooltip(f"{theory}:Q", title=theory_label, format=".4g"),
    ]
    bars = (
        alt.Chart(sims)
        .mark_errorbar(ticks=True, thickness=2)
        .encode(
            x=alt.X(f"{x}:Q"),
            y=alt.Y(f"{low}:Q", scale=y_scale, title=y_title),
            y2=f"{high}:Q",
            color=alt.Color("source:N", scale=colour, title=None),
            tooltip=tips,
        )
    )
    points = (
        alt.Chart(sims)
        .mark_point(filled=True, size=70)
        .encode(
            x=alt.X(f"{x}:Q"),
            y=alt.Y(f"{estimate}:Q", scale=y_scale),
            color=alt.Color("source:N", scale=colour, title=None),
            tooltip=tips,
        )
    )
    return finish(alt.layer(line, bars, points), title=title)


def feasibility_chart(target_scv: float, *, max_phases: int = 20, title: str | None = None) -> alt.LayerChart:
    """The SCVs that ``n`` exponential phases can reach (``SCV >= 1/n``), and where the target lies.

    Bars span the feasible SCVs for each number of phases, green where the target fits;
    the dashed line is the target.
    """
    n = np.arange(1, max_phases + 1)
    top = max(2.0, 1.25 * target_scv)
    frame = pd.DataFrame(
        {
            "phases": n,
            "lowest SCV": 1 / n,
            "top": top,
            "fits the target": np.where(1 / n <= target_scv + 1e-12, "yes", "no"),
        }
    )
    colour = alt.Scale(domain=["yes", "no"], range=[PALETTE[0], "#BDBDBD"])
    bars = (
        alt.Chart(frame)
        .mark_bar(opacity=0.55)
        .encode(
            x=alt.X("phases:O", title="number of phases n"),
            y=alt.Y("lowest SCV:Q", title="squared coefficient of variation", scale=alt.Scale(domain=[0, top])),
            y2="top:Q",
            color=alt.Color("fits the target:N", scale=colour),
            tooltip=[
                alt.Tooltip("phases:O"),
                alt.Tooltip("lowest SCV:Q", title="lowest reachable SCV = 1/n", format=".4g"),
                alt.Tooltip("fits the target:N"),
            ],
        )
    )
    target = pd.DataFrame({"target SCV": [target_scv]})
    rule = (
        alt.Chart(target)
        .mark_rule(strokeDash=[6, 4], strokeWidth=2, color=PALETTE[4])
        .encode(y=alt.Y("target SCV:Q"), tooltip=[alt.Tooltip("target SCV:Q", format=".4g")])
    )
    return finish(alt.layer(bars, rule), title=title)
