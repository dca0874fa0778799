"""Sampling temperature: train a tiny GPT in the lab, then turn every knob of sampling."""

import streamlit as st

from lib.device import pick_device
from pages._common import lib_call, note, page_header, prose, selected_device
from pages.sampling import inputs
from pages.sampling.generation import generation_section
from pages.sampling.model import choose_model, logits_for
from pages.sampling.temperature import temperature_section
from pages.sampling.training import training_section
from pages.sampling.truncation import truncation_section

page_header(
    "Sampling temperature",
    "A language model ends in **logits**, one score per character; **softmax with temperature τ** turns them "
    "into the probabilities the next character is drawn from. Train a tiny character-level GPT here (on Python's "
    "own standard library, or your text), then watch what τ, top-k, top-p, min-p, typical-p and the repetition "
    "penalties do to its next-character distribution and to the text it writes.",
)
with note():
    prose(inputs.__file__, "note.md")

device_name = lib_call(pick_device, selected_device())
if device_name is None:
    st.stop()

# Every section works on one model: the saved one of this size and text, else the untrained one.
# It is chosen here, once per full run; the training section reruns the page when a run saves a new one.
st.header("1 · Train the model")
size, text = inputs.model_inputs()
choice = choose_model(size, text, str(device_name))
training_section(choice)

# Sections 2, 3 and 4 share the prompt and τ, and so the model's logits for the next character.
st.header("2 · Temperature: the next character")
prompt, tau = inputs.prompt_inputs()
context = lib_call(choice.context, prompt)
if context is None:
    st.stop()
logits = lib_call(logits_for, choice.source, context)
if logits is None:
    st.stop()
temperature_section(choice, prompt, context, logits, tau)

# Section 3 shows the pipeline's stages; section 4 may sample with them, in the same order.
st.header("3 · The sampling pipeline: penalties, temperature, truncation")
cuts = inputs.truncation_inputs(len(choice.tokenizer.vocabulary))
truncation_section(choice, prompt, context, logits, tau, cuts)

generation_section(choice, prompt, cuts)
