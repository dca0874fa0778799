"""Section 3 · The beta-negative-binomial: p drawn from Beta(α, β) per draw, its pmf, a sample and the MLE of (α, β)."""

import numpy as np
import pandas as pd
import streamlit as st

from lib import mle
from lib.viz import pmf_bars
from lib.viz.mle import loglik_chart, surface_chart
from pages._common import bound, cached, chart, csv_download, global_seed, lib_call, note, prose, snippet

sample_bnb = cached(mle.sample_beta_negative_binomial)
fit_bnb = cached(mle.fit_beta_negative_binomial)
bnb_surface = cached(mle.bnb_loglik_surface)
infer_bnb = cached(mle.bnb_inference)
bnb_profile = cached(mle.bnb_profile_loglik)
PROFILE_POINTS = 61
SYMBOLS = {"alpha": "α", "beta": "β"}


def matched_negative_binomial(bnb_k: int, alpha: float, beta: float, bnb_mean: float) -> tuple[float, str]:
    """The p of the negative binomial drawn beside the BNB (same mean, or the prior mean when that is infinite)."""
    if np.isfinite(bnb_mean):
        matched_p = bnb_k / bnb_mean
        return matched_p, f"NB, same mean (p = {matched_p:.3f})"
    matched_p = alpha / (alpha + beta)
    return matched_p, f"NB at the prior mean (p = {matched_p:.3f})"


def shown_bars(bnb_pmf: np.ndarray, nb_pmf: np.ndarray) -> int:
    """How many values of n the bar chart shows: most of both pmfs, between 8 and 80 bars."""
    shown = int(np.searchsorted(np.cumsum(bnb_pmf), 0.97)) + 1
    shown = max(min(shown, 60), int(np.searchsorted(np.cumsum(nb_pmf), 0.995)) + 1, 8)
    return min(shown, 80)


@st.fragment
def beta_negative_binomial_section() -> None:
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
    seed = global_seed()
    bnb_mean = mle.beta_negative_binomial_mean(bnb_k, alpha, beta)
    matched_p, matched_text = matched_negative_binomial(bnb_k, alpha, beta, bnb_mean)
    n_grid = np.arange(bnb_k, bnb_k + 400)
    bnb_pmf = mle.beta_negative_binomial_pmf(n_grid, bnb_k, alpha, beta)
    nb_pmf = mle.negative_binomial_pmf(n_grid, bnb_k, matched_p)
    shown = shown_bars(bnb_pmf, nb_pmf)
    bnb_sample = sample_bnb(bnb_k, alpha, beta, bnb_m, seed)
    frequency = np.bincount(np.minimum(bnb_sample - bnb_k, shown), minlength=shown + 1)[:shown] / bnb_m
    pmfs = pd.concat(
        [
            pd.DataFrame({"trials n": n_grid[:shown], "probability": bnb_pmf[:shown], "pmf": "BNB"}),
            pd.DataFrame(
                {"trials n": n_grid[:shown], "probability": frequency, "pmf": f"{bnb_m} draws p ~ Beta, n ~ NB"}
            ),
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
        + f"The bars show n up to {n_grid[shown - 1]}; the BNB puts {1 - bnb_pmf[:shown].sum():.3f} of its mass "
        "beyond. The middle bars are the prior predictive (the marginal, not a posterior predictive as the note "
        "calls it) made literal: each draw first picks its own p "
        "from Beta(α, β), then flips until the k-th success; their frequencies follow the BNB pmf, not the negative "
        "binomial."
    )

    fitted = lib_call(fit_bnb, bnb_sample, bnb_k)
    if fitted is not None:
        show_fit(bnb_sample, bnb_k, alpha, beta, fitted)
        show_uncertainty(bnb_sample, bnb_k, alpha, beta)
    snippet(
        """
import numpy as np
from lib import mle

# 3. Beta-negative-binomial: pmf and the numeric MLE of (alpha, beta)
trials = mle.sample_beta_negative_binomial($bnb_k, $alpha, $beta, size=$bnb_m, seed=$seed)
print(mle.beta_negative_binomial_pmf(np.arange($bnb_k, $bnb_k + 5), $bnb_k, $alpha, $beta))
print(mle.fit_beta_negative_binomial(trials, $bnb_k))
fit = mle.bnb_inference(trials, $bnb_k)  # standard errors and 95% profile-likelihood intervals
print("se:", fit.se_alpha, fit.se_beta, "profile:", fit.alpha_ci, fit.beta_ci)
""",
        bnb_k=bnb_k,
        alpha=alpha,
        beta=beta,
        bnb_m=bnb_m,
        seed=seed,
    )


def show_fit(bnb_sample: np.ndarray, bnb_k: int, alpha: float, beta: float, fitted: tuple[float, float]) -> None:
    """The log-likelihood surface of (α, β) with the fit and the truth; the fit against a plain negative binomial."""
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
            title=f"Log-likelihood of (α, β) for {len(bnb_sample)} draws (bands: 50%, 95%, 99.9% likelihood regions)",
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


def fmt_end(value: float) -> str:
    """An interval end or standard error as text; ∞ where the data set no limit."""
    return f"{value:.4g}" if np.isfinite(value) else ("∞" if value > 0 else "−∞")


def uncertainty_table(fit: mle.BnbInference, alpha: float, beta: float) -> pd.DataFrame:
    """One row per parameter: estimate, standard error, Wald and profile intervals, the truth (as text)."""
    rows = []
    for name, value, se, profile, truth in (
        ("alpha", fit.alpha, fit.se_alpha, fit.alpha_ci, alpha),
        ("beta", fit.beta, fit.se_beta, fit.beta_ci, beta),
    ):
        wald = " – ".join(map(fmt_end, fit.wald_ci(name)))
        rows.append((SYMBOLS[name], f"{value:.4g}", fmt_end(se), wald, " – ".join(map(fmt_end, profile)), f"{truth:g}"))
    columns = ["parameter", "MLE", "standard error", "Wald 95%", "profile 95%", "true value"]
    return pd.DataFrame(rows, columns=columns)


def profile_curve(bnb_sample: np.ndarray, bnb_k: int, fit: mle.BnbInference, name: str) -> pd.DataFrame:
    """The relative profile log-likelihood of ``name`` and its quadratic (Wald) approximation on a grid
    that spans the profile interval (up to 10 × the MLE where the interval has no upper end)."""
    value, se = (fit.alpha, fit.se_alpha) if name == "alpha" else (fit.beta, fit.se_beta)
    low, high = fit.alpha_ci if name == "alpha" else fit.beta_ci
    top = min(high * 1.3, mle.BNB_BOUNDS[1]) if np.isfinite(high) else min(10 * value, mle.BNB_BOUNDS[1])
    grid = np.linspace(max(low * 0.7, mle.BNB_BOUNDS[0]), top, PROFILE_POINTS)
    curve = {SYMBOLS[name]: grid, "log-likelihood": bnb_profile(bnb_sample, bnb_k, name, grid) - fit.loglik}
    if np.isfinite(se):
        curve["quadratic"] = -((grid - value) ** 2) / (2 * se**2)
    return pd.DataFrame(curve)


def show_uncertainty(bnb_sample: np.ndarray, bnb_k: int, alpha: float, beta: float) -> None:
    """Standard errors and profile-likelihood intervals of (α̂, β̂), with both profiles drawn at the 1.92 cut."""
    st.subheader("Standard errors and profile-likelihood intervals")
    with note("The derivation"):
        prose(__file__, "bnb_uncertainty.md")
    fit = lib_call(infer_bnb, bnb_sample, bnb_k)
    if fit is None:
        return
    table = uncertainty_table(fit, alpha, beta)
    st.dataframe(table, hide_index=True, width="stretch")
    columns = st.columns(2)
    for column, name, truth in zip(columns, ("alpha", "beta"), (alpha, beta), strict=True):
        curve = profile_curve(bnb_sample, bnb_k, fit, name)
        grid = curve[SYMBOLS[name]]
        value = fit.alpha if name == "alpha" else fit.beta
        profile = fit.alpha_ci if name == "alpha" else fit.beta_ci
        wald = fit.wald_ci(name)
        intervals = {"profile 95%": (profile[0], min(profile[1], float(grid.iloc[-1])))}
        if np.isfinite(wald).all():
            intervals["Wald 95%"] = wald
        with column:
            chart(
                loglik_chart,
                curve,
                mle=value,
                cutoff=fit.cutoff,
                intervals=intervals,
                truth=truth,
                parameter=SYMBOLS[name],
                y_title=f"profile ℓ_p({SYMBOLS[name]}) − ℓ(α̂, β̂)",
                title=f"Profile log-likelihood of {SYMBOLS[name]} (dashed red: the cut at −χ²₁(0.95)/2 = −1.92)",
            )
    st.caption(
        f"Correlation of α̂ and β̂: {fit.correlation:+.3f}. The data pin down the prior mean α/(α+β) far better "
        "than its strength α+β, so α̂ and β̂ rise and fall together and the profile intervals are skewed to the "
        "right; the Wald intervals (the quadratic) are symmetric and may reach below 0."
        + (
            " The profiles never drop by 1.92: these data show no more spread than a negative binomial, so there "
            "is no upper end (∞)."
            if not np.isfinite(fit.alpha_ci[1])
            else ""
        )
    )
    csv_download(
        table, "mle_bnb_intervals.csv", "Download the standard errors and intervals (CSV)", key="mle_dl_bnb_ci"
    )
