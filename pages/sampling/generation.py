"""Section 4 · Generation: seeded samples at several temperatures through section 3's pipeline, in its order,
their quality and diversity; one sample traced character by character and its settings exported."""

import pandas as pd
import streamlit as st

from lib.transformer.generation import SampleSet
from lib.viz.sampling import quality_diversity_chart
from pages._common import bound, chart, csv_download, global_seed, lib_call, torch_worker
from pages.sampling.inputs import Truncation
from pages.sampling.model import ModelChoice, model_snippet
from pages.sampling.trace import export_part, trace_part
from runtime.worker import ModelSource, samples_at

TEMPERATURES = [0.0, 0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 3.0, 5.0]


@st.cache_data(max_entries=32, show_spinner=False)
def samples_for(
    source: ModelSource,
    prompt: str,
    temperatures: tuple[float, ...],
    n: int,
    n_new: int,
    seed: int,
    stages: tuple[tuple[str, float], ...],
    temperature_last: bool = False,
) -> list[SampleSet]:
    return torch_worker().call(
        samples_at,
        source,
        prompt,
        temperatures,
        n_samples=n,
        n_new=n_new,
        seed=seed,
        stages=list(stages),
        temperature_last=temperature_last,
    )


@st.fragment
def generation_section(choice: ModelChoice, prompt: str, cuts: Truncation) -> None:
    st.header("4 · Generation: samples, quality and diversity")
    temps_col, n_col, len_col = st.columns([2, 1, 1])
    with temps_col:
        temperatures = bound(
            st.multiselect,
            "Temperatures to compare",
            key="sp_temps",
            options=TEMPERATURES,
            default=[0.0, 0.5, 1.0, 1.5],
            help="Values of τ. Each samples from the same seed (the sidebar's), so differences come from τ alone.",
        )
    with n_col:
        n_samples = bound(
            st.slider,
            "Samples per temperature",
            key="sp_n_samples",
            min_value=1,
            max_value=16,
            value=4,
            help="Seeded samples drawn per temperature; distinct-n and the mean log-probability average over them.",
        )
    with len_col:
        n_new = bound(
            st.slider,
            "Characters per sample",
            key="sp_n_new",
            min_value=8,
            max_value=100,
            value=60,
            help="New characters per sample (the prompt's tail fills the rest of the 128-character context).",
        )
    truncate = bound(
        st.toggle,
        "Also use the stages of section 3",
        key="sp_gen_truncate",
        value=False,
        help=(
            "Off: temperature only. On: the repetition penalty, n-gram ban and filters chosen above run too, in the "
            "order section 3 shows (filters in the order picked, the temperature first or last as set there)."
        ),
    )
    stages = tuple(cuts.stages()) if truncate else ()
    last = truncate and cuts.temperature_last
    seed = global_seed()
    temperatures = sorted(temperatures)
    sets = None
    if not temperatures:
        st.info("Choose at least one temperature to sample at.")
    else:
        sets = show_samples(choice, prompt, temperatures, n_samples, n_new, seed, stages, last)
    traced = trace_part(choice, sets, stages, last) if sets else None
    tau = 1.0 if traced is None else traced
    model_snippet(
        choice,
        "from lib.sampling import trace_draws\nfrom lib.transformer.generation import sample_texts",
        """
for tau in $temperatures:
    s = sample_texts(
        model, tokenizer, prompt, temperature=tau, n_samples=$n_samples, n_new=$n_new, seed=$seed,
        stages=$stages, temperature_last=$last,
    )
    print(f"τ = {tau}: mean log-prob {s.mean_log_prob:.3f}, distinct-2 {s.distinct_2:.3f}", repr(s.texts[0]))
    if tau == $tau:  # the traced sample: each character's probability, rank and the stage that changed the draw
        for d in trace_draws(s.first_logits, s.first_ids, tau, $stages, temperature_last=$last):
            print(repr(tokenizer.vocabulary[d.token]), round(d.probability, 4), d.rank, d.model_rank, d.changed_by)
""",
        prompt=prompt,
        temperatures=temperatures,
        n_samples=n_samples,
        n_new=n_new,
        seed=seed,
        stages=list(stages),
        last=last,
        tau=tau,
    )
    if traced is not None:
        export_part(traced, list(stages), last, n_new, seed)


def show_samples(
    choice: ModelChoice,
    prompt: str,
    temperatures: list[float],
    n_samples: int,
    n_new: int,
    seed: int,
    stages: tuple[tuple[str, float], ...],
    last: bool,
) -> list[SampleSet] | None:
    """Two samples per temperature, the quality and diversity table (and its CSV) and chart; the sets drawn."""
    with st.spinner(f"Sampling {n_samples} × {n_new} characters at {len(temperatures)} temperatures…"):
        sets = lib_call(samples_for, choice.source, prompt, tuple(temperatures), n_samples, n_new, seed, stages, last)
    if sets is None:
        return None
    columns = st.columns(len(sets))
    for col, result in zip(columns, sets, strict=True):
        with col:
            st.markdown(f"**τ = {result.temperature:g}**")
            for text in result.texts[:2]:
                st.code(text, language=None, wrap_lines=True)
    summary = pd.DataFrame(
        {
            "temperature": [s.temperature for s in sets],
            "mean log-prob": [s.mean_log_prob for s in sets],
            "distinct-1": [s.distinct_1 for s in sets],
            "distinct-2": [s.distinct_2 for s in sets],
            "repetition rate": [s.repetition_rate for s in sets],
        }
    )
    summary_col, plot_col = st.columns([1, 1])
    with summary_col:
        st.dataframe(summary, hide_index=True)
        st.caption(
            "mean log-prob: average log p(character) of the samples under the model at τ = 1 (higher = the model "
            "finds them more typical); distinct-n: distinct character n-grams / all n-grams over the samples; "
            "repetition rate: share of each sample's 4-grams already seen earlier in it."
        )
        samples_table = pd.DataFrame(
            [
                {"temperature": s.temperature, "sample": j + 1, "seed": seed, "prompt": prompt, "text": text}
                for s in sets
                for j, text in enumerate(s.texts)
            ]
        ).merge(summary, on="temperature")
        csv_download(samples_table, "samples.csv", "Download the samples (CSV)", key="sp_dl_samples")
    with plot_col:
        chart(
            quality_diversity_chart,
            summary,
            cache_key=(choice.source, prompt, tuple(temperatures), n_samples, n_new, seed, stages, last),
            title="Quality vs diversity: higher τ writes more varied, less likely text",
        )
    return sets
