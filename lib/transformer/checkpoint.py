"""Saving a trained TinyGPT with its tokenizer, so a restart or a second user does not retrain."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

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
