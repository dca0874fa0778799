"""The page's calls into its torch worker, cached per input: every model is built there, never here."""

import numpy as np
import pandas as pd
import streamlit as st

from lib.transformer.inspect import efficient as te
from pages._common import torch_worker
from runtime.worker import ModelSource, on_stdlib_validation


@st.cache_data(max_entries=64, show_spinner=False)
def moe_view(text: str, **sizes: int) -> te.MoEView:
    return torch_worker().call(te.moe_view, text, **sizes)


@st.cache_data(max_entries=64, show_spinner=False)
def mla_cache_table(**sizes: int) -> pd.DataFrame:
    return torch_worker().call(te.mla_cache_table, **sizes)


@st.cache_data(max_entries=64, show_spinner=False)
def mla_cache_growth(**sizes: int) -> pd.DataFrame:
    return torch_worker().call(te.mla_cache_growth, **sizes)


@st.cache_data(max_entries=64, show_spinner=False)
def absorbed_vs_naive(**sizes: int) -> float:
    return torch_worker().call(te.absorbed_vs_naive, **sizes)


@st.cache_data(max_entries=64, show_spinner=False)
def quantization_errors(**sizes: float) -> pd.DataFrame:
    return torch_worker().call(te.quantization_errors, **sizes)


@st.cache_data(max_entries=4, show_spinner=False)
def trained_quantized_losses(path: str, modified: float, tile: int) -> pd.DataFrame:
    """The trained tiny GPT's validation loss with its weights in each format (a retrained file is a new key)."""
    source = ModelSource(path=path, modified=modified)
    return torch_worker("long").call(on_stdlib_validation, source, te.quantized_weight_losses, tile=tile)


def routing_frame(view: te.MoEView, layer: int) -> pd.DataFrame:
    """One row per (position, expert) of ``layer``: the character and its routing weight."""
    weights = view.weights[layer]  # (T, n_experts)
    positions, experts = np.indices(weights.shape)
    return pd.DataFrame(
        {
            "position": positions.ravel(),
            "character": np.asarray(view.tokens, dtype=object)[positions.ravel()],
            "expert": experts.ravel(),
            "weight": weights.ravel(),
        }
    )
