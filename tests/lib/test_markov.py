"""lib.markov against exact values from the notes and the literature, Conway's formulas, and simulation."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from lib import markov

# ---------------------------------------------------------------------------
# Oracles written independently of the automaton: Conway's correlations
# ---------------------------------------------------------------------------


def _prob(word: str, p: Fraction) -> Fraction:
    return p ** word.count("H") * (1 - p) ** word.count("T")


def conway_correlation(x: str, y: str, p: Fraction) -> Fraction:
    """Σ over k where the last k flips of x are the first k of y, of 1 / P(first k of y)."""
    return sum(
        (1 / _prob(y[:k], p) for k in range(1, min(len(x), len(y)) + 1) if x[-k:] == y[:k]),
        Fraction(0),
    )


def conway_race(a: str, b: str, p: Fraction) -> tuple[Fraction, Fraction]:
    """P(a appears before b) and the expected race length, from Conway's leading numbers."""
    aa, ab, ba, bb = (conway_correlation(x, y, p) for x, y in ((a, a), (a, b), (b, a), (b, b)))
    p_a = (bb - ba) / ((aa - ab) + (bb - ba))
    length = (aa * bb - ab * ba) / (aa + bb - ab - ba)
    return p_a, length


patterns_st = st.text(alphabet="HT", min_size=1, max_size=6)
p_st = st.sampled_from([Fraction(1, 2), Fraction(1, 3), Fraction(3, 5), Fraction(9, 10), Fraction(1, 20)])


# ---------------------------------------------------------------------------
# The notes' chain
# ---------------------------------------------------------------------------


def test_notes_chain_reproduces_the_printed_output() -> None:
    # The notes print np.round(A @ x, 2) iterated from x = [1, 0, 0, 0].
    printed = [
        [1, 0, 0, 0],
        [0.25, 0.25, 0.25, 0.25],
        [0.06, 0.19, 0.44, 0.31],
        [0.02, 0.11, 0.55, 0.32],
    ]
    A, x = markov.hht_vs_htt_matrix(), np.array([1.0, 0, 0, 0])
    for row in printed:
        np.testing.assert_allclose(x, row)
        x = np.round(A @ x, 2)


def test_notes_chain_limit_is_two_thirds_exactly() -> None:
    limit = markov.limit_distribution(markov.hht_vs_htt_matrix(), [1, 0, 0, 0], exact=True)
    assert list(limit) == [0, 0, Fraction(2, 3), Fraction(1, 3)]
    trajectory = markov.evolve(markov.hht_vs_htt_matrix(), [1, 0, 0, 0], 80)
    np.testing.assert_allclose(trajectory[-1], [0, 0, 2 / 3, 1 / 3], atol=1e-15)


def test_notes_chain_eigenvalues_and_convergence_rate() -> None:
    A = markov.hht_vs_htt_matrix()
    np.testing.assert_allclose(markov.eigenvalues(A), [1, 1, 0.5, 0.25])
    assert markov.convergence_rate(A) == pytest.approx(0.5)
    distance = markov.distance_to_limit(A, [1, 0, 0, 0], 30)
    np.testing.assert_allclose(distance[1:] / distance[:-1], 0.5, rtol=1e-12)
    # The shortcut (mass on transient states) equals the total-variation distance itself.
    trajectory = markov.evolve(A, [1, 0, 0, 0], 30)
    tv = 0.5 * np.abs(trajectory - [0, 0, 2 / 3, 1 / 3]).sum(axis=1)
    np.testing.assert_allclose(distance, tv, atol=1e-14)


def test_notes_chain_fundamental_matrix() -> None:
    chain = markov.absorbing_chain(markov.hht_vs_htt_matrix(), [0, 1], [2, 3], exact=True)
    assert chain.fundamental.tolist() == [[Fraction(4, 3), Fraction(2, 3)], [0, 2]]
    assert chain.absorption.tolist() == [[Fraction(2, 3), Fraction(1, 3)], [1, 0]]
    assert chain.expected_steps.tolist() == [2, 2]


def test_notes_chain_matches_the_automaton() -> None:
    # The notes' chain starts at the first head; the automaton's race from state "H" must agree.
    chain = markov.pattern_chain(["HHT", "HTT"], exact=True)
    solved = markov.absorbing_chain(chain.A, chain.transient, chain.absorbing, exact=True)
    h = chain.states.index("H")
    assert solved.absorption[h].tolist() == [Fraction(2, 3), Fraction(1, 3)]


# ---------------------------------------------------------------------------
# Pattern races: exact values
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("patterns", "expected"),
    [
        (["HHT", "HTT"], [Fraction(2, 3), Fraction(1, 3)]),  # the notes' puzzle
        (["THH", "HHT"], [Fraction(3, 4), Fraction(1, 4)]),  # Penney: THH beats HHT 3:1
        (["THH", "HHH"], [Fraction(7, 8), Fraction(1, 8)]),  # Penney: THH beats HHH 7:1
        (["HTH", "HHT"], [Fraction(1, 3), Fraction(2, 3)]),
        (["HH", "TT"], [Fraction(1, 2), Fraction(1, 2)]),
    ],
)
def test_known_races(patterns: list[str], expected: list[Fraction]) -> None:
    race = markov.pattern_race(patterns, exact=True)
    assert race.win_probabilities.tolist() == expected
    np.testing.assert_allclose(markov.pattern_race(patterns).win_probabilities, [float(v) for v in expected])


@pytest.mark.parametrize(("pattern", "wait"), [("HHH", 14), ("HT", 4), ("HH", 6), ("HTH", 10), ("HHT", 8), ("H", 2)])
def test_expected_waiting_times(pattern: str, wait: int) -> None:
    assert markov.expected_waiting_time(pattern, exact=True) == wait
    assert markov.expected_waiting_time(pattern) == pytest.approx(wait)


def test_biased_coin_waiting_time_for_a_run() -> None:
    # E[wait for k heads in a row] = (1 - p^k) / ((1 - p) p^k)
    p, k = 0.3, 4
    assert markov.expected_waiting_time("H" * k, p) == pytest.approx((1 - p**k) / ((1 - p) * p**k))


def test_exact_reads_decimals_as_typed() -> None:
    race = markov.pattern_race(["HHT", "HTT"], 0.55, exact=True)
    a, b = conway_race("HHT", "HTT", Fraction(11, 20))
    assert race.win_probabilities[0] == a
    assert race.expected_length == b


@settings(max_examples=60, deadline=None)
@given(a=patterns_st, b=patterns_st, p=p_st)
def test_two_pattern_races_match_conway(a: str, b: str, p: Fraction) -> None:
    assume(a not in b and b not in a)
    race = markov.pattern_race([a, b], p, exact=True)
    p_a, length = conway_race(a, b, p)
    assert race.win_probabilities.tolist() == [p_a, 1 - p_a]
    assert race.expected_length == length
    float_race = markov.pattern_race([a, b], float(p))
    np.testing.assert_allclose(float_race.win_probabilities, [float(p_a), float(1 - p_a)], rtol=1e-9)


@settings(max_examples=40, deadline=None)
@given(pattern=patterns_st, p=p_st)
def test_waiting_time_matches_conway(pattern: str, p: Fraction) -> None:
    assert markov.expected_waiting_time(pattern, p, exact=True) == conway_correlation(pattern, pattern, p)


@settings(max_examples=40, deadline=None)
@given(patterns=st.lists(patterns_st, min_size=1, max_size=4, unique=True), p=st.floats(0.05, 0.95))
def test_race_probabilities_sum_to_one(patterns: list[str], p: float) -> None:
    assume(not any(a != b and a in b for a in patterns for b in patterns))
    race = markov.pattern_race(patterns, p)
    assert race.win_probabilities.sum() == pytest.approx(1.0)
    assert np.all(race.win_probabilities >= 0)
    assert race.expected_length >= min(len(x) for x in patterns)


def test_race_chain_is_built_from_the_patterns() -> None:
    chain = markov.pattern_chain(["HHT", "HTT"], 0.5)
    assert chain.states == ("", "H", "HH", "HT", "HHT", "HTT")
    np.testing.assert_allclose(chain.A.sum(axis=0), 1.0)
    # From HH a head keeps HH, a tail completes HHT.
    assert chain.A[chain.states.index("HH"), chain.states.index("HH")] == 0.5
    assert chain.A[chain.states.index("HHT"), chain.states.index("HH")] == 0.5


def test_race_progress_ends_at_the_win_probabilities() -> None:
    progress = markov.race_progress(["HHT", "HTT"], 0.5, 200)
    np.testing.assert_allclose(progress[-1], [2 / 3, 1 / 3], atol=1e-12)
    assert np.all(np.diff(progress, axis=0) >= -1e-15)  # cumulative


# ---------------------------------------------------------------------------
# Absorbing chains: properties
# ---------------------------------------------------------------------------


@st.composite
def absorbing_chains(draw: st.DrawFn) -> tuple[np.ndarray, list[int], list[int]]:
    n_transient = draw(st.integers(1, 5))
    n_absorbing = draw(st.integers(1, 3))
    n = n_transient + n_absorbing
    weights = st.floats(0.0, 1.0, allow_nan=False)
    P = np.zeros((n, n))
    for i in range(n_transient):
        row = np.array(draw(st.lists(weights, min_size=n, max_size=n)))
        row[n_transient + i % n_absorbing] += 0.05  # every transient state can leave
        P[i] = row / row.sum()
    for j in range(n_transient, n):
        P[j, j] = 1.0
    return P, list(range(n_transient)), list(range(n_transient, n))


@settings(max_examples=60, deadline=None)
@given(chain=absorbing_chains())
def test_absorption_rows_sum_to_one_and_match_iteration(chain: tuple[np.ndarray, list[int], list[int]]) -> None:
    P, transient, absorbing = chain
    B = markov.absorption_probabilities(P, transient, absorbing)
    np.testing.assert_allclose(B.sum(axis=1), 1.0, atol=1e-9)
    assert np.all(B >= -1e-12)
    # Iterating the chain long enough lands in the same place (column form: A = P.T).
    for i, state in enumerate(transient):
        x0 = np.zeros(len(P))
        x0[state] = 1.0
        long_run = markov.evolve(P.T, x0, 3000)[-1]
        np.testing.assert_allclose(long_run[absorbing], B[i], atol=1e-6)


@settings(max_examples=40, deadline=None)
@given(chain=absorbing_chains())
def test_orientation_and_exactness_agree(chain: tuple[np.ndarray, list[int], list[int]]) -> None:
    P, transient, absorbing = chain
    rows = markov.absorbing_chain(P, transient, absorbing, orientation="rows")
    cols = markov.absorbing_chain(P.T, transient, absorbing, orientation="columns")
    np.testing.assert_allclose(rows.absorption, cols.absorption)
    np.testing.assert_allclose(rows.expected_steps, cols.expected_steps)
    np.testing.assert_allclose(
        rows.fundamental @ (np.eye(len(transient)) - P[np.ix_(transient, transient)]), np.eye(len(transient)), atol=1e-8
    )


def test_exact_absorption_is_rational() -> None:
    P = [[0.5, 0.25, 0.25], [0, 1, 0], [0, 0, 1]]
    B = markov.absorption_probabilities(P, [0], [1, 2], exact=True)
    assert B.tolist() == [[Fraction(1, 2), Fraction(1, 2)]]


@settings(max_examples=60, deadline=None)
@given(n=st.integers(1, 6), steps=st.integers(0, 30), data=st.data())
def test_evolve_keeps_probability_and_matches_matrix_power(n: int, steps: int, data: st.DataObject) -> None:
    raw = np.array(data.draw(st.lists(st.floats(0.01, 1.0), min_size=n * n, max_size=n * n))).reshape(n, n)
    A = raw / raw.sum(axis=0)
    x0 = np.full(n, 1 / n)
    trajectory = markov.evolve(A, x0, steps)
    assert trajectory.shape == (steps + 1, n)
    np.testing.assert_allclose(trajectory.sum(axis=1), 1.0)
    np.testing.assert_allclose(trajectory[-1], np.linalg.matrix_power(A, steps) @ x0, atol=1e-12)


# ---------------------------------------------------------------------------
# Simulation
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(("patterns", "p"), [(["HHT", "HTT"], 0.5), (["THH", "HHT", "HTH"], 0.5), (["HH", "TTT"], 0.3)])
def test_simulation_agrees_with_exact(patterns: list[str], p: float) -> None:
    n = 40_000
    sim = markov.simulate_pattern_race(patterns, p, n, seed=12345)
    race = markov.pattern_race(patterns, p)
    se = np.sqrt(race.win_probabilities * (1 - race.win_probabilities) / n)
    assert np.all(np.abs(sim.win_rates - race.win_probabilities) < 4.5 * se)
    length_se = sim.lengths.std() / np.sqrt(n)
    assert abs(sim.mean_length - race.expected_length) < 4.5 * length_se
    # The empirical "won by flip t" curve follows the chain iterated flip by flip.
    np.testing.assert_allclose(sim.decided_by(30), markov.race_progress(patterns, p, 30), atol=0.015)


def test_simulation_finds_the_first_occurrence() -> None:
    # With p close to 1, HHH almost always wins at flip 3.
    sim = markov.simulate_pattern_race(["HHH", "THT"], 0.999, 2_000, seed=1)
    assert np.mean(sim.lengths == 3) > 0.99
    assert np.all(sim.lengths >= 3)


def test_simulation_is_reproducible() -> None:
    a = markov.simulate_pattern_race(["HHT", "HTT"], 0.5, 1_000, seed=7)
    b = markov.simulate_pattern_race(["HHT", "HTT"], 0.5, 1_000, seed=7)
    c = markov.simulate_pattern_race(["HHT", "HTT"], 0.5, 1_000, seed=8)
    np.testing.assert_array_equal(a.winners, b.winners)
    np.testing.assert_array_equal(a.lengths, b.lengths)
    assert not np.array_equal(a.lengths, c.lengths)


def test_simulation_intervals_cover_at_the_nominal_rate() -> None:
    rng = np.random.default_rng(2024)
    covered = [
        markov.simulate_pattern_race(["HHT", "HTT"], 0.5, 400, seed=rng).covers([2 / 3, 1 / 3])[0] for _ in range(300)
    ]
    assert 0.90 <= np.mean(covered) <= 0.99


def test_simulation_refuses_runaway_work() -> None:
    with pytest.raises(ValueError, match="flips"):
        markov.simulate_pattern_race(["HHHHHHHHHH"], 0.05, 100)


def test_wilson_interval_matches_statsmodels() -> None:
    proportion = pytest.importorskip("statsmodels.stats.proportion")
    for k, n in [(0, 10), (3, 10), (50, 100), (999, 1000)]:
        low, high = markov.wilson_interval(k, n, 0.95)
        ref_low, ref_high = proportion.proportion_confint(k, n, alpha=0.05, method="wilson")
        assert low == pytest.approx(ref_low)
        assert high == pytest.approx(ref_high)


# ---------------------------------------------------------------------------
# Bad input: one clear sentence
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "at least one"),
        ("   ", "at least one"),
        ("HXT", "letters H and T"),
        ("HHT HHT", "only once"),
        ("HT HTT", "occurs inside"),
        ("H" * 11, "at most 10"),
        ("H T HH TT HT TH HHH", "at most 6"),
        ("<b>hi</b>", "letters H and T"),
        ("héllo", "letters H and T"),
    ],
)
def test_parse_patterns_rejects_bad_input(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        markov.parse_patterns(text)


def test_parse_patterns_accepts_friendly_input() -> None:
    assert markov.parse_patterns(" hht,HTT ") == ("HHT", "HTT")


@pytest.mark.parametrize("p", [0.0, 1.0, -0.1, 1.5, float("nan")])
def test_p_heads_outside_the_open_interval(p: float) -> None:
    with pytest.raises(ValueError, match="p_heads"):
        markov.pattern_race(["HT"], p)


@pytest.mark.parametrize(
    "A",
    [
        [[0.5, 0.5], [0.6, 0.5]],  # columns do not sum to 1
        [[1.0, 0.0]],  # not square
        [[np.nan, 0.0], [1.0, 1.0]],
        [[1.5, 0.0], [-0.5, 1.0]],
    ],
)
def test_evolve_rejects_non_stochastic_matrices(A: list[list[float]]) -> None:
    with pytest.raises(ValueError, match=r"A must|column of A"):
        markov.evolve(A, [1.0, 0.0], 3)


def test_absorbing_chain_errors() -> None:
    with pytest.raises(ValueError, match="split"):
        markov.absorbing_chain(markov.hht_vs_htt_matrix(), [0], [2, 3])
    with pytest.raises(ValueError, match="singular"):
        # State 0 and 1 swap forever and never reach state 2.
        markov.absorbing_chain([[0, 1, 0], [1, 0, 0], [0, 0, 1]], [0, 1], [2])
    with pytest.raises(ValueError, match="Neither"):
        markov.absorbing_chain([[0.5, 0.2], [0.3, 0.3]], [0], [1])
