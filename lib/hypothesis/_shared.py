"""Argument checks the hypothesis modules share (not public)."""

from __future__ import annotations

from typing import Literal

import numpy as np

Alternative = Literal["two-sided", "greater", "less"]
ALTERNATIVES: tuple[str, ...] = ("two-sided", "greater", "less")
TWO_SIDED_RULES: tuple[str, ...] = ("minlike", "central")
BOOTSTRAP_METHODS: tuple[str, ...] = ("percentile", "basic", "bca")
MAX_TRIALS = 10_000_000
MAX_RESAMPLES = 1_000_000


def _check_alternative(alternative: str) -> str:
    if alternative not in ALTERNATIVES:
        raise ValueError(f"alternative must be one of {', '.join(ALTERNATIVES)}, got {alternative!r}.")
    return alternative


def _check_whole(value: object, name: str, low: int, high: int = MAX_TRIALS) -> int:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a whole number between {low} and {high:,}, got {value!r}.") from None
    if not np.isfinite(number) or number != int(number) or not low <= number <= high:
        raise ValueError(f"{name} must be a whole number between {low} and {high:,}, got {value!r}.")
    return int(number)


def _check_counts(successes: object, n: object) -> tuple[int, int]:
    n = _check_whole(n, "n (the number of trials)", 1)
    k = _check_whole(successes, "successes", 0, MAX_TRIALS)
    if k > n:
        raise ValueError(f"successes must lie between 0 and n = {n}, got {k}.")
    return k, n


def _check_probability(p: object, name: str, *, closed: bool = False) -> float:
    try:
        value = float(p)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        value = float("nan")
    ok = (0.0 <= value <= 1.0) if closed else (0.0 < value < 1.0)
    if not ok:
        where = "between 0 and 1" if closed else "strictly between 0 and 1"
        raise ValueError(f"{name} must lie {where}, got {p!r}.")
    return value


def _check_alpha(alpha: object) -> float:
    return _check_probability(alpha, "alpha (the significance level)")
