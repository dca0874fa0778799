"""Argument checks the hypothesis modules share (not public)."""

from __future__ import annotations

from typing import Literal

from lib.validation import probability, whole

Alternative = Literal["two-sided", "greater", "less"]
ALTERNATIVES: tuple[str, ...] = ("two-sided", "greater", "less")
TWO_SIDED_RULES: tuple[str, ...] = ("minlike", "central")
BOOTSTRAP_METHODS: tuple[str, ...] = ("percentile", "basic", "bca")
MAX_TRIALS = 10_000_000
MAX_RESAMPLES = 1_000_000


def _check_counts(successes: object, n: object) -> tuple[int, int]:
    n = whole("n (the number of trials)", n, 1, MAX_TRIALS)
    k = whole("successes", successes, 0, MAX_TRIALS)
    if k > n:
        raise ValueError(f"successes must lie between 0 and n = {n}, got {k}.")
    return k, n


def _check_alpha(alpha: object) -> float:
    return probability("alpha (the significance level)", alpha)
