"""The trained tiny GPT's weight matrices, read from the model cache without building the model."""

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import streamlit as st

from lib.transformer.checkpoint import read_weight_matrices
from runtime.model_cache import trained_checkpoint


@dataclass(frozen=True)
class Checkpoint:
    """Where the trained model's file is, and when it was written (a retrained file is read again)."""

    path: str
    modified: float


def saved_checkpoint() -> Checkpoint | None:
    """The default run's checkpoint if the Sampling temperature page has trained it on this machine."""
    path = trained_checkpoint()
    return None if path is None else Checkpoint(str(path), path.stat().st_mtime)


@st.cache_data(max_entries=2, show_spinner=False)
def weight_matrices(checkpoint: Checkpoint) -> dict[str, np.ndarray]:
    """name -> (d_out, d_in) weight, read once per file (tensors only: no TinyGPT in the server)."""
    return read_weight_matrices(Path(checkpoint.path))


NO_CHECKPOINT = (
    "No trained tiny GPT is saved on this machine yet (train it on the Sampling temperature page); "
    "the generated matrices are shown instead."
)
