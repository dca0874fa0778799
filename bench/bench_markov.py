"""Markov page: rerun time after a slider move, and the race simulation against a plain Python loop."""

from __future__ import annotations

import random

from bench.common import Result, compare, page_rerun
from lib.markov import simulate_pattern_race

MARKOV = "pages/markov_chains.py"


def rerun_after_steps_slider(repeats: int) -> Result:
    return page_rerun(MARKOV, "mc_steps", [11, 12, 13, 14], "Markov page rerun after moving 'Steps t'", repeats)


def rerun_after_new_p_heads(repeats: int) -> Result:
    # A new P(heads) misses every cache: exact race, 10,000 simulated games, all charts.
    values = [round(0.30 + 0.01 * i, 2) for i in range(repeats + 2)]
    what = "Markov page rerun after a new 'P(heads)' (uncached)"
    return page_rerun(MARKOV, "mc_p_heads", values, what, repeats)


def _python_loop_race(patterns: list[str], p_heads: float, n_games: int, seed: int) -> list[int]:
    """The obvious implementation: flip one coin at a time and look at the end of the string."""
    rng = random.Random(seed)
    winners = []
    for _ in range(n_games):
        flips = ""
        while True:
            flips += "H" if rng.random() < p_heads else "T"
            won = [i for i, pattern in enumerate(patterns) if flips.endswith(pattern)]
            if won:
                winners.append(won[0])
                break
    return winners


def simulation_vs_python_loop(repeats: int) -> Result:
    patterns, n_games = ["HHT", "HTT", "THT"], 20_000
    ours_s, anchor_s = compare(
        lambda: simulate_pattern_race(patterns, 0.5, n_games, seed=1),
        lambda: _python_loop_race(patterns, 0.5, n_games, seed=1),
        repeats,
    )
    return Result(f"simulate_pattern_race, {n_games:,} games of 3 patterns", ours_s, "pure-Python flip loop", anchor_s)


def rerun_after_power_slider(repeats: int) -> Result:
    what = "Markov page rerun after moving 'Power t' in section 4 (every value seen before: cached)"
    return page_rerun(MARKOV, "mc_power", [5, 6, 7, 8], what, repeats, warm_all=True)


BENCHMARKS = [rerun_after_steps_slider, rerun_after_new_p_heads, simulation_vs_python_loop, rerun_after_power_slider]
