"""A training run as the server runs it: in a process of its own, saved to the model cache when whole.

The training itself is lib's (:func:`lib.transformer.pretrained.train_model`, over
:func:`lib.transformer.train.train`); a page runs :func:`train_and_save` through
:func:`runtime.worker.run_in_process` inside a :class:`runtime.jobs.JobRunner` job, into
:func:`runtime.model_cache.checkpoint_path`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from lib.transformer.checkpoint import save_checkpoint
from lib.transformer.pretrained import TrainingProgress, TrainingSettings, train_model


def train_and_save(
    train_text: str,
    validation_text: str,
    settings: TrainingSettings,
    path: Path,
    *,
    device: str = "auto",
    callback: Callable[[TrainingProgress], bool | None] | None = None,
) -> dict[str, float]:
    """:func:`~lib.transformer.pretrained.train_model`, saving the model at ``path`` only if the run
    was not stopped early.

    Returns the run's metrics (``TrainingResult.metrics``), not the model: this is what a training
    process sends back (:func:`runtime.worker.run_in_process`), and the model is in the file. The
    checkpoint's name promises the whole run of ``settings``, so a stopped run (fewer ``steps``
    than asked for) is never saved under it.
    """
    result = train_model(train_text, validation_text, settings, device=device, callback=callback)
    if not result.stopped_early:
        save_checkpoint(path, result.model, result.tokenizer, result.metrics)
    return result.metrics
