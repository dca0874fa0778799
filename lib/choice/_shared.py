"""Checks and small helpers the choice modules share (not public)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

MAX_DRAWS = 200_000
LAMBDA_BOUNDS = (0.02, 5.0)  # estimation range for λ; λ > 1 flags a nesting inconsistent with utility maximisation

SeedLike = int | np.random.Generator | None


def _utilities(V: np.ndarray | Sequence) -> tuple[np.ndarray, bool]:
    """V as a 2-D float array and whether it was 1-D."""
    V = np.asarray(V, dtype=float)
    if V.ndim not in (1, 2) or V.shape[-1] < 1:
        raise ValueError(f"V must have shape (n_alts,) or (n_obs, n_alts), got shape {V.shape}.")
    single = V.ndim == 1
    return np.atleast_2d(V), single


def _availability(availability: np.ndarray | Sequence | None, shape: tuple[int, int]) -> np.ndarray:
    if availability is None:
        return np.ones(shape, dtype=bool)
    av = np.asarray(availability)
    if av.ndim == 1 and len(shape) == 2 and shape[0] == 1:
        av = av[None, :]
    if av.shape != shape:
        raise ValueError(f"availability must have shape {shape} to match the utilities, got {av.shape}.")
    if not np.all((av == 0) | (av == 1)):
        raise ValueError("availability must hold only 0/1 or True/False.")
    av = av.astype(bool)
    if not av.any(axis=1).all():
        raise ValueError("Every observation needs at least one available alternative.")
    return av


def _check_finite(V: np.ndarray, av: np.ndarray) -> None:
    if not np.all(np.isfinite(V[av])):
        raise ValueError("V must be finite for every available alternative.")


def _logsumexp(a: np.ndarray, axis: int, keepdims: bool = False) -> np.ndarray:
    """log Σ exp(a) along ``axis``; -inf entries are ignored and an all -inf slice gives -inf."""
    peak = np.max(a, axis=axis, keepdims=True)
    peak = np.where(np.isfinite(peak), peak, 0.0)
    with np.errstate(divide="ignore"):
        out = np.log(np.sum(np.exp(a - peak), axis=axis, keepdims=True)) + peak
    return out if keepdims else np.squeeze(out, axis=axis)


def _seed(seed: SeedLike) -> np.random.Generator:
    return seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)


def _nest_index(nests: Sequence[Sequence[int]], n_alts: int) -> np.ndarray:
    """For each alternative, the index of its nest; checks that nests partition 0..n_alts-1."""
    try:
        flat = [int(j) for nest in nests for j in nest]
    except (TypeError, ValueError):
        raise ValueError("nests must be a list of lists of alternative indices.") from None
    if any(len(nest) == 0 for nest in nests):
        raise ValueError("Every nest must hold at least one alternative.")
    if sorted(flat) != list(range(n_alts)):
        raise ValueError(f"nests must cover every alternative 0..{n_alts - 1} exactly once, got {list(nests)}.")
    index = np.empty(n_alts, dtype=int)
    for k, nest in enumerate(nests):
        index[list(nest)] = k
    return index


def _lambdas(lambdas: Sequence[float] | float, n_nests: int, *, upper: float = 1.0) -> np.ndarray:
    """One λ per nest as a float array (a scalar is used for every nest), each in (0, upper]."""
    lam = np.asarray(lambdas, dtype=float)
    if lam.ndim == 0:
        lam = np.full(n_nests, float(lam))
    if lam.shape != (n_nests,):
        raise ValueError(f"lambdas must hold one λ per nest ({n_nests}), got {lam.size}.")
    if not np.all(np.isfinite(lam)) or np.any(lam <= 0) or np.any(lam > upper):
        raise ValueError(f"Every λ must lie in (0, {upper:g}] (λ = 1 is the multinomial logit), got {lam.tolist()}.")
    return lam
