"""Section 2 · Is the coin fair? One set of flips tested five ways, and where the five ways disagree."""

import numpy as np
import pandas as pd
import streamlit as st

from lib import hypothesis as ht
from lib.viz.hypothesis import verdict_map_chart
from pages._common import bound, cached, chart, csv_download, global_seed, lib_call, snippet
from pages.hypothesis.bayes_views import jasp_views
from pages.hypothesis.formatting import fmt_p, verdict

verdicts = cached(ht.verdict_map)

SOURCES = ("H/T flips", "a count: k heads in n flips", "simulate flips from a true p", "an uploaded CSV of flips")
DEFAULT_COUNTS = (60, 100)  # the snippet's k and n while no data can be tested


@st.cache_data(max_entries=64, show_spinner=False)
def draw_verdicts(
    k_obs: int,
    n_obs: int,
    coin_p0: float,
    alternative: str,
    alpha: float,
    prior_a: float,
    prior_b: float,
    prior_null: float,
) -> pd.DataFrame:
    """Section 2's verdict table, intervals and metrics (replayed from the cache); returns the table."""
    score = ht.proportion_ztest(k_obs, n_obs, coin_p0, alternative)  # checks k and n first
    minlike = ht.binomial_test(k_obs, n_obs, coin_p0, alternative)
    central = ht.binomial_test(k_obs, n_obs, coin_p0, alternative, two_sided="central")
    bf01 = ht.bayes_factor_binomial(k_obs, n_obs, coin_p0, prior_a, prior_b)
    post = ht.posterior_null_probability(k_obs, n_obs, coin_p0, prior_a, prior_b, prior_null)
    wald_ok = 0 < k_obs < n_obs
    wald = ht.wald_ztest(k_obs, n_obs, coin_p0, alternative) if wald_ok else None
    rows = [
        ("score z-test (SE from p0)", f"z = {score.statistic:.4f}", fmt_p(score.pvalue), verdict(score.pvalue, alpha)),
        (
            "Wald z-test (SE from p̂)",
            f"z = {wald.statistic:.4f}" if wald else "undefined (p̂ = 0 or 1)",
            fmt_p(wald.pvalue) if wald else "—",
            verdict(wald.pvalue, alpha) if wald else "no verdict",
        ),
        ("exact binomial, minlike (R, scipy)", f"k = {k_obs}", fmt_p(minlike.pvalue), verdict(minlike.pvalue, alpha)),
        ("exact binomial, central", f"k = {k_obs}", fmt_p(central.pvalue), verdict(central.pvalue, alpha)),
        (
            f"Bayes factor, Beta({prior_a:g}, {prior_b:g}) under H1",
            f"BF01 = {bf01:.4g}",
            f"P(H0 | y) = {post:.4f}",
            "favours H0" if post > 0.5 else ("favours H1" if post < 0.5 else "undecided"),
        ),
    ]
    results = pd.DataFrame(rows, columns=["method", "statistic", "p-value / posterior", "verdict"])
    head = st.columns(4)
    head[0].metric("Heads k", f"{k_obs:,}")
    head[1].metric("Flips n", f"{n_obs:,}")
    head[2].metric("p̂ = k / n", f"{k_obs / n_obs:.4f}")
    head[3].metric("BF01", f"{bf01:.4g}", help="> 1: the data favour H0 (p = p0); < 1: they favour H1.")
    st.dataframe(results, hide_index=True, width="stretch")
    if alternative == "two-sided":
        st.caption(
            "For p0 = 0.5 the minlike and central rules coincide (the pmf is symmetric); move p0 away from "
            "0.5 to see them part."
        )
    else:
        st.caption("One-sided, both exact rules are the same tail sum.")
    intervals = pd.DataFrame(
        [
            (name, *ht.proportion_confint(k_obs, n_obs, 1 - alpha, method))
            for name, method in (
                ("Wilson (inverts the score test)", "wilson"),
                ("Wald", "wald"),
                ("Clopper–Pearson (exact)", "exact"),
            )
        ],
        columns=["interval", "low", "high"],
    ).round(4)
    st.markdown(f"**{100 * (1 - alpha):.1f}% confidence intervals for p**")
    st.dataframe(intervals, hide_index=True)
    return results


@st.cache_data(max_entries=64, show_spinner=False)
def draw_map(
    coin_p0: float,
    alpha: float,
    map_n: int,
    alternative: str,
    prior_a: float,
    prior_b: float,
    prior_null: float,
    here: tuple[int, int] | None,
) -> None:
    """The verdict map and its caption (replayed from the cache); ``here`` = (k, n) of the tested data, or None."""
    vmap = verdicts(coin_p0, alpha, map_n, alternative, prior_a, prior_b, prior_null)
    chart(
        verdict_map_chart,
        vmap,
        verdicts=[*ht.VERDICTS, "other split"],
        point=here,
        title=f"Where the five ways disagree: every (n, k) for p0 = {coin_p0}, α = {alpha:.3f}, {alternative}",
    )
    split_counts = vmap["verdict"].value_counts()
    split_counts = split_counts[~split_counts.index.isin(["all reject", "all keep"])]
    split_text = "; ".join(f"{name}: {count:,}" for name, count in split_counts.items()) or "none"
    st.caption(
        f"{int(split_counts.sum()):,} of {len(vmap):,} cells get different verdicts ({split_text}). They hug the "
        "critical counts, where the z-tests and the exact test draw the boundary in slightly different places; "
        "at k = 0 or n the Wald test has no verdict (zero standard error)."
        + (
            " Cells where the tests reject but the Bayes factor favours H0 are Lindley's paradox."
            if "tests reject, Bayes favours H0" in split_counts.index
            else ""
        )
    )


def data_widgets() -> tuple[str, object]:
    """The data source and what its own widgets hold: the flips typed, (k, n), the upload or (true p, n)."""
    s1, s2 = st.columns([1, 2])
    with s1:
        source = bound(
            st.selectbox,
            "Data",
            key="ht_source",
            options=list(SOURCES),
            help="Type flips, give a count, let the lab flip a coin with a P(heads) you choose, or upload a CSV.",
        )
    with s2:
        if source == SOURCES[0]:
            flips_text = bound(
                st.text_input,
                "Flips (H and T)",
                key="ht_flips",
                value="HTHHTHHHTHTHHHTTHHHHTHHTH",
                max_chars=20_000,
                help="A string of H and T such as HTHHT; spaces and commas are ignored.",
            )
            return source, flips_text
        if source == SOURCES[1]:
            kc, nc = st.columns(2)
            k_in = bound(
                kc.number_input,
                "Heads k",
                key="ht_k",
                min_value=0,
                max_value=1_000_000,
                value=115,
                step=1,
                help="Number of heads (successes).",
            )
            n_in = bound(
                nc.number_input,
                "Flips n",
                key="ht_count_n",
                min_value=0,
                max_value=1_000_000,
                value=200,
                step=1,
                help="Number of flips (trials); k must not exceed n.",
            )
            return source, (int(k_in), int(n_in))
        if source == SOURCES[3]:
            coin_file = st.file_uploader(
                "CSV of flips",
                type="csv",
                key="ht_coin_csv",
                help="A CSV with a header row; its first column holds one flip per row, as H/T or 1/0.",
            )
            return source, coin_file
        tc, sc = st.columns(2)
        with tc:
            true_p = bound(
                st.slider,
                "True P(heads)",
                key="ht_true_p",
                min_value=0.0,
                max_value=1.0,
                value=0.55,
                step=0.01,
                help="The simulated coin's real probability of heads (the sidebar seed fixes the flips).",
            )
        with sc:
            sim_n = bound(
                st.slider,
                "Flips simulated",
                key="ht_sim_n",
                min_value=1,
                max_value=5000,
                value=200,
                step=1,
                help="How many flips to simulate.",
            )
        return source, (true_p, sim_n)


def flip_data(source: str, given: object, seed: int) -> tuple[tuple[int, int], np.ndarray | None] | None:
    """((heads k, flips n), the flips in order or None for a bare count), or None when there is nothing valid
    to test (the error is shown)."""
    if source == SOURCES[1]:
        return given, None
    if source == SOURCES[0]:
        flips = lib_call(ht.parse_flips, given)
    elif source == SOURCES[3]:
        flips = None if given is None else lib_call(ht.read_csv_column, given.getvalue(), kind="flips")
        if given is None:
            st.info("Upload a CSV file of flips to test them.")
    else:
        flips = ht.simulate_flips(*given, seed)
    return None if flips is None else ((int(flips.sum()), int(flips.size)), flips)


@st.fragment
def coin_section(alpha: float, alternative: str) -> None:
    st.header("2 · Is the coin fair? Five ways on the same flips")
    source, given = data_widgets()
    t1, t2, t3, t4 = st.columns(4)
    with t1:
        coin_p0 = bound(
            st.slider,
            "Null p0 for this coin",
            key="ht_coin_p0",
            min_value=0.01,
            max_value=0.99,
            value=0.5,
            step=0.01,
            help="H0: P(heads) = p0. α and the alternative are the ones chosen in section 1.",
        )
    with t2:
        prior_a = bound(
            st.slider,
            "Prior a (Beta under H1)",
            key="ht_a",
            min_value=0.1,
            max_value=20.0,
            value=1.0,
            step=0.1,
            help="Beta(a, b) prior on p under H1; a = b = 1 is uniform.",
        )
    with t3:
        prior_b = bound(
            st.slider,
            "Prior b (Beta under H1)",
            key="ht_b",
            min_value=0.1,
            max_value=20.0,
            value=1.0,
            step=0.1,
            help="Beta(a, b) prior on p under H1; a = b = 1 is uniform.",
        )
    with t4:
        prior_null = bound(
            st.slider,
            "Prior P(H0)",
            key="ht_prior_null",
            min_value=0.0,
            max_value=1.0,
            value=0.5,
            step=0.01,
            help="Your belief that the coin is exactly p0 before seeing the flips.",
        )

    data = flip_data(source, given, global_seed())
    counts, flips = data if data is not None else (None, None)
    results = (
        None
        if counts is None
        else lib_call(draw_verdicts, *counts, coin_p0, alternative, alpha, prior_a, prior_b, prior_null)
    )
    tested = counts if results is not None else None  # (k, n) that passed every test's checks
    if results is not None:
        csv_download(results, "is_the_coin_fair.csv", "Download the verdicts (CSV)", key="ht_dl_coin")
        jasp_views(*counts, flips, coin_p0, prior_a, prior_b)

    map_n = bound(
        st.slider,
        "Map up to n flips",
        key="ht_map_n",
        min_value=10,
        max_value=150,
        value=60,
        step=1,
        help="The verdict map below covers every n up to this and every k from 0 to n.",
    )
    here = tested if tested is not None and tested[1] <= map_n else None
    draw_map(coin_p0, alpha, map_n, alternative, prior_a, prior_b, prior_null, here)
    k, n = tested or DEFAULT_COUNTS
    snippet(
        """
from lib.hypothesis import bayes_factor_binomial, binomial_test, posterior_null_probability, proportion_ztest

# Is the coin fair? k heads in n flips
k, n = $k, $n_obs
print(proportion_ztest(k, n, $coin_p0, $alternative))  # score test: SE from p0
print(binomial_test(k, n, $coin_p0, $alternative))  # exact, minlike (as R and scipy)
print(binomial_test(k, n, $coin_p0, $alternative, two_sided="central"))
print(bayes_factor_binomial(k, n, $coin_p0, a=$a, b=$b))
print(posterior_null_probability(k, n, $coin_p0, a=$a, b=$b, prior_null=$prior_null))
""",
        k=k,
        n_obs=n,
        coin_p0=coin_p0,
        alternative=alternative,
        a=prior_a,
        b=prior_b,
        prior_null=prior_null,
    )
