"""Section 4's last parts: one sample traced character by character, and the settings as a GenerationConfig."""

import json

import pandas as pd
import streamlit as st

from lib import sampling
from lib.transformer.generation import SampleSet
from lib.viz.sampling import trace_chart
from lib.viz.transformer import show_token
from pages._common import bound, cached, chart, csv_download, lib_call
from pages.sampling.model import ModelChoice

HF_ORDER_SHOWN = "repetition penalty → no-repeat n-gram → temperature → top-k → top-p → min-p → typical-p"


def trace_table(sample: SampleSet, vocabulary: str, stages: tuple, last: bool) -> pd.DataFrame:
    """The trace of ``sample``'s first text: one row per generated character (lib.sampling.trace_draws)."""
    tau = sample.temperature
    draws = sampling.trace_draws(sample.first_logits, sample.first_ids, tau, stages, temperature_last=last)
    return pd.DataFrame(
        {
            "position": range(1, len(draws) + 1),
            "character": [vocabulary[d.token] for d in draws],
            "label": [show_token(vocabulary[d.token]) for d in draws],
            "probability": [d.probability for d in draws],
            "rank": [d.rank for d in draws],
            "model probability": [d.model_probability for d in draws],
            "model rank": [d.model_rank for d in draws],
            "changed by": [d.changed_by.replace("_", "-") for d in draws],
        }
    )


def trace_part(choice: ModelChoice, sets: list[SampleSet], stages: tuple, last: bool) -> float | None:
    """The first sample at one temperature, character by character; the temperature traced."""
    st.subheader("One sample, character by character")
    temperatures = [s.temperature for s in sets]
    tau = bound(
        st.selectbox,
        "Sample to trace",
        key="sp_trace_tau",
        options=temperatures,
        index=temperatures.index(1.0) if 1.0 in temperatures else len(temperatures) - 1,
        format_func=lambda t: f"the first sample at τ = {t:g}",
        help="The first sample drawn at this temperature (the one shown first above), one row per character.",
    )
    sample = sets[temperatures.index(tau)]
    table = lib_call(cached(trace_table), sample, choice.tokenizer.vocabulary, stages, last)
    if table is None:
        return None
    st.code(sample.texts[0], language=None, wrap_lines=True)
    table_col, chart_col = st.columns([1, 1])
    with table_col:
        st.dataframe(table.drop(columns="label"), hide_index=True, height=300)
        csv_download(table.drop(columns="label"), "trace.csv", "Download the trace (CSV)", key="sp_dl_trace")
    with chart_col:
        chart(
            trace_chart,
            table,
            cache_key=(choice.source, sample.first_ids, tau, stages, last),
            title="The probability of each character drawn: as drawn, and under the model",
        )
    changed = table["changed by"]
    st.caption(
        f"probability, rank: under the distribution the character was drawn from (after every stage; rank 1 = most "
        f"likely, ties share a rank); model: under the model's own distribution (τ = 1, no stage). **changed by**: "
        f"when a character other than the model's top one was drawn, the first stage after which that top character "
        f"was no longer on top (removed or outranked); 'the draw' when every stage left it on top and chance picked "
        f"another; blank when the top character was drawn. Here: {int((changed == '').sum())} of {len(table)} "
        f"characters were the model's top pick, {int((changed == 'the draw').sum())} were chance, "
        f"{int(((changed != '') & (changed != 'the draw')).sum())} came after a stage displaced the top pick."
    )
    return tau


def export_part(tau: float, stages: list, last: bool, n_new: int, seed: int) -> None:
    """The traced sample's settings as Hugging Face GenerationConfig JSON, and what it cannot say."""
    st.subheader("Export: Hugging Face GenerationConfig")
    config = lib_call(sampling.generation_config, tau, stages, n_new)
    if config is None:
        return
    text = json.dumps(config, indent=2)
    st.code(text, language="json")
    st.download_button(
        "Download generation_config.json",
        text,
        file_name="generation_config.json",
        mime="application/json",
        icon=":material/download:",
        on_click="ignore",
        key="sp_dl_config",
        help="GenerationConfig.from_pretrained(folder) reads it; so does GenerationConfig(**json.load(file)).",
    )
    notes = [
        f"The settings of the traced sample (τ = {tau:g}, {n_new} characters); a stage not used has its 'off' value "
        "(top_k 0: GenerationConfig's default is 50). The seed is no GenerationConfig key: call "
        f"transformers.set_seed({seed}) before generate (another model's random numbers draw other text anyway)."
    ]
    if tau == 0:
        notes.append(
            "τ = 0 is greedy decoding (do_sample false): the sampling keys are left out, as transformers ignores "
            "them there and its validation rejects them."
        )
    if not sampling.in_hf_order(stages, last):
        notes.append(
            f"**Not your order:** Hugging Face runs its stages in a fixed order ({HF_ORDER_SHOWN}) and "
            "GenerationConfig has no key for an order"
            + (" or for temperature last" if last else "")
            + ", so this config samples from a different distribution than the one shown here."
        )
    st.caption(" ".join(notes))
