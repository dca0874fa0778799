"""Tab · Generation stepper: one new character at a time, and where the newest position looks."""

import streamlit as st

from lib.transformer import ModelConfig
from lib.viz.transformer import show_token
from pages._common import lib_call, prose
from pages.transformer import model
from pages.transformer.ablation import head_name
from pages.transformer.charts import heatmap
from pages.transformer.model import ModelCode
from runtime.worker import ModelSource

STATE = "tl_stepper"  # session state: (the prompt's source and ids, the characters generated after it)
REQUEST = "tl_step_requested"  # "next" or "reset", set by the buttons' callbacks
STEPPER = """
from lib.transformer import generate

steps = $steps
text_ids = generate(model, ids, steps, temperature=0)  # greedy: the stepper's characters, with the KV cache
print(repr(tok.decode(text_ids[0].tolist())))
step = ti.decode_step(model, text_ids[0].tolist(), tok.vocabulary)  # the newest position's view
print(step.weights.shape, step.cache_difference, repr(tok.vocabulary[step.next_id]))  # (layers, heads, T)
"""


def generated_ids(prompt: tuple) -> tuple[int, ...]:
    """The characters generated after ``prompt`` (source and ids) so far; a new prompt starts over."""
    kept, generated = st.session_state.get(STATE, (None, ()))
    return generated if kept == prompt else ()


@st.fragment
def stepper_section(
    source: ModelSource, text: str, ids: tuple[int, ...], vocabulary: str, config: ModelConfig, code: ModelCode
) -> None:
    prose(__file__, "stepper.md")
    generated = generated_ids((source, ids))
    room = config.max_seq_len - len(ids) - len(generated)
    next_col, reset_col, guess_col = st.columns([1, 1, 2])
    # Callbacks, not the buttons' return values: a request survives the router's first-visit rerun.
    with next_col:
        st.button(
            "Next character",
            key="tl_step_next",
            icon=":material/skip_next:",
            disabled=room <= 0,
            help="Append the most likely next character (greedy) and show the new position's attention."
            + (f" The model's window of {config.max_seq_len} characters is full." if room <= 0 else ""),
            on_click=lambda: st.session_state.update({REQUEST: "next"}),
        )
    with reset_col:
        st.button(
            "Reset",
            key="tl_step_reset",
            icon=":material/restart_alt:",
            help="Forget the generated characters.",
            on_click=lambda: st.session_state.update({REQUEST: "reset"}),
        )
    request = st.session_state.pop(REQUEST, None)
    if request == "reset":
        generated = ()
    if request == "next" and room > 0:
        before = lib_call(model.decode_step, source, ids + generated, vocabulary)
        if before is None:
            return
        generated = (*generated, before.next_id)
    st.session_state[STATE] = ((source, ids), generated)
    sequence = ids + generated
    step = lib_call(model.decode_step, source, sequence, vocabulary)
    if step is None:
        return
    with guess_col:
        best = step.top.iloc[0]
        st.metric(
            "Next character (greedy)",
            f"{show_token(best['character'])}  ({best['probability']:.1%})",
            help="argmax p(c | text so far): what 'Next character' appends. Runner-up: "
            + ", ".join(
                f"{show_token(c)} {p:.1%}"
                for c, p in zip(step.top.character[1:], step.top.probability[1:], strict=True)
            ),
        )
    new_text = "".join(vocabulary[i] for i in generated)
    st.caption(f"**{len(generated)} generated** after the {len(ids)}-character text (shown literally below).")
    st.code(text + new_text, language=None, wrap_lines=True)
    T = len(sequence)
    L, H, _ = step.weights.shape
    tokens = [*text, *new_text]
    pooled = heatmap(
        step.weights.reshape(L * H, T),
        ("", [head_name(layer, head) for layer in range(L) for head in range(H)]),
        ("", tokens),
        name="stepper_attention",
        x_title="key position",
        y_title="head",
        value_title="weight",
        title=f"Where position {T - 1} ({show_token(tokens[-1])}, "
        + ("generated" if generated else "the text's last")
        + ") looks: every head's attention over the text"
        + (f" and the {len(generated)} generated characters (from position {len(ids)} on)" if generated else ""),
        height=max(160, 22 * L * H),
    )
    st.caption(
        (f"Positions are pooled into blocks of {pooled.block[1]} (the **max** of each). " if pooled.pooled else "")
        + (
            f"KV-cached decoding (the text before the last character cached, the last one run alone) against the "
            f"full forward pass: largest difference in the probabilities and weights {step.cache_difference:.1e}."
            if step.cache_difference is not None
            else "No KV-cached check here: linear attention caches running sums, not weights, and without the "
            "causal mask every earlier position changes when a character is added, so a cache does not apply."
        )
    )
    code.snippet(STEPPER, steps=len(generated))
