"""Checks of user-facing arguments, one sentence per failure, written once for every lib module.

Every check takes ``(name, value, …)`` in that order, returns the value converted (``float`` or
``int``) and raises ``ValueError`` with a sentence that names the parameter, the allowed range and
what it got, which pages show as it is:

>>> probability("p0", 0.5)
0.5
>>> whole("n", 12.0, low=1)
12
>>> positive("rate", -1)
Traceback (most recent call last):
    ...
ValueError: rate must be a positive, finite number, got -1.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np


def _real(value: object) -> float:
    """``value`` as a float, NaN when it is not a real scalar (bools and arrays of any size but 0-d are not)."""
    if isinstance(value, bool) or np.ndim(value) != 0:
        return math.nan
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return math.nan


def finite(name: str, value: object) -> float:
    """A finite real number."""
    number = _real(value)
    if not math.isfinite(number):
        raise ValueError(f"{name} must be a finite number, got {value!r}.")
    return number


def positive(name: str, value: object) -> float:
    """A finite number > 0."""
    number = _real(value)
    if not math.isfinite(number) or number <= 0:
        raise ValueError(f"{name} must be a positive, finite number, got {value!r}.")
    return number


def non_negative(name: str, value: object) -> float:
    """A finite number ≥ 0."""
    number = _real(value)
    if not math.isfinite(number) or number < 0:
        raise ValueError(f"{name} must be a finite number ≥ 0, got {value!r}.")
    return number


def probability(name: str, value: object, *, closed: bool = False) -> float:
    """A probability: strictly between 0 and 1, or in [0, 1] when ``closed``."""
    number = _real(value)
    inside = (0.0 <= number <= 1.0) if closed else (0.0 < number < 1.0)
    if not inside:
        where = "between 0 and 1" if closed else "strictly between 0 and 1"
        raise ValueError(f"{name} must lie {where}, got {value!r}.")
    return number


def whole(name: str, value: object, low: int, high: int | None = None) -> int:
    """A whole number in [low, high] (no upper bound when ``high`` is None); 3.0 counts as 3."""
    number = _real(value)
    span = f"between {low:,} and {high:,}" if high is not None else f"≥ {low:,}"
    if not math.isfinite(number) or number != int(number) or number < low or (high is not None and number > high):
        raise ValueError(f"{name} must be a whole number {span}, got {value!r}.")
    return int(number)


def one_of(name: str, value: object, options: Sequence[str]) -> str:
    """One of the named ``options``."""
    if value not in options:
        raise ValueError(f"{name} must be one of {', '.join(map(str, options))}, got {value!r}.")
    return str(value)
