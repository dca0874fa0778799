"""Section 6 · Fit your own data: five families by maximum likelihood, ranked, plotted and tested."""

import numpy as np
import streamlit as st

from lib import hypothesis as ht
from lib import mle
from lib.viz import histogram_with_density
from lib.viz.mle import probability_plot
from pages._common import bound, cached, chart, csv_download, global_seed, lib_call, plain, prose, snippet

PASTE, UPLOAD = "paste numbers", "upload a CSV"
BEST = "best by AIC"
DEFAULT_DATA = (
    "2.11, 3.74, 4.42, 4.20, 4.30, 1.50, 3.56, 9.23, 1.01, 3.50, 1.56, 3.00, 2.10, 0.67, 0.49, 4.25, 3.51, 2.48, "
    "0.98, 0.96, 2.90, 0.74, 2.64, 2.43, 6.71, 3.37, 4.10, 2.53, 6.03, 1.95, 3.63, 4.08, 1.97, 5.22, 0.48, 5.39, "
    "1.68, 6.77, 2.55, 4.81"
)
MC_BUDGET = 2_000_000  # values × Monte Carlo samples: bounds the goodness-of-fit test's work

fit_families = cached(mle.fit_families)
goodness_of_fit = cached(mle.goodness_of_fit)


def chosen_data() -> tuple[np.ndarray | None, str | None]:
    """(the sample, the uploaded file's name or None): pasted numbers, or the first column of an uploaded CSV."""
    source = bound(
        st.radio,
        "Your data",
        key="mle_fit_source",
        options=[PASTE, UPLOAD],
        horizontal=True,
        help="Paste numbers, or upload a CSV with a header row whose first column is the sample.",
    )
    if source == PASTE:
        text = bound(
            st.text_input,
            "Numbers",
            key="mle_fit_text",
            value=DEFAULT_DATA,
            max_chars=100_000,
            help="Numbers separated by commas or spaces (default: 40 waiting times).",
        )
        return lib_call(ht.parse_numbers, text), None
    upload = st.file_uploader(
        "CSV of numbers",
        type="csv",
        key="mle_fit_csv",
        help="At most 10 MB; a header row, then one value per row in the first column.",
    )
    if upload is None:
        st.info("Upload a CSV file to fit its first column.")
        return None, None
    return lib_call(ht.read_csv_column, upload.getvalue()), upload.name


@st.fragment
def fit_data_section() -> None:
    st.header("6 · Fit your own data")
    data, file_name = chosen_data()
    family_col, mc_col = st.columns(2)
    with family_col:
        tested = bound(
            st.selectbox,
            "Family to test",
            key="mle_fit_family",
            options=[BEST, *mle.FAMILIES],
            help="The goodness-of-fit test below checks this family (by default the one with the smallest AIC).",
        )
    with mc_col:
        n_mc = bound(
            st.slider,
            "Monte Carlo samples for the p-value",
            key="mle_fit_mc",
            min_value=19,
            max_value=999,
            value=99,
            step=20,
            help="Samples drawn from the fitted family and refitted; the p-value's resolution is 1/(samples + 1). "
            "Large data sets get fewer, so that values × samples stays under 2 million.",
        )
    fitted = None if data is None else lib_call(fit_families, data)
    if fitted is None:
        return
    fits, skipped = fitted
    table = mle.fit_table(fits)
    st.dataframe(table, hide_index=True)
    if skipped:
        st.caption("Not fitted: " + " ".join(plain(reason) for reason in skipped.values()))
    csv_download(table, "mle_fitted_families.csv", "Download the fits (CSV)", key="mle_dl_fits")
    show_plots(data, fits)
    family = fits[0].family if tested == BEST else tested
    n_mc_used = int(max(19, min(n_mc, MC_BUDGET // data.size)))
    seed = global_seed()
    with st.spinner(f"Drawing {n_mc_used} samples from the fitted {family} and refitting each…"):
        test = lib_call(goodness_of_fit, data, family, "ad", n_mc_used, seed)
    if test is not None:
        cols = st.columns(3)
        cols[0].metric("Family tested", family, help="Its parameters are estimated from your data (location 0).")
        cols[1].metric("Anderson–Darling A²", f"{test.statistic:.4f}", help="Larger means a worse fit.")
        cols[2].metric(
            "Goodness-of-fit p-value",
            f"{test.pvalue:.3f}",
            help=f"Share of {n_mc_used} refitted samples from the fit with A² at least this large.",
        )
        if n_mc_used < n_mc:
            st.caption(f"{n_mc_used} Monte Carlo samples were used for {data.size:,} values (the work is bounded).")
    prose(__file__, "fit_data.md")
    show_snippet(data, file_name, family, n_mc_used, seed)


def show_plots(data: np.ndarray, fits: list) -> None:
    """The histogram under the fitted densities, then the QQ and PP plots of every fit."""
    curves = mle.density_curves(fits, float(data.min()), float(data.max()))
    chart(
        histogram_with_density,
        data,
        curves,
        x_title="value",
        sample_label="your data",
        title=f"Your {data.size:,} values and the fitted densities",
    )
    points = mle.probability_plot_points(data, fits)
    qq_col, pp_col = st.columns(2)
    with qq_col:
        chart(
            probability_plot,
            points,
            x="fitted quantile",
            y="sample quantile",
            x_title="fitted quantile",
            y_title="sample quantile",
            title="QQ plot: on the diagonal where the family fits",
        )
    with pp_col:
        chart(
            probability_plot,
            points,
            x="probability",
            y="fitted cdf",
            x_title="plotting position (i − ½)/n",
            y_title="fitted cdf at the i-th value",
            title="PP plot: the same, on the probability scale",
        )


SNIPPET_TAIL = """
fits, skipped = mle.fit_families(data)
print(mle.fit_table(fits).to_string())
print(mle.goodness_of_fit(data, $family, statistic="ad", n_mc_samples=$n_mc, seed=$seed))
"""


def show_snippet(data: np.ndarray, file_name: str | None, family: str, n_mc: int, seed: int) -> None:
    """The section's snippet: the pasted numbers inline, or the uploaded file read from the working folder."""
    if file_name is None:
        head = "from lib import mle\n\n# 6. Fit your own data\ndata = $data  # your numbers\n"
        snippet(head + SNIPPET_TAIL, data=data.tolist(), family=family, n_mc=n_mc, seed=seed)
        return
    head = """from pathlib import Path

from lib import mle
from lib.hypothesis import read_csv_column

# 6. Fit your own data
data = read_csv_column(Path($file_name).read_bytes())  # your file, in the working folder
"""
    snippet(
        head + SNIPPET_TAIL,
        caption="Runs as-is in the folder that holds your file, after `pip install -e .` in the repository.",
        file_name=file_name,
        family=family,
        n_mc=n_mc,
        seed=seed,
    )
