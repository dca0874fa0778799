"""Gradients through repeated maps, by torch autograd: why RNN gradients vanish or explode, and what
backprop stores instead of Jacobians.

For h_{t+1} = act(W h_t) the chain rule gives ∂h_t/∂h_0 = D_t W D_{t−1} W ⋯ D_1 W with D the
activation's derivative (the identity for a linear map, diag(1 − h²) ≤ 1 for tanh), so its norm
grows or shrinks like ρ(W)ᵗ. Computed here in float64 on the CPU: the matrices are tiny.

The Jacobians are forward-mode, and torch's forward-mode AD level is one per process, not per thread: two
threads inside these functions at once raise "Nested forward mode AD is not supported". A caller with
threads (a Streamlit server) runs them one at a time (``pages._common.FORWARD_AD``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch

from lib.linalg.eigen import as_matrix
from lib.linalg.matrices import scale_to_spectral_radius
from lib.validation import one_of, whole

ACTIVATIONS = ("linear", "tanh")
MAX_STEPS = 1_000
MAX_WIDTH = 256


def _activation(name: str):
    return torch.tanh if name == "tanh" else (lambda h: h)


def _recurrence(W: object, steps: int, activation: str, seed: int | None) -> tuple:
    """The checked arguments of both norms: (W as an array, steps, the activation, h_0 ~ N(0, I) from ``seed``)."""
    M = as_matrix("W", W)
    if M.shape[0] > MAX_WIDTH:
        raise ValueError(f"W may be at most {MAX_WIDTH} × {MAX_WIDTH}, got {M.shape[0]} × {M.shape[0]}.")
    steps = whole("steps", steps, 1, MAX_STEPS)
    act = _activation(one_of("activation", activation, ACTIVATIONS))
    h0 = torch.as_tensor(np.random.default_rng(seed).normal(size=M.shape[0]), dtype=torch.float64)
    return M, steps, act, h0


def _spectral_norms(jacobians: torch.Tensor) -> np.ndarray:
    """‖J‖₂ of each (n, n) Jacobian in ``jacobians`` (…, n, n); an overflow is a ValueError, never inf or NaN."""
    norms = torch.linalg.matrix_norm(jacobians, ord=2).numpy()
    if not np.all(np.isfinite(norms)):
        raise ValueError("The gradient norm overflows double precision: use fewer steps or a smaller radius.")
    return norms


def rnn_gradient_norms(W: object, steps: int, activation: str = "linear", seed: int | None = None) -> np.ndarray:
    """‖∂h_t/∂h_0‖₂ for t = 1 … ``steps`` of h_{t+1} = act(W h_t), by torch autograd through the unrolled map.

    h_0 ~ N(0, I) from ``seed`` (it matters for tanh only: a linear map's Jacobian is Wᵗ whatever
    h_0 is, so the linear norms equal ‖Wᵗ‖₂). The Jacobian of all steps at once is one forward-mode
    ``torch.autograd.functional.jacobian`` call; ‖·‖₂ is its largest singular value.

    >>> rnn_gradient_norms([[0.5, 0.0], [0.0, 0.25]], 3).tolist()
    [0.5, 0.25, 0.125]
    """
    M, steps, act, h0 = _recurrence(W, steps, activation, seed)
    weight = torch.as_tensor(M, dtype=torch.float64)

    def unroll(h: torch.Tensor) -> torch.Tensor:  # (n,) -> (steps, n): h_1 … h_steps
        states = []
        for _ in range(steps):
            h = act(weight @ h)
            states.append(h)
        return torch.stack(states)

    jacobian = torch.autograd.functional.jacobian(unroll, h0, vectorize=True, strategy="forward-mode")
    return _spectral_norms(jacobian)  # (steps, n, n) -> (steps,)


def final_gradient_norms(
    W: object, radii: Sequence[float], steps: int, activation: str = "linear", seed: int | None = None
) -> np.ndarray:
    """‖∂h_steps/∂h_0‖₂ with W rescaled to each spectral radius in ``radii``: the boundary at ρ = 1.

    The last entry of :func:`rnn_gradient_norms` for each radius; all radii in one batched forward-mode
    ``torch.func.jacfwd`` (vmapped over the rescaled W), so the torch calls do not grow with the radii.

    >>> final_gradient_norms([[1.0, 0.0], [0.0, 0.5]], [0.5, 2.0], 2).tolist()
    [0.25, 4.0]
    """
    M, steps, act, h0 = _recurrence(W, steps, activation, seed)
    weights = torch.as_tensor(np.stack([scale_to_spectral_radius(M, r) for r in radii]), dtype=torch.float64)

    def last_state(weight: torch.Tensor, h: torch.Tensor) -> torch.Tensor:  # (n, n), (n,) -> (n,): h_steps
        for _ in range(steps):
            h = act(weight @ h)
        return h

    jacobians = torch.func.vmap(torch.func.jacfwd(last_state, argnums=1), in_dims=(0, None))(weights, h0)
    return _spectral_norms(jacobians)  # (R, n, n) -> (R,)


@dataclass(frozen=True)
class VJPCheck:
    """One backward pass of a small MLP against its full Jacobian.

    ``jacobian_shape`` = (batch, d_out, batch, d_in): every output's derivative by every input;
    ``saved_numbers`` counts what autograd keeps for the backward pass besides the weights (the
    inputs and activations it needs for each op's vector–Jacobian product).
    """

    jacobian_shape: tuple[int, int, int, int]
    jacobian_numbers: int
    saved_numbers: int
    parameters: int
    vjp: np.ndarray  # (batch, d_in) autograd's backward with grad_outputs v
    jacobian_vjp: np.ndarray  # (batch, d_in) Jᵀ v from the full Jacobian
    max_abs_difference: float


def vjp_check(d_in: int, hidden: int, d_out: int, batch: int, seed: int | None = None) -> VJPCheck:
    """For y = tanh(x W₁ᵀ + b₁) W₂ᵀ + b₂ on a batch x (batch, d_in) and a random v (batch, d_out):
    ``torch.autograd.grad(y, x, v)`` against Jᵀ v with J from ``torch.autograd.functional.jacobian``.

    >>> c = vjp_check(3, 4, 2, batch=5, seed=0)
    >>> c.jacobian_shape, c.max_abs_difference < 1e-12
    ((5, 2, 5, 3), True)
    """
    d_in, hidden, d_out = (whole(n, v, 1, 64) for n, v in (("d_in", d_in), ("hidden", hidden), ("d_out", d_out)))
    batch = whole("batch", batch, 1, 64)
    rng = np.random.default_rng(seed)

    def tensor(*shape: int, scale: float = 1.0) -> torch.Tensor:
        return torch.as_tensor(rng.normal(0.0, scale, size=shape), dtype=torch.float64)

    W1, b1 = tensor(hidden, d_in, scale=d_in**-0.5), tensor(hidden, scale=0.1)
    W2, b2 = tensor(d_out, hidden, scale=hidden**-0.5), tensor(d_out, scale=0.1)
    x, v = tensor(batch, d_in).requires_grad_(), tensor(batch, d_out)
    weights = {t.data_ptr() for t in (W1, b1, W2, b2)}

    def mlp(inputs: torch.Tensor) -> torch.Tensor:  # (batch, d_in) -> (batch, d_out)
        return torch.tanh(inputs @ W1.T + b1) @ W2.T + b2

    saved: dict[int, int] = {}

    def keep(t: torch.Tensor) -> torch.Tensor:
        if t.data_ptr() not in weights:
            saved[t.data_ptr()] = t.numel()
        return t

    with torch.autograd.graph.saved_tensors_hooks(keep, lambda t: t):
        y = mlp(x)
    (vjp,) = torch.autograd.grad(y, x, v)  # one backward pass: (batch, d_in)
    J = torch.autograd.functional.jacobian(mlp, x.detach())  # (batch, d_out, batch, d_in)
    jt_v = (J.reshape(batch * d_out, batch * d_in).T @ v.reshape(-1)).reshape(batch, d_in)
    return VJPCheck(
        jacobian_shape=tuple(J.shape),
        jacobian_numbers=J.numel(),
        saved_numbers=sum(saved.values()),
        parameters=sum(t.numel() for t in (W1, b1, W2, b2)),
        vjp=vjp.numpy(),
        jacobian_vjp=jt_v.numpy(),
        max_abs_difference=float((vjp - jt_v).abs().max()),
    )
