"""Garden Lab's model cache on disk: where each training run's checkpoint lives on this machine.

Checkpoints are named by a hash of the run's settings and its corpus, so a restart or a second
user never retrains: the sampling-temperature page trains into :func:`checkpoint_path`, and the
transformer lab loads :func:`trained_checkpoint` when it exists. Reading and writing a checkpoint
file at a given path is lib's (:mod:`lib.transformer.checkpoint`); this module only decides paths.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from pathlib import Path

from lib.transformer.pretrained import DEFAULT_SETTINGS, STDLIB_CORPUS, TrainingSettings


def cache_dir() -> Path:
    """Garden Lab's model cache: ``$GARDEN_LAB_CACHE``, else ``$XDG_CACHE_HOME/garden-lab``,
    else ``~/.cache/garden-lab``."""
    if os.environ.get("GARDEN_LAB_CACHE"):
        return Path(os.environ["GARDEN_LAB_CACHE"])
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "garden-lab"


def checkpoint_path(settings: TrainingSettings = DEFAULT_SETTINGS, corpus: str = STDLIB_CORPUS) -> Path:
    """Where the model trained with ``settings`` on ``corpus`` is (or will be) saved."""
    described = json.dumps({"settings": dataclasses.asdict(settings), "corpus": corpus}, sort_keys=True)
    return cache_dir() / f"tinygpt-{hashlib.sha256(described.encode()).hexdigest()[:16]}.pt"


def trained_checkpoint(settings: TrainingSettings = DEFAULT_SETTINGS, corpus: str = STDLIB_CORPUS) -> Path | None:
    """The checkpoint of that run if it has been trained on this machine, else None."""
    path = checkpoint_path(settings, corpus)
    return path if path.is_file() else None
