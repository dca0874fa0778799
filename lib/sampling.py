"""Turning logits into a next token: softmax with temperature, log-sum-exp, entropy, truncation.

Everything here works on numpy arrays along the last axis (a vector of logits, or a batch
of them). ``lib.transformer.model.next_token_probabilities`` is the torch twin used while
decoding: it applies the same truncation rules (:data:`TRUNCATION_RULES`, written once for both),
and the tests check that both agree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

ArrayLike = np.ndarray | Sequence[float]


def _as_logits(logits: ArrayLike) -> np.ndarray:
    x = np.asarray(logits, dtype=float)
    if x.ndim == 0 or x.shape[-1] == 0:
        raise ValueError("logits must hold at least one value.")
    if not np.all(np.isfinite(x)):
        raise ValueError("logits must be finite numbers (no NaN or infinity).")
    return x


def log_sum_exp(x: ArrayLike) -> np.ndarray | float:
    """log Σ exp(x_i) over the last axis, computed as m + log Σ exp(x_i − m) with m = max x.

    Subtracting the maximum makes the largest term exp(0) = 1, so nothing overflows even for
    x = 1e6, and the sum is at least 1, so the log never sees 0.

    Example
    -------
    >>> float(log_sum_exp([1000.0, 1000.0]))  # naive: log(inf) = inf
    1000.6931471805599
    """
    x = _as_logits(x)
    m = x.max(axis=-1, keepdims=True)
    out = (m + np.log(np.exp(x - m).sum(axis=-1, keepdims=True)))[..., 0]
    return float(out) if out.ndim == 0 else out


def softmax(logits: ArrayLike, temperature: float = 1.0) -> np.ndarray:
    """p_i = exp(z_i / τ) / Σ_j exp(z_j / τ), stable for |z| up to 1e6 and beyond.

    τ → 0 concentrates the mass on the largest logit: τ = 0 is exactly argmax, with tied
    maxima sharing the mass equally; τ = 1 is the model's distribution; τ → ∞ is uniform.

    Example
    -------
    >>> softmax([2.0, 1.0, 2.0], temperature=0)
    array([0.5, 0. , 0.5])
    """
    x = _as_logits(logits)
    if not temperature >= 0:  # also rejects NaN
        raise ValueError(f"temperature must be >= 0, got {temperature}.")
    shifted = x - x.max(axis=-1, keepdims=True)  # the max becomes 0, the rest negative
    if temperature == 0:
        top = (shifted == 0).astype(float)
        return top / top.sum(axis=-1, keepdims=True)
    weights = np.exp(shifted / temperature)  # in (0, 1]: no overflow
    return weights / weights.sum(axis=-1, keepdims=True)


def naive_softmax(logits: ArrayLike, temperature: float = 1.0, dtype: type = np.float64) -> np.ndarray:
    """exp(z/τ) / Σ exp(z/τ) without the max trick: overflows to inf/inf = NaN for large z/τ.

    Shown on the page beside :func:`softmax` to demonstrate why log-sum-exp exists. exp
    overflows once z/τ exceeds log(max float): 709.78 in float64, 88.72 in ``np.float32``
    (the precision models compute in).
    """
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        weights = np.exp(np.asarray(logits, dtype=dtype) / dtype(temperature))
        return weights / weights.sum(axis=-1, keepdims=True)


def naive_softmax_failure(logits: ArrayLike, temperature: float, dtype: type = np.float64) -> str | None:
    """Why :func:`naive_softmax` fails here: "overflow" (a term is ∞, so ∞/∞), "underflow" (every term
    is 0, so 0/0), or None when it is finite. τ = 0 divides by zero: "overflow" if a logit is positive.

    Example
    -------
    >>> naive_softmax_failure([800.0, 0.0], 1.0), naive_softmax_failure([-800.0, -900.0], 1.0)
    ('overflow', 'underflow')
    """
    x = _as_logits(logits)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
        weights = np.exp(x.astype(dtype) / dtype(temperature))
    if np.isinf(weights).any():
        return "overflow"
    if not (weights > 0).any():
        return "underflow"
    return None


def overflow_threshold(dtype: type = np.float64) -> float:
    """The largest x with exp(x) finite in ``dtype``: log of its largest number (709.78 for float64).

    Example
    -------
    >>> round(overflow_threshold(np.float32), 2)
    88.72
    """
    return float(np.log(np.finfo(dtype).max))


def entropy(probs: ArrayLike, base: float = np.e) -> np.ndarray | float:
    """H(p) = −Σ p_i log p_i (0 log 0 = 0), in nats by default or in ``base`` units (2 = bits)."""
    p = np.asarray(probs, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(p > 0, -p * np.log(p), 0.0)
    out = terms.sum(axis=-1) / np.log(base)
    return float(out) if np.ndim(out) == 0 else out


def effective_vocabulary(probs: ArrayLike) -> np.ndarray | float:
    """e^H: the number of equally likely tokens with the same entropy (perplexity of one step)."""
    return np.exp(entropy(probs))


def _as_probs(probs: ArrayLike) -> np.ndarray:
    p = np.asarray(probs, dtype=float)
    if p.ndim == 0 or p.shape[-1] == 0 or np.any(p < 0) or not np.allclose(p.sum(axis=-1), 1.0, atol=1e-6):
        raise ValueError("probs must be non-negative and sum to 1 along the last axis.")
    return p


def _renormalise(p: np.ndarray, keep: np.ndarray) -> np.ndarray:
    kept = np.where(keep, p, 0.0)
    return kept / kept.sum(axis=-1, keepdims=True)


# The truncation rules, written once for numpy and torch. Each reads probabilities sorted in
# descending order along the last axis (stable order: of equal probabilities the lower index comes
# first) and returns which of them it keeps, in that order. Only comparisons, arithmetic, indexing
# and ``.cumsum(-1)`` are used, which numpy arrays and torch tensors both accept, so the filters
# below and ``lib.transformer.model.next_token_probabilities`` (decoding, on the model's device)
# call the same code. Every rule keeps a prefix of the sorted order, at least its first token.


def top_k_kept(sorted_probs, k: int):
    """The k largest (and any tied with the k-th) of descending ``sorted_probs``.

    Example
    -------
    >>> top_k_kept(np.array([0.4, 0.4, 0.2]), 1)
    array([ True,  True, False])
    """
    kth = min(int(k), sorted_probs.shape[-1])
    return sorted_probs >= sorted_probs[..., kth - 1 : kth]


def top_p_kept(sorted_probs, p: float):
    """The smallest prefix of descending ``sorted_probs`` whose mass is ≥ p (at least one token).

    Example
    -------
    >>> top_p_kept(np.array([0.5, 0.3, 0.15, 0.05]), 0.8)
    array([ True,  True, False, False])
    """
    mass_before = sorted_probs.cumsum(-1) - sorted_probs
    # The first token has mass_before = 0, so it is always kept; the tolerance stops rounding in
    # the cumulative sum from adding a token; p = 1 keeps everything.
    return (mass_before < p - 1e-12) | (p >= 1)


def min_p_kept(sorted_probs, min_p: float):
    """The tokens of descending ``sorted_probs`` with probability ≥ min_p · max (the top one always).

    Example
    -------
    >>> min_p_kept(np.array([0.5, 0.3, 0.15, 0.05]), 0.5)
    array([ True,  True, False, False])
    """
    return sorted_probs >= min_p * sorted_probs[..., :1]


#: Each truncation stage's rule, by the name :func:`sampling_pipeline` and the decoder use.
TRUNCATION_RULES = {"top_k": top_k_kept, "top_p": top_p_kept, "min_p": min_p_kept}


def check_truncation(name: str, value: float) -> None:
    """Raise ``ValueError`` unless ``value`` is allowed for the truncation stage ``name``."""
    if name == "top_k":
        if int(value) != value or value < 1:
            raise ValueError(f"top_k must be a whole number >= 1, got {value}.")
    elif name == "top_p":
        if not 0 < value <= 1:
            raise ValueError(f"top_p must lie in (0, 1], got {value}.")
    elif name == "min_p":
        if not 0 <= value <= 1:
            raise ValueError(f"min_p must lie in [0, 1], got {value}.")
    else:
        raise ValueError(f"Unknown sampling stage {name!r}; use top_k, top_p or min_p.")


def _truncate(probs: ArrayLike, name: str, value: float) -> np.ndarray:
    """``probs`` with the rule ``name`` applied: sort, keep, back to the original order, renormalise."""
    p = _as_probs(probs)
    check_truncation(name, value)
    order = np.argsort(-p, axis=-1, kind="stable")
    keep_sorted = TRUNCATION_RULES[name](np.take_along_axis(p, order, axis=-1), value)
    keep = np.empty_like(keep_sorted)
    np.put_along_axis(keep, order, keep_sorted, axis=-1)
    return _renormalise(p, keep)


def top_k_filter(probs: ArrayLike, k: int) -> np.ndarray:
    """Keep the k most likely tokens (ties with the k-th are kept too) and renormalise."""
    return _truncate(probs, "top_k", k)


def top_p_filter(probs: ArrayLike, p: float) -> np.ndarray:
    """Nucleus sampling: the smallest set of most likely tokens whose mass is ≥ p (at least one)."""
    return _truncate(probs, "top_p", p)


def min_p_filter(probs: ArrayLike, min_p: float) -> np.ndarray:
    """Keep tokens with probability ≥ min_p · max probability (the top token always survives)."""
    return _truncate(probs, "min_p", min_p)


_FILTERS = {"top_k": top_k_filter, "top_p": top_p_filter, "min_p": min_p_filter}


@dataclass(frozen=True)
class Stage:
    """One step of the sampling pipeline, as the page shows it.

    name : "temperature", "top_k", "top_p" or "min_p"; value : its parameter;
    probs : the distribution after this stage; kept : how many tokens have mass;
    mass_removed : probability mass this stage removed (before renormalising); entropy : in nats.
    """

    name: str
    value: float
    probs: np.ndarray
    kept: int
    mass_removed: float
    entropy: float


def sampling_pipeline(logits: ArrayLike, temperature: float, stages: Sequence[tuple[str, float]] = ()) -> list[Stage]:
    """Temperature first, then the truncation ``stages`` in the order given.

    ``stages`` is a sequence like ``[("top_k", 40), ("top_p", 0.9), ("min_p", 0.05)]``; the
    order matters (top-p after top-k sees a renormalised, smaller set).
    """
    probs = softmax(logits, temperature)
    result = [Stage("temperature", float(temperature), probs, int((probs > 0).sum()), 0.0, entropy(probs))]
    for name, value in stages:
        if name not in _FILTERS:
            raise ValueError(f"Unknown sampling stage {name!r}; use top_k, top_p or min_p.")
        filtered = _FILTERS[name](probs, value)
        removed = float(probs[filtered == 0].sum())
        probs = filtered
        result.append(Stage(name, float(value), probs, int((probs > 0).sum()), removed, entropy(probs)))
    return result


def sample(
    logits: ArrayLike,
    temperature: float = 1.0,
    top_k: int | None = None,
    top_p: float | None = None,
    min_p: float | None = None,
    seed: int | np.random.Generator | None = None,
) -> int:
    """Draw one token index from 1-D ``logits`` (temperature → top-k → top-p → min-p).

    Temperature 0 is argmax (the first of tied maxima).
    """
    x = _as_logits(logits)
    if x.ndim != 1:
        raise ValueError(f"sample takes one vector of logits, got shape {x.shape}.")
    if temperature == 0:
        return int(np.argmax(x))
    stages = [(n, v) for n, v in (("top_k", top_k), ("top_p", top_p), ("min_p", min_p)) if v is not None]
    probs = sampling_pipeline(x, temperature, stages)[-1].probs
    return int(np.random.default_rng(seed).choice(probs.size, p=probs))


def _ngrams(text: str, n: int) -> list[str]:
    return [text[i : i + n] for i in range(len(text) - n + 1)]


def distinct_n(texts: Sequence[str], n: int = 2) -> float:
    """Distinct n-grams over all n-grams across ``texts`` (1 = no n-gram repeats; Li et al., 2016).

    On character-level text, as the lab's model writes, n-grams are of characters.
    """
    grams = [g for text in texts for g in _ngrams(text, n)]
    if not grams:
        raise ValueError(f"The texts are too short to hold any {n}-gram.")
    return len(set(grams)) / len(grams)


def repetition_rate(text: str, n: int = 4) -> float:
    """Fraction of the n-grams of ``text`` that already occurred earlier in it (0 = never repeats)."""
    grams = _ngrams(text, n)
    if not grams:
        raise ValueError(f"The text is too short to hold any {n}-gram.")
    seen: set[str] = set()
    repeats = 0
    for gram in grams:
        repeats += gram in seen
        seen.add(gram)
    return repeats / len(grams)
