"""Saving a trained TinyGPT with its tokenizer, so a restart or a second user does not retrain.

A checkpoint is one ``torch.save`` file: ``config`` (the :class:`ModelConfig` as a dict),
``vocabulary`` (the tokenizer's characters), ``state_dict`` (CPU tensors) and ``metrics``.
:func:`read_checkpoint_info` reads what it says about the model without building the model.
"""

from __future__ import annotations

import dataclasses
import os
import pickle
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from lib.device import pick_device
from lib.transformer.model import ModelConfig, TinyGPT
from lib.transformer.tokenizer import CharTokenizer


def save_checkpoint(path: Path, model: TinyGPT, tokenizer: CharTokenizer, metrics: dict[str, float]) -> None:
    """Write atomically (temporary file, then rename) so a concurrent reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "config": dataclasses.asdict(model.config),
        "vocabulary": tokenizer.vocabulary,
        "state_dict": {k: v.detach().cpu() for k, v in model.state_dict().items()},
        "metrics": dict(metrics),
    }
    tmp = path.with_suffix(f".tmp{os.getpid()}")
    torch.save(payload, tmp)
    tmp.replace(path)


def load_checkpoint(path: Path, device: str = "auto") -> tuple[TinyGPT, CharTokenizer, dict[str, float]]:
    """Load a checkpoint written by :func:`save_checkpoint` onto ``device``."""
    payload = torch.load(path, map_location="cpu", weights_only=True)
    model = TinyGPT(ModelConfig(**payload["config"]))
    model.load_state_dict(payload["state_dict"])
    return model.to(pick_device(device)).eval(), CharTokenizer(payload["vocabulary"]), payload["metrics"]


#: The output layer is tied to the token embedding (one tensor), but a state dict lists it under both names.
_TIED_KEYS = frozenset({"lm_head.weight"})


@dataclass(frozen=True)
class CheckpointInfo:
    """What a checkpoint says about its model: ``config``, ``tokenizer``, ``metrics`` (as saved) and
    ``n_parameters`` (= ``TinyGPT(config).n_parameters()``)."""

    config: ModelConfig
    tokenizer: CharTokenizer
    metrics: dict[str, float]
    n_parameters: int


def read_checkpoint_info(path: Path) -> CheckpointInfo:
    """The config, tokenizer, metrics and parameter count of the checkpoint at ``path``, without
    building the model (no ``TinyGPT``, no ``load_state_dict``).

    The weights are memory-mapped, not read: counting a tensor's elements needs only its shape.
    Tied weights count once, as in ``TinyGPT.n_parameters()``. A file that is not a checkpoint, or
    whose vocabulary does not fit its config, raises ``ValueError``.
    """
    path = Path(path)
    try:
        payload = torch.load(path, map_location="cpu", weights_only=True, mmap=True)
    except (RuntimeError, EOFError, pickle.UnpicklingError) as err:
        raise ValueError(f"{path.name} is not a Garden Lab checkpoint: torch.load cannot read it.") from err
    fields = ("config", "vocabulary", "state_dict", "metrics")
    if not isinstance(payload, dict) or not all(field in payload for field in fields):
        raise ValueError(f"{path.name} is not a Garden Lab checkpoint: it needs {', '.join(fields)}.")
    config = ModelConfig(**payload["config"])
    tokenizer = CharTokenizer(payload["vocabulary"])
    if tokenizer.vocab_size != config.vocab_size:
        raise ValueError(
            f"{path.name}: the vocabulary has {tokenizer.vocab_size} characters, the config {config.vocab_size}."
        )
    stored = sum(tensor.numel() for key, tensor in payload["state_dict"].items() if key not in _TIED_KEYS)
    return CheckpointInfo(config=config, tokenizer=tokenizer, metrics=dict(payload["metrics"]), n_parameters=stored)


def read_weight_matrices(path: Path) -> dict[str, np.ndarray]:
    """The 2-D weights of the checkpoint at ``path`` by state-dict name, as float64 arrays (d_out, d_in),
    without building the model; the tied output layer is listed once (as the token embedding)."""
    path = Path(path)
    try:
        payload = torch.load(path, map_location="cpu", weights_only=True, mmap=True)
        state = payload["state_dict"]
    except (RuntimeError, EOFError, pickle.UnpicklingError, KeyError, TypeError) as err:
        raise ValueError(f"{path.name} is not a Garden Lab checkpoint: its weights cannot be read.") from err
    return {
        name: tensor.detach().to(torch.float64).numpy()
        for name, tensor in state.items()
        if tensor.ndim == 2 and name not in _TIED_KEYS
    }
