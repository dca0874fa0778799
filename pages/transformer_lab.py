"""Transformer lab: the notes' transformer block by block, every modern choice a switch."""

from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import streamlit as st

from lib.device import pick_device
from lib.transformer import CharTokenizer, ModelConfig, TinyGPT
from lib.transformer import inspect as ti
from lib.transformer.checkpoint import load_checkpoint
from lib.viz import line_chart, pmf_bars
from lib.viz.transformer import block_labels, matrix_heatmap, next_character_bars, show_token
from pages._common import (
    bound,
    cached,
    chart,
    csv_download,
    global_seed,
    lib_call,
    note,
    page_header,
    plain,
    png_download,
    selected_device,
    snippet,
    torch_worker,
)
from pages._registry import PAGES
from runtime.model_cache import trained_checkpoint
from runtime.worker import ModelSource, on_model, run_in_process

MAX_TOKENS = 256  # also the model's max_seq_len
MAX_SIDE = 64  # heatmaps draw at most 64 × 64 cells: longer axes are pooled into blocks of positions
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
BYTES = {"fp32 (4 bytes)": 4.0, "bf16 / fp16 (2 bytes)": 2.0, "fp8 (1 byte)": 1.0, "6-bit (0.75 bytes)": 0.75}

shape_trace = cached(ti.shape_trace)
parameter_counts = cached(ti.parameter_counts)
ffn_sizes = cached(ti.ffn_size_comparison)
rope_scores = cached(ti.rope_score_matrix)
rope_distance = cached(ti.rope_relative_scores)
rope_wavelengths = cached(ti.rope_wavelengths)
position_tables = cached(ti.position_tables)
kv_table = cached(ti.kv_cache_table)


@st.cache_resource(max_entries=2, show_spinner=False)
def load_trained(path: str, modified: float, device: str) -> tuple[TinyGPT, CharTokenizer, dict]:
    """The trained tiny GPT, its tokenizer and metrics (reloaded when the file changes)."""
    return load_checkpoint(Path(path), device)


@st.cache_data(max_entries=32, show_spinner=False)
def inspect_text(source: ModelSource, ids: tuple[int, ...], vocabulary: str) -> ti.TextInspection:
    """Attention maps, the norms' view of the embeddings and the next-character prediction (cached)."""
    return torch_worker().call(on_model, source, ti.inspect_text, ids, vocabulary)


@st.cache_data(max_entries=16, show_spinner=False)
def depth_profile(depths: tuple[int, ...], **kwargs) -> pd.DataFrame:
    return torch_worker().call(ti.depth_profile, depths, **kwargs)


def exported(builder, *args, name: str, table: pd.DataFrame | Callable[[], pd.DataFrame] | None = None, **kwargs):
    """Show a chart with a PNG of it and a CSV of its data below (both made only when clicked).

    ``table`` defaults to the chart's data (its first argument).
    """
    chart(builder, *args, **kwargs)
    png_col, csv_col = st.columns(2)
    with png_col:
        png_download(builder, *args, file_name=f"{name}.png", key=f"tl_png_{name}", label="PNG", **kwargs)
    with csv_col:
        csv_download(args[0] if table is None else table, f"{name}.csv", "CSV", key=f"tl_csv_{name}")


def matrix_table(values: np.ndarray, rows: tuple, cols: tuple, corner: str) -> pd.DataFrame:
    """Every cell of a matrix, one row per matrix row, labelled as in the charts (no pooling)."""
    row_names = block_labels(np.arange(values.shape[0] + 1), *rows)
    col_names = block_labels(np.arange(values.shape[1] + 1), *cols)
    return pd.DataFrame(values, columns=col_names).assign(**{corner: row_names})[[corner, *col_names]]


def heatmap(
    values: np.ndarray,
    rows: tuple[str, Sequence[str] | None],
    cols: tuple[str, Sequence[str] | None],
    *,
    name: str,
    how: str = "max",
    value_title: str,
    **kwargs,
) -> ti.PooledMatrix:
    """Draw a matrix, pooled into at most MAX_SIDE blocks per side; ``rows``/``cols`` are (prefix, tokens).

    The PNG is the chart as shown; the CSV has every cell of the full matrix.
    """
    pooled = ti.pool_matrix(values, MAX_SIDE, how)
    if pooled.pooled:
        value_title = f"{value_title} ({how} of {pooled.block[0]}×{pooled.block[1]} cells)"
    corner = f"{kwargs['y_title']} \\ {kwargs['x_title']}"
    exported(
        matrix_heatmap,
        pooled.values,
        block_labels(pooled.row_edges, *rows),
        block_labels(pooled.col_edges, *cols),
        name=name,
        table=lambda: matrix_table(values, rows, cols, corner),
        value_title=value_title,
        **kwargs,
    )
    return pooled


def pooling_note(pooled: ti.PooledMatrix, what: str) -> str:
    """One sentence saying how a pooled chart was reduced ("" when nothing was pooled)."""
    if not pooled.pooled:
        return ""
    (R, C), (br, bc) = pooled.values.shape, pooled.block
    return (
        f"{what} {R} × {C} blocks of {br} × {bc} cells, each the **{pooled.how}** of its block "
        "(hover a cell for the positions it covers); the CSV has every cell. "
    )


page_header(
    "Transformer lab",
    "Type a sentence and follow it through a small decoder-only transformer: characters become token ids, "
    "vectors, queries, keys and values, attention maps and logits. Every choice the notes discuss is a "
    "switch: GELU or SwiGLU, LayerNorm or RMSNorm, pre- or post-norm, sinusoidal, learned or rotary "
    "positions, softmax or linear attention, causal mask on or off. The weights are a random "
    "initialisation from the sidebar's seed (the shapes, counts and costs are exact and the maps show what an "
    "untrained model does), or the tiny GPT trained on Python's standard library on the Sampling temperature "
    "page, to see what training changes: the next-character guess, the loss on your text and the maps.",
)

with note():
    st.markdown(
        "Each head projects the token vectors $x$ (T × C) to queries, keys and values of size $d_k = C/H$ and "
        "mixes the values by how well each query matches each key:"
    )
    st.latex(r"\mathrm{Attention}(Q, K, V) = \mathrm{softmax}\!\left(\frac{Q K^\top}{\sqrt{d_k}} + M\right) V")
    st.markdown(
        "**Why √d_k.** If the entries of $q$ and $k$ have mean 0 and variance 1, $q\\cdot k$ is a sum of "
        "$d_k$ such products: variance $d_k$. Dividing by $\\sqrt{d_k}$ brings it back to 1; without it the "
        "scores grow with $d_k$, softmax saturates into a one-hot and its gradient vanishes.\n\n"
        "**Why the causal mask is additive.** $M_{ij} = 0$ for $j \\le i$ and $-\\infty$ for $j > i$. Adding "
        "it before softmax gives $e^{-\\infty} = 0$ weight to the future while the allowed scores stay "
        "unchanged and the rows still sum to 1; masks add up (causal + padding is one tensor), multiplying "
        "weights by 0 after softmax would not renormalise.\n\n"
        "**Heads.** $\\mathrm{MultiHead}(x) = \\mathrm{Concat}(\\mathrm{head}_1, …, \\mathrm{head}_H)\\,W_O$, then "
        "Add(x) and Norm, then the FFN, Add and Norm (post-norm, the original) — or Norm before each sublayer "
        "(pre-norm, every modern LLM). **SwiGLU** $W_2(\\mathrm{SiLU}(W_1x) \\odot W_3x)$ has three matrices, so "
        "$d_{ff} = \\tfrac{8}{3}C$ keeps the parameters of a $4C$ GELU FFN. **RMSNorm** "
        "$\\gamma\\,x/\\sqrt{\\overline{x^2}+\\epsilon}$ drops LayerNorm's centring and bias. **RoPE** rotates each "
        "pair of $q$ and $k$ features by $t\\theta_i$, $\\theta_i = 10000^{-2i/d_k}$, so "
        "$\\langle R_m q, R_n k\\rangle$ depends only on $m - n$. **Linear attention** replaces "
        "$\\exp(q\\cdot k)$ by $\\phi(q)\\cdot\\phi(k)$ and costs $O(T d_k^2)$ instead of $O(T^2 d_k)$. "
        "**KV cache**: when decoding, keys and values of the past never change, so they are kept and each new "
        "token costs one position of work."
    )

# --- Input, weights and the switches ------------------------------------------------------------
device_name = lib_call(pick_device, selected_device())
if device_name is None:
    st.stop()
device = str(device_name)
seed = global_seed()
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
checkpoint = trained_checkpoint()
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
trained = None
if weights == WEIGHTS[1] and checkpoint is None:
    st.info(
        "The trained tiny GPT appears here once it has been trained on the **Sampling temperature** page "
        "(a few minutes on a CPU; the checkpoint is kept for every later visit). Until then the weights are "
        "a random initialisation.",
        icon=":material/info:",
    )
    if Path(SAMPLING_PAGE).is_file() and any(info.path == SAMPLING_PAGE for info in PAGES):
        st.page_link(SAMPLING_PAGE, label="Train it on the Sampling temperature page", icon=":material/school:")
elif weights == WEIGHTS[1]:
    trained = load_trained(str(checkpoint), checkpoint.stat().st_mtime, device)
fixed = trained[0].config if trained else None


def switch(widget, label: str, key: str, fixed_value, **kwargs):
    """An architecture switch, URL-bound; with trained weights shown disabled at the trained value."""
    if fixed is None:
        return bound(widget, label, key=key, **kwargs)
    kwargs.pop("value", None)
    if "options" in kwargs:
        kwargs["index"] = list(kwargs["options"]).index(fixed_value)
    else:
        kwargs["value"] = fixed_value
    widget(label, disabled=True, **{**kwargs, "help": kwargs["help"] + " Fixed by the trained model."})
    return fixed_value


def choice(label: str, key: str, help_text: str, field: str) -> str:
    options = CHOICES[key]
    # The options are lib's own names, so the URL reads ?tl_norm=rms; the help lists what they mean.
    meaning = "; ".join(f"{name} = {text}" for name, text in options.items())
    return switch(
        st.selectbox,
        label,
        key,
        getattr(fixed, field, None),
        options=list(options),
        help=f"{help_text} ({meaning})",
    )


c1, c2, c3, c4, c5 = st.columns(5)
with c1:
    d_model = switch(
        st.slider,
        "d_model (C)",
        "tl_d_model",
        getattr(fixed, "d_model", None),
        min_value=16,
        max_value=256,
        value=64,
        step=16,
        help="Width of every token vector. Each head gets d_k = d_model / heads features.",
    )
    ffn = choice(
        "FFN", "tl_ffn", "SwiGLU (3 matrices, d_ff = 8/3·C) or the original GELU MLP (2 matrices, 4·C).", "ffn"
    )
with c2:
    n_heads = switch(
        st.selectbox,
        "Heads (H)",
        "tl_heads",
        getattr(fixed, "n_heads", None),
        options=[1, 2, 4, 8, 16],
        index=2,
        help="Attention heads; d_model must be divisible by it (and d_k even for RoPE).",
    )
    norm = choice("Norm", "tl_norm", "LayerNorm (centre and scale, γ and β) or RMSNorm (scale only, γ).", "norm")
with c3:
    n_layers = switch(
        st.slider,
        "Layers",
        "tl_layers",
        getattr(fixed, "n_layers", None),
        min_value=1,
        max_value=8,
        value=2,
        help="Transformer blocks stacked: each is attention and FFN with residual connections and norms.",
    )
    placement = choice(
        "Norm placement", "tl_placement", "Pre-norm: x + F(Norm(x)). Post-norm: Norm(x + F(x)).", "norm_placement"
    )
with c4:
    positional = choice(
        "Positions",
        "tl_positions",
        "Token order: added to x (sinusoidal, learned) or rotating Q and K (RoPE).",
        "positional",
    )
    attention = choice(
        "Attention", "tl_attention", "softmax(QKᵀ/√d_k)V, or linear attention φ(Q)(φ(K)ᵀV).", "attention"
    )
with c5:
    causal = switch(
        st.toggle,
        "Causal mask",
        "tl_causal",
        getattr(fixed, "causal", None),
        value=True,
        help="On: token i sees tokens 0..i only (a decoder). Off: every token sees the whole text (an encoder).",
    )

if not text:
    st.error("The text is empty: type at least one character.", icon=":material/error:")
    st.stop()
if trained:
    model, tokenizer, metrics = trained
    config = model.config
    ids = lib_call(tokenizer.encode, text)
    if ids is None:
        st.stop()
    if len(ids) > config.max_seq_len:
        st.error(
            f"The trained tiny GPT reads at most {config.max_seq_len} characters; this text has {len(ids)}. "
            "Shorten it, or pick the random weights (up to 256).",
            icon=":material/error:",
        )
        st.stop()
    source = ModelSource(device=device, path=str(checkpoint), modified=checkpoint.stat().st_mtime)
else:
    tokenizer = CharTokenizer.from_text(text)
    ids = tokenizer.encode(text)
    settings = {
        "vocab_size": tokenizer.vocab_size,
        "d_model": d_model,
        "n_heads": int(n_heads),
        "n_layers": n_layers,
        "max_seq_len": MAX_TOKENS,
        "ffn": ffn,
        "norm": norm,
        "norm_placement": placement,
        "positional": positional,
        "attention": attention,
        "causal": bool(causal),
    }
    config = lib_call(ModelConfig, **settings)
    if config is None:
        st.stop()
    source = ModelSource(device=device, config=config, vocabulary=tokenizer.vocabulary, seed=seed)
T = len(ids)
n_parameters = int(parameter_counts(config)["parameters"].sum())  # the model itself lives in the worker
labels = [f"{i} · {show_token(c)}" for i, c in enumerate(text)]
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


def shapes_tab() -> None:
    """The shape of every tensor through the stack and the parameters of every part."""
    trace = shape_trace(config, T)
    counts = parameter_counts(config)
    shape_col, count_col = st.columns([3, 2])
    with shape_col:
        shown = trace.assign(shape=trace["shape"].map(lambda s: " × ".join(map(str, s))))
        st.dataframe(shown.drop(columns="module"), hide_index=True, height=420)
        st.caption("B batch, T tokens, C = d_model, H heads, D = d_k, F = d_ff, V vocabulary.")
    with count_col:
        st.dataframe(counts, hide_index=True, height=300)
        sizes = ffn_sizes(d_model)
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


def attention_tab() -> None:
    """Scores, weights and weighted values of one head of one layer, pooled past 64 × 64 cells."""
    inspected = inspect_text(source, tuple(ids), tokenizer.vocabulary)
    pick_layer, pick_head = st.columns(2)
    with pick_layer:
        layer = bound(
            st.selectbox,
            "Layer",
            key="tl_layer",
            options=list(range(1, n_layers + 1)),
            help="Which block's attention to show.",
        )
    with pick_head:
        head = bound(
            st.selectbox,
            "Head",
            key="tl_head",
            options=list(range(1, config.n_heads + 1)),
            help="Which head of that block.",
        )
    layer, head = min(layer or 1, n_layers), min(head or 1, config.n_heads)
    maps = inspected.maps[layer - 1]
    scores, weights, features = maps.scores[head - 1], maps.weights[head - 1], maps.features[head - 1]
    score_title = "score q·k/√d_k" if attention == "softmax" else "kernel φ(q)·φ(k)"
    tokens = list(text)
    score_col, weight_col = st.columns(2)
    with score_col:
        pooled = heatmap(
            scores,
            ("", tokens),
            ("", tokens),
            name=f"attention_scores_layer{layer}_head{head}",
            x_title="key",
            y_title="query",
            value_title=score_title,
            diverging=attention == "softmax",
            title=f"Raw scores{' + causal mask (blank = −∞)' if causal else ''}, layer {layer}, head {head}",
        )
    with weight_col:
        heatmap(
            weights,
            ("", tokens),
            ("", tokens),
            name=f"attention_weights_layer{layer}_head{head}",
            x_title="key",
            y_title="query",
            value_title="weight",
            title=f"Attention weights ({'softmax' if attention == 'softmax' else 'normalised kernel'}, rows sum to 1)",
        )
    pooled_features = heatmap(
        features.T,
        ("feature ", None),
        ("", tokens),
        name=f"attention_values_layer{layer}_head{head}",
        how="mean",
        x_title="token",
        y_title="feature of the head's output",
        value_title="value",
        diverging=True,
        title="Attention-weighted values (weights @ V): what this head passes on, per token",
        height=240,
    )
    st.caption(
        pooling_note(pooled, f"{T} tokens make {T}×{T} maps: the scores and weights show")
        + (
            "The weighted values show the **mean** of their blocks. "
            if pooled_features.pooled and pooled.pooled
            else pooling_note(pooled_features, "The weighted values show")
        )
        + f"Each row of the weights sums to 1 (largest deviation {np.abs(weights.sum(-1) - 1).max():.1e}). "
        + (
            "Above the diagonal the mask made every weight exactly 0."
            if causal
            else "Without the mask every token sees every other, the future included."
        )
    )
    prediction = inspected.next
    best = prediction.top.iloc[0]
    guess_col, bars_col = st.columns([1, 2])
    with guess_col:
        st.metric(
            "Most likely next character",
            f"{show_token(best['character'])}  ({best['probability']:.1%})",
            help="The model's distribution for the character after the text (temperature 1), its top choice.",
        )
        if prediction.text_loss is not None:
            st.metric(
                "Loss on this text",
                f"{prediction.text_loss:.2f} nats/char",
                delta=f"{prediction.text_loss - prediction.uniform_loss:+.2f} vs a uniform guess",
                delta_color="inverse",
                help="Mean −log p(each character | the ones before it). A uniform guess over the vocabulary "
                f"scores log V = {prediction.uniform_loss:.2f}.",
            )
    with bars_col:
        exported(
            next_character_bars,
            prediction.top,
            name="next_character",
            title="What comes next: the 10 most probable characters",
        )
    if trained:
        metrics = trained[2]
        st.caption(
            f"Trained on Python's standard library: on held-out standard-library modules this checkpoint scores "
            f"{metrics['val_loss']:.2f} nats/char against {metrics['unigram_val_loss']:.2f} for character "
            f"frequencies alone and log V = {prediction.uniform_loss:.2f} for a uniform guess "
            f"({metrics['steps']:.0f} training steps). Compare the maps with those of the random weights."
        )
    else:
        st.caption(
            "With random weights the prediction is close to uniform over the text's own characters and the loss "
            "near log V: nothing has been learnt. Pick the trained tiny GPT to see the difference."
        )


def positions_tab() -> None:
    """Sinusoidal vs learned vs RoPE, the Toeplitz RoPE score and what lies past the training length."""
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
    d_k = config.head_size if config.head_size % 2 == 0 else 2 * (config.head_size // 2 + 1)
    span = 2 * train_length
    tables = position_tables(d_model, span, d_k, seed)
    n_features = min(d_model, 32)  # the first 32 features: the fast-turning ones that carry the pattern
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


def norms_tab() -> None:
    """LayerNorm vs RMSNorm on the embeddings; pre- vs post-norm gradients and residual stream with depth."""
    inspected = inspect_text(source, tuple(ids), tokenizer.vocabulary)
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
    depths = sorted({*(2**i for i in range(5) if 2**i < max_depth), max_depth})
    with st.spinner("Building and back-propagating the stacks…"):
        depth = depth_profile(tuple(depths), d_model=32, n_heads=4, T=16, norm=norm, seed=seed, device=device)
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


def cost_tab() -> None:
    """Live timings on the selected device and the KV-cache memory calculator."""
    cost_key = source
    st.button(
        "Measure decoding, attention and norm timings",
        key="tl_measure",
        icon=":material/speed:",
        help="Runs a few seconds of live timings on the selected device; the results stay until the settings change.",
        # A callback, not the button's return value: the request survives the router's first-visit rerun.
        on_click=lambda: st.session_state.update(tl_measure_requested=True),
    )
    if st.session_state.pop("tl_measure_requested", False):
        with st.status("Timing on " + device + "…", expanded=False) as status:
            lengths = [n for n in (16, 32, 64, 128) if n + 8 <= config.max_seq_len]  # the trained model's window
            timed = lib_call(
                run_in_process,  # a process of its own: nothing else shares its GIL or queues behind it
                on_model,
                source,
                ti.cost_timings,
                report=lambda stage: status.update(label=stage),
                threads=1 if device == "cpu" else None,
                decode_lengths=lengths,
                attention_lengths=[64, 128, 256, 512, 1024, 2048],
                norm_length=max(T, 64),
                seed=seed,
            )
            status.update(label="Done" + (" (one CPU thread)" if device == "cpu" else ""), state="complete")
        st.session_state["tl_cost"] = {"key": cost_key, "timed": timed}
    measured = st.session_state.get("tl_cost")
    if measured and measured["key"] == cost_key and measured["timed"] is not None:
        speed = measured["timed"].decoding
        speed_col, attn_col = st.columns(2)
        with speed_col:
            long_speed = speed.melt(
                id_vars="new tokens",
                value_vars=["tokens/s with cache", "tokens/s without cache"],
                var_name="decoding",
                value_name="tokens/s",
            )
            exported(
                line_chart,
                long_speed,
                name="decoding_speed",
                table=speed,
                x="new tokens",
                y="tokens/s",
                color="decoding",
                x_title="new tokens generated (after an 8-token prompt)",
                y_title="tokens per second",
                title="Greedy decoding speed, this model",
            )
            same = bool(speed["identical"].all())
            (st.success if same else st.warning)(
                "Cached and uncached decoding produced identical tokens at every length."
                if same
                else "Cached and uncached decoding differ — a KV-cache bug."
            )
            st.dataframe(speed, hide_index=True)
        with attn_col:
            attn = measured["timed"].attention
            exported(
                line_chart,
                attn.melt(id_vars="T", var_name="attention", value_name="ms"),
                name="attention_timings",
                table=attn,
                x="T",
                y="ms",
                color="attention",
                x_title="sequence length T",
                y_title="milliseconds (log)",
                log_y=True,
                title=f"Causal attention, {config.n_heads} heads of d_k = {config.head_size}",
            )
            cross = ti.crossover_length(attn)
            st.caption(
                f"Linear attention becomes faster from about **T ≈ {cross:,.0f}** here."
                if cross is not None
                else "Linear attention did not overtake softmax up to T = 2048 here."
            )
            st.dataframe(measured["timed"].norms, hide_index=True)
    else:
        st.info(
            "Press the button to time decoding and attention on this device (a few seconds). On the CPU the "
            "timings use one torch thread: tiny models on shared cores run faster single-threaded."
        )

    st.subheader("KV-cache memory: MHA, GQA, MQA and DeepSeek's MLA")
    k1, k2, k3, k4, k5 = st.columns(5)
    kv_layers = bound(
        k1.number_input, "Layers", key="tl_kv_layers", min_value=1, max_value=256, value=60, help="n_layers."
    )
    kv_heads = bound(
        k2.number_input, "Heads n_h", key="tl_kv_heads", min_value=1, max_value=256, value=128, help="Heads."
    )
    kv_dhead = bound(k3.number_input, "d_head", key="tl_kv_dhead", min_value=8, max_value=512, value=128, help="d_h.")
    kv_groups = bound(
        k4.number_input,
        "GQA groups n_g",
        key="tl_kv_groups",
        min_value=1,
        max_value=256,
        value=8,
        help="Must divide n_h.",
    )
    kv_latent = bound(
        k5.number_input, "MLA latent d_c", key="tl_kv_latent", min_value=1, max_value=8192, value=512, help="d_c."
    )
    k6, k7, k8, k9 = st.columns(4)
    kv_rope = bound(
        k6.number_input, "MLA RoPE key d_h^R", key="tl_kv_rope", min_value=0, max_value=512, value=64, help="d_h^R."
    )
    kv_seq = bound(
        k7.number_input,
        "Tokens cached",
        key="tl_kv_seq",
        min_value=1,
        max_value=1_048_576,
        value=32_768,
        help="Length.",
    )
    kv_batch = bound(
        k8.number_input, "Batch", key="tl_kv_batch", min_value=1, max_value=1024, value=1, help="Sequences."
    )
    kv_bytes = bound(
        k9.selectbox, "Precision", key="tl_kv_bytes", options=list(BYTES), index=1, help="Bytes per cached value."
    )
    kv = lib_call(
        kv_table,
        n_layers=int(kv_layers),
        n_heads=int(kv_heads),
        d_head=int(kv_dhead),
        n_kv_groups=int(kv_groups),
        d_latent=int(kv_latent),
        d_rope=int(kv_rope),
        seq_len=int(kv_seq),
        batch=int(kv_batch),
        bytes_per_value=BYTES[kv_bytes],
    )
    if kv is not None:
        table_col, bar_col = st.columns([3, 2])
        with table_col:
            st.dataframe(kv, hide_index=True, column_config={"vs MHA": st.column_config.NumberColumn(format="percent")})
            st.caption(
                "Values per token per layer: MHA 2·n_h·d_h, GQA 2·n_g·d_h, MQA 2·d_h, MLA d_c + d_h^R "
                "(DeepSeek-V2, Table 1); × layers × tokens × batch × bytes. Defaults are DeepSeek-V2's "
                "dimensions. Its reported −93.3 % is against DeepSeek 67B (95 layers, GQA 8 groups, 16-bit) "
                "with MLA's cache quantised to 6 bits."
            )
        with bar_col:
            exported(
                pmf_bars,
                kv,
                name="kv_cache",
                x="variant",
                y="MiB",
                x_title="attention",
                y_title="KV cache (MiB)",
                title="Cache size",
            )


TABS = {
    "Attention": attention_tab,
    "Shapes and parameters": shapes_tab,
    "Positions": positions_tab,
    "Norms and depth": norms_tab,
    "Cost on this device": cost_tab,
}
# Only the open tab runs (lazy tabs bound to the URL): a slider move redraws its charts, not all 20.
for tab, draw in zip(
    st.tabs(list(TABS), key="tl_section", default="Attention", bind="query-params"), TABS.values(), strict=True
):
    with tab:
        if tab.open:
            draw()

if trained:
    snippet(
        """
import torch
from lib.transformer import generate
from lib.transformer import inspect as ti
from lib.transformer.checkpoint import load_checkpoint
from runtime.model_cache import trained_checkpoint
from runtime.worker import ModelSource, on_model, run_in_process

model, tok, metrics = load_checkpoint(trained_checkpoint(), device="cpu")  # trained on the Sampling page
text = $text
ids = torch.tensor([tok.encode(text)])
print(model.config, metrics)
prediction = ti.next_character(model, ids, tok.vocabulary)
print(prediction.top, prediction.text_loss, prediction.uniform_loss)
maps = ti.attention_maps(model, ids)  # one AttentionMaps(scores, weights, features) per layer
print(maps[0].weights[0].round(2))
room = model.config.max_seq_len // 2  # greedy continuation: the last half-window of text, then as many new characters
print(repr(tok.decode(generate(model, ids[:, -room:], room, temperature=0)[0].tolist())))
""",
        text=text,
    )
else:
    snippet(
        """
import torch
from lib.transformer import CharTokenizer, ModelConfig, TinyGPT, generate
from lib.transformer import inspect as ti

text = $text
tok = CharTokenizer.from_text(text)
config = ModelConfig(vocab_size=tok.vocab_size, d_model=$d_model, n_heads=$n_heads, n_layers=$n_layers,
                     max_seq_len=256, ffn=$ffn, norm=$norm, norm_placement=$placement,
                     positional=$positional, attention=$attention, causal=$causal)
torch.manual_seed($seed)
model = TinyGPT(config).eval()
ids = torch.tensor([tok.encode(text)])
print(ti.shape_trace(config, ids.size(1))[["layer", "tensor", "dims", "parameters"]])
print(model.n_parameters(), ti.parameter_counts(config).parameters.sum())
maps = ti.attention_maps(model, ids)  # one AttentionMaps(scores, weights, features) per layer
print(maps[0].weights[0].round(2))
cached = generate(model, ids[:, :8], 32, temperature=0, use_kv_cache=True)
print(torch.equal(cached, generate(model, ids[:, :8], 32, temperature=0, use_kv_cache=False)))
print(ti.kv_cache_table(n_layers=60, n_heads=128, d_head=128, n_kv_groups=8, d_latent=512, d_rope=64,
                        seq_len=32768, bytes_per_value=2.0))
""",
        text=text,
        d_model=d_model,
        n_heads=int(n_heads),
        n_layers=n_layers,
        ffn=ffn,
        norm=norm,
        placement=placement,
        positional=positional,
        attention=attention,
        causal=bool(causal),
        seed=seed,
    )
