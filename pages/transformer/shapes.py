"""Tab · Shapes and parameters: the shape of every tensor through the stack and the parameters of every part."""

import streamlit as st

from lib.transformer import ModelConfig
from lib.transformer import inspect as ti
from pages._common import cached, csv_download
from pages.transformer.model import ModelCode, parameter_counts

shape_trace = cached(ti.shape_trace)
ffn_sizes = cached(ti.ffn_size_comparison)

SHAPES = """
print(ti.shape_trace(config, ids.size(1))[["layer", "tensor", "dims", "shape", "parameters"]])
print(ti.parameter_counts(config))
print(ti.ffn_size_comparison(config.d_model))  # SwiGLU's 8/3 rule at this d_model
"""


@st.fragment
def shapes_section(config: ModelConfig, T: int, code: ModelCode) -> None:
    trace = shape_trace(config, T)
    counts = parameter_counts(config)
    shape_col, count_col = st.columns([3, 2])
    with shape_col:
        shown = trace.assign(shape=trace["shape"].map(lambda s: " × ".join(map(str, s))))
        st.dataframe(shown.drop(columns="module"), hide_index=True, height=420)
        st.caption("B batch, T tokens, C = d_model, H heads, D = d_k, F = d_ff, V vocabulary.")
    with count_col:
        st.dataframe(counts, hide_index=True, height=300)
        sizes = ffn_sizes(config.d_model)
        st.markdown("**SwiGLU's 8/3 rule** (one FFN at this d_model)")
        st.dataframe(
            sizes, hide_index=True, column_config={"vs GELU 4·C": st.column_config.NumberColumn(format="%.3f")}
        )
        st.caption(
            f"Copying d_ff = 4·C into SwiGLU costs {sizes['vs GELU 4·C'][1]:.2f}× the GELU FFN; d_ff = "
            f"{sizes['d_ff'][2]} (8/3·C rounded up to a multiple of 8) brings it to {sizes['vs GELU 4·C'][2]:.3f}×."
        )
    download_cols = st.columns(2)
    with download_cols[0]:
        csv_download(
            shown.drop(columns="module"), "shape_trace.csv", "Download the shape trace (CSV)", key="tl_dl_shapes"
        )
    with download_cols[1]:
        csv_download(counts, "parameter_counts.csv", "Download the parameter counts (CSV)", key="tl_dl_params")
    code.snippet(SHAPES)
