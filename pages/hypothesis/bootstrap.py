"""Section 4 · Bootstrap confidence intervals (percentile, basic, BCa) and their coverage lab."""

import numpy as np
import pandas as pd
import streamlit as st

from lib import hypothesis as ht
from lib.viz import interval_chart
from lib.viz.hypothesis import bootstrap_chart
from pages._common import bound, cached, chart, csv_download, global_seed, lib_call, snippet

intervals_for = cached(ht.bootstrap_intervals)
draw_sample = cached(ht.sample_distribution)

PASTE = "pasted numbers"
UPLOAD = "an uploaded CSV"
METHOD_NAMES = {"percentile": "percentile", "basic": "basic (δ method)", "bca": "BCa"}


@st.cache_data(max_entries=64, show_spinner=False)
def draw_bootstrap(
    sample: np.ndarray,
    statistic_name: str,
    level: float,
    n_resamples: int,
    seed: int,
    quantile_q: float,
    truth: float | None,
) -> pd.DataFrame | None:
    """Section 4's intervals, charts and table (replayed from the cache); returns the table."""
    boot = (
        None
        if sample is None
        else lib_call(intervals_for, sample, statistic_name, level, n_resamples, seed, quantile_q)
    )
    if boot:
        any_ci = next(iter(boot.values()))
        ci_table = pd.DataFrame(
            [(METHOD_NAMES[m], ci.low, ci.high, ci.high - ci.low) for m, ci in boot.items()],
            columns=["method", "low", "high", "width"],
        ).assign(estimate=any_ci.estimate, reference=truth if truth is not None else any_ci.estimate)
        ci_table = ci_table.round({c: 4 for c in ci_table.columns if c != "method"})
        density, edges = np.histogram(any_ci.bootstrap_distribution, bins=50, density=True)
        bars = pd.DataFrame({"start": edges[:-1], "end": edges[1:], "density": density})
        dc, ic = st.columns([3, 2])
        with dc:
            chart(
                bootstrap_chart,
                bars,
                ci_table[["method", "low", "high"]],
                x_title=f"bootstrap {statistic_name} θ*",
                estimate=any_ci.estimate,
                title=f"{n_resamples:,} bootstrap {statistic_name}s and each method's interval",
            )
        with ic:
            ref_name = "true value (red tick)" if truth is not None else "estimate θ̂ (red tick)"
            chart(
                interval_chart,
                ci_table,
                category="method",
                estimate="estimate",
                low="low",
                high="high",
                reference="reference",
                x_title=statistic_name,
                y_title="method",
                title=f"{100 * level:.0f}% intervals vs the {ref_name}",
            )
        st.caption(
            f"θ̂ = {any_ci.estimate:.4g} from n = {len(sample)} values; "
            f"bootstrap standard error {any_ci.standard_error:.4g}."
            + ("" if "bca" in boot else " BCa is undefined here: every bootstrap value lies on one side of θ̂.")
            + (f" True {statistic_name}: {truth:.4g}." if truth is not None else "")
        )
        st.dataframe(ci_table, hide_index=True)
        return ci_table
    return None


@st.cache_data(max_entries=64, show_spinner=False)
def draw_coverage(
    boot_source: str,
    statistic_name: str,
    boot_n: int,
    level: float,
    runs: int,
    cov_resamples: int,
    quantile_q: float,
    seed: int,
) -> pd.DataFrame:
    """The coverage lab's chart and table (replayed from the cache); returns the table."""
    cov = ht.bootstrap_coverage(boot_source, statistic_name, boot_n, level, runs, cov_resamples, quantile_q, seed)
    low, high = cov.coverage_intervals(0.95)
    cov_table = pd.DataFrame(
        {
            "method": [METHOD_NAMES[m] for m in cov.methods],
            "coverage": cov.coverage,
            "95% low": low,
            "95% high": high,
            "nominal": level,
            "mean width": cov.mean_width,
        }
    ).round(4)
    chart(
        interval_chart,
        cov_table,
        category="method",
        estimate="coverage",
        low="95% low",
        high="95% high",
        reference="nominal",
        x_title="share of intervals covering the true value",
        y_title="method",
        title=f"Empirical coverage over {cov.n_experiments} samples of n = {boot_n} (red: nominal {level:.2f})",
    )
    st.dataframe(cov_table, hide_index=True)
    return cov_table


def chosen_sample(boot_source: str, boot_n: int, seed: int, statistic_name: str, quantile_q: float) -> tuple:
    """(sample, true statistic): drawn from a distribution (truth known), pasted or uploaded (truth None)."""
    if boot_source == PASTE:
        pasted = bound(
            st.text_input,
            "Numbers",
            key="ht_boot_text",
            value="10, 12, 12.5, 12.5, 13.9, 15, 21, 22, 23, 34, 50, 81, 89, 121, 134, 213",
            max_chars=50_000,
            help="Numbers separated by commas or spaces (default: the data of R's boot example).",
        )
        return lib_call(ht.parse_numbers, pasted), None
    if boot_source == UPLOAD:
        boot_file = st.file_uploader(
            "CSV of numbers",
            type="csv",
            key="ht_boot_csv",
            help="A CSV with a header row; the first column is the sample.",
        )
        sample = None if boot_file is None else lib_call(ht.read_csv_column, boot_file.getvalue())
        if boot_file is None:
            st.info("Upload a CSV file to bootstrap its first column.")
        return sample, None
    return draw_sample(boot_source, boot_n, seed), ht.true_statistic(boot_source, statistic_name, quantile_q)


def coverage_lab(
    boot_source: str, statistic_name: str, boot_n: int, level: float, quantile_q: float, seed: int
) -> None:
    """Repeat the experiment on fresh samples: how often each method's interval covers the true value."""
    st.subheader("Coverage lab")
    if boot_source in (PASTE, UPLOAD):
        st.info("The coverage lab needs a known truth: choose a distribution as the sample above.")
        return
    l1, l2 = st.columns(2)
    with l1:
        runs = bound(
            st.slider,
            "Repeated experiments",
            key="ht_cov_runs",
            min_value=50,
            max_value=1000,
            value=200,
            step=50,
            help="How many fresh samples are drawn; each gets all three intervals.",
        )
    with l2:
        cov_resamples = bound(
            st.slider,
            "Resamples per experiment",
            key="ht_cov_resamples",
            min_value=200,
            max_value=5000,
            value=500,
            step=100,
            help="Bootstrap resamples inside each experiment.",
        )
    with st.spinner("Repeating the experiment…"):
        cov_table = draw_coverage(boot_source, statistic_name, boot_n, level, runs, cov_resamples, quantile_q, seed)
    st.caption(
        "What a 95% interval means: the procedure covers the true value in about 95% of repeated samples, the "
        "rate measured here. It does not mean that this one interval contains the parameter with probability 95%: "
        "once computed it covers it or not, and a probability about the parameter needs a prior (section 2's Bayes "
        "factor)."
    )
    csv_download(cov_table, "bootstrap_coverage.csv", "Download the coverage table (CSV)", key="ht_dl_cov")


@st.fragment
def bootstrap_section() -> None:
    st.header("4 · Bootstrap confidence intervals")
    b1, b2, b3 = st.columns(3)
    with b1:
        boot_source = bound(
            st.selectbox,
            "Sample",
            key="ht_boot_source",
            options=[*ht.SKEWED_DISTRIBUTIONS, PASTE, UPLOAD],
            help=(
                "Draw a sample from a skewed distribution (its true statistic is known), paste numbers or upload a CSV."
            ),
        )
        statistic_name = bound(
            st.selectbox,
            "Statistic",
            key="ht_boot_stat",
            options=list(ht.STATISTICS),
            help="The statistic whose interval is bootstrapped (std uses ddof = 1).",
        )
    with b2:
        boot_n = bound(
            st.slider,
            "Sample size",
            key="ht_boot_n",
            min_value=5,
            max_value=500,
            value=40,
            step=1,
            help="Observations drawn from the distribution (ignored for pasted numbers).",
        )
        quantile_q = bound(
            st.slider,
            "Quantile q",
            key="ht_boot_q",
            min_value=0.05,
            max_value=0.95,
            value=0.9,
            step=0.05,
            disabled=statistic_name != "quantile",
            help="Used when the statistic is 'quantile'.",
        )
    with b3:
        level = bound(
            st.slider,
            "Confidence level",
            key="ht_boot_level",
            min_value=0.5,
            max_value=0.99,
            value=0.95,
            step=0.01,
            help="Nominal coverage 1 − α of each interval.",
        )
        n_resamples = bound(
            st.slider,
            "Bootstrap resamples",
            key="ht_boot_B",
            min_value=500,
            max_value=50_000,
            value=5000,
            step=500,
            help="Resamples drawn with replacement (vectorised numpy; the sidebar seed fixes them).",
        )
    seed = global_seed()
    sample, truth = chosen_sample(boot_source, boot_n, seed, statistic_name, quantile_q)
    ci_table = (
        None if sample is None else draw_bootstrap(sample, statistic_name, level, n_resamples, seed, quantile_q, truth)
    )
    if ci_table is not None:
        csv_download(ci_table, "bootstrap_intervals.csv", "Download the intervals (CSV)", key="ht_dl_boot")

    coverage_lab(boot_source, statistic_name, boot_n, level, quantile_q, seed)
    snippet(
        """
import numpy as np
from lib.hypothesis import bootstrap_ci

# Bootstrap intervals of the mean of a skewed sample
data = np.random.default_rng($seed).lognormal(0.0, 1.0, 40)
for method in ("percentile", "basic", "bca"):
    print(method, bootstrap_ci(data, np.mean, level=$level, method=method, n_resamples=$n_resamples, seed=$seed))
""",
        seed=seed,
        level=level,
        n_resamples=n_resamples,
    )
