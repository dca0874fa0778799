"""Section 1 · The notes' chain: HHT vs HTT iterated with x_(t+1) = A x_t, its limit and speed."""

import numpy as np
import pandas as pd
import streamlit as st

from lib import markov
from lib.viz import heatmap, line_chart
from pages._common import bound, chart, csv_download, snippet
from pages.markov.formatting import fraction_text

LABELS = list(markov.HHT_VS_HTT_LABELS)
X0 = [1.0, 0.0, 0.0, 0.0]  # the first head has appeared


@st.fragment
def notes_chain_section() -> None:
    st.header("1 · The notes' chain")
    steps = bound(
        st.slider,
        "Steps t",
        key="mc_steps",
        min_value=0,
        max_value=60,
        value=10,
        help="How many times x_(t+1) = A x_t is applied, starting from x_0 = H (the first head has appeared).",
    )
    A = markov.hht_vs_htt_matrix()
    trajectory = markov.evolve(A, X0, steps)
    limit_exact = markov.limit_distribution(A, X0, exact=True)
    distance = markov.distance_to_limit(A, X0, steps)
    rate = markov.convergence_rate(A)

    matrix_col, trajectory_col = st.columns([2, 3])
    with matrix_col:
        chart(
            heatmap,
            A,
            LABELS,
            LABELS,
            x_title="from state",
            y_title="to state",
            value_title="probability",
            text=np.vectorize(fraction_text)(markov.hht_vs_htt_matrix(exact=True)),
            title="Transition matrix A (columns sum to 1)",
        )
    with trajectory_col:
        frame = pd.DataFrame(trajectory, columns=LABELS).assign(step=np.arange(steps + 1))
        chart(
            line_chart,
            frame.melt(id_vars="step", var_name="state", value_name="probability"),
            x="step",
            y="probability",
            color="state",
            x_title="step t",
            y_title="P(state at step t)",
            rules={label: float(v) for label, v in zip(LABELS[2:], limit_exact[2:], strict=True)},
            title="x_t = Aᵗ x_0: where the walk is after t steps (dashed: the limit)",
        )

    metric_cols = st.columns(4)
    for col, index in zip(metric_cols[:2], (2, 3), strict=True):
        col.metric(
            f"P({LABELS[index]}) by step {steps}",
            f"{trajectory[-1, index]:.6f}",
            help="Probability that this pattern has already won after t steps of the chain.",
        )
        col.caption(f"limit: **{limit_exact[index]}** = {float(limit_exact[index]):.6f}")
    st.caption(
        "The notes print the limit as 0.68 / 0.32: that comes from rounding at every step of the iteration. "
        "Exactly, it is 2/3 and 1/3 (0.6667 / 0.3333), as the fractions above show."
    )
    metric_cols[2].metric("Still undecided", f"{distance[-1]:.3g}", help="Mass on the transient states H and HH.")
    metric_cols[3].metric("Convergence rate ρ", f"{rate:.3g}", help="Largest |eigenvalue| of A other than 1.")

    eigen_col, speed_col = st.columns([2, 3])
    with eigen_col:
        lam = markov.eigenvalues(A)
        st.markdown("**Eigenvalues of A**")
        st.dataframe(pd.DataFrame({"λ": [f"{v.real:.4g}" for v in lam], "|λ|": np.abs(lam)}), hide_index=True)
        st.caption(
            f"Two eigenvalues equal 1 (the two absorbing states). The next largest, ρ = {rate:g}, means each "
            f"step multiplies the undecided mass by about {rate:g}."
        )
    with speed_col:
        speed = pd.DataFrame(
            {"step": np.arange(steps + 1), "P(undecided)": distance, "ρᵗ": rate ** np.arange(steps + 1)}
        ).melt(id_vars="step", var_name="curve", value_name="value")
        chart(
            line_chart,
            speed,
            x="step",
            y="value",
            color="curve",
            dash="curve",
            x_title="step t",
            y_title="distance to the limit (log scale)",
            log_y=True,
            title="Distance to the limit = P(undecided), against ρᵗ",
        )
    csv_download(
        frame[["step", *LABELS]], "hht_vs_htt_trajectory.csv", "Download the trajectory (CSV)", key="mc_dl_traj"
    )
    snippet(
        """
from lib.markov import evolve, hht_vs_htt_matrix, limit_distribution

A = hht_vs_htt_matrix()  # the notes' chain: H, HH, HHT first, HTT first
x0 = [1.0, 0.0, 0.0, 0.0]
print(evolve(A, x0, steps=$steps)[-1])
print(limit_distribution(A, x0, exact=True))  # [0, 0, 2/3, 1/3]
""",
        steps=steps,
    )
