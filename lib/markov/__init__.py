"""Markov chains: iterate a chain, absorb it, and race coin patterns through it.

Conventions follow the notes: a state distribution is a column vector and
``x_{t+1} = A @ x_t``, so the *columns* of ``A`` sum to 1 (``A[i, j]`` is the
probability of moving from state ``j`` to state ``i``). The absorbing-chain
functions also accept the textbook row-stochastic ``P`` (``P[i, j] = P(i -> j)``).

Every exact result is computed with :class:`fractions.Fraction` (``exact=True``);
probabilities given as floats are read as the decimal they print as, so
``p_heads=0.55`` becomes exactly 11/20.

Modules: ``chains`` (iterating a chain, its eigenvalues and speed), ``absorbing`` (the fundamental
matrix, absorption probabilities, limits, the notes' HHT vs HTT chain), ``patterns`` (the pattern
automaton and exact races), ``simulation`` (simulated races and their intervals), ``structure`` (any
row-stochastic chain: classes, periods, stationary law, hitting times), ``penney`` (Penney's game
best response by Conway's odds).
"""

from lib.markov.absorbing import (
    HHT_VS_HTT_LABELS,
    AbsorbingChain,
    absorbing_chain,
    absorption_probabilities,
    hht_vs_htt_matrix,
    limit_distribution,
)
from lib.markov.chains import Orientation, convergence_rate, distance_to_limit, eigenvalues, evolve
from lib.markov.patterns import (
    MAX_PATTERN_LENGTH,
    PatternChain,
    RaceResult,
    expected_waiting_time,
    parse_patterns,
    pattern_chain,
    pattern_race,
    race_progress,
)
from lib.markov.penney import MAX_PENNEY_LENGTH, BestResponse, best_response, conway_probability, correlation
from lib.markov.simulation import RaceSimulation, simulate_pattern_race, wilson_interval
from lib.markov.structure import (
    MAX_STATES,
    communicating_classes,
    hitting_times,
    parse_states,
    parse_transition_matrix,
    period,
    row_stochastic,
    stationary_distribution,
    stationary_distributions,
    transition_power,
)

__all__ = [
    "HHT_VS_HTT_LABELS",
    "MAX_PATTERN_LENGTH",
    "MAX_PENNEY_LENGTH",
    "MAX_STATES",
    "AbsorbingChain",
    "BestResponse",
    "Orientation",
    "PatternChain",
    "RaceResult",
    "RaceSimulation",
    "absorbing_chain",
    "absorption_probabilities",
    "best_response",
    "communicating_classes",
    "convergence_rate",
    "conway_probability",
    "correlation",
    "distance_to_limit",
    "eigenvalues",
    "evolve",
    "expected_waiting_time",
    "hht_vs_htt_matrix",
    "hitting_times",
    "limit_distribution",
    "parse_patterns",
    "parse_states",
    "parse_transition_matrix",
    "pattern_chain",
    "pattern_race",
    "period",
    "race_progress",
    "row_stochastic",
    "simulate_pattern_race",
    "stationary_distribution",
    "stationary_distributions",
    "transition_power",
    "wilson_interval",
]
