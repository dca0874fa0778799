"""Argument checks the MLE modules share (not public)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np

Seed = int | np.random.Generator | None
Kind = Literal["binomial", "negative_binomial"]

MAX_COUNTS = 100_000  # values accepted from a text box or array


def _rng(seed: Seed) -> np.random.Generator:
    return seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)


def _whole(value: float, name: str, low: int, high: int | None = None) -> int:
    if isinstance(value, bool) or not np.isscalar(value) or not np.isfinite(value) or int(value) != value:
        raise ValueError(f"{name} must be a whole number, got {value!r}.")
    if value < low or (high is not None and value > high):
        where = f">= {low}" if high is None else f"between {low} and {high}"
        raise ValueError(f"{name} must be {where}, got {int(value)}.")
    return int(value)


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


def _probability(p: float, name: str = "p", *, open_interval: bool = True) -> float:
    if isinstance(p, bool) or not np.isscalar(p) or not np.isfinite(p):
        raise ValueError(f"{name} must be a number strictly between 0 and 1, got {p!r}.")
    if open_interval and not 0 < p < 1:
        raise ValueError(f"{name} must lie strictly between 0 and 1, got {p}.")
    return float(p)


def _level(level: float) -> float:
    if not np.isscalar(level) or not 0 < level < 1:
        raise ValueError(f"level must lie strictly between 0 and 1, got {level!r}.")
    return float(level)


def _positive(value: float, name: str) -> float:
    if isinstance(value, bool) or not np.isscalar(value) or not np.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a number > 0, got {value!r}.")
    return float(value)
