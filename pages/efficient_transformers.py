"""Efficient transformers: DeepSeek's mixture of experts, latent attention, multi-token prediction and FP8."""

import streamlit as st

from lib.device import pick_device
from pages._common import lib_call, note, page_header, prose, selected_device
from pages.efficient import worker_calls
from pages.efficient.fp8 import fp8_section
from pages.efficient.mla import mla_section
from pages.efficient.moe import moe_section
from pages.efficient.mtp import mtp_section

page_header(
    "Efficient transformers",
    "Four ideas that make DeepSeek-V3 cheap to train and serve, each working in the lab's tiny GPT: a "
    "**mixture of experts** (more parameters, the same compute per token), **multi-head latent attention** "
    "(a KV cache a fraction of the size), **multi-token prediction** (denser training, and a free draft for "
    "faster decoding) and **FP8** (8-bit numbers with fine-grained scales). Models are seeded random "
    "initialisations from the sidebar's seed unless a section trains one.",
)
with note():
    prose(worker_calls.__file__, "note.md")

device_name = lib_call(pick_device, selected_device())
if device_name is None:
    st.stop()

moe_section()
mla_section(str(device_name))
mtp_section()
fp8_section()
