"""The lab's shared inputs, above every tab: the text, the weights and the architecture switches."""

from pathlib import Path

import streamlit as st

from lib.transformer import ModelConfig
from pages._common import bound
from pages._registry import PAGES

MAX_TOKENS = 256  # also the model's max_seq_len
EXAMPLES = {
    "A short sentence": "the cat sat on the mat.",
    "Repeating pattern": "abcabcabcabcabcabcabcabc",
    "The notes' definition": "attention is a soft lookup: each query asks, every key answers, values are mixed.",
    "256 characters": ("the quick brown fox jumps over the lazy dog. " * 6)[:MAX_TOKENS],
    "Your own text": "",
}
CHOICES = {
    "tl_ffn": {"swiglu": "SwiGLU", "gelu": "GELU"},
    "tl_norm": {"rms": "RMSNorm", "layer": "LayerNorm"},
    "tl_placement": {"pre": "pre-norm", "post": "post-norm"},
    "tl_positions": {"rope": "RoPE", "sinusoidal": "sinusoidal", "learned": "learned", "none": "none"},
    "tl_attention": {"softmax": "softmax", "linear": "linear (φ = elu + 1)"},
}
WEIGHTS = ("random init", "trained tiny GPT")  # the URL reads ?tl_weights=trained+tiny+GPT
SAMPLING_PAGE = "pages/sampling_temperature.py"


def text_and_weights(checkpoint: Path | None) -> tuple[str, str]:
    """The example (or the user's own text) and the weights, side by side: (text, weights)."""
    text_col, example_col, weights_col = st.columns([3, 1, 1])
    with example_col:
        example = bound(
            st.selectbox,
            "Example",
            key="tl_example",
            options=list(EXAMPLES),
            help="A ready-made input, or 'Your own text' to type one (up to 256 characters).",
        )
    with text_col:
        if EXAMPLES[example]:
            text = EXAMPLES[example]
            st.text_input("Text", value=text, disabled=True, help="Pick 'Your own text' to type your own.")
        else:
            text = bound(
                st.text_input,
                "Your text",
                key="tl_text",
                value="hello, transformer!",
                max_chars=MAX_TOKENS,
                help="Any characters, up to 256. Each distinct character becomes one token (CharTokenizer).",
            )
    with weights_col:
        weights = bound(
            st.selectbox,
            "Weights",
            key="tl_weights",
            options=WEIGHTS,
            help="Random initialisation from the sidebar's seed, or the tiny GPT trained on Python's standard "
            "library on the Sampling temperature page (its architecture is then fixed)"
            + ("." if checkpoint else ": not trained on this machine yet."),
        )
    return text, weights


def explain_missing_checkpoint() -> None:
    """Where the trained tiny GPT comes from, while there is none on this machine."""
    st.info(
        "The trained tiny GPT appears here once it has been trained on the **Sampling temperature** page "
        "(a few minutes on a CPU; the checkpoint is kept for every later visit). Until then the weights are "
        "a random initialisation.",
        icon=":material/info:",
    )
    if Path(SAMPLING_PAGE).is_file() and any(info.path == SAMPLING_PAGE for info in PAGES):
        st.page_link(SAMPLING_PAGE, label="Train it on the Sampling temperature page", icon=":material/school:")


def switch(fixed: ModelConfig | None, field: str, widget, label: str, key: str, **kwargs):
    """An architecture switch, URL-bound; with trained weights shown disabled at the trained value."""
    if fixed is None:
        return bound(widget, label, key=key, **kwargs)
    fixed_value = getattr(fixed, field)
    kwargs.pop("value", None)
    if "options" in kwargs:
        kwargs["index"] = list(kwargs["options"]).index(fixed_value)
    else:
        kwargs["value"] = fixed_value
    widget(label, disabled=True, **{**kwargs, "help": kwargs["help"] + " Fixed by the trained model."})
    return fixed_value


def choice(fixed: ModelConfig | None, field: str, label: str, key: str, help_text: str) -> str:
    """A switch between lib's own names (the URL reads ?tl_norm=rms); the help lists what they mean."""
    options = CHOICES[key]
    meaning = "; ".join(f"{name} = {text}" for name, text in options.items())
    return switch(fixed, field, st.selectbox, label, key, options=list(options), help=f"{help_text} ({meaning})")


def architecture_switches(fixed: ModelConfig | None) -> dict:
    """The nine switches in five columns: ModelConfig's arguments, less the vocabulary and the length.

    ``fixed`` is the trained model's configuration: every switch then shows it, disabled.
    """
    c1, c2, c3, c4, c5 = st.columns(5)
    with c1:
        d_model = switch(
            fixed,
            "d_model",
            st.slider,
            "d_model (C)",
            "tl_d_model",
            min_value=16,
            max_value=256,
            value=64,
            step=16,
            help="Width of every token vector. Each head gets d_k = d_model / heads features.",
        )
        ffn = choice(
            fixed,
            "ffn",
            "FFN",
            "tl_ffn",
            "SwiGLU (3 matrices, d_ff = 8/3·C) or the original GELU MLP (2 matrices, 4·C).",
        )
    with c2:
        n_heads = switch(
            fixed,
            "n_heads",
            st.selectbox,
            "Heads (H)",
            "tl_heads",
            options=[1, 2, 4, 8, 16],
            index=2,
            help="Attention heads; d_model must be divisible by it (and d_k even for RoPE).",
        )
        norm = choice(
            fixed, "norm", "Norm", "tl_norm", "LayerNorm (centre and scale, γ and β) or RMSNorm (scale only, γ)."
        )
    with c3:
        n_layers = switch(
            fixed,
            "n_layers",
            st.slider,
            "Layers",
            "tl_layers",
            min_value=1,
            max_value=8,
            value=2,
            help="Transformer blocks stacked: each is attention and FFN with residual connections and norms.",
        )
        placement = choice(
            fixed,
            "norm_placement",
            "Norm placement",
            "tl_placement",
            "Pre-norm: x + F(Norm(x)). Post-norm: Norm(x + F(x)).",
        )
    with c4:
        positional = choice(
            fixed,
            "positional",
            "Positions",
            "tl_positions",
            "Token order: added to x (sinusoidal, learned) or rotating Q and K (RoPE).",
        )
        attention = choice(
            fixed, "attention", "Attention", "tl_attention", "softmax(QKᵀ/√d_k)V, or linear attention φ(Q)(φ(K)ᵀV)."
        )
    with c5:
        causal = switch(
            fixed,
            "causal",
            st.toggle,
            "Causal mask",
            "tl_causal",
            value=True,
            help="On: token i sees tokens 0..i only (a decoder). Off: every token sees the whole text (an encoder).",
        )
    return {
        "d_model": d_model,
        "n_heads": int(n_heads),
        "n_layers": n_layers,
        "ffn": ffn,
        "norm": norm,
        "norm_placement": placement,
        "positional": positional,
        "attention": attention,
        "causal": bool(causal),
    }
