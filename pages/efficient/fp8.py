"""Section 4 · FP8 and low precision: quantisation error of e4m3, e5m2, fp16 and bf16 with per-tensor or
per-tile scales on a matrix with an outlier, and the error of a matmul accumulated in float32."""

import streamlit as st

from lib.viz import pmf_bars
from pages._common import bound, chart, csv_download, global_seed, lib_call, prose, snippet
from pages.efficient import worker_calls
from runtime.model_cache import trained_checkpoint

FORMATS = ["e4m3", "e5m2", "fp16", "bf16"]
SNIPPET = """
import torch
from lib.precision import quantize, quantized_matmul

torch.manual_seed($seed)
a, b = torch.randn($rows, $cols), torch.randn($cols, 64)
a[0, 0] = $outlier
q = quantize(a, $fmt, $scaling, tile=$tile)
print(((q - a).abs() / a.abs()).mean())
print((quantized_matmul(a, b, $fmt, $scaling, tile=$tile) - a @ b).norm() / (a @ b).norm())
"""


@st.fragment
def fp8_section() -> None:
    st.header("4 · FP8 and low precision")
    prose(__file__, "fp8.md")
    c1, c2, c3 = st.columns(3)
    fmt = bound(
        c1.selectbox,
        "Format",
        key="ef_fmt",
        options=FORMATS,
        help="e4m3: 4 exponent, 3 mantissa bits (max 448); e5m2: max 57344; fp16, bf16 unscaled.",
    )
    scaling = bound(
        c2.radio,
        "Scaling",
        key="ef_scaling",
        options=["tensor", "tile"],
        horizontal=True,
        help="One scale for the matrix, or one per 1 × tile block of each row (DeepSeek-V3).",
    )
    tile = bound(
        c3.number_input,
        "Tile",
        key="ef_tile",
        min_value=1,
        max_value=1024,
        value=128,
        step=1,
        help="Tile width along each row; it must divide the number of columns.",
    )
    c4, c5, c6 = st.columns(3)
    rows = bound(
        c4.slider, "Rows", key="ef_rows", min_value=1, max_value=256, value=64, help="Rows of the N(0, 1) matrix."
    )
    cols = bound(
        c5.select_slider,
        "Columns",
        key="ef_cols",
        options=[128, 256, 512, 1024],
        value=256,
        help="Columns (the inner dimension of the matmul).",
    )
    outlier = bound(
        c6.select_slider,
        "Outlier at [0, 0]",
        key="ef_outlier",
        options=[1, 10, 100, 1000, 10000, 60000],
        value=1000,
        help="One entry set to this value: per-tensor scaling must fit it too.",
    )
    sizes = {"rows": rows, "cols": cols, "outlier": float(outlier), "tile": int(tile), "seed": global_seed()}
    table = lib_call(worker_calls.quantization_errors, **sizes)
    if table is None:
        return
    chosen = table[(table["format"] == fmt) & table["scaling"].isin([f"per {scaling}", "cast"])].iloc[0]
    m1, m2 = st.columns(2)
    m1.metric(f"{fmt} mean relative error", f"{chosen['mean relative error']:.2e}")
    m2.metric(
        f"{fmt} matmul error (float32 accumulation)", f"{chosen['matmul error']:.2e}", help="‖q(A) q(B) − A B‖ / ‖A B‖."
    )
    bars = table.assign(choice=table["format"] + " " + table["scaling"]).melt(
        id_vars="choice", value_vars=["mean relative error", "matmul error"], var_name="error", value_name="value"
    )
    chart(
        pmf_bars,
        bars,
        x="choice",
        y="value",
        color="error",
        x_title="format and scaling",
        y_title="relative error",
        title="Quantisation and matmul error against float32",
    )
    st.dataframe(table, hide_index=True)
    csv_download(table, "fp8_errors.csv", "Download the errors (CSV)", key="ef_dl_fp8")
    snippet(
        SNIPPET,
        seed=global_seed(),
        rows=rows,
        cols=cols,
        outlier=float(outlier),
        fmt=fmt,
        scaling=scaling,
        tile=int(tile),
    )
    trained_model_losses(int(tile))


def trained_model_losses(tile: int) -> None:
    """The Sampling temperature page's trained model with its linear weights in each format: the loss it costs."""
    st.subheader("The trained tiny GPT with its weights in each format")
    path = trained_checkpoint()
    if path is None:
        st.caption(
            "No trained tiny GPT is saved on this machine yet (train it on the Sampling temperature page); "
            "its validation loss with its weights in each format shows here then."
        )
        return
    with st.spinner("Quantising the trained model's weights and evaluating on the validation text…"):
        table = lib_call(worker_calls.trained_quantized_losses, str(path), path.stat().st_mtime, tile)
    if table is None:
        return
    st.dataframe(table, hide_index=True)
    worst = table.loc[table["increase"].idxmax()]
    st.caption(
        f"Every linear weight rounded to the format (tiles of {tile} along each row; the last one padded), the "
        f"tied embedding kept in float32, the same validation windows as the float32 model's "
        f"{worst['float32_val_loss']:.4f} nats/char. The worst is {worst['format']} per {worst['scaling']}: "
        f"{worst['increase']:+.4f} nats."
    )
    csv_download(table, "fp8_trained_model.csv", "Download the trained model's losses (CSV)", key="ef_dl_fp8_trained")
