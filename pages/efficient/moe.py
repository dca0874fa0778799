"""Section 1 · Mixture of experts: the router's choice per character, expert load, the balancing loss,
total vs active parameters, and a MoE model trained beside a dense one of the same active size."""

import pandas as pd
import streamlit as st

from lib.transformer.ffn import swiglu_hidden_size
from lib.viz import line_chart, pmf_bars
from lib.viz.transformer import matrix_heatmap, show_token
from pages._common import bound, chart, csv_download, global_seed, lib_call, prose, snippet
from pages.efficient import worker_calls
from pages.efficient.training import trainer, validation_chart

D_MODEL, N_LAYERS = 64, 2
DEFAULT_TEXT = "def route(x): return top_k(softmax(W @ x), k)"
SNIPPET = """
import torch
from lib.transformer import ModelConfig, TinyGPT, active_parameters, load_balancing_loss
from lib.transformer.generation import encode_prompt
from lib.transformer.inspect.efficient import TOKENIZER

torch.manual_seed($seed)
config = ModelConfig(vocab_size=TOKENIZER.vocab_size, d_model=$d_model, n_layers=$n_layers, ffn="moe",
                     n_experts=$n_experts, experts_per_token=$k, n_shared_experts=$shared)
model = TinyGPT(config).eval()
with torch.no_grad():
    model(torch.tensor([encode_prompt(TOKENIZER, $text)]))
routing = model.blocks[0].ffn.last_routing  # weights (1, T, n_experts), load, probs
print(routing.load, float(load_balancing_loss(routing)))
print(model.n_parameters(), active_parameters(model))
"""


@st.fragment
def moe_section() -> None:
    st.header("1 · Mixture of experts")
    prose(__file__, "moe.md")
    text = bound(
        st.text_input,
        "Your text",
        key="ef_text",
        value=DEFAULT_TEXT,
        max_chars=128,
        help="Up to 128 characters of printable ASCII; each is routed through the experts.",
    )
    c1, c2, c3 = st.columns(3)
    n_experts = bound(
        c1.slider,
        "Experts",
        key="ef_experts",
        min_value=1,
        max_value=16,
        value=4,
        help="Routed experts per MoE layer, each a SwiGLU of hidden size 8/3·d_model.",
    )
    k = bound(
        c2.slider,
        "Experts per token k",
        key="ef_k",
        min_value=1,
        max_value=8,
        value=2,
        help="How many routed experts each token is sent to (must not exceed the experts).",
    )
    shared = bound(
        c3.slider,
        "Shared experts",
        key="ef_shared",
        min_value=0,
        max_value=2,
        value=0,
        help="Experts every token uses besides its k routed ones (DeepSeekMoE).",
    )
    sizes = {
        "d_model": D_MODEL,
        "n_layers": N_LAYERS,
        "n_experts": n_experts,
        "experts_per_token": k,
        "n_shared_experts": shared,
        "seed": global_seed(),
    }
    view = lib_call(worker_calls.moe_view, text, **sizes)
    if view is None:
        return
    layer = bound(
        st.radio,
        "Layer",
        key="ef_layer",
        options=list(range(N_LAYERS)),
        horizontal=True,
        help="Which MoE layer's router to show.",
    )
    labels = [f"{i} {show_token(c)}" for i, c in enumerate(view.tokens)]
    chart(
        matrix_heatmap,
        view.weights[layer].T,
        [f"expert {e}" for e in range(n_experts)],
        labels,
        x_title="character of your text",
        y_title="expert",
        value_title="routing weight",
        height=220,
        title=f"Layer {layer}: routing weights (k = {k} non-zero per column, summing to 1)",
    )
    load = pd.DataFrame({"expert": range(n_experts), "share": view.load[layer], "even": 1 / n_experts})
    load_col, metric_col = st.columns([3, 2])
    with load_col:
        chart(
            pmf_bars,
            load,
            x="expert",
            y="share",
            x_title="expert",
            y_title="share of assignments",
            title="Expert load: counts / (tokens · k)",
        )
    with metric_col:
        st.metric(
            "Load-balancing loss",
            f"{view.balance_loss[layer]:.3f}",
            help="n · Σᵢ loadᵢ · mean probᵢ: 1 when routing is even, n when one expert takes all.",
        )
        st.metric("Total parameters", f"{view.total:,}")
        st.metric(
            "Active per token",
            f"{view.active:,}",
            delta=f"{view.active / view.total:.0%} of total",
            delta_color="off",
            help="Router, shared and k routed experts, attention, embeddings.",
        )
        st.metric(
            "Dense model, same active FFN",
            f"{view.dense_active:,}",
            help=f"A dense SwiGLU with d_ff = (k + shared) · {swiglu_hidden_size(D_MODEL)}.",
        )
    csv_download(
        worker_calls.routing_frame(view, layer), "moe_routing.csv", "Download the routing (CSV)", key="ef_dl_routing"
    )
    snippet(
        SNIPPET,
        seed=global_seed(),
        d_model=D_MODEL,
        n_layers=N_LAYERS,
        n_experts=n_experts,
        k=k,
        shared=shared,
        text=text,
    )
    training_comparison(n_experts, k, shared)


def training_comparison(n_experts: int, k: int, shared: int) -> None:
    st.subheader("Train a MoE and a dense model of the same active size")
    steps = bound(
        st.select_slider,
        "Steps per model",
        key="ef_moe_steps",
        options=[50, 100, 200, 400],
        value=200,
        help="Training steps of each model (batch 16 of 64 characters of the standard library).",
    )
    width = (k + shared) * swiglu_hidden_size(D_MODEL)
    variants = (
        ("MoE", {"ffn": "moe", "n_experts": n_experts, "experts_per_token": k, "n_shared_experts": shared}),
        ("dense", {"d_ff": width}),
    )
    results = trainer(("moe", variants, steps), variants, steps, button_key="ef_train_moe", label="Train MoE vs dense")
    if not results:
        return
    validation_chart(results, ("moe", variants, steps), "Validation loss: MoE vs dense with the same active FFN")
    moe = results[0]
    st.caption(f"MoE: {moe.total:,} parameters, {moe.active:,} active; dense: {results[-1].total:,}.")
    if moe.load is not None:
        load = moe.load.assign(expert=lambda f: "expert " + f["expert"].astype(str))
        chart(
            line_chart,
            load,
            x="step",
            y="share",
            color="expert",
            x_title="training step",
            y_title="share of assignments (mean over layers)",
            title="Expert load during training (the balancing loss keeps it near 1/n)",
        )
    csv_download(
        lambda: pd.concat([r.curves for r in results]),
        "moe_vs_dense.csv",
        "Download the curves (CSV)",
        key="ef_dl_moe_curves",
    )
