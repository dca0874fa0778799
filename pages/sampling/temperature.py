"""Section 2 · Temperature: the next character at τ, its entropy, and why softmax needs log-sum-exp."""

import numpy as np
import pandas as pd
import streamlit as st

from lib import sampling
from lib.viz.sampling import token_bars
from lib.viz.transformer import show_token
from pages._common import chart
from pages.sampling.model import ModelChoice, model_snippet, most_likely_first

TOP_BARS = 30
WORDS = {"overflow": "overflow: ∞ / ∞ = not a number", "underflow": "underflow: 0 / 0 = not a number"}


@st.fragment
def temperature_section(choice: ModelChoice, prompt: str, context: tuple[int, ...], logits: np.ndarray, tau: float):
    probs = sampling.softmax(logits, tau)
    at_one = sampling.softmax(logits, 1.0)
    vocabulary = list(choice.tokenizer.vocabulary)
    order = most_likely_first(logits, tau)
    frame = pd.DataFrame(
        {
            "character": [vocabulary[i] for i in order],
            "label": [show_token(vocabulary[i]) for i in order],
            "rank": np.arange(1, len(order) + 1),
            "probability": probs[order],
            "at τ = 1": at_one[order],
            "logit": logits[order],
        }
    )
    H = sampling.entropy(probs)
    cols = st.columns(4)
    cols[0].metric("Entropy H", f"{H:.3f} nats", help="−Σ p log p of the distribution at this τ.")
    cols[1].metric("…in bits", f"{sampling.entropy(probs, base=2):.3f} bits", help="H / ln 2.")
    cols[2].metric(
        "Effective vocabulary e^H",
        f"{np.exp(H):.2f}",
        help=f"As unsure as a uniform choice among this many characters (the vocabulary has {len(vocabulary)}).",
    )
    cols[3].metric(
        "Most likely next",
        frame["label"].iloc[0],
        delta=f"p = {frame['probability'].iloc[0]:.3f}",
        delta_color="off",
        delta_arrow="off",
        help="At τ = 0 this character gets all the mass (greedy decoding); tied maxima share it.",
    )
    chart(
        token_bars,
        frame.head(TOP_BARS).drop(columns="character"),
        temperature=tau,
        cache_key=(choice.source, context, tau),
        title=f"Next-character distribution at τ = {tau:g} (bars; orange ticks: τ = 1), top {TOP_BARS}",
    )
    st.caption("␣ is a space, ↵ a newline, ⇥ a tab. Hover a bar for its probability, rank and logit.")

    st.subheader("Why log-sum-exp: the same logits, softmax computed naively")
    st.dataframe(naive_softmax_table(logits, tau, probs), hide_index=True)
    top_logit = float(np.max(logits))
    if top_logit > 0:
        st.caption(
            f"This model's largest logit here is {top_logit:.2f}, so a naive float32 softmax overflows for "
            f"τ < {top_logit / sampling.overflow_threshold(np.float32):.4f} and float64 for "
            f"τ < {top_logit / sampling.overflow_threshold():.4f}; at τ = 0 the division itself is infinite. "
            "Subtracting the largest logit first keeps every exponent ≤ 0 and the largest term exactly 1."
        )
    else:
        st.caption(
            f"Every logit here is negative (the largest is {top_logit:.2f}), so the naive exp never overflows; as τ "
            "shrinks every term underflows to 0 instead (0 / 0). Subtracting the largest logit first makes the "
            "largest term exactly 1, so neither can happen."
        )
    model_snippet(
        choice,
        "import numpy as np\n\nfrom lib.sampling import effective_vocabulary, entropy, naive_softmax_failure, softmax\n"
        "from lib.transformer.generation import next_token_logits",
        """
logits = next_token_logits(model, tokenizer.encode(prompt))  # the last max_seq_len characters
p = softmax(logits, temperature=$tau)
print("entropy", entropy(p), "nats; e^H =", effective_vocabulary(p))
print("naive float32 softmax:", naive_softmax_failure(logits, $tau, dtype=np.float32) or "finite")
""",
        prompt=prompt,
        tau=tau,
    )


def naive_softmax_table(logits: np.ndarray, tau: float, probs: np.ndarray) -> pd.DataFrame:
    """Per precision: the largest z/τ against the overflow limit, the naive softmax, and log-sum-exp's."""
    rows = []
    top_logit = float(np.max(logits))
    for name, dtype in (("float64", np.float64), ("float32 (what models use)", np.float32)):
        threshold = sampling.overflow_threshold(dtype)
        failure = sampling.naive_softmax_failure(logits, tau, dtype=dtype)
        if tau == 0:
            largest = "± ∞ (division by τ = 0)"
        else:
            largest = f"{top_logit / tau:,.2f}" + (" > " if top_logit / tau > threshold else " ≤ ") + f"{threshold:.2f}"
        if failure is None:
            naive_text = f"p max = {float(np.max(sampling.naive_softmax(logits, tau, dtype=dtype))):.6f}"
        else:
            naive_text = WORDS[failure]
        rows.append({"precision": name, "largest z/τ vs overflow limit": largest, "naive exp(z/τ) / Σ": naive_text})
    return pd.DataFrame(rows).assign(**{"log-sum-exp softmax": f"p max = {float(np.max(probs)):.6f} (always finite)"})
