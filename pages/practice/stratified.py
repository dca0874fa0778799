"""Section 5 · Stratified splits: the minority share in test sets, random vs stratified, over many seeds."""

import math

import pandas as pd
import streamlit as st

from lib import practice
from lib.viz import pmf_bars
from pages._common import bound, cached, chart, csv_download, global_seed, lib_call, note, prose, snippet

study_for = cached(practice.split_study)


def summary(study: pd.DataFrame) -> pd.DataFrame:
    """Per split method: mean and SD of the minority share in test, how often it is empty, and the AP's spread."""
    grouped = study.groupby("split", sort=False)
    return pd.DataFrame(
        {
            "mean minority share in test": grouped["minority share in test"].mean(),
            "SD of minority share": grouped["minority share in test"].std(ddof=1).fillna(0.0),
            "share of test sets without a minority example": grouped["no minority in test"].mean(),
            "SD of test AP": grouped["test AP"].std(ddof=1).fillna(0.0),
        }
    ).reset_index()


@st.fragment
def stratified_section() -> None:
    st.header("5 · Stratified splits: keeping the minority in the test set")
    cols = st.columns(4)
    with cols[0]:
        share = bound(
            st.slider,
            "Minority share",
            key="te_minority",
            min_value=0.01,
            max_value=0.5,
            value=0.05,
            step=0.01,
            help="Fraction of the data in the rare class (the positives).",
        )
    with cols[1]:
        n = bound(
            st.slider,
            "Examples",
            key="te_split_n",
            min_value=40,
            max_value=2000,
            value=200,
            step=10,
            help="Size of the data set that is split.",
        )
    with cols[2]:
        test_size = bound(
            st.slider,
            "Test share",
            key="te_test_size",
            min_value=0.05,
            max_value=0.5,
            value=0.2,
            step=0.05,
            help="test_size: the fraction of examples held out (⌈test_size · n⌉).",
        )
    with cols[3]:
        n_splits = bound(
            st.slider,
            "Seeds (splits)",
            key="te_splits",
            min_value=20,
            max_value=2000,
            value=500,
            step=20,
            help="How many random and stratified splits are drawn, one seed each.",
        )
    seed = global_seed()
    study = lib_call(study_for, n, share, test_size, n_splits, 1.5, seed)
    if study is None:
        return
    n_minority, n_test = round(share * n), math.ceil(test_size * n)
    table = summary(study)
    counts = study.groupby(["split", "minority in test"]).size().rename("share of splits").reset_index()
    counts["share of splits"] /= n_splits
    chart(
        pmf_bars,
        counts,
        x="minority in test",
        y="share of splits",
        color="split",
        x_title=f"minority examples in the test set (expected {n_minority * n_test / n:.3g})",
        y_title="share of splits",
        title=f"{n_splits} splits of {n} examples, {n_minority} of them in the minority",
        cache_key=(n, share, test_size, n_splits, seed),
    )
    st.dataframe(table, hide_index=True)
    random_empty = table.set_index("split").loc["random", "share of test sets without a minority example"]
    exact = practice.probability_no_minority(n, n_minority, n_test)
    cols = st.columns(2)
    cols[0].metric(
        "Random splits with no minority in test",
        f"{random_empty:.3g}",
        help="Measured over the seeds: such a test set cannot measure recall or AP at all.",
    )
    cols[1].metric(
        "Hypergeometric probability",
        f"{exact:.3g}",
        help="C(n − n_min, n_test) / C(n, n_test): the closed form of the same probability.",
    )
    st.caption(
        "A stratified split puts the same number of minority examples in every test set, so the SD of its "
        "minority share is 0 (or one example's worth); the random split's share wanders, and every metric "
        "measured on it inherits that noise: compare the spread of a fixed classifier's AP on the test sets "
        "(scores N(1.5·y, 1); a test set without a positive counts as AP 0)."
    )
    csv_download(study, "split_study.csv", "Download every split (CSV)", key="te_dl_splits")
    with note("The derivation"):
        prose(__file__, "stratified.md")
    snippet(
        """
from lib.practice import probability_no_minority, split_study

study = split_study($n, minority_share=$share, test_size=$test_size, n_splits=$n_splits, seed=$seed)
print(study.groupby("split")[["minority share in test", "test AP"]].std())
print(study.groupby("split")["no minority in test"].mean(), probability_no_minority($n, $n_minority, $n_test))
""",
        n=n,
        share=share,
        test_size=test_size,
        n_splits=n_splits,
        seed=seed,
        n_minority=n_minority,
        n_test=n_test,
    )
