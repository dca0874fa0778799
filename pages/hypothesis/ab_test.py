"""Section 5 · A/B test of two proportions (pooled z, Fisher exact, Cohen's h) and t-tests with Cohen's d."""

import numpy as np
import pandas as pd
import streamlit as st
from scipy import stats

from lib import hypothesis as ht
from lib.viz.hypothesis import means_chart, t_picture_chart
from pages._common import bound, cached, chart, csv_download, global_seed, lib_call, note, plain, prose, snippet
from pages.hypothesis.counts import two_group_counts
from pages.hypothesis.formatting import TWO_GROUP_SIDES, fmt_p, verdict

simulate_samples = cached(ht.simulate_two_samples)
read_samples = cached(ht.read_two_samples)

TESTS = ("Welch two-sample", "Student two-sample", "paired", "one-sample")
COHENS_D = "Cohen's d"
SOURCES = ("typed numbers", "simulated normal samples", "an uploaded CSV (two columns)")
# Student's sleep data (R's `sleep`): extra hours of sleep under two drugs, the same ten patients.
SLEEP_X = "0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0"
SLEEP_Y = "1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4"


# Each test's keywords to ht.t_test beside x (and y unless one-sample).
T_FLAGS = {
    "Welch two-sample": {},
    "Student two-sample": {"equal_var": True},
    "paired": {"paired": True},
    "one-sample": {},
}
# The snippet's t-test, Cohen's d and interval calls for each test (code, not user text); the data while none is valid.
T_CALLS = {
    "Welch two-sample": ("x, y, mu=$mu", "x, y, mu=$mu", "x, y"),
    "Student two-sample": ("x, y, mu=$mu, equal_var=True", "x, y, mu=$mu", "x, y, equal_var=True"),
    "paired": ("x, y, mu=$mu, paired=True", "x, y, mu=$mu, paired=True", "x, y, paired=True"),
    "one-sample": ("x, mu=$mu", "x, mu=$mu", "x"),
}
FALLBACK_X, FALLBACK_Y = np.array([1.0, 2.0, 4.0]), np.array([0.0, 1.0, 1.5])
AB_SNIPPET = """
import numpy as np

from lib.hypothesis import cohens_d, cohens_h, fisher_exact_test, mean_intervals, t_test, two_proportion_ztest

print(two_proportion_ztest($k1, $n1, $k2, $n2, $alternative))
print(fisher_exact_test($k1, $n1, $k2, $n2, $alternative))
print("Cohen's h", cohens_h($k1 / $n1, $k2 / $n2))
x = np.array($x)
y = np.array($y)
print(t_test(T_ARGS, alternative=$alternative))
print("Cohen's d", cohens_d(D_ARGS))
intervals, _ = mean_intervals(I_ARGS, level=$level)  # the chart's means and their two-sided intervals
print(intervals)
"""


@st.cache_data(max_entries=64, show_spinner=False)
def ab_table(k1: int, n1: int, k2: int, n2: int, alternative: str, alpha: float) -> pd.DataFrame:
    """The A/B test's metrics and table (replayed from the cache); returns the table."""
    z = ht.two_proportion_ztest(k1, n1, k2, n2, alternative)  # checks the counts first
    fisher = ht.fisher_exact_test(k1, n1, k2, n2, alternative)
    h = ht.cohens_h(k1 / n1, k2 / n2)
    m = st.columns(4)
    m[0].metric("p̂1 (A)", f"{k1 / n1:.4f}")
    m[1].metric("p̂2 (B)", f"{k2 / n2:.4f}")
    m[2].metric("p̂1 − p̂2", f"{k1 / n1 - k2 / n2:+.4f}")
    m[3].metric("Cohen's h", f"{h:+.4f}", help="2 arcsin √p̂1 − 2 arcsin √p̂2; 0.2 small, 0.5 medium, 0.8 large.")
    rows = [
        ("pooled z-test (statsmodels proportions_ztest)", f"z = {z.statistic:.4f}", fmt_p(z.pvalue)),
        ("Fisher exact (conditional on k1 + k2)", f"odds ratio = {fisher.statistic:.4g}", fmt_p(fisher.pvalue)),
    ]
    table = pd.DataFrame(rows, columns=["test", "statistic", "p-value"])
    table["verdict"] = [verdict(r.pvalue, alpha) for r in (z, fisher)]
    st.dataframe(table, hide_index=True, width="stretch")
    return table


def t_rows(x: np.ndarray, y: np.ndarray | None, mu: float, alternative: str, alpha: float) -> pd.DataFrame:
    """Every t-test the data allow, with Cohen's d, and why each other one has no answer here (by test name)."""
    calls = {"one-sample": {}}
    if y is not None:
        calls = {name: ({} if name == "one-sample" else {"y": y}) | flags for name, flags in T_FLAGS.items()}
    rows, errors = [], {}
    for name, kwargs in calls.items():
        try:
            r = ht.t_test(x, mu=mu, alternative=alternative, **kwargs)
            d = ht.cohens_d(x, mu=mu, **{k: v for k, v in kwargs.items() if k != "equal_var"})
        except ValueError as err:
            errors[name] = str(err)
            continue
        rows.append((name, r.estimate, r.statistic, r.df, fmt_p(r.pvalue), d, verdict(r.pvalue, alpha)))
    columns = ["test", "estimate", "t", "df", "p-value", COHENS_D, "verdict"]
    table = pd.DataFrame(rows, columns=columns).round({"estimate": 4, "t": 4, "df": 3, COHENS_D: 4})
    return table, errors


@st.cache_data(max_entries=64, show_spinner=False)
def t_table(x: np.ndarray, y: np.ndarray | None, test: str, mu: float, alternative: str, alpha: float) -> pd.DataFrame:
    """The chosen t-test's metrics and the table of every t-test (replayed from the cache); returns the table."""
    table, errors = t_rows(x, None if test == "one-sample" else y, mu, alternative, alpha)
    if test in errors:
        raise ValueError(errors[test])
    chosen = table.set_index("test").loc[test]
    m = st.columns(4)
    m[0].metric("mean of x", f"{x.mean():.4f}", help=f"n = {x.size}")
    m[1].metric("mean of y", "—" if y is None or test == "one-sample" else f"{y.mean():.4f}")
    m[2].metric(f"{test}: p-value", chosen["p-value"])
    m[3].metric(f"{test}: Cohen's d", f"{chosen[COHENS_D]:+.4f}", help="Mean difference in standard deviations.")
    st.dataframe(table, hide_index=True, width="stretch")
    if errors:
        st.caption(plain("Not shown: " + " ".join(f"{name}: {why}" for name, why in errors.items())))
    return table


@st.cache_data(max_entries=64, show_spinner=False)
def t_pictures(
    x: np.ndarray, y: np.ndarray | None, test: str, mu: float, alternative: str, alpha: float
) -> tuple[ht.TestResult, pd.DataFrame, list[float], pd.DataFrame, pd.DataFrame]:
    """The chosen test, its null curve with the p-value area and critical values, and the means' intervals."""
    y = None if test == "one-sample" else y
    result = ht.t_test(x, y, mu=mu, alternative=alternative, **T_FLAGS[test])
    curve = ht.t_null_curve(result.statistic, result.df, alternative)
    if alternative == "two-sided":
        critical = [float(c) for c in stats.t.ppf([alpha / 2, 1 - alpha / 2], result.df)]
    else:
        critical = [float(stats.t.ppf(1 - alpha if alternative == "greater" else alpha, result.df))]
    intervals, dots = ht.mean_intervals(x, y, level=1 - alpha, **T_FLAGS[test])
    return result, curve, critical, intervals, dots


def t_charts(x: np.ndarray, y: np.ndarray | None, test: str, mu: float, alternative: str, alpha: float) -> None:
    """The t distribution under H0 with the p-value shaded, and the means with their intervals."""
    result, curve, critical, intervals, dots = t_pictures(x, y, test, mu, alternative, alpha)
    level = 1 - alpha
    tested = intervals[intervals["tested"]].iloc[0]
    t_col, m_col = st.columns(2)
    with t_col:
        chart(
            t_picture_chart,
            curve,
            observed=result.statistic,
            critical=critical,
            title=f"{test}: t = {result.statistic:.3f} on {result.df:.4g} df, p = {fmt_p(result.pvalue)} (shaded)",
        )
    with m_col:
        chart(
            means_chart,
            intervals,
            dots,
            null_value=mu,
            x_title="value",
            title=f"Means with two-sided {level:.1%} t intervals (red tick: μ0 = {mu:g})",
        )
    excludes = not tested["low"] <= mu <= tested["high"]
    st.caption(
        f"The shaded area under t({result.df:.4g}) is the p-value, {fmt_p(result.pvalue)}. The {level:.1%} interval "
        f"of {tested['what']} ({tested['low']:.4g} to {tested['high']:.4g}) {'excludes' if excludes else 'contains'} "
        f"μ0 = {mu:g}: a two-sided interval excludes μ0 exactly when the two-sided test rejects at α = {alpha:g}"
        + ("." if alternative == "two-sided" else " (the test here is one-sided; the intervals stay two-sided).")
    )
    csv_download(intervals, "t_test_intervals.csv", "Download the means and intervals (CSV)", key="ht_dl_t_ci")


def proportions_part(alternative: str, alpha: float) -> tuple[int, int, int, int]:
    st.subheader("A/B test of two proportions")
    k1, n1, k2, n2 = two_group_counts(
        "ht_ab",
        n_label="Visitors n{i} ({g})",
        k_label="Conversions k{i} ({g})",
        groups=("A", "B"),
        n_value=1000,
        n_max=10_000_000,
        k_values=(120, 90),
        size_word="visitors",
    )
    table = lib_call(ab_table, k1, n1, k2, n2, alternative, alpha)
    if table is not None:
        st.caption(
            "The z-test pools p̂ = (k1 + k2) / (n1 + n2) for its standard error under H0; Fisher's test is exact "
            "(no normal approximation) and is the one to trust when counts are small."
        )
        csv_download(table, "ab_test.csv", "Download the A/B tests (CSV)", key="ht_dl_ab")
    return k1, n1, k2, n2


def t_data() -> tuple[np.ndarray, np.ndarray | None] | None:
    """The two samples (y is None for a one-sample test), or None when nothing valid was given (the error shown)."""
    s1, s2 = st.columns([1, 2])
    source = bound(
        s1.selectbox, "t-test data", key="ht_t_source", options=list(SOURCES), help="Type, simulate or upload."
    )
    if source == SOURCES[0]:
        with s2:
            x_text = bound(
                st.text_input,
                "Sample x",
                key="ht_t_x",
                value=SLEEP_X,
                max_chars=200_000,
                help="Numbers separated by commas or spaces (default: R's sleep data, drug 1).",
            )
            y_text = bound(
                st.text_input,
                "Sample y",
                key="ht_t_y",
                value=SLEEP_Y,
                max_chars=200_000,
                help="The second sample; paired tests take x − y value by value (default: drug 2).",
            )
        x = lib_call(ht.parse_numbers, x_text)
        y = lib_call(ht.parse_numbers, y_text) if x is not None else None
        return None if x is None or y is None else (x, y)
    if source == SOURCES[2]:
        upload = s2.file_uploader(
            "CSV with two columns",
            type="csv",
            key="ht_t_csv",
            help="A header row, then sample x in the first column and sample y in the second.",
        )
        if upload is None:
            st.info("Upload a CSV with two numeric columns to test them.")
            return None
        return lib_call(read_samples, upload.getvalue())
    c = s2.columns(4)
    n = bound(c[0].slider, "n per sample", key="ht_t_n", min_value=2, max_value=2000, value=30, help="Sample size.")
    shift = bound(
        c[1].slider,
        "True difference",
        key="ht_t_shift",
        min_value=-2.0,
        max_value=2.0,
        value=0.5,
        step=0.05,
        help="x ~ N(difference, sd²), y ~ N(0, 1).",
    )
    sd = bound(
        c[2].slider, "sd of x", key="ht_t_sd", min_value=0.2, max_value=5.0, value=1.0, step=0.1, help="y has sd 1."
    )
    rho = bound(
        c[3].slider,
        "Correlation of pairs",
        key="ht_t_rho",
        min_value=-0.9,
        max_value=0.9,
        value=0.0,
        step=0.05,
        help="Pairs (x_i, y_i) correlated as in before/after data: a paired test gains when it is positive.",
    )
    return simulate_samples(n, n, shift, sd, rho, global_seed())


def t_part(alternative: str, alpha: float) -> tuple[np.ndarray, np.ndarray | None, str, float] | None:
    st.subheader("t-tests: one-sample, Welch, Student, paired")
    c1, c2 = st.columns(2)
    test = bound(
        c1.selectbox,
        "Test",
        key="ht_t_test",
        options=list(TESTS),
        help="Welch (unequal variances, the default in R and the safer choice), Student (pooled variance), "
        "paired (the one-sample test on x − y), or one-sample on x alone.",
    )
    mu = bound(
        c2.number_input,
        "H0 value μ0",
        key="ht_t_mu",
        min_value=-1e6,
        max_value=1e6,
        value=0.0,
        step=0.1,
        help="H0: mean of x = μ0 (one-sample), mean of x − y = μ0 (paired) or μx − μy = μ0 (two-sample).",
    )
    data = t_data()
    if data is None:
        return None
    x, y = data
    table = lib_call(t_table, x, y, test, float(mu), alternative, alpha)
    if table is None:
        return None
    csv_download(table, "t_tests.csv", "Download the t-tests (CSV)", key="ht_dl_t")
    t_charts(x, y, test, float(mu), alternative, alpha)
    return x, y, test, float(mu)


@st.fragment
def ab_test_section(alpha: float) -> None:
    st.header("5 · A/B test and t-tests")
    with note("The derivation"):
        prose(__file__, "two_groups.md")
    alternative = bound(
        st.selectbox,
        "Alternative for both tests",
        key="ht_ab_alt",
        options=list(TWO_GROUP_SIDES),
        format_func=TWO_GROUP_SIDES.get,
        help="About the first group against the second (or the mean against μ0). Verdicts use section 1's α.",
    )
    k1, n1, k2, n2 = proportions_part(alternative, alpha)
    tested = t_part(alternative, alpha)
    x, y, test, mu = tested or (FALLBACK_X, FALLBACK_Y, "Welch two-sample", 0.0)
    t_args, d_args, i_args = T_CALLS[test]
    snippet(
        AB_SNIPPET.replace("T_ARGS", t_args).replace("D_ARGS", d_args).replace("I_ARGS", i_args),
        k1=k1,
        n1=n1,
        k2=k2,
        n2=n2,
        alternative=alternative,
        x=x.round(6).tolist(),
        y=[] if y is None else y.round(6).tolist(),
        mu=mu,
        level=round(1 - alpha, 6),
    )
