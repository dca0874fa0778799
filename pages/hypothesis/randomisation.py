"""Section 7 · Randomisation test like StatKey: deal the pooled data into two groups again and again."""

import numpy as np
import pandas as pd
import streamlit as st

from lib import hypothesis as ht
from lib.viz.hypothesis import null_distribution_chart
from pages._common import bound, chart, csv_download, global_seed, lib_call, note, prose, snippet
from pages.hypothesis.ab_test import SLEEP_X, SLEEP_Y
from pages.hypothesis.counts import two_group_counts
from pages.hypothesis.formatting import fmt_p

MEANS = "difference in means"
PROPORTIONS = "difference in proportions"
MAX_GROUP = 2000  # trials per group: up to 100,000 deals of 4,000 values stay within a few seconds


@st.cache_data(max_entries=32, show_spinner=False)
def randomise(x: np.ndarray, y: np.ndarray, n_resamples: int, seed: int, what: str) -> pd.DataFrame:
    """The randomisation test, its null histogram and the classical p-values beside it; returns the histogram."""
    result = ht.permutation_test(x, y, ht.mean_difference, n_resamples, seed)
    if what == MEANS:
        classical = ht.t_test(x, y)  # Welch
        others = [("Welch t-test", classical.pvalue), ("Student t-test", ht.t_test(x, y, equal_var=True).pvalue)]
    else:
        k1, n1, k2, n2 = int(x.sum()), x.size, int(y.sum()), y.size
        pooled = (k1 + k2) / (n1 + n2)
        z_p = ht.two_proportion_ztest(k1, n1, k2, n2).pvalue if 0 < pooled < 1 else None  # None: no standard error
        others = [("pooled z-test", z_p), ("Fisher exact", ht.fisher_exact_test(k1, n1, k2, n2).pvalue)]
    null = result.null_distribution
    counts, edges = np.histogram(null, bins=min(60, max(10, np.unique(null).size)))
    mids = (edges[:-1] + edges[1:]) / 2
    extreme = np.abs(mids) >= abs(result.statistic) - 1e-12
    bars = pd.DataFrame(
        {
            "start": edges[:-1],
            "end": edges[1:],
            "count": counts,
            "tail": np.where(extreme, "as extreme as observed", "less extreme"),
        }
    )
    m = st.columns(4)
    m[0].metric("observed x̄ − ȳ" if what == MEANS else "observed p̂1 − p̂2", f"{result.statistic:+.4f}")
    m[1].metric("randomisation p-value", fmt_p(result.pvalue), help=result.method + "; two-sided, as scipy's.")
    for col, (name, p) in zip(m[2:], others, strict=True):
        shown = "undefined" if p is None else fmt_p(p)
        col.metric(f"{name} p-value", shown, help="The classical test on the same data, two-sided.")
    chart(
        null_distribution_chart,
        bars,
        result.statistic,
        x_title="x̄ − ȳ of a random deal" if what == MEANS else "p̂1 − p̂2 of a random deal",
        title=f"Null distribution of {null.size:,} deals ({result.method})",
    )
    return bars


def data(what: str) -> tuple[np.ndarray, np.ndarray] | None:
    if what == PROPORTIONS:
        k1, n1, k2, n2 = two_group_counts(
            "ht_rt",
            n_label="Group {i} size n{i}",
            k_label="Successes k{i}",
            groups=("1", "2"),
            n_value=40,
            n_max=MAX_GROUP,
            k_values=(14, 6),
            size_word="size",
        )
        return lib_call(ht.two_group_flips, k1, n1, k2, n2)
    c = st.columns(4)
    x_text = bound(
        c[0].text_input, "Group x", key="ht_rt_x", value=SLEEP_X, max_chars=100_000, help="Numbers, comma separated."
    )
    y_text = bound(
        c[1].text_input, "Group y", key="ht_rt_y", value=SLEEP_Y, max_chars=100_000, help="Numbers, comma separated."
    )
    x = lib_call(ht.parse_numbers, x_text)
    y = lib_call(ht.parse_numbers, y_text) if x is not None else None
    return None if x is None or y is None else (x, y)


@st.fragment
def randomisation_section() -> None:
    st.header("7 · Randomisation test like StatKey")
    with note("The derivation"):
        prose(__file__, "randomisation.md")
    c1, c2 = st.columns(2)
    what = bound(
        c1.selectbox,
        "Statistic",
        key="ht_rt_stat",
        options=[MEANS, PROPORTIONS],
        help="Numbers in two groups (a difference in means) or successes in two groups (in proportions).",
    )
    n_resamples = bound(
        c2.slider,
        "Random deals",
        key="ht_rt_B",
        min_value=1000,
        max_value=100_000,
        value=10_000,
        step=1000,
        help="Deals of the pooled data into the two group sizes; when there are fewer distinct deals, all are used.",
    )
    given = data(what)
    bars = None if given is None else lib_call(randomise, *given, n_resamples, global_seed(), what)
    if bars is not None:
        csv_download(bars, "randomisation_null.csv", "Download the null histogram (CSV)", key="ht_dl_rt")
    x, y = given if given is not None and bars is not None else (np.array([1.0, 2.0, 4.0]), np.array([0.0, 1.0]))
    snippet(
        """
import numpy as np
from scipy import stats

from lib.hypothesis import mean_difference, permutation_test, t_test

x = np.array($x)
y = np.array($y)
ours = permutation_test(x, y, mean_difference, n_resamples=$n_resamples, seed=$seed)
print(ours.statistic, ours.pvalue)
print("Welch t:", t_test(x, y).pvalue)
ref = stats.permutation_test((x, y), mean_difference, vectorized=True, n_resamples=$n_resamples, rng=$seed)
print("scipy:", ref.pvalue)  # within Monte-Carlo error of ours (equal when every deal is enumerated)
""",
        x=x.tolist(),
        y=y.tolist(),
        n_resamples=n_resamples,
        seed=global_seed(),
    )
