"""Section 5 · LoRA: the best rank-r update B A from a base to a target weight, its parameters and its error."""

import numpy as np
import pandas as pd
import streamlit as st

from lib import linalg as la
from lib.viz import line_chart
from pages._common import bound, cached, chart, csv_download, global_seed, note, prose, snippet


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


@st.fragment
def lora_section() -> None:
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
    st.caption(
        "Compressing the trained tiny GPT's weights and measuring the validation loss that costs is not on this "
        "page yet: section 4 shows each trained weight's error at every rank."
    )
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
