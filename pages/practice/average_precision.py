"""Section 6 · Average precision: scikit-learn's step-wise AP beside the notes' interpolated all-point AP."""

import numpy as np
import pandas as pd
import streamlit as st

from lib import practice
from lib.viz.practice import precision_recall_chart
from pages._common import bound, chart, csv_download, global_seed, lib_call, note, prose, snippet


def curve_table(y: np.ndarray, scores: np.ndarray) -> pd.DataFrame:
    """One row per distinct threshold: precision, its monotone envelope, recall."""
    curve = practice.precision_recall_curve(y, scores)
    return pd.DataFrame(
        {
            "threshold": curve.thresholds,
            "recall": curve.recall,
            "precision": curve.precision,
            "interpolated precision": curve.envelope,
        }
    )


@st.fragment
def average_precision_section() -> None:
    st.header("6 · Average precision, with and without interpolation")
    cols = st.columns(3)
    with cols[0]:
        n = bound(
            st.slider,
            "Examples",
            key="te_ap_n",
            min_value=10,
            max_value=2000,
            value=60,
            step=10,
            help="How many labelled examples the classifier scores.",
        )
    with cols[1]:
        prevalence = bound(
            st.slider,
            "Positive share",
            key="te_prevalence",
            min_value=0.01,
            max_value=0.9,
            value=0.2,
            step=0.01,
            help="Probability that an example is positive (label 1).",
        )
    with cols[2]:
        separation = bound(
            st.slider,
            "Separation",
            key="te_separation",
            min_value=0.0,
            max_value=4.0,
            value=1.0,
            step=0.1,
            help="Distance between the classes' mean scores, in SDs: 0 is a coin toss.",
        )
    seed = global_seed()
    y, scores = practice.binary_scores(n, prevalence, separation, seed)
    table = lib_call(curve_table, y, scores)
    if table is None:
        return
    step_ap = practice.average_precision(y, scores)
    interpolated_ap = practice.average_precision(y, scores, interpolated=True)
    start = pd.DataFrame(
        {
            "recall": [0.0, 0.0],
            "curve": ["step-wise (scikit-learn)", "interpolated (the notes)"],
            "precision": [table["precision"].iloc[0], table["interpolated precision"].iloc[0]],
        }
    )
    curves = pd.concat(
        [
            start,
            table.assign(curve="step-wise (scikit-learn)")[["recall", "precision", "curve"]],
            table.assign(curve="interpolated (the notes)", precision=table["interpolated precision"])[
                ["recall", "precision", "curve"]
            ],
        ],
        ignore_index=True,
    )
    chart(
        precision_recall_chart,
        curves,
        title=f"Precision–recall of {n} scores, {int(y.sum())} positives",
        cache_key=(n, prevalence, separation, seed),
    )
    cols = st.columns(3)
    cols[0].metric("Step-wise AP", f"{step_ap:.4f}", help="Σ (Rₙ − Rₙ₋₁) Pₙ: scikit-learn's average_precision_score.")
    cols[1].metric(
        "Interpolated AP",
        f"{interpolated_ap:.4f}",
        help="Σ (Rₙ − Rₙ₋₁) maxₘ≥ₙ Pₘ: the notes' calculate_ap (all-point, PASCAL VOC 2010+).",
    )
    cols[2].metric(
        "Difference", f"{interpolated_ap - step_ap:.4f}", help="Never negative: the envelope lies on or above."
    )
    st.caption(
        f"Prevalence here is {y.mean():.3g}, the AP of a random ranking. The interpolated curve replaces each "
        "precision by the best precision at any higher recall, filling every dip that comes before a rise; it is "
        "never below the step-wise one, and the gap is largest for few positives and weak scores. Report which "
        "one you computed: leaderboards (COCO, VOC) interpolate, scikit-learn does not."
    )
    csv_download(table, "precision_recall.csv", "Download the curve (CSV)", key="te_dl_ap")
    with note("The derivation"):
        prose(__file__, "average_precision.md")
    snippet(
        """
from lib.practice import average_precision, binary_scores

y, scores = binary_scores($n, prevalence=$prevalence, separation=$separation, seed=$seed)
print(average_precision(y, scores), average_precision(y, scores, interpolated=True))
""",
        n=n,
        prevalence=prevalence,
        separation=separation,
        seed=seed,
    )
