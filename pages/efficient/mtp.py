"""Section 3 · Multi-token prediction: training with and without an MTP head of depth D, and
self-speculative decoding with the head as the draft (acceptance rate, speed-up, same tokens as greedy)."""

import pandas as pd
import streamlit as st

from pages._common import bound, csv_download, prose, snippet
from pages.efficient.training import trainer, validation_chart

SNIPPET = """
import torch
from lib.transformer import ModelConfig, TinyGPT, generate, speculative_generate, train
from lib.transformer.inspect.efficient import TOKENIZER

torch.manual_seed(0)
text = torch.tensor(TOKENIZER.encode("def add(a, b):\\n    return a + b\\n" * 40))
model = TinyGPT(ModelConfig(vocab_size=TOKENIZER.vocab_size, d_model=64, n_layers=2, max_seq_len=64, mtp_depth=$depth))
train(model, text, 60, batch_size=8, seq_len=32)  # the loss adds 0.3 × the MTP heads' cross-entropy
prompt = text[:8].unsqueeze(0)
result = speculative_generate(model, prompt, 40)
greedy = generate(model, prompt, 40, temperature=0)
print(result.acceptance_rate, result.forward_passes, torch.equal(result.ids, greedy))
"""


@st.fragment
def mtp_section() -> None:
    st.header("3 · Multi-token prediction")
    prose(__file__, "mtp.md")
    c1, c2 = st.columns(2)
    depth = bound(
        c1.slider,
        "MTP depth D",
        key="ef_depth",
        min_value=1,
        max_value=4,
        value=2,
        help="Extra heads: depth d predicts the token d + 1 places ahead.",
    )
    steps = bound(
        c2.select_slider,
        "Steps per model",
        key="ef_mtp_steps",
        options=[50, 100, 200, 400],
        value=200,
        help="Training steps of each model (batch 16 of 64 characters of the standard library).",
    )
    variants = (("without MTP", {}), (f"MTP D = {depth}", {"mtp_depth": depth}))
    results = trainer(
        ("mtp", variants, steps), variants, steps, button_key="ef_train_mtp", label="Train with and without MTP"
    )
    if results:
        validation_chart(results, ("mtp", variants, steps), "Validation loss: next token, and the MTP head's own")
        spec = results[-1].speculative
        if spec is not None:
            cols = st.columns(4)
            cols[0].metric(
                "Acceptance rate",
                f"{spec['acceptance rate']:.0%}",
                help="Drafted tokens the model's own greedy choice confirmed.",
            )
            cols[1].metric("Tokens per forward pass", f"{spec['tokens per pass']:.2f}", help="Greedy decoding: 1.")
            cols[2].metric(
                "Speed-up over greedy",
                f"{spec['speed-up']:.2f}×",
                help=f"{spec['speculative tokens per s']:.0f} vs {spec['greedy tokens per s']:.0f} "
                "tokens/s on the CPU, one thread, 48 tokens.",
            )
            cols[3].metric("Same tokens as greedy", "yes" if spec["same tokens as greedy"] else "no")
            table = pd.DataFrame([spec]).assign(depth=depth, steps=steps)
            csv_download(table, "mtp_speculative.csv", "Download the decoding numbers (CSV)", key="ef_dl_spec")
        csv_download(
            lambda: pd.concat([r.curves for r in results]),
            "mtp_curves.csv",
            "Download the curves (CSV)",
            key="ef_dl_mtp_curves",
        )
    snippet(SNIPPET, depth=depth)
