"""Linear algebra lens: eigendecomposition, spectral radius and vanishing gradients, SVD, PCA, LoRA and VJPs."""

import streamlit as st

from lib.device import pick_device
from pages._common import lib_call, note, page_header, prose, selected_device
from pages.linalg import weights
from pages.linalg.gradients import gradients_section
from pages.linalg.lora import lora_section
from pages.linalg.pca import pca_section
from pages.linalg.powers import powers_section
from pages.linalg.rank import rank_section
from pages.linalg.rotation import rotation_section
from pages.linalg.vjp import vjp_section

page_header(
    "Linear algebra lens",
    "Three facts from the notes, each made something you can move: powers of a matrix come from its "
    "eigenvalues (and the spectral radius decides whether gradients through time vanish or explode); every "
    "matrix is a rotation, a stretch and a rotation, and cutting the stretch at rank k is the best "
    "approximation there is (PCA, LoRA); backprop multiplies vectors by Jacobians without ever building them.",
)
with note():
    prose(weights.__file__, "note.md")

device = lib_call(pick_device, selected_device())
if device is None:
    st.stop()
# The trained tiny GPT, if one is saved: section 4 reads its weights, section 5 cuts them to rank r.
checkpoint = weights.saved_checkpoint()

powers_section()
gradients_section()
rotation_section()
rank_section(checkpoint)
pca_section()
lora_section(checkpoint, str(device))
vjp_section()
