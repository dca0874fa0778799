"""How good is a trained model: held-out cross-entropy, the unigram baseline, per-token log-probabilities."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

import torch
import torch.nn.functional as F

from lib.transformer.model import TinyGPT
from lib.transformer.train import cross_entropy, random_batch


def unigram_loss(train_ids: Sequence[int], eval_ids: Sequence[int], vocab_size: int) -> float:
    """Cross-entropy (nats/token) of the add-one-smoothed unigram model: the baseline to beat."""
    counts = Counter(train_ids)
    total = len(train_ids) + vocab_size
    return -sum(math.log((counts[i] + 1) / total) for i in eval_ids) / len(eval_ids)


@torch.no_grad()
def evaluate(
    model: TinyGPT, token_ids: Sequence[int] | torch.Tensor, *, batches: int = 8, batch_size: int = 32, seed: int = 0
) -> float:
    """Mean next-token cross-entropy (nats/token) on random windows of ``token_ids``."""
    data = torch.as_tensor(token_ids, dtype=torch.long)
    seq_len = model.config.max_seq_len
    if data.numel() < seq_len + 2:
        raise ValueError(f"The evaluation text needs more than {seq_len + 1} tokens.")
    generator = torch.Generator().manual_seed(seed)
    model.eval()
    losses = []
    for _ in range(batches):
        inputs, targets = random_batch(data, batch_size, seq_len, generator)
        losses.append(float(cross_entropy(model, inputs.to(model.device), targets.to(model.device))))
    return sum(losses) / len(losses)


def bits(nats: float) -> float:
    """Convert nats to bits (divide by ln 2)."""
    return nats / math.log(2)


@torch.no_grad()
def token_log_probs(model: TinyGPT, ids: torch.Tensor) -> torch.Tensor:
    """log p(ids[:, t] | ids[:, :t]) under the model at temperature 1: (B, T) -> (B, T − 1)."""
    model.eval()
    logits = model(ids[:, :-1])  # (B, T − 1, V)
    return F.log_softmax(logits, dim=-1).gather(-1, ids[:, 1:].unsqueeze(-1)).squeeze(-1)
