"""Training TinyGPT by next-token prediction: minimising cross-entropy = maximising likelihood."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import torch
import torch.nn.functional as F

from lib.transformer.model import TinyGPT
from lib.transformer.moe import MoEFFN, load_balancing_loss


@dataclass(frozen=True)
class TrainStep:
    """Reported to the callback after every step: the mean next-token loss in nats per token, and (when the
    model has them) the MTP heads' mean loss and the load-balancing loss averaged over MoE layers."""

    step: int
    loss: float
    mtp_loss: float | None = None
    balance_loss: float | None = None


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


def training_losses(
    model: TinyGPT, inputs: torch.Tensor, targets: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor | None, torch.Tensor | None]:
    """Next-token cross-entropy, the MTP heads' mean cross-entropy (depth d at position t predicts
    targets[t + d], i.e. token t + 1 + d) and the MoE layers' mean load-balancing loss (None without them)."""
    hidden = model.hidden(inputs)  # (B, T, C)
    logits = model.lm_head(model.final_norm(hidden))  # (B, T, V)
    main = F.cross_entropy(logits.reshape(-1, logits.size(-1)), targets.reshape(-1))
    mtp = None
    if model.config.mtp_depth:
        T = inputs.size(1)
        extra = model.mtp_logits(inputs, hidden=hidden)  # (B, T, D, V)
        depths = [d for d in range(1, model.config.mtp_depth + 1) if d < T]
        mtp = torch.stack(
            [
                F.cross_entropy(extra[:, : T - d, d - 1].reshape(-1, extra.size(-1)), targets[:, d:].reshape(-1))
                for d in depths
            ]
        ).mean()
    routings = [m.last_routing for m in model.modules() if isinstance(m, MoEFFN) and m.last_routing is not None]
    balance = torch.stack([load_balancing_loss(r) for r in routings]).mean() if routings else None
    return main, mtp, balance


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
    mtp_weight: float = 0.3,
    balance_weight: float = 0.01,
) -> list[float]:
    """Train with AdamW on random windows of ``token_ids``; return the next-token loss of every step.

    The loss minimised is CE(next token) + ``mtp_weight`` · CE(MTP heads) + ``balance_weight`` ·
    load-balancing loss, the last two only when the model has MTP heads or MoE layers (DeepSeek-V3
    uses λ = 0.3 for MTP). The learning rate follows :func:`learning_rate` (warm-up, then cosine decay
    to lr / 10).
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
        loss, mtp, balance = training_losses(model, inputs.to(model.device), targets.to(model.device))
        total = loss
        if mtp is not None:
            total = total + mtp_weight * mtp
        if balance is not None:
            total = total + balance_weight * balance
        optimizer.zero_grad(set_to_none=True)
        total.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        losses.append(float(loss.detach()))
        report = TrainStep(step, losses[-1], _item(mtp), _item(balance))
        if callback is not None and callback(report) is False:
            break
    model.eval()
    return losses


def _item(value: torch.Tensor | None) -> float | None:
    return None if value is None else float(value.detach())
