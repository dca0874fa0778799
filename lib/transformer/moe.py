"""Mixture of experts (DeepSeekMoE): a router sends each token to k of n small SwiGLU experts.

y = Σ_shared FFN_s(x) + Σ_{i ∈ top-k(p)} g_i · FFN_i(x),   p = softmax(W_r x),   g = p restricted to the
top k and renormalised (so the weights sum to 1). A token pays for k experts (plus the shared ones)
while the layer holds n: more parameters at the same compute per token.
"""

from __future__ import annotations

from typing import NamedTuple

import torch
import torch.nn.functional as F
from torch import nn

from lib.transformer.ffn import SwiGLU, swiglu_hidden_size


class Routing(NamedTuple):
    """The router's decision for a batch.

    weights : (B, T, n_experts), exactly k non-zero per token, summing to 1;
    load : (n_experts,), the share of the B·T·k token→expert assignments each expert got;
    probs : (B, T, n_experts), the router's full softmax.
    """

    weights: torch.Tensor
    load: torch.Tensor
    probs: torch.Tensor


def load_balancing_loss(routing: Routing) -> torch.Tensor:
    """The switch-transformer auxiliary loss n · Σᵢ loadᵢ · mean(probsᵢ); 1 for perfectly even routing.

    ``load`` counts hard assignments (no gradient); the mean probability carries the gradient,
    pushing probability away from overloaded experts.

    Example
    -------
    >>> even = Routing(torch.full((1, 4, 2), 0.5), torch.tensor([0.5, 0.5]), torch.full((1, 4, 2), 0.5))
    >>> float(load_balancing_loss(even))
    1.0
    """
    n_experts = routing.load.numel()
    mean_probs = routing.probs.reshape(-1, n_experts).mean(dim=0)  # (n_experts,)
    return n_experts * (routing.load * mean_probs).sum()


class MoEFFN(nn.Module):
    """A router over ``n_experts`` SwiGLU experts of hidden size ``d_ff``, ``experts_per_token`` per token,
    plus ``n_shared_experts`` that every token uses (DeepSeekMoE's shared experts).

    ``d_ff=None`` is the dense SwiGLU's 8/3·d_model. The last routing is kept in ``last_routing``
    (training adds its load-balancing loss).

    Example
    -------
    >>> moe = MoEFFN(8, 16, n_experts=4, experts_per_token=2)
    >>> r = moe.route(torch.randn(1, 3, 8))
    >>> (r.weights > 0).sum(-1).tolist(), round(float(r.load.sum()), 6)
    ([[2, 2, 2]], 1.0)
    """

    def __init__(
        self, d_model: int, d_ff: int | None, n_experts: int, experts_per_token: int, n_shared_experts: int = 0
    ) -> None:
        super().__init__()
        check_moe(n_experts, experts_per_token, n_shared_experts)
        d_ff = d_ff or swiglu_hidden_size(d_model)
        self.n_experts, self.experts_per_token = n_experts, experts_per_token
        self.router = nn.Linear(d_model, n_experts, bias=False)
        self.experts = nn.ModuleList(SwiGLU(d_model, d_ff) for _ in range(n_experts))
        self.shared = nn.ModuleList(SwiGLU(d_model, d_ff) for _ in range(n_shared_experts))
        self.last_routing: Routing | None = None

    def route(self, x: torch.Tensor) -> Routing:
        """x (B, T, d_model) -> the :class:`Routing` of every token."""
        probs = F.softmax(self.router(x).float(), dim=-1)  # (B, T, n)
        top, chosen = probs.topk(self.experts_per_token, dim=-1)  # (B, T, k)
        weights = torch.zeros_like(probs).scatter(-1, chosen, top / top.sum(-1, keepdim=True))
        counts = torch.zeros(self.n_experts, device=x.device).index_add_(
            0, chosen.reshape(-1), torch.ones(chosen.numel(), device=x.device)
        )
        return Routing(weights.to(x.dtype), counts / chosen.numel(), probs)

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (B, T, d_model) -> (B, T, d_model)
        routing = self.route(x)
        self.last_routing = routing
        flat, weights = x.reshape(-1, x.size(-1)), routing.weights.reshape(-1, self.n_experts)  # (N, C), (N, n)
        out = sum((expert(flat) for expert in self.shared), torch.zeros_like(flat))
        for i, expert in enumerate(self.experts):
            tokens = weights[:, i].nonzero().squeeze(-1)  # only the tokens routed here are computed
            if tokens.numel():
                out = out.index_add(0, tokens, weights[tokens, i, None] * expert(flat[tokens]))
        return out.view_as(x)


def check_moe(n_experts: int, experts_per_token: int, n_shared_experts: int) -> None:
    """ValueError (one sentence) unless 1 ≤ experts_per_token ≤ n_experts and n_shared_experts ≥ 0."""
    if int(n_experts) < 1:
        raise ValueError(f"n_experts must be at least 1, got {n_experts}.")
    if not 1 <= int(experts_per_token) <= int(n_experts):
        raise ValueError(f"experts_per_token must lie in 1..n_experts = {n_experts}, got {experts_per_token}.")
    if int(n_shared_experts) < 0:
        raise ValueError(f"n_shared_experts must be at least 0, got {n_shared_experts}.")


__all__ = ["MoEFFN", "Routing", "check_moe", "load_balancing_loss"]
