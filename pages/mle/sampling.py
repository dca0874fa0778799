"""Section 2 · The sampling distribution of p̂: repeated experiments, exact bias and coverage, and both against m."""

import numpy as np
import pandas as pd
import streamlit as st

from lib import mle
from lib.viz import histogram_with_density, line_chart
from lib.viz.mle import coverage_chart
from pages._common import bound, cached, chart, csv_download, global_seed, snippet
from pages.mle.experiment import size_name

M_GRID = (1, 2, 3, 5, 8, 13, 20, 30, 50, 80, 130, 200, 300, 500)
COVERAGE_REPS = 1000  # simulated repetitions per m in the coverage-vs-m chart

simulate_estimates = cached(mle.simulate_estimates)
exact_properties = cached(mle.exact_properties)
properties_by_m = cached(mle.properties_by_m)


def asymptotic_normal(true_p: float, sd: float) -> pd.DataFrame:
    """The density of N(p, 1/I(p)) on ±4.5 sd around the true p."""
    grid = np.linspace(true_p - 4.5 * sd, true_p + 4.5 * sd, 121)
    density = np.exp(-0.5 * ((grid - true_p) / sd) ** 2) / (sd * np.sqrt(2 * np.pi))
    return pd.DataFrame({"p̂": grid, "density": density, "curve": "N(p, 1/I(p))"})


@st.fragment
def sampling_section(kind: str, true_p: float, size: int, m: int) -> None:
    st.header("2 · The sampling distribution of p̂")
    repetitions = bound(
        st.slider,
        "Repetitions",
        key="mle_reps",
        min_value=100,
        max_value=20_000,
        value=2_000,
        step=100,
        help=f"How many times the whole experiment (m experiments with the true p and {size_name(kind)} above) "
        "is repeated.",
    )
    seed = global_seed()
    sim = simulate_estimates(kind, true_p, size, m, repetitions, 0.95, seed)
    exact = exact_properties(kind, true_p, size, m)
    hist_col, stats_col = st.columns([3, 2])
    with hist_col:
        chart(
            histogram_with_density,
            sim.estimates,
            asymptotic_normal(true_p, exact.asymptotic_sd),
            x="p̂",
            x_title="p̂ in each repetition",
            bins=40,
            sample_label="simulated p̂",
            title="p̂ over repeated experiments against its asymptotic normal",
        )
    with stats_col:
        summary = pd.DataFrame(
            {
                "quantity": ["bias E[p̂] − p", "sd of p̂", "Wald coverage", "profile coverage"],
                "simulated": [sim.bias, sim.sd, sim.wald_coverage, sim.profile_coverage],
                "exact": [exact.bias, exact.sd, exact.wald_coverage, exact.profile_coverage],
            }
        )
        st.dataframe(
            summary,
            hide_index=True,
            column_config={
                "simulated": st.column_config.NumberColumn(format="%.5f"),
                "exact": st.column_config.NumberColumn(format="%.5f"),
            },
        )
        st.caption(
            f"Exact values sum over every possible outcome. Asymptotic sd 1/√I(p) = {exact.asymptotic_sd:.5f}. "
            + (
                "The binomial p̂ is unbiased for every m."
                if kind == "binomial"
                else "m·k/Σn overestimates p for small m (Jensen: 1/x is convex); the bias shrinks like 1/m."
            )
        )
    if exact.wald_coverage < 0.9:
        zero = (1 - true_p) ** (m * size) if kind == "binomial" else 0.0
        reason = (
            f" With probability {zero:.3f} there are no successes at all (Σk = 0): then se = 0 and the Wald interval "
            "is the point {0}, which never contains p."
            if kind == "binomial" and zero > 0.01
            else " The likelihood is skewed, so a symmetric interval misses on one side."
        )
        st.warning(f"The Wald interval covers p only {exact.wald_coverage:.1%} of the time, not 95%.{reason}")

    coverage_reps = min(COVERAGE_REPS, repetitions)
    table = properties_by_m(kind, true_p, size, sorted({*M_GRID, m}), coverage_reps, 0.95, seed)
    chart(
        coverage_chart,
        table,
        title=f"Coverage of the 95% intervals as m grows (lines exact, points {coverage_reps:,} simulated repetitions)",
    )
    chart(
        line_chart,
        table.assign(curve="bias E[p̂] − p"),
        x="m",
        y="bias",
        color="curve",
        dash="source",
        x_title="experiments m",
        y_title="bias E[p̂] − p",
        title="Bias of p̂ against m (exact and simulated)",
    )
    csv_download(table, f"mle_{kind}_coverage.csv", "Download bias and coverage by m (CSV)", key="mle_dl_coverage")
    snippet(
        """
from lib import mle

# 2. Sampling distribution: simulated and exact bias / coverage
sim = mle.simulate_estimates($kind, $true_p, $size, $m, repetitions=$repetitions, seed=$seed)
print(sim.bias, sim.wald_coverage, sim.profile_coverage)
print(mle.exact_properties($kind, $true_p, $size, $m))
""",
        kind=kind,
        true_p=true_p,
        size=size,
        m=m,
        repetitions=repetitions,
        seed=seed,
    )
