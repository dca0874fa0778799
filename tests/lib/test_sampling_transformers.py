"""The sampling stages against Hugging Face's own processors (transformers, a dev dependency).

tests/lib/test_sampling_processors.py compares them with line-by-line re-implementations; this file
asks transformers itself, so a change in its definitions (or a slip in the re-implementation) shows.
The exported GenerationConfig JSON is also read back by transformers' ``GenerationConfig``.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from lib import sampling
from lib.transformer import decoding

logits_process = pytest.importorskip("transformers.generation.logits_process")
GenerationConfig = pytest.importorskip("transformers").GenerationConfig


def random_case(seed: int, batch: int = 3, vocab: int = 12, length: int = 20) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    logits = rng.normal(0, 3, size=(batch, vocab))  # (B, V)
    ids = rng.integers(0, rng.integers(2, vocab + 1), size=(batch, length))  # (B, T): few distinct ids, n-grams repeat
    return logits, ids


def hf(processor, ids: np.ndarray, logits: np.ndarray) -> np.ndarray:
    return processor(torch.tensor(ids), torch.tensor(logits)).numpy()


@pytest.mark.parametrize("seed", range(10))
def test_repetition_penalty_is_transformers(seed: int) -> None:
    logits, ids = random_case(seed)
    penalty = 0.5 + 2 * np.random.default_rng(seed).random()
    reference = hf(logits_process.RepetitionPenaltyLogitsProcessor(penalty), ids, logits)
    assert not np.allclose(reference, logits)  # the case does penalise something
    np.testing.assert_allclose(sampling.repetition_penalty(logits, ids, penalty), reference, rtol=1e-12)
    twin = decoding.repetition_penalty(torch.tensor(logits), torch.tensor(ids), penalty).numpy()
    np.testing.assert_allclose(twin, reference, rtol=1e-12)


@pytest.mark.parametrize("seed", range(10))
@pytest.mark.parametrize("n", [1, 2, 3])
def test_no_repeat_ngram_is_transformers(seed: int, n: int) -> None:
    logits, ids = random_case(seed, length=int(np.random.default_rng(seed).integers(1, 25)))
    reference = hf(logits_process.NoRepeatNGramLogitsProcessor(n), ids, logits)
    np.testing.assert_array_equal(sampling.no_repeat_ngram(logits, ids, n), reference)
    twin = decoding.no_repeat_ngram_mask(torch.tensor(ids), n, logits.shape[-1]).numpy()
    np.testing.assert_array_equal(twin, np.isinf(reference))


@pytest.mark.parametrize("seed", range(15))
def test_typical_filter_is_transformers(seed: int) -> None:
    logits, _ = random_case(seed, vocab=int(np.random.default_rng(seed).integers(2, 40)))
    mass = float(np.random.default_rng(seed + 1).uniform(0.05, 0.99))
    warped = hf(logits_process.TypicalLogitsWarper(mass), np.zeros((logits.shape[0], 1), dtype=int), logits)
    reference = torch.softmax(torch.tensor(warped), dim=-1).numpy()
    probs = sampling.softmax(logits)
    np.testing.assert_allclose(sampling.typical_filter(probs, mass), reference, atol=1e-12)
    np.testing.assert_array_equal(decoding.typical_kept(torch.tensor(probs), mass).numpy(), reference > 0)


@pytest.mark.parametrize(
    ("temperature", "stages"),
    [
        (0.0, []),
        (0.7, [("top_k", 20), ("top_p", 0.9)]),
        (1.3, [("repetition_penalty", 1.2), ("no_repeat_ngram", 3), ("min_p", 0.05), ("typical_p", 0.8)]),
    ],
)
def test_the_exported_json_is_a_generation_config(temperature: float, stages: list) -> None:
    exported = json.loads(json.dumps(sampling.generation_config(temperature, stages, 50)))
    config = GenerationConfig(**exported)
    config.validate(strict=True)  # raises on values or combinations transformers rejects
    for key, value in exported.items():
        assert getattr(config, key) == value, key
