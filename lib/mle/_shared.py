"""Argument checks the MLE modules share (not public)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
from scipy import special

Seed = int | np.random.Generator | None
Kind = Literal["binomial", "negative_binomial"]

MAX_COUNTS = 100_000  # values accepted from a text box or array


def _rng(seed: Seed) -> np.random.Generator:
    return seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)


def _counts(values: Sequence[float] | np.ndarray, name: str) -> np.ndarray:
    array = np.asarray(values, dtype=float).ravel() if np.size(values) else np.empty(0)
    if array.size == 0:
        raise ValueError(f"{name} must hold at least one observation.")
    if array.size > MAX_COUNTS:
        raise ValueError(f"{name} may hold at most {MAX_COUNTS:,} observations, got {array.size:,}.")
    if not np.all(np.isfinite(array)) or np.any(array != np.round(array)):
        raise ValueError(f"{name} must hold whole numbers only.")
    if np.any(array < 0):
        raise ValueError(f"{name} must be non-negative counts, got a minimum of {int(array.min())}.")
    return array.astype(np.int64)


def _log_choose_trials(n: np.ndarray, k: int) -> np.ndarray:
    """``log C(n − 1, k − 1)``: the ways the first k − 1 successes fall in the first n − 1 trials."""
    return special.gammaln(n) - special.gammaln(k) - special.gammaln(n - k + 1)
