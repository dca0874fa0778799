"""Training TinyGPT by next-token prediction: minimising cross-entropy = maximising likelihood."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import torch
import torch.nn.functional as F

from lib.transformer.model import TinyGPT


@dataclass(frozen=True)
class TrainStep:
    """Reported to the callback after every step: the mean training loss in nats per token."""

    step: int
    loss: float


def random_batch(
    token_ids: torch.Tensor, batch_size: int, seq_len: int, generator: torch.Generator
) -> tuple[torch.Tensor, torch.Tensor]:
    """Random windows of the corpus: inputs (B, T) and the same windows shifted by one (targets)."""
    starts = torch.randint(0, token_ids.numel() - seq_len - 1, (batch_size,), generator=generator)
    offsets = torch.arange(seq_len + 1)
    windows = token_ids[starts.unsqueeze(1) + offsets]  # (B, T + 1)
    return windows[:, :-1], windows[:, 1:]


def cross_entropy(model: TinyGPT, inputs: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Mean −log p(next token) over every position, in nats."""
    logits = model(inputs)  # (B, T, V)
    return F.cross_entropy(logits.reshape(-1, logits.size(-1)), targets.reshape(-1))


def learning_rate(step: int, steps: int, lr: float, warmup_steps: int = 0, final_fraction: float = 0.1) -> float:
    """Linear warm-up to ``lr`` over ``warmup_steps``, then cosine decay to ``final_fraction · lr``.

    Example
    -------
    >>> [round(learning_rate(s, 10, 1.0, warmup_steps=2), 3) for s in (1, 2, 10)]
    [0.5, 1.0, 0.1]
    """
    if step <= warmup_steps:
        return lr * step / warmup_steps
    progress = (step - warmup_steps) / max(steps - warmup_steps, 1)  # 0 → 1 after warm-up
    return lr * (final_fraction + (1 - final_fraction) * 0.5 * (1 + math.cos(math.pi * progress)))


def train(
    model: TinyGPT,
    token_ids: Sequence[int] | torch.Tensor,
    steps: int,
    *,
    batch_size: int = 32,
    seq_len: int | None = None,
    lr: float = 3e-3,
    warmup_steps: int = 0,
    seed: int | None = 0,
    callback: Callable[[TrainStep], bool | None] | None = None,
) -> list[float]:
    """Train with AdamW on random windows of ``token_ids``; return the loss of every step.

    The learning rate follows :func:`learning_rate` (warm-up, then cosine decay to lr / 10).
    ``callback(TrainStep)`` runs after each step; returning ``False`` stops training early
    (the page's stop button).
    """
    seq_len = seq_len or model.config.max_seq_len
    data = torch.as_tensor(token_ids, dtype=torch.long)
    if data.dim() != 1 or data.numel() < seq_len + 2:
        raise ValueError(f"The corpus needs more than {seq_len + 1} tokens to train on windows of {seq_len}.")
    if steps < 1:
        raise ValueError(f"steps must be at least 1, got {steps}.")
    generator = torch.Generator().manual_seed(0 if seed is None else int(seed))
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.01)
    losses = []
    for step in range(1, steps + 1):
        model.train()  # a callback may have evaluated the model in between
        for group in optimizer.param_groups:
            group["lr"] = learning_rate(step, steps, lr, warmup_steps)
        inputs, targets = random_batch(data, batch_size, seq_len, generator)
        loss = cross_entropy(model, inputs.to(model.device), targets.to(model.device))
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        losses.append(float(loss.detach()))
        if callback is not None and callback(TrainStep(step, losses[-1])) is False:
            break
    model.eval()
    return losses
