"""Section 5 · LoRA: the best rank-r update B A from a base to a target weight, its parameters and its error."""

import numpy as np
import pandas as pd
import streamlit as st

from lib import linalg as la
from lib.viz import line_chart
from pages._common import bound, cached, chart, csv_download, global_seed, lib_call, note, prose, snippet, torch_worker
from pages.linalg.weights import NO_CHECKPOINT, Checkpoint
from runtime.worker import ModelSource, on_stdlib_validation

COMPRESSION_RANKS = (1, 2, 4, 8, 16, 32, 64, 128)


@cached
def lora_weights(d_out: int, d_in: int, true_rank: int, noise: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """A random base weight and a target = base + a rank-``true_rank`` change + noise (both (d_out, d_in))."""
    base = la.random_matrix(d_out, seed=seed, m=d_in)
    return base, base + 0.1 * la.low_rank_plus_noise(d_out, d_in, true_rank, noise, seed=seed + 1)


@cached
def lora_results(d_out: int, d_in: int, true_rank: int, noise: float, rank: int, seed: int):
    base, target = lora_weights(d_out, d_in, true_rank, noise, seed)
    B, A = la.lora_fit(base, target, rank)
    return B, A, float(np.linalg.norm(base + B @ A - target)), la.lora_sweep(base, target)


@st.cache_data(max_entries=2, show_spinner=False)
def compressed_losses(checkpoint: Checkpoint, device: str) -> pd.DataFrame:
    """The trained model's validation loss with every linear layer cut to each rank (in the torch worker)."""
    source = ModelSource(device=device, path=checkpoint.path, modified=checkpoint.modified)
    return torch_worker("long").call(on_stdlib_validation, source, la.low_rank_losses, COMPRESSION_RANKS, batches=2)


def compressed_model(checkpoint: Checkpoint | None, device: str) -> None:
    """The trained tiny GPT with every weight matrix cut to rank r: its validation loss against r."""
    st.subheader("The trained tiny GPT, every weight matrix cut to rank r")
    if checkpoint is None:
        st.caption(NO_CHECKPOINT.replace("the generated matrices are shown instead", "then its compression shows here"))
        return
    with st.spinner("Cutting every layer to each rank and evaluating on the validation text…"):
        losses = lib_call(compressed_losses, checkpoint, device)
    if losses is None:
        return
    full = float(losses["full_val_loss"].iloc[0])
    curve = losses.assign(curve="every linear layer at rank r")
    chart(
        line_chart,
        curve,
        x="rank",
        y="val_loss",
        color="curve",
        log_x=True,
        rules={"every linear layer at rank r": full},
        x_title="rank r of every weight matrix",
        y_title="validation loss (nats/char)",
        title="What the best rank-r weights cost the trained model (dashed: the model itself)",
    )
    smallest = losses[losses["val_loss"] <= full + 0.05]
    if not smallest.empty:
        row = smallest.iloc[0]
        st.caption(
            f"From rank {int(row['rank'])} on, the loss is within 0.05 nats of the full model's {full:.3f}, with "
            f"{int(row['factored_parameters']):,} numbers in the factors against {int(row['dense_parameters']):,} "
            "in the dense weights (the tied embedding is kept whole). Same validation windows at every rank."
        )
    csv_download(losses, "compressed_model.csv", "Download the loss at every rank (CSV)", key="la_dl_compressed")


@st.fragment
def lora_section(checkpoint: Checkpoint | None, device: str) -> None:
    st.header("5 · LoRA: the best low-rank update")
    with note("The derivation"):
        prose(__file__, "lora.md")
    c1, c2, c3, c4, c5 = st.columns(5)
    d_out = bound(
        c1.slider,
        "d_out",
        key="la_lora_out",
        min_value=4,
        max_value=256,
        value=128,
        step=4,
        help="Rows of the weight matrices (outputs of the layer).",
    )
    d_in = bound(
        c2.slider,
        "d_in",
        key="la_lora_in",
        min_value=4,
        max_value=256,
        value=96,
        step=4,
        help="Columns of the weight matrices (inputs of the layer).",
    )
    true_rank = bound(
        c3.slider,
        "Rank of the change",
        key="la_lora_true",
        min_value=1,
        max_value=16,
        value=4,
        help="The target is the base plus a change of this rank (singular values 1·0.7ⁱ) plus noise.",
    )
    noise = bound(
        c4.slider,
        "Noise",
        key="la_lora_noise",
        min_value=0.0,
        max_value=0.5,
        value=0.005,
        step=0.005,
        help="Standard deviation of the full-rank noise in the change (×0.1, like the change itself).",
    )
    rank = bound(
        c5.slider,
        "LoRA rank r",
        key="la_lora_rank",
        min_value=1,
        max_value=32,
        value=4,
        help="The rank of the update B A fitted by the truncated SVD of W_target − W_base.",
    )
    rank = min(rank, d_out, d_in)
    seed = global_seed()
    B, A, error, sweep = lora_results(d_out, d_in, true_rank, noise, rank, seed)
    row = sweep.iloc[rank - 1]
    m1, m2, m3, m4 = st.columns(4)
    m1.metric(
        "LoRA parameters r(d_in + d_out)", f"{int(row['lora_parameters']):,}", help="B is d_out × r, A is r × d_in."
    )
    m2.metric("Full update d_in · d_out", f"{d_in * d_out:,}", help="What full fine-tuning of this matrix trains.")
    m3.metric("‖W_base + BA − W_target‖_F", f"{error:.4g}", help="The error left at rank r: √(Σᵢ₍>ᵣ₎ σᵢ²(ΔW)).")
    m4.metric("Relative error", f"{row['relative_error']:.2%}", help="The error over ‖W_target − W_base‖_F.")
    error_col, params_col = st.columns(2)
    with error_col:
        chart(
            line_chart,
            sweep.assign(curve="relative error"),
            x="rank",
            y="relative_error",
            color="curve",
            x_title="LoRA rank r",
            y_title="‖ΔW − BA‖_F / ‖ΔW‖_F",
            title="Error of the best rank-r update",
        )
    with params_col:
        params = sweep.melt(id_vars="rank", value_vars=["lora_parameters", "full_parameters"], var_name="update")
        params["update"] = params["update"].map({"lora_parameters": "LoRA r(d_in + d_out)", "full_parameters": "full"})
        chart(
            line_chart,
            params,
            x="rank",
            y="value",
            color="update",
            x_title="LoRA rank r",
            y_title="trained parameters",
            title="Parameters: LoRA against the full update",
        )
    crossover = int(np.ceil(d_in * d_out / (d_in + d_out)))
    st.caption(
        f"B is {B.shape[0]} × {B.shape[1]} and A is {A.shape[0]} × {A.shape[1]}. LoRA stops saving parameters "
        f"at r ≈ {crossover}; the change has rank {true_rank}, so the error drops to the noise there."
    )
    compressed_model(checkpoint, device)
    csv_download(pd.DataFrame(sweep), "lora_sweep.csv", "Download the error at every rank (CSV)", key="la_dl_lora")
    snippet(
        """
import numpy as np
from lib.linalg import lora_fit, low_rank_plus_noise, random_matrix

base = random_matrix($d_out, seed=$seed, m=$d_in)
target = base + 0.1 * low_rank_plus_noise($d_out, $d_in, $true_rank, $noise, seed=$seed + 1)
B, A = lora_fit(base, target, $rank)
print(B.shape, A.shape, np.linalg.norm(base + B @ A - target))
print(np.sqrt((np.linalg.svd(target - base, compute_uv=False)[$rank:] ** 2).sum()))  # Eckart–Young: the same
""",
        d_out=d_out,
        d_in=d_in,
        seed=seed,
        true_rank=true_rank,
        noise=noise,
        rank=rank,
    )
