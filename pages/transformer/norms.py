"""Tab · Norms and depth: LayerNorm vs RMSNorm on the embeddings; pre- vs post-norm gradients and residual
stream with depth."""

import pandas as pd
import streamlit as st

from lib.transformer import inspect as ti
from lib.viz import line_chart
from pages._common import bound, csv_download, lib_call, torch_worker
from pages.transformer.charts import exported
from pages.transformer.model import ModelCode, inspect_text
from runtime.worker import ModelSource

NORMS = """
print(ti.inspect_text(model, ids[0].tolist(), tok.vocabulary).norms)  # LayerNorm vs RMSNorm of the embeddings
depth = ti.depth_profile($depths, d_model=32, n_heads=4, T=16, norm=$norm, seed=$seed)
print(depth[depth["depth"] == $max_depth])  # gradient and residual norm per layer, pre- vs post-norm
"""


@st.cache_data(max_entries=16, show_spinner=False)
def depth_profile(depths: tuple[int, ...], **kwargs) -> pd.DataFrame:
    return torch_worker("long").call(ti.depth_profile, depths, **kwargs)


def stack_depths(max_depth: int) -> list[int]:
    """1, 2, 4, … below ``max_depth``, then ``max_depth`` itself."""
    return sorted({*(2**i for i in range(5) if 2**i < max_depth), max_depth})


@st.fragment
def norms_section(
    source: ModelSource, ids: tuple[int, ...], vocabulary: str, norm: str, seed: int, device: str, code: ModelCode
) -> None:
    inspected = lib_call(inspect_text, source, ids, vocabulary)
    if inspected is None:
        return
    norm_frame = inspected.norms
    mean_col, rms_col = st.columns(2)
    for column, stat, title in (
        (mean_col, "mean", "Mean of each token's vector: LayerNorm centres to 0, RMSNorm keeps it"),
        (rms_col, "rms", "RMS of each token's vector: both outputs come out at 1"),
    ):
        with column:
            exported(
                line_chart,
                norm_frame[["position", "output of", stat]],
                name=f"norm_outputs_{stat}",
                x="position",
                y=stat,
                color="output of",
                x_title="token position",
                y_title=stat,
                title=title,
            )
    max_depth = bound(
        st.slider,
        "Deepest stack",
        key="tl_depth",
        min_value=2,
        max_value=24,
        value=12,
        help="Pre- and post-norm stacks of 1, 2, 4, … up to this many layers "
        "(d_model 32, 16 tokens, 4 random sequences).",
    )
    depths = stack_depths(max_depth)
    with st.spinner("Building and back-propagating the stacks…"):
        depth = lib_call(depth_profile, tuple(depths), d_model=32, n_heads=4, T=16, norm=norm, seed=seed, device=device)
    if depth is None:
        return
    deepest = depth[depth["depth"] == max_depth]
    grad_col, resid_col = st.columns(2)
    with grad_col:
        exported(
            line_chart,
            deepest[["layer", "placement", "gradient norm"]],
            name="gradient_norm_by_layer",
            x="layer",
            y="gradient norm",
            color="placement",
            x_title="layer",
            y_title="‖∂loss/∂θ_layer‖",
            log_y=True,
            title=f"Gradient norm per layer at initialisation, {max_depth} layers",
        )
    with resid_col:
        last = depth[depth["layer"] == depth["depth"]]
        exported(
            line_chart,
            last[["depth", "placement", "residual norm"]],
            name="residual_norm_by_depth",
            x="depth",
            y="residual norm",
            color="placement",
            x_title="number of layers",
            y_title="mean ‖x‖ after the last block",
            log_y=True,
            title="Residual stream at the top of the stack as depth grows",
        )
    pre_top = deepest[(deepest["placement"] == "pre-norm")]["gradient norm"]
    post_top = deepest[(deepest["placement"] == "post-norm")]["gradient norm"]
    st.caption(
        f"At {max_depth} layers, pre-norm's gradient norm goes from {pre_top.iloc[0]:.3g} (layer 1) to "
        f"{pre_top.iloc[-1]:.3g} (last layer), post-norm's from {post_top.iloc[0]:.3g} to {post_top.iloc[-1]:.3g}. "
        "In pre-norm the residual stream is never normalised, so it grows with depth and every block has an "
        "identity path to the input; post-norm renormalises it to √C after each block."
    )
    st.caption(
        "**What is measured, and why it is not Xiong et al.'s picture.** ‖∂loss/∂θ‖ over all parameters of each "
        "block, for one batch of 4 random 16-token sequences through a d_model-32 TinyGPT at its own "
        "initialisation (weights N(0, 0.02²)). Xiong et al. (2020, Fig. 3) report post-norm gradients that grow "
        "towards the output (hence its learning-rate warm-up) for d_model-512 translation models at Xavier "
        "initialisation. Here post-norm's gradients come out nearly equal in every layer: with weights this small "
        "each block adds little to the normalised stream, so every block sees almost the same input and "
        "gradient. Xavier weights on this small model did not show the growth either (checked for seed 0, LayerNorm, "
        "12 layers, while building this page), so the plot is not offered as a reproduction of their result."
    )
    csv_download(depth, "depth_profile.csv", "Download the depth profile (CSV)", key="tl_dl_depth")
    code.snippet(NORMS, depths=depths, norm=norm, seed=seed, max_depth=max_depth)
