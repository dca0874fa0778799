"""Section 3 · Scaling: standardize, min–max and robust scaling with an outlier, and the ridge fits they give."""

import numpy as np
import pandas as pd
import streamlit as st

from lib import practice
from lib.viz.practice import strip_chart
from pages._common import bound, chart, csv_download, global_seed, lib_call, note, prose, snippet

N_POINTS = 200
FEATURES = ("age", "income")
TRUE_EFFECT = 1.0  # y moves by 1 per standard deviation of either feature (lib.practice.scaling_data)


def ridge_table(X: np.ndarray, y: np.ndarray, alpha: float) -> pd.DataFrame:
    """One row per scaling: the ridge coefficients on the scaled features and y's change per SD of each feature."""
    clean_sd = X[1:].std(axis=0)  # the feature's spread without the outlier row
    rows = []
    for method in ("raw units", *practice.METHODS):
        if method == "raw units":
            fit = practice.ridge_fit(X, y, alpha)
            raw = fit
        else:
            centre, spread = practice.scaling_parameters(X, method)
            fit = practice.ridge_fit(practice.scale(X, method), y, alpha)
            raw = practice.unscaled_coefficients(fit, centre, spread)
        rows.append(
            {
                "scaling": method,
                **{f"β {name} (as fitted)": b for name, b in zip(FEATURES, fit.coef, strict=True)},
                **{f"Δy per SD of {name}": b * sd for name, b, sd in zip(FEATURES, raw.coef, clean_sd, strict=True)},
                "training MSE": float(np.mean((raw.predict(X) - y) ** 2)),
            }
        )
    return pd.DataFrame(rows)


@st.fragment
def scaling_section() -> None:
    st.header("3 · Scaling: standardize, min–max or robust")
    cols = st.columns(2)
    with cols[0]:
        outlier = bound(
            st.slider,
            "Outlier (SDs above the mean age)",
            key="te_outlier",
            min_value=0.0,
            max_value=100.0,
            value=20.0,
            step=1.0,
            help="Move one person's age this many standard deviations up, a typo as in 40 → 240.",
        )
    with cols[1]:
        alpha = bound(
            st.slider,
            "Ridge penalty α",
            key="te_alpha",
            min_value=0.0,
            max_value=200.0,
            value=20.0,
            step=1.0,
            help="Weight of α‖β‖² in the ridge objective; 0 is ordinary least squares.",
        )
    seed = global_seed()
    X, y = practice.scaling_data(N_POINTS, outlier, seed)
    table = lib_call(ridge_table, X, y, alpha)
    if table is None:
        return
    strips = pd.concat(
        [
            pd.DataFrame(
                {
                    "scaling": method,
                    "scaled age": practice.scale(X[:, 0], method),
                    "outlier": np.arange(N_POINTS) == 0,
                    "age": X[:, 0],
                }
            )
            for method in practice.METHODS
        ],
        ignore_index=True,
    )
    chart(
        strip_chart,
        strips,
        x="scaled age",
        row="scaling",
        highlight="outlier",
        x_title="scaled age",
        title="Age after each scaling (red: the outlier)",
        cache_key=(outlier, seed),
    )
    st.dataframe(table, hide_index=True)
    effects = table.set_index("scaling")
    st.caption(
        f"The true effect is {TRUE_EFFECT:g} per SD for both features. Ridge shrinks a coefficient by about "
        "n·Var(x) / (n·Var(x) + α) with Var(x) the scaled feature's variance: 1 after standardizing, about 1/r² "
        "after min–max scaling (r: the range in SDs, about 6 for 200 normal points and far more with an outlier), "
        "10² and 15,000² in raw units. So α barely touches raw units, shrinks standardized features alike, and "
        f"crushes min–max features (effect per SD under min–max: age {effects.loc['minmax', 'Δy per SD of age']:.3g}, "
        f"income {effects.loc['minmax', 'Δy per SD of income']:.3g}). The outlier is a mis-recorded age: it drags "
        "age's coefficient down under every scaling, the robust one included (scaling fixes the penalty, not the data)."
    )
    csv_download(table, "ridge_by_scaling.csv", "Download the ridge fits (CSV)", key="te_dl_ridge")
    with note("The derivation"):
        prose(__file__, "scaling.md")
    snippet(
        """
from lib.practice import ridge_fit, scale, scaling_data

X, y = scaling_data($n, outlier=$outlier, seed=$seed)  # columns: age, income
print("raw units", ridge_fit(X, y, alpha=$alpha).coef)
for method in ("standardize", "minmax", "robust"):
    print(method, ridge_fit(scale(X, method), y, alpha=$alpha).coef)
""",
        n=N_POINTS,
        outlier=outlier,
        seed=seed,
        alpha=alpha,
    )
