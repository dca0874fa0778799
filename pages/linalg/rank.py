"""Section 4 · Best rank k: the reconstruction, the Frobenius error against Eckart–Young, the spectrum."""

import numpy as np
import pandas as pd
import streamlit as st

from lib import linalg as la
from lib.viz import line_chart
from lib.viz.transformer import matrix_heatmap
from pages._common import bound, cached, chart, csv_download, global_seed, lib_call, note, prose, snippet
from pages.linalg.weights import NO_CHECKPOINT, Checkpoint, weight_matrices

PICTURE, NOISY, TRAINED = "a picture drawn by code", "low rank + noise", "a weight of the trained tiny GPT"
DRAWN_CELLS = 128 * 128  # larger matrices are not drawn cell by cell (the browser slows down)
rank_sweep = cached(la.rank_sweep)
low_rank = cached(la.low_rank_approximation)
picture = cached(la.drawn_image)
noisy_matrix = cached(la.low_rank_plus_noise)

SNIPPETS = {
    PICTURE: "A = drawn_image(64)",
    NOISY: "A = low_rank_plus_noise(64, 48, rank=$true_rank, noise=$noise, seed=$seed)",
    TRAINED: (
        "from lib.transformer.checkpoint import read_weight_matrices\n"
        "from runtime.model_cache import trained_checkpoint\n\n"
        "A = read_weight_matrices(trained_checkpoint())[$weight]  # trained on the Sampling temperature page"
    ),
}


def _matrix(source: str, checkpoint: Checkpoint | None, seed: int) -> tuple[np.ndarray, str, dict]:
    """The matrix to approximate, the snippet line that builds it, and that line's values."""
    if source == NOISY:
        c1, c2 = st.columns(2)
        true_rank = bound(
            c1.slider,
            "True rank",
            key="la_true_rank",
            min_value=1,
            max_value=20,
            value=5,
            help="Rank of the signal U diag(s) Vᵀ with singular values 10·0.7ⁱ (64 × 48).",
        )
        noise = bound(
            c2.slider,
            "Noise σ",
            key="la_noise",
            min_value=0.0,
            max_value=1.0,
            value=0.1,
            step=0.01,
            help="Standard deviation of the N(0, σ²) noise added to every entry.",
        )
        A = noisy_matrix(64, 48, true_rank, noise, seed)
        return A, SNIPPETS[NOISY], {"true_rank": true_rank, "noise": noise, "seed": seed}
    if source == TRAINED and checkpoint is not None:
        matrices = weight_matrices(checkpoint)
        weight = bound(
            st.selectbox,
            "Weight matrix",
            key="la_weight",
            options=list(matrices),
            help="A 2-D weight of the trained model, (d_out, d_in) as torch.nn.Linear stores it.",
        )
        return matrices[weight], SNIPPETS[TRAINED], {"weight": weight}
    if source == TRAINED:
        st.info(NO_CHECKPOINT, icon=":material/info:")
    return picture(64), SNIPPETS[PICTURE], {}


def _heatmap(M: np.ndarray, title: str, diverging: bool) -> None:
    if M.size > DRAWN_CELLS:
        st.caption(f"{title}: {M.shape[0]} × {M.shape[1]} is too large to draw cell by cell; the errors are below.")
        return
    rows, cols = [str(i) for i in range(M.shape[0])], [str(j) for j in range(M.shape[1])]
    chart(
        matrix_heatmap,
        M,
        rows,
        cols,
        x_title="column",
        y_title="row",
        value_title="value",
        diverging=diverging,
        title=title,
        height=300,
    )


@st.fragment
def rank_section(checkpoint: Checkpoint | None) -> None:
    st.header("4 · Best rank k")
    with note("The derivation"):
        prose(__file__, "rank.md")
    c1, c2 = st.columns(2)
    source = bound(
        c1.selectbox,
        "Matrix",
        key="la_source",
        options=[PICTURE, NOISY, TRAINED],
        help="What to approximate: a 64 × 64 picture, a random 64 × 48 low-rank matrix plus noise, or a "
        "weight matrix of the tiny GPT trained on the Sampling temperature page (if one is saved).",
    )
    k_wanted = bound(
        c2.slider,
        "Rank k",
        key="la_rank",
        min_value=0,
        max_value=128,
        value=8,
        help="Keep the k largest singular values: A_k = U_k Σ_k V_kᵀ. Capped at min(m, n).",
    )
    A, build, build_values = _matrix(source, checkpoint, global_seed())
    k = min(k_wanted, min(A.shape))
    if k < k_wanted:
        st.caption(f"A is {A.shape[0]} × {A.shape[1]}: rank {k_wanted} is more than it has, so k = {k}.")
    result = lib_call(low_rank, A, k)
    sweep = lib_call(rank_sweep, A)
    if result is None or sweep is None:
        return
    m, n = A.shape
    tail = float(sweep["eckart_young"][k])
    m1, m2, m3, m4 = st.columns(4)
    m1.metric("‖A − A_k‖_F measured", f"{result.error_fro:.6g}", help="Frobenius norm of the residual.")
    m2.metric("√(Σᵢ₍>ₖ₎ σᵢ²)", f"{tail:.6g}", help="Eckart–Young: the same number, from the spectrum alone.")
    m3.metric("‖A − A_k‖₂ = σₖ₊₁", f"{result.error_spectral:.4g}", help="The spectral-norm error, measured.")
    m4.metric("Numbers stored", f"{k * (m + n):,} of {m * n:,}", help="U_k, Σ_k, V_k: k(m + n) against mn.")

    diverging = source == NOISY or (source == TRAINED and checkpoint is not None)
    left, right = st.columns(2)
    with left:
        _heatmap(A, f"A ({m} × {n})", diverging)
    with right:
        _heatmap(result.approx, f"A_k at rank {k}", diverging)
    errors = sweep.melt(id_vars="k", value_vars=["error_fro", "eckart_young", "error_spectral"], var_name="curve")
    errors["curve"] = errors["curve"].map(
        {"error_fro": "‖A − A_k‖_F measured", "eckart_young": "√(tail Σ σ²)", "error_spectral": "σₖ₊₁"}
    )
    spectrum = pd.DataFrame({"i": np.arange(1, len(result.singular_values) + 1), "σᵢ": result.singular_values})
    error_col, spectrum_col = st.columns(2)
    with error_col:
        chart(
            line_chart,
            errors,
            x="k",
            y="value",
            color="curve",
            dash="curve",
            x_title="rank k",
            y_title="error",
            title="Error of the best rank k: measured = Eckart–Young",
        )
    with spectrum_col:
        chart(
            line_chart,
            spectrum.assign(curve="σᵢ"),
            x="i",
            y="σᵢ",
            color="curve",
            x_title="index i",
            y_title="singular value σᵢ",
            title="The singular-value spectrum",
        )
    st.caption(
        f"Rank {k} keeps {sweep['energy_kept'][k]:.1%} of ‖A‖²_F; the largest gap between the measured error "
        f"and √(tail) over every k is {np.abs(sweep['error_fro'] - sweep['eckart_young']).max():.1e}."
    )
    csv_download(sweep, "rank_sweep.csv", "Download the errors at every rank (CSV)", key="la_dl_rank")
    snippet(
        "from lib.linalg import drawn_image, low_rank_approximation, low_rank_plus_noise, rank_sweep\n\n"
        + build
        + """
r = low_rank_approximation(A, $k)
print(r.error_fro, (r.singular_values[$k:] ** 2).sum() ** 0.5, r.error_spectral)
print(rank_sweep(A).head())
""",
        k=k,
        **build_values,
    )
