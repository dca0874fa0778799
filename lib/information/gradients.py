"""Two unbiased estimators of ∇_(μ, σ) E_{z~N(μ, σ²)}[f(z)]: score function (REINFORCE) and reparameterization.

With z = μ + σ ε, ε ~ N(0, 1):

* score function: f(z) ∇ log q(z), i.e. (f(z) ε / σ, f(z) (ε² − 1) / σ) — needs only f's values;
* reparameterization: ∇ f(μ + σ ε) = (f'(z), f'(z) ε) — needs f's derivative, usually far less variance.

Both have the exact gradient as their mean; an average of N single-sample estimates has variance
Var(single) / N. VAEs use the second (the "reparameterization trick").

>>> f = TEST_FUNCTIONS["z²"]
>>> f.exact_gradient(1.0, 2.0)  # E[z²] = μ² + σ²
(2.0, 4.0)
>>> reparameterization_gradients(f.df, 1.0, 2.0, 200_000, seed=0).mean(axis=0).round(1)
array([2., 4.])
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from lib.validation import finite, positive, whole

MAX_SAMPLES = 10_000_000
Fn = Callable[[np.ndarray], np.ndarray]


@dataclass(frozen=True)
class TestFunction:
    """f, its derivative f', and the exact (∂/∂μ, ∂/∂σ) of E_{N(μ, σ²)}[f(z)]."""

    __test__ = False  # not a pytest class
    f: Fn
    df: Fn
    expected: Callable[[float, float], float]
    gradient: Callable[[float, float], tuple[float, float]]

    def exact_gradient(self, mean: float, std: float) -> tuple[float, float]:
        return tuple(float(g) for g in self.gradient(mean, std))  # type: ignore[return-value]


TEST_FUNCTIONS: dict[str, TestFunction] = {
    "z²": TestFunction(
        f=lambda z: z**2,
        df=lambda z: 2 * z,
        expected=lambda m, s: m**2 + s**2,
        gradient=lambda m, s: (2 * m, 2 * s),
    ),
    "sin z": TestFunction(
        f=np.sin,
        df=np.cos,
        expected=lambda m, s: np.sin(m) * np.exp(-(s**2) / 2),
        gradient=lambda m, s: (np.cos(m) * np.exp(-(s**2) / 2), -s * np.sin(m) * np.exp(-(s**2) / 2)),
    ),
    "exp z": TestFunction(
        f=np.exp,
        df=np.exp,
        expected=lambda m, s: np.exp(m + s**2 / 2),
        gradient=lambda m, s: (np.exp(m + s**2 / 2), s * np.exp(m + s**2 / 2)),
    ),
    "z⁴": TestFunction(
        f=lambda z: z**4,
        df=lambda z: 4 * z**3,
        expected=lambda m, s: m**4 + 6 * m**2 * s**2 + 3 * s**4,
        gradient=lambda m, s: (4 * m**3 + 12 * m * s**2, 12 * m**2 * s + 12 * s**3),
    ),
}


def _standard_draws(mean: float, std: float, n_samples: int, seed: int | None) -> tuple[float, float, np.ndarray]:
    mean, std = finite("mean", mean), positive("std", std)
    n_samples = whole("n_samples", n_samples, low=1, high=MAX_SAMPLES)
    return mean, std, np.random.default_rng(seed).standard_normal(n_samples)


def _values(fn: Fn, z: np.ndarray, name: str) -> np.ndarray:
    with np.errstate(over="ignore", invalid="ignore"):
        out = np.broadcast_to(np.asarray(fn(z), dtype=float), z.shape)
    if not np.all(np.isfinite(out)):
        raise ValueError(f"{name} gave a non-finite value at some sample: pick a smaller σ or another function.")
    return out


def score_function_gradients(f: Fn, mean: float, std: float, n_samples: int, seed: int | None) -> np.ndarray:
    """Single-sample score-function estimates of ∇_(μ, σ) E[f(z)], shape (n_samples, 2).

    Row i is f(zᵢ) ∇_(μ, σ) log N(zᵢ; μ, σ²) = f(zᵢ) (εᵢ / σ, (εᵢ² − 1) / σ), zᵢ = μ + σ εᵢ.
    The same seed draws the same ε as :func:`reparameterization_gradients`.
    """
    mean, std, eps = _standard_draws(mean, std, n_samples, seed)
    fz = _values(f, mean + std * eps, "f")
    return np.stack([fz * eps / std, fz * (eps**2 - 1) / std], axis=1)


def reparameterization_gradients(df: Fn, mean: float, std: float, n_samples: int, seed: int | None) -> np.ndarray:
    """Single-sample reparameterization estimates of ∇_(μ, σ) E[f(z)], shape (n_samples, 2).

    Row i is ∇_(μ, σ) f(μ + σ εᵢ) = (f'(zᵢ), f'(zᵢ) εᵢ); ``df`` is f's derivative.
    """
    mean, std, eps = _standard_draws(mean, std, n_samples, seed)
    dfz = _values(df, mean + std * eps, "f'")
    return np.stack([dfz, dfz * eps], axis=1)


def estimator_variances(
    f: Fn, df: Fn, mean: float, std: float, sizes: list[int], n_repeats: int, seed: int | None
) -> dict[str, np.ndarray]:
    """The variance over ``n_repeats`` runs of each estimator averaged over N samples, for every N in ``sizes``.

    Returns ``{"score function": (len(sizes), 2), "reparameterization": (len(sizes), 2)}`` (columns:
    ∂/∂μ, ∂/∂σ). Each run's N-sample average uses the first N of its max(sizes) draws.
    """
    sizes = [whole("each sample size", s, low=1, high=100_000) for s in sizes]
    n_repeats = whole("n_repeats", n_repeats, low=2, high=100_000)
    largest = max(sizes)
    if largest * n_repeats > MAX_SAMPLES:
        raise ValueError(f"max(sizes) × n_repeats may be at most {MAX_SAMPLES:,}, got {largest * n_repeats:,}.")
    total = largest * n_repeats
    out = {}
    for name, single in (
        ("score function", score_function_gradients(f, mean, std, total, seed)),
        ("reparameterization", reparameterization_gradients(df, mean, std, total, seed)),
    ):
        runs = single.reshape(n_repeats, largest, 2)
        running_mean = np.cumsum(runs, axis=1) / np.arange(1, largest + 1)[None, :, None]  # (repeats, largest, 2)
        out[name] = np.stack([running_mean[:, s - 1].var(axis=0, ddof=1) for s in sizes])
    return out
