"""MLE estimators: binomial and negative binomial likelihoods, their intervals, the beta-negative-binomial,
cross-entropy, and unboxing a black-box logistic regression."""

import numpy as np
import pandas as pd
import streamlit as st

from lib import mle
from lib.viz import histogram_with_density, line_chart, pmf_bars
from lib.viz.mle import coverage_chart, cross_entropy_chart, loglik_chart, surface_chart
from pages._common import bound, cached, chart, csv_download, global_seed, lib_call, note, page_header, snippet

BINOMIAL = "binomial: successes out of n trials"
NEGATIVE = "negative binomial: trials until the k-th success"
KIND = {BINOMIAL: "binomial", NEGATIVE: "negative_binomial"}
M_GRID = (1, 2, 3, 5, 8, 13, 20, 30, 50, 80, 130, 200, 300, 500)
COVERAGE_REPS = 1000  # simulated repetitions per m in the coverage-vs-m chart
ERROR_FLOOR = 1e-16  # errors are drawn on a log axis: exact zeros sit at the floor

simulate_counts = cached(mle.simulate_counts)
fit_binomial = cached(mle.binomial_mle)
fit_negative = cached(mle.negative_binomial_mle)
numeric_mle = cached(mle.numeric_mle)
loglik_curve = cached(mle.loglik_curve)
simulate_estimates = cached(mle.simulate_estimates)
exact_properties = cached(mle.exact_properties)
properties_by_m = cached(mle.properties_by_m)
sample_bnb = cached(mle.sample_beta_negative_binomial)
fit_bnb = cached(mle.fit_beta_negative_binomial)
bnb_surface = cached(mle.bnb_loglik_surface)
make_black_box = cached(mle.make_black_box)


def interval_text(interval: tuple[float, float]) -> str:
    return f"{interval[0]:.4f} – {interval[1]:.4f}"


@st.cache_data(max_entries=64, show_spinner=False)
def recovery_by_budget(n_features: int, C: float, threshold: float, decimals: int | None, seed: int) -> pd.DataFrame:
    box, _ = mle.make_black_box(n_features, C, threshold, seed=seed)
    box = mle.BlackBoxLogistic(box.coef, box.intercept, C, threshold, decimals)
    frames = []
    for mode, name in (("proba", "probabilities"), ("label", "labels only")):
        low = mle.minimum_budget(n_features, mode)
        budgets = sorted({int(b) for b in np.geomspace(low, 3_000, 9)})
        frames.append(mle.recovery_curve(box, mode, budgets, seed=seed).assign(reveals=name))
    return pd.concat(frames, ignore_index=True)


@st.cache_data(max_entries=64, show_spinner=False)
def recovery_by_rounding(n_features: int, C: float, threshold: float, budget: int, seed: int) -> pd.DataFrame:
    box, _ = mle.make_black_box(n_features, C, threshold, seed=seed)
    rows = []
    for decimals in range(1, 13):
        rounded = mle.BlackBoxLogistic(box.coef, box.intercept, C, threshold, decimals)
        found = mle.unbox_logistic(rounded.predict_proba, n_features, "proba", budget, seed)
        rows.append((decimals, mle.recovery_error(found, rounded), mle.direction_cosine(found, rounded)))
    return pd.DataFrame(rows, columns=["decimals", "error", "cosine"])


page_header(
    "MLE estimators",
    "Maximum likelihood, watched at work. Simulate coin-flip experiments (or type your own counts) and see the "
    "log-likelihood, the closed-form estimate from the notes and the numeric maximum agree, with Wald and "
    "profile-likelihood 95% intervals; repeat the experiment thousands of times to see how good the estimator "
    "and its intervals are; let p itself be Beta-distributed (the beta-negative-binomial); see that maximum "
    "likelihood is minimum cross-entropy; and read the coefficients out of a black-box logistic regression.",
)

with note():
    st.markdown(
        "**Binomial.** $m$ experiments of $n$ trials with $k_1, \\dots, k_m$ successes. The likelihood is the "
        "product of the pmfs, so the log-likelihood is a sum:"
    )
    st.latex(r"\ell(p) = \sum_i \log\binom{n}{k_i} + \Big(\sum_i k_i\Big)\log p + \Big(mn - \sum_i k_i\Big)\log(1-p)")
    st.latex(
        r"\ell'(p) = \frac{\sum k_i}{p} - \frac{mn - \sum k_i}{1-p} = 0 \;\Rightarrow\; \hat p = \frac{\sum k_i}{mn}"
    )
    st.markdown(
        "**Negative binomial** (the notes count **trials**): the $k$-th success comes on trial $n$ when the first "
        "$n-1$ trials hold $k-1$ successes in any of $\\binom{n-1}{k-1}$ patterns and trial $n$ succeeds:"
    )
    st.latex(r"P(n) = \binom{n-1}{k-1} p^k (1-p)^{n-k}, \qquad n \ge k")
    st.latex(
        r"\ell(p) = \sum_i \log\binom{n_i-1}{k-1} + mk\log p + \Big(\sum n_i - mk\Big)\log(1-p)"
        r"\;\Rightarrow\; \hat p = \frac{mk}{\sum n_i}"
    )
    st.markdown(
        "scipy's `nbinom` counts **failures** $n-k$: `nbinom.pmf(n - k, k, p)`. Both log-likelihoods are "
        "$a\\log p + b\\log(1-p)$ + const with $a$ successes and $b$ failures in total, so $\\hat p = a/(a+b)$ and "
        "the observed Fisher information is $I(\\hat p) = -\\ell''(\\hat p) = (a+b)^3/(ab)$."
    )
    st.markdown(
        "**Intervals.** Wald: $\\hat p \\pm 1.96/\\sqrt{I(\\hat p)}$, i.e. where the quadratic approximation "
        "$-\\tfrac12 I(\\hat p)(p-\\hat p)^2$ drops by $\\chi^2_{1,0.95}/2 = 1.92$. Profile likelihood: where "
        "$\\ell$ itself drops by 1.92, $2(\\ell(\\hat p)-\\ell(p)) = \\chi^2_{1,0.95}$. With no successes "
        "$\\hat p = 0$, $I = \\infty$ and Wald collapses to the point {0}; the profile interval is "
        "$[0,\\,1-e^{-1.92/(mn)}]$."
    )
    st.markdown("**Compounding with a Beta prior** $p \\sim \\mathrm{Beta}(\\alpha, \\beta)$ integrates $p$ out:")
    st.latex(
        r"P(n) = \int_0^1 \binom{n-1}{k-1} p^k(1-p)^{n-k}\,\frac{p^{\alpha-1}(1-p)^{\beta-1}}{B(\alpha,\beta)}\,dp"
        r" = \binom{n-1}{k-1}\frac{B(k+\alpha,\, n-k+\beta)}{B(\alpha,\beta)}"
    )
    st.markdown(
        "This is the *posterior predictive* reading of the notes: average the negative binomial over every "
        "$p$, weighted by its Beta probability."
    )
    st.markdown(
        "**Maximum likelihood = minimum cross-entropy.** Dividing by the number of trials $N$, "
        "$-\\ell(p)/N = H(\\hat q, p) + \\text{const}$ with $\\hat q$ the observed success frequency and "
        "$H(q, p) = -q\\log p - (1-q)\\log(1-p)$: the same argmin."
    )
    st.markdown(
        "**Unboxing a logistic regression.** The box answers $\\sigma(w\\cdot x + b)$. Then "
        "$\\operatorname{logit}(p) = w\\cdot x + b$ is linear: the origin gives $b$ and each unit vector $e_j$ "
        "gives $w_j + b$: $d+1$ queries. Labels only show the plane $w\\cdot x + b = \\operatorname{logit}(t)$."
    )

# --- 1. Binomial and negative binomial ---------------------------------------------------------------
st.header("1 · Binomial and negative binomial: the likelihood")
model_col, source_col = st.columns(2)
with model_col:
    model = bound(
        st.selectbox,
        "Model",
        key="mle_model",
        options=[BINOMIAL, NEGATIVE],
        help="Binomial: a fixed number n of trials, count the successes. Negative binomial: flip until the k-th "
        "success and record how many trials it took (the notes' parametrisation, not scipy's failures).",
    )
with source_col:
    source = bound(
        st.radio,
        "Data",
        key="mle_source",
        options=["simulate", "enter counts"],
        horizontal=True,
        help="Simulate m experiments with the true p below, or type your own observed counts.",
    )
kind = KIND[model]
p_col, size_col, m_col = st.columns(3)
with p_col:
    true_p = bound(
        st.slider,
        "True p",
        key="mle_p",
        min_value=0.01,
        max_value=0.99,
        value=0.3,
        step=0.01,
        help="Probability of success in one trial, used to simulate (panels 1 and 2).",
    )
with size_col:
    if kind == "binomial":
        size = bound(
            st.slider,
            "Trials per experiment n",
            key="mle_n",
            min_value=1,
            max_value=100,
            value=10,
            help="Each experiment flips n coins and counts the successes.",
        )
    else:
        size = bound(
            st.slider,
            "Successes to wait for k",
            key="mle_k",
            min_value=1,
            max_value=20,
            value=3,
            help="Each experiment flips until the k-th success and records the number of trials (at least k).",
        )
with m_col:
    m = bound(
        st.slider,
        "Experiments m",
        key="mle_m",
        min_value=1,
        max_value=500,
        value=20,
        help="How many independent experiments the estimate is based on.",
    )
seed = global_seed()
size_name = "n" if kind == "binomial" else "k"

if source == "simulate":
    data = simulate_counts(kind, true_p, size, m, seed)
else:
    default = "3, 5, 4, 2, 6, 1, 4" if kind == "binomial" else "7, 12, 5, 9, 15, 6, 10"
    text = bound(
        st.text_input,
        "Observed counts" + (" (successes out of n)" if kind == "binomial" else " (trials until the k-th success)"),
        key=f"mle_counts_{kind}",
        value=default,
        max_chars=20_000,
        help="Whole numbers separated by commas or spaces: one per experiment. The slider for "
        f"{size_name} above applies; m is the number of counts you type.",
    )
    data = lib_call(mle.parse_counts, text)

estimate = None
if data is not None:
    fit = fit_binomial if kind == "binomial" else fit_negative
    estimate = lib_call(fit, data, size)

if estimate is not None:
    numeric = numeric_mle(estimate)
    closed = "Σk / (m·n)" if kind == "binomial" else "m·k / Σn"
    cols = st.columns(3)
    cols[0].metric(f"p̂ = {closed}", f"{estimate.value:.6f}", help="The closed form from the notes.")
    cols[1].metric(
        "Numeric maximum of ℓ(p)",
        f"{numeric:.6f}",
        help="scipy.optimize.minimize_scalar (bounded Brent) on −ℓ(p), knowing nothing of the closed form.",
    )
    cols[2].metric("Standard error", f"{estimate.se:.5f}", help="1/√I(p̂) from the observed Fisher information.")
    cols = st.columns(3)
    cols[0].metric("Wald 95%", interval_text(estimate.wald_ci), help="p̂ ± 1.96·se: where the quadratic drops 1.92.")
    cols[1].metric(
        "Profile 95%", interval_text(estimate.profile_ci), help="Where ℓ itself drops χ²₁(0.95)/2 = 1.92 below its max."
    )
    cols[2].metric(
        "Closed form − numeric",
        f"{estimate.value - numeric:.1e}",
        help="The numeric search stops at its tolerance (1e-12 in p, limited by the flatness of ℓ at the top).",
    )
    curve = loglik_curve(estimate)
    chart(
        loglik_chart,
        curve,
        mle=estimate.value,
        cutoff=estimate.cutoff,
        intervals={"profile 95%": estimate.profile_ci, "Wald 95%": estimate.wald_ci},
        truth=true_p if source == "simulate" else None,
        title=f"ℓ(p) − ℓ(p̂) for {len(data)} experiments: curve, quadratic (Fisher) approximation and 95% intervals",
    )
    if estimate.value in (0.0, 1.0):
        st.warning(
            f"p̂ = {estimate.value:g} lies on the boundary: ℓ is steepest there, the Fisher information is infinite, "
            "so the standard error is 0 and the Wald interval collapses to a point. The profile interval still "
            "says which p are plausible."
        )
    elif estimate.wald_ci[0] < 0 or estimate.wald_ci[1] > 1:
        st.info("The Wald interval leaves [0, 1]: the quadratic approximation ignores that p is a probability.")
    st.caption(
        f"Sufficient statistics: {estimate.successes} successes and {estimate.failures} failures in "
        f"{estimate.successes + estimate.failures} trials; ℓ(p̂) = {estimate.loglik:.4f}; "
        f"I(p̂) = {estimate.fisher_information:.5g}. The dotted red line is the χ² cut-off: the profile interval "
        "(wide bar) ends where the curve crosses it, the Wald interval (thin bar) where the quadratic does. "
        "Dashed vertical: p̂" + ("; solid red: the true p." if source == "simulate" else ".")
    )
    column = "successes" if kind == "binomial" else "trials"
    data_frame = pd.DataFrame({"experiment": np.arange(1, len(data) + 1), column: data})
    with st.expander(f"The {len(data)} observed counts"):
        st.dataframe(data_frame, hide_index=True, height=200)
    dl_data, dl_curve = st.columns(2)
    with dl_data:
        csv_download(data_frame, f"mle_{kind}_data.csv", "Download the data (CSV)", key="mle_dl_data")
    with dl_curve:
        csv_download(curve, f"mle_{kind}_loglik.csv", "Download the log-likelihood curve (CSV)", key="mle_dl_curve")

# --- 2. Sampling distribution -------------------------------------------------------------------------
st.header("2 · The sampling distribution of p̂")
repetitions = bound(
    st.slider,
    "Repetitions",
    key="mle_reps",
    min_value=100,
    max_value=20_000,
    value=2_000,
    step=100,
    help=f"How many times the whole experiment (m experiments with the true p and {size_name} above) is repeated.",
)
sim = simulate_estimates(kind, true_p, size, m, repetitions, 0.95, seed)
exact = exact_properties(kind, true_p, size, m)
normal_grid = np.linspace(true_p - 4.5 * exact.asymptotic_sd, true_p + 4.5 * exact.asymptotic_sd, 121)
normal_curve = pd.DataFrame(
    {
        "p̂": normal_grid,
        "density": np.exp(-0.5 * ((normal_grid - true_p) / exact.asymptotic_sd) ** 2)
        / (exact.asymptotic_sd * np.sqrt(2 * np.pi)),
        "curve": "N(p, 1/I(p))",
    }
)
hist_col, stats_col = st.columns([3, 2])
with hist_col:
    chart(
        histogram_with_density,
        sim.estimates,
        normal_curve,
        x="p̂",
        x_title="p̂ in each repetition",
        bins=40,
        sample_label="simulated p̂",
        title="p̂ over repeated experiments against its asymptotic normal",
    )
with stats_col:
    summary = pd.DataFrame(
        {
            "quantity": ["bias E[p̂] − p", "sd of p̂", "Wald coverage", "profile coverage"],
            "simulated": [sim.bias, sim.sd, sim.wald_coverage, sim.profile_coverage],
            "exact": [exact.bias, exact.sd, exact.wald_coverage, exact.profile_coverage],
        }
    )
    st.dataframe(
        summary,
        hide_index=True,
        column_config={
            "simulated": st.column_config.NumberColumn(format="%.5f"),
            "exact": st.column_config.NumberColumn(format="%.5f"),
        },
    )
    st.caption(
        f"Exact values sum over every possible outcome. Asymptotic sd 1/√I(p) = {exact.asymptotic_sd:.5f}. "
        + (
            "The binomial p̂ is unbiased for every m."
            if kind == "binomial"
            else "m·k/Σn overestimates p for small m (Jensen: 1/x is convex); the bias shrinks like 1/m."
        )
    )
if exact.wald_coverage < 0.9:
    zero = (1 - true_p) ** (m * size) if kind == "binomial" else 0.0
    reason = (
        f" With probability {zero:.3f} there are no successes at all (Σk = 0): then se = 0 and the Wald interval "
        "is the point {0}, which never contains p."
        if kind == "binomial" and zero > 0.01
        else " The likelihood is skewed, so a symmetric interval misses on one side."
    )
    st.warning(f"The Wald interval covers p only {exact.wald_coverage:.1%} of the time, not 95%.{reason}")

ms = sorted({*M_GRID, m})
table = properties_by_m(kind, true_p, size, ms, min(COVERAGE_REPS, repetitions), 0.95, seed)
chart(
    coverage_chart,
    table,
    title=f"Coverage of the 95% intervals as m grows (lines exact, points {min(COVERAGE_REPS, repetitions):,} "
    "simulated repetitions)",
)
bias_frame = table.assign(curve="bias E[p̂] − p")
chart(
    line_chart,
    bias_frame,
    x="m",
    y="bias",
    color="curve",
    dash="source",
    x_title="experiments m",
    y_title="bias E[p̂] − p",
    title="Bias of p̂ against m (exact and simulated)",
)
csv_download(table, f"mle_{kind}_coverage.csv", "Download bias and coverage by m (CSV)", key="mle_dl_coverage")

# --- 3. Beta-negative-binomial ------------------------------------------------------------------------
st.header("3 · Beta-negative-binomial: when p itself varies")
bk_col, a_col, b_col, bm_col = st.columns(4)
with bk_col:
    bnb_k = bound(
        st.slider,
        "Successes k",
        key="mle_bnb_k",
        min_value=1,
        max_value=10,
        value=3,
        help="Trials are counted until the k-th success.",
    )
with a_col:
    alpha = bound(
        st.slider,
        "α",
        key="mle_alpha",
        min_value=0.5,
        max_value=30.0,
        value=4.0,
        step=0.5,
        help="Beta(α, β) prior on p: α acts like prior successes. α ≤ 1 gives an infinite mean number of trials.",
    )
with b_col:
    beta = bound(
        st.slider,
        "β",
        key="mle_beta",
        min_value=0.5,
        max_value=30.0,
        value=2.0,
        step=0.5,
        help="Beta(α, β) prior on p: β acts like prior failures. Prior mean of p is α/(α+β).",
    )
with bm_col:
    bnb_m = bound(
        st.slider,
        "Sample size",
        key="mle_bnb_m",
        min_value=20,
        max_value=2_000,
        value=300,
        step=10,
        help="How many trials-until-k-successes are drawn (each with its own p ~ Beta(α, β)) for the fit.",
    )
bnb_mean = mle.beta_negative_binomial_mean(bnb_k, alpha, beta)
if np.isfinite(bnb_mean):
    matched_p = bnb_k / bnb_mean
    matched_text = f"NB, same mean (p = {matched_p:.3f})"
else:
    matched_p = alpha / (alpha + beta)
    matched_text = f"NB at the prior mean (p = {matched_p:.3f})"
n_grid = np.arange(bnb_k, bnb_k + 400)
bnb_pmf = mle.beta_negative_binomial_pmf(n_grid, bnb_k, alpha, beta)
nb_pmf = mle.negative_binomial_pmf(n_grid, bnb_k, matched_p)
shown = int(np.searchsorted(np.cumsum(bnb_pmf), 0.97)) + 1
shown = max(min(shown, 60), int(np.searchsorted(np.cumsum(nb_pmf), 0.995)) + 1, 8)
shown = min(shown, 80)
bnb_sample = sample_bnb(bnb_k, alpha, beta, bnb_m, seed)
frequency = np.bincount(np.minimum(bnb_sample - bnb_k, shown), minlength=shown + 1)[:shown] / bnb_m
pmfs = pd.concat(
    [
        pd.DataFrame({"trials n": n_grid[:shown], "probability": bnb_pmf[:shown], "pmf": "BNB"}),
        pd.DataFrame({"trials n": n_grid[:shown], "probability": frequency, "pmf": f"{bnb_m} draws p ~ Beta, n ~ NB"}),
        pd.DataFrame({"trials n": n_grid[:shown], "probability": nb_pmf[:shown], "pmf": matched_text}),
    ]
)
chart(
    pmf_bars,
    pmfs,
    x="trials n",
    y="probability",
    color="pmf",
    x_title="trials until the k-th success",
    y_title="probability",
    title=f"BNB(k={bnb_k}, α={alpha:g}, β={beta:g}) against a negative binomial: same centre, heavier tail",
)
st.caption(
    (
        f"Mean number of trials: {bnb_mean:.3f} for both. "
        if np.isfinite(bnb_mean)
        else "With α ≤ 1 the mean is infinite: the heavy tail comes from the p close to 0 the Beta prior allows. "
    )
    + f"The bars show n up to {n_grid[shown - 1]}; the BNB puts {1 - bnb_pmf[:shown].sum():.3f} of its mass beyond. "
    "The middle bars are the posterior-predictive reading made literal: each draw first picks its own p from "
    "Beta(α, β), then flips until the k-th success; their frequencies follow the BNB pmf, not the negative binomial."
)

fitted = lib_call(fit_bnb, bnb_sample, bnb_k)
if fitted is not None:
    a_hat, b_hat = fitted
    lo_a, hi_a = min(a_hat, alpha) / 5, max(a_hat, alpha) * 5
    lo_b, hi_b = min(b_hat, beta) / 5, max(b_hat, beta) * 5
    grid_a = np.geomspace(max(lo_a, 0.05), min(hi_a, 2e3), 36)
    grid_b = np.geomspace(max(lo_b, 0.05), min(hi_b, 2e3), 36)
    surface = bnb_surface(bnb_sample, bnb_k, grid_a, grid_b)
    fit_ll = float(mle.beta_negative_binomial_loglik(bnb_sample, bnb_k, a_hat, b_hat))
    true_ll = float(mle.beta_negative_binomial_loglik(bnb_sample, bnb_k, alpha, beta))
    nb_fit = mle.negative_binomial_mle(bnb_sample, bnb_k)
    surf_col, fit_col = st.columns([3, 2])
    with surf_col:
        chart(
            surface_chart,
            surface,
            fit=(a_hat, b_hat),
            truth=(alpha, beta),
            title=f"Log-likelihood of (α, β) for {bnb_m} draws (bands: 50%, 95%, 99.9% likelihood regions)",
        )
    with fit_col:
        st.metric("α̂ (numeric MLE)", f"{a_hat:.4g}", help="L-BFGS-B on (log α, log β) with the digamma gradient.")
        st.metric("β̂ (numeric MLE)", f"{b_hat:.4g}")
        st.metric("ℓ(α̂, β̂)", f"{fit_ll:.3f}", help="Log-likelihood at the fit (constants included).")
        st.caption(
            f"At the true (α, β) = ({alpha:g}, {beta:g}): ℓ = {true_ll:.3f}. A plain negative binomial fitted to the "
            f"same data (p̂ = {nb_fit.value:.4f}) reaches only ℓ = {nb_fit.loglik:.3f}: "
            f"likelihood-ratio statistic {2 * (fit_ll - nb_fit.loglik):.2f} for the extra spread."
        )
        if max(a_hat, b_hat) > 0.99 * mle.BNB_BOUNDS[1]:
            st.info(
                "The fit ran to the edge of its search box: these data show no more spread than a negative binomial, "
                "so the likelihood keeps rising as α, β → ∞ (the Beta prior collapses onto one p)."
            )
    csv_download(
        pd.DataFrame({"trials": bnb_sample}), "mle_bnb_sample.csv", "Download the BNB sample (CSV)", key="mle_dl_bnb"
    )

# --- 4. MLE = minimum cross-entropy -------------------------------------------------------------------
st.header("4 · Maximum likelihood = minimum cross-entropy")
if estimate is not None:
    total = estimate.successes + estimate.failures
    q = estimate.value
    ce_grid = np.linspace(0.002, 0.998, 250)
    ce = mle.cross_entropy(q, ce_grid)
    nll = -estimate.loglik_at(ce_grid) / total
    ce_curve = pd.concat(
        [
            pd.DataFrame({"p": ce_grid, "nats": ce, "curve": "cross-entropy H(q̂, p)"}),
            pd.DataFrame({"p": ce_grid, "nats": nll, "curve": "−ℓ(p)/N (mean negative log-likelihood)"}),
        ]
    )
    entropy = float(mle.cross_entropy(q, q))
    chart(
        cross_entropy_chart,
        ce_curve,
        q=q,
        entropy=entropy,
        title=f"Panel 1's data: q̂ = {q:.4f} observed success frequency over N = {total:,} trials",
    )
    shift = -estimate.constant / total
    st.markdown(
        f"The two curves differ by the constant {shift:+.5f} nats (the log binomial coefficients over N), so they have "
        f"the same minimiser, p = q̂ = p̂ = {q:.4f}, where the cross-entropy equals the entropy H(q̂) = {entropy:.5f} "
        "nats. Above it, H(q̂, p) − H(q̂) = KL(q̂ ‖ p): fitting by maximum likelihood minimises the KL divergence "
        "from the data's distribution to the model."
    )
else:
    st.info("Enter valid counts in panel 1 to see their cross-entropy curve.")

# --- 5. Unboxing the black box ------------------------------------------------------------------------
st.header("5 · Unboxing a black-box logistic regression")
st.markdown(
    "A logistic regression was trained on hidden data with a tuned regularisation **C** and a decision "
    "**threshold**. You may only send it points x and read what it answers. Can you read out its coefficients?"
)
d_col, c_col, t_col = st.columns(3)
with d_col:
    n_features = bound(
        st.slider,
        "Features d",
        key="mle_d",
        min_value=1,
        max_value=10,
        value=3,
        help="Number of input features of the hidden model.",
    )
with c_col:
    C = bound(
        st.number_input,
        "Regularisation C",
        key="mle_C",
        min_value=0.001,
        max_value=1000.0,
        value=1.0,
        format="%.3f",
        help="Inverse L2 strength used in training (as in scikit-learn): small C shrinks the coefficients.",
    )
with t_col:
    threshold = bound(
        st.slider,
        "Threshold",
        key="mle_threshold",
        min_value=0.05,
        max_value=0.95,
        value=0.5,
        step=0.05,
        help="The box says class 1 when its probability reaches this threshold.",
    )
r_col, q_col, round_col = st.columns(3)
with r_col:
    reveal = bound(
        st.radio,
        "The box reveals",
        key="mle_reveal",
        options=["probabilities", "labels only"],
        horizontal=True,
        help="Probabilities: predict_proba. Labels only: predict, i.e. 0/1 after the threshold.",
    )
mode = "proba" if reveal == "probabilities" else "label"
with q_col:
    budget = bound(
        st.slider,
        "Query budget",
        key="mle_budget",
        min_value=2,
        max_value=3_000,
        value=200,
        help="How many points you may send to the box. The least that works is d + 1 (probabilities) or "
        "about 10·d + 32 (labels); a smaller budget is raised to that.",
    )
with round_col:
    decimals = bound(
        st.slider,
        "Decimals in the answers",
        key="mle_decimals",
        min_value=1,
        max_value=16,
        value=16,
        help="The box rounds its probabilities to this many decimals (16 = no rounding to speak of). "
        "Rounding is the box's only real defence.",
    )
decimals_used = None if decimals >= 16 else decimals
box, generating = make_black_box(n_features, C, threshold, seed=seed)
box = mle.BlackBoxLogistic(box.coef, box.intercept, C, threshold, decimals_used)
effective_budget = max(budget, mle.minimum_budget(n_features, mode))
query = box.predict_proba if mode == "proba" else box.predict
found = lib_call(mle.unbox_logistic, query, n_features, mode, effective_budget, seed)
if found is not None:
    error = mle.recovery_error(found, box, mode)
    cosine = mle.direction_cosine(found, box)
    names = [f"w{j + 1}" for j in range(n_features)] + ["intercept b"]
    scale = np.linalg.norm(box.coef)
    comparison = pd.DataFrame(
        {
            "parameter": names,
            "data-generating β": generating,
            "box's own (after C)": np.append(box.coef, box.intercept),
            "recovered": np.append(found.coef, found.intercept),
        }
    )
    if mode == "label":
        comparison["box's, on the label scale"] = np.append(
            box.coef / scale, (box.intercept - np.log(threshold / (1 - threshold))) / scale
        )
    cols = st.columns(3)
    cols[0].metric("Queries used", f"{found.n_queries:,}", help="Rows sent to the box.")
    cols[1].metric(
        "Relative error",
        f"{error:.2e}",
        help="‖recovered − box's‖ / ‖box's‖ over (w, b); for labels on the unit-norm label scale.",
    )
    cols[2].metric("Direction cosine", f"{cosine:.10f}", help="cos(angle) between recovered and true w.")
    if effective_budget > budget:
        st.caption(f"The budget was raised to {effective_budget}, the least this mode needs for d = {n_features}.")
    st.dataframe(comparison, hide_index=True)
    csv_download(comparison, "mle_unboxed.csv", "Download the coefficients (CSV)", key="mle_dl_unboxed")

    by_budget = recovery_by_budget(n_features, C, threshold, decimals_used, seed)
    by_budget = by_budget.assign(error=np.maximum(by_budget["error"], ERROR_FLOOR))
    by_rounding = recovery_by_rounding(n_features, C, threshold, effective_budget if mode == "proba" else 200, seed)
    by_rounding = by_rounding.assign(error=np.maximum(by_rounding["error"], ERROR_FLOOR), curve="probabilities")
    budget_col, rounding_col = st.columns(2)
    with budget_col:
        chart(
            line_chart,
            by_budget,
            x="queries",
            y="error",
            color="reveals",
            x_title="queries sent",
            y_title="relative error (log scale)",
            log_y=True,
            title="Recovery error against the number of queries"
            + (f" ({decimals} decimals)" if decimals_used is not None else ""),
        )
    with rounding_col:
        chart(
            line_chart,
            by_rounding,
            x="decimals",
            y="error",
            color="curve",
            x_title="decimals in the box's probabilities",
            y_title="relative error (log scale)",
            log_y=True,
            title=f"Recovery error against rounding ({by_rounding.shape[0]} settings, "
            f"{effective_budget if mode == 'proba' else 200} queries)",
        )
    st.caption(f"Errors below {ERROR_FLOOR:g} (exact up to floating point) are drawn at {ERROR_FLOOR:g}.")
st.markdown(
    "**Why neither the threshold nor C hides the coefficients.** The threshold acts *after* the probability: "
    "`predict_proba` ignores it, so logit(p) = w·x + b gives w and b exactly from d + 1 points. From labels, the "
    "threshold only moves the visible boundary to w·x + b = logit(t), a shift of the intercept; the direction of "
    "w is untouched. **C** acted once, in training: it shrank the fitted w (compare the data-generating β with "
    "the box's own column). The box then answers with that fitted w, and that is what comes back out: "
    "regularisation changes *which* coefficients the model has, not whether you can read them. Labels alone "
    "hide only the scale of (w, b); rounding the probabilities is the one thing that blurs them, and more "
    "queries near p = ½ average the blur away. (Here the labels come from the unrounded probability, so a box "
    "that rounds its probabilities but also answers labels gives itself away through the labels.)"
)

# --- 6. Reproduce -------------------------------------------------------------------------------------
typed = source == "enter counts" and estimate is not None
data_line = (
    f"data = np.array({[int(v) for v in data]!r})  # your counts"
    if typed
    else f"data = mle.simulate_counts({kind!r}, p={true_p!r}, size={size!r}, m={m!r}, seed={seed!r})"
)
SNIPPET = """
import numpy as np
from lib import mle

# 1. Closed form, intervals and the numeric check
$data_line
est = mle.binomial_mle(data, $size) if $kind == "binomial" else mle.negative_binomial_mle(data, $size)
print(est.value, mle.numeric_mle(est), est.wald_ci, est.profile_ci)

# 2. Sampling distribution: simulated and exact bias / coverage
sim = mle.simulate_estimates($kind, $true_p, $size, $m, repetitions=$repetitions, seed=$seed)
print(sim.bias, sim.wald_coverage, sim.profile_coverage)
print(mle.exact_properties($kind, $true_p, $size, $m))

# 3. Beta-negative-binomial: pmf and the numeric MLE of (alpha, beta)
trials = mle.sample_beta_negative_binomial($bnb_k, $alpha, $beta, size=$bnb_m, seed=$seed)
print(mle.beta_negative_binomial_pmf(np.arange($bnb_k, $bnb_k + 5), $bnb_k, $alpha, $beta))
print(mle.fit_beta_negative_binomial(trials, $bnb_k))

# 5. Unboxing the black box
box, _ = mle.make_black_box($n_features, C=$C, threshold=$threshold, seed=$seed)
box = mle.BlackBoxLogistic(box.coef, box.intercept, $C, $threshold, decimals=$decimals)
query = box.predict_proba if $mode == "proba" else box.predict
found = mle.unbox_logistic(query, $n_features, mode=$mode, budget=$budget, seed=$seed)
print(found.coef, found.intercept, found.n_queries, mle.recovery_error(found, box, $mode))
"""
snippet(
    SNIPPET.replace("$data_line", data_line),  # a line of code, not a value: put in as it is
    kind=kind,
    true_p=true_p,
    size=size,
    m=m,
    seed=seed,
    repetitions=repetitions,
    bnb_k=bnb_k,
    alpha=alpha,
    beta=beta,
    bnb_m=bnb_m,
    n_features=n_features,
    C=C,
    threshold=threshold,
    decimals=decimals_used,
    mode=mode,
    budget=effective_budget,
)
