"""Markov chains: iterate a chain, absorb it, and race coin patterns through it.

Conventions follow the notes: a state distribution is a column vector and
``x_{t+1} = A @ x_t``, so the *columns* of ``A`` sum to 1 (``A[i, j]`` is the
probability of moving from state ``j`` to state ``i``). The absorbing-chain
functions also accept the textbook row-stochastic ``P`` (``P[i, j] = P(i -> j)``).

Every exact result is computed with :class:`fractions.Fraction` (``exact=True``);
probabilities given as floats are read as the decimal they print as, so
``p_heads=0.55`` becomes exactly 11/20.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from statistics import NormalDist
from typing import Literal

import numpy as np

from lib.validation import probability

_TOL = 1e-9
_ALPHABET = "HT"  # the letters a coin pattern may use
MAX_PATTERN_LENGTH = 16

Orientation = Literal["auto", "rows", "columns"]


# ---------------------------------------------------------------------------
# Iterating a chain
# ---------------------------------------------------------------------------


def _column_stochastic(A: np.ndarray | Sequence[Sequence[float]]) -> np.ndarray:
    A = np.asarray(A, dtype=float)
    if A.ndim != 2 or A.shape[0] != A.shape[1] or A.shape[0] == 0:
        raise ValueError(f"A must be a non-empty square matrix, got shape {A.shape}.")
    if not np.all(np.isfinite(A)) or np.any(A < -_TOL):
        raise ValueError("A must hold finite, non-negative transition probabilities.")
    sums = A.sum(axis=0)
    if not np.allclose(sums, 1.0, atol=1e-8):
        raise ValueError(
            f"Every column of A must sum to 1 (x_(t+1) = A x_t); column sums are {np.round(sums, 6).tolist()}."
        )
    return A


def evolve(A: np.ndarray | Sequence[Sequence[float]], x0: Sequence[float], steps: int) -> np.ndarray:
    """Iterate ``x_{t+1} = A @ x_t`` and return every state distribution.

    Parameters
    ----------
    A : (n, n) column-stochastic matrix, ``A[i, j] = P(j -> i)``.
    x0 : (n,) starting distribution (non-negative, sums to 1).
    steps : number of transitions, ``>= 0``.

    Returns
    -------
    (steps + 1, n) array whose row ``t`` is ``x_t = A^t x_0``.

    Example
    -------
    >>> evolve([[0.5, 0.0], [0.5, 1.0]], [1.0, 0.0], 2)[-1]
    array([0.25, 0.75])
    """
    A = _column_stochastic(A)
    x = np.asarray(x0, dtype=float)
    if x.shape != (A.shape[0],):
        raise ValueError(f"x0 must have {A.shape[0]} entries to match A, got shape {x.shape}.")
    if np.any(x < -_TOL) or not np.isclose(x.sum(), 1.0, atol=1e-8):
        raise ValueError("x0 must be a probability vector: non-negative entries that sum to 1.")
    if int(steps) != steps or steps < 0:
        raise ValueError(f"steps must be a whole number >= 0, got {steps}.")
    out = np.empty((int(steps) + 1, A.shape[0]))
    out[0] = x
    for t in range(int(steps)):
        out[t + 1] = A @ out[t]
    return out


def eigenvalues(A: np.ndarray | Sequence[Sequence[float]]) -> np.ndarray:
    """Eigenvalues of a transition matrix, largest modulus first (complex array)."""
    lam = np.linalg.eigvals(np.asarray(A, dtype=float)).astype(complex)
    return lam[np.lexsort((-lam.real, -np.abs(lam)))]


def convergence_rate(A: np.ndarray | Sequence[Sequence[float]]) -> float:
    """Largest ``|λ|`` among the eigenvalues of ``A`` other than 1.

    For a chain that converges, ``||x_t - x_∞||`` shrinks like ``rate**t``;
    a rate of 1 (another eigenvalue on the unit circle) means it oscillates forever.
    For the notes' HHT/HTT chain the eigenvalues are 1, 1, 0.5, 0.25, so the rate is 0.5.
    """
    lam = eigenvalues(A)
    others = lam[np.abs(lam - 1.0) > 1e-9]
    return float(np.abs(others).max()) if others.size else 0.0


def distance_to_limit(A: np.ndarray | Sequence[Sequence[float]], x0: Sequence[float], steps: int) -> np.ndarray:
    """Total-variation distance ``½‖x_t − x_∞‖₁`` for t = 0..steps, for an absorbing chain.

    For an absorbing chain this equals the mass still on transient states, P(not absorbed
    by step t), which is how it is computed (no cancellation against the limit). It decays
    like ``convergence_rate(A) ** t``.
    """
    trajectory = evolve(A, x0, steps)
    A = np.asarray(A, dtype=float)
    transient = [j for j in range(A.shape[0]) if A[j, j] != 1.0]
    return trajectory[:, transient].sum(axis=1)


# ---------------------------------------------------------------------------
# Absorbing chains
# ---------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------
# The notes' chain
# ---------------------------------------------------------------------------

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


# ---------------------------------------------------------------------------
# Pattern races (Penney's game)
# ---------------------------------------------------------------------------


def _short(text: str, limit: int = 24) -> str:
    """Quote user text for an error message, cut to ``limit`` characters."""
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


def _check_letters(pattern: str) -> None:
    if not pattern or set(pattern.upper()) - set(_ALPHABET):
        raise ValueError(f"Patterns are made of the letters H and T only; {_short(pattern)} is not.")


def _validate_patterns(patterns: Sequence[str]) -> tuple[str, ...]:
    if isinstance(patterns, str):
        patterns = [patterns]
    pats = tuple(str(p).strip().upper() for p in patterns)
    if not pats:
        raise ValueError("Give at least one coin pattern, such as HHT.")
    for p in pats:
        _check_letters(p)
        if len(p) > MAX_PATTERN_LENGTH:
            raise ValueError(f"Patterns may be at most {MAX_PATTERN_LENGTH} flips long; {_short(p)} has {len(p)}.")
    if len(set(pats)) != len(pats):
        raise ValueError("Each pattern may appear only once in a race.")
    for a in pats:
        for b in pats:
            if a != b and a in b:
                raise ValueError(
                    f"{a!r} occurs inside {b!r}, so {b!r} could never finish first; "
                    "choose patterns where none contains another."
                )
    return pats


def parse_patterns(text: str, *, max_patterns: int = 6, max_length: int = 10) -> tuple[str, ...]:
    """Read patterns typed as ``"HHT, HTT"`` (commas or spaces, any case) and validate them.

    The limits keep the exact rational solution interactive (under a second).
    """
    patterns = [p for p in str(text).replace(",", " ").split() if p]
    if len(patterns) > max_patterns:
        raise ValueError(f"Race at most {max_patterns} patterns at once; {len(patterns)} were given.")
    for p in patterns:
        _check_letters(p)
        if len(p) > max_length:
            raise ValueError(f"Patterns here may be at most {max_length} flips long; one has {len(p)}.")
    return _validate_patterns(patterns)


@dataclass(frozen=True)
class PatternChain:
    """The Markov chain of a race between coin patterns, one flip per step.

    Attributes
    ----------
    patterns : the racing patterns.
    states : the chain's states: the transient prefixes first (``""`` = nothing useful yet),
        then one absorbing state per pattern, named by the pattern.
    A : (n, n) column-stochastic matrix, ``A[i, j] = P(state j -> state i)`` for one flip.
    """

    patterns: tuple[str, ...]
    states: tuple[str, ...]
    A: np.ndarray

    @property
    def transient(self) -> tuple[int, ...]:
        return tuple(range(len(self.states) - len(self.patterns)))

    @property
    def absorbing(self) -> tuple[int, ...]:
        return tuple(range(len(self.states) - len(self.patterns), len(self.states)))


def _pattern_automaton(patterns: tuple[str, ...]) -> tuple[tuple[str, ...], dict[tuple[str, str], str]]:
    """States and transitions of the pattern-matching automaton (Aho-Corasick on {H, T}).

    A state is the longest suffix of the flips so far that is a prefix of some pattern;
    reading a flip that completes a pattern moves to that pattern's absorbing state.
    """
    prefixes = {p[:i] for p in patterns for i in range(len(p))}

    def after(state: str, flip: str) -> str:
        s = state + flip
        done = [p for p in patterns if s.endswith(p)]
        if done:
            return done[0]  # unique: no pattern contains another
        return next(s[i:] for i in range(len(s) + 1) if s[i:] in prefixes)

    transitions: dict[tuple[str, str], str] = {}
    order, queue = [""], [""]
    while queue:  # breadth first, so states are listed from short to long
        state = queue.pop(0)
        for flip in "HT":
            nxt = after(state, flip)
            transitions[state, flip] = nxt
            if nxt not in order and nxt not in patterns:
                order.append(nxt)
                queue.append(nxt)
    return tuple(order) + patterns, transitions


def pattern_chain(patterns: Sequence[str], p_heads: float | Fraction = 0.5, *, exact: bool = False) -> PatternChain:
    """Build the race chain of :class:`PatternChain` from the patterns, flip by flip.

    Example
    -------
    >>> pattern_chain(["HHT", "HTT"]).states
    ('', 'H', 'HH', 'HT', 'HHT', 'HTT')
    """
    pats = _validate_patterns(patterns)
    p = probability("p_heads", p_heads)
    if exact:
        p = _to_fraction(p_heads)  # a Fraction stays as given; a float is read as its decimal
    states, transitions = _pattern_automaton(pats)
    index = {s: i for i, s in enumerate(states)}
    zero, one = (Fraction(0), Fraction(1)) if exact else (0.0, 1.0)
    A = np.array([[zero] * len(states) for _ in states], dtype=object if exact else float)
    for (state, flip), nxt in transitions.items():
        A[index[nxt], index[state]] += p if flip == "H" else one - p
    for pat in pats:
        A[index[pat], index[pat]] = one
    return PatternChain(patterns=pats, states=states, A=A)


@dataclass(frozen=True)
class RaceResult:
    """Exact outcome of a pattern race.

    win_probabilities : (n_patterns,) P(pattern i appears first), in the order given.
    expected_length : expected number of flips until the first pattern appears.
    """

    patterns: tuple[str, ...]
    win_probabilities: np.ndarray
    expected_length: float | Fraction


def pattern_race(patterns: Sequence[str], p_heads: float | Fraction = 0.5, *, exact: bool = False) -> RaceResult:
    """Exact win probabilities and expected length of a race between coin patterns.

    Built from the pattern automaton (:func:`pattern_chain`) and solved as an absorbing
    chain started from no flips. No pattern may contain another. ``exact=True`` returns
    Fractions.

    Example
    -------
    >>> race = pattern_race(["HHT", "HTT"], exact=True)
    >>> [str(p) for p in race.win_probabilities], race.expected_length
    (['2/3', '1/3'], Fraction(16, 3))
    """
    chain = pattern_chain(patterns, p_heads, exact=exact)
    rows = chain.A.T  # row form: rows[i, j] = P(i -> j)
    transient, absorbing = list(chain.transient), list(chain.absorbing)
    Q, R = rows[np.ix_(transient, transient)], rows[np.ix_(transient, absorbing)]
    ones = _identity(1, exact)[0, 0] * np.ones((len(transient), 1), dtype=int)
    # One solve for the start state's row of B = N R and of t = N 1, not the whole N.
    solution = _solve_identity_minus(Q, np.concatenate([R, ones], axis=1), exact)
    start = 0  # the empty prefix
    length = solution[start, -1]
    return RaceResult(
        patterns=chain.patterns,
        win_probabilities=solution[start, :-1].copy(),
        expected_length=length if exact else float(length),
    )


def race_progress(patterns: Sequence[str], p_heads: float = 0.5, flips: int = 20) -> np.ndarray:
    """P(pattern i has won by flip t) for t = 0..flips: (flips + 1, n_patterns), exact via :func:`evolve`."""
    chain = pattern_chain(patterns, p_heads)
    x0 = np.zeros(len(chain.states))
    x0[0] = 1.0
    return evolve(chain.A, x0, flips)[:, list(chain.absorbing)]


def expected_waiting_time(pattern: str, p_heads: float | Fraction = 0.5, *, exact: bool = False) -> float | Fraction:
    """Expected number of flips until ``pattern`` first appears (E[HHH] = 14 for a fair coin)."""
    return pattern_race([pattern], p_heads, exact=exact).expected_length


@dataclass(frozen=True)
class RaceSimulation:
    """Monte-Carlo outcome of a pattern race.

    winners : (n_games,) index of the pattern that appeared first in each game.
    lengths : (n_games,) number of flips each game lasted.
    """

    patterns: tuple[str, ...]
    winners: np.ndarray
    lengths: np.ndarray

    @property
    def n_games(self) -> int:
        return int(self.winners.size)

    @property
    def win_counts(self) -> np.ndarray:
        return np.bincount(self.winners, minlength=len(self.patterns))

    @property
    def win_rates(self) -> np.ndarray:
        return self.win_counts / self.n_games

    @property
    def mean_length(self) -> float:
        return float(self.lengths.mean())

    def decided_by(self, flips: int) -> np.ndarray:
        """Fraction of games won by pattern i within t flips, t = 0..flips: (flips + 1, n_patterns)."""
        t = np.arange(int(flips) + 1)
        return (
            np.stack(
                [(self.lengths[self.winners == i][:, None] <= t).sum(axis=0) for i in range(len(self.patterns))], axis=1
            )
            / self.n_games
        )

    def win_rate_intervals(self, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
        """Wilson score interval for each pattern's win probability."""
        return wilson_interval(self.win_counts, self.n_games, level)

    def covers(self, win_probabilities: Sequence[float], level: float = 0.95) -> np.ndarray:
        """Whether each exact win probability lies inside its simulated ``level`` interval."""
        low, high = self.win_rate_intervals(level)
        p = np.asarray(win_probabilities, dtype=float)
        return (low <= p) & (p <= high)

    def mean_length_interval(self, level: float = 0.95) -> tuple[float, float]:
        """Normal (CLT) interval for the expected race length."""
        z = _z(level)
        se = float(self.lengths.std(ddof=1)) / np.sqrt(self.n_games) if self.n_games > 1 else 0.0
        return float(self.mean_length - z * se), float(self.mean_length + z * se)


def _z(level: float) -> float:
    if not 0.0 < level < 1.0:
        raise ValueError(f"level must lie strictly between 0 and 1, got {level}.")
    return NormalDist().inv_cdf(0.5 + level / 2)


def wilson_interval(successes: np.ndarray | int, n: int, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for a binomial proportion.

    ``(p̂ + z²/2n ± z √(p̂(1-p̂)/n + z²/4n²)) / (1 + z²/n)`` with ``z`` the normal quantile.
    """
    z = _z(level)
    k = np.asarray(successes, dtype=float)
    p_hat = k / n
    centre = (p_hat + z**2 / (2 * n)) / (1 + z**2 / n)
    half = z * np.sqrt(p_hat * (1 - p_hat) / n + z**2 / (4 * n**2)) / (1 + z**2 / n)
    return centre - half, centre + half


def simulate_pattern_race(
    patterns: Sequence[str],
    p_heads: float = 0.5,
    n_games: int = 10_000,
    seed: int | np.random.Generator | None = None,
    *,
    max_total_flips: float = 5e7,
) -> RaceSimulation:
    """Flip coins until one of the patterns appears, ``n_games`` times.

    Independent of the automaton: each game keeps the last few flips as bits and
    compares them with every pattern after each flip. All games run side by side
    (vectorised over games, one flip per loop). Raises ``ValueError`` when the
    expected total number of flips exceeds ``max_total_flips``.
    """
    pats = _validate_patterns(patterns)
    p = probability("p_heads", p_heads)
    if int(n_games) != n_games or n_games < 1:
        raise ValueError(f"n_games must be a whole number >= 1, got {n_games}.")
    n_games = int(n_games)
    expected = pattern_race(pats, p).expected_length
    if expected * n_games > max_total_flips:
        raise ValueError(
            f"A race lasts about {expected:,.0f} flips on average, so {n_games:,} games would need "
            f"{expected * n_games:.2g} flips (limit {max_total_flips:.2g}); use fewer games or a p_heads nearer 0.5."
        )
    rng = np.random.default_rng(seed)
    # Each pattern as an integer with H = 1, most recent flip in the lowest bit.
    codes = np.array([int(pat.replace("H", "1").replace("T", "0"), 2) for pat in pats], dtype=np.int64)
    lengths_of = np.array([len(pat) for pat in pats])
    masks = (np.int64(1) << lengths_of) - 1

    winners = np.full(n_games, -1, dtype=np.int64)
    lengths = np.zeros(n_games, dtype=np.int64)
    active = np.arange(n_games)
    history = np.zeros(n_games, dtype=np.int64)  # last flips of each active game, as bits
    flips = 0
    while active.size:
        flips += 1
        heads = rng.random(active.size) < p
        history = (history << 1) | heads
        # (n_active, n_patterns): does the last len(pattern) flips equal the pattern?
        hit = ((history[:, None] & masks) == codes) & (flips >= lengths_of)
        done = hit.any(axis=1)
        if done.any():
            winners[active[done]] = hit[done].argmax(axis=1)
            lengths[active[done]] = flips
            active, history = active[~done], history[~done]
        history &= (np.int64(1) << MAX_PATTERN_LENGTH) - 1  # keep the bits bounded
    return RaceSimulation(patterns=pats, winners=winners, lengths=lengths)
