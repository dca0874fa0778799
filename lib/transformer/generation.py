"""Sampling text from a trained TinyGPT and measuring it: what the sampling page shows.

A prompt longer than the model's context keeps its last characters (a sliding window), so any
prompt works; quality is the mean log-probability of the generated characters under the model
at τ = 1, diversity is distinct-n over the samples (:mod:`lib.sampling`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import torch

from lib.sampling import distinct_n, repetition_rate
from lib.transformer.evaluation import token_log_probs
from lib.transformer.model import TinyGPT, generate
from lib.transformer.tokenizer import CharTokenizer


def context_window(ids: Sequence[int], room: int) -> list[int]:
    """The last ``room`` ids of ``ids`` (all of them when they fit).

    Example
    -------
    >>> context_window([1, 2, 3, 4], 2)
    [3, 4]
    """
    if room < 1:
        raise ValueError(f"room must be at least 1, got {room}.")
    ids = list(ids)
    if not ids:
        raise ValueError("The prompt is empty: type at least one character.")
    return ids[-room:]


def encode_prompt(tokenizer: CharTokenizer, prompt: str) -> list[int]:
    """Encode ``prompt``, naming every character the model does not know in one sentence."""
    if not prompt:
        raise ValueError("The prompt is empty: type at least one character.")
    unknown = sorted(set(prompt) - set(tokenizer.vocabulary))
    if unknown:
        shown = ", ".join(repr(c) for c in unknown[:10]) + (" …" if len(unknown) > 10 else "")
        raise ValueError(
            f"The prompt uses {len(unknown)} character{'s' if len(unknown) > 1 else ''} the model's vocabulary "
            f"lacks: {shown}; "
            "use printable ASCII, newline and tab."
        )
    return tokenizer.encode(prompt)


@torch.no_grad()
def next_token_logits(model: TinyGPT, ids: Sequence[int]) -> np.ndarray:
    """The model's logits for the character after ``ids`` (the last ``max_seq_len`` are used)."""
    window = context_window(ids, model.config.max_seq_len)
    model.eval()
    logits = model(torch.tensor([window], device=model.device))[0, -1]
    return logits.double().cpu().numpy()


@dataclass(frozen=True)
class SampleSet:
    """``n`` samples at one temperature and what they measure.

    texts : the generated characters only (no prompt); mean_log_prob : mean log p(char) of the
    generated characters under the model at τ = 1 (nats); distinct_1 / distinct_2 : distinct
    characters / character pairs over all samples; repetition_rate : mean fraction of each
    sample's 4-grams that already occurred earlier in it; first_ids : the first sample's whole
    sequence (the context it saw, then its characters); first_logits : (n_new, V) the raw logits
    the model gave at each of its steps (what :func:`lib.sampling.trace_draws` reads).
    """

    temperature: float
    texts: tuple[str, ...]
    mean_log_prob: float
    distinct_1: float
    distinct_2: float
    repetition_rate: float
    first_ids: tuple[int, ...] = ()
    first_logits: np.ndarray | None = field(default=None, compare=False, repr=False)  # arrays do not compare


def sample_texts(
    model: TinyGPT,
    tokenizer: CharTokenizer,
    prompt: str,
    *,
    temperature: float,
    n_samples: int,
    n_new: int,
    seed: int = 0,
    top_k: int | None = None,
    top_p: float | None = None,
    min_p: float | None = None,
    stages: Sequence[tuple[str, float]] | None = None,
    temperature_last: bool = False,
) -> SampleSet:
    """Draw ``n_samples`` continuations of ``prompt`` of ``n_new`` characters each, in one batch.

    The same ``seed`` at every temperature gives comparable samples (the same random numbers).
    ``stages`` (instead of top_k, top_p, min_p) run in their order, as in :func:`lib.sampling.sampling_pipeline`.
    """
    if not 4 <= n_new < model.config.max_seq_len:
        raise ValueError(f"n_new must lie in 4..{model.config.max_seq_len - 1}, got {n_new}.")
    if n_samples < 1:
        raise ValueError(f"n_samples must be at least 1, got {n_samples}.")
    window = context_window(encode_prompt(tokenizer, prompt), model.config.max_seq_len - n_new)
    ids = torch.tensor([window] * n_samples, device=model.device)
    steps: list[np.ndarray] = []  # the first sample's logits at every step
    out = generate(
        model,
        ids,
        n_new,
        temperature=temperature,
        top_k=top_k,
        top_p=top_p,
        min_p=min_p,
        seed=seed,
        stages=stages,
        temperature_last=temperature_last,
        on_logits=lambda logits: steps.append(logits[0].double().cpu().numpy()),
    )
    log_probs = token_log_probs(model, out)[:, -n_new:]
    texts = tuple(tokenizer.decode(row[-n_new:].tolist()) for row in out.cpu())
    return SampleSet(
        temperature=float(temperature),
        texts=texts,
        mean_log_prob=float(log_probs.mean()),
        distinct_1=distinct_n(texts, 1),
        distinct_2=distinct_n(texts, 2),
        repetition_rate=float(np.mean([repetition_rate(t, 4) for t in texts])),
        first_ids=tuple(out[0].tolist()),
        first_logits=np.stack(steps),
    )
