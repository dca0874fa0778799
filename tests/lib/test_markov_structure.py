"""Any chain (classes, periods, stationary law, hitting times) against linear solves, matrix powers and
brute force; Penney's best response against the exact race solver and Conway's published odds."""

from __future__ import annotations

from fractions import Fraction
from itertools import product

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lib import markov


def random_chain(seed: int, n: int, sparsity: float) -> np.ndarray:
    rng = np.random.default_rng(seed)
    P = rng.random((n, n)) * (rng.random((n, n)) > sparsity)
    P[np.arange(n), rng.integers(0, n, n)] += 0.1  # no empty rows
    return P / P.sum(axis=1, keepdims=True)


def reachability(P: np.ndarray) -> np.ndarray:
    """i reaches j (in zero or more steps), by repeated boolean products."""
    n = P.shape[0]
    R = (P > 0) | np.eye(n, dtype=bool)
    for _ in range(n):
        R = R | ((R.astype(int) @ R.astype(int)) > 0)
    return R


@settings(max_examples=50, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(1, 9), sparsity=st.floats(0.0, 0.85))
def test_classes_match_brute_force_reachability(seed: int, n: int, sparsity: float) -> None:
    P = random_chain(seed, n, sparsity)
    R = reachability(P)
    classes = markov.communicating_classes(P)
    assert sorted(s for members, _ in classes for s in members) == list(range(n))
    for members, closed in classes:
        i = members[0]
        assert members == [j for j in range(n) if R[i, j] and R[j, i]]
        assert closed == all(set(np.flatnonzero(R[i])) <= set(members) for i in members)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(1, 9))
def test_stationary_distribution_solves_pi_p_equals_pi(seed: int, n: int) -> None:
    P = random_chain(seed, n, 0.0)  # dense: irreducible and aperiodic
    pi = markov.stationary_distribution(P)
    np.testing.assert_allclose(pi @ P, pi, atol=1e-12)
    assert pi.sum() == pytest.approx(1.0)
    np.testing.assert_allclose(np.linalg.matrix_power(P, 2_000)[0], pi, atol=1e-9)  # the limit of Pᵗ


def test_stationary_distribution_of_a_periodic_chain() -> None:
    P = [[0, 1, 0], [0.5, 0, 0.5], [0, 1, 0]]
    np.testing.assert_allclose(markov.stationary_distribution(P), [0.25, 0.5, 0.25])
    assert markov.period(P, [0, 1, 2]) == 2


@pytest.mark.parametrize(
    ("P", "expected"),
    [
        ([[0, 1, 0], [0, 0, 1], [1, 0, 0]], 3),
        ([[0, 1, 0], [0, 0, 1], [0.5, 0.5, 0]], 1),  # cycles of length 2 and 3
        ([[0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1], [0.5, 0, 0.5, 0]], 2),  # lengths 4 and 2
        ([[1.0]], 1),
    ],
)
def test_periods(P, expected: int) -> None:
    assert markov.period(P, list(range(len(P)))) == expected


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(2, 9), sparsity=st.floats(0.0, 0.8))
def test_hitting_times_solve_the_first_step_equations(seed: int, n: int, sparsity: float) -> None:
    P = random_chain(seed, n, sparsity)
    targets = [n - 1]
    h = markov.hitting_times(P, targets)
    assert h[n - 1] == 0
    finite = np.isfinite(h)
    for i in np.flatnonzero(finite):
        if i != n - 1:
            assert h[i] == pytest.approx(1 + P[i] @ np.where(finite, h, 0.0), rel=1e-9)
            assert P[i, ~finite].sum() == 0  # a finite mean never steps to an infinite one
    # inf exactly where the hitting probability (an absorbing-chain solve) is below 1
    others = [i for i in range(n) if i != n - 1]
    Q = P[np.ix_(others, others)]
    hit = np.linalg.lstsq(np.eye(n - 1) - Q, P[others, n - 1], rcond=None)[0]
    reach = reachability(np.where(np.eye(n, dtype=bool)[n - 1][:, None], 0, P))[others, n - 1]
    assert not np.any(finite[others] & (np.abs(hit - 1) > 1e-6) & reach)


def test_hitting_times_agree_with_the_absorbing_chain() -> None:
    # The notes' chain in row form: from H, expected flips until HHT or HTT decides.
    A = markov.hht_vs_htt_matrix()
    h = markov.hitting_times(A.T, [2, 3])
    absorbing = markov.absorbing_chain(A, [0, 1], [2, 3])
    np.testing.assert_allclose(h[list(absorbing.transient)], absorbing.expected_steps)


def test_hitting_time_is_infinite_when_the_walk_can_escape() -> None:
    P = [[0.5, 0.25, 0.25], [0, 1, 0], [0, 0, 1]]
    h = markov.hitting_times(P, [2])
    assert h[0] == np.inf
    assert h[1] == np.inf
    assert h[2] == 0


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("0.5 0.4; 0.5 0.5", "Row 0 of P sums to 0.9"),
        ("1 0; -0.5 1.5", "negative"),
        ("1 0 0; 0 1", "square"),
        ("a b; c d", "number or a fraction"),
        ("1/0 1; 1 0", "number or a fraction"),
        ("", "Type the rows"),
        ("1e400 0; 0 1", "finite number"),
        (";".join(["1"] * 11), "at most 10"),
    ],
)
def test_bad_matrices_give_one_sentence(text: str, fragment: str) -> None:
    with pytest.raises(ValueError, match=fragment):
        markov.parse_transition_matrix(text)


def test_reducible_chain_has_no_single_stationary_distribution() -> None:
    with pytest.raises(ValueError, match="not irreducible"):
        markov.stationary_distribution([[1, 0], [0.5, 0.5]])


# ---------------------------------------------------------------------------
# Penney's game
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("p", [Fraction(1, 2), Fraction(3, 5), Fraction(1, 5)])
def test_conway_odds_equal_the_exact_race(p: Fraction) -> None:
    for length in (2, 3, 4):
        patterns = ["".join(x) for x in product("HT", repeat=length)]
        for a in patterns:
            for b in patterns:
                if a != b:
                    race = markov.pattern_race([a, b], p, exact=True)
                    assert markov.conway_probability(a, b, p) == race.win_probabilities[1], (a, b)


# Penney's table for three flips, fair coin: the best reply and its odds.
PENNEY_TABLE = {
    "HHH": ("THH", 7),
    "HHT": ("THH", 3),
    "HTH": ("HHT", 2),
    "HTT": ("HHT", 2),
    "THH": ("TTH", 2),
    "THT": ("TTH", 2),
    "TTH": ("HTT", 3),
    "TTT": ("HTT", 7),
}


@pytest.mark.parametrize(("pattern", "reply_odds"), PENNEY_TABLE.items())
def test_best_response_matches_penneys_table(pattern: str, reply_odds: tuple[str, int]) -> None:
    r = markov.best_response(pattern)
    assert (r.reply, r.odds) == (reply_odds[0], Fraction(reply_odds[1]))


@pytest.mark.parametrize("length", [3, 4, 5, 6])
def test_a_best_reply_is_one_flip_then_the_pattern_without_its_last(length: int) -> None:
    # Guibas & Odlyzko (1981): some optimal reply to b1…bn is x b1…b(n−1); for n = 3 Conway's x = not b2.
    flip = {"H": "T", "T": "H"}
    for pattern in ("".join(x) for x in product("HT", repeat=length)):
        r = markov.best_response(pattern)
        shifted = max(markov.conway_probability(pattern, x + pattern[:-1]) for x in "HT" if x + pattern[:-1] != pattern)
        assert shifted == r.win_probability, pattern
        if length == 3:
            assert r.reply == flip[pattern[1]] + pattern[:-1]


def test_best_response_refuses_one_flip_and_long_patterns() -> None:
    with pytest.raises(ValueError, match="one-flip"):
        markov.best_response("H")
    with pytest.raises(ValueError, match="at most 10"):
        markov.best_response("H" * 11)


def test_transition_power_is_the_matrix_power() -> None:
    for seed in range(20):
        P = random_chain(seed, 6, 0.5)
        try:
            power = markov.transition_power(P, 7)
        except ValueError:
            continue  # no eigenbasis: refused in one sentence
        np.testing.assert_allclose(power, np.linalg.matrix_power(P, 7), atol=1e-9)
    with pytest.raises(ValueError, match="not diagonalisable"):
        markov.transition_power([[0, 1, 0], [0, 0, 1], [0, 0, 1]], 2)
