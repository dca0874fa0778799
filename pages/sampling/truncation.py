"""Section 3 · Truncation: temperature, then top-k, top-p and min-p in the order chosen, stage by stage."""

import itertools

import numpy as np
import pandas as pd
import streamlit as st

from lib import sampling
from lib.viz.sampling import pipeline_chart
from lib.viz.transformer import show_token
from pages._common import chart
from pages.sampling.inputs import Truncation
from pages.sampling.model import ModelChoice, model_snippet, most_likely_first

SHOWN = 20  # characters in the stage-by-stage chart


@st.fragment
def truncation_section(
    choice: ModelChoice, prompt: str, context: tuple[int, ...], logits: np.ndarray, tau: float, cuts: Truncation
) -> None:
    stages = cuts.stages()
    pipeline = sampling.sampling_pipeline(logits, tau, stages)
    described = [f"τ = {tau:g}"] + [f"{s.name.replace('_', '-')} {s.value:g}" for s in pipeline[1:]]
    stage_table = pd.DataFrame(
        {
            "after": described,
            "kept characters": [s.kept for s in pipeline],
            "mass removed": [s.mass_removed for s in pipeline],
            "entropy (nats)": [s.entropy for s in pipeline],
            "entropy (bits)": [s.entropy / np.log(2) for s in pipeline],
            "e^H": [float(np.exp(s.entropy)) for s in pipeline],
        }
    )
    table_col, chart_col = st.columns([1, 1])
    with table_col:
        st.dataframe(stage_table, hide_index=True)
        st.caption(order_caption(logits, tau, cuts, pipeline[-1].kept))
    with chart_col:
        vocabulary = choice.tokenizer.vocabulary
        shown = most_likely_first(logits, tau)[:SHOWN]
        long = pd.DataFrame(
            [
                {"label": show_token(vocabulary[i]), "rank": r + 1, "stage": described[j], "probability": s.probs[i]}
                for j, s in enumerate(pipeline)
                for r, i in enumerate(shown)
            ]
        )
        chart(
            pipeline_chart,
            long,
            cache_key=(choice.source, context, tau, tuple(stages)),
            title=f"The top {SHOWN} characters after each stage (renormalised)",
        )
    model_snippet(
        choice,
        "from lib.sampling import sampling_pipeline\nfrom lib.transformer.generation import next_token_logits",
        """
logits = next_token_logits(model, tokenizer.encode(prompt))  # the last max_seq_len characters
for stage in sampling_pipeline(logits, temperature=$tau, stages=$stages):
    print(stage.name, stage.value, "kept", stage.kept, "mass removed", stage.mass_removed, "entropy", stage.entropy)
""",
        prompt=prompt,
        tau=tau,
        stages=stages,
    )


def order_caption(logits: np.ndarray, tau: float, cuts: Truncation, kept_now: int) -> str:
    """Whether another order of the chosen stages keeps a different number of characters, and which."""
    by_order = {}
    for perm in itertools.permutations(cuts.order):
        final = sampling.sampling_pipeline(logits, tau, cuts.stages(perm))[-1]
        by_order[" → ".join(perm) or "temperature only"] = final.kept
    if len(set(by_order.values())) > 1:
        groups = {}
        for name, kept in by_order.items():
            groups.setdefault(kept, []).append(name)
        return (
            f"**Order matters here:** your order keeps {kept_now} characters. "
            + " ".join(f"{kept} kept by {', '.join(names)}." for kept, names in sorted(groups.items()))
            + " Each stage renormalises, so a later stage judges a different distribution."
        )
    return (
        f"Every order of these stages keeps the same {kept_now} characters at these settings. Order matters when "
        "top-k renormalises before top-p: with p = (0.4, 0.3, 0.2, 0.1), top-k 2 then top-p 0.5 keeps one "
        "character (0.4 / 0.7 ≥ 0.5), top-p 0.5 then top-k 2 keeps two. Try a small top-k with top-p ≈ 0.5."
    )
