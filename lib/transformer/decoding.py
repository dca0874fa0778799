"""The sampling pipeline of :mod:`lib.sampling` in torch, on the model's device, for a batch while decoding.

Logits (B, V) and the ids so far (B, T) go in; probabilities (B, V) come out. The stages and their
order are those of :func:`lib.sampling.sampling_pipeline` (the tests check both agree): the logit
processors (repetition penalty, no-repeat n-gram) first, then temperature and the filters in the
order given, or the filters and then temperature (``temperature_last``). The repetition penalty and
the n-gram ban are Hugging Face's ``RepetitionPenaltyLogitsProcessor`` and ``NoRepeatNGramLogitsProcessor``
(the ban vectorised over the batch), typical-p its ``TypicalLogitsWarper``.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
import torch.nn.functional as F

from lib.sampling import FILTER_STAGES, LOGIT_STAGES, TRUNCATION_RULES, check_stage_order, check_truncation


def repetition_penalty(logits: torch.Tensor, ids: torch.Tensor, penalty: float) -> torch.Tensor:
    """Every seen token's logit divided by ``penalty`` when positive, multiplied when not: (B, V)."""
    seen = logits.gather(-1, ids)  # (B, T)
    return logits.scatter(-1, ids, torch.where(seen < 0, seen * penalty, seen / penalty))


def no_repeat_ngram_mask(ids: torch.Tensor, n: int, vocab_size: int) -> torch.Tensor:
    """(B, V) bool: the tokens that would complete an n-gram already in ``ids`` (B, T)."""
    banned = torch.zeros(ids.size(0), vocab_size, dtype=torch.bool, device=ids.device)
    if ids.size(1) < n:
        return banned
    grams = ids.unfold(1, n, 1)  # (B, T - n + 1, n)
    match = (grams[..., :-1] == ids[:, ids.size(1) - n + 1 :].unsqueeze(1)).all(-1)  # (B, T - n + 1)
    vocabulary = torch.arange(vocab_size, device=ids.device)
    return ((grams[..., -1:] == vocabulary) & match.unsqueeze(-1)).any(1)


def typical_kept(probs: torch.Tensor, mass: float) -> torch.Tensor:
    """(B, V) bool: the most typical tokens (|−log p − H| smallest) whose mass first reaches ``mass``."""
    log_p = probs.log()  # −∞ where p = 0: their distance is ∞, they sort last
    entropy = -(probs * log_p).nansum(-1, keepdim=True)  # 0 · −∞ = NaN is left out: 0 log 0 = 0
    distance = (-log_p - entropy).abs()
    sorted_distance, order = torch.sort(distance, dim=-1, stable=True)
    cumulative = probs.gather(-1, order).cumsum(-1)
    last = (cumulative < mass).sum(-1, keepdim=True).clamp(max=probs.size(-1) - 1)  # first to reach the mass
    return distance <= sorted_distance.gather(-1, last)


def kept_by(name: str, probs: torch.Tensor, value: float) -> torch.Tensor:
    """(B, V) bool: what the filter ``name`` keeps of ``probs``."""
    check_truncation(name, value)
    if name == "typical_p":
        return typical_kept(probs, value)
    order = torch.sort(probs, dim=-1, descending=True, stable=True).indices  # (B, V)
    keep_sorted = TRUNCATION_RULES[name](probs.gather(-1, order), value)  # the rules of lib.sampling
    return torch.empty_like(keep_sorted).scatter_(-1, order, keep_sorted)  # back to vocabulary order


def tempered(scores: torch.Tensor, temperature: float) -> torch.Tensor:
    """softmax(scores / τ) along the last axis; τ = 0 shares the mass among the maxima."""
    if temperature == 0:
        top = (scores == scores.amax(-1, keepdim=True)).to(scores.dtype)
        return top / top.sum(-1, keepdim=True)
    return F.softmax(scores / temperature, dim=-1)


def pipeline_probabilities(
    logits: torch.Tensor,
    ids: torch.Tensor | None,
    temperature: float,
    stages: Sequence[tuple[str, float]] = (),
    temperature_last: bool = False,
) -> torch.Tensor:
    """The final distribution of :func:`lib.sampling.sampling_pipeline`, for logits (B, V) after ids (B, T).

    ``ids`` may be None when no stage reads them (no repetition penalty or n-gram ban).
    """
    if temperature < 0:
        raise ValueError(f"temperature must be >= 0, got {temperature}.")
    check_stage_order(stages)
    allowed = torch.ones_like(logits, dtype=torch.bool)
    for name, value in (s for s in stages if s[0] in LOGIT_STAGES):
        if ids is None:
            raise ValueError(f"{name} needs the ids generated so far.")
        if name == "repetition_penalty":
            logits = repetition_penalty(logits, ids, value)
        else:  # a ban that would leave no token is lifted, as in lib.sampling
            left = allowed & ~no_repeat_ngram_mask(ids, int(value), logits.size(-1))
            allowed = torch.where(left.any(-1, keepdim=True), left, allowed)
    logits = logits.masked_fill(~allowed, -torch.inf)
    probs = tempered(logits, 1.0 if temperature_last else temperature)
    for name, value in (s for s in stages if s[0] in FILTER_STAGES):
        probs = probs * kept_by(name, probs, value)  # probabilities are >= 0: the same as zeroing the dropped ones
        probs = probs / probs.sum(-1, keepdim=True)
    return tempered(probs.log(), temperature) if temperature_last else probs
