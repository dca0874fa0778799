"""Section 5 · Reparameterization vs score-function gradients: both unbiased, very different variances."""

import numpy as np
import pandas as pd
import streamlit as st

from lib import information as info
from lib.viz import line_chart
from pages._common import bound, cached, chart, csv_download, global_seed, prose, snippet

SIZES = (1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024)
REPEATS = 400  # independent N-sample averages per N for the variance chart
PARAMETERS = ("∂/∂μ", "∂/∂σ")


@cached
def bias_table(name: str, mean: float, std: float, n_samples: int, seed: int) -> pd.DataFrame:
    """Each estimator's mean over n_samples draws ± its standard error, beside the exact gradient."""
    fn = info.TEST_FUNCTIONS[name]
    exact = fn.exact_gradient(mean, std)
    estimates = {
        "score function": info.score_function_gradients(fn.f, mean, std, n_samples, seed),
        "reparameterization": info.reparameterization_gradients(fn.df, mean, std, n_samples, seed),
    }
    rows = []
    for estimator, single in estimates.items():
        for j, parameter in enumerate(PARAMETERS):
            se = single[:, j].std(ddof=1) / np.sqrt(n_samples)
            estimate = single[:, j].mean()
            rows.append(
                {
                    "estimator": estimator,
                    "parameter": parameter,
                    "exact": exact[j],
                    "estimate": estimate,
                    "standard error": se,
                    "z = (estimate − exact)/SE": (estimate - exact[j]) / se if se > 0 else 0.0,
                    "variance of one draw": single[:, j].var(ddof=1),
                }
            )
    return pd.DataFrame(rows)


@cached
def variance_table(name: str, mean: float, std: float, seed: int) -> pd.DataFrame:
    """Variance of the N-draw average against N, for both estimators and both parameters (long)."""
    fn = info.TEST_FUNCTIONS[name]
    variances = info.estimator_variances(fn.f, fn.df, mean, std, list(SIZES), REPEATS, seed)
    return pd.DataFrame(
        [
            {"draws N": size, "estimator": estimator, "parameter": parameter, "variance": float(v[i, j])}
            for estimator, v in variances.items()
            for j, parameter in enumerate(PARAMETERS)
            for i, size in enumerate(SIZES)
        ]
    )


@st.fragment
def gradients_section() -> None:
    st.header("5 · Reparameterization vs score-function gradients")
    prose(__file__, "gradients.md")
    cols = st.columns(4)
    with cols[0]:
        name = bound(
            st.selectbox,
            "f(z)",
            key="ii_f",
            options=list(info.TEST_FUNCTIONS),
            help="The function whose mean is differentiated.",
        )
    with cols[1]:
        mean = bound(st.slider, "μ", key="ii_mu", min_value=-3.0, max_value=3.0, value=1.0, step=0.1, help="Mean of z.")
    with cols[2]:
        std = bound(st.slider, "σ", key="ii_sigma", min_value=0.1, max_value=3.0, value=1.0, step=0.1, help="Std of z.")
    with cols[3]:
        n_samples = bound(
            st.slider,
            "Draws for the bias check",
            key="ii_grad_draws",
            min_value=100,
            max_value=100_000,
            value=10_000,
            step=100,
            help="Draws averaged by each estimator in the table (the same ε for both).",
        )
    seed = global_seed()
    table = bias_table(name, mean, std, n_samples, seed)
    variances = variance_table(name, mean, std, seed)
    st.dataframe(table, hide_index=True)
    worst = float(table["z = (estimate − exact)/SE"].abs().max())
    st.caption(
        f"Both estimators land within {worst:.2f} standard errors of the exact gradient "
        "(unbiased: |z| above 3 is rare). The variance of one draw is what differs."
    )
    chart(
        line_chart,
        variances.assign(curve=variances["estimator"] + ", " + variances["parameter"]),
        x="draws N",
        y="variance",
        color="curve",
        x_title="draws averaged N (log scale)",
        y_title="variance of the estimate (log scale)",
        log_x=True,
        log_y=True,
        points=False,
        title=f"Variance of the N-draw gradient estimate, {REPEATS} repeats per N: both fall as 1/N",
    )
    csv_download(
        pd.concat([table, variances]), "gradient_estimators.csv", "Download both tables (CSV)", key="ii_dl_grad"
    )
    snippet(
        """
from lib.information import TEST_FUNCTIONS, reparameterization_gradients, score_function_gradients

fn, mean, std = TEST_FUNCTIONS[$name], $mean, $std
print(fn.exact_gradient(mean, std))
for single in (score_function_gradients(fn.f, mean, std, $n_samples, seed=$seed),
               reparameterization_gradients(fn.df, mean, std, $n_samples, seed=$seed)):
    print(single.mean(axis=0), single.var(axis=0))
""",
        name=name,
        mean=mean,
        std=std,
        n_samples=n_samples,
        seed=seed,
    )
