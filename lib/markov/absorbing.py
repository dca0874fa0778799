"""Absorbing chains: N = (I − Q)⁻¹, B = N R, t = N 1, exact or in floats, and the notes' HHT vs HTT chain."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from lib.markov.chains import Orientation, _column_stochastic


def _to_fraction(x: object) -> Fraction:
    if isinstance(x, Fraction | int):
        return Fraction(x)
    # repr of a float is the shortest decimal that round-trips: 0.55 -> 11/20, not 2476979795053773/4503599627370496.
    return Fraction(repr(float(x)))


def _as_rows(P: np.ndarray | Sequence[Sequence[float]], orientation: Orientation, exact: bool) -> np.ndarray:
    """Return P as a row-stochastic matrix (floats, or Fractions when exact)."""
    if exact:
        P = np.array([[_to_fraction(v) for v in row] for row in np.asarray(P, dtype=object)], dtype=object)
    else:
        P = np.asarray(P, dtype=float)
    if P.ndim != 2 or P.shape[0] != P.shape[1] or P.shape[0] == 0:
        raise ValueError(f"P must be a non-empty square matrix, got shape {P.shape}.")
    if np.any(P < 0):
        raise ValueError("P must hold non-negative transition probabilities.")

    def sums_to_one(axis: int) -> bool:
        s = P.sum(axis=axis)
        return bool(np.all(s == 1)) if exact else bool(np.allclose(s, 1.0, atol=1e-8))

    rows_ok, cols_ok = sums_to_one(1), sums_to_one(0)
    if orientation == "rows" or (orientation == "auto" and rows_ok):
        if not rows_ok:
            raise ValueError("Every row of P must sum to 1 (P[i, j] = P(i -> j)).")
        return P
    if orientation in ("columns", "auto") and cols_ok:
        return P.T
    if orientation == "columns":
        raise ValueError("Every column of P must sum to 1 (P[i, j] = P(j -> i)).")
    raise ValueError("Neither the rows nor the columns of P sum to 1, so it is not a transition matrix.")


def _solve_exact(M: np.ndarray, B: np.ndarray) -> np.ndarray:
    """Solve ``M X = B`` over the rationals by Gauss-Jordan elimination."""
    n = M.shape[0]
    aug = np.concatenate([M, B], axis=1).astype(object)
    for col in range(n):
        pivot = next((r for r in range(col, n) if aug[r, col] != 0), None)
        if pivot is None:
            raise np.linalg.LinAlgError("singular matrix")
        aug[[col, pivot]] = aug[[pivot, col]]
        aug[col] = aug[col] / aug[col, col]
        for r in range(n):
            if r != col and aug[r, col] != 0:
                aug[r] = aug[r] - aug[r, col] * aug[col]
    return aug[:, n:]


@dataclass(frozen=True)
class AbsorbingChain:
    """The fundamental quantities of an absorbing chain, in row form ``P = [[Q, R], [0, I]]``.

    Attributes
    ----------
    transient, absorbing : the state indices of each kind, in the order used below.
    fundamental : ``N = (I - Q)^{-1}``, (n_t, n_t); ``N[i, j]`` = expected visits to j starting from i.
    absorption : ``B = N R``, (n_t, n_a); ``B[i, k]`` = P(absorbed in ``absorbing[k]`` | start in ``transient[i]``).
    expected_steps : ``t = N 1``, (n_t,); expected number of steps before absorption.
    """

    transient: tuple[int, ...]
    absorbing: tuple[int, ...]
    fundamental: np.ndarray
    absorption: np.ndarray
    expected_steps: np.ndarray


def absorbing_chain(
    P: np.ndarray | Sequence[Sequence[float]],
    transient: Sequence[int],
    absorbing: Sequence[int],
    *,
    orientation: Orientation = "auto",
    exact: bool = False,
) -> AbsorbingChain:
    """Fundamental matrix, absorption probabilities and expected steps of an absorbing chain.

    ``P`` may be row-stochastic (``P[i, j] = P(i -> j)``) or column-stochastic like the
    notes' ``A``; ``orientation="auto"`` picks rows when the rows sum to 1, else columns.
    With ``exact=True`` every entry is a :class:`~fractions.Fraction`.

    Example (the notes' HHT vs HTT chain, states H, HH, HHT first, HTT first)
    -------
    >>> chain = absorbing_chain(hht_vs_htt_matrix(), [0, 1], [2, 3], exact=True)
    >>> [str(p) for p in chain.absorption[0]]
    ['2/3', '1/3']
    """
    rows = _as_rows(P, orientation, exact)
    n = rows.shape[0]
    transient, absorbing = tuple(int(i) for i in transient), tuple(int(i) for i in absorbing)
    if sorted(transient + absorbing) != list(range(n)):
        raise ValueError(f"transient and absorbing must split the {n} states, each index exactly once.")
    if not absorbing:
        raise ValueError("An absorbing chain needs at least one absorbing state.")
    Q = rows[np.ix_(transient, transient)]
    R = rows[np.ix_(transient, absorbing)]
    N = _solve_identity_minus(Q, _identity(len(transient), exact), exact)
    return AbsorbingChain(
        transient=transient,
        absorbing=absorbing,
        fundamental=N,
        absorption=N.dot(R),
        expected_steps=N.sum(axis=1),
    )


def _identity(k: int, exact: bool) -> np.ndarray:
    if exact:
        return np.array([[Fraction(int(i == j)) for j in range(k)] for i in range(k)], dtype=object).reshape(k, k)
    return np.eye(k)


def _solve_identity_minus(Q: np.ndarray, B: np.ndarray, exact: bool) -> np.ndarray:
    """Solve ``(I - Q) X = B``, exactly over the rationals or in floating point."""
    if Q.shape[0] == 0:
        return B[:0]
    try:
        if exact:
            return _solve_exact(_identity(Q.shape[0], True) - Q, B)
        return np.linalg.solve(np.eye(Q.shape[0]) - Q, B)
    except np.linalg.LinAlgError:
        raise ValueError("Some transient state never reaches an absorbing state, so I - Q is singular.") from None


def absorption_probabilities(
    P: np.ndarray | Sequence[Sequence[float]],
    transient: Sequence[int],
    absorbing: Sequence[int],
    *,
    orientation: Orientation = "auto",
    exact: bool = False,
) -> np.ndarray:
    """``B = (I - Q)^{-1} R``: row i gives where a walk from ``transient[i]`` ends up (rows sum to 1).

    See :func:`absorbing_chain` for the conventions.
    """
    return absorbing_chain(P, transient, absorbing, orientation=orientation, exact=exact).absorption


def limit_distribution(
    A: np.ndarray | Sequence[Sequence[float]], x0: Sequence[float], *, exact: bool = False
) -> np.ndarray:
    """``lim_{t→∞} A^t x0`` for an absorbing chain (states with ``A[j, j] = 1`` absorb).

    Example
    -------
    >>> [str(p) for p in limit_distribution(hht_vs_htt_matrix(), [1, 0, 0, 0], exact=True)]
    ['0', '0', '2/3', '1/3']
    """
    A_float = _column_stochastic(A)
    absorbing = [j for j in range(A_float.shape[0]) if A_float[j, j] == 1.0]
    transient = [j for j in range(A_float.shape[0]) if j not in absorbing]
    chain = absorbing_chain(A, transient, absorbing, orientation="columns", exact=exact)
    convert = _to_fraction if exact else float
    x = [convert(v) for v in x0]
    limit = np.array([convert(0)] * len(x), dtype=object if exact else float)
    for k, j in enumerate(absorbing):
        limit[j] = x[j] + sum(x[i] * chain.absorption[row, k] for row, i in enumerate(transient))
    return limit


HHT_VS_HTT_LABELS = ("H", "HH", "HHT first", "HTT first")


def hht_vs_htt_matrix(*, exact: bool = False) -> np.ndarray:
    """The notes' 4-state chain for "HHT or HTT first?", columns = from-state.

    States: 0 "H" (the race starts at the first head), 1 "HH", 2 absorbed by HHT,
    3 absorbed by HTT. One step reads two flips from H (HTH returns to H, HTT ends it)
    and one flip from HH (HHT ends it). ``exact=True`` gives Fractions.
    """
    A = np.array(
        [
            [0.25, 0.0, 0.0, 0.0],
            [0.25, 0.5, 0.0, 0.0],
            [0.25, 0.5, 1.0, 0.0],
            [0.25, 0.0, 0.0, 1.0],
        ]
    )
    return np.vectorize(_to_fraction, otypes=[object])(A) if exact else A
