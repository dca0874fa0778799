"""Section 4 · Bessel's correction: the mean ddof-0 and ddof-1 variances against σ²(n − 1)/n and σ²."""

import streamlit as st

from lib import practice
from lib.viz import line_chart
from pages._common import bound, cached, chart, csv_download, global_seed, note, prose, snippet

table_for = cached(practice.bessel_table)


@st.fragment
def bessel_section() -> None:
    st.header("4 · Bessel's correction: dividing by n − 1")
    cols = st.columns(3)
    with cols[0]:
        max_n = bound(
            st.slider,
            "Largest sample size n",
            key="te_bessel_n",
            min_value=3,
            max_value=50,
            value=20,
            help="Samples of n = 2 … this many draws from N(0, σ²).",
        )
    with cols[1]:
        sigma = bound(
            st.slider,
            "σ",
            key="te_sigma",
            min_value=0.5,
            max_value=5.0,
            value=2.0,
            step=0.5,
            help="Standard deviation of the population the samples come from.",
        )
    with cols[2]:
        n_sims = bound(
            st.slider,
            "Samples per n",
            key="te_bessel_sims",
            min_value=1000,
            max_value=50_000,
            value=10_000,
            step=1000,
            help="How many samples of each size are drawn and averaged.",
        )
    seed = global_seed()
    table = table_for(max_n, sigma, n_sims, seed)
    long = table.melt(id_vars="n", var_name="quantity", value_name="variance")
    long["kind"] = long["quantity"].map(lambda q: "simulated" if q.startswith("mean") else "closed form")
    chart(
        line_chart,
        long,
        x="n",
        y="variance",
        color="quantity",
        dash="kind",
        x_title="sample size n",
        y_title="variance",
        title=f"Mean of {n_sims:,} sample variances against the closed forms",
        cache_key=(max_n, sigma, n_sims, seed),
    )
    two = table.iloc[0]
    cols = st.columns(3)
    cols[0].metric(
        "n = 2: mean ddof-0 variance",
        f"{two['mean ddof-0 variance']:.4g}",
        help="np.var(x): divides by n. Expected σ²/2 at n = 2.",
    )
    cols[1].metric(
        "n = 2: mean ddof-1 variance",
        f"{two['mean ddof-1 variance']:.4g}",
        help="np.var(x, ddof=1): divides by n − 1. Expected σ².",
    )
    cols[2].metric("σ²", f"{sigma**2:.4g}", help="The population variance both try to estimate.")
    st.caption(
        "Dividing by n underestimates σ² by the factor (n − 1)/n: half at n = 2, 5% at n = 20, and the gap "
        "closes as n grows. Dividing by n − 1 is unbiased at every n."
    )
    csv_download(table, "bessel.csv", "Download the table (CSV)", key="te_dl_bessel")
    with note("The derivation"):
        prose(__file__, "bessel.md")
    snippet(
        """
from lib.practice import variance_bias

for n in (2, 5, $max_n):
    biased, unbiased = variance_bias(n, sigma=$sigma, n_sims=$n_sims, seed=$seed + n)
    print(n, biased, $sigma**2 * (n - 1) / n, unbiased, $sigma**2)
""",
        max_n=max_n,
        sigma=sigma,
        n_sims=n_sims,
        seed=seed,
    )
