"""Section 1 · The service distribution built above: its moments, phase diagram, pdf and cdf against samples."""

import numpy as np
import pandas as pd
import streamlit as st

from lib import queueing as q
from lib.viz import histogram_with_density, line_chart
from lib.viz.queueing import phase_diagram
from pages._common import cached, chart, global_seed, snippet
from pages.queueing.inputs import Service

SAMPLES = 20_000
GRID = 100

sample = cached(q.sample)
pdf_on = cached(q.pdf)
cdf_on = cached(q.cdf)
ecdf_on = cached(q.empirical_cdf)


@st.fragment
def distribution_section(built: Service) -> None:
    service = built.distribution
    if service is None:
        return  # the input's error is shown above
    seed = global_seed()
    draws = sample(service, SAMPLES, seed)
    moments = [service.moment(k) for k in (1, 2, 3)]
    cols = st.columns(6)
    cols[0].metric("Mean E[S]", f"{service.mean:.4g}", help="α(−S)⁻¹1, in minutes.")
    cols[1].metric("Variance", f"{service.variance:.4g}", help="E[S²] − E[S]².")
    cols[2].metric("SCV", f"{service.scv:.4g}", help="Variance / mean²: 1 for exponential, < 1 series, > 1 mixtures.")
    cols[3].metric("E[S²]", f"{moments[1]:.4g}", help="2! α(−S)⁻²1; the P-K formula needs it.")
    cols[4].metric("E[S³]", f"{moments[2]:.4g}", help="3! α(−S)⁻³1.")
    cols[5].metric(
        "Sample mean", f"{draws.mean():.4g}", help=f"Mean of {SAMPLES:,} draws (phase walks) with the sidebar seed."
    )
    diagram_col, pdf_col = st.columns([2, 3])
    with diagram_col:
        st.graphviz_chart(phase_diagram(service.alpha, service.S), width="stretch")
        st.caption("Circles are phases (rate μ); arrows carry the probability of each next step.")
    grid = np.linspace(0.0, max(float(draws.max()), 1e-6), GRID)
    with pdf_col:
        curves = pd.DataFrame({"x": grid, "density": pdf_on(service, grid), "curve": "closed form α·exp(Sx)·s₀"})
        chart(
            histogram_with_density,
            draws,
            curves,
            x_title="service time (min)",
            sample_label=f"{SAMPLES:,} samples",
            title="pdf: the closed form over a histogram of simulated phase walks",
        )
    cdf_frame = pd.concat(
        [
            pd.DataFrame({"x": grid, "P(S ≤ x)": cdf_on(service, grid), "source": "closed form 1 − α·exp(Sx)·1"}),
            pd.DataFrame({"x": grid, "P(S ≤ x)": ecdf_on(draws, grid), "source": "empirical (samples)"}),
        ]
    )
    chart(
        line_chart,
        cdf_frame,
        x="x",
        y="P(S ≤ x)",
        color="source",
        dash="source",
        x_title="service time (min)",
        y_title="P(S ≤ x)",
        title="cdf: closed form and the empirical cdf of the samples",
    )
    snippet(
        """
from lib import queueing as q

service = $ctor
print(service.mean, service.variance, service.scv, [service.moment(k) for k in (1, 2, 3)])
samples = service.sample($samples, seed=$seed)
print("sample mean:", samples.mean())
""".replace("$ctor", built.ctor),
        samples=SAMPLES,
        seed=seed,
    )
