"""Argument checks the queueing modules share (not public)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

_TOL = 1e-9
MAX_PHASES = 60
MAX_CUSTOMERS = 5_000_000
MAX_SAMPLES = 10_000_000
MAX_SERVERS = 1_000
MIN_FIT_SCV = 1 / MAX_PHASES

Seed = int | np.random.Generator | None


def _rng(seed: Seed) -> np.random.Generator:
    return seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)


def _rates(name: str, values: Sequence[float] | np.ndarray) -> np.ndarray:
    arr = np.atleast_1d(np.asarray(values, dtype=float))
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"{name} must be a non-empty list of rates.")
    if arr.size > MAX_PHASES:
        raise ValueError(f"{name} may hold at most {MAX_PHASES} phases, got {arr.size}.")
    if not np.all(np.isfinite(arr)) or np.any(arr <= 0):
        raise ValueError(f"Every entry of {name} must be a positive, finite rate, got {arr.tolist()}.")
    return arr


def _probabilities(name: str, values: Sequence[float] | np.ndarray) -> np.ndarray:
    arr = np.atleast_1d(np.asarray(values, dtype=float))
    if arr.ndim != 1:
        raise ValueError(f"{name} must be a flat list of probabilities.")
    if not np.all(np.isfinite(arr)) or np.any(arr < 0) or np.any(arr > 1):
        raise ValueError(f"Every entry of {name} must be a probability in [0, 1], got {arr.tolist()}.")
    return arr
