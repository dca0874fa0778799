"""The model every tab reads: the trained checkpoint's description, the worker's view of a text, the summary
above the tabs, and the snippet lines that rebuild the same model (each tab's snippet starts with them).

The server process never builds the model: the checkpoint's config and tokenizer are read from the file
(:func:`read_checkpoint_info`), the random init's come from the switches and the text, and the model
itself lives in the torch worker (:class:`ModelSource`)."""

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import streamlit as st

from lib.transformer import CharTokenizer, ModelConfig
from lib.transformer import inspect as ti
from lib.transformer.checkpoint import CheckpointInfo, read_checkpoint_info
from lib.viz.transformer import show_token
from pages._common import cached, plain, snippet, torch_worker
from runtime.worker import ModelSource, on_model

parameter_counts = cached(ti.parameter_counts)

RANDOM_MODEL = """
import torch
from lib.transformer import CharTokenizer, ModelConfig, TinyGPT
from lib.transformer import inspect as ti

text = $text
tok = CharTokenizer.from_text(text)
config = ModelConfig(vocab_size=tok.vocab_size, d_model=$d_model, n_heads=$n_heads, n_layers=$n_layers,
                     max_seq_len=256, ffn=$ffn, norm=$norm, norm_placement=$placement,
                     positional=$positional, attention=$attention, causal=$causal)
torch.manual_seed($seed)
model = TinyGPT(config).eval()
ids = torch.tensor([tok.encode(text)])
print(model.n_parameters(), ti.parameter_counts(config).parameters.sum())
"""
TRAINED_MODEL = """
import torch
from lib.transformer import inspect as ti
from lib.transformer.checkpoint import load_checkpoint
from runtime.model_cache import trained_checkpoint

model, tok, metrics = load_checkpoint(trained_checkpoint(), device="cpu")  # trained on the Sampling page
config = model.config
text = $text
ids = torch.tensor([tok.encode(text)])
print(model.config, metrics)
"""


@st.cache_data(max_entries=2, show_spinner=False)
def trained_info(path: str, modified: float) -> CheckpointInfo:
    """The trained tiny GPT's config, tokenizer, metrics and parameter count, read without building it
    (read again when the file changes)."""
    return read_checkpoint_info(Path(path))


@st.cache_data(max_entries=32, show_spinner=False)
def inspect_text(source: ModelSource, ids: tuple[int, ...], vocabulary: str) -> ti.TextInspection:
    """Attention maps, the norms' view of the embeddings and the next-character prediction (cached)."""
    return torch_worker().call(on_model, source, ti.inspect_text, ids, vocabulary)


@st.cache_data(max_entries=32, show_spinner=False)
def lens_table(source: ModelSource, ids: tuple[int, ...], vocabulary: str) -> pd.DataFrame:
    """The logit lens's top-1 guess at every layer and position (cached, computed in the worker)."""
    return torch_worker().call(on_model, source, ti.lens_table, ids, vocabulary)


@st.cache_data(max_entries=32, show_spinner=False)
def ablation_losses(
    source: ModelSource, ids: tuple[int, ...], heads: tuple[tuple[int, int], ...], vocabulary: str
) -> pd.DataFrame:
    """Per-character loss with and without ``heads`` (0-based (layer, head) pairs; cached, in the worker)."""
    return torch_worker().call(on_model, source, ti.ablation_losses, ids, heads, vocabulary)


@st.cache_data(max_entries=64, show_spinner=False)
def decode_step(source: ModelSource, ids: tuple[int, ...], vocabulary: str) -> ti.DecodeStep:
    """The greedy next character after ``ids`` and the last position's attention (cached, in the worker)."""
    return torch_worker().call(on_model, source, ti.decode_step, ids, vocabulary)


def summary(ids: tuple[int, ...], tokenizer: CharTokenizer, config: ModelConfig, device: str, *, trained: bool) -> None:
    """The caption and metrics above the tabs: tokens, vocabulary, parameters, head and FFN sizes."""
    T = len(ids)
    n_parameters = int(parameter_counts(config)["parameters"].sum())  # = ti.n_parameters(config): no model here
    vocabulary = " ".join(show_token(c) for c in tokenizer.vocabulary)
    st.caption(
        f"**{T} tokens**, vocabulary of **{tokenizer.vocab_size}** characters "
        + (
            f"(the training text's: {plain(vocabulary[:120])}{'…' if len(vocabulary) > 120 else ''})"
            if trained
            else f"({plain(vocabulary)})"
        )
        + f"; torch runs on **{device}**."
    )
    m1, m2, m3, m4 = st.columns(4)
    m1.metric("Parameters", f"{n_parameters:,}", help="TinyGPT.n_parameters(): the sum of the parameter table.")
    m2.metric("Head size d_k", config.head_size, help="d_model / heads: the size of each query, key and value.")
    m3.metric("FFN width d_ff", ti.ffn_hidden_size(config), help="4·C for GELU, 8/3·C rounded up to 8 for SwiGLU.")
    m4.metric("Attention cells per layer", f"{config.n_heads * T * T:,}", help="H·T² scores: what grows with length.")


@dataclass(frozen=True)
class ModelCode:
    """The snippet lines that build the page's model: ``$name`` placeholders and their current values."""

    template: str
    values: dict

    def snippet(self, body: str, **values) -> str:
        """Show a section's "Reproduce in Python": these lines, then the section's own ``body``.

        ``body``'s placeholders share one namespace with these lines': a name in both must mean the same value.
        """
        return snippet(self.template + body, **{**self.values, **values})


def model_code(text: str, config: ModelConfig, seed: int, *, trained: bool) -> ModelCode:
    """How a snippet rebuilds the model: the trained checkpoint, or this configuration seeded with ``seed``."""
    if trained:
        return ModelCode(TRAINED_MODEL, {"text": text})
    return ModelCode(
        RANDOM_MODEL,
        {
            "text": text,
            "d_model": config.d_model,
            "n_heads": config.n_heads,
            "n_layers": config.n_layers,
            "ffn": config.ffn,
            "norm": config.norm,
            "placement": config.norm_placement,
            "positional": config.positional,
            "attention": config.attention,
            "causal": config.causal,
            "seed": seed,
        },
    )
