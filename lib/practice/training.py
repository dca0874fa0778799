"""The torch half of the page: a short training run per initialisation, and what breaks seeding.

Imported only where torch is wanted (``lib.practice`` itself stays numpy). Every run builds its
data and model from ``seed`` alone, so the same call gives the same loss curve, bit for bit, on the
same device, unless one of the named sources of nondeterminism is switched on.
"""

from __future__ import annotations

import itertools

import numpy as np
import torch
from torch import nn

from lib.device import pick_device
from lib.practice.initialisation import ACTIVATIONS, INITS, init_std
from lib.validation import one_of, positive, whole

N_INPUTS = 8
N_EXAMPLES = 512
NONDETERMINISM = ("none", "unseeded augmentation", "index_add_")
_ACTIVATION_MODULES = {"relu": nn.ReLU, "tanh": nn.Tanh, "linear": nn.Identity}


def regression_task(seed: int, device: torch.device | str = "cpu") -> tuple[torch.Tensor, torch.Tensor]:
    """x ~ N(0, I₈) (512, 8) and y = sin(x₁ + x₂) + x₃x₄ / 2 (512, 1): smooth, non-linear, variance ≈ 0.7."""
    generator = torch.Generator().manual_seed(seed)
    x = torch.randn(N_EXAMPLES, N_INPUTS, generator=generator)  # (N, 8)
    y = torch.sin(x[:, :1] + x[:, 1:2]) + x[:, 2:3] * x[:, 3:4] / 2  # (N, 1)
    return x.to(device), y.to(device)


def _std(init: str, fan_in: int, fan_out: int) -> float:
    """He √(2 / fan_in), Xavier √(2 / (fan_in + fan_out)), normal 0.02 (``init_std`` for square layers)."""
    if init == "he":
        return float(np.sqrt(2.0 / fan_in))
    if init == "xavier":
        return float(np.sqrt(2.0 / (fan_in + fan_out)))
    return init_std("normal", fan_in)


def deep_mlp(depth: int, width: int, init: str, activation: str, seed: int) -> nn.Sequential:
    """``depth`` bias-free hidden layers of ``width`` units (8 → width → … → width → 1), weights drawn by ``init``."""
    torch.manual_seed(seed)
    sizes = [N_INPUTS] + [width] * depth
    layers: list[nn.Module] = []
    for fan_in, fan_out in itertools.pairwise(sizes):
        linear = nn.Linear(fan_in, fan_out, bias=False)
        nn.init.normal_(linear.weight, 0.0, _std(init, fan_in, fan_out))
        layers += [linear, _ACTIVATION_MODULES[activation]()]
    head = nn.Linear(width, 1, bias=False)
    nn.init.normal_(head.weight, 0.0, _std("normal" if init == "normal" else "xavier", width, 1))
    return nn.Sequential(*layers, head)


def train_mlp(
    depth: int,
    width: int,
    init: str = "he",
    activation: str = "relu",
    steps: int = 200,
    lr: float = 0.05,
    seed: int = 0,
    device: str = "cpu",
) -> np.ndarray:
    """(steps + 1,) MSE of full-batch SGD on :func:`regression_task`: before every step, and after the last.

    Plain SGD (no momentum, no adaptive steps), so a vanishing gradient shows as a flat curve.

    >>> losses = train_mlp(4, 32, "he", "relu", steps=20, lr=0.05, seed=0)
    >>> losses.shape, bool(losses[-1] < losses[0])
    ((21,), True)
    """
    depth = whole("depth", depth, low=1, high=200)
    width = whole("width", width, low=2, high=1024)
    init, activation = one_of("init", init, INITS), one_of("activation", activation, ACTIVATIONS)
    steps, lr = whole("steps", steps, low=1, high=10_000), positive("lr", lr)
    target = pick_device(device)
    x, y = regression_task(seed, target)
    model = deep_mlp(depth, width, init, activation, seed).to(target)
    optimiser = torch.optim.SGD(model.parameters(), lr=lr)
    losses = []
    for _ in range(steps):
        loss = nn.functional.mse_loss(model(x), y)
        losses.append(loss.item())
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
    with torch.no_grad():
        losses.append(nn.functional.mse_loss(model(x), y).item())
    return np.nan_to_num(np.asarray(losses), nan=np.inf)  # a diverged run shows as inf, never NaN


def seeded_run(seed: int, steps: int = 50, breaker: str = "none", device: str = "cpu") -> np.ndarray:
    """(steps,) minibatch losses of a small MLP trained after ``torch.manual_seed(seed)`` and friends.

    ``breaker`` adds one hidden source of nondeterminism:

    - "unseeded augmentation": each batch gets input noise from ``np.random.default_rng()`` with no
      seed (fresh OS entropy), as a data-loader worker that builds its own generator does;
    - "index_add_": a layer sums rows into buckets with ``Tensor.index_add_``, which on CUDA adds in
      whatever order the threads finish (float addition is not associative); on CPU it is ordered.

    >>> a, b = seeded_run(3, steps=5), seeded_run(3, steps=5)
    >>> bool((a == b).all())
    True
    """
    breaker = one_of("breaker", breaker, NONDETERMINISM)
    steps = whole("steps", steps, low=1, high=10_000)
    target = pick_device(device)
    seed_everything(seed)
    x, y = regression_task(seed, target)
    model = nn.Sequential(nn.Linear(N_INPUTS, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 1)).to(target)
    optimiser = torch.optim.SGD(model.parameters(), lr=0.05)
    buckets = torch.arange(64, device=target) % 4  # index_add_: 64 rows summed into 4 buckets, many per bucket
    unseeded = np.random.default_rng()  # deliberately without a seed: the point of the demo
    losses = []
    for _ in range(steps):
        batch = torch.randint(0, N_EXAMPLES, (64,), device=target)
        inputs = x[batch]
        if breaker == "unseeded augmentation":
            inputs = inputs + torch.as_tensor(
                0.1 * unseeded.standard_normal(inputs.shape), dtype=x.dtype, device=target
            )
        prediction = model(inputs)  # (64, 1)
        if breaker == "index_add_":  # add each bucket's mean prediction: the sum's order reaches the loss
            pooled = torch.zeros(4, 1, device=target).index_add_(0, buckets, prediction) / 16  # (4, 1)
            prediction = prediction + 0.5 * pooled[buckets]
        loss = nn.functional.mse_loss(prediction, y[batch])
        losses.append(loss.item())
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
    return np.asarray(losses)


def seed_everything(seed: int) -> None:
    """The notes' recipe: seed Python, NumPy and torch (all devices) and ask cuDNN for determinism."""
    import random

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.cuda.manual_seed_all(seed)
    torch.backends.cudnn.deterministic = True
    torch.backends.cudnn.benchmark = False
