"""Weight initialisation through depth: how the variance of activations and gradients evolves.

A bias-free layer computes z = h W with W of shape (width, width) and h_next = φ(z). With weights
of variance s²  (fan_in = fan_out = width):

    Var z = width · s² · E[h²]

He (Kaiming, fan_in) takes s² = 2 / fan_in: ReLU zeroes half of z, so E[φ(z)²] = Var z / 2 and the
factor 2 puts it back, layer after layer. Xavier (Glorot) takes s² = 2 / (fan_in + fan_out) =
1 / width here: right for tanh (slope 1 at 0), but after a ReLU it keeps only half the second
moment, so the variance halves at every layer. N(0, 0.02²), GPT-2's choice, shrinks it by
width · 0.0004 per layer (0.1 at width 256). Backward, the gradient ∂L/∂h = (∂L/∂z ⊙ φ'(z)) Wᵀ
picks up the same factor per layer.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lib.validation import one_of, whole

INITS = ("he", "xavier", "normal")
ACTIVATIONS = ("relu", "tanh", "linear")
NORMAL_STD = 0.02


def init_std(init: str, width: int) -> float:
    """The weight standard deviation of ``init`` for a square width × width layer.

    >>> init_std("he", 200), init_std("xavier", 200), init_std("normal", 200)
    (0.1, 0.07071067811865475, 0.02)
    """
    init = one_of("init", init, INITS)
    if init == "he":
        return float(np.sqrt(2.0 / width))
    if init == "xavier":
        return float(np.sqrt(2.0 / (width + width)))
    return NORMAL_STD


def _activate(z: np.ndarray, activation: str) -> np.ndarray:
    if activation == "relu":
        return np.maximum(z, 0.0)
    if activation == "tanh":
        return np.tanh(z)
    return z


def _slope(z: np.ndarray, activation: str) -> np.ndarray:
    if activation == "relu":
        return (z > 0).astype(z.dtype)
    if activation == "tanh":
        return 1.0 - np.tanh(z) ** 2
    return np.ones_like(z)


@dataclass(frozen=True)
class DepthProfile:
    """Variances layer by layer through one random MLP.

    activations : (depth + 1,) Var of each layer's output, the input's first.
    gradients : (depth + 1,) Var of ∂L/∂h_l for L = Σ g ⊙ h_depth with g standard normal,
        h_0 (the input) first and h_depth (where g enters, variance 1) last.
    """

    activations: np.ndarray
    gradients: np.ndarray


def _checked(depth: object, width: object, init: object, activation: object, batch: object) -> tuple:
    return (
        whole("depth", depth, low=1, high=1000),
        whole("width", width, low=2, high=4096),
        one_of("init", init, INITS),
        one_of("activation", activation, ACTIVATIONS),
        whole("batch", batch, low=2, high=100_000),
    )


def _layer_weights(seeds: list[np.random.SeedSequence], std: float, width: int) -> list:
    """One function per layer that redraws its (width, width) weights: memory holds one layer at a time."""
    return [
        lambda s=s: (std * np.random.default_rng(s).standard_normal((width, width))).astype(np.float32) for s in seeds
    ]


def depth_profile(
    depth: int, width: int, init: str = "he", activation: str = "relu", seed: int | None = None, batch: int = 256
) -> DepthProfile:
    """Forward a batch of standard-normal inputs through ``depth`` bias-free layers, then back-propagate.

    float32 throughout, as a network would run; variances are over every entry of the (batch, width)
    array (ddof = 0). See the module docstring for the init scales.

    >>> p = depth_profile(10, 256, "he", "relu", seed=0)
    >>> p.activations.shape, p.gradients.shape, bool(0.5 < p.gradients[0] < 2)
    ((11,), (11,), True)
    """
    depth, width, init, activation, batch = _checked(depth, width, init, activation, batch)
    input_seed, g_seed, *layer_seeds = np.random.SeedSequence(seed).spawn(depth + 2)
    weights = _layer_weights(layer_seeds, init_std(init, width), width)
    h = np.random.default_rng(input_seed).standard_normal((batch, width)).astype(np.float32)  # (B, w)
    pre, acts = [], [h.var()]
    for W in weights:
        z = h @ W()  # (B, w)
        h = _activate(z, activation)
        pre.append(z)
        acts.append(h.var())
    grad = np.random.default_rng(g_seed).standard_normal((batch, width)).astype(np.float32)  # ∂L/∂h_depth
    grads = [grad.var()]
    for W, z in zip(weights[::-1], pre[::-1], strict=True):
        grad = (grad * _slope(z, activation)) @ W().T  # ∂L/∂h_(l−1) = (∂L/∂h_l ⊙ φ'(z_l)) Wᵀ
        grads.append(grad.var())
    return DepthProfile(np.asarray(acts, dtype=float), np.asarray(grads[::-1], dtype=float))


def activation_variances(
    depth: int, width: int, init: str = "he", activation: str = "relu", seed: int | None = None, batch: int = 256
) -> np.ndarray:
    """(depth + 1,) variance of each layer's output for standard-normal inputs; the input's variance first.

    Weights: "he" N(0, 2/width), "xavier" N(0, 1/width) (2 / (fan_in + fan_out)), "normal" N(0, 0.02²);
    layers are bias-free width × width; ``batch`` inputs of dimension ``width``. The forward half of
    :func:`depth_profile` (same seed, same numbers).

    >>> v = activation_variances(30, 256, "xavier", "relu", seed=0)
    >>> bool(0.4 < v[10] / v[9] < 0.6)
    True
    """
    depth, width, init, activation, batch = _checked(depth, width, init, activation, batch)
    input_seed, _, *layer_seeds = np.random.SeedSequence(seed).spawn(depth + 2)
    h = np.random.default_rng(input_seed).standard_normal((batch, width)).astype(np.float32)  # (B, w)
    variances = [h.var()]
    for W in _layer_weights(layer_seeds, init_std(init, width), width):
        h = _activate(h @ W(), activation)
        variances.append(h.var())
    return np.asarray(variances, dtype=float)
