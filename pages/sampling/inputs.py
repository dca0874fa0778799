"""The inputs several sections share, drawn by the entry above the sections that use them.

The model's size and training text choose the model of every section; the prompt and τ feed
sections 2, 3 and 4; the truncation stages are shown in section 3 and may be applied in section 4.
"""

from dataclasses import dataclass

import streamlit as st

from lib.transformer.pretrained import corpus_id, read_training_text, split_text, stdlib_corpus_name
from pages._common import bound, lib_call
from pages.sampling.model import SIZES, TrainingText, stdlib_texts

MAX_UPLOAD_BYTES = 2_000_000
SOURCES = ("stdlib", "upload")
STAGE_NAMES = {"top-k": "top_k", "top-p": "top_p", "min-p": "min_p", "typical-p": "typical_p"}  # shown (URL) -> lib


def model_inputs() -> tuple[str, TrainingText]:
    """The model's size and its training text (the standard library, or a valid upload)."""
    size_col, source_col = st.columns(2)
    with size_col:
        size = bound(
            st.selectbox,
            "Model size",
            key="sp_size",
            options=list(SIZES),
            help=(
                "default: 0.8 M parameters, about 90 seconds on 2 idle CPU cores (d_model 128, 4 heads, 4 layers, "
                "context 128, 400 steps of 32 windows, AdamW 3e-3 with warm-up and cosine decay). tiny: seconds "
                "(d_model 32, 2 heads, 2 layers, 60 steps on the first 200,000 characters); it learns spacing, not "
                "Python."
            ),
        )
    with source_col:
        source = bound(
            st.radio,
            "Training text",
            key="sp_source",
            options=list(SOURCES),
            horizontal=True,
            help=(
                "stdlib: Python's standard library, its own source code, which ships with every Python; every tenth "
                "module is held out, so the validation loss is measured on code the model never saw. upload: a text "
                "file, split by position (the first 90% trains, the last 10% validates)."
            ),
        )
    max_chars = SIZES[size][1]
    text = TrainingText(stdlib_corpus_name(max_chars), stdlib_texts(max_chars), uploaded=source == "upload")
    if source == "upload":
        upload = st.file_uploader(
            "Training text (.txt, UTF-8, up to 2 MB)",
            type=["txt"],
            key="sp_upload",
            help="Any text of at least 5,000 characters; characters outside printable ASCII become '?'.",
        )
        raw = None if upload is None else lib_call(read_training_text, upload.getvalue(), MAX_UPLOAD_BYTES)
        split = None if raw is None else lib_call(split_text, raw)
        if split is not None:
            text = TrainingText(corpus_id(raw), lambda split=split: split, uploaded=True)
            st.caption(f"{len(raw):,} characters: {len(split[0]):,} to train on, {len(split[1]):,} to validate.")
        elif upload is None:
            st.info("Upload a text file to train on it; until then the panels below use the standard-library model.")
    return size, text


def prompt_inputs() -> tuple[str, float]:
    """The prompt the model continues and the temperature τ."""
    prompt_col, tau_col = st.columns([3, 2])
    with prompt_col:
        prompt = bound(
            st.text_area,
            "Prompt",
            key="sp_prompt",
            value="import os\n\n\ndef main():\n    ",
            max_chars=1_000,
            height=150,
            help=(
                "Text the model continues (printable ASCII, newlines and tabs); only the last 128 characters are seen."
            ),
        )
    with tau_col:
        tau = bound(
            st.slider,
            "Temperature τ",
            key="sp_tau",
            min_value=0.0,
            max_value=10.0,
            value=1.0,
            step=0.05,
            help=(
                "Divides the logits before softmax. 0 = argmax (greedy), 1 = the model's distribution, large = uniform."
            ),
        )
    return prompt, tau


@dataclass(frozen=True)
class Truncation:
    """The pipeline's settings: the logit processors, the filters in the order chosen (names as shown),
    their parameters, and whether the temperature comes first or last."""

    order: tuple[str, ...]
    top_k: int
    top_p: float
    min_p: float
    typical_p: float = 0.9
    repetition_penalty: float = 1.0
    no_repeat_ngram: int = 0
    temperature_last: bool = False

    def value(self, name: str) -> float:
        return getattr(self, STAGE_NAMES[name])

    def processors(self) -> list[tuple[str, float]]:
        """The logit processors that are on (penalty ≠ 1, n-gram size > 0), in Hugging Face's order."""
        chosen = (("repetition_penalty", self.repetition_penalty, 1.0), ("no_repeat_ngram", self.no_repeat_ngram, 0))
        return [(name, value) for name, value, off in chosen if value != off]

    def stages(self, order: tuple[str, ...] | None = None) -> list[tuple[str, float]]:
        """``[(lib name, value), ...]`` for :func:`lib.sampling.sampling_pipeline`: the processors, then the
        filters in ``order`` (default: chosen)."""
        filters = [(STAGE_NAMES[name], self.value(name)) for name in (self.order if order is None else order)]
        return self.processors() + filters


def truncation_inputs(vocabulary_size: int) -> Truncation:
    """The filters in their order, top-k (up to the whole vocabulary), top-p, min-p and typical-p; the
    repetition penalty, the no-repeat n-gram size, and temperature first or last."""
    stage_col, k_col, p_col, m_col, t_col = st.columns([2, 1, 1, 1, 1])
    with stage_col:
        order = bound(
            st.multiselect,
            "Filters, in the order they run",
            key="sp_stages",
            options=list(STAGE_NAMES),
            default=["top-k", "top-p", "min-p"],
            help=(
                "The order you pick them in is the order they run, after the temperature (or before it, with "
                "temperature last). Remove one to skip it; add it back to move it last."
            ),
        )
    with k_col:
        top_k = bound(
            st.slider,
            "top-k",
            key="sp_top_k",
            min_value=1,
            max_value=vocabulary_size,
            value=min(20, vocabulary_size),
            disabled="top-k" not in order,  # it runs only once picked above
            help="Keep the k most likely characters (ties with the k-th too), renormalise.",
        )
    with p_col:
        top_p = bound(
            st.slider,
            "top-p",
            key="sp_top_p",
            min_value=0.01,
            max_value=1.0,
            value=0.9,
            step=0.01,
            disabled="top-p" not in order,  # it runs only once picked above
            help="Nucleus: keep the smallest set of most likely characters whose mass reaches p (at least one).",
        )
    with m_col:
        min_p = bound(
            st.slider,
            "min-p",
            key="sp_min_p",
            min_value=0.0,
            max_value=1.0,
            value=0.05,
            step=0.01,
            disabled="min-p" not in order,  # it runs only once picked above
            help="Keep characters with probability ≥ min-p × the top probability.",
        )
    with t_col:
        typical_p = bound(
            st.slider,
            "typical-p",
            key="sp_typical_p",
            min_value=0.01,
            max_value=1.0,
            value=0.9,
            step=0.01,
            disabled="typical-p" not in order,  # it runs only once picked above
            help="Keep the characters whose surprise −log p is closest to the entropy, until their mass reaches this.",
        )
    penalty_col, ngram_col, last_col = st.columns([1, 1, 1])
    with penalty_col:
        penalty = bound(
            st.slider,
            "Repetition penalty θ",
            key="sp_penalty",
            min_value=1.0,
            max_value=3.0,
            value=1.0,
            step=0.05,
            help="Each character already in the context: a positive logit ÷ θ, a negative one × θ. 1 = off.",
        )
    with ngram_col:
        ngram = bound(
            st.slider,
            "No-repeat n-gram size",
            key="sp_ngram",
            min_value=0,
            max_value=8,
            value=0,
            help="Ban every character that would repeat an n-character sequence already in the context. 0 = off.",
        )
    with last_col:
        last = bound(
            st.toggle,
            "Temperature last",
            key="sp_temperature_last",
            value=False,
            help="Off: τ reshapes the distribution before the filters. On: the filters judge the model's own (τ = 1) "
            "distribution and τ reshapes what they keep (llama.cpp's default order).",
        )
    return Truncation(tuple(order), top_k, top_p, min_p, typical_p, penalty, ngram, last)
