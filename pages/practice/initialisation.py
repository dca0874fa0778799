"""Section 2 · Initialisation through depth: activation and gradient variance per layer, then a short training run."""

import functools

import numpy as np
import pandas as pd
import streamlit as st

from lib import practice
from lib.practice import training
from lib.viz import line_chart
from pages._common import (
    bound,
    cached,
    chart,
    csv_download,
    global_seed,
    note,
    prose,
    selected_device,
    snippet,
    torch_worker,
)
from pages.practice.training_runs import trained

TRAIN_WIDTH = 64
# Inputs per profile. The variance of a layer is over batch × width entries: at 64 × 256 its standard error is
# about 1%, far below one network's drift (√(5 / width) ≈ 14% per layer), and it halves the cost of a depth or
# width move against lib's default 256 (three profiles at depth 30, width 256, one BLAS thread as a replica runs:
# 0.39 s instead of 0.76 s).
PROFILE_BATCH = 64
LEARNING_RATE = 0.05
profile = cached(practice.depth_profile)


def training_curves(
    depth: int, activation: str, steps: int, seed: int, device: str, *, button_key: str
) -> pd.DataFrame | None:
    """Loss curves of the three inits (long format: step, init, loss), once the Train button has trained them
    in the torch worker; None until then (the button, or the run's progress, is drawn instead)."""
    worker = torch_worker("long")
    calls = [
        functools.partial(
            worker.call, training.train_mlp, depth, TRAIN_WIDTH, init, activation, steps, LEARNING_RATE, seed, device
        )
        for init in practice.INITS
    ]
    settings = f"depth {depth}, {activation}, {steps} steps, seed {seed}"
    losses = trained(
        ("initialisation", depth, activation, steps, seed, device), calls, button_key=button_key, settings=settings
    )
    if losses is None:
        return None
    frames = [
        pd.DataFrame({"step": np.arange(steps + 1), "init": init, "loss": loss})
        for init, loss in zip(practice.INITS, losses, strict=True)
    ]
    return pd.concat(frames, ignore_index=True)


def variance_table(depth: int, width: int, activation: str, seed: int) -> pd.DataFrame:
    """One row per init and layer: Var of the layer's output and of the gradient reaching it."""
    rows = []
    for init in practice.INITS:
        result = profile(depth, width, init, activation, seed, PROFILE_BATCH)
        rows.append(
            pd.DataFrame(
                {
                    "layer": np.arange(depth + 1),
                    "init": init,
                    "activation variance": result.activations,
                    "gradient variance": result.gradients,
                }
            )
        )
    return pd.concat(rows, ignore_index=True)


def per_layer_factor(values: np.ndarray) -> float:
    """Geometric mean of v_(l+1) / v_l over the layers after the first (0 once the values underflow)."""
    if not (values > 0).all():
        return 0.0
    return float(np.exp(np.mean(np.log(values[2:] / values[1:-1]))))


@st.fragment
def initialisation_section() -> None:
    st.header("2 · Initialisation through depth")
    cols = st.columns(4)
    with cols[0]:
        depth = bound(
            st.slider,
            "Depth (layers)",
            key="te_depth",
            min_value=2,
            max_value=100,
            value=30,
            help="Bias-free width × width layers, each followed by the activation.",
        )
    with cols[1]:
        width = bound(
            st.slider,
            "Width",
            key="te_width",
            min_value=16,
            max_value=512,
            value=256,
            step=16,
            help="Units per layer (fan_in = fan_out). Narrow layers make one network's variance drift.",
        )
    with cols[2]:
        activation = bound(
            st.selectbox,
            "Activation",
            key="te_activation",
            options=list(practice.ACTIVATIONS),
            help="ReLU (He's case), tanh (Xavier's case) or none (linear layers).",
        )
    with cols[3]:
        steps = bound(
            st.slider,
            "Training steps",
            key="te_steps",
            min_value=10,
            max_value=300,
            value=100,
            step=10,
            help=f"Full-batch SGD steps (lr {LEARNING_RATE}) of a depth-layer, width-{TRAIN_WIDTH} MLP per init.",
        )
    seed = global_seed()
    table = variance_table(depth, width, activation, seed)
    act_col, grad_col = st.columns(2)
    for col, column, title in (
        (act_col, "activation variance", "Forward: Var of each layer's output (input first)"),
        (grad_col, "gradient variance", "Backward: Var of ∂L/∂h at each layer (the output's is 1)"),
    ):
        shown = table[table[column] > 0]  # float32 underflow to exactly 0 has no place on a log axis
        with col:
            chart(
                line_chart,
                shown[["layer", "init", column]],
                x="layer",
                y=column,
                color="init",
                x_title="layer l",
                y_title=column,
                log_y=True,
                title=title,
                cache_key=(column, depth, width, activation, seed),
            )
    factors = st.columns(3)
    for col, init in zip(factors, practice.INITS, strict=True):
        values = table.loc[table["init"] == init, "activation variance"].to_numpy()
        col.metric(
            f"{init}: variance × per layer",
            f"{per_layer_factor(values):.3g}",
            help="Geometric mean of Var(h_(l+1)) / Var(h_l) after the first layer: 1 preserves, 0.5 halves.",
        )
        underflow = np.flatnonzero(values == 0)
        col.caption(
            f"underflows to 0 (float32) at layer {underflow[0]}"
            if underflow.size
            else f"last layer / input: {values[-1] / values[0]:.3g}"
        )
    st.caption(
        f"One random network. Even at the right init its variance drifts, by about √(5 / width) ≈ "
        f"{np.sqrt(5 / width):.2f} per layer in log terms (the squared norm of {width} ReLU outputs is a sum of "
        "random terms), so a narrow net can end up a factor of 2 or more away; averaged over networks, He + ReLU "
        "stays at its first layer's level while Xavier + ReLU halves at every layer."
    )
    csv_download(table, "initialisation_depth.csv", "Download the variances (CSV)", key="te_dl_init")
    st.subheader("A short training run of each init")
    curves = training_curves(depth, activation, steps, seed, selected_device(), button_key="te_train")
    if curves is not None:
        finite = curves[np.isfinite(curves["loss"])]
        chart(
            line_chart,
            finite,
            x="step",
            y="loss",
            color="init",
            x_title="SGD step",
            y_title="training MSE",
            log_y=True,
            title=f"A short training run: depth {depth}, width {TRAIN_WIDTH}, {activation}",
            cache_key=(depth, activation, steps, seed),
        )
        final = curves.groupby("init", sort=False)["loss"].agg(["first", "last"]).reset_index()
        st.caption(
            "Loss before → after: "
            + "; ".join(
                f"{r.init} {r.first:.3g} → {r.last:.3g}" if np.isfinite(r.last) else f"{r.init} diverged"
                for r in final.itertuples()
            )
        )
        csv_download(curves, "initialisation_training.csv", "Download the loss curves (CSV)", key="te_dl_train")
    with note("The derivation"):
        prose(__file__, "initialisation.md")
    snippet(
        """
from lib.practice import depth_profile
from lib.practice.training import train_mlp

for init in ("he", "xavier", "normal"):
    p = depth_profile(depth=$depth, width=$width, init=init, activation=$activation, seed=$seed, batch=$batch)
    print(init, "activations", p.activations[[0, 1, -1]], "gradients", p.gradients[[0, -2, -1]])
    print(init, "loss", train_mlp($depth, $train_width, init, $activation, steps=$steps, lr=$lr, seed=$seed)[[0, -1]])
""",
        depth=depth,
        width=width,
        activation=activation,
        seed=seed,
        steps=steps,
        lr=LEARNING_RATE,
        train_width=TRAIN_WIDTH,
        batch=PROFILE_BATCH,
    )
