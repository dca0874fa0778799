"""Tab · Head ablation: silence chosen heads and see the loss on the text change, character by character."""

import streamlit as st

from lib.transformer import ModelConfig
from lib.viz.transformer import loss_difference_chart
from pages._common import bound, lib_call, prose
from pages.transformer import model
from pages.transformer.charts import exported
from pages.transformer.model import ModelCode
from runtime.worker import ModelSource

ABLATION = """
heads = $heads  # (layer, head) pairs, 0-based: the page's L1H1 is (0, 0)
silenced = ti.ablate_heads(model, heads)  # a copy: those heads' columns of W_O are zero
table = ti.ablation_losses(model, ids[0].tolist(), heads, tok.vocabulary)
print(table["loss"].mean().round(4), table["ablated loss"].mean().round(4))  # the text's loss, nats/char
print(table.sort_values("difference").tail(3))  # where the heads helped most
"""


def head_name(layer: int, head: int) -> str:
    """The page's name of a head, 1-based: head_name(0, 2) == "L1H3"."""
    return f"L{layer + 1}H{head + 1}"


@st.fragment
def ablation_section(
    source: ModelSource, ids: tuple[int, ...], vocabulary: str, config: ModelConfig, code: ModelCode
) -> None:
    prose(__file__, "ablation.md")
    names = {
        head_name(layer, head): (layer, head) for layer in range(config.n_layers) for head in range(config.n_heads)
    }
    chosen = bound(
        st.multiselect,
        "Heads to silence",
        key="tl_ablate",
        options=list(names),
        default=[head_name(0, 0)],
        help="L{layer}H{head}, counted from 1 as in the Attention tab. Each chosen head's output is zeroed before "
        "the output projection W_O, at every position; the other heads and the residual stream are untouched.",
    )
    heads = tuple(names[name] for name in chosen if name in names)
    table = lib_call(model.ablation_losses, source, ids, heads, vocabulary)
    if table is None:
        return
    full, ablated = table["loss"].mean(), table["ablated loss"].mean()
    m1, m2, m3 = st.columns(3)
    m1.metric("Loss, full model", f"{full:.4f} nats/char", help="Mean −log p(c_t | c_<t) over the text.")
    m2.metric(
        "Loss, heads silenced",
        f"{ablated:.4f} nats/char",
        delta=f"{ablated - full:+.4f}",
        delta_color="inverse",
        help="The same mean with the chosen heads zeroed.",
    )
    worst = table.loc[table["difference"].idxmax()]
    m3.metric(
        "Largest increase",
        f"{worst['difference']:+.4f} nats",
        help=f"At position {worst['position']}: the character the silenced heads helped predict most.",
    )
    exported(
        loss_difference_chart,
        table,
        name="ablation_loss_difference",
        title=f"Loss change per character with {', '.join(chosen) if chosen else 'no head'} silenced",
    )
    st.caption(
        f"{len(heads)} of {len(names)} heads silenced. "
        + (
            "Nothing silenced: the copy is the model itself, every difference is exactly 0. "
            if not heads
            else f"The loss rose at {int((table['difference'] > 0).sum())} of {len(table)} characters. "
        )
        + "With random weights every head adds a little noise, so silencing one changes the loss by a hair either "
        "way; with the trained tiny GPT some heads carry the prediction."
    )
    code.snippet(ABLATION, heads=list(heads))
