"""Tab · Positions: sinusoidal vs learned vs RoPE, the Toeplitz RoPE score and what lies past the training length."""

import numpy as np
import streamlit as st

from lib.transformer import inspect as ti
from lib.viz import line_chart
from pages._common import bound, cached, csv_download, snippet
from pages.transformer.charts import exported, heatmap, pooling_note

rope_scores = cached(ti.rope_score_matrix)
rope_distance = cached(ti.rope_relative_scores)
rope_wavelengths = cached(ti.rope_wavelengths)
position_tables = cached(ti.position_tables)
N_FEATURES = 32  # the first 32 features: the fast-turning ones that carry the pattern


def rope_head_size(head_size: int) -> int:
    """The model's head size, or the next even number (RoPE turns pairs of features)."""
    return head_size if head_size % 2 == 0 else 2 * (head_size // 2 + 1)


@st.fragment
def positions_section(d_model: int, head_size: int, seed: int) -> None:
    train_length = bound(
        st.slider,
        "Training length L",
        key="tl_train_len",
        min_value=8,
        max_value=128,
        value=16,
        step=8,
        help="Positions a model saw in training; the charts go to 2·L (4·L for distances) to show what lies past it.",
    )
    d_k = rope_head_size(head_size)
    span = 2 * train_length
    tables = position_tables(d_model, span, d_k, seed)
    n_features = min(d_model, N_FEATURES)
    sin_col, learned_col, rope_col = st.columns(3)
    with sin_col:
        pooled_positions = heatmap(
            tables["sinusoidal"][:, :n_features].T,
            ("", None),
            ("", None),
            name="positions_sinusoidal",
            how="mean",
            x_title="position t",
            y_title="feature",
            value_title="PE[t]",
            diverging=True,
            title="Sinusoidal: added to x, a formula of t (continues past L)",
            height=260,
        )
    with learned_col:
        heatmap(
            tables["learned"][:train_length, :n_features].T,
            ("", None),
            ("", None),
            name="positions_learned",
            how="mean",
            x_title="position t",
            y_title="feature",
            value_title="P[t] at init",
            diverging=True,
            title=f"Learned: one trained row per position (none past L = {train_length})",
            height=260,
        )
    with rope_col:
        heatmap(
            tables["rope"].T,
            ("pair ", None),
            ("", None),
            name="positions_rope",
            how="mean",
            x_title="position t",
            y_title="feature pair",
            value_title="cos(t·θ_i)",
            diverging=True,
            title=f"RoPE: rotates q, k pairs by t·θ_i (d_k = {d_k})",
            height=260,
        )
    if pooled_positions.pooled:
        st.caption(
            f"{span} positions are shown as {pooled_positions.values.shape[1]} blocks of {pooled_positions.block[1]}, "
            "each the **mean** of its block: fast-turning features average out, the slow ones keep their shape."
        )
    toeplitz = rope_scores(d_k, span)
    diag_spread = max(float(np.ptp(np.diagonal(toeplitz, offset=o))) for o in range(-span + 1, span))
    toeplitz_col, distance_col = st.columns(2)
    with toeplitz_col:
        pooled_toeplitz = heatmap(
            toeplitz,
            ("", None),
            ("", None),
            name="rope_toeplitz_scores",
            how="mean",
            x_title="key position n",
            y_title="query position m",
            value_title="⟨R_m q, R_n k⟩",
            diverging=True,
            title="RoPE score of a constant q and k: constant along every diagonal (Toeplitz)",
        )
        st.caption(
            pooling_note(pooled_toeplitz, f"The {span} × {span} matrix is shown as")
            + f"Largest spread along any diagonal: {diag_spread:.1e} (float32 rounding): "
            "the score depends only on m − n."
        )
    with distance_col:
        by_distance = rope_distance(d_k, 4 * train_length).assign(
            region=lambda f: np.where(f["distance"] < train_length, "seen in training (< L)", "past L")
        )
        exported(
            line_chart,
            by_distance,
            name="rope_score_by_distance",
            x="distance",
            y="score",
            color="region",
            x_title="distance m − n",
            y_title="⟨R_m 1, R_n 1⟩",
            title="The same score against distance, out to 4·L",
        )
        waves = rope_wavelengths(d_k, train_length)
        unseen = int((~waves["full turn seen in training"]).sum())
        st.caption(
            f"{unseen} of {d_k // 2} RoPE pairs have a wavelength longer than L = {train_length}: in training they "
            "never turned a full circle, so past L they reach angles the model never saw (what position "
            "interpolation, NTK and YaRN scaling fix). Sinusoidal tables continue too; a learned table simply "
            "has no row past its length (TinyGPT refuses longer inputs)."
        )
    csv_download(waves, "rope_wavelengths.csv", "Download the RoPE wavelengths (CSV)", key="tl_dl_rope")
    snippet(
        """
import numpy as np
from lib.transformer import inspect as ti

d_model, d_k, L = $d_model, $d_k, $train_length  # d_k: the head size (made even for RoPE)
tables = ti.position_tables(d_model, 2 * L, d_k, seed=$seed)  # sinusoidal, learned at init, RoPE's cos(t·θ_i)
print({name: table.shape for name, table in tables.items()})
scores = ti.rope_score_matrix(d_k, 2 * L)  # ⟨R_m 1, R_n 1⟩: constant along every diagonal
print(max(float(np.ptp(np.diagonal(scores, offset=o))) for o in range(-2 * L + 1, 2 * L)))
print(ti.rope_relative_scores(d_k, 4 * L))  # the same score against the distance m − n
waves = ti.rope_wavelengths(d_k, L)
print((~waves["full turn seen in training"]).sum(), "of", d_k // 2, "pairs never turned a full circle in training")
""",
        d_model=d_model,
        d_k=d_k,
        train_length=train_length,
        seed=seed,
    )
