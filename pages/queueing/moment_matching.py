"""Section 3 · Moment matching: the fewest phases (and a two-phase Coxian) with the target mean and SCV."""

import numpy as np
import pandas as pd
import streamlit as st

from lib import queueing as q
from lib.viz import histogram_with_density, line_chart
from lib.viz.queueing import feasibility_chart
from pages._common import cached, chart, snippet
from pages.queueing.inputs import FitTarget

GRID = 100

pdf_on = cached(q.pdf)
fit_cox2 = cached(q.fit_coxian2)


def fit_kind(fit: q.PhaseType, scv: float) -> str:
    """What the fewest-phase fit is, in words."""
    need = q.min_phases(scv)
    if fit.n_phases == 1:
        return "single exponential phase"
    if scv > 1:
        return "two-phase hyper-exponential (balanced means)"
    return f"mixture of Erlang-{need - 1} and Erlang-{need} (a {need}-phase Coxian)"


def fit_table(fit_rows: list[tuple[str, q.PhaseType]]) -> pd.DataFrame:
    """One row per fit: its phases, rates, mean, SCV and the third moment the fits disagree on."""
    return pd.DataFrame(
        {
            "fit": [name for name, _ in fit_rows],
            "phases": [d.n_phases for _, d in fit_rows],
            "rates": [", ".join(f"{r:.4g}" for r in -np.diag(d.S)) for _, d in fit_rows],
            "mean": [d.mean for _, d in fit_rows],
            "SCV": [d.scv for _, d in fit_rows],
            "E[S³]": [d.moment(3) for _, d in fit_rows],
        }
    )


@st.fragment
def moment_matching_section(target: FitTarget) -> None:
    fit, target_mean, target_scv, times = target.fit, target.mean, target.scv, target.times
    if fit is None:
        return  # the target's error is shown above
    cox2 = fit_cox2(target_mean, target_scv) if target_scv >= 0.5 else None
    need = q.min_phases(target_scv)
    st.markdown(
        f"**Fewest phases:** a {fit_kind(fit, target_scv)} matches mean {target_mean:g} and SCV {target_scv:g} "
        "exactly" + (" (Tijms' two-moment fit)." if fit.n_phases > 1 else ".")
    )
    fit_left, fit_right = st.columns(2)
    with fit_left:
        chart(
            feasibility_chart,
            target_scv,
            max_phases=max(10, min(20, need + 3)),
            title=f"SCV {target_scv:g} needs at least n = ⌈1/SCV⌉ = {need} phase{'s' if need > 1 else ''}",
        )
    with fit_right:
        grid_fit = np.linspace(0, target_mean * (3 + 2 * np.sqrt(target_scv)), GRID)
        if times is not None:
            grid_fit = np.linspace(0, float(times.max()), GRID)
        fits = [
            pd.DataFrame({"x": grid_fit, "density": pdf_on(fit, grid_fit), "curve": f"fewest phases ({fit.n_phases})"})
        ]
        if cox2 is not None:
            fits.append(
                pd.DataFrame({"x": grid_fit, "density": pdf_on(cox2, grid_fit), "curve": "two-phase Coxian (Marie)"})
            )
        if times is None:
            chart(
                line_chart,
                pd.concat(fits),
                x="x",
                y="density",
                color="curve",
                x_title="service time (min)",
                y_title="density",
                title="Distributions with the target mean and SCV",
            )
        else:
            chart(
                histogram_with_density,
                times,
                pd.concat(fits),
                x_title="service time (min)",
                sample_label=f"{times.size:,} uploaded times",
                title="The uploaded service times and the fitted distributions",
            )
    st.dataframe(
        fit_table([("fewest phases", fit)] + ([("two-phase Coxian", cox2)] if cox2 is not None else [])),
        hide_index=True,
    )
    if cox2 is None:
        st.caption(
            f"No two-phase Coxian reaches SCV {target_scv:g} (two phases give SCV ≥ 1/2); the fit uses {need} phases."
        )
    else:
        st.caption("Two moments do not pin a distribution down: both fits agree on mean and SCV but not on E[S³].")
    snippet(
        """
from lib import queueing as q

mean, scv = $mean, $scv
fit = q.fit_two_moments(mean=mean, scv=scv)  # the fewest phases
print(fit.n_phases, fit.mean, fit.scv, fit.moment(3))
if scv >= 0.5:  # two phases reach SCV >= 1/2
    cox2 = q.fit_coxian2(mean, scv)
    print(cox2.n_phases, cox2.mean, cox2.scv, cox2.moment(3))
""",
        mean=target_mean,
        scv=target_scv,
    )
