"""Section 3 · The sampling pipeline: the logit processors, temperature and the filters in the order chosen."""

import itertools

import numpy as np
import pandas as pd
import streamlit as st

from lib import sampling
from lib.viz.sampling import pipeline_chart
from lib.viz.transformer import show_token
from pages._common import chart, prose
from pages.sampling.inputs import Truncation
from pages.sampling.model import ModelChoice, model_snippet, most_likely_first

SHOWN = 20  # characters in the stage-by-stage chart


@st.fragment
def truncation_section(
    choice: ModelChoice, prompt: str, context: tuple[int, ...], logits: np.ndarray, tau: float, cuts: Truncation
) -> None:
    stages = cuts.stages()
    pipeline = final_pipeline(logits, tau, cuts, context)
    described = [describe(s) for s in pipeline]
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
        st.caption(order_caption(logits, tau, cuts, context, pipeline[-1].kept))
        st.caption(
            "The repetition penalty and the n-gram ban run first, whatever the order of the filters: they act on "
            "logits, before any probability exists, as in Hugging Face. The penalty divides a positive logit and "
            "multiplies a negative one, and softmax forgets the logits' sign, so it cannot act on probabilities; "
            "it scales logits as τ does, so the two commute. Their rows show the distribution at τ = 1."
        )
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
            cache_key=(choice.source, context, tau, tuple(stages), cuts.temperature_last),
            title=f"The top {SHOWN} characters after each stage (renormalised)",
        )
    with st.expander("The stages, defined"):
        prose(__file__, "stages.md")
    model_snippet(
        choice,
        "from lib.sampling import sampling_pipeline\nfrom lib.transformer.generation import next_token_logits",
        """
ids = tokenizer.encode(prompt)[-model.config.max_seq_len :]  # what the model sees
logits = next_token_logits(model, ids)
for stage in sampling_pipeline(logits, $tau, $stages, previous_ids=ids, temperature_last=$last):
    print(stage.name, stage.value, "kept", stage.kept, "mass removed", stage.mass_removed, "entropy", stage.entropy)
""",
        prompt=prompt,
        tau=tau,
        stages=stages,
        last=cuts.temperature_last,
    )


def final_pipeline(
    logits: np.ndarray, tau: float, cuts: Truncation, context: tuple[int, ...], order: tuple[str, ...] | None = None
) -> list[sampling.Stage]:
    """The pipeline of these settings for the next character after ``context`` (filters in ``order``)."""
    return sampling.sampling_pipeline(
        logits, tau, cuts.stages(order), previous_ids=context, temperature_last=cuts.temperature_last
    )


def describe(stage: sampling.Stage) -> str:
    """A stage as the table's "after" column names it."""
    if stage.name == "temperature":
        return f"τ = {stage.value:g}"
    if stage.name == "softmax":
        return "softmax at τ = 1"
    if stage.name == "no_repeat_ngram":
        return f"no-repeat {stage.value:g}-gram"
    return f"{stage.name.replace('_', '-').replace('repetition-', 'repetition ')} {stage.value:g}"


def order_caption(logits: np.ndarray, tau: float, cuts: Truncation, context: tuple[int, ...], kept_now: int) -> str:
    """Whether another order of the chosen filters keeps a different number of characters, and which."""
    by_order = {}
    for perm in itertools.permutations(cuts.order):
        final = final_pipeline(logits, tau, cuts, context, perm)[-1]
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
