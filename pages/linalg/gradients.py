"""Section 2 · Spectral radius and gradients: ‖∂h_t/∂h_0‖ by torch autograd through h ← act(W h), against ρᵗ."""

import numpy as np
import pandas as pd
import streamlit as st

from lib import linalg as la
from lib.viz import line_chart
from pages._common import FORWARD_AD, bound, cached, chart, csv_download, global_seed, lib_call, note, prose, snippet

RADII = tuple(round(0.5 + 0.05 * i, 2) for i in range(21))  # 0.5 … 1.5: the boundary chart's grid


def recurrent_weight(width: int, rho: float, seed: int) -> np.ndarray:
    """The page's W: N(0, 1/n) entries from the seed, rescaled to spectral radius ρ."""
    return la.scale_to_spectral_radius(la.random_matrix(width, seed=seed), rho)


@cached
def gradient_curves(width: int, rho: float, steps: int, seed: int) -> pd.DataFrame:
    W = recurrent_weight(width, rho, seed)
    t = np.arange(1, steps + 1)
    with FORWARD_AD:
        linear = la.rnn_gradient_norms(W, steps, "linear", seed=seed)
        tanh = la.rnn_gradient_norms(W, steps, "tanh", seed=seed)
    return pd.DataFrame({"t": t, "linear": linear, "tanh": tanh, "ρᵗ": rho**t})


@cached
def boundary(width: int, steps: int, seed: int) -> pd.DataFrame:
    W = la.random_matrix(width, seed=seed)
    with FORWARD_AD:
        linear = la.final_gradient_norms(W, RADII, steps, "linear", seed=seed)
        tanh = la.final_gradient_norms(W, RADII, steps, "tanh", seed=seed)
    return pd.DataFrame({"ρ": RADII, "linear": linear, "tanh": tanh, "ρᵗ": np.array(RADII) ** steps})


@st.fragment
def gradients_section() -> None:
    st.header("2 · Spectral radius and gradients")
    with note("The derivation"):
        prose(__file__, "gradients.md")
    c1, c2, c3 = st.columns(3)
    rho = bound(
        c1.slider,
        "Spectral radius ρ(W)",
        key="la_rho",
        min_value=0.5,
        max_value=1.5,
        value=0.95,
        step=0.01,
        help="W is rescaled so that its largest |eigenvalue| is exactly this. 1 is the boundary.",
    )
    steps = bound(
        c2.slider,
        "Steps t",
        key="la_steps",
        min_value=1,
        max_value=200,
        value=60,
        help="How many times h ← act(W h) is applied before differentiating h_t by h_0.",
    )
    width = bound(
        c3.slider,
        "Hidden size n",
        key="la_width",
        min_value=2,
        max_value=64,
        value=32,
        help="W is n × n with N(0, 1/n) entries drawn from the sidebar's seed.",
    )
    seed = global_seed()
    curves = lib_call(gradient_curves, width, rho, steps, seed)
    edge = lib_call(boundary, width, steps, seed)
    if curves is None or edge is None:
        return
    last = curves.iloc[-1]
    m1, m2, m3, m4 = st.columns(4)
    m1.metric(f"‖∂h_{steps}/∂h_0‖ linear", f"{last['linear']:.3g}", help="= ‖Wᵗ‖₂, by autograd.")
    m2.metric(f"‖∂h_{steps}/∂h_0‖ tanh", f"{last['tanh']:.3g}", help="tanh' ≤ 1 shrinks every step further.")
    m3.metric(f"ρᵗ = {rho:g}^{steps}", f"{last['ρᵗ']:.3g}", help="What the spectral radius predicts.")
    m4.metric(
        "‖Wᵗ‖^(1/t)",
        f"{last['linear'] ** (1 / steps):.4f}",
        help="Gelfand's formula: tends to ρ as t grows (W is not normal, so ‖Wᵗ‖ ≠ ρᵗ exactly).",
    )
    long = curves.melt(id_vars="t", var_name="curve", value_name="norm")
    curve_col, edge_col = st.columns(2)
    with curve_col:
        chart(
            line_chart,
            long,
            x="t",
            y="norm",
            color="curve",
            x_title="step t",
            y_title="‖∂h_t/∂h_0‖₂ (log scale)",
            log_y=True,
            title=f"Gradient norm through t steps at ρ = {rho:g}",
        )
    with edge_col:
        chart(
            line_chart,
            edge.melt(id_vars="ρ", var_name="curve", value_name="norm"),
            x="ρ",
            y="norm",
            color="curve",
            x_title="spectral radius ρ(W)",
            y_title=f"‖∂h_{steps}/∂h_0‖₂ (log scale)",
            log_y=True,
            rules={"ρᵗ": 1.0},
            title=f"The boundary at ρ = 1, after {steps} steps (dashed: norm 1)",
        )
    verdict = "vanishes" if last["linear"] < 1e-2 else "explodes" if last["linear"] > 1e2 else "stays of order 1"
    st.caption(
        f"At ρ = {rho:g} the linear map's gradient {verdict} after {steps} steps; tanh's is "
        f"{last['tanh'] / last['linear']:.2g} × the linear one (its derivative 1 − h² ≤ 1 shrinks every step)."
    )
    csv_download(curves, "rnn_gradient_norms.csv", "Download the gradient norms (CSV)", key="la_dl_grad")
    snippet(
        """
import numpy as np
from lib.linalg import random_matrix, rnn_gradient_norms, scale_to_spectral_radius

W = scale_to_spectral_radius(random_matrix($width, seed=$seed), $rho)
linear = rnn_gradient_norms(W, $steps, "linear", seed=$seed)
tanh = rnn_gradient_norms(W, $steps, "tanh", seed=$seed)
print(linear[-1], np.linalg.norm(np.linalg.matrix_power(W, $steps), 2), tanh[-1], $rho ** $steps)
""",
        width=width,
        seed=seed,
        rho=rho,
        steps=steps,
    )
