"""Hypothesis testing: α, β, power and the p-value as areas; is the coin fair, five ways; power; the bootstrap."""

import numpy as np
import pandas as pd
import streamlit as st

from lib import hypothesis as ht
from lib.viz import interval_chart
from lib.viz.hypothesis import (
    bootstrap_chart,
    exact_pmf_chart,
    power_chart,
    sampling_picture_chart,
    verdict_map_chart,
)
from pages._common import bound, cached, chart, csv_download, global_seed, lib_call, note, page_header, snippet

picture = cached(ht.sampling_picture)
exact_picture = cached(ht.exact_picture)
verdicts = cached(ht.verdict_map)
power_table = cached(ht.power_table)
simulated_rates = cached(ht.simulated_rates)
intervals_for = cached(ht.bootstrap_intervals)
sample_size = cached(ht.sample_size_proportion)
draw_sample = cached(ht.sample_distribution)

SIDES = {"two-sided": "two-sided (p ≠ p0)", "greater": "greater (p > p0)", "less": "less (p < p0)"}
SOURCES = ("H/T flips", "a count: k heads in n flips", "simulate flips from a true p", "an uploaded CSV of flips")
PASTE = "pasted numbers"
UPLOAD = "an uploaded CSV"
METHOD_NAMES = {"percentile": "percentile", "basic": "basic (δ method)", "bca": "BCa"}


def verdict(pvalue: float, alpha: float) -> str:
    return "reject H0" if pvalue <= alpha else "keep H0"


def fmt_p(value: float) -> str:
    return f"{value:.4g}" if value >= 1e-4 else f"{value:.2e}"


@st.cache_data(max_entries=64, show_spinner=False)
def draw_test_picture(p0: float, p1: float, n: int, alpha: float, alternative: str, observed: float) -> tuple:
    """Section 1's figures, metrics and caption (replayed from the cache); returns (power, exact power)."""
    pic = picture(p0, p1, n, alpha, alternative, observed)
    critical = [c for c in (pic.critical_low, pic.critical_high) if c is not None]
    chart(
        sampling_picture_chart,
        pic.curves,
        critical=critical,
        observed=observed,
        title=f"Sampling distributions of p̂ with n = {n}: H0 (p = {p0}) and H1 (p = {p1})",
    )
    exact_power = ht.power_proportion(p0, p1, n, alpha, alternative, test="exact")
    exact_size = ht.power_proportion(p0, p0, n, alpha, alternative, test="exact")
    m = st.columns(5)
    m[0].metric("α (chosen)", f"{alpha:.3f}", help="Red area: the H0 curve beyond the critical value(s).")
    m[1].metric("β", f"{pic.beta:.4f}", help="Orange area: the H1 curve inside the keep region (normal approximation).")
    m[2].metric("Power 1 − β", f"{pic.power:.4f}", help="Green area: the H1 curve in the rejection region.")
    m[3].metric("p-value of p̂", fmt_p(pic.pvalue), help=f"Score z-test, z = {pic.z:.3f}; purple area.")
    m[4].metric("Exact test: power", f"{exact_power:.4f}", help="Σ Binomial(k; n, p1) over the exact rejection region.")
    crit_text = " and ".join(f"{c:.4f}" for c in critical)
    st.caption(
        f"The z-test rejects when p̂ is beyond {crit_text}. At p̂ = {observed:.2f}: z = {pic.z:.3f}, "
        f"p-value = {fmt_p(pic.pvalue)} → **{verdict(pic.pvalue, alpha)}** at α = {alpha:.3f}. The exact binomial "
        f"test's actual size at n = {n} is {exact_size:.4f} (≤ α = {alpha:.3f}), its power {exact_power:.4f}."
    )
    chart(
        exact_pmf_chart,
        exact_picture(p0, p1, n, alpha, alternative),
        title="The same test, exactly: Binomial pmfs of K under H0 and H1 (solid bars: the exact test rejects)",
    )
    return pic.power, exact_power


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
    """The verdict map and its caption (replayed from the cache)."""
    vmap = verdicts(coin_p0, alpha, map_n, alternative, prior_a, prior_b, prior_null)
    here = (counts[0], counts[1]) if results is not None and counts[1] <= map_n else None
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


page_header(
    "Hypothesis testing",
    "α, β, power and the p-value are areas under two curves: what p̂ = k/n looks like if the coin is fair "
    "(H0) and if it is not (H1). Below, those areas move with the sliders; then one set of flips is tested "
    "five ways (two CLT z-tests, the exact binomial test under two rules, and a Bayes factor), power and "
    "sample size are computed and checked by simulation, and bootstrap intervals are built and put to a "
    "coverage test.",
)

with note():
    st.markdown(
        "**Size, p-value, power.** Before testing, fix the significance level "
        "$\\alpha = P(\\text{reject } H_0 \\mid H_0 \\text{ true})$, the type-1 error rate one accepts. "
        "The **p-value** is $P(\\text{a result at least as extreme as the one observed} \\mid H_0)$; reject "
        "when it is at most α. $\\beta = P(\\text{keep } H_0 \\mid H_1 \\text{ true})$ is the type-2 error "
        "rate and $1-\\beta$ the **power**. Power grows with n, with the effect size $|p_1 - p_0|$, and with α."
    )
    st.markdown("**Is the coin fair? Method 1, the CLT.** With $\\hat p = k/n$ and $H_0: p = p_0$,")
    st.latex(
        r"z_{\text{score}} = \frac{\hat p - p_0}{\sqrt{p_0(1-p_0)/n}} \qquad"
        r"z_{\text{Wald}} = \frac{\hat p - p_0}{\sqrt{\hat p(1-\hat p)/n}} \;\sim\; N(0, 1) \text{ approximately}"
    )
    st.markdown(
        "The score test takes the standard error under H0 (as the null says it is); the Wald test takes it "
        "from the data and is undefined at $\\hat p \\in \\{0, 1\\}$. "
        "**Method 2, the binomial pmf.** Under H0, $K \\sim \\mathrm{Bin}(n, p_0)$; one-sided, reject when "
        "$P(K \\le k) \\le \\alpha$ (or $P(K \\ge k)$). Two-sided, the *minlike* rule (R's `binom.test`, "
        "scipy's `binomtest`) adds the probability of every count no more likely than k; the *central* rule "
        "doubles the smaller tail. Because K is discrete, the exact test's actual size is at most α and "
        "usually below it, and its power is a sawtooth in n."
    )
    st.latex(r"p_{\text{minlike}} = \sum_{j:\, f(j) \le f(k)} f(j), \qquad f(j) = \binom{n}{j} p_0^j (1-p_0)^{n-j}")
    st.markdown(
        "**Bootstrap interval (the notes' δ method).** From the sample $x_1,\\dots,x_n$, draw resamples with "
        "replacement; for each, $\\delta^* = \\bar x^* - \\bar x$. With $q_u$ the u-quantile of δ*, the "
        "interval is $[\\bar x - q_{1-\\alpha/2},\\; \\bar x - q_{\\alpha/2}]$: the *basic* bootstrap. The "
        "*percentile* interval reads the quantiles of $\\bar x^*$ directly; *BCa* shifts them for bias and "
        "skewness."
    )
    st.markdown(
        "**Bayesian testing.** Prefer H0 when $P(H_0 \\mid y) > P(H_1 \\mid y)$. With $p \\sim$ Beta(a, b) under H1,"
    )
    st.latex(
        r"\mathrm{BF}_{01} = \frac{p_0^k (1-p_0)^{n-k}}{B(k+a,\, n-k+b) / B(a, b)}, \qquad"
        r"P(H_0 \mid y) = \frac{\pi_0\, \mathrm{BF}_{01}}{\pi_0\, \mathrm{BF}_{01} + 1 - \pi_0}"
    )

# --- 1. The picture of a test ----------------------------------------------------------------------
st.header("1 · The picture of a test")
c1, c2, c3 = st.columns(3)
with c1:
    p0 = bound(
        st.slider,
        "Null proportion p0",
        key="ht_p0",
        min_value=0.05,
        max_value=0.95,
        value=0.5,
        step=0.01,
        help="H0: P(heads) = p0. A fair coin is p0 = 0.5.",
    )
    p1 = bound(
        st.slider,
        "True proportion p1 (under H1)",
        key="ht_p1",
        min_value=0.01,
        max_value=0.99,
        value=0.6,
        step=0.01,
        help="The coin's P(heads) if H0 is wrong: power and β are computed against this value.",
    )
with c2:
    n = bound(
        st.slider,
        "Number of flips n",
        key="ht_n",
        min_value=5,
        max_value=2000,
        value=100,
        step=1,
        help="Sample size. The sampling distributions of p̂ narrow like 1/√n.",
    )
    alpha = bound(
        st.slider,
        "Significance level α",
        key="ht_alpha",
        min_value=0.001,
        max_value=0.2,
        value=0.05,
        step=0.001,
        format="%.3f",
        help="The type-1 error rate accepted before testing: P(reject H0 | H0 true).",
    )
with c3:
    alternative = bound(
        st.selectbox,
        "Alternative",
        key="ht_alternative",
        options=list(SIDES),
        format_func=SIDES.get,
        help="Which departures from p0 count as evidence: either side, or one side only.",
    )
    observed = bound(
        st.slider,
        "Observed p̂ = k / n",
        key="ht_observed",
        min_value=0.0,
        max_value=1.0,
        value=0.58,
        step=0.01,
        help="A sample proportion to test: its p-value is the shaded H0 area at least this extreme.",
    )

power_z, exact_power = draw_test_picture(p0, p1, n, alpha, alternative, observed)

# --- 2. Is the coin fair? --------------------------------------------------------------------------
st.header("2 · Is the coin fair? Five ways on the same flips")
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
    elif source == SOURCES[1]:
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
    elif source == SOURCES[3]:
        coin_file = st.file_uploader(
            "CSV of flips",
            type="csv",
            key="ht_coin_csv",
            help="A CSV with a header row; its first column holds one flip per row, as H/T or 1/0.",
        )
    else:
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

seed = global_seed()
flips = None
if source == SOURCES[0]:
    flips = lib_call(ht.parse_flips, flips_text)
    counts = None if flips is None else (int(flips.sum()), int(flips.size))
elif source == SOURCES[1]:
    counts = (int(k_in), int(n_in))
elif source == SOURCES[3]:
    flips = None if coin_file is None else lib_call(ht.read_csv_column, coin_file.getvalue(), kind="flips")
    counts = None if flips is None else (int(flips.sum()), int(flips.size))
    if coin_file is None:
        st.info("Upload a CSV file of flips to test them.")
else:
    flips = ht.simulate_flips(true_p, sim_n, seed)
    counts = (int(flips.sum()), int(flips.size))

results = (
    None
    if counts is None
    else lib_call(draw_verdicts, *counts, coin_p0, alternative, alpha, prior_a, prior_b, prior_null)
)
if results is not None:
    csv_download(results, "is_the_coin_fair.csv", "Download the verdicts (CSV)", key="ht_dl_coin")

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
here = (counts[0], counts[1]) if results is not None and counts[1] <= map_n else None
draw_map(coin_p0, alpha, map_n, alternative, prior_a, prior_b, prior_null, here)

# --- 3. Power and sample size ----------------------------------------------------------------------
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
table = draw_power(p0, p1, n_max, alpha, alternative, target, n_sims, seed)
try:
    n_z = sample_size(p0, p1, alpha, target, alternative, "z")
    n_exact = sample_size(p0, p1, alpha, target, alternative, "exact", 5000)
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
q[2].metric(f"Power at n = {n}, z formula", f"{power_z:.4f}", help="The n of section 1.")
q[3].metric(f"Power at n = {n}, exact test", f"{exact_power:.4f}", help="The n of section 1.")
csv_download(table, "power_and_size.csv", "Download power and size by n (CSV)", key="ht_dl_power")

# --- 4. Bootstrap intervals ------------------------------------------------------------------------
st.header("4 · Bootstrap confidence intervals")
b1, b2, b3 = st.columns(3)
with b1:
    boot_source = bound(
        st.selectbox,
        "Sample",
        key="ht_boot_source",
        options=[*ht.SKEWED_DISTRIBUTIONS, PASTE, UPLOAD],
        help="Draw a sample from a skewed distribution (its true statistic is known), paste numbers or upload a CSV.",
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
if boot_source == PASTE:
    pasted = bound(
        st.text_input,
        "Numbers",
        key="ht_boot_text",
        value="10, 12, 12.5, 12.5, 13.9, 15, 21, 22, 23, 34, 50, 81, 89, 121, 134, 213",
        max_chars=50_000,
        help="Numbers separated by commas or spaces (default: the data of R's boot example).",
    )
    sample = lib_call(ht.parse_numbers, pasted)
    truth = None
elif boot_source == UPLOAD:
    boot_file = st.file_uploader(
        "CSV of numbers",
        type="csv",
        key="ht_boot_csv",
        help="A CSV with a header row; the first column is the sample.",
    )
    sample = None if boot_file is None else lib_call(ht.read_csv_column, boot_file.getvalue())
    truth = None
    if boot_file is None:
        st.info("Upload a CSV file to bootstrap its first column.")
else:
    sample = draw_sample(boot_source, boot_n, seed)
    truth = ht.true_statistic(boot_source, statistic_name, quantile_q)
ci_table = (
    None if sample is None else draw_bootstrap(sample, statistic_name, level, n_resamples, seed, quantile_q, truth)
)
if ci_table is not None:
    csv_download(ci_table, "bootstrap_intervals.csv", "Download the intervals (CSV)", key="ht_dl_boot")

st.subheader("Coverage lab")
if boot_source in (PASTE, UPLOAD):
    st.info("The coverage lab needs a known truth: choose a distribution as the sample above.")
else:
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
    csv_download(cov_table, "bootstrap_coverage.csv", "Download the coverage table (CSV)", key="ht_dl_cov")

snippet(
    """
import numpy as np
from lib.hypothesis import (
    bayes_factor_binomial, binomial_test, bootstrap_ci, power_proportion, posterior_null_probability,
    proportion_ztest, sample_size_proportion, wald_ztest,
)

# 1. The picture: power of the z-test (normal formula) and of the exact test
print(power_proportion($p0, $p1, $n, $alpha, $alternative, test="z"))
print(power_proportion($p0, $p1, $n, $alpha, $alternative, test="exact"))
print(sample_size_proportion($p0, $p1, $alpha, $target, $alternative))

# 2. Is the coin fair? k heads in n flips
k, n = $k, $n_obs
print(proportion_ztest(k, n, $coin_p0, $alternative))  # score test: SE from p0
print(binomial_test(k, n, $coin_p0, $alternative))  # exact, minlike (as R and scipy)
print(binomial_test(k, n, $coin_p0, $alternative, two_sided="central"))
print(bayes_factor_binomial(k, n, $coin_p0, a=$a, b=$b))
print(posterior_null_probability(k, n, $coin_p0, a=$a, b=$b, prior_null=$prior_null))

# 4. Bootstrap intervals of the mean of a skewed sample
data = np.random.default_rng($seed).lognormal(0.0, 1.0, 40)
for method in ("percentile", "basic", "bca"):
    print(method, bootstrap_ci(data, np.mean, level=$level, method=method, n_resamples=$n_resamples, seed=$seed))
""",
    p0=p0,
    p1=p1,
    n=n,
    alpha=alpha,
    alternative=alternative,
    target=target,
    k=counts[0] if results is not None else 60,
    n_obs=counts[1] if results is not None else 100,
    coin_p0=coin_p0,
    a=prior_a,
    b=prior_b,
    prior_null=prior_null,
    seed=seed,
    level=level,
    n_resamples=n_resamples,
)
