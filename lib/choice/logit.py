"""Multinomial and nested logit choice probabilities."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from lib.choice._shared import _availability, _check_finite, _lambdas, _logsumexp, _nest_index, _utilities


def mnl_probabilities(V: np.ndarray | Sequence, availability: np.ndarray | Sequence | None = None) -> np.ndarray:
    """Multinomial logit probabilities ``P_j = exp(V_j) / Σ_{k available} exp(V_k)``.

    Computed as ``exp(V_j - logsumexp(V))`` over the available alternatives only, so utilities of
    any size are safe; unavailable alternatives get exactly 0.

    Parameters
    ----------
    V : (n_alts,) or (n_obs, n_alts) systematic utilities.
    availability : optional boolean mask of the same shape (default: all available).

    Example
    -------
    >>> mnl_probabilities([0.0, 0.0, np.log(2.0)])
    array([0.25, 0.25, 0.5 ])
    """
    V, single = _utilities(V)
    av = _availability(availability, V.shape)
    _check_finite(V, av)
    W = np.where(av, V, -np.inf)
    P = np.exp(W - _logsumexp(W, axis=1, keepdims=True))
    return P[0] if single else P


def _nested_log_parts(V: np.ndarray, av: np.ndarray, nest_of: np.ndarray, lam: np.ndarray) -> dict[str, np.ndarray]:
    """Pieces of the nested logit, for (n_obs, n_alts) V: log P, P(j|nest), nest shares, inclusive values."""
    n_nests = lam.size
    scaled = np.where(av, V / lam[nest_of], -np.inf)
    inclusive = np.full((V.shape[0], n_nests), -np.inf)
    for k in range(n_nests):
        members = nest_of == k
        inclusive[:, k] = _logsumexp(scaled[:, members], axis=1)
    with np.errstate(invalid="ignore"):
        top = np.where(np.isfinite(inclusive), lam * inclusive, -np.inf)
    log_denominator = _logsumexp(top, axis=1, keepdims=True)
    log_nest_share = top - log_denominator
    log_within = scaled - inclusive[:, nest_of]
    log_p = log_within + log_nest_share[:, nest_of]
    return {
        "log_p": log_p,
        "within": np.exp(log_within),
        "nest_share": np.exp(log_nest_share),
        "inclusive": inclusive,
    }


def nested_logit_probabilities(
    V: np.ndarray | Sequence,
    nests: Sequence[Sequence[int]],
    lambdas: Sequence[float] | float,
    availability: np.ndarray | Sequence | None = None,
) -> np.ndarray:
    """Nested logit probabilities (random-utility form, utilities divided by λ inside a nest).

    ``P_i = P(i | k) · P(k)`` with ``P(i | k) = exp(V_i/λ_k) / Σ_{j∈k} exp(V_j/λ_k)``,
    ``P(k) = exp(λ_k I_k) / Σ_l exp(λ_l I_l)`` and the inclusive value ``I_k = log Σ_{j∈k} exp(V_j/λ_k)``.
    λ_k = 1 in every nest is the multinomial logit; λ_k → 0 makes the nest's alternatives perfect substitutes.

    Parameters
    ----------
    V : (n_alts,) or (n_obs, n_alts) systematic utilities.
    nests : list of lists of alternative indices, covering every alternative exactly once.
    lambdas : one dissimilarity λ in (0, 1] per nest (a scalar is used for every nest).
    availability : optional boolean mask of V's shape.

    Example
    -------
    Red bus / blue bus: car alone, the two identical buses in one nest, equal utilities.

    >>> nested_logit_probabilities([0.0, 0.0, 0.0], [[0], [1, 2]], [1.0, 0.5]).round(4)
    array([0.4142, 0.2929, 0.2929])
    """
    V, single = _utilities(V)
    av = _availability(availability, V.shape)
    _check_finite(V, av)
    nest_of = _nest_index(nests, V.shape[1])
    lam = _lambdas(lambdas, len(nests))
    P = np.exp(_nested_log_parts(V, av, nest_of, lam)["log_p"])
    return P[0] if single else P


def red_bus_car_share(lam: float) -> float:
    """P(car) when car, red bus and blue bus have equal utility and the buses share a nest: ``1 / (1 + 2^λ)``.

    λ = 1 (MNL) gives 1/3; λ → 0 (the buses are one alternative) gives 1/2.
    """
    lam = _lambdas(lam, 1)[0]
    return float(1.0 / (1.0 + 2.0**lam))
