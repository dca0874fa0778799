"""Tab · Attention: scores, weights and weighted values of one head of one layer, and the next character."""

import numpy as np
import streamlit as st

from lib.transformer import ModelConfig
from lib.transformer import inspect as ti
from lib.viz.transformer import next_character_bars, show_token
from pages._common import bound, lib_call
from pages.transformer.charts import exported, heatmap, pooling_note
from pages.transformer.model import ModelCode, inspect_text
from runtime.worker import ModelSource

MAPS = """
layer, head = $layer, $head
maps = ti.attention_maps(model, ids)  # one AttentionMaps(scores, weights, features) per layer
print(maps[layer - 1].weights[head - 1].round(2))  # this head's attention weights: rows sum to 1
prediction = ti.next_character(model, ids, tok.vocabulary)
print(prediction.top, prediction.text_loss, prediction.uniform_loss)
"""
CONTINUATION = """
from lib.transformer import generate

room = model.config.max_seq_len // 2  # greedy continuation: the last half-window of text, then as many new characters
print(repr(tok.decode(generate(model, ids[:, -room:], room, temperature=0)[0].tolist())))
"""


@st.fragment
def attention_section(
    source: ModelSource,
    text: str,
    ids: tuple[int, ...],
    vocabulary: str,
    config: ModelConfig,
    metrics: dict | None,
    code: ModelCode,
) -> None:
    """``metrics`` are the trained checkpoint's (None for random weights)."""
    inspected = lib_call(inspect_text, source, ids, vocabulary)
    if inspected is None:
        return
    pick_layer, pick_head = st.columns(2)
    with pick_layer:
        layer = bound(
            st.selectbox,
            "Layer",
            key="tl_layer",
            options=list(range(1, config.n_layers + 1)),
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
    layer, head = min(layer or 1, config.n_layers), min(head or 1, config.n_heads)
    maps = inspected.maps[layer - 1]
    scores, weights, features = maps.scores[head - 1], maps.weights[head - 1], maps.features[head - 1]
    softmax = config.attention == "softmax"
    T, tokens = len(ids), list(text)
    score_col, weight_col = st.columns(2)
    with score_col:
        pooled = heatmap(
            scores,
            ("", tokens),
            ("", tokens),
            name=f"attention_scores_layer{layer}_head{head}",
            x_title="key",
            y_title="query",
            value_title="score q·k/√d_k" if softmax else "kernel φ(q)·φ(k)",
            diverging=softmax,
            title=f"Raw scores{' + causal mask (blank = −∞)' if config.causal else ''}, layer {layer}, head {head}",
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
            title=f"Attention weights ({'softmax' if softmax else 'normalised kernel'}, rows sum to 1)",
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
            if config.causal
            else "Without the mask every token sees every other, the future included."
        )
    )
    show_prediction(inspected.next, metrics)
    code.snippet(MAPS + (CONTINUATION if metrics is not None else ""), layer=layer, head=head)


def show_prediction(prediction: ti.NextCharacter, metrics: dict | None) -> None:
    """The most likely next character, the loss on the text and the top-10 bars, against what training gives."""
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
    if metrics is not None:
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
