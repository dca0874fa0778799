"""Section 1 · The likelihood of panel 1's data: closed form against the numeric maximum, Wald and profile intervals."""

import numpy as np
import pandas as pd
import streamlit as st

from lib import mle
from lib.viz.mle import loglik_chart
from pages._common import cached, chart, csv_download, lib_call, snippet
from pages.mle.experiment import Experiment

numeric_mle = cached(mle.numeric_mle)
loglik_curve = cached(mle.loglik_curve)
unknown_k = cached(mle.negative_binomial_unknown_k)

SNIPPET = """
from lib import mle

# 1. Closed form, intervals and the numeric check
$fit
print(est.value, mle.numeric_mle(est), est.wald_ci, est.profile_ci)
"""


def interval_text(interval: tuple[float, float]) -> str:
    return f"{interval[0]:.4f} – {interval[1]:.4f}"


@st.fragment
def likelihood_section(experiment: Experiment) -> None:
    estimate, data, kind = experiment.estimate, experiment.data, experiment.kind
    if estimate is None or data is None:
        return  # the entry has shown why the counts cannot be used
    numeric = numeric_mle(estimate)
    closed = "Σk / (m·n)" if kind == "binomial" else "m·k / Σn"
    cols = st.columns(3)
    cols[0].metric(f"p̂ = {closed}", f"{estimate.value:.6f}", help="The closed form from the notes.")
    cols[1].metric(
        "Numeric maximum of ℓ(p)",
        f"{numeric:.6f}",
        help="scipy.optimize.minimize_scalar (bounded Brent) on −ℓ(p), knowing nothing of the closed form.",
    )
    cols[2].metric("Standard error", f"{estimate.se:.5f}", help="1/√I(p̂) from the observed Fisher information.")
    cols = st.columns(3)
    cols[0].metric("Wald 95%", interval_text(estimate.wald_ci), help="p̂ ± 1.96·se: where the quadratic drops 1.92.")
    cols[1].metric(
        "Profile 95%", interval_text(estimate.profile_ci), help="Where ℓ itself drops χ²₁(0.95)/2 = 1.92 below its max."
    )
    cols[2].metric(
        "Closed form − numeric",
        f"{estimate.value - numeric:.1e}",
        help="The numeric search stops at its tolerance (1e-12 in p, limited by the flatness of ℓ at the top).",
    )
    curve = loglik_curve(estimate)
    chart(
        loglik_chart,
        curve,
        mle=estimate.value,
        cutoff=estimate.cutoff,
        intervals={"profile 95%": estimate.profile_ci, "Wald 95%": estimate.wald_ci},
        truth=experiment.true_p if experiment.simulated else None,
        title=f"ℓ(p) − ℓ(p̂) for {len(data)} experiments: curve, quadratic (Fisher) approximation and 95% intervals",
    )
    if estimate.value in (0.0, 1.0):
        st.warning(
            f"p̂ = {estimate.value:g} lies on the boundary: ℓ is steepest there, the Fisher information is infinite, "
            "so the standard error is 0 and the Wald interval collapses to a point. The profile interval still "
            "says which p are plausible."
        )
    elif estimate.wald_ci[0] < 0 or estimate.wald_ci[1] > 1:
        st.info("The Wald interval leaves [0, 1]: the quadratic approximation ignores that p is a probability.")
    st.caption(
        f"Sufficient statistics: {estimate.successes} successes and {estimate.failures} failures in "
        f"{estimate.successes + estimate.failures} trials; ℓ(p̂) = {estimate.loglik:.4f}; "
        f"I(p̂) = {estimate.fisher_information:.5g}. The dotted red line is the χ² cut-off: the profile interval "
        "(wide bar) ends where the curve crosses it, the Wald interval (thin bar) where the quadratic does. "
        "Dashed vertical: p̂" + ("; solid red: the true p." if experiment.simulated else ".")
    )
    if kind == "negative_binomial":
        show_unknown_k(data)
    column = "successes" if kind == "binomial" else "trials"
    data_frame = pd.DataFrame({"experiment": np.arange(1, len(data) + 1), column: data})
    with st.expander(f"The {len(data)} observed counts"):
        st.dataframe(data_frame, hide_index=True, height=200)
    dl_data, dl_curve = st.columns(2)
    with dl_data:
        csv_download(data_frame, f"mle_{kind}_data.csv", "Download the data (CSV)", key="mle_dl_data")
    with dl_curve:
        csv_download(curve, f"mle_{kind}_loglik.csv", "Download the log-likelihood curve (CSV)", key="mle_dl_curve")
    snippet(SNIPPET.replace("$fit", experiment.fit_code()))  # lines of code, not values: put in as they are


def show_unknown_k(trials: np.ndarray) -> None:
    """The negative binomial with k unknown too: k̂ by profile likelihood, its 95% set and p̂ at k̂."""
    fit = lib_call(unknown_k, trials)
    if fit is None:
        return
    with st.expander(f"If k were unknown too: k̂ = {fit.k} by profile likelihood"):
        cols = st.columns(3)
        cols[0].metric("k̂ (k unknown)", f"{fit.k}", help="The whole number k ≤ min(n) with the largest profile ℓ.")
        low, high = fit.k_interval
        cols[1].metric("Profile 95% set for k", f"{low} – {high}", help="The k with 2·(ℓ̂ − ℓ(k)) ≤ 3.84.")
        cols[2].metric("p̂ at k̂", f"{fit.p:.6f}", help="m·k̂ / Σn: for each k the best p is the known-k estimate.")
        st.caption(
            "For each k the best p is m·k/Σn, so k is fitted along the profile ℓ(k) below. Counts less spread out "
            "than any negative binomial put k̂ at its largest allowed value, min(n)."
        )
        st.dataframe(fit.profile, hide_index=True, height=200)
