"""Section 3a · Recovery sandbox: simulate nested-logit choices with known coefficients, fit, test IIA."""

import pandas as pd
import streamlit as st

from lib import choice
from lib.viz.choice import estimate_bands
from pages._common import bound, cached, chart, csv_download, global_seed, lib_call, snippet
from pages.choice.formatting import fit_summary

SANDBOX_ASCS = (0.5, -0.3)  # true constants of alternatives 1 and 2 in the sandbox

sandbox = cached(choice.estimation_sandbox)
recovery = cached(choice.recovery_study)


def comparison_table(result: choice.SandboxResult, truth: list[float]) -> pd.DataFrame:
    """The true parameters beside both fits' estimates; the conditional logit's λ is fixed at 1."""
    mnl_table, nested_table = result.mnl.table(), result.nested.table()
    return pd.DataFrame(
        {
            "parameter": nested_table["parameter"],
            "true": truth,
            "conditional logit": [*mnl_table["estimate"], 1.0],
            "CL std. error": [*mnl_table["std_error"], 0.0],
            "nested logit": nested_table["estimate"],
            "NL std. error": nested_table["std_error"],
            "NL t-stat": nested_table["t_stat"],
        }
    )


@st.fragment
def recovery_section() -> None:
    st.header("3 · Estimate the models from choices")
    st.subheader("a · Recovery sandbox: simulate choices with known coefficients, then fit")
    n_col, true_lam_col, b1_col, b2_col = st.columns(4)
    with n_col:
        n_obs = bound(
            st.slider,
            "Sample size",
            key="ch_n",
            min_value=200,
            max_value=20_000,
            value=2000,
            step=100,
            help="Simulated choice situations, each among 3 alternatives (0, 1, 2).",
        )
    with true_lam_col:
        true_lam = bound(
            st.slider,
            "True λ of the nest {1, 2}",
            key="ch_true_lambda",
            min_value=0.1,
            max_value=1.0,
            value=0.5,
            step=0.05,
            help="Choices are drawn from a nested logit with alternatives 1 and 2 nested; λ = 1 makes them MNL.",
        )
    with b1_col:
        b1 = bound(
            st.slider,
            "True β of x1",
            key="ch_b1",
            min_value=-2.0,
            max_value=0.0,
            value=-1.0,
            step=0.1,
            help="Coefficient of the first attribute (a price-like attribute, standard normal across alternatives).",
        )
    with b2_col:
        b2 = bound(
            st.slider,
            "True β of x2",
            key="ch_b2",
            min_value=0.0,
            max_value=2.0,
            value=0.6,
            step=0.1,
            help="Coefficient of the second attribute (a quality-like attribute).",
        )
    seed = global_seed()
    true_beta = (*SANDBOX_ASCS, b1, b2)
    with st.spinner("Simulating and fitting…"):
        result = lib_call(sandbox, true_beta, true_lam, n_obs, seed)
    if result is None:
        return
    st.dataframe(comparison_table(result, [*true_beta, true_lam]), hide_index=True)
    st.caption(
        "The conditional logit fixes λ = 1. The nested logit's t-statistic for λ is against 1 (the logit); "
        "the others are against 0."
    )
    st.dataframe(fit_summary({"conditional logit": result.mnl, "nested logit": result.nested}), hide_index=True)
    lr_col, hm_col = st.columns(2)
    for col, test in ((lr_col, result.lr_test), (hm_col, result.hausman)):
        col.metric(
            f"IIA test: {test.name}",
            f"χ² = {test.statistic:.2f} (df {test.df})",
            help="Large values reject the logit's independence of irrelevant alternatives.",
        )
        col.caption(
            f"p-value {test.pvalue:.3g}: "
            + ("IIA is rejected at 5 %." if test.pvalue < 0.05 else "no evidence against IIA at 5 %.")
        )
    recovery_model = bound(
        st.radio,
        "Track as the sample grows",
        key="ch_recovery_model",
        options=["conditional logit", "nested logit"],
        horizontal=True,
        help="Refit on the first n simulated choices, n from 200 up to the sample size. With λ < 1 only the "
        "nested logit is correctly specified: the logit's estimates settle on the wrong values.",
    )
    model = "nested" if recovery_model == "nested logit" else "conditional"
    with st.spinner("Refitting as the sample grows…"):
        path = lib_call(recovery, true_beta, true_lam, n_obs, seed, model=model)
    if path is not None and len(path):
        bands = path.assign(low=path.estimate - 1.96 * path.std_error, high=path.estimate + 1.96 * path.std_error)
        chart(
            estimate_bands,
            bands,
            x="n",
            estimate="estimate",
            low="low",
            high="high",
            truth="truth",
            parameter="parameter",
            x_title="observations used (log scale)",
            y_title="estimate ± 1.96 SE",
            title=f"{recovery_model.capitalize()}: estimates (solid, 95% band) close in on the truth (dashed)?",
            cache_key=(true_beta, true_lam, n_obs, seed, recovery_model),
        )
    csv_download(
        lambda: choice.to_long_frame(result.X, result.choice, result.mnl.names, ["0", "1", "2"]),
        "simulated_choices.csv",
        "Download the simulated choices (long-format CSV, readable by part b)",
        key="ch_dl_simulated",
    )
    snippet(
        """
from lib.choice import estimation_sandbox, recovery_study

result = estimation_sandbox($true_beta, lam=$true_lam, n_obs=$n_obs, seed=$seed)
print(result.mnl.table(), result.nested.table(), sep="\\n")
print(result.lr_test)
print(result.hausman)
print(recovery_study($true_beta, $true_lam, $n_obs, $seed, model=$model))  # refits as the sample grows
""",
        true_beta=list(true_beta),
        true_lam=true_lam,
        n_obs=n_obs,
        seed=seed,
        model=model,
    )
