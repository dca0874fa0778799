"""Races between coin patterns (Penney's game): the pattern automaton and the exact answer."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from lib.markov.absorbing import _identity, _solve_identity_minus, _to_fraction
from lib.markov.chains import evolve
from lib.validation import probability

_ALPHABET = "HT"  # the letters a coin pattern may use
MAX_PATTERN_LENGTH = 16


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
