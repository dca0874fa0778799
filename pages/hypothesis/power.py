"""Section 3 · Power and sample size for section 1's test: formulas, exact values and simulated rates."""

import numpy as np
import pandas as pd
import streamlit as st

from lib import hypothesis as ht
from lib.viz.hypothesis import power_chart
from pages._common import bound, cached, chart, csv_download, global_seed, snippet

power_table = cached(ht.power_table)
simulated_rates = cached(ht.simulated_rates)
sample_size = cached(ht.sample_size_proportion)
power_at = cached(ht.power_proportion)

EXACT_N_MAX = 5000  # the exact sample-size search stops here

POWER_SNIPPET = """
table = power_table($p0, $p1, $n_max, $alpha, $alternative)  # power and actual size by n
print(table.tail())
"""
SAMPLE_SIZE_SNIPPET = """print(sample_size_proportion($p0, $p1, $alpha, $target, $alternative))
print(sample_size_proportion($p0, $p1, $alpha, $target, $alternative, test="exact", n_max=$exact_n_max))
"""


def power_snippet(with_sample_size: bool) -> str:
    """The section's snippet template: the power table, then the sample sizes when there are any."""
    if with_sample_size:
        return "from lib.hypothesis import power_table, sample_size_proportion\n" + POWER_SNIPPET + SAMPLE_SIZE_SNIPPET
    return "from lib.hypothesis import power_table\n" + POWER_SNIPPET


@st.cache_data(max_entries=64, show_spinner=False)
def draw_power(
    p0: float, p1: float, n_max: int, alpha: float, alternative: str, target: float, n_sims: int, seed: int
) -> pd.DataFrame:
    """Section 3's two charts (replayed from the cache); returns the power/size table."""
    table = power_table(p0, p1, n_max, alpha, alternative)
    grid = sorted({int(v) for v in np.unique(np.linspace(1, n_max, 10).round())})
    sim_power = simulated_rates(p0, p1, grid, alpha, alternative, n_sims, seed)
    sim_size = simulated_rates(p0, p0, grid, alpha, alternative, n_sims, seed + 1)
    power_long = table.melt(
        id_vars="n", value_vars=["z formula", "z-test, exact rate", "exact test"], var_name="curve", value_name="value"
    )
    size_long = table.melt(
        id_vars="n",
        value_vars=["size: z formula", "size: z-test, exact rate", "size: exact test"],
        var_name="curve",
        value_name="value",
    ).assign(curve=lambda f: f["curve"].str.removeprefix("size: "))
    pc, sc_ = st.columns(2)
    with pc:
        chart(
            power_chart,
            power_long,
            sim_power,
            y_title="power = P(reject | p = p1)",
            level=target,
            level_label="target power",
            title=f"Power against p1 = {p1}: formulas and simulated rates",
        )
    with sc_:
        chart(
            power_chart,
            size_long,
            sim_size,
            y_title="actual size = P(reject | p = p0)",
            level=alpha,
            level_label="α",
            y_max=min(1.0, 1.05 * max(2 * alpha, size_long["value"].max(), sim_size["high"].max())),
            title="Actual size: the exact test stays below α (sawtooth), the z-test need not",
        )
    return table


@st.fragment
def power_section(p0: float, p1: float, n: int, alpha: float, alternative: str) -> None:
    st.header("3 · Power and sample size")
    st.caption(f"For the test of section 1: p0 = {p0}, p1 = {p1}, α = {alpha:.3f}, {alternative}.")
    w1, w2, w3 = st.columns(3)
    with w1:
        n_max = bound(
            st.slider,
            "Curves up to n",
            key="ht_pow_nmax",
            min_value=10,
            max_value=1000,
            value=200,
            step=10,
            help="The power and size curves cover n = 1 … this value.",
        )
    with w2:
        target = bound(
            st.slider,
            "Target power",
            key="ht_target",
            min_value=0.5,
            max_value=0.99,
            value=0.8,
            step=0.01,
            help="Solve for the smallest n reaching this power.",
        )
    with w3:
        n_sims = bound(
            st.slider,
            "Simulations per point",
            key="ht_sims",
            min_value=200,
            max_value=20_000,
            value=2000,
            step=100,
            help="Coin experiments simulated at each marked n to estimate the rejection rate.",
        )
    table = draw_power(p0, p1, n_max, alpha, alternative, target, n_sims, global_seed())
    try:
        n_z = sample_size(p0, p1, alpha, target, alternative, "z")
        n_exact = sample_size(p0, p1, alpha, target, alternative, "exact", EXACT_N_MAX)
        ss_error = None
    except ValueError as err:
        n_z = n_exact = None
        ss_error = str(err)
    q = st.columns(4)
    if n_z is not None:
        q[0].metric(
            "n for target power, z formula", f"{n_z:,}", help="Closed form (z_a √(p0q0) + z_b √(p1q1))² / (p1 − p0)²."
        )
        q[1].metric(
            "n for target power, exact test", f"{n_exact:,}", help="Smallest n whose exact power reaches the target."
        )
    else:
        st.info(ss_error)
    # The same powers as section 1's metrics (Power 1 − β, Exact test: power), from the same lib function.
    q[2].metric(
        f"Power at n = {n}, z formula",
        f"{power_at(p0, p1, n, alpha, alternative, 'z'):.4f}",
        help="The n of section 1.",
    )
    q[3].metric(
        f"Power at n = {n}, exact test",
        f"{power_at(p0, p1, n, alpha, alternative, 'exact'):.4f}",
        help="The n of section 1.",
    )
    csv_download(table, "power_and_size.csv", "Download power and size by n (CSV)", key="ht_dl_power")
    # Without a sample size (p1 = p0, p1 on the wrong side, or no n reaches the target) the snippet leaves it out.
    snippet(
        power_snippet(with_sample_size=ss_error is None),
        p0=p0,
        p1=p1,
        n_max=n_max,
        alpha=alpha,
        alternative=alternative,
        target=target,
        exact_n_max=EXACT_N_MAX,
    )
