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

from lib.validation import non_negative, positive, whole

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
#: The filters on probabilities, the order-free logit processors, and Hugging Face's fixed order of them all.
FILTER_STAGES = ("top_k", "top_p", "min_p", "typical_p")
LOGIT_STAGES = ("repetition_penalty", "no_repeat_ngram")
HF_ORDER = ("repetition_penalty", "no_repeat_ngram", "temperature", "top_k", "top_p", "min_p", "typical_p")


def check_truncation(name: str, value: float) -> None:
    """Raise ``ValueError`` unless ``value`` is allowed for the truncation stage ``name``."""
    if name == "top_k":
        if int(value) != value or value < 1:
            raise ValueError(f"top_k must be a whole number >= 1, got {value}.")
    elif name in ("top_p", "typical_p"):
        if not 0 < value <= 1:
            raise ValueError(f"{name} must lie in (0, 1], got {value}.")
    elif name == "min_p":
        if not 0 <= value <= 1:
            raise ValueError(f"min_p must lie in [0, 1], got {value}.")
    else:
        raise ValueError(f"Unknown sampling stage {name!r}; use {', '.join(FILTER_STAGES)}.")


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


def typical_filter(probs: ArrayLike, mass: float) -> np.ndarray:
    """Locally typical sampling (Meister et al., 2022), as Hugging Face's ``TypicalLogitsWarper``.

    Each token's surprise −log p_i is compared with the entropy H = −Σ p log p; tokens are sorted
    by |−log p_i − H| (most typical first) and the smallest such prefix whose mass is ≥ ``mass``
    is kept (at least one token, and any token as typical as the last one kept), renormalised.
    ``mass`` lies in (0, 1]; 1 keeps every token.

    Example
    -------
    >>> typical_filter([0.5, 0.3, 0.2], 0.3)  # H = 1.03; |surprise − H| = 0.34, 0.17, 0.58
    array([0., 1., 0.])
    """
    p = _as_probs(probs)
    check_truncation("typical_p", mass)
    with np.errstate(divide="ignore"):
        surprise = -np.log(p)  # ∞ where p = 0: those sort last
    distance = np.abs(surprise - np.asarray(entropy(p))[..., None])
    order = np.argsort(distance, axis=-1, kind="stable")
    cumulative = np.take_along_axis(p, order, axis=-1).cumsum(-1)
    last = np.minimum((cumulative < mass).sum(-1, keepdims=True), p.shape[-1] - 1)  # first to reach the mass
    threshold = np.take_along_axis(np.take_along_axis(distance, order, axis=-1), last, axis=-1)
    return _renormalise(p, distance <= threshold)


def repetition_penalty(logits: ArrayLike, previous_ids: ArrayLike, penalty: float) -> np.ndarray:
    """The CTRL repetition penalty (Keskar et al., 2019), as Hugging Face's ``RepetitionPenaltyLogitsProcessor``.

    For every token id in ``previous_ids`` (once, however often it occurred): z → z / θ when
    z > 0, z → z · θ when z ≤ 0, with θ = ``penalty`` > 0; θ > 1 makes seen tokens less likely,
    θ = 1 changes nothing. ``previous_ids`` has the logits' leading shape: (T,) for (V,) logits,
    (B, T) for (B, V). The rule depends on each logit's sign, so it acts on raw logits.

    Example
    -------
    >>> repetition_penalty([2.0, -1.0, 0.5], [0, 1, 0], 2.0)
    array([ 1. , -2. ,  0.5])
    """
    x = _as_logits(logits).copy()
    penalty = positive("penalty", penalty)
    ids = _as_ids(previous_ids, x.shape[-1], x.shape[:-1])
    seen = np.take_along_axis(x, ids, axis=-1)  # the gather of HF's processor
    np.put_along_axis(x, ids, np.where(seen < 0, seen * penalty, seen / penalty), axis=-1)  # and its scatter
    return x


def _as_ids(previous_ids: ArrayLike, vocab_size: int, batch_shape: tuple[int, ...] = ()) -> np.ndarray:
    """``previous_ids`` as whole token ids, shaped (*batch_shape, T)."""
    ids = np.asarray(previous_ids, dtype=float).reshape((*batch_shape, -1))
    if ids.size and (np.any(ids != np.round(ids)) or ids.min() < 0 or ids.max() >= vocab_size):
        raise ValueError(f"previous_ids must be whole numbers in 0..{vocab_size - 1}.")
    return ids.astype(np.int64)


def no_repeat_ngram_mask(previous_ids: ArrayLike, n: int, vocab_size: int) -> np.ndarray:
    """Which tokens would complete an n-gram already in ``previous_ids`` (T,) or (B, T): (V,) or (B, V) bool.

    As Hugging Face's ``NoRepeatNGramLogitsProcessor``: the last n − 1 ids are a prefix; every
    n-gram of the sequence that starts with that prefix bans its last token (n = 1 bans every
    token seen). A sequence shorter than n bans nothing.

    Example
    -------
    >>> no_repeat_ngram_mask([0, 1, 2, 0], 2, 4)  # "0 1" occurred, so 1 may not follow 0 again
    array([False,  True, False, False])
    """
    n = whole("no_repeat_ngram_size", n, 1)
    ids = _as_ids(previous_ids, vocab_size, np.shape(previous_ids)[:-1])
    banned = np.zeros((*ids.shape[:-1], vocab_size), dtype=bool)
    if ids.shape[-1] < n:
        return banned
    grams = np.lib.stride_tricks.sliding_window_view(ids, n, axis=-1)  # (..., T - n + 1, n)
    prefix = ids[..., ids.shape[-1] - n + 1 :]  # (..., n - 1): what the next token would extend
    match = (grams[..., :-1] == prefix[..., None, :]).all(-1)  # (..., T - n + 1)
    return ((grams[..., -1, None] == np.arange(vocab_size)) & match[..., None]).any(-2)


def no_repeat_ngram(logits: ArrayLike, previous_ids: ArrayLike, n: int) -> np.ndarray:
    """``logits`` with −∞ for every token that would repeat an n-gram of ``previous_ids`` (as Hugging Face).

    Example
    -------
    >>> no_repeat_ngram([1.0, 2.0, 3.0], [0, 1, 0], 2)
    array([  1., -inf,   3.])
    """
    x = _as_logits(logits)
    return np.where(no_repeat_ngram_mask(previous_ids, n, x.shape[-1]), -np.inf, x)


_FILTERS = {"top_k": top_k_filter, "top_p": top_p_filter, "min_p": min_p_filter, "typical_p": typical_filter}


@dataclass(frozen=True)
class Stage:
    """One step of the sampling pipeline, as the page shows it.

    name : "repetition_penalty", "no_repeat_ngram", "temperature", "softmax" (τ = 1, when the
    temperature comes last), "top_k", "top_p", "min_p" or "typical_p"; value : its parameter;
    probs : the distribution after this stage; kept : how many tokens have mass;
    mass_removed : probability mass this stage removed (before renormalising); entropy : in nats.
    """

    name: str
    value: float
    probs: np.ndarray
    kept: int
    mass_removed: float
    entropy: float


def _stage(name: str, value: float, probs: np.ndarray, before: np.ndarray | None) -> Stage:
    removed = 0.0 if before is None else float(before[probs == 0].sum())
    return Stage(name, float(value), probs, int((probs > 0).sum()), removed, entropy(probs))


def _softmax_allowed(x: np.ndarray, allowed: np.ndarray, temperature: float) -> np.ndarray:
    """softmax(x / τ) over the ``allowed`` tokens only (the others get 0): softmax of x with −∞ for the rest."""
    probs = np.zeros_like(x)
    probs[allowed] = softmax(x[allowed], temperature)
    return probs


def _reshape(probs: np.ndarray, temperature: float) -> np.ndarray:
    """Temperature applied to a distribution: p_i^(1/τ) renormalised over its support (τ = 0: its argmax)."""
    return _softmax_allowed(np.log(np.where(probs > 0, probs, 1.0)), probs > 0, temperature)


def check_stage_order(stages: Sequence[tuple[str, float]]) -> None:
    """Raise ``ValueError`` for an unknown stage, or a logit processor after a filter."""
    names = [name for name, _ in stages]
    for name in names:
        if name not in LOGIT_STAGES + FILTER_STAGES:
            raise ValueError(f"Unknown sampling stage {name!r}; use {', '.join(LOGIT_STAGES + FILTER_STAGES)}.")
    first_filter = next((i for i, name in enumerate(names) if name in FILTER_STAGES), len(names))
    if any(name in LOGIT_STAGES for name in names[first_filter:]):
        raise ValueError("repetition_penalty and no_repeat_ngram act on logits: put them before the filters.")


def sampling_pipeline(
    logits: ArrayLike,
    temperature: float,
    stages: Sequence[tuple[str, float]] = (),
    *,
    previous_ids: ArrayLike = (),
    temperature_last: bool = False,
) -> list[Stage]:
    """The logit processors, temperature, then the truncation ``stages`` in the order given.

    ``stages`` is a sequence like ``[("top_k", 40), ("top_p", 0.9), ("min_p", 0.05)]``; the
    order matters (top-p after top-k sees a renormalised, smaller set). It may start with
    ``("repetition_penalty", θ)`` and ``("no_repeat_ngram", n)``, which read ``previous_ids``
    and act on the 1-D logits before any softmax, as in Hugging Face (their stages show the
    distribution at τ = 1). ``temperature_last`` moves the temperature after the filters (the
    filters then judge the τ = 1 distribution, a "softmax" stage; llama.cpp's default order):
    p_i → p_i^(1/τ) over what they kept. With no filters both orders give the same distribution.

    Example
    -------
    >>> [s.kept for s in sampling_pipeline([2.0, 1.0, 0.0], 1.0, [("top_k", 2)])]
    [3, 2]
    """
    x = _as_logits(logits)
    non_negative("temperature", temperature)
    check_stage_order(stages)
    result: list[Stage] = []
    allowed = np.ones(x.shape, dtype=bool)
    for name, value in (s for s in stages if s[0] in LOGIT_STAGES):
        if x.ndim != 1:
            raise ValueError(f"{name} takes one vector of logits, got shape {x.shape}.")
        before = _softmax_allowed(x, allowed, 1.0)
        if name == "repetition_penalty":
            x = repetition_penalty(x, previous_ids, value)
        else:  # a ban that would leave no token is lifted (Hugging Face would sample from NaN)
            ban = no_repeat_ngram_mask(previous_ids, value, x.size)
            allowed = allowed & ~ban if (allowed & ~ban).any() else allowed
        result.append(_stage(name, value, _softmax_allowed(x, allowed, 1.0), before))
    if temperature_last:
        result.append(_stage("softmax", 1.0, _softmax_allowed(x, allowed, 1.0), None))
    else:
        probs = softmax(x, temperature) if allowed.all() else _softmax_allowed(x, allowed, temperature)
        result.append(_stage("temperature", temperature, probs, None))
    for name, value in (s for s in stages if s[0] in FILTER_STAGES):
        result.append(_stage(name, value, _FILTERS[name](result[-1].probs, value), result[-1].probs))
    if temperature_last:
        result.append(_stage("temperature", temperature, _reshape(result[-1].probs, temperature), result[-1].probs))
    return result


def sample(
    logits: ArrayLike,
    temperature: float = 1.0,
    top_k: int | None = None,
    top_p: float | None = None,
    min_p: float | None = None,
    seed: int | np.random.Generator | None = None,
    *,
    typical_p: float | None = None,
    repetition_penalty: float = 1.0,
    no_repeat_ngram_size: int = 0,
    previous_ids: ArrayLike = (),
    temperature_last: bool = False,
) -> int:
    """Draw one token index from 1-D ``logits`` through the stages in Hugging Face's order.

    repetition penalty → no-repeat n-gram → temperature → top-k → top-p → min-p → typical-p
    (each when set; ``temperature_last`` moves the temperature after the filters). Temperature 0
    is argmax of what the stages leave (the first of tied maxima).

    Example
    -------
    >>> sample([1.0, 3.0, 2.0], temperature=0.0), sample([1.0, 3.0, 2.0], 0.0, previous_ids=[1], repetition_penalty=2.0)
    (1, 2)
    """
    x = _as_logits(logits)
    if x.ndim != 1:
        raise ValueError(f"sample takes one vector of logits, got shape {x.shape}.")
    chosen = {
        "repetition_penalty": None if repetition_penalty == 1 else repetition_penalty,
        "no_repeat_ngram": no_repeat_ngram_size or None,
        **{"top_k": top_k, "top_p": top_p, "min_p": min_p, "typical_p": typical_p},
    }
    stages = [(name, value) for name, value in chosen.items() if value is not None]
    probs = sampling_pipeline(x, temperature, stages, previous_ids=previous_ids, temperature_last=temperature_last)[
        -1
    ].probs
    if temperature == 0:
        return int(np.argmax(probs))
    return int(np.random.default_rng(seed).choice(probs.size, p=probs))


@dataclass(frozen=True)
class Draw:
    """One generated token and how the pipeline treated it.

    token : its id; probability, rank : under the final distribution it was drawn from (rank 1 =
    most likely; tied tokens share a rank); model_probability, model_rank : under the model's own
    distribution (τ = 1, no stage); changed_by : the first stage after which the model's top token
    was no longer the top one (removed or outranked) when another token was drawn, "the draw"
    when every stage left it on top and chance picked another, "" when the top token was drawn.
    """

    token: int
    probability: float
    rank: int
    model_probability: float
    model_rank: int
    changed_by: str


def _rank(probs: np.ndarray, token: int) -> int:
    return int((probs > probs[token]).sum()) + 1


def trace_draws(
    step_logits: ArrayLike,
    ids: Sequence[int],
    temperature: float,
    stages: Sequence[tuple[str, float]] = (),
    *,
    temperature_last: bool = False,
) -> list[Draw]:
    """Each of the last ``len(step_logits)`` tokens of ``ids`` under :func:`sampling_pipeline` of its step.

    ``step_logits`` (n, V) are the model's logits before each of those tokens; the stages that
    read earlier tokens see ``ids`` up to that step.

    Example
    -------
    >>> [d.changed_by for d in trace_draws([[1.0, 2.0], [1.0, 2.0]], [1, 1, 0], 1.0, [("repetition_penalty", 9.0)])]
    ['', 'repetition_penalty']
    """
    steps = _as_logits(step_logits)
    ids = list(ids)
    if steps.ndim != 2 or not 0 < len(steps) <= len(ids):
        raise ValueError("step_logits must be (n, V) with n at most the number of ids.")
    draws = []
    for t, logits in enumerate(steps):
        at = len(ids) - len(steps) + t  # the position of the token drawn at this step
        seen = ids[:at]
        pipeline = sampling_pipeline(logits, temperature, stages, previous_ids=seen, temperature_last=temperature_last)
        token, model, final = ids[at], softmax(logits), pipeline[-1].probs
        top = int(np.argmax(logits))
        moved = next((s.name for s in pipeline if s.probs[top] < s.probs.max()), "the draw")
        draws.append(
            Draw(
                token,
                float(final[token]),
                _rank(final, token),
                float(model[token]),
                _rank(model, token),
                "" if token == top else moved,
            )
        )
    return draws


def in_hf_order(stages: Sequence[tuple[str, float]], temperature_last: bool = False) -> bool:
    """Whether Hugging Face's fixed order (:data:`HF_ORDER`) runs these stages as given (temperature first)."""
    names = [name for name, _ in stages]
    filters = [name for name in names if name in FILTER_STAGES]
    return not temperature_last and filters == [name for name in HF_ORDER if name in filters]


def generation_config(
    temperature: float, stages: Sequence[tuple[str, float]] = (), max_new_tokens: int = 20
) -> dict[str, object]:
    """Hugging Face ``GenerationConfig`` keys for these settings; a stage not chosen gets its "off" value.

    τ = 0 is greedy: ``do_sample`` false and no sampling keys (temperature, top-k, top-p, min-p, typical-p),
    which greedy decoding ignores and transformers' validation rejects; the penalty and the n-gram ban
    still apply. The stage order is not a key.

    Example
    -------
    >>> generation_config(0.7, [("top_k", 20)], 50)["top_k"], generation_config(0.7)["top_k"]
    (20, 0)
    >>> sorted(generation_config(0.0))
    ['do_sample', 'max_new_tokens', 'no_repeat_ngram_size', 'repetition_penalty']
    """
    chosen = dict(stages)
    check_stage_order(stages)
    sampling_keys = {
        "temperature": float(temperature),
        "top_k": int(chosen.get("top_k", 0)),  # 0: off (GenerationConfig's default is 50)
        "top_p": float(chosen.get("top_p", 1.0)),
        "min_p": None if "min_p" not in chosen else float(chosen["min_p"]),
        "typical_p": float(chosen.get("typical_p", 1.0)),
    }
    return {
        "do_sample": temperature > 0,
        **(sampling_keys if temperature > 0 else {}),
        "repetition_penalty": float(chosen.get("repetition_penalty", 1.0)),
        "no_repeat_ngram_size": int(chosen.get("no_repeat_ngram", 0)),
        "max_new_tokens": int(max_new_tokens),
    }


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
