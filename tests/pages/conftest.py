"""Fixtures the page tests share."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from lib.transformer.corpus import stdlib_corpus
from lib.transformer.pretrained import TrainingSettings, train_model
from runtime.model_cache import checkpoint_path, trained_checkpoint

# Two steps of a one-layer model: a checkpoint in seconds, where the pages look for the default run's.
TINY = TrainingSettings(
    d_model=32, n_heads=2, n_layers=1, max_seq_len=32, batch_size=4, steps=2, warmup_steps=1, eval_every=1,
    eval_batches=1,
)  # fmt: skip


@pytest.fixture(scope="module")
def trained_cache(tmp_path_factory) -> Iterator[Path]:
    """A model cache (``GARDEN_LAB_CACHE``, for this module) holding a tiny model saved where the pages look
    for the default run's checkpoint."""
    cache = tmp_path_factory.mktemp("garden-lab-cache")
    before = os.environ.get("GARDEN_LAB_CACHE")
    os.environ["GARDEN_LAB_CACHE"] = str(cache)
    try:
        corpus = stdlib_corpus(max_chars=20_000)
        train_model(corpus.train, corpus.validation, TINY, device="cpu", save_to=checkpoint_path())
        assert trained_checkpoint() is not None
        yield cache
    finally:
        if before is None:
            del os.environ["GARDEN_LAB_CACHE"]
        else:
            os.environ["GARDEN_LAB_CACHE"] = before
