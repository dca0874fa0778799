"""Tab · Logit lens: the next-character guess read out after every block."""

import streamlit as st

from lib.viz.transformer import lens_heatmap
from pages._common import bound, lib_call, plain, prose
from pages.transformer import model
from pages.transformer.charts import exported
from pages.transformer.model import ModelCode
from runtime.worker import ModelSource

COLOURS = {"probability": "the top-1 guess's probability", "p(next)": "the probability of the actual next character"}
LENS = """
lens = ti.logit_lens(model, ids)  # (layers + 1, T, vocabulary): row l reads the stream after l blocks
with torch.no_grad():
    print(torch.allclose(lens[-1], model(ids)[0], atol=1e-6))  # the last row is the model's own logits
table = ti.lens_table(model, ids[0].tolist(), tok.vocabulary)
print(table[table.position == $position])  # the guess after every block at this position
"""


@st.fragment
def lens_section(source: ModelSource, ids: tuple[int, ...], vocabulary: str, code: ModelCode) -> None:
    prose(__file__, "lens.md")
    table = lib_call(model.lens_table, source, ids, vocabulary)
    if table is None:
        return
    colour_col, position_col = st.columns(2)
    with colour_col:
        colour = bound(
            st.selectbox,
            "Colour by",
            key="tl_lens_colour",
            options=list(COLOURS),
            format_func=COLOURS.get,
            help="The top-1 guess's probability (how sure each layer is), or the probability it gives the character "
            "that actually follows (how right it is; blank at the last position).",
        )
    with position_col:
        position = bound(
            st.slider,
            "Position to follow",
            key="tl_lens_position",
            min_value=0,
            max_value=max(len(ids) - 1, 1),
            value=max(len(ids) - 1, 1),
            help="The caption and the snippet follow this position's guess layer by layer (the last by default: "
            "the guess for the character after the text).",
        )
    position = min(position, len(ids) - 1)
    exported(
        lens_heatmap,
        table,
        name="logit_lens",
        colour=colour,
        title="Logit lens: the most likely next character after each block, at every position",
    )
    top = int(table["layer"].max())
    final = table[table["layer"] == top].set_index("position")["guess"]
    agree = (
        table.assign(same=table["guess"].to_numpy() == final.loc[table["position"]].to_numpy())
        .groupby("layer")["same"]
        .mean()
    )
    path = table[table["position"] == position]
    steps = " → ".join(f"{plain(repr(g))} ({p:.0%})" for g, p in zip(path["guess"], path["probability"], strict=True))
    st.caption(
        f"At position {position}, from the embeddings to the output: {steps}. Share of positions whose guess is "
        "already the output's: "
        + ", ".join(f"{share:.0%} after block {layer}" for layer, share in agree.items() if layer < top)
        + ". The top row is the model's own prediction (equal to its logits to float precision)."
    )
    code.snippet(LENS, position=position)
