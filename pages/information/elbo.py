"""Section 4 · The ELBO on the notes' coin: exact evidence, the ELBO of any Beta q, the gap = KL; stochastic VI."""

import numpy as np
import pandas as pd
import streamlit as st
from scipy import stats

from lib import information as info
from lib.viz import line_chart
from pages._common import bound, cached, chart, csv_download, global_seed, prose, snippet

THETA = np.linspace(0.0005, 0.9995, 400)
TRACE_POINTS = 300  # points of the SVI trace drawn (the CSV has every step)


def slider(label: str, key: str, low: float, high: float, value: float, step: float, help: str):
    return bound(st.slider, label, key=key, min_value=low, max_value=high, value=value, step=step, help=help)


@cached
def beta_densities(curves: dict[str, tuple[float, float]]) -> pd.DataFrame:
    """Beta densities on THETA, long format; huge peaks are fine (the chart scales)."""
    return pd.concat(
        [
            pd.DataFrame({"θ": THETA, "density": stats.beta(a, b).pdf(THETA), "curve": name})
            for name, (a, b) in curves.items()
        ],
        ignore_index=True,
    )


TRACE_CURVES = ["Monte-Carlo ELBO (one step)", "exact ELBO of q_t"]


@cached
def svi_trace(
    k: int, n: int, a: float, b: float, n_iter: int, n_samples: int, rate: float, seed: int
) -> tuple[pd.DataFrame, float]:
    """The stochastic-VI run step by step (its ELBO estimate, the exact ELBO of q_t, μ, σ) and E_q[θ] at the end."""
    run = info.stochastic_vi_coin(k, n, a, b, n_iter, n_samples, rate, seed)
    exact = info.logit_normal_elbo(k, n, a, b, run.params[1:, 0], run.params[1:, 1])  # (n_iter,)
    trace = pd.DataFrame(
        {
            "step": np.arange(1, n_iter + 1),
            TRACE_CURVES[0]: run.elbo_estimates,
            TRACE_CURVES[1]: exact,
            "mu": run.params[1:, 0],
            "sigma": run.params[1:, 1],
        }
    )
    z = np.linspace(-12, 12, 4001)
    q_mean = float(np.trapezoid(stats.norm.pdf(z, run.mu, run.sigma) / (1 + np.exp(-z)), z))
    return trace, q_mean


@st.fragment
def elbo_section() -> None:
    st.header("4 · The ELBO on the notes' coin")
    prose(__file__, "elbo.md")
    cols = st.columns(4)
    with cols[0]:
        n = slider("Flips n", "ii_n", 1, 200, 10, 1, "How many times the coin is flipped.")
    with cols[1]:
        k_asked = slider("Heads k", "ii_k", 0, 200, 7, 1, "Heads among the n flips (at most n).")
    with cols[2]:
        a = slider("Prior a", "ii_a", 0.1, 20.0, 1.0, 0.1, "Beta(a, b) prior on P(heads): a counts prior heads.")
    with cols[3]:
        b = slider("Prior b", "ii_b", 0.1, 20.0, 1.0, 0.1, "Beta(a, b) prior: b counts prior tails.")
    k = min(k_asked, n)
    if k_asked > n:
        st.warning(f"k = {k_asked} is more than n = {n}: using k = n = {n}.")
    q_cols = st.columns(2)
    with q_cols[0]:
        q_alpha = slider("q: α", "ii_qa", 0.1, 100.0, 2.0, 0.1, "q = Beta(α, β): try the posterior's α = a + k.")
    with q_cols[1]:
        q_beta = slider("q: β", "ii_qb", 0.1, 100.0, 2.0, 0.1, "q = Beta(α, β): the posterior's β = b + n − k.")
    post = info.beta_posterior(k, n, a, b)
    log_z = info.beta_binomial_log_evidence(k, n, a, b)
    elbo = info.elbo_beta(k, n, a, b, q_alpha, q_beta)
    kl = info.beta_kl(q_alpha, q_beta, *post)
    metrics = st.columns(4)
    metrics[0].metric("log evidence log p(k)", f"{log_z:.6f}", help="The beta-binomial log pmf, exact.")
    metrics[1].metric("ELBO(q)", f"{elbo:.6f}", help="E_q[log p(k, θ) − log q(θ)], exact (digamma functions).")
    metrics[2].metric("gap log p(k) − ELBO", f"{log_z - elbo:.6f}", help="Never negative (Jensen).")
    metrics[3].metric("KL(q ‖ posterior)", f"{kl:.6f}", help="The closed-form Beta KL: equal to the gap.")
    st.caption(
        f"Posterior: Beta({post[0]:g}, {post[1]:g}). Gap − KL = {log_z - elbo - kl:.2e}: the gap is exactly the KL, "
        "and both vanish when q is the posterior."
    )
    chart(
        line_chart,
        beta_densities({"prior": (a, b), "posterior": post, "q": (q_alpha, q_beta)}),
        x="θ",
        y="density",
        color="curve",
        x_title="θ = P(heads)",
        y_title="density",
        points=False,
        title="Prior, posterior and your q",
    )
    snippet(
        """
from lib.information import beta_binomial_log_evidence, beta_kl, elbo_beta

k, n, a, b, q_alpha, q_beta = $k, $n, $a, $b, $q_alpha, $q_beta
gap = beta_binomial_log_evidence(k, n, a, b) - elbo_beta(k, n, a, b, q_alpha, q_beta)
print(gap, beta_kl(q_alpha, q_beta, a + k, b + n - k))  # equal
""",
        k=k,
        n=n,
        a=a,
        b=b,
        q_alpha=q_alpha,
        q_beta=q_beta,
    )
    stochastic_vi(k, n, a, b, log_z, post)


def stochastic_vi(k: int, n: int, a: float, b: float, log_z: float, post: tuple[float, float]) -> None:
    """The second half of the section: the reparameterized stochastic-VI fit and its trace."""
    st.subheader("Stochastic VI with the reparameterization trick")
    prose(__file__, "svi.md")
    cols = st.columns(3)
    with cols[0]:
        n_iter = slider("Steps", "ii_svi_steps", 50, 5000, 2000, 50, "Gradient-ascent (Adam) steps.")
    with cols[1]:
        n_samples = slider("Draws per step", "ii_svi_draws", 1, 256, 16, 1, "Monte-Carlo draws of ε per gradient.")
    with cols[2]:
        rate = slider(
            "Learning rate", "ii_svi_lr", 0.005, 0.5, 0.05, 0.005, "Adam's step size (decays as 1/√(1 + t/100))."
        )
    seed = global_seed()
    with st.spinner("Fitting q…"):
        trace, q_mean = svi_trace(k, n, a, b, n_iter, n_samples, rate, seed)
    final_elbo = float(trace["exact ELBO of q_t"].iloc[-1])
    shown = trace.iloc[np.unique(np.linspace(0, n_iter - 1, TRACE_POINTS).astype(int))]
    long = shown.melt(id_vars="step", value_vars=TRACE_CURVES, var_name="curve", value_name="nats")
    long = pd.concat([long, pd.DataFrame({"step": [1, n_iter], "curve": "log evidence", "nats": log_z})])
    floor = log_z - 10 * max(1.0, abs(log_z - final_elbo))
    chart(
        line_chart,
        long.assign(nats=long["nats"].clip(lower=floor)),
        x="step",
        y="nats",
        color="curve",
        x_title="step t",
        y_title="ELBO (nats)",
        points=False,
        title="The ELBO climbs to the log evidence (values far below are drawn at the floor)",
    )
    cols = st.columns(3)
    cols[0].metric("final exact ELBO", f"{final_elbo:.5f}", help="Of the fitted logit-normal q, by quadrature.")
    cols[1].metric("log evidence − ELBO", f"{log_z - final_elbo:.5f}", help="= KL(q ‖ posterior) ≥ 0.")
    post_mean = post[0] / sum(post)
    cols[2].metric(
        "E_q[θ] vs posterior mean",
        f"{q_mean:.4f}",
        f"{q_mean - post_mean:+.4f}",
        delta_color="off",
        help=f"The Beta posterior's mean is {post_mean:.4f}.",
    )
    csv_download(trace, "svi_trace.csv", "Download the trace (CSV)", key="ii_dl_svi")
    snippet(
        """
from lib.information import beta_binomial_log_evidence, logit_normal_elbo, stochastic_vi_coin

k, n, a, b = $k, $n, $a, $b
run = stochastic_vi_coin(k, n, a, b, n_iter=$n_iter, n_samples=$n_samples, learning_rate=$rate, seed=$seed)
print(run.mu, run.sigma, logit_normal_elbo(k, n, a, b, run.mu, run.sigma), beta_binomial_log_evidence(k, n, a, b))
""",
        k=k,
        n=n,
        a=a,
        b=b,
        n_iter=n_iter,
        n_samples=n_samples,
        rate=rate,
        seed=seed,
    )
