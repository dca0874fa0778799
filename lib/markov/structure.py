"""Any chain typed by hand: its classes, periods, stationary law and hitting times (row-stochastic P).

Here ``P[i, j] = P(i → j)``, the textbook (and R markovchain) convention, so *rows* sum to 1.
States are numbered from 0.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

import numpy as np
from scipy.sparse.csgraph import connected_components

MAX_STATES = 10
MAX_TYPED_CHARS = 2_000
_ROWS = re.compile(r"[;\n]+")
_ENTRIES = re.compile(r"[,\s]+")


def _entry(text: str) -> float:
    shown = text if len(text) <= 12 else text[:11] + "…"
    parts = text.split("/")  # "0.25", "1e-2" or a fraction "1/4"
    try:
        numbers = [float(part) for part in parts]
        if len(numbers) > 2 or not all(map(math.isfinite, numbers)):
            raise ValueError
        value = numbers[0] / numbers[1] if len(numbers) == 2 else numbers[0]
    except (ValueError, ZeroDivisionError):
        raise ValueError(
            f"Every entry of P must be a finite number or a fraction such as 1/3; {shown!r} is not."
        ) from None
    return value


def parse_transition_matrix(text: str, *, max_states: int = MAX_STATES) -> np.ndarray:
    """A transition matrix typed as rows separated by ``;`` or new lines, entries by commas or spaces.

    Entries may be decimals or fractions. The result is checked by :func:`row_stochastic`.

    >>> parse_transition_matrix("1/2 1/2; 1 0").tolist()
    [[0.5, 0.5], [1.0, 0.0]]
    """
    text = str(text)
    if len(text) > MAX_TYPED_CHARS:
        raise ValueError(f"P may be typed in at most {MAX_TYPED_CHARS:,} characters, got {len(text):,}.")
    rows = [[e for e in _ENTRIES.split(r.strip()) if e] for r in _ROWS.split(text) if r.strip()]
    if not rows:
        raise ValueError("Type the rows of P separated by semicolons, e.g. 0.9 0.1; 0.5 0.5.")
    if len(rows) > max_states or max(len(r) for r in rows) > max_states:
        raise ValueError(f"P may have at most {max_states} states (rows and columns).")
    if {len(r) for r in rows} != {len(rows)}:
        raise ValueError(f"P must be square: {len(rows)} rows need {len(rows)} entries each.")
    return row_stochastic(np.array([[_entry(e) for e in r] for r in rows]))


def row_stochastic(P: np.ndarray | Sequence[Sequence[float]]) -> np.ndarray:
    """``P`` as a float array, or ``ValueError`` with one sentence saying why it is no transition matrix."""
    P = np.asarray(P, dtype=float)
    if P.ndim != 2 or P.shape[0] != P.shape[1] or P.shape[0] == 0:
        raise ValueError(f"P must be a non-empty square matrix, got shape {P.shape}.")
    if not np.all(np.isfinite(P)):
        raise ValueError("Every entry of P must be a finite number.")
    negative = np.argwhere(P < 0)
    if negative.size:
        i, j = negative[0]
        raise ValueError(f"P[{i}, {j}] = {P[i, j]:g} is negative, and a transition probability cannot be.")
    sums = P.sum(axis=1)
    off = np.flatnonzero(np.abs(sums - 1) > 1e-9)
    if off.size:
        i = int(off[0])
        raise ValueError(
            f"Row {i} of P sums to {sums[i]:.6g}, not 1, so P is not a transition matrix "
            "(each row holds the probabilities of leaving that state)."
        )
    return P


def communicating_classes(P: np.ndarray | Sequence[Sequence[float]]) -> list[tuple[list[int], bool]]:
    """The communicating classes of ``P`` (strongly connected components of ``i → j`` when
    ``P[i, j] > 0``), each as (sorted states, closed), ordered by their smallest state.

    A class is *closed* (recurrent, for a finite chain) when no probability leaves it.

    >>> communicating_classes([[0.5, 0.5, 0], [0, 1, 0], [0, 0, 1]])
    [([0], False), ([1], True), ([2], True)]
    """
    P = row_stochastic(P)
    _, labels = connected_components(P > 0, directed=True, connection="strong")
    classes = sorted((np.flatnonzero(labels == k).tolist() for k in np.unique(labels)), key=min)
    return [(members, bool(np.isclose(P[np.ix_(members, members)].sum(), len(members)))) for members in classes]


def period(P: np.ndarray | Sequence[Sequence[float]], members: Sequence[int]) -> int:
    """The period of a communicating class: the gcd of the lengths of its cycles.

    From a breadth-first level ``d`` (steps from the class's first state), every edge ``u → v``
    inside the class closes a cycle offset ``d(u) + 1 − d(v)``; the period is the gcd of those.

    >>> period([[0, 1], [1, 0]], [0, 1])
    2
    """
    P = row_stochastic(P)
    inside = set(members)
    depth = {members[0]: 0}
    frontier = [members[0]]
    while frontier:
        nxt = []
        for u in frontier:
            for v in np.flatnonzero(P[u] > 0).tolist():
                if v in inside and v not in depth:
                    depth[v] = depth[u] + 1
                    nxt.append(v)
        frontier = nxt
    g = 0
    for u in inside:
        for v in np.flatnonzero(P[u] > 0).tolist():
            if v in inside:
                g = math.gcd(g, depth[u] + 1 - depth[v])
    return g


def stationary_distribution(P: np.ndarray | Sequence[Sequence[float]]) -> np.ndarray:
    """The stationary distribution ``π P = π``, ``Σ π = 1`` of an irreducible chain.

    Solved as one linear system: ``(Pᵀ − I) πᵀ = 0`` with its last equation replaced by ``Σ π = 1``.
    A reducible ``P`` (several classes) raises ``ValueError``: each closed class has its own.

    >>> stationary_distribution([[0.9, 0.1], [0.5, 0.5]]).round(6).tolist()  # (5/6, 1/6)
    [0.833333, 0.166667]
    """
    P = row_stochastic(P)
    classes = communicating_classes(P)
    if len(classes) > 1:
        raise ValueError(
            f"P is not irreducible: it has {len(classes)} communicating classes, so there is no single "
            "stationary distribution (each closed class has its own)."
        )
    n = P.shape[0]
    M = P.T - np.eye(n)
    M[-1] = 1.0
    b = np.zeros(n)
    b[-1] = 1.0
    pi = np.linalg.solve(M, b)
    return np.clip(pi, 0.0, None) / np.clip(pi, 0.0, None).sum()


def stationary_distributions(P: np.ndarray | Sequence[Sequence[float]]) -> list[np.ndarray]:
    """One stationary distribution per closed class (zero off the class), in the order of
    :func:`communicating_classes`; every stationary law of ``P`` is a mixture of these.

    >>> [pi.tolist() for pi in stationary_distributions([[1, 0, 0], [0.5, 0, 0.5], [0, 0, 1]])]
    [[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]
    """
    P = row_stochastic(P)
    out = []
    for members, closed in communicating_classes(P):
        if closed:
            pi = np.zeros(P.shape[0])
            pi[members] = stationary_distribution(P[np.ix_(members, members)])
            out.append(pi)
    return out


def parse_states(text: str, n_states: int) -> list[int]:
    """States typed as ``"0, 2"`` (commas or spaces), each a whole number from 0 to ``n_states − 1``.

    >>> parse_states("2 0", 3)
    [0, 2]
    """
    parts = [p for p in _ENTRIES.split(str(text)[:MAX_TYPED_CHARS].strip()) if p]
    if not parts:
        raise ValueError(f"Type one or more target states between 0 and {n_states - 1}, e.g. 0, 2.")

    def valid(p: str) -> bool:
        return p.isascii() and p.isdigit() and len(p) <= 6 and int(p) < n_states

    if not all(map(valid, parts)):
        bad = next(p for p in parts if not valid(p))
        shown = bad if len(bad) <= 12 else bad[:11] + "…"
        raise ValueError(f"Target states are whole numbers from 0 to {n_states - 1}; {shown!r} is not one.")
    return sorted({int(p) for p in parts})


COND_LIMIT = 1e10  # cond(V) above this: the eigenvectors do not span the space


def transition_power(P: np.ndarray | Sequence[Sequence[float]], t: int) -> np.ndarray:
    """``Pᵗ = V Λᵗ V⁻¹`` from the eigendecomposition of ``P`` (real; the imaginary rounding dropped).

    A ``P`` without an eigenbasis (``cond(V) > 1e10``, e.g. a Jordan block) raises ``ValueError``;
    ``numpy.linalg.matrix_power`` still works there. (``lib.linalg.eigen_power`` does the same for any
    matrix, but that package imports torch, which this page does not need.)

    >>> transition_power([[0.9, 0.1], [0.5, 0.5]], 2).round(12).tolist()
    [[0.86, 0.14], [0.7, 0.3]]
    """
    P = row_stochastic(P)
    if int(t) != t or not 0 <= t <= 10_000:
        raise ValueError(f"t must be a whole number from 0 to 10000, got {t}.")
    lam, V = np.linalg.eig(P)
    if np.linalg.cond(V) > COND_LIMIT:
        raise ValueError("P is not diagonalisable (its eigenvectors do not span the space), so Pᵗ = V Λᵗ V⁻¹ fails.")
    return np.clip(((V * lam ** int(t)) @ np.linalg.inv(V)).real, 0.0, 1.0)


def hitting_times(P: np.ndarray | Sequence[Sequence[float]], targets: Sequence[int]) -> np.ndarray:
    """Expected number of steps to reach the set ``targets`` from each state (0 on the set itself).

    ``h_i = 1 + Σ_j P[i, j] h_j`` off the set, solved on the states that reach it with probability
    1; from a state that may never reach it (it can get into a part of the chain the set cannot be
    reached from) the expectation is ``inf``.

    >>> hitting_times([[0.5, 0.5], [0, 1]], [1]).tolist()  # geometric: 2 flips on average
    [2.0, 0.0]
    """
    P = row_stochastic(P)
    n = P.shape[0]
    target = sorted({int(t) for t in targets})
    if not target or target[0] < 0 or target[-1] >= n:
        raise ValueError(f"targets must be one or more states between 0 and {n - 1}.")
    A = P > 0
    A[target] = False  # the walk stops on the set
    reaches = np.zeros(n, dtype=bool)
    reaches[target] = True
    reaches = _backward_closure(A, reaches)  # can reach the set
    lost = _backward_closure(A, ~reaches)  # can get where the set is out of reach
    h = np.full(n, np.inf)
    h[target] = 0.0
    rest = np.flatnonzero(~lost & ~np.isin(np.arange(n), target))
    if rest.size:
        Q = P[np.ix_(rest, rest)]
        h[rest] = np.linalg.solve(np.eye(rest.size) - Q, np.ones(rest.size))
    return h


def _backward_closure(A: np.ndarray, start: np.ndarray) -> np.ndarray:
    """States from which some path along ``A`` (``A[i, j]``: edge i → j) reaches a state in ``start``."""
    seen = start.copy()
    while True:
        grown = seen | (A.astype(int) @ seen.astype(int) > 0)
        if (grown == seen).all():
            return seen
        seen = grown
