"""Section 5 · Unboxing a black-box logistic regression: its coefficients read out from its answers."""

import numpy as np
import pandas as pd
import streamlit as st

from lib import mle
from lib.viz import line_chart
from pages._common import bound, cached, chart, csv_download, global_seed, lib_call, prose, snippet

ERROR_FLOOR = 1e-16  # errors are drawn on a log axis: exact zeros sit at the floor
ROUNDING_BUDGET = 200  # queries per rounding setting when the box reveals labels only

make_black_box = cached(mle.make_black_box)


@st.cache_data(max_entries=64, show_spinner=False)
def recovery_by_budget(n_features: int, C: float, threshold: float, decimals: int | None, seed: int) -> pd.DataFrame:
    box, _ = mle.make_black_box(n_features, C, threshold, seed=seed)
    box = mle.BlackBoxLogistic(box.coef, box.intercept, C, threshold, decimals)
    frames = []
    for mode, name in (("proba", "probabilities"), ("label", "labels only")):
        low = mle.minimum_budget(n_features, mode)
        budgets = sorted({int(b) for b in np.geomspace(low, 3_000, 9)})
        frames.append(mle.recovery_curve(box, mode, budgets, seed=seed).assign(reveals=name))
    return pd.concat(frames, ignore_index=True)


@st.cache_data(max_entries=64, show_spinner=False)
def recovery_by_rounding(n_features: int, C: float, threshold: float, budget: int, seed: int) -> pd.DataFrame:
    box, _ = mle.make_black_box(n_features, C, threshold, seed=seed)
    rows = []
    for decimals in range(1, 13):
        rounded = mle.BlackBoxLogistic(box.coef, box.intercept, C, threshold, decimals)
        found = mle.unbox_logistic(rounded.predict_proba, n_features, "proba", budget, seed)
        rows.append((decimals, mle.recovery_error(found, rounded), mle.direction_cosine(found, rounded)))
    return pd.DataFrame(rows, columns=["decimals", "error", "cosine"])


def coefficient_table(
    box: mle.BlackBoxLogistic, generating: np.ndarray, found: mle.Unboxed, mode: str, threshold: float
) -> pd.DataFrame:
    """The data-generating, the box's own and the recovered coefficients; for labels also the box's on their scale."""
    names = [f"w{j + 1}" for j in range(box.n_features)] + ["intercept b"]
    comparison = pd.DataFrame(
        {
            "parameter": names,
            "data-generating β": generating,
            "box's own (after C)": np.append(box.coef, box.intercept),
            "recovered": np.append(found.coef, found.intercept),
        }
    )
    if mode == "label":
        scale = np.linalg.norm(box.coef)
        comparison["box's, on the label scale"] = np.append(
            box.coef / scale, (box.intercept - np.log(threshold / (1 - threshold))) / scale
        )
    return comparison


@st.fragment
def black_box_section() -> None:
    st.header("5 · Unboxing a black-box logistic regression")
    st.markdown(
        "A logistic regression was trained on hidden data with a tuned regularisation **C** and a decision "
        "**threshold**. You may only send it points x and read what it answers. Can you read out its coefficients?"
    )
    d_col, c_col, t_col = st.columns(3)
    with d_col:
        n_features = bound(
            st.slider,
            "Features d",
            key="mle_d",
            min_value=1,
            max_value=10,
            value=3,
            help="Number of input features of the hidden model.",
        )
    with c_col:
        C = bound(
            st.number_input,
            "Regularisation C",
            key="mle_C",
            min_value=0.001,
            max_value=1000.0,
            value=1.0,
            format="%.3f",
            help="Inverse L2 strength used in training (as in scikit-learn): small C shrinks the coefficients.",
        )
    with t_col:
        threshold = bound(
            st.slider,
            "Threshold",
            key="mle_threshold",
            min_value=0.05,
            max_value=0.95,
            value=0.5,
            step=0.05,
            help="The box says class 1 when its probability reaches this threshold.",
        )
    r_col, q_col, round_col = st.columns(3)
    with r_col:
        reveal = bound(
            st.radio,
            "The box reveals",
            key="mle_reveal",
            options=["probabilities", "labels only"],
            horizontal=True,
            help="Probabilities: predict_proba. Labels only: predict, i.e. 0/1 after the threshold.",
        )
    mode = "proba" if reveal == "probabilities" else "label"
    with q_col:
        budget = bound(
            st.slider,
            "Query budget",
            key="mle_budget",
            min_value=2,
            max_value=3_000,
            value=200,
            help="How many points you may send to the box. The least that works is d + 1 (probabilities) or "
            "about 10·d + 32 (labels); a smaller budget is raised to that.",
        )
    with round_col:
        decimals = bound(
            st.slider,
            "Decimals in the answers",
            key="mle_decimals",
            min_value=1,
            max_value=16,
            value=16,
            help="The box rounds its probabilities to this many decimals (16 = no rounding to speak of). "
            "Rounding is the box's only real defence.",
        )
    seed = global_seed()
    decimals_used = None if decimals >= 16 else decimals
    box, generating = make_black_box(n_features, C, threshold, seed=seed)
    box = mle.BlackBoxLogistic(box.coef, box.intercept, C, threshold, decimals_used)
    effective_budget = max(budget, mle.minimum_budget(n_features, mode))
    query = box.predict_proba if mode == "proba" else box.predict
    found = lib_call(mle.unbox_logistic, query, n_features, mode, effective_budget, seed)
    if found is not None:
        cols = st.columns(3)
        cols[0].metric("Queries used", f"{found.n_queries:,}", help="Rows sent to the box.")
        cols[1].metric(
            "Relative error",
            f"{mle.recovery_error(found, box, mode):.2e}",
            help="‖recovered − box's‖ / ‖box's‖ over (w, b); for labels on the unit-norm label scale.",
        )
        cols[2].metric(
            "Direction cosine",
            f"{mle.direction_cosine(found, box):.10f}",
            help="cos(angle) between recovered and true w.",
        )
        if effective_budget > budget:
            st.caption(f"The budget was raised to {effective_budget}, the least this mode needs for d = {n_features}.")
        comparison = coefficient_table(box, generating, found, mode, threshold)
        st.dataframe(comparison, hide_index=True)
        csv_download(comparison, "mle_unboxed.csv", "Download the coefficients (CSV)", key="mle_dl_unboxed")
        show_recovery_curves(
            n_features, C, threshold, decimals_used, seed, effective_budget if mode == "proba" else ROUNDING_BUDGET
        )
    prose(__file__, "black_box.md")
    snippet(
        """
from lib import mle

# 5. Unboxing the black box
box, _ = mle.make_black_box($n_features, C=$C, threshold=$threshold, seed=$seed)
box = mle.BlackBoxLogistic(box.coef, box.intercept, $C, $threshold, decimals=$decimals)
query = box.predict_proba if $mode == "proba" else box.predict
found = mle.unbox_logistic(query, $n_features, mode=$mode, budget=$budget, seed=$seed)
print(found.coef, found.intercept, found.n_queries, mle.recovery_error(found, box, $mode))
""",
        n_features=n_features,
        C=C,
        threshold=threshold,
        seed=seed,
        decimals=decimals_used,
        mode=mode,
        budget=effective_budget,
    )


def show_recovery_curves(
    n_features: int, C: float, threshold: float, decimals: int | None, seed: int, rounding_budget: int
) -> None:
    """Recovery error against the number of queries (both modes) and against the box's rounding (probabilities)."""
    by_budget = recovery_by_budget(n_features, C, threshold, decimals, seed)
    by_budget = by_budget.assign(error=np.maximum(by_budget["error"], ERROR_FLOOR))
    by_rounding = recovery_by_rounding(n_features, C, threshold, rounding_budget, seed)
    by_rounding = by_rounding.assign(error=np.maximum(by_rounding["error"], ERROR_FLOOR), curve="probabilities")
    budget_col, rounding_col = st.columns(2)
    with budget_col:
        chart(
            line_chart,
            by_budget,
            x="queries",
            y="error",
            color="reveals",
            x_title="queries sent",
            y_title="relative error (log scale)",
            log_y=True,
            title="Recovery error against the number of queries"
            + (f" ({decimals} decimals)" if decimals is not None else ""),
        )
    with rounding_col:
        chart(
            line_chart,
            by_rounding,
            x="decimals",
            y="error",
            color="curve",
            x_title="decimals in the box's probabilities",
            y_title="relative error (log scale)",
            log_y=True,
            title=f"Recovery error against rounding ({by_rounding.shape[0]} settings, {rounding_budget} queries)",
        )
    st.caption(f"Errors below {ERROR_FLOOR:g} (exact up to floating point) are drawn at {ERROR_FLOOR:g}.")
