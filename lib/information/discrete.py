"""Entropy, cross-entropy and KL divergence of discrete distributions (probability vectors).

For probability vectors p and q over the same n outcomes, in nats (``base=e``) or any other base:

* entropy        H(p)    = −Σᵢ pᵢ log pᵢ                (0 log 0 = 0)
* cross-entropy  H(p, q) = −Σᵢ pᵢ log qᵢ                (∞ where pᵢ > 0 = qᵢ)
* KL divergence  KL(p‖q) =  Σᵢ pᵢ log(pᵢ / qᵢ) = H(p, q) − H(p) ≥ 0, zero only at p = q.

>>> p, q = [0.5, 0.5], [0.9, 0.1]
>>> round(entropy(p, base=2), 6), round(cross_entropy(p, q, base=2), 6), round(kl_divergence(p, q, base=2), 6)
(1.0, 1.736966, 0.736966)
>>> kl_divergence([0.5, 0.5], [1.0, 0.0])
inf
"""

from __future__ import annotations

import math
import re

import numpy as np
from numpy.typing import ArrayLike
from scipy.special import entr, rel_entr

from lib.validation import positive

SUM_TOLERANCE = 1e-8  # |Σ p − 1| allowed in a probability vector
MAX_OUTCOMES = 50  # typed distributions
_SPLIT = re.compile(r"[,;\s]+")


def probability_vector(name: str, p: ArrayLike) -> np.ndarray:
    """``p`` as a float array, or a ``ValueError``: it must be 1-D, non-empty, ≥ 0 and sum to 1 within 1e-8.

    >>> probability_vector("p", [0.25, 0.75])
    array([0.25, 0.75])
    >>> probability_vector("p", [0.5, 0.6])
    Traceback (most recent call last):
        ...
    ValueError: p must sum to 1 (within 1e-08), got a sum of 1.1.
    """
    try:
        arr = np.asarray(p, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a vector of numbers.") from None
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"{name} must be a non-empty vector of probabilities.")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must hold finite numbers only.")
    if np.any(arr < 0):
        first = int(np.argmax(arr < 0))
        raise ValueError(f"{name} must have no negative entries, got {arr[first]:g} at position {first + 1}.")
    total = float(arr.sum())
    if abs(total - 1.0) > SUM_TOLERANCE:
        raise ValueError(f"{name} must sum to 1 (within {SUM_TOLERANCE:g}), got a sum of {total:.10g}.")
    return arr


def _pair(p: ArrayLike, q: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    p, q = probability_vector("p", p), probability_vector("q", q)
    if p.size != q.size:
        raise ValueError(f"p and q must have the same number of outcomes, got {p.size} and {q.size}.")
    return p, q


def _log_base(base: float) -> float:
    base = positive("base", base)
    if base == 1.0:
        raise ValueError("base must be a positive number other than 1, got 1.")
    return math.log(base)


def entropy(p: ArrayLike, base: float = math.e) -> float:
    """H(p) = −Σ pᵢ log pᵢ, the average surprise of an outcome drawn from p (as ``scipy.stats.entropy(p)``).

    >>> round(entropy([0.25] * 4, base=2), 12)
    2.0
    """
    return float(entr(probability_vector("p", p)).sum() / _log_base(base))


def cross_entropy(p: ArrayLike, q: ArrayLike, base: float = math.e) -> float:
    """H(p, q) = −Σ pᵢ log qᵢ: the average surprise under q of outcomes drawn from p; ∞ where pᵢ > 0 = qᵢ.

    Minimising it over a model q for the empirical p is maximum likelihood (the notes' identity).

    >>> round(cross_entropy([1.0, 0.0], [0.5, 0.5], base=2), 12)
    1.0
    """
    p, q = _pair(p, q)
    support = p > 0
    if np.any(q[support] == 0):
        return math.inf
    return float(-(p[support] * np.log(q[support])).sum() / _log_base(base))


def kl_terms(p: ArrayLike, q: ArrayLike, base: float = math.e) -> np.ndarray:
    """The terms pᵢ log(pᵢ / qᵢ) of KL(p‖q), one per outcome (∞ where pᵢ > 0 = qᵢ; may be negative).

    >>> kl_terms([0.5, 0.5], [0.25, 0.75], base=2).round(6)
    array([ 0.5     , -0.292481])
    """
    p, q = _pair(p, q)
    return rel_entr(p, q) / _log_base(base)


def kl_divergence(p: ArrayLike, q: ArrayLike, base: float = math.e) -> float:
    """KL(p‖q) = Σ pᵢ log(pᵢ / qᵢ) = H(p, q) − H(p) ≥ 0 (as ``scipy.stats.entropy(p, q)``); ∞ where pᵢ > 0 = qᵢ.

    Not symmetric: KL(p‖q) ≠ KL(q‖p) in general.

    >>> round(kl_divergence([0.5, 0.5], [0.25, 0.75]), 6), round(kl_divergence([0.25, 0.75], [0.5, 0.5]), 6)
    (0.143841, 0.130812)
    """
    return float(kl_terms(p, q, base).sum())


def divergence_terms(p: ArrayLike, q: ArrayLike, base: float = math.e) -> dict[str, np.ndarray]:
    """Each outcome's term of H(p), H(p, q), KL(p‖q) and KL(q‖p): their columns sum to the four numbers.

    >>> {k: v.round(3).tolist() for k, v in divergence_terms([0.5, 0.5], [1.0, 0.0], base=2).items()}
    {'−p log p': [0.5, 0.5], '−p log q': [0.0, inf], 'p log(p/q)': [-0.5, inf], 'q log(q/p)': [1.0, 0.0]}
    """
    p, q = _pair(p, q)
    log = _log_base(base)
    with np.errstate(divide="ignore"):
        surprise = np.where(p > 0, p * np.log(1 / q), 0.0) / log  # ∞ where qᵢ = 0 < pᵢ
    return {
        "−p log p": entr(p) / log,
        "−p log q": surprise,
        "p log(p/q)": rel_entr(p, q) / log,
        "q log(q/p)": rel_entr(q, p) / log,
    }


def parse_distribution(text: str, name: str = "p", *, normalise: bool = False) -> np.ndarray:
    """A distribution typed as numbers separated by commas or spaces, e.g. ``"0.2, 0.3 0.5"``.

    With ``normalise`` the numbers are non-negative weights divided by their sum; otherwise they
    must already be probabilities that sum to 1 (within 1e-8).

    >>> parse_distribution("1 1 2", normalise=True)
    array([0.25, 0.25, 0.5 ])
    """
    parts = [part for part in _SPLIT.split(str(text).strip()) if part]
    if not parts:
        raise ValueError(f"Enter at least one number for {name}.")
    if len(parts) > MAX_OUTCOMES:
        raise ValueError(f"{name} may hold at most {MAX_OUTCOMES} numbers, got {len(parts)}.")
    try:
        values = np.array([float(part) for part in parts])
    except ValueError:
        raise ValueError(f"{name} must be numbers separated by commas or spaces.") from None
    if not normalise:
        return probability_vector(name, values)
    with np.errstate(over="ignore"):
        total = float(values.sum()) if np.all(np.isfinite(values)) and np.all(values >= 0) else math.nan
    if not (math.isfinite(total) and total > 0):
        raise ValueError(f"The weights of {name} must be finite numbers ≥ 0 with a positive, finite sum.")
    return values / total
